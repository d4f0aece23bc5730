# SPDX-License-Identifier: GPL-3.0-or-later
# The Linux bonding driver as the device under test, from Tcl. A qemu guest
# (tests/bonding/run-guest: Debian's kernel, bond0 in 802.3ad mode over two
# virtio NICs) runs in a test namespace with its NICs on tap devices there;
# our ports run on the taps. The guest reports its bond's state on its
# serial console (a file here, read as the event loop runs) and takes
# commands on a virtio-serial port; qemu's monitor pulls its cables.
#
#   bond::lab ?-links N? ?-bond {NAME VALUE ...}?  -> {ns NS taps {tap0 ..} slaves {eth0 ..} guest G}
#   bond::slave G eth0 ?FIELD?      the guest's last report of a slave (a dict:
#                                   agg actor_state partner_state partner_mac partner_key
#                                   partner_port actor_key actor_port actor_churn partner_churn
#                                   state mii ... t), or one field
#   bond::bond G ?FIELD?            the bond's (active_agg ports partner_mac carrier ...)
#   bond::all_up G ?STATE?          every slave active in one aggregator, in sync
#   bond::until COND MS ?STEP?      the event loop runs (our ports too) while waiting
#   bond::cmd G COMMAND             a shell command in the guest -> its output
#   bond::stats G                   {eth0 {lacpdu_rx N lacpdu_illegal_rx N ...} ...}
#   bond::option G NAME VALUE       a bonding option at run time
#   bond::reset G ?{NAME VALUE ...}?  bond0 made afresh (boot options, then these)
#   bond::set_link G INDEX up|down  qemu's cable on link INDEX (0-based)
#   bond::history G ?IF?            every report received: {host_ms dict} ...
#   bond::stop G / bond::cleanup / bond::run BODY
#
# Everything started here (namespaces, taps, qemu by its pid, the socat
# processes of the command and monitor channels) is removed by
# bond::cleanup, which runs on every exit path of bond::run. Needs root;
# depends only on the lab (tests/lib/lab.tcl), so scripts outside the test
# suite can source it.

source [file join [file dirname [file dirname [file dirname [file normalize [info script]]]]] lib lab.tcl]

namespace eval ::bond {
    # namespaces and waiting are the lab's (tests/lib/lab.tcl); the lab
    # polls the guests' consoles at each turn of its until
    namespace import ::lab::netns ::lab::until
    lab::service ::bond::PollAll
    lab::on_cleanup ::bond::cleanup
    variable serial 0
    variable guests {}          ;# handle -> dict (see start)
    variable namespaces {}      ;# namespaces of the labs made by bond::lab
    variable labs 0
    variable tmp [file normalize [expr {[info exists ::env(LACP_TEST_TMP)] ? $::env(LACP_TEST_TMP) : "/tmp"}]]
    variable harness [file normalize [file join [file dirname [info script]] .. .. bonding]]
    if {[info exists ::env(LACP_SRC)]} {
        set harness [file join $::env(LACP_SRC) tests bonding]
    }
    # Per guest (arrays, for speed): the unread tail of its console, the
    # last report of each slave and of the bond, every report.
    variable partial
    variable slaves
    variable bonds
    variable hist
    variable lines
    variable cmdbuf             ;# what the command port sent, not yet taken
    variable cmdeof
    variable monbuf             ;# what the monitor sent
    # bit values of the 802.3ad port state (the guest reports numbers)
    variable bits {A 1 T 2 G 4 S 8 C 16 D 32 F 64 E 128}

    # ---- the guest

