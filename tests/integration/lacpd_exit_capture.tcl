# SPDX-License-Identifier: GPL-3.0-or-later
# --exit-after-inject against a real peer: lacpsh -i eth0 in one namespace,
# a second lacpsh running a port on the other end in another (ld::peer), and
# tshark capturing on the peer's interface. The injected LACPDU must be on
# the wire, and be the last one the tester sent, before the tester exits;
# the capture also gives the reaction time from the peer's LACPDU that made
# the condition true to the tester's injected LACPDU (printed).
source [file join [file dirname [info script]] lacpd_lib.tcl.inc]
t::require_root
package require lacp

t::run {
    set dut [t::netns dut]
    set peer [t::netns peer]
    t::veth $dut eth0 $peer pe0
    set pcap [file join $t::tmp lacpd-exit-[pid].pcap]
    set tlog [file join $t::tmp lacpd-exit-tshark-[pid].log]
    file delete $pcap

    set tpid [exec ip netns exec $peer tshark -i pe0 -f "ether proto 0x8809" -w $pcap >& $tlog &]
    lappend ::lab::pids $tpid
    t::check "tshark captures on the peer's side" {[t::until {[string match "*Capturing on*" [ld::read_file $tlog]]} 20000]} {[ld::read_file $tlog]}
    # The peer attaches after 100 ms rather than 2 s: the tester then goes
    # from WAITING straight to COLLECTING_DISTRIBUTING (ATGSCD) before the
    # peer's ATGSCD makes its rule fire. With equal waits the order came
    # down to which process's 2 s timer fired first, within a round trip.
    set ppid [ld::peer $peer pe0 {-wait-while 100}]

    # the peer's LACPDUs say ATGSCD once the link is up: write A:AF (0x41),
    # a state no machine produces, and exit
    set t0 [clock microseconds]
    lassign [ld::run $dut -i eth0 --inject "P:ATGSCD -> A:AF" --exit-after-inject] code out err
    set t_exit [clock microseconds]
    t::check "the tester exits 0 by itself after the injection" {$code == 0 && [string match "*Inject rule triggered on eth0: Actor state ATGSCD -> AF*Exiting after successful injection and LACPDU transmission on eth0*" $err]} {$code $err}

    # let the capture take in what is in flight, then stop it
    t::until 0 300
    exec kill -INT $tpid
    ld::gone $tpid 10000
    ld::stop $ppid

    set mac [exec ip netns exec $dut cat /sys/class/net/eth0/address]
    set frames {}
    foreach line [split [exec tshark -r $pcap -Y "slow.subtype == 1" -T fields -e frame.time_epoch -e eth.src -e lacp.actor.state 2>/dev/null] \n] {
        lassign [split $line \t] time src state
        lappend frames [list [expr {wide(round($time * 1e6))}] [expr {$src eq $mac ? "tester" : "peer"}] [expr {$state}]]
    }
    set ours [lsearch -all -inline -index 1 $frames tester]
    set injected [lsearch -inline -index 2 $ours [expr 0x41]]
    t::check "the injected LACPDU (actor AF) is in the capture" {$injected ne ""} {$frames}
    t::check "  and is the last LACPDU the tester sent" {[lindex $ours end] eq $injected} {$ours}
    t::check "  captured before the tester had exited" {[lindex $injected 0] <= $t_exit && [lindex $injected 0] >= $t0} {$injected $t0 $t_exit}

    # the trigger: the first LACPDU of the peer with actor ATGSCD (0x3f)
    set trigger [lsearch -inline -index 2 [lsearch -all -inline -index 1 $frames peer] [expr 0x3f]]
    set reaction [expr {[lindex $injected 0] - [lindex $trigger 0]}]
    t::check "the injection answers the peer's LACPDU at once (< 50 ms)" {$trigger ne "" && $reaction >= 0 && $reaction < 50000} {$trigger $injected}
    puts "reaction time, trigger LACPDU to injected LACPDU on the wire: $reaction us"
    set bad [exec tshark -r $pcap -Y "_ws.malformed || _ws.expert.severity >= warning" 2>/dev/null]
    t::check "tshark finds nothing malformed" {$bad eq {}} {$bad}
    file delete $pcap $tlog
    ld::finish
}
