/*
 * Watchpoints and syscall catchpoints (include/zdiag/watch.h): setting
 * them, resuming with them (debug registers, or single-stepping and
 * comparing), and reporting their stops as gdb does.  The commands are in
 * cmd_watch.c.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "zdiag/debugreg.h"
#include "zdiag/esc.h"
#include "zdiag/sysname.h"
#include "zdiag/watch.h"
#include "zdiag/xalloc.h"

#include "dbg-int.h"

#define WATCH_MAX_LEN 4096

static struct zd_watches *
ws_get(struct zd_dbg *d)
{
	if (!d->watch) {
		d->watch = zd_xcalloc(1, sizeof(*d->watch));
		d->watch->probe = 2;
		d->watch->can_use_hw = -1;
	}
	return d->watch;
}

static void
watch_free(struct zd_watch *w)
{
	free(w->expr);
	free(w->old);
}

void
dbg_watch_release(struct zd_dbg *d)
{
	struct zd_watches *ws = d->watch;

	if (!ws)
		return;
	for (size_t i = 0; i < ws->n; i++)
		watch_free(&ws->v[i]);
	for (size_t i = 0; i < ws->nc; i++)
		free(ws->c[i].what);
	watch_free(&ws->gone);
	free(ws->v);
	free(ws->c);
	free(ws->hit_old);
	free(ws);
	d->watch = NULL;
}

size_t
dbg_watch_count(const struct zd_dbg *d)
{
	return d->watch ? d->watch->n + d->watch->nc : 0;
}

/* Do the debug registers fire here?  Probed once per session. */
static int
hw_probe(struct zd_dbg *d)
{
	struct zd_watches *ws = ws_get(d);

	if (ws->probe == 2) {
		/* Tests take the other machines' answer with ZDIAG_DR_PROBE=0. */
		const char *fake = getenv("ZDIAG_DR_PROBE");

		ws->probe = fake && (!strcmp(fake, "0") || !strcmp(fake, "1")) ? fake[0] - '0'
			  : zd_dr_probe(d->timeout_ms);
	}
	return ws->probe;
}

static bool
use_hw(struct zd_dbg *d)
{
	struct zd_watches *ws = ws_get(d);

	if (ws->can_use_hw >= 0)
		return ws->can_use_hw;
	return hw_probe(d) == 1;
}

/* Debug registers from the hardware watchpoints; -ENOSPC if they need more
 * than four slots (nothing changed then). */
static int
hw_sync(struct zd_dbg *d)
{
	struct zd_watches *ws = ws_get(d);
	uint64_t dr[4] = { 0 }, dr7 = 0;
	unsigned slot = 0;

	for (size_t i = 0; i < ws->n; i++) {
		struct zd_watch *w = &ws->v[i];
		uint64_t pa[ZD_DR_SLOTS];
		unsigned pl[ZD_DR_SLOTS];
		int np;

		w->slots = 0;
		if (!w->hw)
			continue;
		np = zd_dr_split(w->addr, w->len, pa, pl, (int)(ZD_DR_SLOTS - slot));
		if (np < 0)
			return -ENOSPC;
		for (int k = 0; k < np; k++, slot++) {
			dr[slot] = pa[k];
			zd_dr7_encode(&dr7, slot, w->kind == ZD_WATCH_WRITE ? ZD_DR_WRITE : ZD_DR_RW, pl[k], pa[k]);
			w->slots |= 1u << slot;
		}
	}
	if (!dr7 && !d->pt.dr_used)
		return 0;
	return zd_pt_set_debugregs(&d->pt, dr, dr7);
}

static void
catch_sync(struct zd_dbg *d)
{
	struct zd_watches *ws = ws_get(d);

	memset(d->pt.sc_catch, 0, sizeof(d->pt.sc_catch));
	for (size_t i = 0; i < ws->nc; i++)
		for (size_t k = 0; k < sizeof(d->pt.sc_catch); k++)
			d->pt.sc_catch[k] |= ws->c[i].nrs[k];
	d->pt.sc_catch_on = ws->nc > 0;
}

static struct zd_watch *
watch_by_id(struct zd_watches *ws, int id)
{
	for (size_t i = 0; i < ws->n; i++)
		if (ws->v[i].id == id)
			return &ws->v[i];
	return NULL;
}

