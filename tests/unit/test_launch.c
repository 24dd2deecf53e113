/* -E environment editing (strace's make_env), -P matching (strace's
 * pathtrace rules), the command's PATH lookup and the -ff files. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "zdiag/launch.h"
#include "zdiag/pathtrace.h"
#include "zdiag/syscall.h"
#include "zdiag/sysname.h"
#include "zdiag/tout.h"

static void
env_changes_in_order(void **state)
{
	char e0[] = "A=1", e1[] = "B=2", e2[] = "A=dup", e3[] = "PATH=/bin";
	char c0[] = "B=3", c1[] = "C=4", c2[] = "A", c3[] = "C=5", c4[] = "D=", c5[] = "NOPE";
	char *env[] = { e0, e1, e2, e3, NULL };
	char *changes[] = { c0, c1, c2, c3, c4, c5 };
	char **out = zd_launch_env(env, changes, 6);

	(void)state;
	assert_non_null(out);
	assert_string_equal(out[0], "B=3");   /* replaced in place */
	assert_string_equal(out[1], "PATH=/bin");  /* every A removed */
	assert_string_equal(out[2], "C=5");   /* appended, then replaced */
	assert_string_equal(out[3], "D=");
	assert_null(out[4]);
	free(out);
	assert_null(zd_launch_env(env, changes, 0));
}

static void
unknown_user(void **state)
{
	struct zd_launch_user u;

	(void)state;
	assert_int_equal(zd_launch_user_lookup("no-such-user-zdiag", &u), -ENOENT);
	assert_false(u.set);
	assert_int_equal(zd_launch_user_lookup("root", &u), 0);
	assert_true(u.set);
	assert_int_equal(u.uid, 0);
	assert_true(u.ngroups >= 1);
	zd_launch_user_release(&u);
	assert_int_equal(zd_launch_become(NULL, "/nonexistent"), 0);
}

static void
pathtrace_rules(void **state)
{
	char dir[] = "/tmp/zdiag-pt.XXXXXX", file[64], link[64], other[64];
	struct zd_pathset ps = ZD_PATHSET_INIT;
	const char *resolved;
	uint64_t a[6] = { 0 };
	int fd, ofd;
	pid_t me = getpid();
	struct zd_scset s;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(file, sizeof(file), "%s/f", dir);
	snprintf(link, sizeof(link), "%s/l", dir);
	snprintf(other, sizeof(other), "%s/o", dir);
	fd = open(file, O_CREAT | O_RDWR, 0600);
	ofd = open(other, O_CREAT | O_RDWR, 0600);
	assert_true(fd >= 0 && ofd >= 0);
	assert_int_equal(symlink("f", link), 0);

	zd_pathset_add(&ps, link, &resolved);
	assert_non_null(resolved);
	assert_string_equal(resolved, file);
	assert_true(zd_pathset_has(&ps, link) && zd_pathset_has(&ps, file));
	zd_pathset_add(&ps, file, &resolved);   /* no duplicate */
	assert_null(resolved);
	assert_int_equal(ps.n, 2);

	/* openat(dirfd, path): the path, as a string */
	a[0] = (uint64_t)-100;
	a[1] = (uint64_t)(uintptr_t)link;
	assert_true(zd_pathtrace_match(&ps, me, zd_sysnr("openat"), a));
	a[1] = (uint64_t)(uintptr_t)other;
	assert_false(zd_pathtrace_match(&ps, me, zd_sysnr("openat"), a));
	/* read(fd): a descriptor to it; another fd does not match */
	a[0] = (uint64_t)fd;
	assert_true(zd_pathtrace_match(&ps, me, zd_sysnr("read"), a));
	a[0] = (uint64_t)ofd;
	assert_false(zd_pathtrace_match(&ps, me, zd_sysnr("read"), a));
	/* dup2(other, fd): either descriptor */
	a[1] = (uint64_t)fd;
	assert_true(zd_pathtrace_match(&ps, me, zd_sysnr("dup2"), a));
	/* mmap: the descriptor is the fifth argument */
	memset(a, 0, sizeof(a));
	a[4] = (uint64_t)fd;
	assert_true(zd_pathtrace_match(&ps, me, zd_sysnr("mmap"), a));
	a[0] = (uint64_t)fd;
	a[4] = (uint64_t)ofd;
	assert_false(zd_pathtrace_match(&ps, me, zd_sysnr("mmap"), a));
	/* pipe2, getpid, close_range: never */
	a[0] = (uint64_t)fd;
	assert_false(zd_pathtrace_match(&ps, me, zd_sysnr("pipe2"), a));
	assert_false(zd_pathtrace_match(&ps, me, zd_sysnr("getpid"), a));
	assert_false(zd_pathtrace_match(&ps, me, zd_sysnr("close_range"), a));
	/* the set of syscalls that can match */
	zd_scset_fill(&s);
	zd_pathtrace_limit(&s);
	assert_true(zd_scset_has(&s, zd_sysnr("openat")));
	assert_true(zd_scset_has(&s, zd_sysnr("read")));
	assert_false(zd_scset_has(&s, zd_sysnr("getpid")));
	assert_false(zd_scset_has(&s, zd_sysnr("pipe2")));

	/* a deleted file's fd: the name without " (deleted)" */
	{
		char buf[256];

		unlink(file);
		assert_true(zd_fd_path(me, fd, buf, sizeof(buf)) > 0);
		assert_string_equal(buf, file);
		a[0] = (uint64_t)fd;
		assert_true(zd_pathtrace_match(&ps, me, zd_sysnr("read"), a));
	}
	close(fd);
	close(ofd);
	unlink(link);
	unlink(other);
	rmdir(dir);
	zd_pathset_release(&ps);
}

