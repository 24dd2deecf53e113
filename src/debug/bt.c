/*
 * Backtraces: `attach --bt` (stop, copy registers and stacks, detach, then
 * unwind and symbolize from the copies: the pause is a few ms) and their
 * text and JSON rendering, shared with the session's `bt`.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "zdiag/esc.h"
#include "zdiag/json.h"
#include "zdiag/maps.h"
#include "zdiag/sysname.h"
#include "zdiag/xalloc.h"

#include "dbg-int.h"

static void
frame_where(const struct zd_dbg *d, const struct zd_space *sp, const struct zd_frame *f, bool lines, struct zd_where *w)
{
	unsigned flags = (f->flags & ZD_FRAME_EXACT) ? 0 : ZD_LOOKUP_CALLER;

	if (lines)
		flags |= ZD_LOOKUP_LINE;
	if (d->own_lines)
		flags |= ZD_LOOKUP_OWN_LINES;
	zd_space_lookup(sp, f->ip, flags, w);
}

void
dbg_put_frame(struct zd_sb *sb, const struct zd_dbg *d, const struct zd_space *sp, size_t i, const struct zd_frame *f)
{
	struct zd_where w;

	frame_where(d, sp, f, d->lines, &w);
	zd_sb_addf(sb, "#%-2zu %s0x%016" PRIx64 "%s in ", i, dbg_col(d, C_ADDR), f->ip, dbg_col(d, C_RESET));
	if (f->flags & ZD_FRAME_SIGNAL) {
		zd_sb_adds(sb, "<signal handler called>");
		if (w.sym) {
			zd_sb_adds(sb, " (");
			dbg_put_esc(sb, w.sym->name);
			zd_sb_adds(sb, w.mod ? ", " : ")");
		} else if (w.mod) {
			zd_sb_adds(sb, " (");
		}
		if (w.mod) {
			zd_sb_adds(sb, dbg_col(d, C_MOD));
			dbg_put_esc(sb, w.mod->name);
			zd_sb_addf(sb, "%s)", dbg_col(d, C_RESET));
		}
	} else {
		dbg_put_sym(sb, d, &w);
		zd_sb_addf(sb, " (%s", dbg_col(d, C_MOD));
		dbg_put_esc(sb, w.mod ? w.mod->name : "");
		zd_sb_addf(sb, "%s)", dbg_col(d, C_RESET));
	}
	if (w.file) {
		zd_sb_adds(sb, " at ");
		dbg_put_esc(sb, w.file);
		zd_sb_addf(sb, ":%d", w.line);
	}
	zd_sb_addc(sb, '\n');
}

/*
 * Frames already rendered, by (frame number, pc, lookup flags): the threads
 * of one program park in the same few places, so most frames of a
 * 64-thread backtrace repeat one seen before.  Text: the whole line (kept
 * in text at off, len); JSON: the lookup.
 */
struct frame_memo_ent {
	uint64_t ip;
	size_t idx;
	unsigned flags;
	bool used;
	size_t off, len;
	struct zd_where w;
};

struct frame_memo {
	struct frame_memo_ent *v;
	size_t cap, n;          /* cap: a power of two */
	struct zd_sb text;
};

static void
frame_memo_release(struct frame_memo *m)
{
	free(m->v);
	zd_sb_release(&m->text);
}

static size_t
frame_memo_slot(const struct frame_memo *m, uint64_t ip, size_t idx, unsigned flags)
{
	size_t h = (size_t)((ip ^ (ip >> 17) ^ ((uint64_t)idx << 40) ^ flags) * 0x9e3779b97f4a7c15ull);
	size_t k = h & (m->cap - 1);

	while (m->v[k].used && (m->v[k].ip != ip || m->v[k].idx != idx || m->v[k].flags != flags))
		k = (k + 1) & (m->cap - 1);
	return k;
}

