# SPDX-License-Identifier: GPL-3.0-or-later
# lacp-conform, the program, on two veth links to a lacp DUT run by this
# process in another namespace: exit 0 with every report written when the
# DUT is right, 1 when it is not (no Marker Responder), 2 on a usage or
# setup error, and -list without root or links.
source [file join [file dirname [info script]] lib netns.tcl]
package require lacp

# Runs lacp-conform ARGS while this process keeps the DUT's ports running;
# returns {exit-code output}.
proc conform {args} {
    set prog [file join $t::bin lacp-conform]
    set ch [open |[list $prog {*}$args 2>@1] r]
    fconfigure $ch -blocking 0
    set ::cli_out($ch) {}
    fileevent $ch readable [list apply {{ch} {
        append ::cli_out($ch) [read $ch]
        if {[eof $ch]} {set ::cli_done($ch) 1}
    }} $ch]
    vwait ::cli_done($ch)
    fconfigure $ch -blocking 1
    set code 0
    if {[catch {close $ch} msg o]} {
        set ec [dict get $o -errorcode]
        set code [expr {[lindex $ec 0] eq "CHILDSTATUS" ? [lindex $ec 2] : -1}]
    }
    return [list $code $::cli_out($ch)]
}

proc contents {f} {
    set c [open $f]
    set s [read $c]
    close $c
    return $s
}

t::run {
    t::require_root
    set us [t::netns cu]
    set them [t::netns cd]
    foreach k {1 2} {
        t::veth $us t$k $them d$k
        lacp::port create dut$k -interface d$k -netns $them -system 02:00:00:00:d0:02
    }
    set dir [file join $t::tmp conform-cli-[pid]]
    file mkdir $dir
    lassign [conform -i t1 -i t2 -netns $us -quick -case marker.* -case pdu.v1.accepted \
                 -json $dir/r.json -junit $dir/r.xml -html $dir/r.html -evidence $dir/ev] code out
    t::check "a correct DUT: exit 0" {$code == 0} {$out}
    t::check "a progress line per case and the summary" {
        [regexp -all {\n?\s*\d+/5 PASS} $out] == 5 && [string match "*summary: 5 pass, 0 fail, 0 skip, 0 error*" $out]
    } {$out}
    t::check "JSON, JUnit and HTML written" {
        [string match {*"summary": {"pass": 5, "fail": 0, "skip": 0, "error": 0}*} [contents $dir/r.json]]
        && [string match {*<testsuite name="lacp-conform" tests="5" failures="0"*} [contents $dir/r.xml]]
        && [string match {*<h2 id="marker.response"*<svg*} [contents $dir/r.html]]
    }
    t::check "evidence: pcaps and ladders" {
        [file size $dir/ev/marker_response-link1.pcap] > 24 && [file exists $dir/ev/marker_response.svg]
    }
    foreach k {1 2} {dut$k configure -marker-responder 0}
    lassign [conform -i t1 -i t2 -netns $us -case marker.response] code out
    t::check "a DUT without Marker Responder: exit 1, expected and observed printed" {
        $code == 1 && [string match "*FAIL Marker Responses: expected 1, observed 0*" $out]
    } {$code $out}
    lassign [conform -i nosuch0 -netns $us] code out
    t::check "a missing interface: exit 2, one line" {
        $code == 2 && [llength [split [string trim $out] \n]] == 1
    } {$code $out}
    lassign [conform -i t1 -dut-mode sideways -netns $us] code out
    t::check "a bad -dut-mode: exit 2" {$code == 2} {$code $out}
    lassign [conform -list] code out
    t::check "-list: every case, exit 0" {$code == 0 && [llength [split [string trim $out] \n]] >= 50} {$out}
    file delete -force $dir
}
