# SPDX-License-Identifier: GPL-3.0-or-later
# lacp::conform: the conformance suite's engine. It takes our tester ports
# (each one the near end of a link to the device under test), runs the
# clause-referenced cases of conform_cases.tcl against whatever answers on
# those links, grades each from what it sees on the wire, and writes the
# reports (text progress, JSON, JUnit, HTML). The cases only ever talk to
# the ports and the clock, so the same suite runs on interfaces in real
# time and on in-process wires in virtual time.

namespace eval ::lacp::conform {
    namespace ensemble create -map {run Run list List info Info report Report}

    variable cases {}       ;# id -> case dict (see Case), in definition order
    variable families {pdu rx periodic tx select mux churn marker passive timing}
    # The state of one run, reset by run.
    variable ports {}       ;# our ports, link i = port i
    variable log {}         ;# {time port dir pdu} of every PDU in and out
    variable opt {}         ;# the run's options
    variable saved {}       ;# port -> {configure dict, on rx, on tx}
    variable checks {}      ;# checks of the current case
    variable figures {}     ;# figures of the current case
    variable t0 0           ;# when the current case started
    variable notes {}       ;# lines of the current case's detail
    variable lastTx {}      ;# port -> time of our last LACPDU on it
    variable lastRx {}      ;# port -> the DUT's last LACPDU on it (parse dict)
    variable deaf 0         ;# no LACPDU from the DUT at all, and a baseline failed

    proc Error {code msg} {
        return -code error -level 2 -errorcode [::list LACP {*}$code] $msg
    }

    # ---- the registry

    # Case ID ?-option value ...? BODY
    # Options: -clause -title -sends -expects (text), -links N (links the
    # case needs), -dut-mode active|passive|any, -long BOOL (left out by
    # -quick), -control DICT (the negative control the tests build: keys
    # options rules ports note).
    proc Case {id args} {
        variable cases
        variable families
        set body [lindex $args end]
        set c [dict create id $id clause {} title {} sends {} expects {} links 1 \
                   dut-mode any long 0 control {} quick-note {}]
        foreach {k v} [lrange $args 0 end-1] {
            dict set c [string range $k 1 end] $v
        }
        if {[lindex [split $id .] 0] ni $families} {
            error "case $id: unknown family"
        }
        dict set c body $body
        dict set cases $id $c
    }

    # lacp::conform list ?-case GLOB ...? -> {id clause title} per case
    proc List {args} {
        variable cases
        set globs [Globs {*}$args]
        set out {}
        dict for {id c} $cases {
            if {![Match $id $globs]} continue
            lappend out [::list $id [dict get $c clause] [dict get $c title]]
        }
        return $out
    }

    # lacp::conform info ID -> the case's description (no body)
    proc Info {id} {
        variable cases
        if {![dict exists $cases $id]} {
            Error [::list LOOKUP CASE $id] "no conformance case \"$id\""
        }
        return [dict remove [dict get $cases $id] body]
    }

    # ARGS with -quick and -ladder given as flags (no value) made "-quick 1",
    # and "-case G1 G2 ..." made "-case {G1 G2 ...}".
    proc Flags {args} {
        set out {}
        set n [llength $args]
        for {set i 0} {$i < $n} {incr i} {
            set a [lindex $args $i]
            if {$a in {-quick -ladder}} {
                set v [lindex $args $i+1]
                if {$i + 1 < $n && [string is boolean -strict $v]} {
                    lappend out $a $v
                    incr i
                } else {
                    lappend out $a 1
                }
            } elseif {$a eq "-case"} {
                set g {}
                while {$i + 1 < $n && ![string match -* [lindex $args $i+1]]} {
                    lappend g {*}[lindex $args [incr i]]
                }
                if {![llength $g]} {
                    Error {OPTION VALUE} "option \"-case\" needs a value"
                }
                lappend out -case $g
            } else {
                lappend out $a
                if {$i + 1 < $n} {lappend out [lindex $args [incr i]]}
            }
        }
        return $out
    }

    proc Globs {args} {
        set args [Flags {*}$args]
        set globs {}
        foreach {k v} $args {
            if {$k ne "-case"} {Error {OPTION UNKNOWN} "bad option \"$k\": must be -case"}
            lappend globs {*}$v
        }
        if {[llength $args] % 2} {Error {OPTION VALUE} "option \"[lindex $args end]\" needs a value"}
        return $globs
    }

    proc Match {id globs} {
        if {![llength $globs]} {return 1}
        foreach g $globs {
            if {[string match $g $id]} {return 1}
        }
        return 0
    }

    # ---- running

