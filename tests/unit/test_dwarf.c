/*
 * The DWARF library (include/zdiag/dwarf.h, dvalue.h) on a real process:
 * tests/helpers/dbg_vars (-O0 and -O2) parks at a known point; we attach,
 * walk the frames through the CFI, read arguments, locals and globals,
 * detach, and compare with the values the program defines and with what
 * gdb prints on the same stop (`info locals`, `info args`, `print`).
 * Afterwards the target runs, untraced.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unit.h"
#include "zdiag/common.h"
#include "zdiag/dwarf.h"
#include "zdiag/ptrace.h"
#include "zdiag/strbuf.h"

#define MAXF 32

struct sess {
	pid_t pid;
	int out;
	struct zd_ptrace pt;
	struct zd_space sp;
	struct zd_di *di;
	struct zd_dframe fr[MAXF];
	size_t nfr;
	struct zd_fmt fmt;
};

static ssize_t
reader(void *ctx, uint64_t addr, void *buf, size_t len)
{
	return zd_pt_read_raw(ctx, addr, buf, len);
}

static const char *
helper_path(const char *name)
{
	static char buf[4096];
	const char *dir = getenv("ZDIAG_HELPERS");

	snprintf(buf, sizeof(buf), "%s/%s", dir ? dir : ZD_SRCDIR "/build/helpers", name);
	return buf;
}

static bool
have_gdb(void)
{
	return system("gdb --version >/dev/null 2>&1") == 0;
}

/* Start the helper; return once it printed "ready" (it is parked). */
static pid_t
spawn(const char *prog, int *out)
{
	int p[2];
	char buf[64];
	size_t got = 0;
	pid_t c;

	if (pipe(p) < 0)
		return -1;
	c = fork();
	if (c == 0) {
		close(p[0]);
		dup2(p[1], 1);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		execl(prog, prog, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	while (got < 6) {
		ssize_t n = read(p[0], buf + got, sizeof(buf) - 1 - got);

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	if (strncmp(buf, "ready\n", 6)) {
		kill(c, SIGKILL);
		waitpid(c, NULL, 0);
		close(p[0]);
		return -1;
	}
	/* "ready" is written just before the sleep loop: wait until the
	 * thread is inside clock_nanosleep (230), so every debugger sees the
	 * same stack */
	for (got = 0; got < 2000; got++) {
		char path[64], sc[32] = "";
		FILE *f;

		snprintf(path, sizeof(path), "/proc/%d/syscall", (int)c);
		f = fopen(path, "r");
		if (f) {
			if (!fgets(sc, sizeof(sc), f))
				sc[0] = '\0';
			fclose(f);
		}
		if (!strncmp(sc, "230 ", 4))
			break;
		usleep(5000);
	}
	*out = p[0];
	return c;
}

static void
sess_open(struct sess *s, const char *prog)
{
	struct zd_thread *t;
	int ret;

	memset(s, 0, sizeof(*s));
	if (access(helper_path(prog), X_OK) != 0)
		zd_skip("no %s (make helpers)", helper_path(prog));
	s->pid = spawn(helper_path(prog), &s->out);
	assert_true(s->pid > 0);
	zd_pt_init(&s->pt);
	ret = zd_pt_attach(&s->pt, s->pid, 2000);
	if (ret == -EPERM) {
		kill(s->pid, SIGKILL);
		waitpid(s->pid, NULL, 0);
		zd_skip("ptrace attach not permitted (EPERM: yama ptrace_scope or seccomp)");
	}
	assert_int_equal(ret, 0);
	t = zd_pt_thread(&s->pt, s->pid);
	assert_non_null(t);
	assert_int_equal(zd_pt_getregs(&s->pt, t), 0);
	zd_space_init(&s->sp);
	assert_int_equal(zd_space_load(&s->sp, s->pid, reader, &s->pt), 0);
	s->di = zd_di_new(&s->sp);
	zd_dregs_from_user(&s->fr[0].regs, &t->regs);
	s->fr[0].mem = reader;
	s->fr[0].ctx = &s->pt;
	for (s->nfr = 1; s->nfr < MAXF; s->nfr++)
		if (zd_di_frame_up(s->di, &s->fr[s->nfr - 1], &s->fr[s->nfr]) < 0)
			break;
	s->fmt.mem = reader;
	s->fmt.ctx = &s->pt;
	s->fmt.namer = zd_di_name_addr;
	s->fmt.namer_ctx = s->di;
}

/* TracerPid of pid, -1 if unreadable. */
static int
tracer_of(pid_t pid)
{
	char path[64], line[256];
	FILE *f;
	int tp = -1;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "TracerPid: %d", &tp) == 1)
			break;
	fclose(f);
	return tp;
}

static void
sess_detach(struct sess *s)
{
	assert_int_equal(zd_pt_detach(&s->pt), 0);
	zd_pt_release(&s->pt);
	assert_int_equal(tracer_of(s->pid), 0);
}

/* The target still runs (parked in nanosleep) and is untraced; then end it. */
static void
sess_close(struct sess *s)
{
	int st;

	zd_di_free(s->di);
	zd_space_release(&s->sp);
	assert_int_equal(tracer_of(s->pid), 0);
	assert_int_equal(kill(s->pid, 0), 0);
	assert_int_equal(waitpid(s->pid, &st, WNOHANG), 0);
	kill(s->pid, SIGKILL);
	assert_int_equal(waitpid(s->pid, &st, 0), s->pid);
	assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	close(s->out);
}

/* Physical frame and inline index of function name; *vnum: gdb's frame number. */
static int
find_frame(struct sess *s, const char *name, unsigned *inl, unsigned *vnum)
{
	size_t i;
	unsigned v = 0;

	for (i = 0; i < s->nfr; i++) {
		struct zd_srcpos pos[8];
		int n = zd_di_inline_chain(s->di, s->fr[i].regs.r[16], s->fr[i].caller, pos, 8), k;

		if (n < 0) {
			v++;
			continue;
		}
		for (k = 0; k < n; k++, v++)
			if (pos[k].func && !strcmp(pos[k].func, name)) {
				*inl = (unsigned)k;
				*vnum = v;
				return (int)i;
			}
	}
	return -1;
}

/* "name = value" lines of info locals + info args for a frame, into sb. */
static void
frame_vars(struct sess *s, int fi, unsigned inl, struct zd_sb *sb)
{
	struct zd_dvar *v;
	size_t n, i;
	struct zd_fmt f = s->fmt;
	unsigned pass;

	f.bare = true;
	for (pass = 0; pass < 2; pass++) {
		assert_int_equal(zd_di_locals(s->di, &s->fr[fi], inl, pass ? ZD_DI_ARGS : ZD_DI_LOCALS, &v, &n), 0);
		for (i = 0; i < n; i++) {
			zd_sb_addf(sb, "%s = ", v[i].name);
			zd_value_format(&v[i].value, &f, sb);
			zd_sb_addc(sb, '\n');
		}
		zd_dvars_free(v, n);
	}
}

static void
print_var(struct sess *s, int fi, unsigned inl, const char *name, struct zd_sb *sb)
{
	struct zd_value v;

	assert_int_equal(zd_di_lookup(s->di, &s->fr[fi], inl, name, &v), 0);
	zd_value_format(&v, &s->fmt, sb);
	zd_sb_addc(sb, '\n');
	zd_value_release(&v);
}

/* gdb's "name = value" / "$N = value" lines (prefix stripped for $N) for cmds. */
static void
gdb_lines(pid_t pid, const char *cmds, struct zd_sb *sb)
{
	char cmd[4096], line[8192];
	FILE *p;

	snprintf(cmd, sizeof(cmd), "gdb -nx -batch -p %d %s 2>/dev/null", (int)pid, cmds);
	p = popen(cmd, "r");
	assert_non_null(p);
	while (fgets(line, sizeof(line), p)) {
		if (getenv("ZD_GDB_RAW"))
			print_message("# gdb> %s", line);
		char *eq = strstr(line, " = ");
		size_t k;

		if (!eq || line[0] == '#' || line[0] == ' ')
			continue;
		if (line[0] == '$') {
			zd_sb_adds(sb, eq + 3);
			continue;
		}
		for (k = 0; line + k < eq; k++)
			if (!(line[k] == '_' || (line[k] >= 'a' && line[k] <= 'z') || (line[k] >= 'A' && line[k] <= 'Z') ||
			      (line[k] >= '0' && line[k] <= '9')))
				break;
		if (line + k == eq)
			zd_sb_adds(sb, line);
	}
	pclose(p);
}

/* The first differing line of two texts, as TAP comments. */
static void
show_diff(const char *a, const char *b)
{
	const char *la = a, *lb = b;
	int line = 1;

	while (*a && *a == *b) {
		if (*a == '\n') {
			line++;
			la = a + 1;
			lb = b + 1;
		}
		a++;
		b++;
	}
	print_message("# line %d differs\n# zdiag: %.*s\n# gdb:   %.*s\n", line, (int)strcspn(la, "\n"), la,
		      (int)strcspn(lb, "\n"), lb);
}

static void
check_vars(const char *prog, bool optimized)
{
	struct sess s;
	struct zd_sb mine = ZD_SB_INIT, gdb = ZD_SB_INIT, cmds = ZD_SB_INIT;
	unsigned inl_mid, inl_leaf, inl_rec, v_mid, v_leaf, v_rec;
	int f_mid, f_leaf, f_rec;

	sess_open(&s, prog);
	f_mid = find_frame(&s, "mid", &inl_mid, &v_mid);
	f_leaf = find_frame(&s, "leaf", &inl_leaf, &v_leaf);
	f_rec = find_frame(&s, "recurse", &inl_rec, &v_rec);
	assert_true(f_mid >= 0 && f_leaf >= 0 && f_rec >= 0);
	/* mid is inlined into leaf: one physical frame, two inline frames */
	assert_int_equal(f_mid, f_leaf);
	assert_int_equal(inl_leaf, inl_mid + 1);

	frame_vars(&s, f_mid, inl_mid, &mine);
	zd_sb_addf(&cmds, "-ex 'frame %u' -ex 'info locals' -ex 'info args' ", v_mid);
	frame_vars(&s, f_leaf, inl_leaf, &mine);
	zd_sb_addf(&cmds, "-ex 'frame %u' -ex 'info locals' -ex 'info args' ", v_leaf);
	frame_vars(&s, f_rec, inl_rec, &mine);
	zd_sb_addf(&cmds, "-ex 'frame %u' -ex 'info locals' -ex 'info args' ", v_rec);
	if (getenv("ZD_GDB_RAW"))
		print_message("# mine:\n%s", mine.buf);
	/* values the program defines */
	assert_non_null(strstr(mine.buf, "twice = 10\nm = 5\n"));
	assert_non_null(strstr(mine.buf, "blockvar = 105\narr = {10, 20, 30}\nin = {x = 7, y = -3}\n"
					 "big = 1234567890123\nc = 90 'Z'\nkeep = 15\na = 5\nd = 2.5\n"));
	assert_non_null(strstr(mine.buf, "\"leafstr\"\nn = 0x"));
	assert_non_null(strstr(mine.buf, " <g_list>\n"));
	if (!optimized)
		assert_non_null(strstr(mine.buf, "local = 0\ndepth = 0\n"));

	/* expressions gdb prints the same way */
	print_var(&s, f_leaf, inl_leaf, "g_list", &mine);
	print_var(&s, f_leaf, inl_leaf, "g_buf", &mine);
	print_var(&s, f_leaf, inl_leaf, "g_zeros", &mine);
	print_var(&s, f_leaf, inl_leaf, "g_name", &mine);
	print_var(&s, f_leaf, inl_leaf, "g_fn", &mine);
	print_var(&s, f_leaf, inl_leaf, "g_uc", &mine);
	print_var(&s, f_leaf, inl_leaf, "g_pi", &mine);
	print_var(&s, f_leaf, inl_leaf, "g_color", &mine);
	print_var(&s, f_leaf, inl_leaf, "g_neg", &mine);
	print_var(&s, f_leaf, inl_leaf, "g_flag", &mine);
	print_var(&s, f_leaf, inl_leaf, "recurse", &mine);
	print_var(&s, f_leaf, inl_leaf, "n", &mine);
	zd_sb_addf(&cmds, "-ex 'frame %u' -ex 'print g_list' -ex 'print g_buf' -ex 'print g_zeros' "
			  "-ex 'print g_name' -ex 'print g_fn' -ex 'print g_uc' -ex 'print g_pi' "
			  "-ex 'print g_color' -ex 'print g_neg' -ex 'print g_flag' -ex 'print recurse' -ex 'print n' ",
		   v_leaf);
	sess_detach(&s);
	if (have_gdb()) {
		gdb_lines(s.pid, cmds.buf, &gdb);
		if (strcmp(mine.buf, gdb.buf))
			show_diff(mine.buf, gdb.buf);
		assert_string_equal(mine.buf, gdb.buf);
	}
	sess_close(&s);
	zd_sb_release(&mine);
	zd_sb_release(&gdb);
	zd_sb_release(&cmds);
}

static void
test_vars_O0(void **state)
{
	(void)state;
	check_vars("dbg_vars", false);
}

static void
test_vars_O2(void **state)
{
	(void)state;
	check_vars("dbg_vars-O2", true);
}

/* The address in gdb's "Breakpoint 1 at 0xADDR: file ..." for spec, 0 if none. */
static uint64_t
gdb_break(pid_t pid, const char *spec)
{
	char cmd[512], line[1024];
	unsigned long long a = 0;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "gdb -nx -batch -p %d -ex 'break %s' 2>/dev/null", (int)pid, spec);
	p = popen(cmd, "r");
	assert_non_null(p);
	while (fgets(line, sizeof(line), p))
		if (sscanf(line, "Breakpoint 1 at 0x%llx: file", &a) == 1)
			break;
	pclose(p);
	return a;
}

