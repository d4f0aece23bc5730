# SPDX-License-Identifier: GPL-3.0-or-later
# lacpctlc round trip, process start included (run by tclsh; root not
# needed):
#
#   tclsh bench/ctl.tcl ?-n CALLS?
#
# Starts lacpctld in the foreground on a socket in a fresh directory, then
# bench/ctl_rtt.c runs `lacpctlc -s SOCKET -c {set x 1}` CALLS times (default
# 1000, after 20 warm-up calls) one after the other, each timed from just
# before its spawn to its reaping, next to as many spawns of /bin/true and
# as many round trips made from the measuring process itself (no spawn:
# the daemon's share). lacpctlc is linked statically, against musl when
# the build found musl-gcc; the same calls follow with the client linked
# statically against glibc and dynamically (bench/lacpctlc-*), which shows
# what the C library's start-up and the dynamic loader cost each call.
source [file join [file dirname [info script]] lib.tcl]

set n 1000
foreach {k v} $argv {
    switch -- $k {
        -n {set n $v}
        default {puts stderr "usage: tclsh bench/ctl.tcl ?-n CALLS?"; exit 64}
    }
}
set bench::needroot 0

bench::run "lacpctlc round trip: $n sequential calls of {set x 1}, process start included" {
    set sock [file join $bench::tmp ctl.sock]
    set pid [bench::spawn $bench::tmp/lacpctld.out [bench::bin lacpctld] -f -s $sock]
    set deadline [expr {[clock milliseconds] + 10000}]
    while {![file exists $sock]} {
        if {[clock milliseconds] > $deadline || ![bench::alive $pid]} {
            error "lacpctld did not create $sock"
        }
        after 10
    }
    bench::measure [bench::bin ctl_rtt] -c [bench::bin lacpctlc] -s $sock -n $n -e {set x 1}
    # the client linked the other ways (bench/CMakeLists.txt)
    foreach {variant key} {lacpctlc-glibc-static ctl_rtt_glibc_static lacpctlc-dynamic ctl_rtt_dynamic} {
        if {[catch {bench::bin $variant} client]} continue
        set out [exec [bench::bin ctl_rtt] -c $client -s $sock -n $n -e {set x 1}]
        foreach line [split $out \n] {
            if {[regexp {^RESULT ctl_rtt (.*)$} $line -> rest]} {
                puts "RESULT $key $rest"
                lappend bench::results "$key $rest"
            } elseif {[string match "*lacpctlc round trip*" $line]} {
                puts [string map [list "lacpctlc round trip" [format %-19s $variant]] $line]
            }
        }
    }
    bench::kill $pid
}
