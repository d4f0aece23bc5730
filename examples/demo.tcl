# SPDX-License-Identifier: GPL-3.0-or-later
# The live demo (run by scripts/demo, as root): Open vSwitch on this
# machine as the device under test. Two network namespaces, tester and
# DUT, joined by two veth links; OVS in the DUT namespace bonds its ends
# with LACP (userspace datapath, no kernel module). Our two ports
# negotiate with it while the exchange is drawn as a live ladder; then one
# port drops its Sync bit, OVS takes that member out of the bond, the bit
# comes back and OVS puts the member back. Everything is removed at the
# end, on errors too.
#
#   lacpsh examples/demo.tcl ?-hold MS?
source [file join [file dirname [info script]] .. tests integration lib ovs.tcl]
package require lacp

set hold 3000
foreach {k v} $argv {
    switch -- $k {
        -hold {set hold $v}
        default {
            puts stderr "usage: lacpsh examples/demo.tcl ?-hold MS?"
            exit 2
        }
    }
}
if {[exec id -u] != 0} {
    puts stderr "demo: needs root (network namespaces, Open vSwitch)"
    exit 2
}
if {[set why [ovs::unavailable]] ne {}} {
    puts stderr "demo: $why"
    exit 2
}

proc banner {text} {
    puts "\n=== $text"
    flush stdout
}

proc say {text} {puts "    $text"}

# OVS's own words about its members: lines of lacp/show and bond/show.
proc ovsView {h} {
    set v [ovs::show $h]
    set b [ovs::bond $h]
    say "OVS (ovs-appctl lacp/show bond0, bond/show bond0):"
    foreach m {d1 d2} {
        set d [dict get $v members $m]
        say [format "  member %s: %s %s, may_enable %s, partner %s state %s; bond: %s" $m \
                 [dict get $d status] [expr {[dict get $d attached] ? "attached" : "detached"}] \
                 [expr {[dict get $d may_enable] ? "true" : "false"}] [dict get $d partner sys_id] \
                 [dict get $d partner state] \
                 [expr {[dict get $b members $m enabled] ? "enabled" : "DISABLED"}]]
    }
}

proc elapsed {t0} {expr {[clock milliseconds] - $t0}}

# When p1's first LACPDU with (WANT 1) or without (0) Sync left after
# MARK, in ms on lacp::clock, from the record its `on tx` script keeps;
# waits up to a second and a half for it (the 802.1AX transmit limit, 3
# LACPDUs a second, may hold it back).
proc p1Sent {mark want} {
    set at {}
    ovs::until {[llength [set at [lmap r $::p1tx {
        if {[lindex $r 0] <= $mark || [string match *S* [lindex $r 1]] != $want} continue
        lindex $r 0
    }]]]} 1500 5
    if {$at eq {}} {error "p1's LACPDU did not leave"}
    return [lindex $at 0]
}

