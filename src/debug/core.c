/*
 * ELF core writer: notes from the stopped threads and /proc, memory of the
 * mappings coredump_filter selects, in the kernel's layout (core.h).
 */
#include <cpuid.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/procfs.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "zdiag/core.h"
#include "zdiag/maps.h"
#include "zdiag/procfs.h"
#include "zdiag/strbuf.h"
#include "zdiag/xalloc.h"

#define PAGE 4096u
#define CHUNK (1u << 20)          /* memory is streamed through this buffer */
#define XSTATE_MAX (32u << 10)    /* larger than any XSAVE area today (AMX: ~11 KiB) */
#define AUXV_MAX (64u << 10)
#define NT_FILE_MAX (4u << 20)    /* the kernel's core_file_note_size_limit default */

#ifndef NT_X86_XSTATE
#define NT_X86_XSTATE 0x202
#endif
#ifndef NT_X86_XSAVE_LAYOUT
#define NT_X86_XSAVE_LAYOUT 0x205
#endif
#ifndef NT_SIGINFO
#define NT_SIGINFO 0x53494749
#endif
#ifndef NT_FILE
#define NT_FILE 0x46494c45
#endif

int
zd_core_thread_read(struct zd_core_thread *t)
{
	unsigned char *xs;
	struct iovec iov;
	int ret = 0;

	t->have_fp = ptrace(PTRACE_GETFPREGS, t->tid, NULL, &t->fpregs) == 0;
	if (!t->have_fp)
		ret = -errno;
	xs = zd_xmalloc(XSTATE_MAX);
	iov.iov_base = xs;
	iov.iov_len = XSTATE_MAX;
	if (ptrace(PTRACE_GETREGSET, t->tid, (void *)(uintptr_t)NT_X86_XSTATE, &iov) == 0 && iov.iov_len) {
		t->xstate = zd_xrealloc(xs, iov.iov_len);
		t->xstate_len = iov.iov_len;
	} else {
		free(xs);
	}
	memset(&t->si, 0, sizeof(t->si));
	if (t->cursig && (ptrace(PTRACE_GETSIGINFO, t->tid, NULL, &t->si) < 0 || t->si.si_signo != t->cursig))
		memset(&t->si, 0, sizeof(t->si));
	return ret;
}

void
zd_core_thread_release(struct zd_core_thread *t)
{
	free(t->xstate);
	t->xstate = NULL;
	t->xstate_len = 0;
}

/* ---------------------------------------------------------------- */
/* Which mappings, how much                                          */

uint64_t
zd_core_dump_size(const struct zd_core_vma *v, unsigned long filter)
{
	uint64_t whole = v->end - v->start;

	if (v->special)
		return whole;
	if (v->vmflags & ZD_VMF_DONTDUMP)
		return 0;
	if (v->vmflags & ZD_VMF_HUGETLB) {
		if (v->vmflags & ZD_VMF_SHARED)
			return (filter & ZD_CORE_HUGETLB_SHARED) ? whole : 0;
		return (filter & ZD_CORE_HUGETLB_PRIVATE) ? whole : 0;
	}
	if (v->vmflags & ZD_VMF_IO)
		return 0;
	if (v->vmflags & ZD_VMF_SHARED) {
		if (v->anon_file)
			return (filter & ZD_CORE_ANON_SHARED) ? whole : 0;
		return (filter & ZD_CORE_MAPPED_SHARED) ? whole : 0;
	}
	if (v->anon_pages && (filter & ZD_CORE_ANON_PRIVATE))
		return whole;
	if (!v->has_file)
		return 0;
	if (filter & ZD_CORE_MAPPED_PRIVATE)
		return whole;
	if ((filter & ZD_CORE_ELF_HEADERS) && v->pgoff == 0 && (v->vmflags & ZD_VMF_READ) && v->elf_head)
		return whole < PAGE ? whole : PAGE;
	return 0;
}

struct seg {
	struct zd_core_vma v;
	unsigned perms;
	const char *path;       /* borrowed from the maps */
	bool deleted;
	uint64_t filesz;
	uint64_t off;
};

