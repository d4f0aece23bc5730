# SPDX-License-Identifier: GPL-3.0-or-later
# Partner identity change. Once the LAG is up, our system id changes on
# every link at once (as if the DUT's partner were replaced by another
# device). The DUT must notice the new partner, reselect, and bring every
# link up again with the new identity; the script measures how long the
# DUT takes to echo the new system with Sync, Collecting and Distributing
# (reselection time), and how long until the whole LAG is up again.
#
#   lacpsh examples/identity_change.tcl eth1 eth2
#   lacpsh examples/identity_change.tcl -sim standard     # against lacp itself, no root
source [file join [file dirname [info script]] lib.tcl]
ex::setup identity_change "the DUT reselects when its partner's identity changes" 1 {
    -new-system {{} "the new system id [default: ours with the last octet changed]"}
    -reselect   {8000 "bound on the reselection, ms"}
} {
    stale {help "a DUT that keeps echoing our first system id (negative control)"
           script {
               set old [dict get [p1 status] actor system]
               foreach d $::ex::duts {$d when {after 0} then [list set partner.system $old] -once}
           }}
}

ex::main {
    set ports [ex::ports]
    ex::bringup
    set old [dict get [p1 status] actor system]
    set new [ex::opt -new-system]
    if {$new eq {}} {
        set octets [split $old :]
        lset octets end [format %02x [expr {([scan [lindex $octets end] %x] + 1) & 0xff}]]
        lset octets 0 [format %02x [expr {[scan [lindex $octets 0] %x] | 0x02}]]
        set new [join $octets :]
    }
    # per link: when the DUT first echoes the new system (noticed), when it
    # first does so in Sync (reselected), when it drops Sync on the way
    set ::noticed {}
    set ::seen {}
    set ::dropped {}
    ex::hook {apply {{p t pdu} {
        if {[dict get $pdu class] ne "lacpdu"} return
        set st [dict get $pdu actor state]
        if {![ex::has $st S] && ![dict exists $::dropped $p]} {dict set ::dropped $p $t}
        if {[dict get $pdu partner system] ne $::new} return
        if {![dict exists $::noticed $p]} {dict set ::noticed $p $t}
        if {[ex::has $st S] && ![dict exists $::seen $p]} {dict set ::seen $p $t}
    }}}
    ex::say "our system id changes from $old to $new"
    set t0 [ex::now]
    foreach p $ports {$p configure -system $new}
    set took [ex::negotiate $ports [ex::opt -reselect]]
    foreach p $ports {ex::report $p}
    proc after_change {var p} {
        upvar #0 $var d
        if {![dict exists $d $p]} {return -1}
        return [ex::ms [expr {[dict get $d $p] - $::t0}]]
    }
    foreach p $ports {
        set n [after_change ::noticed $p]
        set s [after_change ::seen $p]
        set d [after_change ::dropped $p]
        ex::say "[ex::ifname $p]: the DUT [expr {$n < 0 ? {never echoed the new system} : "echoed the new system after $n ms"}],\
                 [expr {$d < 0 ? {never dropped Sync} : "dropped Sync after $d ms"}]"
        ex::expect {$s >= 0} "[ex::ifname $p]: the DUT is in Sync with the new partner[expr {$s >= 0 ? " after $s ms" : ""}]"
    }
    ex::expect {$took >= 0} "every link is up again with the new identity within [ex::opt -reselect] ms[expr {$took >= 0 ? " ($took ms, with our own aggregate wait)" : ""}]"
    set dutTime [expr {[dict size $::seen] ? [ex::ms [expr {[tcl::mathfunc::max {*}[dict values $::seen]] - $t0}]] : "-"}]
    ex::verdict "the DUT reselected in $dutTime ms; the LAG was up again after $took ms"
}
