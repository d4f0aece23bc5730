#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# lacpctld under load and abuse: 200 parallel clients while ports
# negotiate, clients killed while running or queued, 1 MiB scripts and
# output, the script size limit. Prints the median round trip of 200
# sequential lacpctlc calls.

. "$(dirname "$0")/lib/ctl.sh"

ctl_start stress -v

run -c '
	lacp::clock mode real
	lacp::wire create w
	lacp::port create a -wire w -system 02:00:00:00:00:0a
	lacp::port create b -wire w -system 02:00:00:00:00:0b
	set hits 0'
expect "setup" "$RC" 0

# 200 clients at once. Some run the event loop while the others queue
# (vwait, wait), some block (after), all touch shared state.
pids=()
for i in $(seq 1 200); do
	case $((i % 4)) in
	0) script="incr hits; after 20 {set ::flag$i 1}; vwait ::flag$i; set i $i" ;;
	1) script="incr hits; a wait {rx is CURRENT} -timeout 5000; set i $i" ;;
	2) script="incr hits; after 2; set i $i" ;;
	3) script="incr hits; dict get [b status] mux; puts -nonewline {}; set i $i" ;;
	esac
	"$CTLC" -s "$SOCK" -c "$script" >"$CTL_DIR/par.$i" 2>&1 &
	pids+=($!)
done
failed=0
for i in $(seq 1 200); do
	wait "${pids[$((i - 1))]}" || failed=$((failed + 1))
	[ "$(cat "$CTL_DIR/par.$i")" = "$i" ] || fail "parallel client $i: got [$(cat "$CTL_DIR/par.$i")]"
done
expect "parallel clients failed" "$failed" 0
run -c 'set hits'
expect "every parallel script ran once" "$OUT" 200
# the crowd can be over within the 2 s aggregate wait: the ports must
# still get to COLLECTING_DISTRIBUTING
run -c 'a wait {mux is COLLECTING_DISTRIBUTING} -timeout 5000; dict get [a status] mux'
expect "ports survived the crowd" "$OUT" COLLECTING_DISTRIBUTING

# A client killed during its script: the evaluation is cancelled (also
# from a blocking `after`), the reply dropped, the daemon goes on.
"$CTLC" -s "$SOCK" -c "close [open $CTL_DIR/started1 w]; after 20000; set finished1 1" \
	>/dev/null 2>&1 &
victim=$!
disown "$victim"
ctl_wait 10 test -e "$CTL_DIR/started1" || fail "the victim's script did not start"
kill -KILL "$victim"
t0=$(date +%s%N)
run -c 'info exists finished1'
t1=$(date +%s%N)
expect "killed client: its script was cancelled" "$OUT" 0
[ $(( (t1 - t0) / 1000000 )) -lt 5000 ] || fail "the daemon took $(( (t1 - t0) / 1000000 )) ms to drop a killed client"
ctl_wait 5 ctl_log_has "went away during its script" || fail "no log of the killed client"

# Killed inside a nested event loop (vwait) and then while queued.
"$CTLC" -s "$SOCK" -c "close [open $CTL_DIR/started2 w]; after 1500 {set ::go 1}; vwait ::go; set finished2 1" \
	>/dev/null 2>&1 &
victim=$!
disown "$victim"
ctl_wait 10 test -e "$CTL_DIR/started2" || fail "the second victim did not start"
"$CTLC" -s "$SOCK" -c 'set queued_ran 1' >/dev/null 2>&1 &
queued=$!
disown "$queued"
queued_in() { grep -q "pid $queued connected" "$CTL_LOG" &&
	grep -q "client $(sed -n "s/.*client \([0-9]*\): uid [0-9]* pid $queued connected.*/\1/p" "$CTL_LOG"): .* queued" "$CTL_LOG"; }
