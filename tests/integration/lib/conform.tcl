# SPDX-License-Identifier: GPL-3.0-or-later
# The conformance suite against real DUTs, for the interop tests and
# scripts/interop: a lab per DUT (lacp itself on veth pairs in real time;
# every other peer through the DUT interface, tests/lib/dut.tcl), the
# suite run on its links with a probe into the DUT's own view, and
# doc/interop.md's verdict matrix read back. Needs root; source netns.tcl
# first.
#
#   conf::run COLUMN ?OPTIONS?        a lab opened, the suite run, the lab
#                                     closed -> the report (OPTIONS go to
#                                     lacp::conform run: -quick, -case ...)
#   conf::open COLUMN ?-share L?      -> L, a lab for that column (-share: the
#                                     guest of lab L, for bonding and teamd)
#   conf::suite COLUMN L ?OPTIONS?    the suite on lab L -> the report; the DUT
#                                     is started with the column's settings and
#                                     stopped after, the lab stays
#   conf::close L
#   conf::check_column COLUMN WHAT ?L?  the CI check (below)
#   conf::column PEER                 -> the column CI checks for a peer
package require lacp
source [file join [file dirname [file dirname [file dirname [file normalize [info script]]]]] lib dut.tcl]

namespace eval ::conf {
    variable src [expr {[info exists ::env(LACP_SRC)] ? $::env(LACP_SRC)
                        : [file normalize [file join [file dirname [info script]] .. .. ..]]}]

    # The columns of doc/interop.md: column name -> how to run that DUT
    # (kind lacp: lacp's own ports; kind dut: PEER of tests/lib/dut.tcl).
    # DPDK's testpmd runs active with its own long timeout only.
    variable duts {
        lacp-active   {kind lacp mode active rate fast}
        lacp-passive  {kind lacp mode passive rate fast}
        ovs-active    {kind dut peer ovs mode active rate fast}
        ovs-passive   {kind dut peer ovs mode passive rate fast}
        bond-active   {kind dut peer bonding mode active rate fast}
        teamd-active  {kind dut peer teamd mode active rate fast}
        dpdk-active   {kind dut peer dpdk mode active rate slow}
    }
    variable serial 0
    variable labs {}    ;# L -> {column C dut D}
    variable current {} ;# the lab the probe reads

    proc column {peer} {
        variable duts
        foreach {c d} $duts {
            if {[dict get $d kind] eq "dut" && [dict get $d peer] eq $peer} {return $c}
        }
        error "no column for peer \"$peer\""
    }

    proc open {column args} {
        variable duts
        variable serial
        variable labs
        set o [dict merge {-share {}} $args]
        set d [dict get $duts $column]
        set l conf[incr serial]
        if {[dict get $d kind] eq "dut"} {
            set share [dict get $o -share]
            if {$share ne {}} {set share [dict get $labs $share dut]}
            set dl [dut::open [dict get $d peer] -links 2 -share $share]
            dict set labs $l [dict create column $column dut $dl]
        } else {
            set ns [t::netns ct]
            set dns [t::netns cd]
            set ours {}
            foreach k {1 2} {
                t::veth $ns t$k $dns d$k
                lappend ours [dict create netns $ns interface t$k]
            }
            dict set labs $l [dict create column $column dut {} ours $ours dns $dns]
        }
        return $l
    }

    proc close {l} {
        variable labs
        if {![dict exists $labs $l]} return
        set dl [dict get $labs $l dut]
        if {$dl ne {}} {dut::close $dl}
        dict unset labs $l
    }

