# SPDX-License-Identifier: GPL-3.0-or-later
# Against the Linux bonding driver (802.3ad, in a qemu guest): negotiation.
# The guest boots with its actor system, system priority and user port key
# from its kernel command line. Our two ports on its taps must bring both
# slaves into one aggregator with port state 63 (ATGSCD) on both sides,
# each side's partner fields naming the other exactly. Then the modes: we
# passive against the guest active, the guest passive (lacp_active off)
# against us active, both passive (silence), and one side turning active.
source [file join [file dirname [info script]] lib netns.tcl]
source [file join [file dirname [info script]] lib bond.tcl]
package require lacp

set guestSystem 02:00:00:00:be:01
set guestPrio 100
set userKey 5
# 802.3ad key of a full-duplex 1 Gb/s port: user key << 6 | speed 4 << 1 | duplex
set guestKey [expr {($userKey << 6) | (4 << 1) | 1}]

proc ports {lab mode} {
    foreach tap [dict get $lab taps] p {p1 p2} {
        lacp::port create $p -interface $tap -netns [dict get $lab ns] -mode $mode
    }
}

proc both {cond ms} {
    expr {[p1 wait $cond -timeout $ms] && [p2 wait $cond -timeout $ms]}
}

bond::run {
    # booted passive (lacp_active off): nobody speaks until we turn active
    set lab [bond::lab -bond [list ad_actor_system $guestSystem ad_actor_sys_prio $guestPrio \
                                  ad_user_port_key $userKey lacp_active off]]
    set g [dict get $lab guest]
    puts "guest booted in [bond::boot_ms $g] ms"
    lassign [bond::slaves $g] e0 e1

    # ---- both passive: silence. A slave starts defaulted, expires 0.1 s
    # after the bond comes up (no partner) and defaults again 3 s later;
    # the guest sends a LACPDU at these changes of its own state, passive
    # or not. Silence is checked once each slave has been through them.
    proc settled {g if} {
        set seenE 0
        foreach d [bond::history $g $if] {
            if {[bond::has [dict get $d actor_state] E]} {set seenE 1}
        }
        set s [bond::slave $g $if actor_state]
        expr {$seenE && [bond::has $s F] && ![bond::has $s E]}
    }
    t::check "the guest's slaves expire and default without a partner" {
        [bond::until {[settled $g $e0] && [settled $g $e1]} 10000]
    } {[bond::tail $g]}
    set st0 [bond::stats $g]
    ports $lab passive
    bond::until 0 2500
    set st1 [bond::stats $g]
    set sent [expr {[dict get $st1 $e0 lacpdu_tx] - [dict get $st0 $e0 lacpdu_tx]
                    + [dict get $st1 $e1 lacpdu_tx] - [dict get $st0 $e1 lacpdu_tx]}]
    set c1 [p1 counters]
    set c2 [p2 counters]
    t::check "passive/passive: the guest sends nothing in 2.5 s ($sent LACPDUs)" {
        $sent == 0 && [dict get $c1 lacpdus_rx] + [dict get $c2 lacpdus_rx] == 0
    } {$st0 // $st1}
    t::check "passive/passive: we send nothing either" {
        [dict get $c1 lacpdus_tx] + [dict get $c2 lacpdus_tx] == 0
    }
    t::check "passive/passive: the guest has no partner and no active port" {
        [bond::slave $g $e0 partner_mac] eq "00:00:00:00:00:00" && ![bond::has [bond::slave $g $e0 actor_state] SCD]
    } {[bond::slave $g $e0]}

    # ---- the guest passive, we active
    set t0 [clock milliseconds]
    foreach p {p1 p2} {$p configure -mode active}
    set ok [both {mux is COLLECTING_DISTRIBUTING and partner has SCD} 8000]
    set took [expr {[clock milliseconds] - $t0}]
    t::check "guest passive, us active: negotiated ($took ms)" {$ok && $took < 4000}
    t::check "guest passive: its Activity bit is clear (TGSCD, 62) on both sides' view" {
        [dict get [p1 status] partner state] eq "TGSCD"
        && [bond::until {[bond::slave $g $e0 actor_state] == 62 && [bond::slave $g $e1 actor_state] == 62} 3000]
    } {[p1 status] // [bond::slave $g $e0]}
    t::check "guest passive: /proc says LACP active off" {
        [string match "*LACP active: off*" [bond::procfile $g]]
    }

    # ---- active / active
    bond::option $g lacp_active on
    t::check "both active: the guest says so and reports both slaves active in one aggregator, states 63" {
        [bond::until {[bond::all_up $g 63]} 6000]
    } {[bond::tail $g]}
    t::check "both active: our ports collect and distribute, the guest in sync and active" {
        [both {mux is COLLECTING_DISTRIBUTING and partner is ATGSCD} 3000]
    }
    set s1 [p1 status]
    set s2 [p2 status]
    set d0 [bond::slave $g $e0]
    set d1 [bond::slave $g $e1]
    t::check "the guest's actor is our partner: system, priority, key, port" {
        [dict get $s1 partner system] eq $guestSystem && [dict get $s2 partner system] eq $guestSystem
        && [dict get $s1 partner system_priority] == $guestPrio
        && [dict get $s1 partner key] == $guestKey && [dict get $s2 partner key] == $guestKey
        && [dict get $s1 partner port] == [dict get $d0 actor_port]
        && [dict get $s2 partner port] == [dict get $d1 actor_port]
        && [dict get $d0 actor_key] == $guestKey
    } {$s1 // $d0}
    t::check "our actor is the guest's partner: system, priority, key, port" {
        [dict get $d0 partner_mac] eq [dict get $s1 actor system]
        && [dict get $d1 partner_mac] eq [dict get $s2 actor system]
        && [dict get $d0 partner_key] == [dict get $s1 actor key]
        && [dict get $d0 partner_port] == [dict get $s1 actor port]
        && [dict get $d1 partner_port] == [dict get $s2 actor port]
        && [dict get $d0 partner_sys_prio] == [dict get $s1 actor system_priority]
    } {$s1 // $d0}
    t::check "partner state ATGSCD (63) on both sides" {
        [dict get $s1 partner state] eq "ATGSCD" && [dict get $s2 partner state] eq "ATGSCD"
        && [dict get $d0 partner_state] == 63 && [dict get $d1 partner_state] == 63
    }
    set b [bond::bond $g]
    t::check "the guest's active aggregator has both ports, our system as partner, carrier up" {
        [dict get $b ports] == 2 && [dict get $b partner_mac] eq [dict get $s1 actor system]
        && [dict get $b active_agg] == [dict get $d0 agg] && [dict get $b carrier] == 1
    } {$b}
    t::check "one aggregator on our side" {
        [dict get $s1 aggregator] == [dict get $s2 aggregator] && [dict get $s1 aggregator] != 0
    }
    set proc [bond::procfile $g]
    t::check "/proc/net/bonding/bond0 agrees: 802.3ad, fast, priority $guestPrio, our system as partner" {
        [string match "*IEEE 802.3ad Dynamic link aggregation*" $proc]
        && [string match "*LACP rate: fast*" $proc]
        && [string match "*Partner Mac Address: [dict get $s1 actor system]*" $proc]
        && [string match "*System priority: $guestPrio*" $proc]
    } {$proc}

    # ---- we passive, the guest active
    foreach p {p1 p2} {$p configure -mode passive}
    t::check "us passive: the guest sees our Activity bit clear (partner state 62), stays in sync" {
        [bond::until {[bond::slave $g $e0 partner_state] == 62 && [bond::slave $g $e1 partner_state] == 62
                      && [bond::slave $g $e0 actor_state] == 63 && [bond::slave $g $e1 state] eq "active"} 3000]
    } {[bond::slave $g $e0]}
    t::check "us passive: we stay collecting and distributing" {
        [dict get [p1 status] mux] eq "COLLECTING_DISTRIBUTING" && [dict get [p2 status] mux] eq "COLLECTING_DISTRIBUTING"
    }
}
