# SPDX-License-Identifier: GPL-3.0-or-later
# Malformed LACPDUs on link 1, each carrying a bogus actor (system
# 02:ba:d0:00:00:01, a key of its own): 802.1AX-2014 6.4.2.3 fixes the
# subtype, TLV types and lengths of a LACPDU, and 802.3 Annex 57A.3 has a
# frame that breaks them discarded, so the DUT must not adopt the bogus
# actor, must keep its view of us and the LAG up, and counts the frame as
# bad where it counts such frames. Non-zero reserved octets are to be
# ignored: that LACPDU is taken. Each PDU leaves right after one of our
# periodic LACPDUs while our port ignores what it receives (drop-rx), so
# that a bogus actor the DUT takes stands until we send our own LACPDU.
# The Marker PDUs are the marker scenario's.

dut::start $d
dut::ports $d
sc::check "negotiated" {[sc::up $d 10000]}
lassign [dut::members $d] m0 m1
set ours [dict get [p1 status] actor]
set ::sc::lost 0
p1 on rx {apply {{p e} {
    if {[dict exists $e pdu actor state] && ![string match *SCD* [dict get $e pdu actor state]]} {incr ::sc::lost}
}}}
set ::sc::lab $d

# Sends on p1 one LACPDU for each {OPTIONS KEY} of SENDS, each with a bogus
# actor of key KEY, right after one of our periodic LACPDUs; -> the keys
# the DUT took (its view of our link 1 showed them within 1.2 s, or until
# its counters account for the rest as bad).
proc ::sc::taken {sends} {
    set d $::sc::lab
    p1 when {after 0} then drop-rx -once
    set n [dict get [p1 counters] lacpdus_tx]
    dut::until {[dict get [p1 counters] lacpdus_tx] > $n} 1500 2
    foreach {bad key} $sends {
        p1 send -actor [list system 02:ba:d0:00:00:01 key $key port 77] {*}$bad
    }
    set keys [dict values $sends]
    set seen {}
    # a DUT that counts what it rejects tells at once
    set m [lindex [dut::members $d] 0]
    set c0 [dut::counters $d]
    set counted [expr {$c0 ne {} && [dict exists $c0 $m bad_rx]}]
    set deadline [expr {[clock milliseconds] + 1200}]
    while {[clock milliseconds] < $deadline} {
        set k [dut::member $d 0 partner key]
        if {$k in $keys && $k ni $seen} {lappend seen $k}
        if {$counted && [llength $seen] + [dict get [dut::counters $d] $m bad_rx]
                        - [dict get $c0 $m bad_rx] >= [llength $keys]} break
        dut::until 0 20
    }
    p1 when {after 0} then accept-rx -once
    return $seen
}

# kind -> the peers known to take it (doc/interop.md). The bad subtypes
# go in one burst; each LACPDU alone (teamd took a cut LACPDU that came
# just before the bad subtypes, and discards it when it comes alone).
set kinds {
    {-truncate 60}      {dpdk}
    {-subtype 0}        {}
    {-subtype 3}        {}
    {-subtype 11}       {}
    {-actor-type 9}     {bonding teamd dpdk}
    {-partner-type 9}   {bonding teamd dpdk}
    {-actor-length 19}  {bonding dpdk}
    {-partner-length 16} {bonding dpdk}
    {-collector-length 99} {ovs bonding dpdk}
}
set key 900
set burst {}
set single {}
foreach {bad takers} $kinds {
    dict set [expr {[lindex $bad 0] eq "-subtype" ? "burst" : "single"}] $bad [incr key]
}
set rejected 0
set c0 [dut::counters $d]
set bursts [list $burst]
foreach {bad key} $single {lappend bursts [list $bad $key]}
foreach sends $bursts {
    if {$sends eq {}} continue
    set took [sc::taken $sends]
    foreach {bad key} $sends {
        sc::conforms "a LACPDU with $bad is discarded: the DUT does not adopt its actor" \
            "802.1AX-2014 6.4.2.3, 802.3 57A.3" {$key ni $took} [dict get $kinds $bad] {$took}
        if {$key ni $took} {incr rejected}
    }
    if {$took ne {}} {
        # our own LACPDU puts it right
        p1 send
        sc::check "... taken ([dict keys $sends]): our next LACPDU puts us back as the DUT's partner" {
            [dut::until {[dut::member $d 0 partner key] == [dict get $ours key]} 6000 50]
        } {[dut::member $d 0]}
    }
}
set c1 [dut::counters $d]
if {$c0 ne {} && [dict exists $c0 $m0 bad_rx]} {
    set bad [expr {[dict get $c1 $m0 bad_rx] - [dict get $c0 $m0 bad_rx]}]
    sc::check "the DUT counts as bad each of the $rejected PDUs it discarded ($bad)" {$bad == $rejected} {$c0 // $c1}
    sc::check "only link 1 counted them" {[dict get $c1 $m1 bad_rx] == [dict get $c0 $m1 bad_rx]} {$c1}
}
if {$c0 ne {} && [dict exists $c0 $m0 illegal_rx]} {
    sc::check "the DUT counts the short PDU as illegal and the three bad subtypes as unknown" {
        [dict get $c1 $m0 illegal_rx] - [dict get $c0 $m0 illegal_rx] == 1
        && [dict get $c1 $m0 unknown_rx] - [dict get $c0 $m0 unknown_rx] == 3
    } {$c0 // $c1}
}

# taken, as they should be: non-zero reserved octets
incr key
sc::check "a LACPDU with non-zero reserved octets is taken (its reserved octets ignored)" {
    [sc::taken [list {-reserved 0xaa} $key]] eq $key
} {[dut::member $d 0]}
p1 send
set c2 [dut::counters $d]
if {$c0 ne {} && [dict exists $c0 $m0 bad_rx]} {
    sc::check "... and not counted as bad" {[dict get $c2 $m0 bad_rx] == [dict get $c1 $m0 bad_rx]} {$c1 // $c2}
}

# two of the DUT's periodic LACPDUs later the LAG is as it was (counted
# from when it uses the link again after the last PDU it took)
sc::check "the DUT uses link 1 again" {[dut::until {[sc::dut_uses $d 0]} 6000 50]} {[dut::member $d 0]}
p1 wait {partner has SCD} -timeout 3000
set ::sc::lost 0
dut::until 0 2200
sc::check "the DUT keeps us as its partner on link 1: our system, key and port" {
    [dut::until {[string equal -nocase [dut::member $d 0 partner system] [dict get $ours system]]
                 && [dut::member $d 0 partner key] == [dict get $ours key]
                 && [dut::member $d 0 partner port] == [dict get $ours port]} 3000 50]
} {[dut::member $d 0]}
sc::check "the DUT uses both links" {[dut::until {[sc::dut_uses $d]} 3000 50]} {[dut::view $d]}
sc::check "its LACPDUs kept Sync, Collecting and Distributing meanwhile" {$::sc::lost == 0}
sc::check "our ports stayed collecting and distributing" {
    [dict get [p1 status] mux] eq "COLLECTING_DISTRIBUTING" && [dict get [p2 status] mux] eq "COLLECTING_DISTRIBUTING"
}
if {$peer eq "ovs"} {
    sc::check "the DUT logged the unparsable PDUs" {
        [string match "*received an unparsable LACP PDU*" [ovs::log [dut::Get $d h] 200]]
    }
}
