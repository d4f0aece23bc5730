# SPDX-License-Identifier: GPL-3.0-or-later
# `measure` against Open vSwitch on a veth pair, checked against the same
# exchange captured by dumpcap on our interface and computed from tshark's
# decoding: the partner's intervals, the rate windows, our reactions and
# the partner's Sync, within 0.1 ms (both take the kernel's receive stamps;
# our sends are stamped where the capture sees them leave).
source [file join [file dirname [info script]] lib netns.tcl]
source [file join [file dirname [info script]] lib ovs.tcl]
package require lacp

# The nearest-rank percentile PCT of the list XS (as measure.c defines it).
proc rank {xs pct} {
    set s [lsort -real $xs]
    set r [expr {max(1, ($pct * [llength $s] + 99) / 100)}]
    return [lindex $s [expr {$r - 1}]]
}

proc near {a b} {
    expr {$a ne "" && $b ne "" && abs($a - $b) <= 0.1}
}

# The figures of measure.c, computed from FRAMES: {time_ms ours actor partner}
# in capture order.
proc figures {frames fast} {
    set last {}
    set rx {}
    set pending {}
    set base {}
    set reactions {}
    set win {}
    set violations 0
    set maxw 0
    set sync {}
    foreach f $frames {
        lassign $f t ours actor partner
        if {$ours} {
            if {$actor ne $last} {
                if {![llength $pending]} {set base $last}
                lappend pending [list $t $actor]
            }
            set last $actor
            continue
        }
        lappend rx $t
        # rate windows, half-open
        set win [lmap w $win {if {$w + $fast <= $t} continue; set w}]
        lappend win $t
        if {[llength $win] > 3} {incr violations}
        set maxw [expr {max($maxw, [llength $win])}]
        # the newest pending change the echo shows
        for {set i [expr {[llength $pending] - 1}]} {$i >= 0} {incr i -1} {
            lassign [lindex $pending $i] sent info
            if {$info eq $partner} {
                lappend reactions [expr {$t - $sent}]
                set pending [lrange $pending [expr {$i + 1}] end]
                break
            }
        }
        if {$sync eq "" && [string match *S* [lindex $actor end]]} {set sync $t}
    }
    set iv {}
    foreach a [lrange $rx 0 end-1] b [lrange $rx 1 end] {lappend iv [expr {$b - $a}]}
    return [dict create intervals $iv reactions $reactions violations $violations \
                max_per_window $maxw sync $sync]
}

# The LACPDUs of the capture PCAP between T_START and T_READ (µs of the
# real-time clock) as {time_ms ours actor partner}, with how many are ours
# (actor system US) and the partner's: {frames ours theirs}.
proc capture {pcap t_start t_read us} {
    set lines [split [exec tshark -r $pcap -Y lacp -T fields -E separator=/t \
        -e frame.time_epoch -e lacp.actor.sysid \
        -e lacp.actor.sys_priority -e lacp.actor.key -e lacp.actor.port_priority \
        -e lacp.actor.port -e lacp.actor.state \
        -e lacp.partner.sys_priority -e lacp.partner.sysid -e lacp.partner.key \
        -e lacp.partner.port_priority -e lacp.partner.port -e lacp.partner.state \
        2>/dev/null] \n]
    set frames {}
    set ourn 0
    set theirs 0
    foreach line $lines {
        set f [split $line \t]
        if {[llength $f] < 13} continue
        set us_t [expr {wide([lindex $f 0] * 1e6)}]
        if {$us_t < $t_start || $us_t > $t_read} continue
        set ours [expr {[string equal -nocase [lindex $f 1] $us]}]
        set actor [list {*}[lrange $f 1 5] [lacp::state format [expr {[lindex $f 6]}]]]
        set partner [list [lindex $f 8] [lindex $f 7] {*}[lrange $f 9 11] \
                         [lacp::state format [expr {[lindex $f 12]}]]]
        # frame.time_epoch is exact to the nanosecond: keep ms with µs
        set t [expr {[lindex $f 0] * 1000.0}]
        lappend frames [list $t $ours $actor $partner]
        if {$ours} {incr ourn} else {incr theirs}
    }
    return [list $frames $ourn $theirs]
}

# How many Marker PDUs the capture PCAP holds so far.
proc markers {pcap} {
    if {[catch {exec tshark -r $pcap -Y "slow.subtype == 2" -T fields -e frame.number 2>/dev/null} out]} {
        return 0
    }
    llength $out
}