/* "Line 69 of \"...\" starts at address 0x... <leaf+223> and ends at 0x...". */
static void
gdb_info_line(pid_t pid, uint64_t pc, uint64_t *lo, uint64_t *hi)
{
	char cmd[512], line[1024];
	FILE *p;

	*lo = *hi = 0;
	snprintf(cmd, sizeof(cmd), "gdb -nx -batch -p %d -ex 'info line *0x%llx' 2>/dev/null", (int)pid,
		 (unsigned long long)pc);
	p = popen(cmd, "r");
	assert_non_null(p);
	while (fgets(line, sizeof(line), p)) {
		char *a = strstr(line, "starts at address 0x"), *b = strstr(line, "and ends at 0x");

		if (a && b) {
			*lo = strtoull(a + 18, NULL, 16);
			*hi = strtoull(b + 12, NULL, 16);
		}
	}
	pclose(p);
}

static void
check_lines(const char *prog)
{
	struct sess s;
	struct zd_srcpos pos[4];
	unsigned inl, v;
	int f = -1, n, line_out = 0;
	uint64_t fa = 0, *la = NULL, lo = 0, hi = 0, glo, ghi, ret_pc;
	size_t nla = 0;

	sess_open(&s, prog);
	f = find_frame(&s, "mid", &inl, &v);
	assert_true(f >= 0);
	ret_pc = s.fr[f].regs.r[16];
	n = zd_di_inline_chain(s.di, ret_pc, true, pos, 4);
	assert_true(n >= 2);
	assert_string_equal(pos[inl].func, "mid");
	assert_int_equal(pos[inl].line, 68);
	assert_string_equal(pos[inl + 1].func, "leaf");
	assert_int_equal(pos[inl + 1].line, 87);
	assert_non_null(strstr(pos[inl].file, "dbg_vars.c"));
	assert_int_equal(zd_di_func_addr(s.di, "leaf", &fa), 0);
	assert_int_equal(zd_di_line_addrs(s.di, "dbg_vars.c", 80, &la, &nla, &line_out), 0);
	assert_int_equal(line_out, 80);
	assert_true(nla >= 1);
	/* by path suffix too; an unknown file has none */
	{
		uint64_t *lb = NULL;
		size_t nlb = 0;

		assert_int_equal(zd_di_line_addrs(s.di, "helpers/dbg_vars.c", 80, &lb, &nlb, NULL), 0);
		assert_int_equal(nlb, nla);
		free(lb);
		assert_int_equal(zd_di_line_addrs(s.di, "elpers/dbg_vars.c", 80, &lb, &nlb, NULL), -ENOENT);
		assert_int_equal(zd_di_line_addrs(s.di, "no_such_file.c", 80, &lb, &nlb, NULL), -ENOENT);
	}
	assert_int_equal(zd_di_line_range(s.di, ret_pc, &lo, &hi), 0);
	assert_true(lo <= ret_pc && ret_pc < hi);
	sess_detach(&s);
	if (have_gdb()) {
		assert_int_equal(fa, gdb_break(s.pid, "leaf"));
		if (nla == 1)
			assert_int_equal(la[0], gdb_break(s.pid, "dbg_vars.c:80"));
		gdb_info_line(s.pid, ret_pc, &glo, &ghi);
		assert_int_equal(lo, glo);
		assert_int_equal(hi, ghi);
	}
	free(la);
	sess_close(&s);
}

