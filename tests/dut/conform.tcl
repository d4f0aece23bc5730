# SPDX-License-Identifier: GPL-3.0-or-later
# The conformance suite (lacp::conform, -quick) against devices under test
# through the DUT interface (tests/lib/dut.tcl), the CI check of their
# columns of doc/interop.md:
#
#   lacpsh tests/dut/conform.tcl PEER ?PEER ...?
#
# PEER: ovs bonding teamd dpdk; bonding and teamd share one guest when
# both are given (one boot). For each peer, every verdict must be the one
# doc/interop.md commits for its column (ovs-active, bond-active,
# teamd-active, dpdk-active), but for those interop-notes.tcl lists as
# unstable against that peer (with why); a changed verdict fails the test
# (regenerate the column with scripts/interop -only COLUMN when the change
# is meant). A peer that cannot start is a failure saying why. Prints each
# run's wall time.

set here [file dirname [file normalize [info script]]]
source [file join $here .. integration lib netns.tcl]
source [file join $here .. integration lib conform.tcl]
source [file join $here .. integration lib interop-notes.tcl]

if {$argc == 0 || [llength [lmap p $argv {if {$p in [dut::peers]} continue; set p}]]} {
    puts stderr "usage: conform.tcl PEER ?PEER ...? (PEER: [dut::peers])"
    exit 2
}
set names {ovs "Open vSwitch" bonding "the Linux bonding driver" teamd teamd
    dpdk "DPDK's bonding mode 4"}

dut::run {
    set guest {}
    foreach peer $argv {
        set column [conf::column $peer]
        set t0 [clock milliseconds]
        set share {}
        if {$peer in {bonding teamd} && $guest ne {}} {set share $guest}
        if {[catch {conf::open $column -share $share} l]} {
            t::check "$peer: the DUT starts" 0 {$l}
            continue
        }
        if {$peer in {bonding teamd} && $guest eq {}} {set guest $l}
        puts "$peer: lab ready in [expr {[clock milliseconds] - $t0}] ms"
        conf::check_column $column [dict get $names $peer] $l
        puts "$peer: [expr {([clock milliseconds] - $t0) / 1000.0}] s with the lab"
    }
}
