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
        bond-active   {kind bond mode active}
    }
    variable guest {}   ;# the bonding guest the probe reads
    variable slaves {}

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
        } elseif {[dict get $d kind] eq "bond"} {
            # needs bond.tcl; the guest's bond0 in 802.3ad mode, fast rate
            set lab [bond::lab -bond [list lacp_rate fast lacp_active [expr {$mode eq "active" ? "on" : "off"}]]]
            variable guest [dict get $lab guest]
            variable slaves [dict get $lab slaves]
            set ns [dict get $lab ns]
            set ifs [dict get $lab taps]
            set probe ::conf::bond_probe
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
            if {[dict get $d kind] eq "bond"} {bond::cleanup}
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

    # The bonding driver's own view: the aggregator id and churn state the
    # guest reports for the slave on link I.
    proc bond_probe {i} {
        variable guest
        variable slaves
        set s [bond::slave $guest [lindex $slaves [expr {$i - 1}]]]
        if {$s eq {}} {return {}}
        dict create aggregator [dict get $s agg] \
            partner_churn [expr {[dict get $s partner_churn] eq "churned"}]
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

    # The wall times row of the matrix FILE: {column seconds ...}
    proc walls {file} {
        set w {}
        if {![file exists $file]} {return $w}
        set f [open $file]
        set text [read $f]
        close $f
        set cols {}
        foreach line [split $text \n] {
            set cells [lmap c [lrange [split $line |] 1 end-1] {string trim $c}]
            if {[lindex $cells 0] eq "case"} {set cols [lrange $cells 2 end]}
            if {[lindex $cells 0] eq "wall time, s"} {
                foreach c $cols v [lrange $cells 2 end] {
                    if {$v ne "-"} {dict set w $c $v}
                }
            }
        }
        return $w
    }

    # The cases whose verdict in REPORT differs from column COLUMN of the
    # matrix: {id committed now ...}. Cases -quick left out are not compared.
    # The CI check of column COLUMN: runs the suite with -quick against
    # that DUT, prints the report and its wall time, and checks every
    # verdict against doc/interop.md but for those interop-notes.tcl lists
    # as unstable for that DUT (with why). WHAT names the DUT in the checks.
    proc check_column {column what} {
        set t0 [clock milliseconds]
        set report [run $column -quick 1]
        set wall [expr {([clock milliseconds] - $t0) / 1000.0}]
        puts [lacp::conform report text $report]
        set s [dict get $report summary]
        puts [format "wall time %.1f s (-quick, 2 links): %d pass, %d fail, %d skip, %d error" \
                  $wall [dict get $s pass] [dict get $s fail] [dict get $s skip] [dict get $s error]]
        set diff {}
        foreach {id was now why} [differences $report $column] {
            if {[dict exists $::unstable $column $id]} {
                puts "not compared (unstable against $what): $id, committed $was, now $now"
                continue
            }
            lappend diff $id $was $now $why
        }
        t::check "every verdict as doc/interop.md commits it for $what" {![llength $diff]} \
            {[join [lmap {id was now why} $diff {string cat "$id: committed $was, now $now ($why)"}] \n]}
        t::check "no case ended in error against $what" {[dict get $s error] == 0}
    }

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
