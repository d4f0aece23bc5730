# SPDX-License-Identifier: GPL-3.0-or-later
# The one test lab of the project, used by the integration tests, the DUT
# interface, the peers' harnesses (Open vSwitch, the bonding guest) and the
# benchmarks: network namespaces and veth pairs that go on every exit path,
# processes started in the background and stopped by pid, waiting for a
# condition with a bound, and the cleanups the other libraries register.
#
#   lab::require_root ?MESSAGE?   exits 77 unless root
#   lab::netns SHORT              -> a new namespace named after this process,
#                                    loopback up, IPv6 off
#   lab::netns_del NS             removes a namespace made here (its veths go too)
#   lab::veth NS1 IF1 NS2 IF2     a veth pair, both ends up
#   lab::veths NS1 P1 NS2 P2 N ?FIRST?  N pairs at once (ip -batch) -> NS1's names
#   lab::spawn FILE ARGS...       ARGS in the background, output to FILE -> pid
#   lab::alive PID                1 while PID runs (a zombie does not)
#   lab::kill PID ...             SIGTERM to each, SIGKILL to those still
#                                 there after 3 s; waits until they are gone
#   lab::until COND MS ?STEP?     runs the event loop until COND (an expression
#                                 in the caller) holds; -> 0|1. The services
#                                 registered with lab::service run each turn.
#   lab::poll COND MS             the same without the event loop
#   lab::service CMD              runs CMD at each turn of lab::until
#   lab::on_cleanup CMD           runs CMD (last registered first) in cleanup;
#                                 registered again, it moves to the front
#   lab::cleanup                  the registered cleanups, then every process
#                                 and namespace made here
#
# Namespace names carry LACP_NS_TAG when set, else "lab" and the pid, so
# concurrent runs never share one.

namespace eval ::lab {
    namespace export {[a-z]*}
    variable tag [expr {[info exists ::env(LACP_NS_TAG)] ? $::env(LACP_NS_TAG) : "lab[pid]"}]
    variable namespaces {}
    variable pids {}
    variable services {}
    variable cleanups {}
    variable tmp [expr {[info exists ::env(LACP_TEST_TMP)] ? $::env(LACP_TEST_TMP) : "/tmp"}]

    proc require_root {{message "SKIP: needs root"}} {
        if {[exec id -u] != 0} {
            puts $message
            exit 77
        }
    }

    proc netns {short} {
        variable namespaces
        variable tag
        set name "$tag-$short"
        exec ip netns add $name
        lappend namespaces $name
        exec ip -n $name link set lo up
        # the kernel sends nothing of its own on links made in it
        foreach c {all default} {
            catch {exec ip netns exec $name sysctl -qw net.ipv6.conf.$c.disable_ipv6=1}
        }
        return $name
    }

    proc netns_del {ns} {
        variable namespaces
        catch {exec ip netns del $ns}
        set namespaces [lsearch -all -inline -not -exact $namespaces $ns]
    }

    proc veth {ns1 if1 ns2 if2} {
        exec ip link add $if1 netns $ns1 type veth peer name $if2 netns $ns2
        foreach {ns if} [list $ns1 $if1 $ns2 $if2] {
            catch {exec ip netns exec $ns sysctl -qw net.ipv6.conf.$if.disable_ipv6=1}
            exec ip -n $ns link set $if up
        }
    }

    # A thousand pairs take seconds this way, not minutes.
    proc veths {ns1 p1 ns2 p2 n {first 1}} {
        variable tmp
        set dir [file join $tmp lab-[pid]]
        file mkdir $dir
        set add [file join $dir veth-add]
        set up1 [file join $dir veth-up1]
        set up2 [file join $dir veth-up2]
        set fa [open $add w]; set f1 [open $up1 w]; set f2 [open $up2 w]
        set names {}
        for {set k $first} {$k < $first + $n} {incr k} {
            puts $fa "link add $p1$k type veth peer name $p2$k netns $ns2"
            puts $f1 "link set $p1$k up"
            puts $f2 "link set $p2$k up"
            lappend names $p1$k
        }
        close $fa; close $f1; close $f2
        try {
            exec ip -n $ns1 -batch $add
            exec ip -n $ns1 -batch $up1
            exec ip -n $ns2 -batch $up2
        } finally {
            file delete -force $dir
        }
        return $names
    }

    # With `ip netns exec`, the pid is that of the program itself: it execs.
    proc spawn {file args} {
        variable pids
        set pid [exec {*}$args >& $file &]
        lappend pids $pid
        return $pid
    }

    proc alive {pid} {
        if {[catch {open /proc/$pid/stat} f]} {return 0}
        set s [read $f]
        close $f
        return [expr {[lindex [regsub {^.*\) } $s {}] 0] ni {Z X}}]
    }

    # The one TERM-wait-KILL of the project's tests: every pid is sent
    # SIGTERM first, so that they stop side by side within the one bound.
    proc kill {args} {
        variable pids
        # 0 or less would signal a whole process group
        set args [lmap p $args {if {![string is entier -strict $p] || $p <= 0} continue; set p}]
        foreach pid $args {catch {exec kill $pid}}
        set deadline [expr {[clock milliseconds] + 3000}]
        foreach pid $args {
            while {[alive $pid] && [clock milliseconds] < $deadline} {after 20}
            if {[alive $pid]} {
                catch {exec kill -9 $pid}
                poll {![alive $pid]} 1000
            }
        }
        set pids [lmap p $pids {if {$p in $args} continue; set p}]
        catch {exec true} ;# reaps finished background children
    }

    proc service {cmd} {
        variable services
        if {$cmd ni $services} {lappend services $cmd}
    }

    proc until {cond ms {step 5}} {
        variable services
        set deadline [expr {[clock milliseconds] + $ms}]
        while 1 {
            foreach cmd $services {uplevel #0 $cmd}
            if {[uplevel 1 [list expr $cond]]} {return 1}
            if {[clock milliseconds] >= $deadline} {return 0}
            after $step {set ::lab::tick 1}
            vwait ::lab::tick
        }
    }

    proc poll {cond ms} {
        set deadline [expr {[clock milliseconds] + $ms}]
        while {![uplevel 1 [list expr $cond]]} {
            if {[clock milliseconds] >= $deadline} {return 0}
            after 10
        }
        return 1
    }

    proc on_cleanup {cmd} {
        variable cleanups
        set cleanups [lsearch -all -inline -not -exact $cleanups $cmd]
        lappend cleanups $cmd
    }

    proc cleanup {} {
        variable namespaces
        variable pids
        variable cleanups
        foreach cmd [lreverse $cleanups] {catch {uplevel #0 $cmd}}
        kill {*}$pids
        # deleting a namespace deletes its veths and their peers
        foreach ns $namespaces {catch {exec ip netns del $ns}}
        set namespaces {}
    }
}