static void
test_lines_O0(void **state)
{
	(void)state;
	check_lines("dbg_vars");
}

static void
test_lines_O2(void **state)
{
	(void)state;
	check_lines("dbg_vars-O2");
}

/*
 * Laziness: a pc lookup opens the one compile unit holding the pc (through
 * .debug_aranges), not the module's others; only a lookup by name of
 * something that does not exist walks them all, once: the walk leaves a
 * name index behind.  libc (libc6-dbg: over a
 * thousand CUs) shows the difference when its debug file is installed.
 */
static void
test_lazy_cus(void **state)
{
	struct sess s;
	struct zd_di *di;
	struct zd_srcpos pos;
	uint64_t a;
	size_t one, all;
	int f;
	unsigned inl, v;

	(void)state;
	sess_open(&s, "dbg_vars");
	di = zd_di_new(&s.sp);
	assert_int_equal(zd_di_cus_read(di), 0);
	f = find_frame(&s, "leaf", &inl, &v);
	assert_true(f >= 0);
	assert_int_equal(zd_di_line(di, s.fr[f].regs.r[16], true, &pos), 0);
	assert_int_equal(zd_di_cus_read(di), 1);
	/* frame 0 is in libc: one more CU if libc has DWARF, none otherwise */
	if (zd_di_line(di, s.fr[0].regs.r[16], false, &pos) == 0)
		assert_int_equal(zd_di_cus_read(di), 2);
	one = zd_di_cus_read(di);
	assert_int_equal(zd_di_func_addr(di, "no_such_function_anywhere", &a), -ENOENT);
	all = zd_di_cus_read(di);
	assert_true(all > one);
	/* the walk built each module's name index: no second walk */
	assert_int_equal(zd_di_func_addr(di, "no_such_function_anywhere", &a), -ENOENT);
	assert_int_equal(zd_di_cus_read(di), all);
	assert_int_equal(zd_di_func_addr(di, "leaf", &a), 0);
	assert_int_equal(zd_di_cus_read(di), all + 1);
	print_message("CUs read: %zu after two pc lookups, %zu after a walk over every module\n", one, all);
	zd_di_free(di);
	sess_detach(&s);
	sess_close(&s);
}

