#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# `cmake --install` lays out bin/ and a Tcl package directory that a stock
# tclsh finds through its package path, and the installed lacpsh works.
set -euo pipefail
build=$1
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
fail=0
for f in bin/lacpsh bin/lacpctld bin/lacpctlc bin/lacp-conform lib/tcltk/lacp*/pkgIndex.tcl lib/tcltk/lacp*/liblacp*.so; do
	# shellcheck disable=SC2086
	if ! ls "$prefix"/$f >/dev/null 2>&1; then
		echo "missing after install: $f"
		fail=1
	fi
done
# Debian's tclsh searches <prefix>/lib/tcltk for the default prefixes;
# here the prefix is private, so name it.
for p in /usr/local /usr; do
	echo 'puts $tcl_pkgPath' | tclsh | tr ' ' '\n' | grep -qx "$p/lib/tcltk" ||
		{ echo "$p/lib/tcltk is not in tclsh's tcl_pkgPath"; fail=1; }
done
got=$(echo 'puts [package require lacp]' | TCLLIBPATH="$prefix/lib/tcltk" tclsh)
want=$(sed -n 's/^project(lacp VERSION \([0-9]*\.[0-9]*\).*/\1/p' "$(dirname "$0")/../CMakeLists.txt")
[ "$got" = "$want" ] || { echo "package version $got, expected $want"; fail=1; }
out=$(echo 'puts [lacp::state format 63]' | "$prefix/bin/lacpsh")
[ "$out" = "ATGSCD" ] || { echo "installed lacpsh printed '$out'"; fail=1; }
n=$("$prefix/bin/lacp-conform" -list | wc -l)
[ "$n" -ge 50 ] || { echo "installed lacp-conform -list printed $n cases"; fail=1; }
if [ $fail -eq 0 ]; then echo "5 passed, 0 failed"; else echo "0 passed, 1 failed"; fi
exit $fail
