#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs every tcltest suite (tests/tcl/*.test) under valgrind memcheck, two
# files at a time, against the package in BUILD (default: build), and fails
# on any memcheck error or any definitely lost block, in the test process
# or in any process it starts (lacpsh, child tclsh).
#
# Tcl is finalized at exit (TCL_FINALIZE_ON_EXIT=1), so that what the
# package still holds when the interpreter goes is freed and a block lost
# by the package shows up as definitely lost. Tcl's allocator keeps small
# blocks in its own pools: a leaked Tcl_Obj is not seen here, only
# malloc'ed memory (the core's, and the package's larger allocations).
# No suppressions are needed; none are used.
#
#   tests/valgrind-tcl.sh [BUILD]    logs in BUILD/valgrind/
set -euo pipefail
cd "$(dirname "$0")/.."
build=$(realpath "${1:-build}")
logs="$build/valgrind"
rm -rf "$logs"
mkdir -p "$logs" "$build/tests/tmp"

run_one() {
	local file=$1 name
	name=$(basename "$file" .test)
	env TCLLIBPATH="$build/lib" LACP_BIN="$build/bin" LACP_TEST_TMP="$build/tests/tmp" \
		TCL_FINALIZE_ON_EXIT=1 \
		valgrind --quiet --trace-children=yes --leak-check=full \
		--trace-children-skip='/usr/*,/bin/*,/sbin/*,/root/*' \
		--suppressions="$PWD/tests/valgrind.supp" \
		--show-leak-kinds=definite --errors-for-leak-kinds=definite \
		--log-file="$logs/$name.%p.log" \
		tclsh "$file" >"$logs/$name.out" 2>&1 || true
	grep -h "Total" "$logs/$name.out" || tail -n 1 "$logs/$name.out"
}
export -f run_one
export build logs

printf '%s\n' tests/tcl/*.test | xargs -P 2 -I{} bash -c 'run_one {}'

status=0
# --quiet leaves a log empty unless memcheck had something to say. The
# programs the tests run that are not ours (a shell, python3, sort, the
# guest's busybox, the compiler) are not traced: their findings are not
# ours; lacpsh and lacpctld of the build tree are.
# Debian 12's valgrind (3.19) does not know epoll_pwait2 (syscall 441):
# it warns and returns ENOSYS, which src/tcl/notifier.c answers by waiting in
# epoll_wait. That warning is about valgrind, not a finding.
# Nor pidfd_open (434): lacp::hook then looks at its children on a timer.
known='unhandled amd64-linux syscall: 441|unhandled amd64-linux syscall: 434|You may be able to write your own handler|README_MISSING_SYSCALL_OR_IOCTL|Nevertheless we consider this a bug|valgrind.org/support/bug_reports'
for log in "$logs"/*.log; do
	if grep -Ev -- "$known" "$log" | grep -q .; then
		echo "valgrind: $log:" >&2
		head -n 40 "$log" >&2
		status=1
	fi
done
if grep -l 'Failed *[1-9]\|exited abnormally\|Test file error' "$logs"/*.out >/dev/null 2>&1; then
	echo "valgrind: tests failed under valgrind:" >&2
	grep -l 'Failed *[1-9]\|exited abnormally\|Test file error' "$logs"/*.out >&2
	status=1
fi
[ $status -eq 0 ] && echo "valgrind: no errors, no definite leaks in $(ls "$logs"/*.log | wc -l) processes"
exit $status
