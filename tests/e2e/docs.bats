#!/usr/bin/env bats
# The man page covers every command and every option, and formats cleanly.

load '../lib/common'

MAN=$ROOT/build/zdiag.1

@test "the man page formats without warnings" {
	command -v groff > /dev/null || skip "groff not installed"
	run groff -man -ww -z "$MAN"
	[ "$status" = 0 ]
	[ -z "$output" ]
}

@test "every command has a section and every option is documented" {
	for c in $(zdiag --help | sed -n 's/^  \([a-z]\+\) .*/\1/p'); do
		[ "$c" = help ] && continue
		grep -q "^\.SS \"zdiag $c\"" "$MAN" || { echo "no section for $c"; false; }
		# every long option in --help appears in the man page (as \-\-name)
		for o in $(zdiag "$c" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
			[ "$o" = --help ] && continue
			grep -q -- "$(echo "$o" | sed 's/-/\\\\-/g')" "$MAN" || { echo "$c: $o not in man page"; false; }
		done
	done
}

@test "the README shows the two start commands" {
	# the sh block under "Start here" (tests/fresh-debian.sh runs it on a
	# fresh Debian 12): the first gets make itself, then the demo
	block=$(awk '/^## Start here/ { s = 1 } s && /^```sh/ { b = 1; next } b && /^```/ { exit } b' "$ROOT/README.md")
	echo "$block"
	[ "$(grep -c . <<<"$block")" -eq 2 ]
	grep -q '^apt-get update && apt-get install -y make && make demo ' <<<"$block"
	grep -q '^make check ' <<<"$block"
}
