# SPDX-License-Identifier: GPL-3.0-or-later
# Against Open vSwitch: one of our ports stops sending (stop-tx; it keeps
# receiving). OVS (lacp-time fast) expires the member 3 s after our last
# LACPDU - E bit, partner Sync cleared, the bond disables it - and defaults
# it 3 s later (F bit, Sync withdrawn, partner forgotten), counting both;
# the other member stays up. When we talk again it comes back.
source [file join [file dirname [info script]] lib netns.tcl]
source [file join [file dirname [info script]] lib ovs.tcl]
package require lacp

ovs::run {
    set lab [ovs::lab]
    set h [dict get $lab ovs]
    set ns [dict get $lab tester]
    lacp::port create p1 -interface t1 -netns $ns
    lacp::port create p2 -interface t2 -netns $ns
    set ::last 0
    p1 on tx {apply {{p e} {set ::last [dict get $e time]}}}
    t::check "negotiated" {
        [p1 wait {mux is COLLECTING_DISTRIBUTING and partner has SCD} -timeout 6000]
        && [p2 wait {mux is COLLECTING_DISTRIBUTING and partner has SCD} -timeout 6000]
    }
    set c0 [dict get [ovs::stats $h] d1]
    p1 when {after 0} then stop-tx -once
    t::check "stop-tx: our port says so" {[ovs::until {[dict get [p1 status] tx] eq "stopped"} 1000]}
    set last $::last
    t::check "OVS expires d1" {[ovs::until {[dict get [ovs::member $h d1] status] eq "expired"} 4500 10]}
    set exp [expr {round([lacp::clock now] - $last)}]
    t::check "3 s after our last LACPDU ($exp ms)" {$exp >= 2950 && $exp <= 3250}
    set v [ovs::member $h d1]
    t::check "expired: OVS clears our Sync and disables the member" {
        ![string match *S* [dict get $v partner state]] && ![dict get $v may_enable]
        && ![dict get [ovs::bond $h] members d1 enabled]
    } {$v}
    t::check "OVS counts the expiry" {[dict get [ovs::stats $h] d1 link_expired] == [dict get $c0 link_expired] + 1}
    t::check "we see its E bit" {[p1 wait {partner has E} -timeout 1500]}
    t::check "OVS defaults d1" {[ovs::until {[dict get [ovs::member $h d1] status] eq "defaulted"} 4500 10]}
    set def [expr {round([lacp::clock now] - $last)}]
    t::check "3 s later ($def ms)" {$def >= 5950 && $def <= 6300}
    set v [ovs::member $h d1]
    t::check "defaulted: partner forgotten, member detached" {
        [dict get $v partner sys_id] eq "00:00:00:00:00:00" && ![dict get $v attached]
    } {$v}
    t::check "OVS counts the default" {[dict get [ovs::stats $h] d1 link_defaulted] == [dict get $c0 link_defaulted] + 1}
    t::check "we see F and no Sync (at once: OVS sends on its Sync change)" {
        [p1 wait {partner has F and partner lacks S} -timeout 300]
    }
    t::check "the other member stayed up on both sides" {
        [dict get [ovs::member $h d2] status] eq "current" && [dict get [ovs::bond $h] members d2 enabled]
        && [dict get [p2 status] mux] eq "COLLECTING_DISTRIBUTING"
    }
    set t0 [clock milliseconds]
    p1 when {after 0} then start-tx -once
    t::check "start-tx: d1 comes back" {
        [p1 wait {mux is COLLECTING_DISTRIBUTING and partner has SCD} -timeout 5000]
        && [ovs::until {[dict get [ovs::bond $h] members d1 enabled]} 2000]
    }
    t::check "within 3 s ([expr {[clock milliseconds] - $t0}] ms)" {[clock milliseconds] - $t0 < 3000}
}