static void
watch_remove(struct zd_watches *ws, struct zd_watch *w, bool keep_copy)
{
	size_t i = (size_t)(w - ws->v);

	if (keep_copy) {
		watch_free(&ws->gone);
		ws->gone = *w;
	} else {
		watch_free(w);
	}
	memmove(&ws->v[i], &ws->v[i + 1], (ws->n - i - 1) * sizeof(*ws->v));
	ws->n--;
}

void
dbg_watch_delete_all(struct zd_dbg *d)
{
	struct zd_watches *ws = d->watch;

	while (ws && ws->n)
		dbg_watch_delete(d, ws->v[0].id);
	while (ws && ws->nc)
		dbg_watch_delete(d, ws->c[0].id);
}

int
dbg_watch_delete(struct zd_dbg *d, int id)
{
	struct zd_watches *ws = d->watch;
	struct zd_watch *w;

	if (!ws)
		return -ENOENT;
	w = watch_by_id(ws, id);
	if (w) {
		bool hw = w->hw;

		watch_remove(ws, w, false);
		if (hw)
			hw_sync(d);
		return 0;
	}
	for (size_t i = 0; i < ws->nc; i++)
		if (ws->c[i].id == id) {
			free(ws->c[i].what);
			memmove(&ws->c[i], &ws->c[i + 1], (ws->nc - i - 1) * sizeof(*ws->c));
			ws->nc--;
			catch_sync(d);
			return 0;
		}
	return -ENOENT;
}

int
dbg_watch_set_hw(struct zd_dbg *d, const char *val, struct zd_dbg_out *out)
{
	if (strcmp(val, "0") && strcmp(val, "1"))
		return zd_dbg_fail(out, "usage: set can-use-hw-watchpoints 0|1");
	ws_get(d)->can_use_hw = val[0] == '1';
	return 0;
}

/* "Hardware watchpoint", "Hardware read watchpoint", ..., as gdb names them. */
static const char *
kind_name(const struct zd_watch *w)
{
	if (w->kind == ZD_WATCH_READ)
		return "Hardware read watchpoint";
	if (w->kind == ZD_WATCH_ACCESS)
		return "Hardware access (read/write) watchpoint";
	return w->hw ? "Hardware watchpoint" : "Watchpoint";
}

static void
put_bytes_value(struct zd_dbg *d, const struct zd_watch *w, const unsigned char *bytes, struct zd_sb *sb)
{
	struct zd_value v;

	memset(&v, 0, sizeof(v));
	v.type = w->type;
	v.loc = ZD_V_MEM;
	v.addr = w->addr;
	v.bytes = (unsigned char *)bytes;
	v.size = w->len;
	dbg_src_format(d, &v, sb);
}

/* ---------------------------------------------------------------- */
/* Setting                                                           */

