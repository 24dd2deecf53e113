/* Probing a ptrace target and explaining attach failures. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "zdiag/target.h"

#define CAP_SYS_PTRACE_BIT 19

int
zd_target_probe(const struct zd_procfs *pfs, pid_t pid, struct zd_target *t)
{
	struct zd_status ss;
	struct zd_stat st;
	int fd;

	memset(t, 0, sizeof(*t));
	t->pid = pid;
	t->tgid = pid;
	fd = zd_proc_open_pid(pfs, pid);
	if (fd < 0 || zd_proc_read_stat(fd, &st) < 0) {
		if (fd >= 0)
			close(fd);
		t->kind = ZD_TARGET_MISSING;
		return 0;
	}
	memcpy(t->comm, st.comm, sizeof(t->comm));
	t->state = st.state;
	if (zd_proc_read_status(fd, &ss) == 0) {
		t->tgid = ss.tgid ? ss.tgid : pid;
		t->uid = ss.ruid;
		t->tracer = ss.tracer;
	}
	if (t->tracer) {
		char path[32];
		struct zd_stat ts;
		int tfd;

		snprintf(path, sizeof(path), "%d", (int)t->tracer);
		tfd = openat(pfs->rootfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (tfd >= 0) {
			if (zd_proc_read_stat(tfd, &ts) == 0)
				memcpy(t->tracer_comm, ts.comm, sizeof(t->tracer_comm));
			close(tfd);
		}
	}
	if (st.flags & ZD_PF_KTHREAD)
		t->kind = ZD_TARGET_KTHREAD;
	else if (t->tgid == getpid())
		t->kind = ZD_TARGET_SELF;
	else if (st.state == 'Z' || st.state == 'X')
		t->kind = st.num_threads > 1 ? ZD_TARGET_ZOMBIE_LEADER : ZD_TARGET_ZOMBIE;
	else
		t->kind = ZD_TARGET_LIVE;
	t->live_threads = st.num_threads - (st.state == 'Z' ? 1 : 0);
	close(fd);
	return 0;
}

void
zd_target_refusal(const struct zd_target *t, char *buf, size_t size)
{
	switch (t->kind) {
	case ZD_TARGET_MISSING:
		snprintf(buf, size, "%s", strerror(ESRCH));
		break;
	case ZD_TARGET_ZOMBIE:
		snprintf(buf, size, "it is a zombie (exited, not yet reaped: no memory or registers left); see 'zdiag scan -p %d'",
			 (int)t->pid);
		break;
	case ZD_TARGET_ZOMBIE_LEADER:
		snprintf(buf, size, "its leader thread is a zombie; %ld thread%s still alive (see 'zdiag scan -p %d')",
			 t->live_threads, t->live_threads == 1 ? " is" : "s are", (int)t->pid);
		break;
	case ZD_TARGET_KTHREAD:
		snprintf(buf, size, "it is a kernel thread; it has no user space to trace (its kernel stack: /proc/%d/stack)",
			 (int)t->pid);
		break;
	case ZD_TARGET_SELF:
		snprintf(buf, size, "it is zdiag itself");
		break;
	case ZD_TARGET_LIVE:
		snprintf(buf, size, "it is a live process");
		break;
	}
}

static unsigned long long
self_capeff(void)
{
	char buf[4096];
	const char *p;

	if (zd_read_small(AT_FDCWD, "/proc/self/status", buf, sizeof(buf)) <= 0)
		return 0;
	p = strstr(buf, "\nCapEff:");
	return p ? strtoull(p + 8, NULL, 16) : 0;
}

static int
yama_scope(void)
{
	unsigned long long v;

	if (zd_read_ull(AT_FDCWD, "/proc/sys/kernel/yama/ptrace_scope", &v) < 0)
		return -1;
	return (int)v;
}

void
zd_target_explain(const struct zd_target *t, int err, char *buf, size_t size)
{
	bool cap;
	int scope;

	if (err < 0)
		err = -err;
	if (err == ESRCH) {
		snprintf(buf, size, "%s", strerror(ESRCH));
		return;
	}
	if (err != EPERM) {
		snprintf(buf, size, "%s", strerror(err));
		return;
	}
	if (t->tracer) {
		snprintf(buf, size, "%s: already traced by %d (%s)", strerror(EPERM), (int)t->tracer,
			 t->tracer_comm[0] ? t->tracer_comm : "?");
		return;
	}
	if (t->kind == ZD_TARGET_KTHREAD || t->kind == ZD_TARGET_ZOMBIE || t->kind == ZD_TARGET_SELF) {
		char why[200];

		zd_target_refusal(t, why, sizeof(why));
		snprintf(buf, size, "%s: %s", strerror(EPERM), why);
		return;
	}
	cap = (self_capeff() >> CAP_SYS_PTRACE_BIT) & 1;
	scope = yama_scope();
	if (scope == 3) {
		snprintf(buf, size, "%s: kernel.yama.ptrace_scope=3 forbids all attaching (until reboot)", strerror(EPERM));
	} else if (scope == 2 && !cap) {
		snprintf(buf, size, "%s: kernel.yama.ptrace_scope=2 lets only CAP_SYS_PTRACE attach (run as root)",
			 strerror(EPERM));
	} else if (scope == 1 && !cap) {
		snprintf(buf, size, "%s: kernel.yama.ptrace_scope=1 allows attaching only to descendants (run as root, or set it to 0)",
			 strerror(EPERM));
	} else if (!cap && t->uid != getuid()) {
		snprintf(buf, size, "%s: uid %u may not trace a process of uid %u without CAP_SYS_PTRACE (run as root)",
			 strerror(EPERM), (unsigned)getuid(), (unsigned)t->uid);
	} else if (!cap) {
		snprintf(buf, size, "%s: not root and no CAP_SYS_PTRACE (the target may be setuid, undumpable or in another user namespace)",
			 strerror(EPERM));
	} else {
		snprintf(buf, size, "%s: denied even with CAP_SYS_PTRACE (a security module such as SELinux/AppArmor, or another user namespace)",
			 strerror(EPERM));
	}
}
