# SPDX-License-Identifier: GPL-3.0-or-later
# Our two links carry different keys (1 and 2): they cannot be in one
# aggregator (802.1AX 6.4.14.1), so the DUT, whose bond is one LAG, uses
# at most one of them. Once the keys agree, both aggregate.

dut::start $d
set e [lindex [dut::ours $d] 0]
lacp::port create p1 -interface [dict get $e interface] -netns [dict get $e netns] -key 1
set e [lindex [dut::ours $d] 1]
lacp::port create p2 -interface [dict get $e interface] -netns [dict get $e netns] -key 2
sc::check "one link negotiates" {
    [dut::until {[dict get [p1 status] mux] eq "COLLECTING_DISTRIBUTING"
                 || [dict get [p2 status] mux] eq "COLLECTING_DISTRIBUTING"} 10000]
}
# a full periodic of the DUT on the other link
dut::until 0 1500
set v [dut::view $d]
set used [lmap m [dut::members $d] {dict get $v members $m selected}]
set aggs [lmap m [dut::members $d] {expr {[dict exists $v members $m aggregator] ? [dict get $v members $m aggregator] : "?"}}]
sc::conforms "the DUT does not put the two links in one aggregator (aggregators $aggs, used $used)" \
    "802.1AX 6.4.14.1" {[lsort $used] eq {0 1} || [lindex $aggs 0] ne [lindex $aggs 1]} {dpdk} {$v}
sc::conforms "the DUT, one LAG, uses one link only ($used)" "802.1AX 6.4.14.1, 6.4.15" {[lsort $used] eq {0 1}} {dpdk} {$v}
if {[lsort $used] eq {0 1}} {
    set u [lsearch $used 0]
    set pu p[expr {$u + 1}]
    set pg p[expr {2 - $u}]
    set x [dict get $v members [lindex [dut::members $d] $u]]
    sc::check "the DUT's LACPDUs keep the link it does not use out of Collecting and Distributing" {
        ![sc::has [dict get $x actor state] C] && ![sc::has [dict get $x actor state] D]
        && ![sc::has [dict get [$pu status] partner state] C]
    } {$x // [$pu status]}
    sc::check "our $pu waits, not collecting; $pg collects and distributes" {
        [dict get [$pu status] mux] ne "COLLECTING_DISTRIBUTING"
        && [dict get [$pg status] mux] eq "COLLECTING_DISTRIBUTING"
    } {[$pu status] // [$pg status]}
}
sc::check "the DUT records the two keys" {
    [dut::member $d 0 partner key] == 1 && [dut::member $d 1 partner key] == 2
}
sc::check "each key has its own aggregator on our side" {
    [dict get [p1 status] aggregator] != [dict get [p2 status] aggregator]
}
p2 configure -key 1
set t0 [clock milliseconds]
set ok [sc::up $d 8000]
sc::check "with equal keys both links aggregate ([expr {[clock milliseconds] - $t0}] ms)" {$ok} {[dut::view $d]}
sc::check "one aggregator on our side" {[dict get [p1 status] aggregator] == [dict get [p2 status] aggregator]}
