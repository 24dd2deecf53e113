/*
 * Syscall tampering (-e inject=, -e fault=): parsing the rules, counting
 * invocations, and acting on a stopped thread at its entry and exit.
 * The semantics are strace 6.1's (src/filter_qualify.c, src/syscall.c
 * tamper_with_syscall_entering/exiting, src/delay.c, src/poke.c there);
 * see include/zdiag/tamper.h.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>

#include "zdiag/common.h"
#include "zdiag/decode.h"
#include "zdiag/esc.h"
#include "zdiag/sig.h"
#include "zdiag/sysname.h"
#include "zdiag/tamper.h"
#include "zdiag/xalloc.h"

#define MAX_ERRNO 4095
#define ACTION_FLAGS (ZD_INJ_ERROR | ZD_INJ_RETVAL | ZD_INJ_SIGNAL | ZD_INJ_DELAY_ENTER | ZD_INJ_DELAY_EXIT | \
		      ZD_INJ_POKE_ENTER | ZD_INJ_POKE_EXIT)

void
zd_tamper_init(struct zd_tamper *tp)
{
	size_t i;

	memset(tp, 0, sizeof(*tp));
	for (i = 0; i < ZD_ARRAY_SIZE(tp->rule_of); i++)
		tp->rule_of[i] = -1;
}

static void
rule_release(struct zd_inject *r)
{
	size_t i;

	for (i = 0; i < r->npokes; i++)
		free(r->pokes[i].data);
	free(r->pokes);
	free(r->spec);
	memset(r, 0, sizeof(*r));
}

void
zd_tamper_release(struct zd_tamper *tp)
{
	size_t i;

	for (i = 0; i < tp->nrules; i++)
		rule_release(&tp->rules[i]);
	free(tp->rules);
	zd_tamper_init(tp);
}

bool
zd_tamper_empty(const struct zd_tamper *tp)
{
	return tp->nrules == 0;
}

/* ---------------------------------------------------------------- */
/* Parsing                                                           */

/*
 * strace's string_to_uint_ex: a decimal number 0..max followed by the end
 * of the string or one of the characters of accept.  Returns it or -1.
 */
static long
parse_uint(const char *s, char **end, long max, const char *accept)
{
	long v = 0;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (*p - '0');
		if (v > max)
			return -1;
	}
	if (*p && !(accept && strchr(accept, *p)))
		return -1;
	if (end)
		*end = (char *)p;
	return v;
}

/* when=FIRST[..LAST][+[STEP]] (strace's parse_inject_token) */
static int
parse_when(const char *val, struct zd_inj_when *w, char *msg, size_t msgsize)
{
	char *end;
	long v;

	v = parse_uint(val, &end, 0xffff, "+.");
	if (v < 1)
		goto bad;
	w->first = (uint16_t)v;
	if (end[0] == '.') {
		if (end[1] != '.')
			goto bad;
		v = parse_uint(end + 2, &end, 0xffff, "+");
		if (v < w->first || v == ZD_INJ_LAST_INF)
			goto bad;
		w->last = (uint16_t)v;
	} else {
		w->last = ZD_INJ_LAST_INF;
	}
	if (end[0] != '\0') {
		/* '+' */
		if (end[1] != '\0') {
			v = parse_uint(end + 1, NULL, 0xffff, NULL);
			if (v < 1)
				goto bad;
			w->step = (uint16_t)v;
		} else {
			w->step = 1;
		}
	} else {
		w->step = w->last == ZD_INJ_LAST_INF ? 0 : 1;
	}
	return 0;
bad:
	snprintf(msg, msgsize, "invalid when=%s (FIRST[..LAST][+[STEP]], 1..65535)", val);
	return -EINVAL;
}

