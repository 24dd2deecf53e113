/*
 * reap_parent MODE NZOMBIES RESULT_FILE [ARG]: a parent with NZOMBIES zombie
 * children, parked in MODE, that checks afterwards that its program saw
 * nothing of `zdiag reap` (tests/e2e/reap.bats, tests/trials/reap_trials.py,
 * bench/reap.sh).
 *
 * Child i exits with code 10 + i % 200, except child 2 (the third) which
 * dies by SIGTERM when NZOMBIES >= 3.  Once every child shows state Z it
 * prints one line and parks:
 *
 *	parent=P zombies=Z0,Z1,... [other=O] [tracer=T]
 *
 * When the parked call returns it checks its own experience and writes
 * "ok" or "bad: WHAT" to RESULT_FILE (atomically: written to a temporary
 * file, then renamed), then stays alive (pause) until the test ends it.
 * Checked everywhere: no signal other than the one the test sends (a
 * counting handler, installed without SA_RESTART, on every catchable
 * signal except SIGALRM, the helper's own time limit, and the synchronous
 * faults, which must kill), no register the kernel preserves across a
 * syscall changed (the parked syscalls are raw `syscall` instructions with
 * known values in the argument registers, rbx, r12-r15, xmm0 and xmm15;
 * pthread_cond_wait is glibc's), a guard array on the stack and one in .data unchanged,
 * and /proc/self/maps the same before and after (no scratch mapping left).
 *
 * SIGCHLD is left at SIG_DFL (discarded) except in sigchld-handler.  Every
 * process arms alarm(HELPER_ALARM).
 *
 * Modes (the test feeds a fifo by writing one byte `K` to ARG):
 *   pause            raw pause(); woken by SIGUSR1 from the test: it must
 *                    return EINTR once, with SIGUSR1 the only signal seen
 *   nanosleep SECS   raw nanosleep(SECS): returns 0 after >= SECS and at
 *                    most SECS + 1.5 s in total (the remaining time kept)
 *   read FIFO        raw read() of the fifo (a pipe; opened O_RDWR):
 *                    returns the byte K, never EINTR
 *   poll FIFO        raw poll() (90 s timeout) then read: POLLIN, byte K
 *   epoll FIFO       raw epoll_wait() (90 s timeout) then read: one
 *                    EPOLLIN event, byte K
 *   condwait FIFO    3 threads: main in pthread_cond_wait; worker 1 in a
 *                    raw read of the fifo, which signals the condition on
 *                    K; worker 2 in a raw read of an internal pipe that
 *                    main writes once woken.  Main must wake exactly once.
 *   wait4-other FIFO one more live child O (other=O), which exits with
 *                    code 'K' (75) once it reads K from the fifo; the
 *                    parent is in raw wait4(O): it must return O with that
 *                    status, and then waitid(Zi, WNOHANG) must give ECHILD
 *                    for every zombie (they were reaped)
 *   sigchld-handler  a SIGCHLD handler (installed before the children are
 *                    forked) that counts and never waits; raw pause() woken
 *                    by SIGUSR1: no SIGCHLD may arrive after the zombies
 *                    were all seen (a reap by waitid sends none)
 *   wait4-target     the parent is visibly in wait4 for exactly Z0 while Z0
 *                    stays a zombie.  A plain wait4(Z0) reaps at once, a
 *                    live child is "not a zombie", and a waitid(P_PID, Z0)
 *                    without WEXITED returns ECHILD at once (measured on
 *                    6.18): the stable forms are a leader with live threads
 *                    (stage threads-alive) and this one: every child is
 *                    traced by a tracer process (tracer=T) that never waits
 *                    (as in traced), and the parent is in raw wait4(Z0, 0),
 *                    blocked because a zombie ptracee is only visible to its
 *                    tracer.  Reaping through the tracer hands Z0 back and
 *                    the parent's own wait4 must then return Z0 with exit
 *                    code 10: nothing is stolen from it.
 *   stopped          raise(SIGSTOP) after reporting; once continued it
 *                    reaps its zombies itself with wait4(Zi) and checks
 *                    each status (SIGCONT is allowed once)
 *   vfork FIFO       the parent is in D state: vfork() of a child that waits
 *                    for K on the fifo (raw syscalls only) before _exit;
 *                    then raw pause() woken by SIGUSR1
 *   seccomp ACTION   a seccomp filter on waitid (the call zdiag injects):
 *                    ACTION kill (SECCOMP_RET_KILL_PROCESS), errno (EPERM),
 *                    trap (SIGSYS, which kills) or allow (the filter is
 *                    there but lets waitid through; it kills reboot) or
 *                    kill-threads (kills for a clone with CLONE_THREAD:
 *                    zdiag's helper thread must not be tried); then
 *                    like pause
 *   init             the parent (parent=P, as seen from the caller's PID
 *                    namespace) is PID 1 of a new PID namespace and never
 *                    waits; raw pause() woken by SIGUSR1
 *   traced           every child is traced (PTRACE_SEIZE: no attach stop
 *                    to wait for; the SIGTERM child's signal-delivery stop
 *                    is passed on once) by a tracer process (tracer=T, a
 *                    child of the parent) that then parks like pause and
 *                    writes RESULT_FILE.tracer; the parent parks like pause
 */
