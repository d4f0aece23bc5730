#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Shared helpers of the ctl_*.sh tests (lacpctld and lacpctlc), sourced by
# each of them.
#
# Each test gets a private directory; every daemon it starts is recorded
# by pid and killed on exit if still running. Nothing sleeps to wait:
# ctl_wait polls a condition with a bound.

set -u

: "${LACP_BIN:?LACP_BIN must name the directory of lacpctld and lacpctlc}"
CTLD=$LACP_BIN/lacpctld
CTLC=$LACP_BIN/lacpctlc
CTL_DIR=$(mktemp -d /tmp/lacpctl-test.XXXXXX) || exit 1
CTL_PIDS=()
CTL_CLEANUPS=()

ctl_cleanup() {
	local pid c
	for pid in "${CTL_PIDS[@]}"; do
		kill -KILL "$pid" 2>/dev/null
	done
	for c in "${CTL_CLEANUPS[@]}"; do
		eval "$c"
	done
	rm -rf "$CTL_DIR"
}
trap ctl_cleanup EXIT

fail() {
	echo "FAIL: $*" >&2
	if [ -n "${CTL_LOG:-}" ] && [ -f "$CTL_LOG" ]; then
		echo "--- daemon log $CTL_LOG:" >&2
		tail -n 30 "$CTL_LOG" >&2
	fi
	exit 1
}

skip_unless_root() {
	if [ "$(id -u)" != 0 ]; then
		echo "SKIP: $1 needs root"
		exit 77
	fi
}

# ctl_wait SECONDS COMMAND...: polls COMMAND until it succeeds; fails
# after SECONDS.
ctl_wait() {
	local limit=$1 start
	shift
	start=$(date +%s%N)
	until "$@"; do
		if [ $(( ($(date +%s%N) - start) / 1000000 )) -gt $((limit * 1000)) ]; then
			return 1
		fi
		sleep 0.02
	done
}

# A daemon that exited is dead even while a zombie waiting for its reaper.
ctl_dead() {
	! kill -0 "$1" 2>/dev/null || [ "$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null)" = Z ]
}
ctl_alive() { ! ctl_dead "$1"; }

# ctl_start NAME ARGS...: starts a daemon in daemon mode (it returns once
# clients can connect) on $CTL_DIR/NAME.sock, with pidfile NAME.pid and
# log NAME.log. Sets SOCK, PIDFILE, CTL_LOG and DPID.
ctl_start() {
	local name=$1
	shift
	SOCK=$CTL_DIR/$name.sock
	PIDFILE=$CTL_DIR/$name.pid
	CTL_LOG=$CTL_DIR/$name.log
	"$CTLD" -s "$SOCK" -p "$PIDFILE" -l "$CTL_LOG" "$@" || fail "lacpctld $* did not start"
	DPID=$(cat "$PIDFILE") || fail "no pidfile after start"
	CTL_PIDS+=("$DPID")
	[ -S "$SOCK" ] || fail "no socket after start"
}

# ctl_start_fg NAME ARGS...: the same in the foreground (-f), in the
# background of this shell; waits for the socket.
ctl_start_fg() {
	local name=$1
	shift
	SOCK=$CTL_DIR/$name.sock
	PIDFILE=$CTL_DIR/$name.pid
	CTL_LOG=$CTL_DIR/$name.log
	"$CTLD" -f -s "$SOCK" -p "$PIDFILE" -l "$CTL_LOG" "$@" &
	DPID=$!
	CTL_PIDS+=("$DPID")
	ctl_wait 10 test -S "$SOCK" || fail "lacpctld -f $* made no socket"
}

# ctl_stop: SIGTERM, then waits for the daemon to exit.
ctl_stop() {
	kill -TERM "$DPID" 2>/dev/null
	ctl_wait 10 ctl_dead "$DPID" || fail "lacpctld $DPID did not stop on SIGTERM"
}

# run ARGS...: runs lacpctlc -s $SOCK ARGS; sets OUT, ERR, RC.
run() {
	"$CTLC" -s "$SOCK" "$@" >"$CTL_DIR/out" 2>"$CTL_DIR/err"
	RC=$?
	OUT=$(tr -d '\0' <"$CTL_DIR/out")
	ERR=$(tr -d '\0' <"$CTL_DIR/err")
}

# expect WHAT ACTUAL EXPECTED
expect() {
	[ "$2" = "$3" ] || fail "$1: got [$2], expected [$3]"
}

# expect_match WHAT ACTUAL GLOB
expect_match() {
	# shellcheck disable=SC2053
	[[ $2 == $3 ]] || fail "$1: got [$2], expected to match [$3]"
}

# ctl_log_has TEXT: whether the daemon's log holds TEXT.
ctl_log_has() { grep -qF -- "$1" "$CTL_LOG"; }