ctl_wait 10 queued_in || fail "the queued client was not queued"
kill -KILL "$queued" "$victim"
run -c 'list [info exists finished2] [info exists queued_ran]'
expect "killed in vwait and killed while queued" "$OUT" "0 0"
ctl_wait 5 ctl_log_has "went away while queued" || fail "no log of the queued client"
run -c 'dict get [a status] mux'
expect "ports survived the killed clients" "$OUT" COLLECTING_DISTRIBUTING

# 1 MiB scripts: one huge word, and many small commands; 1 MiB output.
python3 -c 'import sys; sys.stdout.write("set big {" + "x" * (1 << 20) + "}\nstring length $big\n")' \
	>"$CTL_DIR/big1.tcl"
run "$CTL_DIR/big1.tcl"
expect "1 MiB word" "$RC:$OUT" "0:1048576"
python3 -c '
import sys
for i in range(60000):
    sys.stdout.write("incr many ;# padding padding\n")
sys.stdout.write("set many\n")' >"$CTL_DIR/big2.tcl"
[ "$(stat -c %s "$CTL_DIR/big2.tcl")" -gt 1048576 ] || fail "big2.tcl is too small"
run "$CTL_DIR/big2.tcl"
expect "1 MiB of commands" "$RC:$OUT" "0:60000"
"$CTLC" -s "$SOCK" -c 'puts -nonewline [string repeat 0123456789abcdef 65536]' >"$CTL_DIR/bigout" ||
	fail "1 MiB output: exit"
expect "1 MiB output" "$(stat -c %s "$CTL_DIR/bigout")" 1048576

# The size limit: default 16 MiB, here 10000 bytes.
python3 -c 'import sys; sys.stdout.write("set v {" + "y" * (17 << 20) + "}\n")' >"$CTL_DIR/huge.tcl"
run "$CTL_DIR/huge.tcl"
expect "over 16 MiB: exit" "$RC" 1
expect_match "over 16 MiB: message" "$ERR" "script too large: * bytes, the limit is 16777216 (lacpctld -m)"
rm -f "$CTL_DIR/huge.tcl"
ctl_stop
ctl_start limited -m 10000
python3 -c 'import sys; sys.stdout.write("set v {" + "z" * 20000 + "}\n")' >"$CTL_DIR/over.tcl"
run "$CTL_DIR/over.tcl"
expect "over -m: exit" "$RC" 1
expect "over -m: message" "$ERR" "script too large: 20009 bytes, the limit is 10000 (lacpctld -m)"
if command -v socat >/dev/null; then
	got=$(socat -t 30 - "UNIX-CONNECT:$SOCK" <"$CTL_DIR/over.tcl")
	expect "over -m, plain" "$got" "error: script too large: 20009 bytes, the limit is 10000 (lacpctld -m)"
fi
run -c "string length [string repeat a 9000]"
expect "under -m" "$RC:$OUT" "0:9000"

# Round trips, one client after another: lacpctlc as a process (fork and
# exec included), and the bare protocol from one process.
python3 - "$CTLC" "$SOCK" <<'PY' || fail "round trips"
import socket, statistics, subprocess, sys, time
ctlc, path = sys.argv[1], sys.argv[2]
proc = []
for _ in range(200):
    t0 = time.perf_counter()
    r = subprocess.run([ctlc, "-s", path, "-c", "set x 1"], stdout=subprocess.PIPE)
    proc.append(time.perf_counter() - t0)
    assert r.returncode == 0 and r.stdout == b"1\n", r
bare = []
for _ in range(200):
    t0 = time.perf_counter()
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)
    s.sendall(b"#lacpctl 1\nset x 1")
    s.shutdown(socket.SHUT_WR)
    reply = b""
    while chunk := s.recv(65536):
        reply += chunk
    s.close()
    bare.append(time.perf_counter() - t0)
    assert reply == b"ok 1\n1\n", reply
print("median round trip over 200 calls: lacpctlc %.0f us, protocol only %.0f us"
      % (statistics.median(proc) * 1e6, statistics.median(bare) * 1e6))
PY

ctl_stop
echo "ok: parallel, killed, large and limited clients"