int
dbg_watch_add(struct zd_dbg *d, int kind, bool location, const char *expr, struct zd_dbg_out *out)
{
	struct zd_watches *ws = ws_get(d);
	struct zd_thread *t;
	struct zd_value val;
	struct zd_watch *w;
	uint64_t cfa = 0;
	bool hw;
	int ret;

	hw = use_hw(d);
	if (!hw && kind != ZD_WATCH_WRITE) {
		if (ws->can_use_hw == 0)
			return zd_dbg_fail(out, "can't set read/access watchpoint when hardware watchpoints are disabled");
		return zd_dbg_fail(out, "read/access watchpoints need debug registers, which do not fire on this machine "
					"(probe); 'set can-use-hw-watchpoints 1' sets them anyway");
	}
	if (dbg_src_eval(d, expr, &val, &cfa, out) < 0)
		return -1;
	if (val.loc != ZD_V_MEM || !val.size) {
		zd_value_release(&val);
		return dbg_fail_word(out, "cannot watch '%s': not an lvalue in memory", expr);
	}
	if (val.size > WATCH_MAX_LEN || !val.bytes) {
		zd_value_release(&val);
		if (val.size > WATCH_MAX_LEN)
			return zd_dbg_fail(out, "cannot watch %zu bytes (at most %d)", val.size, WATCH_MAX_LEN);
		return zd_dbg_fail(out, "cannot access memory at address 0x%" PRIx64, val.addr);
	}
	ZD_GROW(ws->v, ws->alloc, ws->n + 1);
	w = &ws->v[ws->n++];
	memset(w, 0, sizeof(*w));
	w->kind = kind;
	w->expr = zd_xstrdup(expr);
	w->addr = val.addr;
	w->len = val.size;
	w->type = val.type;
	w->old = zd_xmemdup(val.bytes, val.size);
	w->hw = hw;
	zd_value_release(&val);
	/* A local of the selected frame (its address between the stack
	 * pointer and that frame's CFA): gone when the frame returns. */
	t = zd_dbg_cur_thread(d);
	if (!location && cfa && t && zd_pt_getregs(&d->pt, t) == 0 && w->addr + 128 >= t->regs.rsp &&
	    w->addr < cfa) {
		w->scoped = true;
		w->tid = t->tid;
		w->cfa = cfa;
		/* Only the single-stepping path sees the frame return (unless
		 * the debug registers are asked for explicitly). */
		if (kind == ZD_WATCH_WRITE && ws->can_use_hw != 1)
			w->hw = hw = false;
	}
	if (hw && (ret = hw_sync(d)) < 0) {
		watch_remove(ws, w, false);
		hw_sync(d);
		if (ret == -ENOSPC)
			return zd_dbg_fail(out, "no free debug register: x86-64 has four (delete a watchpoint, or 'set "
						"can-use-hw-watchpoints 0')");
		return zd_dbg_fail(out, "cannot set the debug registers: %s", strerror(-ret));
	}
	w->id = d->pt.bps.next_id++;
	zd_sb_addf(&out->text, "%s %d: ", kind_name(w), w->id);
	dbg_put_esc(&out->text, w->expr);
	if (!hw)
		zd_sb_adds(&out->text, " (software: single-stepping, slow)");
	zd_sb_addc(&out->text, '\n');
	if (hw && ws->can_use_hw == 1 && hw_probe(d) != 1)
		zd_dbg_diag(out, "warning: the debug registers do not fire on this machine (probe): it may never trigger");
	return 0;
}

int
zd_catch_parse(char **words, int n, uint8_t *nrs, int *bad)
{
	memset(nrs, 0, ZD_SC_BITS / 8);
	for (int i = 0; i < n; i++) {
		char *end;
		long nr = strtol(words[i], &end, 10);

		if (*words[i] == '\0' || *end)
			nr = zd_sysnr(words[i]);
		if (nr < 0 || nr >= ZD_SC_BITS || (*end && nr < 0)) {
			*bad = i;
			return -ENOENT;
		}
		nrs[nr / 8] |= (uint8_t)(1u << (nr % 8));
	}
	return 0;
}

int
dbg_catch_add(struct zd_dbg *d, char **words, int n, struct zd_dbg_out *out)
{
	struct zd_watches *ws = ws_get(d);
	struct zd_catch *c;
	struct zd_sb what = ZD_SB_INIT;
	uint8_t nrs[ZD_SC_BITS / 8];
	int bad = 0;

	if (zd_catch_parse(words, n, nrs, &bad) < 0)
		return dbg_fail_word(out, "unknown syscall name '%s'", words[bad]);
	if (!n)
		memset(nrs, 0xff, sizeof(nrs));
	for (int nr = 0; n && nr < ZD_SC_BITS; nr++)
		if (nrs[nr / 8] & (1u << (nr % 8))) {
			const char *name = zd_sysname(nr);

			zd_sb_addf(&what, "%s'%s' [%d]", what.len ? " " : "", name ? name : "?", nr);
		}
	ZD_GROW(ws->c, ws->calloc, ws->nc + 1);
	c = &ws->c[ws->nc++];
	memset(c, 0, sizeof(*c));
	c->id = d->pt.bps.next_id++;
	c->all = !n;
	memcpy(c->nrs, nrs, sizeof(nrs));
	c->what = zd_sb_detach(&what);
	catch_sync(d);
	if (c->all)
		zd_sb_addf(&out->text, "Catchpoint %d (any syscall)\n", c->id);
	else
		zd_sb_addf(&out->text, "Catchpoint %d (syscall%s %s)\n", c->id, n > 1 ? "s" : "", c->what);
	return 0;
}

/* ---------------------------------------------------------------- */
/* Resuming                                                          */

static bool
has_soft(const struct zd_watches *ws)
{
	for (size_t i = 0; ws && i < ws->n; i++)
		if (!ws->v[i].hw)
			return true;
	return false;
}

