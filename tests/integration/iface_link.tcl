# SPDX-License-Identifier: GPL-3.0-or-later
# Carrier drives port_enabled: the peer's link going down puts our port in
# PORT_DISABLED at once (a netlink event, no polling), and its return
# restarts negotiation. `link down|up` sets our own admin state.
source [file join [file dirname [info script]] lib netns.tcl]
t::require_root
package require lacp

t::run {
    set a [t::netns a]
    set b [t::netns b]
    t::veth $a a1 $b b1
    lacp::port create p -interface a1 -netns $a
    lacp::port create q -interface b1 -netns $b -system 02:00:00:00:00:b1
    t::check "negotiated" {[p wait {mux is COLLECTING_DISTRIBUTING} -timeout 8000]}
    set t0 [clock microseconds]
    exec ip -n $b link set b1 down
    set ok [p wait {rx is PORT_DISABLED} -timeout 2000]
    set took [expr {([clock microseconds] - $t0) / 1000.0}]
    # The kernel's linkwatch may hold a carrier-off event back for up to a
    # second (it batches non-urgent link events); our port follows the
    # event as soon as it comes.
    t::check "the peer's link down disables our port at once ($took ms incl. ip and linkwatch)" {$ok && $took < 1500}
    t::check "status says link down" {[dict get [p status] link] eq "down" && ![dict get [p status] port_enabled]}
    exec ip -n $b link set b1 up
    t::check "renegotiates after the link returns" {[p wait {mux is COLLECTING_DISTRIBUTING and partner has S} -timeout 8000]}
    p link down
    t::check "link down through netlink" {[p wait {rx is PORT_DISABLED} -timeout 2000]}
    t::check "the kernel shows a1 down" {[string match *DOWN* [exec ip -n $a -br link show a1]]}
    p link up
    t::check "link up again" {[p wait {mux is COLLECTING_DISTRIBUTING and partner has S} -timeout 8000]}
    p disable
    t::check "disable is protocol-level: PORT_DISABLED, link stays up" {[p wait {rx is PORT_DISABLED} -timeout 1000] && [dict get [p status] link] eq "up"}
    p enable
    t::check "enable renegotiates" {[p wait {mux is COLLECTING_DISTRIBUTING and partner has S} -timeout 8000]}
}
