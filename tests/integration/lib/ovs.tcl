# SPDX-License-Identifier: GPL-3.0-or-later
# Open vSwitch as the device under test, from Tcl. Starts ovsdb-server and
# ovs-vswitchd inside a network namespace with a private run directory
# (userspace "netdev" datapath: no kernel module), puts an LACP bond on a
# bridge, reads the switch's own view back (lacp/show, lacp/show-stats,
# bond/show) as dicts, restarts and stops exactly the processes it started.
#
# Also builds the whole lab used by the OVS tests, the examples' test
# wrapper and the demo: a tester namespace and a DUT namespace joined by
# veth pairs, OVS bonding the DUT ends. Everything it creates is recorded
# and removed by ovs::cleanup, which also runs on every exit path of
# ovs::run (the tests' wrapper around t::run).
#
# Needs root. Depends only on the lab (tests/lib/lab.tcl), so scripts
# outside the test suite (examples/demo.tcl) can source it.

source [file join [file dirname [file dirname [file dirname [file normalize [info script]]]]] lib lab.tcl]

namespace eval ::ovs {
    namespace import ::lab::netns ::lab::veth ::lab::until
    lab::on_cleanup ::ovs::cleanup
    variable serial 0
    variable instances {}       ;# handle -> dict (see start)
    variable namespaces {}      ;# namespaces of the labs made by ovs::lab
    variable labs 0
    variable tmp [expr {[info exists ::env(LACP_TEST_TMP)] ? $::env(LACP_TEST_TMP) : "/tmp"}]
    variable schema /usr/share/openvswitch/vswitch.ovsschema
    # lacp/show spells the state bits out; our state strings use letters.
    variable bitLetter {activity A timeout T aggregation G synchronized S
        collecting C distributing D defaulted F expired E}

    # Whether OVS can be run here; returns "" when it can, or the reason.
    proc unavailable {} {
        variable schema
        foreach prog {ovsdb-server ovs-vswitchd ovs-vsctl ovs-appctl ovsdb-tool} {
            if {[auto_execok $prog] eq {} && ![file executable /usr/sbin/$prog]} {
                return "$prog not found (Debian package openvswitch-switch)"
            }
        }
        if {![file readable $schema]} {return "$schema not found"}
        return {}
    }

    # The path of PROG (ovsdb-server and ovs-vswitchd live in /usr/sbin,
    # which a non-login root shell may not have on PATH).
    proc Prog {prog} {
        set p [auto_execok $prog]
        if {$p ne {}} {return [lindex $p 0]}
        return /usr/sbin/$prog
    }

    # ---- the switch

    # ovs::start NS MEMBERS ?-lacp active|passive|off? ?-time fast|slow?
    #     ?-bond-mode MODE? ?-bridge NAME? ?-bond NAME? ?-port-config {K V ...}?
    # Starts ovsdb-server and ovs-vswitchd in namespace NS, each in the
    # foreground of its own process (their pids are the ones we stop), with
    # every file in a fresh directory; creates a netdev bridge and a bond
    # over the interfaces MEMBERS of NS. Returns a handle.
    proc start {ns members args} {
        variable serial
        variable instances
        variable tmp
        variable schema
        set o [dict create -lacp active -time fast -bond-mode balance-tcp \
                   -bridge br0 -bond bond0 -port-config {}]
        foreach {k v} $args {
            if {![dict exists $o $k]} {
                error "ovs::start: bad option \"$k\": must be [join [dict keys $o] {, }]"
            }
            dict set o $k $v
        }
        set h ovs[incr serial]
        set dir [file join $tmp "ovs-[pid]-$serial"]
        file delete -force $dir
        file mkdir $dir
        exec [Prog ovsdb-tool] create [file join $dir conf.db] $schema
        set i [dict create ns $ns dir $dir members $members \
                   bridge [dict get $o -bridge] bond [dict get $o -bond] \
                   db [file join $dir db.sock] ctl [file join $dir ovs-vswitchd.ctl] \
                   dbpid 0 vspid 0 options $o]
        dict set instances $h $i
        set dbpid [Spawn $h ovsdb-server [file join $dir conf.db] \
                       --remote=punix:[file join $dir db.sock] \
                       --pidfile=[file join $dir ovsdb-server.pid] \
                       --unixctl=[file join $dir ovsdb-server.ctl] \
                       --log-file=[file join $dir ovsdb-server.log]]
        dict set instances $h dbpid $dbpid
        if {![lab::poll {[file exists [file join $dir db.sock]] || ![lab::alive $dbpid]} 5000]
            || ![lab::alive $dbpid]} {
            error "ovsdb-server did not start: [Tail [file join $dir ovsdb-server.out]]"
        }
        vsctl $h --no-wait init
        StartSwitch $h
        set cmd [list add-br [dict get $o -bridge] \
                     -- set bridge [dict get $o -bridge] datapath_type=netdev]
        lappend cmd -- add-bond [dict get $o -bridge] [dict get $o -bond] {*}$members \
            lacp=[dict get $o -lacp] \
            -- set port [dict get $o -bond] bond_mode=[dict get $o -bond-mode] \
            other_config:lacp-time=[dict get $o -time]
        foreach {k v} [dict get $o -port-config] {
            lappend cmd -- set port [dict get $o -bond] $k=$v
        }
        vsctl $h {*}$cmd
        return $h
    }

