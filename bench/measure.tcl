# SPDX-License-Identifier: GPL-3.0-or-later
# What the measurement of the partner costs at scale (run by tclsh as root):
#
#   tclsh bench/measure.tcl ?-ports N? ?-seconds S? ?-rounds R?
#
# Runs bench/ports.tcl (N ports per lacpsh, default 1000, two processes
# over N veth pairs) with every port measuring its partner and with none
# (LACP_MEASURE=off, a switch for this comparison only), R times each
# (default 2), alternating off, on, off, on ... so that the machine's
# drift falls on both. Prints, per figure, every run and the median of
# each side: time to all COLLECTING_DISTRIBUTING, steady-state CPU of the
# process whose ports measure, memory per port beyond an empty lacpsh, and
# the periodic accuracy (|interval - 1 s| as the partner's kernel sees it).
set root [file dirname [file dirname [file normalize [info script]]]]
set n 1000
set seconds 20
set rounds 2
foreach {k v} $argv {
    switch -- $k {
        -ports {set n $v}
        -seconds {set seconds $v}
        -rounds {set rounds $v}
        default {
            puts stderr "usage: tclsh bench/measure.tcl ?-ports N? ?-seconds S? ?-rounds R?"
            exit 64
        }
    }
}

# The RESULT lines of one run of ports.tcl, as {name {key value ...} ...}.
proc run {mode} {
    global root n seconds
    puts "== ports.tcl -ports $n -seconds $seconds -measure $mode"
    set out [exec tclsh [file join $root bench ports.tcl] -ports $n -seconds $seconds \
                 -no-floor -measure $mode 2>@1]
    set results {}
    foreach line [split $out \n] {
        if {[regexp {^  (A:|steady|memory|periodic.*\|interval)} $line]} {puts $line}
        if {![regexp {^RESULT (\S+) (.*)$} $line -> name rest]} continue
        regsub {_nomeasure} $name {} name
        set d {}
        foreach kv $rest {
            lassign [split $kv =] k v
            dict set d $k $v
        }
        dict set results $name $d
    }
    return $results
}

proc median {xs} {
    set s [lsort -real $xs]
    set k [llength $s]
    if {$k == 0} {return -}
    if {$k % 2} {return [lindex $s [expr {$k / 2}]]}
    return [format %.1f [expr {([lindex $s [expr {$k / 2 - 1}]] + [lindex $s [expr {$k / 2}]]) / 2.0}]]
}

set figures [list \
    "all COLLECTING_DISTRIBUTING, ms" ports_cd_$n all_cd_ms \
    "steady CPU of A, % of a core" ports_steady_$n cpu_a_pct \
    "wake-ups of A per s" ports_steady_$n wakeups_a_per_s \
    "memory beyond an empty lacpsh, bytes per port" ports_steady_$n bytes_per_port \
    "periodic |interval - 1 s| median, µs" periodic_${n}_deviation median \
    "periodic |interval - 1 s| p99, µs" periodic_${n}_deviation p99]

set runs {off {} on {}}
for {set r 0} {$r < $rounds} {incr r} {
    foreach mode {off on} {
        dict lappend runs $mode [run $mode]
    }
}

puts "\n$n ports per process, $rounds runs each, alternating; measurement off | on"
puts [format "%-48s %-28s %-28s %12s %12s" figure "runs off" "runs on" "median off" "median on"]
foreach {label name key} $figures {
    set row {}
    foreach mode {off on} {
        set xs {}
        foreach res [dict get $runs $mode] {
            if {[dict exists $res $name $key]} {lappend xs [dict get $res $name $key]}
        }
        dict set row $mode $xs
    }
    set off [median [dict get $row off]]
    set on [median [dict get $row on]]
    puts [format "%-48s %-28s %-28s %12s %12s" $label [join [dict get $row off] " "] \
              [join [dict get $row on] " "] $off $on]
    puts "RESULT measure_${name}_$key n=$n off=$off on=$on"
}