/* Expressions `print` takes, evaluated in leaf's frame; gdb must agree. */
static const char *const exprs[] = {
	"n->next->v", "n->in", "*n", "g_arr[2] + g_arr[4] * 2", "&g_arr[1]", "g_list[0].tag", "n->flag",
	"n->mode", "(long)g_pi", "g_pi * 2", "-g_neg", "g_counter / 5", "g_counter % 5", "g_counter << 3",
	"~g_counter", "g_counter > 40 && g_counter < 50", "n == &g_list[0]", "*s", "s[4]", "(char)g_counter",
	"sizeof(node_t)", "sizeof(struct node)", "sizeof g_arr", "(node_t *) n", "$pc", "$sp", "arr[1] + in.x",
	"g_color", "g_color == 5", "0 && *(int *)0", "1 || *(int *)0", "'A' + 1", "10 / 3.0", "0x10 | 3",
	"g_uc + 100", "-1U", "(unsigned char)-1", "g_fn", "*g_fn", "&g_list[1].in", "g_list[1].next",
	"(g_counter + 1) * (2 - 5)", "!g_flag", "g_neg >> 1", "&*n", "&n->tag[2]", "*&g_counter", "g_arr",
	"/x g_counter", "/x g_arr", "/t 10", "/o 8", "/c 65", "/d 'A'", "/x -1", "/u (char)-1", "/x n->in",
	"/d g_color", "-5 / 2", "-5 % 3", "7 - 10U", "(int *) 0", "(void *) n",
};

