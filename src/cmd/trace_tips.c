/* zdiag trace --tips: one tip about zdiag trace in a box on stderr at the end. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "trace-int.h"
#include "zdiag/common.h"

static const char *const tips[] = {
	"--lifecycle follows every process of the command and ends with its tree: who forked whom, who reaped whom and how long each stayed a zombie.",
	"-e inject=openat:error=ENOENT:when=2 makes the second openat fail without touching the program: how does it handle the error?",
	"--json writes one JSON object per event (docs/trace-json.md): easier to filter with jq than text lines.",
	"A filtered trace (-e trace=openat) keeps the other calls from stopping the command at all: zdiag installs a seccomp filter (--no-seccomp turns it off).",
	"-k prints the user stack of every call, with file and line where debug info is found.",
	"Ctrl-C detaches from -p processes and leaves them running, untraced; a launched command dies with zdiag.",
	"zdiag scan explains every zombie on the machine that nobody reaps; zdiag reap PID reaps them without killing the parent.",
	"-yy shows what a socket is connected to: 3<TCP:[127.0.0.1:40112->127.0.0.1:80]>, from the kernel's sock_diag.",
	"-ff -o FILE writes each thread's trace to FILE.TID; -f -o FILE puts the pid at the start of every line.",
	"-c counts calls, errors and system time per syscall; -w counts the wall time, -S sorts, -U picks the columns.",
	"-e status=failed shows only the calls that failed: often all you need to find the missing file.",
	"-P PATH traces only the calls that touch PATH, through a name or a file descriptor.",
};

int
zd_trace_tip_count(void)
{
	return (int)ZD_ARRAY_SIZE(tips);
}

/* The tip id (-1: a random one) in a box of 48 columns. */
void
zd_trace_tip(FILE *f, int id)
{
	const char *s;
	enum { W = 44 };

	if (id < 0)
		id = (int)((unsigned)time(NULL) ^ (unsigned)getpid()) % (int)ZD_ARRAY_SIZE(tips);
	s = tips[id % (int)ZD_ARRAY_SIZE(tips)];
	fprintf(f, "  %.*s\n", W + 2, "______________________________________________");
	fprintf(f, " /%*s\\\n", W + 2, "");
	while (*s) {
		size_t n = strlen(s), cut = n;

		if (n > W) {
			for (cut = W; cut > 0 && s[cut] != ' '; cut--)
				;
			if (!cut)
				cut = W;
		}
		fprintf(f, " | %-*.*s |\n", W, (int)cut, s);
		s += cut;
		while (*s == ' ')
			s++;
	}
	fprintf(f, " \\%.*s/\n", W + 2, "______________________________________________");
}
