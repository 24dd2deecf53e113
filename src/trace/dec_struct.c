/* Printers for the structures syscalls pass by pointer (stat, timespec, ...). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysinfo.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/utsname.h>
#include <time.h>

#include "dec.h"

/* The address, when the structure cannot be read. */
#define READ_OR_ADDR(c, sb, addr, obj)          \
	do {                                    \
		if (!(addr)) {                  \
			zd_sb_adds(sb, "NULL"); \
			return;                 \
		}                               \
		if (!umove_all(c, addr, &(obj), sizeof(obj))) { \
			put_hex(sb, addr);      \
			return;                 \
		}                               \
	} while (0)

static void
field(struct zd_sb *sb, bool *first, const char *name)
{
	if (!*first)
		zd_sb_adds(sb, ", ");
	*first = false;
	zd_sb_adds(sb, name);
	zd_sb_addc(sb, '=');
}

void
put_dev(struct zd_sb *sb, uint64_t dev)
{
	if (!zd_xlat_sym_begin(sb, ZD_XN_HEX, dev))   /* -X raw: 0xfe00 */
		return;
	zd_sb_adds(sb, "makedev(");
	put_hex(sb, major(dev));
	zd_sb_adds(sb, ", ");
	put_hex(sb, minor(dev));
	zd_sb_addc(sb, ')');
	zd_xlat_sym_end(sb);
}

static void
put_ts_fields(struct zd_sb *sb, int64_t sec, int64_t nsec, const char *frac)
{
	zd_sb_adds(sb, "{tv_sec=");
	put_dec(sb, sec);
	zd_sb_adds(sb, ", ");
	zd_sb_adds(sb, frac);
	zd_sb_addc(sb, '=');
	put_dec(sb, nsec);
	zd_sb_addc(sb, '}');
}

void
put_time_comment(struct zd_sb *sb, int64_t sec, uint64_t nsec)
{
	struct tm tm;
	time_t t = (time_t)sec;
	char buf[64];
	size_t n;

	/* strace's sprinttime_nsec: nothing for 0 or a bad nsec */
	if ((!sec && !nsec) || nsec > 999999999 || !localtime_r(&t, &tm))
		return;
	n = strftime(buf, sizeof(buf), "%FT%T", &tm);
	if (!n)
		return;
	if (nsec)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, ".%09llu", (unsigned long long)nsec);
	if (n >= sizeof(buf) || !strftime(buf + n, sizeof(buf) - n, "%z", &tm))
		return;
	zd_sb_adds(sb, " /* ");
	zd_sb_adds(sb, buf);
	zd_sb_adds(sb, " */");
}

/* -v: "st_atime=1796461292 /" "* 2026-12-05T09:01:32.919795144+0000 *" "/, st_atime_nsec=919795144" */
static void
put_stat_time(struct zd_sb *sb, bool *first, const char *name, int64_t sec, int64_t nsec)
{
	field(sb, first, name);
	put_dec(sb, sec);
	put_time_comment(sb, sec, (uint64_t)nsec);
	zd_sb_adds(sb, ", ");
	zd_sb_adds(sb, name);
	zd_sb_adds(sb, "_nsec=");
	put_udec(sb, (uint64_t)nsec);
}

void
put_stat(const struct zd_call *c, struct zd_sb *sb, uint64_t addr)
{
	struct stat st;
	bool first = true;
	bool verbose = c->opts && c->opts->verbose;

	READ_OR_ADDR(c, sb, addr, st);
	zd_sb_addc(sb, '{');
	if (verbose) {
		field(sb, &first, "st_dev");
		put_dev(sb, st.st_dev);
		field(sb, &first, "st_ino");
		put_udec(sb, st.st_ino);
	}
	field(sb, &first, "st_mode");
	put_mode(sb, st.st_mode);
	if (verbose) {
		field(sb, &first, "st_nlink");
		put_udec(sb, st.st_nlink);
		field(sb, &first, "st_uid");
		put_udec(sb, st.st_uid);
		field(sb, &first, "st_gid");
		put_udec(sb, st.st_gid);
		field(sb, &first, "st_blksize");
		put_udec(sb, (uint64_t)st.st_blksize);
		field(sb, &first, "st_blocks");
		put_udec(sb, (uint64_t)st.st_blocks);
	}
	if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
		field(sb, &first, "st_rdev");
		put_dev(sb, st.st_rdev);
	} else {
		field(sb, &first, "st_size");
		put_udec(sb, (uint64_t)st.st_size);
	}
	if (!verbose) {
		zd_sb_adds(sb, ", ...}");
		return;
	}
	put_stat_time(sb, &first, "st_atime", st.st_atim.tv_sec, st.st_atim.tv_nsec);
	put_stat_time(sb, &first, "st_mtime", st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
	put_stat_time(sb, &first, "st_ctime", st.st_ctim.tv_sec, st.st_ctim.tv_nsec);
	zd_sb_addc(sb, '}');
}

