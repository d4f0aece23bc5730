# SPDX-License-Identifier: GPL-3.0-or-later
# DUT transmit rate. Our ports advertise our timeout (-rate fast: short),
# so the DUT must send periodic LACPDUs every Fast_Periodic_Time (1 s;
# slow: 30 s) and never more than 3 in any Fast_Periodic_Time
# (802.1AX-2014 6.4.16). First the steady state is watched for -duration
# ms: intervals measured, with their jitter. Then the DUT is provoked:
# -provoke LACPDUs that misstate its own information (each one is a
# reason for it to transmit at once) are sent 50 ms apart on the first
# link; the DUT must still keep to 3 LACPDUs a second. The figures are
# what each port measures of its partner (NAME measure): the intervals
# and the windows of fast_periodic_time, from kernel receive stamps.
#
#   lacpsh examples/tx_rate.tcl eth1 eth2
#   lacpsh examples/tx_rate.tcl -sim standard     # against lacp itself, no root
source [file join [file dirname [info script]] lib.tcl]
ex::setup tx_rate "the DUT sends at its periodic rate and at most 3 LACPDUs a second" 1 {
    -duration  {10000 "steady-state observation, ms (use 65000 or more with -rate slow)"}
    -tolerance {10 "allowed deviation of the mean periodic interval, percent"}
    -provoke   {10 "LACPDUs that provoke the DUT to answer, 50 ms apart (0: none)"}
} {
    unlimited {help "a DUT without the transmit limit of 3 LACPDUs a second (negative control)"
               port {-tx-limit 0}}
}

ex::main {
    set ports [ex::ports]
    ex::bringup
    set period [expr {[ex::opt -rate] eq "fast" ? 1000 : 30000}]
    # leave out what negotiation triggered: start at the next DUT LACPDU
    set mark [ex::now]
    ex::until {[llength [ex::received [lindex $ports end] $mark]] > 0} [expr {$period + 500}]
    # Each port measures its partner all the time (NAME measure): start
    # the figures afresh for the steady state.
    foreach p $ports {$p measure -reset}
    ex::say "watching the steady state for [ex::opt -duration] ms (expected period $period ms)"
    ex::watch [ex::opt -duration]
    foreach p $ports {
        set m [$p measure]
        set iv [dict get $m partner_intervals]
        if {[dict get $iv count] == 0} {
            ex::expect 0 "[ex::ifname $p]: at least two periodic LACPDUs in [ex::opt -duration] ms"
            continue
        }
        ex::say [format "%s: %d intervals, min %.3f median %.3f mean %.3f p99 %.3f max %.3f ms" \
                     [ex::ifname $p] [dict get $iv count] [dict get $iv min] [dict get $iv median] \
                     [dict get $iv mean] [dict get $iv p99] [dict get $iv max]]
        set mean [dict get $iv mean]
        set tol [expr {$period * [ex::opt -tolerance] / 100.0}]
        ex::expect {abs($mean - $period) <= $tol} \
            [format "%s: mean interval %.1f ms within %d%% of %d ms" [ex::ifname $p] $mean [ex::opt -tolerance] $period]
        set d [dict get $m max_per_window]
        ex::expect {$d <= 3} "[ex::ifname $p]: at most 3 LACPDUs in any second of the steady state ($d)"
    }
    if {[ex::opt -provoke] > 0} {
        set l [dict get [ex::last p1] actor]
        set wrongKey [expr {([dict get $l key] + 1) % 65536}]
        p1 measure -reset
        set t1 [ex::now]
        for {set i 0} {$i < [ex::opt -provoke]} {incr i} {
            p1 send -partner [dict replace $l key $wrongKey]
            ex::watch 50
        }
        ex::watch 1500
        set m [p1 measure]
        set times [lmap r [ex::received p1 $t1] {lindex $r 0}]
        set d [dict get $m max_per_window]
        ex::say "[ex::ifname p1]: [ex::opt -provoke] provoking LACPDUs in [ex::ms [expr {[ex::opt -provoke] * 50}]] ms; the DUT answered with [llength $times] LACPDUs in [ex::ms [expr {[ex::now] - $t1}]] ms"
        ex::say "[ex::ifname p1]: DUT LACPDUs at +[join [lmap t $times {ex::ms [expr {$t - $t1}]}] {, +}] ms"
        ex::say [format "%s: %d windows of 1 s held more than 3; the worst held %d from %+.3f ms" \
                     [ex::ifname p1] [dict get $m rate_violations] $d \
                     [expr {$d ? [dict get $m worst_window start] - [dict get $m since] : 0}]]
        ex::expect {$d <= 3} "[ex::ifname p1]: at most 3 LACPDUs in any second when provoked ($d)"
    }
    ex::verdict "the DUT sends every $period ms and never more than 3 LACPDUs a second"
}