    # lacp::conform run ?-ports {P ...}? ?-case GLOB ...? ?-quick BOOL?
    #     ?-dut-mode active|passive? ?-dut-rate fast|slow? ?-dut-probe CMD?
    #     ?-evidence DIR? ?-progress CHAN? ?-ladder BOOL?
    # -> the report as a dict (the JSON report's structure)
    proc Run {args} {
        variable cases
        variable ports
        variable opt
        variable log
        set args [Flags {*}$args]
        if {[llength $args] % 2} {
            Error {OPTION VALUE} "option \"[lindex $args end]\" needs a value"
        }
        set o [dict create -ports {} -quick 0 -dut-mode active -dut-rate fast \
                   -dut-probe {} -evidence {} -progress {} -ladder 1 -dut-lag any]
        set globs {}
        foreach {k v} $args {
            switch -- $k {
                -case {lappend globs {*}$v}
                -ports - -dut-probe - -evidence - -progress {dict set o $k $v}
                -quick - -ladder {
                    if {![string is boolean -strict $v]} {
                        Error {VALUE BOOLEAN} "expected a boolean for $k but got \"$v\""
                    }
                    dict set o $k [expr {!!$v}]
                }
                -dut-mode {
                    if {$v ni {active passive}} {
                        Error [::list VALUE DUT_MODE $v] "bad -dut-mode \"$v\": must be active or passive"
                    }
                    dict set o $k $v
                }
                -dut-rate {
                    if {$v ni {fast slow}} {
                        Error [::list VALUE DUT_RATE $v] "bad -dut-rate \"$v\": must be fast or slow"
                    }
                    dict set o $k $v
                }
                -dut-lag {
                    if {$v ni {any single}} {
                        Error [::list VALUE DUT_LAG $v] "bad -dut-lag \"$v\": must be any or single"
                    }
                    dict set o $k $v
                }
                default {
                    Error {OPTION UNKNOWN} "bad option \"$k\": must be -case, -dut-lag, -dut-mode, -dut-probe, -dut-rate, -evidence, -ladder, -ports, -progress or -quick"
                }
            }
        }
        set ps [dict get $o -ports]
        if {![llength $ps]} {set ps [lacp::port names]}
        if {![llength $ps]} {Error {CONFORM NOPORTS} "no ports to run the suite on"}
        foreach p $ps {
            if {$p ni [lacp::port names]} {Error [::list LOOKUP PORT $p] "port \"$p\" not found"}
        }
        set ids [dict keys [dict filter $cases script {id c} {Match $id $globs}]]
        if {![llength $ids]} {Error {CONFORM NOCASE} "no case matches \"[join $globs]\""}
        if {[dict get $o -evidence] ne {}} {file mkdir [dict get $o -evidence]}
        set ports $ps
        set opt $o
        set log {}
        variable lastRx {}
        variable lastTx {}
        variable deaf 0
        Hook
        set traced [dict get [lacp::trace info] on]
        if {!$traced && [dict get $o -ladder]} {lacp::trace start -limit 200000}
        set t_run [clock milliseconds]
        set results {}
        set sum [dict create pass 0 fail 0 skip 0 error 0]
        try {
            set k 0
            foreach id $ids {
                incr k
                set r [RunCase $id]
                dict incr sum [dict get $r verdict]
                lappend results $r
                Progress [format "%3d/%d %-5s %-32s %s" $k [llength $ids] \
                              [string toupper [dict get $r verdict]] $id [dict get $r summary]]
            }
        } finally {
            Reset
            Unhook
            if {!$traced && [dict get $o -ladder]} {lacp::trace stop}
        }
        set dut [Dut]
        dict set dut mode [dict get $o -dut-mode]
        dict set dut rate [dict get $o -dut-rate]
        dict set dut links [llength $ps]
        dict set dut lag [dict get $o -dut-lag]
        set report [dict create dut $dut cases $results summary $sum \
                        wall_ms [expr {[clock milliseconds] - $t_run}] \
                        quick [dict get $o -quick] clock [lacp::clock mode] \
                        version [package provide lacp]]
        Progress [format "summary: %d pass, %d fail, %d skip, %d error (%.1f s)" \
                      [dict get $sum pass] [dict get $sum fail] [dict get $sum skip] \
                      [dict get $sum error] [expr {[dict get $report wall_ms] / 1000.0}]]
        return $report
    }

    proc Progress {line} {
        variable opt
        set ch [dict get $opt -progress]
        if {$ch ne {}} {
            puts $ch $line
            flush $ch
        }
    }

    # What we know of the DUT: its system and key as our ports recorded them.
    proc Dut {} {
        variable ports
        set d {}
        set links {}
        foreach p $ports {
            set pa [dict get [$p status] partner]
            lappend links [dict create port $p system [dict get $pa system] \
                               key [dict get $pa key] port_number [dict get $pa port]]
        }
        return [dict create system [dict get [lindex $links 0] system] \
                    key [dict get [lindex $links 0] key] ports $links]
    }

