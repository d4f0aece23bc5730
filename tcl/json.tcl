# SPDX-License-Identifier: GPL-3.0-or-later
# The package's one JSON writer, for lacpctlc --status and lacpd's -j/-p.
# Values are typed, since Tcl's are not: {obj {KEY VALUE ...}} {arr {VALUE
# ...}} {str S} {num N} {bool B} {null}. tcllib's json::write was the first
# choice; lacpd's -j and -p must print exactly what Python's json.dumps
# prints (", " and ": " between items, non-ASCII escaped), which it cannot.
# This file is compiled into the extension at build time.

namespace eval ::lacp::json {}

# A JSON string literal, escaped as json.dumps escapes (ensure_ascii).
proc ::lacp::json::Str {s} {
    set out \"
    foreach c [split $s ""] {
        scan $c %c n
        if {$c eq "\"" || $c eq "\\"} {
            append out \\$c
        } elseif {[dict exists {8 b 9 t 10 n 12 f 13 r} $n]} {
            append out \\[dict get {8 b 9 t 10 n 12 f 13 r} $n]
        } elseif {$n < 0x20 || $n > 0x7e} {
            append out [format \\u%04x $n]
        } else {
            append out $c
        }
    }
    append out \"
}

# ::lacp::json::encode VALUE ?-indent STRING? ?-tight BOOL?
# VALUE as JSON text. With -indent (e.g. "    "), one item per line; else
# all on one line, with ", " and ": " between items as json.dumps writes,
# or with "," and ":" when -tight is true.
proc ::lacp::json::encode {v args} {
    set indent ""
    set tight 0
    foreach {opt value} $args {
        switch -- $opt {
            -indent {set indent $value}
            -tight {set tight $value}
            default {
                return -code error -errorcode [list LACP OPTION $opt] \
                    "bad option \"$opt\": must be -indent or -tight"
            }
        }
    }
    if {$indent ne ""} {
        return [Encode $v $indent 0 ",\n" ": "]
    }
    return [Encode $v "" 0 [expr {$tight ? "," : ", "}] [expr {$tight ? ":" : ": "}]]
}

proc ::lacp::json::Encode {v indent level sep colon} {
    lassign $v type x
    switch -- $type {
        str {return [Str $x]}
        num {return $x}
        bool {return [expr {$x ? "true" : "false"}]}
        null {return null}
        obj - arr {
            set items {}
            if {$type eq "obj"} {
                foreach {k e} $x {
                    lappend items "[Str $k]$colon[Encode $e $indent [expr {$level + 1}] $sep $colon]"
                }
                set open "\{" ; set close "\}"
            } else {
                foreach e $x {lappend items [Encode $e $indent [expr {$level + 1}] $sep $colon]}
                set open "\[" ; set close "\]"
            }
            if {![llength $items]} {return $open$close}
            if {$indent eq ""} {return "$open[join $items $sep]$close"}
            set pad [string repeat $indent [expr {$level + 1}]]
            return "$open\n$pad[join $items $sep$pad]\n[string repeat $indent $level]$close"
        }
    }
    return -code error -errorcode [list LACP VALUE JSON $type] "bad JSON type \"$type\""
}
