# SPDX-License-Identifier: GPL-3.0-or-later
# LACP fallback, as switches ship it (vendor behaviour, not 802.1AX): we are
# the switch. At first we do not hear the DUT (drop-rx), as a switch does
# not hear a host that PXE-boots before its LACP runs; after
# -fallback-timeout ms of silence our ports come up on their own
# (-fallback individual) or as a static aggregate (static), advertising
# Sync, Collecting, Distributing and Defaulted, with a partner that is not
# the DUT. A DUT that follows 802.1AX does not take a partner that does not
# echo it for in sync (6.4.9 recordPDU), so it must not collect or
# distribute on those links: the first LACPDU we hear from it afterwards
# shows what it did meanwhile. That LACPDU ends our fallback, and every
# link must come up within -recover ms.
#
#   lacpsh examples/fallback.tcl eth1 eth2
#   lacpsh examples/fallback.tcl -sim standard     # against lacp itself, no root
source [file join [file dirname [info script]] lib.tcl]
ex::setup fallback "the DUT survives a partner in LACP fallback and aggregates once it is heard" 1 {
    -fallback         {individual "what our ports fall back to: individual or static"}
    -fallback-timeout {5000 "our silence before fallback, ms"}
    -observe          {3000 "how long to watch the DUT while we are in fallback, ms"}
    -recover          {8000 "bound on every link up once we hear the DUT again, ms"}
} {
    collects {help "a DUT that collects and distributes towards a partner that does not echo it (negative control)"
              script {foreach d $::ex::duts {$d when {mux is ATTACHED} then {force actor +CD}}}}
}

ex::main {
    if {[ex::opt -fallback] ni {individual static}} {
        ex::usage stderr 2 "-fallback must be individual or static"
    }
    set ports [ex::ports -fallback [ex::opt -fallback] \
                   -fallback-timeout [ex::opt -fallback-timeout]]
    foreach p $ports {$p when {after 0} then drop-rx -once}
    set t0 [ex::now]
    set in [join [lmap p $ports {string cat "\[dict get \[$p status\] fallback\] && \[dict get \[$p status\] mux\] eq {COLLECTING_DISTRIBUTING}"}] " && "]
    set ok [ex::until $in [expr {[ex::opt -fallback-timeout] + [ex::opt -timeout]}]]
    set took [ex::ms [expr {[ex::now] - $t0}]]
    ex::watch [ex::opt -observe]
    ex::expect {$ok} "our links fall back ([ex::opt -fallback]) and come up on their own ($took ms)"
    ex::say "we hear the DUT again"
    set heard {}
    foreach p $ports {dict set heard $p [llength [dict get $::ex::rx $p]]}
    set t0 [ex::now]
    foreach p $ports {$p when {after 0} then accept-rx -once}
    set took [ex::negotiate $ports [ex::opt -recover]]
    foreach p $ports {
        set first [lindex [dict get $::ex::rx $p] [dict get $heard $p] 1]
        if {$first ne {}} {
            ex::say "[ex::ifname $p]: the DUT's first LACPDU: [ex::info [dict get $first actor]]; it saw us as [ex::info [dict get $first partner]]"
        }
        ex::expect {$first ne {} && ![ex::has [dict get $first actor state] C]
                    && ![ex::has [dict get $first actor state] D]} \
            "[ex::ifname $p]: the DUT did not collect or distribute towards our fallback"
    }
    foreach p $ports {ex::report $p}
    ex::expect {$took >= 0} "every link up within [ex::opt -recover] ms of hearing the DUT ($took ms)"
    ex::expect {[lsearch [lmap p $ports {dict get [$p status] fallback}] 1] < 0} "our fallback is over on every link"
    ex::verdict "the DUT ignored our fallback and aggregated $took ms after we heard it"
}
