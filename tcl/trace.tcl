# SPDX-License-Identifier: GPL-3.0-or-later
# lacp::trace: start/stop recording, the recorded events, and the ladder
# diagram of the exchange between ports (text, live or afterwards, and SVG).
# The recorder is C (src/tcl/tcl_trace.c); this file draws.

namespace eval ::lacp::trace {
    namespace export start stop events clear ladder info
    namespace ensemble create

    variable live {}        ;# channel of the live ladder, or {}
    variable liveOwned 0    ;# whether stop closes it
    variable lanes {}       ;# lanes of the live ladder
    variable learn {}       ;# port -> port it was seen talking to
    variable width 30       ;# characters per lane
    variable periodic 0     ;# draw every transition (-all)
    variable given {}       ;# the lanes given to start (-lanes)

    proc Error {code msg} {
        return -code error -level 2 -errorcode [list LACP {*}$code] $msg
    }

    # lacp::trace start ?-file F? ?-channel CHAN? ?-limit N? ?-all BOOL? ?-lanes LIST?
    proc start {args} {
        variable live; variable liveOwned; variable lanes; variable learn
        variable periodic
        variable given
        if {[llength $args] % 2} {
            Error {OPTION VALUE} "option \"[lindex $args end]\" needs a value"
        }
        set limit 1000000
        set chan {}
        set owned 0
        set per 0
        set lanesGiven {}
        foreach {opt value} $args {
            switch -- $opt {
                -lanes {
                    if {[catch {llength $value}]} {
                        Error {VALUE LIST} "-lanes must be a list of port names, got \"$value\""
                    }
                    set lanesGiven $value
                }
                -file {
                    if {[catch {open $value w} chan]} {
                        Error {TRACE OPEN} "cannot open trace file \"$value\": $chan"
                    }
                    set owned 1
                }
                -channel {
                    if {[catch {chan configure $value}]} {
                        Error [list LOOKUP CHANNEL $value] "channel \"$value\" not found"
                    }
                    set chan $value
                }
                -limit {
                    if {![string is integer -strict $value] || $value < 1} {
                        Error {VALUE RANGE} "-limit must be a positive integer, got \"$value\""
                    }
                    set limit $value
                }
                -all {
                    if {![string is boolean -strict $value]} {
                        Error {VALUE BOOLEAN} "expected a boolean for -all but got \"$value\""
                    }
                    set per $value
                }
                default {
                    Error [list OPTION $opt] "bad option \"$opt\": must be -all, -channel, -file, -lanes or -limit"
                }
            }
        }
        stop
        set periodic $per
        set given $lanesGiven
        # The lanes of the live ladder: those given (ports to come, and
        # "peer"), then the ports that exist.
        set lanes $given
        foreach p [lsort -dictionary [lacp::port names]] {
            if {$p ni $lanes} {set lanes [AddLane $lanes $p]}
        }
        # Frames of ports on interfaces may go to a peer outside the
        # process: give it its lane now rather than redraw the header.
        foreach p [lacp::port names] {
            if {"peer" ni $lanes && [dict get [$p status] interface] ne ""} {
                lappend lanes peer
                break
            }
        }
        set learn {}
        set live $chan
        set liveOwned $owned
        if {$chan ne {}} {
            puts $live [Header $lanes]
            flush $live
            Record on $limit [namespace code Live]
        } else {
            Record on $limit
        }
        return
    }

    # lacp::trace stop: recording stops; the events stay readable.
    proc stop {} {
        variable live; variable liveOwned
        Record off
        if {$live ne {} && $liveOwned} {close $live}
        set live {}
        set liveOwned 0
        return
    }

    proc info {} {Info}

    # lacp::trace clear: forget the recorded events (recording goes on).
    proc clear {} {
        set i [Info]
        if {[dict get $i on]} {
            variable live
            Record on 1000000 [expr {$live ne {} ? [namespace code Live] : {}}]
        } else {
            Record on; Record off
        }
        return
    }

