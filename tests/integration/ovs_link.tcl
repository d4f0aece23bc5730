# SPDX-License-Identifier: GPL-3.0-or-later
# Against Open vSwitch: our end of one link goes down and up (`link
# down|up`, netlink). OVS sees the carrier go, disables the member at once
# and counts the change; the other member stays up; when the link returns
# both sides negotiate again.
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
    set c0 [dict get [ovs::stats $h] d1 carrier_status_changed]
    set t0 [clock milliseconds]
    p1 link down
    set ok [ovs::until {![dict get [ovs::bond $h] members d1 enabled]} 2000 5]
    set took [expr {[clock milliseconds] - $t0}]
    t::check "OVS disables d1 when our end goes down ($took ms)" {$ok && $took < 500}
    t::check "OVS counts the carrier change" {
        [ovs::until {[dict get [ovs::stats $h] d1 carrier_status_changed] > $c0} 1000]
    }
    t::check "OVS logs the link state" {[string match "*member d1: link state down*" [ovs::log $h 50]]}
    t::check "our port is disabled" {[p1 wait {rx is PORT_DISABLED} -timeout 1000]}
    ovs::until 0 1500
    t::check "the other link stays up on both sides" {
        [dict get [ovs::bond $h] members d2 enabled] && [dict get [p2 status] mux] eq "COLLECTING_DISTRIBUTING"
        && [string match *SCD* [dict get [p2 status] partner state]]
    }
    set t0 [clock milliseconds]
    p1 link up
    set ok [p1 wait {mux is COLLECTING_DISTRIBUTING and partner has SCD} -timeout 6000]
    set took [expr {[clock milliseconds] - $t0}]
    t::check "renegotiated after the link returns ($took ms)" {$ok && $took < 3000}
    t::check "OVS enables d1 again" {
        [ovs::until {[dict get [set b [ovs::bond $h]] members d1 enabled]} 2000]
        && [dict get [ovs::member $h d1] status] eq "current"
    } {$b}
}
