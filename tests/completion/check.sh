#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# bash completion: what the functions of dist/lacp.bash-completion offer
# for lacpsh's lacpd-style options, lacpctld, lacpctlc and lacp-conform.
set -u
. "${1:?usage: check.sh COMPLETION_FILE}"
failed=0

# offers EXPECTED WORD...: completes the last WORD (may be empty) and
# checks that EXPECTED (a space-separated list) is exactly what is offered.
offers() {
	local expected=$1 fn
	shift
	COMP_WORDS=("$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	fn=$(complete -p "$1" | sed -E 's/.*-F ([^ ]+) .*/\1/')
	"$fn"
	local got
	got=$(printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//')
	expected=$(tr ' ' '\n' <<<"$expected" | sort | tr '\n' ' ' | sed 's/ $//')
	if [ "$got" != "$expected" ]; then
		echo "FAIL: $*: offered [$got], expected [$expected]" >&2
		failed=1
	fi
}

offers "--rate" lacpsh --ra
offers "fast slow" lacpsh -i eth0 --rate ""
offers "DEBUG" lacpsh -i eth0 --log-level D
offers "--hook --hook-max" lacpsh -i eth0 --ho
offers "--exit-after-inject" lacpsh --ex
offers "lo" lacpsh -i l
offers "--status --shutdown" lacpctlc --s
offers "--json" lacpctlc --status --j
offers "--hook-max" lacpctld --hook-
offers "-quick" lacp-conform -q
offers "-json -junit" lacp-conform -i eth0 -j
offers "lo" lacp-conform -i l
offers "active passive" lacp-conform -i eth0 -dut-mode ""
offers "-dut-mode -dut-rate -dut-lag -dut-probe" lacp-conform -i eth0 -dut
# a script's arguments are files, not lacpd options
offers "" lacpsh /nonexistent-script.tcl --ra
[ $failed = 0 ] && echo "ok: completion of lacpsh, lacpctld, lacpctlc and lacp-conform"
exit $failed
