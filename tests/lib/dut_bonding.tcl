# SPDX-License-Identifier: GPL-3.0-or-later
# dut.tcl's implementation for the Linux bonding driver (802.3ad) in the
# qemu guest (tests/bonding, tests/integration/lib/bond.tcl). Our ends are
# the taps tap0..tapN-1 in the lab's namespace; the DUT's members are the
# guest's NICs eth0..ethN-1. teamd (dut_teamd.tcl) uses the same guest, so
# a lab opened with -share D boots nothing.
#   start            bond_reset with lacp_active on|off, lacp_rate fast|slow
#   stop             bond0 deleted
#   set_link         qemu's set_link: the guest's NIC loses its carrier
#                    (our tap stays up: our port times the DUT out)
#   view             the guest's last reports (it reads /proc/net/bonding
#                    every 100 ms); selected: slave state "active" in the
#                    bond's active aggregator; up: MII status up;
#                    partner_churn: the driver's churn state says churned

if {![namespace exists ::bond]} {
    source [file join [file dirname [file normalize [info script]]] .. integration lib bond.tcl]
}

namespace eval ::dut::guest {
    # Opens lab D on a guest of its own or on the guest of lab -share.
    proc open {d o} {
        set share [dict get $o -share]
        if {$share ne {}} {
            set g [::dut::Get $share guest]
            set ns [::dut::Get $share ns]
            set owner 0
            if {[llength [::dut::Get $share ours]] != [dict get $o -links]} {
                error "dut::open -share $share: that guest has [llength [::dut::Get $share ours]] links"
            }
        } else {
            set lab [::bond::lab -links [dict get $o -links]]
            set g [dict get $lab guest]
            set ns [dict get $lab ns]
            set owner 1
            # the guest boots with bond0 up: the DUT starts only on dut::start
            ::bond::cmd $g bond_delete
        }
        set ours [lmap t [dict get $::bond::guests $g taps] {dict create netns $ns interface $t}]
        ::dut::Set $d guest $g ns $ns owner $owner ours $ours members [::bond::slaves $g]
    }

    proc close {d} {
        if {[::dut::Get $d owner]} {::bond::stop [::dut::Get $d guest]}
    }

    proc set_link {d index updown} {
        ::bond::set_link [::dut::Get $d guest] $index $updown
    }

    proc unavailable {} {
        foreach {prog pkg} {qemu-system-x86_64 qemu-system-x86 socat socat} {
            if {[auto_execok $prog] eq {}} {return "$prog not found (Debian package $pkg)"}
        }
        if {[catch {exec [file join $::bond::harness build-initramfs] -q} msg]} {
            return "the guest cannot be built: $msg"
        }
        return {}
    }
}

namespace eval ::dut::bonding {
    proc supports {} {return {-mode {active passive} -rate {fast slow}}}
    proc unavailable {} {return [::dut::guest::unavailable]}
    proc open {d o} {::dut::guest::open $d $o}
    proc close {d} {::dut::guest::close $d}
    proc set_link {d index updown} {::dut::guest::set_link $d $index $updown}

    proc version {d} {
        return "Linux bonding [string trim [::bond::cmd [::dut::Get $d guest] {uname -r}]]"
    }

    proc start {d mode rate} {
        ::bond::reset [::dut::Get $d guest] \
            [list lacp_active [expr {$mode eq "active" ? "on" : "off"}] lacp_rate $rate]
    }

    proc stop {d} {
        ::bond::cmd [::dut::Get $d guest] bond_delete
    }

    # Also (see dut::counters): bad_rx, the driver's illegal_rx (shorter
    # than a LACPDU) and unknown_rx (neither LACP nor Marker) summed, and
    # those two; the Marker counters.
    proc counters {d} {
        set st [::bond::stats [::dut::Get $d guest]]
        set r {}
        foreach m [::dut::Get $d members] {
            set s [dict get $st $m]
            dict set r $m [dict create lacpdus_rx [dict get $s lacpdu_rx] \
                               lacpdus_tx [dict get $s lacpdu_tx] \
                               bad_rx [expr {[dict get $s lacpdu_illegal_rx] + [dict get $s lacpdu_unknown_rx]}] \
                               illegal_rx [dict get $s lacpdu_illegal_rx] \
                               unknown_rx [dict get $s lacpdu_unknown_rx] \
                               marker_rx [dict get $s marker_rx] \
                               marker_resp_tx [dict get $s marker_resp_tx] \
                               marker_resp_rx [dict get $s marker_resp_rx] \
                               marker_unknown_rx [dict get $s marker_unknown_rx]]
        }
        return $r
    }

    proc view {d} {
        set g [::dut::Get $d guest]
        set active [::bond::bond $g active_agg]
        set ms {}
        foreach m [::dut::Get $d members] {
            set s [::bond::slave $g $m]
            dict set ms $m [dict create \
                actor [dict create system [dict get $s actor_mac] \
                           system_priority [dict get $s actor_sys_prio] key [dict get $s actor_key] \
                           port [dict get $s actor_port] port_priority [dict get $s actor_port_prio] \
                           state [::bond::letters [dict get $s actor_state]]] \
                partner [dict create system [dict get $s partner_mac] \
                             system_priority [dict get $s partner_sys_prio] \
                             key [dict get $s partner_key] port [dict get $s partner_port] \
                             port_priority [dict get $s partner_port_prio] \
                             state [::bond::letters [dict get $s partner_state]]] \
                selected [expr {[dict get $s state] eq "active" && [dict get $s agg] eq $active}] \
                up [expr {[dict get $s mii] eq "up"}] \
                aggregator [dict get $s agg] \
                partner_churn [expr {[dict get $s partner_churn] eq "churned"}]]
        }
        return [dict create members $ms]
    }
}
