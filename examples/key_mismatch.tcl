# SPDX-License-Identifier: GPL-3.0-or-later
# Key mismatch. The first link carries our key, the others another one
# (-other-key), all towards one DUT LAG. The DUT must not aggregate links
# whose partner keys differ: not every link may be up in its LAG. (A DUT
# that can put each key into a LAG of its own may bring all up: say so
# with -separate-ok 1.) Then all keys are made equal and every link must
# come up.
#
#   lacpsh examples/key_mismatch.tcl eth1 eth2
#   lacpsh examples/key_mismatch.tcl -sim standard     # against lacp itself, no root
source [file join [file dirname [info script]] lib.tcl]
ex::setup key_mismatch "the DUT does not aggregate links with different partner keys" 2 {
    -other-key   {{} "key on the 2nd and later links [default: -key + 1]"}
    -observe     {4000 "how long to watch the DUT settle with the mismatch, ms"}
    -separate-ok {0 "1: the DUT may run each key as a LAG of its own"}
} {
    standard {help "a DUT of lacp ports that follows 802.1AX, with one aggregator (6.7.4)"
              system {-aggregators 1}}
    all-up   {help "a DUT with an aggregator for each link: every link comes up, each key a LAG of its own, which the wire cannot tell from one LAG (negative control; passes with -separate-ok 1)"}
}

ex::main {
    set other [ex::opt -other-key]
    if {$other eq {}} {set other [expr {([ex::opt -key] + 1) % 65536}]}
    set ports [ex::ports]
    foreach p [lrange $ports 1 end] {$p configure -key $other}
    ex::say "[ex::ifname p1]: key [ex::opt -key]; [join [lmap p [lrange $ports 1 end] {ex::ifname $p}] {, }]: key $other"
    set any [join [lmap p $ports {string cat {[ex::up } $p {]}}] " || "]
    set first [ex::until $any [ex::opt -timeout]]
    ex::watch [ex::opt -observe]
    foreach p $ports {ex::report $p}
    set up [lmap p $ports {ex::up $p}]
    ex::expect $first "at least one link comes up"
    foreach p $ports {
        set l [ex::last $p]
        ex::expect {$l ne {} && [dict get $l partner key] == [$p cget -key]} \
            "[ex::ifname $p]: the DUT records our key [$p cget -key]"
    }
    if {[ex::opt -separate-ok]} {
        ex::say "links up: $up (separate LAGs allowed)"
    } else {
        ex::expect {0 in $up} "the DUT keeps the mismatched links out of one LAG (up: $up)"
    }
    ex::say "all keys set to [ex::opt -key]"
    foreach p $ports {$p configure -key [ex::opt -key]}
    set took [ex::negotiate $ports [ex::opt -timeout]]
    foreach p $ports {ex::report $p}
    ex::expect {$took >= 0} "with equal keys every link comes up ($took ms)"
    ex::verdict "the DUT refused the mismatched key and aggregated all links $took ms after the keys agreed"
}