    # Records every PDU our ports send and receive, with its time.
    proc Hook {} {
        variable ports
        variable saved
        set saved {}
        foreach p $ports {
            set cfg [$p configure]
            dict set saved $p [dict create cfg $cfg rx [$p on rx] tx [$p on tx]]
            $p on rx [::list ::lacp::conform::Record rx]
            $p on tx [::list ::lacp::conform::Record tx]
        }
    }

    proc Unhook {} {
        variable saved
        dict for {p s} $saved {
            if {$p ni [lacp::port names]} continue
            $p on rx [dict get $s rx]
            $p on tx [dict get $s tx]
        }
    }

    proc Record {dir p e} {
        variable log
        variable lastTx
        if {![dict exists $e pdu]} return
        variable lastRx
        if {[dict get $e pdu class] eq "lacpdu"} {
            if {$dir eq "tx"} {
                dict set lastTx $p [dict get $e time]
            } else {
                dict set lastRx $p [dict get $e pdu]
            }
        }
        lappend log [::list [dict get $e time] $p $dir [dict get $e pdu]]
    }

    # Our ports back as the run found them: options, no rules of ours, no
    # forced bits, sending and receiving, links up.
    proc Reset {} {
        variable saved
        dict for {p s} $saved {
            if {$p ni [lacp::port names]} continue
            foreach id [lmap r [$p rules] {dict get $r id}] {$p rules delete $id}
            $p when {after 0} then release start-tx accept-rx \
                unset actor.key unset partner.key unset partner.state unset actor.state \
                unset partner.port_priority unset partner.system -once
            foreach id [lmap r [$p rules] {dict get $r id}] {$p rules delete $id}
            set cfg [dict get $s cfg]
            set want {}
            foreach k {-mode -rate -aggregation -key -port-priority -fast-period
                       -slow-period -lacp-enabled -capture -system-priority} {
                if {[$p cget $k] ne [dict get $cfg $k]} {lappend want $k [dict get $cfg $k]}
            }
            if {[$p cget -system] ne [dict get $cfg -system]} {
                lappend want -system [dict get $cfg -system] -port-number [dict get $cfg -port-number]
            }
            if {[llength $want]} {$p configure {*}$want}
            if {[dict get [$p status] link] ne "up"} {catch {$p link up}}
            if {![dict get [$p status] enabled]} {catch {$p enable}}
        }
    }

    # Runs one case; returns its result dict.
    proc RunCase {id} {
        variable cases
        variable checks
        variable figures
        variable notes
        variable t0
        variable opt
        variable ports
        set c [dict get $cases $id]
        variable log
        set checks {}
        set figures {}
        set notes {}
        Reset
        # Each case sees only its own frames (and scans no more).
        set log {}
        catch {lacp::trace clear}
        set pcaps {}
        set ev [dict get $opt -evidence]
        if {$ev ne {}} {
            foreach p $ports {
                set f [file join $ev [string map {. _} $id]-$p.pcap]
                $p configure -capture $f
                lappend pcaps $f
            }
        }
        set t0 [Now]
        set wall [clock microseconds]
        set verdict {}
        set why {}
        if {[llength $ports] < [dict get $c links]} {
            set verdict skip
            set why "needs [dict get $c links] links, [llength $ports] given"
        } elseif {[dict get $c dut-mode] ne "any" && [dict get $c dut-mode] ne [dict get $opt -dut-mode]} {
            set verdict skip
            set why "applies only when the DUT is [dict get $c dut-mode] (-dut-mode [dict get $opt -dut-mode])"
        } elseif {[dict get $c long] && [dict get $opt -quick]} {
            set verdict skip
            set why "long case, left out by -quick"
        } else {
            set rc [catch {apply [::list {} [dict get $c body] ::lacp::conform]} msg o]
            if {$rc == 1 && [lrange [dict get $o -errorcode] 0 2] eq {LACP CONFORM SKIP}} {
                set verdict skip
                set why $msg
            } elseif {$rc == 1} {
                set verdict error
                set why $msg
            } elseif {![llength $checks]} {
                set verdict error
                set why "the case made no check"
            } else {
                set verdict pass
                foreach ch $checks {
                    if {![dict get $ch ok]} {set verdict fail}
                }
            }
        }
        set dur [expr {([clock microseconds] - $wall) / 1000.0}]
        set vdur [expr {[Now] - $t0}]
        set ladder {}
        set svg {}
        if {[dict get $opt -ladder] && $verdict ni {skip}} {
            catch {set ladder [lacp::trace ladder]}
            catch {set svg [lacp::trace ladder -format svg]}
        }
        if {$ev ne {}} {
            foreach p $ports {catch {$p configure -capture {}}}
            if {$ladder ne {}} {
                set f [open [file join $ev [string map {. _} $id].txt] w]
                puts -nonewline $f $ladder
                close $f
                set f [open [file join $ev [string map {. _} $id].svg] w]
                puts -nonewline $f $svg
                close $f
            }
        }
        # The one-line summary: the failed checks, or the reason.
        if {$verdict in {pass fail}} {
            set bad [lmap ch $checks {
                if {[dict get $ch ok]} continue
                string cat [dict get $ch what] ": expected " [dict get $ch expected] \
                    ", observed " [dict get $ch observed]
            }]
            if {$verdict eq "pass"} {
                set summary "[llength $checks] checks"
            } else {
                set summary [join $bad "; "]
            }
        } else {
            set summary $why
        }
        set detail [join [concat [lmap ch $checks {
            string cat [expr {[dict get $ch ok] ? "ok  " : "FAIL"}] " " [dict get $ch what] \
                ": expected " [dict get $ch expected] ", observed " [dict get $ch observed]
        }] $notes [expr {$why ne {} ? [::list $why] : {}}]] \n]
        return [dict create id $id clause [dict get $c clause] title [dict get $c title] \
                    sends [dict get $c sends] expects [dict get $c expects] \
                    verdict $verdict summary $summary detail $detail \
                    duration_ms [format %.1f $dur] dut_time_ms [format %.1f $vdur] \
                    figures $figures checks $checks \
                    evidence [dict create pcap $pcaps ladder $ladder svg $svg]]
    }