/* Take w's current bytes into buf (w->len); false if unreadable. */
static bool
watch_read(struct zd_dbg *d, const struct zd_watch *w, unsigned char *buf)
{
	return zd_pt_read(&d->pt, w->addr, buf, w->len) == (ssize_t)w->len;
}

/* Values changed while stopped (poke, set) are not changes the program made. */
static void
refresh_all(struct zd_dbg *d)
{
	struct zd_watches *ws = d->watch;

	for (size_t i = 0; i < ws->n; i++)
		watch_read(d, &ws->v[i], ws->v[i].old);
}

static void
note_hit(struct zd_watches *ws, struct zd_watch *w, const unsigned char *now, bool changed)
{
	free(ws->hit_old);
	ws->hit_old = zd_xmemdup(w->old, w->len);
	memcpy(w->old, now, w->len);
	ws->hit_id = w->id;
	ws->hit_scope = false;
	ws->hit_changed = changed;
	w->hits++;
}

/* A debug-register trap (ev->bp_id: the slots): did a watchpoint trigger
 * as gdb would report it?  A write that left the value alone does not. */
static bool
hw_hit(struct zd_dbg *d, struct zd_pt_event *ev)
{
	struct zd_watches *ws = d->watch;
	unsigned char buf[WATCH_MAX_LEN];

	for (size_t i = 0; ws && i < ws->n; i++) {
		struct zd_watch *w = &ws->v[i];
		bool changed;

		if (!w->hw || !(w->slots & (unsigned)ev->bp_id) || !watch_read(d, w, buf))
			continue;
		changed = memcmp(buf, w->old, w->len) != 0;
		if ((w->kind == ZD_WATCH_WRITE && !changed) || (w->kind == ZD_WATCH_READ && changed)) {
			memcpy(w->old, buf, w->len);
			continue;
		}
		note_hit(ws, w, buf, changed);
		ev->bp_id = w->id;
		return true;
	}
	return false;
}

/* After one single-step of tid: a breakpoint reached, a software watch
 * changed, or a local's frame returned?  Fills ev and returns true. */
static bool
soft_check(struct zd_dbg *d, pid_t tid, struct zd_pt_event *ev)
{
	struct zd_watches *ws = d->watch;
	struct zd_thread *t = zd_pt_thread(&d->pt, tid);
	unsigned char buf[WATCH_MAX_LEN];
	struct zd_bkpt *b;

	if (!t || zd_pt_getregs(&d->pt, t) < 0)
		return false;
	for (size_t i = 0; i < ws->n; i++) {
		struct zd_watch *w = &ws->v[i];

		if (w->hw || !watch_read(d, w, buf) || !memcmp(buf, w->old, w->len))
			continue;
		note_hit(ws, w, buf, true);
		ev->kind = ZD_EV_WATCH;
		ev->bp_id = w->id;
		return true;
	}
	for (size_t i = 0; i < ws->n; i++) {
		struct zd_watch *w = &ws->v[i];

		if (!w->scoped || w->tid != tid || t->regs.rsp < w->cfa)
			continue;
		ws->hit_id = w->id;
		ws->hit_scope = true;
		watch_remove(ws, w, true);
		if (ws->gone.hw)
			hw_sync(d);
		ev->kind = ZD_EV_WATCH;
		ev->bp_id = ws->hit_id;
		return true;
	}
	b = zd_bkpt_at(&d->pt.bps, t->regs.rip);
	if (b) {
		b->hits++;
		t->bp_hit = b->id;
		ev->kind = ZD_EV_BREAK;
		ev->bp_id = b->id;
		return true;
	}
	return false;
}

int
dbg_watch_resume(struct zd_dbg *d, pid_t tid, enum zd_resume how, struct zd_pt_event *ev)
{
	struct zd_watches *ws = d->watch;
	int ret;

	if (!ws || !ws->n)
		return zd_pt_resume(&d->pt, tid, how, &d->wake, ev);
	refresh_all(d);
	if (how != ZD_RESUME_CONT || !has_soft(ws)) {
		for (;;) {
			ret = zd_pt_resume(&d->pt, tid, how, &d->wake, ev);
			if (ret < 0 || ev->kind != ZD_EV_WATCH || hw_hit(d, ev))
				return ret;
			if (how == ZD_RESUME_STEP) {
				/* stepi onto a write that changed nothing: just a step */
				ev->kind = ZD_EV_STEP;
				return ret;
			}
			tid = ev->tid;
		}
	}
	/* Software: one instruction of the current thread at a time. */
	for (;;) {
		ret = zd_pt_resume(&d->pt, tid, ZD_RESUME_STEP, &d->wake, ev);
		if (ret < 0)
			return ret;
		ws->steps++;
		if (ev->kind == ZD_EV_WATCH) {
			if (hw_hit(d, ev))
				return 0;
			continue;
		}
		if (ev->kind != ZD_EV_STEP || soft_check(d, tid, ev))
			return 0;
	}
}

