#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# lacpctld/lacpctlc: output and result, errors and exit codes, the ways
# to send a script, and state that persists across clients while two
# ports keep negotiating on a wire between them.

. "$(dirname "$0")/lib/ctl.sh"

ctl_start eval

# Output in order, then the result; the script's stderr on stderr.
run -c 'puts one; puts stderr two; puts -nonewline three; expr {6 * 7}'
expect "result: exit" "$RC" 0
expect "result: stdout" "$OUT" "one
three42"
expect "result: stderr" "$ERR" "two"

# An empty result prints nothing.
run -c 'set x {}'
expect "empty result: exit" "$RC" 0
expect "empty result: stdout" "$OUT" ""

# Errors: exit 1, the message on stderr; -v gives the stack trace.
run -c 'puts before; error "it broke"'
expect "error: exit" "$RC" 1
expect "error: stdout" "$OUT" "before"
expect "error: stderr" "$ERR" "it broke"
run -v -c 'proc f {} {error deep}; f'
expect "-v: exit" "$RC" 1
expect_match "-v: errorInfo" "$ERR" 'deep*invoked from within*"f"*'
run -c 'return -code break'
expect "break: exit" "$RC" 1
expect "break: message" "$ERR" 'invoked "break" outside of a loop'
run -c 'return early; error never'
expect "return: exit" "$RC" 0
expect "return: result" "$OUT" "early"

# The framing holds whatever the script prints: record-like lines,
# blank lines, no final newline, NUL bytes and UTF-8.
run -c 'puts "ok 3\nabc\nerror 2"; puts -nonewline "\n\nstdout 9999\n"; set r "x\0y"'
expect "framing-like output: exit" "$RC" 0
expect "framing-like output" "$(od -An -c "$CTL_DIR/out" | tr -s ' ')" \
	"$(printf 'ok 3\nabc\nerror 2\n\n\nstdout 9999\nx\0y\n' | od -An -c | tr -s ' ')"
run -c 'set s "h\u00e9llo \u2192 \u4e16\u754c"; puts $s; string length $s'
expect "utf-8: exit" "$RC" 0
expect "utf-8" "$OUT" "héllo → 世界
10"

# A script from a file, from "-" and from standard input.
printf 'set a 1\nputs "from file"\nexpr {$a + 1}\n' >"$CTL_DIR/script.tcl"
run "$CTL_DIR/script.tcl"
expect "file" "$OUT" "from file
2"
"$CTLC" -s "$SOCK" - <"$CTL_DIR/script.tcl" >"$CTL_DIR/out" || fail "- exit"
expect "-" "$(cat "$CTL_DIR/out")" "from file
2"
echo 'string toupper stdin' | "$CTLC" -s "$SOCK" >"$CTL_DIR/out" || fail "stdin exit"
expect "stdin" "$(cat "$CTL_DIR/out")" "STDIN"
"$CTLC" -s "$SOCK" </dev/null >"$CTL_DIR/out" || fail "empty script exit"
expect "empty script" "$(cat "$CTL_DIR/out")" ""

# The script's stdin is at its end: nothing blocks on it.
run -c 'gets stdin line'
expect "gets stdin" "$OUT" "-1"

# State persists across clients, and survives errors.
run -c 'proc greet {who} {return "hello $who"}; set counter 0'
run -c 'incr counter; error "after the increment"'
expect "error keeps state: exit" "$RC" 1
run -c 'incr counter; greet world'
expect "state persists" "$OUT" "hello world"
run -c 'set counter'
expect "counter" "$OUT" 2

# Two ports on a wire negotiate; they keep exchanging PDUs while no
# client is connected, and a later client finds them in sync.
run -c '
	lacp::clock mode real
	lacp::wire create w
	lacp::port create a -wire w -system 02:00:00:00:00:0a
	lacp::port create b -wire w -system 02:00:00:00:00:0b
	lacp::port names'
expect "ports: exit" "$RC" 0
expect "ports" "$OUT" "a b"
run -c 'a wait {mux is COLLECTING_DISTRIBUTING} -timeout 10000'
expect "negotiation" "$OUT" 1
run -c 'dict get [a status] counters lacpdus_tx'
first=$OUT
# Fast rate: one PDU a second each way. Poll, client after client.
tx_grew() {
	run -c 'dict get [a status] counters lacpdus_tx'
	[ "$RC" = 0 ] && [ "$OUT" -ge $((first + 2)) ]
}
ctl_wait 10 tx_grew || fail "PDUs did not keep flowing between clients (tx $first -> $OUT)"
run -c 'list [dict get [a status] mux] [dict get [b status] partner state]'
expect "still in sync" "$OUT" "COLLECTING_DISTRIBUTING ATGSCD"
run -c 'error "a failing client"'
run -c 'dict get [b status] mux'
expect "a script error leaves the ports alone" "$OUT" COLLECTING_DISTRIBUTING

# The daemon's own command.
run -c 'dict get [lacpctld info] socket'
expect "lacpctld info" "$OUT" "$SOCK"
run -c 'lacpctld bogus'
expect "lacpctld bogus: exit" "$RC" 1

ctl_stop
echo "ok: output, results, errors and persistent state"
