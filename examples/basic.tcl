# SPDX-License-Identifier: GPL-3.0-or-later
# Basic negotiation. Our ports, active, on the given links: every link must
# come up in one LAG (our Collecting_Distributing, the DUT's Sync,
# Collecting and Distributing), the DUT must echo our identity exactly in
# its partner fields, and all links must lead to one DUT system and key.
#
#   lacpsh examples/basic.tcl eth1 eth2
#   lacpsh examples/basic.tcl -sim standard     # against lacp itself, no root
source [file join [file dirname [info script]] lib.tcl]
ex::setup basic "every link negotiates into one LAG with the DUT" 1 {
    -mode {active "our LACP_Activity: active or passive"}
} {
    split-key {help "the DUT gives its 2nd link another key (negative control)"
               script {d2 configure -key 2}}
}

ex::main {
    set ports [ex::ports -mode [ex::opt -mode]]
    set took [ex::bringup]
    # 802.1AX does not make the DUT answer our last change at once: its
    # echo of our state may wait for its next periodic LACPDU (1 s at the
    # fast rate we ask for), so give it that long.
    set echoed 1
    foreach p $ports {
        append echoed " && \[ex::has \[dict get \[ex::last $p\] partner state\] \
            \[string map {E {} F {} N {}} \[dict get \[$p status\] actor state\]\]\]"
    }
    ex::until $echoed 1500
    set duts {}
    foreach p $ports {
        set l [ex::last $p]
        set us [dict get [$p status] actor]
        set echo [dict get $l partner]
        set same 1
        foreach f {system system_priority key port port_priority} {
            if {[dict get $echo $f] ne [dict get $us $f]} {set same 0}
        }
        ex::expect $same "[ex::ifname $p]: the DUT echoes our system, priorities, key and port"
        ex::expect [ex::has [dict get $echo state] [string map {E {} F {} N {}} [dict get $us state]]] \
            "[ex::ifname $p]: the DUT echoes our state [dict get $us state] (it sent [dict get $echo state])"
        ex::expect [ex::has [dict get $l actor state] G] "[ex::ifname $p]: the DUT's link is aggregatable"
        ex::expect {![ex::has [dict get $l actor state] F] && ![ex::has [dict get $l actor state] E]} \
            "[ex::ifname $p]: the DUT is neither defaulted nor expired"
        lappend duts [list [dict get $l actor system] [dict get $l actor key]]
        lappend dutPorts [dict get $l actor port]
        lappend aggs [dict get [$p status] aggregator]
    }
    ex::expect {[llength [lsort -unique $duts]] == 1} "one DUT system and key on all links ([lsort -unique $duts])"
    ex::expect {[llength [lsort -unique $dutPorts]] == [llength $ports]} "distinct DUT port numbers ($dutPorts)"
    ex::expect {[llength [lsort -unique $aggs]] == 1} "one aggregator on our side ($aggs)"
    ex::verdict "[llength $ports] link[expr {[llength $ports] > 1 ? {s} : {}}] negotiated into one LAG in $took ms"
}
