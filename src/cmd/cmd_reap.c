/* zdiag reap: options, then render what src/proc/reap.c did. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zdiag/cmd.h"
#include "zdiag/err.h"
#include "zdiag/esc.h"
#include "zdiag/json.h"
#include "zdiag/reap.h"
#include "zdiag/sig.h"
#include "zdiag/strbuf.h"
#include "zdiag/xalloc.h"

enum {
	OPT_JSON = ZD_OPT_LONG,
	OPT_CONT,
	OPT_FORCE,
	OPT_TIMEOUT,
	OPT_PARENT,
	OPT_METHOD,
};

static const struct zd_opt reap_opts[] = {
	{ 'n', 'n', "dry-run", ZD_ARG_NONE, NULL, "say what would be done and why, change nothing", NULL },
	{ OPT_PARENT, 0, "parent", ZD_ARG_REQ, "PPID", "every zombie whose parent is PPID", "@pid" },
	{ OPT_JSON, 0, "json", ZD_ARG_NONE, NULL, "one JSON document (docs/reap.md)", NULL },
	{ OPT_CONT, 0, "cont", ZD_ARG_NONE, NULL, "a stopped parent gets SIGCONT (then the zombie is reaped if it does not do it itself)", NULL },
	{ OPT_FORCE, 0, "force", ZD_ARG_NONE, NULL, "reap even a zombie its parent is about to wait for, or under an unreadable seccomp filter", NULL },
	{ OPT_TIMEOUT, 0, "timeout", ZD_ARG_REQ, "MS", "how long a reaper may take to stop (default 2000)", NULL },
	{ OPT_METHOD, 0, "method", ZD_ARG_REQ, "HOW", "where the waitid calls run: auto (default: a helper thread from 64 zombies of one reaper on), in-place (the reaper's stopped thread), thread (a short-lived helper thread, the reaper stopped only to start it)", "auto in-place thread" },
	{ 0 },
};

/* "exited with status 7", "killed by SIGSEGV (core dumped)" */
static void
add_exit(struct zd_sb *sb, const struct zd_reap_item *it)
{
	if (it->exit_code == CLD_EXITED)
		zd_sb_addf(sb, "exited with status %d", it->exit_status);
	else
		zd_sb_addf(sb, "killed by %s%s", zd_signame(it->exit_status),
			   it->exit_code == CLD_DUMPED ? " (core dumped)" : "");
}

static double
held_ms(const struct zd_reap *r, pid_t reaper)
{
	double ms = 0;
	size_t i;

	for (i = 0; i < r->nrs; i++)
		if (r->rs[i].pid == reaper)
			ms += r->rs[i].stopped_ms;
	return ms;
}

static void
render_text(struct zd_sb *sb, const struct zd_reap *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		const struct zd_reap_item *it = &r->v[i];

		zd_sb_adds(sb, it->action == ZD_REAP_WOULD ? "would reap" : zd_reap_action_name(it->action));
		zd_sb_addf(sb, " %d", (int)it->pid);
		if (it->comm[0]) {
			zd_sb_adds(sb, " (");
			zd_esc_cs(sb, it->comm, 0);
			zd_sb_addc(sb, ')');
		}
		zd_sb_adds(sb, ": ");
		if (it->action == ZD_REAP_REAPED) {
			add_exit(sb, it);
			zd_sb_addf(sb, "; reaper %d (", (int)it->reaper);
			zd_esc_cs(sb, it->reaper_comm, 0);
			zd_sb_addf(sb, ", %s) stopped %.1f ms", zd_reap_role_name(it->role), held_ms(r, it->reaper));
		} else if (it->reason) {
			zd_esc_cs(sb, it->reason, 0);
		}
		zd_sb_addc(sb, '\n');
	}
	if (!r->n)
		zd_sb_adds(sb, "no zombies to reap\n");
}