    # ---- what case bodies use

    proc Now {} {lacp::clock now}
    proc Virtual {} {expr {[lacp::clock mode] eq "virtual"}}

    # Runs the ports until the expression COND (in the caller) holds or MS
    # have passed; returns whether it held. Virtual time is advanced in
    # small steps, real time waits in the event loop: the figures come
    # from the recorded PDUs' own timestamps, not from this polling.
    proc Until {cond ms} {
        set deadline [expr {[Now] + $ms}]
        while {![uplevel 1 [::list expr $cond]]} {
            set left [expr {$deadline - [Now]}]
            if {$left <= 0} {return 0}
            Step $left
        }
        return 1
    }

    # Runs the ports for a little while, at most LEFT ms.
    proc Step {left} {
        if {[Virtual]} {
            lacp::clock advance [expr {min(5, $left)}]
        } else {
            after [expr {int(min(5, ceil($left)))}] {set ::lacp::conform::tick 1}
            vwait ::lacp::conform::tick
        }
    }

    # Lets MS pass with every port running.
    proc Pass {ms} {Until 0 $ms}

    # The run's option KEY (without its dash).
    proc Opt {key} {
        variable opt
        return [dict get $opt -$key]
    }

    # Our ports: all, or link I (from 1).
    proc Ports {} {variable ports; return $ports}
    proc Port {i} {variable ports; return [lindex $ports [expr {$i - 1}]]}

    # The DUT's LACPDUs on port P since time SINCE (default: the case's
    # start): a list of {time pdu}. Illegal frames and Markers left out.
    proc Rx {p {since {}} {class lacpdu}} {
        variable log
        variable t0
        if {$since eq {}} {set since $t0}
        set out {}
        foreach e $log {
            lassign $e t q dir pdu
            if {$q eq $p && $dir eq "rx" && $t >= $since && [dict get $pdu class] eq $class} {
                lappend out [::list $t $pdu]
            }
        }
        return $out
    }

    # When our port P last sent a LACPDU, or {}.
    proc LastTx {p} {
        variable lastTx
        expr {[dict exists $lastTx $p] ? [dict get $lastTx $p] : {}}
    }

    # Our own LACPDUs on P since SINCE, as Rx.
    proc Tx {p {since {}}} {
        variable log
        variable t0
        if {$since eq {}} {set since $t0}
        set out {}
        foreach e $log {
            lassign $e t q dir pdu
            if {$q eq $p && $dir eq "tx" && $t >= $since && [dict get $pdu class] eq "lacpdu"} {
                lappend out [::list $t $pdu]
            }
        }
        return $out
    }

    # The DUT's latest LACPDU on P (a parse dict), or {}.
    proc Last {p} {
        variable lastRx
        expr {[dict exists $lastRx $p] ? [dict get $lastRx $p] : {}}
    }

    proc Has {state bits} {
        foreach b [split $bits {}] {
            if {[string first $b $state] < 0} {return 0}
        }
        return 1
    }
    proc Lacks {state bits} {
        foreach b [split $bits {}] {
            if {[string first $b $state] >= 0} {return 0}
        }
        return 1
    }

    # Whether link P is up on both sides: our Mux collects and distributes,
    # and the DUT's latest LACPDU has Sync, Collecting and Distributing and
    # echoes our Sync.
    proc Up {p} {
        set s [$p status]
        if {[dict get $s mux] ne "COLLECTING_DISTRIBUTING"} {return 0}
        set l [Last $p]
        if {$l eq {}} {return 0}
        return [expr {[Has [dict get $l actor state] SCD] && [Has [dict get $l partner state] S]}]
    }

