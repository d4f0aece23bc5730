#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# lacpctld and lacpctlc: usage errors, and a daemon that cannot be reached.
. "$(dirname "$0")/lib/ctl.sh"

SOCK=$CTL_DIR/none.sock
"$CTLC" -h >/dev/null || fail "lacpctlc -h"
"$CTLD" -h >/dev/null || fail "lacpctld -h"
"$CTLC" --version | grep -q '^lacpctlc ' || fail "lacpctlc --version"
for args in "--bogus" "-c" "-c a -c b" "x y" "--status --shutdown" \
	"--json" "--status -c x" "file -c x"; do
	# shellcheck disable=SC2086
	run $args
	expect "lacpctlc $args: exit" "$RC" 64
	expect "lacpctlc $args: one line" "$(wc -l <"$CTL_DIR/err")" 1
done
for args in "-x" "-t" "-t 0" "-t -1" "-t abc" "-m 0" "-m 1k" "extra" \
	"-g no-such-group-lacp"; do
	# shellcheck disable=SC2086
	"$CTLD" -f -s "$SOCK" $args 2>"$CTL_DIR/err"
	expect "lacpctld $args: exit" "$?" 64
	expect "lacpctld $args: one line" "$(wc -l <"$CTL_DIR/err")" 1
done
[ -e "$SOCK" ] && fail "a refused start left $SOCK"
run -c 'set x 1'
expect "no daemon: exit" "$RC" 2
expect_match "no daemon: message" "$ERR" "lacpctlc: cannot connect to $SOCK: No such file or directory*"
expect "no daemon: one line" "$(wc -l <"$CTL_DIR/err")" 1
run "$CTL_DIR/no-such-script.tcl"
expect "missing script: exit" "$RC" 66
: >"$CTL_DIR/plain"
SOCK=$CTL_DIR/plain
run -c 'set x 1'
expect "not a socket: exit" "$RC" 2
expect_match "not a socket: message" "$ERR" "lacpctlc: cannot connect to *: Connection refused*"
echo "ok: usage errors and an unreachable daemon"
