# SPDX-License-Identifier: GPL-3.0-or-later
# Against the Linux bonding driver (in a qemu guest): a cable pull. qemu's
# monitor takes the first link down (set_link off): the guest's NIC loses
# its carrier, its MII monitor takes the slave out of the bond and nothing
# passes either way. Our port on it hears nothing more: it expires 3 s
# after the guest's last LACPDU and defaults 3 s later, while the other
# link stays up on both sides. With the cable back, both renegotiate.
source [file join [file dirname [info script]] lib netns.tcl]
source [file join [file dirname [info script]] lib bond.tcl]
package require lacp

bond::run {
    set lab [bond::lab]
    set g [dict get $lab guest]
    lassign [bond::slaves $g] e0 e1
    foreach tap [dict get $lab taps] p {p1 p2} {
        lacp::port create $p -interface $tap -netns [dict get $lab ns]
    }
    set ::last 0
    p1 on rx {apply {{p e} {set ::last [clock milliseconds]}}}
    t::check "negotiated, both slaves active with states 63" {
        [p1 wait {mux is COLLECTING_DISTRIBUTING and partner has SCD} -timeout 8000]
        && [p2 wait {mux is COLLECTING_DISTRIBUTING and partner has SCD} -timeout 3000]
        && [bond::until {[bond::all_up $g 63]} 3000]
    } {[bond::tail $g]}
    set failures [bond::slave $g $e0 link_failures]

    set t0 [clock milliseconds]
    bond::set_link $g 0 down
    set ok [bond::until {[bond::slave $g $e0 mii] eq "down"} 2000 10]
    set took [expr {[clock milliseconds] - $t0}]
    t::check "the guest sees $e0's carrier go ($took ms: its MII monitor polls every 100 ms)" {$ok && $took < 1000} {[bond::slave $g $e0]}
    t::check "and counts a link failure" {[bond::slave $g $e0 link_failures] == $failures + 1}
    t::check "the bond goes on with $e1: one port in the active aggregator, carrier up" {
        [bond::until {[bond::bond $g ports] == 1} 1500] && [bond::bond $g carrier] == 1
        && [bond::slave $g $e1 actor_state] == 63 && [bond::slave $g $e1 state] eq "active"
    } {[bond::bond $g]}
    set last $::last
    set ok [p1 wait {rx is EXPIRED} -timeout 5000]
    set exp [expr {[clock milliseconds] - $last}]
    t::check "our port expires 3 s after the guest's last LACPDU ($exp ms)" {$ok && $exp >= 2950 && $exp <= 3200}
    set s [p1 status]
    t::check "expired: E in our state, the guest's Sync gone, out of COLLECTING_DISTRIBUTING" {
        [string match *E* [dict get $s actor state]] && ![string match *S* [dict get $s partner state]]
        && [dict get $s mux] ne "COLLECTING_DISTRIBUTING"
    } {$s}
    set ok [p1 wait {rx is DEFAULTED} -timeout 4000]
    set def [expr {[clock milliseconds] - $last}]
    t::check "then defaults 3 s later ($def ms)" {$ok && $def >= 5950 && $def <= 6300}
    t::check "the other link stayed up on both sides" {
        [dict get [p2 status] mux] eq "COLLECTING_DISTRIBUTING" && [string match *SCD* [dict get [p2 status] partner state]]
        && [bond::slave $g $e1 partner_state] == 63 && [bond::bond $g carrier] == 1
    }

    set t0 [clock milliseconds]
    bond::set_link $g 0 up
    t::check "cable back: the guest's $e0 is up again" {[bond::until {[bond::slave $g $e0 mii] eq "up"} 2000]}
    set ok [expr {[p1 wait {mux is COLLECTING_DISTRIBUTING and partner has SCD} -timeout 6000]
                  && [bond::until {[bond::all_up $g 63]} 3000]}]
    set took [expr {[clock milliseconds] - $t0}]
    t::check "both renegotiate, both slaves active with states 63 again ($took ms)" {$ok && $took < 5000} {[bond::tail $g]}
    t::check "one aggregator of two ports on both sides" {
        [bond::until {[bond::bond $g ports] == 2 && [bond::slave $g $e0 agg] == [bond::slave $g $e1 agg]} 2000]
        && [dict get [p1 status] aggregator] == [dict get [p2 status] aggregator]
    } {[bond::bond $g]}

    # our end of the cable: the tap taken down under our port
    set t0 [clock milliseconds]
    p1 link down
    t::check "our link down: our port is disabled" {[p1 wait {rx is PORT_DISABLED} -timeout 1000]}
    # the guest's NIC keeps its carrier (a tap going down is not a cable
    # pull to qemu): the guest times us out instead
    set ok [bond::until {[bond::has [bond::slave $g $e0 actor_state] E]} 5000]
    set took [expr {[clock milliseconds] - $t0}]
    t::check "the guest keeps $e0's carrier and expires us ($took ms)" {
        $ok && [bond::slave $g $e0 mii] eq "up" && $took >= 2000 && $took < 4000
    } {[bond::slave $g $e0]}
    p1 link up
    t::check "our link up: both slaves active with states 63 again" {
        [p1 wait {mux is COLLECTING_DISTRIBUTING and partner has SCD} -timeout 6000]
        && [bond::until {[bond::all_up $g 63]} 3000]
    } {[bond::tail $g]}
}
