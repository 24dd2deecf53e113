/* The debugger library's command table and parser (src/debug/exec.c) and
 * its output sink, without a process (sessions are tested end to end in
 * tests/e2e/attach.bats and run.bats). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "zdiag/dbg.h"

struct fixture {
	struct zd_dbg d;
	struct zd_dbg_out out;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	zd_dbg_init(&f->d);
	zd_dbg_out_init(&f->out, NULL, NULL);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	zd_dbg_release(&f->d);
	zd_dbg_out_release(&f->out);
	free(f);
	return 0;
}

static void
test_suggest(void **state)
{
	const char *name = NULL;
	int n;

	(void)state;
	n = zd_dbg_cmd_suggest("brek", &name);
	assert_int_equal(n, 5);
	assert_memory_equal(name, "break", 5);
	n = zd_dbg_cmd_suggest("delte", &name);
	assert_int_equal(n, 6);
	assert_memory_equal(name, "delete", 6);
	/* an alias in the middle of the alias list */
	n = zd_dbg_cmd_suggest("contnue", &name);
	assert_int_equal(n, 8);
	assert_memory_equal(name, "continue", 8);
	assert_int_equal(zd_dbg_cmd_suggest("frobnicate", &name), 0);
	/* one letter is never "near" another one */
	assert_int_equal(zd_dbg_cmd_suggest("z", &name), 0);
}

static void
test_find(void **state)
{
	(void)state;
	assert_string_equal(zd_dbg_cmd_find("b")->name, "break");
	assert_string_equal(zd_dbg_cmd_find("continue")->name, "cont");
	assert_string_equal(zd_dbg_cmd_find("exit")->name, "quit");
	assert_string_equal(zd_dbg_cmd_find("backtrace")->name, "bt");
	assert_null(zd_dbg_cmd_find("contin"));  /* no prefixes */
	assert_null(zd_dbg_cmd_find(""));
}

static int
check_row(const struct zd_dbg_cmd *c, void *ctx)
{
	size_t *n = ctx;

	(*n)++;
	assert_non_null(c->fn);
	assert_non_null(c->usage);
	assert_non_null(c->help);
	/* the usage starts with the name; names and aliases are unique */
	assert_int_equal(strncmp(c->usage, c->name, strlen(c->name)), 0);
	assert_ptr_equal(zd_dbg_cmd_find(c->name), c);
	assert_true(c->max_args == ZD_DBG_ARGS_ANY || c->min_args <= c->max_args);
	return 0;
}

static void
test_table(void **state)
{
	size_t n = 0;

	(void)state;
	zd_dbg_cmd_each(check_row, &n);
	assert_true(n >= 23);
}

static void
test_exec_errors(void **state)
{
	struct fixture *f = *state;

	/* no process: every command that needs one says so */
	assert_int_equal(zd_dbg_exec(&f->d, "regs", &f->out), -1);
	assert_true(f->out.failed);
	assert_string_equal(f->out.err.buf, "no process: the session is over\n");
	zd_sb_reset(&f->out.err);
	/* the argument count is checked before the process */
	assert_int_equal(zd_dbg_exec(&f->d, "peek", &f->out), -1);
	assert_string_equal(f->out.err.buf, "usage: peek ADDR|SYMBOL\n");
	zd_sb_reset(&f->out.err);
	assert_int_equal(zd_dbg_exec(&f->d, "cont now", &f->out), -1);
	assert_string_equal(f->out.err.buf, "usage: cont\n");
	zd_sb_reset(&f->out.err);
	/* unknown words: escaped, with a suggestion when one is near */
	assert_int_equal(zd_dbg_exec(&f->d, "brek main", &f->out), -1);
	assert_string_equal(f->out.err.buf, "unknown command 'brek' (see 'help'); did you mean 'break'?\n");
	zd_sb_reset(&f->out.err);
	assert_int_equal(zd_dbg_exec(&f->d, "\"fro\x1b[2Jb\"", &f->out), -1);
	assert_string_equal(f->out.err.buf, "unknown command 'fro\\33[2Jb' (see 'help')\n");
	zd_sb_reset(&f->out.err);
	/* set syntax needs no process */
	f->out.failed = false;
	assert_int_equal(zd_dbg_exec(&f->d, "set syntax intel", &f->out), 0);
	assert_int_equal(f->d.syntax, ZD_SYNTAX_INTEL);
	assert_false(f->out.failed);
	/* blank lines and comments do nothing */
	assert_int_equal(zd_dbg_exec(&f->d, "   # nothing", &f->out), 0);
	assert_int_equal(f->out.err.len + f->out.text.len, 0);
}

