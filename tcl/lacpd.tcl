# SPDX-License-Identifier: GPL-3.0-or-later
# lacpd's command line, run by `lacpsh -i eth0 ...`: the same options with
# the same meanings (-i, --passive, --rate, -d, -s, -j, -p, -k, -n,
# --log-level, --log-file, --inject, --exit-after-inject). Ports are
# lacp::port objects named after their interfaces; inject rules are
# `PORT inject`; every running instance serves a control socket in
# $LACP_RUN_DIR (default /run/lacp) named lacpsh.ns<INODE>.<PID>.sock, the
# inode being that of the network namespace its ports are in, which -s and
# -k look for. This file is compiled into the extension.

namespace eval ::lacp::lacpd {
    # option -> {short long kind}: kind is flag, value or list
    variable spec {
        interfaces      {-i --interface list}
        status          {-s --status flag}
        kill            {-k --kill flag}
        daemon          {-d --daemon flag}
        passive         {{} --passive flag}
        rate            {{} --rate value}
        namespace       {-n --namespace value}
        json            {-j --json flag}
        pretty          {-p --pretty flag}
        log_level       {{} --log-level value}
        log_file        {{} --log-file value}
        inject          {{} --inject list}
        exit_after_inject {{} --exit-after-inject flag}
        hook            {-H --hook value}
        hook_max        {{} --hook-max value}
        verbose         {-v --verbose count}
        quiet           {-q --quiet count}
        help            {-h --help flag}
        version         {{} --version flag}
    }
    variable levels {DEBUG INFO WARNING ERROR CRITICAL}
    variable prog lacpsh
    variable done ""
    variable server ""
    variable sockpath ""
    variable ports {}
    variable opts
    variable replies
    variable serial 0
    # the last error of main, one line (lacpsh hands it to the process
    # waiting for a daemon that failed, src/prog/lacpsh.c)
    variable failure ""

    variable usage {usage: lacpsh [-h] [--version] [-s | -k] [-i INTERFACES] [-j | -p] [-n NAMESPACE]
              [--rate {fast,slow}] [--passive] [-d]
              [--log-level {DEBUG,INFO,WARNING,ERROR,CRITICAL}] [-v] [-q]
              [--log-file LOG_FILE] [--inject INJECT] [--exit-after-inject]
              [-H COMMAND] [--hook-max N]
       lacpsh ?SCRIPT ?ARG ...??

LACP tester with lacpd's command line; with a SCRIPT (or none: a prompt)
it is tclsh with the lacp package loaded.

options:
  -h, --help            show this help message and exit
  --version             print the version and exit
  -s, --status          Query the status of the running LACP daemons
  -k, --kill            Kill LACP daemon processes in the current or specified namespace
  -i, --interface INTERFACES
                        Network interface to use (can be specified multiple
                        times to start the ports or filter status)
  -j, --json            Output status in compact JSON format.
                        (Only used with -s/--status)
  -p, --pretty          Output status in pretty-printed JSON format.
                        (Only used with -s/--status)
  -n, --namespace NAMESPACE
                        Network namespace: of the ports to start, or of the
                        daemons to query or kill
  --rate {fast,slow}    LACP rate mode: fast (1s interval, 3s timeout) or slow
                        (30s interval, 90s timeout)
  --passive             Run in passive mode (only send LACPDUs when partner is active)
  -d, --daemon          Run as daemon in background
  --log-level {DEBUG,INFO,WARNING,ERROR,CRITICAL}
                        Set logging level (default: INFO)
  --log-file LOG_FILE   Save log messages to the specified file
  --inject INJECT       Inject state changes when conditions are met. Format:
                        'A:ATG|P:AT -> A:AT' or 'A:0x40|P:64 -> A:0x80'. Can
                        be specified multiple times.
  --exit-after-inject   Exit the program after successfully injecting state
                        changes and sending new LACPDUs
  -v, --verbose         One log level more (INFO -> DEBUG); repeatable
  -q, --quiet           One log level less (INFO -> WARNING -> ERROR); repeatable
  -H, --hook COMMAND    Run COMMAND EVENT PORT key=value ... on every port event
                        that matters (negotiated, expired, defaulted, churn,
                        rule, link_up, link_down, rate_violation), without
                        waiting for it
  --hook-max N          At most N hooks running at once; the rest are dropped
                        and counted (default: 8)

exit status: 0 ok, 1 runtime error (a bad rule, a missing interface, nothing
to report or kill), 2 usage error}
}

