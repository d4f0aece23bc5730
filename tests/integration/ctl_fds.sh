#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# lacpctld holding more than 1024 descriptors. With its epoll notifier it
# serves a client whose connection gets a descriptor beyond 1024. With
# Tcl's own notifier (LACP_NOTIFIER=tcl, select() underneath) it refuses
# that client with one clear line, logs why, and serves again once
# descriptors are free.
. "$(dirname "$0")/lib/ctl.sh"

ulimit -n 4096 2>/dev/null || { echo "SKIP: the descriptor limit cannot be raised"; exit 77; }
# 1,100 files, and once this call's connection is closed, one more in the
# descriptor it leaves free: every descriptor up to 1,100 is then taken
HOLD='for {set i 0} {$i < 1100} {incr i} {lappend ::held [open /dev/null]}
after 200 {lappend ::held [open /dev/null]}
llength $::held'

# fds_of PID: how many descriptors PID has open
fds_of() { find "/proc/$1/fd" -mindepth 1 -maxdepth 1 | wc -l; }
# fds_are N: whether the daemon has N descriptors open
fds_are() { [ "$(fds_of "$DPID")" -eq "$1" ]; }

# hold LABEL SCRIPT: runs SCRIPT (which holds the files of $HOLD), then
# waits until every descriptor below the 1,101 it opens is taken
hold() {
	local base
	base=$(fds_of "$DPID")
	run -c "$2"
	expect "$1: holding 1100 files" "$RC/$OUT" "0/1100"
	ctl_wait 5 fds_are $((base + 1101)) ||
		fail "$1: the daemon holds $(fds_of "$DPID") descriptors, not $((base + 1101))"
}
# served: whether a client call succeeds now
served() { "$CTLC" -s "$SOCK" -c 'expr {6 * 7}' >/dev/null 2>&1; }

ctl_start_fg epoll
hold epoll "$HOLD"
run -c 'expr {6 * 7}'
expect "epoll: a client served beyond descriptor 1024" "$RC/$OUT" "0/42"
run -c 'foreach f $::held {close $f}; unset ::held; expr {6 * 7}'
expect "epoll: files closed" "$RC/$OUT" "0/42"
ctl_log_has "beyond FD_SETSIZE" && fail "epoll: a client was refused"
ctl_stop

export LACP_NOTIFIER=tcl
ctl_start_fg select
unset LACP_NOTIFIER
# the files go again once the test says so (a file appears): the refusal
# is observed however slowly the machine runs, not within a time window
RELEASE="$CTL_DIR/release"
rm -f "$RELEASE"
hold select "$HOLD
proc ::release_when {path} {
    if {![file exists \$path]} {after 20 [list ::release_when \$path]; return}
    foreach f \$::held {close \$f}
    unset ::held
}
::release_when $RELEASE
llength \$::held"
run -c 'expr {6 * 7}'
expect "select: a client beyond descriptor 1024 is refused" "$RC" 2
expect_match "select: why" "$ERR" "*too many open files*"
expect "select: in one line" "$(wc -l <"$CTL_DIR/err")" 1
ctl_wait 5 ctl_log_has "beyond FD_SETSIZE" || fail "select: the refusal is not logged"
touch "$RELEASE"
ctl_wait 10 served || fail "select: not served again once the files were closed"
run -c 'expr {6 * 7}'
expect "select: served again" "$RC/$OUT" "0/42"
ctl_stop
echo "ok: more than 1024 descriptors, with either notifier"