    # bond::start NS ?-links N? ?-taps {T ..}? ?-bond {NAME VALUE ...}? ?-timeout MS?
    # Boots the guest in namespace NS with its NICs on taps there (tap0..;
    # run-guest creates them) and bond options -bond (kernel command line
    # bond.NAME=VALUE: lacp_rate, ad_select, min_links, ad_actor_system,
    # ad_actor_sys_prio, ad_user_port_key, lacp_active, ...). Waits until the
    # bond is up and the command port answers. Returns a handle.
    proc start {ns args} {
        variable serial
        variable guests
        variable tmp
        variable harness
        variable partial
        variable slaves
        variable bonds
        variable hist
        variable lines
        set o [dict merge {-links 2 -taps {} -bond {} -timeout 60000} $args]
        set g bg[incr serial]
        set dir [file join $tmp "bond-[pid]-$serial"]
        file delete -force $dir
        file mkdir $dir
        set taps [dict get $o -taps]
        if {$taps eq {}} {
            for {set i 0} {$i < [dict get $o -links]} {incr i} {lappend taps tap$i}
        }
        set kargs {}
        foreach {k v} [dict get $o -bond] {lappend kargs bond.$k=$v}
        dict set guests $g [dict create dir $dir ns $ns taps $taps pid 0 \
            log [file join $dir serial.log] logchan {} cmdchan {} monchan {} \
            seq 0 ready {} slaves {} boot_ms 0]
        set partial($g) {}
        set slaves($g) {}
        set bonds($g) {}
        set hist($g) {}
        set lines($g) {}
        set t0 [clock milliseconds]
        # should this process die without cleaning up, run-guest's watcher
        # stops the guest and deletes the namespace
        if {[catch {exec [file join $harness run-guest] start -d $dir -n $ns \
                        -t [join $taps ,] -w [pid] -N -- {*}$kargs 2>@1} out]} {
            error "run-guest start failed: $out"
        }
        regexp -line {^pid (\d+)$} $out -> pid
        dict set guests $g pid $pid
        # the console file appears once qemu runs
        set log [dict get $guests $g log]
        if {![lab::poll {[file exists $log]} 5000]} {error "no serial log from qemu: $out"}
        dict set guests $g logchan [open $log r]
        fconfigure [dict get $guests $g logchan] -blocking 0 -translation auto
        set ok [until {[dict size [Ready $g]] > 0 || ![alive $g]} [dict get $o -timeout] 20]
        if {![alive $g]} {error "qemu exited during boot:\n[tail $g]"}
        if {!$ok} {error "the guest did not report READY within [dict get $o -timeout] ms:\n[tail $g]"}
        dict set guests $g boot_ms [expr {[clock milliseconds] - $t0}]
        # the command port: socat in the foreground of its own process
        set sock [file join $dir cmd.sock]
        set ch [open |[list socat - UNIX-CONNECT:$sock 2>@1] r+]
        fconfigure $ch -blocking 0 -buffering line -translation lf
        dict set guests $g cmdchan $ch
        variable cmdbuf
        variable cmdeof
        set cmdbuf($g) {}
        set cmdeof($g) 0
        fileevent $ch readable [list ::bond::CmdRead $g $ch]
        set sl [dict get [Ready $g] slaves]
        dict set guests $g slaves [split $sl ,]
        # a first command proves the port works and the slaves are reported
        cmd $g true
        if {![until {[llength [dict keys $slaves($g)]] == [llength [split $sl ,]]
                     && [dict size $bonds($g)] > 0} 5000]} {
            error "the guest does not report its slaves:\n[tail $g]"
        }
        return $g
    }

    # The READY record of guest G as a dict, or {} before it.
    proc Ready {g} {
        variable guests
        Poll $g
        return [dict get $guests $g ready]
    }

    # Whether the qemu of G still runs (a zombie does not).
    proc alive {g} {
        variable guests
        return [lab::alive [dict get $guests $g pid]]
    }

    # How long G took from run-guest start to READY (ms).
    proc boot_ms {g} {
        variable guests
        return [dict get $guests $g boot_ms]
    }

    # The guest's slaves (eth0 eth1 ...), in the order of the taps.
    proc slaves {g} {
        variable guests
        return [dict get $guests $g slaves]
    }

    # ---- the console

