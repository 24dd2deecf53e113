/*
 * Common include for cmocka unit tests (tests/unit/test_*.c).  Each test
 * binary links libzdiag.a and runs under prove with
 * CMOCKA_MESSAGE_OUTPUT=TAP.  ZD_SRCDIR is the repository root, for
 * fixtures: ZD_SRCDIR "/tests/fixtures/...".
 */
#ifndef ZDIAG_UNIT_H
#define ZDIAG_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>

/*
 * Skip the current test and say why: the reason goes out as a "# skip: "
 * TAP comment, which tests/run-test attaches to cmocka's SKIP line and
 * make check lists at the end.
 *	if (!e)
 *		zd_skip("no %s (install libc6-dbg)", path);
 * A bare cmocka skip() still works, with the file and line for a reason.
 */
#define zd_skip(...) \
	do { \
		printf("# skip: "); \
		printf(__VA_ARGS__); \
		printf("\n"); \
		fflush(stdout); \
		_skip(__FILE__, __LINE__); \
	} while (0)
#undef skip
#define skip() zd_skip("%s:%d (no reason given)", __FILE__, __LINE__)

#ifndef ZD_SRCDIR
#define ZD_SRCDIR "."
#endif
#define ZD_FIXTURE(path) ZD_SRCDIR "/tests/fixtures/" path

#endif