# Whether the capture holds at least N_TX LACPDUs of ours and N_RX of the
# partner between T_START and T_READ.
proc complete {pcap t_start t_read us n_tx n_rx} {
    lassign [capture $pcap $t_start $t_read $us] frames ourn theirs
    expr {$ourn >= $n_tx && $theirs >= $n_rx}
}

ovs::run {
    set lab [ovs::lab -time fast]
    set ns [dict get $lab tester]
    set pcap [file join $t::tmp measure-[pid].pcapng]
    set err [file join $t::tmp measure-[pid].dumpcap]
    file delete $pcap
    set pid [exec ip netns exec $ns dumpcap -q -i t1 -f "ether proto 0x8809" -w $pcap 2> $err &]
    lappend t::pids $pid
    # The capture is live once a frame we send shows up in its file: a
    # Marker PDU, sent again until one does, from a port that runs no LACP.
    lacp::port create probe -interface t1 -netns $ns -system 02:00:00:00:00:99 -lacp-enabled 0
    set marker [lacp::pdu marker -port 1 -system 02:00:00:00:00:99 -transaction 1]
    t::check "dumpcap captures on t1" {
        [t::until {[string length [probe send -raw $marker]] == 0 && [markers $pcap] > 0} 10000]
    }
    probe destroy
    set t_start [clock microseconds]
    lacp::port create p1 -interface t1 -netns $ns
    t::check "negotiated with OVS" {[p1 wait {mux is COLLECTING_DISTRIBUTING and partner has SCD} -timeout 10000]}
    ovs::until 0 6000
    set m [p1 measure]
    set n_rx [dict get [p1 counters] lacpdus_rx]
    set n_tx [dict get [p1 counters] lacpdus_tx]
    set t_read [clock microseconds]
    set us [dict get [p1 status] actor system]
    p1 destroy
    # dumpcap gets frames from the kernel a block at a time: wait until
    # the file holds every LACPDU we sent and received in the window
    t::check "the capture holds what we sent and received" {
        [t::until {[complete $pcap $t_start $t_read $us $n_tx $n_rx]} 10000]
    }
    exec kill -INT $pid
    t::check "dumpcap stopped" {[t::until {[catch {exec kill -0 $pid}]} 5000]}

    lassign [capture $pcap $t_start $t_read $us] frames ourn theirs
    # A LACPDU of OVS may reach the capture while our port was still
    # being created: what we received are the last n_rx of the window.
    set drop [expr {$theirs - $n_rx}]
    t::check "the capture holds every LACPDU we received ($theirs captured, $n_rx received)" {$drop >= 0 && $drop <= 1}
    while {$drop > 0} {
        set i [lsearch -exact -index 1 $frames 0]
        set frames [lreplace $frames $i $i]
        incr drop -1
    }
    set c [figures $frames 1000.0]
    set iv [dict get $c intervals]
    set pi [dict get $m partner_intervals]
    t::check "interval count: measure [dict get $pi count], capture [llength $iv]" {
        [dict get $pi count] == [llength $iv] && [llength $iv] >= 5
    }
    foreach {k v} [list min [tcl::mathfunc::min {*}$iv] median [rank $iv 50] \
                       p99 [rank $iv 99] max [tcl::mathfunc::max {*}$iv]] {
        t::check "interval $k within 0.1 ms: measure [dict get $pi $k], capture $v" {[near [dict get $pi $k] $v]}
    }
    t::check "rate windows: measure [dict get $m rate_violations]/[dict get $m max_per_window], capture [dict get $c violations]/[dict get $c max_per_window]" {
        [dict get $m rate_violations] == [dict get $c violations]
        && [dict get $m max_per_window] == [dict get $c max_per_window]
    }
    set r [dict get $c reactions]
    set mr [dict get $m reaction]
    t::check "reaction count: measure [dict get $mr count], capture [llength $r], none missed" {
        [dict get $mr count] == [llength $r] && [llength $r] >= 2 && [dict get $mr missed] == 0
    }
    foreach {k v} [list median [rank $r 50] p99 [rank $r 99] max [tcl::mathfunc::max {*}$r]] {
        t::check "reaction $k within 0.1 ms: measure [dict get $mr $k], capture $v" {[near [dict get $mr $k] $v]} {(capture: $r; measure: $mr)}
    }
    # Convergence starts as our port comes up, which is when its first
    # LACPDU leaves.
    set first [lindex [lsearch -inline -exact -index 1 $frames 1] 0]
    set sync [expr {[dict get $c sync] - $first}]
    set ms [dict get $m convergence partner_sync last]
    t::check "partner Sync within 0.1 ms of our first LACPDU: measure $ms, capture $sync" {[near $ms $sync]} {([dict get $m convergence])}
    file delete $pcap $err
}
