# SPDX-License-Identifier: GPL-3.0-or-later
# Against the Linux bonding driver (in a qemu guest): our port on the first
# link stops sending (stop-tx; it keeps receiving). The guest, told by our
# Timeout bit to expect a LACPDU every second, expires that slave 3 s after
# our last one (its actor state gains Expired, our Sync is gone from its
# partner state), says so on the wire, and defaults it 3 s later (Defaulted,
# the partner forgotten). The other slave stays up. When we talk again the
# slave comes back.
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
    set ::last 0
    p1 on tx {apply {{p e} {set ::last [clock milliseconds]}}}
    set ::rx {}
    p1 on rx {apply {{p e} {
        if {[dict exists $e pdu actor state]} {lappend ::rx [list [clock milliseconds] [dict get $e pdu actor state] [dict get $e pdu partner state]]}
    }}}
    t::check "negotiated, both slaves active with states 63" {
        [p1 wait {mux is COLLECTING_DISTRIBUTING and partner has SCD} -timeout 8000]
        && [p2 wait {mux is COLLECTING_DISTRIBUTING and partner has SCD} -timeout 3000]
        && [bond::until {[bond::all_up $g 63]} 3000]
    } {[bond::tail $g]}
    set st0 [bond::stats $g]

    p1 when {after 0} then stop-tx -once
    t::check "stop-tx: our port says so" {[bond::until {[dict get [p1 status] tx] eq "stopped"} 1000]}
    set last $::last
    set ok [bond::until {[bond::has [bond::slave $g $e0 actor_state] E]} 5000 10]
    set d [bond::slave $g $e0]
    set exp [expr {[dict get $d host_ms] - $last}]
    # the driver's machines tick every 100 ms; the guest reports every 100 ms
    t::check "the guest expires $e0 3 s after our last LACPDU ($exp ms)" {$ok && $exp >= 2900 && $exp <= 3700} {$d}
    t::check "expired: our Sync is gone from its partner state, which it takes as short timeout" {
        ![bond::has [dict get $d partner_state] S] && [bond::has [dict get $d partner_state] T]
    } {$d}
    t::check "expired: it stops collecting and distributing on $e0" {
        [bond::until {![bond::has [bond::slave $g $e0 actor_state] CD]} 1000]
    } {[bond::slave $g $e0]}
    t::check "we see its Expired bit on the wire" {[p1 wait {partner has E} -timeout 1500]}

    set ok [bond::until {[bond::has [bond::slave $g $e0 actor_state] F]} 5000 10]
    set d [bond::slave $g $e0]
    set def [expr {[dict get $d host_ms] - $last}]
    t::check "the guest defaults $e0 3 s later ($def ms)" {$ok && $def >= 5800 && $def <= 6800} {$d}
    t::check "defaulted: Expired cleared, partner forgotten" {
        ![bond::has [dict get $d actor_state] E] && [dict get $d partner_mac] eq "00:00:00:00:00:00"
    } {$d}
    # Having defaulted us, the guest takes its partner for a passive one
    # with a long timeout: it goes on at the slow rate (30 s), and its
    # change of state (Sync withdrawn) reached the wire in no LACPDU in our
    # runs (6.1). Either way our port must learn it: from a LACPDU, or by
    # timing the guest out in turn.
    set ok [p1 wait {(partner has F and partner lacks S) or rx is EXPIRED or rx is DEFAULTED} -timeout 4000]
    set how [expr {[string match *F* [dict get [p1 status] partner state]] ? "a LACPDU with Defaulted"
                   : "our own expiry, the guest being silent"}]
    t::check "we learn that $e0 is out of the guest's aggregate ($how)" {$ok} {$::rx}
    t::check "$e1 stayed up on both sides, the bond's carrier too" {
        [bond::slave $g $e1 actor_state] == 63 && [bond::slave $g $e1 partner_state] == 63
        && [bond::slave $g $e1 state] eq "active" && [bond::bond $g carrier] == 1
        && [dict get [p2 status] mux] eq "COLLECTING_DISTRIBUTING"
    } {[bond::slave $g $e1] // [bond::bond $g]}
    set st1 [bond::stats $g]
    t::check "the guest received nothing from us on $e0 meanwhile, and went on sending" {
        [dict get $st1 $e0 lacpdu_rx] == [dict get $st0 $e0 lacpdu_rx]
        && [dict get $st1 $e0 lacpdu_tx] >= [dict get $st0 $e0 lacpdu_tx] + 5
    } {$st0 // $st1}

    set t0 [clock milliseconds]
    p1 when {after 0} then start-tx -once
    t::check "start-tx: $e0 comes back, both slaves active with states 63" {
        [p1 wait {mux is COLLECTING_DISTRIBUTING and partner has SCD} -timeout 5000]
        && [bond::until {[bond::all_up $g 63]} 3000]
    } {[bond::tail $g]}
    set took [expr {[clock milliseconds] - $t0}]
    t::check "within 3.5 s ($took ms)" {$took < 3500}
    t::check "one aggregator of two ports on the guest" {
        [bond::until {[bond::bond $g ports] == 2 && [bond::slave $g $e0 agg] == [bond::slave $g $e1 agg]} 2000]
    } {[bond::bond $g]}
}
