# SPDX-License-Identifier: GPL-3.0-or-later
# dut.tcl's implementation for DPDK's bonding PMD in mode 4 (802.3ad), run
# by dpdk-testpmd (Debian package dpdk-dev) over net_af_packet members in
# the DUT's namespace: no hugepages, no PCI, no shared config, so several
# can run at once. Our ends are t1..tN, the members' interfaces d1..dN.
#
# Why the harness kicks testpmd every 250 ms: without dedicated queues
# (which af_packet cannot give) the bond sends its LACPDUs only from the
# application's tx burst on the bond port, and its rx burst is where it
# takes in the partner's; DPDK wants both at least every 100 ms. testpmd's
# forwarding modes call tx only after receiving data, and there is none.
# "start tx_first" sends one burst first, so stop + start tx_first every
# 250 ms gives the bond a tx call that often; rxonly keeps an rx burst
# running in between. A LACPDU the state machines queued waits for the
# next kick: up to 250 ms of added latency, which the DUT's figures show.
#
# testpmd holds a core at 100 % while it runs: the scenarios keep it short,
# and stop kills it.
#   mode, rate   active and slow only: mode 4 has no passive mode, and its
#                own LACP_Timeout is long; testpmd can change neither
#                (dut::start refuses the others, saying so)
#   set_link     our veth end down: the member's carrier goes. The af_packet
#                PMD does not report it, so DPDK notices only by timing the
#                partner out - after 90 s, its own Timeout being long
#   view         "show bonding lacp info" of the bond; up is testpmd's
#                "Link status" of the member (show port info)

namespace eval ::dut::dpdk {
    # LACP_DPDK_TESTPMD names another testpmd (a build of one's own)
    variable prog [expr {[info exists ::env(LACP_DPDK_TESTPMD)] ? $::env(LACP_DPDK_TESTPMD) : "/usr/bin/dpdk-testpmd"}]
    variable kick_ms 250

    # mode 4 is always active with a long timeout of its own: testpmd has no
    # command for LACP_Activity or LACP_Timeout
    proc supports {} {return {-mode active -rate slow}}

    proc unavailable {} {
        variable prog
        if {![file executable $prog]} {return "$prog not found (Debian package dpdk-dev)"}
        return {}
    }

    proc version {d} {
        return "DPDK [::dut::Get $d version]"
    }

    proc open {d o} {
        set k -1
        set members [lmap end [::dut::Cable $d [dict get $o -links]] {
            set end net_af_packet[incr k]
        }]
        ::dut::Set $d members $members chan {} buf {} kick {} version ?
    }

    proc close {d} {}

    proc start {d mode rate} {
        variable prog
        variable kick_ms
        set members [::dut::Get $d members]
        set n [llength $members]
        set vdev {}
        set slaves {}
        set k 0
        foreach m $members {
            lappend vdev --vdev $m,iface=d[incr k]
            lappend slaves slave=$m
        }
        lappend vdev --vdev net_bonding0,mode=4,[join $slaves ,]
        # stdbuf: testpmd prints with stdio, fully buffered on a pipe; its
        # prompt is written directly. Line buffering keeps them in order.
        set cmd [list ip netns exec [::dut::Get $d dutns] stdbuf -oL $prog -l 0,1 --no-huge -m 512 \
                     --no-pci --no-shconf --no-telemetry --file-prefix=[Prefix $d] \
                     {*}$vdev -- -i --total-num-mbufs=8192]
        set ch [::open |[concat $cmd [list 2>@1]] r+]
        fconfigure $ch -blocking 0 -buffering line -translation lf
        fileevent $ch readable [list ::dut::dpdk::Read $d $ch]
        ::dut::Set $d chan $ch buf {} bond $n eof 0 log {} base 0 seen 0 sent 1 busy 0
        # the test library's cleanup kills it too, should this process fail
        if {[namespace exists ::lab]} {lappend ::lab::pids {*}[pid $ch]}
        # the first prompt answers the start
        if {![Idle $d 30000]} {
            set out [::dut::Get $d log]
            Kill $d
            error "dpdk-testpmd did not start: [string range $out end-2000 end]"
        }
        catch {::dut::Set $d version [exec dpkg-query -W -f {${Version}} dpdk-dev]}
        foreach c [list "set portlist $n" "set fwd rxonly" "set burst 1" "start tx_first"] {
            Cmd $d $c
        }
        Kick $d
    }

