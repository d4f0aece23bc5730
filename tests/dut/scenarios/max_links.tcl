# SPDX-License-Identifier: GPL-3.0-or-later
# links: 3
# We offer three links but keep at most two active (-max-links 2; our
# System ID is the better one, so our port priorities decide, 802.1AX-2014
# 6.7.1). The DUT has no limit of its own: on link 3, where we are
# STANDBY and never in Sync, 6.4.15 has its Mux attach the link and
# advertise Sync there, but neither collect nor distribute, and the DUT
# must not use it. Then an active link goes: our standby one takes over
# and the DUT uses it; the link back waits as STANDBY (no preemption).
# Last, examples/max_links.tcl, as a user runs it.

if {![dut::can $d -rate fast]} {
    sc::note "the DUT cannot run fast ([dut::supports $d]): the takeover is timed at the fast rate, not run"
    return
}
dut::start $d
lacp::system create ours -priority 1 -max-links 2
dut::ports $d -system ours
foreach i {1 2 3} {p$i configure -port-priority [expr {100 + $i}]}
sc::check "p1 and p2 come up, p3 is STANDBY on our side, the DUT uses links 1 and 2" {
    [sc::ours_up 10000 {p1 p2}] && [dut::until {[dict get [p3 status] selected] eq "STANDBY"
                                                && [sc::dut_uses $d 0] && [sc::dut_uses $d 1]} 5000 50]
} {[p3 status] // [dut::view $d]}
# the DUT's aggregate wait and a periodic LACPDU on every link
dut::until 0 3000
set v [dut::view $d]
lassign [dut::members $d] m0 m1 m2
set x [dict get $v members $m2]
set s3 [p3 status]
sc::check "we advertise p3 without Sync, waiting" {
    ![sc::has [dict get $s3 actor state] S] && [dict get $s3 mux] eq "WAITING"
} {$s3}
sc::check "the DUT records our p3 as we advertise it, out of Sync ([dict get $x partner state])" {
    [dict get $x partner state] eq [dict get $s3 actor state]
} {$x}
if {[dict exists $x aggregator]} {
    sc::check "the DUT puts link 3 in the aggregator of links 1 and 2" {
        [llength [lsort -unique [lmap m [dut::members $d] {dict get $v members $m aggregator}]]] == 1
    } {$v}
} else {
    sc::check "the DUT attaches all three links: one partner, one key, no limit" {
        [dict get $v members $m0 attached] && [dict get $v members $m1 attached] && [dict get $x attached]
    } {$v}
}
sc::conforms "the DUT advertises link 3 as ATGS: attached, in Sync, neither collecting nor distributing ([dict get $x actor state])" \
    "802.1AX-2014 6.4.15" {[dict get $x actor state] eq "ATGS"} {ovs} {$x}
if {[sc::departs ovs]} {
    sc::check "the DUT advertises Sync, Collecting and Distributing on link 3 (ATGSCD)" {[dict get $x actor state] eq "ATGSCD"} {$x}
}
# not used: not selected, or (teamd) selected into the aggregator but
# neither collecting nor distributing
sc::check "the DUT does not use link 3, uses links 1 and 2" {
    ![sc::dut_uses $d 2] && [sc::dut_uses $d 0] && [sc::dut_uses $d 1]
} {$v}
sc::check "our p3 keeps waiting: STANDBY never attaches" {
    [dict get [p3 status] selected] eq "STANDBY" && [dict get [p3 status] mux] eq "WAITING"
}

# an active link leaves: the standby one takes over on both sides
set t0 [clock milliseconds]
p1 disable
sc::check "p3 takes over" {[sc::ours_up 6000 p3]} {[p3 status]}
set ok [dut::until {[sc::dut_uses $d 2]} 3000 50]
set took [expr {[clock milliseconds] - $t0}]
sc::check "the DUT uses link 3 ($took ms after p1 went: p3's aggregate wait ran out while STANDBY)" {
    $ok && $took < 4000
} {[dut::view $d]}
# p1 back: no preemption, it waits as STANDBY
p1 enable
sc::check "p1 back: STANDBY" {[dut::until {[dict get [p1 status] selected] eq "STANDBY"} 3000]} {[p1 status]}
dut::until 0 4000
set v [dut::view $d]
set x [dict get $v members $m0]
sc::check "the DUT does not use link 1, uses links 2 and 3" {
    ![sc::dut_uses $d 0] && [sc::dut_uses $d 1] && [sc::dut_uses $d 2]
} {$v}
sc::check "the DUT records our p1 out of Sync" {![sc::has [dict get $x partner state] S]} {$x}
sc::conforms "the DUT advertises link 1 as ATGS now ([dict get $x actor state])" \
    "802.1AX-2014 6.4.15" {[dict get $x actor state] eq "ATGS"} {ovs} {$x}
foreach p [lacp::port names] {$p destroy}
ours destroy

# the scenario script, as a user runs it
set r [sc::example $d max_links]
sc::verdict max_links $r "802.1AX-2014 6.4.15" {ovs} "STANDBY; the DUT keeps it out of the LAG"
set out [dict get $r out]
sc::check "examples/max_links.tcl: one standby link kept out, the takeover, the standby link staying up" {
    [regexp -line {^  ok: \S+ takes over within} $out] && [regexp -line {^  ok: \S+ stays up} $out]
    && ([sc::departs ovs] ? [llength [regexp -all -line -inline {^  NOT OK: } $out]] == 2
                          : [regexp -line {^PASS: the DUT kept 1 standby link\(s\) out} $out])
}
