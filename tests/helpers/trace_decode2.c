/*
 * trace_decode2 WHAT [ARG]: more real syscalls for tests/e2e/trace_decode.bats
 * (the decoders of the calls strace decodes and zdiag printed raw until
 * 2026-12-06), each with realistic arguments and failing ones (a bad
 * address, bad flags).  Results are not checked here: an error return is a
 * line to compare too.  Raw syscall(2) so that libc does not choose.
 *
 *	sig        rt_sigtimedwait, sigaltstack, rt_(tg)sigqueueinfo,
 *	           signalfd, signalfd4
 *	time       timer_create/settime/gettime, timerfd_settime/gettime,
 *	           getpriority/setpriority, ioprio_get/set
 *	io DIR     preadv2/pwritev2, epoll_pwait2, mknod/mknodat in DIR,
 *	           sync_file_range, vmsplice, mlock2, membarrier, pkey_alloc,
 *	           memfd_secret, process_mrelease, capget/capset
 */
#include <linux/capability.h>
#include <linux/ioprio.h>
#include <linux/membarrier.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>

#include <linux/aio_abi.h>
#include <linux/fanotify.h>
#include <linux/landlock.h>
#include <linux/mount.h>
#include <mqueue.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/mount.h>
#include <sys/timex.h>
#include <linux/keyctl.h>
#include <linux/kcmp.h>
#include <linux/reboot.h>
#include <linux/seccomp.h>
#include <linux/userfaultfd.h>
#include <linux/kexec.h>
#include <linux/module.h>

#include "helper.h"

#define BADADDR ((void *)(uintptr_t)0xbadc0de000ULL)

static void
do_sig(void)
{
	uint64_t set = 1ULL << (SIGUSR1 - 1) | 1ULL << (SIGRTMIN + 1 - 1), none = 0;
	struct timespec ts = { 0, 1000 };
	siginfo_t si;
	stack_t ss, old;
	static char stk[65536];

	syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, 8);
	syscall(SYS_rt_sigtimedwait, &set, &si, &ts, 8);
	kill(getpid(), SIGUSR1);
	syscall(SYS_rt_sigtimedwait, &set, &si, &ts, 8);
	syscall(SYS_rt_sigtimedwait, &none, NULL, NULL, 4);
	syscall(SYS_rt_sigtimedwait, BADADDR, &si, &ts, 8);
	ss.ss_sp = stk;
	ss.ss_flags = 0;
	ss.ss_size = sizeof(stk);
	syscall(SYS_sigaltstack, &ss, &old);
	syscall(SYS_sigaltstack, NULL, &old);
	ss.ss_flags = SS_DISABLE;
	syscall(SYS_sigaltstack, &ss, NULL);
	ss.ss_flags = 0x10;
	syscall(SYS_sigaltstack, &ss, BADADDR);
	syscall(SYS_sigaltstack, BADADDR, NULL);
	memset(&si, 0, sizeof(si));
	si.si_signo = SIGUSR1;
	si.si_code = SI_QUEUE;
	si.si_pid = getpid();
	si.si_uid = getuid();
	si.si_value.sival_int = 42;
	syscall(SYS_rt_sigqueueinfo, getpid(), SIGUSR1, &si);
	syscall(SYS_rt_tgsigqueueinfo, getpid(), syscall(SYS_gettid), SIGUSR1, &si);
	syscall(SYS_rt_sigqueueinfo, getpid(), SIGUSR1, BADADDR);
	syscall(SYS_rt_tgsigqueueinfo, getpid(), -1, 0, NULL);
	close(syscall(SYS_signalfd, -1, &set, 8));
	close(syscall(SYS_signalfd4, -1, &set, 8, SFD_CLOEXEC | SFD_NONBLOCK));
	syscall(SYS_signalfd4, -1, &set, 8, 0x1);
	syscall(SYS_signalfd4, -1, BADADDR, 8, 0);
	syscall(SYS_signalfd, 1000, &set, 4);
}

