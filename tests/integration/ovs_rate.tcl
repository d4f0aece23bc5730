# SPDX-License-Identifier: GPL-3.0-or-later
# Against Open vSwitch: fast and slow rates in both directions. Each side's
# periodic transmission follows the *partner's* LACP_Timeout bit (802.1AX
# 6.4.13): with OVS fast and us slow, we send every second and OVS every
# 30 s; the other way round, the reverse. Checked on OVS's counters and on
# ours over a 3.5 s window, with the intervals of the fast side measured.
source [file join [file dirname [info script]] lib netns.tcl]
source [file join [file dirname [info script]] lib ovs.tcl]
package require lacp

# Intervals between successive times in the list TIMES (ms).
proc intervals {times} {
    set out {}
    foreach a [lrange $times 0 end-1] b [lrange $times 1 end] {lappend out [expr {round($b - $a)}]}
    return $out
}

proc case {ovsTime ourRate} {
    set lab [ovs::lab -time $ovsTime]
    set h [dict get $lab ovs]
    set k 0
    foreach if [dict get $lab ours] {
        set p p[incr k]
        lacp::port create $p -interface $if -netns [dict get $lab tester] -rate $ourRate
    }
    set what "OVS $ovsTime / us $ourRate"
    t::check "$what: negotiated" {
        [p1 wait {mux is COLLECTING_DISTRIBUTING and partner has SCD} -timeout 6000]
        && [p2 wait {mux is COLLECTING_DISTRIBUTING and partner has SCD} -timeout 6000]
    }
    # let the last PDU scheduled at the old rate go, then count
    ovs::until 0 1200
    set ::tx {}
    set ::rx {}
    p1 on tx {apply {{p e} {lappend ::tx [dict get $e time]}}}
    p1 on rx {apply {{p e} {lappend ::rx [dict get $e time]}}}
    set o0 [ovs::stats $h]
    set u0 [p1 counters]
    ovs::until 0 3500
    set o1 [ovs::stats $h]
    set u1 [p1 counters]
    set ourTx [expr {[dict get $u1 lacpdus_tx] - [dict get $u0 lacpdus_tx]}]
    set ourRx [expr {[dict get $u1 lacpdus_rx] - [dict get $u0 lacpdus_rx]}]
    set ovsTx [expr {[dict get $o1 d1 tx_pdus] - [dict get $o0 d1 tx_pdus]}]
    set ovsRx [expr {[dict get $o1 d1 rx_pdus] - [dict get $o0 d1 rx_pdus]}]
    set fastUs [expr {$ovsTime eq "fast"}]
    set fastOvs [expr {$ourRate eq "fast"}]
    t::check "$what: we send [expr {$fastUs ? {every second} : {nothing}}] (ours $ourTx, OVS received $ovsRx)" {
        $ourTx == $ovsRx && ($fastUs ? $ourTx >= 3 && $ourTx <= 4 : $ourTx == 0)
    }
    t::check "$what: OVS sends [expr {$fastOvs ? {every second} : {nothing}}] (OVS $ovsTx, we received $ourRx)" {
        $ovsTx == $ourRx && ($fastOvs ? $ovsTx >= 3 && $ovsTx <= 4 : $ovsTx == 0)
    }
    if {$fastUs} {
        set iv [intervals $::tx]
        t::check "$what: our intervals are 1 s ($iv)" {
            [llength $iv] >= 2 && [tcl::mathfunc::min {*}$iv] >= 950 && [tcl::mathfunc::max {*}$iv] <= 1050
        }
    }
    if {$fastOvs} {
        set iv [intervals $::rx]
        t::check "$what: OVS's intervals are 1 s ($iv)" {
            [llength $iv] >= 2 && [tcl::mathfunc::min {*}$iv] >= 900 && [tcl::mathfunc::max {*}$iv] <= 1100
        }
    }
    set s [p1 status]
    t::check "$what: our periodic machine follows OVS's timeout bit ([dict get $s periodic])" {
        [dict get $s periodic] eq ($fastUs ? "FAST_PERIODIC" : "SLOW_PERIODIC")
    }
    set v [ovs::member $h d1]
    t::check "$what: each side's timeout bit as configured" {
        [string match *T* [dict get $s actor state]] == $fastOvs
        && [string match *T* [dict get $v actor state]] == $fastUs
        && [dict get [ovs::show $h] lacp_time] eq $ovsTime
    } {$s // $v}
    foreach p [lacp::port names] {$p destroy}
    ovs::cleanup
}

ovs::run {
    case fast slow
    case slow fast
}
