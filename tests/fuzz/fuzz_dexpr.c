/*
 * The debugger's C expressions (zd_dexpr_eval) and the gdb-style value
 * formatter and ptype (dvalue.h) on any bytes: a made-up program with
 * ints, a double, an enum, a bit-field struct that points at itself, an
 * array, a char * and a function, in 4 KiB of fake memory at 0x1000
 * (reads elsewhere fail).  Evaluation fails cleanly or gives the same
 * text twice; nothing leaks.
 */
#include <assert.h>
#include <errno.h>
#include <sys/types.h>

#include "fuzz.h"
#include "zdiag/dexpr.h"

#define MEM_BASE 0x1000u
#define MEM_SIZE 4096u

static unsigned char mem[MEM_SIZE];

static ssize_t
reader(void *ctx, uint64_t addr, void *buf, size_t len)
{
	(void)ctx;
	if (addr < MEM_BASE || addr >= MEM_BASE + MEM_SIZE)
		return -EFAULT;
	if (len > MEM_BASE + MEM_SIZE - addr)
		len = (size_t)(MEM_BASE + MEM_SIZE - addr);
	memcpy(buf, mem + (addr - MEM_BASE), len);
	return (ssize_t)len;
}

struct prog {
	struct zd_types ts;
	const struct zd_type *t_int, *t_double, *t_enum, *t_node, *t_nodep, *t_arr, *t_charp, *t_fn, *t_td;
};

static void
build(struct prog *p)
{
	struct zd_type *t;
	const struct zd_type *t_char, *t_uint;

	zd_types_init(&p->ts);
	p->t_int = zd_type_base(&p->ts, ZD_T_INT, "int", 4);
	t_uint = zd_type_base(&p->ts, ZD_T_UINT, "unsigned int", 4);
	t_char = zd_type_base(&p->ts, ZD_T_CHAR, "char", 1);
	p->t_double = zd_type_base(&p->ts, ZD_T_FLOAT, "double", 8);
	t = zd_type_new(&p->ts, ZD_T_ENUM);
	t->name = "color";
	t->size = 4;
	t->enums = calloc(2, sizeof(*t->enums));
	t->enums[0] = (struct zd_enumerator){ "RED", 0 };
	t->enums[1] = (struct zd_enumerator){ "BLUE", 6 };
	t->nenums = 2;
	p->t_enum = t;
	t = zd_type_new(&p->ts, ZD_T_STRUCT);
	t->name = "node";
	t->size = 32;
	p->t_node = t;
	p->t_nodep = zd_type_ptr(&p->ts, p->t_node);
	{
		struct zd_type *arr = zd_type_new(&p->ts, ZD_T_ARRAY);

		arr->target = t_char;
		arr->count = 8;
		arr->has_count = true;
		arr->size = 8;
		t->members = calloc(4, sizeof(*t->members));
		t->members[0] = (struct zd_member){ "v", 0, 0, 0, p->t_int };
		t->members[1] = (struct zd_member){ "next", 8, 0, 0, p->t_nodep };
		t->members[2] = (struct zd_member){ "tag", 16, 0, 0, arr };
		t->members[3] = (struct zd_member){ "flag", 24, 3, 2, t_uint };
		t->nmembers = 4;
	}
	t = zd_type_new(&p->ts, ZD_T_ARRAY);
	t->target = p->t_int;
	t->count = 4;
	t->has_count = true;
	t->size = 16;
	p->t_arr = t;
	p->t_charp = zd_type_ptr(&p->ts, t_char);
	t = zd_type_new(&p->ts, ZD_T_FUNC);
	t->target = p->t_int;
	t->params = calloc(1, sizeof(*t->params));
	t->params[0] = p->t_nodep;
	t->nparams = 1;
	t->size = 1;
	p->t_fn = t;
	t = zd_type_new(&p->ts, ZD_T_TYPEDEF);
	t->name = "node_t";
	t->target = p->t_node;
	t->size = 32;
	p->t_td = t;
}

static void
mem_value(const struct zd_type *t, uint64_t addr, struct zd_value *out)
{
	memset(out, 0, sizeof(*out));
	out->type = t;
	out->loc = ZD_V_MEM;
	out->addr = addr;
	zd_value_set_bytes(out, mem + (addr - MEM_BASE), (size_t)zd_type_strip(t)->size);
}