    # Starts ovs-vswitchd of H (the database must be running); waits until
    # it answers on its control socket.
    proc StartSwitch {h} {
        variable instances
        set i [dict get $instances $h]
        set dir [dict get $i dir]
        file delete -force [dict get $i ctl]
        set pid [Spawn $h ovs-vswitchd unix:[dict get $i db] \
                     --pidfile=[file join $dir ovs-vswitchd.pid] \
                     --unixctl=[dict get $i ctl] \
                     --log-file=[file join $dir ovs-vswitchd.log]]
        dict set instances $h vspid $pid
        if {![lab::poll {([file exists [dict get $i ctl]]
                      && ![catch {exec [Prog ovs-appctl] -t [dict get $i ctl] version}])
                     || ![lab::alive $pid]} 10000] || ![lab::alive $pid]} {
            error "ovs-vswitchd did not start: [log $h]"
        }
    }

    # Runs daemon PROG of instance H in its namespace, in the background,
    # with the run, database and log directories all pointing at its own
    # directory. Returns the pid (that of PROG itself: ip netns exec execs).
    proc Spawn {h prog args} {
        variable instances
        set i [dict get $instances $h]
        set dir [dict get $i dir]
        set out [file join $dir $prog.out]
        return [exec env OVS_RUNDIR=$dir OVS_DBDIR=$dir OVS_LOGDIR=$dir \
                    ip netns exec [dict get $i ns] [Prog $prog] {*}$args >& $out &]
    }

    # ovs-vsctl on the database of H; returns its output.
    proc vsctl {h args} {
        variable instances
        exec [Prog ovs-vsctl] --db=unix:[dict get $instances $h db] --timeout=10 {*}$args
    }

    # ovs-appctl on ovs-vswitchd of H; returns its output.
    proc appctl {h args} {
        variable instances
        exec [Prog ovs-appctl] -t [dict get $instances $h ctl] {*}$args
    }

    # The bond of H as lacp/show reports it:
    #   status active|passive  negotiated 0|1  sys_id MAC  sys_priority N
    #   key N  lacp_time fast|slow
    #   members {IF {status current|expired|defaulted attached 0|1 port_id N
    #                port_priority N may_enable 0|1
    #                actor {sys_id .. sys_priority .. port_id .. port_priority .. key .. state STR}
    #                partner {...}} ...}
    # STR is a state string in our letters (ATGSCDFE), N for none.
    proc show {h} {
        variable instances
        return [ParseShow [appctl $h lacp/show [dict get $instances $h bond]]]
    }

    proc ParseShow {text} {
        set d [dict create members {}]
        set m {}
        foreach line [split $text \n] {
            set line [string trim $line]
            if {$line eq {} || [string match ----* $line]} continue
            if {[regexp {^member: ([^:]+): (\S+) (\S+)$} $line -> name status att]} {
                set m $name
                dict set d members $m [dict create status $status \
                    attached [expr {$att eq "attached"}] actor {} partner {}]
                continue
            }
            if {![regexp {^([^:]+):\s*(.*)$} $line -> key value]} continue
            if {$m eq {}} {
                switch -- $key {
                    status {
                        dict set d status [lindex $value 0]
                        dict set d negotiated [expr {"negotiated" in $value}]
                    }
                    "aggregation key" {dict set d key $value}
                    default {dict set d $key $value}
                }
                continue
            }
            if {[regexp {^(actor|partner) (.*)$} $key -> who field]} {
                if {$field eq "state"} {set value [Letters $value]}
                dict set d members $m $who $field $value
            } elseif {$key eq "may_enable"} {
                dict set d members $m may_enable [expr {$value eq "true"}]
            } else {
                dict set d members $m $key $value
            }
        }
        return $d
    }

    # "activity timeout ..." -> "AT..."
    proc Letters {words} {
        variable bitLetter
        set s {}
        foreach l {A T G S C D F E} {
            foreach w $words {
                if {[dict get $bitLetter $w] eq $l} {append s $l}
            }
        }
        return [expr {$s eq {} ? "N" : $s}]
    }

    # One member of the bond of H (see show).
    proc member {h member} {
        return [dict get [show $h] members $member]
    }

