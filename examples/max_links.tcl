# SPDX-License-Identifier: GPL-3.0-or-later
# More links than we aggregate. Our system offers every link but keeps at
# most -max-links of them active (802.1AX-2014 6.7.1); the others are
# STANDBY: we advertise them without Synchronization. Our System ID is the
# better one (-system-priority, default 1), so our port priorities decide
# which links are active, and a DUT that follows the standard must keep
# the standby links out of its aggregate (no Collecting or Distributing on
# them: its Mux needs our Sync, 6.4.15) while the active ones are up. Then
# the first active link is disabled on our side: our best standby link
# takes its place and the DUT must bring it up within -takeover ms. When
# the disabled link comes back it waits as STANDBY (no preemption) and the
# DUT must leave the LAG as it is.
#
#   lacpsh examples/max_links.tcl eth1 eth2 eth3
#   lacpsh examples/max_links.tcl -sim standard     # against lacp itself, no root
source [file join [file dirname [info script]] lib.tcl]
ex::setup max_links "the DUT keeps our standby links out of the LAG and takes over when an active one leaves" 2 {
    -max-links       {{} "links we keep active [default: one fewer than the interfaces]"}
    -system-priority {1 "our system priority; lower than the DUT's makes our choice count"}
    -takeover        {6000 "bound on a standby link coming up once an active one is gone, ms"}
    -observe         {3000 "how long to watch the DUT with links on standby, ms"}
} {
    ignore-standby {help "a DUT that collects and distributes on every attached link, a STANDBY partner's too (negative control)"
                    script {foreach d $::ex::duts {$d when {mux is ATTACHED} then {force actor +CD}}}}
}

ex::main {
    set n [llength $::ex::ifaces]
    set max [ex::opt -max-links]
    if {$max eq {}} {set max [expr {$n - 1}]}
    if {![string is integer -strict $max] || $max < 1 || $max >= $n} {
        ex::usage stderr 2 "-max-links must be 1..[expr {$n - 1}] with $n interfaces"
    }
    set sysopts [list -priority [ex::opt -system-priority] -max-links $max]
    if {[ex::opt -system] ne {}} {lappend sysopts -id [ex::opt -system]}
    lacp::system create ours {*}$sysopts
    # port priorities in interface order: p1 is the best link
    set ports [ex::ports -system ours]
    set k 0
    foreach p $ports {$p configure -port-priority [expr {100 + [incr k]}]}
    set active [lrange $ports 0 $max-1]
    set standby [lrange $ports $max end]
    ex::say "our system [ours cget -id] priority [ours cget -priority], at most $max of $n links active"

    # our STANDBY links: selected STANDBY and not in Sync
    proc parked {p} {
        set s [$p status]
        expr {[dict get $s selected] eq "STANDBY" && ![ex::has [dict get $s actor state] S]}
    }
    # the DUT neither collects nor distributes on link P
    proc out {p} {
        set l [ex::last $p]
        expr {$l ne {} && ![ex::has [dict get $l actor state] C]
              && ![ex::has [dict get $l actor state] D]}
    }
    set cond [join [concat [lmap p $active {string cat {[ex::up } $p {]}}] \
                        [lmap p $standby {string cat {[parked } $p {]}}]] " && "]
    set took [ex::until $cond [ex::opt -timeout]]
    ex::watch [ex::opt -observe]
    foreach p $ports {ex::report $p}
    ex::expect {$took} "the $max best links come up, the others are STANDBY on our side"
    foreach p $active {
        ex::expect {[ex::up $p]} "[ex::ifname $p]: active and up"
    }
    foreach p $standby {
        ex::expect {[parked $p] && [out $p]} \
            "[ex::ifname $p]: STANDBY; the DUT keeps it out of the LAG (no Collecting, no Distributing)"
    }

    set gone [lindex $active 0]
    set next [lindex $standby 0]
    ex::say "[ex::ifname $gone] disabled on our side"
    set t0 [ex::now]
    $gone disable
    set ok [ex::until "\[ex::up $next\]" [ex::opt -takeover]]
    set dt [ex::ms [expr {[ex::now] - $t0}]]
    ex::report $next
    ex::expect {$ok} "[ex::ifname $next] takes over within [ex::opt -takeover] ms (took $dt ms)"

    ex::say "[ex::ifname $gone] enabled again"
    $gone enable
    ex::until "\[parked $gone\]" [ex::opt -timeout]
    ex::watch [ex::opt -observe]
    ex::report $gone
    ex::expect {[parked $gone] && [out $gone]} \
        "[ex::ifname $gone] back: STANDBY, and the DUT keeps it out"
    ex::expect {[ex::up $next]} "[ex::ifname $next] stays up"
    ex::verdict "the DUT kept [expr {$n - $max}] standby link(s) out and took over in $dt ms"
}
