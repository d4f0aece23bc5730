# SPDX-License-Identifier: GPL-3.0-or-later
# Negotiation in every pairing of LACP_Activity the DUT supports: both
# active, the DUT active and us passive, the DUT passive and us active.
# Both sides must reach Collecting and Distributing on every link, each
# side's partner information must name the other exactly (system, key,
# port, priorities, state), and each side's Activity bit must say who is
# active. Then both passive: nobody may speak (802.1AX 6.4.1, 6.4.13),
# until one side turns active.

foreach {dm um} {active active active passive passive active} {
    if {![dut::can $d -mode $dm]} {
        sc::note "the DUT cannot be $dm: [dut::supports $d]"
        continue
    }
    dut::start $d -mode $dm
    set ports [dut::ports $d -mode $um]
    set what "DUT $dm / us $um"
    set t0 [clock milliseconds]
    set ok [sc::ours_up 10000]
    set took [expr {[clock milliseconds] - $t0}]
    sc::check "$what: our ports collect and distribute ($took ms)" {$ok}
    sc::check "$what: the DUT uses every member" {[dut::until {[sc::dut_uses $d]} 4000 50]} {[dut::view $d]}
    # the DUT's reports lag its state (the guest reads /proc every 100 ms):
    # wait until they name our current state before comparing
    proc ::sc::echoed {d ports vVar} {
        upvar 1 $vVar v
        set v [dut::view $d]
        foreach p $ports m [dut::members $d] {
            if {[dict get $v members $m partner state] ne [dict get [$p status] actor state]} {return 0}
        }
        return 1
    }
    dut::until {[sc::echoed $d $ports v]} 3000 50
    set k 0
    foreach p $ports m [dut::members $d] {
        incr k
        set s [$p status]
        set x [dict get $v members $m]
        sc::check "$what: link $k: the DUT's actor is our partner" {
            [string equal -nocase [dict get $s partner system] [dict get $x actor system]]
            && [dict get $s partner system_priority] == [dict get $x actor system_priority]
            && [dict get $s partner key] == [dict get $x actor key]
            && [dict get $s partner port] == [dict get $x actor port]
            && [dict get $s partner port_priority] == [dict get $x actor port_priority]
            && [dict get $s partner state] eq [dict get $x actor state]
        } {ours [dict get $s partner] // DUT [dict get $x actor]}
        sc::check "$what: link $k: our actor is the DUT's partner" {
            [string equal -nocase [dict get $s actor system] [dict get $x partner system]]
            && [dict get $s actor system_priority] == [dict get $x partner system_priority]
            && [dict get $s actor key] == [dict get $x partner key]
            && [dict get $s actor port] == [dict get $x partner port]
            && [dict get $s actor port_priority] == [dict get $x partner port_priority]
            && [dict get $s actor state] eq [dict get $x partner state]
        } {ours [dict get $s actor] // DUT [dict get $x partner]}
        sc::check "$what: link $k: Activity bits say who is active" {
            [sc::has [dict get $s partner state] A] == ($dm eq "active")
            && [sc::has [dict get $s actor state] A] == ($um eq "active")
        } {[dict get $s partner state] [dict get $s actor state]}
    }
    sc::check "$what: one aggregator on our side" {
        [llength [lsort -unique [lmap p $ports {dict get [$p status] aggregator}]]] == 1
    }
    sc::clear $d
}

# ---- both passive: silence
if {![dut::can $d -mode passive]} {
    sc::note "the DUT cannot be passive: no passive/passive case"
    return
}
dut::start $d -mode passive
set ports [dut::ports $d -mode passive]
# A DUT may speak while it sets itself up (bonding sends at its own
# expiry and defaulting): wait, up to 12 s, for a 2.5 s window in which
# nothing arrives.
set deadline [expr {[clock milliseconds] + 12000}]
set quiet 0
while {!$quiet && [clock milliseconds] < $deadline} {
    set before [lmap p $ports {dict get [$p counters] lacpdus_rx}]
    dut::until 0 2500
    set after [lmap p $ports {dict get [$p counters] lacpdus_rx}]
    set quiet [expr {$before eq $after}]
}
sc::check "passive/passive: the DUT falls silent (a 2.5 s window without a LACPDU)" {$quiet} {$before -> $after}
sc::check "passive/passive: we send nothing" {
    [tcl::mathop::+ {*}[lmap p $ports {dict get [$p counters] lacpdus_tx}]] == 0
}
p1 configure -mode active
sc::check "passive/passive: our going active brings link 1 up" {[sc::ours_up 8000 p1]}