    # lacp::trace events ?-port P?
    proc events {args} {
        set all [Events]
        if {[llength $args] == 0} {return $all}
        if {[llength $args] != 2 || [lindex $args 0] ne "-port"} {
            Error ARGS {wrong # args: should be "lacp::trace events ?-port P?"}
        }
        set port [lindex $args 1]
        return [lmap e $all {
            if {[dict get $e port] ne $port} continue
            set e
        }]
    }

    # ---- drawing

    # Which lane a PDU event goes to or comes from, learning who talks to
    # whom: a frame received from the source address of a traced port
    # comes from that port.
    proc Ends {e lanesVar} {
        upvar 1 $lanesVar lanes
        variable learn
        variable srcOf
        variable forced
        if {[::info exists forced] && $forced ne {}} {return $forced}
        set port [dict get $e port]
        set link [dict get $e link]
        if {[dict get $e event] eq "tx"} {
            dict set srcOf [dict get $e src] $port
            if {$link ne {}} {return [list $port $link draw]}
            if {[dict exists $learn $port]} {return [list $port [dict get $learn $port] draw]}
            return [list $port peer draw]
        }
        set from peer
        if {$link ne {}} {
            # on a wire the sender is known even when its frame left
            # before the trace started
            set from $link
        } elseif {[::info exists srcOf] && [dict exists $srcOf [dict get $e src]]} {
            set from [dict get $srcOf [dict get $e src]]
        }
        if {$from ne "peer"} {
            if {($link ne {} && [::info exists srcOf] && [dict exists $srcOf [dict get $e src]]) ||
                ([dict exists $learn $from] && [dict get $learn $from] eq $port)} {
                # the sender's row already showed this frame
                return [list $from $port skip]
            }
            dict set learn $from $port
        }
        return [list $from $port draw]
    }

    proc Header {lanes} {
        variable width
        set line [format %11s "ms"]
        foreach l $lanes {
            append line [Center [expr {$l eq "peer" ? "peer (DUT)" : $l}] $width]
        }
        return $line
    }

    proc Center {text w} {
        set pad [expr {max(0, $w - [string length $text])}]
        set left [expr {$pad / 2}]
        return [string repeat " " $left]$text[string repeat " " [expr {$pad - $left}]]
    }

    # One ladder row for event E, or {} when it draws nothing.
    proc Row {e lanesVar} {
        upvar 1 $lanesVar lanes
        variable width
        variable periodic
        variable geometry {}
        set ev [dict get $e event]
        set port [dict get $e port]
        if {$port ni $lanes} {set lanes [AddLane $lanes $port]}
        if {$ev eq "transition" && !$periodic && ([dict get $e from] eq [dict get $e to]
                || [dict get $e machine] in {periodic actor_churn partner_churn})} {
            # a state entered again (CURRENT on every LACPDU), the periodic
            # ticks and the churn monitors say little; churn itself shows
            # as a churn event
            return {}
        }
        if {$ev in {tx rx}} {
            lassign [Ends $e lanes] from to what
            if {$what eq "skip"} {return {}}
            foreach p [list $from $to] {
                if {$p ni $lanes} {set lanes [AddLane $lanes $p]}
            }
        }
        set all $lanes
        set n [llength $all]
        set row [split [string repeat " " [expr {$n * $width}]] {}]
        for {set i 0} {$i < $n} {incr i} {
            lset row [expr {$i * $width + $width / 2}] |
        }
        set time [format %11.3f [dict get $e time]]
        switch -- $ev {
            tx - rx {
                set a [expr {[lsearch -exact $all $from] * $width + $width / 2}]
                set b [expr {[lsearch -exact $all $to] * $width + $width / 2}]
                set lo [expr {min($a, $b)}]
                set hi [expr {max($a, $b)}]
                set row [split [format %-*s [expr {[llength $all] * $width}] [join $row {}]] {}]
                for {set i [expr {$lo + 1}]} {$i < $hi} {incr i} {lset row $i -}
                if {$b > $a} {lset row [expr {$hi - 1}] >} else {lset row [expr {$lo + 1}] <}
                set geometry [list pdu [lsearch -exact $all $from] [lsearch -exact $all $to]]
                set label " [dict get $e summary] "
                if {[string length $label] <= $hi - $lo - 3} {
                    set start [expr {$lo + 1 + max(1, ($hi - $lo - 1 - [string length $label]) / 2)}]
                    foreach ch [split $label {}] {
                        lset row $start $ch
                        incr start
                    }
                } else {
                    # too long for the arrow: whole, after the lanes
                    lappend row {*}[split " [string trim $label]" {}]
                }
            }
            transition {
                set text "* [dict get $e machine] [dict get $e from] -> [dict get $e to]"
                set row [Note $row [lsearch -exact $all $port] $text]
            }
            aggregator {
                set row [Note $row [lsearch -exact $all $port] "* aggregator [dict get $e from] -> [dict get $e to]"]
            }
            churn {
                set row [Note $row [lsearch -exact $all $port] "* [dict get $e machine] [expr {[dict get $e on] ? {CHURN} : {no churn}}]"]
            }
            loopback {
                set row [Note $row [lsearch -exact $all $port] "* loopback [expr {[dict get $e on] ? {detected} : {gone}}]"]
            }
            measure {
                set row [Note $row [lsearch -exact $all $port] "# [dict get $e summary]"]
            }
            default {return {}}
        }
        return "$time[string trimright [join $row {}]]"
    }

    # LANES with PORT added; the peer lane stays last.
    proc AddLane {lanes port} {
        if {$port eq "peer" || "peer" ni $lanes} {return [linsert $lanes end $port]}
        return [linsert $lanes end-1 $port]
    }

    # Writes TEXT from lane I's line onwards.
    proc Note {row i text} {
        variable width
        variable geometry [list note $i [string range $text 2 end]]
        set at [expr {$i * $width + $width / 2}]
        set need [expr {$at + [string length $text]}]
        while {[llength $row] < $need} {lappend row " "}
        foreach ch [split $text {}] {
            lset row $at $ch
            incr at
        }
        return $row
    }

    # The live ladder: one row per event as it happens.
    proc Live {e} {
        variable live
        variable lanes
        if {$live eq {}} return
        set before [llength $lanes]
        set row [Row $e lanes]
        if {[llength $lanes] != $before} {puts $live [Header $lanes]}
        if {$row ne {}} {
            puts $live $row
            flush $live
        }
    }

    # lacp::trace ladder ?-format text|svg? ?-port P? ?-all BOOL?
    proc ladder {args} {
        variable periodic
        variable learn
        variable srcOf
        if {[llength $args] % 2} {
            Error {OPTION VALUE} "option \"[lindex $args end]\" needs a value"
        }
        set format text
        set ports {}
        set per $periodic
        foreach {opt value} $args {
            switch -- $opt {
                -format {
                    if {$value ni {text svg}} {
                        Error [list VALUE FORMAT $value] "bad format \"$value\": must be text or svg"
                    }
                    set format $value
                }
                -port {lappend ports $value}
                -all {
                    if {![string is boolean -strict $value]} {
                        Error {VALUE BOOLEAN} "expected a boolean for -all but got \"$value\""
                    }
                    set per $value
                }
                default {
                    Error [list OPTION $opt] "bad option \"$opt\": must be -format, -all or -port"
                }
            }
        }
        set saved [list $periodic $learn [expr {[::info exists srcOf] ? $srcOf : {}}]]
        set periodic $per
        set learn {}
        set srcOf {}
        variable given
        set lanes $given
        set rows {}
        set events [Events]
        # Afterwards every frame can be matched: a frame sent by one traced
        # port and received by another is one arrow, drawn when it left.
        set waiting {}
        set plan {}
        set partnerOf {}
        set i 0
        foreach e $events {
            if {[dict get $e event] eq "rx"} {
                dict lappend waiting [list [dict get $e src] [dict get $e pdu]] $i
            }
            incr i
        }
        set i 0
        foreach e $events {
            if {[dict get $e event] eq "tx"} {
                set key [list [dict get $e src] [dict get $e pdu]]
                if {[dict exists $waiting $key]} {
                    set found -1
                    set rest {}
                    foreach j [dict get $waiting $key] {
                        if {$found < 0 && $j > $i && [dict get [lindex $events $j] port] ne [dict get $e port]} {
                            set found $j
                        } else {
                            lappend rest $j
                        }
                    }
                    dict set waiting $key $rest
                    if {$found >= 0} {
                        set to [dict get [lindex $events $found] port]
                        dict set plan $i [list [dict get $e port] $to draw]
                        dict set plan $found [list [dict get $e port] $to skip]
                        dict set partnerOf [dict get $e port] $to
                    }
                }
                # a frame still in flight when the trace stopped goes where
                # that port's frames went before
                if {![dict exists $plan $i] && [dict exists $partnerOf [dict get $e port]]} {
                    dict set plan $i [list [dict get $e port] [dict get $partnerOf [dict get $e port]] draw]
                }
            }
            incr i
        }
        set i 0
        variable forced
        foreach e $events {
            set forced [expr {[dict exists $plan $i] ? [dict get $plan $i] : {}}]
            incr i
            if {[llength $ports] && [dict get $e port] ni $ports} continue
            set r [Row $e lanes]
            variable geometry
            if {$r ne {}} {lappend rows [list $e $r $geometry]}
        }
        set forced {}
        lassign $saved periodic learn srcOf
        if {$format eq "text"} {
            set out [list [Header $lanes]]
            foreach r $rows {lappend out [lindex $r 1]}
            return [join $out \n]
        }
        return [Svg $lanes $rows]
    }

    proc Esc {s} {string map {& &amp; < &lt; > &gt; \" &quot;} $s}

    # An SVG drawing of the same rows: lanes as vertical lines, PDUs as
    # arrows, transitions as notes.
    proc Svg {lanes rows} {
        set all $lanes
        set lw 220; set top 50; set dy 22; set left 90
        set w [expr {$left + [llength $all] * $lw + 200}]
        set h [expr {$top + [llength $rows] * $dy + 30}]
        set o {}
        append o "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"$w\" height=\"$h\" font-family=\"monospace\" font-size=\"12\">\n"
        append o "<defs><marker id=\"arrow\" markerWidth=\"10\" markerHeight=\"8\" refX=\"9\" refY=\"4\" orient=\"auto\"><path d=\"M0,0 L10,4 L0,8 z\"/></marker></defs>\n"
        set i 0
        foreach l $all {
            set x [expr {$left + $i * $lw + $lw / 2}]
            append o "<text x=\"$x\" y=\"30\" text-anchor=\"middle\" font-weight=\"bold\">[Esc [expr {$l eq {peer} ? {peer (DUT)} : $l}]]</text>\n"
            append o "<line x1=\"$x\" y1=\"$top\" x2=\"$x\" y2=\"[expr {$h - 10}]\" stroke=\"#888\"/>\n"
            incr i
        }
        set y $top
        foreach r $rows {
            lassign $r e
            incr y $dy
            append o "<text x=\"5\" y=\"$y\">[format %.3f [dict get $e time]]</text>\n"
            lassign [lindex $r 2] kind a b
            if {$kind eq "pdu"} {
                set x1 [expr {$left + $a * $lw + $lw / 2}]
                set x2 [expr {$left + $b * $lw + $lw / 2}]
                set colour [expr {[dict get $e class] eq {lacpdu} ? {#1f5fbf} : {#b03030}}]
                append o "<line x1=\"$x1\" y1=\"$y\" x2=\"$x2\" y2=\"$y\" stroke=\"$colour\" marker-end=\"url(#arrow)\"/>\n"
                append o "<text x=\"[expr {($x1 + $x2) / 2}]\" y=\"[expr {$y - 3}]\" text-anchor=\"middle\">[Esc [dict get $e summary]]</text>\n"
            } else {
                set x [expr {$left + $a * $lw + $lw / 2}]
                append o "<circle cx=\"$x\" cy=\"[expr {$y - 4}]\" r=\"3\" fill=\"#2a2\"/>\n"
                append o "<text x=\"[expr {$x + 8}]\" y=\"$y\" fill=\"#264\">[Esc $b]</text>\n"
            }
        }
        append o "</svg>\n"
        return $o
    }
}
