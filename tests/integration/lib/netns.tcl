# SPDX-License-Identifier: GPL-3.0-or-later
# Shared by the integration tests (run by lacpsh as root): network
# namespaces and veth pairs that are removed on every exit path, child
# processes stopped by pid, and checks that count towards one closing
# "N passed, N failed" line.

namespace eval ::t {
    variable passed 0
    variable failed 0
    variable namespaces {}
    variable pids {}
    variable tag "lt[pid]"
    variable bin [expr {[info exists ::env(LACP_BIN)] ? $::env(LACP_BIN) : [file dirname [info nameofexecutable]]}]
    variable tmp [expr {[info exists ::env(LACP_TEST_TMP)] ? $::env(LACP_TEST_TMP) : "/tmp"}]

    # Skips (exit 77) unless root.
    proc require_root {} {
        if {[exec id -u] != 0} {
            puts "SKIP: needs root"
            exit 77
        }
    }

    # A new namespace with a unique name; returns the name.
    proc netns {short} {
        variable namespaces
        variable tag
        set name "$tag-$short"
        exec ip netns add $name
        lappend namespaces $name
        exec ip -n $name link set lo up
        return $name
    }

    # A veth pair from NS1/IF1 to NS2/IF2, both up, IPv6 off so the
    # kernel stays quiet on them.
    proc veth {ns1 if1 ns2 if2} {
        exec ip link add $if1 netns $ns1 type veth peer name $if2 netns $ns2
        foreach {ns if} [list $ns1 $if1 $ns2 $if2] {
            catch {exec ip netns exec $ns sysctl -qw net.ipv6.conf.$if.disable_ipv6=1}
            exec ip -n $ns link set $if up
        }
    }

    # Starts lacpsh on SCRIPT inside namespace NS in the background;
    # returns the pid. Its output goes to FILE.
    proc spawn {ns script file args} {
        variable pids
        variable bin
        set pid [exec ip netns exec $ns [file join $bin lacpsh] $script {*}$args >& $file &]
        lappend pids $pid
        return $pid
    }

    proc cleanup {} {
        variable namespaces
        variable pids
        foreach pid $pids {catch {exec kill $pid}}
        foreach pid $pids {
            for {set i 0} {$i < 100 && ![catch {exec kill -0 $pid}]} {incr i} {after 20}
            catch {exec kill -9 $pid}
        }
        foreach ns $namespaces {catch {exec ip netns del $ns}}
        set namespaces {}
        set pids {}
    }

    # Runs the event loop until COND (an expression in the caller) holds or
    # MS milliseconds have passed; returns whether it held.
    proc until {cond ms} {
        set deadline [expr {[clock milliseconds] + $ms}]
        while {![uplevel 1 [list expr $cond]]} {
            if {[clock milliseconds] >= $deadline} {return 0}
            set ::t::tick 0
            set id [after 5 {set ::t::tick 1}]
            vwait ::t::tick
        }
        return 1
    }

    proc check {what cond {detail {}}} {
        variable passed
        variable failed
        if {[uplevel 1 [list expr $cond]]} {
            incr passed
            puts "ok: $what"
        } else {
            incr failed
            puts "FAILED: $what [uplevel 1 [list subst $detail]]"
        }
    }

    # Runs BODY, always cleans up, prints the totals and exits.
    proc run {body} {
        variable passed
        variable failed
        set code [catch {uplevel 1 $body} msg opts]
        cleanup
        if {$code == 1} {
            incr failed
            puts "ERROR: $msg\n[dict get $opts -errorinfo]"
        }
        puts "$passed passed, $failed failed"
        exit [expr {$failed > 0 || $passed == 0}]
    }
}