#include <dirent.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "helper.h"

#define FEED 'K'

static volatile sig_atomic_t nsig[NSIG];
static char result_path[4096];
static char maps_before[65536];
static unsigned char data_guard[4096];
static char why[512]; /* first "bad: ..." reason, empty while all is well */

static void
bad(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
bad(const char *fmt, ...)
{
	va_list ap;

	if (why[0])
		return;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
}

static void
count_sig(int sig)
{
	nsig[sig]++;
}

/* Count every catchable signal except SIGALRM (our time limit), SIGCHLD
 * (unless chld) and the synchronous faults (they must kill). */
static void
count_signals(int chld)
{
	struct sigaction sa;
	int s;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = count_sig; /* no SA_RESTART: a stray signal shows as EINTR */
	sigemptyset(&sa.sa_mask);
	for (s = 1; s < NSIG; s++) {
		switch (s) {
		case SIGKILL: case SIGSTOP: case SIGALRM: case SIGSEGV: case SIGBUS:
		case SIGILL: case SIGFPE: case SIGTRAP: case SIGABRT: case SIGSYS:
			continue;
		case SIGCHLD:
			if (!chld)
				continue;
		}
		if (s >= 32 && s < SIGRTMIN)
			continue; /* glibc's own */
		sigaction(s, &sa, NULL);
	}
}

/* The signals seen are exactly: SIGUSR1 usr1 times, SIGCONT at most cont
 * times, SIGCHLD chld times (-1: not checked). */
static void
check_signals(int usr1, int cont, int chld)
{
	int s;

	for (s = 1; s < NSIG; s++) {
		int n = nsig[s];

		if (s == SIGUSR1 && n != usr1)
			bad("SIGUSR1 seen %d times, expected %d", n, usr1);
		else if (s == SIGCONT && n > cont)
			bad("SIGCONT seen %d times", n);
		else if (s == SIGCHLD && chld >= 0 && n != chld)
			bad("SIGCHLD seen %d times, expected %d", n, chld);
		else if (s != SIGUSR1 && s != SIGCONT && s != SIGCHLD && n)
			bad("signal %d (%s) seen %d times", s, strsignal(s), n);
	}
}

static ssize_t
read_file(const char *path, char *buf, size_t size)
{
	ssize_t n, got = 0;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -1;
	while ((size_t)got < size - 1 && (n = read(fd, buf + got, size - 1 - (size_t)got)) > 0)
		got += n;
	close(fd);
	buf[got] = '\0';
	return got;
}

/* Before parking: remember the maps and fill the guards. */
static void
snapshot(unsigned char *stack_guard, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		stack_guard[i] = (unsigned char)(i * 7 + 3);
	for (i = 0; i < sizeof(data_guard); i++)
		data_guard[i] = (unsigned char)(i * 13 + 5);
	if (read_file("/proc/self/maps", maps_before, sizeof(maps_before)) < 0)
		die("maps");
}

static void
check_memory(const unsigned char *stack_guard, size_t n)
{
	static char maps_after[sizeof(maps_before)];
	size_t i;

	for (i = 0; i < n; i++)
		if (stack_guard[i] != (unsigned char)(i * 7 + 3)) {
			bad("stack byte %zu changed", i);
			break;
		}
	for (i = 0; i < sizeof(data_guard); i++)
		if (data_guard[i] != (unsigned char)(i * 13 + 5)) {
			bad("data byte %zu changed", i);
			break;
		}
	if (read_file("/proc/self/maps", maps_after, sizeof(maps_after)) < 0)
		die("maps");
	if (strcmp(maps_before, maps_after))
		bad("memory map changed:\n--- before\n%.150s\n--- after\n%.150s", maps_before, maps_after);
}

static void
write_result(const char *suffix)
{
	char tmp[4300], path[4200], line[600];
	int fd, n;

	snprintf(path, sizeof(path), "%s%s", result_path, suffix);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	n = snprintf(line, sizeof(line), "%s\n", why[0] ? "" : "ok");
	if (why[0])
		n = snprintf(line, sizeof(line), "bad: %s\n", why);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, line, (size_t)n) != n || close(fd) < 0 || rename(tmp, path) < 0)
		die("result");
}

