# SPDX-License-Identifier: GPL-3.0-or-later
# A port destroyed mid-negotiation falls silent: its partner expires after
# the short timeout (3 s) and defaults 3 s later, with the E and F bits.
source [file join [file dirname [info script]] lib netns.tcl]
t::require_root
package require lacp

t::run {
    set a [t::netns a]
    set b [t::netns b]
    t::veth $a a1 $b b1
    lacp::port create p -interface a1 -netns $a
    lacp::port create q -interface b1 -netns $b -system 02:00:00:00:00:b1
    t::check "negotiating" {[q wait {rx is CURRENT} -timeout 3000]}
    set t0 [clock milliseconds]
    p destroy
    t::check "partner expires" {[q wait {rx is EXPIRED} -timeout 5000]}
    set exp [expr {[clock milliseconds] - $t0}]
    t::check "after the 3 s short timeout ($exp ms)" {$exp >= 2000 && $exp <= 3300}
    t::check "E bit set while expired" {[string match *E* [dict get [q status] actor state]]}
    t::check "then defaulted" {[q wait {rx is DEFAULTED} -timeout 5000]}
    set def [expr {[clock milliseconds] - $t0}]
    t::check "3 s after expiring ($def ms)" {$def - $exp >= 2800 && $def - $exp <= 3300}
    t::check "F bit set while defaulted" {[string match *F* [dict get [q status] actor state]]}
}