/* The entry for frame idx f (its text or lookup still to fill when !used). */
static struct frame_memo_ent *
frame_memo_get(struct frame_memo *m, size_t idx, const struct zd_frame *f, unsigned mask)
{
	unsigned flags = f->flags & mask;
	struct frame_memo_ent *e;

	if ((m->n + 1) * 2 > m->cap) {
		struct frame_memo old = *m;
		size_t i;

		m->cap = old.cap ? old.cap * 2 : 256;
		m->v = zd_xcalloc(m->cap, sizeof(*m->v));
		for (i = 0; i < old.cap; i++)
			if (old.v[i].used)
				m->v[frame_memo_slot(m, old.v[i].ip, old.v[i].idx, old.v[i].flags)] = old.v[i];
		free(old.v);
	}
	e = &m->v[frame_memo_slot(m, f->ip, idx, flags)];
	if (!e->used) {
		e->used = true;
		e->ip = f->ip;
		e->idx = idx;
		e->flags = flags;
		e->len = SIZE_MAX;
		m->n++;
	}
	return e;
}

/* dbg_put_frame(), once per distinct line. */
static void
put_frame_memo(struct zd_sb *sb, struct frame_memo *m, const struct zd_dbg *d, const struct zd_space *sp,
	       size_t i, const struct zd_frame *f)
{
	struct frame_memo_ent *e = frame_memo_get(m, i, f, ZD_FRAME_EXACT | ZD_FRAME_SIGNAL);

	if (e->len == SIZE_MAX) {
		e->off = m->text.len;
		dbg_put_frame(&m->text, d, sp, i, f);
		e->len = m->text.len - e->off;
	}
	zd_sb_add(sb, m->text.buf + e->off, e->len);
}

static void
json_frames(struct zd_json *j, const struct zd_dbg *d, const struct zd_space *sp, const struct dbg_tbt *t,
	    struct frame_memo *m)
{
	size_t i;

	zd_json_key(j, "frames");
	zd_json_arr_begin(j);
	for (i = 0; i < t->n; i++) {
		const struct zd_frame *f = &t->fr[i];
		struct frame_memo_ent *e = frame_memo_get(m, 0, f, ZD_FRAME_EXACT);
		struct zd_where w;
		char ip[24];

		if (e->len == SIZE_MAX) {
			frame_where(d, sp, f, d->lines, &e->w);
			e->len = 0;
		}
		w = e->w;
		snprintf(ip, sizeof(ip), "0x%" PRIx64, f->ip);
		zd_json_obj_begin(j);
		zd_json_kint(j, "index", (long long)i);
		zd_json_kstr(j, "ip", ip);
		zd_json_kstr(j, "function", w.sym ? w.sym->name : NULL);
		if (w.sym)
			zd_json_kuint(j, "offset", w.off);
		else
			zd_json_knull(j, "offset");
		zd_json_kstr(j, "module", w.mod ? w.mod->path : NULL);
		zd_json_kstr(j, "file", w.file);
		if (w.file)
			zd_json_kint(j, "line", w.line);
		else
			zd_json_knull(j, "line");
		zd_json_kbool(j, "signal_frame", f->flags & ZD_FRAME_SIGNAL);
		zd_json_kstr(j, "unwinder", (f->flags & ZD_FRAME_FP) ? "fp" : i ? "dwarf" : "regs");
		zd_json_obj_end(j);
	}
	zd_json_arr_end(j);
}

static bool
same_stack(const struct dbg_tbt *a, const struct dbg_tbt *b)
{
	size_t i;

	if (a->n != b->n || !a->stopped || !b->stopped)
		return false;
	for (i = 0; i < a->n; i++)
		if (a->fr[i].ip != b->fr[i].ip)
			return false;
	return true;
}

static void
group_stacks(struct dbg_tbt *t, size_t n)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		t[i].group = (int)i;
		for (k = 0; k < i; k++)
			if (t[k].group == (int)k && same_stack(&t[k], &t[i])) {
				t[i].group = (int)k;
				break;
			}
	}
}

