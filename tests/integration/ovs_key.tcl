# SPDX-License-Identifier: GPL-3.0-or-later
# Against Open vSwitch: our two links to its bond carry different keys.
# OVS keeps one of them (its lead member) and detaches the other: no Sync,
# Collecting or Distributing there, the bond disables that member, and our
# port on it waits in ATTACHED. Once the keys agree, both aggregate.
source [file join [file dirname [info script]] lib netns.tcl]
source [file join [file dirname [info script]] lib ovs.tcl]
package require lacp

ovs::run {
    set lab [ovs::lab]
    set h [dict get $lab ovs]
    set ns [dict get $lab tester]
    lacp::port create p1 -interface t1 -netns $ns -key 1
    lacp::port create p2 -interface t2 -netns $ns -key 2
    # one link up: then wait for a full OVS periodic on the other
    t::check "one link negotiates" {
        [ovs::until {[dict get [p1 status] mux] eq "COLLECTING_DISTRIBUTING"
                     || [dict get [p2 status] mux] eq "COLLECTING_DISTRIBUTING"} 6000]
    }
    ovs::until 0 1500
    set v [ovs::show $h]
    set att [lmap m {d1 d2} {dict get $v members $m attached}]
    t::check "OVS attaches exactly one member ($att)" {[lsort $att] eq {0 1}} {$v}
    set bad [expr {[lindex $att 0] ? "d2" : "d1"}]
    set good [expr {$bad eq "d1" ? "d2" : "d1"}]
    set pbad [string map {d p} $bad]
    set pgood [string map {d p} $good]
    t::check "the detached member advertises no Sync, Collecting, Distributing" {
        ![regexp {[SCD]} [dict get $v members $bad actor state]]
        && [dict get $v members $good actor state] eq "ATGSCD"
    } {$v}
    t::check "OVS records the two keys" {
        [dict get $v members d1 partner key] == 1 && [dict get $v members d2 partner key] == 2
    }
    set b [ovs::bond $h]
    t::check "the bond disables $bad only" {
        ![dict get $b members $bad enabled] && [dict get $b members $good enabled]
    } {$b}
    set sb [$pbad status]
    set sg [$pgood status]
    t::check "our $pbad waits in ATTACHED, $pgood collects and distributes" {
        [dict get $sb mux] eq "ATTACHED" && [dict get $sg mux] eq "COLLECTING_DISTRIBUTING"
    } {$sb // $sg}
    t::check "each key has its own aggregator on our side" {
        [dict get $sb aggregator] != [dict get $sg aggregator]
    }
    $pbad configure -key [$pgood cget -key]
    set t0 [clock milliseconds]
    set ok [$pbad wait {mux is COLLECTING_DISTRIBUTING and partner has SCD} -timeout 5000]
    set took [expr {[clock milliseconds] - $t0}]
    t::check "with equal keys $pbad aggregates ($took ms: our aggregate wait)" {$ok && $took < 2600}
    t::check "OVS attaches and enables both" {
        [ovs::until {[dict get [set b [ovs::bond $h]] members d1 enabled] && [dict get $b members d2 enabled]} 2000]
    } {$b}
    t::check "one aggregator on our side" {[dict get [p1 status] aggregator] == [dict get [p2 status] aggregator]}
}
