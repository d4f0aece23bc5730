# SPDX-License-Identifier: GPL-3.0-or-later
# One side of bench/ports.tcl (run by lacpsh):
#   lacpsh ports_dut.tcl NETNS PREFIX N
# Creates N active, fast ports on the interfaces PREFIX1..PREFIXN of NETNS
# and reports, on standard output, when they are created and when all of
# them are COLLECTING_DISTRIBUTING (times in ms since the first creation),
# then any port leaving or re-entering it, and keeps them running.
lassign $argv netns prefix n
set ::n $n
set ::cd 0
set ::all 0
proc mux {port ev} {
    if {[dict get $ev to] eq "COLLECTING_DISTRIBUTING"} {
        incr ::cd
    } elseif {[dict get $ev from] eq "COLLECTING_DISTRIBUTING"} {
        incr ::cd -1
        if {$::all} {puts "left $port [expr {([clock microseconds] - $::t0) / 1000.0}]"}
    }
    if {$::cd == $::n && !$::all} {
        set ::all 1
        puts "all $::n [expr {([clock microseconds] - $::t0) / 1000.0}]"
        flush stdout
    }
}
set ::t0 [clock microseconds]
for {set k 1} {$k <= $n} {incr k} {
    lacp::port create p$k -interface $prefix$k -netns $netns
    p$k on mux mux
}
puts "created $n [expr {([clock microseconds] - $::t0) / 1000.0}]"
flush stdout
vwait forever
