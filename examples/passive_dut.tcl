# SPDX-License-Identifier: GPL-3.0-or-later
# A DUT configured passive. First our ports are passive too: nobody may
# speak, so the DUT must stay silent (a DUT still timing out a previous
# partner may talk for a while: it gets -settle ms to fall silent for
# -silence ms). Then our ports turn active: the DUT must answer, advertise
# itself passive (no Activity bit) and bring every link up.
#
#   lacpsh examples/passive_dut.tcl eth1 eth2
#   lacpsh examples/passive_dut.tcl -sim standard     # against lacp itself, no root
source [file join [file dirname [info script]] lib.tcl]
ex::setup passive_dut "a passive DUT stays silent until spoken to, then negotiates" 1 {
    -silence {3000 "how long the DUT must stay silent against our passive ports, ms"}
    -settle  {15000 "how long it may take to fall silent, ms"}
} {
    standard {help "a passive DUT of lacp ports that follows 802.1AX" port {-mode passive}}
    active   {help "an active DUT: it talks to a passive partner (negative control)"}
}

ex::main {
    set ports [ex::ports -mode passive]
    set t0 [ex::now]
    proc lastHeard {} {
        set t $::t0
        foreach p $::ports {
            set r [lindex [ex::received $p] end 0]
            if {$r ne {} && $r > $t} {set t $r}
        }
        return $t
    }
    set quiet [ex::until {[ex::now] - [lastHeard] >= [ex::opt -silence]} [ex::opt -settle]]
    set heard [lmap p $ports {llength [ex::received $p]}]
    ex::say "both sides passive: in [ex::ms [expr {[ex::now] - $t0}]] ms the DUT sent [join [lmap p $ports n $heard {string cat $n " LACPDUs on " [ex::ifname $p]}] {, }]"
    foreach p $ports {
        set l [ex::last $p]
        if {$l ne {}} {ex::say "[ex::ifname $p]: last DUT LACPDU [ex::info [dict get $l actor]]"}
    }
    if {!$quiet} {
        ex::finish FAIL "the DUT kept sending LACPDUs to a passive partner for [ex::opt -settle] ms: it is not passive"
    }
    if {[lsearch -not -exact $heard 0] >= 0} {
        ex::say "the DUT fell silent [ex::ms [expr {[lastHeard] - $t0}]] ms into the run (a previous partner timing out)"
    }
    ex::expect 1 "the DUT stayed silent for [ex::opt -silence] ms towards our passive ports"
    ex::expect {[llength [concat {*}[lmap p $ports {ex::sent $p}]]] == 0} "we were silent too"
    foreach p $ports {$p configure -mode active}
    ex::say "our ports turn active"
    set took [ex::bringup]
    foreach p $ports {
        set st [dict get [ex::last $p] actor state]
        ex::expect {![ex::has $st A]} "[ex::ifname $p]: the DUT advertises passive ($st)"
    }
    ex::verdict "the DUT stayed silent, then answered and negotiated in $took ms"
}
