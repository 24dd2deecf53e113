/* Data commands: registers, memory, strings, disassembly, symbols. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "zdiag/dbgline.h"
#include "zdiag/esc.h"
#include "zdiag/maps.h"
#include "zdiag/regs.h"
#include "zdiag/sig.h"
#include "zdiag/xalloc.h"

#include "dbg-int.h"

int
dbg_cmd_regs(struct zd_dbg *d, int argc, char **argv, struct zd_dbg_out *out)
{
	struct zd_thread *t;
	struct zd_sb *sb = &out->text;
	const struct zd_reg *tab;
	size_t n, i, col;

	t = zd_dbg_cur_thread(d);
	if (zd_pt_getregs(&d->pt, t) < 0)
		return zd_dbg_fail(out, "cannot read the registers of thread %d: %s", (int)t->tid, strerror(errno));
	tab = zd_reg_table(&n);
	for (i = 0; i < n || argc > 1; i++) {
		const struct zd_reg *r;
		uint64_t v;

		if (argc > 1) {
			if ((int)i + 1 >= argc)
				break;
			r = zd_reg_find(argv[i + 1]);
			if (!r)
				return dbg_fail_word(out, "unknown register '%s'", argv[i + 1]);
		} else {
			r = &tab[i];
			if (!r->full)
				break;
			/* info registers: gdb's general group ends at gs */
			if (!strcmp(argv[0], "registers") &&
			    (!strcmp(r->name, "fs_base") || !strcmp(r->name, "gs_base") || !strcmp(r->name, "orig_rax")))
				continue;
		}
		v = zd_reg_get(&t->regs, r);
		if (r->width == 8)
			dbg_src_frame_reg(d, r->dwarf, &v);  /* the selected frame's, as gdb */
		/* gdb's columns: the name to 15, the hex to 35, then the natural value */
		col = sb->len;
		zd_sb_addf(sb, "%s ", r->name);
		while (sb->len - col < 15)
			zd_sb_addc(sb, ' ');
		zd_sb_addf(sb, "0x%" PRIx64 " ", v);
		while (sb->len - col < 35)
			zd_sb_addc(sb, ' ');
		if (!strcmp(r->name, "eflags")) {
			char f[96];

			zd_reg_eflags_str(v, f, sizeof(f));
			zd_sb_adds(sb, f);
		} else if (!strcmp(r->name, "rip")) {
			struct zd_di *di = dbg_src_di(d, out);
			struct zd_sb nm = ZD_SB_INIT;

			zd_sb_addf(sb, "0x%" PRIx64, v);
			if (di)
				zd_di_name_addr(di, v, true, &nm);
			if (nm.len)
				zd_sb_addf(sb, " <%s>", nm.buf);
			zd_sb_release(&nm);
		} else if (!strcmp(r->name, "rsp") || !strcmp(r->name, "rbp")) {
			zd_sb_addf(sb, "0x%" PRIx64, v);
		} else if (r->width == 8) {
			zd_sb_addf(sb, "%" PRId64, (int64_t)v);
		} else {
			zd_sb_addf(sb, "%" PRIu64, v);
		}
		zd_sb_addc(sb, '\n');
	}
	return 0;
}