static void
do_time(void)
{
	struct sigevent sev;
	struct itimerspec its = { { 1, 500 }, { 100, 0 } }, old;
	int tid = -1, tid2 = -1, tfd;
	uint64_t usr2 = 1ULL << (SIGUSR2 - 1);

	/* a process group of its own for PRIO_PGRP, IOPRIO_WHO_PGRP */
	setpgid(0, 0);
	/* the timers' signal stays pending */
	syscall(SYS_rt_sigprocmask, SIG_BLOCK, &usr2, NULL, 8);
	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_SIGNAL;
	sev.sigev_signo = SIGUSR2;
	sev.sigev_value.sival_int = 7;
	syscall(SYS_timer_create, CLOCK_MONOTONIC, &sev, &tid);
	syscall(SYS_timer_create, CLOCK_REALTIME, NULL, &tid2);
	sev.sigev_notify = SIGEV_NONE;
	syscall(SYS_timer_create, CLOCK_BOOTTIME, &sev, BADADDR);
	syscall(SYS_timer_create, 99, BADADDR, &tid2);
	sev.sigev_notify = SIGEV_THREAD_ID;
	sev._sigev_un._tid = getpid();
	syscall(SYS_timer_create, CLOCK_MONOTONIC, &sev, &tid2);
	syscall(SYS_timer_settime, tid, 0, &its, &old);
	syscall(SYS_timer_settime, tid, TIMER_ABSTIME, &its, NULL);
	syscall(SYS_timer_settime, tid, 0, BADADDR, NULL);
	syscall(SYS_timer_gettime, tid, &old);
	syscall(SYS_timer_gettime, 12345, &old);
	syscall(SYS_timer_gettime, tid, BADADDR);
	syscall(SYS_timer_delete, tid);
	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	syscall(SYS_timerfd_settime, tfd, 0, &its, &old);
	syscall(SYS_timerfd_settime, tfd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &its, NULL);
	syscall(SYS_timerfd_settime, tfd, 0x10, &its, NULL);
	syscall(SYS_timerfd_gettime, tfd, &old);
	syscall(SYS_timerfd_gettime, tfd, BADADDR);
	syscall(SYS_timerfd_gettime, 1000, &old);
	close(tfd);
	syscall(SYS_getpriority, PRIO_PROCESS, 0);
	syscall(SYS_getpriority, PRIO_USER, getuid());
	syscall(SYS_getpriority, 7, 0);
	syscall(SYS_setpriority, PRIO_PROCESS, 0, 5);
	syscall(SYS_setpriority, PRIO_PGRP, 0, -3);
	syscall(SYS_setpriority, 9, 1, 1);
	syscall(SYS_ioprio_get, IOPRIO_WHO_PROCESS, 0);
	syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, IOPRIO_PRIO_VALUE(IOPRIO_CLASS_BE, 4));
	syscall(SYS_ioprio_get, IOPRIO_WHO_PROCESS, 0);
	syscall(SYS_ioprio_set, IOPRIO_WHO_PGRP, 0, IOPRIO_PRIO_VALUE(IOPRIO_CLASS_IDLE, 0));
	syscall(SYS_ioprio_set, IOPRIO_WHO_USER, 0, IOPRIO_PRIO_VALUE(7, 3));
	syscall(SYS_ioprio_get, 5, 0);
	syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, IOPRIO_PRIO_VALUE(IOPRIO_CLASS_NONE, 0));
}

