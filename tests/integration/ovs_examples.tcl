# SPDX-License-Identifier: GPL-3.0-or-later
# Every scenario script in examples/ run against Open vSwitch, as a user
# would run it against a switch: `lacpsh examples/NAME.tcl -netns NS t1
# t2`, a fresh switch each time. The verdict the script prints must be the
# one OVS 3.1 deserves - FAIL where it departs from 802.1AX: it has no
# Marker Responder, no transmit limit, and does not withdraw Collecting
# and Distributing when its partner leaves Sync (sync_flap -strict) - and
# OVS's own view is checked where the wire cannot show it.
source [file join [file dirname [info script]] lib netns.tcl]
source [file join [file dirname [info script]] lib ovs.tcl]
package require lacp

set examples [file normalize [file join [file dirname [info script]] .. .. examples]]

# Runs examples/NAME.tcl against a fresh OVS lab.
#   -args LIST     command-line options of the script
#   -ovs LIST      ovs::start options
#   -links N       number of links (2)
#   -expect V      PASS or FAIL
#   -during EXPR   an expression on OVS (H) polled while it runs; the test
#                  records in ::during whether it ever held
#   -why TEXT      for an expected FAIL: the text the FAIL line must contain
#   -after SCRIPT  checks on OVS's view afterwards, with H (the switch),
#                  OUT (what the script printed) and ::during set
# LACP_EXAMPLES (environment) may name the scripts to run, e.g. "marker basic".
proc example {name args} {
    global examples
    set o [dict merge {-args {} -ovs {} -links 2 -expect PASS -during 0 -why {} -after {}} $args]
    if {[info exists ::env(LACP_EXAMPLES)] && $name ni $::env(LACP_EXAMPLES)} return
    ovs::cleanup
    set lab [ovs::lab -links [dict get $o -links] {*}[dict get $o -ovs]]
    set h [dict get $lab ovs]
    set cmd [list [file join $t::bin lacpsh] [file join $examples $name.tcl] \
                 -netns [dict get $lab tester] {*}[dict get $o -args] {*}[dict get $lab ours]]
    set t0 [clock milliseconds]
    set f [open |[concat $cmd [list 2>@1]] r]
    lappend ::lab::pids {*}[pid $f]
    fconfigure $f -blocking 0
    set ::exout($name) {}
    set ::exeof($name) 0
    fileevent $f readable [list apply {{f name} {
        append ::exout($name) [read $f]
        if {[eof $f]} {set ::exeof($name) 1; fileevent $f readable {}}
    }} $f $name]
    set ::during 0
    set cond [dict get $o -during]
    while {!$::exeof($name)} {
        if {!$::during && [catch {expr $cond} v] == 0 && $v} {set ::during 1}
        ovs::until {$::exeof($name)} 50
        if {[clock milliseconds] - $t0 > 120000} {
            catch {exec kill [pid $f]}
            break
        }
    }
    fconfigure $f -blocking 1
    set code 0
    if {[catch {close $f} msg opts]} {
        set ec [dict get $opts -errorcode]
        set code [expr {[lindex $ec 0] eq "CHILDSTATUS" ? [lindex $ec 2] : -1}]
    }
    set took [expr {[clock milliseconds] - $t0}]
    set out $::exout($name)
    puts "---- $name [dict get $o -args] ([expr {$took / 1000.0}] s, exit $code)"
    puts [string trimright $out]
    set verdict [lindex [regexp -all -inline -line {^(?:PASS|FAIL): .*$} $out] end]
    set want [dict get $o -expect]
    t::check "$name: $want (exit [expr {$want eq "PASS" ? 0 : 1}])" {
        [string match "$want: *" $verdict] && $code == ($want eq "PASS" ? 0 : 1)
        && [string match "*[dict get $o -why]*" $verdict]
    } {got exit $code, "$verdict"}
    eval [dict get $o -after]
    ovs::cleanup
}

