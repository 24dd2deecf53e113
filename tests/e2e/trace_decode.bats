#!/usr/bin/env bats
# zdiag trace's decoders against strace 6.1: each test makes real calls
# (tests/helpers/trace_decode or a real command), traces them with strace
# and with zdiag trace, and compares the lines after normalising only what
# differs from run to run (addresses, pids, times).  Each runs in its own
# PID namespace (in_ns).

load '../lib/common'

bats_require_minimum_version 1.5.0

# Free space changes between the two runs.
FREE_N='s/(f_bfree|f_bavail|f_ffree)=[0-9]+/\1=N/g'

setup() {
	command -v strace > /dev/null || skip "strace not installed"
	require_pidns
}

# both OPTS -- CMD...: run CMD under strace OPTS and zdiag trace OPTS (-o
# $T/s and $T/z), in one PID namespace.  The options and the command are
# shell words, quoted for sh -c by the caller where needed.  The command's
# first free fd is 3, as when run from a terminal.  $PRE, if set, runs
# first in the namespace (a mount the command needs).
both() {
	local opts=
	while [ "$1" != -- ]; do opts="$opts $1"; shift; done
	shift
	in_ns "exec 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-; ${PRE:-true}; strace $opts -o \$T/s $* > /dev/null 2>&1; \"\$ZDIAG\" trace $opts -o \$T/z $* > /dev/null 2>&1; true"
}

# same [SED]: the two traces agree line for line once addresses (0x and six
# or more hex digits) are normalised, and SED, if given, is applied to both.
same() {
	local e='s/0x[0-9a-f]{6,}/ADDR/g'
	sed -E -e "$e" ${1:+-e "$1"} "$T/s" > "$T/s.n"
	sed -E -e "$e" ${1:+-e "$1"} "$T/z" > "$T/z.n"
	cat "$T/z.n"
	diff "$T/s.n" "$T/z.n"
	[ -s "$T/z.n" ]
}

@test "xattr family: set/get/list/remove, path, l- and f- forms, values and errors, as strace" {
	T=$BATS_TEST_TMPDIR
	both -e trace=/xattr -- '"$HELPERS/trace_decode" xattr $T/f; rm -f $T/f'
	same
	grep -q '^getxattr(".*/f", "user.zdiag", "value", 256) = 6$' "$T/z"
	grep -q '^fsetxattr([0-9]*, "user.f", "ffff", 4, XATTR_CREATE|XATTR_REPLACE) = -1 ENODATA' "$T/z"
	# (in the file system's order: ext4 and tmpfs differ; strace's is compared above)
	grep -q '^listxattr(".*/f", "user\.[a-z]*\\0user\.[a-z]*\\0user\.[a-z]*\\0", 256) = 30$' "$T/z"
}

@test "ls -la: lgetxattr, getxattr and statx lines are strace's" {
	both -e trace=statx,lgetxattr,getxattr,getdents64 -- ls -la /usr/bin
	same
	grep -q '^lgetxattr("/usr/bin", "security.selinux", ADDR, 255) = -1 ENODATA' "$T/z.n"
	grep -q '^getdents64(3, ADDR /\* [0-9]* entries \*/, 32768) = ' "$T/z.n"
}

@test "socket types: SOCK_STREAM|SOCK_CLOEXEC|SOCK_NONBLOCK in strace's order, unknown types too" {
	both -e trace=socket,socketpair -- '"$HELPERS/trace_decode" socket'
	same
	grep -q '^socket(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC|SOCK_NONBLOCK, 0) = 3$' "$T/z"
}

@test "getdents, getdents64: /* N entries */, and with -v every entry, as strace" {
	T=$BATS_TEST_TMPDIR
	mkdir "$T/d" && touch "$T/d/a" "$T/d/$(printf 'n\tl')" && mkdir "$T/d/sub" && ln -s a "$T/d/l"
	both -e trace=getdents,getdents64 -- '"$HELPERS/trace_decode" dents $T/d'
	same
	grep -q '^getdents64(3, ADDR /\* 6 entries \*/, 65536) = ' "$T/z.n"
	grep -q '^getdents64(3, ADDR /\* 0 entries \*/, 65536) = 0$' "$T/z.n"
	both -v -e trace=getdents,getdents64 -- '"$HELPERS/trace_decode" dents $T/d'
	same
	grep -q 'd_type=DT_DIR, d_name="sub"}' "$T/z"
	# getdents: d_name before d_type ("." first on tmpfs, not on ext4)
	grep -q '^getdents(3, \[{d_ino=[0-9]*, d_off=[0-9]*, d_reclen=[0-9]*, d_name="' "$T/z"
	grep -q '^getdents(3, \[.*d_name="\.", d_type=DT_DIR}' "$T/z"
	grep -q '^getdents64(3, \[\], 65536) *= 0$' "$T/z"
}