/*
 * A raw syscall with known values in every register the kernel preserves
 * (all but rax, rcx, r11): the argument registers, rbx, r12-r15, xmm0 and
 * xmm15 (gcc allows 30 asm operands).  A tracer that injects a syscall and restores the
 * registers wrongly shows up here.  Returns the raw result (-errno).
 */
static long
checked_syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
#if defined(__x86_64__)
	register long rdi __asm__("rdi") = a1;
	register long rsi __asm__("rsi") = a2;
	register long rdx __asm__("rdx") = a3;
	register long r10 __asm__("r10") = a4;
	register long r8 __asm__("r8") = a5;
	register long r9 __asm__("r9") = a6;
	register long rbx __asm__("rbx") = 0x0b0b0b0b0b0b0b0bL;
	register long r12 __asm__("r12") = 0x1212121212121212L;
	register long r13 __asm__("r13") = 0x1313131313131313L;
	register long r14 __asm__("r14") = 0x1414141414141414L;
	register long r15 __asm__("r15") = 0x1515151515151515L;
	register double x0 __asm__("xmm0") = 1.25;
	register double x15 __asm__("xmm15") = 15.0625;
	long rax = nr;

	__asm__ volatile("syscall"
			 : "+a"(rax), "+r"(rdi), "+r"(rsi), "+r"(rdx), "+r"(r10), "+r"(r8), "+r"(r9),
			   "+r"(rbx), "+r"(r12), "+r"(r13), "+r"(r14), "+r"(r15),
			   "+x"(x0), "+x"(x15)
			 :
			 : "rcx", "r11", "memory", "cc");
	if (rdi != a1 || rsi != a2 || rdx != a3 || r10 != a4 || r8 != a5 || r9 != a6)
		bad("argument register changed across syscall %ld", nr);
	if (rbx != 0x0b0b0b0b0b0b0b0bL || r12 != 0x1212121212121212L || r13 != 0x1313131313131313L ||
	    r14 != 0x1414141414141414L || r15 != 0x1515151515151515L)
		bad("callee-saved register changed across syscall %ld", nr);
	if (x0 != 1.25 || x15 != 15.0625)
		bad("xmm register changed across syscall %ld", nr);
	return rax;
#else
	long r = syscall(nr, a1, a2, a3, a4, a5, a6);
	return r < 0 ? -errno : r;
#endif
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
open_fifo(const char *path)
{
	int fd;

	if (!path)
		die("this mode needs a fifo path");
	if (mkfifo(path, 0600) < 0 && errno != EEXIST)
		die("mkfifo");
	fd = open(path, O_RDWR); /* never blocks, never sees EOF */
	if (fd < 0)
		die("open fifo");
	return fd;
}

/* One raw read of one byte: it must be the byte the test feeds. */
static void
read_feed(int fd, const char *who)
{
	char c = 0;
	long r = checked_syscall(SYS_read, fd, (long)&c, 1, 0, 0, 0);

	if (r != 1)
		bad("%s: read returned %ld (%s)", who, r, r < 0 ? strerror((int)-r) : "short");
	else if (c != FEED)
		bad("%s: read byte 0x%02x, expected '%c'", who, (unsigned char)c, FEED);
}

