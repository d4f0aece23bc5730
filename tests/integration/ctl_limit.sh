#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# lacpctld -t: a script that runs too long (busy loop, blocking sleep,
# event loop, caught or not) fails with an error within the bound, and
# the daemon and its state carry on.

. "$(dirname "$0")/lib/ctl.sh"

ctl_start limit -t 1

run -c 'set kept 1; proc spin {} {while 1 {}}'
for script in 'while 1 {}' 'spin' 'after 100000' 'vwait forever' \
	'catch {while 1 {}}; set kept 99' 'after 200 {set ::x 1}; while 1 {update}' \
	'lacp::clock mode real; lacp::wire create w; lacp::port create a -wire w; vwait forever'; do
	t0=$(date +%s%N)
	run -c "$script"
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	expect "$script: exit" "$RC" 1
	expect "$script: message" "$ERR" "time limit exceeded: the script ran for more than 1 s (lacpctld -t)"
	[ "$ms" -ge 900 ] && [ "$ms" -lt 4000 ] || fail "$script: stopped after $ms ms"
	run -c 'set kept'
	expect "after [$script]: state kept, next script runs" "$RC:$OUT" "0:1"
done
run -v -c 'while 1 {}'
expect_match "errorcode" "$ERR" "time limit exceeded*"
run -c 'after 700; set fine 1'
expect "under the limit" "$RC:$OUT" "0:1"
run -c 'dict get [a status] enabled'
expect "the port made before the limit lives on" "$RC:$OUT" "0:1"

ctl_stop
echo "ok: the time limit"
