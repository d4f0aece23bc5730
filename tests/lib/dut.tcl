# SPDX-License-Identifier: GPL-3.0-or-later
# One interface to every device under test (DUT) the tests run against:
# Open vSwitch, the Linux bonding driver and teamd (both in the qemu
# guest), DPDK's bonding mode 4 (dpdk-testpmd). A scenario written against
# this API runs unchanged against each of them; so does the conformance
# suite. Each peer's implementation lives in dut_PEER.tcl next to this
# file and is loaded on first use.
#
#   dut::peers                       -> {ovs bonding teamd dpdk}
#   dut::unavailable PEER            -> "" when PEER can run here, else why not
#   dut::open PEER ?-links N? ?-share D?
#                                    -> D, a lab: namespaces and N links (2), our
#                                       ends on one side, the DUT's members on the
#                                       other. The DUT is not running LACP yet.
#                                       -share D: bonding and teamd reuse the guest
#                                       of lab D (one boot for both).
#   dut::ours D                      -> {{netns NS interface IF} ...}, link order
#   dut::ports D ?-names {P ..}? ?port create options?
#                                    our lacp ports (p1..pN) on our ends -> names
#   dut::start D ?-mode active|passive? ?-rate fast|slow?
#                                    the DUT's LACP (re)started from scratch with
#                                    these settings: partners forgotten. Defaults:
#                                    the first the peer supports (active, fast;
#                                    DPDK: active, slow). An unsupported setting
#                                    is an error {LACP DUT unsupported ...}.
#   dut::supports D                  -> {-mode {active ..} -rate {fast ..}}
#   dut::can D OPTION VALUE          -> 1 when the DUT supports that setting
#   dut::members D                   -> the DUT's names of its members, link order
#   dut::set_link D INDEX up|down    the cable of link INDEX (0-based): nothing
#                                    passes either way while it is down
#   dut::view D                      -> the DUT's own view (see below)
#   dut::member D INDEX ?KEY ...?    -> one member of the view, or a field of it
#   dut::counters D                  -> {MEMBER {lacpdus_rx N lacpdus_tx N} ...}, the
#                                       DUT's own counters; {} when it keeps none.
#                                       Where the peer counts them, also:
#                                       bad_rx (slow-protocols frames it
#                                       rejected), marker_rx, marker_resp_tx,
#                                       marker_resp_rx, marker_unknown_rx,
#                                       expired, defaulted (its expiries and
#                                       defaultings), and the peer's own
#                                       finer counts (see its file)
#   dut::stop D                      the DUT's LACP stopped; the lab stays
#   dut::close D                     everything of D stopped and removed
#   dut::info D                      -> {peer P version V mode M rate R links N}
#   dut::until COND MS               runs the event loop (our ports negotiate, the
#                                    DUT is serviced) until COND holds; -> 0|1
#   dut::cleanup                     closes every lab
#   dut::json TEXT                   -> a JSON text as Tcl values (dicts, lists)
#   dut::run BODY                    t::run with dut::cleanup on every exit path
#
# The view is a dict:
#   peer P  mode active|passive  rate fast|slow
#   members {NAME {actor A partner P selected 0|1 up 0|1} ...}  in link order
# A and P have the keys of our own `status` (system system_priority key
# port port_priority state), state in our letters (ATGSCDFE, N for none).
# selected: the DUT uses the member in its (active) aggregator; up: the
# DUT sees the member's link up. What a peer cannot tell is left out (see
# the peer's file) rather than guessed.
#
# Failure to start a peer is an error that says why (package missing, no
# guest): the tests treat it as a failure, never as a skip.
#
# Needs root for everything but its errors and dut::json. Only dut::run
# uses the test library (tests/integration/lib/netns.tcl, ::t); a program
# of its own sources this file, calls dut::open ... dut::close, and
# dut::cleanup on its way out.

source [file join [file dirname [file normalize [info script]]] lab.tcl]

namespace eval ::dut {
    # namespaces, veths and waiting are the lab's (lab.tcl beside this file)
    namespace import ::lab::netns ::lab::veth ::lab::until
    lab::on_cleanup ::dut::CloseAll
    variable dir [file dirname [file normalize [info script]]]
    variable serial 0
    variable labs {}            ;# D -> dict: peer links ours members mode rate ...
    variable loaded {}
    variable peers {ovs bonding teamd dpdk}
    variable tmp [file normalize [expr {[info exists ::env(LACP_TEST_TMP)] ? $::env(LACP_TEST_TMP) : "/tmp"}]]

    proc peers {} {variable peers; return $peers}