# A usage error: one line, exit code 2.
proc ::lacp::lacpd::usage_error {msg} {
    return -code error -errorcode {LACP LACPD USAGE} $msg
}

# A runtime error: one line, exit code 1.
proc ::lacp::lacpd::fail {msg} {
    return -code error -errorcode {LACP LACPD RUNTIME} $msg
}

# Parses ARGV as Python's argparse parses lacpd's: long options by unique
# prefix, with the value after "=" or in the next word; short options
# grouped (-sj), with the value attached (-ieth0) or in the next word.
# Returns a dict of every option (defaults filled in).
proc ::lacp::lacpd::parse {argv} {
    variable spec
    set o [dict create interfaces {} status 0 kill 0 daemon 0 passive 0 rate fast \
        namespace {} json 0 pretty 0 log_level INFO log_file {} inject {} \
        exit_after_inject 0 hook {} hook_max 8 verbose 0 quiet 0 help 0 version 0 given {}]
    set longs {}
    set shorts {}
    dict for {key s} $spec {
        lassign $s short long kind
        dict set longs $long $key
        if {$short ne ""} {dict set shorts [string index $short 1] $key}
    }
    set i 0
    while {$i < [llength $argv]} {
        set arg [lindex $argv $i]
        incr i
        if {[string match --?* $arg]} {
            set value {}
            set has [regexp {^(--[^=]+)=(.*)$} $arg -> arg value]
            if {[dict exists $longs $arg]} {
                set key [dict get $longs $arg]
            } else {
                set cands [lsort [lsearch -all -inline -glob [dict keys $longs] $arg*]]
                if {[llength $cands] == 0} {usage_error "unrecognized arguments: $arg"}
                if {[llength $cands] > 1} {
                    usage_error "ambiguous option: $arg could match [join $cands {, }]"
                }
                set key [dict get $longs [lindex $cands 0]]
            }
            set kind [lindex [dict get $spec $key] 2]
            if {$kind in {flag count}} {
                if {$has} {usage_error "argument [optname $key]: ignored explicit argument '$value'"}
                if {$kind eq "count"} {dict incr o $key} else {dict set o $key 1}
            } else {
                if {!$has} {
                    if {$i >= [llength $argv] || [string match -?* [lindex $argv $i]]} {
                        usage_error "argument [optname $key]: expected one argument"
                    }
                    set value [lindex $argv $i]
                    incr i
                }
                set o [store $o $key $kind $value]
            }
            dict lappend o given $key
        } elseif {[string match -?* $arg]} {
            set chars [string range $arg 1 end]
            while {$chars ne ""} {
                set c [string index $chars 0]
                set chars [string range $chars 1 end]
                if {![dict exists $shorts $c]} {
                    usage_error "unrecognized arguments: $arg"
                }
                set key [dict get $shorts $c]
                set kind [lindex [dict get $spec $key] 2]
                dict lappend o given $key
                if {$kind eq "flag"} {
                    dict set o $key 1
                    continue
                }
                if {$kind eq "count"} {
                    dict incr o $key
                    continue
                }
                if {$chars eq ""} {
                    if {$i >= [llength $argv] || [string match -?* [lindex $argv $i]]} {
                        usage_error "argument [optname $key]: expected one argument"
                    }
                    set chars [lindex $argv $i]
                    incr i
                }
                set o [store $o $key $kind $chars]
                set chars ""
            }
        } else {
            usage_error "unrecognized arguments: $arg"
        }
    }
    return $o
}

proc ::lacp::lacpd::optname {key} {
    variable spec
    lassign [dict get $spec $key] short long
    expr {$short eq "" ? $long : "$short/$long"}
}