@test "fcntl locks: struct flock without l_pid when set, with it from F_GETLK and F_OFD_GETLK; leases, owners, F_NOTIFY" {
	T=$BATS_TEST_TMPDIR
	both -e trace=fcntl -- '"$HELPERS/trace_decode" fcntl $T/f'
	same 's/pid=[0-9]+/pid=PID/g'
	grep -q '^fcntl(3, F_SETLK, {l_type=F_WRLCK, l_whence=SEEK_SET, l_start=10, l_len=20}) = 0$' "$T/z"
	grep -q '^fcntl(3, F_GETLK, {l_type=F_WRLCK, l_whence=SEEK_SET, l_start=100, l_len=10, l_pid=-1}) = 0$' "$T/z"
	grep -q '^fcntl(3, F_GETLEASE) *= 0x2 (F_UNLCK)$' "$T/z"
	grep -q 'F_NOTIFY, DN_CREATE|DN_DELETE|DN_MULTISHOT) = 0$' "$T/z"
}

@test "getrusage, wait4's usage (-v: every counter), CPU affinity as [0 1], sched_* params and policies, as strace" {
	# the counters and times differ from run to run, the field names not
	local e='/^--- SIGCHLD/d; s/(ru_[a-z]+|tv_sec|tv_usec)=[0-9]+/\1=N/g; s/^wait4\([0-9]+(.*) = [0-9]+$/wait4(PID\1 = PID/'
	for v in "" -v; do
		both $v -e trace=/sched,getrusage,wait4 -- '"$HELPERS/trace_decode" sched'
		same "$e"
	done
	grep -q '^getrusage(RUSAGE_CHILDREN, {ru_utime={tv_sec=0, tv_usec=0}, ru_stime={tv_sec=0, tv_usec=0}, ru_maxrss=0, ' "$T/z"
	grep -q '^sched_setaffinity(0, 16, \[0 1\]) *= 0$' "$T/z"
	grep -q '^sched_getscheduler(0) *= 3 (SCHED_BATCH)$' "$T/z"
}

@test "statfs, fstatfs: f_type by name (EXT2_SUPER_MAGIC, TMPFS_MAGIC, PROC_SUPER_MAGIC), f_flags by name, as strace" {
	T=$BATS_TEST_TMPDIR
	require_private_mounts "$T"
	mkdir "$T/m"
	PRE='mount -t tmpfs -o ro,nosuid,nodev,noexec,noatime tmpfs $T/m' \
		both -e trace=statfs,fstatfs -- '"$HELPERS/trace_decode" statfs / /proc $T/m /sys'
	same "$FREE_N"
	grep -q '^statfs("/proc", {f_type=PROC_SUPER_MAGIC, f_bsize=4096, ' "$T/z"
	grep -q "^fstatfs(3, {f_type=TMPFS_MAGIC, .*, f_flags=ST_VALID|ST_RDONLY|ST_NOSUID|ST_NODEV|ST_NOEXEC|ST_NOATIME})" "$T/z"
	grep -q '^statfs("/sys", {f_type=SYSFS_MAGIC, ' "$T/z"
}

@test "getgroups, setgroups: NULL, [], the list (-s elements, all with -v), -1, as strace" {
	for v in "" -v "-s 5"; do
		both $v -e trace=getgroups,setgroups -- '"$HELPERS/trace_decode" groups'
		same
	done
	grep -qx 'getgroups(0, NULL) *= 3' "$T/z"
	grep -qx 'setgroups(40, \[1000, 1001, 1002, 1003, 1004, \.\.\.\]) = 0' "$T/z"
	grep -qx 'setgroups(3, \[1000, -1, 1002\]) *= -1 EINVAL (Invalid argument)' "$T/z"
}

