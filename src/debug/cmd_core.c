/* Core files of the live process: `gcore [FILE]` in a session and
 * `attach PID --core FILE` (the writer: src/debug/core.c). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "zdiag/core.h"
#include "zdiag/esc.h"
#include "zdiag/xalloc.h"

#include "dbg-int.h"

static int
core_fail(struct zd_dbg_out *out, const char *name, int err)
{
	struct zd_sb e = ZD_SB_INIT;

	zd_esc_cs(&e, name, 0);
	zd_dbg_fail(out, "cannot write core '%s': %s", e.buf, strerror(-err));
	zd_sb_release(&e);
	return -1;
}

/* Create the core file (NULL: core.PID; mode 0600 as the kernel's) into
 * name.  Returns the fd, or -1 after a one-line error. */
static int
core_open(struct zd_dbg *d, const char *file, struct zd_sb *name, struct zd_dbg_out *out)
{
	int fd;

	if (file)
		zd_sb_adds(name, file);
	else
		zd_sb_addf(name, "core.%d", (int)d->pid);
	fd = open(name->buf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		core_fail(out, name->buf, -errno);
	return fd;
}

/* Write a core of the stopped process to fd (closed here), named name.
 * Returns 0, or -1 after a one-line error. */
static int
core_write(struct zd_dbg *d, int fd, const char *name, struct zd_core_stats *st, struct zd_dbg_out *out)
{
	struct zd_core_thread *th = zd_xcalloc(d->pt.nth ? d->pt.nth : 1, sizeof(*th));
	struct zd_core_src src = { .pid = d->pid, .filter = -1 };
	struct zd_sb e = ZD_SB_INIT;
	size_t i, n = 0;
	int ret = -ESRCH;

	memset(st, 0, sizeof(*st));
	for (i = 0; i < d->pt.nth; i++) {
		struct zd_thread *t = &d->pt.th[i];

		if ((t->flags & (ZD_TH_STOPPED | ZD_TH_GONE)) != ZD_TH_STOPPED || zd_pt_getregs(&d->pt, t) < 0)
			continue;
		th[n].tid = t->tid;
		th[n].regs = t->regs;
		th[n].cursig = t->pending_sig;
		zd_core_thread_read(&th[n]);
		/* The current thread first: gdb selects it when loading. */
		if (t->tid == d->cur && n) {
			struct zd_core_thread x = th[0];

			th[0] = th[n];
			th[n] = x;
		}
		n++;
	}
	if (n) {
		src.th = th;
		src.nth = n;
		src.memtid = th[0].tid;
		ret = zd_core_write(&src, fd, st);
	}
	if (close(fd) < 0 && !ret)
		ret = -errno;
	for (i = 0; i < n; i++)
		zd_core_thread_release(&th[i]);
	free(th);
	if (ret < 0)
		return core_fail(out, name, ret);
	zd_esc_cs(&e, name, 0);
	zd_sb_addf(&out->text, "saved core '%s': %zu thread%s, %zu of %zu mappings, %" PRIu64 " bytes\n", e.buf,
		   st->nthreads, st->nthreads == 1 ? "" : "s", st->nsegs_written, st->nsegs, st->file_size);
	zd_sb_release(&e);
	return 0;
}

static int
cmd_gcore(struct zd_dbg *d, int argc, char **argv, struct zd_dbg_out *out)
{
	struct zd_core_stats st;
	struct zd_sb name = ZD_SB_INIT;
	int fd, ret = -1;

	fd = core_open(d, argc == 2 ? argv[1] : NULL, &name, out);
	if (fd >= 0)
		ret = core_write(d, fd, name.buf, &st, out);
	zd_sb_release(&name);
	return ret;
}

int
zd_dbg_core_batch(struct zd_dbg *d, const char *file, struct zd_dbg_out *out)
{
	struct zd_core_stats st;
	struct zd_sb name = ZD_SB_INIT;
	int fd, ret;

	/* FILE first, before stopping anything: truncating an old core takes time. */
	fd = core_open(d, file, &name, out);
	if (fd < 0) {
		zd_sb_release(&name);
		return 1;
	}
	dbg_pt_start(d);
	ret = zd_pt_attach(&d->pt, d->pid, d->timeout_ms);
	if (ret < 0) {
		close(fd);
		unlink(name.buf);
		zd_sb_release(&name);
		dbg_pt_stop(d);
		return dbg_attach_error(d, ret, out);
	}
	d->cur = d->pid;
	ret = core_write(d, fd, name.buf, &st, out);
	zd_pt_detach(&d->pt);
	if (d->verbose)
		zd_dbg_diag(out, "%d was stopped for %.2f ms (%zu thread%s)", (int)d->pid, zd_dbg_stopped_ms(d),
			    st.nthreads, st.nthreads == 1 ? "" : "s");
	dbg_pt_stop(d);
	zd_sb_release(&name);
	return ret < 0 ? 1 : 0;
}

const struct zd_dbg_cmd zd_dbg_cmds_core[] = {
	{ "gcore", NULL, 0, 1, ZD_DBG_NEED_PROCESS, cmd_gcore, "gcore [FILE]",
	  "write an ELF core of the process to FILE (default core.PID), as gdb's gcore", NULL },
	{ 0 },
};
