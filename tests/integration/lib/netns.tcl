# SPDX-License-Identifier: GPL-3.0-or-later
# Shared by the integration tests (run by lacpsh as root): the lab
# (tests/lib/lab.tcl: namespaces, veth pairs, processes, waiting, cleanup on
# every exit path), lacpsh started in a namespace, and checks that count
# towards one closing "N passed, N failed" line.

source [file join [file dirname [file dirname [file dirname [file normalize [info script]]]]] lib lab.tcl]

namespace eval ::t {
    # namespaces, veths, waiting and cleanup are the lab's (tests/lib/lab.tcl)
    namespace import ::lab::require_root ::lab::netns ::lab::veth ::lab::until \
        ::lab::cleanup
    variable passed 0
    variable failed 0
    variable bin [expr {[info exists ::env(LACP_BIN)] ? $::env(LACP_BIN) : [file dirname [info nameofexecutable]]}]
    variable tmp [expr {[info exists ::env(LACP_TEST_TMP)] ? $::env(LACP_TEST_TMP) : "/tmp"}]

    # Starts lacpsh on SCRIPT inside namespace NS in the background;
    # returns the pid. Its output goes to FILE.
    proc spawn {ns script file args} {
        variable bin
        return [lab::spawn $file ip netns exec $ns [file join $bin lacpsh] $script {*}$args]
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