    # The suite against the DUT of lab L, the DUT started afresh with
    # COLUMN's mode and rate; our ports link1, link2 on our ends.
    proc suite {column l args} {
        variable duts
        variable labs
        variable current
        set d [dict get $duts $column]
        set mode [dict get $d mode]
        set rate [dict get $d rate]
        set dl [dict get $labs $l dut]
        if {$dl ne {}} {
            dut::start $dl -mode $mode -rate $rate
            set ours [dut::ours $dl]
            set probe [list ::conf::dut_probe [dict get $d peer]]
        } else {
            set k 0
            foreach e [dict get $labs $l ours] {
                lacp::port create dut[incr k] -interface d$k -netns [dict get $labs $l dns] \
                    -mode $mode -system 02:00:00:00:d0:01
            }
            set ours [dict get $labs $l ours]
            set probe ::conf::lacp_probe
        }
        set current $l
        set ports {}
        set k 0
        foreach e $ours {
            lacp::port create link[incr k] -interface [dict get $e interface] \
                -netns [dict get $e netns] -system 02:00:00:00:c0:01
            lappend ports link$k
        }
        try {
            return [lacp::conform run -ports $ports -dut-mode $mode -dut-rate $rate \
                        -dut-probe $probe -progress stdout {*}$args]
        } finally {
            foreach p [lacp::port names] {$p destroy}
            if {$dl ne {}} {dut::stop $dl}
            set current {}
        }
    }

    # Runs the suite against the DUT of column COLUMN; returns the report.
    # OPTIONS go to lacp::conform run (-quick, -case ...).
    proc run {column args} {
        set l [open $column]
        try {
            return [suite $column $l {*}$args]
        } finally {
            close $l
        }
    }

    # The DUT's own view of link I, through dut::view: the aggregator it
    # put the link in ("" for none) and, where the peer reports it,
    # partner churn. Open vSwitch has one bond: a member is in it when
    # bond/show says enabled. DPDK names an aggregator by a member's port
    # id, 0 included, and keeps one for an unselected member too.
    proc dut_probe {peer i} {
        variable labs
        variable current
        set dl [dict get $labs $current dut]
        set m [dut::member $dl [expr {$i - 1}]]
        switch -- $peer {
            ovs {set agg [expr {[dict get $m selected] ? "bond0" : ""}]}
            dpdk {set agg [expr {[dict get $m selection] eq "SELECTED" ? "port[dict get $m aggregator]" : ""}]}
            default {set agg [dict get $m aggregator]}
        }
        set r [dict create aggregator $agg]
        if {[dict exists $m partner_churn]} {dict set r partner_churn [dict get $m partner_churn]}
        return $r
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
        set f [::open $file]
        set text [read $f]
        ::close $f
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
        set f [::open $file]
        set text [read $f]
        ::close $f
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

    # The CI check of column COLUMN: runs the suite with -quick against
    # that DUT (on lab L, or a lab of its own), prints the report and its
    # wall time, and checks every verdict against doc/interop.md but for
    # those interop-notes.tcl lists as unstable for that DUT (with why).
    # WHAT names the DUT in the checks.
    proc check_column {column what {l {}}} {
        set t0 [clock milliseconds]
        if {$l eq {}} {
            set report [run $column -quick 1]
        } else {
            set report [suite $column $l -quick 1]
        }
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

    # The cases whose verdict in REPORT differs from column COLUMN of the
    # matrix: {id committed now why ...}. Cases -quick left out are not
    # compared: the long ones, and those that skip under -quick only
    # (rx.default.after-expire against a DUT with a long timeout of its
    # own); a column the matrix does not have makes every case differ.
    proc differences {report column} {
        set m [matrix]
        set want [expr {[dict exists $m $column] ? [dict get $m $column] : {}}]
        set out {}
        foreach c [dict get $report cases] {
            set id [dict get $c id]
            if {[dict get $c verdict] eq "skip" && [string match "*left out by -quick" [dict get $c summary]]} continue
            set w [expr {[dict exists $want $id] ? [dict get $want $id] : "(none)"}]
            if {$w ne [dict get $c verdict]} {
                lappend out $id $w [dict get $c verdict] [dict get $c summary]
            }
        }
        return $out
    }
}
