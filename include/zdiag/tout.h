/*
 * Where `zdiag trace` writes its trace: a file descriptor written whole
 * (-o FILE, stderr), the standard input of a command (-o |CMD), or one
 * file per traced thread (-ff -o FILE: FILE.TID, as strace names them).
 * Nothing here prints: failures are kept as the first errno and file name.
 *
 *	struct zd_tout_ff ff;
 *	zd_tout_ff_init(&ff, "out", false);
 *	zd_tout_ff_take(&ff, tid, &lines);     // lines moves to out.TID
 *	zd_tout_ff_close(&ff, tid);            // tid ended: flush and close
 *	zd_tout_ff_release(&ff);
 *	if (ff.err) ... ff.errname
 */
#ifndef ZDIAG_TOUT_H
#define ZDIAG_TOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "zdiag/strbuf.h"

/* Write all of sb to fd (again after EINTR) and empty it.  0 or -errno. */
int zd_tout_write(int fd, struct zd_sb *sb);

/*
 * -o |CMD: start sh -c cmd with a pipe on its standard input.  CMD runs as
 * a grandchild (the tracer's waits for any child never see it); *pidfd
 * gets a pidfd of it (-1 if the kernel has none) to wait for it at the end.
 * Returns the pipe's write end (close-on-exec), or -errno.
 */
int zd_tout_pipe(const char *cmd, int *pidfd);

struct zd_tout_file;

/* -ff -o PREFIX: PREFIX.TID per thread.  A file is closed when its thread
 * ends, so the number open is the number of live tracees; a tid seen again
 * in the same trace appends to its file. */
struct zd_tout_ff {
	const char *prefix;
	bool append;                /* -A: append to existing files too */
	bool pending;               /* some buffer holds lines */
	struct zd_tout_file *v;     /* the open files */
	size_t n, cap, last;
	pid_t *seen;                /* tids given a file so far */
	size_t nseen, aseen;
	int err;                    /* the first failure (positive errno), 0 */
	char *errname;              /* and its file */
};

void zd_tout_ff_init(struct zd_tout_ff *ff, const char *prefix, bool append);
/* Move the lines in *lines (emptied) to tid's file, opened on first use;
 * written once its buffer is large (zd_tout_ff_flush writes them all). */
void zd_tout_ff_take(struct zd_tout_ff *ff, pid_t tid, struct zd_sb *lines);
void zd_tout_ff_flush(struct zd_tout_ff *ff);
/* tid ended: write and close its file. */
void zd_tout_ff_close(struct zd_tout_ff *ff, pid_t tid);
/* Close every file; ff->err and ff->errname stay until release. */
void zd_tout_ff_close_all(struct zd_tout_ff *ff);
void zd_tout_ff_release(struct zd_tout_ff *ff);

/*
 * Can PREFIX.TID files be made?  0, or -errno with *dir (free() it) the
 * folder that does not take them.
 */
int zd_tout_ff_check_dir(const char *prefix, char **dir);

#endif
