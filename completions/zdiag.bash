# bash completion for zdiag.  Candidates come from the binary itself
# ("zdiag __complete CWORD WORDS..."), so they follow its option tables.
_zdiag() {
	local cur=${COMP_WORDS[COMP_CWORD]} out
	out=$("${COMP_WORDS[0]}" __complete "$COMP_CWORD" "${COMP_WORDS[@]}" 2>/dev/null) || return 0
	[ "$cur" = "=" ] && cur=
	case $out in
	@file) mapfile -t COMPREPLY < <(compgen -f -- "$cur") ;;
	@dir) mapfile -t COMPREPLY < <(compgen -d -- "$cur") ;;
	@command) mapfile -t COMPREPLY < <(compgen -c -- "$cur") ;;
	*) mapfile -t COMPREPLY < <(IFS=$'\n' compgen -W "$out" -- "$cur") ;;
	esac
}
complete -F _zdiag zdiag
