# SPDX-License-Identifier: GPL-3.0-or-later
# We pin our advertised state to ATG on link 1 (`force actor`: out of
# Sync), then release it. The DUT must stop using the link as soon as our
# LACPDU says we are out of Sync, record our state, and withdraw
# Collecting and Distributing in its own LACPDUs (its Mux machine goes back
# to ATTACHED, 802.1AX 6.4.15); the other link carries on. On release the
# link comes back.

dut::start $d
dut::ports $d
sc::check "negotiated" {[sc::up $d 10000]}
set ::sc::left {}
p1 on tx {apply {{p e} {
    if {![dict exists $e pdu actor state]} return
    set s [expr {[string match *S* [dict get $e pdu actor state]] ? "sync" : "nosync"}]
    if {![dict exists $::sc::left $s]} {dict set ::sc::left $s [dict get $e time]}
}}}
p1 when {after 0} then {force actor ATG} -once
sc::check "our LACPDU without Sync leaves" {[dut::until {[dict exists $::sc::left nosync]} 1500 5]}
set ok [dut::until {![sc::dut_uses $d 0]} 3000 20]
set took [expr {round([lacp::clock now] - [dict get $::sc::left nosync])}]
sc::check "the DUT stops using link 1 ($took ms after our LACPDU)" {$ok && $took < 1500} {[dut::member $d 0]}
set ok [dut::until {![sc::has [dut::member $d 0 partner state] S]} 2000 50]
sc::conforms "the DUT records our state without Sync" "802.1AX 6.4.9" {$ok} {dpdk} {[dut::member $d 0]}
set ok [p1 wait {partner lacks C and partner lacks D} -timeout 2500]
sc::conforms "its LACPDUs withdraw Collecting and Distributing on link 1 ([dict get [p1 status] partner state])" \
    "802.1AX 6.4.15" {$ok} {ovs dpdk}
# the DUT's LACPDUs on link 1 while our Sync stays off: one state, held
set ::sc::states {}
p1 on rx {apply {{p e} {if {[dict exists $e pdu actor state]} {lappend ::sc::states [dict get $e pdu actor state]}}}}
dut::until {[llength $::sc::states] >= 2} 3500
sc::check "the DUT holds its state on link 1 over its periodic LACPDUs ($::sc::states)" {
    [llength $::sc::states] >= 2 && [llength [lsort -unique $::sc::states]] == 1
}
p1 on rx {}
sc::check "our status shows the pin, our machines go on" {
    [dict get [p1 status] forced] ne {} && [dict get [p1 status] mux] eq "COLLECTING_DISTRIBUTING"
} {[p1 status]}
sc::check "link 2 carries on" {
    [sc::dut_uses $d 1] && [dict get [p2 status] mux] eq "COLLECTING_DISTRIBUTING"
} {[dut::member $d 1]}
set ::sc::left {}
p1 when {after 0} then release -once
sc::check "our LACPDU with Sync leaves" {[dut::until {[dict exists $::sc::left sync]} 1500 5]}
set ok [dut::until {[sc::has [dut::member $d 0 partner state] S]} 2000 20]
set took [expr {round([lacp::clock now] - [dict get $::sc::left sync])}]
sc::check "on release the DUT records our Sync again ($took ms after our LACPDU)" {$ok && $took < 1000} {[dut::member $d 0]}
set ok [dut::until {[sc::dut_uses $d 0]} 4000 20]
set took [expr {round([lacp::clock now] - [dict get $::sc::left sync])}]
sc::check "the DUT uses link 1 again ($took ms after our LACPDU)" {$ok && $took < 3000} {[dut::member $d 0]}
sc::check "both sides collect and distribute on link 1" {[sc::ours_up 3000 p1]}
sc::check "its LACPDUs say Sync, Collecting, Distributing again, and the pin is gone" {
    [sc::has [dict get [p1 status] partner state] SCD] && [dict get [p1 status] forced] eq {}
} {[p1 status]}
