# SPDX-License-Identifier: GPL-3.0-or-later
# What event hooks cost the event loop (run with lacpsh or tclsh; no root):
#  1. one hook start, as the event loop pays it, per call, median and p99:
#     a datagram to the helper that starts hooks; with LACP_HOOK_HELPER=0
#     in the environment, posix_spawn of /bin/true in the process itself;
#  2. 100 ports on wires in real time, fast rate, for -seconds: the gaps
#     between each port's LACPDUs (|gap - 1 s|, median, p99, max) with no
#     hook, and with a hook that sleeps 10 s started on every LACPDU sent
#     (at most -max at once, the rest dropped) — a storm no operator would
#     configure, to show that hooks do not hold LACPDUs back.
#   lacpsh bench/hooks.tcl ?-seconds 10? ?-calls 500? ?-max 8?
package require lacp
array set opt {-seconds 10 -calls 500 -max 8}
array set opt $argv

proc pct {l p} {
    set l [lsort -real $l]
    lindex $l [expr {min([llength $l] - 1, int(ceil($p / 100.0 * [llength $l])) - 1)}]
}
proc fmt {l} {
    format "median %.3f ms  p99 %.3f ms  max %.3f ms  (%d)" [pct $l 50] [pct $l 99] \
        [tcl::mathfunc::max {*}$l] [llength $l]
}

# 1. the cost of a start, inside the process
set sh [file join [expr {[info exists env(TMPDIR)] ? $env(TMPDIR) : "/tmp"}] lacp-bench-hook-[pid].sh]
set f [open $sh w]; puts $f "#!/bin/sh\nexec sleep 10"; close $f
file attributes $sh -permissions 0755
lacp::hook configure -command /bin/true -max 4096
set t {}
for {set i 0} {$i < $opt(-calls)} {incr i} {
    set t0 [clock microseconds]
    lacp::hook call bench p$i
    lappend t [expr {([clock microseconds] - $t0) / 1000.0}]
    if {$i % 50 == 49} {lacp::hook wait -timeout 10000}
}
lacp::hook wait -timeout 10000
set how [expr {[info exists env(LACP_HOOK_HELPER)] && $env(LACP_HOOK_HELPER) eq "0" ?
    "posix_spawn in the process" : "through the helper"}]
puts "hook start, $how: [fmt $t]"

# 2. periodic timing of 100 ports, without and with a storm of hooks
proc run {label hook} {
    global opt
    lacp::hook configure -command $hook -max $opt(-max)
    lacp::hook stats -reset
    for {set i 0} {$i < 50} {incr i} {
        lacp::wire create w$i
        lacp::port create a$i -wire w$i -system 02:00:00:00:00:0a
        lacp::port create b$i -wire w$i -system 02:00:00:00:00:0b
    }
    a49 wait {mux is COLLECTING_DISTRIBUTING} -timeout 15000
    b49 wait {mux is COLLECTING_DISTRIBUTING} -timeout 15000
    array unset ::last
    set ::gaps {}
    foreach p [lacp::port names] {
        $p on tx [list apply {{hook p ev} {
            set t [dict get $ev time]
            if {[info exists ::last($p)]} {lappend ::gaps [expr {abs($t - $::last($p) - 1000.0)}]}
            set ::last($p) $t
            if {$hook ne ""} {lacp::hook call tx $p}
        }} $hook]
    }
    after [expr {$opt(-seconds) * 1000}] {set ::done 1}
    vwait ::done
    set s [lacp::hook stats]
    puts [format "%-28s |gap - 1 s|: %s; hooks started %d dropped %d" $label [fmt $::gaps] \
        [dict get $s started] [dict get $s dropped]]
    foreach p [lacp::port names] {$p destroy}
    foreach w [lacp::wire names] {lacp::wire $w destroy}
}
if {$opt(-seconds) > 0} {
    run "100 ports, no hook" ""
    run "100 ports, sleeping hooks" $sh
}
file delete $sh