    # Reads what the guest printed since the last call and records it.
    proc Poll {g} {
        variable guests
        variable partial
        set ch [dict get $guests $g logchan]
        if {$ch eq {}} return
        set data [read $ch]
        if {$data eq {}} return
        set text $partial($g)$data
        set nl [string last \n $text]
        if {$nl < 0} {
            set partial($g) $text
            return
        }
        set partial($g) [string range $text [expr {$nl + 1}] end]
        set now [clock milliseconds]
        foreach line [split [string range $text 0 [expr {$nl - 1}]] \n] {
            Record $g $now [string trimright $line \r]
        }
    }

    # One console line: BOND reports update the slave's or the bond's
    # state and the history; READY is remembered; the rest is kept.
    proc Record {g now line} {
        variable guests
        variable slaves
        variable bonds
        variable hist
        variable lines
        lappend lines($g) $line
        if {[regexp {^(BOND|READY) (.*)$} $line -> kind rest]} {
            set d {}
            foreach kv [split $rest] {
                set i [string first = $kv]
                if {$i > 0} {dict set d [string range $kv 0 $i-1] [string range $kv $i+1 end]}
            }
            if {$kind eq "READY"} {
                # a new bond: what was reported of the old one is gone
                dict set guests $g ready $d
                set slaves($g) {}
                set bonds($g) {}
                return
            }
            dict set d host_ms $now
            if {[dict exists $d slave]} {
                dict set slaves($g) [dict get $d slave] $d
            } else {
                set bonds($g) $d
            }
            lappend hist($g) $d
        }
    }

    # The last report on slave IF of guest G (a dict), or one FIELD of it.
    proc slave {g if {field {}}} {
        variable slaves
        Poll $g
        if {![dict exists $slaves($g) $if]} {return {}}
        if {$field eq {}} {return [dict get $slaves($g) $if]}
        return [dict get $slaves($g) $if $field]
    }

    # The last report on the bond itself, or one FIELD of it.
    proc bond {g {field {}}} {
        variable bonds
        Poll $g
        if {$field eq {}} {return $bonds($g)}
        return [dict get $bonds($g) $field]
    }

    # Every report so far (dicts with host_ms, when it was read here), of
    # slave IF only when given.
    proc history {g {if {}}} {
        variable hist
        Poll $g
        if {$if eq {}} {return $hist($g)}
        return [lmap d $hist($g) {
            if {![dict exists $d slave] || [dict get $d slave] ne $if} continue
            set d
        }]
    }

    # Every console line so far.
    proc lines {g} {
        variable lines
        Poll $g
        return $lines($g)
    }

    # The last N console lines, for failure reports (without the /proc dumps).
    proc tail {g {n 25}} {
        set l [lmap x [lines $g] {if {[string match "PROC *" $x]} continue; set x}]
        return [join [lrange $l end-[expr {$n - 1}] end] \n]
    }

    # Whether state number N has every bit in letters BITS (e.g. SCD).
    proc has {n want} {
        variable bits
        if {![string is integer -strict $n]} {return 0}
        foreach b [split $want {}] {
            if {!($n & [dict get $bits $b])} {return 0}
        }
        return 1
    }

    # State number N as our letters (ATGSCDFE; N for none).
    proc letters {n} {
        if {![string is integer -strict $n]} {return $n}
        return [lacp::state format $n]
    }

    # Whether every slave of G is active in the bond, in one aggregator,
    # with both its states in Sync, Collecting and Distributing and neither
    # Defaulted nor Expired - or, when STATE is given, both exactly STATE
    # (63, ATGSCD, when both sides are active and fast).
    proc all_up {g {state {}}} {
        set aggs {}
        foreach s [slaves $g] {
            set d [slave $g $s]
            if {$d eq {} || [dict get $d state] ne "active"} {return 0}
            foreach k {actor_state partner_state} {
                set n [dict get $d $k]
                if {![has $n GSCD] || [has $n F] || [has $n E]} {return 0}
                if {$state ne {} && $n != $state} {return 0}
            }
            lappend aggs [dict get $d agg]
        }
        return [expr {[llength [lsort -unique $aggs]] == 1}]
    }

    # ---- waiting