/* Group leaders (first thread of each group), the largest group first. */
static size_t
group_order(const struct dbg_tbt *t, size_t n, size_t *order)
{
	size_t i, k, ng = 0, *count = zd_xcalloc(n ? n : 1, sizeof(*count));

	for (i = 0; i < n; i++)
		count[t[i].group]++;
	for (i = 0; i < n; i++)
		if (t[i].group == (int)i)
			order[ng++] = i;
	/* insertion sort: stable, groups are few */
	for (i = 1; i < ng; i++)
		for (k = i; k > 0 && count[order[k]] > count[order[k - 1]]; k--) {
			size_t tmp = order[k];

			order[k] = order[k - 1];
			order[k - 1] = tmp;
		}
	free(count);
	return ng;
}

/* Kernel-side facts for a thread that could not be stopped. */
static void
put_stuck(struct zd_sb *sb, struct zd_dbg *d, pid_t tid, const char *indent)
{
	char path[64], wchan[128] = "";
	struct zd_sb stack = ZD_SB_INIT;
	struct zd_scstate sc;
	struct zd_stat st;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d", (int)tid);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (zd_proc_read_stat(fd, &st) == 0)
		zd_sb_addf(sb, "%sstate %c (%s)", indent, st.state, zd_state_name(st.state));
	if (zd_proc_read_wchan(fd, wchan, sizeof(wchan)) == 0 && wchan[0]) {
		zd_sb_adds(sb, ", wchan ");
		dbg_put_esc(sb, wchan);
	}
	if (zd_proc_read_syscall(fd, &sc) == 0 && sc.kind == ZD_SC_IN) {
		const char *n = zd_sysname(sc.nr);

		zd_sb_addf(sb, ", in %s()", n ? n : "?");
		if (sc.pc && d->space_ok) {
			struct zd_where w;

			zd_sb_addf(sb, ", user pc 0x%" PRIx64, sc.pc);
			if (zd_space_lookup(&d->space, sc.pc, 0, &w) == 0) {
				zd_sb_adds(sb, " in ");
				dbg_put_sym(sb, d, &w);
			}
		}
	}
	zd_sb_addc(sb, '\n');
	if (zd_proc_read_stack(fd, &stack) == 0 && stack.len) {
		const char *line = stack.buf;

		zd_sb_addf(sb, "%skernel stack:\n", indent);
		while (*line) {
			const char *nl = strchr(line, '\n');
			size_t len = nl ? (size_t)(nl - line) : strlen(line);

			zd_sb_addf(sb, "%s  ", indent);
			zd_esc_c(sb, line, len, 0);
			zd_sb_addc(sb, '\n');
			if (!nl)
				break;
			line = nl + 1;
		}
	}
	zd_sb_release(&stack);
	close(fd);
}

/* Name and (want_state) state of a thread, read after the detach: task/TID/stat
 * when the state is wanted (--json), else task/TID/comm, which the kernel
 * makes at a fraction of stat's cost.  taskfd: /proc/PID/task. */
static void
thread_stat(int taskfd, pid_t tid, bool want_state, char *comm, size_t size, char *state)
{
	char path[32], buf[1024];
	struct zd_stat st;
	ssize_t n;

	snprintf(path, sizeof(path), "%d/%s", (int)tid, want_state ? "stat" : "comm");
	n = zd_read_small(taskfd, path, buf, sizeof(buf));
	if (!want_state) {
		/* "NAME\n": the name as stat has it between its parentheses */
		if (n > 0 && buf[n - 1] == '\n')
			n--;
		if (n <= 0) {
			comm[0] = '\0';
			return;
		}
		snprintf(comm, size, "%.*s", (int)ZD_MIN((size_t)n, (size_t)ZD_COMM_MAX), buf);
		return;
	}
	if (n <= 0 || zd_stat_parse(buf, (size_t)n, &st) < 0) {
		comm[0] = '\0';
		return;
	}
	snprintf(comm, size, "%s", st.comm);
	if (!*state)
		*state = st.state;
}

