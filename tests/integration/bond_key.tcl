# SPDX-License-Identifier: GPL-3.0-or-later
# Against the Linux bonding driver (in a qemu guest): our two links carry
# different keys. The guest puts the slaves into two aggregators (one per
# partner key); only one of them is the bond's active aggregator, and the
# driver keeps the slave of the other out of Sync altogether (state 7, ATG:
# it is not even attached) as a backup, so our port there waits in
# ATTACHED. Once the keys agree, both slaves share one aggregator.
source [file join [file dirname [info script]] lib netns.tcl]
source [file join [file dirname [info script]] lib bond.tcl]
package require lacp

bond::run {
    set lab [bond::lab]
    set g [dict get $lab guest]
    lassign [bond::slaves $g] e0 e1
    lassign [dict get $lab taps] tap0 tap1
    set ns [dict get $lab ns]
    lacp::port create p1 -interface $tap0 -netns $ns -key 1
    lacp::port create p2 -interface $tap1 -netns $ns -key 2
    t::check "the guest records the two keys" {
        [bond::until {[bond::slave $g $e0 partner_key] == 1 && [bond::slave $g $e1 partner_key] == 2} 8000]
    } {[bond::tail $g]}
    t::check "and puts the slaves into two aggregators" {
        [bond::until {[bond::slave $g $e0 agg] != [bond::slave $g $e1 agg]} 6000]
    } {[bond::tail $g]}
    # the one it keeps active
    t::check "one of them is the bond's active aggregator, with one port" {
        [bond::until {[bond::bond $g active_agg] in [list [bond::slave $g $e0 agg] [bond::slave $g $e1 agg]]
                      && [bond::bond $g ports] == 1} 3000]
    } {[bond::bond $g]}
    set active [bond::bond $g active_agg]
    if {[bond::slave $g $e0 agg] == $active} {
        lassign [list $e0 $e1 p1 p2] good bad pgood pbad
    } else {
        lassign [list $e1 $e0 p2 p1] good bad pgood pbad
    }
    t::check "$good collects and distributes (63); $bad stays out of Sync (7), a backup" {
        [bond::until {[bond::slave $g $good actor_state] == 63 && [bond::slave $g $good state] eq "active"} 3000]
        && [bond::slave $g $bad actor_state] == 7 && [bond::slave $g $bad state] eq "backup"
    } {[bond::slave $g $good] // [bond::slave $g $bad]}
    # stays so over a few of its periodic LACPDUs
    bond::until 0 2100
    t::check "the wire says the same: $pgood's partner ATGSCD, $pbad's ATG, $pbad waits in ATTACHED" {
        [$pgood wait {partner is ATGSCD} -timeout 1000] && [$pbad wait {partner is ATG} -timeout 1000]
        && [dict get [$pbad status] mux] eq "ATTACHED" && [bond::slave $g $bad actor_state] == 7
    } {[$pgood status] // [$pbad status]}
    t::check "each key has its own aggregator on our side too" {
        [dict get [p1 status] aggregator] != [dict get [p2 status] aggregator]
    }
    set b [bond::bond $g]
    t::check "the bond's partner key is that of the active aggregator" {
        [dict get $b partner_key] == [$pgood cget -key]
    } {$b}

    $pbad configure -key [$pgood cget -key]
    set t0 [clock milliseconds]
    set ok [bond::until {[bond::all_up $g 63]} 6000]
    set took [expr {[clock milliseconds] - $t0}]
    t::check "with equal keys both slaves are active in one aggregator, states 63 ($took ms)" {$ok} {[bond::tail $g]}
    t::check "the bond's active aggregator has two ports" {[bond::until {[bond::bond $g ports] == 2} 2000]} {[bond::bond $g]}
    t::check "$pbad collects and distributes; one aggregator on our side" {
        [$pbad wait {mux is COLLECTING_DISTRIBUTING and partner is ATGSCD} -timeout 3000]
        && [dict get [p1 status] aggregator] == [dict get [p2 status] aggregator]
    }
}
