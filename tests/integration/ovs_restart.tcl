# SPDX-License-Identifier: GPL-3.0-or-later
# Against Open vSwitch: ovs-vswitchd restarted mid-session. Restarted
# quickly, it is back before our short timeout and the LAG recovers; kept
# down, our ports expire 3 s after its last LACPDU (E bit, partner out of
# sync, mux out of COLLECTING_DISTRIBUTING), then default, and negotiate
# again as soon as it returns.
source [file join [file dirname [info script]] lib netns.tcl]
source [file join [file dirname [info script]] lib ovs.tcl]
package require lacp

proc both {cond ms} {
    expr {[p1 wait $cond -timeout $ms] && [p2 wait $cond -timeout $ms]}
}

ovs::run {
    set lab [ovs::lab]
    set h [dict get $lab ovs]
    set ns [dict get $lab tester]
    lacp::port create p1 -interface t1 -netns $ns
    lacp::port create p2 -interface t2 -netns $ns
    t::check "negotiated" {[both {mux is COLLECTING_DISTRIBUTING and partner has SCD} 6000]}
    set sys [dict get [p1 status] partner system]
    set ::last 0
    p1 on rx {apply {{p e} {set ::last [dict get $e time]}}}

    # a quick restart
    set old [dict get [ovs::pids $h] ovs-vswitchd]
    set t0 [clock milliseconds]
    ovs::restart $h
    set new [dict get [ovs::pids $h] ovs-vswitchd]
    t::check "ovs-vswitchd restarted ([expr {[clock milliseconds] - $t0}] ms, pid $old -> $new)" {$new != $old && $new != 0}
    set ok [both {mux is COLLECTING_DISTRIBUTING and partner has SCD and partner lacks EF} 6000]
    t::check "the LAG recovers within 3 s ([expr {[clock milliseconds] - $t0}] ms)" {$ok && [clock milliseconds] - $t0 < 3000}
    t::check "the restarted switch has the same system id" {[dict get [p1 status] partner system] eq $sys}
    t::check "OVS negotiated again" {[ovs::until {[dict get [ovs::show $h] negotiated]
        && [dict get [ovs::bond $h] members d1 enabled] && [dict get [ovs::bond $h] members d2 enabled]} 2000]}

    # kept down past our timeout
    ovs::stop_switch $h
    set down [clock milliseconds]
    set lastRx $::last
    t::check "our ports expire" {[both {rx is EXPIRED} 5000]}
    set exp [expr {round([lacp::clock now] - $lastRx)}]
    t::check "3 s after OVS's last LACPDU ($exp ms)" {$exp >= 2950 && $exp <= 3150}
    set s [p1 status]
    t::check "expired: E bit, partner out of sync, not collecting" {
        [string match *E* [dict get $s actor state]] && ![string match *S* [dict get $s partner state]]
        && [dict get $s mux] ne "COLLECTING_DISTRIBUTING"
    } {$s}
    t::check "then defaulted" {[both {rx is DEFAULTED} 4000]}
    set t0 [clock milliseconds]
    ovs::start_switch $h
    set ok [both {mux is COLLECTING_DISTRIBUTING and partner has SCD} 6000]
    set took [expr {[clock milliseconds] - $t0}]
    t::check "the LAG comes back once OVS runs again ($took ms)" {$ok && $took < 3500}
    t::check "OVS negotiated" {[ovs::until {[dict get [ovs::show $h] negotiated]} 2000]}
}