    # Reads what every guest printed (the lab runs it at each turn of
    # lab::until, so the reports are fresh when a condition is checked).
    proc PollAll {} {
        variable guests
        foreach g [dict keys $guests] {Poll $g}
    }

    # ---- the command port

    proc CmdRead {g ch} {
        variable cmdbuf
        variable cmdeof
        if {![info exists cmdbuf($g)]} return
        append cmdbuf($g) [read $ch]
        if {[eof $ch]} {
            fileevent $ch readable {}
            set cmdeof($g) 1
        }
    }

    # bond::cmd G COMMAND ?-timeout MS? ?-check BOOL?
    # Runs COMMAND in guest G's shell (init's functions are there: stats,
    # bond_set, bond_get) and returns its output. With -check 1 (default)
    # a non-zero exit status is an error.
    proc cmd {g command args} {
        variable guests
        variable cmdbuf
        set o [dict merge {-timeout 10000 -check 1} $args]
        set ch [dict get $guests $g cmdchan]
        set seq [dict get $guests $g seq]
        dict set guests $g seq [incr seq]
        if {[string first \n $command] >= 0} {error "bond::cmd: one line only"}
        puts $ch "$seq\t$command"
        flush $ch
        set re "(?:^|\n)@@END $seq (\\d+)\n"
        if {![until {[regexp $re $::bond::cmdbuf($g)] || $::bond::cmdeof($g)} [dict get $o -timeout] 5]} {
            error "guest command timed out: $command"
        }
        set buf $cmdbuf($g)
        if {![regexp -indices $re $buf all rcIdx]} {
            error "the guest's command port closed: $buf"
        }
        set rc [string range $buf {*}$rcIdx]
        set out [string range $buf 0 [expr {[lindex $all 0] - 1}]]
        set cmdbuf($g) [string range $buf [expr {[lindex $all 1] + 1}] end]
        if {[dict get $o -check] && $rc != 0} {
            error "guest command failed (exit $rc): $command: $out" {} [list LACP BOND CMD $rc]
        }
        return $out
    }

    # The bonding driver's 802.3ad counters of each slave:
    # {eth0 {lacpdu_rx N lacpdu_tx N lacpdu_unknown_rx N lacpdu_illegal_rx N
    #        marker_rx N marker_tx N marker_resp_rx N marker_resp_tx N
    #        marker_unknown_rx N} ...}
    proc stats {g} {
        set d {}
        foreach line [split [cmd $g stats] \n] {
            if {![regexp {^STATS slave=(\S+)(.*)$} $line -> s rest]} continue
            dict set d $s {}
            foreach kv $rest {
                lassign [split $kv =] k v
                dict set d $s $k $v
            }
        }
        return $d
    }

    # Sets bonding option NAME of G's bond0 to VALUE at run time (taking
    # the bond down and up when the driver only takes it then).
    proc option {g name value} {
        cmd $g [list bond_set $name $value]
    }

    # bond::reset G ?{NAME VALUE ...}?
    # Deletes bond0 and creates it again with the options it booted with,
    # then these: its ports start afresh, every partner forgotten. Waits
    # until the new bond and each of its slaves are reported.
    proc reset {g {options {}}} {
        variable guests
        variable slaves
        variable bonds
        set gen [expr {[dict get $guests $g ready gen] + 1}]
        set kv [lmap {k v} $options {string cat $k = $v}]
        cmd $g [concat bond_reset $kv]
        if {![until {[dict get $::bond::guests $g ready gen] >= $gen} 5000]} {
            error "the guest did not make bond0 again:\n[tail $g]"
        }
        if {![until {[dict size $::bond::slaves($g)] == [llength [dict get $::bond::guests $g slaves]]
                     && [dict size $::bond::bonds($g)] > 0} 5000]} {
            error "the guest does not report its new bond:\n[tail $g]"
        }
    }

    # /proc/net/bonding/bond0 of G, now.
    proc procfile {g} {
        return [cmd $g {cat /proc/net/bonding/bond0}]
    }

    # ---- the monitor