/* ---------------------------------------------------------------- */
/* Reporting                                                         */

static void
report_watch(struct zd_sb *sb, struct zd_dbg *d)
{
	struct zd_watches *ws = d->watch;
	struct zd_watch *w;

	if (ws->hit_scope) {
		zd_sb_addf(sb, "\nWatchpoint %d deleted because the program has left the block in\n"
			       "which its expression is valid.\n", ws->hit_id);
		dbg_src_stop_line(d, sb);
		return;
	}
	w = watch_by_id(ws, ws->hit_id);
	if (!w)
		return;
	zd_sb_addf(sb, "\n%s %d: ", kind_name(w), w->id);
	dbg_put_esc(sb, w->expr);
	zd_sb_adds(sb, "\n\n");
	if (w->kind == ZD_WATCH_READ || (w->kind == ZD_WATCH_ACCESS && !ws->hit_changed)) {
		zd_sb_adds(sb, "Value = ");
		put_bytes_value(d, w, w->old, sb);
	} else {
		zd_sb_adds(sb, "Old value = ");
		put_bytes_value(d, w, ws->hit_old, sb);
		zd_sb_adds(sb, "\nNew value = ");
		put_bytes_value(d, w, w->old, sb);
	}
	zd_sb_addc(sb, '\n');
	dbg_src_stop_line(d, sb);
}

static const struct zd_catch *
catch_of(const struct zd_watches *ws, unsigned long long nr)
{
	for (size_t i = 0; i < ws->nc; i++)
		if (nr < ZD_SC_BITS && (ws->c[i].nrs[nr / 8] & (1u << (nr % 8))))
			return &ws->c[i];
	return NULL;
}

static bool
report_catch(struct zd_sb *sb, struct zd_dbg *d, const struct zd_pt_event *ev)
{
	struct zd_thread *t = zd_pt_thread(&d->pt, ev->tid);
	struct zd_catch *c;
	unsigned long long nr;
	const char *name;
	bool entry = ev->sc.op == PTRACE_SYSCALL_INFO_ENTRY || ev->sc.op == PTRACE_SYSCALL_INFO_SECCOMP;

	if (!t || zd_pt_getregs(&d->pt, t) < 0)
		return false;
	nr = ev->sc.op == PTRACE_SYSCALL_INFO_ENTRY ? ev->sc.entry.nr
	   : ev->sc.op == PTRACE_SYSCALL_INFO_SECCOMP ? ev->sc.seccomp.nr : t->regs.orig_rax;
	c = (struct zd_catch *)catch_of(d->watch, nr);
	if (!c)
		return false;
	c->hits++;
	name = zd_sysname((long)nr);
	zd_sb_addf(sb, "\nCatchpoint %d (%s syscall ", c->id, entry ? "call to" : "returned from");
	if (name)
		zd_sb_adds(sb, name);
	else
		zd_sb_addf(sb, "%llu", nr);
	zd_sb_addf(sb, "), 0x%016" PRIx64 " in ", (uint64_t)t->regs.rip);
	dbg_put_where(sb, d, t->regs.rip);
	zd_sb_addf(sb, "\nthread %d: ", (int)ev->tid);
	dbg_format_syscall(sb, d, ev->tid, &ev->sc);
	zd_sb_addc(sb, '\n');
	return true;
}