    # lacp/show-stats of the bond of H: {IF {tx_pdus N rx_pdus N
    # rx_bad_pdus N rx_marker_request_pdus N link_expired N
    # link_defaulted N carrier_status_changed N} ...}. OVS counts every
    # slow-protocols frame in rx_pdus, bad ones and markers included.
    proc stats {h} {
        variable instances
        set d {}
        set m {}
        foreach line [split [appctl $h lacp/show-stats [dict get $instances $h bond]] \n] {
            if {[regexp {^member: ([^:]+):} $line -> m]} continue
            if {$m ne {} && [regexp {^\s+([^:]+):\s*(\d+)$} $line -> key value]} {
                dict set d $m [string map {" " _} [string tolower $key]] $value
            }
        }
        return $d
    }

    # bond/show of H: {lacp_status S members {IF {enabled 0|1 may_enable 0|1}}}
    # "enabled" is whether the bond forwards on the member.
    proc bond {h} {
        variable instances
        set d [dict create members {}]
        set m {}
        foreach line [split [appctl $h bond/show [dict get $instances $h bond]] \n] {
            if {[regexp {^member ([^:]+): (\S+)} $line -> m state]} {
                dict set d members $m enabled [expr {$state eq "enabled"}]
            } elseif {[regexp {^lacp_status: (\S+)} $line -> s]} {
                dict set d lacp_status $s
            } elseif {$m ne {} && [regexp {^\s+may_enable: (\S+)} $line -> v]} {
                dict set d members $m may_enable [expr {$v eq "true"}]
            }
        }
        return $d
    }

    # The last lines of the ovs-vswitchd log of H (for failure reports).
    proc log {h {n 15}} {
        variable instances
        set dir [dict get $instances $h dir]
        return [Tail [file join $dir ovs-vswitchd.log] $n][Tail [file join $dir ovs-vswitchd.out] 5]
    }

    proc Tail {file {n 15}} {
        if {[catch {open $file} f]} {return {}}
        set lines [split [string trimright [read $f] \n] \n]
        close $f
        return [join [lrange $lines end-[expr {$n - 1}] end] \n]
    }

    # The pids of the daemons of H: {ovsdb-server PID ovs-vswitchd PID}.
    proc pids {h} {
        variable instances
        set i [dict get $instances $h]
        return [list ovsdb-server [dict get $i dbpid] ovs-vswitchd [dict get $i vspid]]
    }

    # Stops ovs-vswitchd of H only (the database stays): the switch falls
    # silent as if it crashed or was being upgraded.
    proc stop_switch {h} {
        variable instances
        lab::kill [dict get $instances $h vspid]
        dict set instances $h vspid 0
    }

    # Starts ovs-vswitchd of H again on its existing database; the bridge
    # and bond come back as configured.
    proc start_switch {h} {
        variable instances
        StartSwitch $h
        set bond [dict get $instances $h bond]
        if {![lab::poll {![catch {appctl $h lacp/show $bond}]} 5000]} {
            error "ovs-vswitchd did not set up $bond again: [log $h]"
        }
    }

    proc restart {h} {
        stop_switch $h
        start_switch $h
    }

    # Stops both daemons of H (by pid) and removes its directory.
    proc stop {h} {
        variable instances
        if {![dict exists $instances $h]} return
        set i [dict get $instances $h]
        # the switch first, its database after it (lab::kill passes over
        # the 0 of a daemon that is not running)
        lab::kill [dict get $i vspid]
        lab::kill [dict get $i dbpid]
        file delete -force [dict get $i dir]
        dict unset instances $h
    }

    # ---- the lab

    # ovs::lab ?-links N? ?OVS-OPTION VALUE ...?
    # Two namespaces, tester and dut, joined by N veth pairs t1..tN <->
    # d1..dN, and OVS in the dut namespace bonding d1..dN (options as for
    # ovs::start). Returns {tester NS dut NS ours {t1 ..} theirs {d1 ..} ovs H}.
    proc lab {args} {
        set n 2
        if {[dict exists $args -links]} {
            set n [dict get $args -links]
            dict unset args -links
        }
        variable labs
        variable namespaces
        incr labs
        set tester [netns t$labs]
        set dut [netns dut$labs]
        lappend namespaces $tester $dut
        set ours {}
        set theirs {}
        for {set k 1} {$k <= $n} {incr k} {
            veth $tester t$k $dut d$k
            lappend ours t$k
            lappend theirs d$k
        }
        set h [start $dut $theirs {*}$args]
        return [dict create tester $tester dut $dut ours $ours theirs $theirs ovs $h]
    }

    # Stops every switch started here and removes every namespace created here.
    proc cleanup {} {
        variable instances
        variable namespaces
        foreach h [dict keys $instances] {catch {stop $h}}
        foreach ns $namespaces {lab::netns_del $ns}
        set namespaces {}
    }

    # For the tests: t::run BODY with ovs::cleanup on every exit path of
    # BODY, before t::run's own cleanup. Skips (77) when OVS is missing.
    proc run {body} {
        t::require_root
        set why [unavailable]
        if {$why ne {}} {
            puts "SKIP: $why"
            exit 77
        }
        uplevel 1 [list t::run $body]
    }
}
