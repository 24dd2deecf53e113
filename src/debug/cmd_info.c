/* info threads|maps|modules|signals|fds|breaks|watchpoints|regs|locals|args|frame|display */
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

static const struct zd_dbg_before *
before_of(const struct zd_dbg *d, pid_t tid)
{
	size_t i;

	for (i = 0; i < d->nbefore; i++)
		if (d->before[i].tid == tid)
			return &d->before[i];
	return NULL;
}

static const char *
stop_reason(const struct zd_thread *t, char *buf, size_t size)
{
	if (t->flags & ZD_TH_GONE)
		return t->state == 'Z' ? "zombie" : "exited";
	if (t->flags & ZD_TH_STUCK)
		return "not stopped (D state?)";
	if (!(t->flags & ZD_TH_STOPPED))
		return "running";
	if (t->bp_hit) {
		snprintf(buf, size, "breakpoint %d", t->bp_hit);
		return buf;
	}
	if (t->flags & ZD_TH_GROUP_STOP)
		return "group-stop";
	if (t->pending_sig) {
		snprintf(buf, size, "%s pending", zd_signame(t->pending_sig));
		return buf;
	}
	return "stopped";
}

static int
info_threads(struct zd_dbg *d, struct zd_dbg_out *out)
{
	struct zd_sb *sb = &out->text;
	size_t i;

	zd_sb_addf(sb, "  %-8s %-16s %-5s %-22s %-24s %s\n", "TID", "NAME", "WAS", "NOW", "WCHAN (before)", "FUNCTION");
	for (i = 0; i < d->pt.nth; i++) {
		struct zd_thread *t = &d->pt.th[i];
		const struct zd_dbg_before *b = before_of(d, t->tid);
		char comm[ZD_COMM_MAX + 1], why[48];
		struct zd_where w;
		struct zd_sb name = ZD_SB_INIT;

		if ((t->flags & ZD_TH_GONE) && t->state != 'Z')
			continue;
		dbg_read_comm(d->pid, t->tid, comm, sizeof(comm));
		zd_esc_cs(&name, comm[0] ? comm : (b ? b->comm : ""), 0);
		zd_sb_addf(sb, "%c %-8d %-16s %-5c %-22s ", t->tid == d->cur ? '*' : ' ', (int)t->tid, name.buf,
			   b ? b->state : t->state ? t->state : '?', stop_reason(t, why, sizeof(why)));
		zd_sb_release(&name);
		zd_sb_reset(&name);
		zd_esc_cs(&name, b && b->wchan[0] ? b->wchan : "-", 0);
		zd_sb_addf(sb, "%-24s ", name.buf);
		zd_sb_release(&name);
		if ((t->flags & ZD_TH_STOPPED) && zd_pt_getregs(&d->pt, t) == 0 && zd_dbg_load_space(d) == 0) {
			zd_space_lookup(&d->space, t->regs.rip, 0, &w);
			dbg_put_sym(sb, d, &w);
		}
		zd_sb_addc(sb, '\n');
	}
	return 0;
}

static int
info_maps(struct zd_dbg *d, struct zd_dbg_out *out)
{
	struct zd_sb *sb = &out->text;
	size_t i;

	if (zd_dbg_load_space(d) < 0)
		return zd_dbg_fail(out, "cannot read the memory map of %d", (int)d->pid);
	for (i = 0; i < d->space.maps.n; i++) {
		const struct zd_map *m = &d->space.maps.v[i];
		char perms[5];

		zd_map_perms_str(m->perms, perms);
		zd_sb_addf(sb, "0x%012" PRIx64 "-0x%012" PRIx64 " %s %08" PRIx64 " ", m->start, m->end, perms, m->pgoff);
		dbg_put_esc(sb, m->path);
		if (m->deleted)
			zd_sb_adds(sb, " (deleted)");
		zd_sb_addc(sb, '\n');
	}
	return 0;
}

static int
info_modules(struct zd_dbg *d, struct zd_dbg_out *out)
{
	struct zd_sb *sb = &out->text;
	size_t i;

	if (zd_dbg_load_space(d) < 0)
		return zd_dbg_fail(out, "cannot read the memory map of %d", (int)d->pid);
	for (i = 0; i < d->space.nmods; i++) {
		const struct zd_module *m = &d->space.mods[i];

		zd_sb_addf(sb, "0x%012" PRIx64 "-0x%012" PRIx64 " bias 0x%-12" PRIx64 " ", m->start, m->end, m->bias);
		if (!m->elf)
			zd_sb_addf(sb, "%-22s", "(unreadable)");
		else
			zd_sb_addf(sb, "%-22s", zd_elf_has_debug_file(m->elf) ? ".symtab (debug file)" :
					 zd_elf_has_symtab(m->elf) ? ".symtab" : ".dynsym");
		dbg_put_esc(sb, m->path);
		zd_sb_addc(sb, '\n');
	}
	return 0;
}

