# SPDX-License-Identifier: GPL-3.0-or-later
# Marker response. On every link we send Marker Information PDUs (the
# Marker protocol, 802.1AX-2014 6.5) with distinct transaction ids; the
# DUT's Marker Responder must answer each with a Marker Response carrying
# the same requester port, system and transaction id, within
# -response-timeout ms.
#
#   lacpsh examples/marker.tcl eth1 eth2
#   lacpsh examples/marker.tcl -sim standard     # against lacp itself, no root
source [file join [file dirname [info script]] lib.tcl]
ex::setup marker "the DUT answers Marker PDUs with matching Marker Responses" 1 {
    -count            {3 "Marker PDUs per link"}
    -response-timeout {1000 "bound on each response, ms"}
} {
    mute {help "a DUT without a Marker Responder (negative control)" port {-marker-responder 0}}
}

ex::main {
    set ports [ex::ports]
    ex::bringup
    set lat {}
    set missing 0
    set wrong 0
    set tid 1000
    foreach p $ports {
        set a [dict get [$p status] actor]
        for {set i 0} {$i < [ex::opt -count]} {incr i} {
            incr tid
            set seen [llength [ex::markers $p]]
            set t0 [ex::now]
            $p send -raw [lacp::pdu marker -port [dict get $a port] -system [dict get $a system] -transaction $tid]
            set got [ex::until {[llength [ex::markers $p]] > $seen} [ex::opt -response-timeout]]
            if {!$got} {
                ex::say "[ex::ifname $p]: transaction $tid: no response within [ex::opt -response-timeout] ms"
                incr missing
                continue
            }
            lassign [lindex [ex::markers $p] $seen] t m
            set ms [format %.1f [expr {$t - $t0}]]
            set ok [expr {[dict get $m type] eq "response" && [dict get $m transaction] == $tid
                          && [dict get $m port] == [dict get $a port] && [dict get $m system] eq [dict get $a system]
                          && [llength [dict get $m errors]] == 0}]
            ex::say "[ex::ifname $p]: transaction $tid: [dict get $m type] after $ms ms, port [dict get $m port] system [dict get $m system] transaction [dict get $m transaction][expr {$ok ? {} : { (WRONG)}}]"
            if {$ok} {lappend lat $ms} else {incr wrong}
        }
    }
    set n [expr {[llength $ports] * [ex::opt -count]}]
    if {[llength $lat]} {
        lassign [ex::spread $lat] lo mean hi
        ex::say [format "response time: min %.1f, mean %.1f, max %.1f ms" $lo $mean $hi]
    }
    ex::expect {$missing == 0} "every Marker PDU answered ([expr {$n - $missing}] of $n)"
    ex::expect {$wrong == 0} "every response matches its request ($wrong wrong)"
    ex::verdict "the DUT answered $n Marker PDUs correctly"
}
