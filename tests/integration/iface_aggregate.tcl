# SPDX-License-Identifier: GPL-3.0-or-later
# Two lacpsh processes in two namespaces, joined by two veth pairs: each
# side's two ports aggregate into one aggregator, and each side's partner is
# the other process's system (lacpd's choice: the first interface's MAC).
source [file join [file dirname [info script]] lib netns.tcl]
t::require_root
package require lacp

t::run {
    set a [t::netns a]
    set b [t::netns b]
    t::veth $a a1 $b b1
    t::veth $a a2 $b b2
    set peer [file join $t::tmp peer-[pid].tcl]
    set f [open $peer w]
    puts $f {
        lacp::port create p1 -interface b1
        lacp::port create p2 -interface b2
        vwait forever
    }
    close $f
    t::spawn $b $peer [file join $t::tmp peer-[pid].log]
    lacp::port create p1 -interface a1 -netns $a
    lacp::port create p2 -interface a2 -netns $a
    set t0 [clock milliseconds]
    set ok1 [p1 wait {mux is COLLECTING_DISTRIBUTING} -timeout 8000]
    set ok2 [p2 wait {mux is COLLECTING_DISTRIBUTING} -timeout 8000]
    set took [expr {[clock milliseconds] - $t0}]
    t::check "both ports reach COLLECTING_DISTRIBUTING" {$ok1 && $ok2}
    t::check "negotiation honours the 2 s aggregate wait (took $took ms)" {$took >= 1900 && $took < 4000}
    set s1 [p1 status]
    set s2 [p2 status]
    t::check "one aggregator for both ports" {[dict get $s1 aggregator] == [dict get $s2 aggregator] && [dict get $s1 aggregator] != 0}
    set amac [string tolower [exec ip -n $a -br link show a1]]
    set bmac [lindex [exec ip -n $b -br link show b1] 2]
    t::check "our system id is the first interface's MAC" {[dict get $s1 actor system] eq [lindex $amac 2]} {[dict get $s1 actor system] vs $amac}
    t::check "the partner is the other process's system" {[dict get $s1 partner system] eq $bmac && [dict get $s2 partner system] eq $bmac} {[dict get $s1 partner system] vs $bmac}
    # the partner reaches COLLECTING_DISTRIBUTING after us: it needs our
    # Sync first, and tells us in its next LACPDU
    p1 wait {partner has SCD} -timeout 3000
    p2 wait {partner has SCD} -timeout 3000
    set s1 [p1 status]
    set s2 [p2 status]
    t::check "partner state is in sync, collecting and distributing" {[dict get $s1 partner state] eq "ATGSCD" && [dict get $s2 partner state] eq "ATGSCD"} {[dict get $s1 partner state]}
    t::check "partner ports differ" {[dict get $s1 partner port] != [dict get $s2 partner port]}
    file delete $peer
}
