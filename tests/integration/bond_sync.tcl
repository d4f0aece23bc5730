# SPDX-License-Identifier: GPL-3.0-or-later
# Against the Linux bonding driver (in a qemu guest): we pin our advertised
# state without Sync on the first link (`force actor ATG`), then release
# it. The guest's partner state for that slave follows at once (7, then 63
# again); its mux leaves COLLECTING_DISTRIBUTING (its own state loses
# Collecting and Distributing, 802.1AX 6.4.15) and the aggregator carries
# on with the other slave alone; on release the slave comes back.
source [file join [file dirname [info script]] lib netns.tcl]
source [file join [file dirname [info script]] lib bond.tcl]
package require lacp

bond::run {
    set lab [bond::lab]
    set g [dict get $lab guest]
    lassign [bond::slaves $g] e0 e1
    foreach tap [dict get $lab taps] p {p1 p2} {
        lacp::port create $p -interface $tap -netns [dict get $lab ns]
    }
    t::check "negotiated, both slaves active with states 63" {
        [p1 wait {mux is COLLECTING_DISTRIBUTING and partner has SCD} -timeout 8000]
        && [p2 wait {mux is COLLECTING_DISTRIBUTING and partner has SCD} -timeout 3000]
        && [bond::until {[bond::all_up $g 63]} 3000]
    } {[bond::tail $g]}
    # when our LACPDUs with each state left (our transmit limit, 3 per
    # second, may hold a change back a little after the negotiation)
    set ::sent {}
    p1 on tx {apply {{p e} {
        set s [dict get $e pdu actor state]
        if {![dict exists $::sent $s]} {dict set ::sent $s [clock milliseconds]}
    }}}
    set ::rx {}
    p1 on rx {apply {{p e} {
        if {[dict exists $e pdu actor state]} {lappend ::rx [list [dict get $e pdu actor state] [dict get $e pdu partner state]]}
    }}}

    set ::sent {}
    p1 when {after 0} then {force actor ATG} -once
    set ok [bond::until {[bond::slave $g $e0 partner_state] == 7} 2500 5]
    set took [expr {[bond::slave $g $e0 host_ms] - [dict get $::sent ATG]}]
    t::check "the guest records our state without Sync (partner state 7) ($took ms after our LACPDU)" {
        $ok && $took < 500
    } {[bond::slave $g $e0]}
    t::check "the guest stops collecting and distributing on $e0 (actor state 15: ATGS)" {
        [bond::until {[bond::slave $g $e0 actor_state] == 15} 1500]
    } {[bond::slave $g $e0]}
    t::check "its LACPDUs say so: ATGS, echoing ATG" {
        [p1 wait {partner is ATGS} -timeout 1500] && [lindex $::rx end 1] eq "ATG"
    } {$::rx}
    t::check "the active aggregator goes on with $e1 alone" {
        [bond::until {[bond::bond $g ports] == 1 || [bond::slave $g $e0 state] ne "active"} 1500]
        && [bond::slave $g $e1 actor_state] == 63 && [bond::slave $g $e1 partner_state] == 63
        && [bond::bond $g carrier] == 1
    } {[bond::bond $g] // [bond::slave $g $e0]}
    t::check "our status shows the pin, our machines go on" {
        [dict get [p1 status] forced] ne {} && [dict get [p1 status] mux] eq "COLLECTING_DISTRIBUTING"
    } {[p1 status]}
    # over a few of its periodic LACPDUs, the guest keeps to that view
    bond::until 0 2200
    set tail [lrange $::rx end-1 end]
    t::check "the guest holds ATGS / ATG over its periodic LACPDUs ($tail)" {
        [llength $tail] == 2 && [lsort -unique $tail] eq {{ATGS ATG}}
    }
    t::check "$e1 carries on on both sides" {
        [dict get [p2 status] mux] eq "COLLECTING_DISTRIBUTING" && [bond::slave $g $e1 state] eq "active"
    }

    set ::sent {}
    p1 when {after 0} then release -once
    set ok [bond::until {[bond::slave $g $e0 partner_state] == 63} 2500 5]
    set t0 [dict get $::sent ATGSCD]
    set took [expr {[bond::slave $g $e0 host_ms] - $t0}]
    t::check "on release the guest records our Sync again ($took ms after our LACPDU)" {$ok && $took < 500} {[bond::slave $g $e0]}
    set ok [bond::until {[bond::all_up $g 63]} 3000]
    set took [expr {[clock milliseconds] - $t0}]
    t::check "and puts $e0 back: both slaves active, states 63 ($took ms)" {$ok} {[bond::tail $g]}
    t::check "its LACPDUs say ATGSCD again, and the pin is gone" {
        [p1 wait {partner is ATGSCD} -timeout 1500] && [dict get [p1 status] forced] eq {}
    }
    t::check "one aggregator of two ports on the guest" {
        [bond::until {[bond::bond $g ports] == 2 && [bond::slave $g $e0 agg] == [bond::slave $g $e1 agg]} 2000]
    } {[bond::bond $g]}
}