void
dbg_render_bt_text(struct zd_dbg_out *out, struct zd_dbg *d, const struct zd_space *sp, struct dbg_tbt *t,
		   size_t n, bool unique)
{
	struct zd_sb *sb = &out->text;
	struct frame_memo memo = { .text = ZD_SB_INIT };
	size_t i, k;

	size_t *order = zd_xcalloc(n ? n : 1, sizeof(*order)), ng = n, gi;

	if (unique) {
		group_stacks(t, n);
		ng = group_order(t, n, order);
	} else {
		for (i = 0; i < n; i++)
			order[i] = i;
	}
	for (gi = 0; gi < ng; gi++) {
		size_t members = 0;

		i = order[gi];
		if (unique)
			for (k = i; k < n; k++)
				members += t[k].group == (int)i;
		if (gi)
			zd_sb_addc(sb, '\n');
		if (unique && members > 1) {
			zd_sb_addf(sb, "%zu threads:", members);
			for (k = i; k < n; k++)
				if (t[k].group == (int)i)
					zd_sb_addf(sb, " %d", (int)t[k].tid);
			zd_sb_adds(sb, " (");
			dbg_put_esc(sb, t[i].comm);
			zd_sb_adds(sb, ")\n");
		} else {
			zd_sb_addf(sb, "thread %d (", (int)t[i].tid);
			dbg_put_esc(sb, t[i].comm);
			zd_sb_adds(sb, ")");
			if (t[i].zombie)
				zd_sb_adds(sb, ": zombie (exited; the other threads live on)\n");
			else if (!t[i].stopped)
				zd_sb_addf(sb, ": did not stop within %lld ms\n", d->timeout_ms);
			else if (t[i].err)
				zd_sb_addf(sb, ": registers unavailable (%s)\n", strerror(-t[i].err));
			else
				zd_sb_adds(sb, ":\n");
		}
		if (!t[i].stopped && !t[i].zombie)
			put_stuck(sb, d, t[i].tid, "    ");
		for (k = 0; k < t[i].n; k++)
			put_frame_memo(sb, &memo, d, sp, k, &t[i].fr[k]);
		if (t[i].truncated)
			zd_sb_adds(sb, "    (stack copy truncated: see --stack-size)\n");
		if (sb->len > 65536)
			zd_dbg_out_flush(out);
	}
	free(order);
	frame_memo_release(&memo);
}

