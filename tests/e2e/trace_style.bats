#!/usr/bin/env bats
# zdiag trace's output styles next to strace 6.1's on the same real calls:
# -x, -xx, --strings-in-hex, -X raw|abbrev|verbose, -e abbrev= -e verbose=
# -e raw=, -e read= -e write= dumps, -v.  Each test runs zdiag and strace on
# tests/helpers/trace_style inside one PID namespace and compares the lines
# from its marker on, with addresses and pids masked (they differ by run;
# the alignment of " = " is compared too, except after a pid).

load '../lib/common'

bats_require_minimum_version 1.5.0

setup() {
	command -v strace > /dev/null || skip "strace not installed"
	require_pidns
	T=$BATS_TEST_TMPDIR
	mkdir -p "$T/d"
	# A file nobody changes afterwards: fstat prints the same both times.
	touch -d '2020-01-01 00:00:00' "$T/fixed"
}

# both OPTIONS...: trace the helper with zdiag ($T/z) and strace ($T/s),
# same options, then the masked lines from the marker on ($T/z.n, $T/s.n).
both() {
	: > "$T/opts"
	[ $# = 0 ] || printf '%s\n' "$@" > "$T/opts"
	in_ns 'exec 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-
	       set --; while IFS= read -r o; do set -- "$@" "$o"; done < $T/opts
	       "$ZDIAG" trace -o $T/z "$@" "$HELPERS/trace_style" $T/d $T/fixed; echo rc=$? > $T/rc
	       strace -o $T/s "$@" "$HELPERS/trace_style" $T/d $T/fixed'
	grep -qx rc=0 "$T/rc"
	for f in z s; do
		sed -n '/^chdir(/,$p' "$T/$f" |
			sed -E 's/0x7[0-9a-f]{9,}/ADDR/g; s/0x5[0-9a-f]{11}/ADDR/g; s/si_pid=[0-9]+/si_pid=PID/
			        s/si_utime=[0-9]+, si_stime=[0-9]+/si_utime=N, si_stime=N/
			        /^(gettid|getpid|tgkill|clone|wait4)/{s/\b[0-9]+\b/N/g; s/= 0x[0-9a-f]+$/= N/
			                                             s/^tgkill\(0x[0-9a-f]+, 0x[0-9a-f]+/tgkill(N, N/; s/ +=/ =/}' > "$T/$f.n"
	done
	[ "$(wc -l < "$T/z.n")" -ge 30 ]
	sed -E 's/\) +=/) =/' "$T/z.n" > "$T/z.sq"   # for the greps: no alignment
}

same() {
	diff -u "$T/s.n" "$T/z.n"
}

@test "no style option: the same lines as strace (the baseline of this file)" {
	both
	cat "$T/z.n"
	grep -qxF 'write(3, "\177ELF\2\1\1\0 bin\n", 13) = 13' "$T/z.sq"
	same
}

@test "-x: strings with non-ASCII bytes all in hex, the others as usual, as strace" {
	both -x
	grep -qxF 'write(3, "\x7f\x45\x4c\x46\x02\x01\x01\x00\x20\x62\x69\x6e\x0a", 13) = 13' "$T/z.sq"
	grep -qxF 'write(3, "\x63\x61\x66\xc3\xa9\x0a", 6) = 6' "$T/z.sq"
	grep -qF 'write(3, "tab\there \"quoted\" back\\slash\n", 29) = 29' "$T/z.sq"
	same
}

@test "-xx and --strings-in-hex (all): every string in hex, file names too, as strace" {
	both -xx
	grep -qF 'openat(AT_FDCWD, "\x2f\x6e\x6f\x6e' "$T/z.sq"
	same
	both --strings-in-hex
	same
	both --strings-in-hex=all
	same
}

@test "--strings-in-hex=non-ascii-chars: \\x escapes instead of octal, and =non-ascii, =none, as strace" {
	both --strings-in-hex=non-ascii-chars
	grep -qxF 'write(3, "\x7fELF\x02\x01\x01\x00 bin\n", 13) = 13' "$T/z.sq"
	same
	both --strings-in-hex=non-ascii
	same
	both --strings-in-hex=none
	same
}

@test "-X raw: constants and flags as numbers (AT_FDCWD -100, signals in decimal), as strace" {
	both -X raw
	cat "$T/z.n"
	grep -qxF 'openat(-100, "/nonexistent-zdiag-style", 0x30000) = -1 ENOENT (No such file or directory)' "$T/z.sq"
	grep -qF 'rt_sigprocmask(0, [10 15], NULL, 8) = 0' "$T/z.sq"
	grep -q '^--- SIGURG {si_signo=23, si_code=0xfffffffa, ' "$T/z.sq"
	# strace's return-value notes: open flags by name, other flags styled
	grep -qxF 'fcntl(3, 0x3) = 0x8002 (flags O_RDWR|O_LARGEFILE)' "$T/z.sq"
	grep -qxF 'fcntl(3, 0x1) = 0x1 (flags 0x1)' "$T/z.sq"
	# wait statuses keep the signal's name, as strace's
	grep -qF 'wait4(-N, [{WIFSIGNALED(s) && WTERMSIG(s) == SIGKILL}], N, NULL) = N' "$T/z.sq"
	grep -qF 'clone(child_stack=NULL, flags=0x1200000|N, child_tidptr=ADDR) = N' "$T/z.sq"
	grep -q '^--- SIGCHLD {si_signo=17, si_code=0x2, si_pid=PID, si_uid=0, si_status=9, ' "$T/z.sq"
	same
	both --const-print-style=raw
	same
}

@test "-X verbose: numbers with the names in a comment, as strace" {
	both -X verbose
	cat "$T/z.n"
	grep -qxF 'openat(-100 /* AT_FDCWD */, "/nonexistent-zdiag-style", 0x30000 /* O_RDONLY|O_NOFOLLOW|O_DIRECTORY */) = -1 ENOENT (No such file or directory)' "$T/z.sq"
	grep -qF 'lseek(3, 0, 0x7 /* SEEK_??? */) = -1 EINVAL' "$T/z.sq"
	grep -qF 'sa_handler=0x1 /* SIG_IGN */' "$T/z.sq"
	same
	both -X abbrev
	same
}

@test "-e raw=SET: those calls' arguments and return value in hex, undecoded; the others decoded, as strace" {
	both -e raw=openat,read,rt_sigprocmask,newfstatat,socket,lseek
	cat "$T/z.n"
	grep -qxE 'openat\(0xffffff9c, ADDR, 0x30000, 0\) = -1 ENOENT \(No such file or directory\)' "$T/z.sq"
	grep -qxF 'socket(0x1, 0x1, 0) = 0x3' "$T/z.sq"
	grep -qxF 'close(3) = 0' "$T/z.sq"
	same
	both --raw=all
	same
}

@test "-e verbose=SET: the structures and arrays of the other calls as addresses, as strace" {
	both -e verbose=none
	cat "$T/z.n"
	grep -qxE 'pipe2\(ADDR, O_CLOEXEC\) = 0' "$T/z.sq"
	grep -qxE 'newfstatat\(AT_FDCWD, "[^"]*/fixed", ADDR, 0\) = 0' "$T/z.sq"
	same
	both -e 'verbose=!pipe2'
	grep -qxE 'pipe2\(ADDR, O_CLOEXEC\) = 0' "$T/z.sq"
	grep -q 'newfstatat(AT_FDCWD, "[^"]*/fixed", {st_mode=S_IFREG|0644, st_size=0, ...}, 0) = 0' "$T/z.sq"
	same
}

@test "-e abbrev=SET and -v: structures in full for the others, the last of them counts, as strace" {
	# (stat's full form is the decoders' business: left out here)
	both -e abbrev=none -e 'trace=!newfstatat'
	cat "$T/z.n"
	grep -q '^uname({sysname="Linux", nodename="[^"]*", release="[^"]*", version=.*, domainname="[^"]*"}) = 0$' "$T/z.sq"
	same
	both -v -e 'trace=!newfstatat'
	same
	both -v -e abbrev=newfstatat,uname
	grep -q '^uname({sysname="Linux", nodename="[^"]*", ...}) = 0$' "$T/z.sq"
	grep -q 'newfstatat(AT_FDCWD, "[^"]*/fixed", {st_mode=S_IFREG|0644, st_size=0, ...}, 0) = 0' "$T/z.sq"
	same
	both -e abbrev=uname -v -X raw -e 'trace=!newfstatat'
	grep -q '^uname({sysname="Linux", nodename="[^"]*", release=' "$T/z.sq"
	grep -qF 'rt_sigaction(12, {sa_handler=0x1, sa_mask=[], sa_flags=0x14000000, sa_restorer=ADDR}, NULL, 8) = 0' "$T/z.sq"
	same
}

@test "-e read=FDS -e write=FDS: hex and ASCII dumps after the line, vectors per buffer, as strace" {
	both -e read=3 -e write=3,4
	cat "$T/z.n"
	grep -qxF ' | 00000  7f 45 4c 46 02 01 01 00  20 62 69 6e 0a           .ELF.... bin.    |' "$T/z.sq"
	grep -qxF ' * 6 bytes in buffer 0' "$T/z.sq"
	same
	both --read=all --write='!3'
	same
	both -e reads=none -e w=all -x
	same
}

@test "style options: strace's errors for bad values" {
	run zdiag trace -X bogus true
	[ "$status" = 2 ]
	[ "$output" = "zdiag trace: invalid -X 'bogus' (raw, abbrev, verbose) (see 'zdiag trace --help')" ]
	run zdiag trace --strings-in-hex=bogus true
	[ "$status" = 2 ]
	[[ "$output" == *"invalid --strings-in-hex 'bogus'"* ]]
	run zdiag trace -x --strings-in-hex=none true
	[ "$status" = 2 ]
	[[ "$output" == *"-x and --strings-in-hex cannot be given together"* ]]
	run zdiag trace -e read=x true
	[ "$status" = 2 ]
	[[ "$output" == *"invalid -e read=x: invalid descriptor 'x'"* ]]
	run zdiag trace -e abbrev=opne true
	[ "$status" = 2 ]
	[[ "$output" == *"invalid -e abbrev=opne: unknown syscall 'opne'"* ]]
	run zdiag trace -e raw=%bogus true
	[ "$status" = 2 ]
}
