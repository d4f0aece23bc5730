# SPDX-License-Identifier: GPL-3.0-or-later
# Against Open vSwitch: active/active, active/passive in both directions,
# and passive/passive silence. Each case gets a fresh switch; both views
# are checked, ours from `status` and OVS's from lacp/show and bond/show.
source [file join [file dirname [info script]] lib netns.tcl]
source [file join [file dirname [info script]] lib ovs.tcl]
package require lacp

# Our two ports on the tester ends of LAB, in MODE.
proc ports {lab mode} {
    set k 0
    foreach if [dict get $lab ours] {
        lacp::port create p[incr k] -interface $if -netns [dict get $lab tester] -mode $mode
    }
}

proc teardown {} {
    foreach p [lacp::port names] {$p destroy}
    ovs::cleanup
}

# Both sides negotiated: OVS's MODE is ovs, ours is us.
proc negotiated {ovs us} {
    set lab [ovs::lab -lacp $ovs]
    set h [dict get $lab ovs]
    ports $lab $us
    set t0 [clock milliseconds]
    set ok [expr {[p1 wait {mux is COLLECTING_DISTRIBUTING and partner has SCD} -timeout 6000]
                  && [p2 wait {mux is COLLECTING_DISTRIBUTING and partner has SCD} -timeout 6000]}]
    set took [expr {[clock milliseconds] - $t0}]
    # 2 s of aggregate wait, plus up to one fast period when we are passive
    # and wait for OVS to speak (it does, fast, for 6 s after it starts:
    # members start expired, with a short timeout assumed for the partner)
    t::check "OVS $ovs / us $us: both our ports collecting and distributing ($took ms)" {
        $ok && $took < ($us eq "passive" ? 3600 : 2600)
    }
    t::check "OVS $ovs / us $us: OVS negotiated, both members current, attached, enabled" {
        [ovs::until {[dict get [set v [ovs::show $h]] negotiated]
            && [dict get $v members d1 may_enable] && [dict get $v members d2 may_enable]} 2000]
        && [dict get [ovs::bond $h] members d1 enabled] && [dict get [ovs::bond $h] members d2 enabled]
        && [dict get $v members d1 status] eq "current" && [dict get $v members d2 status] eq "current"
    } {[ovs::appctl $h lacp/show]}
    set v [ovs::show $h]
    set s1 [p1 status]
    set s2 [p2 status]
    t::check "OVS $ovs / us $us: OVS's actor is our partner" {
        [dict get $s1 partner system] eq [dict get $v sys_id]
        && [dict get $s1 partner key] == [dict get $v members d1 actor key]
        && [dict get $s1 partner port] == [dict get $v members d1 actor port_id]
        && [dict get $s1 partner state] eq [dict get $v members d1 actor state]
    } {$s1 // $v}
    t::check "OVS $ovs / us $us: OVS's partner is our actor" {
        [dict get $v members d1 partner sys_id] eq [dict get $s1 actor system]
        && [dict get $v members d2 partner port_id] == [dict get $s2 actor port]
        && [dict get $v members d1 partner state] eq [dict get $s1 actor state]
    } {$s1 // $v}
    t::check "OVS $ovs / us $us: activity bits say who is active" {
        [string match *A* [dict get $s1 actor state]] == ($us eq "active")
        && [string match *A* [dict get $s1 partner state]] == ($ovs eq "active")
        && [dict get $v status] eq $ovs
    }
    t::check "OVS $ovs / us $us: one aggregator on our side" {
        [dict get $s1 aggregator] == [dict get $s2 aggregator] && [dict get $s1 aggregator] != 0
    }
    teardown
}

ovs::run {
    negotiated active active
    negotiated active passive
    negotiated passive active

    # passive against passive: nobody speaks first
    set lab [ovs::lab -lacp passive]
    set h [dict get $lab ovs]
    ports $lab passive
    ovs::until 0 2500
    set c1 [p1 counters]
    set c2 [p2 counters]
    t::check "passive/passive: we send and receive nothing in 2.5 s" {
        [dict get $c1 lacpdus_tx] + [dict get $c2 lacpdus_tx] == 0
        && [dict get $c1 lacpdus_rx] + [dict get $c2 lacpdus_rx] == 0
    } {$c1 // $c2}
    set st [ovs::stats $h]
    t::check "passive/passive: OVS sent and received nothing" {
        [dict get $st d1 tx_pdus] + [dict get $st d2 tx_pdus] == 0
        && [dict get $st d1 rx_pdus] + [dict get $st d2 rx_pdus] == 0
    } {$st}
    set v [ovs::show $h]
    t::check "passive/passive: OVS not negotiated, members defaulted" {
        ![dict get $v negotiated] && [dict get $v members d1 status] eq "defaulted"
    } {$v}
    # (EXPIRED for the first 3 s: no PDU yet, short timeout running)
    t::check "passive/passive: our ports have no partner, no aggregator" {
        [dict get [p1 status] rx] in {EXPIRED DEFAULTED} && [dict get [p1 status] mux] eq "DETACHED"
        && [dict get [p1 status] partner system] eq "00:00:00:00:00:00"
    } {[p1 status]}
    # one side turning active is enough
    p1 configure -mode active
    t::check "passive/passive: our going active brings the link up" {
        [p1 wait {mux is COLLECTING_DISTRIBUTING and partner has SCD} -timeout 4000]
    }
    teardown
}
