/*
 * The debugger's shield: the process the user started (and may kill) is not
 * the tracer.  zd_shield_split() forks; the child goes on to attach, run the
 * commands and detach, with PR_SET_PDEATHSIG(SIGHUP); the parent only waits.
 * So a SIGKILL of the zdiag the user started (kill -9 $!, timeout -s KILL,
 * a service manager) reaches the tracer as SIGHUP, which ends the session
 * the clean way: breakpoints out, queued traps taken, threads detached.  A
 * tracer that dies in the middle of a `cont` cannot do that (docs/attach.md,
 * "Tracer death"); this is gdbserver's split, without the protocol.
 *
 * The parent forwards SIGTERM, SIGHUP, SIGINT and SIGQUIT that another
 * process sent it (a terminal's SIGINT reaches both, being sent to the
 * foreground process group) and returns the child's exit code: its own, or
 * 128 + the signal that ended it.
 */
#ifndef ZDIAG_SHIELD_H
#define ZDIAG_SHIELD_H

#include <signal.h>

/*
 * Call with SIGINT, SIGTERM, SIGHUP and SIGQUIT blocked (the caller takes
 * them through a signalfd).  Returns 0 in the child, 1 in the parent once
 * the child has ended (*exit_code set), or -errno when no child could be
 * made (the caller goes on in one process).
 */
int zd_shield_split(int *exit_code);

#endif
