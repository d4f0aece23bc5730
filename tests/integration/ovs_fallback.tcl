# SPDX-License-Identifier: GPL-3.0-or-later
# examples/fallback.tcl against Open vSwitch, as a user runs it: our ports
# play a switch in LACP fallback (vendor behaviour) while they do not hear
# OVS, then hear it. OVS 3.1 advertises Sync, Collecting and Distributing
# towards our fallback partner although it does not record us in sync
# (6.4.15), so the script FAILs on that point and only on it; once it
# hears OVS, every link comes up (doc/interop-systems.md).
source [file join [file dirname [info script]] lib netns.tcl]
source [file join [file dirname [info script]] lib ovs.tcl]
package require lacp

set example [file normalize [file join [file dirname [info script]] .. .. examples fallback.tcl]]

ovs::run {
    foreach mode {individual static} {
        set lab [ovs::lab]
        set h [dict get $lab ovs]
        set cmd [list [file join $t::bin lacpsh] $example -fallback $mode \
                     -netns [dict get $lab tester] {*}[dict get $lab ours]]
        set code [catch {exec {*}$cmd 2>@1} out opts]
        puts [string trimright $out]
        set ec [expr {$code ? [dict get $opts -errorcode] : {}}]
        t::check "examples/fallback.tcl -fallback $mode: FAIL (exit 1) for Collecting/Distributing" {
            [lindex $ec 0] eq "CHILDSTATUS" && [lindex $ec 2] == 1
            && [regexp -line {^FAIL: t1: the DUT did not collect or distribute towards our fallback} $out]
        } {$ec}
        t::check "OVS's first LACPDU: ATGSCD (E once it timed us out), seeing us out of Sync (ATGCDF)" {
            [regexp -line {^  t1: the DUT's first LACPDU: .* state ATGSCDE?; it saw us as .* state ATGCDF$} $out]
        }
        t::check "everything else holds: we fall back, and all links come up once we hear OVS" {
            [regexp -line {^  ok: our links fall back} $out]
            && [regexp -line {^  ok: every link up within} $out]
            && [llength [regexp -all -line -inline {^  NOT OK: } $out]] == 2
        }
        set b [ovs::bond $h]
        t::check "OVS enables both members afterwards" {
            [dict get $b members d1 enabled] && [dict get $b members d2 enabled]
        } {$b}
        ovs::cleanup
    }
}