static void
render_json(struct zd_sb *sb, const struct zd_reap *r, bool dry)
{
	size_t i, count[ZD_REAP__COUNT] = { 0 };
	struct zd_json j;

	zd_json_init(&j, sb, true);
	zd_json_obj_begin(&j);
	zd_json_kbool(&j, "dry_run", dry);
	zd_json_key(&j, "zombies");
	zd_json_arr_begin(&j);
	for (i = 0; i < r->n; i++) {
		const struct zd_reap_item *it = &r->v[i];

		count[it->action]++;
		zd_json_obj_begin(&j);
		zd_json_kint(&j, "pid", it->pid);
		zd_json_kstr(&j, "comm", it->comm);
		zd_json_kint(&j, "ppid", it->ppid);
		zd_json_key(&j, "cause");
		if (it->cause >= 0)
			zd_json_str(&j, zd_cause_name((enum zd_cause)it->cause));
		else
			zd_json_null(&j);
		zd_json_kstr(&j, "action", zd_reap_action_name(it->action));
		zd_json_key(&j, "reason");
		if (it->reason)
			zd_json_str(&j, it->reason);
		else
			zd_json_null(&j);
		zd_json_key(&j, "reaper");
		if (it->reaper) {
			zd_json_obj_begin(&j);
			zd_json_kint(&j, "pid", it->reaper);
			zd_json_kstr(&j, "comm", it->reaper_comm);
			zd_json_kstr(&j, "role", zd_reap_role_name(it->role));
			zd_json_obj_end(&j);
		} else {
			zd_json_null(&j);
		}
		zd_json_key(&j, "exit");
		if (it->have_exit) {
			bool exited = it->exit_code == CLD_EXITED;

			zd_json_obj_begin(&j);
			zd_json_key(&j, "code");
			exited ? zd_json_int(&j, it->exit_status) : zd_json_null(&j);
			zd_json_key(&j, "signal");
			exited ? zd_json_null(&j) : zd_json_int(&j, it->exit_status);
			zd_json_key(&j, "signal_name");
			exited ? zd_json_null(&j) : zd_json_str(&j, zd_signame(it->exit_status));
			zd_json_kbool(&j, "core_dumped", it->exit_code == CLD_DUMPED);
			zd_json_obj_end(&j);
		} else {
			zd_json_null(&j);
		}
		zd_json_key(&j, "warning");
		if (it->warning)
			zd_json_str(&j, it->warning);
		else
			zd_json_null(&j);
		zd_json_obj_end(&j);
	}
	zd_json_arr_end(&j);
	zd_json_key(&j, "reapers");
	zd_json_arr_begin(&j);
	for (i = 0; i < r->nrs; i++) {
		zd_json_obj_begin(&j);
		zd_json_kint(&j, "pid", r->rs[i].pid);
		zd_json_kstr(&j, "comm", r->rs[i].comm);
		zd_json_kdouble(&j, "stopped_ms", r->rs[i].stopped_ms);
		zd_json_kint(&j, "zombies", (long long)r->rs[i].zombies);
		zd_json_kstr(&j, "method", r->rs[i].thread ? "thread" : "in-place");
		zd_json_key(&j, "left_mapping");
		if (r->rs[i].left_size) {
			char addr[32];

			snprintf(addr, sizeof(addr), "0x%llx", (unsigned long long)r->rs[i].left_addr);
			zd_json_obj_begin(&j);
			zd_json_kstr(&j, "address", addr);
			zd_json_kint(&j, "size", (long long)r->rs[i].left_size);
			zd_json_obj_end(&j);
		} else {
			zd_json_null(&j);
		}
		zd_json_obj_end(&j);
	}
	zd_json_arr_end(&j);
	zd_json_key(&j, "summary");
	zd_json_obj_begin(&j);
	zd_json_kint(&j, "requested", (long long)r->n);
	zd_json_kint(&j, "reaped", (long long)(count[ZD_REAP_REAPED] + count[ZD_REAP_CONTINUED]));
	zd_json_kint(&j, "gone", (long long)count[ZD_REAP_GONE]);
	zd_json_kint(&j, "refused", (long long)count[ZD_REAP_REFUSED]);
	zd_json_kint(&j, "failed", (long long)count[ZD_REAP_FAILED]);
	if (dry)
		zd_json_kint(&j, "would_reap", (long long)count[ZD_REAP_WOULD]);
	zd_json_obj_end(&j);
	zd_json_obj_end(&j);
	zd_sb_addc(sb, '\n');
}

static int
exit_status_of(const struct zd_reap *r)
{
	int rc = ZD_EXIT_OK;
	size_t i;

	for (i = 0; i < r->n; i++) {
		if (r->v[i].perm_error)
			return ZD_EXIT_ERROR;
		if (r->v[i].action == ZD_REAP_REFUSED || r->v[i].action == ZD_REAP_FAILED)
			rc = ZD_EXIT_FOUND;
	}
	return rc;
}

