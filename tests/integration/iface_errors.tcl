# SPDX-License-Identifier: GPL-3.0-or-later
# Errors of ports on interfaces: each a Tcl error with an -errorcode, and
# nothing half-created left behind.
source [file join [file dirname [info script]] lib netns.tcl]
t::require_root
package require lacp

proc err {script} {
    if {[catch {uplevel 1 $script} msg opts]} {
        return [list $msg [dict get $opts -errorcode]]
    }
    return [list ok {}]
}

t::run {
    set a [t::netns a]
    set b [t::netns b]
    t::veth $a a1 $b b1
    lassign [err {lacp::port create p -interface nosuch0 -netns $a}] m c
    t::check "missing interface" {$c eq {LACP LOOKUP INTERFACE} && [string match {interface "nosuch0" not found*} $m]} {$m $c}
    lassign [err {lacp::port create p -interface a1 -netns no-such-ns-[pid]}] m c
    t::check "missing namespace" {$c eq {LACP LOOKUP NETNS}} {$m $c}
    lassign [err {lacp::port create p -interface lo -netns $a}] m c
    t::check "loopback is not Ethernet" {$c eq {LACP VALUE INTERFACE}} {$m $c}
    lacp::port create p -interface a1 -netns $a
    lassign [err {lacp::port create p2 -interface a1 -netns $a}] m c
    t::check "one port per interface" {$c eq {LACP EXISTS INTERFACE}} {$m $c}
    lassign [err {lacp::port create p -interface b1 -netns $b}] m c
    t::check "a port name in use" {$c eq {LACP EXISTS PORT}} {$m $c}
    lassign [err {lacp::port create p3 -interface b1 -netns $b -key 70000}] m c
    t::check "an out-of-range option" {$c eq {LACP VALUE RANGE}} {$m $c}
    t::check "nothing half-created" {[lacp::port names] eq {p}}
    lacp::port create p3 -interface b1 -netns $b
    t::check "the interface is usable after the failed attempt" {[lsort [lacp::port names]] eq {p p3}}
    p destroy
    p3 destroy
    # no permission: a packet socket as nobody
    set script [file join $t::tmp perm-[pid].tcl]
    set f [open $script w]
    puts $f "package require lacp
        if {\[catch {lacp::port create p -interface lo} m o\]} {puts \[list \$m \[dict get \$o -errorcode\]\]}"
    close $f
    set out [exec setpriv --reuid=65534 --regid=65534 --clear-groups [file join $t::bin lacpsh] $script]
    file delete $script
    t::check "no permission" {[lindex $out 1] eq {LACP PERM}} {$out}
}
