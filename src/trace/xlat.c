/* Constant-to-name tables (generated) and their strace-style printers. */
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <asm/prctl.h>
#include <linux/futex.h>

#include "zdiag/xlat.h"

/* The tables: build/gen/xlat-defs.h, asserted against the headers above. */
#include "xlat-defs.h"


const char *
zd_xlat_name(const struct zd_xlat_tab *t, uint64_t v)
{
	unsigned i;

	for (i = 0; i < t->n; i++)
		if (t->v[i].val == v)
			return t->v[i].name;
	return NULL;
}

bool
zd_xlat_lookup(const struct zd_xlat_tab *t, const char *name, uint64_t *out)
{
	unsigned i;

	for (i = 0; i < t->n; i++) {
		if (!strcmp(t->v[i].name, name)) {
			*out = t->v[i].val;
			return true;
		}
	}
	return false;
}

static void
unknown_comment(struct zd_sb *sb, const struct zd_xlat_tab *t)
{
	zd_sb_adds(sb, " /* ");
	zd_sb_adds(sb, t->unknown);
	zd_sb_adds(sb, " */");
}

void
zd_xlat_val(struct zd_sb *sb, const struct zd_xlat_tab *t, uint64_t v)
{
	const char *n = zd_xlat_name(t, v);

	if (n) {
		zd_sb_adds(sb, n);
		return;
	}
	zd_sb_addhex(sb, v);
	unknown_comment(sb, t);
}

void
zd_xlat_val_dec(struct zd_sb *sb, const struct zd_xlat_tab *t, int64_t v)
{
	const char *n = zd_xlat_name(t, (uint64_t)v);

	if (n)
		zd_sb_adds(sb, n);
	else
		zd_sb_addf(sb, "%lld", (long long)v);
}

uint64_t
zd_xlat_flags_part(struct zd_sb *sb, const struct zd_xlat_tab *t, uint64_t v, bool *first)
{
	unsigned i;

	for (i = 0; i < t->n && v; i++) {
		uint64_t f = t->v[i].val;

		if (!f || (v & f) != f)
			continue;
		if (!*first)
			zd_sb_addc(sb, '|');
		*first = false;
		zd_sb_adds(sb, t->v[i].name);
		v &= ~f;
	}
	return v;
}

void
zd_xlat_flags(struct zd_sb *sb, const struct zd_xlat_tab *t, uint64_t v)
{
	bool first = true;
	uint64_t rest;

	if (!v) {
		zd_sb_adds(sb, t->zero ? t->zero : "0");
		return;
	}
	rest = zd_xlat_flags_part(sb, t, v, &first);
	if (!rest)
		return;
	if (first) {
		/* Nothing known: the number and what it should have been. */
		zd_sb_addhex(sb, rest);
		unknown_comment(sb, t);
		return;
	}
	zd_sb_addc(sb, '|');
	zd_sb_addhex(sb, rest);
}