static int
cmd_set(struct zd_dbg *d, int argc, char **argv, struct zd_dbg_out *out)
{
	const struct zd_reg *r;
	struct zd_thread *t;
	uint64_t v;

	if (!strcmp(argv[1], "syntax")) {
		if (!strcmp(argv[2], "att"))
			d->syntax = ZD_SYNTAX_ATT;
		else if (!strcmp(argv[2], "intel"))
			d->syntax = ZD_SYNTAX_INTEL;
		else
			return zd_dbg_fail(out, "syntax must be 'att' or 'intel'");
		if (d->dis)
			zd_disasm_set_syntax(d->dis, d->syntax);
		return 0;
	}
	if (!strcmp(argv[1], "can-use-hw-watchpoints"))
		return dbg_watch_set_hw(d, argv[2], out);
	if (!dbg_need_process(d, out))
		return -1;
	r = zd_reg_find(argv[1]);
	if (!r)
		return dbg_fail_word(out, "unknown register '%s'", argv[1]);
	if (dbg_eval(d, argv[2], &v, out) < 0)
		return -1;
	t = zd_dbg_cur_thread(d);
	if (zd_pt_getregs(&d->pt, t) < 0)
		return zd_dbg_fail(out, "cannot read the registers of thread %d", (int)t->tid);
	zd_reg_set(&t->regs, r, v);
	if (zd_pt_setregs(&d->pt, t) < 0)
		return zd_dbg_fail(out, "cannot set %s of thread %d: %s", r->name, (int)t->tid, strerror(errno));
	zd_sb_addf(&out->text, "%s = 0x%" PRIx64 "\n", r->name, zd_reg_get(&t->regs, r));
	return 0;
}

static int
cmd_peek(struct zd_dbg *d, int argc, char **argv, struct zd_dbg_out *out)
{
	uint64_t addr, v;
	struct zd_sb *sb = &out->text;

	if (dbg_eval(d, argv[1], &addr, out) < 0)
		return -1;
	if (zd_pt_read(&d->pt, addr, &v, 8) != 8)
		return zd_dbg_fail(out, "cannot read memory at 0x%" PRIx64 ": %s", addr, strerror(EFAULT));
	zd_sb_addf(sb, "0x%016" PRIx64, addr);
	dbg_put_angle(sb, d, addr);
	zd_sb_addf(sb, ": 0x%016" PRIx64 " (%" PRId64 ")\n", v, (int64_t)v);
	return 0;
}

static int
cmd_poke(struct zd_dbg *d, int argc, char **argv, struct zd_dbg_out *out)
{
	uint64_t addr, v;
	int ret;

	if (dbg_eval(d, argv[1], &addr, out) < 0 || dbg_eval(d, argv[2], &v, out) < 0)
		return -1;
	ret = zd_pt_write(&d->pt, addr, &v, 8);
	if (ret < 0)
		return zd_dbg_fail(out, "cannot write memory at 0x%" PRIx64 ": %s", addr, strerror(-ret));
	zd_sb_addf(&out->text, "0x%016" PRIx64 ": 0x%016" PRIx64 "\n", addr, v);
	return 0;
}

static int
cmd_str(struct zd_dbg *d, int argc, char **argv, struct zd_dbg_out *out)
{
	uint64_t addr, max = 4096;
	char buf[4096];
	size_t len = 0;
	struct zd_sb *sb = &out->text;

	if (dbg_eval(d, argv[1], &addr, out) < 0)
		return -1;
	if (argc == 3 && (!zd_dbg_parse_num(argv[2], &max) || !max || max > sizeof(buf)))
		return zd_dbg_fail(out, "MAX must be 1..%zu", sizeof(buf));
	/* Page by page: a string may end just before an unmapped page. */
	while (len < max) {
		uint64_t a = addr + len;
		size_t chunk = ZD_MIN((size_t)(max - len), (size_t)(4096 - (a & 4095)));
		ssize_t got = zd_pt_read(&d->pt, a, buf + len, chunk);

		if (got <= 0)
			break;
		if (memchr(buf + len, '\0', (size_t)got)) {
			len += strnlen(buf + len, (size_t)got);
			goto found;
		}
		len += (size_t)got;
		if ((size_t)got < chunk)
			break;
	}
	if (!len)
		return zd_dbg_fail(out, "cannot read memory at 0x%" PRIx64 ": %s", addr, strerror(EFAULT));
found:
	zd_sb_addf(sb, "0x%016" PRIx64 ": \"", addr);
	zd_esc_c(sb, buf, len, ZD_ESC_QUOTE);
	zd_sb_adds(sb, len >= max ? "\"...\n" : "\"\n");
	return 0;
}

