/* The launched command's user (-u) and environment (-E), strace's way. */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zdiag/launch.h"
#include "zdiag/xalloc.h"

int
zd_launch_user_lookup(const char *name, struct zd_launch_user *u)
{
	struct passwd *pw;
	int n = 16;

	memset(u, 0, sizeof(*u));
	errno = 0;
	pw = getpwnam(name);
	if (!pw)
		return errno == ENOMEM || errno == EIO || errno == EMFILE || errno == ENFILE ? -errno : -ENOENT;
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	for (;;) {
		int got = n;

		u->groups = zd_xrealloc(u->groups, (size_t)n * sizeof(*u->groups));
		if (getgrouplist(name, u->gid, u->groups, &got) >= 0) {
			u->ngroups = (size_t)got;
			break;
		}
		n = got > n ? got : n * 2;
	}
	u->set = true;
	return 0;
}

void
zd_launch_user_release(struct zd_launch_user *u)
{
	free(u->groups);
	memset(u, 0, sizeof(*u));
}

int
zd_launch_become(const struct zd_launch_user *u, const char *path)
{
	struct stat st;
	uid_t euid;
	gid_t egid;

	if (!u || !u->set)
		return 0;
	if (stat(path, &st) < 0)
		return -errno;
	euid = (st.st_mode & S_ISUID) ? st.st_uid : u->uid;
	egid = (st.st_mode & S_ISGID) ? st.st_gid : u->gid;
	/* Groups first: after setreuid the privilege to set them is gone. */
	if (setgroups(u->ngroups, u->groups) < 0 || setregid(u->gid, egid) < 0 || setreuid(u->uid, euid) < 0)
		return -errno;
	return 0;
}

/* Entries of env that set name (its first len bytes): "NAME=..." or "NAME". */
static int
is_var(const char *entry, const char *name, size_t len)
{
	return !strncmp(entry, name, len) && (entry[len] == '=' || entry[len] == '\0');
}

char **
zd_launch_env(char *const *env, char *const *changes, size_t n)
{
	size_t count = 0, i, r, w;
	char **out;

	if (!n)
		return NULL;
	while (env && env[count])
		count++;
	out = zd_xcalloc(count + n + 1, sizeof(*out));
	if (count)
		memcpy(out, env, count * sizeof(*out));
	for (i = 0; i < n; i++) {
		const char *eq = strchr(changes[i], '=');

		if (eq) {
			size_t len = (size_t)(eq - changes[i]);

			for (r = 0; r < count && !is_var(out[r], changes[i], len); r++)
				;
			if (r == count)
				count++;
			out[r] = changes[i];
			continue;
		}
		for (r = w = 0; r < count; r++)
			if (!is_var(out[r], changes[i], strlen(changes[i])))
				out[w++] = out[r];
		count = w;
	}
	out[count] = NULL;
	return out;
}

int
zd_launch_resolve(const char *name, const char *path, struct zd_sb *out)
{
	const char *p;
	int err = -ENOENT;
	struct stat st;

	zd_sb_reset(out);
	if (strchr(name, '/')) {
		zd_sb_adds(out, name);
		if (stat(name, &st) < 0)
			return -errno;
		if (S_ISDIR(st.st_mode))
			return -EACCES;
		return access(name, X_OK) < 0 ? -errno : 0;
	}
	if (!*name)
		return -ENOENT;
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path;; p++) {
		const char *end = strchr(p, ':');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		zd_sb_reset(out);
		if (len)
			zd_sb_add(out, p, len);
		else
			zd_sb_addc(out, '.');
		zd_sb_addc(out, '/');
		zd_sb_adds(out, name);
		if (stat(out->buf, &st) == 0 && S_ISREG(st.st_mode)) {
			if (access(out->buf, X_OK) == 0)
				return 0;
			err = -EACCES;
		}
		if (!end)
			break;
		p = end;
	}
	return err;
}
