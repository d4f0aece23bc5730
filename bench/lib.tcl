# SPDX-License-Identifier: GPL-3.0-or-later
# What the benchmark drivers (bench/*.tcl, run by tclsh as root) share:
# where the build is, namespaces and veth pairs created in batches and
# removed on every exit path, processes started in the background and
# stopped by pid, the machine's description, and the RESULT lines the
# measuring tools print (collected for bench/run-all's summary).

source [file join [file dirname [file normalize [info script]]] .. tests lib lab.tcl]

namespace eval ::bench {
    # namespaces, veths, processes and their cleanup are the lab's
    # (tests/lib/lab.tcl)
    namespace import ::lab::netns ::lab::veths ::lab::spawn ::lab::alive ::lab::kill
    variable root [file normalize [file join [file dirname [info script]] ..]]
    variable build [expr {[info exists ::env(LACP_BUILD)]
                          ? [file normalize $::env(LACP_BUILD)] : [file join $root build]}]
    variable tmp [file join [expr {[info exists ::env(TMPDIR)] ? $::env(TMPDIR) : "/tmp"}] "lacp-bench-[pid]"]
    variable results {}
    variable needroot 1
    # -notifier tcl: lacpsh with Tcl 8.6's own notifier (LACP_NOTIFIER=tcl)
    # instead of its epoll one (src/tcl/notifier.c); figures get the suffix
    # _tclnotifier
    variable notifier epoll
    variable suffix {}

    proc bin {name} {
        variable build
        foreach dir {bin bench} {
            set p [file join $build $dir $name]
            if {[file executable $p]} {return $p}
        }
        error "$name not found under $build (build first: cmake --build $build, or set LACP_BUILD)"
    }

    # Takes -notifier epoll|tcl out of the list in the variable ARGV names.
    proc notifier_option {argvName} {
        upvar 1 $argvName argv
        variable notifier
        variable suffix
        set i [lsearch -exact $argv -notifier]
        if {$i < 0} return
        set notifier [lindex $argv $i+1]
        set argv [lreplace $argv $i $i+1]
        switch -- $notifier {
            epoll {set suffix {}; unset -nocomplain ::env(LACP_NOTIFIER)}
            tcl {set suffix _tclnotifier; set ::env(LACP_NOTIFIER) tcl}
            default {puts stderr "-notifier must be epoll or tcl"; exit 64}
        }
    }

    # The lacpsh the benchmark runs (its notifier: see -notifier).
    proc lacpsh {} {
        return [bin lacpsh]
    }

    # Waits until FILE has a line matching the regexp RE (returns the
    # match's first group, or the line) or MS pass (error, with the file's
    # tail); PID, when given, must stay alive meanwhile.
    proc wait_line {file re ms {pid 0}} {
        set deadline [expr {[clock milliseconds] + $ms}]
        while {[clock milliseconds] < $deadline} {
            if {![catch {open $file} f]} {
                set text [read $f]
                close $f
                foreach line [split $text \n] {
                    if {[regexp -- $re $line all g1]} {return $g1}
                    if {[regexp -- $re $line]} {return $line}
                }
                if {$pid && ![alive $pid]} {
                    error "process $pid ended before printing /$re/:\n$text"
                }
            }
            after 20
        }
        set text {}
        catch {set f [open $file]; set text [read $f]; close $f}
        error "timed out after $ms ms waiting for /$re/ in $file:\n[string range $text end-2000 end]"
    }

    # Runs a measuring tool, echoes its output, keeps its RESULT lines
    # (printed too: bench/run-all collects them).
    proc measure {args} {
        variable results
        set out [exec {*}$args 2>@ stderr]
        foreach line [split $out \n] {
            if {[string match "RESULT *" $line]} {
                lappend results [string range $line 7 end]
            }
            puts $line
        }
        flush stdout
        return $out
    }

    # Keeps a figure computed by the driver itself as a RESULT line.
    proc result {name args} {
        variable results
        set line $name
        foreach {k v} $args {append line " $k=$v"}
        lappend results $line
        puts "RESULT $line"
    }

