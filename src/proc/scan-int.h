/* Private interface between scan.c (the walk) and verdict.c (the causes). */
#ifndef ZDIAG_SCAN_INT_H
#define ZDIAG_SCAN_INT_H

#include "zdiag/procfs.h"
#include "zdiag/scan.h"
#include "zdiag/strbuf.h"
#include "zdiag/subreaper.h"

/* One process from the walk: what a stat read gives. */
struct zd_pentry {
	pid_t pid, ppid, pgrp;
	char state;
	long num_threads;
	unsigned long long starttime;
	int exit_signal;
	unsigned flags;
	char comm[ZD_COMM_MAX + 1];
};

struct zd_dtask {
	pid_t pid, tid;
};

/* A process looked at for some zombie (parent, tracer, ancestor): read once
 * per scan however many zombies refer to it. */
struct zd_pcache {
	pid_t pid;
	bool gone;                 /* exited (or unreadable) when looked at */
	struct zd_stat st;
	bool has_status;
	struct zd_status ss;
	struct zd_task leader;     /* the leader thread in detail */
	struct zd_task *threads;   /* other live threads: tid, state, syscall, wchan */
	size_t nthreads;
	int signalfd;              /* -2: not looked for yet; -1: none */
};

struct zd_scan_ctx {
	const struct zd_procfs *pfs;
	const struct zd_scan_opts *opts;
	struct zd_scan *s;
	struct zd_pentry *pe;   /* sorted by pid */
	size_t npe;
	struct zd_dtask *dv;    /* D-state tasks seen */
	size_t nd, ad;
	struct zd_sb tmp;
	struct zd_pcache *pc;   /* processes examined so far */
	size_t npc, apc;
	bool sr_tried;          /* subreaper flags: looked up (lazily, once) */
	int sr_err;             /* 0: sr holds them; -errno: unknown */
	struct zd_subreapers sr;
};

struct zd_zwork {
	const struct zd_pentry *pe; /* what the walk saw */
	struct zd_zombie *z;
	int dirfd;                  /* held pid directory, or -1 */
	struct zd_stat st;          /* re-read through dirfd */
};

/* Note a D-state task (deduplicated by tid). */
void zd_scan_note_d(struct zd_scan_ctx *c, pid_t pid, pid_t tid);
const struct zd_pentry *zd_scan_lookup(const struct zd_scan_ctx *c, pid_t pid);
/* Fill t (pid/tid already set) from a task directory: stat, wchan,
 * syscall, status (SIGKILL pending) and, if want_stack, the kernel stack. */
int zd_scan_task_detail(struct zd_scan_ctx *c, int tdfd, struct zd_task *t, bool want_stack);

/* Identity and exit facts of a zombie: from st when it could be re-read, else
 * from the walk's entry. */
void zd_scan_zombie_init(struct zd_scan_ctx *c, struct zd_zombie *z, const struct zd_pentry *pe,
			 const struct zd_stat *st);
/* Read the subreaper flags of the proc root's namespace into c->sr: 0,
 * or -errno: -ECANCELED (opts->no_bpf), -EXDEV (the proc root is not the
 * live /proc of our own PID namespace), or zd_subreaper_read()'s error. */
int zd_scan_load_subreapers(struct zd_scan_ctx *c);
/* Free the per-scan process cache. */
void zd_scan_cache_release(struct zd_scan_ctx *c);
/* The zombie went away during the settle interval. */
void zd_verdict_reaped(struct zd_scan_ctx *c, struct zd_zombie *z);
/* The zombie is still there but its directory cannot be read (err). */
void zd_verdict_unreadable(struct zd_scan_ctx *c, struct zd_zombie *z, int err);
/* Decide the cause of a zombie that is still there. */
void zd_verdict_decide(struct zd_scan_ctx *c, struct zd_zombie *z, int dirfd, const struct zd_stat *st);

#endif