set code [catch {
    banner "Setting up: two namespaces, two veth links, Open vSwitch as the DUT"
    set lab [ovs::lab -links 2 -lacp active -time fast -bond-mode balance-tcp]
    set h [dict get $lab ovs]
    set ns [dict get $lab tester]
    say "tester namespace [dict get $lab tester]: our ports p1 on t1, p2 on t2"
    say "DUT namespace    [dict get $lab dut]: ovs-vswitchd (pid [dict get [ovs::pids $h] ovs-vswitchd]),\
         bridge br0 (datapath_type=netdev), bond0 over d1 d2, lacp=active, lacp-time=fast"
    say "links: t1 <-> d1, t2 <-> d2"

    banner "1. Negotiation, drawn live from the moment our links come up: each row is a LACPDU\
            (A: the sender's state, P: what it believes of the other side) or a transition of one\
            of our machines (*)"
    # Our ports are created with their links down, then the ladder starts
    # and the links come up: the ladder shows the whole exchange.
    exec ip -n $ns link set t1 down
    exec ip -n $ns link set t2 down
    lacp::port create p1 -interface t1 -netns $ns
    lacp::port create p2 -interface t2 -netns $ns
    set ::p1tx {}
    p1 on tx {apply {{p e} {
        if {[dict exists $e pdu actor state]} {lappend ::p1tx [list [dict get $e time] [dict get $e pdu actor state]]}
    }}}
    lacp::trace start -channel stdout
    set t0 [clock milliseconds]
    p1 link up
    p2 link up
    set up {[dict get [p1 status] mux] eq "COLLECTING_DISTRIBUTING"
        && [dict get [p2 status] mux] eq "COLLECTING_DISTRIBUTING"
        && [string match *SCD* [dict get [p1 status] partner state]]
        && [string match *SCD* [dict get [p2 status] partner state]]
        && [dict get [ovs::bond $h] members d1 enabled] && [dict get [ovs::bond $h] members d2 enabled]}
    if {![ovs::until $up 10000]} {error "the LAG did not come up in 10 s"}
    set negotiated [elapsed $t0]
    banner "Negotiated in $negotiated ms: both links collecting and distributing on both sides"
    ovsView $h

    banner "2. Fault: p1 drops its Sync bit (p1 when {after 0} then {force actor ATG} -once)"
    set mark [lacp::clock now]
    p1 when {after 0} then {force actor ATG} -once
    set left [p1Sent $mark 0]
    if {![ovs::until {![dict get [ovs::bond $h] members d1 enabled]} 3000 5]} {
        error "OVS did not disable d1 within 3 s"
    }
    set reacted [expr {round([lacp::clock now] - $left)}]
    banner "OVS disabled member d1 $reacted ms after our LACPDU; the bond runs on d2 alone"
    ovsView $h
    say "(OVS's own LACPDUs on d1 keep saying Sync, Collecting, Distributing: it disables the"
    say " member in the bond without telling the partner. Holding the fault for $hold ms...)"
    ovs::until 0 $hold

    banner "3. Recovery: p1 advertises Sync again (p1 when {after 0} then release -once)"
    set mark [lacp::clock now]
    p1 when {after 0} then release -once
    set left [p1Sent $mark 1]
    if {![ovs::until {[dict get [ovs::bond $h] members d1 enabled]} 3000 5]} {
        error "OVS did not enable d1 again within 3 s"
    }
    set recovered [expr {round([lacp::clock now] - $left)}]
    # one more round of periodic LACPDUs, to see OVS echo our Sync
    p1 wait {partner has SCD} -timeout 1500
    ovs::until 0 1100
    lacp::trace stop
    banner "OVS enabled member d1 again $recovered ms after our LACPDU"
    ovsView $h

    set c1 [p1 counters]
    set c2 [p2 counters]
    set st [ovs::stats $h]
    banner "Summary"
    say "negotiation: $negotiated ms (mostly our 2 s aggregate wait)"
    say "fault: p1 sent Sync=0; OVS took d1 out of the bond in $reacted ms"
    say "recovery: p1 sent Sync=1; OVS put d1 back in $recovered ms"
    say "LACPDUs on t1/d1: we sent [dict get $c1 lacpdus_tx], received [dict get $c1 lacpdus_rx];\
         OVS counted [dict get $st d1 rx_pdus] in, [dict get $st d1 tx_pdus] out"
    say "LACPDUs on t2/d2: we sent [dict get $c2 lacpdus_tx], received [dict get $c2 lacpdus_rx];\
         OVS counted [dict get $st d2 rx_pdus] in, [dict get $st d2 tx_pdus] out"
    say "scenario scripts for your own switch: examples/*.tcl (see the README)"
} msg opts]

catch {lacp::trace stop}
set gone [expr {[info exists h] && ![lab::alive [dict get [ovs::pids $h] ovs-vswitchd]]}]
if {$code} {
    if {$gone} {
        puts "\ndemo stopped: ovs-vswitchd is gone (interrupted?)"
    } else {
        puts "\ndemo failed: $msg"
        if {[info exists h]} {catch {puts [ovs::log $h]}}
    }
}
foreach p [lacp::port names] {catch {$p destroy}}
ovs::cleanup
if {$code} {exit 1}
puts "\nCleaned up: ports destroyed, OVS stopped, namespaces removed."