static void
do_io(const char *dir)
{
	char buf[64], b2[16], path[4096];
	struct iovec iov[2] = { { buf, 5 }, { b2, sizeof(b2) } };
	struct epoll_event ev[4];
	struct timespec ts = { 0, 1000 };
	uint64_t set = 1ULL << (SIGUSR1 - 1);
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	int fd, ep, p[2], dfd;

	snprintf(path, sizeof(path), "%s/f", dir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	write(fd, "hello world, preadv2", 20);
	syscall(SYS_preadv2, fd, iov, 2, 0, 0, 0);
	syscall(SYS_preadv2, fd, iov, 2, 3, 0, RWF_NOWAIT | RWF_HIPRI);
	syscall(SYS_preadv2, fd, iov, 1, -1, -1, 0);
	syscall(SYS_preadv2, fd, BADADDR, 1, 0, 0, 0x100);
	syscall(SYS_pwritev2, fd, iov, 2, 0, 0, RWF_DSYNC | RWF_APPEND);
	syscall(SYS_pwritev2, fd, iov, 1, 5, 0, 0);
	syscall(SYS_pwritev2, -1, iov, 1, 5, 0, 0x40);
	ep = epoll_create1(EPOLL_CLOEXEC);
	pipe(p);
	ev[0].events = EPOLLIN;
	ev[0].data.u64 = 7;
	epoll_ctl(ep, EPOLL_CTL_ADD, p[0], ev);
	syscall(SYS_epoll_pwait2, ep, ev, 4, &ts, &set, 8);
	write(p[1], "x", 1);
	syscall(SYS_epoll_pwait2, ep, ev, 4, &ts, NULL, 8);
	syscall(SYS_epoll_pwait2, ep, ev, 4, NULL, &set, 8);
	syscall(SYS_epoll_pwait2, ep, BADADDR, 4, BADADDR, NULL, 8);
	syscall(SYS_epoll_pwait2, -1, ev, 0, &ts, &set, 8);
	snprintf(path, sizeof(path), "%s/fifo", dir);
	syscall(SYS_mknod, path, S_IFIFO | 0644, 0);
	snprintf(path, sizeof(path), "%s/null", dir);
	syscall(SYS_mknod, path, S_IFCHR | 0600, makedev(1, 3));
	syscall(SYS_mknod, path, S_IFBLK | 0600, makedev(259, 65536 + 2));
	syscall(SYS_mknod, BADADDR, S_IFREG | 0600, 0);
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	syscall(SYS_mknodat, dfd, "reg", S_IFREG | 0640, 0);
	syscall(SYS_mknodat, AT_FDCWD, path, S_IFCHR | 0666, makedev(1, 5));
	syscall(SYS_mknodat, dfd, "sock", S_IFSOCK | 0600, 5);
	syscall(SYS_mknodat, -1, "x", 0600, 0);
	syscall(SYS_sync_file_range, fd, 0, 10, SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER);
	syscall(SYS_sync_file_range, fd, -1, 0, 0x10);
	syscall(SYS_vmsplice, p[1], iov, 2, SPLICE_F_NONBLOCK | SPLICE_F_GIFT);
	syscall(SYS_vmsplice, p[1], BADADDR, 1, 0);
	syscall(SYS_vmsplice, -1, iov, 1, 0x40);
	syscall(SYS_mlock2, buf, sizeof(buf), MLOCK_ONFAULT);
	syscall(SYS_mlock2, buf, sizeof(buf), 0);
	syscall(SYS_mlock2, buf, sizeof(buf), 2);
	syscall(SYS_membarrier, MEMBARRIER_CMD_QUERY, 0, 0);
	syscall(SYS_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0);
	syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0);
	syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ, MEMBARRIER_CMD_FLAG_CPU, 1);
	syscall(SYS_membarrier, 0x1000, 0, 0);
	syscall(SYS_pkey_alloc, 0, PKEY_DISABLE_WRITE);
	syscall(SYS_pkey_alloc, 0, PKEY_DISABLE_ACCESS | PKEY_DISABLE_WRITE);
	syscall(SYS_pkey_alloc, 1, 8);
	close(syscall(SYS_memfd_secret, FD_CLOEXEC));
	syscall(SYS_memfd_secret, 0x10);
	syscall(SYS_process_mrelease, -1, 0);
	syscall(SYS_process_mrelease, 0, 1);
	syscall(SYS_capget, &h, d);
	syscall(SYS_capset, &h, d);
	h.version = _LINUX_CAPABILITY_VERSION_1;
	syscall(SYS_capget, &h, d);
	h.version = 0x12345;
	syscall(SYS_capget, &h, NULL);
	syscall(SYS_capget, BADADDR, d);
	h.version = _LINUX_CAPABILITY_VERSION_3;
	h.pid = 99999;
	syscall(SYS_capget, &h, d);
	h.pid = 0;
	syscall(SYS_capget, &h, BADADDR);
	d[0].effective = 0; d[1].effective = 0;
	d[0].permitted = 1 << CAP_CHOWN | 1 << CAP_KILL; d[1].permitted = 1;
	d[0].inheritable = 0; d[1].inheritable = 0;
	syscall(SYS_capset, &h, d);
	close(fd);
	close(dfd);
}