# Stores VALUE of option KEY into dict O, checking choices.
proc ::lacp::lacpd::store {o key kind value} {
    variable levels
    switch -- $key {
        rate {
            if {$value ni {fast slow}} {
                usage_error "argument --rate: invalid choice: '$value' (choose from 'fast', 'slow')"
            }
        }
        hook_max {
            if {![string is integer -strict $value] || $value < 1 || $value > 4096} {
                usage_error "argument --hook-max: invalid value: '$value' (a number from 1 to 4096)"
            }
        }
        hook {
            if {$value eq ""} {usage_error "argument -H/--hook: expected a command"}
        }
        log_level {
            set value [string toupper $value]
            if {$value ni $levels} {
                usage_error "argument --log-level: invalid choice: '$value' (choose from [join [lmap l $levels {string cat ' $l '}] {, }])"
            }
        }
    }
    if {$kind eq "list"} {
        dict lappend o $key $value
    } else {
        dict set o $key $value
    }
    return $o
}

# lacpd's checks of the combination (validate_arguments).
proc ::lacp::lacpd::validate {o} {
    set given [dict get $o given]
    if {[dict get $o status] && [dict get $o kill]} {
        usage_error "argument -k/--kill: not allowed with argument -s/--status"
    }
    if {[dict get $o json] && [dict get $o pretty]} {
        usage_error "argument -p/--pretty: not allowed with argument -j/--json"
    }
    set daemon_opts [expr {[dict get $o rate] ne "fast" || [dict get $o passive] || [dict get $o hook] ne "" ||
                           [dict get $o daemon]}]
    if {[dict get $o kill]} {
        if {[dict get $o json] || [dict get $o pretty]} {
            usage_error "Output format options cannot be used with -k/--kill."
        }
        if {$daemon_opts} {usage_error "Daemon options cannot be used with -k/--kill."}
    } elseif {[dict get $o status]} {
        if {$daemon_opts} {usage_error "Daemon options cannot be used with -s/--status."}
    } elseif {[llength [dict get $o interfaces]]} {
        # lacpd refuses -n here; lacpsh runs the ports in that namespace
        if {[dict get $o json] || [dict get $o pretty]} {
            usage_error "Output format and filtering options can only be used with -s/--status."
        }
        set seen {}
        foreach if [dict get $o interfaces] {
            if {$if in $seen} {usage_error "argument -i/--interface: \"$if\" given twice"}
            lappend seen $if
        }
    }
    if {![dict get $o status] && ![dict get $o kill] && ![llength [dict get $o interfaces]]} {
        usage_error "Must specify either -s/--status, -k/--kill, or -i/--interface."
    }
}

# ---- namespaces and control sockets

proc ::lacp::lacpd::rundir {} {
    global env
    if {[info exists env(LACP_RUN_DIR)] && $env(LACP_RUN_DIR) ne ""} {
        return $env(LACP_RUN_DIR)
    }
    return /run/lacp
}

