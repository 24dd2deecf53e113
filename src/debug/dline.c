/* Line-table questions for stepping (include/zdiag/dline.h). */
#include <errno.h>

#include "zdiag/dline.h"

int
zd_dl_after_prologue(struct zd_di *di, uint64_t func_pc, uint64_t *addr)
{
	struct zd_srcpos pos, at;
	uint64_t a, lo, hi;

	if (zd_di_line(di, func_pc, false, &pos) < 0 || !pos.func)
		return -ENOENT;
	if (zd_di_func_addr(di, pos.func, &a) == 0 && zd_di_line(di, a, false, &at) == 0 && at.func_pc == pos.func_pc &&
	    a >= func_pc) {
		*addr = a;
		return 0;
	}
	if (zd_di_line_range(di, func_pc, &lo, &hi) == 0 && zd_di_line(di, hi, false, &at) == 0 &&
	    at.func_pc == pos.func_pc) {
		*addr = hi;
		return 0;
	}
	*addr = func_pc;
	return 0;
}

int
zd_dl_row_start(struct zd_di *di, uint64_t pc)
{
	uint64_t lo, hi;

	return zd_di_line_range(di, pc, &lo, &hi) == 0 && lo == pc;
}