/* The command's file as execvp(3) finds it, on files made here. */
static void
resolve_along_path(void **state)
{
	char dir[] = "/tmp/zdiag-resolve-XXXXXX";
	struct zd_sb out = ZD_SB_INIT, p = ZD_SB_INIT, d2 = ZD_SB_INIT, f = ZD_SB_INIT;
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	zd_sb_addf(&d2, "%s/b", dir);
	assert_int_equal(mkdir(d2.buf, 0755), 0);
	/* a/prog not executable, b/prog executable: b's is taken */
	zd_sb_addf(&f, "%s/prog", dir);
	fd = open(f.buf, O_WRONLY | O_CREAT, 0644);
	assert_true(fd >= 0);
	close(fd);
	zd_sb_reset(&f);
	zd_sb_addf(&f, "%s/b/prog", dir);
	fd = open(f.buf, O_WRONLY | O_CREAT, 0755);
	assert_true(fd >= 0);
	close(fd);
	zd_sb_addf(&p, "%s:%s/b", dir, dir);
	assert_int_equal(zd_launch_resolve("prog", p.buf, &out), 0);
	assert_string_equal(out.buf, f.buf);
	/* only the non-executable one: EACCES, as execvp */
	assert_int_equal(zd_launch_resolve("prog", dir, &out), -EACCES);
	assert_int_equal(zd_launch_resolve("no-such-prog", p.buf, &out), -ENOENT);
	assert_int_equal(zd_launch_resolve("", p.buf, &out), -ENOENT);
	/* a name with a slash is not looked up; a directory cannot run */
	assert_int_equal(zd_launch_resolve(f.buf, "/nonexistent", &out), 0);
	assert_string_equal(out.buf, f.buf);
	assert_int_equal(zd_launch_resolve(dir, NULL, &out), -EACCES);
	assert_int_equal(zd_launch_resolve("sh", NULL, &out), 0);
	unlink(f.buf);
	zd_sb_reset(&f);
	zd_sb_addf(&f, "%s/prog", dir);
	unlink(f.buf);
	rmdir(d2.buf);
	rmdir(dir);
	zd_sb_release(&out);
	zd_sb_release(&p);
	zd_sb_release(&d2);
	zd_sb_release(&f);
}

/* -ff files: one per tid, appended when a tid comes back, the first
 * failure kept; and the folder check. */
static void
ff_files(void **state)
{
	char dir[] = "/tmp/zdiag-ff-XXXXXX";
	struct zd_sb pre = ZD_SB_INIT, lines = ZD_SB_INIT, name = ZD_SB_INIT;
	struct zd_tout_ff ff;
	char buf[64], *bad;
	ssize_t n;
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	zd_sb_addf(&pre, "%s/out", dir);
	zd_tout_ff_init(&ff, pre.buf, false);
	assert_int_equal(zd_tout_ff_check_dir(pre.buf, &bad), 0);
	zd_sb_adds(&lines, "a1\n");
	zd_tout_ff_take(&ff, 11, &lines);
	assert_int_equal(lines.len, 0);
	zd_sb_adds(&lines, "b1\n");
	zd_tout_ff_take(&ff, 22, &lines);
	zd_tout_ff_close(&ff, 11);
	zd_sb_adds(&lines, "a2\n");
	zd_tout_ff_take(&ff, 11, &lines);   /* tid 11 again: appended */
	zd_tout_ff_release(&ff);
	assert_int_equal(ff.err, 0);
	zd_sb_addf(&name, "%s.11", pre.buf);
	fd = open(name.buf, O_RDONLY);
	assert_true(fd >= 0);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	assert_int_equal(n, 6);
	buf[n] = '\0';
	assert_string_equal(buf, "a1\na2\n");
	unlink(name.buf);
	zd_sb_reset(&name);
	zd_sb_addf(&name, "%s.22", pre.buf);
	assert_int_equal(unlink(name.buf), 0);
	rmdir(dir);
	/* the folder is gone: the check names it, a file cannot be made */
	assert_int_equal(zd_tout_ff_check_dir(pre.buf, &bad), -ENOENT);
	assert_string_equal(bad, dir);
	free(bad);
	zd_tout_ff_init(&ff, pre.buf, false);
	zd_sb_adds(&lines, "x\n");
	zd_tout_ff_take(&ff, 33, &lines);
	assert_int_equal(ff.err, ENOENT);
	assert_non_null(strstr(ff.errname, ".33"));
	zd_tout_ff_release(&ff);
	assert_int_equal(zd_tout_ff_check_dir("/", &bad), 0);
	zd_sb_release(&pre);
	zd_sb_release(&lines);
	zd_sb_release(&name);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(env_changes_in_order),
		cmocka_unit_test(unknown_user),
		cmocka_unit_test(pathtrace_rules),
		cmocka_unit_test(resolve_along_path),
		cmocka_unit_test(ff_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
