#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs one scenario script against a fresh Open vSwitch, by hand, as root:
#
#   bash tests/integration/lib/ovs.sh [--links N] [--lacp active|passive]
#        [--time fast|slow] examples/NAME.tcl [script options...]
#
# Builds the lab of lib/ovs.tcl (tester and DUT namespaces, N veth links,
# OVS bonding the DUT ends), runs the script on the tester ends with
# -netns, prints OVS's own view afterwards (lacp/show, lacp/show-stats,
# bond/show), removes everything and exits with the script's code.
# LACP_BUILD names the build tree (default: build).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
build=${LACP_BUILD:-$root/build}

links=2 lacp=active time=fast
while [ $# -gt 0 ]; do
	case $1 in
	--links) links=$2; shift 2 ;;
	--lacp) lacp=$2; shift 2 ;;
	--time) time=$2; shift 2 ;;
	-*) echo "usage: $0 [--links N] [--lacp active|passive] [--time fast|slow] SCRIPT [ARG ...]" >&2; exit 2 ;;
	*) break ;;
	esac
done
[ $# -ge 1 ] || { echo "usage: $0 [--links N] [--lacp active|passive] [--time fast|slow] SCRIPT [ARG ...]" >&2; exit 2; }

runner=$(mktemp /tmp/lacp-ovs-run.XXXXXX.tcl)
trap 'rm -f "$runner"' EXIT
cat > "$runner" <<'TCL'
lassign $argv lib lacpsh links lacp time script
set args [lrange $argv 6 end]
source $lib
if {[set why [ovs::unavailable]] ne {}} {puts stderr $why; exit 2}
set code 2
try {
    set lab [ovs::lab -links $links -lacp $lacp -time $time]
    set h [dict get $lab ovs]
    puts "lab: tester [dict get $lab tester] ([dict get $lab ours]), OVS in [dict get $lab dut] ([dict get $lab theirs]), lacp=$lacp lacp-time=$time"
    set code [catch {exec $lacpsh $script -netns [dict get $lab tester] {*}$args {*}[dict get $lab ours] >@ stdout 2>@ stderr} msg opts]
    if {$code} {set code [lindex [dict get $opts -errorcode] 2]}
    puts "---- OVS's view afterwards"
    puts [ovs::appctl $h lacp/show]
    puts [ovs::appctl $h lacp/show-stats]
    puts [ovs::appctl $h bond/show]
} finally {
    ovs::cleanup
}
exit $code
TCL
TCLLIBPATH="$build/lib" "$build/bin/lacpsh" "$runner" "$here/ovs.tcl" "$build/bin/lacpsh" \
	"$links" "$lacp" "$time" "$@"
