#!/usr/bin/env bats
# The global CLI: help, version, usage errors.

load '../lib/common'

@test "zdiag --help lists the commands and exits 0" {
	run zdiag --help
	[ "$status" = 0 ]
	[[ "$output" == "usage: zdiag "* ]]
	echo "$output" | grep -q '^  scan '
	! echo "$output" | grep -q '__complete'
}

@test "zdiag --version prints the version" {
	run zdiag --version
	[ "$status" = 0 ]
	[[ "$output" =~ ^zdiag\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
}

@test "zdiag help CMD and zdiag CMD --help print the same text" {
	for c in $(zdiag --help | sed -n 's/^  \([a-z]\+\) .*/\1/p'); do
		a=$(zdiag help "$c")
		b=$(zdiag "$c" --help)
		[ "$a" = "$b" ]
		[[ "$a" == "usage: zdiag $c"* ]]
	done
}

@test "no command is a usage error" {
	run zdiag
	[ "$status" = 2 ]
}

@test "an unknown command is a usage error with a one-line hint" {
	run zdiag frobnicate
	[ "$status" = 2 ]
	[ "$output" = "zdiag: unknown command 'frobnicate' (see 'zdiag --help')" ]
	run zdiag help frobnicate
	[ "$status" = 2 ]
}

@test "an unknown option is a usage error with a one-line hint" {
	run zdiag --frobnicate
	[ "$status" = 2 ]
	[ "${#lines[@]}" = 1 ]
	run zdiag scan --frobnicate
	[ "$status" = 2 ]
	[ "$output" = "zdiag scan: unknown option '--frobnicate' (see 'zdiag scan --help')" ]
	run zdiag scan -Y
	[ "$status" = 2 ]
	[ "$output" = "zdiag scan: unknown option '-Y' (see 'zdiag scan --help')" ]
	run zdiag scan -p
	[ "$status" = 2 ]
	[ "$output" = "zdiag scan: option requires an argument '-p' (see 'zdiag scan --help')" ]
}

@test "a closed stdout does not crash zdiag" {
	run sh -c "'$ZDIAG' --help >&-; echo rc=\$?"
	[[ "$output" == *"rc=0"* ]] || [[ "$output" == *"rc=2"* ]]
}

@test "make install puts the binary, man page and completions under DESTDIR" {
	d=$BATS_TEST_TMPDIR/dest
	run make -C "$ROOT" --no-print-directory install DESTDIR="$d" PREFIX=/usr
	[ "$status" = 0 ]
	[ -x "$d/usr/bin/zdiag" ]
	[ -f "$d/usr/share/man/man1/zdiag.1" ]
	[ -f "$d/usr/share/bash-completion/completions/zdiag" ]
	[ -f "$d/usr/share/zsh/site-functions/_zdiag" ]
	"$d/usr/bin/zdiag" --version
}