    proc Load {peer} {
        variable peers
        variable dir
        variable loaded
        if {$peer ni $peers} {
            return -code error -errorcode [list LACP VALUE peer $peer] \
                "unknown peer \"$peer\": must be [join $peers {, }]"
        }
        if {$peer ni $loaded} {
            uplevel #0 [list source [file join $dir dut_$peer.tcl]]
            lappend loaded $peer
            # the labs close before the peers' own cleanups (registered
            # as their libraries load) stop what is under them
            lab::on_cleanup ::dut::CloseAll
        }
    }

    proc Lab {d} {
        variable labs
        if {![dict exists $labs $d]} {
            return -code error -errorcode [list LACP VALUE dut $d] "no such DUT lab \"$d\""
        }
        return [dict get $labs $d]
    }

    # Options ARGS checked against DEFAULTS (a dict); -> merged dict.
    proc Options {what defaults argl} {
        if {[llength $argl] % 2} {
            return -code error -errorcode {LACP VALUE option} "$what: options come in pairs"
        }
        foreach {k v} $argl {
            if {![dict exists $defaults $k]} {
                return -code error -errorcode [list LACP VALUE option $k] \
                    "$what: bad option \"$k\": must be [join [dict keys $defaults] {, }]"
            }
            dict set defaults $k $v
        }
        return $defaults
    }

    proc unavailable {peer} {
        Load $peer
        return [::dut::${peer}::unavailable]
    }

    proc open {peer args} {
        variable serial
        variable labs
        Load $peer
        set o [Options "dut::open" {-links 2 -share {}} $args]
        set why [::dut::${peer}::unavailable]
        if {$why ne {}} {
            return -code error -errorcode [list LACP DUT unavailable $peer] "$peer cannot run: $why"
        }
        set d dut[incr serial]
        dict set labs $d [dict create peer $peer links [dict get $o -links] ours {} \
                              members {} mode {} rate {} running 0 share [dict get $o -share]]
        ::dut::${peer}::open $d $o
        return $d
    }

    # What a peer's open calls to record its lab.
    proc Set {d args} {
        variable labs
        foreach {k v} $args {dict set labs $d $k $v}
    }
    proc Get {d key} {
        return [dict get [Lab $d] $key]
    }

    proc ours {d} {return [Get $d ours]}
    proc members {d} {return [Get $d members]}

    proc ports {d args} {
        set want {}
        if {[lindex $args 0] eq "-names"} {
            set want [lindex $args 1]
            set args [lrange $args 2 end]
        }
        set names {}
        set k 0
        foreach e [ours $d] {
            incr k
            set p [expr {$want ne {} ? [lindex $want $k-1] : "p$k"}]
            lacp::port create $p -interface [dict get $e interface] \
                -netns [dict get $e netns] {*}$args
            lappend names $p
        }
        return $names
    }

    proc supports {d} {return [::dut::[Get $d peer]::supports]}

    # Whether the DUT of D can run with setting OPTION VALUE (-mode active...).
    proc can {d option value} {
        return [expr {$value in [dict get [supports $d] $option]}]
    }

    proc start {d args} {
        set peer [Get $d peer]
        set sup [::dut::${peer}::supports]
        set o [Options "dut::start" [dict map {k v} $sup {lindex $v 0}] $args]
        foreach {k v} $o {
            if {$v ni {active passive fast slow}} {
                return -code error -errorcode [list LACP VALUE [string range $k 1 end] $v] \
                    "dut::start: bad $k \"$v\""
            }
            if {$v ni [dict get $sup $k]} {
                return -code error -errorcode [list LACP DUT unsupported [string range $k 1 end] $v] \
                    "dut::start: $peer cannot run with $k $v"
            }
        }
        if {[Get $d running]} {::dut::${peer}::stop $d}
        Set $d mode [dict get $o -mode] rate [dict get $o -rate]
        ::dut::${peer}::start $d [dict get $o -mode] [dict get $o -rate]
        Set $d running 1
    }

    proc stop {d} {
        if {![Get $d running]} return
        ::dut::[Get $d peer]::stop $d
        Set $d running 0
    }

    proc set_link {d index updown} {
        if {$updown ni {up down}} {
            return -code error -errorcode [list LACP VALUE link $updown] "dut::set_link: up or down, not \"$updown\""
        }
        if {![string is integer -strict $index] || $index < 0 || $index >= [Get $d links]} {
            return -code error -errorcode [list LACP VALUE index $index] "dut::set_link: no link $index"
        }
        ::dut::[Get $d peer]::set_link $d $index $updown
    }

    proc view {d} {
        if {![Get $d running]} {
            return -code error -errorcode {LACP DUT stopped} "dut::view: the DUT of $d is not running"
        }
        set v [::dut::[Get $d peer]::view $d]
        return [dict merge [dict create peer [Get $d peer] mode [Get $d mode] rate [Get $d rate]] $v]
    }