#define K_ST_VALID 0x0020   /* the kernel's: f_flags is filled in */

void
put_statfs(const struct zd_call *c, struct zd_sb *sb, uint64_t addr)
{
	struct statfs s;

	READ_OR_ADDR(c, sb, addr, s);
	zd_sb_adds(sb, "{f_type=");
	if (zd_xlat_name(&zd_xlat_fs_magic, (uint64_t)s.f_type))
		put_xval(sb, &zd_xlat_fs_magic, (uint64_t)s.f_type);
	else
		put_hex(sb, (uint64_t)s.f_type);   /* strace: no comment */
	zd_sb_adds(sb, ", f_bsize=");
	put_dec(sb, s.f_bsize);
	zd_sb_adds(sb, ", f_blocks=");
	put_udec(sb, s.f_blocks);
	zd_sb_adds(sb, ", f_bfree=");
	put_udec(sb, s.f_bfree);
	zd_sb_adds(sb, ", f_bavail=");
	put_udec(sb, s.f_bavail);
	zd_sb_adds(sb, ", f_files=");
	put_udec(sb, s.f_files);
	zd_sb_adds(sb, ", f_ffree=");
	put_udec(sb, s.f_ffree);
	zd_sb_adds(sb, ", f_fsid={val=[");
	put_hex(sb, (uint32_t)s.f_fsid.__val[0]);
	zd_sb_adds(sb, ", ");
	put_hex(sb, (uint32_t)s.f_fsid.__val[1]);
	zd_sb_adds(sb, "]}, f_namelen=");
	put_dec(sb, s.f_namelen);
	zd_sb_adds(sb, ", f_frsize=");
	put_dec(sb, s.f_frsize);
	if (s.f_flags & K_ST_VALID) {   /* strace: f_flags only when valid */
		zd_sb_adds(sb, ", f_flags=");
		put_flags(sb, &zd_xlat_statfs_flags, (uint64_t)s.f_flags);
	}
	zd_sb_addc(sb, '}');
}

void
put_timespec(const struct zd_call *c, struct zd_sb *sb, uint64_t addr)
{
	struct timespec ts;

	READ_OR_ADDR(c, sb, addr, ts);
	put_ts_fields(sb, ts.tv_sec, ts.tv_nsec, "tv_nsec");
}

void
put_timeval(const struct zd_call *c, struct zd_sb *sb, uint64_t addr)
{
	struct timeval tv;

	READ_OR_ADDR(c, sb, addr, tv);
	put_ts_fields(sb, tv.tv_sec, tv.tv_usec, "tv_usec");
}

void
put_itimerspec(const struct zd_call *c, struct zd_sb *sb, uint64_t addr)
{
	struct itimerspec its;

	READ_OR_ADDR(c, sb, addr, its);
	zd_sb_adds(sb, "{it_interval=");
	put_ts_fields(sb, its.it_interval.tv_sec, its.it_interval.tv_nsec, "tv_nsec");
	zd_sb_adds(sb, ", it_value=");
	put_ts_fields(sb, its.it_value.tv_sec, its.it_value.tv_nsec, "tv_nsec");
	zd_sb_addc(sb, '}');
}

void
put_itimerval(const struct zd_call *c, struct zd_sb *sb, uint64_t addr)
{
	struct itimerval itv;

	READ_OR_ADDR(c, sb, addr, itv);
	zd_sb_adds(sb, "{it_interval=");
	put_ts_fields(sb, itv.it_interval.tv_sec, itv.it_interval.tv_usec, "tv_usec");
	zd_sb_adds(sb, ", it_value=");
	put_ts_fields(sb, itv.it_value.tv_sec, itv.it_value.tv_usec, "tv_usec");
	zd_sb_addc(sb, '}');
}

