# SPDX-License-Identifier: GPL-3.0-or-later
# What the scenario scripts share: the command line (interfaces and
# options), our ports on those interfaces, a record of every LACPDU and
# Marker PDU the device under test sends us, waiting with a bound, and
# the closing verdict; and, with -sim, the device under test itself: lacp's
# own ports on in-process wires in virtual time, standard or made to
# misbehave in the way a script judges, so that every script is tested
# without root or hardware.
#
# The scripts judge the DUT by the wire only, so that they run unchanged
# against a switch: what it sends (its actor state, how it echoes ours in
# its partner fields, when) is the evidence. Each prints what it saw and
# ends with one line, "PASS: ..." (exit 0) or "FAIL: ..." (exit 1); a
# usage error exits 2.

package require lacp

namespace eval ::ex {
    variable name {}        ;# the script's name, e.g. basic
    variable title {}       ;# what it checks, one line
    variable spec {}        ;# option -> {default help}
    variable o {}           ;# option -> value
    variable ifaces {}      ;# interfaces from the command line
    variable ports {}       ;# our ports p1..pN, one per interface
    variable ifOf {}        ;# port -> interface
    variable rx {}          ;# port -> {{time pdu} ...} LACPDUs from the DUT
    variable tx {}          ;# port -> {time ...} our LACPDUs
    variable txState {}     ;# port -> {{time actor-state} ...} the same, with our state
    variable markers {}     ;# port -> {{time pdu} ...} Marker PDUs from the DUT
    variable hooks {}       ;# scripts called as SCRIPT PORT TIME PDU on every received PDU
    variable failures {}
    variable minIfaces 1
    variable sims {}        ;# -sim behaviour -> {help TEXT port OPTS system OPTS script TCL}
    variable duts {}        ;# with -sim: the DUT's ports d1..dN, one per link

    # The -sim behaviour every script has: a DUT of lacp ports that follows
    # 802.1AX (a script may configure it further under the same name).
    variable standard {help "a DUT of lacp ports that follows 802.1AX"}

    # Options every script takes.
    variable common {
        -netns    {{} "network namespace of the interfaces (default: the current one)"}
        -rate     {fast "our LACP_Timeout: fast (1 s periodic, 3 s timeout) or slow (30 s, 90 s)"}
        -system   {{} "our system id (default: the MAC of the first interface)"}
        -key      {1 "our key on every link"}
        -wait-while {2000 "our aggregate wait time, ms"}
        -timeout  {10000 "bound on the initial negotiation, ms"}
        -trace    {0 "1: draw the exchange as a live ladder on stdout"}
        -capture  {{} "PREFIX: write PREFIX-IFACE.pcap for every interface"}
        -sim      {{} "BEHAVIOUR: no interfaces; the DUT is lacp's own ports on in-process wires, in virtual time (below)"}
    }

    # ex::setup NAME TITLE MIN-IFACES SPEC ?SIMS?: reads the command line
    # ($::argv) against the common options and SPEC ({-option {default
    # help} ...}); exits 2 with a usage message on a mistake. SIMS names
    # the DUTs -sim can build beside "standard": BEHAVIOUR {help TEXT ?port
    # OPTIONS? ?system OPTIONS? ?script TCL?}, the options of every DUT port
    # and of the DUT's system, and a script run at global level once both
    # sides' ports exist (the DUT's ports are in $::ex::duts).
    proc setup {nm tt min extra {sims_ {}}} {
        variable name $nm
        variable title $tt
        variable minIfaces $min
        variable common
        variable standard
        variable sims [dict merge [dict create standard $standard] $sims_]
        variable spec [dict merge $common $extra]
        variable o {}
        variable ifaces {}
        dict for {k v} $spec {dict set o $k [lindex $v 0]}
        set args $::argv
        for {set i 0} {$i < [llength $args]} {incr i} {
            set a [lindex $args $i]
            if {$a in {-h -help --help}} {usage stdout 0}
            if {$a eq "--"} {
                lappend ifaces {*}[lrange $args [expr {$i + 1}] end]
                break
            }
            if {[string match -* $a]} {
                if {![dict exists $spec $a]} {usage stderr 2 "unknown option \"$a\""}
                if {$i + 1 >= [llength $args]} {usage stderr 2 "option \"$a\" needs a value"}
                set v [lindex $args [incr i]]
                set d [lindex [dict get $spec $a] 0]
                if {[string is integer -strict $d] && ![string is integer -strict $v]} {
                    usage stderr 2 "option \"$a\" takes an integer, got \"$v\""
                }
                dict set o $a $v
                continue
            }
            lappend ifaces $a
        }
        if {[opt -sim] ne {}} {
            if {![dict exists $sims [opt -sim]]} {
                usage stderr 2 "-sim must be one of: [join [dict keys $sims] {, }]"
            }
            if {[opt -netns] ne {}} {usage stderr 2 "-netns and -sim exclude each other"}
            # the links are named on the command line, or link1, link2, ...
            for {set k [llength $ifaces]} {$k < max($min, 2)} {} {lappend ifaces link[incr k]}
            lacp::clock mode virtual
        }
        if {[llength $ifaces] < $min} {
            usage stderr 2 "needs at least $min interface[expr {$min > 1 ? {s} : {}}]"
        }
        if {[opt -rate] ni {fast slow}} {usage stderr 2 "-rate must be fast or slow"}
    }