static void
park_pause(void)
{
	long r = checked_syscall(SYS_pause, 0, 0, 0, 0, 0, 0);

	if (r != -EINTR)
		bad("pause returned %ld", r);
}

static void
forever(void)
{
	for (;;)
		pause();
}

/* ---- children ---- */

static int nz;
static pid_t *zs;

static void
child_exit(int i)
{
	if (i == 2 && nz >= 3) {
		signal(SIGTERM, SIG_DFL);
		raise(SIGTERM);
	}
	_exit(10 + i % 200);
}

static void
wait_all_zombies(void)
{
	int i, left;

	do {
		for (i = 0, left = 0; i < nz; i++)
			if (proc_state(zs[i], 0) != 'Z')
				left++;
		if (left)
			msleep(2);
	} while (left);
}

static void
fork_zombies(int go_fd)
{
	int i;
	char c;

	for (i = 0; i < nz; i++) {
		zs[i] = fork();
		if (zs[i] < 0)
			die("fork");
		if (zs[i] == 0) {
			if (go_fd >= 0 && read(go_fd, &c, 1) != 1)
				_exit(1);
			child_exit(i);
		}
	}
}

static void
report(pid_t parent, const char *extra)
{
	int i;

	printf("parent=%d zombies=", (int)parent);
	for (i = 0; i < nz; i++)
		printf("%s%d", i ? "," : "", (int)zs[i]);
	printf("%s\n", extra);
	fflush(stdout);
}

/* The wait status child i leaves. */
static int
expected_status(int i)
{
	return i == 2 && nz >= 3 ? SIGTERM : (10 + i % 200) << 8;
}

static void
check_all_reaped(void)
{
	int i;

	for (i = 0; i < nz; i++) {
		siginfo_t si;
		long r = checked_syscall(SYS_waitid, P_PID, zs[i], (long)&si, WEXITED | WNOHANG | __WALL, 0, 0);

		if (r != -ECHILD)
			bad("waitid(%d) after the reap returned %ld, expected ECHILD", (int)zs[i], r);
	}
}

/* ---- seccomp ---- */

static void
install_filter(const char *action)
{
	unsigned int ret, nr = SYS_waitid;
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0 /* nr */, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0 /* ret */),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	/* kill-threads: clone with CLONE_THREAD kills (reading its argument) */
	struct sock_filter ft[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, CLONE_THREAD, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(f) / sizeof(f[0]), .filter = f };

	if (action && !strcmp(action, "kill-threads")) {
		prog.len = sizeof(ft) / sizeof(ft[0]);
		prog.filter = ft;
		ret = 0;
	} else if (!action || !strcmp(action, "kill"))
		ret = SECCOMP_RET_KILL_PROCESS;
	else if (!strcmp(action, "errno"))
		ret = SECCOMP_RET_ERRNO | EPERM;
	else if (!strcmp(action, "trap"))
		ret = SECCOMP_RET_TRAP;
	else if (!strcmp(action, "allow")) {
		ret = SECCOMP_RET_KILL_PROCESS;
		nr = SYS_reboot;
	} else {
		fprintf(stderr, "reap_parent: seccomp kill|errno|trap|allow|kill-threads\n");
		_exit(2);
	}
	f[4].k = nr;
	f[5].k = ret;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0)
		die("seccomp");
}

/* ---- condwait ---- */

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int flag;
static int fifo_fd, inner[2];

static void *
worker_fifo(void *arg)
{
	read_feed(fifo_fd, "worker 1");
	pthread_mutex_lock(&mu);
	flag = 1;
	pthread_cond_signal(&cv);
	pthread_mutex_unlock(&mu);
	return NULL;
}

static void *
worker_inner(void *arg)
{
	char c = 0;
	long r = checked_syscall(SYS_read, inner[0], (long)&c, 1, 0, 0, 0);

	if (r != 1 || c != 'W')
		bad("worker 2: read returned %ld (byte 0x%02x)", r, (unsigned char)c);
	return NULL;
}

/* ---- the tracer of traced and wait4-target traced ---- */