static void
put_rlim_value(struct zd_sb *sb, uint64_t v)
{
	if (v == UINT64_MAX) {
		zd_xlat_sym(sb, ZD_XN_UDEC, v, "RLIM64_INFINITY");
	} else if (v > 0 && v % 1024 == 0) {
		if (!zd_xlat_sym_begin(sb, ZD_XN_UDEC, v))   /* -X raw: 8388608 */
			return;
		put_udec(sb, v / 1024);
		zd_sb_adds(sb, "*1024");
		zd_xlat_sym_end(sb);
	} else {
		put_udec(sb, v);
	}
}

void
put_rlimit(const struct zd_call *c, struct zd_sb *sb, uint64_t addr)
{
	struct { uint64_t cur, max; } rl;

	READ_OR_ADDR(c, sb, addr, rl);
	zd_sb_adds(sb, "{rlim_cur=");
	put_rlim_value(sb, rl.cur);
	zd_sb_adds(sb, ", rlim_max=");
	put_rlim_value(sb, rl.max);
	zd_sb_addc(sb, '}');
}

static void
put_uts_field(struct zd_sb *sb, const char *name, const char *v, size_t size, bool more)
{
	zd_sb_adds(sb, name);
	zd_sb_addc(sb, '=');
	put_quoted(sb, v, strnlen(v, size), false);
	if (more)
		zd_sb_adds(sb, ", ");
}

void
put_utsname(const struct zd_call *c, struct zd_sb *sb, uint64_t addr)
{
	struct utsname u;

	READ_OR_ADDR(c, sb, addr, u);
	zd_sb_addc(sb, '{');
	put_uts_field(sb, "sysname", u.sysname, sizeof(u.sysname), true);
	if (c->opts && c->opts->verbose) {
		put_uts_field(sb, "nodename", u.nodename, sizeof(u.nodename), true);
		put_uts_field(sb, "release", u.release, sizeof(u.release), true);
		put_uts_field(sb, "version", u.version, sizeof(u.version), true);
		put_uts_field(sb, "machine", u.machine, sizeof(u.machine), true);
		put_uts_field(sb, "domainname", u.domainname, sizeof(u.domainname), false);
		zd_sb_addc(sb, '}');
		return;
	}
	put_uts_field(sb, "nodename", u.nodename, sizeof(u.nodename), false);
	zd_sb_adds(sb, ", ...}");
}

void
put_timezone(const struct zd_call *c, struct zd_sb *sb, uint64_t addr)
{
	struct { int minuteswest, dsttime; } tz;

	READ_OR_ADDR(c, sb, addr, tz);
	zd_sb_adds(sb, "{tz_minuteswest=");
	put_dec(sb, tz.minuteswest);
	zd_sb_adds(sb, ", tz_dsttime=");
	put_dec(sb, tz.dsttime);
	zd_sb_addc(sb, '}');
}

void
put_fdpair(const struct zd_call *c, struct zd_sb *sb, uint64_t addr)
{
	int fds[2];

	READ_OR_ADDR(c, sb, addr, fds);
	zd_sb_addc(sb, '[');
	put_fd(c, sb, fds[0]);
	zd_sb_adds(sb, ", ");
	put_fd(c, sb, fds[1]);
	zd_sb_addc(sb, ']');
}

void
put_intp(const struct zd_call *c, struct zd_sb *sb, uint64_t addr)
{
	int v;

	READ_OR_ADDR(c, sb, addr, v);
	zd_sb_addc(sb, '[');
	put_dec(sb, v);
	zd_sb_addc(sb, ']');
}

void
put_tms(const struct zd_call *c, struct zd_sb *sb, uint64_t addr)
{
	struct tms t;

	READ_OR_ADDR(c, sb, addr, t);
	zd_sb_adds(sb, "{tms_utime=");
	put_dec(sb, t.tms_utime);
	zd_sb_adds(sb, ", tms_stime=");
	put_dec(sb, t.tms_stime);
	zd_sb_adds(sb, ", tms_cutime=");
	put_dec(sb, t.tms_cutime);
	zd_sb_adds(sb, ", tms_cstime=");
	put_dec(sb, t.tms_cstime);
	zd_sb_addc(sb, '}');
}