ovs::run {
    # usage errors exit 2 with a usage line
    set f [open |[list [file join $t::bin lacpsh] [file join $examples basic.tcl] -frobnicate 1 2>@1]]
    set out [read $f]
    set code [expr {[catch {close $f} msg opts] ? [lindex [dict get $opts -errorcode] 2] : 0}]
    t::check "a usage error exits 2 with a usage line" {$code == 2 && [string match "*usage: lacpsh examples/basic.tcl*" $out]} {$code $out}

    example basic -after {
        set v [ovs::show $h]
        t::check "basic: OVS agrees: negotiated, both members attached and enabled" {
            [dict get $v negotiated] && [dict get $v members d1 attached] && [dict get $v members d2 attached]
            && [dict get [ovs::bond $h] members d1 enabled] && [dict get [ovs::bond $h] members d2 enabled]
        } {$v}
    }

    example passive_dut -ovs {-lacp passive} -args {-silence 2000} -after {
        t::check "passive_dut: OVS is passive and negotiated" {
            [dict get [set v [ovs::show $h]] status] eq "passive" && [dict get $v negotiated]
        } {$v}
    }
    example passive_dut -ovs {-lacp active} -args {-silence 1500 -settle 3000} -expect FAIL -why "not passive"

    example dut_timeout -after {
        set st [ovs::stats $h]
        t::check "dut_timeout: OVS counted one expiry and one default on d1, no expiry on d2" {
            [dict get $st d1 link_expired] == 1 && [dict get $st d1 link_defaulted] == 1
            && [dict get $st d2 link_expired] == 0
        } {$st}
        t::check "dut_timeout: d1 is back in the bond" {[dict get [ovs::bond $h] members d1 enabled]}
    }

    # -strict 1: OVS never withdraws Collecting/Distributing on the wire,
    # it only disables the member inside the bond
    example sync_flap -args {-flaps 2 -hold 1200 -strict 1} -expect FAIL -why "stopped collecting and distributing" \
        -during {![dict get [ovs::bond $h] members d1 enabled]} -after {
        t::check "sync_flap: the DUT saw each flap and recovered" {
            [regexp -all {ok: flap \d: the DUT saw our Sync go} $out] == 2
            && [regexp -all {ok: flap \d: recovered within} $out] == 2
            && [string match "*ok: the other links stayed up*" $out]
        }
        t::check "sync_flap: OVS disabled d1 during the flaps and enabled it after" {
            $::during && [dict get [ovs::bond $h] members d1 enabled] && [dict get [ovs::bond $h] members d2 enabled]
        }
    }

    example key_mismatch -during {![dict get [set b [ovs::bond $h]] members d1 enabled] || ![dict get $b members d2 enabled]} -after {
        t::check "key_mismatch: OVS disabled the mismatched member meanwhile, and enabled both at the end" {
            $::during && [dict get [ovs::bond $h] members d1 enabled] && [dict get [ovs::bond $h] members d2 enabled]
        }
    }

    example individual -args {-observe 1500} -after {
        set v [ovs::member $h d1]
        t::check "individual: OVS records us as individual on d1 (and bonds it anyway)" {
            ![string match *G* [dict get $v partner state]] && [dict get $v attached]
        } {$v}
    }

    example malformed -args {-observe 3200} -after {
        regexp {sent (\d+) malformed PDUs} $out -> n
        set st [ovs::stats $h]
        t::check "malformed: OVS counted the $n PDUs as bad" {[dict get $st d1 rx_bad_pdus] == $n} {$st}
    }

    example marker -args {-count 2 -response-timeout 500} -expect FAIL -why "every Marker PDU answered" -after {
        set st [ovs::stats $h]
        t::check "marker: OVS counted the Marker PDUs it does not answer" {
            [dict get $st d1 rx_marker_request_pdus] == 2 && [dict get $st d2 rx_marker_request_pdus] == 2
        } {$st}
    }

    # steady state fine; provoked, OVS has no transmit limit
    example tx_rate -args {-duration 3000 -provoke 10} -expect FAIL -why "when provoked" -after {
        t::check "tx_rate: OVS's periodic interval is right on both links" {
            [regexp -all {ok: t\d: mean interval} $out] == 2
            && [regexp -all {ok: t\d: at most 3 LACPDUs in any second of the steady state} $out] == 2
        }
    }

    example identity_change -after {
        set v [ovs::show $h]
        regexp {changes from \S+ to (\S+)} $out -> new
        t::check "identity_change: OVS's partner is the new system on both members" {
            [dict get $v members d1 partner sys_id] eq $new && [dict get $v members d2 partner sys_id] eq $new
            && [dict get $v negotiated] && [dict get $v members d1 may_enable] && [dict get $v members d2 may_enable]
        } {$v}
    }
}
