#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The Debian package from end to end, as root: scripts/package builds it
# from a clean clone (lintian: no errors), apt installs it, then only the
# installed files are used: `package require lacp` in a plain tclsh,
# lacpsh --version, man -w, a two-port wire scenario in lacpsh and one
# through lacpctld/lacpctlc with the packaged unit's -g lacp; then it is
# purged and nothing may be left. Whatever happens the machine is left as
# it was: the package is purged on exit, and a run that was killed is
# cleaned up by the next one (a marker file names its pid).
set -uo pipefail
src=${1:?usage: package.sh SOURCE_DIR TMP_DIR}
tmpbase=${2:?usage: package.sh SOURCE_DIR TMP_DIR}

if [ "$(id -u)" != 0 ]; then echo "SKIP: installs a package: needs root"; exit 77; fi
command -v apt-get >/dev/null || { echo "SKIP: no apt-get"; exit 77; }

marker=/run/lacp-package-test.pid
apt_() { DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 -y -qq "$@"; }
installed() { dpkg-query -W -f='${Status}' lacp 2>/dev/null | grep -q 'ok installed'; }
state() { dpkg-query -W -f='${db:Status-Abbrev}' lacp 2>/dev/null | tr -d ' '; }

# A previous run killed before its cleanup: its package goes now.
if [ -f "$marker" ] && ! kill -0 "$(cat "$marker")" 2>/dev/null; then
	echo "note: purging the package a killed run left installed" >&2
	apt_ purge lacp >/dev/null 2>&1
	rm -f "$marker"
fi
if [ -n "$(state)" ] && [ "$(state)" != un ]; then
	echo "SKIP: a lacp package is already installed here ($(state)); not touching it"
	exit 77
fi