static int
info_signals(struct zd_dbg *d, struct zd_dbg_out *out)
{
	struct zd_sb *sb = &out->text;
	struct zd_status st;
	char path[64], buf[1024];
	struct zd_thread *t = zd_dbg_cur_thread(d);
	size_t i;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/task/%d", (int)d->pid, (int)(t ? t->tid : d->pid));
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || zd_proc_read_status(fd, &st) < 0 || !st.has_sig) {
		if (fd >= 0)
			close(fd);
		return zd_dbg_fail(out, "cannot read the signal state of %d", (int)d->pid);
	}
	close(fd);
	zd_sigmask_str(st.sigpnd, buf, sizeof(buf));
	zd_sb_addf(sb, "pending (thread %d):  %s\n", (int)(t ? t->tid : d->pid), buf);
	zd_sigmask_str(st.shdpnd, buf, sizeof(buf));
	zd_sb_addf(sb, "pending (process):    %s\n", buf);
	zd_sigmask_str(st.sigblk, buf, sizeof(buf));
	zd_sb_addf(sb, "blocked (thread %d):  %s\n", (int)(t ? t->tid : d->pid), buf);
	zd_sigmask_str(st.sigign, buf, sizeof(buf));
	zd_sb_addf(sb, "ignored:              %s\n", buf);
	zd_sigmask_str(st.sigcgt, buf, sizeof(buf));
	zd_sb_addf(sb, "caught (handlers):    %s\n", buf);
	for (i = 0; i < d->pt.nth; i++)
		if (d->pt.th[i].pending_sig && !(d->pt.th[i].flags & ZD_TH_GONE))
			zd_sb_addf(sb, "to deliver on resume: %s to thread %d\n", zd_signame(d->pt.th[i].pending_sig),
				   (int)d->pt.th[i].tid);
	return 0;
}

static int
info_fds(struct zd_dbg *d, struct zd_dbg_out *out)
{
	struct zd_sb *sb = &out->text;
	char path[64];
	pid_t *fds;
	size_t n, i;
	int dfd, ret;

	snprintf(path, sizeof(path), "/proc/%d", (int)(d->pt.memtid ? d->pt.memtid : d->pid));
	dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return zd_dbg_fail(out, "cannot read the file descriptors of %d: %s", (int)d->pid, strerror(errno));
	/* fd numbers start at 0, which zd_proc_list skips: list fd/ ourselves. */
	ret = zd_proc_list(dfd, "fd", &fds, &n);
	if (ret < 0) {
		close(dfd);
		return zd_dbg_fail(out, "cannot read the file descriptors of %d: %s", (int)d->pid, strerror(-ret));
	}
	for (i = 0; i <= n; i++) {
		char lpath[64], target[PATH_MAX + 1], info[256];
		int fdn = i == 0 ? 0 : (int)fds[i - 1];
		ssize_t len;

		snprintf(lpath, sizeof(lpath), "fd/%d", fdn);
		len = readlinkat(dfd, lpath, target, sizeof(target) - 1);
		if (len < 0)
			continue;
		target[len] = '\0';
		zd_sb_addf(sb, "%4d  ", fdn);
		dbg_put_esc(sb, target);
		snprintf(lpath, sizeof(lpath), "fdinfo/%d", fdn);
		if (zd_read_small(dfd, lpath, info, sizeof(info)) > 0) {
			unsigned long long pos = 0;
			unsigned flags = 0;
			const char *f = strstr(info, "flags:");

			sscanf(info, "pos: %llu", &pos);
			if (f)
				flags = (unsigned)strtoul(f + 6, NULL, 8);
			zd_sb_addf(sb, "  (%s%s%s, pos %llu)", (flags & O_ACCMODE) == O_RDONLY ? "r" :
						      (flags & O_ACCMODE) == O_WRONLY ? "w" : "rw",
				   flags & O_NONBLOCK ? ", nonblock" : "", flags & O_CLOEXEC ? ", cloexec" : "", pos);
		}
		zd_sb_addc(sb, '\n');
	}
	free(fds);
	close(dfd);
	return 0;
}

static int
info_breaks(struct zd_dbg *d, struct zd_dbg_out *out)
{
	return dbg_list_breaks(d, out);
}

static int
info_regs(struct zd_dbg *d, struct zd_dbg_out *out)
{
	char *argv[] = { (char *)"registers", NULL };  /* gdb's general group */

	return dbg_cmd_regs(d, 1, argv, out);
}

static const struct {
	const char *name, *alias;
	int (*fn)(struct zd_dbg *d, struct zd_dbg_out *out);
} infos[] = {
	{ "threads", NULL, info_threads },
	{ "maps", NULL, info_maps },
	{ "modules", "sharedlibrary", info_modules },
	{ "signals", NULL, info_signals },
	{ "fds", NULL, info_fds },
	{ "breaks", "breakpoints", info_breaks },
	{ "watchpoints", "watch", dbg_info_watch },
	{ "debug-registers", "dr", dbg_info_debugregs },
	{ "regs", "registers", info_regs },
	{ "locals", NULL, dbg_info_locals },
	{ "args", NULL, dbg_info_args },
	{ "frame", NULL, dbg_info_frame },
	{ "display", NULL, dbg_info_display },
};

static int
cmd_info(struct zd_dbg *d, int argc, char **argv, struct zd_dbg_out *out)
{
	size_t i;

	if (argc > 2 && (!strcmp(argv[1], "registers") || !strcmp(argv[1], "regs")))
		return dbg_cmd_regs(d, argc - 1, argv + 1, out);  /* info registers rip */
	for (i = 0; i < ZD_ARRAY_SIZE(infos) && argc == 2; i++)
		if (!strcmp(argv[1], infos[i].name) || (infos[i].alias && !strcmp(argv[1], infos[i].alias)))
			return infos[i].fn(d, out);
	return zd_dbg_fail(out, "usage: info threads|maps|modules|signals|fds|breaks|watchpoints|debug-registers|regs [REG...]|locals|args|frame|display");
}

const struct zd_dbg_cmd zd_dbg_cmds_info[] = {
	{ "info", NULL, 1, ZD_DBG_ARGS_ANY, ZD_DBG_NEED_PROCESS, cmd_info,
	  "info threads|maps|modules|signals|fds|breaks|watchpoints|debug-registers|regs [REG...]|locals|args|frame|display",
	  "process state; the selected frame's locals, arguments and frame (as gdb); the auto-display list",
	  "threads maps modules signals fds breaks watchpoints debug-registers registers locals args frame display" },
	{ 0 },
};