static void
do_sys(const char *dir)
{
	char buf[64] = "zdiag-host", big[200], path[4096];
	struct iovec liov[2] = { { buf, 8 }, { big, 16 } }, riov = { buf, 10 };
	void *head = NULL;
	size_t len = 0;
	unsigned act = SECCOMP_RET_KILL_PROCESS;
	struct { unsigned int handle_bytes; int handle_type; unsigned char f_handle[128]; } fh;
	int mnt = -1, fd, key;

	memset(big, 'x', sizeof(big));
	syscall(SYS_sethostname, buf, 100);
	syscall(SYS_sethostname, BADADDR, 5);
	syscall(SYS_setdomainname, "zdiag\n", 200);
	syscall(SYS_setdomainname, BADADDR, 4);
	syscall(SYS_syslog, 10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	syscall(SYS_syslog, 99, buf, 10);
	syscall(SYS_syslog, 3 /* SYSLOG_ACTION_READ_ALL */, BADADDR, 10);
	syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, 0x1234, LINUX_REBOOT_CMD_CAD_ON, NULL);
	syscall(SYS_reboot, 0x1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_RESTART2, "now");
	syscall(SYS_delete_module, "zdiag_no_such_module", O_NONBLOCK | O_TRUNC);
	syscall(SYS_delete_module, BADADDR, 0);
	syscall(SYS_init_module, BADADDR, 4096, "opt=1");
	syscall(SYS_init_module, NULL, 0, BADADDR);
	syscall(SYS_finit_module, -1, "a=b", MODULE_INIT_IGNORE_MODVERSIONS | MODULE_INIT_IGNORE_VERMAGIC);
	syscall(SYS_finit_module, 0, "", 0x10);
	syscall(SYS_ioperm, 0x80, 1, 0);
	syscall(SYS_ioperm, 0x10000, 8, 1);
	syscall(SYS_kcmp, getpid(), getpid(), KCMP_FILE, 0, 1);
	syscall(SYS_kcmp, getpid(), getpid(), KCMP_VM, 0, 0);
	syscall(SYS_kcmp, getpid(), getpid(), KCMP_EPOLL_TFD, 0, BADADDR);
	syscall(SYS_kcmp, getpid(), 1, 99, 0, 0);
	syscall(SYS_get_robust_list, 0, &head, &len);
	syscall(SYS_get_robust_list, 0, BADADDR, &len);
	syscall(SYS_get_robust_list, 999999, &head, &len);
	syscall(SYS_process_vm_readv, getpid(), liov, 2, &riov, 1, 0);
	syscall(SYS_process_vm_writev, getpid(), &riov, 1, liov, 2, 0);
	syscall(SYS_process_vm_readv, getpid(), BADADDR, 1, &riov, 1, 1);
	syscall(SYS_process_madvise, -1, liov, 1, MADV_COLD, 0);
	syscall(SYS_process_madvise, 0, BADADDR, 1, 77, 1);
	close(syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK));
	syscall(SYS_userfaultfd, 0x10);
	syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &act);
	syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_LOG, NULL);
	syscall(SYS_seccomp, 77, 0, NULL);
	syscall(SYS_set_mempolicy_home_node, buf, 4096, 0, 0);
	syscall(SYS_remap_file_pages, buf, 4096, 0, 1, MAP_NONBLOCK);
	syscall(SYS_lookup_dcookie, 1, buf, sizeof(buf));
	syscall(SYS_kexec_file_load, -1, -1, 4, "c=1", KEXEC_FILE_UNLOAD | 0x80);
	syscall(SYS_kexec_load, 0, 0, NULL, 0x7fff0000);
	{
		/* never a load: the wrong arch and an unknown flag */
		static uint64_t seg[2][4] = { { 0, 4096, 0x100000, 8192 }, { 0x1000, 0, 0, 4096 } };

		syscall(SYS_kexec_load, 0x100000, 2, seg, KEXEC_ARCH_386 | 0x100 | KEXEC_ON_CRASH);
		syscall(SYS_kexec_load, 0, 17, seg, KEXEC_ARCH_PPC64 | KEXEC_PRESERVE_CONTEXT);
		syscall(SYS_kexec_load, 0, 1, BADADDR, KEXEC_ARCH_ARM | 0x100);
	}
	fd = syscall(SYS_fanotify_init, FAN_CLASS_NOTIF | FAN_CLOEXEC | FAN_NONBLOCK, O_RDONLY | O_LARGEFILE);
	syscall(SYS_fanotify_mark, fd, FAN_MARK_ADD, FAN_OPEN | FAN_CLOSE_WRITE | FAN_EVENT_ON_CHILD, AT_FDCWD, dir);
	syscall(SYS_fanotify_mark, fd, FAN_MARK_REMOVE | FAN_MARK_ONLYDIR, FAN_ACCESS, -1, BADADDR);
	syscall(SYS_fanotify_mark, fd, 0x80000000, 0x1000000000ULL, -1, NULL);
	close(fd);
	syscall(SYS_fanotify_init, 0x1000000, 0);
	fh.handle_bytes = sizeof(fh.f_handle);
	syscall(SYS_name_to_handle_at, AT_FDCWD, dir, &fh, &mnt, 0);
	fd = syscall(SYS_open_by_handle_at, AT_FDCWD, &fh, O_RDONLY | O_DIRECTORY);
	close(fd);
	fh.handle_bytes = 0;
	syscall(SYS_name_to_handle_at, AT_FDCWD, dir, &fh, &mnt, AT_SYMLINK_FOLLOW);
	syscall(SYS_name_to_handle_at, AT_FDCWD, dir, BADADDR, &mnt, 0);
	syscall(SYS_open_by_handle_at, -1, BADADDR, O_RDWR);
	snprintf(path, sizeof(path), "%s/nonexistent", dir);
	syscall(SYS_name_to_handle_at, AT_FDCWD, path, &fh, &mnt, 0x12);
	key = syscall(SYS_add_key, "user", "zdiag:test", "payload\1", 8, KEY_SPEC_PROCESS_KEYRING);
	syscall(SYS_add_key, "user", "zdiag:test2", NULL, 0, KEY_SPEC_THREAD_KEYRING);
	syscall(SYS_add_key, BADADDR, "d", "p", 1, -99);
	syscall(SYS_request_key, "user", "zdiag:test", NULL, KEY_SPEC_PROCESS_KEYRING);
	syscall(SYS_request_key, "user", "zdiag:none", "callout", 0);
	syscall(SYS_keyctl, KEYCTL_READ, key, buf, sizeof(buf));
	syscall(SYS_keyctl, KEYCTL_DESCRIBE, key, buf, sizeof(buf));
	syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0);
	syscall(SYS_keyctl, KEYCTL_REVOKE, key);
	syscall(SYS_keyctl, 9999, 1, 2, 3, 4);
}

