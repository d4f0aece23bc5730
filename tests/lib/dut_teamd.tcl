# SPDX-License-Identifier: GPL-3.0-or-later
# dut.tcl's implementation for teamd (libteam's lacp runner) in the qemu
# guest, on the NICs the bonding driver uses otherwise (see
# dut_bonding.tcl: the same guest, the same taps, the same cable pulls).
#   start     teamd -t team0 with {"runner": {"name": "lacp", "active": A,
#             "fast_rate": F}, "link_watch": {"name": "ethtool"}}, the NICs
#             added with teamdctl team0 port add
#   stop      teamd stopped; it removes team0
#   view      teamdctl team0 state dump (JSON), read on every call;
#             selected: the port's aggregator is selected; up: its link

# the guest and its helpers (::dut::guest)
::dut::Load bonding

namespace eval ::dut::teamd {
    proc supports {} {return {-mode {active passive} -rate {fast slow}}}
    proc unavailable {} {
        foreach p {/usr/bin/teamd /usr/bin/teamdctl} {
            if {![file executable $p]} {return "$p not found (Debian package libteam-utils)"}
        }
        return [::dut::guest::unavailable]
    }
    proc open {d o} {::dut::guest::open $d $o}
    proc close {d} {::dut::guest::close $d}
    proc set_link {d index updown} {::dut::guest::set_link $d $index $updown}

    proc version {d} {
        return [string trim [::bond::cmd [::dut::Get $d guest] {teamd --version}]]
    }

    proc start {d mode rate} {
        set active [expr {$mode eq "active" ? "true" : "false"}]
        set fast [expr {$rate eq "fast" ? "true" : "false"}]
        set cfg "{\"runner\":{\"name\":\"lacp\",\"active\":$active,\"fast_rate\":$fast},\"link_watch\":{\"name\":\"ethtool\"}}"
        ::bond::cmd [::dut::Get $d guest] "team_start '$cfg'" -timeout 20000
    }

    proc stop {d} {
        ::bond::cmd [::dut::Get $d guest] team_stop -timeout 10000
    }

    # teamd's state dump as a dict.
    proc state {d} {
        return [::dut::json [::bond::cmd [::dut::Get $d guest] team_state]]
    }

    proc Side {s} {
        dict create system [dict get $s system] system_priority [dict get $s system_priority] \
            key [dict get $s key] port [dict get $s port] port_priority [dict get $s port_priority] \
            state [lacp::state format [dict get $s state]]
    }

    # teamd keeps no LACPDU counters it shows
    proc counters {d} {return {}}

    proc view {d} {
        set st [state $d]
        set ms {}
        foreach m [::dut::Get $d members] {
            if {![dict exists $st ports $m runner]} {
                error "teamd does not report port $m"
            }
            set r [dict get $st ports $m runner]
            dict set ms $m [dict create actor [Side [dict get $r actor_lacpdu_info]] \
                partner [Side [dict get $r partner_lacpdu_info]] \
                selected [expr {[dict get $r selected] && [dict get $r aggregator selected]}] \
                up [dict get $st ports $m link up] \
                aggregator [dict get $r aggregator id] status [dict get $r state]]
        }
        return [dict create members $ms]
    }
}