static pid_t
start_tracer(int go_w, int term_idx)
{
	int att[2];
	pid_t t;
	char c = 0;
	int i;

	if (pipe(att) < 0)
		die("pipe");
	t = fork();
	if (t < 0)
		die("fork");
	if (t == 0) {
		unsigned char guard[512];
		int st;

		prctl(PR_SET_NAME, "reap-tracer");
		for (i = 0; i < nz; i++)
			if (ptrace(PTRACE_SEIZE, zs[i], 0, 0) < 0)
				die("PTRACE_SEIZE");
		if (write(att[1], &c, 1) != 1)
			die("write");
		if (term_idx >= 0) {
			/* the SIGTERM child stops for its signal: pass it on, once */
			if (waitpid(zs[term_idx], &st, __WALL) != zs[term_idx] || !WIFSTOPPED(st))
				die("tracer: no signal stop");
			if (ptrace(PTRACE_CONT, zs[term_idx], 0, WSTOPSIG(st)) < 0)
				die("PTRACE_CONT");
		}
		count_signals(0);
		snapshot(guard, sizeof(guard));
		park_pause(); /* never waits for its tracees */
		check_signals(1, 0, -1);
		check_memory(guard, sizeof(guard));
		write_result(".tracer");
		forever();
	}
	if (read(att[0], &c, 1) != 1)
		die("tracer did not attach");
	close(att[0]);
	close(att[1]);
	for (i = 0; i < nz; i++)
		if (write(go_w, &c, 1) != 1)
			die("write");
	return t;
}

/* ---- init: the namespace init's zombies as the caller's namespace sees
 * them, in child order (the wait status in stat field 52 says which child
 * each one is).  Returns how many were found. */
static int
find_ns_zombies(pid_t init)
{
	char path[300], buf[1024], *q;
	int found = 0, ppid, code, fn, f;
	DIR *d = opendir("/proc");
	struct dirent *de;

	if (!d)
		die("opendir /proc");
	memset(zs, 0, (size_t)nz * sizeof(*zs));
	while ((de = readdir(d)) && found < nz) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		if (read_file(path, buf, sizeof(buf)) <= 0)
			continue;
		q = strrchr(buf, ')');
		if (!q || q[2] != 'Z' || sscanf(q + 4, "%d", &ppid) != 1 || ppid != init)
			continue;
		for (fn = 3; fn <= 52 && q; fn++) /* q: the space before field fn */
			q = strchr(q + 1, ' ');
		if (!q)
			continue;
		code = atoi(q + 1);
		f = (code & 0x7f) ? 2 : ((code >> 8) & 0xff) - 10;
		if (f >= 0 && f < nz && !zs[f]) {
			zs[f] = (pid_t)atoi(de->d_name);
			found++;
		}
	}
	closedir(d);
	return found;
}

