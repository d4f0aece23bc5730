# SPDX-License-Identifier: GPL-3.0-or-later
# Against Open vSwitch: we offer three links to its bond but keep at most
# two active (-max-links 2; our System ID is the better one, so our port
# priorities decide, 802.1AX-2014 6.7.1). OVS has no limit of its own and
# no standby notion: what it does with the third link, where we are
# STANDBY and never in Sync, is pinned here (doc/interop-systems.md): it
# attaches the member and advertises Sync, Collecting and Distributing on
# it, which 802.1AX-2014 6.4.15 forbids without our Sync, yet its bond
# does not enable it. Then an active link goes: our standby one takes
# over at once and OVS enables it. Last, examples/max_links.tcl runs
# against a fresh OVS as a user would, and FAILs on exactly that point.
source [file join [file dirname [info script]] lib netns.tcl]
source [file join [file dirname [info script]] lib ovs.tcl]
package require lacp

set example [file normalize [file join [file dirname [info script]] .. .. examples max_links.tcl]]

ovs::run {
    set lab [ovs::lab -links 3]
    set h [dict get $lab ovs]
    set ns [dict get $lab tester]
    lacp::system create ours -priority 1 -max-links 2
    foreach i {1 2 3} {
        lacp::port create p$i -interface t$i -netns $ns -system ours -port-priority [expr {100 + $i}]
    }
    t::check "p1 and p2 come up, p3 is STANDBY on our side" {
        [ovs::until {[dict get [p1 status] mux] eq "COLLECTING_DISTRIBUTING"
                     && [dict get [p2 status] mux] eq "COLLECTING_DISTRIBUTING"
                     && [dict get [p3 status] selected] eq "STANDBY"} 8000]
    } {[p1 status] // [p3 status]}
    # a full OVS periodic on every link before looking
    ovs::until 0 1500
    set v [ovs::show $h]
    set b [ovs::bond $h]
    set s3 [p3 status]
    t::check "we advertise p3 without Sync, waiting" {
        ![string match *S* [dict get $s3 actor state]] && [dict get $s3 mux] eq "WAITING"
    } {$s3}
    t::check "OVS records our p3 out of Sync" {
        ![string match *S* [dict get $v members d3 partner state]]
    } {$v}
    t::check "OVS attaches all three members: one partner, one key, no limit" {
        [dict get $v members d1 attached] && [dict get $v members d2 attached]
        && [dict get $v members d3 attached]
    } {$v}
    t::check "OVS advertises Sync, Collecting and Distributing on d3 all the same (6.4.15 says ATGS)" {
        [dict get $v members d3 actor state] eq "ATGSCD"
    } {$v}
    t::check "OVS's own view: d3 may not be enabled" {
        ![dict get $v members d3 may_enable] && [dict get $v members d1 may_enable]
    } {$v}
    t::check "the bond enables d1 and d2 and keeps d3 disabled" {
        [dict get $b members d1 enabled] && [dict get $b members d2 enabled]
        && ![dict get $b members d3 enabled]
    } {$b}
    t::check "our p3 keeps waiting: STANDBY never attaches" {
        [dict get [p3 status] selected] eq "STANDBY" && [dict get [p3 status] mux] eq "WAITING"
    }

    # an active link leaves: the standby one takes over on both sides
    set t0 [clock milliseconds]
    p1 disable
    t::check "p3 takes over" {
        [p3 wait {mux is COLLECTING_DISTRIBUTING and partner has SCD} -timeout 6000]
    } {[p3 status]}
    set took [expr {[clock milliseconds] - $t0}]
    t::check "OVS enables d3 ($took ms after p1 went: p3's aggregate wait ran out while STANDBY)" {
        [ovs::until {[dict get [ovs::bond $h] members d3 enabled]} 3000] && $took < 4000
    } {[ovs::bond $h]}
    # p1 back: no preemption, it waits as STANDBY and OVS keeps d1 out
    p1 enable
    t::check "p1 back: STANDBY" {
        [ovs::until {[dict get [p1 status] selected] eq "STANDBY"} 3000]
    } {[p1 status]}
    ovs::until 0 4000
    set b [ovs::bond $h]
    set v [ovs::show $h]
    t::check "OVS keeps d1 disabled, d2 and d3 enabled" {
        ![dict get $b members d1 enabled] && [dict get $b members d2 enabled]
        && [dict get $b members d3 enabled]
    } {$b}
    t::check "and again advertises Collecting and Distributing on d1" {
        [dict get $v members d1 actor state] eq "ATGSCD"
        && ![string match *S* [dict get $v members d1 partner state]]
    } {$v}
    foreach p [lacp::port names] {$p destroy}
    ours destroy
    ovs::cleanup

    # the scenario script, as a user runs it
    set lab [ovs::lab -links 3]
    set cmd [list [file join $t::bin lacpsh] $example -netns [dict get $lab tester] \
                 {*}[dict get $lab ours]]
    set code [catch {exec {*}$cmd 2>@1} out opts]
    puts [string trimright $out]
    set ec [expr {$code ? [dict get $opts -errorcode] : {}}]
    t::check "examples/max_links.tcl: FAIL (exit 1) for Collecting/Distributing on the standby link" {
        [lindex $ec 0] eq "CHILDSTATUS" && [lindex $ec 2] == 1
        && [regexp -line {^FAIL: t3: STANDBY; the DUT keeps it out of the LAG} $out]
    } {$ec}
    t::check "and everything else in it holds: the takeover, the active links" {
        [regexp -line {^  ok: t3 takes over within} $out]
        && [llength [regexp -all -line -inline {^  NOT OK: } $out]] == 2
        && [regexp -line {^  ok: t3 stays up} $out]
    }
}