    # Whether the DUT's latest LACPDU on P echoes our actor information
    # exactly (ids, priorities, key and state).
    proc Echoes {p} {
        set l [Last $p]
        if {$l eq {}} {return 0}
        set a [dict get [$p status] actor]
        foreach k {system system_priority key port port_priority state} {
            if {[dict get $l partner $k] ne [dict get $a $k]} {return 0}
        }
        return 1
    }

    # Every link (or those given) up within MS; a failed check otherwise.
    proc Baseline {{ms 12000} {which {}}} {
        variable lastRx
        variable deaf
        if {$which eq {}} {set which [Ports]}
        # A DUT that has never said a word gets 3 s per case, not 12.
        if {$deaf && ![dict size $lastRx]} {set ms [expr {min($ms, 3000)}]}
        set cond [join [lmap p $which {string cat {[Up } $p {]}}] " && "]
        set t [Now]
        set ok [uplevel 1 [::list ::lacp::conform::Until $cond $ms]]
        if {!$ok} {
            if {![dict size $lastRx]} {set deaf 1}
            set down [lmap p $which {if {[Up $p]} continue; set p}]
            Check "every link up before the case" "up within $ms ms" "down: [join $down {, }]" 0
            return -code return
        }
        return [expr {[Now] - $t}]
    }

    # A one-shot rule on P running ACTIONS now (rule actions, see README).
    proc Do {p args} {
        set id [$p when {after 0} then {*}$args -once]
        catch {$p rules delete $id}
    }

    # Records a check: WHAT, the EXPECTED and OBSERVED values as text, OK.
    proc Check {what expected observed ok} {
        variable checks
        lappend checks [dict create what $what expected $expected observed $observed \
                            ok [expr {!!$ok}]]
        return [expr {!!$ok}]
    }

    proc Figure {name value} {
        variable figures
        dict set figures $name $value
    }

    proc Note {text} {
        variable notes
        lappend notes $text
    }

    proc Skip {why} {
        return -code error -errorcode {LACP CONFORM SKIP} $why
    }

