#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# check.sh LACPSH SCRIPT VERDICT REASON ARGS...: runs the scenario script
# SCRIPT with ARGS (a -sim DUT: no root, virtual time) and passes when it
# ends as VERDICT says: "PASS" (exit 0, last line "PASS: ...") or "FAIL"
# (exit 1, last line "FAIL: " followed by REASON, the criterion the DUT
# was made to break). Prints the script's output either way.
set -u
lacpsh=$1 script=$2 verdict=$3 reason=$4 # REASON: - with PASS
shift 4
out=$("$lacpsh" "$script" "$@" 2>&1)
rc=$?
printf '%s\n' "$out"
last=$(printf '%s\n' "$out" | tail -n 1)
case $verdict in
PASS) want_rc=0 want="PASS: " ;;
FAIL) want_rc=1 want="FAIL: $reason" ;;
*) echo "check.sh: VERDICT must be PASS or FAIL, not \"$verdict\"" >&2; exit 2 ;;
esac
if [ "$rc" -ne "$want_rc" ]; then
	echo "FAILED: $(basename "$script") $*: exit $rc, expected $want_rc"
	exit 1
fi
if [ "${last#"$want"}" = "$last" ]; then
	echo "FAILED: $(basename "$script") $*: the last line is not \"$want...\""
	exit 1
fi
echo "ok: $(basename "$script") $*: ${last%%:*} as expected"
