#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# lacpctld's life: daemon start, pidfile, a second daemon refused, stale
# sockets, clean stops (SIGTERM, SIGINT, lacpctlc --shutdown, exit) even
# with a script blocked in a wait, log reopening, the systemd unit.

. "$(dirname "$0")/lib/ctl.sh"

ports='lacp::clock mode real; lacp::wire create w
	lacp::port create a -wire w -system 02:00:00:00:00:0a -wait-while 100
	lacp::port create b -wire w -system 02:00:00:00:00:0b -wait-while 100
	a wait {mux is COLLECTING_DISTRIBUTING} -timeout 10000'

# Daemon mode: returns once ready, detached, pidfile right.
ctl_start life
ctl_alive "$DPID" || fail "no daemon behind the pidfile"
expect "daemon stdin" "$(readlink "/proc/$DPID/fd/0")" /dev/null
run -c 'pid'
expect "pidfile" "$OUT" "$DPID"
expect "socket mode" "$(stat -c %a "$SOCK")" 600

# A second daemon on the same socket is refused; the first goes on.
"$CTLD" -s "$SOCK" -p "$CTL_DIR/second.pid" 2>"$CTL_DIR/err"
expect "second daemon: exit" "$?" 1
expect "second daemon: message" "$(cat "$CTL_DIR/err")" \
	"lacpctld: another daemon is already listening on $SOCK"
"$CTLD" -f -s "$SOCK" 2>"$CTL_DIR/err"
expect "second daemon -f: exit" "$?" 1
expect "second daemon -f: one line" "$(wc -l <"$CTL_DIR/err")" 1
run -c 'expr 1'
expect "first daemon unharmed" "$RC:$OUT" "0:1"
[ -e "$CTL_DIR/second.pid" ] && fail "the refused daemon wrote a pidfile"
: >"$CTL_DIR/not-a-socket"
"$CTLD" -s "$CTL_DIR/not-a-socket" 2>"$CTL_DIR/err"
expect "not a socket: exit" "$?" 1
expect_match "not a socket: message" "$(cat "$CTL_DIR/err")" "*exists and is not a socket*"
[ -f "$CTL_DIR/not-a-socket" ] || fail "lacpctld removed a file that is not a socket"

# A dead daemon leaves a stale socket: clients get exit 2, a new daemon
# removes it.
kill -KILL "$DPID"
ctl_wait 10 ctl_dead "$DPID" || fail "kill -9"
[ -S "$SOCK" ] || fail "expected a stale socket"
run -c 'expr 1'
expect "stale socket: client exit" "$RC" 2
expect_match "stale socket: message" "$ERR" "lacpctlc: cannot connect to $SOCK: Connection refused*"
ctl_start life
ctl_log_has "removed the stale socket $SOCK" || fail "no log of the stale socket"
run -c 'expr 2'
expect "after the stale socket" "$RC:$OUT" "0:2"

# SIGTERM: ports destroyed, files removed, exit 0.
run -c "$ports"
expect "ports" "$RC:$OUT" "0:1"
ctl_stop
[ -e "$SOCK" ] && fail "SIGTERM left the socket"
[ -e "$PIDFILE" ] && fail "SIGTERM left the pidfile"
ctl_log_has "2 ports destroyed" || fail "SIGTERM: ports not destroyed"
ctl_log_has "stopped" || fail "SIGTERM: no clean stop"

# SIGINT in the foreground, with the exit status.
ctl_start_fg fg
run -c "$ports"
kill -INT "$DPID"
wait "$DPID"
expect "SIGINT: exit status" "$?" 0
[ -e "$SOCK" ] || [ -e "$PIDFILE" ] && fail "SIGINT left files"
ctl_log_has "2 ports destroyed" || fail "SIGINT: ports not destroyed"