    # Reports the samples SAMPLES (microseconds) as pktstamp does: n, min,
    # median, p90, p99, max, printed and kept as a RESULT line.
    proc result_samples {name samples} {
        set v [lsort -real $samples]
        set n [llength $v]
        if {$n == 0} {
            puts "  $name: no samples"
            return
        }
        set fig [list n $n min [format %.1f [lindex $v 0]]]
        foreach {k q} {median 0.5 p90 0.9 p99 0.99} {
            # nearest rank
            lappend fig $k [format %.1f [lindex $v [expr {min($n - 1, int(ceil($q * $n)) - 1)}]]]
        }
        lappend fig max [format %.1f [lindex $v end]]
        puts [format "  %-28s %s  (us)" $name [join [lmap {k x} $fig {list $k $x}] "  "]]
        result $name {*}$fig unit us
    }

    # The dict of one RESULT line kept under NAME.
    proc get {name} {
        variable results
        foreach r $results {
            if {[lindex $r 0] eq $name} {
                set d {}
                foreach kv [lrange $r 1 end] {
                    lassign [split $kv =] k v
                    dict set d $k $v
                }
                return $d
            }
        }
        return {}
    }

    proc cleanup {} {
        variable tmp
        lab::cleanup
        file delete -force $tmp
    }

    # Describes the machine the figures come from.
    proc machine {} {
        variable root
        set model ?
        catch {
            set f [open /proc/cpuinfo]
            regexp -line {^model name\s*:\s*(.*)$} [read $f] -> model
            close $f
        }
        set cores [exec nproc]
        set kernel [exec uname -r]
        set f [open /proc/loadavg]; set load [lrange [read $f] 0 2]; close $f
        set commit ?
        catch {set commit [exec git -C $root rev-parse --short HEAD]}
        set dirty {}
        catch {if {[exec git -C $root status --porcelain --untracked-files=no] ne {}} {set dirty "+uncommitted"}}
        return "machine: $cores cores, $model, Linux $kernel, Tcl [info patchlevel], load average $load; commit $commit$dirty"
    }

    # Runs BODY; cleans up on every exit path; exits 0, or 1 on an error.
    proc run {title body} {
        variable tmp
        variable needroot
        if {$needroot} {
            lab::require_root "this benchmark needs root (network namespaces, packet sockets)"
        }
        file mkdir $tmp
        puts "== $title"
        puts [machine]
        flush stdout
        set code [catch {uplevel 1 $body} msg opts]
        cleanup
        if {$code == 1} {
            puts stderr "benchmark failed: $msg\n[dict get $opts -errorinfo]"
            exit 1
        }
        exit 0
    }

    # Process statistics from /proc: {utime_s stime_s rss_kib voluntary
    # involuntary} (context switches summed over its threads).
    proc proc_stat {pid} {
        set f [open /proc/$pid/stat]; set s [read $f]; close $f
        set rest [regsub {^.*\) } $s {}]
        # fields 14 and 15 of stat (utime, stime) are 12 and 13 after the name
        set hz 100
        catch {set hz [exec getconf CLK_TCK]}
        set ut [expr {[lindex $rest 11] / double($hz)}]
        set st [expr {[lindex $rest 12] / double($hz)}]
        set f [open /proc/$pid/status]; set t [read $f]; close $f
        regexp -line {^VmRSS:\s*(\d+)} $t -> rss
        # context switches of every thread: each voluntary one is a wait
        # that ended, so their rate is the process's wake-up rate
        set vol 0
        set invol 0
        foreach task [glob -nocomplain /proc/$pid/task/*/status] {
            if {[catch {open $task} f]} continue
            set t [read $f]
            close $f
            if {[regexp -line {^voluntary_ctxt_switches:\s*(\d+)} $t -> v]} {incr vol $v}
            if {[regexp -line {^nonvoluntary_ctxt_switches:\s*(\d+)} $t -> v]} {incr invol $v}
        }
        return [list $ut $st $rss $vol $invol]
    }
}
