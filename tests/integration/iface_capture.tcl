# SPDX-License-Identifier: GPL-3.0-or-later
# -capture writes every frame in and out to a pcap that tshark decodes as
# valid LACP, field for field, with nothing flagged malformed; -netns
# drives ports in two namespaces from this one process.
source [file join [file dirname [info script]] lib netns.tcl]
t::require_root
package require lacp

t::run {
    set a [t::netns a]
    set b [t::netns b]
    t::veth $a a1 $b b1
    set pcap [file join $t::tmp capture-[pid].pcap]
    lacp::port create p -interface a1 -netns $a -capture $pcap -key 7 -port-number 21
    lacp::port create q -interface b1 -netns $b -system 02:00:00:00:00:b1 -key 9
    t::check "negotiated across namespaces from one process" {[p wait {mux is COLLECTING_DISTRIBUTING} -timeout 8000]}
    q send -raw [lacp::pdu marker -port 5 -system 02:00:00:00:00:b1 -transaction 77]
    t::check "marker answered" {[t::until {[dict get [q counters] marker_responses_rx] == 1} 2000] && [dict get [p counters] marker_responses_tx] == 1}
    set c [p counters]
    p destroy
    q destroy
    set frames [exec tshark -r $pcap -T fields -e slow.subtype 2>/dev/null]
    set n [llength $frames]
    t::check "every frame in and out captured ($n)" {$n == [dict get $c lacpdus_rx] + [dict get $c lacpdus_tx] + 2} {$c}
    set lacp [exec tshark -r $pcap -Y "slow.subtype == 1" -T fields -e lacp.actor.key -e lacp.actor.port 2>/dev/null]
    t::check "tshark reads our key and port" {[lsearch -exact $lacp "7\t21"] >= 0 || [lsearch -exact [split $lacp \n] "7\t21"] >= 0} {$lacp}
    set bad [exec tshark -r $pcap -Y "_ws.malformed || _ws.expert.severity >= warning" 2>/dev/null]
    t::check "nothing malformed" {$bad eq {}} {$bad}
    file delete $pcap
}
