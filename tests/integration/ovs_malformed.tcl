# SPDX-License-Identifier: GPL-3.0-or-later
# Against Open vSwitch: malformed LACPDUs and Marker PDUs. OVS counts a
# slow-protocols frame as an "RX Bad PDU" when it is shorter than 110
# octets, or is not a Marker PDU and does not start with subtype 1, actor
# TLV 1/20 and partner TLV 2/20; it ignores the PDU and keeps the bond up.
# It counts Marker PDUs and does not answer them (no Marker Responder).
# Each malformed PDU carries a bogus actor, which OVS must not adopt.
source [file join [file dirname [info script]] lib netns.tcl]
source [file join [file dirname [info script]] lib ovs.tcl]
package require lacp

ovs::run {
    set lab [ovs::lab]
    set h [dict get $lab ovs]
    set ns [dict get $lab tester]
    lacp::port create p1 -interface t1 -netns $ns
    lacp::port create p2 -interface t2 -netns $ns
    t::check "negotiated" {
        [p1 wait {mux is COLLECTING_DISTRIBUTING and partner has SCD} -timeout 6000]
        && [p2 wait {mux is COLLECTING_DISTRIBUTING and partner has SCD} -timeout 6000]
    }
    set ours [dict get [p1 status] actor]
    set bogus {system 02:ba:d0:00:00:01 key 999 port 77}
    set malformed {
        {-actor-length 19}
        {-actor-type 9}
        {-partner-type 9}
        {-partner-length 16}
        {-truncate 60}
        {-subtype 0}
        {-subtype 11}
    }
    set before [dict get [ovs::stats $h] d1]
    foreach m $malformed {p1 send -actor $bogus {*}$m}
    set n [llength $malformed]
    t::check "OVS counts the $n malformed PDUs as bad" {
        [ovs::until {[dict get [set st [ovs::stats $h]] d1 rx_bad_pdus] - [dict get $before rx_bad_pdus] == $n} 2000]
    } {$st}
    # what OVS does not check: the collector TLV, reserved octets
    p1 send -collector-length 99
    p1 send -reserved 0xaa
    t::check "OVS accepts wrong collector TLV lengths and non-zero reserved octets" {
        [ovs::until {[dict get [set st [ovs::stats $h]] d1 rx_pdus] - [dict get $before rx_pdus] >= $n + 2} 2000]
        && [dict get $st d1 rx_bad_pdus] - [dict get $before rx_bad_pdus] == $n
    } {$st}
    # the bond stays up over three OVS periodic transmissions
    set ::lost 0
    p1 on rx {apply {{p e} {
        if {[dict exists $e pdu actor state] && ![string match *SCD* [dict get $e pdu actor state]]} {incr ::lost}
    }}}
    ovs::until {$::lost} 3000
    t::check "OVS kept Sync, Collecting and Distributing on the link" {$::lost == 0}
    set v [ovs::member $h d1]
    t::check "OVS kept its view of us (no bogus actor adopted)" {
        [dict get $v status] eq "current" && [dict get $v attached] && [dict get $v may_enable]
        && [dict get $v partner sys_id] eq [dict get $ours system]
        && [dict get $v partner key] == [dict get $ours key]
        && [dict get $v partner port_id] == [dict get $ours port]
    } {$v}
    t::check "the bond still forwards on both members" {
        [dict get [ovs::bond $h] members d1 enabled] && [dict get [ovs::bond $h] members d2 enabled]
    }
    t::check "our ports stayed collecting and distributing" {
        [dict get [p1 status] mux] eq "COLLECTING_DISTRIBUTING" && [dict get [p2 status] mux] eq "COLLECTING_DISTRIBUTING"
    }
    t::check "OVS logged the unparsable PDUs" {
        [string match "*received an unparsable LACP PDU*" [ovs::log $h 200]]
    }

    # Marker: counted, not answered
    set mk [dict get [ovs::stats $h] d2 rx_marker_request_pdus]
    p2 send -raw [lacp::pdu marker -port [dict get [p2 status] actor port] \
                      -system [dict get $ours system] -transaction 4242]
    t::check "OVS counts a Marker request" {
        [ovs::until {[dict get [set st [ovs::stats $h]] d2 rx_marker_request_pdus] == $mk + 1} 2000]
    } {$st}
    ovs::until 0 1000
    t::check "and sends no Marker response within 1 s (OVS has no Marker Responder)" {
        [dict get [p2 counters] marker_responses_rx] == 0
    }
    t::check "a Marker is not a bad PDU to OVS" {[dict get [ovs::stats $h] d2 rx_bad_pdus] == 0}
}