# The inode of network namespace NS (a name in /run/netns or a path; ""
# for this process's own).
proc ::lacp::lacpd::ns_inode {ns} {
    if {$ns eq ""} {
        set path /proc/self/ns/net
    } elseif {[string match */* $ns]} {
        set path $ns
    } else {
        set path /run/netns/$ns
        if {![file exists $path] && [file exists /var/run/netns/$ns]} {
            set path /var/run/netns/$ns
        }
    }
    if {[catch {file stat $path st}]} {
        fail "network namespace \"$ns\" not found"
    }
    return $st(ino)
}

# The control sockets of namespace NS, "" for the current one.
proc ::lacp::lacpd::sockets {ns} {
    set ino [ns_inode $ns]
    lsort [glob -nocomplain -directory [rundir] lacpsh.ns$ino.*.sock]
}

# Asks the instance at PATH for REQUEST; returns the reply, or raises an
# error when nothing answers within MS (a stale socket).
proc ::lacp::lacpd::ask {path request {ms 3000}} {
    variable replies
    variable serial
    set chan [lacp::unix connect $path]
    fconfigure $chan -translation lf -encoding utf-8 -buffering line
    puts $chan $request
    fconfigure $chan -blocking 0
    set id [incr serial]
    set replies($id,data) {}
    set replies($id,done) ""
    set timer [after $ms [list set [namespace current]::replies($id,done) timeout]]
    fileevent $chan readable [list [namespace current]::collect $chan $id]
    vwait [namespace current]::replies($id,done)
    after cancel $timer
    close $chan
    set how $replies($id,done)
    set data $replies($id,data)
    array unset replies $id,*
    if {$how ne "eof"} {error "no answer from $path"}
    return $data
}

proc ::lacp::lacpd::collect {chan id} {
    variable replies
    append replies($id,data) [read $chan]
    if {[eof $chan]} {set replies($id,done) eof}
}

# The status of every instance of namespace NS: a list of dicts; stale
# sockets are removed on the way.
proc ::lacp::lacpd::gather {ns} {
    set all {}
    foreach path [sockets $ns] {
        if {[catch {ask $path status} reply] || [catch {dict size $reply}]} {
            if {![catch {file delete $path}]} {
                lacp::log INFO "Removed stale socket: $path"
            }
            continue
        }
        dict set reply socket $path
        lappend all $reply
    }
    return $all
}

# ---- what an instance tells about itself

# The status of port P in lacpd's keys (and a few of lacpsh's).
proc ::lacp::lacpd::port_status {p} {
    variable opts
    set s [$p status]
    set info {}
    foreach side {actor partner} {
        set d [dict get $s $side]
        dict set info $side [dict create \
            system_priority [dict get $d system_priority] system [dict get $d system] \
            key [dict get $d key] port_priority [dict get $d port_priority] \
            port [dict get $d port] state [lacp::state parse [dict get $d state]] \
            state_str [dict get $d state]]
    }
    set pstate [dict get $info partner state]
    set active [expr {[$p cget -mode] eq "active"}]
    set partner_active [expr {($pstate & 1) != 0}]
    dict create \
        interface [$p cget -interface] \
        configured_rate_mode [$p cget -rate] \
        effective_rate_mode [expr {$pstate & 2 ? "fast" : "slow"}] \
        active_mode $active \
        partner_active $partner_active \
        should_send [expr {$active || $partner_active}] \
        mux_state [dict get $s mux] \
        selected [expr {[dict get $s selected] eq "SELECTED"}] \
        actor [dict get $info actor] \
        partner [dict get $info partner] \
        rx_state [dict get $s rx] \
        aggregator [dict get $s aggregator] \
        port [$p cget -port-number]
}

proc ::lacp::lacpd::status_dict {} {
    variable opts
    variable ports
    variable ino
    dict create \
        pid [pid] \
        net_ns_id "net:\[$ino\]" \
        configured_rate_mode [dict get $opts rate] \
        active_mode [expr {![dict get $opts passive]}] \
        ports [lmap p $ports {port_status $p}] \
        namespace [dict get $opts namespace] \
        program lacpsh
}

# ---- the control socket

proc ::lacp::lacpd::serve {path} {
    variable server
    variable sockpath
    file mkdir [file dirname $path]
    catch {file delete $path}
    set server [lacp::unix listen $path]
    set sockpath $path
    fileevent $server readable [namespace code accept]
}

proc ::lacp::lacpd::accept {} {
    variable server
    if {[catch {lacp::unix accept $server} chan]} return
    fconfigure $chan -translation lf -encoding utf-8 -blocking 0 -buffering full
    fileevent $chan readable [list [namespace current]::request $chan]
}

# One request per connection: "status" (a Tcl dict back) or "kill".
proc ::lacp::lacpd::request {chan} {
    if {[catch {gets $chan line} n] || $n < 0} {
        if {[catch {eof $chan} e] || $e} {catch {close $chan}}
        return
    }
    switch -- [string trim $line] {
        status {set reply [status_dict]}
        kill {
            set reply ok
            after idle [list [namespace current]::shutdown 0 "Terminated on request"]
        }
        default {set reply [list error "unknown request \"[string trim $line]\""]}
    }
    catch {
        puts $chan $reply
        close $chan
    }
}

# Removes the control socket and the ports (an exit or a signal).
proc ::lacp::lacpd::cleanup {} {
    variable server
    variable sockpath
    variable ports
    if {$server ne ""} {
        catch {close $server}
        set server ""
    }
    if {$sockpath ne ""} {
        catch {file delete $sockpath}
        set sockpath ""
    }
    foreach p $ports {catch {$p destroy}}
    set ports {}
}

proc ::lacp::lacpd::shutdown {code msg} {
    variable done
    lacp::log INFO $msg
    set done $code
}

# ---- the modes

proc ::lacp::lacpd::setup_log {o daemon} {
    variable levels
    # -v and -q move the level from --log-level (INFO by default)
    set i [expr {[lsearch $levels [dict get $o log_level]] - [dict get $o verbose] +
                 [dict get $o quiet]}]
    set level [lindex $levels [expr {max(0, min($i, [llength $levels] - 1))}]]
    set args [list -level $level -name lacpsh]
    lappend args -channel [expr {$daemon ? "" : "stderr"}]
    if {[dict get $o log_file] ne ""} {
        if {[catch {lacp::log -file [file normalize [dict get $o log_file]]} msg]} {
            fail $msg
        }
    }
    lacp::log {*}$args
}

# -i ...: runs the ports until killed, or until an injection went out.
proc ::lacp::lacpd::run {o} {
    variable opts $o
    variable ports
    variable ino
    variable done
    set daemon [dict get $o daemon]
    setup_log $o $daemon
    set rules [dict get $o inject]
    foreach rule $rules {
        if {[catch {lacp::inject parse $rule} msg]} {
            fail "invalid inject rule \"$rule\": $msg"
        }
    }
    set ns [dict get $o namespace]
    set ino [ns_inode $ns]
    set mode [expr {[dict get $o passive] ? "passive" : "active"}]
    set ifs [dict get $o interfaces]
    foreach if $ifs {
        set name $if
        if {[llength [info commands ::$name]] || [string match -* $name]} {
            set name lacpd-$if
        }
        set popts [list -interface $if -mode $mode -rate [dict get $o rate]]
        if {$ns ne ""} {lappend popts -netns $ns}
        if {[catch {lacp::port create $name {*}$popts} msg]} {
            cleanup
            fail $msg
        }
        lappend ports $name
    }
    lacp::log INFO "Starting LACP simulation on interfaces: \[[join [lmap i $ifs {string cat ' $i '}] {, }]\] in $mode mode with [dict get $o rate] rate[expr {$daemon ? { (daemon)} : {}}]"
    if {$daemon} {
        if {[catch {file mkdir [rundir]} msg]} {
            cleanup
            fail $msg
        }
        detach
    }
    # after the fork: the hooks are children of the process that runs the ports
    if {[dict get $o hook] ne ""} {
        lacp::hook configure -command [dict get $o hook] -max [dict get $o hook_max]
        lacp::log INFO "Event hook: [dict get $o hook] (at most [dict get $o hook_max] at once)"
    }
    # an exit from a rule, a signal or a kill request leaves no socket behind
    if {[info commands ::lacp::lacpd::real_exit] eq ""} {
        rename ::exit ::lacp::lacpd::real_exit
        proc ::exit {{code 0}} {
            ::lacp::lacpd::cleanup
            ::lacp::lacpd::told $code
            ::lacp::lacpd::real_exit $code
        }
    }
    foreach sig {TERM INT HUP} {
        lacp::unix signal $sig [list [namespace current]::shutdown 0 "Shutting down LACP daemon..."]
    }
    if {[catch {serve [file join [rundir] lacpsh.ns$ino.[pid].sock]} msg]} {
        lacp::log WARNING "no control socket, -s and -k will not see this instance: $msg"
    } else {
        lacp::log INFO "Control socket listening on [file join [rundir] lacpsh.ns$ino.[pid].sock]"
    }
    # lacpd has no transmit limit: an injected state leaves at once
    set extra [list -bypass-limit]
    if {[dict get $o exit_after_inject]} {lappend extra -exit 0}
    foreach p $ports {
        foreach rule $rules {
            $p inject $rule {*}$extra
        }
    }
    # -d: the process that started us returns now, the socket serving
    if {$daemon} {ready}
    if {$done eq ""} {vwait [namespace current]::done}
    cleanup
    return $done
}

# -d: detaches through lacpsh (src/prog/lacpsh.c), which forks; the
# starting process waits until `ready` says the daemon serves.
proc ::lacp::lacpd::detach {} {
    fail "-d/--daemon needs lacpsh: this interpreter cannot detach"
}

# Tells the process waiting for a detached daemon that it serves (nothing
# when not detached; lacpsh replaces this).
proc ::lacp::lacpd::ready {{why ""}} {}

# An exit before the daemon said it serves (an --exit-after-inject rule
# that fired at once): the waiting process learns of it.
proc ::lacp::lacpd::told {code} {
    if {$code == 0} {ready} else {ready "exited with code $code"}
}

# The ports of the instances in STATUS (a list) whose interface is in IFS
# (all when IFS is empty); instances left without ports go.
proc ::lacp::lacpd::filter {all ifs} {
    if {![llength $ifs]} {return $all}
    set out {}
    foreach d $all {
        set ports [lmap p [dict get $d ports] {
            if {[dict get $p interface] ni $ifs} continue
            set p
        }]
        if {[llength $ports]} {
            dict set d ports $ports
            lappend out $d
        }
    }
    return $out
}

proc ::lacp::lacpd::yes {b} {expr {$b ? "YES" : "NO"}}

proc ::lacp::lacpd::bits {state} {
    set names {ACTIVE SHORT_TIMEOUT AGGREGATION SYNC COLLECTING DISTRIBUTING DEFAULTED EXPIRED}
    set on {}
    for {set i 0} {$i < 8} {incr i} {
        if {$state & (1 << $i)} {lappend on [lindex $names $i]}
    }
    format "%s (%s) %s" [string range [format %08b $state] end-7 end] [join $on {, }] \
        [lacp::state format $state]
}

# lacpd's text status, with the Receive machine's state and the letters.
proc ::lacp::lacpd::text {all} {
    set out {}
    foreach d $all {
        set mode [expr {[dict get $d active_mode] ? "active" : "passive"}]
        lappend out "--- Daemon PID: [dict get $d pid] (Namespace: [dict get $d net_ns_id], Mode: $mode, Configured Rate: [dict get $d configured_rate_mode]) ---"
        foreach p [dict get $d ports] {
            lappend out "  --- Interface: [dict get $p interface] ---"
            lappend out "    Mode: [expr {[dict get $p active_mode] ? "active" : "passive"}]"
            lappend out "    Configured Rate: [dict get $p configured_rate_mode]"
            lappend out "    Effective Rate: [dict get $p effective_rate_mode]"
            lappend out "    Partner Active: [yes [dict get $p partner_active]]"
            lappend out "    Should Send: [yes [dict get $p should_send]]"
            lappend out "    Mux State: [dict get $p mux_state]"
            lappend out "    Selected: [yes [dict get $p selected]]"
            lappend out "    Receive State: [dict get $p rx_state]"
            foreach side {actor partner} title {{Actor State} {Partner State}} {
                set i [dict get $p $side]
                lappend out "    $title:"
                lappend out "      System: [dict get $i system] (Prio: [dict get $i system_priority])"
                lappend out "      Port:   [dict get $i port] (Prio: [dict get $i port_priority])"
                lappend out "      Key:    [dict get $i key]"
                lappend out "      State:  [bits [dict get $i state]]"
            }
        }
    }
    join $out \n
}

# ---- lacpd's -j and -p: typed values for ::lacp::json::encode (json.tcl),
#      which writes them as Python's json.dumps does

namespace eval ::lacp::lacpd::json {}

proc ::lacp::lacpd::json::side {i} {
    list obj [list \
        system_priority [list num [dict get $i system_priority]] \
        system [list str [dict get $i system]] \
        key [list num [dict get $i key]] \
        port_priority [list num [dict get $i port_priority]] \
        port [list num [dict get $i port]] \
        state [list num [dict get $i state]] \
        state_str [list str [dict get $i state_str]]]
}

proc ::lacp::lacpd::json::status {all} {
    list arr [lmap d $all {
        list obj [list \
            pid [list num [dict get $d pid]] \
            net_ns_id [list str [dict get $d net_ns_id]] \
            configured_rate_mode [list str [dict get $d configured_rate_mode]] \
            active_mode [list bool [dict get $d active_mode]] \
            ports [list arr [lmap p [dict get $d ports] {
                list obj [list \
                    interface [list str [dict get $p interface]] \
                    configured_rate_mode [list str [dict get $p configured_rate_mode]] \
                    effective_rate_mode [list str [dict get $p effective_rate_mode]] \
                    active_mode [list bool [dict get $p active_mode]] \
                    partner_active [list bool [dict get $p partner_active]] \
                    should_send [list bool [dict get $p should_send]] \
                    mux_state [list str [dict get $p mux_state]] \
                    selected [list bool [dict get $p selected]] \
                    actor [side [dict get $p actor]] \
                    partner [side [dict get $p partner]] \
                    rx_state [list str [dict get $p rx_state]] \
                    aggregator [list num [dict get $p aggregator]]]
            }]] \
            namespace [list str [dict get $d namespace]] \
            program [list str [dict get $d program]]]
    }]
}

# -s: prints the status of the instances of the namespace.
proc ::lacp::lacpd::status {o} {
    setup_log $o 0
    set all [gather [dict get $o namespace]]
    if {![llength $all]} {fail "No LACP daemons found in the target namespace."}
    set all [filter $all [dict get $o interfaces]]
    if {![llength $all]} {fail "No matching LACP daemons found."}
    if {[dict get $o pretty]} {
        puts [::lacp::json::encode [json::status $all] -indent "    "]
    } elseif {[dict get $o json]} {
        puts [::lacp::json::encode [json::status $all]]
    } else {
        puts [text $all]
    }
    return 0
}

# Whether process PID runs: it exists and is not a zombie (a daemon's
# parent is init, which may take its time to reap it).
proc ::lacp::lacpd::alive {pid} {
    if {![lacp::unix kill $pid 0]} {return 0}
    if {[catch {
        set f [open /proc/$pid/stat]
        set stat [read $f]
        close $f
    }]} {
        return 0
    }
    expr {[lindex [string range $stat [string last ) $stat]+1 end] 0] ne "Z"}
}

# -k: stops the instances of the namespace (SIGTERM), waiting up to 5 s
# for each to be gone.
proc ::lacp::lacpd::kill {o} {
    setup_log $o 0
    set ns [dict get $o namespace]
    set name [expr {$ns eq "" ? "current" : $ns}]
    set paths [sockets $ns]
    if {![llength $paths]} {fail "No LACP daemons found in namespace: $name"}
    set killed 0
    set stuck 0
    foreach path $paths {
        if {[catch {ask $path status} reply] || [catch {dict get $reply pid} pid]} {
            if {![catch {file delete $path}]} {lacp::log INFO "Removed stale socket: $path"}
            continue
        }
        if {![lacp::unix kill $pid TERM]} {
            lacp::log INFO "Process $pid not found, may have already terminated"
            catch {file delete $path}
            continue
        }
        lacp::log INFO "Sent SIGTERM to LACP daemon PID $pid"
        set deadline [expr {[clock milliseconds] + 5000}]
        while {[alive $pid] && [clock milliseconds] < $deadline} {
            after 20
        }
        if {[alive $pid]} {
            lacp::log WARNING "Process $pid did not terminate within 5 seconds"
            incr stuck
            continue
        }
        lacp::log INFO "Process $pid has terminated"
        incr killed
        if {[file exists $path]} {
            catch {file delete $path}
            lacp::log INFO "Removed socket file: $path"
        }
    }
    if {$killed} {
        lacp::log INFO "Successfully terminated $killed LACP daemon(s) in namespace: $name"
    }
    if {$stuck} {fail "$stuck LACP daemon(s) in namespace $name did not terminate"}
    if {!$killed} {fail "No LACP daemons found in namespace: $name"}
    return 0
}

# The entry point: `lacpsh OPTION ...` calls this with the words after
# lacpsh and exits with what it returns. Errors are one line on stderr:
# exit code 2 for usage, 1 for everything else.
proc ::lacp::lacpd::main {argv} {
    variable prog
    variable usage
    set code [catch {
        set o [parse $argv]
        if {[dict get $o help]} {
            puts $usage
            return 0
        }
        if {[dict get $o version]} {
            puts "$prog $::lacp::version"
            return 0
        }
        validate $o
        if {[dict get $o kill]} {
            kill $o
        } elseif {[dict get $o status]} {
            status $o
        } else {
            run $o
        }
    } result opts]
    if {$code == 0 || $code == 2} {return $result}
    set ec [dict get $opts -errorcode]
    variable failure [lindex [split $result \n] 0]
    puts stderr "$prog: error: $failure"
    if {[lrange $ec 0 2] eq {LACP LACPD USAGE}} {return 2}
    return 1
}
