#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# lacpctld with plain socat and netcat clients: readable text, errors as
# "error: MESSAGE", empty connections, and framed requests by hand.

. "$(dirname "$0")/lib/ctl.sh"

command -v socat >/dev/null || { echo "SKIP: socat is not installed"; exit 77; }

ctl_start plain

plain() { socat -t 30 - "UNIX-CONNECT:$SOCK"; }

expect "socat: output and result" "$(printf 'puts hello\nputs stderr world\nexpr 1+1' | plain)" "hello
world
2"
expect "socat: empty result" "$(printf 'set x {}' | plain | wc -c)" 0
expect "socat: error" "$(printf 'puts partial\nerror "no good"' | plain)" "partial
error: no good"
printf 'set from_socat 5' | plain >/dev/null

if command -v nc >/dev/null && nc -h 2>&1 | grep -q -- '-N'; then
	expect "nc -N: result" "$(printf 'incr from_socat' | nc -N -U "$SOCK")" 6
else
	echo "note: no OpenBSD netcat with -N; skipped the nc case"
fi

# Empty connections: connect and close, or half-close at once. No reply,
# and the daemon goes on.
for i in 1 2 3; do
	expect "empty connection $i" "$(plain </dev/null | wc -c)" 0
done
python3 - "$SOCK" <<'PY' || fail "bare connect and close"
import socket, sys
for _ in range(20):
    s = socket.socket(socket.AF_UNIX)
    s.connect(sys.argv[1])
    s.close()
PY
run -c 'set from_socat'
expect "alive after empty connections" "$OUT" 6

# The framed protocol by hand: records, whatever the output holds.
got=$(printf '#lacpctl 1\nputs -nonewline "x\\ny"; set r done' | plain)
expect "framed by hand" "$got" "stdout 3
x
y
ok 4
done"
got=$(printf '#lacpctl 1\nerror oops {} {CODE X}' | plain)
expect_match "framed error" "$got" "errorcode 6
CODE X
errorinfo *
error 4
oops"

ctl_stop
echo "ok: plain clients"