static void
test_help(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(zd_dbg_exec(&f->d, "help", &f->out), 0);
	assert_non_null(strstr(f->out.text.buf, "\n  break [LOCATION] [if EXPR] "));
	assert_non_null(strstr(f->out.text.buf, "Addresses: "));
	zd_sb_reset(&f->out.text);
	assert_int_equal(zd_dbg_exec(&f->d, "help c", &f->out), 0);
	assert_string_equal(f->out.text.buf,
			    "cont\n    continue until a breakpoint, a signal or exit; Ctrl-C interrupts the process\n");
	assert_int_equal(f->out.err.len, 0);
}

static int flushed;

static void
count_flush(struct zd_dbg_out *out, void *ctx)
{
	assert_ptr_equal(ctx, &flushed);
	flushed++;
	zd_sb_reset(&out->text);
	zd_sb_reset(&out->err);
}

static void
test_flush(void **state)
{
	struct zd_dbg_out out;

	(void)state;
	zd_dbg_out_init(&out, count_flush, &flushed);
	zd_dbg_out_flush(&out);  /* nothing to hand over */
	assert_int_equal(flushed, 0);
	zd_dbg_diag(&out, "warning: %d", 1);
	assert_string_equal(out.err.buf, "warning: 1\n");
	assert_false(out.failed);
	zd_dbg_out_flush(&out);
	assert_int_equal(flushed, 1);
	assert_int_equal(out.err.len, 0);
	assert_int_equal(zd_dbg_fail(&out, "no %s", "luck"), -1);
	assert_true(out.failed);
	zd_dbg_out_release(&out);
}

/* gdb's x/NFU: count, then format and size letters in any order; the rest from the last used. */
static void
test_xfmt(void **state)
{
	struct zd_dbg_xfmt f;
	char bad;

	(void)state;
	assert_int_equal(zd_dbg_xfmt_parse("4gx", 'x', 'w', &f, &bad), 0);
	assert_int_equal(f.count, 4);
	assert_int_equal(f.fmt, 'x');
	assert_int_equal(f.size, 'g');
	assert_int_equal(zd_dbg_xfmt_parse("8xb", 'x', 'w', &f, &bad), 0);
	assert_true(f.count == 8 && f.fmt == 'x' && f.size == 'b');
	assert_int_equal(zd_dbg_xfmt_parse("bx8", 'x', 'w', &f, &bad), -EINVAL);  /* the count comes first */
	assert_int_equal(bad, '8');
	/* defaults: count 1, the last format and size */
	assert_int_equal(zd_dbg_xfmt_parse("", 'd', 'h', &f, &bad), 0);
	assert_true(f.count == 1 && f.fmt == 'd' && f.size == 'h');
	assert_int_equal(zd_dbg_xfmt_parse("3", 0, 0, &f, &bad), 0);
	assert_true(f.count == 3 && f.fmt == 'x' && f.size == 'w');
	/* decode_format: s and c are bytes, a is 8 bytes, f keeps w or g else g */
	assert_int_equal(zd_dbg_xfmt_parse("s", 'x', 'g', &f, &bad), 0);
	assert_int_equal(f.size, 'b');
	assert_int_equal(zd_dbg_xfmt_parse("2c", 'x', 'w', &f, &bad), 0);
	assert_true(f.count == 2 && f.size == 'b');
	assert_int_equal(zd_dbg_xfmt_parse("a", 'x', 'b', &f, &bad), 0);
	assert_int_equal(f.size, 'g');
	assert_int_equal(zd_dbg_xfmt_parse("f", 'x', 'w', &f, &bad), 0);
	assert_int_equal(f.size, 'w');
	assert_int_equal(zd_dbg_xfmt_parse("f", 'x', 'h', &f, &bad), 0);
	assert_int_equal(f.size, 'g');
	assert_int_equal(zd_dbg_xfmt_parse("2i", 'x', 'w', &f, &bad), 0);
	assert_true(f.count == 2 && f.fmt == 'i');
	/* a blank ends it; bad letters and huge counts fail */
	assert_int_equal(zd_dbg_xfmt_parse("2x &g", 'x', 'w', &f, &bad), 0);
	assert_int_equal(zd_dbg_xfmt_parse("2q", 'x', 'w', &f, &bad), -EINVAL);
	assert_int_equal(bad, 'q');
	assert_int_equal(zd_dbg_xfmt_parse("99999999999999999999x", 'x', 'w', &f, &bad), -ERANGE);
	assert_int_equal(zd_dbg_xfmt_parse("5000x", 'x', 'w', &f, &bad), -ERANGE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_suggest),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_table),
		cmocka_unit_test_setup_teardown(test_exec_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_help, setup, teardown),
		cmocka_unit_test(test_flush),
		cmocka_unit_test(test_xfmt),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