static void
do_fs(const char *dir)
{
	char mnt[4096];
	struct mount_attr attr = { MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOEXEC, 0, MS_PRIVATE, 0 };
	uint64_t rs[3] = { LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR, 0, 0 };
	struct landlock_path_beneath_attr pb;
	int fd, m, p, r, dfd;

	snprintf(mnt, sizeof(mnt), "%s/mnt", dir);
	mkdir(mnt, 0755);
	fd = syscall(SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC);
	syscall(SYS_fsopen, "zdiag-nofs", 0x10);
	syscall(SYS_fsconfig, fd, FSCONFIG_SET_STRING, "size", "1M", 0);
	syscall(SYS_fsconfig, fd, FSCONFIG_SET_FLAG, "zdiag_bad", NULL, 0);
	syscall(SYS_fsconfig, fd, FSCONFIG_SET_BINARY, "bin", "\1\2", 2);
	syscall(SYS_fsconfig, fd, FSCONFIG_SET_PATH, "source", "/dev/null", AT_FDCWD);
	syscall(SYS_fsconfig, fd, FSCONFIG_SET_FD, "fd", NULL, 0);
	syscall(SYS_fsconfig, fd, 99, NULL, NULL, 0);
	syscall(SYS_fsconfig, fd, FSCONFIG_CMD_CREATE, NULL, NULL, 0);
	m = syscall(SYS_fsmount, fd, FSMOUNT_CLOEXEC, MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSUID);
	syscall(SYS_fsmount, fd, 0x10, 0x1000);
	syscall(SYS_move_mount, m, "", AT_FDCWD, mnt, MOVE_MOUNT_F_EMPTY_PATH);
	syscall(SYS_move_mount, -1, BADADDR, AT_FDCWD, mnt, 0x1000);
	close(syscall(SYS_open_tree, AT_FDCWD, mnt, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE));
	syscall(SYS_open_tree, -1, "x", 0x4);
	p = syscall(SYS_fspick, AT_FDCWD, mnt, FSPICK_CLOEXEC | FSPICK_NO_AUTOMOUNT);
	syscall(SYS_fsconfig, p, FSCONFIG_CMD_RECONFIGURE, NULL, NULL, 0);
	syscall(SYS_fspick, AT_FDCWD, "/nonexistent", 0x100);
	syscall(SYS_mount_setattr, AT_FDCWD, mnt, AT_RECURSIVE, &attr, sizeof(attr));
	syscall(SYS_mount_setattr, AT_FDCWD, mnt, 0, &attr, 8);
	attr.attr_set = MOUNT_ATTR_IDMAP | 0x40000000;
	attr.userns_fd = 3;
	attr.propagation = 7;
	syscall(SYS_mount_setattr, AT_FDCWD, mnt, AT_SYMLINK_NOFOLLOW, &attr, sizeof(attr));
	syscall(SYS_mount_setattr, -1, "", AT_EMPTY_PATH, BADADDR, 32);
	umount2(mnt, MNT_DETACH);
	syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	r = syscall(SYS_landlock_create_ruleset, rs, 8, 0);
	close(syscall(SYS_landlock_create_ruleset, rs, 24, 0));
	syscall(SYS_landlock_create_ruleset, BADADDR, 8, 0);
	syscall(SYS_landlock_create_ruleset, rs, 4, 2);
	dfd = open(dir, O_PATH | O_DIRECTORY);
	pb.allowed_access = LANDLOCK_ACCESS_FS_READ_FILE;
	pb.parent_fd = dfd;
	syscall(SYS_landlock_add_rule, r, LANDLOCK_RULE_PATH_BENEATH, &pb, 0);
	syscall(SYS_landlock_add_rule, r, LANDLOCK_RULE_PATH_BENEATH, BADADDR, 0);
	syscall(SYS_landlock_add_rule, r, 2, BADADDR, 1);
	syscall(SYS_landlock_restrict_self, -1, 0);
	syscall(SYS_landlock_restrict_self, r, 1);
}

