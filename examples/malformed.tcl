# SPDX-License-Identifier: GPL-3.0-or-later
# Malformed PDU robustness. Once the LAG is up, the first link sends
# LACPDUs that a receiver must discard (802.1AX-2014 6.4.2.3, and the
# Slow Protocols subtype rules): wrong TLV types and lengths, a PDU cut
# short, illegal subtypes. Each carries a bogus actor (another system, key
# 999), so a DUT that parsed one anyway would show it in its partner
# fields. The DUT must keep every link up, never echo the bogus actor, and
# count the PDUs (see its illegal/bad-PDU counter: the script says how
# many it sent).
#
#   lacpsh examples/malformed.tcl eth1 eth2
#   lacpsh examples/malformed.tcl -sim standard     # against lacp itself, no root
source [file join [file dirname [info script]] lib.tcl]
ex::setup malformed "the DUT discards malformed LACPDUs and keeps the LAG up" 1 {
    -repeat  {1 "how many times to send each malformed PDU"}
    -observe {3500 "how long to watch the LAG afterwards, ms (more than the DUT's timeout)"}
} {
    lenient {help "a DUT that reads malformed frames as LACPDUs (-rx-check lenient; negative control)"
             port {-rx-check lenient}}
}

# name -> lacp::pdu build options
set kinds {
    "actor TLV length 19"     {-actor-length 19}
    "actor TLV type 9"        {-actor-type 9}
    "partner TLV type 9"      {-partner-type 9}
    "partner TLV length 16"   {-partner-length 16}
    "cut at 60 octets"        {-truncate 60}
    "subtype 0 (illegal)"     {-subtype 0}
    "subtype 11 (illegal)"    {-subtype 11}
}
set bogus {system 02:ba:d0:00:00:01 key 999 port 999}

ex::main {
    set ports [ex::ports]
    ex::bringup
    set ::bad {}
    ex::hook {apply {{p t pdu} {
        if {[dict get $pdu class] ne "lacpdu"} return
        if {[dict get $pdu partner system] eq [dict get $::bogus system]
            || [dict get $pdu partner key] == [dict get $::bogus key]} {
            lappend ::bad "[ex::ifname $p]: the DUT echoes the bogus actor: [ex::info [dict get $pdu partner]]"
        }
    }}}
    set n 0
    set t0 [ex::now]
    foreach {what opts} $kinds {
        for {set i 0} {$i < [ex::opt -repeat]} {incr i} {
            p1 send -actor $bogus {*}$opts
            incr n
        }
        ex::say "sent on [ex::ifname p1]: $what"
    }
    ex::say "sent $n malformed PDUs on [ex::ifname p1]: the DUT's bad/illegal PDU counter should grow by $n"
    set allUp [join [lmap p $ports {string cat {[ex::up } $p {]}}] " && "]
    set broke [ex::until "!($allUp) || \[llength \$::bad\]" [ex::opt -observe]]
    set at [ex::ms [expr {[ex::now] - $t0}]]
    foreach p $ports {ex::report $p}
    ex::expect {!$broke || [llength $::bad]} "every link stayed up for [ex::opt -observe] ms[expr {$broke ? " (one went down after $at ms)" : ""}]"
    ex::expect {[llength $::bad] == 0} "the DUT never took the bogus actor[expr {[llength $::bad] ? ": [lindex $::bad 0]" : ""}]"
    foreach p $ports {
        set heard [llength [ex::received $p $t0]]
        ex::expect {$heard > 0} "[ex::ifname $p]: the DUT kept talking ($heard LACPDUs since)"
    }
    ex::verdict "the DUT discarded $n malformed PDUs and kept [llength $ports] link[expr {[llength $ports] > 1 ? {s} : {}}] up"
}