static void
check_exprs(const char *prog)
{
	struct sess s;
	struct zd_sb mine = ZD_SB_INIT, gdb = ZD_SB_INIT, cmds = ZD_SB_INIT;
	struct zd_di_expr_ctx c;
	struct zd_dexpr_env env;
	unsigned inl, v;
	size_t i;
	int f;

	sess_open(&s, prog);
	f = find_frame(&s, "leaf", &inl, &v);
	assert_true(f >= 0);
	c.di = s.di;
	c.fr = &s.fr[f];
	c.inl = inl;
	zd_di_dexpr_env(&c, &env);
	zd_sb_addf(&cmds, "-ex 'frame %u' ", v);
	for (i = 0; i < ZD_ARRAY_SIZE(exprs); i++) {
		struct zd_value val;
		struct zd_fmt fmt = s.fmt;
		char err[256], letter;
		const char *e = zd_dexpr_format(exprs[i], &letter);
		int ret;

		assert_non_null(e);
		fmt.letter = letter;
		ret = zd_dexpr_eval(&env, e, &val, err, sizeof(err));
		if (ret < 0)
			print_message("# %s: %s\n", exprs[i], err);
		assert_int_equal(ret, 0);
		zd_value_format(&val, &fmt, &mine);
		zd_sb_addc(&mine, '\n');
		zd_value_release(&val);
		zd_sb_addf(&cmds, "-ex 'print%s", exprs[i][0] == '/' ? "" : " ");
		for (e = exprs[i]; *e; e++)
			zd_sb_adds(&cmds, *e == '\'' ? "'\\''" : (char[]){ *e, 0 });
		zd_sb_adds(&cmds, "' ");
	}
	/* errors, with gdb's words */
	{
		static const char *const bad[][2] = {
			{ "1 / 0", "Division by zero" },
			{ "nosuchvar + 1", "No symbol \"nosuchvar\" in current context." },
			{ "*g_counter", "Attempt to take contents of a non-pointer value." },
			{ "*(int *) 0", "Cannot access memory at address 0x0" },
			{ "n->nosuch", "There is no member named nosuch." },
			{ "&1", "Attempt to take address of value not located in memory." },
			{ "(1 + ", "A syntax error in expression, near `'." },
		};
		for (i = 0; i < ZD_ARRAY_SIZE(bad); i++) {
			struct zd_value val;
			char err[256];

			assert_true(zd_dexpr_eval(&env, bad[i][0], &val, err, sizeof(err)) < 0);
			assert_string_equal(err, bad[i][1]);
			zd_value_release(&val);
		}
	}
	sess_detach(&s);
	if (have_gdb()) {
		gdb_lines(s.pid, cmds.buf, &gdb);
		if (strcmp(mine.buf, gdb.buf))
			show_diff(mine.buf, gdb.buf);
		assert_string_equal(mine.buf, gdb.buf);
	}
	sess_close(&s);
	zd_sb_release(&mine);
	zd_sb_release(&gdb);
	zd_sb_release(&cmds);
}