    # testpmd's output: buf holds what came since the last command was
    # sent, log the last 64 kB of all of it (for failure reports); seen
    # counts prompts, sent the commands written.
    proc Read {d ch} {
        if {![dict exists $::dut::labs $d]} return
        set data [read $ch]
        set buf [::dut::Get $d buf]$data
        set log [string range [::dut::Get $d log]$data end-65535 end]
        ::dut::Set $d buf $buf log $log \
            seen [expr {[::dut::Get $d base] + [regexp -all {testpmd> } $buf]}]
        if {[eof $ch]} {
            fileevent $ch readable {}
            ::dut::Set $d eof 1
        }
    }

    # Waits until testpmd has answered every command written; -> 0 on
    # timeout or exit.
    proc Idle {d ms} {
        ::dut::until {[::dut::Get $d seen] >= [::dut::Get $d sent] || [::dut::Get $d eof]} $ms 5
        return [expr {[::dut::Get $d seen] >= [::dut::Get $d sent]}]
    }

    # Writes COMMANDS (one line each) to testpmd.
    proc Send {d args} {
        set ch [::dut::Get $d chan]
        if {$ch eq {} || [::dut::Get $d eof]} {error "dpdk-testpmd is not running"}
        ::dut::Set $d base [::dut::Get $d seen] buf {}
        foreach c $args {puts $ch $c}
        ::dut::Set $d sent [expr {[::dut::Get $d sent] + [llength $args]}]
    }

    # One testpmd command, after the ones before it; -> its output. A kick
    # that falls due meanwhile waits for the answer (see Kick).
    proc Cmd {d command {ms 5000}} {
        ::dut::Set $d busy 1
        try {
            if {![Idle $d $ms]} {error "dpdk-testpmd is busy: [string range [::dut::Get $d log] end-1500 end]"}
            Send $d $command
            if {![Idle $d $ms]} {
                error "dpdk-testpmd did not answer \"$command\": [string range [::dut::Get $d log] end-1500 end]"
            }
        } finally {
            ::dut::Set $d busy 0
        }
        set buf [::dut::Get $d buf]
        return [string range $buf 0 [expr {[string last "testpmd> " $buf] - 1}]]
    }

    # Counts prompts afresh once testpmd has been quiet for 200 ms: a
    # message it prints on its own (a port event) may come with a prompt of
    # its own, and the count would run ahead of the commands.
    proc Resync {d} {
        set n -1
        while {$n != [string length [::dut::Get $d log]]} {
            set n [string length [::dut::Get $d log]]
            ::dut::until 0 200
        }
        ::dut::Set $d buf {} base [::dut::Get $d sent] seen [::dut::Get $d sent]
    }

    # The transmit kick (see the header), every kick_ms while the DUT runs;
    # while a command waits for its answer, it comes right after.
    proc Kick {d} {
        variable kick_ms
        if {![dict exists $::dut::labs $d] || [::dut::Get $d chan] eq {} || [::dut::Get $d eof]} return
        if {[::dut::Get $d busy] || [::dut::Get $d seen] < [::dut::Get $d sent]} {
            ::dut::Set $d kick [after 10 [list ::dut::dpdk::Kick $d]]
            return
        }
        Send $d stop "start tx_first"
        ::dut::Set $d kick [after $kick_ms [list ::dut::dpdk::Kick $d]]
    }

    # The EAL file prefix: its runtime directory (/var/run/dpdk/PREFIX) is
    # removed when testpmd has gone.
    proc Prefix {d} {return lacp[pid]$d}

