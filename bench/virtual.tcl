# SPDX-License-Identifier: GPL-3.0-or-later
# The cost of the machines and the Tcl binding alone, in virtual time (run
# by lacpsh, or a tclsh that finds the package; no root, no sockets, no
# waiting):
#
#   lacpsh bench/virtual.tcl ?-pairs N? ?-seconds S? ?-rounds R?
#
# N port pairs (default 1000), each on an in-process wire, fast and
# active, with an `on mux` script on one side (as bench/ports_dut.tcl has).
# After 5 virtual seconds (all COLLECTING_DISTRIBUTING), the clock advances
# S virtual seconds (default 300) in one call: every periodic LACPDU is
# sent, carried, received and run through the observers. Prints the
# median wall time of R rounds (default 5) and the CPU time per LACPDU.
# Unlike the 1,000-port CPU share of bench/ports.tcl, which the kernel's
# packet path and this machine's scheduling dominate, this figure moves
# with the code of the core and the binding only.
set pairs 1000
set seconds 300
set rounds 5
proc usage {} {
    puts stderr "usage: lacpsh bench/virtual.tcl ?-pairs N? ?-seconds S? ?-rounds R?"
    exit 64
}
if {[llength $argv] % 2} usage
foreach {opt val} $argv {
    if {$opt ni {-pairs -seconds -rounds} || ![string is integer -strict $val] || $val < 1} usage
    set [string range $opt 1 end] $val
}
package require lacp
source [file join [file dirname [info script]] lib.tcl]
set bench::needroot 0

bench::run "$pairs port pairs on wires, $seconds virtual seconds, $rounds rounds" {
    lacp::clock mode virtual
    set ::mux 0
    for {set k 1} {$k <= $pairs} {incr k} {
        lacp::wire create w$k
        lacp::port create a$k -wire w$k -system 02:00:00:00:00:0a
        lacp::port create b$k -wire w$k -system 02:00:00:00:00:0b
        a$k on mux {apply {{port ev} {incr ::mux}}}
    }
    lacp::clock advance 5000
    if {$::mux != 3 * $pairs} {
        error "not every port reached COLLECTING_DISTRIBUTING ($::mux of [expr {3 * $pairs}] Mux transitions)"
    }
    set walls {}
    for {set r 0} {$r < $rounds} {incr r} {
        set tx0 0
        foreach p [lacp::port names] {incr tx0 [dict get [$p counters] lacpdus_tx]}
        set t0 [clock microseconds]
        lacp::clock advance [expr {$seconds * 1000}]
        lappend walls [expr {[clock microseconds] - $t0}]
        set tx 0
        foreach p [lacp::port names] {incr tx [dict get [$p counters] lacpdus_tx]}
        set sent [expr {$tx - $tx0}]
    }
    set median [lindex [lsort -integer $walls] [expr {[llength $walls] / 2}]]
    puts [format "  %d LACPDUs a round, median %.1f ms" $sent [expr {$median / 1000.0}]]
    bench::result virtual_$pairs n $rounds wall_ms [format %.1f [expr {$median / 1000.0}]] \
        ns_per_lacpdu [format %.0f [expr {$median * 1000.0 / $sent}]]
}
