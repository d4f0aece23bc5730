# SPDX-License-Identifier: GPL-3.0-or-later
# Every use case of lacpd's README, with lacpd's words verbatim after the
# program name, run by lacpsh on eth0/eth1 in a namespace whose other ends
# are the ports of a second lacpsh (the peer) in another namespace. The status
# and kill examples name the namespace my_namespace, as the README does.
source [file join [file dirname [info script]] lacpd_lib.tcl.inc]
t::require_root
package require lacp

t::run {
    set dut my_namespace
    if {$dut in [lmap l [split [exec ip netns list] \n] {lindex $l 0}]} {
        error "a namespace named my_namespace exists already: not touching it"
    }
    exec ip netns add $dut
    lappend ::lab::namespaces $dut
    exec ip -n $dut link set lo up
    set peer [t::netns peer]
    t::veth $dut eth0 $peer pe0
    t::veth $dut eth1 $peer pe1
    set q [ld::peer $peer {pe0 pe1} {}]
    set log [file join $t::tmp lacpd-readme-[pid].log]
    cd $t::tmp

    # Runs a foreground example until -s shows its interfaces negotiated,
    # then stops it with SIGTERM; returns its log.
    proc foreground {ifs args} {
        upvar log log dut dut
        set pid [ld::start $dut $log {*}$args]
        set st [ld::status_when $dut $ifs COLLECTING_DISTRIBUTING 10000]
        exec kill -TERM $pid
        set gone [ld::gone $pid 5000]
        list $st $gone [ld::read_file $log] [ld::sockets]
    }

    # Runs a foreground example until its log matches PATTERN (10 s at
    # most), then stops it; returns whether it matched, and the log.
    proc logged {pattern args} {
        upvar log log dut dut
        set pid [ld::start $dut $log {*}$args]
        set ok [t::until {[string match $pattern [ld::read_file $log]]} 10000]
        exec kill -TERM $pid
        ld::gone $pid 5000
        list $ok [ld::read_file $log]
    }

    # ---- Basic Usage
    lassign [foreground eth0 -i eth0] st gone out socks
    t::check "lacpd -i eth0: negotiates, stops on SIGTERM, removes its socket" \
        {$st ne "" && $gone && $socks eq {} && [string match "*Shutting down LACP daemon...*" $out]} {$st $out $socks}

    lassign [foreground {eth0 eth1} -i eth0 -i eth1] st gone
    t::check "lacpd -i eth0 -i eth1: both interfaces negotiate" {$st ne "" && $gone} {$st}
    t::check "  one system for both, the MAC of eth0" {[llength [lsort -unique [regexp -all -inline {Actor State:\n      System: (\S+)} $st]]] == 2 && [string match "*System: [exec ip netns exec $dut cat /sys/class/net/eth0/address] *" $st]} {$st}

    lassign [ld::run $dut -i eth0 -d] code out err
    t::check "lacpd -i eth0 -d: returns at once with 0" {$code == 0 && $out eq "" && $err eq ""} {$code $out $err}
    set st [ld::status_when $dut eth0 COLLECTING_DISTRIBUTING 10000]
    t::check "  the daemon negotiates" {$st ne ""} {$st}
    lassign [ld::run $dut -k] code out err
    t::check "  lacpd -k stops it" {$code == 0 && [ld::sockets] eq {} && [string match "*Successfully terminated 1*" $err]} {$code $err}

    lassign [foreground eth0 -i eth0 --passive] st gone
    t::check "lacpd -i eth0 --passive: negotiates with an active peer" {$st ne "" && [string match "*Mode: passive*" $st]} {$st}

    lassign [foreground eth0 -i eth0 --rate slow] st gone
    t::check "lacpd -i eth0 --rate slow: negotiates, actor without T" {$st ne "" && [string match "*Configured Rate: slow*" $st] && [regexp {Actor State:\n(?:[^\n]*\n){3}      State:  \d+ \(ACTIVE, AGGREGATION} $st]} {$st}

    # ---- Status Query and Process Management
    lassign [ld::run $dut -i eth0 -i eth1 -d] code
    set st [ld::status_when $dut {eth0 eth1} COLLECTING_DISTRIBUTING 10000]
    t::check "lacpd -s: text status of both interfaces" {$code == 0 && [regexp {^--- Daemon PID: \d+ \(Namespace: net:\[\d+\], Mode: active, Configured Rate: fast\) ---} $st] && [string match "*Interface: eth0*Interface: eth1*" $st]} {$st}
    lassign [ld::run "" -s -n my_namespace] code out
    t::check "lacpd -s -n my_namespace: the same from outside" {$code == 0 && [string match "*Interface: eth0*Interface: eth1*" $out]} {$code $out}
    lassign [ld::run "" -s] code out err
    t::check "  nothing in the namespace of the test" {$code == 1 && $err eq "lacpsh: error: No LACP daemons found in the target namespace."} {$code $out $err}
    lassign [ld::run $dut -s -i eth0] code out
    t::check "lacpd -s -i eth0: only eth0" {$code == 0 && [string match "*Interface: eth0*" $out] && ![string match "*eth1*" $out]} {$out}
    lassign [ld::run $dut -s -j] code json
    set head {^\[\{"pid": \d+, "net_ns_id": "net:\[\d+\]", "configured_rate_mode": "fast", "active_mode": true, "ports": \[\{"interface": "eth0", }
    set body "*\"mux_state\": \"COLLECTING_DISTRIBUTING\", \"selected\": true, \"actor\": \{\"system_priority\": 32768, \"system\": \"*"
    t::check "lacpd -s -j: one line of JSON, lacpd's keys" {$code == 0 && [llength [split $json \n]] == 1 && [regexp $head $json] && [string match $body $json]} {$json}
    lassign [ld::run $dut -s -p] code pretty
    t::check "lacpd -s -p: the same JSON, indented by 4" {$code == 0 && [lindex [split $pretty \n] 1] eq "    \{" && [string map {", " ","} $json] eq [regsub -all {\n *} $pretty ""]} {$pretty}
    lassign [ld::run $dut -k] code out err
    t::check "lacpd -k: stops the daemon of the current namespace" {$code == 0 && [ld::sockets] eq {}} {$code $err}
    lassign [ld::run $dut -i eth0 -d] code
    ld::status_when $dut eth0 COLLECTING_DISTRIBUTING 10000
    lassign [ld::run "" -k -n my_namespace] code out err
    t::check "lacpd -k -n my_namespace: stops it from outside" {$code == 0 && [ld::sockets] eq {} && [string match "*in namespace: my_namespace*" $err]} {$code $err}

    # ---- Advanced Options
    lassign [foreground eth0 -i eth0 --log-level DEBUG] st gone out
    t::check "lacpd -i eth0 --log-level DEBUG" {[string match "*- DEBUG - Received LACPDU from partner on eth0, partner state: *" $out]} {$out}

    set varlog /var/log/lacpd.log
    set mine [expr {![file exists $varlog]}]
    if {!$mine} {set varlog [file join $t::tmp lacpd-[pid].log]}
    lassign [foreground eth0 -i eth0 --log-file $varlog] st gone out
    set saved [ld::read_file $varlog]
    if {$mine} {file delete $varlog}
    t::check "lacpd -i eth0 --log-file /var/log/lacpd.log: lines in the file and on stderr" {[string match "*- INFO - eth0 state changed: A:*" $saved] && [string match "*eth0 state changed*" $out]} {$saved}

    # P:AT: the peer is an Individual (no G), fast and active, and not in
    # sync yet (its Mux waits long)
    ld::stop $q
    set q [ld::peer $peer {pe0 pe1} {-aggregation 0 -wait-while 600000}]
    lassign [logged "*Inject rule configured for eth0: A:ATG|P:AT -> A:AT*Inject rule triggered on eth0: Actor state ATG -> AT*" -i eth0 --inject "A:ATG|P:AT -> A:AT"] ok out
    t::check {lacpd -i eth0 --inject "A:ATG|P:AT -> A:AT"} {$ok} {$out}

    lassign [logged "*configured for eth0: P:AT -> A:ATG*configured for eth0: A:ATG -> P:AT*triggered on eth0: Partner state * -> AT*" -i eth0 --inject "P:AT -> A:ATG" --inject "A:ATG -> P:AT"] ok out
    t::check {lacpd -i eth0 --inject "P:AT -> A:ATG" --inject "A:ATG -> P:AT"} {$ok} {$out}

    lassign [ld::run $dut -i eth0 --inject "P:AT -> A:ATG" --exit-after-inject] code out err
    t::check {lacpd -i eth0 --inject "P:AT -> A:ATG" --exit-after-inject: exits 0 by itself} {$code == 0 && [string match "*Inject rule triggered on eth0: Actor state * -> ATG*Exiting after successful injection and LACPDU transmission on eth0*" $err] && [ld::sockets] eq {}} {$code $err}

    file delete daemon.log
    lassign [ld::run $dut -i eth0 -i eth1 --passive --rate slow -d --log-level INFO --log-file daemon.log --inject "P:AT -> A:ATG" --inject "A:ATG -> P:AT" --exit-after-inject] code out err
    set ended [t::until {[string match "*Exiting after successful injection*" [ld::read_file daemon.log]]} 10000]
    t::until {[ld::sockets] eq {}} 5000
    t::check "the README's combined example: returns, injects, exits, cleans up" {$code == 0 && $err eq "" && $ended && [ld::sockets] eq {}} {$code $err [ld::read_file daemon.log]}
    set pat {*Starting LACP simulation on interfaces: \['eth0', 'eth1'\] in passive mode with slow rate (daemon)*}
    t::check "  started passive, slow, in the background" {[string match $pat [ld::read_file daemon.log]]} {[ld::read_file daemon.log]}
    file delete daemon.log

    # ---- the inject examples of "State Injection Feature", accepted as written
    foreach rule {"P:AT -> A:AT" "A:ATG|P:AT -> A:AT" "A:0x40|P:64 -> A:0x80" "A:ATG -> P:AT"} {
        set pat "*Inject rule configured for eth0: $rule*"
        if {$rule ne "A:0x40|P:64 -> A:0x80"} {
            # (an actor with only F set never happens: that one never fires)
            append pat "Inject rule triggered on eth0*"
        }
        lassign [logged $pat -i eth0 --inject $rule] ok out
        t::check "--inject \"$rule\"" {$ok} {$out}
    }

    # ---- Debugging
    file delete debug.log
    set pid [ld::start $dut $log -i eth0 --log-level DEBUG --log-file debug.log]
    t::check "lacpd -i eth0 --log-level DEBUG --log-file debug.log" {[t::until {[string match "*DEBUG - Sent LACPDU on eth0*" [ld::read_file debug.log]]} 10000]} {[ld::read_file debug.log]}
    ld::stop $pid
    file delete debug.log

    lassign [ld::run "" --help] code out
    t::check "lacpd --help" {$code == 0 && [string match "usage: lacpsh *--exit-after-inject*" $out]} {$out}

    # a socket left by an instance that died is removed by -s
    file stat /run/netns/$dut nsstat
    set ino $nsstat(ino)
    set stale [file join $ld::rundir lacpsh.ns$ino.999999.sock]
    close [lacp::unix listen $stale]
    lassign [ld::run $dut -s] code out err
    t::check "lacpd -s removes a stale socket" {$code == 1 && ![file exists $stale] && [string match "*Removed stale socket: $stale*" $err]} {$code $err}
    file delete $log
    ld::finish
}
