/*
 * How `zdiag trace` sets up the command it launches, as strace 6.1 does:
 * the user it runs as (-u USERNAME) and its environment (-E VAR=VAL,
 * -E VAR).  The tracer (include/zdiag/trace.h) applies both in the
 * forked child, after it is traced and before it execs.
 *
 *	struct zd_launch_user u;
 *	r = zd_launch_user_lookup("nobody", &u);      // parent: NSS lookups
 *	env = zd_launch_env(environ, changes, n);    // parent
 *	...                                           // child:
 *	r = zd_launch_become(&u, path);              // groups, gid, uid
 *	execve(path, argv, env);
 *	zd_launch_user_release(&u); free(env);
 */
#ifndef ZDIAG_LAUNCH_H
#define ZDIAG_LAUNCH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "zdiag/strbuf.h"

/* -u USERNAME: the command's user, group and supplementary groups. */
struct zd_launch_user {
	bool set;
	uid_t uid;
	gid_t gid;                  /* the user's primary group (passwd) */
	gid_t *groups;              /* getgrouplist(3): gid and the groups listing the user */
	size_t ngroups;
};

/*
 * Look name up (getpwnam, getgrouplist) into *u.  Only a user name, as
 * strace 6.1 (no numeric ids, no ":GROUP").  Returns 0, -ENOENT (no such
 * user) or -errno.
 */
int zd_launch_user_lookup(const char *name, struct zd_launch_user *u);
void zd_launch_user_release(struct zd_launch_user *u);

/*
 * In the child, before exec of path: become u (nothing if !u->set):
 * setgroups, then setregid(gid, egid) and setreuid(uid, euid), where the
 * effective ids are the owner of path when it is set-user-ID (set-group-ID)
 * and u's otherwise, as strace does, so set-uid programs run with their
 * privileges.  Only async-signal-safe calls.  Returns 0 or -errno.
 */
int zd_launch_become(const struct zd_launch_user *u, const char *path);

/*
 * -E: env with changes applied in order, as strace's make_env: "VAR=VAL"
 * replaces the first VAR (or is appended), "VAR" removes every VAR.
 * Returns a new NULL-terminated array (free() it; its strings are env's
 * and changes'), or NULL when there are no changes.
 */
char **zd_launch_env(char *const *env, char *const *changes, size_t n);

/*
 * The file name runs, as execvp(3) finds it, into *out: a name with a '/'
 * as is, else the first executable regular file along path (NULL: the
 * default "/usr/local/bin:/usr/bin:/bin"; an empty entry is ".").
 * Returns 0, or -ENOENT / -EACCES (found, but not executable) / -errno.
 */
int zd_launch_resolve(const char *name, const char *path, struct zd_sb *out);

#endif
