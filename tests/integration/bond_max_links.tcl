# SPDX-License-Identifier: GPL-3.0-or-later
# Against the Linux bonding driver (in a qemu guest, three links): we offer
# three links but keep at most two active (-max-links 2; our System ID is
# the better one, so our port priorities decide, 802.1AX-2014 6.7.1). The
# driver has no such limit of its own; what it does with the link where we
# are STANDBY and never in Sync is pinned here (doc/interop-systems.md): it
# attaches the link to the aggregator and advertises ATGS there, in Sync
# but neither collecting nor distributing (6.4.15), and keeps it a backup
# slave. Then an active link goes: our standby one takes over, and the
# driver brings it into the aggregate. Last, examples/max_links.tcl passes
# against it.
source [file join [file dirname [info script]] lib netns.tcl]
source [file join [file dirname [info script]] lib bond.tcl]
package require lacp

set example [file normalize [file join [file dirname [info script]] .. .. examples max_links.tcl]]

bond::run {
    set lab [bond::lab -links 3]
    set g [dict get $lab guest]
    set ns [dict get $lab ns]
    lassign [bond::slaves $g] e0 e1 e2
    lassign [dict get $lab taps] tap0 tap1 tap2
    lacp::system create ours -priority 1 -max-links 2
    foreach i {1 2 3} tap [list $tap0 $tap1 $tap2] {
        lacp::port create p$i -interface $tap -netns $ns -system ours -port-priority [expr {100 + $i}]
    }
    t::check "p1 and p2 come up, p3 is STANDBY on our side" {
        [bond::until {[dict get [p1 status] mux] eq "COLLECTING_DISTRIBUTING"
                      && [dict get [p2 status] mux] eq "COLLECTING_DISTRIBUTING"
                      && [dict get [p3 status] selected] eq "STANDBY"
                      && [bond::slave $g $e0 actor_state] == 63
                      && [bond::slave $g $e1 actor_state] == 63} 10000]
    } {[bond::tail $g]}
    # the guest's aggregate wait and a periodic on every link
    bond::until 0 3000
    set s2 [bond::slave $g $e2]
    puts "guest $e2: $s2"
    t::check "the driver records our p3 out of Sync (partner state ATG = 7)" {
        [dict get $s2 partner_state] == 7
    } {$s2}
    t::check "the driver puts $e2 in the same aggregator as $e0 and $e1" {
        [dict get $s2 agg] == [bond::slave $g $e0 agg] && [bond::slave $g $e0 agg] == [bond::slave $g $e1 agg]
    } {$s2}
    t::check "the driver advertises $e2 as ATGS (15): attached, in Sync, not collecting (6.4.15)" {
        [dict get $s2 actor_state] == 15
    } {$s2}
    t::check "its aggregator counts all three ports (attached), $e2 a backup slave" {
        [bond::bond $g ports] == 3 && [dict get $s2 state] eq "backup"
        && [bond::slave $g $e0 state] eq "active"
    } {[bond::bond $g] // $s2}

    set t0 [clock milliseconds]
    p1 disable
    t::check "p3 takes over" {
        [p3 wait {mux is COLLECTING_DISTRIBUTING and partner has SCD} -timeout 6000]
    } {[p3 status]}
    t::check "the driver collects and distributes on $e2" {
        [bond::until {[bond::slave $g $e2 actor_state] == 63} 3000]
    } {[bond::slave $g $e2]}
    set took [expr {[clock milliseconds] - $t0}]
    puts "takeover, as the guest reports it: $took ms"
    p1 enable
    bond::until 0 4000
    set s0 [bond::slave $g $e0]
    puts "guest $e0: $s0"
    t::check "p1 back: STANDBY; the driver keeps $e0 attached but not collecting" {
        [dict get [p1 status] selected] eq "STANDBY" && [dict get $s0 actor_state] == 15
        && [bond::slave $g $e2 actor_state] == 63
    } {$s0}

    # the scenario script, as a user runs it, against the same guest
    foreach p [lacp::port names] {$p destroy}
    ours destroy
    set code [catch {exec [file join $t::bin lacpsh] $example -netns $ns $tap0 $tap1 $tap2 2>@1} out opts]
    puts [string trimright $out]
    t::check "examples/max_links.tcl: PASS against the bonding driver" {
        $code == 0 && [regexp -line {^PASS: the DUT kept 1 standby link\(s\) out} $out]
    } {[expr {$code ? [dict get $opts -errorcode] : {}}]}
}
