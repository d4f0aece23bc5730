# SPDX-License-Identifier: GPL-3.0-or-later
# Against the Linux bonding driver (in a qemu guest): malformed LACPDUs
# and Marker PDUs. The driver (6.1) rejects a slow-protocols frame shorter
# than a LACPDU (its lacpdu_illegal_rx counter) and one whose subtype is
# neither LACP nor Marker (lacpdu_unknown_rx), and keeps the bond as it
# was. It checks nothing else: it reads the actor and partner at their
# fixed offsets whatever the TLV types and lengths say, so a LACPDU with a
# wrong TLV type or length is a valid one to it, and a bogus actor in it is
# taken as the new partner until our next LACPDU. Its Marker Responder
# answers a Marker PDU with a Marker Response; responses and unknown
# Marker TLVs are counted.
source [file join [file dirname [info script]] lib netns.tcl]
source [file join [file dirname [info script]] lib bond.tcl]
package require lacp

# Counter changes of slave IF between stats dicts A and B: {name delta ...}
proc delta {a b if} {
    set d {}
    dict for {k v} [dict get $b $if] {
        set n [expr {$v - [dict get $a $if $k]}]
        if {$n} {lappend d $k $n}
    }
    return $d
}

# The value of key K in dict D, 0 when absent.
proc val {d k} {
    expr {[dict exists $d $k] ? [dict get $d $k] : 0}
}

