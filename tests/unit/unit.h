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

#ifndef ZD_SRCDIR
#define ZD_SRCDIR "."
#endif
#define ZD_FIXTURE(path) ZD_SRCDIR "/tests/fixtures/" path

#endif
