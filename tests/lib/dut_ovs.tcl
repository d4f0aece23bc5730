# SPDX-License-Identifier: GPL-3.0-or-later
# dut.tcl's implementation for Open vSwitch (userspace datapath): a tester
# namespace and a DUT namespace joined by veth pairs t1..tN <-> d1..dN,
# OVS bonding d1..dN with LACP. Built on tests/integration/lib/ovs.tcl.
#   mode, rate       bond lacp=active|passive, other_config:lacp-time
#   set_link         our veth end down: the member's carrier goes
#   view             lacp/show and bond/show; selected is bond/show's
#                    "enabled", up the member's carrier (LOWER_UP); also
#                    status (current|expired|defaulted) and attached

if {![namespace exists ::ovs]} {
    source [file join [file dirname [file normalize [info script]]] .. integration lib ovs.tcl]
}

namespace eval ::dut::ovs {
    proc supports {} {return {-mode {active passive} -rate {fast slow}}}
    proc unavailable {} {return [::ovs::unavailable]}

    proc version {d} {
        lindex [split [exec [::ovs::Prog ovs-vswitchd] --version] \n] 0
    }

    proc open {d o} {
        ::dut::Set $d members [::dut::Cable $d [dict get $o -links]] h {}
    }

    proc start {d mode rate} {
        set h [::ovs::start [::dut::Get $d dutns] [::dut::Get $d members] -lacp $mode -time $rate]
        ::dut::Set $d h $h
    }

    proc stop {d} {
        ::ovs::stop [::dut::Get $d h]
        ::dut::Set $d h {}
    }

    proc close {d} {}

    proc set_link {d index updown} {
        set e [lindex [::dut::Get $d ours] $index]
        exec ip -n [dict get $e netns] link set [dict get $e interface] $updown
    }

    # OVS counts every slow-protocols frame it receives in rx_pdus. Also
    # (see dut::counters): bad_rx, marker_rx, expired, defaulted.
    proc counters {d} {
        set st [::ovs::stats [::dut::Get $d h]]
        set r {}
        foreach m [::dut::Get $d members] {
            dict set r $m [dict create lacpdus_rx [dict get $st $m rx_pdus] \
                               lacpdus_tx [dict get $st $m tx_pdus] \
                               bad_rx [dict get $st $m rx_bad_pdus] \
                               marker_rx [dict get $st $m rx_marker_request_pdus] \
                               expired [dict get $st $m link_expired] \
                               defaulted [dict get $st $m link_defaulted]]
        }
        return $r
    }

    proc Side {s} {
        dict create system [dict get $s sys_id] system_priority [dict get $s sys_priority] \
            key [dict get $s key] port [dict get $s port_id] \
            port_priority [dict get $s port_priority] state [dict get $s state]
    }

    proc view {d} {
        set h [::dut::Get $d h]
        set show [::ovs::show $h]
        set bond [::ovs::bond $h]
        set ms {}
        foreach m [::dut::Get $d members] {
            set s [dict get $show members $m]
            set link [exec ip -n [::dut::Get $d dutns] -o link show $m]
            dict set ms $m [dict create actor [Side [dict get $s actor]] \
                partner [Side [dict get $s partner]] \
                selected [dict get $bond members $m enabled] \
                up [string match *LOWER_UP* $link] status [dict get $s status] \
                attached [dict get $s attached]]
        }
        return [dict create members $ms]
    }
}