/* ptype EXPR, as gdb shows it */
static const char *const ptypes[] = {
	"n", "*n", "g_fn", "g_arr", "g_color", "g_list", "g_name", "in", "recurse", "g_list[0].in", "g_uc",
	"g_flag", "&g_arr", "s", "big",
};

static void
check_ptype(const char *prog)
{
	struct sess s;
	struct zd_sb mine = ZD_SB_INIT, gdb = ZD_SB_INIT, cmds = ZD_SB_INIT;
	struct zd_di_expr_ctx c;
	struct zd_dexpr_env env;
	unsigned inl, v;
	size_t i;
	int f;
	char cmd[8192], line[1024];
	FILE *p;

	sess_open(&s, prog);
	f = find_frame(&s, "leaf", &inl, &v);
	assert_true(f >= 0);
	c.di = s.di;
	c.fr = &s.fr[f];
	c.inl = inl;
	zd_di_dexpr_env(&c, &env);
	zd_sb_addf(&cmds, "-ex 'frame %u' ", v);
	for (i = 0; i < ZD_ARRAY_SIZE(ptypes); i++) {
		struct zd_value val;
		char err[256];

		assert_int_equal(zd_dexpr_eval(&env, ptypes[i], &val, err, sizeof(err)), 0);
		zd_sb_adds(&mine, "type = ");
		zd_type_ptype(val.type, &mine);
		zd_sb_addc(&mine, '\n');
		zd_value_release(&val);
		zd_sb_addf(&cmds, "-ex 'ptype %s' ", ptypes[i]);
	}
	sess_detach(&s);
	if (have_gdb()) {
		snprintf(cmd, sizeof(cmd), "gdb -nx -batch -p %d %s 2>/dev/null", (int)s.pid, cmds.buf);
		p = popen(cmd, "r");
		assert_non_null(p);
		while (fgets(line, sizeof(line), p))
			if (!strncmp(line, "type = ", 7) || !strncmp(line, "    ", 4) || line[0] == '}')
				zd_sb_adds(&gdb, line);
		pclose(p);
		if (strcmp(mine.buf, gdb.buf))
			show_diff(mine.buf, gdb.buf);
		assert_string_equal(mine.buf, gdb.buf);
	}
	sess_close(&s);
	zd_sb_release(&mine);
	zd_sb_release(&gdb);
	zd_sb_release(&cmds);
}

static void
test_ptype_O0(void **state)
{
	(void)state;
	check_ptype("dbg_vars");
}

static void
test_exprs_O0(void **state)
{
	(void)state;
	check_exprs("dbg_vars");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vars_O0),
		cmocka_unit_test(test_vars_O2),
		cmocka_unit_test(test_lines_O0),
		cmocka_unit_test(test_lines_O2),
		cmocka_unit_test(test_exprs_O0),
		cmocka_unit_test(test_ptype_O0),
		cmocka_unit_test(test_lazy_cus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