    proc usage {chan code {why {}}} {
        variable name
        variable title
        variable spec
        variable minIfaces
        variable sims
        if {$why ne {}} {puts $chan "$name: $why"}
        set ifs [expr {$minIfaces > 1 ? "IFACE IFACE ?IFACE ...?" : "IFACE ?IFACE ...?"}]
        puts $chan "usage: lacpsh examples/$name.tcl ?-option value ...? $ifs"
        puts $chan "       lacpsh examples/$name.tcl -sim BEHAVIOUR ?-option value ...? ?LINK ...?"
        puts $chan "  $title"
        dict for {k v} $spec {
            lassign $v d h
            puts $chan [format "  %-14s %s%s" $k $h [expr {$d eq {} ? {} : " \[$d\]"}]]
        }
        puts $chan "  -sim BEHAVIOUR: the DUT is lacp's own ports (d1, d2, ...), one per LINK"
        puts $chan "  (default: [expr {max($minIfaces, 2)}] links), on in-process wires in virtual time; no root needed:"
        dict for {k v} $sims {
            puts $chan [format "    %-12s %s" $k [dict get $v help]]
        }
        exit $code
    }

    proc opt {k} {
        variable o
        return [dict get $o $k]
    }

    # Creates our port pN on the Nth interface, with the common options and
    # ARGS (port options); starts the live ladder if asked. Returns the ports.
    proc ports {args} {
        variable ifaces
        variable ports {}
        variable ifOf {}
        variable rx {}
        variable tx {}
        variable txState {}
        variable markers {}
        set common [list -rate [opt -rate] -key [opt -key] -wait-while [opt -wait-while]]
        if {[opt -netns] ne {}} {lappend common -netns [opt -netns]}
        if {[opt -system] ne {}} {lappend common -system [opt -system]}
        # before the ports exist: each sends its first LACPDU on creation
        if {[opt -trace]} {
            # with -sim each DUT port beside ours: its arrows are short
            set lanes {}
            for {set k 1} {$k <= [llength $ifaces]} {incr k} {
                lappend lanes p$k {*}[expr {[opt -sim] eq {} ? {} : "d$k"}]
            }
            if {[opt -sim] eq {}} {lappend lanes peer}
            lacp::trace start -channel stdout -lanes $lanes
        }
        if {[opt -sim] ne {}} {SimDut}
        set k 0
        foreach if $ifaces {
            set p p[incr k]
            set more {}
            if {[opt -capture] ne {}} {lappend more -capture [opt -capture]-$if.pcap}
            set on [expr {[opt -sim] eq {} ? [list -interface $if] : [list -wire ::ex::w$k]}]
            if {[catch {lacp::port create $p {*}$on {*}$common {*}$more {*}$args} msg]} {
                puts "cannot use $if: $msg"
                finish FAIL "setup: $msg"
            }
            lappend ports $p
            dict set ifOf $p $if
            dict set rx $p {}
            dict set tx $p {}
            dict set txState $p {}
            dict set markers $p {}
            $p on rx [list ::ex::Rx]
            $p on tx [list ::ex::Tx]
        }
        if {[opt -sim] ne {}} {
            set script [Sim script]
            if {[catch {uplevel #0 $script} msg]} {finish FAIL "-sim [opt -sim]: $msg"}
            # the cables go in: both sides see their carrier at once
            for {set k 1} {$k <= [llength $ifaces]} {incr k} {lacp::wire ::ex::w$k restore}
        }
        return $ports
    }

    # KEY of the -sim behaviour's description, or {}.
    proc Sim {key} {
        variable sims
        set b [dict get $sims [opt -sim]]
        return [expr {[dict exists $b $key] ? [dict get $b $key] : {}}]
    }

    # The DUT of -sim: a wire ::ex::wK for every link, cut until our ports
    # exist too, and on its far end the DUT's port dK, all of one system
    # "dut" (its own id, so that the two sides are not a loopback), active
    # and fast unless the behaviour says otherwise.
    proc SimDut {} {
        variable ifaces
        variable duts {}
        lacp::system create dut -id 02:d0:00:00:00:01 {*}[Sim system]
        for {set k 1} {$k <= [llength $ifaces]} {incr k} {
            lacp::wire create ::ex::w$k
            lacp::wire ::ex::w$k cut
            lacp::port create d$k -wire ::ex::w$k -system dut {*}[Sim port]
            lappend duts d$k
        }
    }

    proc Rx {p e} {
        variable rx
        variable markers
        variable hooks
        if {![dict exists $e pdu]} return
        set pdu [dict get $e pdu]
        set t [dict get $e time]
        switch -- [dict get $pdu class] {
            lacpdu {dict lappend rx $p [list $t $pdu]}
            marker {dict lappend markers $p [list $t $pdu]}
        }
        foreach h $hooks {uplevel #0 [list {*}$h $p $t $pdu]}
    }

    proc Tx {p e} {
        variable tx
        variable txState
        if {[dict exists $e pdu class] && [dict get $e pdu class] eq "lacpdu"} {
            dict lappend tx $p [dict get $e time]
            dict lappend txState $p [list [dict get $e time] [dict get $e pdu actor state]]
        }
    }

    # Waits until port P has sent, after time SINCE, a LACPDU whose actor
    # state satisfies TEST (an expression on $state); returns its time, or
    # {} after MS. A change can wait for up to a second to leave: 802.1AX
    # allows 3 LACPDUs per fast periodic time.
    proc sent_when {p since test ms} {
        variable txState
        set deadline [expr {[Clock] + $ms}]
        while 1 {
            foreach r [dict get $txState $p] {
                lassign $r t state
                if {$t > $since && [expr $test]} {return $t}
            }
            if {[Clock] >= $deadline} {return {}}
            Step
        }
    }

    # The time that bounds waiting, in ms: the wall clock, or with -sim
    # the virtual one.
    proc Clock {} {
        if {[opt -sim] eq {}} {return [clock milliseconds]}
        return [lacp::clock now]
    }

    # Lets the ports run a little: 5 ms of the event loop, or with -sim
    # 1 ms of virtual time.
    proc Step {} {
        if {[opt -sim] ne {}} {
            lacp::clock advance 1
            return
        }
        after 5 {set ::ex::tick 1}
        vwait ::ex::tick
    }

    # Makes port P do ACTIONS (each one list, e.g. {force actor ATG}) once,
    # right now, through the inject DSL: `P when CONDITION then ACTION ...
    # -once`. Returns the rule id.
    proc now_do {p args} {
        return [$p when {after 0} then {*}$args -once]
    }

    # Calls SCRIPT PORT TIME PDU for every PDU received from now on.
    proc hook {script} {
        variable hooks
        lappend hooks $script
    }

    proc ifname {p} {
        variable ifOf
        return [dict get $ifOf $p]
    }

    # The LACPDUs port P received from the DUT (after time SINCE, in ms).
    proc received {p {since -1}} {
        variable rx
        return [lmap r [dict get $rx $p] {
            if {[lindex $r 0] <= $since} continue
            set r
        }]
    }

    proc sent {p {since -1}} {
        variable tx
        return [lmap t [dict get $tx $p] {
            if {$t <= $since} continue
            set t
        }]
    }

    proc markers {p} {
        variable markers
        return [dict get $markers $p]
    }

    # The DUT's last LACPDU on P (a parse dict), or {}.
    proc last {p} {
        variable rx
        return [lindex [dict get $rx $p] end 1]
    }

    # Whether state string STATE has every letter of BITS.
    proc has {state bits} {
        foreach b [split $bits {}] {
            if {[string first $b $state] < 0} {return 0}
        }
        return 1
    }

    # Whether link P is in the LAG on both sides: our mux collects and
    # distributes, and the DUT's last LACPDU says Sync, Collecting,
    # Distributing and echoes our Sync.
    proc up {p} {
        set l [last $p]
        if {$l eq {}} {return 0}
        return [expr {[dict get [$p status] mux] eq "COLLECTING_DISTRIBUTING"
                      && [has [dict get $l actor state] SCD]
                      && [has [dict get $l partner state] S]}]
    }

    # "system 00:11:22:33:44:55 key 1 port 2 state ATGSCD" from an info dict.
    proc info {d} {
        format "system %s prio %d key %d port %d state %s" [dict get $d system] \
            [dict get $d system_priority] [dict get $d key] [dict get $d port] [dict get $d state]
    }

    # Runs the event loop until COND (an expression in the caller) holds or
    # MS have passed; returns whether it held.
    proc until {cond ms} {
        set deadline [expr {[Clock] + $ms}]
        while {![uplevel 1 [list expr $cond]]} {
            if {[Clock] >= $deadline} {return 0}
            Step
        }
        return 1
    }

    # Lets MS pass with the ports running (an observation window).
    proc watch {ms} {
        if {[opt -sim] ne {}} {
            lacp::clock advance $ms
            return
        }
        after $ms {set ::ex::tick 1}
        vwait ::ex::tick
    }

    proc now {} {lacp::clock now}

    # Waits until every port in PORTS is up (see up), at most MS; returns
    # the time it took in ms, or -1.
    proc negotiate {ports ms} {
        set t0 [now]
        set cond [join [lmap p $ports {string cat {[::ex::up } $p {]}}] " && "]
        if {![uplevel 1 [list ::ex::until $cond $ms]]} {return -1}
        return [ms [expr {[now] - $t0}]]
    }

    # The initial negotiation of every port, with evidence; FAIL when it
    # does not complete within -timeout.
    proc bringup {} {
        variable ports
        set took [negotiate $ports [opt -timeout]]
        foreach p $ports {report $p}
        if {$took < 0} {
            finish FAIL "the LAG did not come up within [opt -timeout] ms: [join [lmap p $ports {Why $p}] {; }]"
        }
        say "all links up after $took ms"
        return $took
    }

    # Why link P is not up, in words.
    proc Why {p} {
        set l [last $p]
        if {$l eq {}} {return "[ifname $p]: nothing received from the DUT"}
        set s [$p status]
        return "[ifname $p]: our mux [dict get $s mux], DUT state [dict get $l actor state], DUT sees our state [dict get $l partner state]"
    }

    # Prints what each side says on link P.
    proc report {p} {
        set l [last $p]
        set s [$p status]
        if {$l eq {}} {
            say "[ifname $p]: nothing received from the DUT (our rx [dict get $s rx])"
            return
        }
        say "[ifname $p]: DUT   [info [dict get $l actor]]"
        say "[ifname $p]: we    [info [dict get $s actor]], mux [dict get $s mux], aggregator [dict get $s aggregator]"
        say "[ifname $p]: DUT sees us as [info [dict get $l partner]]"
    }

    proc say {text} {puts "  $text"}

    proc ms {x} {format %.0f $x}

    # min mean max stddev of a list of numbers
    proc spread {xs} {
        set n [llength $xs]
        if {$n == 0} {return {0 0 0 0}}
        set sum 0.0
        foreach x $xs {set sum [expr {$sum + $x}]}
        set mean [expr {$sum / $n}]
        set var 0.0
        foreach x $xs {set var [expr {$var + ($x - $mean) ** 2}]}
        set sd [expr {sqrt($var / $n)}]
        return [list [tcl::mathfunc::min {*}$xs] $mean [tcl::mathfunc::max {*}$xs] $sd]
    }

    # Records a criterion: COND is an expression evaluated in the caller;
    # prints "ok"/"NOT OK" with TEXT, remembers failures.
    proc expect {cond text} {
        variable failures
        set ok [uplevel 1 [list expr $cond]]
        if {$ok} {
            puts "  ok: $text"
        } else {
            puts "  NOT OK: $text"
            lappend failures $text
        }
        return $ok
    }

    # The verdict: PASS with SUMMARY when every expectation held.
    proc verdict {summary} {
        variable failures
        if {[llength $failures] == 0} {finish PASS $summary}
        set more [expr {[llength $failures] > 1 ? " (and [expr {[llength $failures] - 1}] more)" : ""}]
        finish FAIL "[lindex $failures 0]$more"
    }

    # Ends the script: ports gone (their links fall silent), one verdict
    # line, exit 0 for PASS and 1 for FAIL.
    proc finish {what text} {
        catch {lacp::trace stop}
        foreach p [lacp::port names] {catch {$p destroy}}
        puts "$what: $text"
        flush stdout
        exit [expr {$what eq "PASS" ? 0 : 1}]
    }

    # Runs BODY; an unexpected error is a FAIL that says what broke.
    proc main {body} {
        variable name
        variable ifaces
        variable title
        puts "== $name: $title"
        if {[opt -sim] ne {}} {
            puts "   on in-process wires [join $ifaces { }], against lacp's own DUT (-sim [opt -sim]: [Sim help]), in virtual time"
        } else {
            puts "   on [join $ifaces { }][expr {[opt -netns] ne {} ? " (namespace [opt -netns])" : ""}]"
        }
        if {[catch {uplevel #0 $body} msg opts]} {
            puts "error: [dict get $opts -errorinfo]"
            finish FAIL "script error: $msg"
        }
    }
}
