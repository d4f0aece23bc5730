# SPDX-License-Identifier: GPL-3.0-or-later
# Scale, periodic accuracy, steady-state CPU and memory (run by tclsh as root):
#
#   tclsh bench/ports.tcl ?-ports N? ?-seconds S? ?-dump FILE? ?-no-floor? ?-notifier epoll|tcl?
#                         ?-measure on|off?
#
# N veth pairs (default 1000) between two namespaces; a lacpsh with N
# active, fast ports in namespace A, a second lacpsh with N ports in
# namespace B as their peers (bench/ports_dut.tcl). Creating the veths is
# not measured. Measured:
#   - the time from the first port creation in A until all of A's ports
#     are COLLECTING_DISTRIBUTING (the port creation time alone, too);
#   - then, over S seconds of steady state (default 30): the CPU time of
#     each process (utime + stime from /proc/PID/stat) as a share of one
#     core, and their resident memory (VmRSS) against an empty lacpsh
#     with the package loaded: bytes per port beyond the empty process;
#   - then, over another S seconds, on B's side of every link
#     (bench/pktstamp.c listen, kernel receive stamps), the interval
#     between consecutive periodic LACPDUs of each of A's ports and its
#     distance from the 1 s fast period. (The listener is a second packet
#     socket woken by every frame; its cost would show in the CPU figures,
#     so it does not run while they are taken.) -dump FILE keeps every
#     LACPDU seen (pktstamp listen -o);
#   - last, the same intervals from a C program that only sends a LACPDU
#     per link per second from absolute deadlines (pktstamp periodic),
#     both lacpsh stopped: the floor this machine sets.
# -notifier tcl runs both sides with Tcl 8.6's own threaded notifier
# instead of lacpsh's epoll one (figures named *_tclnotifier). -measure off
# creates every port without the measurement of its partner (LACP_MEASURE=off
# in both processes; figures named *_nomeasure), for bench/measure.tcl.
source [file join [file dirname [info script]] lib.tcl]

set n 1000
set seconds 30
set dump {}
set floor 1
bench::notifier_option argv
set sfx $bench::suffix
for {set i 0} {$i < [llength $argv]} {incr i} {
    switch -- [lindex $argv $i] {
        -ports {set n [lindex $argv [incr i]]}
        -seconds {set seconds [lindex $argv [incr i]]}
        -dump {set dump [file normalize [lindex $argv [incr i]]]}
        -no-floor {set floor 0}
        -measure {
            switch -- [lindex $argv [incr i]] {
                on {unset -nocomplain ::env(LACP_MEASURE)}
                off {set ::env(LACP_MEASURE) off; append sfx _nomeasure}
                default {puts stderr "-measure must be on or off"; exit 64}
            }
        }
        default {
            puts stderr "usage: tclsh bench/ports.tcl ?-ports N? ?-seconds S? ?-dump FILE? ?-no-floor? ?-notifier epoll|tcl? ?-measure on|off?"
            exit 64
        }
    }
}

bench::run "$n ports per process, two lacpsh processes over $n veth pairs" {
    set pktstamp [bench::bin pktstamp]
    set lacpsh [bench::lacpsh]
    set tmp $bench::tmp
    set dut [file join $bench::root bench ports_dut.tcl]

    set a [bench::netns a]
    set b [bench::netns b]
    set t [clock milliseconds]
    bench::veths $a a $b b $n
    puts "  setup: $n veth pairs in [expr {[clock milliseconds] - $t}] ms (not measured)"

    # the empty process
    set pid [bench::spawn $tmp/idle.out $lacpsh [file join $bench::root bench idle.tcl]]
    bench::wait_line $tmp/idle.out ^ready 5000 $pid
    after 500
    set empty [lindex [bench::proc_stat $pid] 2]
    bench::kill $pid

    set pidb [bench::spawn $tmp/b.out $lacpsh $dut $b b $n]
    bench::wait_line $tmp/b.out {^created} 600000 $pidb
    set pida [bench::spawn $tmp/a.out $lacpsh $dut $a a $n]
    set created [bench::wait_line $tmp/a.out {^created \d+ ([\d.]+)} 600000 $pida]
    set all [bench::wait_line $tmp/a.out {^all \d+ ([\d.]+)} 600000 $pida]
    bench::wait_line $tmp/b.out {^all} 600000 $pidb
    puts [format "  A: %d ports created in %.0f ms, all COLLECTING_DISTRIBUTING after %.0f ms" \
              $n $created $all]
    bench::result ports_cd_$n$sfx n $n create_ms $created all_cd_ms $all

    # steady state: CPU and memory with nobody else listening on the links
    after 2000
    set s0a [bench::proc_stat $pida]
    set s0b [bench::proc_stat $pidb]
    set t0 [clock microseconds]
    after [expr {int($seconds * 1000)}]
    set dt [expr {([clock microseconds] - $t0) / 1e6}]
    set s1a [bench::proc_stat $pida]
    set s1b [bench::proc_stat $pidb]
    foreach side {a b} {
        set s0 [set s0$side]
        set s1 [set s1$side]
        set cpu($side) [expr {100.0 * (([lindex $s1 0] + [lindex $s1 1]) -
                                        ([lindex $s0 0] + [lindex $s0 1])) / $dt}]
        set user($side) [expr {100.0 * ([lindex $s1 0] - [lindex $s0 0]) / $dt}]
        set rss($side) [lindex $s1 2]
        set wake($side) [expr {([lindex $s1 3] - [lindex $s0 3]) / $dt}]
    }
    # then the periodic LACPDUs of A as B's ends of the links see them
    bench::measure ip netns exec $b $pktstamp listen -t $seconds -L periodic_$n$sfx \
        {*}[expr {$dump ne {} ? [list -o $dump] : {}}]
    set per [expr {($rss(a) - $empty) * 1024.0 / $n}]
    puts [format "  steady state over %.1f s: CPU A %.2f %% of a core (user %.2f), B %.2f %% (user %.2f)" \
              $dt $cpu(a) $user(a) $cpu(b) $user(b)]
    puts [format "  wake-ups (voluntary context switches, all threads): A %.0f/s, B %.0f/s" \
              $wake(a) $wake(b)]
    puts [format "  memory: empty lacpsh %d KiB, A %d KiB, B %d KiB: %.0f bytes per port beyond the empty process" \
              $empty $rss(a) $rss(b) $per]
    bench::result ports_steady_$n$sfx n $n cpu_a_pct [format %.2f $cpu(a)] cpu_b_pct [format %.2f $cpu(b)] \
        wakeups_a_per_s [format %.0f $wake(a)] \
        rss_empty_kib $empty rss_a_kib $rss(a) bytes_per_port [format %.0f $per]
    # the floor: a C sender alone on the same links, each link on its own
    # phase, from absolute deadlines (pktstamp periodic)
    bench::kill $pida
    bench::kill $pidb
    if {$floor} {
        set pidf [bench::spawn $tmp/floor.out ip netns exec $a $pktstamp periodic -x a -p 1000 \
                      -s 1000 -t [expr {$seconds + 3}]]
        bench::wait_line $tmp/floor.out {^ready} 10000 $pidf
        bench::measure ip netns exec $b $pktstamp listen -t $seconds -L periodic_floor_$n
        bench::kill $pidf
    }
    foreach side {a b} {
        set f [open $tmp/$side.out]; set text [read $f]; close $f
        set left [regexp -all -line {^left } $text]
        if {$left} {puts "  $side: $left times a port left COLLECTING_DISTRIBUTING after all had reached it"}
    }
}