@test "stat family and statx: abbreviated, and with -v every field with strace's date comments (local time, nsec) and *_nsec fields" {
	T=$BATS_TEST_TMPDIR
	touch -d @0 "$T/epoch" && touch -d '2026-12-05 21:50:59.123456789 UTC' "$T/f" && ln -s f "$T/l"
	# a folder nothing is written to between the runs (on tmpfs a folder's
	# size and times change with every file made in it)
	mkdir "$T/dir"
	for v in "" -v; do
		# the comments are in the tracer's local time: a zone of +0530
		PRE='export TZ=XYZ-5:30' both $v -e trace=%stat,%lstat,%fstat -- \
			'"$HELPERS/trace_decode" stat $T/epoch $T/f $T/l $T/dir /dev/null'
		same
	done
	grep -q '^stat(".*/f", {st_dev=makedev(0[x0-9a-f]*, 0x*[0-9a-f]*), st_ino=[0-9]*, st_mode=S_IFREG|0644, .*, st_atime=1796507459 /\* 2026-12-06T03:20:59.123456789+0530 \*/, st_atime_nsec=123456789, st_mtime=1796507459 /\* 2026-12-06T03:20:59.123456789+0530 \*/, st_mtime_nsec=123456789, st_ctime=' "$T/z"
	grep -q '^stat(".*/epoch", {.*, st_atime=0, st_atime_nsec=0, st_mtime=0, st_mtime_nsec=0, ' "$T/z"
	grep -q '^statx(AT_FDCWD, ".*/f", AT_STATX_FORCE_SYNC|AT_NO_AUTOMOUNT, STATX_ALL|STATX_MNT_ID, {stx_mask=.*stx_mtime={tv_sec=1796507459, tv_nsec=123456789} /\* 2026-12-06T03:20:59.123456789+0530 \*/, stx_rdev_major=0, ' "$T/z"
	grep -q '^statx(AT_FDCWD, "/dev/null", .*stx_rdev_major=1, stx_rdev_minor=3, ' "$T/z"
}

@test "-e trace=%stat %lstat %fstat %%stat %statfs %fstatfs %%statfs select strace 6.1's calls (%stat is stat alone, %%statfs has ustat)" {
	T=$BATS_TEST_TMPDIR
	touch "$T/f"
	for c in %stat %lstat %fstat %%stat %statfs %fstatfs %%statfs; do
		echo "($c)"
		for w in "stat $T/f" "statfs $T"; do
			both -e trace=$c -- '"$HELPERS/trace_decode"' "$w"
			same "$FREE_N"
			grep -o '^[a-z0-9_]*(' "$T/z" >> "$T/all.$c" || true
		done
		sort -u "$T/all.$c" | tr '\n' ' ' > "$T/names.$c"
	done
	[ "$(cat "$T/names.%stat")" = "stat( " ]
	[ "$(cat "$T/names.%fstat")" = "fstat( newfstatat( statx( " ]
	[ "$(cat "$T/names.%%stat")" = "fstat( lstat( newfstatat( stat( statx( " ]
	[ "$(cat "$T/names.%%statfs")" = "fstatfs( statfs( ustat( " ]
}

@test "utimensat: each time with strace's date comment, UTIME_NOW and NULL as strace" {
	T=$BATS_TEST_TMPDIR
	touch "$T/u"
	for a in "-d @1796507459.5 $T/u" "$T/u" "-m -d @0 $T/u"; do
		both -e trace=utimensat -- touch "$a"
		same
	done
}

# The calls decoded since 2026-12-06 (tests/helpers/trace_decode2.c), in
# each -X style; times left on a timer differ between the runs.
# and so do the helper's pids (the first word of rt_*sigqueueinfo).
TIMER_N='s/tv_nsec=[0-9]+/tv_nsec=N/g; s/tv_sec=[0-9]+/tv_sec=N/g; s/(si_pid|thread_id)=[0-9]+/\1=PID/g; /^(rt_t?g?sigqueueinfo|kcmp|process_vm_[a-z]+)\(/ s/(\(|, )[0-9]+(<trace_decode2>)?, /\1PID\2, /g;/^(rt_t?g?sigqueueinfo|kcmp|process_vm_[a-z]+)\(/ s/(\(|, )[0-9]+(<trace_decode2>)?, /\1PID\2, /g; s/ = [0-9]+ \(SIGUSR1\)/ = PID (SIGUSR1)/; s/= [0-9]{6,}$/= KEY/; /^kcmp\(/ s/= [0-9]$/= N/'

decode2() {
	local set=$1 what=$2 x
	shift 2
	for x in "" "-X raw" "-X verbose" "-v -Y"; do
		both $x -e trace=$set -- '"$HELPERS/trace_decode2"' "$what" "$@"
		same "$TIMER_N"
	done
}