static void
do_mq(void)
{
	struct mq_attr a, old;
	struct sigevent sev;
	struct timespec ts = { 0, 1000 };
	char buf[64];
	unsigned prio;
	int q;

	memset(&a, 0, sizeof(a));
	a.mq_maxmsg = 4;
	a.mq_msgsize = 16;
	syscall(SYS_mq_unlink, "zdiag-mq");
	/* non-blocking: an empty queue's receive returns EAGAIN */
	q = syscall(SYS_mq_open, "zdiag-mq", O_RDWR | O_CREAT | O_EXCL | O_NONBLOCK, 0600, &a);
	syscall(SYS_mq_open, "zdiag-mq", O_RDONLY, 0, NULL);
	syscall(SYS_mq_open, "zdiag-none", O_WRONLY | O_CREAT, 0644, BADADDR);
	syscall(SYS_mq_timedsend, q, "hello\n", 6, 3, NULL);
	syscall(SYS_mq_timedsend, q, "0123456789abcdef0123456789abcdef0123", 36, 1, &ts);
	syscall(SYS_mq_timedreceive, q, buf, sizeof(buf), &prio, &ts);
	syscall(SYS_mq_timedreceive, q, buf, sizeof(buf), NULL, NULL);
	syscall(SYS_mq_timedreceive, q, buf, sizeof(buf), &prio, &ts);
	syscall(SYS_mq_timedreceive, q, buf, 4, &prio, &ts);
	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_NONE;
	syscall(SYS_mq_notify, q, &sev);
	syscall(SYS_mq_notify, q, NULL);
	syscall(SYS_mq_notify, q, BADADDR);
	a.mq_flags = O_NONBLOCK;
	syscall(SYS_mq_getsetattr, q, &a, &old);
	syscall(SYS_mq_getsetattr, q, NULL, &old);
	syscall(SYS_mq_getsetattr, q, &a, NULL);
	syscall(SYS_mq_getsetattr, -1, &a, &old);
	syscall(SYS_mq_unlink, "zdiag-mq");
}

