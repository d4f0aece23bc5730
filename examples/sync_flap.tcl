# SPDX-License-Identifier: GPL-3.0-or-later
# Sync flap and recovery time. Once the LAG is up, the first link drops
# its Sync bit (and Collecting/Distributing) for -hold ms - our advertised
# state is pinned with `force actor`, our machines go on - then releases
# it, -flaps times. Each time the DUT must see the flap (echo our Sync
# cleared), should stop collecting and distributing on that link (its
# Mux machine leaves COLLECTING_DISTRIBUTING, 802.1AX-2014 6.4.15; only
# required with -strict 1, since some DUTs only disable the link
# internally), keep the other links up, and bring the link back within
# -recovery ms of the release.
#
#   lacpsh examples/sync_flap.tcl eth1 eth2
#   lacpsh examples/sync_flap.tcl -sim standard     # against lacp itself, no root
source [file join [file dirname [info script]] lib.tcl]
ex::setup sync_flap "the DUT follows our Sync going away and coming back" 1 {
    -flaps    {3 "how many flaps"}
    -hold     {3000 "how long Sync stays off, ms"}
    -recovery {3000 "bound on the recovery after each release, ms"}
    -strict   {0 "1: the DUT must withdraw Collecting/Distributing on the link"}
} {
    keep-cd {help "a DUT that keeps Sync, Collecting and Distributing on a link whose partner drops Sync, as Open vSwitch does (negative control of -strict 1)"
             script {
                 foreach d $::ex::duts {
                     $d when {partner lacks S and actor has CD} then {force actor +SCD}
                     $d when {partner has S} then release
                 }
             }}
}

ex::main {
    set ports [ex::ports]
    ex::bringup
    set others [lrange $ports 1 end]
    set recov {}
    set ::echo {}
    set ::react {}
    ex::hook {apply {{p t pdu} {
        if {$p ne "p1" || [dict get $pdu class] ne "lacpdu" || ![info exists ::flapAt]} return
        if {$::echo eq {} && ![ex::has [dict get $pdu partner state] S]} {set ::echo $t}
        if {$::react eq {} && ![ex::has [dict get $pdu actor state] CD]} {set ::react [list $t [dict get $pdu actor state]]}
    }}}
    set otherDown 0
    set othersDown 0
    if {[llength $others]} {set othersDown "!([join [lmap p $others {string cat {[ex::up } $p {]}}] { && }])"}
    for {set i 1} {$i <= [ex::opt -flaps]} {incr i} {
        set down [string map {S {} C {} D {}} [dict get [p1 status] actor state]]
        set ::echo {}
        set ::react {}
        set mark [ex::now]
        ex::now_do p1 [list force actor $down]
        # from when the LACPDU without Sync leaves
        set ::flapAt [ex::sent_when p1 $mark {![ex::has $state S]} 1500]
        if {$::flapAt eq {}} {ex::finish FAIL "flap $i: our LACPDU without Sync did not leave"}
        if {[ex::until $othersDown [ex::opt -hold]]} {set otherDown 1}
        set echoText [expr {$::echo eq {} ? "never" : "after [ex::ms [expr {$::echo - $::flapAt}]] ms"}]
        set reactText [expr {$::react eq {} ? "kept Collecting/Distributing" : "withdrew Collecting/Distributing after [ex::ms [expr {[lindex $::react 0] - $::flapAt}]] ms ([lindex $::react 1])"}]
        set mark [ex::now]
        ex::now_do p1 release
        set rel [ex::sent_when p1 $mark {[ex::has $state S]} 1500]
        if {$rel eq {}} {ex::finish FAIL "flap $i: our LACPDU with Sync did not leave after the release"}
        set took [ex::negotiate p1 [ex::opt -recovery]]
        if {$took >= 0} {set took [ex::ms [expr {[ex::now] - $rel}]]}
        ex::say "flap $i: we advertised $down for [ex::ms [expr {$rel - $::flapAt}]] ms; the DUT echoed it $echoText, $reactText; back up [expr {$took < 0 ? "NOT within [ex::opt -recovery] ms" : "$took ms after the release"}]"
        ex::expect {$::echo ne {}} "flap $i: the DUT saw our Sync go"
        if {[ex::opt -strict]} {ex::expect {$::react ne {}} "flap $i: the DUT stopped collecting and distributing on the link"}
        ex::expect {$took >= 0} "flap $i: recovered within [ex::opt -recovery] ms"
        if {$took >= 0} {lappend recov $took}
        unset ::flapAt
    }
    ex::expect {!$otherDown} "the other links stayed up throughout"
    foreach p $ports {ex::report $p}
    if {[llength $recov]} {
        lassign [ex::spread $recov] lo mean hi
        ex::say [format "recovery after release: min %d, mean %.0f, max %d ms" $lo $mean $hi]
    }
    ex::verdict "[ex::opt -flaps] Sync flaps, recovery [expr {[llength $recov] ? [format {%d..%d ms} [tcl::mathfunc::min {*}$recov] [tcl::mathfunc::max {*}$recov]] : {-}}]"
}
