# SPDX-License-Identifier: GPL-3.0-or-later
# examples/fallback.tcl against the Linux bonding driver (in a qemu guest):
# our ports play a switch in LACP fallback (vendor behaviour) while they do
# not hear the guest, then hear it. The driver does not take our fallback
# partner, which does not echo it, for in sync (6.4.9), so it neither
# collects nor distributes meanwhile, and every link comes up once we hear
# it: the script passes, with -fallback individual and static
# (doc/interop-systems.md).
source [file join [file dirname [info script]] lib netns.tcl]
source [file join [file dirname [info script]] lib bond.tcl]
package require lacp

set example [file normalize [file join [file dirname [info script]] .. .. examples fallback.tcl]]

bond::run {
    set lab [bond::lab]
    set g [dict get $lab guest]
    set ns [dict get $lab ns]
    foreach mode {individual static} {
        set code [catch {exec [file join $t::bin lacpsh] $example -fallback $mode \
                             -netns $ns {*}[dict get $lab taps] 2>@1} out opts]
        puts [string trimright $out]
        t::check "examples/fallback.tcl -fallback $mode: PASS against the bonding driver" {
            $code == 0 && [regexp -line {^PASS: the DUT ignored our fallback} $out]
        } {[expr {$code ? [dict get $opts -errorcode] : {}}]}
    }
}
