/*
 * dbg_vars: a target for the DWARF library (tests/unit/test_dwarf.c) with
 * known variables.  Built -O0 (dbg_vars) and -O2 (dbg_vars-O2).  Parks in
 *
 *   main > recurse(3) > recurse(2) > recurse(1) > recurse(0) > leaf
 *        > mid (always inlined into leaf) > park (nanosleep loop)
 *
 * and prints "ready" once there.  Every value below is what the test
 * expects; change both together.
 */
#include <stdbool.h>

#include "helper.h"

#define NOINLINE __attribute__((noinline))

struct inner {
	int x;
	short y;
};

enum color { RED, GREEN = 5, BLUE };

struct node {
	int v;
	struct node *next;
	struct inner in;
	char tag[8];
	unsigned flag : 1;
	unsigned mode : 3;
	enum color col;
};

typedef struct node node_t;

int g_counter = 42;
const char *g_name = "zdiag \"dbg\"\n";
int g_arr[5] = { 1, 2, 3, 4, 5 };
double g_pi = 3.25;
enum color g_color = GREEN;
char g_buf[16] = "hello";
int g_zeros[12];
node_t g_list[2];
long g_neg = -7;
unsigned char g_uc = 200;
bool g_flag = true;
int (*g_fn)(int, node_t *);
volatile int zd_sink;

NOINLINE void park(void);
NOINLINE int leaf(int a, double d, const char *s, node_t *n);
NOINLINE int recurse(int depth, node_t *n);

NOINLINE void
park(void)
{
	fputs("ready\n", stdout);
	fflush(stdout);
	for (;;)
		msleep(1000);
}

static inline __attribute__((always_inline)) int
mid(int m)
{
	int twice = m * 2;

	park();
	zd_sink = twice;
	return twice + 1;
}

NOINLINE int
leaf(int a, double d, const char *s, node_t *n)
{
	int arr[3] = { 10, 20, 30 };
	struct inner in = { 7, -3 };
	long big = 1234567890123L;
	char c = 'Z';
	int keep = a * 3;

	zd_sink = arr[a % 3] + in.x + (int)big + c + (int)d + s[0] + n->v;
	{
		int blockvar = a + 100;

		zd_sink = blockvar;
		keep += mid(a);
	}
	return keep + arr[1];
}

NOINLINE int
recurse(int depth, node_t *n)
{
	int local = depth * 10;

	if (depth > 0)
		return recurse(depth - 1, n) + local;
	return leaf(5, 2.5, "leafstr", n) + local;
}

int
main(int argc, char **argv)
{
	(void)argv;
	alarm(HELPER_ALARM);
	g_list[0].v = 1;
	g_list[0].next = &g_list[1];
	g_list[0].in.x = 2;
	g_list[0].in.y = 3;
	memcpy(g_list[0].tag, "first", 6);
	g_list[0].flag = 1;
	g_list[0].mode = 5;
	g_list[0].col = BLUE;
	g_list[1].v = 9;
	g_fn = recurse;
	return recurse(argc + 2, &g_list[0]) ? 0 : 1;
}