@test "rt_sigtimedwait, sigaltstack, rt_sigqueueinfo, rt_tgsigqueueinfo, signalfd, signalfd4 as strace" {
	decode2 rt_sigtimedwait,sigaltstack,rt_sigqueueinfo,rt_tgsigqueueinfo,signalfd,signalfd4 sig
	grep -q '^rt_sigtimedwait(\[USR1 RT_3\], {si_signo=SIGUSR1, si_code=SI_USER, si_pid=[0-9]*<trace_decode2>, si_uid=0}, {tv_sec=0, tv_nsec=1000}, 8) = 10 (SIGUSR1)$' "$T/z"
	grep -q '^sigaltstack({ss_sp=0x[0-9a-f]*, ss_flags=0x10 /\* SS_??? \*/, ss_size=65536}, 0xbadc0de000) = -1 EINVAL' "$T/z"
	grep -q '^rt_sigqueueinfo([0-9]*<trace_decode2>, SIGUSR1, {si_signo=SIGUSR1, si_code=SI_QUEUE, si_pid=[0-9]*<trace_decode2>, si_uid=0, si_int=42, si_ptr=0x2a}) = 0$' "$T/z"
	grep -q '^signalfd(1000, 0x[0-9a-f]*, 4) *= -1 EINVAL' "$T/z"
}

@test "timer_create (struct sigevent), timer_settime/gettime, timerfd_settime/gettime, getpriority/setpriority, ioprio_get/set as strace" {
	decode2 timer_create,timer_settime,timer_gettime,timerfd_settime,timerfd_gettime,getpriority,setpriority,ioprio_get,ioprio_set time
	grep -q '^timer_create(CLOCK_MONOTONIC, {sigev_value={sival_int=7, sival_ptr=0x7}, sigev_signo=SIGUSR2, sigev_notify=SIGEV_THREAD_ID, sigev_notify_thread_id=[0-9]*}, \[[0-9]\]) = 0$' "$T/z"
	grep -q '^ioprio_set(IOPRIO_WHO_PGRP, 0, IOPRIO_PRIO_VALUE(IOPRIO_CLASS_IDLE, 0)) = 0$' "$T/z"
	grep -q '^ioprio_get(IOPRIO_WHO_PROCESS, 0) *= 16388 (IOPRIO_PRIO_VALUE(IOPRIO_CLASS_BE, 4))$' "$T/z"
}

@test "preadv2/pwritev2, epoll_pwait2, mknod/mknodat, sync_file_range, vmsplice, mlock2, membarrier, pkey_alloc, memfd_secret, process_mrelease, capget/capset as strace" {
	T=$BATS_TEST_TMPDIR
	mkdir "$T/d"
	decode2 preadv2,pwritev2,epoll_pwait2,mknod,mknodat,sync_file_range,vmsplice,mlock2,membarrier,pkey_alloc,memfd_secret,process_mrelease,capget,capset \
		io '$T/d; rm -rf $T/d/*'
	# ext4 reads with RWF_NOWAIT; tmpfs (a /tmp on tmpfs) refuses it: then
	# the buffers show as addresses, as strace shows them for a failed read
	grep -q '^preadv2(3, \[{iov_base="lo wo", iov_len=5}, {iov_base="rld, preadv2", iov_len=16}\], 2, 3, RWF_HIPRI|RWF_NOWAIT) = 17$' "$T/z" ||
		grep -q '^preadv2(3, \[{iov_base=0x[0-9a-f]*, iov_len=5}, {iov_base=0x[0-9a-f]*, iov_len=16}\], 2, 3, RWF_HIPRI|RWF_NOWAIT) = -1 EOPNOTSUPP ' "$T/z"
	grep -q '^mknod(".*/null", S_IFCHR|0600, makedev(0x1, 0x3)) = 0$' "$T/z"
	grep -q '^membarrier(MEMBARRIER_CMD_QUERY, 0) *= 0x[0-9a-f]* (MEMBARRIER_CMD_GLOBAL|.*MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ' "$T/z"
	grep -q '^capset({version=_LINUX_CAPABILITY_VERSION_3, pid=0}, {effective=0, permitted=1<<CAP_CHOWN|1<<CAP_KILL|1<<CAP_MAC_OVERRIDE, inheritable=0}) = 0$' "$T/z"
}

