# SPDX-License-Identifier: GPL-3.0-or-later
# Helpers for lacpctld's clients: `lacpctlc --status` evaluates
# ::lacp::ctl::status in the daemon. Also usable from lacpsh.
# This file is compiled into the extension at build time.

namespace eval ::lacp::ctl {
    namespace export status

    # The fields of an actor/partner dict, and which of them are numbers.
    variable info_keys {system system_priority key port port_priority state}
    variable info_numbers {system_priority key port port_priority}
    # Top-level fields of one port in the JSON form, with their types.
    variable port_fields {
        name string interface string netns string wire string
        mode string rate string rx string mux string periodic string
        selected string aggregator number
    }
    # The keys of `NAME measure` (at any depth) whose values are dicts.
    variable measure_dicts {
        partner_intervals intervals fast slow worst_window reaction convergence
        partner_sync collecting_distributing partner_collecting_distributing expiry
    }
}

# ::lacp::ctl::status ?-format text|json|pretty?
# Every port as a text table (PORT LINK MUX RX ACTOR STATE PARTNER STATE),
# or as JSON: {"ports": [{"name": .., "interface": ..|null, "wire": ..|null,
# "mux": .., "rx": .., "actor": {..}, "partner": {..}, ...}, ...]}.
# -format pretty is indented JSON.
proc ::lacp::ctl::status {args} {
    set format text
    foreach {opt value} $args {
        if {$opt ne "-format"} {
            return -code error -errorcode [list LACP OPTION $opt] \
                "unknown option \"$opt\": must be -format"
        }
        if {$value ni {text json pretty}} {
            return -code error -errorcode [list LACP VALUE FORMAT $value] \
                "bad format \"$value\": must be text, json or pretty"
        }
        set format $value
    }
    if {[llength $args] % 2} {
        return -code error -errorcode {LACP ARGS} \
            "wrong # args: should be \"::lacp::ctl::status ?-format text|json|pretty?\""
    }
    set ports {}
    foreach name [lsort -dictionary [::lacp::port names]] {
        lappend ports $name [$name status]
    }
    if {$format eq "text"} {
        return [Table $ports]
    }
    return [Json $ports [expr {$format eq "pretty"}]]
}

# Where a port runs: its interface (with its namespace), or its wire.
proc ::lacp::ctl::Link {st} {
    if {[dict exists $st interface] && [dict get $st interface] ne ""} {
        set link [dict get $st interface]
        if {[dict exists $st netns] && [dict get $st netns] ne ""} {
            append link @[dict get $st netns]
        }
        return $link
    }
    if {[dict exists $st wire] && [dict get $st wire] ne ""} {
        return "wire:[dict get $st wire]"
    }
    return -
}

# SYSTEM/KEY/PORT of an actor or partner dict.
proc ::lacp::ctl::Id {info} {
    return [dict get $info system]/[dict get $info key]/[dict get $info port]
}

proc ::lacp::ctl::Table {ports} {
    if {![llength $ports]} {
        return "no ports"
    }
    set rows [list {PORT LINK MUX RX ACTOR STATE PARTNER STATE}]
    foreach {name st} $ports {
        set actor [dict get $st actor]
        set partner [dict get $st partner]
        lappend rows [list $name [Link $st] [dict get $st mux] [dict get $st rx] \
            [Id $actor] [dict get $actor state] [Id $partner] [dict get $partner state]]
    }
    set widths [lrepeat 8 0]
    foreach row $rows {
        set i 0
        foreach cell $row {
            if {[string length $cell] > [lindex $widths $i]} {
                lset widths $i [string length $cell]
            }
            incr i
        }
    }
    set lines {}
    foreach row $rows {
        set line ""
        set i 0
        foreach cell $row {
            append line [format "%-*s  " [lindex $widths $i] $cell]
            incr i
        }
        lappend lines [string trimright $line]
    }
    return [join $lines \n]
}

# A typed JSON number when V is an integer, else a string (json.tcl).
proc ::lacp::ctl::Num {v} {
    if {[string is entier -strict $v]} {
        return [list num [expr {$v}]]
    }
    return [list str $v]
}

proc ::lacp::ctl::Info {info} {
    variable info_keys
    variable info_numbers
    set pairs {}
    foreach k $info_keys {
        if {[dict exists $info $k]} {
            set v [dict get $info $k]
            lappend pairs $k [expr {$k in $info_numbers ? [Num $v] : [list str $v]}]
        }
    }
    return [list obj $pairs]
}

# `NAME measure` as a typed value: its dicts as objects, histograms as
# arrays of [upper, count] pairs, a figure without a sample as null.
proc ::lacp::ctl::Measure {m} {
    variable measure_dicts
    set pairs {}
    dict for {k v} $m {
        if {$k in $measure_dicts} {
            lappend pairs $k [Measure $v]
        } elseif {$k eq "histogram"} {
            lappend pairs $k [list arr [lmap {upper n} $v {
                list arr [list [expr {$upper eq "" ? {null} : [list num $upper]}] [list num $n]]
            }]]
        } elseif {$v eq ""} {
            lappend pairs $k null
        } elseif {[string is double -strict $v]} {
            lappend pairs $k [list num $v]
        } else {
            lappend pairs $k [list str $v]
        }
    }
    return [list obj $pairs]
}

proc ::lacp::ctl::Json {ports pretty} {
    variable port_fields
    set objects {}
    foreach {name st} $ports {
        set pairs [list name [list str $name]]
        foreach {k type} $port_fields {
            if {$k eq "name" || ![dict exists $st $k]} {
                continue
            }
            set v [dict get $st $k]
            if {$k in {interface netns wire} && $v eq ""} {
                lappend pairs $k null
            } elseif {$type eq "number"} {
                lappend pairs $k [Num $v]
            } else {
                lappend pairs $k [list str $v]
            }
        }
        foreach k {actor partner} {
            lappend pairs $k [Info [dict get $st $k]]
        }
        if {[dict exists $st counters]} {
            set counters {}
            dict for {k v} [dict get $st counters] {
                lappend counters $k [Num $v]
            }
            lappend pairs counters [list obj $counters]
        }
        if {![catch {$name measure} m]} {
            lappend pairs measure [Measure $m]
        }
        lappend objects [list obj $pairs]
    }
    set doc [list obj [list ports [list arr $objects]]]
    if {$pretty} {
        return [::lacp::json::encode $doc -indent "  "]
    }
    return [::lacp::json::encode $doc -tight 1]
}
