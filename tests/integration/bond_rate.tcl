# SPDX-License-Identifier: GPL-3.0-or-later
# Against the Linux bonding driver (in a qemu guest): fast and slow rates
# both ways. Each side's periodic transmission follows its partner's
# LACP_Timeout bit (802.1AX 6.4.13): with the guest's lacp_rate fast and
# us slow, we send every second and the guest every 30 s; with its
# lacp_rate slow and us fast, the reverse. Counted on the guest's counters
# and ours over a 3.5 s window, the fast side's intervals measured.
source [file join [file dirname [info script]] lib netns.tcl]
source [file join [file dirname [info script]] lib bond.tcl]
package require lacp

proc intervals {times} {
    set out {}
    foreach a [lrange $times 0 end-1] b [lrange $times 1 end] {lappend out [expr {round($b - $a)}]}
    return $out
}

# One window with the guest at lacp_rate GUEST and us at OURS (both
# already configured and negotiated).
proc window {g guest ours} {
    lassign [bond::slaves $g] e0
    set what "guest $guest / us $ours"
    # let a LACPDU scheduled at the old rate go, then count
    bond::until 0 1200
    set ::tx {}
    set ::rx {}
    p1 on tx {apply {{p e} {lappend ::tx [dict get $e time]}}}
    p1 on rx {apply {{p e} {lappend ::rx [dict get $e time]}}}
    set st0 [bond::stats $g]
    set u0 [p1 counters]
    bond::until 0 3500
    set st1 [bond::stats $g]
    set u1 [p1 counters]
    p1 on tx {}
    p1 on rx {}
    set ourTx [expr {[dict get $u1 lacpdus_tx] - [dict get $u0 lacpdus_tx]}]
    set ourRx [expr {[dict get $u1 lacpdus_rx] - [dict get $u0 lacpdus_rx]}]
    set gTx [expr {[dict get $st1 $e0 lacpdu_tx] - [dict get $st0 $e0 lacpdu_tx]}]
    set gRx [expr {[dict get $st1 $e0 lacpdu_rx] - [dict get $st0 $e0 lacpdu_rx]}]
    # the counters are read over the command port: allow one LACPDU of slack
    set weFast [expr {$guest eq "fast"}]
    set guestFast [expr {$ours eq "fast"}]
    t::check "$what: we send [expr {$weFast ? {every second} : {nothing}}] (we sent $ourTx, the guest received $gRx)" {
        abs($ourTx - $gRx) <= 1 && ($weFast ? $ourTx >= 3 && $ourTx <= 4 : $ourTx == 0 && $gRx == 0)
    }
    t::check "$what: the guest sends [expr {$guestFast ? {every second} : {nothing}}] (it sent $gTx, we received $ourRx)" {
        abs($gTx - $ourRx) <= 1 && ($guestFast ? $ourRx >= 3 && $ourRx <= 4 : $gTx == 0 && $ourRx == 0)
    }
    if {$weFast} {
        set iv [intervals $::tx]
        t::check "$what: our intervals are 1 s ($iv)" {
            [llength $iv] >= 2 && [tcl::mathfunc::min {*}$iv] >= 950 && [tcl::mathfunc::max {*}$iv] <= 1050
        }
    }
    if {$guestFast} {
        # the driver's machines tick every 100 ms, and an emulated CPU
        # shared with the host's load may run its timers late
        set iv [intervals $::rx]
        set mean [expr {[llength $iv] ? round(([lindex $::rx end] - [lindex $::rx 0]) / [llength $iv]) : 0}]
        t::check "$what: the guest's intervals are 1 s on average ($mean ms: $iv)" {
            [llength $iv] >= 2 && $mean >= 900 && $mean <= 1150
            && [tcl::mathfunc::min {*}$iv] >= 700 && [tcl::mathfunc::max {*}$iv] <= 1400
        }
    }
    set s [p1 status]
    set d [bond::slave $g $e0]
    t::check "$what: our periodic machine follows the guest's Timeout bit ([dict get $s periodic])" {
        [dict get $s periodic] eq ($weFast ? "FAST_PERIODIC" : "SLOW_PERIODIC")
    }
    t::check "$what: each side's Timeout bit as configured, on both sides' view" {
        [string match *T* [dict get $s actor state]] == $guestFast
        && [string match *T* [dict get $s partner state]] == $weFast
        && [bond::has [dict get $d actor_state] T] == $weFast
        && [bond::has [dict get $d partner_state] T] == $guestFast
    } {$s // $d}
}

# Our ports created at RATE on the taps of LAB.
proc ports {lab rate} {
    foreach p [lacp::port names] {$p destroy}
    foreach tap [dict get $lab taps] p {p1 p2} {
        lacp::port create $p -interface $tap -netns [dict get $lab ns] -rate $rate
    }
}

bond::run {
    set lab [bond::lab]
    set g [dict get $lab guest]
    lassign [bond::slaves $g] e0 e1

    # the guest fast, we slow from the start. (Turning a negotiated port
    # slow with configure makes it time the guest out 3 s later: the guest
    # goes slow at once, while our current_while keeps the short timeout
    # it was started with.)
    ports $lab slow
    t::check "guest fast / us slow: negotiated, the guest records our long timeout (partner state 61)" {
        [p1 wait {mux is COLLECTING_DISTRIBUTING and partner has SCD} -timeout 8000]
        && [p2 wait {mux is COLLECTING_DISTRIBUTING and partner has SCD} -timeout 3000]
        && [bond::until {[bond::all_up $g] && [bond::slave $g $e0 partner_state] == 61
                         && [bond::slave $g $e1 partner_state] == 61} 3000]
    } {[bond::tail $g]}
    window $g fast slow

    # the guest slow, we fast
    ports $lab fast
    bond::option $g lacp_rate slow
    t::check "guest slow / us fast: /proc says slow, its state lacks Timeout (61)" {
        [string match "*LACP rate: slow*" [bond::procfile $g]]
        && [bond::until {[bond::slave $g $e0 actor_state] == 61 && [bond::slave $g $e0 partner_state] == 63} 6000]
    } {[bond::slave $g $e0]}
    t::check "guest slow / us fast: both links up (the guest in sync, without Timeout)" {
        [bond::until {[bond::all_up $g]} 6000]
        && [p1 wait {mux is COLLECTING_DISTRIBUTING and partner is AGSCD} -timeout 3000]
        && [p2 wait {mux is COLLECTING_DISTRIBUTING and partner is AGSCD} -timeout 3000]
    } {[p1 status] // [bond::tail $g]}
    window $g slow fast
}