int
main(int argc, char **argv)
{
	const char *mode, *arg;
	unsigned char guard[4096];
	char extra[64] = "";
	long r;
	int i;

	if (argc < 4) {
		fprintf(stderr, "usage: reap_parent MODE NZOMBIES RESULT_FILE [ARG]\n");
		return 2;
	}
	mode = argv[1];
	nz = atoi(argv[2]);
	arg = argc > 4 ? argv[4] : NULL;
	if (nz < 1 || strlen(argv[3]) >= sizeof(result_path) - 16) {
		fprintf(stderr, "reap_parent: bad NZOMBIES or RESULT_FILE\n");
		return 2;
	}
	snprintf(result_path, sizeof(result_path), "%s", argv[3]);
	zs = calloc((size_t)nz, sizeof(*zs));
	if (!zs)
		die("calloc");
	alarm(HELPER_ALARM);

	if (!strcmp(mode, "init")) {
		/* This process: the launcher, parent of the namespace's init. */
		int p[2];
		pid_t init;
		char c;

		if (pipe(p) < 0)
			die("pipe");
		if (unshare(CLONE_NEWPID) < 0)
			die("unshare");
		init = fork();
		if (init < 0)
			die("fork");
		if (init == 0) {
			/* PID 1 of the new namespace: fork, never wait. */
			close(p[0]);
			prctl(PR_SET_NAME, "reap-init");
			fork_zombies(-1);
			for (i = 0; i < nz; i++) {
				siginfo_t si;
				/* until it is a zombie, without reaping it */
				if (waitid(P_PID, zs[i], &si, WEXITED | WNOWAIT) < 0)
					die("waitid WNOWAIT");
			}
			count_signals(0);
			snapshot(guard, sizeof(guard));
			if (write(p[1], "r", 1) != 1)
				die("write");
			close(p[1]);
			park_pause();
			check_signals(1, 0, -1);
			check_memory(guard, sizeof(guard));
			write_result("");
			forever();
		}
		close(p[1]);
		if (read(p[0], &c, 1) != 1)
			die("init did not start");
		/* Its zombies as this namespace sees them, in child order (the
		 * exit code in stat field 52 tells which child each one is). */
		while (find_ns_zombies(init) < nz)
			msleep(10);
		report(init, "");
		waitpid(init, NULL, 0);
		return 0;
	}

	if (!strcmp(mode, "sigchld-handler"))
		count_signals(1); /* before the children: counts their SIGCHLDs */

	if (!strcmp(mode, "traced") || !strcmp(mode, "wait4-target")) {
		int go[2];
		pid_t t;

		if (pipe(go) < 0)
			die("pipe");
		fork_zombies(go[0]);
		close(go[0]);
		t = start_tracer(go[1], nz >= 3 ? 2 : -1);
		snprintf(extra, sizeof(extra), " tracer=%d", (int)t);
	} else {
		fork_zombies(-1);
	}
	wait_all_zombies();
	prctl(PR_SET_NAME, "reap-parent");

	if (!strcmp(mode, "seccomp"))
		install_filter(arg);
	if (!strcmp(mode, "pause") || !strcmp(mode, "traced") || !strcmp(mode, "sigchld-handler") ||
	    !strcmp(mode, "seccomp")) {
		int c0;

		if (strcmp(mode, "sigchld-handler"))
			count_signals(0);
		c0 = nsig[SIGCHLD];
		snapshot(guard, sizeof(guard));
		report(getpid(), extra);
		park_pause();
		check_signals(1, 0, strcmp(mode, "sigchld-handler") ? -1 : c0);
	} else if (!strcmp(mode, "nanosleep")) {
		double secs = arg ? atof(arg) : 3, t0, dt;
		struct timespec req = { (time_t)secs, (long)((secs - (time_t)secs) * 1e9) }, rem = { 0, 0 };

		count_signals(0);
		snapshot(guard, sizeof(guard));
		report(getpid(), extra);
		t0 = now();
		r = checked_syscall(SYS_nanosleep, (long)&req, (long)&rem, 0, 0, 0, 0);
		dt = now() - t0;
		if (r != 0)
			bad("nanosleep returned %ld (%s)", r, r < 0 ? strerror((int)-r) : "?");
		if (dt < secs)
			bad("nanosleep slept %.3f s of %.3f", dt, secs);
		if (dt > secs + 1.5)
			bad("nanosleep slept %.3f s, %.3f asked", dt, secs);
		check_signals(0, 0, -1);
	} else if (!strcmp(mode, "read") || !strcmp(mode, "poll") || !strcmp(mode, "epoll")) {
		int fd = open_fifo(arg);

		count_signals(0);
		if (!strcmp(mode, "read")) {
			snapshot(guard, sizeof(guard));
			report(getpid(), extra);
			read_feed(fd, "read");
		} else if (!strcmp(mode, "poll")) {
			struct pollfd pfd = { .fd = fd, .events = POLLIN };

			snapshot(guard, sizeof(guard));
			report(getpid(), extra);
			r = checked_syscall(SYS_poll, (long)&pfd, 1, 90000, 0, 0, 0);
			if (r != 1 || !(pfd.revents & POLLIN))
				bad("poll returned %ld, revents 0x%x", r, pfd.revents);
			read_feed(fd, "read after poll");
		} else {
			struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 0x5eed }, out[4];
			int ep = epoll_create1(EPOLL_CLOEXEC);

			if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0)
				die("epoll");
			memset(out, 0, sizeof(out));
			snapshot(guard, sizeof(guard));
			report(getpid(), extra);
			r = checked_syscall(SYS_epoll_wait, ep, (long)out, 4, 90000, 0, 0);
			if (r != 1 || !(out[0].events & EPOLLIN) || out[0].data.u64 != 0x5eed)
				bad("epoll_wait returned %ld, events 0x%x", r, out[0].events);
			read_feed(fd, "read after epoll_wait");
		}
		check_signals(0, 0, -1);
	} else if (!strcmp(mode, "condwait")) {
		pthread_t t1, t2;
		int loops = 0;

		fifo_fd = open_fifo(arg);
		if (pipe(inner) < 0)
			die("pipe");
		count_signals(0);
		if (pthread_create(&t1, NULL, worker_fifo, NULL) || pthread_create(&t2, NULL, worker_inner, NULL))
			die("pthread_create");
		snapshot(guard, sizeof(guard));
		report(getpid(), extra);
		pthread_mutex_lock(&mu);
		while (!flag) {
			pthread_cond_wait(&cv, &mu);
			loops++;
		}
		pthread_mutex_unlock(&mu);
		if (loops != 1)
			bad("pthread_cond_wait returned %d times", loops);
		if (write(inner[1], "W", 1) != 1)
			die("write");
		pthread_join(t1, NULL);
		pthread_join(t2, NULL);
		check_signals(0, 0, -1);
	} else if (!strcmp(mode, "wait4-other")) {
		int fd = open_fifo(arg), st = 0;
		pid_t o = fork();

		if (o < 0)
			die("fork");
		if (o == 0) {
			char c = 0;

			if (read(fd, &c, 1) != 1)
				_exit(1);
			_exit((unsigned char)c);
		}
		close(fd);
		count_signals(0);
		snprintf(extra, sizeof(extra), " other=%d", (int)o);
		snapshot(guard, sizeof(guard));
		report(getpid(), extra);
		r = checked_syscall(SYS_wait4, o, (long)&st, 0, 0, 0, 0);
		if (r != o)
			bad("wait4(%d) returned %ld (%s)", (int)o, r, r < 0 ? strerror((int)-r) : "another pid");
		else if (!WIFEXITED(st) || WEXITSTATUS(st) != FEED)
			bad("wait4(%d) status 0x%x, expected exit %d", (int)o, st, FEED);
		check_all_reaped();
		check_signals(0, 0, -1);
	} else if (!strcmp(mode, "wait4-target")) {
		count_signals(0);
		snapshot(guard, sizeof(guard));
		report(getpid(), extra);
		{
			int st = 0;

			r = checked_syscall(SYS_wait4, zs[0], (long)&st, 0, 0, 0, 0);
			if (r != zs[0])
				bad("wait4(%d) returned %ld (%s)", (int)zs[0], r, r < 0 ? strerror((int)-r) : "another pid");
			else if (st != expected_status(0))
				bad("wait4(%d) status 0x%x, expected 0x%x", (int)zs[0], st, expected_status(0));
		}
		check_signals(0, 0, -1);
	} else if (!strcmp(mode, "vfork")) {
		int fd = open_fifo(arg);
		pid_t v;

		count_signals(0);
		snapshot(guard, sizeof(guard));
		report(getpid(), extra);
		v = vfork();
		if (v < 0)
			die("vfork");
		if (v == 0) {
			char c;

			syscall(SYS_read, fd, &c, 1);
			syscall(SYS_exit, 0);
		}
		park_pause();
		check_signals(1, 0, -1);
	} else if (!strcmp(mode, "stopped")) {
		count_signals(0);
		snapshot(guard, sizeof(guard));
		report(getpid(), extra);
		raise(SIGSTOP);
		for (i = 0; i < nz; i++) {
			int st = 0;

			r = checked_syscall(SYS_wait4, zs[i], (long)&st, 0, 0, 0, 0);
			if (r != zs[i])
				bad("wait4(%d) returned %ld after SIGCONT", (int)zs[i], r);
			else if (st != expected_status(i))
				bad("wait4(%d) status 0x%x, expected 0x%x", (int)zs[i], st, expected_status(i));
		}
		check_signals(0, 1, -1);
	} else {
		fprintf(stderr, "reap_parent: unknown mode '%s'\n", mode);
		return 2;
	}
	check_memory(guard, sizeof(guard));
	write_result("");
	forever();
	return 0;
}
