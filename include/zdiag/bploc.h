/*
 * gdb's breakpoint locations as `break`, `tbreak`, `until` and `advance`
 * take them, and the condition after `if`:
 *
 *	break 42                 ZD_LOC_LINE      line 42 of the current file
 *	break step_target.c:42   ZD_LOC_FILE_LINE
 *	break add                ZD_LOC_FUNC      after the prologue (gdb's place)
 *	break *0x401136          ZD_LOC_ADDR      exactly there (an address expression)
 *	break main+4, 0x4011     ZD_LOC_EXPR      an address expression (dbgline.h)
 *	break                    ZD_LOC_HERE      the current pc
 *	break add if n > 3       cond "n > 3"
 *
 * Pure (unit-tested in tests/unit/test_bploc.c): no DWARF, no process.
 */
#ifndef ZDIAG_BPLOC_H
#define ZDIAG_BPLOC_H

enum zd_loc_kind {
	ZD_LOC_HERE,
	ZD_LOC_LINE,
	ZD_LOC_FILE_LINE,
	ZD_LOC_FUNC,
	ZD_LOC_ADDR,
	ZD_LOC_EXPR,
};

#define ZD_LOC_MAX 512

struct zd_loc {
	enum zd_loc_kind kind;
	char text[ZD_LOC_MAX];   /* FILE, FUNC or the expression (without '*'), NUL-terminated */
	int line;                /* ZD_LOC_LINE, ZD_LOC_FILE_LINE */
	char cond[ZD_LOC_MAX];   /* the condition after "if", "" without one */
};

/*
 * Parse arg (the rest of the command line after the command's name).
 * Returns 0, -EINVAL with a reason in *why ("argument required (boolean
 * expression)", "malformed line number"), -E2BIG when too long.
 */
int zd_loc_parse(const char *arg, struct zd_loc *loc, const char **why);

#endif