int
zd_tamper_parse_delay(const char *s, struct timespec *ts)
{
	static const struct { const char *sfx; long long ns; } units[] = {
		{ "", 1000 }, { "s", 1000000000 }, { "ms", 1000000 }, { "us", 1000 }, { "ns", 1 },
	};
	/* strace's parse_ts: digits, '.', an exponent; no "0x", "nan", "inf" */
	size_t span = strspn(s, "eE.-+0123456789"), i;
	char *end;
	double v;
	long long ns = -1;

	if (!(*s >= '0' && *s <= '9') && *s != '.')
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (end != s + span || !span || errno || v < 0)
		return -EINVAL;
	for (i = 0; i < ZD_ARRAY_SIZE(units); i++)
		if (!strcmp(end, units[i].sfx))
			ns = units[i].ns;
	if (ns < 0 || v * (double)ns > 1e18)
		return -EINVAL;
	v *= (double)ns;
	ts->tv_sec = (time_t)(v / 1e9);
	ts->tv_nsec = (long)(v - (double)ts->tv_sec * 1e9);
	if (ts->tv_nsec >= 1000000000L)
		ts->tv_nsec = 999999999L;
	return 0;
}

/* @argN=HEX,@argM=HEX (strace's parse_poke_token) */
static int
parse_pokes(struct zd_inject *r, const char *val, bool at_exit, char *msg, size_t msgsize)
{
	const char *p = val;

	if (!*p)
		goto bad;
	while (*p) {
		size_t n = strcspn(p, ","), hexlen, i;
		struct zd_poke *k;
		const char *hex;

		if (n < 7 || strncmp(p, "@arg", 4) || p[4] < '1' || p[4] > '7' || p[5] != '=')
			goto bad;
		hex = p + 6;
		hexlen = n - 6;
		if (!hexlen || hexlen % 2 || hexlen > 2048)
			goto bad;
		for (i = 0; i < hexlen; i++)
			if (!strchr("0123456789abcdefABCDEF", hex[i]))
				goto bad;
		r->pokes = zd_xrealloc(r->pokes, (r->npokes + 1) * sizeof(*r->pokes));
		k = &r->pokes[r->npokes++];
		k->argn = (uint8_t)(p[4] - '0');
		k->at_exit = at_exit;
		k->len = (uint16_t)(hexlen / 2);
		k->data = zd_xmalloc(k->len);
		for (i = 0; i < k->len; i++) {
			char b[3] = { hex[2 * i], hex[2 * i + 1], 0 };

			k->data[i] = (uint8_t)strtoul(b, NULL, 16);
		}
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
bad:
	snprintf(msg, msgsize, "invalid poke_%s=%s (@argN=HEX,... with N 1..7 and an even number of hex digits)",
		 at_exit ? "exit" : "enter", val);
	return -EINVAL;
}

static int
parse_errno(const char *val)
{
	long v = parse_uint(val, NULL, MAX_ERRNO, NULL);
	int e;

	if (v >= 1)
		return (int)v;
	for (e = 1; e <= MAX_ERRNO; e++) {
		const char *n = zd_dec_errname(e);

		if (n && !strcmp(n, val))
			return e;
	}
	return -1;
}

/* One TOKEN of "SET:TOKEN:TOKEN" (strace's parse_inject_token). */
static int
parse_token(struct zd_inject *r, const char *tok, bool fault, char *msg, size_t msgsize)
{
	const char *eq = strchr(tok, '=');
	const char *val = eq ? eq + 1 : "";
	size_t klen = eq ? (size_t)(eq - tok) : strlen(tok);
	char key[16];

	snprintf(key, sizeof(key), "%.*s", (int)(klen < sizeof(key) - 1 ? klen : sizeof(key) - 1), tok);
	if (!eq)
		goto unknown;
	if (!strcmp(key, "when"))
		return parse_when(val, &r->when, msg, msgsize);
	if (!strcmp(key, "syscall")) {
		long nr = zd_sysnr(val);
		const struct zd_sysent *e = nr >= 0 ? zd_sysent(nr) : NULL;

		if (r->flags & ZD_INJ_SYSCALL)
			goto dup;
		if (!e || !(e->classes & ZD_SCC_PURE)) {
			snprintf(msg, msgsize, "invalid syscall=%s (only a pure syscall: -e trace=%%pure)", val);
			return -EINVAL;
		}
		r->scno = nr;
		r->flags |= ZD_INJ_SYSCALL;
		return 0;
	}
	if (!strcmp(key, "error")) {
		int e;

		if (r->flags & (ZD_INJ_ERROR | ZD_INJ_RETVAL))
			goto excl;
		e = parse_errno(val);
		if (e < 1) {
			snprintf(msg, msgsize, "invalid error=%s (an errno name or 1..4095)", val);
			return -EINVAL;
		}
		r->rval = (uint64_t)e;
		r->flags |= ZD_INJ_ERROR;
		return 0;
	}
	if (fault)
		goto unknown;
	if (!strcmp(key, "retval")) {
		unsigned long long v;
		char *end;

		if (r->flags & (ZD_INJ_ERROR | ZD_INJ_RETVAL))
			goto excl;
		errno = 0;
		v = strtoull(val, &end, 0);
		if (end == val || *end || ((v == 0 || v == ULLONG_MAX) && errno)) {
			snprintf(msg, msgsize, "invalid retval=%s (a number)", val);
			return -EINVAL;
		}
		if ((int64_t)v < 0 && (int64_t)v >= -MAX_ERRNO)
			snprintf(msg, msgsize, "Inadvertent injection of error %lld is possible for retval=%llu",
				 -(long long)(int64_t)v, v);
		r->rval = v;
		r->flags |= ZD_INJ_RETVAL;
		return 0;
	}
	if (!strcmp(key, "signal")) {
		int s = zd_sigparse(val);

		if (r->flags & ZD_INJ_SIGNAL)
			goto dup;
		if (s < 1 || s > 64) {
			snprintf(msg, msgsize, "invalid signal=%s", val);
			return -EINVAL;
		}
		r->signo = s;
		r->flags |= ZD_INJ_SIGNAL;
		return 0;
	}
	if (!strcmp(key, "poke_enter") || !strcmp(key, "poke_exit")) {
		bool at_exit = key[5] == 'e' && key[6] == 'x';
		unsigned f = at_exit ? ZD_INJ_POKE_EXIT : ZD_INJ_POKE_ENTER;
		int e;

		if (r->flags & f)
			goto dup;
		e = parse_pokes(r, val, at_exit, msg, msgsize);
		if (e < 0)
			return e;
		r->flags |= f;
		return 0;
	}
	if (!strcmp(key, "delay_enter") || !strcmp(key, "delay_exit")) {
		bool at_exit = !strcmp(key, "delay_exit");
		unsigned f = at_exit ? ZD_INJ_DELAY_EXIT : ZD_INJ_DELAY_ENTER;

		if (r->flags & f)
			goto dup;
		if (zd_tamper_parse_delay(val, at_exit ? &r->delay_exit : &r->delay_enter) < 0) {
			snprintf(msg, msgsize, "invalid %s=%s (microseconds, or NUMBER with s, ms, us or ns)", key, val);
			return -EINVAL;
		}
		r->flags |= f;
		return 0;
	}
unknown:
	snprintf(msg, msgsize, "unknown token '%s' (%s)", tok,
		 fault ? "error=, when=, syscall=" :
		 "error=, retval=, signal=, syscall=, delay_enter=, delay_exit=, poke_enter=, poke_exit=, when=");
	return -EINVAL;
dup:
	snprintf(msg, msgsize, "%s= given twice", key);
	return -EINVAL;
excl:
	snprintf(msg, msgsize, "only one of error= and retval= may be given");
	return -EINVAL;
}

int
zd_tamper_parse(struct zd_tamper *tp, const char *spec, bool fault, char *msg, size_t msgsize)
{
	struct zd_inject r = { .when = { 1, ZD_INJ_LAST_INF, 1 } };
	struct zd_scset set;
	char *copy, *p, *next, *colon, warn[160] = "";
	long nr;
	int e = 0;
	size_t idx;

	msg[0] = '\0';
	if (!spec[0] || spec[0] == ':') {
		snprintf(msg, msgsize, "no syscall set before ':'");
		return -EINVAL;
	}
	copy = zd_xstrdup(spec);
	colon = strchr(copy, ':');
	if (colon)
		*colon = '\0';
	for (p = colon ? colon + 1 : NULL; p && !e; p = next) {
		next = strchr(p, ':');
		if (next)
			*next++ = '\0';
		if (!*p)
			continue;   /* "a::b", as strtok */
		e = parse_token(&r, p, fault, msg, msgsize);
		if (!e && msg[0]) {
			/* a warning: keep the first */
			if (!warn[0])
				snprintf(warn, sizeof(warn), "%s", msg);
			msg[0] = '\0';
		}
	}
	if (!e && zd_scset_parse(&set, copy, msg, msgsize) < 0)
		e = -EINVAL;
	free(copy);
	if (!e && !(r.flags & ACTION_FLAGS)) {
		if (fault) {
			r.rval = ENOSYS;
			r.flags |= ZD_INJ_ERROR;
		} else {
			snprintf(msg, msgsize,
				 "one of error=, retval=, signal=, delay_enter=, delay_exit=, poke_enter=, poke_exit= is required");
			e = -EINVAL;
		}
	}
	if (!e && tp->nrules >= INT16_MAX) {
		snprintf(msg, msgsize, "too many rules");
		e = -EINVAL;
	}
	if (e) {
		/* The reason quotes the spec: plain ASCII, escaped. */
		char *esc = zd_esc_dup(msg);

		snprintf(msg, msgsize, "%s", esc);
		free(esc);
		rule_release(&r);
		return e;
	}
	r.spec = zd_xstrdup(spec);
	ZD_GROW(tp->rules, tp->arules, tp->nrules + 1);
	idx = tp->nrules++;
	tp->rules[idx] = r;
	for (nr = 0; nr < ZD_SC_NMAX; nr++) {
		if (zd_scset_has(&set, nr) && zd_sysent(nr)) {
			tp->rule_of[nr] = (int16_t)idx;
			zd_scset_add(&tp->set, nr);
		}
	}
	if (r.flags & ZD_INJ_SIGNAL)
		tp->any_signal = true;
	snprintf(msg, msgsize, "%s", warn);
	return 0;
}

/* ---------------------------------------------------------------- */
/* Counting                                                          */

bool
zd_inj_when_step(struct zd_inj_when *w)
{
	if (w->first == 0 || w->last == 0)
		return false;
	if (w->last != ZD_INJ_LAST_INF)
		w->last--;
	if (--w->first != 0)
		return false;
	w->first = w->step;
	return true;
}

/* ---------------------------------------------------------------- */
/* Acting on the tracee                                              */

static bool
set_reg(pid_t tid, size_t off, uint64_t v)
{
	return ptrace(PTRACE_POKEUSER, tid, (void *)off, (void *)v) == 0;
}

/* One word at an aligned address, len bytes of it from offset off. */
static bool
poke_word(pid_t tid, uint64_t addr, const uint8_t *src, size_t off, size_t len)
{
	long w;

	errno = 0;
	w = ptrace(PTRACE_PEEKDATA, tid, (void *)addr, NULL);
	if (errno)
		return false;
	memcpy((char *)&w + off, src, len);
	return ptrace(PTRACE_POKEDATA, tid, (void *)addr, (void *)w) == 0;
}

/* Write len bytes at addr of tid (strace's upoken): process_vm_writev,
 * PTRACE_POKEDATA where it fails (read-only pages, no permission). */
static bool
upoke(pid_t tid, uint64_t addr, const uint8_t *data, size_t len)
{
	struct iovec l = { (void *)data, len }, r = { (void *)(uintptr_t)addr, len };
	ssize_t n;
	size_t done = 0;

	if (!addr)
		return false;
	n = process_vm_writev(tid, &l, 1, &r, 1, 0);
	if (n == (ssize_t)len)
		return true;
	if (n >= 0 || (errno != ENOSYS && errno != EPERM && errno != EFAULT && errno != EIO))
		return false;
	while (done < len) {
		uint64_t a = addr + done, aligned = a & ~(uint64_t)(sizeof(long) - 1);
		size_t off = (size_t)(a - aligned), k = sizeof(long) - off;

		if (k > len - done)
			k = len - done;
		if (!poke_word(tid, aligned, data + done, off, k))
			return false;
		done += k;
	}
	return true;
}

static bool
do_pokes(const struct zd_inject *r, pid_t tid, long nr, const uint64_t args[6], bool at_exit)
{
	const struct zd_sysent *e = zd_sysent(nr);
	bool poked = false;
	size_t i;

	for (i = 0; i < r->npokes; i++) {
		const struct zd_poke *k = &r->pokes[i];

		/* strace: "requested to tamper with argument #N, but system
		 * call 'X' has only M arguments": skipped. */
		if (k->at_exit != at_exit || !e || k->argn > e->nargs)
			continue;
		if (upoke(tid, args[k->argn - 1], k->data, k->len))
			poked = true;
	}
	return poked;
}

bool
zd_tamper_enter(const struct zd_tamper *tp, struct zd_tamper_tcb **stp, pid_t tid, long nr,
		const uint64_t args[6], bool at_seccomp)
{
	struct zd_tamper_act *act;
	struct zd_tamper_tcb *st = *stp;
	const struct zd_inject *r;
	long i;

	if (nr < 0 || nr >= ZD_SC_NMAX || tp->rule_of[nr] < 0)
		return false;
	if (!st)
		st = *stp = zd_xcalloc(1, sizeof(*st));
	act = &st->act;
	memset(act, 0, sizeof(*act));
	if (!st->when) {
		/* strace copies the table to a tracee on first use: a new
		 * thread or child counts from the start. */
		st->when = zd_xcalloc(ZD_SC_NMAX, sizeof(*st->when));
		for (i = 0; i < ZD_SC_NMAX; i++)
			if (tp->rule_of[i] >= 0)
				st->when[i] = tp->rules[tp->rule_of[i]].when;
	}
	st->cur = NULL;
	st->tampered = 0;
	st->signal_at_exit = false;
	if (!zd_inj_when_step(&st->when[nr]))
		return false;
	r = &tp->rules[tp->rule_of[nr]];
	st->cur = r;
	if (r->flags & ZD_INJ_SIGNAL) {
		if (at_seccomp)
			st->signal_at_exit = true;
		else
			act->signo = r->signo;
	}
	if (r->flags & (ZD_INJ_ERROR | ZD_INJ_RETVAL)) {
		uint64_t scno = (r->flags & ZD_INJ_SYSCALL) ? (uint64_t)r->scno : (uint64_t)-1;

		if (set_reg(tid, offsetof(struct user_regs_struct, orig_rax), scno))
			st->tampered |= ZD_TAMPERED_RET;   /* confirmed at exit */
	}
	if ((r->flags & ZD_INJ_POKE_ENTER) && do_pokes(r, tid, nr, args, false))
		st->tampered |= ZD_TAMPERED_ARGS;
	if (r->flags & ZD_INJ_DELAY_ENTER) {
		act->delay = r->delay_enter;
		act->hold = true;
		st->tampered |= ZD_TAMPERED_DELAYED;
	}
	return true;
}

unsigned
zd_tamper_exit(struct zd_tamper_tcb *st, pid_t tid, long nr, const uint64_t args[6], int64_t *rval)
{
	const struct zd_inject *r = st ? st->cur : NULL;
	struct zd_tamper_act *act;
	unsigned notes;

	if (!r)
		return 0;
	act = &st->act;
	memset(act, 0, sizeof(*act));
	if ((r->flags & ZD_INJ_POKE_EXIT) && do_pokes(r, tid, nr, args, true))
		st->tampered |= ZD_TAMPERED_ARGS;
	if (r->flags & ZD_INJ_DELAY_EXIT) {
		act->delay = r->delay_exit;
		act->hold = true;
		st->tampered |= ZD_TAMPERED_DELAYED;
	}
	if (st->signal_at_exit)
		act->signo = r->signo;
	if (st->tampered & ZD_TAMPERED_RET) {
		int64_t v = (r->flags & ZD_INJ_RETVAL) ? (int64_t)r->rval : -(int64_t)r->rval;

		if (set_reg(tid, offsetof(struct user_regs_struct, rax), (uint64_t)v)) {
			*rval = v;
			if (r->flags & ZD_INJ_RETVAL)
				st->tampered |= ZD_TAMPERED_OK;
		} else
			st->tampered &= ~ZD_TAMPERED_RET;
	}
	notes = st->tampered;
	zd_tamper_tcb_reset(st);
	return notes;
}

bool
zd_tamper_take(struct zd_tamper_tcb *st, int *sig, struct timespec *delay)
{
	bool hold = st->act.hold;

	if (!*sig)
		*sig = st->act.signo;
	*delay = st->act.delay;
	memset(&st->act, 0, sizeof(st->act));
	return hold;
}

void
zd_tamper_tcb_reset(struct zd_tamper_tcb *st)
{
	if (!st)
		return;
	st->cur = NULL;
	st->tampered = 0;
	st->signal_at_exit = false;
}

void
zd_tamper_tcb_free(struct zd_tamper_tcb *st)
{
	if (!st)
		return;
	free(st->when);
	free(st);
}

/* ---------------------------------------------------------------- */
/* Held threads                                                      */

static void
ts_add(struct timespec *t, const struct timespec *d)
{
	t->tv_sec += d->tv_sec;
	t->tv_nsec += d->tv_nsec;
	if (t->tv_nsec >= 1000000000L) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000L;
	}
}