static int
cmd_disas(struct zd_dbg *d, int argc, char **argv, struct zd_dbg_out *out)
{
	uint64_t addr, n = 10, end = 0;
	unsigned char buf[8192];
	struct zd_sb *sb = &out->text;
	struct zd_thread *t;
	size_t off = 0, len, count = 0;
	ssize_t got;
	bool whole = false;

	t = zd_dbg_cur_thread(d);
	zd_pt_getregs(&d->pt, t);
	if (argc >= 2) {
		const struct zd_sym *s = NULL;
		const struct zd_module *m = NULL;

		if (dbg_eval(d, argv[1], &addr, out) < 0)
			return -1;
		/* A bare function name: the whole function unless N is given. */
		if (zd_dbg_load_space(d) == 0 && zd_space_resolve(&d->space, argv[1], &addr, &s, &m) == 0 && s->size &&
		    argc == 2) {
			whole = true;
			end = addr + s->size;
		}
	} else {
		addr = t->regs.rip;
	}
	if (argc == 3 && (!zd_dbg_parse_num(argv[2], &n) || !n || n > 2000))
		return zd_dbg_fail(out, "N must be 1..2000 instructions");
	len = whole ? ZD_MIN((size_t)(end - addr), sizeof(buf)) : ZD_MIN((size_t)n * 15, sizeof(buf));
	got = zd_pt_read(&d->pt, addr, buf, len);
	if (got <= 0)
		return zd_dbg_fail(out, "cannot read memory at 0x%" PRIx64 ": %s", addr, strerror(EFAULT));
	if (!d->dis && zd_disasm_new(&d->dis, d->syntax) < 0)
		return zd_dbg_fail(out, "cannot disassemble: %s", zd_disasm_error());
	while (off < (size_t)got && (whole || count < n)) {
		struct zd_insn in;
		struct zd_where w;
		bool bp;

		zd_disasm_one(d->dis, buf, (size_t)got, &off, addr, &in);
		bp = zd_bkpt_at(&d->pt.bps, in.addr) != NULL;
		zd_sb_addf(sb, "%s%s0x%016" PRIx64 "%s", in.addr == t->regs.rip ? "=> " : "   ", dbg_col(d, C_ADDR),
			   in.addr, dbg_col(d, C_RESET));
		if (zd_dbg_load_space(d) == 0 && zd_space_lookup(&d->space, in.addr, 0, &w) == 0) {
			zd_sb_adds(sb, " <");
			dbg_put_esc(sb, w.sym->name);
			zd_sb_addf(sb, "+%" PRIu64 ">", w.off);
		}
		zd_sb_addf(sb, ":%s\t%-7s %s", bp ? " [b]" : "", in.mnemonic, in.ops);
		if (in.has_target)
			dbg_put_angle(sb, d, in.target);
		zd_sb_addc(sb, '\n');
		count++;
	}
	return 0;
}

static int
cmd_sym(struct zd_dbg *d, int argc, char **argv, struct zd_dbg_out *out)
{
	uint64_t addr;
	struct zd_where w;
	struct zd_sb *sb = &out->text;

	if (dbg_eval(d, argv[1], &addr, out) < 0)
		return -1;
	if (zd_dbg_load_space(d) < 0)
		return zd_dbg_fail(out, "cannot read the memory map");
	zd_space_lookup(&d->space, addr, d->lines ? ZD_LOOKUP_LINE : 0, &w);
	if (!w.sym && !w.mod) {
		const struct zd_map *mp = zd_maps_find(&d->space.maps, addr);

		if (!mp)
			return zd_dbg_fail(out, "0x%" PRIx64 " is not mapped", addr);
		zd_sb_addf(sb, "0x%" PRIx64 " is in ", addr);
		dbg_put_esc(sb, mp->path[0] ? mp->path : "an anonymous mapping");
		zd_sb_addf(sb, " (0x%" PRIx64 "-0x%" PRIx64 ", offset 0x%" PRIx64 ")\n", mp->start, mp->end,
			   addr - mp->start);
	} else {
		zd_sb_addf(sb, "0x%" PRIx64 " is ", addr);
		dbg_put_sym(sb, d, &w);
		zd_sb_adds(sb, " in ");
		dbg_put_esc(sb, w.mod ? w.mod->path : "?");
		if (w.file) {
			zd_sb_adds(sb, " at ");
			dbg_put_esc(sb, w.file);
			zd_sb_addf(sb, ":%d", w.line);
		}
		zd_sb_addc(sb, '\n');
	}
	return w.sym || !w.mod ? 0 : zd_dbg_fail(out, "no symbol covers 0x%" PRIx64, addr);
}