mkdir -p "$tmpbase"
tmp=$(mktemp -d "$tmpbase/package.XXXXXX")
dpid=
had_group=0
getent group lacp >/dev/null && had_group=1
cleanup() {
	[ -n "$dpid" ] && kill -KILL "$dpid" 2>/dev/null
	if [ -f "$marker" ]; then
		apt_ purge lacp >/dev/null 2>&1
		rm -f "$marker"
	fi
	# a package that failed to remove its group does not leave it here
	if [ $had_group = 0 ] && getent group lacp >/dev/null; then
		delgroup --system --only-if-empty lacp >/dev/null 2>&1
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
failed=0
fail() { echo "FAIL: $*" >&2; failed=1; }
fatal() { echo "FAIL: $*" >&2; exit 1; }

start=$(date +%s)
deb=$(bash "$src/scripts/package" --out "$tmp/out" | tail -1) || fatal "scripts/package failed"
[[ $(basename "$deb") =~ ^lacp_[0-9][^_]*_amd64\.deb$ ]] || fatal "package named $(basename "$deb")"
built=$(date +%s)

echo $$ >"$marker"
apt_ install "$deb" >"$tmp/apt.log" 2>&1 || { cat "$tmp/apt.log" >&2; fatal "apt install"; }
installed || fatal "not installed after apt install"
files=$(dpkg -L lacp)

# Only what the package installed: a clean environment, outside any tree.
run() { (cd "$tmp" && env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$tmp" LANG=C.UTF-8 "$@"); }

out=$(echo 'puts [package require lacp]; puts [package ifneeded lacp [package require lacp]]' | run tclsh 2>&1)
[[ $out == 0.1$'\n'*"/usr/lib/tcltk/"* ]] || fail "package require lacp in tclsh: $out"
out=$(run lacpsh --version 2>&1) || fail "lacpsh --version exits $?"
[[ $out == "lacpsh "[0-9]* ]] || fail "lacpsh --version: $out"
[ "$(run sh -c 'command -v lacpsh')" = /usr/bin/lacpsh ] || fail "lacpsh is not /usr/bin/lacpsh"
out=$(run man -w lacpsh 2>&1) || fail "man -w lacpsh: $out"
[ "$out" = /usr/share/man/man1/lacpsh.1.gz ] || fail "man -w lacpsh: $out"
for page in lacpctlc lacpctld lacp; do
	run man -w "$page" >/dev/null 2>&1 || fail "man -w $page"
done
for f in lacpsh lacpctlc lacpctld lacp-conform; do
	[ -f /usr/share/bash-completion/completions/$f ] || fail "no bash completion for $f"
done
getent group lacp >/dev/null || fail "no system group lacp"
[ -f /lib/systemd/system/lacpctld.service ] || fail "no lacpctld unit"
grep -q '^ExecStart=/usr/bin/lacpctld -f -g lacp ' /lib/systemd/system/lacpctld.service ||
	fail "the unit does not run lacpctld -g lacp"
[ -e /etc/systemd/system/multi-user.target.wants/lacpctld.service ] && fail "lacpctld is enabled"

# Two ports on a wire, in lacpsh as installed.
cat >"$tmp/wire.tcl" <<'TCL'
lacp::clock mode virtual
lacp::wire create w
lacp::port create a -wire w -system 02:00:00:00:00:0a
lacp::port create b -wire w -system 02:00:00:00:00:0b -mode passive
puts [a wait {mux is COLLECTING_DISTRIBUTING and partner has SCD} -timeout 5000]
puts [dict get [b status] partner state]
TCL
out=$(run lacpsh "$tmp/wire.tcl" 2>&1)
[ "$out" = $'1\nATGSCD' ] || fail "wire scenario in lacpsh: $out"

# The same through the daemon, as the packaged unit starts it.
run lacpctld -f -g lacp -s "$tmp/ctld.sock" -l "$tmp/ctld.log" &
dpid=$!
for _ in $(seq 500); do [ -S "$tmp/ctld.sock" ] && break; sleep 0.01; done
[ "$(stat -c '%a %G' "$tmp/ctld.sock" 2>/dev/null)" = "660 lacp" ] || fail "socket mode/group: $(stat -c '%a %G' "$tmp/ctld.sock" 2>&1)"
out=$(run lacpctlc -s "$tmp/ctld.sock" "$tmp/wire.tcl" 2>&1)
[ "$out" = $'1\nATGSCD' ] || fail "wire scenario through lacpctld: $out"
run lacpctlc -s "$tmp/ctld.sock" --shutdown >/dev/null 2>&1 || fail "lacpctlc --shutdown"
wait "$dpid" 2>/dev/null
dpid=

# Purge: nothing of the package may be left.
apt_ purge lacp >"$tmp/apt.log" 2>&1 || { cat "$tmp/apt.log" >&2; fail "apt purge"; }
rm -f "$marker"
[ -z "$(state)" ] || [ "$(state)" = un ] || fail "after purge, dpkg says $(state)"
while IFS= read -r f; do
	[ -e "$f" ] || continue
	[ -d "$f" ] && [ "$(find "$f" -mindepth 1 -maxdepth 1 | head -1)" != "" ] && continue
	case $f in /. | /lib | /lib/systemd | /lib/systemd/system | /usr | /usr/bin | /usr/lib | /usr/share | /usr/share/*/ | /usr/share/man | /usr/share/man/man[0-9] | /usr/share/doc | /usr/lib/tcltk | /usr/lib/tcltk/* | /usr/share/bash-completion*) [ -d "$f" ] && continue ;; esac
	fail "left after purge: $f"
done <<<"$files"
[ -e /usr/lib/tcltk/x86_64-linux-gnu/lacp0.1 ] && fail "left after purge: the Tcl package directory"
getent group lacp >/dev/null && fail "the group lacp is left after purge"
[ "$(echo 'puts [catch {package require lacp}]' | run tclsh 2>&1)" = 1 ] ||
	fail "package require lacp works after purge"
end=$(date +%s)
[ $failed = 0 ] && echo "ok: built in $((built - start)) s, installed, used, purged clean; $((end - start)) s in all"
exit $failed
