#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The manual pages: man renders each without a warning; each program in the
# build has a page with an EXIT STATUS section that names every option its
# --help prints; lacp(n) names every command, subcommand and port option of
# the package as it is built.
set -uo pipefail
build=${1:?usage: check.sh BUILD_DIR}
man_dir=$build/man
bin=$build/bin
failed=0
fail() { echo "FAIL: $*" >&2; failed=1; }

# The page as plain text, one paragraph per line (no hyphenation, ASCII).
render() { LC_ALL=C MANWIDTH=10000 man -l "$1" 2>/dev/null | col -b; }

pages=("$man_dir"/*)
[ -e "${pages[0]}" ] || { echo "FAIL: no pages in $man_dir" >&2; exit 1; }
for page in "${pages[@]}"; do
	warnings=$(LC_ALL=C MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
	[ -z "$warnings" ] || fail "$(basename "$page"): man --warnings: $warnings"
done

# lacp-conform is optional: it comes with the conformance suite.
for prog in lacpsh lacpctlc lacpctld lacp-conform; do
	[ -x "$bin/$prog" ] || { echo "note: no $prog in $bin: its page is not checked"; continue; }
	page=$(ls "$man_dir/$prog".[0-9] 2>/dev/null | head -1)
	[ -n "$page" ] || { fail "$prog has no manual page"; continue; }
	before=$failed
	failed=0
	text=$(render "$page")
	grep -q '^EXIT STATUS' <<<"$text" || fail "$prog($page): no EXIT STATUS section"
	help=$("$bin/$prog" --help 2>&1) || fail "$prog --help exits $?"
	version=$("$bin/$prog" --version 2>&1) || fail "$prog --version exits $?"
	[[ $version == "$prog "[0-9]* ]] || fail "$prog --version says \"$version\""
	# every option word of the help: -x, --long-option
	opts=$(grep -oE '(^|[][ ,|(?])--?[A-Za-z][-A-Za-z0-9]*' <<<"$help" | sed -E 's/^[][ ,|(?]//' | sort -u)
	[ -n "$opts" ] || fail "$prog --help shows no option"
	for o in $opts; do
		grep -qE -- "(^|[^-A-Za-z0-9])$o([^-A-Za-z0-9]|$)" <<<"$text" ||
			fail "$prog: option $o of --help is not in $(basename "$page")"
	done
	[ $failed = 0 ] && echo "ok: $prog: $(wc -w <<<"$opts") options of --help in $(basename "$page")"
	[ $before = 0 ] || failed=1
done

# lacp(n) against the package itself
page=$(ls "$man_dir"/lacp.* 2>/dev/null | head -1)
if [ -n "$page" ]; then
	words=$(TCLLIBPATH=$build/lib tclsh <<'TCL'
package require lacp
# The choices an ensemble or object command lists for an unknown subcommand.
proc choices {args} {
    catch {{*}$args no-such-subcommand} m
    if {![regexp {must be (.*)$} $m -> list]} {return {}}
    lmap w [split [string map {", or " , " or " ,} $list] ,] {string trim $w " \""}
}
set out {}
foreach c [lsort [info commands ::lacp::*]] {
    set name [namespace tail $c]
    if {$name in {unix}} continue ;# lacpd's own plumbing, not the API
    lappend out lacp::$name
    foreach s [choices $c] {lappend out "lacp::$name $s"}
}
lacp::wire create w
lacp::port create p -wire w
foreach s [choices p] {lappend out "NAME $s"}
foreach o [dict keys [p configure]] {lappend out $o}
foreach s [choices lacp::wire w] {lappend out "WIRE $s"}
puts [join $out \n]
TCL
	) || fail "tclsh could not list the package's commands"
	text=$(render "$page")
	n=0
	while IFS= read -r w; do
		n=$((n + 1))
		case $w in
		"NAME "*|"WIRE "*) w=${w#* } ;;
		esac
		grep -qF -- "$w" <<<"$text" || fail "lacp.n does not name \"$w\""
	done <<<"$words"
	for section in CONDITIONS ACTIONS EXAMPLES; do
		grep -q "^   *$section\|^$section" <<<"$text" || fail "lacp.n has no $section section"
	done
	echo "ok: lacp.n names the package's $n commands, subcommands and options"
fi
exit $failed
