# SPDX-License-Identifier: GPL-3.0-or-later
# Our port on link 1 stops sending (stop-tx; it keeps receiving). A DUT
# whose own Timeout is short (fast) must time us out 3 s after our last
# LACPDU: current_while runs on the actor's own LACP_Timeout (802.1AX
# 6.4.12, Short_Timeout_Time 6.4.4). It must then stop using the link and
# say Expired in its LACPDUs; the other link stays in use. When we talk
# again the link comes back. A DUT that can only run slow would take 90 s:
# the scenario says so and does not wait.

if {![dut::can $d -rate fast]} {
    sc::note "the DUT's own Timeout is long (it cannot run fast): it would time us out after 90 s, not waited for"
    return
}
dut::start $d -rate fast
dut::ports $d
set ::sc::last 0
p1 on tx {apply {{p e} {set ::sc::last [dict get $e time]}}}
sc::check "negotiated" {[sc::up $d 10000]}
set c0 [dut::counters $d]
p1 when {after 0} then stop-tx -once
sc::check "stop-tx: our port says so" {[dut::until {[dict get [p1 status] tx] eq "stopped"} 1000]}
set last $::sc::last
set ok [dut::until {![sc::dut_uses $d 0]} 5000 20]
set exp [expr {round([lacp::clock now] - $last)}]
sc::check "the DUT stops using link 1" {$ok} {[dut::member $d 0]}
# the guest's reports come every 100 ms and teamdctl's answers take longer
# under emulation: the DUT's view may lag its expiry by up to 0.5 s
sc::conforms "3 s after our last LACPDU ($exp ms)" "802.1AX 6.4.4" {$exp >= 2900 && $exp <= 3700}
set ok [p1 wait {partner has E} -timeout 1500]
sc::conforms "its LACPDUs say Expired ([dict get [p1 status] partner state])" "802.1AX 6.4.12" {$ok}
dut::until 0 500
sc::check "the DUT no longer counts us in Sync" {
    ![sc::has [dut::member $d 0 partner state] S]
} {[dut::member $d 0]}
sc::check "link 2 stays in use on both sides" {
    [sc::dut_uses $d 1] && [dict get [p2 status] mux] eq "COLLECTING_DISTRIBUTING"
} {[dut::member $d 1]}
# Defaulting (6.4.12): a second current_while (short) after the expiry
set ok [dut::until {[sc::has [dut::member $d 0 actor state] F]} 5000 20]
set def [expr {round([lacp::clock now] - $last)}]
sc::conforms "the DUT defaults link 1 3 s after expiring it ($def ms after our last LACPDU)" \
    "802.1AX 6.4.12" {$ok && $def >= 5800 && $def <= 7000} {} {[dut::member $d 0]}
sc::check "defaulted: Expired cleared" {![sc::has [dut::member $d 0 actor state] E]} {[dut::member $d 0]}
sc::note "defaulted: its partner record [dut::member $d 0 partner]"
# The DUT may say so in a LACPDU, or stay silent at its slow rate (bonding):
# either way our port must learn it, at the latest by timing the DUT out.
set ok [p1 wait {(partner has F and partner lacks S) or rx is EXPIRED or rx is DEFAULTED} -timeout 4000]
set how [expr {[sc::has [dict get [p1 status] partner state] F] ? "a LACPDU with Defaulted" : "our own expiry, the DUT being silent"}]
sc::check "we learn that link 1 is out of the DUT's aggregate ($how)" {$ok} {[p1 status]}
if {$c0 ne {}} {
    set c1 [dut::counters $d]
    set m [lindex [dut::members $d] 0]
    sc::check "the DUT's counters: nothing received from us on link 1 meanwhile, LACPDUs sent" {
        [dict get $c1 $m lacpdus_rx] == [dict get $c0 $m lacpdus_rx]
        && [dict get $c1 $m lacpdus_tx] >= [dict get $c0 $m lacpdus_tx] + 3
    } {$c0 // $c1}
}
set t0 [clock milliseconds]
p1 when {after 0} then start-tx -once
set ok [expr {[sc::ours_up 6000 p1] && [dut::until {[sc::dut_uses $d 0]} 4000 50]}]
set took [expr {[clock milliseconds] - $t0}]
sc::check "start-tx: link 1 comes back within 3.5 s ($took ms)" {$ok && $took < 3500}