    # The DUT's own view of link I through -dut-probe, or {} without one.
    proc Probe {i} {
        set cmd [Opt dut-probe]
        if {$cmd eq {}} {return {}}
        return [uplevel #0 [::list {*}$cmd $i]]
    }

    # ---- figures, from the recorded PDUs (the one place they are
    # computed: a port-level measurement can replace this later)

    # Statistics of the DUT's LACPDUs on P between FROM and TO (ms):
    # partner_intervals {count min median p99 max mean stdev} of the gaps,
    # max_per_window (most LACPDUs in any WINDOW ms), rate_violations
    # (windows beginning at a LACPDU that hold more than LIMIT).
    proc Measure {p from to {window 1000} {limit 3}} {
        set ts [lmap e [Rx $p $from] {
            if {[lindex $e 0] > $to} continue
            lindex $e 0
        }]
        set gaps {}
        for {set i 1} {$i < [llength $ts]} {incr i} {
            lappend gaps [expr {[lindex $ts $i] - [lindex $ts $i-1]}]
        }
        set most 0
        set viol 0
        for {set i 0} {$i < [llength $ts]} {incr i} {
            set n 0
            for {set j $i} {$j < [llength $ts] && [lindex $ts $j] - [lindex $ts $i] < $window} {incr j} {
                incr n
            }
            if {$n > $most} {set most $n}
            if {$n > $limit} {incr viol}
        }
        return [dict create partner_intervals [Stats $gaps] max_per_window $most \
                    rate_violations $viol count [llength $ts]]
    }

    # {count min median p99 max mean stdev} of XS (ms, 3 decimals).
    proc Stats {xs} {
        set n [llength $xs]
        if {!$n} {return [dict create count 0]}
        set s [lsort -real $xs]
        set mean [expr {[tcl::mathop::+ {*}$s] / double($n)}]
        set var 0.0
        foreach x $s {set var [expr {$var + ($x - $mean) ** 2}]}
        set sd [expr {sqrt($var / $n)}]
        set h [expr {$n / 2}]
        set med [expr {$n % 2 ? [lindex $s $h] : ([lindex $s $h-1] + [lindex $s $h]) / 2.0}]
        set p99 [lindex $s [expr {min($n - 1, int(ceil(0.99 * $n)) - 1)}]]
        return [dict create count $n min [R [lindex $s 0]] median [R $med] p99 [R $p99] \
                    max [R [lindex $s end]] mean [R $mean] stdev [R $sd]]
    }

    proc R {x} {format %.3f $x}

    # The first DUT LACPDU on P after time SINCE for which the expression
    # TEST holds, evaluated in the caller with $pdu set to the PDU's parse
    # dict: {time pdu}, or {} when none came within MS.
    proc First {p since test ms} {
        set deadline [expr {[Now] + $ms}]
        set seen 0
        while 1 {
            set rx [Rx $p $since]
            foreach e [lrange $rx $seen end] {
                uplevel 1 [::list set pdu [lindex $e 1]]
                if {[uplevel 1 [::list expr $test]]} {return $e}
            }
            set seen [llength $rx]
            set left [expr {$deadline - [Now]}]
            if {$left <= 0} {return {}}
            Step $left
        }
    }

    # The PDU that probes the DUT's receive path: what our port P would
    # send now, with its actor port priority replaced by the tell-tale TT,
    # built with the options OPTS of lacp::pdu build; TRANSFORM, when given,
    # is a command prefix applied to the bytes.
    proc ProbePdu {p tt opts {transform {}}} {
        set s [$p status]
        set a [dict get $s actor]
        dict set a port_priority $tt
        set b [lacp::pdu build -actor $a -partner [dict get $s partner] {*}$opts]
        if {$transform ne {}} {set b [{*}$transform $b]}
        return $b
    }

    # Sends BYTES on P with P's own periodic transmissions held off, and
    # watches for MS whether the DUT's LACPDUs echo the tell-tale port
    # priority TT. Returns {echoed TIME-or-{} state_before states_after}.
    proc Telltale {p bytes tt ms} {
        set before [Last $p]
        set fp [$p cget -fast-period]
        set sp [$p cget -slow-period]
        $p configure -fast-period 86400000 -slow-period 86400000
        set t [Now]
        try {
            $p send -raw $bytes
            set hit [First $p $t {[dict get $pdu partner port_priority] == $tt} $ms]
        } finally {
            $p configure -fast-period $fp -slow-period $sp
        }
        set after [lmap e [Rx $p $t] {dict get [lindex $e 1] actor state}]
        set delay [expr {$hit eq {} ? {} : [format %.1f [expr {[lindex $hit 0] - $t}]]}]
        return [::list [expr {$hit ne {}}] $delay \
                    [expr {$before eq {} ? {} : [dict get $before actor state]}] $after]
    }

    # Version 2's longer actor and partner TLVs: 4 more octets in each,
    # taken from the trailing reserved octets so the PDU stays 110 long.
    proc Longer {b} {
        set actor [string range $b 2 21]
        set partner [string range $b 22 41]
        set rest [string range $b 42 end-8]
        set actor [string replace $actor 1 1 [binary format c 24]]
        set partner [string replace $partner 1 1 [binary format c 24]]
        return [string cat [string range $b 0 1] $actor [binary format x4] \
                    $partner [binary format x4] $rest]
    }

    # ---- reports

    # lacp::conform report json|junit|html|text REPORT -> the text
    proc Report {format report} {
        if {$format ni {json junit html text}} {
            Error [::list VALUE FORMAT $format] "bad format \"$format\": must be json, junit, html or text"
        }
        return [$format $report]
    }

    # The report as JSON (DESIGN §7, plus sends/expects/checks/evidence),
    # through the package's one JSON writer (json.tcl).
    proc json {report} {
        set cs {}
        foreach c [dict get $report cases] {
            set checks [lmap ch [dict get $c checks] {
                ::list obj [::list what [S [dict get $ch what]] expected [S [dict get $ch expected]] \
                    observed [S [dict get $ch observed]] ok [::list bool [dict get $ch ok]]]
            }]
            set ev [dict get $c evidence]
            lappend cs [::list obj [::list id [S [dict get $c id]] clause [S [dict get $c clause]] \
                title [S [dict get $c title]] sends [S [dict get $c sends]] \
                expects [S [dict get $c expects]] verdict [S [dict get $c verdict]] \
                detail [S [dict get $c detail]] duration_ms [Value [dict get $c duration_ms]] \
                dut_time_ms [Value [dict get $c dut_time_ms]] figures [Value [dict get $c figures]] \
                checks [::list arr $checks] \
                evidence [::list obj [::list pcap [::list arr [lmap f [dict get $ev pcap] {S $f}]] \
                                          ladder [S [dict get $ev ladder]]]]]]
        }
        set d [dict get $report dut]
        set dut [::list obj [::list system [S [dict get $d system]] key [Value [dict get $d key]] \
                     mode [S [dict get $d mode]] rate [S [dict get $d rate]] \
                     lag [S [dict get $d lag]] links [Value [dict get $d links]] \
                     ports [::list arr [lmap l [dict get $d ports] {Value $l}]]]]
        set s [dict get $report summary]
        set summary [::list obj [::list pass [::list num [dict get $s pass]] \
                         fail [::list num [dict get $s fail]] skip [::list num [dict get $s skip]] \
                         error [::list num [dict get $s error]]]]
        return [::lacp::json::encode [::list obj [::list dut $dut cases [::list arr $cs] \
            summary $summary wall_ms [Value [dict get $report wall_ms]] \
            quick [::list bool [dict get $report quick]] \
            clock [S [dict get $report clock]] version [S [dict get $report version]]]]]
    }

    # A typed JSON string.
    proc S {s} {::list str $s}

    # A typed figure value: numbers as numbers, dicts of them as objects.
    proc Value {v} {
        if {[string is double -strict $v]} {return [::list num $v]}
        if {[llength $v] > 1 && [llength $v] % 2 == 0 && ![catch {dict size $v}]} {
            set pairs {}
            dict for {k x} $v {lappend pairs $k [Value $x]}
            return [::list obj $pairs]
        }
        return [S $v]
    }

    proc X {s} {string map {& &amp; < &lt; > &gt; \" &quot; ' &apos;} $s}

    # JUnit XML: one testsuite, one testcase per case.
    proc junit {report} {
        set s [dict get $report summary]
        set n [llength [dict get $report cases]]
        set out "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        append out "<testsuites>\n<testsuite name=\"lacp-conform\" tests=\"$n\" failures=\"[dict get $s fail]\" errors=\"[dict get $s error]\" skipped=\"[dict get $s skip]\" time=\"[format %.3f [expr {[dict get $report wall_ms] / 1000.0}]]\">\n"
        foreach c [dict get $report cases] {
            set fam [lindex [split [dict get $c id] .] 0]
            append out "  <testcase classname=\"lacp-conform.$fam\" name=\"[X "[dict get $c id] ([dict get $c clause]) [dict get $c title]"]\" time=\"[format %.3f [expr {[dict get $c duration_ms] / 1000.0}]]\">\n"
            switch -- [dict get $c verdict] {
                fail {append out "    <failure message=\"[X [dict get $c summary]]\">[X [dict get $c detail]]</failure>\n"}
                error {append out "    <error message=\"[X [dict get $c summary]]\">[X [dict get $c detail]]</error>\n"}
                skip {append out "    <skipped message=\"[X [dict get $c summary]]\"/>\n"}
            }
            append out "    <system-out>[X [dict get $c detail]\n[dict get $c evidence ladder]]</system-out>\n  </testcase>\n"
        }
        append out "</testsuite>\n</testsuites>\n"
        return $out
    }

    # One self-contained HTML page: summary table, a section per case.
    proc html {report} {
        set s [dict get $report summary]
        set d [dict get $report dut]
        set out "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>lacp-conform report</title>\n<style>\n"
        append out "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}\n"
        append out ".pass{background:#dfd}.fail{background:#fdd}.skip{background:#eee}.error{background:#fec}pre{background:#f8f8f8;padding:4px;overflow-x:auto;font-size:80%}\n</style></head><body>\n"
        append out "<h1>lacp-conform</h1>\n<p>DUT system [X [dict get $d system]], key [dict get $d key], [dict get $d links] links, configured [X [dict get $d mode]]/[X [dict get $d rate]]. "
        append out "[dict get $s pass] pass, [dict get $s fail] fail, [dict get $s skip] skip, [dict get $s error] error in [format %.1f [expr {[dict get $report wall_ms] / 1000.0}]] s ([X [dict get $report clock]] clock[expr {[dict get $report quick] ? ", -quick" : ""}]).</p>\n"
        append out "<table><tr><th>case</th><th>clause</th><th>title</th><th>verdict</th><th>summary</th></tr>\n"
        foreach c [dict get $report cases] {
            set v [dict get $c verdict]
            append out "<tr class=\"$v\"><td><a href=\"#[X [dict get $c id]]\">[X [dict get $c id]]</a></td><td>[X [dict get $c clause]]</td><td>[X [dict get $c title]]</td><td>$v</td><td>[X [dict get $c summary]]</td></tr>\n"
        }
        append out "</table>\n"
        foreach c [dict get $report cases] {
            set v [dict get $c verdict]
            append out "<h2 id=\"[X [dict get $c id]]\" class=\"$v\">[X [dict get $c id]]: [X [dict get $c title]] ([X [dict get $c clause]]) - $v</h2>\n"
            append out "<p><b>Sends:</b> [X [dict get $c sends]]<br><b>Expects:</b> [X [dict get $c expects]]</p>\n"
            if {[llength [dict get $c checks]]} {
                append out "<table><tr><th>check</th><th>expected</th><th>observed</th><th></th></tr>\n"
                foreach ch [dict get $c checks] {
                    set ok [dict get $ch ok]
                    append out "<tr class=\"[expr {$ok ? "pass" : "fail"}]\"><td>[X [dict get $ch what]]</td><td>[X [dict get $ch expected]]</td><td>[X [dict get $ch observed]]</td><td>[expr {$ok ? "ok" : "FAIL"}]</td></tr>\n"
                }
                append out "</table>\n"
            }
            if {$v in {skip error}} {append out "<p>[X [dict get $c summary]]</p>\n"}
            if {[dict size [dict get $c figures]]} {
                append out "<p><b>Figures:</b> <code>[X [dict get $c figures]]</code></p>\n"
            }
            set svg [dict get $c evidence svg]
            if {$svg ne {}} {
                append out "<details><summary>ladder</summary>[regsub {^<\?xml[^>]*>\s*} $svg {}]</details>\n"
            }
        }
        append out "</body></html>\n"
        return $out
    }

    # The text summary printed at the end: one line per case not passed.
    proc text {report} {
        set out {}
        foreach c [dict get $report cases] {
            if {[dict get $c verdict] eq "pass"} continue
            append out "[string toupper [dict get $c verdict]] [dict get $c id] ([dict get $c clause]) [dict get $c title]\n"
            foreach line [split [dict get $c detail] \n] {append out "    $line\n"}
        }
        return $out
    }
    # ---- the program (lacp-conform)

    variable usage {usage: lacp-conform -i IF ?-i IF ...? ?-netns NS? ?-case GLOB ...? ?-list?
       ?-json FILE? ?-junit FILE? ?-html FILE? ?-evidence DIR? ?-quick?
       ?-dut-mode active|passive? ?-dut-rate fast|slow? ?-dut-lag any|single?
       ?-dut-probe FILE? ?-system MAC?
       lacp-conform --version | --help}

    # lacp::conform::Main ARGV (the program) -> the exit code: 0 every case run passed or
    # was skipped, 1 a case failed (or ended in error), 2 usage or setup.
    proc Main {argv} {
        variable usage
        set ifs {}
        set globs {}
        set files {}
        set run {}
        set netns {}
        set system {}
        set list 0
        set probe {}
        set n [llength $argv]
        for {set i 0} {$i < $n} {incr i} {
            set a [lindex $argv $i]
            if {$a in {-h -help --help}} {
                puts $usage
                return 0
            }
            if {$a in {-version --version}} {
                puts "lacp-conform $::lacp::version"
                return 0
            }
            if {$a in {-list -quick}} {
                if {$a eq "-list"} {set list 1} else {dict set run -quick 1}
                continue
            }
            if {$a ni {-i -netns -case -json -junit -html -evidence -dut-mode -dut-rate -dut-lag -dut-probe -system}} {
                return [Usage "unknown option \"$a\""]
            }
            if {$i + 1 >= $n} {return [Usage "option $a needs a value"]}
            set v [lindex $argv [incr i]]
            switch -- $a {
                -i {lappend ifs $v}
                -netns {set netns $v}
                -case {lappend globs $v}
                -json - -junit - -html {dict set files [string range $a 1 end] $v}
                -system {set system $v}
                -dut-probe {set probe $v}
                default {dict set run $a $v}
            }
        }
        if {$list} {
            set sel [expr {[llength $globs] ? [::list -case $globs] : {}}]
            if {[catch {List {*}$sel} cases]} {return [Usage $cases]}
            foreach c $cases {
                lassign $c id clause title
                puts [format "%-28s %-20s %s" $id $clause $title]
            }
            return 0
        }
        if {![llength $ifs]} {return [Usage "no interface: give -i IF for each link to the device under test"]}
        if {[llength [lsort -unique $ifs]] != [llength $ifs]} {return [Usage "an interface is given twice"]}
        set ports {}
        set k 0
        try {
            if {$probe ne {}} {
                uplevel #0 [::list source $probe]
                if {[::info commands ::dut_probe] eq {}} {
                    error "$probe does not define the command dut_probe"
                }
                dict set run -dut-probe ::dut_probe
            }
            foreach if $ifs {
                set o [::list -interface $if]
                if {$netns ne {}} {lappend o -netns $netns}
                if {$system ne {}} {lappend o -system $system}
                lacp::port create link[incr k] {*}$o
                lappend ports link$k
            }
            if {[llength $globs]} {dict set run -case $globs}
            set report [Run -ports $ports -progress stdout {*}$run]
        } on error {msg} {
            foreach p $ports {catch {$p destroy}}
            puts stderr "lacp-conform: $msg"
            return 2
        }
        foreach p $ports {catch {$p destroy}}
        puts -nonewline [text $report]
        foreach {format f} $files {
            if {[catch {
                set ch [open $f w]
                puts -nonewline $ch [Report $format $report]
                close $ch
            } msg]} {
                puts stderr "lacp-conform: cannot write $f: $msg"
                return 2
            }
        }
        set s [dict get $report summary]
        return [expr {[dict get $s fail] + [dict get $s error] ? 1 : 0}]
    }

    proc Usage {msg} {
        puts stderr "lacp-conform: $msg (-h for help)"
        return 2
    }
}