static void
render_bt_json(struct zd_sb *sb, struct zd_dbg *d, const struct zd_space *sp, struct dbg_tbt *t, size_t n, bool unique,
	       double stopped_ms)
{
	struct frame_memo memo = { .text = ZD_SB_INIT };
	struct zd_json j;
	size_t i, k;

	zd_json_init(&j, sb, true);
	zd_json_obj_begin(&j);
	zd_json_kint(&j, "version", 1);
	zd_json_kstr(&j, "zdiag", ZD_VERSION_STRING);
	zd_json_kint(&j, "pid", d->pid);
	zd_json_kstr(&j, "comm", d->target.comm);
	zd_json_kdouble(&j, "stopped_ms", stopped_ms);
	zd_json_key(&j, "threads");
	zd_json_arr_begin(&j);
	for (i = 0; i < n; i++) {
		char st[2] = { t[i].state, 0 };

		zd_json_obj_begin(&j);
		zd_json_kint(&j, "tid", t[i].tid);
		zd_json_kstr(&j, "comm", t[i].comm);
		zd_json_kstr(&j, "state", st[0] ? st : NULL);
		zd_json_kbool(&j, "stopped", t[i].stopped);
		zd_json_kbool(&j, "zombie", t[i].zombie);
		zd_json_kbool(&j, "truncated", t[i].truncated);
		if (!t[i].stopped && !t[i].zombie) {
			struct zd_sb why = ZD_SB_INIT;

			zd_sb_addf(&why, "did not stop within %lld ms", d->timeout_ms);
			zd_json_kstr(&j, "error", why.buf);
			zd_sb_reset(&why);
			put_stuck(&why, d, t[i].tid, "");
			zd_json_kstr(&j, "kernel", why.buf);
			zd_sb_release(&why);
		} else if (t[i].err) {
			zd_json_kstr(&j, "error", strerror(-t[i].err));
		} else {
			zd_json_knull(&j, "error");
		}
		json_frames(&j, d, sp, &t[i], &memo);
		zd_json_obj_end(&j);
	}
	zd_json_arr_end(&j);
	if (unique) {
		size_t *order = zd_xcalloc(n ? n : 1, sizeof(*order)), ng, gi;

		group_stacks(t, n);
		ng = group_order(t, n, order);
		zd_json_key(&j, "groups");
		zd_json_arr_begin(&j);
		for (gi = 0; gi < ng; gi++) {
			i = order[gi];
			zd_json_obj_begin(&j);
			zd_json_key(&j, "tids");
			zd_json_arr_begin(&j);
			for (k = i; k < n; k++)
				if (t[k].group == (int)i)
					zd_json_int(&j, t[k].tid);
			zd_json_arr_end(&j);
			json_frames(&j, d, sp, &t[i], &memo);
			zd_json_obj_end(&j);
		}
		zd_json_arr_end(&j);
		free(order);
	}
	zd_json_obj_end(&j);
	zd_sb_addc(sb, '\n');
	frame_memo_release(&memo);
}

struct vdso_copy {
	uint64_t start;
	unsigned char *data;
	size_t len;
};

static ssize_t
vdso_reader(void *ctx, uint64_t addr, void *buf, size_t len)
{
	const struct vdso_copy *v = ctx;

	if (!v->data || addr < v->start || addr - v->start + len > v->len)
		return -EFAULT;
	memcpy(buf, v->data + (addr - v->start), len);
	return (ssize_t)len;
}

/*
 * --bt: stop, copy, let go, then unwind and symbolize from the copies.
 */
