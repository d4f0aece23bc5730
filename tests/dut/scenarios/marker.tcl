# SPDX-License-Identifier: GPL-3.0-or-later
# The Marker protocol (802.1AX-2014 6.5): on each link we send a Marker
# Information PDU with a transaction id of its own; the DUT's Marker
# Responder must answer with a Marker Response that echoes our port,
# system and transaction id (6.5.4.2), and its LACP state must not move.

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
            && [string equal -nocase [dict get $r system] [dict get $a system]]} {incr echoed}
    }
}
sc::conforms "a Marker Response on each link ($answered of [llength $ports])" "802.1AX-2014 6.5" \
    {$answered == [llength $ports]} {ovs teamd}
if {$answered} {
    sc::check "each response echoes our port, system and transaction ($echoed of $answered)" {$echoed == $answered}
}
sc::check "the LAG stays up" {[sc::up $d 2000]}
