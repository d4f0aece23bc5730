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
# leaves (ports, a running DUT, a pulled cable) is cleared after it. A
# scenario that needs another number of links than 2 says so in a line
# "# links: N" of its own: it runs on a lab of N links, opened after the
# 2-link scenarios have run and their labs are closed.

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
        if {[departs $departs]} {
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

    # Runs examples/NAME.tcl against the DUT of D as a user runs it against
    # a switch: lacpsh examples/NAME.tcl -netns NS ARGS OUR-INTERFACES, the
    # DUT started with dut::start START first (afresh: partners forgotten).
    # DURING {KEY EXPR ...}: expressions in the caller, polled while the
    # script runs and 400 ms after it (the guest reports what it did up to
    # 100 ms later); ::sc::during(KEY) says whether each ever held.
    # -> {code EXIT out TEXT verdict "PASS: ..."|"FAIL: ..." ms T}
    proc example {d name args} {
        set o [dict merge {-args {} -start {} -during {}} $args]
        dut::start $d {*}[dict get $o -start]
        set ours [dut::ours $d]
        set cmd [list [file join $t::bin lacpsh] [file join $::here .. .. examples $name.tcl] \
                     -netns [dict get [lindex $ours 0] netns] {*}[dict get $o -args] \
                     {*}[lmap e $ours {dict get $e interface}]]
        set t0 [clock milliseconds]
        set f [open |[concat $cmd [list 2>@1]] r]
        lappend ::lab::pids {*}[pid $f]
        fconfigure $f -blocking 0
        set ::sc::exout {}
        set ::sc::exeof 0
        fileevent $f readable [list apply {{f} {
            append ::sc::exout [read $f]
            if {[eof $f]} {set ::sc::exeof 1; fileevent $f readable {}}
        }} $f]
        unset -nocomplain ::sc::during
        foreach {k cond} [dict get $o -during] {set ::sc::during($k) 0}
        set end 0
        while {!$end || [clock milliseconds] - $end < 400} {
            foreach {k cond} [dict get $o -during] {
                if {!$::sc::during($k) && [catch {uplevel 1 [list expr $cond]} v] == 0 && $v} {
                    set ::sc::during($k) 1
                }
            }
            dut::until {$::sc::exeof} 50
            if {$::sc::exeof && !$end} {set end [clock milliseconds]}
            if {[clock milliseconds] - $t0 > 120000} {
                catch {exec kill {*}[pid $f]}
                break
            }
        }
        fconfigure $f -blocking 1
        set code 0
        if {[catch {close $f} msg opts]} {
            set ec [dict get $opts -errorcode]
            set code [expr {[lindex $ec 0] eq "CHILDSTATUS" ? [lindex $ec 2] : -1}]
        }
        set ms [expr {[clock milliseconds] - $t0}]
        puts "---- $name [dict get $o -args] ([expr {$ms / 1000.0}] s, exit $code)"
        puts [string trimright $::sc::exout]
        set verdict [lindex [regexp -all -inline -line {^(?:PASS|FAIL): .*$} $::sc::exout] end]
        return [dict create code $code out $::sc::exout verdict $verdict ms $ms]
    }

    # Whether PEER's known departure (one of DEPARTS) is accepted: not with
    # LACP_DUT_STRICT=1.
    proc departs {departs} {
        variable peer
        if {[info exists ::env(LACP_DUT_STRICT)] && $::env(LACP_DUT_STRICT)} {return 0}
        return [expr {$peer in $departs}]
    }

    # The verdict of R (from sc::example) of the script NAME: PASS (exit
    # 0), as 802.1AX CLAUSE has it; for the peers in DEPARTS, known to
    # depart from it, FAIL (exit 1) with WHY in its FAIL line.
    proc verdict {name r clause {departs {}} {why {}}} {
        # NAME may carry the script's options: "fallback -fallback static"
        set name [string trim "[lindex $name 0].tcl [lrange $name 1 end]"]
        set pass [expr {[string match "PASS: *" [dict get $r verdict]] && [dict get $r code] == 0}]
        conforms "examples/$name: PASS (exit 0)" $clause {$pass} $departs \
            {got exit [dict get $r code], "[dict get $r verdict]"}
        if {[departs $departs]} {
            check "examples/$name: FAIL (exit 1) for \"$why\"" {
                [string match "FAIL: *$why*" [dict get $r verdict]] && [dict get $r code] == 1
            } {got exit [dict get $r code], "[dict get $r verdict]"}
        }
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
set groups {}
foreach f $scenarios {
    set fh [open $f]
    set body [read $fh]
    close $fh
    proc ::sc::body_[file rootname [file tail $f]] {d peer} $body
    set n 2
    regexp -line {^# links: (\d+)$} $body -> n
    dict lappend groups $n $f
}

dut::run {
    # the 2-link scenarios first; each number of links has labs of its own
    foreach links [lsort -integer [dict keys $groups]] {
        set guest {}
        set opened {}
        foreach peer $peers {
            set ::sc::peer $peer
            set ::sc::name open
            set t0 [clock milliseconds]
            set share {}
            if {$peer in {bonding teamd} && $guest ne {}} {set share $guest}
            if {[catch {dut::open $peer -links $links -share $share} d]} {
                t::check "$peer: the DUT starts ($links links)" 0 {$d}
                continue
            }
            lappend opened $d
            if {$peer in {bonding teamd} && $guest eq {}} {set guest $d}
            puts "$peer: lab of $links links ready in [expr {[clock milliseconds] - $t0}] ms"
            foreach f [dict get $groups $links] {
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
        # a shared guest's labs before the lab that owns it
        foreach d [lreverse $opened] {dut::close $d}
    }
}
