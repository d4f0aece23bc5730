# SPDX-License-Identifier: GPL-3.0-or-later
# DUT timeout detection. Once the LAG is up, the first link stops talking
# (stop-tx: our port goes on receiving). The DUT must notice when its
# timer runs out - 3 s after our last LACPDU for a short timeout, 90 s for
# a long one, read from the DUT's own Timeout bit unless -dut-timeout says
# otherwise - and show it: its next LACPDU on that link sets Expired or
# withdraws Collecting/Distributing. Later it should take the link out of
# the LAG (Defaulted, or Sync withdrawn). The other links must stay up.
# Then the link talks again and must recover.
#
#   lacpsh examples/dut_timeout.tcl eth1 eth2
#   lacpsh examples/dut_timeout.tcl -sim standard     # against lacp itself, no root
source [file join [file dirname [info script]] lib.tcl]
ex::setup dut_timeout "the DUT expires a silent partner after its timeout, and only that link" 1 {
    -dut-timeout {{} "the DUT's timeout, ms [default: from its Timeout bit, 3000 or 90000]"}
    -early       {5 "how much earlier than the timeout the DUT may react, percent"}
    -late        {1200 "how much later it may show it, ms (its next LACPDU, at most a fast period away)"}
} {
    late {help "a DUT that expires its partner after 6 s instead of 3 s (negative control)"
          port {-short-timeout 6000}}
}

ex::main {
    set ports [ex::ports]
    ex::bringup
    set st [dict get [ex::last p1] actor state]
    set timeout [ex::opt -dut-timeout]
    if {$timeout eq {}} {set timeout [expr {[ex::has $st T] ? 3000 : 90000}]}
    ex::say "the DUT's state on [ex::ifname p1] is $st: expecting it to time out after $timeout ms"
    set ::expired {}
    set ::removed {}
    ex::hook {apply {{p t pdu} {
        if {$p ne "p1" || [dict get $pdu class] ne "lacpdu"} return
        set st [dict get $pdu actor state]
        if {$::expired eq {} && ([ex::has $st E] || ![ex::has $st CD])} {set ::expired [list $t $st]}
        if {$::removed eq {} && ([ex::has $st F] || ![ex::has $st S])} {set ::removed [list $t $st]}
    }}}
    ex::now_do p1 stop-tx
    ex::until {[dict get [p1 status] tx] eq "stopped"} 1000
    set last [lindex [ex::sent p1] end]
    ex::say "[ex::ifname p1] falls silent; our last LACPDU left [ex::ms [expr {[ex::now] - $last}]] ms ago"
    set others [lrange $ports 1 end]
    set otherDown {}
    set bound [expr {$timeout + [ex::opt -late]}]
    set cond {$::expired ne {} && $::removed ne {}}
    if {[llength $others]} {append cond " || !([join [lmap p $others {string cat {[ex::up } $p {]}}] { && }])"}
    ex::until $cond [expr {2 * $timeout + [ex::opt -late] + 500}]
    foreach p $others {
        if {![ex::up $p]} {lappend otherDown [ex::ifname $p]}
    }
    if {$::expired eq {}} {
        ex::expect 0 "the DUT showed no expiry on [ex::ifname p1] within [ex::ms [expr {[ex::now] - $last}]] ms"
    } else {
        lassign $::expired t st
        set after [ex::ms [expr {$t - $last}]]
        set lo [expr {$timeout * (100 - [ex::opt -early]) / 100.0}]
        ex::say "[ex::ifname p1]: the DUT's first LACPDU showing the expiry came $after ms after our last one (state $st)"
        ex::expect {$after >= $lo && $after <= $bound} "the DUT timed out in $after ms (expected $timeout, window [ex::ms $lo]..$bound)"
    }
    # The same, as the port measures it (expiry seen from the partner:
    # its first LACPDU showing our information gone or itself Expired).
    set e [dict get [p1 measure] expiry]
    if {[dict get $e count] > 0} {
        ex::say "[ex::ifname p1]: measured expiry: [dict get $e last] ms from our last LACPDU to the DUT's first showing us expired"
    }
    if {$::removed ne {}} {
        lassign $::removed t st
        ex::say "[ex::ifname p1]: the DUT took the link out of the LAG [ex::ms [expr {$t - $last}]] ms after our last LACPDU (state $st)"
    } else {
        ex::say "[ex::ifname p1]: the DUT kept the link in Sync and not Defaulted throughout"
    }
    ex::expect {[llength $otherDown] == 0} "the other links stayed up[expr {[llength $otherDown] ? " (down: $otherDown)" : ""}]"
    set t0 [ex::now]
    ex::now_do p1 start-tx
    set took [ex::negotiate p1 [ex::opt -timeout]]
    ex::expect {$took >= 0} "[ex::ifname p1] recovers once it talks again[expr {$took >= 0 ? " ($took ms)" : ""}]"
    foreach p $ports {ex::report $p}
    ex::verdict "the DUT expired the silent link after [expr {$::expired eq {} ? "-" : [ex::ms [expr {[lindex $::expired 0] - $last}]]}] ms (timeout $timeout ms) and recovered in $took ms"
}