@test "sethostname, setdomainname, syslog, reboot, modules, kexec_load, ioperm, kcmp, get_robust_list, process_vm_readv/writev, process_madvise, userfaultfd, set_mempolicy_home_node, remap_file_pages, lookup_dcookie, kexec_file_load, add_key, request_key as strace" {
	T=$BATS_TEST_TMPDIR
	mkdir "$T/d"
	decode2 sethostname,setdomainname,syslog,reboot,delete_module,init_module,finit_module,ioperm,kcmp,get_robust_list,process_vm_readv,process_vm_writev,process_madvise,userfaultfd,set_mempolicy_home_node,remap_file_pages,lookup_dcookie,kexec_file_load,kexec_load,add_key,request_key \
		sys '$T/d'
	grep -q '^syslog(10 /\* SYSLOG_ACTION_SIZE_BUFFER \*/) *= [0-9]*$' "$T/z"
	grep -q '^reboot(0x1 /\* LINUX_REBOOT_MAGIC_??? \*/, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_RESTART2, "now") = -1 EINVAL' "$T/z"
	grep -q '^get_robust_list(0, \[0x[0-9a-f]*\], \[24\]) = 0$' "$T/z"
	grep -q '^process_vm_writev([0-9]*<trace_decode2>, \[{iov_base="zdiag-host", iov_len=10}\], 1, \[{iov_base=0x[0-9a-f]*, iov_len=8}, {iov_base=0x[0-9a-f]*, iov_len=16}\], 2, 0) = 10$' "$T/z"
	grep -q '^add_key("user", "zdiag:test", "payload\\1", 8, KEY_SPEC_PROCESS_KEYRING) = [0-9]*$' "$T/z"
	grep -q '^remap_file_pages(0x[0-9a-f]*, 4096, PROT_NONE, 1, MAP_FILE|MAP_NONBLOCK) = -1 EINVAL' "$T/z"
	grep -q '^kexec_load(0x100000, 2, \[{buf=NULL, bufsz=4096, mem=0x100000, memsz=8192}, {buf=0x1000, bufsz=0, mem=NULL, memsz=4096}\], KEXEC_ARCH_386|KEXEC_ON_CRASH|0x100) = -1 ' "$T/z"
}

@test "fsopen, fsconfig, fsmount, move_mount, open_tree, fspick, mount_setattr, landlock_*, fanotify_*, name_to_handle_at, open_by_handle_at as strace" {
	T=$BATS_TEST_TMPDIR
	require_private_mounts "$T"
	mkdir "$T/d"
	decode2 fsopen,fsmount,open_tree,move_mount,fspick,fsconfig,mount_setattr,landlock_create_ruleset,landlock_add_rule,landlock_restrict_self fs '$T/d'
	grep -q '^fsconfig(3, FSCONFIG_SET_STRING, "size", "1M", 0) = 0$' "$T/z"
	grep -q '^fsmount(3, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID|MOUNT_ATTR_NODEV) = 4$' "$T/z"
	grep -q '^mount_setattr(AT_FDCWD, ".*/mnt", AT_RECURSIVE, {attr_set=MOUNT_ATTR_RDONLY|MOUNT_ATTR_NOEXEC, attr_clr=0, propagation=MS_PRIVATE, userns_fd=0}, 32) = 0$' "$T/z"
	grep -q '^landlock_add_rule([0-9]*, LANDLOCK_RULE_PATH_BENEATH, {allowed_access=LANDLOCK_ACCESS_FS_READ_FILE, parent_fd=[0-9]*}, 0) = 0$' "$T/z"
	decode2 fanotify_init,fanotify_mark,name_to_handle_at,open_by_handle_at sys '$T/d'
	grep -q '^fanotify_mark(3, FAN_MARK_REMOVE|FAN_MARK_ONLYDIR, FAN_ACCESS, FAN_NOFD, 0xbadc0de000) = -1 EFAULT' "$T/z"
	grep -q '^name_to_handle_at(AT_FDCWD, ".*/d", {handle_bytes=128 => [0-9]*, handle_type=[0-9]*, f_handle="\\x[0-9a-f\\x]*"}, \[[0-9]*\], 0) = 0$' "$T/z"
}

@test "mq_open, mq_timedsend, mq_timedreceive, mq_notify, mq_getsetattr as strace" {
	decode2 mq_open,mq_timedsend,mq_timedreceive,mq_notify,mq_getsetattr mq
	grep -q '^mq_open("zdiag-mq", O_RDWR|O_CREAT|O_EXCL|O_NONBLOCK, 0600, {mq_flags=0, mq_maxmsg=4, mq_msgsize=16, mq_curmsgs=0}) = 3$' "$T/z"
	grep -q '^mq_timedreceive(3, "hello\\n", 64, \[3\], {tv_sec=0, tv_nsec=1000}) = 6$' "$T/z"
	grep -q '^mq_getsetattr(3, NULL, {mq_flags=O_NONBLOCK, mq_maxmsg=4, mq_msgsize=16, mq_curmsgs=0}) = 0$' "$T/z"
}

