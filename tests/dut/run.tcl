# SPDX-License-Identifier: GPL-3.0-or-later
# Runs the scenarios of tests/dut/scenarios against devices under test
# through the DUT interface (tests/lib/dut.tcl): each scenario is written
# once and runs unchanged against every peer.
#
#   lacpsh tests/dut/run.tcl PEER ?PEER ...? ?-scenario NAME ...?
#
# PEER: ovs bonding teamd dpdk. bonding and teamd share one guest when
# both are given (one boot). The scenarios run in the order of the
# directory listing unless -scenario names them. A peer that cannot start
# is a failure saying why. Exit 0 when every check passed. With
# LACP_DUT_STRICT=1 in the environment the known departures of the peers
# (doc/interop.md) are not accepted: their checks fail, which shows that
# they can.
#
# A scenario file is the body of a procedure run with `d` (the lab, DUT
# stopped, no port of ours) and `peer`; it starts the DUT itself
# (dut::start) and checks with sc::check / sc::conforms; whatever it
# leaves (ports, a running DUT, a pulled cable) is cleared after it.

set here [file dirname [file normalize [info script]]]
source [file join $here .. integration lib netns.tcl]
source [file join $here .. lib dut.tcl]
package require lacp

namespace eval ::sc {
    variable peer {}
    variable name {}
    variable links 2

    # A check, named after the peer and the scenario.
    proc check {what cond {detail {}}} {
        variable peer
        variable name
        uplevel 1 [list t::check "$peer $name: $what" $cond $detail]
    }

    # A check of 802.1AX behaviour (CLAUSE). For the peers in DEPARTS, which
    # are known to depart from it (doc/interop.md), the check is that the
    # departure is still there: when a peer is fixed, its test says so.
    proc conforms {what clause cond {departs {}} {detail {}}} {
        variable peer
        variable name
        set held [uplevel 1 [list expr $cond]]
        # LACP_DUT_STRICT=1: no departure is accepted (the negative control:
        # these checks then fail against the peers that depart)
        if {[info exists ::env(LACP_DUT_STRICT)] && $::env(LACP_DUT_STRICT)} {set departs {}}
        if {$peer in $departs} {
            set what "departs from $clause as known: not ($what)"
            set held [expr {!$held}]
        } else {
            set what "$what ($clause)"
        }
        if {!$held} {
            uplevel 1 [list t::check "$peer $name: $what" 0 $detail]
        } else {
            t::check "$peer $name: $what" 1
        }
    }

    proc note {text} {
        variable peer
        variable name
        puts "note: $peer $name: $text"
    }

    # Our ports p1..pN collecting and distributing with the DUT in sync
    # within MS; -> 0|1.
    proc ours_up {ms {ports {}}} {
        if {$ports eq {}} {set ports [lacp::port names]}
        set deadline [expr {[clock milliseconds] + $ms}]
        foreach p $ports {
            set left [expr {max(1, $deadline - [clock milliseconds])}]
            if {![$p wait {mux is COLLECTING_DISTRIBUTING and partner has SCD} -timeout $left]} {return 0}
        }
        return 1
    }

    # The DUT's view says it uses member INDEX (or every member): selected,
    # its actor in Sync, Collecting and Distributing.
    proc dut_uses {d {index {}}} {
        set v [dut::view $d]
        set ms [dut::members $d]
        if {$index ne {}} {set ms [list [lindex $ms $index]]}
        foreach m $ms {
            set x [dict get $v members $m]
            if {![dict get $x selected] || ![string match *S*C*D* [dict get $x actor state]]} {return 0}
        }
        return 1
    }

    # Both sides up: ours and the DUT's view, within MS.
    proc up {d ms} {
        set t0 [clock milliseconds]
        if {![ours_up $ms]} {return 0}
        set left [expr {max(500, $ms - ([clock milliseconds] - $t0))}]
        return [dut::until {[dut_uses $d]} $left 50]
    }

    # Whether state letters S have every letter of BITS.
    proc has {s bits} {
        foreach b [split $bits {}] {if {[string first $b $s] < 0} {return 0}}
        return 1
    }

    # Times of our port P's received (or sent) LACPDUs from now: the list
    # is in ::sc::times(P,rx|tx).
    proc record {p dir} {
        set ::sc::times($p,$dir) {}
        $p on $dir [list apply {{key p e} {
            if {[dict exists $e pdu actor]} {lappend ::sc::times($key) [dict get $e time]}
        }} $p,$dir]
    }

    proc intervals {times} {
        lmap a [lrange $times 0 end-1] b [lrange $times 1 end] {expr {round($b - $a)}}
    }

    # After each scenario: our ports gone, every cable in, the DUT stopped.
    proc clear {d} {
        foreach p [lacp::port names] {catch {$p destroy}}
        for {set i 0} {$i < [dut::Get $d links]} {incr i} {catch {dut::set_link $d $i up}}
        catch {dut::stop $d}
    }
}

set peers {}
set only {}
for {set i 0} {$i < $argc} {incr i} {
    set a [lindex $argv $i]
    if {$a eq "-scenario"} {
        lappend only [lindex $argv [incr i]]
    } else {
        lappend peers $a
    }
}
if {$peers eq {}} {
    puts stderr "usage: run.tcl PEER ?PEER ...? ?-scenario NAME ...? (PEER: [dut::peers])"
    exit 2
}
set scenarios [lsort [glob -directory [file join $here scenarios] *.tcl]]
if {$only ne {}} {
    set scenarios [lmap n $only {file join $here scenarios $n.tcl}]
}
foreach f $scenarios {
    set fh [open $f]
    proc ::sc::body_[file rootname [file tail $f]] {d peer} [read $fh]
    close $fh
}

dut::run {
    set guest {}
    foreach peer $peers {
        set ::sc::peer $peer
        set ::sc::name open
        set t0 [clock milliseconds]
        set share {}
        if {$peer in {bonding teamd} && $guest ne {}} {set share $guest}
        if {[catch {dut::open $peer -links $::sc::links -share $share} d]} {
            t::check "$peer: the DUT starts" 0 {$d}
            continue
        }
        if {$peer in {bonding teamd} && $guest eq {}} {set guest $d}
        puts "$peer: lab ready in [expr {[clock milliseconds] - $t0}] ms"
        foreach f $scenarios {
            set ::sc::name [file rootname [file tail $f]]
            set t1 [clock milliseconds]
            if {[catch {::sc::body_$::sc::name $d $peer} msg opts]} {
                t::check "$peer $::sc::name: runs to the end" 0 {$msg\n[dict get $opts -errorinfo]}
            }
            ::sc::clear $d
            puts "$peer $::sc::name: [expr {[clock milliseconds] - $t1}] ms"
        }
        if {[catch {puts "$peer: [dict get [dut::info $d] version]"} msg]} {puts "$peer: version: $msg"}
    }
}