static void
do_schedattr(void)
{
	uint32_t a[16];

	memset(a, 0, sizeof(a));
	syscall(SYS_sched_getattr, 0, a, 48, 0);
	syscall(SYS_sched_getattr, 0, a, 64, 0);
	syscall(SYS_sched_getattr, 0, a, 0, 0);
	syscall(SYS_sched_getattr, 0, BADADDR, 56, 0);
	syscall(SYS_sched_getattr, 0, a, 56, 1);
	a[0] = 48;
	a[1] = 3;   /* SCHED_BATCH */
	a[4] = 5;   /* sched_nice */
	syscall(SYS_sched_setattr, 0, a, 0);
	a[2] = 0x10;  /* SCHED_FLAG_KEEP_PARAMS */
	syscall(SYS_sched_setattr, 0, a, 0);
	a[0] = 64;
	a[14] = 1;   /* a non-zero byte past struct sched_attr */
	syscall(SYS_sched_setattr, 0, a, 0);
	a[0] = 8;
	syscall(SYS_sched_setattr, 0, a, 0);
	a[0] = 56;
	a[2] = 0x80;
	syscall(SYS_sched_setattr, 0, a, 3);
	syscall(SYS_sched_setattr, 0, BADADDR, 0);
}

static void
do_ipc(void)
{
	struct sembuf ops[2] = { { 0, 1, SEM_UNDO }, { 0, -1, IPC_NOWAIT } };
	struct timespec ts = { 0, 1000 };
	struct { long mtype; char mtext[32]; } msg = { 7, "hello, queue\n" };
	int sem, shm, q;
	void *p;

	sem = syscall(SYS_semget, IPC_PRIVATE, 1, IPC_CREAT | IPC_EXCL | 0600);
	syscall(SYS_semget, 0x5a5a5a5a, 1, 0);
	syscall(SYS_semop, sem, ops, 2);
	syscall(SYS_semop, sem, BADADDR, 1);
	syscall(SYS_semtimedop, sem, ops + 1, 1, &ts);
	syscall(SYS_semtimedop, sem, ops, 1, NULL);
	ops[0].sem_flg = 0x10;
	syscall(SYS_semop, sem, ops, 1);
	semctl(sem, 0, IPC_RMID);
	shm = syscall(SYS_shmget, IPC_PRIVATE, 4096, IPC_CREAT | 0640);
	syscall(SYS_shmget, IPC_PRIVATE, 4096, 0600 | SHM_HUGETLB | (21 << 26));
	syscall(SYS_shmget, 0x1234, 4096, 0);
	p = (void *)syscall(SYS_shmat, shm, NULL, SHM_RDONLY);
	syscall(SYS_shmdt, p);
	syscall(SYS_shmat, shm, BADADDR, SHM_RND | 0x1000000);
	shmctl(shm, IPC_RMID, NULL);
	q = syscall(SYS_msgget, IPC_PRIVATE, IPC_CREAT | 0600);
	syscall(SYS_msgget, 0x77, IPC_EXCL);
	syscall(SYS_msgsnd, q, &msg, 13, 0);
	syscall(SYS_msgsnd, q, &msg, 5, IPC_NOWAIT);
	syscall(SYS_msgsnd, q, BADADDR, 5, 0);
	syscall(SYS_msgrcv, q, &msg, sizeof(msg.mtext), 0, IPC_NOWAIT);
	syscall(SYS_msgrcv, q, &msg, 2, 7, IPC_NOWAIT | MSG_NOERROR);
	syscall(SYS_msgrcv, q, &msg, sizeof(msg.mtext), -5, IPC_NOWAIT);
	syscall(SYS_msgrcv, q, BADADDR, 4, 0, IPC_NOWAIT | 0x100000);
	msgctl(q, IPC_RMID, NULL);
}