@test "sched_setattr, sched_getattr: struct sched_attr by size and flags, E2BIG's size, as strace" {
	decode2 sched_setattr,sched_getattr schedattr
	grep -q '^sched_setattr(0, {size=48, sched_flags=SCHED_FLAG_KEEP_PARAMS}, 0) = 0$' "$T/z"
	grep -q '^sched_setattr(0, {size=8} => {size=56}, 0) = -1 E2BIG' "$T/z"
	grep -q '^sched_getattr(0, {size=56, sched_policy=SCHED_OTHER, .*, sched_util_min=0, sched_util_max=0}, 64, 0) = 0$' "$T/z"
}

@test "semget, semop, semtimedop, shmget, shmat, msgget, msgsnd, msgrcv as strace (the IPC ids differ between the runs)" {
	local ids='/^(sem|shm|msg)[a-z]*\(/ { s/^([a-z]+)\([0-9]+,/\1(ID,/; s/= [0-9]+$/= ID/; }'
	local x
	for x in "" "-X raw" "-X verbose" "-v -Y"; do
		both $x -e trace=semget,semop,semtimedop,shmget,shmat,shmdt,msgget,msgsnd,msgrcv -- '"$HELPERS/trace_decode2" ipc'
		same "$ids"
	done
	grep -q '^semget(IPC_PRIVATE, 1, IPC_CREAT|IPC_EXCL|0600) = [0-9]*$' "$T/z"
	grep -q '^semop([0-9]*, \[{sem_num=0, sem_op=1, sem_flg=SEM_UNDO}, {sem_num=0, sem_op=-1, sem_flg=IPC_NOWAIT}\], 2) = 0$' "$T/z"
	grep -q '^shmget(IPC_PRIVATE, 4096, SHM_HUGETLB|21<<SHM_HUGE_SHIFT|0600) = -1 ' "$T/z"
	grep -q '^msgrcv([0-9]*, {mtype=7, mtext="he"}, 2, 7, MSG_NOERROR|IPC_NOWAIT) = 2$' "$T/z"
}

@test "futex_waitv: the waiters (at most 128), flags, timeout, clock, as strace" {
	decode2 futex_waitv futexv
	grep -q '^futex_waitv(\[{val=0x1, uaddr=0x[0-9a-f]*, flags=FUTEX_32|FUTEX_PRIVATE_FLAG}, {val=0x1, uaddr=0x[0-9a-f]*, flags=0x10 /\* FUTEX_??? \*/, __reserved=0x5}\], 2, 0, NULL, CLOCK_REALTIME) = -1 EINVAL' "$T/z"
	grep -q '^futex_waitv(\[.*, \.\.\.\], 130, 0, ' "$T/z"
}

@test "io_setup, io_getevents (struct io_event), io_destroy as strace" {
	decode2 io_setup,io_destroy,io_getevents aio
	grep -q '^io_setup(16, \[0x[0-9a-f]*\]) *= 0$' "$T/z"
	grep -q '^io_getevents(0x[0-9a-f]*, 1, 4, \[{data=0x1234, obj=0x[0-9a-f]*, res=16, res2=0}\], {tv_sec=0, tv_nsec=1000}) = 1$' "$T/z"
	grep -q '^io_destroy(NULL) *= -1 EINVAL' "$T/z"
}

@test "adjtimex, clock_adjtime: struct timex read at the exit, '= 5 (TIME_ERROR)', as strace (reads only)" {
	local tx='s/(offset|freq|maxerror|esterror|tv_sec|tv_usec|ppsfreq|jitter|stabil|jitcnt|calcnt|errcnt|stbcnt)=-?[0-9]+/\1=N/g'
	local x
	for x in "" "-X raw" "-X verbose" "-v -Y"; do
		both $x -e trace=adjtimex,clock_adjtime -- '"$HELPERS/trace_decode2" timex'
		same "$tx"
	done
	grep -q '^adjtimex({modes=ADJ_OFFSET_SS_READ, offset=[-0-9]*, freq=[-0-9]*, .*, tai=[0-9]*}) = [0-9] (TIME_[A-Z]*)$' "$T/z"
	grep -q '^clock_adjtime(0x63 /\* CLOCK_??? \*/, 0x[0-9a-f]*) = -1 EINVAL' "$T/z"
}