int
zd_dbg_fast_bt(struct zd_dbg *d, bool unique, bool json, struct zd_dbg_out *out)
{
	struct zd_maps maps = { 0 };
	struct vdso_copy vdso = { 0 };
	struct zd_tsnap *snaps;
	struct dbg_tbt *t;
	struct zd_frame *scratch;
	size_t i, n;
	int ret, bad = 0, taskfd;

	dbg_pt_start(d);
	ret = zd_pt_attach(&d->pt, d->pid, d->timeout_ms);
	if (ret < 0) {
		dbg_pt_stop(d);
		return dbg_attach_error(d, ret, out);
	}
	n = d->pt.nth;
	snaps = zd_xcalloc(n ? n : 1, sizeof(*snaps));
	t = zd_xcalloc(n ? n : 1, sizeof(*t));

	/* While stopped: maps, the vDSO image, registers and stacks. */
	{
		char path[64];
		int fd;

		snprintf(path, sizeof(path), "/proc/%d", (int)d->pt.memtid);
		fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0) {
			zd_maps_read(fd, &maps);
			close(fd);
		}
	}
	for (i = 0; i < maps.n; i++)
		if (!strcmp(maps.v[i].path, "[vdso]")) {
			vdso.start = maps.v[i].start;
			vdso.len = maps.v[i].end - maps.v[i].start;
			vdso.data = zd_xmalloc(vdso.len);
			if (zd_pt_read_raw(&d->pt, vdso.start, vdso.data, vdso.len) != (ssize_t)vdso.len) {
				free(vdso.data);
				vdso.data = NULL;
			}
		}
	{
		/* Registers, then every stack in one process_vm_readv. */
		pid_t *tids = zd_xcalloc(n ? n : 1, sizeof(*tids));
		struct user_regs_struct *regs = zd_xcalloc(n ? n : 1, sizeof(*regs));
		struct zd_tsnap *got = zd_xcalloc(n ? n : 1, sizeof(*got));
		size_t *idx = zd_xcalloc(n ? n : 1, sizeof(*idx)), nr = 0, k;

		for (i = 0; i < n; i++) {
			struct zd_thread *th = &d->pt.th[i];

			t[i].tid = th->tid;
			t[i].state = th->state;
			t[i].stopped = th->flags & ZD_TH_STOPPED;
			t[i].zombie = (th->flags & ZD_TH_GONE) && th->state == 'Z';
			if (!t[i].stopped)
				continue;
			t[i].err = zd_pt_getregs(&d->pt, th);
			if (t[i].err == 0) {
				tids[nr] = th->tid;
				regs[nr] = th->regs;
				idx[nr++] = i;
			}
		}
		zd_tsnap_capture_all(got, nr, tids, regs, d->pt.memtid, &maps, dbg_pt_reader, &d->pt, d->stack_max);
		for (k = 0; k < nr; k++)
			snaps[idx[k]] = got[k];
		free(tids);
		free(regs);
		free(got);
		free(idx);
	}
	/* Threads that exited while we attached are not shown. */
	{
		size_t k = 0;

		for (i = 0; i < n; i++) {
			struct zd_thread *th = &d->pt.th[i];

			if ((th->flags & ZD_TH_GONE) && !t[i].zombie) {
				zd_tsnap_release(&snaps[i]);
				continue;
			}
			t[k] = t[i];
			snaps[k] = snaps[i];
			k++;
		}
		n = k;
	}
	zd_pt_detach(&d->pt);

	/* Let go: the rest works on the copies. */
	zd_space_load_maps(&d->space, d->pt.memtid, &maps, vdso.data ? vdso_reader : NULL, &vdso);
	d->space_ok = true;
	d->uw = zd_unwinder_new(&d->space);
	/* One max_frames buffer to unwind into, each thread keeps its n frames
	 * (max_frames zeroed per thread was 390 KB at 64 threads). */
	scratch = zd_xmalloc(d->max_frames * sizeof(*scratch));
	{
		char path[64];

		snprintf(path, sizeof(path), "/proc/%d/task", (int)d->pid);
		taskfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	for (i = 0; i < n; i++) {
		/* The text shows no state: only --json reads task/TID/stat. */
		thread_stat(taskfd, t[i].tid, json, t[i].comm, sizeof(t[i].comm), &t[i].state);
		if (!t[i].stopped || t[i].err)
			continue;
		t[i].truncated = snaps[i].truncated;
		if (d->uw)
			t[i].n = zd_unwind(d->uw, &snaps[i], NULL, NULL, scratch, d->max_frames);
		t[i].fr = zd_xmemdup(scratch, (t[i].n ? t[i].n : 1) * sizeof(*scratch));
	}
	free(scratch);
	if (taskfd >= 0)
		close(taskfd);
	if (json)
		render_bt_json(&out->text, d, &d->space, t, n, unique, zd_dbg_stopped_ms(d));
	else
		dbg_render_bt_text(out, d, &d->space, t, n, unique);
	zd_dbg_out_flush(out);
	if (d->verbose)
		zd_dbg_diag(out, "%d was stopped for %.2f ms (%zu thread%s)", (int)d->pid, zd_dbg_stopped_ms(d), n,
			    n == 1 ? "" : "s");
	for (i = 0; i < n; i++) {
		if (!t[i].zombie && (!t[i].stopped || t[i].err))
			bad++;
		free(t[i].fr);
		zd_tsnap_release(&snaps[i]);
	}
	free(t);
	free(snaps);
	free(vdso.data);
	dbg_pt_stop(d);
	return bad;
}