static int
cmd_reap_fn(const struct zd_cmd *cmd, int argc, char **argv)
{
	struct zd_reap_opts o = { .timeout_ms = 2000 };
	struct zd_optparse p;
	struct zd_reap r;
	struct zd_sb sb;
	pid_t parent = 0, *pids;
	bool json = false;
	long long v;
	int id, i, n, ret;

	zd_opt_init(&p, cmd, argc, argv);
	while ((id = zd_opt_next(&p)) != ZD_OPT_END) {
		switch (id) {
		case 'n':
			o.dry_run = true;
			break;
		case OPT_JSON:
			json = true;
			break;
		case OPT_CONT:
			o.cont = true;
			break;
		case OPT_FORCE:
			o.force = true;
			break;
		case OPT_TIMEOUT:
			if (zd_parse_ms(p.arg, 600000, &v) < 0 || v < 1) {
				zd_opt_release(&p);
				return zd_usage_error(cmd->name, "invalid --timeout '%s' (milliseconds, 1-600000)", p.arg);
			}
			o.timeout_ms = v;
			break;
		case OPT_METHOD:
			if (!strcmp(p.arg, "auto"))
				o.method = ZD_INJECT_AUTO;
			else if (!strcmp(p.arg, "in-place"))
				o.method = ZD_INJECT_IN_PLACE;
			else if (!strcmp(p.arg, "thread"))
				o.method = ZD_INJECT_THREAD;
			else {
				zd_opt_release(&p);
				return zd_usage_error(cmd->name, "invalid --method '%s' (auto, in-place or thread)", p.arg);
			}
			break;
		case OPT_PARENT:
			if (zd_parse_ll(p.arg, 1, 0x7fffffff, &v) < 0) {
				zd_opt_release(&p);
				return zd_usage_error(cmd->name, "invalid pid '%s'", p.arg);
			}
			parent = (pid_t)v;
			break;
		default:
			return zd_opt_default(&p, id);
		}
	}
	n = argc - p.ind;
	if (n <= 0 && !parent)
		return zd_usage_error(cmd->name, "no zombie given (ZPID... or --parent PPID)");
	pids = zd_xcalloc(n > 0 ? (size_t)n : 1, sizeof(*pids));
	for (i = 0; i < n; i++) {
		if (zd_parse_ll(argv[p.ind + i], 1, 0x7fffffff, &v) < 0) {
			free(pids);
			return zd_usage_error(cmd->name, "invalid pid '%s'", argv[p.ind + i]);
		}
		pids[i] = (pid_t)v;
	}
	ret = zd_reap_run(pids, (size_t)n, parent, &o, &r);
	free(pids);
	if (ret < 0)
		return zd_error_errno(ret, "cannot read /proc");
	zd_sb_init(&sb);
	if (json)
		render_json(&sb, &r, o.dry_run);
	else
		render_text(&sb, &r);
	ret = exit_status_of(&r);
	if (!json)
		for (i = 0; i < (int)r.n; i++)
			if (r.v[i].action == ZD_REAP_REAPED) {
				/* once: the JSON has it per zombie */
				zd_warn("a parent that waits for a reaped pid later gets ECHILD");
				break;
			}
	for (i = 0; i < (int)r.nrs; i++)
		if (r.rs[i].left_size)
			zd_warn("a %llu-byte scratch mapping at 0x%llx stays in %d: its helper thread did "
				"not finish in time", (unsigned long long)r.rs[i].left_size,
				(unsigned long long)r.rs[i].left_addr, (int)r.rs[i].pid);
	zd_reap_release(&r);
	if (zd_sb_write(&sb, stdout) < 0 || fflush(stdout) == EOF) {
		zd_sb_release(&sb);
		return zd_error_errno(errno, "cannot write output");
	}
	zd_sb_release(&sb);
	return ret;
}

const struct zd_cmd zd_cmd_reap = {
	.name = "reap",
	.fn = cmd_reap_fn,
	.summary = "make a zombie's parent reap it, without killing the parent",
	.synopsis = "[-n] [--json] [--cont] [--force] [--timeout MS] [--method HOW] ZPID...\n"
		    "[-n] [--json] [--cont] [--force] [--timeout MS] [--method HOW] --parent PPID",
	.description =
		"Make the process that should reap each zombie do it: its parent, the\n"
		"tracer of a traced zombie (then the parent it is handed back to), or\n"
		"the namespace init or subreaper that adopted it.  One thread of that\n"
		"process is stopped for a moment and made to call\n"
		"waitid(P_PID, ZPID, ..., WEXITED|WNOHANG|__WALL) for all of its zombies\n"
		"at once (many zombies: in a helper thread it starts, so that it is\n"
		"stopped only for that); its registers are put back exactly, so an interrupted read,\n"
		"nanosleep, poll or wait4 goes on as if nothing happened, and signals\n"
		"that arrived meanwhile are delivered.  The zombie's exit status is\n"
		"printed, since its parent will never see it (a later wait for that pid\n"
		"gets ECHILD).  Refused: a zombie nothing can reap (a leader whose\n"
		"threads live on, or held by a D-state thread), a parent in D state, a\n"
		"stopped parent (unless --cont), a parent about to wait for it (unless\n"
		"--force), a reaper under a seccomp filter that would refuse the calls.",
	.opts = reap_opts,
	.positional = "@pid",
	.exit_status =
		"  0  every zombie asked for is gone (or, with -n, would be reaped)\n"
		"  1  some could not be reaped (each line says why)\n"
		"  2  usage error, /proc unreadable, or no permission to attach",
};