    proc Kill {d} {
        after cancel [::dut::Get $d kick]
        set ch [::dut::Get $d chan]
        if {$ch eq {}} return
        set pids [pid $ch]
        catch {puts $ch quit; flush $ch}
        ::dut::until {[::dut::Get $d eof]} 3000 10
        lab::kill {*}$pids
        catch {fconfigure $ch -blocking 1}
        catch {::close $ch}
        ::dut::Set $d chan {} kick {}
        file delete -force [file join /var/run/dpdk [Prefix $d]]
    }

    proc stop {d} {Kill $d}

    proc set_link {d index updown} {
        set e [lindex [::dut::Get $d ours] $index]
        exec ip -n [dict get $e netns] link set [dict get $e interface] $updown
    }

    # testpmd prints the 16-bit fields as they are stored, in network
    # order, read as host (little-endian) numbers: port key 33 shows as
    # 8448. Swapping the octets back gives the values on the wire.
    proc Swap16 {n} {
        expr {(($n & 0xff) << 8) | (($n >> 8) & 0xff)}
    }

    variable words {ACTIVE A TIMEOUT T AGGREGATION G SYNCHRONIZATION S
        COLLECTING C DISTRIBUTING D DEFAULTED F EXPIRED E}

    proc Letters {text} {
        variable words
        set s {}
        foreach {w l} $words {if {$w in $text} {append s $l}}
        return [expr {$s eq {} ? "N" : $s}]
    }

    # "show bonding lacp info BOND" -> {INDEX {actor .. partner .. selection ..
    # aggregator ..} ...}, INDEX the member's DPDK port id.
    proc ParseLacp {text} {
        set r {}
        set k {}
        set who {}
        foreach line [split $text \n] {
            set line [string trim $line]
            if {[regexp {^Slave Port: (\d+)} $line -> k]} {
                dict set r $k {}
                continue
            }
            if {$k eq {}} continue
            switch -regexp -matchvar mv -- $line {
                {^IEEE802.3 port} {set k {}}
                {^Aggregator port id: (\d+)} {dict set r $k aggregator [lindex $mv 1]}
                {^selection: (\S+)} {dict set r $k selection [lindex $mv 1]}
                {^Actor detail} {set who actor}
                {^Partner detail} {set who partner}
                {^system priority: (\d+)} {dict set r $k $who system_priority [Swap16 [lindex $mv 1]]}
                {^system mac address: (\S+)} {dict set r $k $who system [string tolower [lindex $mv 1]]}
                {^port key: (\d+)} {dict set r $k $who key [Swap16 [lindex $mv 1]]}
                {^port priority: (\d+)} {dict set r $k $who port_priority [Swap16 [lindex $mv 1]]}
                {^port number: (\d+)} {dict set r $k $who port [Swap16 [lindex $mv 1]]}
                {^port state:(.*)$} {dict set r $k $who state [Letters [lindex $mv 1]]}
            }
        }
        return $r
    }

    # testpmd shows no LACPDU counters
    proc counters {d} {return {}}

    proc view {d} {
        # an answer cut short (the prompt count ran ahead) is asked again
        for {set try 0} {$try < 3} {incr try} {
            set out [Cmd $d "show bonding lacp info [::dut::Get $d bond]"]
            set info [ParseLacp $out]
            if {[dict size $info] == [llength [::dut::Get $d members]]} break
            Resync $d
        }
        set ms {}
        set k 0
        foreach m [::dut::Get $d members] {
            if {![dict exists $info $k actor state]} {
                error "testpmd does not report member $k: $out"
            }
            set i [dict get $info $k]
            # DPDK's own idea of the link (af_packet reports it up at start
            # and does not follow the carrier)
            set up [regexp {Link status: up} [Cmd $d "show port info $k"]]
            dict set ms $m [dict create actor [dict get $i actor] partner [dict get $i partner] \
                selected [expr {[dict get $i selection] eq "SELECTED"
                                && [string match *CD* [dict get $i actor state]]}] \
                up $up aggregator [dict get $i aggregator] \
                selection [dict get $i selection]]
            incr k
        }
        return [dict create members $ms]
    }
}