bool
dbg_watch_report(struct zd_sb *sb, struct zd_dbg *d, const struct zd_pt_event *ev, bool main_event)
{
	struct zd_watches *ws = d->watch;

	if (!ws)
		return false;
	switch (ev->kind) {
	case ZD_EV_WATCH:
		if (main_event)
			report_watch(sb, d);
		return true;
	case ZD_EV_SYSCALL:
		/* Another thread's syscall that nobody catches (stopped by the
		 * all-stop in an interrupted call) is no news. */
		return ws->nc && (report_catch(sb, d, ev) || !main_event);
	case ZD_EV_EXEC:
		/* The breakpoint table starts again at 1: catchpoints keep their ids. */
		for (size_t i = 0; i < ws->nc; i++)
			if (ws->c[i].id >= d->pt.bps.next_id)
				d->pt.bps.next_id = ws->c[i].id + 1;
		/* A new address space: the watched addresses mean nothing now. */
		if (ws->n) {
			while (ws->n)
				watch_remove(ws, &ws->v[0], false);
			hw_sync(d);
			zd_sb_adds(sb, "watchpoints deleted (new program)\n");
		}
		return false;
	default:
		return false;
	}
}

/* ---------------------------------------------------------------- */
/* Listing                                                           */

void
dbg_watch_list(struct zd_dbg *d, struct zd_sb *sb)
{
	struct zd_watches *ws = d->watch;

	for (size_t i = 0; ws && i < ws->n; i++) {
		const struct zd_watch *w = &ws->v[i];

		zd_sb_addf(sb, "%-4d 0x%016" PRIx64 " %-6lu %s %s: ", w->id, w->addr, w->hits,
			   w->kind == ZD_WATCH_READ ? "read watchpoint" : w->kind == ZD_WATCH_ACCESS ? "acc watchpoint"
			   : "watchpoint", w->hw ? "(hw)" : "(software)");
		dbg_put_esc(sb, w->expr);
		zd_sb_addf(sb, " (%zu byte%s%s)\n", w->len, w->len == 1 ? "" : "s", w->scoped ? ", local" : "");
	}
	for (size_t i = 0; ws && i < ws->nc; i++) {
		const struct zd_catch *c = &ws->c[i];

		zd_sb_addf(sb, "%-4d %-18s %-6lu catchpoint: syscall %s\n", c->id, "", c->hits,
			   c->all ? "<any syscall>" : c->what);
	}
}

int
dbg_info_watch(struct zd_dbg *d, struct zd_dbg_out *out)
{
	struct zd_watches *ws = d->watch;
	const char *why;

	if (!ws || !ws->n) {
		zd_sb_adds(&out->text, "no watchpoints\n");
		return 0;
	}
	zd_sb_addf(&out->text, "%-4s %-18s %-6s %s\n", "ID", "ADDRESS", "HITS", "WHAT");
	for (size_t i = 0; i < ws->n; i++) {
		struct zd_watches one = *ws;

		one.n = 1;
		one.v = &ws->v[i];
		one.nc = 0;
		d->watch = &one;
		dbg_watch_list(d, &out->text);
		d->watch = ws;
	}
	why = ws->probe == 1 ? "the probe saw them fire" : ws->probe == 2 ? "not probed"
	    : ws->probe == 0 ? "the probe saw them not fire" : "the probe could not set them";
	zd_sb_addf(&out->text, "debug registers: %s (%s%s); %llu instructions single-stepped\n",
		   use_hw(d) ? "used" : "not used",
		   ws->can_use_hw == 0 ? "set can-use-hw-watchpoints 0; " : ws->can_use_hw == 1 ?
		   "set can-use-hw-watchpoints 1; " : "", why, ws->steps);
	return 0;
}

int
dbg_info_debugregs(struct zd_dbg *d, struct zd_dbg_out *out)
{
	for (size_t i = 0; i < d->pt.nth; i++) {
		struct zd_thread *t = &d->pt.th[i];
		uint64_t v[8] = { 0 };
		int ret = 0;

		if ((t->flags & (ZD_TH_STOPPED | ZD_TH_GONE)) != ZD_TH_STOPPED)
			continue;
		for (unsigned k = 0; k < 8 && ret == 0; k++)
			if (k != 4 && k != 5)
				ret = zd_dr_peek(t->tid, k, &v[k]);
		if (ret < 0) {
			zd_sb_addf(&out->text, "thread %d: cannot read: %s\n", (int)t->tid, strerror(-ret));
			continue;
		}
		zd_sb_addf(&out->text, "thread %d: dr0=0x%" PRIx64 " dr1=0x%" PRIx64 " dr2=0x%" PRIx64 " dr3=0x%" PRIx64
				       " dr6=0x%" PRIx64 " dr7=0x%" PRIx64 "\n",
			   (int)t->tid, v[0], v[1], v[2], v[3], v[6], v[7]);
	}
	return 0;
}
