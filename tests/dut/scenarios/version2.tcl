# SPDX-License-Identifier: GPL-3.0-or-later
# What the DUT does with LACPDUs of a later version. 802.1AX-2014 6.4.2.3
# has a receiver take a LACPDU whose version is above its own and read
# the fields it knows; 6.4.2.4 extends version 2 LACPDUs with further TLVs
# (Port Algorithm, type 4; Port Conversation ID Digest, type 5) between
# the Collector Information and the Terminator, so the Terminator is no
# longer at a fixed offset.
#
# The evidence is the DUT's own record of our state: with our port
# disabled (its machines send nothing; `send` still works), we send
# LACPDUs carrying the actor and partner information of the negotiated
# link. One that clears our Timeout bit shows whether the DUT takes it: we see
# whether the DUT's view of us loses it, then one that sets it again. A
# version 1 LACPDU does it first (the control: it shows the method works),
# then a version 2 LACPDU of version 1's layout, then a version 2 LACPDU
# with version 2's TLVs.

dut::start $d
dut::ports $d
sc::check "negotiated" {[sc::up $d 10000]}
set s1 [p1 status]
set st [dict get $s1 actor state]
set slow [string map {T {}} $st]
set ::sc::partner [dict get $s1 partner]
set ::sc::actor [dict get $s1 actor]
p1 disable

# Sends a LACPDU with state STATE and OPTIONS; -> whether the DUT's view
# of our state on link 1 became STATE within 1.5 s.
proc ::sc::adopted {state args} {
    p1 send -actor [dict replace $::sc::actor state $state] -partner $::sc::partner {*}$args
    dut::until {[dut::member $::sc::lab 0 partner state] eq $state} 1500 30
}
set ::sc::lab $d

sc::check "version 1 (the control): the DUT takes our state $slow" {[sc::adopted $slow]} {[dut::member $d 0]}
sc::check "version 1: and $st again" {[sc::adopted $st]} {[dut::member $d 0]}
set v2plain [sc::adopted $slow -version 2]
sc::conforms "a version 2 LACPDU of version 1's layout is taken" "802.1AX-2014 6.4.2.3" {$v2plain} {} {[dut::member $d 0]}
if {$v2plain} {sc::adopted $st}
set tlvs {{type 4 length 6 value 0080c201}
          {type 5 length 20 value 0001000102030405060708090a0b0c0d0e0f}}
set v2tlvs [sc::adopted $slow -version 2 -tlvs $tlvs]
sc::conforms "a version 2 LACPDU with version 2's TLVs is taken" "802.1AX-2014 6.4.2.3, 6.4.2.4" {$v2tlvs} {teamd} {[dut::member $d 0]}
sc::note "version 2 LACPDUs: [expr {$v2plain ? {taken} : {dropped}}] with version 1's layout, [expr {$v2tlvs ? {taken} : {dropped}}] with version 2's TLVs"
sc::check "version 1 again: the DUT takes our state $st" {[sc::adopted $st]} {[dut::member $d 0]}
p1 enable
sc::check "enabled again: link 1 up" {[sc::up $d 6000]}
