# SPDX-License-Identifier: GPL-3.0-or-later
# The Marker protocol (802.1AX-2014 6.5): on each link we send a Marker
# Information PDU with a transaction id of its own; the DUT's Marker
# Responder must answer with a Marker Response that echoes our port,
# system and transaction id (6.5.4.2), and its LACP state must not move.
# We count the responses; the DUT counts the Marker PDUs in and its
# responses out where it keeps such counters. Then a Marker Response
# nobody asked for and a Marker PDU of an unknown TLV type: neither is
# answered.

dut::start $d
set ports [dut::ports $d]
sc::check "negotiated" {[sc::up $d 10000]}
foreach p $ports {
    set ::sc::resp($p) {}
    $p on rx [list apply {{key p e} {
        if {[dict exists $e pdu type] && [dict get $e pdu type] eq "response"} {
            lappend ::sc::resp($key) [dict get $e pdu]
        }
    }} $p]
}
set c0 [dut::counters $d]
set r0 [lmap p $ports {dict get [$p counters] marker_responses_rx}]
set tid 4200
set answered 0
set echoed 0
foreach p $ports {
    set a [dict get [$p status] actor]
    incr tid
    $p send -raw [lacp::pdu marker -port [dict get $a port] -system [dict get $a system] -transaction $tid]
    if {[dut::until {[llength $::sc::resp($p)] > 0} 1500 10]} {
        incr answered
        set r [lindex $::sc::resp($p) 0]
        if {[dict get $r transaction] == $tid && [dict get $r port] == [dict get $a port]
            && [string equal -nocase [dict get $r system] [dict get $a system]]
            && [dict get $r errors] eq {}} {incr echoed}
    }
}
sc::conforms "a Marker Response on each link ($answered of [llength $ports])" "802.1AX-2014 6.5" \
    {$answered == [llength $ports]} {ovs teamd}
if {$answered} {
    sc::check "each response echoes our port, system and transaction ($echoed of $answered)" {$echoed == $answered}
}
sc::check "we count the responses we received" {
    [lmap p $ports {dict get [$p counters] marker_responses_rx}] eq [lmap p $ports r $r0 {expr {$r + [llength $::sc::resp($p)]}}]
}
set c1 [dut::counters $d]
foreach m [dut::members $d] {
    if {$c0 eq {}} break
    foreach {k n what} {marker_rx 1 "the Marker PDU in" marker_resp_tx 1 "its response out" bad_rx 0 "nothing as bad"} {
        if {![dict exists $c0 $m $k]} continue
        sc::check "$m: the DUT counts $what" {[dict get $c1 $m $k] - [dict get $c0 $m $k] == $n} {$c0 // $c1}
    }
}

# a response nobody asked for and an unknown TLV type, on link 2
set p [lindex $ports 1]
set m [lindex [dut::members $d] 1]
set a [dict get [$p status] actor]
set n [llength $::sc::resp($p)]
set c0 [dut::counters $d]
$p send -raw [lacp::pdu marker -response -port [dict get $a port] -system [dict get $a system] -transaction 7]
set raw [lacp::pdu marker -port [dict get $a port] -system [dict get $a system] -transaction 8]
$p send -raw [string replace $raw 2 2 [binary format c 9]]
dut::until 0 1000
sc::check "a Marker Response and a Marker PDU of an unknown TLV type are not answered" {
    [llength $::sc::resp($p)] == $n
}
if {$c0 ne {} && [dict exists $c0 $m marker_unknown_rx]} {
    set c1 [dut::counters $d]
    sc::check "the DUT counts the Marker Response and the unknown Marker TLV, and sends nothing" {
        [dict get $c1 $m marker_resp_rx] - [dict get $c0 $m marker_resp_rx] == 1
        && [dict get $c1 $m marker_unknown_rx] - [dict get $c0 $m marker_unknown_rx] == 1
        && [dict get $c1 $m marker_resp_tx] == [dict get $c0 $m marker_resp_tx]
    } {$c0 // $c1}
}
sc::check "the LAG stays up" {[sc::up $d 2000]}
