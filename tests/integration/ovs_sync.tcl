# SPDX-License-Identifier: GPL-3.0-or-later
# Against Open vSwitch: we force our advertised state without Sync on one
# link (`force actor`), then release it. OVS disables the member as soon
# as our LACPDU says out of sync and enables it again on release, while
# its own state on the wire does not change (it stays attached, in Sync,
# collecting and distributing: the bond alone stops using the member).
source [file join [file dirname [info script]] lib netns.tcl]
source [file join [file dirname [info script]] lib ovs.tcl]
package require lacp

ovs::run {
    set lab [ovs::lab]
    set h [dict get $lab ovs]
    set ns [dict get $lab tester]
    lacp::port create p1 -interface t1 -netns $ns
    lacp::port create p2 -interface t2 -netns $ns
    t::check "negotiated" {
        [p1 wait {mux is COLLECTING_DISTRIBUTING and partner has SCD} -timeout 6000]
        && [p2 wait {mux is COLLECTING_DISTRIBUTING and partner has SCD} -timeout 6000]
        && [ovs::until {[dict get [ovs::bond $h] members d1 enabled]} 2000]
    }
    set rx {}
    p1 on rx {apply {{p e} {if {[dict exists $e pdu actor state]} {lappend ::rx [dict get $e pdu actor state]}}}}
    # times our LACPDUs left with and without Sync (the transmit limit may
    # hold one back for up to a second after negotiation)
    set ::left {}
    p1 on tx {apply {{p e} {
        if {![dict exists $e pdu actor state]} return
        set s [expr {[string match *S* [dict get $e pdu actor state]] ? "sync" : "nosync"}]
        if {![dict exists $::left $s]} {dict set ::left $s [dict get $e time]}
    }}}
    p1 when {after 0} then {force actor ATG} -once
    t::check "our LACPDU without Sync leaves" {[ovs::until {[dict exists $::left nosync]} 1500 5]}
    set ok [ovs::until {![dict get [ovs::bond $h] members d1 enabled]} 2000 5]
    set took [expr {round([lacp::clock now] - [dict get $::left nosync])}]
    t::check "OVS disables d1 when our Sync goes ($took ms after our LACPDU)" {$ok && $took < 300}
    set v [ovs::member $h d1]
    t::check "OVS records our state without Sync" {[dict get $v partner state] eq "ATG" && ![dict get $v may_enable]} {$v}
    t::check "our status shows the pin, our machines go on" {
        [dict get [p1 status] forced] ne {} && [dict get [p1 status] mux] eq "COLLECTING_DISTRIBUTING"
    } {[p1 status]}
    ovs::until 0 2200
    t::check "OVS's state on the wire stays ATGSCD ($rx)" {[llength $rx] >= 2 && [lsort -unique $rx] eq "ATGSCD"}
    t::check "OVS echoes our state without Sync" {[string match *ATG* [dict get [ovs::member $h d1] partner state]]}
    t::check "d2 carries on" {[dict get [ovs::bond $h] members d2 enabled] && [dict get [p2 status] mux] eq "COLLECTING_DISTRIBUTING"}
    set ::left {}
    p1 when {after 0} then release -once
    t::check "our LACPDU with Sync leaves" {[ovs::until {[dict exists $::left sync]} 1500 5]}
    set ok [ovs::until {[dict get [ovs::bond $h] members d1 enabled]} 2000 5]
    set took [expr {round([lacp::clock now] - [dict get $::left sync])}]
    t::check "OVS enables d1 again on release ($took ms after our LACPDU)" {$ok && $took < 300}
    t::check "and records our Sync" {[dict get [ovs::member $h d1] partner state] eq "ATGSCD"}
    t::check "the pin is gone" {[dict get [p1 status] forced] eq {}}
}