    # An HMP command on qemu's monitor of G; returns its output.
    proc monitor {g command} {
        variable guests
        variable monbuf
        set ch [dict get $guests $g monchan]
        if {$ch eq {}} {
            set sock [file join [dict get $guests $g dir] monitor.sock]
            set ch [open |[list socat - UNIX-CONNECT:$sock 2>@1] r+]
            fconfigure $ch -blocking 0 -buffering line -translation lf
            dict set guests $g monchan $ch
            set monbuf($g) {}
            fileevent $ch readable [list apply {{g ch} {
                if {![info exists ::bond::monbuf($g)]} return
                append ::bond::monbuf($g) [read $ch]
                if {[eof $ch]} {fileevent $ch readable {}}
            }} $g $ch]
            # the banner ends with the first prompt
            if {![until {[string first "(qemu) " $::bond::monbuf($g)] >= 0} 5000 5]} {
                error "qemu's monitor does not answer"
            }
        }
        set n [regexp -all {\(qemu\) } $monbuf($g)]
        puts $ch $command
        flush $ch
        if {![until {[regexp -all {\(qemu\) } $::bond::monbuf($g)] > $n} 5000 5]} {
            error "qemu's monitor did not finish \"$command\""
        }
        set buf $monbuf($g)
        set monbuf($g) {}
        set out [string range $buf [string first $command $buf] end]
        return [string trim [regsub -all {\x1b\[[0-9;]*[A-Za-z]|\r|\(qemu\) } \
                                 [string range $out [string length $command] end] {}]]
    }

    # Plugs (up) or pulls (down) the cable of G's link INDEX (0 = the first
    # tap): the guest's NIC loses its carrier, nothing passes either way.
    proc set_link {g index updown} {
        set out [monitor $g "set_link n$index [expr {$updown eq "up" ? "on" : "off"}]"]
        if {$out ne {}} {error "set_link: $out"}
    }

    # ---- stopping

    # Stops guest G: its channels, then qemu (by its pid), its taps.
    proc stop {g} {
        variable guests
        variable harness
        if {![dict exists $guests $g]} return
        set i [dict get $guests $g]
        foreach k {cmdchan monchan} {
            set ch [dict get $i $k]
            if {$ch eq {}} continue
            set pids [pid $ch]
            catch {close $ch}
            foreach p $pids {catch {exec kill $p}}
        }
        catch {close [dict get $i logchan]}
        catch {exec [file join $harness run-guest] stop -d [dict get $i dir] 2>@1}
        # the harness kills by the pidfile; make sure of it
        set pid [dict get $i pid]
        if {[lab::alive $pid]} {lab::kill $pid}
        if {![info exists ::env(LACP_KEEP)]} {file delete -force [dict get $i dir]}
        dict unset guests $g
        foreach a {cmdbuf cmdeof monbuf} {unset -nocomplain ::bond::${a}($g)}
        catch {exec true}
    }

    # ---- the lab

    # bond::lab ?-links N? ?start options?
    # A namespace with the guest's taps tap0..tapN-1 in it, the guest
    # booted with bond0 over its NICs. Returns {ns NS taps {..} slaves
    # {eth0 ..} guest G}: tapK is cabled to the guest's slave K.
    proc lab {args} {
        variable labs
        incr labs
        set ns [netns bt$labs]
        variable namespaces
        lappend namespaces $ns
        set g [start $ns {*}$args]
        return [dict create ns $ns taps [dict get $::bond::guests $g taps] \
                    slaves [slaves $g] guest $g]
    }

    # Stops every guest and removes every namespace created here.
    proc cleanup {} {
        variable guests
        variable namespaces
        foreach g [dict keys $guests] {catch {stop $g}}
        foreach ns $namespaces {lab::netns_del $ns}
        set namespaces {}
    }

    # For the tests: t::run BODY with bond::cleanup on every exit path of
    # BODY, before t::run's own cleanup. Skips (77) only when not root;
    # anything else missing is a failure.
    proc run {body} {
        t::require_root
        uplevel 1 [list t::run $body]
    }
}
