# SPDX-License-Identifier: GPL-3.0-or-later
# Every scenario script in examples/ run against the Linux bonding driver,
# as a user would run it against a switch: `lacpsh examples/NAME.tcl
# -netns NS tap0 tap1`, with one qemu guest for all of them and its bond0
# made afresh before each (bond_reset: every partner forgotten). The
# verdict each script prints must be the one the driver (Debian 12's 6.1)
# deserves, and the guest's own view is checked where the wire cannot show
# it. demo.tcl is not a scenario against a DUT (it runs its own Open
# vSwitch) and is left out.
source [file join [file dirname [info script]] lib netns.tcl]
source [file join [file dirname [info script]] lib bond.tcl]
package require lacp

set examples [file normalize [file join [file dirname [info script]] .. .. examples]]

# Runs examples/NAME.tcl against the guest's bond, made afresh.
#   -args LIST     command-line options of the script
#   -bond LIST     bond options for this run ({lacp_active off} ...)
#   -expect V      PASS or FAIL
#   -why TEXT      for an expected FAIL: the text the FAIL line must contain
#   -during {NAME EXPR ...}  expressions on the guest (G) polled while the
#                  script runs; ::during(NAME) says whether EXPR ever held
#   -after SCRIPT  checks afterwards, with G (the guest), OUT (what the
#                  script printed) and ::during set. (The script's ports
#                  are gone by then: the guest's view of the LAG is for
#                  -during.)
# LACP_EXAMPLES (environment) may name the scripts to run, e.g. "marker basic".
proc example {name args} {
    global examples lab g
    set o [dict merge {-args {} -bond {} -expect PASS -why {} -during {} -after {}} $args]
    if {[info exists ::env(LACP_EXAMPLES)] && $name ni $::env(LACP_EXAMPLES)} return
    lappend ::ran $name
    bond::reset $g [dict get $o -bond]
    set cmd [list [file join $t::bin lacpsh] [file join $examples $name.tcl] \
                 -netns [dict get $lab ns] {*}[dict get $o -args] {*}[dict get $lab taps]]
    set t0 [clock milliseconds]
    set f [open |[concat $cmd [list 2>@1]] r]
    fconfigure $f -blocking 0
    set ::exout($name) {}
    set ::exeof($name) 0
    fileevent $f readable [list apply {{f name} {
        append ::exout($name) [read $f]
        if {[eof $f]} {set ::exeof($name) 1; fileevent $f readable {}}
    }} $f $name]
    unset -nocomplain ::during
    foreach {k cond} [dict get $o -during] {set ::during($k) 0}
    # polled until the script ends, and 400 ms longer: the guest reports
    # what it did last up to 100 ms (its polling) after it did it
    set end 0
    while {!$end || [clock milliseconds] - $end < 400} {
        foreach {k cond} [dict get $o -during] {
            if {!$::during($k) && [catch {uplevel #0 [list expr $cond]} v] == 0 && $v} {set ::during($k) 1}
        }
        bond::until {$::exeof($name)} 50
        if {$::exeof($name) && !$end} {set end [clock milliseconds]}
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
    puts "---- $name [dict get $o -args] [dict get $o -bond] ([expr {$took / 1000.0}] s, exit $code)"
    puts [string trimright $out]
    set verdict [lindex [regexp -all -inline -line {^(?:PASS|FAIL): .*$} $out] end]
    set want [dict get $o -expect]
    if {[llength $want] > 1} {
        # either verdict, a FAIL only for the reason given
        t::check "$name: PASS, or FAIL for \"[dict get $o -why]\"" {
            ([string match "PASS: *" $verdict] && $code == 0)
            || ([string match "FAIL: *[dict get $o -why]*" $verdict] && $code == 1)
        } {got exit $code, "$verdict"}
    } else {
        t::check "$name: $want (exit [expr {$want eq "PASS" ? 0 : 1}])" {
            [string match "$want: *" $verdict] && $code == ($want eq "PASS" ? 0 : 1)
            && [string match "*[dict get $o -why]*" $verdict]
        } {got exit $code, "$verdict"}
    }
    uplevel #0 [list set out $out]
    uplevel #0 [dict get $o -after]
}

bond::run {
    set lab [bond::lab]
    set g [dict get $lab guest]
    lassign [bond::slaves $g] e0 e1
    set ran {}

    # The guest reaches COLLECTING_DISTRIBUTING first as often as not, and
    # does not answer our own change to it (802.1AX asks for none): its
    # LACPDUs echo our new state only from its next periodic one, up to a
    # second later; basic waits that long for the echo. (The script ends
    # soon after, before the guest has reported its last steps - it polls
    # every 100 ms: the guest's side is checked on what it reports earlier.)
    example basic -during {
        together {[bond::slave $g $e0 agg] == [bond::slave $g $e1 agg]
                  && [bond::slave $g $e0 partner_mac] eq [bond::slave $g $e1 partner_mac]
                  && [bond::slave $g $e0 partner_mac] ne "00:00:00:00:00:00"}
    } -after {
        t::check "basic: the guest put both slaves in one aggregator, our system their partner" {$::during(together)}
    }

    # passive: the guest sends a LACPDU at each change of its own state for
    # the first few seconds (expired, then defaulted), then falls silent
    example passive_dut -bond {lacp_active off} -args {-silence 2000 -settle 8000} -during {
        sync {[bond::has [bond::slave $g $e0 partner_state] AS] && [bond::has [bond::slave $g $e1 partner_state] AS]
              && [bond::has [bond::slave $g $e0 actor_state] S] && ![bond::has [bond::slave $g $e0 actor_state] A]}
    } -after {
        t::check "passive_dut: the guest, passive, took us in sync once we turned active" {$::during(sync)}
    }
    example passive_dut -args {-silence 1500 -settle 3000} -expect FAIL -why "not passive"

    # the guest expires the silent link after 3 s (Expired in its next
    # LACPDU) and defaults it 3 s later, then falls silent on it: it never
    # says Defaulted on the wire
    example dut_timeout -during {
        defaulted {[bond::has [bond::slave $g $e0 actor_state] F] && [bond::slave $g $e1 actor_state] == 63}
        back {$::during(defaulted) && [bond::slave $g $e0 partner_mac] ne "00:00:00:00:00:00"}
    } -after {
        t::check "dut_timeout: the guest defaulted $e0 meanwhile (its own report), $e1 staying up" {$::during(defaulted)}
        t::check "dut_timeout: and took us for its partner again once we talked" {$::during(back)}
    }

    # the driver's mux leaves COLLECTING_DISTRIBUTING when we drop Sync
    example sync_flap -args {-flaps 2 -hold 1200 -strict 1} -during {
        out {[bond::slave $g $e0 partner_state] == 7 && [bond::slave $g $e0 actor_state] == 15}
        back {$::during(out) && [bond::all_up $g 63]}
    } -after {
        t::check "sync_flap: the guest took $e0 out during the flaps (15 / 7) and back after" {
            $::during(out) && $::during(back)
        }
    }

    # the second key gets an aggregator of its own, never the active one
    example key_mismatch -args {-observe 3000} -during {
        split {[bond::slave $g $e0 agg] != [bond::slave $g $e1 agg] && [bond::bond $g ports] == 1}
        joined {$::during(split) && [bond::slave $g $e0 agg] == [bond::slave $g $e1 agg]}
    } -after {
        t::check "key_mismatch: the guest had two aggregators meanwhile, one at the end" {
            $::during(split) && $::during(joined)
        }
    }

    # The script cannot see the guest's aggregators; the guest's reports
    # show the driver (6.1) putting the link whose partner says Individual
    # into one aggregator with the aggregatable link, both active - where
    # 802.1AX's selection logic has an Individual link aggregate alone.
    example individual -args {-observe 1500} -during {
        lumped {![bond::has [bond::slave $g $e0 partner_state] G] && [bond::slave $g $e0 agg] == [bond::slave $g $e1 agg]
                && [bond::bond $g ports] == 2 && [bond::slave $g $e0 actor_state] == 63}
    } -after {
        t::check "individual: the guest records us as individual on $e0, yet aggregates it with $e1" {$::during(lumped)}
    }

    # the driver does not check TLV types or lengths: it takes the bogus
    # actor from such a LACPDU (see bond_malformed)
    example malformed -args {-observe 3200} -expect FAIL -why "bogus actor" -after {
        set st [bond::stats $g]
        t::check "malformed: the guest counted the short PDU as illegal and the bad subtypes as unknown" {
            [dict get $st $e0 lacpdu_illegal_rx] == 1 && [dict get $st $e0 lacpdu_unknown_rx] == 2
        } {$st}
    }

    example marker -args {-count 2 -response-timeout 500} -after {
        set st [bond::stats $g]
        t::check "marker: the guest counted the Marker PDUs and its responses" {
            [dict get $st $e0 marker_rx] == 2 && [dict get $st $e0 marker_resp_tx] == 2
            && [dict get $st $e1 marker_rx] == 2 && [dict get $st $e1 marker_resp_tx] == 2
        } {$st}
    }

    # Provoked, the driver sends a LACPDU every third tick of its 100 ms
    # state machine clock (AD_MAX_TX_IN_SECOND 3 becomes a 300 ms gap): four
    # in a second, where 802.1AX allows three.
    example tx_rate -args {-duration 3000 -provoke 10} -expect FAIL -why "when provoked (4)" -after {
        regexp {DUT LACPDUs at ([^\n]*) ms} $out -> times
        set times [lmap x [split $times ,] {string trim $x " +"}]
        set gaps [lmap a [lrange $times 0 end-1] b [lrange $times 1 end] {expr {$b - $a}}]
        t::check "tx_rate: steady state right on both links" {
            [regexp -all {ok: tap\d: mean interval} $out] == 2
            && [regexp -all {ok: tap\d: at most 3 LACPDUs in any second of the steady state} $out] == 2
        }
        t::check "tx_rate: provoked, the guest's LACPDUs are about 300 ms apart ($gaps)" {
            [llength $gaps] >= 3 && [tcl::mathfunc::min {*}[lrange $gaps 0 2]] >= 250
            && [tcl::mathfunc::max {*}[lrange $gaps 0 2]] <= 450
        }
    }

    example identity_change -after {
        regexp {changes from \S+ to (\S+)} $out -> new
        t::check "identity_change: the guest's partner is the new system on both slaves" {
            [bond::slave $g $e0 partner_mac] eq $new && [bond::slave $g $e1 partner_mac] eq $new
        } {[bond::slave $g $e0]}
    }

    # every scenario script has been run, bar the demo and the two whose
    # labs differ (more links, a silent start): bond_max_links and
    # bond_fallback run those
    set all [lmap f [glob -tails -directory $examples *.tcl] {
        set n [file rootname $f]
        if {$n in {lib demo max_links fallback}} continue
        set n
    }]
    if {![info exists ::env(LACP_EXAMPLES)]} {
        t::check "every example ran ([lsort $all])" {[lsort -unique $ran] eq [lsort $all]} {[lsort -unique $ran]}
    }
}
