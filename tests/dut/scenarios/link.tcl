# SPDX-License-Identifier: GPL-3.0-or-later
# The cable of link 1 is pulled (dut::set_link: nothing passes either
# way). The DUT must stop using the link - at once when it sees the
# carrier go, else when it times us out - while link 2 stays in use; with
# the cable back, both sides negotiate the link again.

dut::start $d
dut::ports $d
set ::sc::lastrx 0
p1 on rx {apply {{p e} {if {[dict exists $e pdu actor]} {set ::sc::lastrx [dict get $e time]}}}}
sc::check "negotiated" {[sc::up $d 10000]}
set t0 [clock milliseconds]
dut::set_link $d 0 down
set ok [dut::until {![sc::dut_uses $d 0]} 5000 20]
set took [expr {[clock milliseconds] - $t0}]
set x [dut::member $d 0]
if {!$ok && [dict get $x up] && ![sc::has [dict get $x actor state] T]} {
    # DPDK over af_packet: no carrier events, and a long Timeout of its own
    sc::note "the DUT does not see the carrier go and would time us out only after 90 s (its Timeout is long): not waited for"
    sc::check "our side: link 1 is down" {[dict get [p1 status] link] eq "down" || [dict get [p1 status] rx] ne "CURRENT"} {[p1 status]}
} else {
    sc::check "the DUT stops using link 1 ($took ms; it sees the carrier [expr {[dict get $x up] ? {up} : {down}}])" {$ok} {$x}
}
# our side: its carrier goes with the cable (veth), or it keeps it (the
# guest's tap) and times the DUT out 3 s after its last LACPDU
set ok [p1 wait {rx is PORT_DISABLED or rx is EXPIRED} -timeout 4500]
set rx [dict get [p1 status] rx]
if {$rx eq "EXPIRED"} {
    set exp [expr {round([lacp::clock now] - $::sc::lastrx)}]
    sc::check "our port expires 3 s after the DUT's last LACPDU ($exp ms)" {$exp >= 2950 && $exp <= 3300}
} else {
    sc::check "our port is disabled: its carrier went ($rx)" {$ok}
}
dut::until 0 500
sc::check "link 2 stays in use on both sides" {
    [sc::dut_uses $d 1] && [dict get [p2 status] mux] eq "COLLECTING_DISTRIBUTING"
} {[dut::member $d 1]}
set t0 [clock milliseconds]
dut::set_link $d 0 up
set ok [sc::up $d 10000]
sc::check "the cable back: link 1 negotiated again ([expr {[clock milliseconds] - $t0}] ms)" {$ok} {[dut::member $d 0]}

# ---- our end of link 1 goes down (netlink): on a veth the DUT's carrier
# goes too; on the guest's tap it does not, and the DUT must time us out
if {![dut::can $d -rate fast]} {
    sc::note "our end down: the DUT's own Timeout is long, it would take 90 s: not waited for"
    return
}
set t0 [clock milliseconds]
p1 link down
sc::check "our end down: our port is disabled" {[p1 wait {rx is PORT_DISABLED} -timeout 1000]}
set ok [dut::until {![sc::dut_uses $d 0]} 4500 20]
set took [expr {[clock milliseconds] - $t0}]
sc::check "our end down: the DUT stops using link 1 within 4 s ($took ms)" {$ok} {[dut::member $d 0]}
set t0 [clock milliseconds]
p1 link up
set ok [sc::up $d 10000]
sc::check "our end up: link 1 negotiated again ([expr {[clock milliseconds] - $t0}] ms)" {$ok} {[dut::member $d 0]}
