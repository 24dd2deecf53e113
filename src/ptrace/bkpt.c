/* The breakpoint table and int3 masking. */
#include <stdlib.h>
#include <string.h>

#include "zdiag/bkpt.h"
#include "zdiag/xalloc.h"

void
zd_bkpts_init(struct zd_bkpts *b)
{
	memset(b, 0, sizeof(*b));
	b->next_id = 1;
}

void
zd_bkpts_release(struct zd_bkpts *b)
{
	free(b->v);
	free(b->gone);
	zd_bkpts_init(b);
}

void
zd_bkpt_retire(struct zd_bkpts *b, const struct zd_bkpt *p)
{
	size_t i;

	for (i = 0; i < b->ngone; i++)
		if (b->gone[i].addr == p->addr) {
			b->gone[i].orig = p->orig;
			return;
		}
	if (!b->gone)
		b->gone = zd_xcalloc(ZD_BKPT_GONE_MAX, sizeof(*b->gone));
	b->gone[b->gonenext].addr = p->addr;
	b->gone[b->gonenext].orig = p->orig;
	b->gonenext = (b->gonenext + 1) % ZD_BKPT_GONE_MAX;
	if (b->ngone < ZD_BKPT_GONE_MAX)
		b->ngone++;
}

bool
zd_bkpt_ours(const struct zd_bkpts *b, uint64_t addr)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		if (b->v[i].addr == addr)
			return b->v[i].orig != ZD_INT3;
	for (i = 0; i < b->ngone; i++)
		if (b->gone[i].addr == addr)
			return b->gone[i].orig != ZD_INT3;
	return false;
}

struct zd_bkpt *
zd_bkpt_add(struct zd_bkpts *b, uint64_t addr)
{
	struct zd_bkpt *p;

	if (zd_bkpt_at(b, addr))
		return NULL;
	ZD_GROW(b->v, b->alloc, b->n + 1);
	p = &b->v[b->n++];
	memset(p, 0, sizeof(*p));
	p->id = b->next_id++;
	p->addr = addr;
	return p;
}

struct zd_bkpt *
zd_bkpt_by_id(struct zd_bkpts *b, int id)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		if (b->v[i].id == id)
			return &b->v[i];
	return NULL;
}

struct zd_bkpt *
zd_bkpt_at(struct zd_bkpts *b, uint64_t addr)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		if (b->v[i].addr == addr)
			return &b->v[i];
	return NULL;
}

void
zd_bkpt_remove(struct zd_bkpts *b, int id)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		if (b->v[i].id == id) {
			memmove(&b->v[i], &b->v[i + 1], (b->n - i - 1) * sizeof(*b->v));
			b->n--;
			return;
		}
}

void
zd_bkpt_mask(const struct zd_bkpts *b, uint64_t addr, void *buf, size_t len)
{
	size_t i;

	for (i = 0; i < b->n; i++) {
		const struct zd_bkpt *p = &b->v[i];

		if (p->inserted && p->addr >= addr && p->addr - addr < len)
			((uint8_t *)buf)[p->addr - addr] = p->orig;
	}
}

void
zd_bkpt_merge_write(struct zd_bkpts *b, uint64_t addr, void *buf, size_t len)
{
	size_t i;

	for (i = 0; i < b->n; i++) {
		struct zd_bkpt *p = &b->v[i];

		if (p->inserted && p->addr >= addr && p->addr - addr < len) {
			p->orig = ((uint8_t *)buf)[p->addr - addr];
			((uint8_t *)buf)[p->addr - addr] = ZD_INT3;
		}
	}
}
