# SPDX-License-Identifier: GPL-3.0-or-later
# Reaction time, measured on the wire (run by tclsh as root):
#
#   tclsh bench/react.tcl ?-n TRIGGERS? ?-no-ovs? ?-no-floor? ?-notifier epoll|tcl?
#
# From the departure of the LACPDU that should make the device under test
# answer to the arrival of its answer, both stamped by the kernel on the
# peer's end of a veth pair (bench/pktstamp.c, SO_TIMESTAMPNS), over
# TRIGGERS triggers (default 2000, after 50 warm-up ones), each 1-3 ms
# after the previous answer. Four devices under test, one after the other
# on fresh namespaces:
#
#   floor       pktstamp reflect: C, a blocking read, an immediate answer;
#               what the kernel and the veth pair cost
#   lacp_rule   lacpsh with `when partner lacks D then force actor +E` and
#               `when partner has D then release`; each trigger toggles the
#               partner's D bit, the answer carries the forced E bit
#   lacp_inject lacpsh with the rules of lacp_rule, and each trigger also
#               echoes the DUT with a wrong Sync bit, which its machines
#               answer at once: the answer measured is the first LACPDU
#               carrying the rule's change, which must be the reply itself
#               (pktstamp counts the reactions split in two frames)
#   lacp_transition lacpsh with `when {mux is ATTACHED} then force actor +E`
#               and `when {mux is COLLECTING_DISTRIBUTING} then release`;
#               each trigger toggles our Sync bit, so the rules fire on the
#               Mux transitions it causes
#   lacp_timer  lacpsh with `when {after 100} then {script {dut configure
#               -collector-max-delay ...}}`: no trigger on the wire; the
#               figure is |interval - 100 ms| between consecutive changed
#               LACPDUs, beside a C sender's |interval - 100 ms| (pktstamp
#               periodic -p 100, timer_floor)
#   lacp_stale  lacpsh, no rule: each trigger echoes the DUT with a wrong
#               Sync bit, which 802.1AX's update_NTT answers at once
#   ovs_stale   Open vSwitch (ovs-vswitchd, netdev datapath, bond of two
#               members, lacp=active, lacp-time=fast) given the same
#               stimulus; OVS answers it through its ntt_actor check
#
# lacp runs with -tx-limit 0: with the standard's 3 LACPDUs per second the
# limit, not the reaction, would be measured. -notifier tcl runs lacpsh
# with Tcl 8.6's own threaded notifier instead of its epoll one, as a
# script in a plain tclsh has it (figures named *_tclnotifier).
source [file join [file dirname [info script]] lib.tcl]

set n 2000
set ovs 1
set floor 1
bench::notifier_option argv
for {set i 0} {$i < [llength $argv]} {incr i} {
    switch -- [lindex $argv $i] {
        -n {set n [lindex $argv [incr i]]}
        -no-ovs {set ovs 0}
        -no-floor {set floor 0}
        default {
            puts stderr "usage: tclsh bench/react.tcl ?-n TRIGGERS? ?-no-ovs? ?-no-floor? ?-notifier epoll|tcl?"
            exit 64
        }
    }
}

proc pair {short} {
    set a [bench::netns ${short}a]
    set b [bench::netns ${short}b]
    bench::veths $a x $b y 1
    return [list $a $b]
}

bench::run "reaction time: trigger on the wire -> answer on the wire ($n triggers)" {
    set pktstamp [bench::bin pktstamp]
    set lacpsh [bench::lacpsh]
    set sfx $bench::suffix
    set tmp $bench::tmp

    if {$floor} {
        lassign [pair f] a b
        set pid [bench::spawn $tmp/reflect.out ip netns exec $a $pktstamp reflect -i x1]
        bench::wait_line $tmp/reflect.out ^ready 5000 $pid
        bench::measure ip netns exec $b $pktstamp react -i y1 -n $n -m stale -L floor
        bench::kill $pid
    }

    foreach mode {rule inject transition stale} {
        lassign [pair $mode] a b
        set pid [bench::spawn $tmp/$mode.out $lacpsh [file join $bench::root bench react_dut.tcl] x1 $a $mode]
        bench::wait_line $tmp/$mode.out ^ready 5000 $pid
        bench::measure ip netns exec $b $pktstamp react -i y1 -n $n -m $mode -L lacp_$mode$sfx
        bench::kill $pid
    }

    # the timer-driven rule: the intervals between the LACPDUs it changes
    set seconds [expr {max(5, $n / 100)}]
    lassign [pair timer] a b
    set pid [bench::spawn $tmp/timer.out $lacpsh [file join $bench::root bench react_dut.tcl] x1 $a timer]
    bench::wait_line $tmp/timer.out ^ready 5000 $pid
    exec ip netns exec $b $pktstamp listen -i y1 -t $seconds -p 100 -L timer_raw -o $tmp/timer.dump
    bench::kill $pid
    set last {}
    set dev {}
    set f [open $tmp/timer.dump]
    foreach line [split [read $f] \n] {
        lassign $line ifindex stamp changed
        if {$changed ne "1"} continue
        if {$last ne {}} {lappend dev [expr {abs($stamp - $last - 100000.0)}]}
        set last $stamp
    }
    close $f
    bench::result_samples lacp_timer$sfx $dev
    if {$floor} {
        lassign [pair tf] a b
        set pidf [bench::spawn $tmp/tfloor.out ip netns exec $a $pktstamp periodic -x x -p 100 \
                      -s 0 -t [expr {$seconds + 3}]]
        bench::wait_line $tmp/tfloor.out {^ready} 10000 $pidf
        bench::measure ip netns exec $b $pktstamp listen -i y1 -t $seconds -p 100 -L timer_floor
        bench::kill $pidf
    }

    if {$ovs} {
        source [file join $bench::root tests integration lib ovs.tcl]
        if {[set why [ovs::unavailable]] ne {}} {
            puts "  ovs_stale: skipped: $why"
        } else {
            set ovs::tag $bench::tag
            try {
                set lab [ovs::lab -links 2 -lacp active -time fast]
                bench::measure ip netns exec [dict get $lab tester] $pktstamp react \
                    -i [lindex [dict get $lab ours] 0] -n $n -m stale -L ovs_stale
            } finally {
                ovs::cleanup
            }
            set l [bench::get lacp_stale$sfx]
            set o [bench::get ovs_stale]
            if {$l ne {} && $o ne {}} {
                set rm [format %.2f [expr {[dict get $o median] / [dict get $l median]}]]
                set r99 [format %.2f [expr {[dict get $o p99] / [dict get $l p99]}]]
                puts [format "  same stimulus, median: lacp %.1f us, OVS %.1f us: OVS/lacp = %s (p99: %s)" \
                          [dict get $l median] [dict get $o median] $rm $r99]
                bench::result ovs_vs_lacp$sfx median_ratio $rm p99_ratio $r99
            }
        }
    }
}