bond::run {
    set lab [bond::lab]
    set g [dict get $lab guest]
    lassign [bond::slaves $g] e0 e1
    foreach tap [dict get $lab taps] p {p1 p2} {
        lacp::port create $p -interface $tap -netns [dict get $lab ns]
    }
    t::check "negotiated, both slaves active with states 63" {
        [p1 wait {mux is COLLECTING_DISTRIBUTING and partner has SCD} -timeout 8000]
        && [p2 wait {mux is COLLECTING_DISTRIBUTING and partner has SCD} -timeout 3000]
        && [bond::until {[bond::all_up $g 63]} 3000]
    } {[bond::tail $g]}
    set ours [dict get [p1 status] actor]
    set ::lost 0
    p1 on rx {apply {{p e} {
        if {[dict exists $e pdu actor state] && ![string match *SCD* [dict get $e pdu actor state]]} {incr ::lost}
    }}}

    # ---- rejected: each carries a bogus actor the guest must not adopt
    set bogus {system 02:ba:d0:00:00:01 key 999 port 77}
    set st0 [bond::stats $g]
    set h0 [llength [bond::history $g $e0]]
    p1 send -actor $bogus -truncate 60
    foreach sub {0 3 11} {p1 send -actor $bogus -subtype $sub}
    t::check "the guest counts the short PDU as illegal and the three bad subtypes as unknown" {
        [bond::until {[val [set d [delta $st0 [set st [bond::stats $g]] $e0]] lacpdu_unknown_rx] >= 3} 3000]
        && [val $d lacpdu_illegal_rx] == 1 && [val $d lacpdu_unknown_rx] == 3
    } {$d}
    # two of its periodic LACPDUs later the bond is as it was
    bond::until 0 2200
    t::check "the guest kept its partner: our system, key and port, states 63, never another" {
        [bond::all_up $g 63] && [bond::slave $g $e0 partner_mac] eq [dict get $ours system]
        && [bond::slave $g $e0 partner_key] == [dict get $ours key]
        && [bond::slave $g $e0 partner_port] == [dict get $ours port]
        && [lsearch -exact [lmap d [lrange [bond::history $g $e0] $h0 end] {dict get $d partner_key}] 999] < 0
    } {[bond::slave $g $e0]}
    t::check "its LACPDUs kept Sync, Collecting and Distributing" {$::lost == 0}
    t::check "only $e0 counted them" {
        [dict get $st $e0 lacpdu_illegal_rx] == 1 && [dict get $st $e1 lacpdu_illegal_rx] == 0
    }

    # ---- not checked: a wrong TLV type, a wrong TLV length. Our port,
    # seeing the guest echo the bogus actor, would put it right at once:
    # it ignores what it receives meanwhile (drop-rx), and the PDU goes
    # right after one of its periodic LACPDUs, so that the bogus actor
    # stands for most of a second.
    foreach {bad key} {{-actor-type 9} 901 {-actor-length 19} 902} {
        p1 when {after 0} then drop-rx -once
        set n [dict get [p1 counters] lacpdus_tx]
        bond::until {[dict get [p1 counters] lacpdus_tx] > $n} 1500 2
        set st0 [bond::stats $g]
        set h0 [llength [bond::history $g $e0]]
        p1 send -actor [dict merge $bogus [list key $key]] {*}$bad
        set ok [bond::until {[lsearch -exact [lmap d [lrange [bond::history $g $e0] $h0 end] {
            dict get $d partner_key}] $key] >= 0} 1500 5]
        p1 when {after 0} then accept-rx -once
        set d [delta $st0 [bond::stats $g] $e0]
        t::check "a LACPDU with $bad is taken as valid: the guest adopts its actor (key $key), counts nothing illegal" {
            $ok && [val $d lacpdu_illegal_rx] == 0 && [val $d lacpdu_unknown_rx] == 0
        } {$d [bond::slave $g $e0]}
        t::check "... until our next LACPDU: $e0 back in the aggregate" {
            [bond::until {[bond::all_up $g 63] && [bond::slave $g $e0 partner_key] == [dict get $ours key]} 6000]
        } {[bond::tail $g]}
    }

    # ---- Marker: answered, counted
    set st0 [bond::stats $g]
    set ::markers {}
    p2 on rx {apply {{p e} {
        if {[dict get $e pdu class] eq "marker"} {lappend ::markers [list [clock milliseconds] [dict get $e pdu]]}
    }}}
    set c0 [p2 counters]
    set port [dict get [p2 status] actor port]
    set t0 [clock milliseconds]
    p2 send -raw [lacp::pdu marker -port $port -system [dict get $ours system] -transaction 4242]
    t::check "the guest answers a Marker PDU" {[bond::until {[llength $::markers]} 2000 5]}
    lassign [lindex $::markers 0] t1 m
    t::check "with a Marker Response echoing our port, system and transaction ([expr {$t1 - $t0}] ms)" {
        [dict get $m type] eq "response" && [dict get $m port] == $port
        && [dict get $m system] eq [dict get $ours system] && [dict get $m transaction] == 4242
        && [dict get $m errors] eq {}
    } {$m}
    t::check "we count it" {[dict get [p2 counters] marker_responses_rx] == [dict get $c0 marker_responses_rx] + 1}
    t::check "the guest counts the Marker PDU in and the response out" {
        [bond::until {[val [set d [delta $st0 [bond::stats $g] $e1]] marker_rx] == 1} 2000]
        && [val $d marker_resp_tx] == 1
    } {$d}
    # an unsolicited response, and a Marker PDU of an unknown TLV type
    set st0 [bond::stats $g]
    p2 send -raw [lacp::pdu marker -response -port $port -system [dict get $ours system] -transaction 7]
    set raw [lacp::pdu marker -port $port -system [dict get $ours system] -transaction 8]
    p2 send -raw [string replace $raw 2 2 [binary format c 9]]
    t::check "the guest counts a Marker Response and an unknown Marker TLV, and answers neither" {
        [bond::until {[val [set d [delta $st0 [bond::stats $g] $e1]] marker_unknown_rx] == 1} 2000]
        && [val $d marker_resp_rx] == 1 && [val $d marker_resp_tx] == 0
        && [llength $::markers] == 1
    } {$d}
    t::check "the bond is as it was" {[bond::until {[bond::all_up $g 63] && [bond::bond $g ports] == 2} 2000]}
}