static bool
ts_before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

void
zd_tamper_hold(struct zd_tamper_queue *q, pid_t tid, int req, int sig, const struct timespec *delay)
{
	struct zd_tamper_hold *h;

	zd_tamper_unhold(q, tid);
	ZD_GROW(q->v, q->a, q->n + 1);
	h = &q->v[q->n++];
	h->tid = tid;
	h->req = req;
	h->sig = sig;
	clock_gettime(CLOCK_MONOTONIC, &h->due);
	ts_add(&h->due, delay);
}

void
zd_tamper_unhold(struct zd_tamper_queue *q, pid_t tid)
{
	size_t i;

	for (i = 0; i < q->n; i++) {
		if (q->v[i].tid == tid) {
			q->v[i] = q->v[--q->n];
			return;
		}
	}
}

/* Restart the due ones (all: every one); *left: time until the next
 * (false: none held). */
static bool
release_due(struct zd_tamper_queue *q, bool all, struct timespec *left)
{
	struct timespec now, next = { 0, 0 };
	size_t i = 0;
	bool any = false;

	if (!q->n)
		return false;   /* the usual case: no clock read */
	clock_gettime(CLOCK_MONOTONIC, &now);
	while (i < q->n) {
		struct zd_tamper_hold h = q->v[i];

		if (all || !ts_before(&now, &h.due)) {
			q->v[i] = q->v[--q->n];
			/* ESRCH: it died or was detached meanwhile. */
			(void)ptrace((enum __ptrace_request)h.req, h.tid, NULL, (void *)(long)h.sig);
			continue;
		}
		if (!any || ts_before(&h.due, &next))
			next = h.due;
		any = true;
		i++;
	}
	if (any) {
		left->tv_sec = next.tv_sec - now.tv_sec;
		left->tv_nsec = next.tv_nsec - now.tv_nsec;
		if (left->tv_nsec < 0) {
			left->tv_sec--;
			left->tv_nsec += 1000000000L;
		}
	}
	return any;
}

