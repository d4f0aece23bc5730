# SPDX-License-Identifier: GPL-3.0-or-later
# Against the Linux bonding driver (in a qemu guest, three links): which
# aggregator it makes active (ad_select), and min_links. Our third port
# carries another key than the first two, so the guest has a one-port
# aggregator and a two-port one.
#   stable: the aggregator that came up first stays active while it has a
#           port up, though a larger one appears; it is replaced only when
#           it loses its last port.
#   count:  the aggregator with more ports takes over as soon as it is
#           ready, the one-port aggregator still up. (The driver, 6.1, then
#           makes the slave of the old aggregator a backup but leaves its
#           LACP state as it was, Sync, Collecting and Distributing: the
#           partner is not told that the link no longer carries traffic.)
#   min_links 2: the bond's carrier goes down when its active aggregator
#           has fewer than two ports, and comes back with the second.
source [file join [file dirname [info script]] lib netns.tcl]
source [file join [file dirname [info script]] lib bond.tcl]
package require lacp

bond::run {
    set lab [bond::lab -links 3 -bond {ad_select stable}]
    set g [dict get $lab guest]
    set ns [dict get $lab ns]
    lassign [bond::slaves $g] e0 e1 e2
    lassign [dict get $lab taps] tap0 tap1 tap2
    proc agg {if} {bond::slave $::g $if agg}
    proc active {} {bond::bond $::g active_agg}
    # the two-port aggregator is active with both its slaves collecting
    proc pair_active {} {
        expr {[agg $::e0] == [agg $::e1] && [active] == [agg $::e0] && [bond::bond $::g ports] == 2
              && [bond::slave $::g $::e0 actor_state] == 63 && [bond::slave $::g $::e1 actor_state] == 63}
    }

    # ---- stable
    lacp::port create p3 -interface $tap2 -netns $ns -key 2
    t::check "stable: the one-port aggregator ($e2, key 2) comes up and is active" {
        [bond::until {[active] == [agg $e2] && [bond::slave $g $e2 actor_state] == 63
                      && [bond::slave $g $e2 partner_state] == 63} 8000]
    } {[bond::tail $g]}
    set single [agg $e2]
    lacp::port create p1 -interface $tap0 -netns $ns -key 1
    lacp::port create p2 -interface $tap1 -netns $ns -key 1
    t::check "stable: $e0 and $e1 (key 1) form an aggregator of their own" {
        [bond::until {[agg $e0] == [agg $e1] && [agg $e0] != $single
                      && [bond::slave $g $e0 partner_key] == 1 && [bond::slave $g $e1 partner_key] == 1} 6000]
    } {[bond::tail $g]}
    # the guest's aggregate wait (2 s) and then some
    bond::until 0 3000
    t::check "stable: the first aggregator stays active; $e0 and $e1 wait out of Sync (7)" {
        [active] == $single && [bond::bond $g ports] == 1
        && [bond::slave $g $e0 actor_state] == 7 && [bond::slave $g $e1 actor_state] == 7
        && [bond::slave $g $e2 actor_state] == 63
    } {[bond::bond $g] // [bond::slave $g $e0]}
    t::check "stable: our side agrees (p3 collects and distributes, p1 and p2 wait in ATTACHED)" {
        [dict get [p3 status] mux] eq "COLLECTING_DISTRIBUTING"
        && [dict get [p1 status] mux] eq "ATTACHED" && [dict get [p2 status] mux] eq "ATTACHED"
    }
    set t0 [clock milliseconds]
    bond::set_link $g 2 down
    t::check "stable: with $e2's cable pulled, the two-port aggregator takes over" {
        [bond::until {[pair_active]} 6000]
    } {[bond::tail $g]}
    t::check "stable: p1 and p2 collect and distribute ([expr {[clock milliseconds] - $t0}] ms)" {
        [p1 wait {mux is COLLECTING_DISTRIBUTING and partner is ATGSCD} -timeout 3000]
        && [p2 wait {mux is COLLECTING_DISTRIBUTING and partner is ATGSCD} -timeout 3000]
    }
    bond::set_link $g 2 up
    t::check "stable: $e2 back, it stays out (its aggregator is not made active again)" {
        [bond::until {[bond::slave $g $e2 partner_key] == 2 && [bond::slave $g $e2 mii] eq "up"
                      && [bond::slave $g $e2 partner_state] == 15} 6000]
        && [bond::until 0 2500] == 0 && [pair_active] && [bond::slave $g $e2 actor_state] == 7
    } {[bond::tail $g]}

    # ---- count: the one-port aggregator first, then the two-port one
    bond::set_link $g 0 down
    bond::set_link $g 1 down
    bond::option $g ad_select count
    t::check "count: with $e0's and $e1's cables pulled, $e2's aggregator is active" {
        [string match "*ad_select): count*" [bond::procfile $g]]
        && [bond::until {[active] == [agg $e2] && [bond::slave $g $e2 actor_state] == 63} 8000]
    } {[bond::tail $g]}
    set t0 [clock milliseconds]
    bond::set_link $g 0 up
    bond::set_link $g 1 up
    set ok [bond::until {[pair_active]} 9000]
    t::check "count: with the cables back the two-port aggregator takes over ([expr {[clock milliseconds] - $t0}] ms)" {
        $ok && [bond::slave $g $e2 mii] eq "up"
    } {[bond::tail $g]}
    bond::until 0 2500
    t::check "count: $e2, still up, is a backup in its own aggregator" {
        [bond::slave $g $e2 state] eq "backup" && [agg $e2] != [active] && [pair_active]
    } {[bond::slave $g $e2]}
    t::check "count: yet its LACP state still says Sync, Collecting, Distributing (63), and p3 goes on distributing" {
        [bond::slave $g $e2 actor_state] == 63 && [p3 wait {mux is COLLECTING_DISTRIBUTING and partner is ATGSCD} -timeout 1500]
    } {[bond::slave $g $e2] // [p3 status]}

    # ---- min_links
    bond::option $g min_links 2
    t::check "min_links 2: carrier up with two ports" {
        [bond::until {[bond::bond $g min_links] == 2 && [bond::bond $g carrier] == 1} 2000]
    } {[bond::bond $g]}
    set t0 [clock milliseconds]
    bond::set_link $g 0 down
    set ok [bond::until {[bond::bond $g carrier] == 0} 3000 10]
    t::check "min_links 2: one cable pulled, the bond's carrier goes down ([expr {[clock milliseconds] - $t0}] ms)" {
        $ok && [bond::bond $g operstate] ne "up"
    } {[bond::bond $g]}
    bond::set_link $g 0 up
    set t0 [clock milliseconds]
    set ok [bond::until {[bond::bond $g carrier] == 1 && [pair_active]} 8000]
    t::check "min_links 2: the cable back, carrier up with two ports again ([expr {[clock milliseconds] - $t0}] ms)" {
        $ok && [bond::bond $g operstate] eq "up"
    } {[bond::bond $g]}
    bond::option $g min_links 3
    t::check "min_links 3: two ports are not enough" {
        [bond::until {[bond::bond $g carrier] == 0} 2000]
    } {[bond::bond $g]}
}
