# SPDX-License-Identifier: GPL-3.0-or-later
# An individual link. The first link advertises Aggregation = 0
# (Individual); the others are aggregatable. The DUT must record us as
# individual on that link (its partner state without G), keep the
# aggregatable links up, and must not hold the individual link in the LAG
# of the others: it may bring it up on its own (-expect up) or leave it
# out (-expect down); the wire cannot tell which aggregator it used, so by
# default (-expect any) only what it says is reported.
#
#   lacpsh examples/individual.tcl eth1 eth2
#   lacpsh examples/individual.tcl -sim standard     # against lacp itself, no root
source [file join [file dirname [info script]] lib.tcl]
ex::setup individual "the DUT treats a link that says Individual as individual" 1 {
    -expect  {any "what the DUT should do with the individual link: up, down or any"}
    -observe {3000 "how long to watch after negotiation, ms"}
} {
    aggregates {help "a DUT that records an Individual partner as aggregatable (negative control)"
                script {foreach d $::ex::duts {$d when received then {set-state partner +G}}}}
}

ex::main {
    if {[ex::opt -expect] ni {up down any}} {ex::usage stderr 2 "-expect must be up, down or any"}
    set ports [ex::ports]
    p1 configure -aggregation 0
    set agg [lrange $ports 1 end]
    ex::say "[ex::ifname p1] is individual[expr {[llength $agg] ? ", [join [lmap p $agg {ex::ifname $p}] {, }] aggregatable" : ""}]"
    set echoed {[set l [ex::last p1]] ne {} && ![ex::has [dict get $l partner state] G] && [dict get $l partner system] ne "00:00:00:00:00:00"}
    set ok [ex::until $echoed [ex::opt -timeout]]
    set took [ex::negotiate $agg [ex::opt -timeout]]
    ex::watch [ex::opt -observe]
    foreach p $ports {ex::report $p}
    ex::expect $ok "the DUT records [ex::ifname p1] as individual (its partner state lacks G)"
    if {[llength $agg]} {
        ex::expect {$took >= 0 && [lsearch [lmap p $agg {ex::up $p}] 0] < 0} "the aggregatable links are up"
        ex::expect {[lsearch -exact [lmap p $agg {dict get [$p status] aggregator}] [dict get [p1 status] aggregator]] < 0} \
            "our side keeps [ex::ifname p1] out of the others' aggregator"
    }
    set l [ex::last p1]
    set indUp [expr {$l ne {} && [ex::has [dict get $l actor state] SCD]}]
    ex::say "the DUT [expr {$indUp ? {brought the individual link up (Sync, Collecting, Distributing)} : {left the individual link out}}]"
    switch -- [ex::opt -expect] {
        up {ex::expect $indUp "the individual link is up on its own"}
        down {ex::expect {!$indUp} "the individual link is left out"}
    }
    ex::verdict "the DUT recognised the individual link and [expr {$indUp ? {brought it up} : {left it out}}]"
}