void
put_rusage(const struct zd_call *c, struct zd_sb *sb, uint64_t addr)
{
	static const char *const names[] = {
		"ru_maxrss", "ru_ixrss", "ru_idrss", "ru_isrss", "ru_minflt", "ru_majflt",
		"ru_nswap", "ru_inblock", "ru_oublock", "ru_msgsnd", "ru_msgrcv",
		"ru_nsignals", "ru_nvcsw", "ru_nivcsw",
	};
	struct { int64_t utime[2], stime[2]; uint64_t n[14]; } ru;
	size_t i;

	READ_OR_ADDR(c, sb, addr, ru);
	zd_sb_adds(sb, "{ru_utime=");
	put_ts_fields(sb, ru.utime[0], ru.utime[1], "tv_usec");
	zd_sb_adds(sb, ", ru_stime=");
	put_ts_fields(sb, ru.stime[0], ru.stime[1], "tv_usec");
	if (!c->opts || !c->opts->verbose) {
		zd_sb_adds(sb, ", ...}");
		return;
	}
	for (i = 0; i < ZD_ARRAY_SIZE(names); i++) {
		zd_sb_adds(sb, ", ");
		zd_sb_adds(sb, names[i]);
		zd_sb_addc(sb, '=');
		put_udec(sb, ru.n[i]);
	}
	zd_sb_addc(sb, '}');
}

void
put_array(const struct zd_call *c, struct zd_sb *sb, uint64_t addr, uint64_t nmemb,
	  size_t elem_size, dec_elem_fn *put_elem)
{
	size_t shown = ZD_DEC_STRSIZE;   /* -s elements, all with -v */
	unsigned char elem[64];
	uint64_t i, cur;

	if (c->opts)
		shown = c->opts->verbose || !c->opts->strsize ? SIZE_MAX : c->opts->strsize;
	if (!addr) {
		zd_sb_adds(sb, "NULL");
		return;
	}
	if (!nmemb) {
		zd_sb_adds(sb, "[]");
		return;
	}
	if (elem_size > sizeof(elem) || nmemb > UINT64_MAX / elem_size ||
	    addr + nmemb * elem_size <= addr) {
		put_ptr(sb, addr);
		return;
	}
	for (i = 0, cur = addr; i < nmemb; i++, cur += elem_size) {
		if (i)
			zd_sb_adds(sb, ", ");
		if (!umove_all(c, cur, elem, elem_size)) {
			if (!i) {
				put_ptr(sb, cur);
				return;
			}
			zd_sb_adds(sb, "... /* ");
			put_hex(sb, cur);
			zd_sb_adds(sb, " */");
			break;
		}
		if (!i)
			zd_sb_addc(sb, '[');
		/* -s 0 or -v: all of it, but not a tracee-chosen 2^32
		 * elements (65536: NGROUPS_MAX, and more than SEMOPM) */
		if (i >= shown || i >= 65536) {
			zd_sb_adds(sb, "...");
			break;
		}
		put_elem(c, sb, elem);
	}
	zd_sb_addc(sb, ']');
}

void
put_sysinfo(const struct zd_call *c, struct zd_sb *sb, uint64_t addr)
{
	struct sysinfo si;

	READ_OR_ADDR(c, sb, addr, si);
	zd_sb_adds(sb, "{uptime=");
	put_dec(sb, si.uptime);
	zd_sb_adds(sb, ", loads=[");
	put_udec(sb, si.loads[0]);
	zd_sb_adds(sb, ", ");
	put_udec(sb, si.loads[1]);
	zd_sb_adds(sb, ", ");
	put_udec(sb, si.loads[2]);
	zd_sb_adds(sb, "], totalram=");
	put_udec(sb, si.totalram);
	zd_sb_adds(sb, ", freeram=");
	put_udec(sb, si.freeram);
	zd_sb_adds(sb, ", sharedram=");
	put_udec(sb, si.sharedram);
	zd_sb_adds(sb, ", bufferram=");
	put_udec(sb, si.bufferram);
	zd_sb_adds(sb, ", totalswap=");
	put_udec(sb, si.totalswap);
	zd_sb_adds(sb, ", freeswap=");
	put_udec(sb, si.freeswap);
	zd_sb_adds(sb, ", procs=");
	put_udec(sb, si.procs);
	zd_sb_adds(sb, ", totalhigh=");
	put_udec(sb, si.totalhigh);
	zd_sb_adds(sb, ", freehigh=");
	put_udec(sb, si.freehigh);
	zd_sb_adds(sb, ", mem_unit=");
	put_udec(sb, si.mem_unit);
	zd_sb_addc(sb, '}');
}
