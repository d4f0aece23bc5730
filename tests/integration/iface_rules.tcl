# SPDX-License-Identifier: GPL-3.0-or-later
# Rules between the machines' transitions, on a veth pair in real time:
# a state that lasts one step fires a rule, a reaction to a LACPDU leaves
# as one LACPDU carrying the injection, and the transmit limit holds in
# every window of 1 s closed at both ends under provocation.
source [file join [file dirname [info script]] lib netns.tcl]
t::require_root
package require lacp

# The most LACPDUs in any window of PERIOD (microseconds, ends included).
proc closed_window_max {times period} {
    set most 0
    set n [llength $times]
    for {set i 0} {$i < $n} {incr i} {
        set k 0
        for {set j $i} {$j < $n && [lindex $times $j] - [lindex $times $i] <= $period} {incr j} {
            incr k
        }
        set most [expr {max($most, $k)}]
    }
    return $most
}

t::run {
    set a [t::netns a]
    set b [t::netns b]
    t::veth $a a1 $b b1
    lacp::port create pa -interface a1 -netns $a -system 02:00:00:00:00:0a
    lacp::port create pb -interface b1 -netns $b -system 02:00:00:00:00:0b
    # the transient ATTACHED with the partner in Sync, seen by a rule
    pa when {partner has S and mux is ATTACHED} then {script {set ::seen [dict get [pa status] mux]}} -once
    set ok [pa wait {mux is COLLECTING_DISTRIBUTING} -timeout 8000]
    pb wait {partner has SCD} -timeout 3000
    t::check "both sides aggregate" {$ok && [dict get [pb status] mux] eq "COLLECTING_DISTRIBUTING"}
    t::check "the rule saw ATTACHED with the partner in Sync" \
        {[dict get [lindex [pa rules] 0] fired] == 1 && [info exists ::seen] && $::seen eq "ATTACHED"} \
        {[pa rules] [expr {[info exists ::seen] ? $::seen : "-"}]}

    # one LACPDU per reaction: pb's first answer to a wrong echo carries F
    after 1100
    set ::out {}
    pb on tx {apply {{p d} {lappend ::out [dict get $d pdu actor state]}}}
    pb on rx {apply {{p d} {
        if {[dict get $d pdu partner state] eq "A"} {lappend ::out stimulus}
    }}}
    pb when received then {set-state actor +F} -once
    pa send -partner {state A}
    t::until {[lsearch $::out stimulus] >= 0 && [lsearch $::out stimulus] < [llength $::out] - 1} 2000
    set answer [lindex $::out [lsearch $::out stimulus]+1]
    t::check "the first answer carries the injection" {$answer eq "ATGSF"} $::out
    pb on tx {}
    pb on rx {}

    # the transmit limit under provocation: a change every 20 ms for 1.5 s
    after 1100
    set ::t {}
    pa on tx {apply {{p d} {lappend ::t [lacp::clock now -us]}}}
    for {set i 0} {$i < 75} {incr i} {
        pa configure -port-priority [expr {1000 + $i}]
        after 20
        update
    }
    after 1100
    update
    pa on tx {}
    set most [closed_window_max $::t 1000000]
    t::check "never more than 3 LACPDUs in a closed window of 1 s" {$most <= 3 && [llength $::t] >= 4} \
        "$most in a window, [llength $::t] sent"
    t::check "the held LACPDU left after all" {![dict get [pa status] ntt]}
}