struct ctx {
	const struct zd_core_src *src;
	int dirfd;              /* /proc/MEMTID */
	int memfd;              /* /proc/MEMTID/mem, opened on first need */
	int pagemapfd;          /* /proc/MEMTID/pagemap: -1 not yet, -2 unusable */
	struct zd_maps maps;
	struct seg *segs;
	size_t nsegs;
	unsigned char *buf;     /* CHUNK bytes */
};

/* Read len bytes at addr: process_vm_readv, then /proc/TID/mem page by
 * page, zeros where neither can read.  Returns the bytes that were zero-
 * filled for want of a reader. */
static uint64_t
read_mem(struct ctx *c, uint64_t addr, unsigned char *buf, size_t len)
{
	struct iovec local = { buf, len }, remote = { (void *)(uintptr_t)addr, len };
	uint64_t bad = 0;
	ssize_t n;
	size_t done;

	n = process_vm_readv(c->src->memtid, &local, 1, &remote, 1, 0);
	if (n == (ssize_t)len)
		return 0;
	done = n > 0 ? (size_t)n : 0;
	while (done < len) {
		size_t want = PAGE - ((addr + done) % PAGE);
		ssize_t r = -1;

		if (want > len - done)
			want = len - done;
		if (c->memfd < 0) {
			char path[64];

			snprintf(path, sizeof(path), "/proc/%d/mem", (int)c->src->memtid);
			c->memfd = open(path, O_RDONLY | O_CLOEXEC);
		}
		if (c->memfd >= 0)
			r = pread(c->memfd, buf + done, want, (off_t)(addr + done));
		if (r <= 0) {
			local.iov_base = buf + done;
			local.iov_len = want;
			remote.iov_base = (void *)(uintptr_t)(addr + done);
			remote.iov_len = want;
			r = process_vm_readv(c->src->memtid, &local, 1, &remote, 1, 0);
		}
		if (r <= 0) {
			memset(buf + done, 0, want);
			bad += want;
			r = (ssize_t)want;
		}
		done += (size_t)r;
	}
	return bad;
}

static unsigned
vmflags_parse(const char *s, const char *end)
{
	static const struct { char name[3]; unsigned bit; } tab[] = {
		{ "sh", ZD_VMF_SHARED }, { "dd", ZD_VMF_DONTDUMP }, { "io", ZD_VMF_IO },
		{ "ht", ZD_VMF_HUGETLB }, { "rd", ZD_VMF_READ },
	};
	unsigned f = 0;
	size_t i;

	while (s + 2 <= end) {
		while (s < end && *s == ' ')
			s++;
		if (s + 2 > end)
			break;
		for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
			if (s[0] == tab[i].name[0] && s[1] == tab[i].name[1] && (s + 2 == end || s[2] == ' '))
				f |= tab[i].bit;
		while (s < end && *s != ' ')
			s++;
	}
	return f;
}

