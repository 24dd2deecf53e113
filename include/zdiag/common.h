/* Shared attributes, small macros and the exit codes every subcommand uses. */
#ifndef ZDIAG_COMMON_H
#define ZDIAG_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define ZD_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#define ZD_NORETURN __attribute__((noreturn))
#define ZD_UNUSED __attribute__((unused))
#define ZD_MUST_CHECK __attribute__((warn_unused_result))

#define ZD_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ZD_MIN(a, b) ((a) < (b) ? (a) : (b))
#define ZD_MAX(a, b) ((a) > (b) ? (a) : (b))

#define ZD_VERSION_STRING "0.1.0"

/*
 * Exit codes, the same meaning in every subcommand (documented in zdiag(1)):
 *   0  success, nothing found
 *   1  something found (stuck zombies, failed probes, a failed batch command)
 *   2  usage error or runtime error (bad option, unreadable /proc, cannot attach)
 * `zdiag trace` and `zdiag run` instead exit with the traced command's status;
 * 126/127 mean the command could not be executed / was not found (env(1)).
 */
enum zd_exit {
	ZD_EXIT_OK = 0,
	ZD_EXIT_FOUND = 1,
	ZD_EXIT_ERROR = 2,
	ZD_EXIT_USAGE = 2,
	ZD_EXIT_CANNOT_EXEC = 126,
	ZD_EXIT_NOT_FOUND = 127,
};

#include "zdiag/banned.h"

#endif