    # The DUT's own LACPDU counters: {MEMBER {lacpdus_rx N lacpdus_tx N} ...},
    # or {} when the peer keeps none it can show (teamd, DPDK's testpmd).
    proc counters {d} {
        if {![Get $d running]} {
            return -code error -errorcode {LACP DUT stopped} "dut::counters: the DUT of $d is not running"
        }
        return [::dut::[Get $d peer]::counters $d]
    }

    proc member {d index args} {
        set m [lindex [members $d] $index]
        return [dict get [view $d] members $m {*}$args]
    }

    proc info {d} {
        set l [Lab $d]
        return [dict create peer [dict get $l peer] version [::dut::[dict get $l peer]::version $d] \
                    mode [dict get $l mode] rate [dict get $l rate] links [dict get $l links]]
    }

    proc close {d} {
        variable labs
        if {![dict exists $labs $d]} return
        catch {stop $d}
        ::dut::[Get $d peer]::close $d
        dict unset labs $d
    }

    # Every lab and our ports (CloseAll, the lab's last registered
    # cleanup), then the rest of the lab's cleanup. t::run runs the same.
    proc cleanup {} {
        lab::cleanup
    }

    proc run {body} {
        t::require_root
        uplevel 1 [list t::run $body]
    }

    # A tester and a DUT namespace joined by N veth pairs t1..tN <->
    # d1..dN, for the peers that run in a namespace of their own: sets
    # D's ours, tester and dutns; -> the DUT's ends, d1..dN.
    proc Cable {d n} {
        set tester [netns t$d]
        set dns [netns d$d]
        set ours {}
        set theirs {}
        for {set k 1} {$k <= $n} {incr k} {
            veth $tester t$k $dns d$k
            lappend ours [dict create netns $tester interface t$k]
            lappend theirs d$k
        }
        Set $d ours $ours tester $tester dutns $dns
        return $theirs
    }

    proc CloseAll {} {
        variable labs
        foreach p [lacp::port names] {catch {$p destroy}}
        # labs sharing a guest go before the lab that owns it
        foreach d [lreverse [dict keys $labs]] {catch {close $d}}
    }
}

namespace eval ::dut {
    # JSON TEXT -> a Tcl value: objects become dicts, arrays lists, true
    # and false 1 and 0, null the empty string. Enough for teamdctl's
    # output; a malformed text is an error.
    proc json {text} {
        set pos 0
        set v [JsonValue $text pos]
        JsonSpace $text pos
        if {$pos != [string length $text]} {error "json: trailing text at $pos"}
        return $v
    }

    proc JsonSpace {text posVar} {
        upvar 1 $posVar pos
        regexp -start $pos -indices {\A\s*} $text m
        # \A anchors at -start in Tcl's regexp
        set pos [expr {[lindex $m 1] + 1}]
    }

    proc JsonValue {text posVar} {
        upvar 1 $posVar pos
        JsonSpace $text pos
        set c [string index $text $pos]
        switch -- $c {
            "\{" {
                incr pos
                set d [dict create]
                JsonSpace $text pos
                if {[string index $text $pos] eq "\}"} {incr pos; return $d}
                while 1 {
                    JsonSpace $text pos
                    set k [JsonValue $text pos]
                    JsonSpace $text pos
                    if {[string index $text $pos] ne ":"} {error "json: ':' expected at $pos"}
                    incr pos
                    dict set d $k [JsonValue $text pos]
                    JsonSpace $text pos
                    set c [string index $text $pos]
                    incr pos
                    if {$c eq "\}"} {return $d}
                    if {$c ne ","} {error "json: ',' or '\}' expected at [expr {$pos - 1}]"}
                }
            }
            "\[" {
                incr pos
                set l {}
                JsonSpace $text pos
                if {[string index $text $pos] eq "\]"} {incr pos; return $l}
                while 1 {
                    lappend l [JsonValue $text pos]
                    JsonSpace $text pos
                    set c [string index $text $pos]
                    incr pos
                    if {$c eq "\]"} {return $l}
                    if {$c ne ","} {error "json: ',' or '\]' expected at [expr {$pos - 1}]"}
                }
            }
            "\"" {
                if {![regexp -start $pos -indices {\A"((?:[^"\\]|\\.)*)"} $text m s]} {
                    error "json: unterminated string at $pos"
                }
                set pos [expr {[lindex $m 1] + 1}]
                set raw [string range $text {*}$s]
                return [subst -nocommands -novariables [string map {\\/ /} $raw]]
            }
            default {
                if {[regexp -start $pos -indices {\A(?:true|false|null|-?[0-9][0-9.eE+-]*)} $text m]} {
                    set tok [string range $text {*}$m]
                    set pos [expr {[lindex $m 1] + 1}]
                    return [string map {true 1 false 0 null {}} $tok]
                }
                error "json: unexpected \"$c\" at $pos"
            }
        }
    }
}