static bool
is_hex_line(const char *s, const char *end)
{
	const char *p = s;

	while (p < end && ((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
		p++;
	return p > s && p < end && *p == '-';
}

/*
 * /proc/TID/smaps: the maps lines go to zd_maps_parse; of each entry's
 * fields we keep Anonymous and Swap (pages of its own: the kernel's
 * anon_vma) and VmFlags.
 */
static int
read_smaps(struct ctx *c)
{
	struct zd_sb text = ZD_SB_INIT, heads = ZD_SB_INIT;
	struct { bool anon; unsigned flags; } *ex = NULL;
	size_t nex = 0, exalloc = 0, i;
	const char *p, *end;
	int ret;

	ret = zd_read_file(c->dirfd, "smaps", &text);
	if (ret < 0)
		goto out;
	p = text.buf;
	end = text.buf + text.len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		if (!nl)
			nl = end;
		if (is_hex_line(p, nl)) {
			zd_sb_add(&heads, p, (size_t)(nl - p));
			zd_sb_addc(&heads, '\n');
			ZD_GROW(ex, exalloc, nex + 1);
			ex[nex].anon = false;
			ex[nex].flags = 0;
			nex++;
		} else if (nex && (!strncmp(p, "Anonymous:", 10) || !strncmp(p, "Swap:", 5))) {
			const char *q = memchr(p, ':', (size_t)(nl - p)) + 1;

			while (q < nl && *q == ' ')
				q++;
			if (q < nl && *q >= '1' && *q <= '9')
				ex[nex - 1].anon = true;
		} else if (nex && !strncmp(p, "VmFlags:", 8)) {
			ex[nex - 1].flags = vmflags_parse(p + 8, nl);
		}
		p = nl + 1;
	}
	ret = zd_maps_parse(heads.buf, heads.len, &c->maps);
	if (ret < 0)
		goto out;
	if (c->maps.n != nex) {
		ret = -EINVAL;
		goto out;
	}
	c->segs = zd_xcalloc(nex ? nex : 1, sizeof(*c->segs));
	c->nsegs = nex;
	for (i = 0; i < nex; i++) {
		const struct zd_map *m = &c->maps.v[i];
		struct seg *s = &c->segs[i];

		s->v.start = m->start;
		s->v.end = m->end;
		s->v.pgoff = m->pgoff;
		s->v.vmflags = ex[i].flags;
		s->v.anon_pages = ex[i].anon;
		/* Every mapping with an inode has a file (a shared anonymous
		 * mapping too: /dev/zero (deleted), a memfd, SysV shm). */
		s->v.has_file = m->inode != 0;
		s->v.anon_file = m->inode != 0 && m->deleted;
		/* The kernel's special mappings ([vdso], [vvar], [vvar_vclock],
		 * [vsyscall], [uprobes]) are always written; [heap], [stack]
		 * and named anonymous memory are ordinary. */
		s->v.special = m->path[0] == '[' && strcmp(m->path, "[heap]") && strncmp(m->path, "[stack", 6) &&
			       strncmp(m->path, "[anon", 5);
		s->perms = m->perms;
		s->path = m->path;
		s->deleted = m->deleted;
	}
out:
	free(ex);
	zd_sb_release(&text);
	zd_sb_release(&heads);
	return ret;
}

/* The kernel writes a file mapping's first page under bit 4 when the file
 * is executable or the page starts with ELF magic. */
static bool
elf_head(struct ctx *c, const struct seg *s)
{
	char name[80];
	struct stat st;
	unsigned char magic[SELFMAG];

	snprintf(name, sizeof(name), "map_files/%lx-%lx", (unsigned long)s->v.start, (unsigned long)s->v.end);
	if (fstatat(c->dirfd, name, &st, 0) == 0 && (st.st_mode & 0111))
		return true;
	return read_mem(c, s->v.start, magic, sizeof(magic)) == 0 && !memcmp(magic, ELFMAG, SELFMAG);
}

/* ---------------------------------------------------------------- */
/* Notes                                                             */

static void
note(struct zd_sb *sb, const char *name, unsigned type, const void *desc, size_t len)
{
	Elf64_Nhdr h;
	size_t nl = strlen(name) + 1;

	h.n_namesz = (Elf64_Word)nl;
	h.n_descsz = (Elf64_Word)len;
	h.n_type = type;
	zd_sb_add(sb, &h, sizeof(h));
	zd_sb_add(sb, name, nl);
	zd_sb_addpad(sb, 0, (4 - nl % 4) % 4);
	zd_sb_add(sb, desc, len);
	zd_sb_addpad(sb, 0, (4 - len % 4) % 4);
}

static void
ticks_tv(unsigned long long ticks, struct timeval *tv)
{
	long hz = sysconf(_SC_CLK_TCK);

	if (hz <= 0)
		hz = 100;
	tv->tv_sec = (time_t)(ticks / (unsigned long long)hz);
	tv->tv_usec = (suseconds_t)((ticks % (unsigned long long)hz) * 1000000ULL / (unsigned long long)hz);
}

static void
note_prstatus(struct ctx *c, struct zd_sb *sb, const struct zd_core_thread *t)
{
	struct elf_prstatus ps;
	struct zd_stat st;
	struct zd_status stt;
	int fd;

	memset(&ps, 0, sizeof(ps));
	ps.pr_info.si_signo = t->cursig;
	ps.pr_cursig = (short)t->cursig;
	ps.pr_pid = t->tid;
	fd = zd_proc_open_task(c->dirfd, t->tid);
	if (fd < 0) {
		char path[64];

		snprintf(path, sizeof(path), "/proc/%d", (int)t->tid);
		fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	if (fd >= 0) {
		if (zd_proc_read_stat(fd, &st) == 0) {
			ps.pr_ppid = st.ppid;
			ps.pr_pgrp = st.pgrp;
			ps.pr_sid = st.session;
			ticks_tv(st.utime, &ps.pr_utime);
			ticks_tv(st.stime, &ps.pr_stime);
		}
		if (zd_proc_read_status(fd, &stt) == 0 && stt.has_sig) {
			ps.pr_sigpend = stt.sigpnd | stt.shdpnd;
			ps.pr_sighold = stt.sigblk;
		}
		close(fd);
	}
	memcpy(&ps.pr_reg, &t->regs, sizeof(ps.pr_reg) < sizeof(t->regs) ? sizeof(ps.pr_reg) : sizeof(t->regs));
	ps.pr_fpvalid = t->have_fp;
	note(sb, "CORE", NT_PRSTATUS, &ps, sizeof(ps));
}

static void
note_prpsinfo(struct ctx *c, struct zd_sb *sb)
{
	static const char states[] = "RSDTZW";
	struct elf_prpsinfo ps;
	struct zd_stat st;
	struct zd_status stt;
	struct zd_sb args = ZD_SB_INIT;
	struct stat sst;
	char path[64];
	const char *sp;
	int fd;

	memset(&ps, 0, sizeof(ps));
	ps.pr_pid = c->src->pid;
	snprintf(path, sizeof(path), "/proc/%d", (int)c->src->pid);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0 && zd_proc_read_stat(fd, &st) == 0) {
		ps.pr_ppid = st.ppid;
		ps.pr_pgrp = st.pgrp;
		ps.pr_sid = st.session;
		ps.pr_flag = st.flags;
		memcpy(ps.pr_fname, st.comm, strnlen(st.comm, sizeof(ps.pr_fname) - 1));
		sp = strchr(states, st.state == 't' ? 'T' : st.state);
		ps.pr_state = (char)(sp && st.state ? sp - states : 6);
		ps.pr_sname = sp && st.state ? *sp : '.';
		ps.pr_zomb = ps.pr_sname == 'Z';
	}
	if (fd >= 0)
		close(fd);
	if (zd_proc_read_status(c->dirfd, &stt) == 0)
		ps.pr_uid = stt.ruid;
	if (fstat(c->dirfd, &sst) == 0)
		ps.pr_gid = sst.st_gid;
	/* A zombie leader's cmdline is empty: read a live thread's. */
	if (zd_proc_read_cmdline(c->dirfd, &args) == 0)
		memcpy(ps.pr_psargs, args.buf, args.len < sizeof(ps.pr_psargs) - 1 ? args.len : sizeof(ps.pr_psargs) - 1);
	zd_sb_release(&args);
	note(sb, "CORE", NT_PRPSINFO, &ps, sizeof(ps));
}

static void
note_auxv(struct ctx *c, struct zd_sb *sb)
{
	unsigned char *buf = zd_xmalloc(AUXV_MAX);
	ssize_t n = 0, r;
	int fd = openat(c->dirfd, "auxv", O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		while ((size_t)n < AUXV_MAX && (r = read(fd, buf + n, AUXV_MAX - (size_t)n)) > 0)
			n += r;
		close(fd);
	}
	note(sb, "CORE", NT_AUXV, buf, (size_t)n);
	free(buf);
}

/* NT_FILE: count, page size, {start, end, offset in pages}..., names. */
static void
note_file(struct ctx *c, struct zd_sb *sb)
{
	struct zd_sb d = ZD_SB_INIT, names = ZD_SB_INIT;
	uint64_t count = 0, pg = PAGE;
	size_t i;

	zd_sb_add(&d, &count, sizeof(count));
	zd_sb_add(&d, &pg, sizeof(pg));
	for (i = 0; i < c->nsegs; i++) {
		const struct seg *s = &c->segs[i];
		uint64_t tri[3] = { s->v.start, s->v.end, s->v.pgoff / PAGE };
		size_t nl;

		if (!s->v.has_file)
			continue;
		nl = strlen(s->path) + (s->deleted ? sizeof(" (deleted)") : 1);
		if (d.len + sizeof(tri) + names.len + nl > NT_FILE_MAX)
			break;
		zd_sb_add(&d, tri, sizeof(tri));
		zd_sb_adds(&names, s->path);
		if (s->deleted)
			zd_sb_adds(&names, " (deleted)");
		zd_sb_addc(&names, '\0');
		count++;
	}
	memcpy(d.buf, &count, sizeof(count));
	zd_sb_add(&d, names.buf, names.len);
	note(sb, "CORE", NT_FILE, d.buf, d.len);
	zd_sb_release(&d);
	zd_sb_release(&names);
}

/*
 * NT_X86_XSAVE_LAYOUT (Linux 6.11+): where each extended state component
 * (2..63) of the XSAVE notes lies: {type, size, offset, flags} from CPUID
 * leaf 0xD for the features XCR0 enables (byte 464 of the xstate).
 */
static void
note_xsave_layout(struct zd_sb *sb, const struct zd_core_thread *t)
{
	struct { uint32_t type, size, offset, flags; } xc[64];
	uint64_t xfeatures;
	unsigned i, n = 0;

	if (!t->xstate || t->xstate_len < 464 + 16)
		return;
	/* ptrace puts XCR0 in the first software-reserved word (asm/user.h). */
	memcpy(&xfeatures, (const unsigned char *)t->xstate + 464, sizeof(xfeatures));
	for (i = 2; i < 64; i++) {
		unsigned eax, ebx, ecx, edx;

		if (!(xfeatures & (1ULL << i)) || !__get_cpuid_count(0xd, i, &eax, &ebx, &ecx, &edx))
			continue;
		xc[n].type = i;
		xc[n].size = eax;
		xc[n].offset = ebx;
		xc[n].flags = 0;
		n++;
	}
	if (n)
		note(sb, "LINUX", NT_X86_XSAVE_LAYOUT, xc, n * sizeof(xc[0]));
}

static void
build_notes(struct ctx *c, struct zd_sb *sb)
{
	const struct zd_core_src *src = c->src;
	size_t i;

	for (i = 0; i < src->nth; i++) {
		const struct zd_core_thread *t = &src->th[i];

		note_prstatus(c, sb, t);
		if (i == 0) {
			note_prpsinfo(c, sb);
			note(sb, "CORE", NT_SIGINFO, &t->si, sizeof(t->si));
			note_auxv(c, sb);
			note_file(c, sb);
		}
		if (t->have_fp)
			note(sb, "CORE", NT_FPREGSET, &t->fpregs, sizeof(t->fpregs));
		if (t->xstate)
			note(sb, "LINUX", NT_X86_XSTATE, t->xstate, t->xstate_len);
	}
	note_xsave_layout(sb, &src->th[0]);
}

/* ---------------------------------------------------------------- */
/* Output                                                            */

struct out {
	int fd;
	bool seekable;
	uint64_t pos;            /* logical position */
	uint64_t written;        /* bytes really written (pos minus pending hole) */
};

static int
out_write(struct out *o, const void *p, size_t n)
{
	const unsigned char *b = p;

	if (o->seekable && o->written != o->pos) {
		if (lseek(o->fd, (off_t)o->pos, SEEK_SET) < 0)
			return -errno;
		o->written = o->pos;
	}
	while (n) {
		ssize_t r = write(o->fd, b, n);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (r == 0)
			return -EIO;
		b += r;
		n -= (size_t)r;
		o->pos += (uint64_t)r;
		o->written = o->pos;
	}
	return 0;
}

static bool
is_zero(const unsigned char *p, size_t n)
{
	const uint64_t *w = (const uint64_t *)(const void *)p;
	size_t i;

	for (i = 0; i < n / 8; i++)
		if (w[i])
			return false;
	return true;
}

/* Zeros: a hole in a regular file, written bytes elsewhere. */
static int
out_zeros(struct out *o, uint64_t n)
{
	static const unsigned char z[PAGE];
	int ret;

	if (o->seekable) {
		o->pos += n;
		return 0;
	}
	while (n) {
		size_t k = n < sizeof(z) ? (size_t)n : sizeof(z);

		ret = out_write(o, z, k);
		if (ret < 0)
			return ret;
		n -= k;
	}
	return 0;
}

static int
out_data(struct out *o, const unsigned char *p, size_t n)
{
	size_t i = 0;
	int ret;

	while (i < n) {
		size_t k = n - i < PAGE ? n - i : PAGE;
		size_t j = i;

		if (o->seekable && k == PAGE && is_zero(p + i, PAGE)) {
			while (j < n && n - j >= PAGE && is_zero(p + j, PAGE))
				j += PAGE;
			ret = out_zeros(o, j - i);
			i = j;
		} else {
			while (j < n && !(o->seekable && n - j >= PAGE && is_zero(p + j, PAGE)))
				j += n - j < PAGE ? n - j : PAGE;
			ret = out_write(o, p + i, j - i);
			i = j;
		}
		if (ret < 0)
			return ret;
	}
	return 0;
}

/*
 * Copy [a, a+k) of mapping s.  In anonymous memory, pages that are neither
 * present nor swapped out (/proc/TID/pagemap) are zeros the process never
 * touched: the kernel leaves them as holes without faulting them in
 * (FOLL_DUMP), and so do we, which spares reading them.  File-backed pages
 * are always read (they may be in the page cache only).
 */
static int
copy_chunk(struct ctx *c, const struct seg *s, struct out *o, uint64_t a, size_t k, struct zd_core_stats *st)
{
	uint64_t pm[CHUNK / PAGE];
	size_t np = k / PAGE, i = 0;
	ssize_t r = -1;
	int ret = 0;

	if (!s->v.has_file && !s->v.special && k % PAGE == 0 && a % PAGE == 0) {
		if (c->pagemapfd == -1)
			c->pagemapfd = openat(c->dirfd, "pagemap", O_RDONLY | O_CLOEXEC);
		if (c->pagemapfd >= 0)
			r = pread(c->pagemapfd, pm, np * sizeof(pm[0]), (off_t)(a / PAGE * sizeof(pm[0])));
		if (c->pagemapfd < 0)
			c->pagemapfd = -2;  /* do not try again */
	}
	if (r != (ssize_t)(np * sizeof(pm[0]))) {
		st->unreadable_bytes += read_mem(c, a, c->buf, k);
		return out_data(o, c->buf, k);
	}
	while (i < np && !ret) {
		bool in = (pm[i] >> 62) & 3;   /* bit 63 present, bit 62 swapped */
		size_t j = i;

		while (j < np && (bool)((pm[j] >> 62) & 3) == in)
			j++;
		if (in) {
			st->unreadable_bytes += read_mem(c, a + i * PAGE, c->buf, (j - i) * PAGE);
			ret = out_data(o, c->buf, (j - i) * PAGE);
		} else {
			ret = out_zeros(o, (uint64_t)(j - i) * PAGE);
		}
		i = j;
	}
	return ret;
}

static int
write_core(struct ctx *c, int fd, struct zd_core_stats *st)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	Elf64_Shdr sh;
	struct zd_sb notes = ZD_SB_INIT;
	struct out o = { fd, false, 0, 0 };
	struct stat fst;
	uint64_t nph = c->nsegs + 1, off, dataoff;
	bool xnum = nph >= PN_XNUM;
	size_t i;
	int ret;

	build_notes(c, &notes);
	o.seekable = fstat(fd, &fst) == 0 && S_ISREG(fst.st_mode);

	off = sizeof(eh) + nph * sizeof(ph);
	dataoff = (off + notes.len + PAGE - 1) / PAGE * PAGE;
	for (i = 0; i < c->nsegs; i++) {
		c->segs[i].off = dataoff;
		dataoff += c->segs[i].filesz;
	}

	memset(&eh, 0, sizeof(eh));
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_ident[EI_OSABI] = ELFOSABI_NONE;
	eh.e_type = ET_CORE;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_phoff = sizeof(eh);
	eh.e_ehsize = sizeof(eh);
	eh.e_phentsize = sizeof(ph);
	eh.e_phnum = xnum ? PN_XNUM : (Elf64_Half)nph;
	if (xnum) {
		/* More than 65534 mappings: the real count in section 0. */
		eh.e_shoff = dataoff;
		eh.e_shentsize = sizeof(sh);
		eh.e_shnum = 1;
	}
	ret = out_write(&o, &eh, sizeof(eh));

	memset(&ph, 0, sizeof(ph));
	ph.p_type = PT_NOTE;
	ph.p_offset = off;
	ph.p_filesz = notes.len;
	ph.p_align = 4;
	if (!ret)
		ret = out_write(&o, &ph, sizeof(ph));
	for (i = 0; i < c->nsegs && !ret; i++) {
		const struct seg *s = &c->segs[i];

		memset(&ph, 0, sizeof(ph));
		ph.p_type = PT_LOAD;
		ph.p_offset = s->off;
		ph.p_vaddr = s->v.start;
		ph.p_filesz = s->filesz;
		ph.p_memsz = s->v.end - s->v.start;
		ph.p_flags = ((s->perms & ZD_MAP_R) ? PF_R : 0) | ((s->perms & ZD_MAP_W) ? PF_W : 0) |
			     ((s->perms & ZD_MAP_X) ? PF_X : 0);
		ph.p_align = PAGE;
		ret = out_write(&o, &ph, sizeof(ph));
	}
	if (!ret)
		ret = out_write(&o, notes.buf, notes.len);
	zd_sb_release(&notes);
	if (!ret)
		ret = out_zeros(&o, (c->nsegs ? c->segs[0].off : dataoff) - o.pos);

	for (i = 0; i < c->nsegs && !ret; i++) {
		const struct seg *s = &c->segs[i];
		uint64_t a = s->v.start, left = s->filesz;

		if (left)
			st->nsegs_written++;
		while (left && !ret) {
			size_t k = left < CHUNK ? (size_t)left : CHUNK;

			ret = copy_chunk(c, s, &o, a, k, st);
			a += k;
			left -= k;
		}
		st->mem_bytes += s->filesz;
	}
	if (!ret && xnum) {
		memset(&sh, 0, sizeof(sh));
		sh.sh_info = (Elf64_Word)nph;
		ret = out_write(&o, &sh, sizeof(sh));
	}
	/* A trailing hole still counts: give the file its length. */
	if (!ret && o.seekable && o.written != o.pos && ftruncate(fd, (off_t)o.pos) < 0)
		ret = -errno;
	st->file_size = o.pos;
	return ret;
}

int
zd_core_write(const struct zd_core_src *src, int fd, struct zd_core_stats *st)
{
	struct ctx c;
	char path[64];
	size_t i;
	int ret;

	memset(st, 0, sizeof(*st));
	if (!src->nth || src->memtid <= 0)
		return -EINVAL;
	memset(&c, 0, sizeof(c));
	c.src = src;
	c.memfd = -1;
	c.pagemapfd = -1;
	snprintf(path, sizeof(path), "/proc/%d", (int)src->memtid);
	c.dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (c.dirfd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	if (src->filter >= 0) {
		st->filter = (unsigned long)src->filter;
	} else {
		char buf[32];

		st->filter = ZD_CORE_FILTER_DEFAULT;
		if (zd_read_small(c.dirfd, "coredump_filter", buf, sizeof(buf)) > 0)
			st->filter = strtoul(buf, NULL, 16);
	}
	ret = read_smaps(&c);
	if (ret < 0) {
		if (ret == -ENOENT)
			ret = -ESRCH;
		goto out;
	}
	c.buf = zd_xmalloc(CHUNK);
	for (i = 0; i < c.nsegs; i++) {
		struct seg *s = &c.segs[i];

		if (s->v.has_file && !s->v.anon_file && s->v.pgoff == 0 && (s->v.vmflags & ZD_VMF_READ) &&
		    (st->filter & ZD_CORE_ELF_HEADERS))
			s->v.elf_head = elf_head(&c, s);
		s->filesz = zd_core_dump_size(&s->v, st->filter);
	}
	st->nthreads = src->nth;
	st->nsegs = c.nsegs;
	ret = write_core(&c, fd, st);
out:
	free(c.buf);
	free(c.segs);
	zd_maps_release(&c.maps);
	if (c.memfd >= 0)
		close(c.memfd);
	if (c.pagemapfd >= 0)
		close(c.pagemapfd);
	close(c.dirfd);
	return ret;
}