# lacpctlc --shutdown returns once the socket and pidfile are gone.
ctl_start shut
run -c "$ports"
run --shutdown
expect "--shutdown: exit" "$RC:$OUT:$ERR" "0::"
[ -e "$SOCK" ] && fail "--shutdown returned before the socket was removed"
[ -e "$PIDFILE" ] && fail "--shutdown returned before the pidfile was removed"
ctl_log_has "2 ports destroyed" || fail "--shutdown: ports not destroyed"
ctl_wait 10 ctl_dead "$DPID" || fail "--shutdown: the daemon lives on"
run --shutdown
expect "--shutdown without a daemon" "$RC" 2

# `exit` in a script stops the daemon cleanly after answering.
ctl_start exit
run -c 'exit 3; set after_exit 1'
expect "exit: answer" "$RC:$OUT" "0:1"
ctl_wait 10 ctl_dead "$DPID" || fail "exit: the daemon lives on"
[ -e "$SOCK" ] && fail "exit left the socket"

# SIGTERM while a script is blocked in a port's wait with no timeout, or
# busy: the script is stopped, its client told, the daemon exits.
for blocker in 'a wait {mux is DETACHED and rx is EXPIRED}' 'while 1 {}' 'vwait forever'; do
	ctl_start block
	run -c "$ports"
	"$CTLC" -s "$SOCK" -c "close [open $CTL_DIR/blocked w]; $blocker" \
		>"$CTL_DIR/b.out" 2>"$CTL_DIR/b.err" &
	client=$!
	ctl_wait 10 test -e "$CTL_DIR/blocked" || fail "$blocker: did not start"
	"$CTLC" -s "$SOCK" -c 'set never 1' >"$CTL_DIR/q.out" 2>"$CTL_DIR/q.err" &
	queued=$!
	t0=$(date +%s%N)
	ctl_stop
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	[ "$ms" -lt 2500 ] || fail "$blocker: SIGTERM took $ms ms"
	wait "$client"
	expect "$blocker: blocked client exit" "$?" 1
	wait "$queued"
	rc=$?
	# The queued client was either refused at shutdown or never accepted.
	expect "$blocker: queued client exit" "$rc" 2
	ctl_log_has "2 ports destroyed" || fail "$blocker: ports not destroyed"
	[ -e "$SOCK" ] && fail "$blocker: socket left"
	rm -f "$CTL_DIR/blocked"
done

# SIGHUP reopens the log file (after logrotate moved it).
ctl_start hup
mv "$CTL_LOG" "$CTL_LOG.1"
kill -HUP "$DPID"
ctl_wait 10 test -e "$CTL_LOG" || fail "SIGHUP did not reopen the log"
ctl_wait 10 ctl_log_has "log file reopened" || fail "SIGHUP: nothing logged"
ctl_stop

# Without -l, the foreground daemon logs to stderr.
SOCK=$CTL_DIR/stderr.sock
"$CTLD" -f -s "$SOCK" 2>"$CTL_DIR/stderr.log" &
DPID=$!
CTL_PIDS+=("$DPID")
ctl_wait 10 test -S "$SOCK" || fail "no socket"
run -c 'expr 5'
expect "foreground" "$OUT" 5
ctl_stop
grep -q "listening on $SOCK" "$CTL_DIR/stderr.log" || fail "-f without -l: nothing on stderr"

# The systemd unit is valid (with the binary's path filled in).
unit=$(dirname "$0")/../../dist/lacpctld.service
[ -f "$unit" ] || fail "no dist/lacpctld.service"
if command -v systemd-analyze >/dev/null; then
	mkdir -p "$CTL_DIR/unit"
	sed "s|^ExecStart=lacpctld|ExecStart=$CTLD|" "$unit" >"$CTL_DIR/unit/lacpctld.service"
	(cd "$CTL_DIR/unit" && systemd-analyze verify ./lacpctld.service) ||
		fail "systemd-analyze verify dist/lacpctld.service"
fi

echo "ok: start, stale sockets and clean stops"