static int
lookup(void *ctx, const char *name, struct zd_value *out)
{
	struct prog *p = ctx;

	if (!strcmp(name, "x"))
		mem_value(p->t_int, 0x1000, out);
	else if (!strcmp(name, "d"))
		mem_value(p->t_double, 0x1008, out);
	else if (!strcmp(name, "col"))
		mem_value(p->t_enum, 0x1010, out);
	else if (!strcmp(name, "n"))
		mem_value(p->t_nodep, 0x1018, out);
	else if (!strcmp(name, "arr"))
		mem_value(p->t_arr, 0x1020, out);
	else if (!strcmp(name, "s"))
		mem_value(p->t_charp, 0x1030, out);
	else if (!strcmp(name, "node"))
		mem_value(p->t_td, 0x1100, out);
	else if (!strcmp(name, "opt")) {
		memset(out, 0, sizeof(*out));
		out->type = p->t_int;
		out->loc = ZD_V_OPTOUT;
	} else if (!strcmp(name, "fn")) {
		memset(out, 0, sizeof(*out));
		out->type = p->t_fn;
		out->loc = ZD_V_MEM;
		out->addr = 0x401000;
	} else {
		return -ENOENT;
	}
	return 0;
}

static int
reg(void *ctx, const char *name, uint64_t *v)
{
	(void)ctx;
	if (!strcmp(name, "pc") || !strcmp(name, "rax") || !strcmp(name, "sp")) {
		*v = 0x1100;
		return 0;
	}
	return -ENOENT;
}

static int
type_named(void *ctx, const char *name, const struct zd_type **out)
{
	struct prog *p = ctx;

	if (!strcmp(name, "node_t"))
		*out = p->t_td;
	else if (!strcmp(name, "struct node"))
		*out = p->t_node;
	else if (!strcmp(name, "enum color"))
		*out = p->t_enum;
	else
		return -ENOENT;
	return 0;
}

static void
namer(void *ctx, uint64_t addr, bool code, struct zd_sb *sb)
{
	(void)ctx;
	if (addr >= MEM_BASE && addr < MEM_BASE + 64)
		zd_sb_addf(sb, "globals+%u", (unsigned)(addr - MEM_BASE));
	else if (code && addr == 0x401000)
		zd_sb_adds(sb, "fn");
}

/* One evaluation, rendered: value or error, and ptype of the value's type. */
static void
run(struct prog *p, const char *text, struct zd_sb *sb)
{
	struct zd_dexpr_env env = { &p->ts, p, lookup, reg, type_named, reader, NULL };
	struct zd_fmt f = { reader, NULL, namer, NULL, 0, 50, 6, false };
	struct zd_value v;
	char err[256], letter;
	const char *e = zd_dexpr_format(text, &letter);
	int r;

	if (!e) {
		zd_sb_adds(sb, "bad format");
		return;
	}
	f.letter = letter;
	r = zd_dexpr_eval(&env, e, &v, err, sizeof(err));
	assert(r <= 0);
	if (r < 0) {
		assert(!v.bytes);
		assert(memchr(err, '\0', sizeof(err)));
		zd_sb_adds(sb, err);
		return;
	}
	zd_value_format(&v, &f, sb);
	zd_sb_addc(sb, '|');
	if (v.type)
		zd_type_ptype(v.type, sb);
	zd_value_release(&v);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size);
	struct prog p;
	struct zd_sb a = ZD_SB_INIT, b = ZD_SB_INIT;
	size_t i;

	/* the fake memory: a node list at 0x1100 pointing into itself, strings, numbers */
	for (i = 0; i < MEM_SIZE; i++)
		mem[i] = (unsigned char)(i * 7 + 3);
	memcpy(mem + 0x30, "\x00\x12\x00\x00\x00\x00\x00\x00", 8);         /* s -> 0x1200 */
	memcpy(mem + 0x200, "hello, \"fuzz\"\n\x01\xff", 17);
	memcpy(mem + 0x18, "\x00\x11\x00\x00\x00\x00\x00\x00", 8);         /* n -> 0x1100 */
	memcpy(mem + 0x108, "\x00\x11\x00\x00\x00\x00\x00\x00", 8);        /* n->next == n */
	build(&p);
	run(&p, text, &a);
	run(&p, text, &b);
	assert(a.len == b.len && (!a.len || !memcmp(a.buf, b.buf, a.len)));
	zd_sb_release(&a);
	zd_sb_release(&b);
	zd_types_release(&p.ts);
	free(text);
	return 0;
}