static void
do_futexv(void)
{
	static struct { uint64_t val, uaddr; uint32_t flags, reserved; } w[130];
	static uint32_t f[130];
	struct timespec ts = { 0, 1000 };
	int i;

	for (i = 0; i < 130; i++) {
		w[i].val = 1;
		w[i].uaddr = (uintptr_t)&f[i];
		w[i].flags = 2 | 128;   /* FUTEX_32 | FUTEX_PRIVATE_FLAG */
	}
	syscall(SYS_futex_waitv, w, 2, 0, &ts, CLOCK_MONOTONIC);
	w[1].flags = 0x10;
	w[1].reserved = 5;
	syscall(SYS_futex_waitv, w, 2, 0, NULL, CLOCK_REALTIME);
	syscall(SYS_futex_waitv, NULL, 0, 1, BADADDR, 77);
	syscall(SYS_futex_waitv, BADADDR, 1, 0, &ts, CLOCK_MONOTONIC);
	syscall(SYS_futex_waitv, w, 130, 0, &ts, CLOCK_MONOTONIC);
}

static void
do_aio(void)
{
	uint64_t ctx = 0;
	struct { uint64_t data, obj; int64_t res, res2; } ev[4];
	struct timespec ts = { 0, 1000 };

	syscall(SYS_io_setup, 16, &ctx);
	syscall(SYS_io_setup, 0, &ctx);
	syscall(SYS_io_setup, 4, BADADDR);
	struct iocb cb, *cbs[1] = { &cb };
	char buf[16];
	int fd = open("/proc/self/exe", O_RDONLY);

	syscall(SYS_io_getevents, ctx, 0, 4, ev, &ts);
	/* one completed read (io_submit itself is still printed raw) */
	memset(&cb, 0, sizeof(cb));
	cb.aio_data = 0x1234;
	cb.aio_lio_opcode = IOCB_CMD_PREAD;
	cb.aio_fildes = fd;
	cb.aio_buf = (uintptr_t)buf;
	cb.aio_nbytes = sizeof(buf);
	syscall(SYS_io_submit, ctx, 1, cbs);
	syscall(SYS_io_getevents, ctx, 1, 4, ev, &ts);
	syscall(SYS_io_getevents, ctx, 1, 4, ev, &ts);
	close(fd);
	syscall(SYS_io_getevents, ctx, 5, 4, BADADDR, NULL);
	syscall(SYS_io_getevents, 0, 0, 1, ev, BADADDR);
	syscall(SYS_io_destroy, ctx);
	syscall(SYS_io_destroy, 0);
}

/* adjtimex, clock_adjtime: reads only (modes 0, ADJ_OFFSET_SS_READ) */
static void
do_timex(void)
{
	struct timex tx;

	memset(&tx, 0, sizeof(tx));
	syscall(SYS_adjtimex, &tx);
	memset(&tx, 0, sizeof(tx));
	tx.modes = ADJ_OFFSET_SS_READ;
	syscall(SYS_adjtimex, &tx);
	syscall(SYS_adjtimex, BADADDR);
	syscall(SYS_adjtimex, NULL);
	memset(&tx, 0, sizeof(tx));
	syscall(SYS_clock_adjtime, CLOCK_REALTIME, &tx);
	syscall(SYS_clock_adjtime, 99, &tx);
	syscall(SYS_clock_adjtime, CLOCK_REALTIME, BADADDR);
}

int
main(int argc, char **argv)
{
	alarm(HELPER_ALARM);
	if (argc == 2 && !strcmp(argv[1], "sig"))
		do_sig();
	else if (argc == 2 && !strcmp(argv[1], "time"))
		do_time();
	else if (argc == 3 && !strcmp(argv[1], "io"))
		do_io(argv[2]);
	else if (argc == 2 && !strcmp(argv[1], "schedattr"))
		do_schedattr();
	else if (argc == 2 && !strcmp(argv[1], "timex"))
		do_timex();
	else if (argc == 2 && !strcmp(argv[1], "aio"))
		do_aio();
	else if (argc == 2 && !strcmp(argv[1], "futexv"))
		do_futexv();
	else if (argc == 2 && !strcmp(argv[1], "ipc"))
		do_ipc();
	else if (argc == 2 && !strcmp(argv[1], "mq"))
		do_mq();
	else if (argc == 3 && !strcmp(argv[1], "fs"))
		do_fs(argv[2]);
	else if (argc == 3 && !strcmp(argv[1], "sys"))
		do_sys(argv[2]);
	else {
		fprintf(stderr, "usage: trace_decode2 WHAT [ARG]\n");
		return 2;
	}
	return 0;
}