static int
cmd_addr(struct zd_dbg *d, int argc, char **argv, struct zd_dbg_out *out)
{
	struct zd_sb *sb = &out->text;
	const char *bang;
	const char *name;
	size_t i, found = 0;

	if (zd_dbg_load_space(d) < 0)
		return -1;
	bang = strchr(argv[1], '!');
	name = bang ? bang + 1 : argv[1];
	/* Every module that defines it: the executable first. */
	for (int pass = 0; pass < 2; pass++)
		for (i = 0; i < d->space.nmods; i++) {
			const struct zd_module *m = &d->space.mods[i];
			const struct zd_sym *s;

			if (!m->elf || (pass == 0) != m->exe)
				continue;
			if (bang && strncmp(m->name, argv[1], (size_t)(bang - argv[1])))
				continue;
			s = zd_elf_sym_named(m->elf, name);
			if (!s)
				continue;
			found++;
			zd_sb_addf(sb, "%s0x%016" PRIx64 "%s  ", dbg_col(d, C_ADDR), s->addr + m->bias, dbg_col(d, C_RESET));
			dbg_put_esc(sb, s->name);
			zd_sb_addf(sb, " (%s, size %" PRIu64 ") in ",
				   s->type == STT_OBJECT ? "object" : "function", s->size);
			dbg_put_esc(sb, m->path);
			zd_sb_addc(sb, '\n');
		}
	if (!found)
		return dbg_fail_word(out, "no symbol '%s' in the executable or its libraries", argv[1]);
	return 0;
}

const struct zd_dbg_cmd zd_dbg_cmds_data[] = {
	{ "regs", NULL, 0, ZD_DBG_ARGS_ANY, ZD_DBG_NEED_PROCESS | ZD_DBG_COMPLETE_REGS, dbg_cmd_regs, "regs [NAME...]",
	  "general registers of the current thread (eax, al, ... work too)", NULL },
	{ "set", NULL, 2, 2, ZD_DBG_COMPLETE_REGS, cmd_set, "set REG VALUE | set syntax att|intel",
	  "change a register (SETREGS); choose the disassembly syntax; set can-use-hw-watchpoints 0|1", NULL },
	{ "peek", NULL, 1, 1, ZD_DBG_NEED_PROCESS, cmd_peek, "peek ADDR|SYMBOL", "one 8-byte word", NULL },
	{ "poke", NULL, 2, 2, ZD_DBG_NEED_PROCESS, cmd_poke, "poke ADDR|SYMBOL VALUE", "write one 8-byte word (POKEDATA)", NULL },
	{ "str", NULL, 1, 2, ZD_DBG_NEED_PROCESS, cmd_str, "str ADDR [MAX]", "a C string, escaped", NULL },
	{ "disas", "disassemble", 0, 2, ZD_DBG_NEED_PROCESS, cmd_disas, "disas [ADDR|SYMBOL] [N]",
	  "disassemble N instructions (a whole function by name); => marks the pc, [b] a breakpoint", NULL },
	{ "sym", NULL, 1, 1, ZD_DBG_NEED_PROCESS, cmd_sym, "sym ADDR", "address to FUNC+OFF, module, FILE:LINE", NULL },
	{ "addr", NULL, 1, 1, ZD_DBG_NEED_PROCESS, cmd_addr, "addr SYMBOL",
	  "symbol to address in the executable and every library (MODULE!SYMBOL to choose)", NULL },
	{ 0 },
};