pid_t
zd_tamper_wait(struct zd_tamper_queue *q, int *status, struct rusage *ru)
{
	sigset_t chld, old;
	struct timespec left;
	struct sigaction sa;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	for (;;) {
		pid_t pid;
		int r, e;

		if (!release_due(q, false, &left))
			return wait4(-1, status, __WALL, ru);
		sigprocmask(SIG_BLOCK, &chld, &old);
		pid = wait4(-1, status, __WALL | WNOHANG, ru);
		if (pid != 0) {
			e = errno;
			sigprocmask(SIG_SETMASK, &old, NULL);
			errno = e;
			return pid;
		}
		/* A stop after the WNOHANG leaves SIGCHLD pending: no race.
		 * Unless zdiag inherited SIGCHLD ignored: then the kernel sends
		 * none for ptrace stops, and the wait polls every 10 ms. */
		if (sigaction(SIGCHLD, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN &&
		    (left.tv_sec || left.tv_nsec > 10000000L)) {
			left.tv_sec = 0;
			left.tv_nsec = 10000000L;
		}
		r = sigtimedwait(&chld, NULL, &left);
		e = errno;
		sigprocmask(SIG_SETMASK, &old, NULL);
		if (r < 0 && e == EINTR) {
			errno = EINTR;
			return -1;
		}
	}
}

void
zd_tamper_release_all(struct zd_tamper_queue *q)
{
	struct timespec left;

	(void)release_due(q, true, &left);
}

void
zd_tamper_queue_release(struct zd_tamper_queue *q)
{
	free(q->v);
	memset(q, 0, sizeof(*q));
}
