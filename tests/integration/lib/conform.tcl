# SPDX-License-Identifier: GPL-3.0-or-later
# The conformance suite against real DUTs, for the interop tests and
# scripts/interop: a lab per DUT (lacp itself on veth pairs in real time,
# Open vSwitch through ovs.tcl), the suite run on its links with a probe
# into the DUT's own view, and doc/interop.md's verdict matrix read back.
# Needs root; source netns.tcl and ovs.tcl first.
package require lacp

namespace eval ::conf {
    variable src [expr {[info exists ::env(LACP_SRC)] ? $::env(LACP_SRC)
                        : [file normalize [file join [file dirname [info script]] .. .. ..]]}]
    variable ovs {}     ;# the OVS handle the probe reads

    # The columns of doc/interop.md: column name -> how to run that DUT.
    variable duts {
        lacp-active   {kind lacp mode active}
        lacp-passive  {kind lacp mode passive}
        ovs-active    {kind ovs mode active}
        ovs-passive   {kind ovs mode passive}
    }

    # Runs the suite against the DUT of column COLUMN; returns the report.
    # OPTIONS go to lacp::conform run (-quick, -case ...).
    proc run {column args} {
        variable duts
        set d [dict get $duts $column]
        set mode [dict get $d mode]
        if {[dict get $d kind] eq "ovs"} {
            set lab [ovs::lab -lacp $mode -time fast]
            variable ovs [dict get $lab ovs]
            set ns [dict get $lab tester]
            set ifs [dict get $lab ours]
            set probe ::conf::ovs_probe
        } else {
            set ns [t::netns ct]
            set dns [t::netns cd]
            set ifs {}
            foreach k {1 2} {
                t::veth $ns t$k $dns d$k
                lappend ifs t$k
                lacp::port create dut$k -interface d$k -netns $dns -mode $mode \
                    -system 02:00:00:00:d0:01
            }
            set probe ::conf::lacp_probe
        }
        set ports {}
        set k 0
        foreach if $ifs {
            lacp::port create link[incr k] -interface $if -netns $ns -system 02:00:00:00:c0:01
            lappend ports link$k
        }
        try {
            return [lacp::conform run -ports $ports -dut-mode $mode -dut-rate fast \
                        -dut-probe $probe -progress stdout {*}$args]
        } finally {
            foreach p [lacp::port names] {$p destroy}
            if {[dict get $d kind] eq "ovs"} {ovs::cleanup}
        }
    }

    # The DUT's own view of link I: OVS forwards on a member (one bond, one
    # aggregator) when bond/show says enabled.
    proc ovs_probe {i} {
        variable ovs
        set b [ovs::bond $ovs]
        set on [dict get $b members d$i enabled]
        return [dict create aggregator [expr {$on ? "bond0" : ""}]]
    }

    proc lacp_probe {i} {
        set s [dut$i status]
        dict create aggregator [expr {[dict get $s selected] eq "SELECTED" ? [dict get $s aggregator] : ""}] \
            partner_churn [expr {[dict get $s partner_churn] eq "PARTNER_CHURN"}]
    }

    # doc/interop.md's matrix: {column {id verdict ...} ...}
    proc matrix {{file {}}} {
        variable src
        if {$file eq {}} {set file [file join $src doc interop.md]}
        set f [open $file]
        set text [read $f]
        close $f
        set cols {}
        set m {}
        foreach line [split $text \n] {
            if {![string match "|*" $line]} continue
            set cells [lmap c [lrange [split $line |] 1 end-1] {string trim $c}]
            if {[lindex $cells 0] eq "case"} {
                set cols [lrange $cells 2 end]
                continue
            }
            set id [string trim [lindex $cells 0] `]
            if {$cols eq {} || ![regexp {^[a-z]+\.} $id]} continue
            foreach c $cols v [lrange $cells 2 end] {
                dict set m $c $id [string tolower [lindex [string trim $v *] 0]]
            }
        }
        return $m
    }

    # The cases whose verdict in REPORT differs from column COLUMN of the
    # matrix: {id committed now ...}. Cases -quick left out are not compared.
    proc differences {report column} {
        set want [dict get [matrix] $column]
        set out {}
        foreach c [dict get $report cases] {
            set id [dict get $c id]
            if {[dict get $c summary] eq "long case, left out by -quick"} continue
            set w [expr {[dict exists $want $id] ? [dict get $want $id] : "(none)"}]
            if {$w ne [dict get $c verdict]} {
                lappend out $id $w [dict get $c verdict] [dict get $c summary]
            }
        }
        return $out
    }
}
