# SPDX-License-Identifier: GPL-3.0-or-later
# examples/max_links.tcl and examples/fallback.tcl against a partner that
# follows 802.1AX: a second lacpsh in another namespace, three plain ports.
# It keeps our standby link out of the LAG (ATGS there: no Collecting or
# Distributing without our Sync, 6.4.15), and does not collect or
# distribute towards our fallback partner, so both scripts PASS; they FAIL
# against Open vSwitch on exactly those points (the DUT scenarios max_links and
# examples, tests/dut/scenarios).
source [file join [file dirname [info script]] lib netns.tcl]
t::require_root
package require lacp

set examples [file normalize [file join [file dirname [info script]] .. .. examples]]

t::run {
    set a [t::netns a]
    set b [t::netns b]
    foreach i {1 2 3} {t::veth $a t$i $b d$i}
    set peer [file join $t::tmp peer-[pid].tcl]
    set f [open $peer w]
    puts $f {
        foreach i {1 2 3} {lacp::port create d$i -interface d$i}
        vwait forever
    }
    close $f
    t::spawn $b $peer [file join $t::tmp peer-[pid].log]
    set code [catch {exec [file join $t::bin lacpsh] [file join $examples max_links.tcl] \
                         -netns $a t1 t2 t3 2>@1} out opts]
    puts [string trimright $out]
    t::check "examples/max_links.tcl: PASS (exit 0)" {
        $code == 0 && [regexp -line {^PASS: the DUT kept 1 standby link\(s\) out} $out]
    } {[expr {$code ? [dict get $opts -errorcode] : {}}]}
    t::check "the partner showed ATGS on the standby link" {
        [regexp -line {^  t3: DUT   .* state ATGS$} $out]
    }
    set code [catch {exec [file join $t::bin lacpsh] [file join $examples fallback.tcl] \
                         -netns $a t1 t2 2>@1} out opts]
    puts [string trimright $out]
    t::check "examples/fallback.tcl: PASS (exit 0)" {
        $code == 0 && [regexp -line {^PASS: the DUT ignored our fallback} $out]
    } {[expr {$code ? [dict get $opts -errorcode] : {}}]}
    t::check "the partner's first LACPDU after our fallback: no Collecting, no Distributing" {
        [llength [regexp -all -line -inline {^  ok: t\d: the DUT did not collect or distribute} $out]] == 2
    }
    file delete $peer
}
