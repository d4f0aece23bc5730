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

# A JSON string literal.
proc ::lacp::ctl::Str {s} {
    set out ""
    foreach c [split $s ""] {
        scan $c %c code
        if {$c eq "\""} {
            append out {\"}
        } elseif {$c eq "\\"} {
            append out {\\}
        } elseif {$code < 0x20 || $code == 0x7f} {
            append out [format {\u%04x} $code]
        } else {
            append out $c
        }
    }
    return "\"$out\""
}

# A JSON number when V is an integer, else a string.
proc ::lacp::ctl::Num {v} {
    if {[string is entier -strict $v]} {
        return [expr {$v}]
    }
    return [Str $v]
}

# An object from a list of key / JSON-text pairs, indented at LEVEL when
# PRETTY.
proc ::lacp::ctl::Object {pairs pretty level} {
    if {![llength $pairs]} {
        return "{}"
    }
    set items {}
    foreach {k v} $pairs {
        lappend items "[Str $k]:[expr {$pretty ? { } : {}}]$v"
    }
    return [Wrap \{ \} $items $pretty $level]
}

proc ::lacp::ctl::Wrap {open close items pretty level} {
    if {!$pretty} {
        return $open[join $items ,]$close
    }
    set in [string repeat "  " [expr {$level + 1}]]
    set out [string repeat "  " $level]
    return "$open\n$in[join $items ",\n$in"]\n$out$close"
}

proc ::lacp::ctl::Info {info pretty level} {
    variable info_keys
    variable info_numbers
    set pairs {}
    foreach k $info_keys {
        if {[dict exists $info $k]} {
            set v [dict get $info $k]
            lappend pairs $k [expr {$k in $info_numbers ? [Num $v] : [Str $v]}]
        }
    }
    return [Object $pairs $pretty $level]
}

proc ::lacp::ctl::Json {ports pretty} {
    variable port_fields
    set objects {}
    foreach {name st} $ports {
        set pairs [list name [Str $name]]
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
                lappend pairs $k [Str $v]
            }
        }
        foreach k {actor partner} {
            lappend pairs $k [Info [dict get $st $k] $pretty 3]
        }
        if {[dict exists $st counters]} {
            set counters {}
            dict for {k v} [dict get $st counters] {
                lappend counters $k [Num $v]
            }
            lappend pairs counters [Object $counters $pretty 3]
        }
        lappend objects [Object $pairs $pretty 2]
    }
    if {[llength $objects]} {
        set list [Wrap \[ \] $objects $pretty 1]
    } else {
        set list {[]}
    }
    return [Object [list ports $list] $pretty 0]
}
