#!/usr/bin/env bats
# Shell completion: the bash script asks the binary (zdiag __complete), so the
# candidates follow the option tables.

load '../lib/common'

setup() {
	PATH=$(dirname "$ZDIAG"):$PATH
	source "$ROOT/completions/zdiag.bash"
}

# comp WORD...: complete the last word; prints COMPREPLY one per line.
comp() {
	COMP_WORDS=("$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	_zdiag
	printf '%s\n' "${COMPREPLY[@]}"
}

@test "commands complete from their prefix" {
	[ "$(comp zdiag sc)" = scan ]
	comp zdiag "" | grep -qx scan
	comp zdiag "" | grep -qx help
	! comp zdiag "" | grep -q __complete
}

@test "options of a command complete from the option table" {
	[ "$(comp zdiag scan --js)" = --json ]
	comp zdiag scan --p | grep -qx -- --prom
	comp zdiag scan --p | grep -qx -- --pid
	comp zdiag scan --p | grep -qx -- --proc-root
}

@test "option arguments complete: word lists, pids, directories" {
	[ "$(comp zdiag scan --color = al)" = always ]
	comp zdiag scan --color = | grep -qx never
	comp zdiag scan -p "" | grep -qx 1
	comp zdiag scan -p "$$" | grep -qx "$$"
	[ "$(cd "$ROOT" && comp zdiag scan --proc-root tes)" = tests ]
}

@test "help completes command names" {
	comp zdiag help "" | grep -qx scan
}

@test "the zsh completion file is well-formed" {
	command -v zsh > /dev/null || skip "zsh not installed"
	zsh -n "$ROOT/completions/_zdiag"
}

@test "__complete rejects bad usage" {
	run zdiag __complete
	[ "$status" = 2 ]
}
