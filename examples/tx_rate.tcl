# SPDX-License-Identifier: GPL-3.0-or-later
# DUT transmit rate. Our ports advertise our timeout (-rate fast: short),
# so the DUT must send periodic LACPDUs every Fast_Periodic_Time (1 s;
# slow: 30 s) and never more than 3 in any Fast_Periodic_Time
# (802.1AX-2014 6.4.16). First the steady state is watched for -duration
# ms: intervals measured, with their jitter. Then the DUT is provoked:
# -provoke LACPDUs that misstate its own information (each one is a
# reason for it to transmit at once) are sent 50 ms apart on the first
# link; the DUT must still keep to 3 LACPDUs a second.
#
#   lacpsh examples/tx_rate.tcl eth1 eth2
source [file join [file dirname [info script]] lib.tcl]
ex::setup tx_rate "the DUT sends at its periodic rate and at most 3 LACPDUs a second" 1 {
    -duration  {10000 "steady-state observation, ms (use 65000 or more with -rate slow)"}
    -tolerance {10 "allowed deviation of the mean periodic interval, percent"}
    -provoke   {10 "LACPDUs that provoke the DUT to answer, 50 ms apart (0: none)"}
}

# The largest number of times in TIMES within any window of W ms.
proc densest {times w} {
    set best 0
    set j 0
    for {set i 0} {$i < [llength $times]} {incr i} {
        while {[lindex $times $i] - [lindex $times $j] >= $w} {incr j}
        set best [expr {max($best, $i - $j + 1)}]
    }
    return $best
}

proc intervals {times} {
    lmap a [lrange $times 0 end-1] b [lrange $times 1 end] {expr {$b - $a}}
}

ex::main {
    set ports [ex::ports]
    ex::bringup
    set period [expr {[ex::opt -rate] eq "fast" ? 1000 : 30000}]
    # leave out what negotiation triggered: start at the next DUT LACPDU
    set mark [ex::now]
    ex::until {[llength [ex::received [lindex $ports end] $mark]] > 0} [expr {$period + 500}]
    set t0 [ex::now]
    ex::say "watching the steady state for [ex::opt -duration] ms (expected period $period ms)"
    ex::watch [ex::opt -duration]
    foreach p $ports {
        set times [lmap r [ex::received $p [expr {$t0 - $period}]] {lindex $r 0}]
        set times [lmap t $times {if {$t < $t0 - 1} continue; set t}]
        set iv [intervals $times]
        if {[llength $iv] == 0} {
            ex::expect 0 "[ex::ifname $p]: at least two periodic LACPDUs in [ex::opt -duration] ms"
            continue
        }
        lassign [ex::spread $iv] lo mean hi sd
        ex::say [format "%s: %d LACPDUs, interval min %.1f mean %.1f max %.1f ms, jitter (std dev) %.1f ms" \
                     [ex::ifname $p] [llength $times] $lo $mean $hi $sd]
        set tol [expr {$period * [ex::opt -tolerance] / 100.0}]
        ex::expect {abs($mean - $period) <= $tol} \
            [format "%s: mean interval %.1f ms within %d%% of %d ms" [ex::ifname $p] $mean [ex::opt -tolerance] $period]
        set d [densest $times 1000]
        ex::expect {$d <= 3} "[ex::ifname $p]: at most 3 LACPDUs in any second of the steady state ($d)"
    }
    if {[ex::opt -provoke] > 0} {
        set l [dict get [ex::last p1] actor]
        set wrongKey [expr {([dict get $l key] + 1) % 65536}]
        set t1 [ex::now]
        for {set i 0} {$i < [ex::opt -provoke]} {incr i} {
            p1 send -partner [dict replace $l key $wrongKey]
            ex::watch 50
        }
        ex::watch 1500
        set times [lmap r [ex::received p1 $t1] {lindex $r 0}]
        set d [densest $times 1000]
        ex::say "[ex::ifname p1]: [ex::opt -provoke] provoking LACPDUs in [ex::ms [expr {[ex::opt -provoke] * 50}]] ms; the DUT answered with [llength $times] LACPDUs in [ex::ms [expr {[ex::now] - $t1}]] ms"
        ex::say "[ex::ifname p1]: DUT LACPDUs at +[join [lmap t $times {ex::ms [expr {$t - $t1}]}] {, +}] ms"
        ex::expect {$d <= 3} "[ex::ifname p1]: at most 3 LACPDUs in any second when provoked ($d)"
    }
    ex::verdict "the DUT sends every $period ms and never more than 3 LACPDUs a second"
}
