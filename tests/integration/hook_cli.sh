#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# -H COMMAND on lacpctld and on lacpsh's lacpd-style command line: a hook
# that records its calls sees the negotiation (and the link going down)
# with the port and key=value words; a hook that does not exist gives one
# clear log line and the daemon keeps running; -q and -v move the log level.
. "$(dirname "$0")/lib/ctl.sh"
skip_unless_root "veth pairs in namespaces"

LACPSH=$LACP_BIN/lacpsh
REC=$CTL_DIR/rec.sh
printf '#!/bin/sh\nprintf "%%s\\n" "$*" >> %s/calls\n' "$CTL_DIR" >"$REC"
chmod +x "$REC"
calls_have() { grep -q -- "$1" "$CTL_DIR/calls" 2>/dev/null; }

# ---- lacpctld -H: ports on a wire, made by a client script
ctl_start_fg hooked -H "$REC" --hook-max 4
run -c 'lacp::wire create w
	lacp::port create a -wire w -system 02:00:00:00:00:0a
	lacp::port create b -wire w -system 02:00:00:00:00:0b
	a wait {mux is COLLECTING_DISTRIBUTING} -timeout 5000'
expect "lacpctld: negotiation" "$OUT" 1
ctl_wait 5 calls_have '^negotiated a actor=ATGSCD .*partner_system=02:00:00:00:00:0b' ||
	fail "lacpctld -H: no negotiated call for a: $(cat "$CTL_DIR/calls" 2>/dev/null)"
run -c 'lacp::wire w cut'
ctl_wait 5 calls_have '^link_down b ' || fail "lacpctld -H: no link_down call for b"
ctl_log_has "event hook $REC (at most 4 at once)" || fail "lacpctld: the hook is not logged"
ctl_stop

# a hook that does not exist: one line, and the daemon goes on serving
ctl_start_fg missing -H "$CTL_DIR/no-such-hook"
run -c 'lacp::wire create w
	lacp::port create a -wire w -system 02:00:00:00:00:0a
	lacp::port create b -wire w -system 02:00:00:00:00:0b
	set r [a wait {mux is COLLECTING_DISTRIBUTING} -timeout 5000]
	lacp::wire w cut; lacp::wire w restore
	lappend r [a wait {mux is COLLECTING_DISTRIBUTING} -timeout 5000]
	lacp::hook wait -timeout 10000
	lappend r [expr {[dict get [lacp::hook stats] failed] >= 4}]'
expect "missing hook: ports negotiate again, hooks fail (rc $RC, stderr [$ERR])" "$OUT" "1 1 1"
expect "missing hook: log lines" "$(grep -c 'cannot be run' "$CTL_LOG")" 1
ctl_log_has "error: hook $CTL_DIR/no-such-hook cannot be run: No such file or directory" ||
	fail "missing hook: the log line does not say why"
ctl_alive "$DPID" || fail "missing hook: the daemon died"
run -c 'set x 2'
expect "missing hook: daemon still answers" "$OUT" 2
ctl_stop

# ---- lacpsh -i ... -H: two instances on a veth pair in two namespaces
NS=lacp-hook-$$
ip netns add "$NS-a" && CTL_CLEANUPS+=("ip netns del $NS-a 2>/dev/null")
ip netns add "$NS-b" && CTL_CLEANUPS+=("ip netns del $NS-b 2>/dev/null")
ip link add h1 netns "$NS-a" type veth peer name h2 netns "$NS-b" || fail "veth"
ip -n "$NS-a" link set h1 up
ip -n "$NS-b" link set h2 up
export LACP_RUN_DIR=$CTL_DIR/run
: >"$CTL_DIR/calls"
ip netns exec "$NS-a" "$LACPSH" -i h1 -H "$REC" -q 2>"$CTL_DIR/a.log" &
A=$!
CTL_PIDS+=("$A")
ip netns exec "$NS-b" "$LACPSH" -i h2 -H "$CTL_DIR/no-such-hook" -vv 2>"$CTL_DIR/b.log" &
B=$!
CTL_PIDS+=("$B")
ctl_wait 10 calls_have '^negotiated h1 interface=h1 actor=ATGSCD' ||
	fail "lacpsh -H: no negotiated call: $(cat "$CTL_DIR/calls")"
ip -n "$NS-b" link set h2 down
ctl_wait 10 calls_have '^link_down h1 interface=h1' || fail "lacpsh -H: no link_down call"
ip -n "$NS-b" link set h2 up
ctl_wait 10 bash -c "[ \$(grep -c '^negotiated h1' '$CTL_DIR/calls') -ge 2 ]" ||
	fail "lacpsh -H: no second negotiation"
# -q: INFO lines are gone; -vv: DEBUG lines are there
grep -q ' - INFO - ' "$CTL_DIR/a.log" && fail "lacpsh -q still logs at INFO"
grep -q ' - DEBUG - ' "$CTL_DIR/b.log" || fail "lacpsh -vv does not log at DEBUG"
expect "lacpsh, missing hook: log lines" "$(grep -c 'cannot be run' "$CTL_DIR/b.log")" 1
ctl_alive "$B" || fail "lacpsh with a missing hook died"
kill -TERM "$A" "$B"
ctl_wait 10 ctl_dead "$A" || fail "lacpsh $A did not stop"
ctl_wait 10 ctl_dead "$B" || fail "lacpsh $B did not stop"
echo "ok: -H hooks on lacpctld and lacpsh, a missing hook, -q and -v"
