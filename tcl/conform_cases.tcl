# SPDX-License-Identifier: GPL-3.0-or-later
# The cases of the conformance suite (engine: conform.tcl). Each case names
# the 802.1AX-2014 clause it checks, says what it sends and what it
# expects, and grades what the DUT does on the wire; -control describes
# the negative control the project's tests build for it: a lacp port made
# to misbehave in exactly the way the case targets, which must fail it.
# Times are milliseconds; bounds are stated in the checks.

namespace eval ::lacp::conform {
    variable tt 4242            ;# the tell-tale actor port priority of the pdu cases

    # ---- helpers shared by several cases

    # The text of a delay, or "never".
    proc D {x} {expr {$x eq {} ? "never" : "$x ms"}}

    # A PDU the DUT must accept: it must record the tell-tale it carries.
    proc Accepted {opts {transform {}}} {
        variable tt
        Baseline
        set p [Port 1]
        set b [ProbePdu $p $tt $opts $transform]
        lassign [Telltale $p $b $tt 1500] echoed delay
        Figure echo_ms $delay
        Check "the DUT records the PDU's actor information (tell-tale port priority $tt)" \
            "echoed in a LACPDU within 1500 ms" \
            [expr {$echoed ? "echoed after $delay ms" : "not echoed"}] $echoed
    }

    # A PDU the DUT must ignore: no echo of the tell-tale, no change of its
    # state, the link still up.
    proc Ignored {opts {transform {}}} {
        variable tt
        Baseline
        set p [Port 1]
        set b [ProbePdu $p $tt $opts $transform]
        lassign [Telltale $p $b $tt 1500] echoed delay before after
        Check "the DUT ignores the PDU (tell-tale port priority $tt)" "never echoed" \
            [expr {$echoed ? "echoed after $delay ms" : "never echoed"}] [expr {!$echoed}]
        set changed [lmap s $after {if {$s eq $before} continue; set s}]
        Check "the DUT's state does not change" "actor state $before in every LACPDU" \
            [expr {[llength $after] ? "[lsort -unique $after] in [llength $after] LACPDUs" : "no LACPDU in 1500 ms"}] \
            [expr {![llength $changed]}]
        set up [Until {[Up $p]} 1500]
        Check "the link stays up" up [expr {$up ? "up" : "down"}] $up
    }

    # Our PDU misstating the DUT's port priority on P: a reason for it to
    # answer at once (802.1AX-2014 6.4.9 update_NTT). Returns the delay to
    # its next LACPDU, or {}.
    proc StaleEcho {p} {
        set pa [dict get [$p status] partner]
        dict set pa port_priority [expr {([dict get $pa port_priority] + 4242) % 65536}]
        set t [Now]
        $p send -partner $pa
        set hit [First $p $t 1 2000]
        if {$hit eq {}} {return {}}
        return [format %.1f [expr {[lindex $hit 0] - $t}]]
    }

    # Waits for a DUT LACPDU on P, then OFFSET ms more: a known phase.
    proc Phase {p offset} {
        set t [Now]
        First $p $t 1 2000
        Pass $offset
    }

    # Marker responses received on P since SINCE: {time pdu} each.
    proc Markers {p since} {
        lmap e [Rx $p $since marker] {
            if {[dict get [lindex $e 1] type] ne "response"} continue
            set e
        }
    }

    # Sends a Marker Information PDU on P; returns the transaction id.
    proc Marker {p tid {system {}} {port {}}} {
        set a [dict get [$p status] actor]
        if {$system eq {}} {set system [dict get $a system]}
        if {$port eq {}} {set port [dict get $a port]}
        $p send -raw [lacp::pdu marker -port $port -system $system -transaction $tid]
        return $tid
    }

    # The DUT's LACPDUs on P since T that lack or have BITS.
    proc Count {p t test} {
        set n 0
        foreach e [Rx $p $t] {
            set pdu [lindex $e 1]
            if $test {incr n}
        }
        return $n
    }

    # ---------------------------------------------------------------- pdu

    Case pdu.v1.accepted -clause 6.4.2.3 -title "a version 1 LACPDU is accepted" \
        -sends "one standard version 1 LACPDU carrying our information with a tell-tale port priority" \
        -expects "the DUT records it: its next LACPDU echoes the tell-tale" \
        -control {rules {{{after 0} then drop-rx}} note "the DUT ignores every frame it receives (drop-rx)"} {
        Accepted {-version 1}
    }
    Case pdu.v2.longer-tlvs -clause 6.4.2.3 -title "version 2 with longer Actor/Partner TLVs is accepted" \
        -sends "a version 2 LACPDU whose Actor and Partner Information TLVs are 24 octets long (4 more than version 1)" \
        -expects "the DUT reads the fields it knows and ignores the rest: the tell-tale is echoed" \
        -control {options {-rx-check strict} note "the DUT drops every LACPDU that is not plain version 1 (-rx-check strict)"} {
        Accepted {-version 2} Longer
    }
    Case pdu.v2.extra-tlvs -clause 6.4.2.4 -title "version 2 TLVs after the Collector TLV are accepted" \
        -sends "a version 2 LACPDU with a Port Algorithm TLV (type 4) and a Port Conversation ID Digest TLV (type 5)" \
        -expects "the DUT accepts the LACPDU: the tell-tale is echoed" \
        -control {options {-rx-check strict} note "-rx-check strict"} {
        Accepted {-version 2 -tlvs {{type 4 value 0080c200} {type 5 value 000100112233445566778899aabbccddeeff}}}
    }
    Case pdu.v3.future -clause 6.4.2.3 -title "a later version with an unknown TLV is accepted" \
        -sends "a version 3 LACPDU with an unknown TLV (type 0x20) before the terminator" \
        -expects "the DUT processes it by the version it knows: the tell-tale is echoed" \
        -control {options {-rx-check strict} note "-rx-check strict"} {
        Accepted {-version 3 -tlvs {{type 0x20 value 01020304}}}
    }
    Case pdu.retry-count -clause 6.4.2.3 -title "the retry-count LACPDU (version 0xF1, TLVs 0x80/0x81) does not break the DUT" \
        -sends "a version 0xF1 LACPDU with TLVs 0x80 and 0x81, as some switches send around a warm reboot" \
        -expects "the DUT accepts it as a later version (tell-tale echoed) and the link stays up" \
        -control {options {-rx-check strict} note "-rx-check strict"} {
        Accepted {-version 0xf1 -tlvs {{type 0x80 value 0003} {type 0x81 value 0000}}}
        set up [Until {[Up [Port 1]]} 6000]
        Check "the link is up again" "up within 6000 ms" [expr {$up ? "up" : "down"}] $up
    }
    Case pdu.reserved.nonzero -clause 6.4.2.3 -title "non-zero reserved octets are ignored, the LACPDU accepted" \
        -sends "a version 1 LACPDU with every reserved octet 0xFF" \
        -expects "the DUT ignores the reserved octets and accepts it: the tell-tale is echoed" \
        -control {options {-rx-check strict} note "-rx-check strict"} {
        Accepted {-version 1 -reserved 0xff}
    }
    apply {{} {foreach {id what opts} {
        actor.length "an Actor Information TLV length of 16" {-actor-length 16}
        actor.type "an Actor Information TLV type of 3" {-actor-type 3}
        partner.length "a Partner Information TLV length of 24 in version 1" {-partner-length 24}
        partner.type "a Partner Information TLV type of 1" {-partner-type 1}
        collector.length "a Collector Information TLV length of 12" {-collector-length 12}
        truncated "a LACPDU cut after 60 octets" {-truncate 60}
        version.zero "version 0" {-version 0}
        subtype.zero "Slow Protocols subtype 0" {-subtype 0}
        subtype.illegal "Slow Protocols subtype 11" {-subtype 11}
        subtype.other "Slow Protocols subtype 3 (another protocol's)" {-subtype 3}
    } {
        Case pdu.$id -clause "6.4.2.3, 802.3 57A.3" -title "a frame with $what is ignored" \
            -sends "one frame laid out as a LACPDU with $what, carrying a tell-tale port priority" \
            -expects "the DUT discards it: no echo of the tell-tale, its state unchanged, the link up" \
            -control {options {-rx-check lenient} note "the DUT reads every non-Marker Slow Protocols frame at the fixed offsets (-rx-check lenient)"} \
            [list Ignored $opts]
    }} ::lacp::conform}

    # ----------------------------------------------------------------- rx

    # Stops our port P; returns {time of our last LACPDU, time of the
    # DUT's first LACPDU showing the expiry}.
    proc Expire {p ms} {
        Do $p stop-tx
        set last [LastTx $p]
        if {$last eq {}} {set last [Now]}
        # Only what the DUT sends from now on can show the expiry.
        set hit [First $p [expr {[Now] + 0.001}] {[Has [dict get $pdu actor state] E] || ![Has [dict get $pdu actor state] SCD]} $ms]
        return [list $last [lindex $hit 0]]
    }

    # Skips unless the DUT's own LACP_Timeout (which times its current_while,
    # 6.4.12) is WANT (short or long).
    proc DutTimeout {want} {
        set s [dict get [Last [Port 1]] actor state]
        set short [Has $s T]
        if {$short != ($want eq "short")} {
            Skip "the DUT uses the [expr {$short ? "short" : "long"}] timeout (its T bit: $s)"
        }
    }

    Case rx.expire.short -clause 6.4.12 -title "the DUT expires a silent partner after 3 s (its short timeout)" \
        -sends "nothing, on link 1, from our last LACPDU on (the DUT's own LACP_Timeout short)" \
        -expects "the DUT's next LACPDU shows the expiry (Expired set, or Sync/Collecting/Distributing withdrawn) between 2700 and 4500 ms after our last LACPDU" \
        -control {options {-short-timeout 6000} note "the DUT's current_while runs 6 s (-short-timeout 6000)"} {
        Baseline
        DutTimeout short
        lassign [Expire [Port 1] 9000] last hit
        set d [expr {$hit eq {} ? {} : [format %.1f [expr {$hit - $last}]]}]
        Figure expiry_ms $d
        Check "expiry shown" "2700..4500 ms after our last LACPDU" [D $d] \
            [expr {$d ne {} && $d >= 2700 && $d <= 4500}]
    }
    Case rx.default.after-expire -clause 6.4.12 -title "the DUT defaults 3 s after the expiry" \
        -sends "nothing, on link 1, from our last LACPDU on" \
        -expects "the DUT's LACPDUs show it Defaulted (or drop our information) 5400..7500 ms after our last LACPDU (its timeout, then 3 s in EXPIRED, then up to a period to show it); a passive DUT, silent once defaulted, falls silent 1500..4500 ms after showing the expiry" \
        -control {options {-short-timeout 6000} note "-short-timeout 6000: expiry and default both late"} {
        Baseline
        set p [Port 1]
        set me [dict get [$p status] actor system]
        set s [dict get [Last $p] actor state]
        set ms 9000
        if {![Has $s T]} {
            if {[Opt quick]} {Skip "the DUT uses the long timeout: 90 s to wait, left out by -quick"}
            set ms 100000
        }
        lassign [Expire $p $ms] last hit
        if {$hit eq {}} {
            Check "expiry shown" "within $ms ms" never 0
            return
        }
        if {![Has $s A]} {
            # Passive and defaulted to a passive partner: NO_PERIODIC.
            Pass 8000
            set d [format %.1f [expr {[lindex [Rx $p $hit] end 0] - $hit}]]
            set more [Count $p [expr {$hit + 5000}] 1]
            Figure silent_after_expiry_ms $d
            Check "defaulted: the passive DUT falls silent" "last LACPDU 1500..4500 ms after the expiry, none after 5000 ms" \
                "last after $d ms, $more after 5000 ms" [expr {$d >= 1500 && $d <= 4500 && $more == 0}]
            return
        }
        set def [First $p $hit {[Has [dict get $pdu actor state] F] || [dict get $pdu partner system] ne $me} 9000]
        set d [expr {$def eq {} ? {} : [format %.1f [expr {[lindex $def 0] - $last}]]}]
        Figure default_ms $d
        # The timeout the DUT runs for us, and 3 s (short) in EXPIRED.
        set lo [expr {$ms == 9000 ? 5400 : 83700}]
        set hi [expr {$ms == 9000 ? 7500 : 94500}]
        Check "defaulted" "$lo..$hi ms after our last LACPDU" [D $d] \
            [expr {$d ne {} && $d >= $lo && $d <= $hi}]
    }
    Case rx.expire.long -clause 6.4.12 -long 1 \
        -title "the DUT expires a silent partner after 90 s (its long timeout)" \
        -sends "nothing, on link 1, from our last LACPDU on (the DUT's own LACP_Timeout long)" \
        -expects "the DUT shows the expiry 81..92 s after our last LACPDU" \
        -control {options {-rate slow -long-timeout 30000} dut-rate slow note "a slow DUT whose long timeout is 30 s (-long-timeout 30000)"} {
        Baseline
        DutTimeout long
        set p [Port 1]
        lassign [Expire $p 100000] last hit
        set d [expr {$hit eq {} ? {} : [format %.1f [expr {$hit - $last}]]}]
        Figure expiry_ms $d
        Check "expiry shown" "81000..92000 ms after our last LACPDU" [D $d] \
            [expr {$d ne {} && $d >= 81000 && $d <= 92000}]
    }
    Case rx.record.actor -clause 6.4.9 -title "the DUT records our system, priorities, key and port exactly" \
        -sends "LACPDUs with a system priority of 4660, a key of 4660 and a port priority of 291" \
        -expects "the partner information of the DUT's LACPDUs is exactly our actor information" \
        -control {rules {{{after 0} then {set partner.key 77}}} note "the DUT misstates our key in every LACPDU (set partner.key 77)"} {
        foreach p [Ports] {$p configure -key 4660 -port-priority 291}
        [Port 1] configure -system-priority 4660
        Baseline
        foreach p [Ports] {
            Until {[Echoes $p]} 2000
            set a [dict get [$p status] actor]
            set l [dict get [Last $p] partner]
            foreach k {system system_priority key port port_priority} {
                Check "$p: partner $k" [dict get $a $k] [dict get $l $k] \
                    [expr {[dict get $a $k] eq [dict get $l $k]}]
            }
        }
    }
    Case rx.record.state -clause 6.4.9 -title "the DUT echoes our state bits" \
        -sends "link 1's Sync, Collecting and Distributing cleared" \
        -expects "within 2000 ms the DUT's LACPDUs echo our new state exactly" \
        -control {rules {{{after 0} then {set partner.state ATGSCD}}} note "the DUT always echoes ATGSCD (set partner.state ATGSCD)"} {
        Baseline
        set p [Port 1]
        set t [Now]
        Do $p force actor -SCD
        set want [dict get [$p status] actor state]
        set hit [First $p $t {[dict get $pdu partner state] eq $want} 2000]
        Figure echo_ms [expr {$hit eq {} ? {} : [format %.1f [expr {[lindex $hit 0] - $t}]]}]
        set got [expr {[Last $p] eq {} ? "none" : [dict get [Last $p] partner state]}]
        Check "partner state echoed" $want [expr {$hit eq {} ? $got : $want}] [expr {$hit ne {}}]
    }
    Case rx.sync.match -clause 6.4.9 \
        -title "our Sync counts only when our partner information matches the DUT" \
        -sends "LACPDUs with Sync set whose partner information misstates the DUT's key, on link 1" \
        -expects "the DUT does not take us as in sync: within 2000 ms its LACPDUs withdraw Collecting and Distributing, and stay so" \
        -control {rules {{{after 0} then {force actor +CD}}} note "the DUT advertises Collecting and Distributing whatever happens (force actor +CD)"} {
        Baseline
        set p [Port 1]
        set key [dict get [$p status] partner key]
        set t [Now]
        Do $p set partner.key [expr {$key ^ 0x5a5a}]
        set hit [First $p $t {[Lacks [dict get $pdu actor state] CD]} 2000]
        Pass 1500
        set cd [Count $p [expr {$t + 2000}] {![Lacks [dict get $pdu actor state] CD]}]
        Check "Collecting/Distributing withdrawn" "within 2000 ms" \
            [expr {$hit eq {} ? "still [dict get [Last $p] actor state]" : "after [format %.1f [expr {[lindex $hit 0] - $t}]] ms"}] \
            [expr {$hit ne {}}]
        Check "and not advertised again" "no LACPDU with C or D" "$cd with C or D" [expr {$cd == 0}]
    }

    # ------------------------------------------------------------ periodic

    Case periodic.fast -clause 6.4.13 -title "the DUT sends every second while our Timeout is short" \
        -sends "our usual LACPDUs, LACP_Timeout short" \
        -expects "the median gap between the DUT's LACPDUs is 800..1200 ms and no gap exceeds 1500 ms" \
        -control {options {-fast-period 2000} note "the DUT's fast period is 2 s (-fast-period 2000)"} {
        Baseline
        set t [Now]
        Pass [expr {[Opt quick] ? 3500 : 10500}]
        set m [Measure [Port 1] $t [Now]]
        set iv [dict get $m partner_intervals]
        Figure intervals $iv
        if {![dict get $iv count]} {
            Check "periodic LACPDUs" "at least 2" "[dict get $m count]" 0
            return
        }
        Check "median interval" "800..1200 ms" "[dict get $iv median] ms" \
            [expr {[dict get $iv median] >= 800 && [dict get $iv median] <= 1200}]
        Check "longest interval" "<= 1500 ms" "[dict get $iv max] ms" [expr {[dict get $iv max] <= 1500}]
    }
    Case periodic.slow -clause 6.4.13 -long 1 -title "the DUT sends every 30 s while our Timeout is long" \
        -sends "our LACPDUs with LACP_Timeout long, for 65 s" \
        -expects "the DUT's LACPDUs come 27..33 s apart once it has switched" \
        -control {options {-slow-period 10000} note "the DUT's slow period is 10 s (-slow-period 10000)"} {
        Baseline
        foreach p [Ports] {$p configure -rate slow}
        Pass 2500
        set t [Now]
        Pass 65000
        set m [Measure [Port 1] $t [Now]]
        set iv [dict get $m partner_intervals]
        Figure intervals $iv
        if {![dict get $iv count]} {
            Check "periodic LACPDUs in 65 s" "at least 2" [dict get $m count] 0
            return
        }
        Check "median interval" "27000..33000 ms" "[dict get $iv median] ms" \
            [expr {[dict get $iv median] >= 27000 && [dict get $iv median] <= 33000}]
        Check "shortest interval" ">= 27000 ms" "[dict get $iv min] ms" [expr {[dict get $iv min] >= 27000}]
    }
    Case periodic.to-slow -clause 6.4.13 -title "the DUT slows down when our Timeout turns long" \
        -sends "our LACP_Timeout changed from short to long on every link" \
        -expects "after at most one more fast period, no LACPDU from the DUT for the rest of a 6 s window (4.5 s with -quick)" \
        -control {options {-slow-period 1000} note "the DUT keeps sending every second (-slow-period 1000)"} {
        Baseline
        set t [Now]
        foreach p [Ports] {$p configure -rate slow}
        set w [expr {[Opt quick] ? 4500 : 6000}]
        Pass $w
        set n [Count [Port 1] [expr {$t + 1500}] 1]
        Check "LACPDUs 1.5..[expr {$w / 1000.0}] s after the change" 0 $n [expr {$n == 0}]
    }
    Case periodic.to-fast -clause 6.4.13 -title "the DUT speeds up at once when our Timeout turns short" \
        -sends "our LACP_Timeout long for 3 s, then short again" \
        -expects "a LACPDU from the DUT within 1500 ms of the change, and the next one within 1500 ms of that" \
        -control {options {-fast-period 5000} note "the DUT's fast period is 5 s (-fast-period 5000)"} {
        Baseline
        foreach p [Ports] {$p configure -rate slow}
        Pass 3000
        set p [Port 1]
        set t [Now]
        foreach q [Ports] {$q configure -rate fast}
        set h1 [First $p $t 1 3000]
        set d1 [expr {$h1 eq {} ? {} : [format %.1f [expr {[lindex $h1 0] - $t}]]}]
        Figure first_ms $d1
        Check "first LACPDU after the change" "<= 1500 ms" [D $d1] [expr {$d1 ne {} && $d1 <= 1500}]
        if {$h1 eq {}} return
        set h2 [First $p [expr {[lindex $h1 0] + 0.001}] 1 3000]
        set d2 [expr {$h2 eq {} ? {} : [format %.1f [expr {[lindex $h2 0] - [lindex $h1 0]}]]}]
        Figure next_ms $d2
        Check "the next one" "<= 1500 ms later" [D $d2] [expr {$d2 ne {} && $d2 <= 1500}]
    }
    Case periodic.active.unprompted -clause 6.4.13 -dut-mode active -long 1 \
        -title "an active DUT keeps sending to a silent partner" \
        -sends "nothing on any link for 40 s" \
        -expects "the DUT keeps sending after it has expired and defaulted us: at least one LACPDU between 8 and 40 s" \
        -control {options {-mode passive} note "the DUT is passive though configured active"} {
        Baseline
        set t [Now]
        foreach p [Ports] {Do $p stop-tx}
        Pass 40000
        set n [Count [Port 1] [expr {$t + 8000}] 1]
        Check "LACPDUs from the DUT 8..40 s into the silence" ">= 1" $n [expr {$n >= 1}]
    }

    # ------------------------------------------------------------------ tx

    Case tx.immediate -clause "6.4.9, 6.4.16" -title "the DUT answers a stale echo at once, not at its next tick" \
        -sends "three LACPDUs misstating the DUT's port priority, 100, 400 and 700 ms after one of its LACPDUs" \
        -expects "each answered by a LACPDU within 250 ms" \
        -control {options {-tx-limit 1} note "one LACPDU per fast period: every change waits for the tick (-tx-limit 1)"} {
        Baseline
        set p [Port 1]
        set ds {}
        foreach off {100 400 700} {
            Phase $p $off
            lappend ds [StaleEcho $p]
            Pass 300
        }
        Figure answers_ms $ds
        set bad [lmap d $ds {if {$d ne {} && $d <= 250} continue; D $d}]
        Check "answers" "3 within 250 ms" [join [lmap d $ds {D $d}] ", "] [expr {![llength $bad]}]
    }
    Case tx.limit -clause 6.4.16 -title "never more than 3 LACPDUs in a second, even when provoked" \
        -sends "10 LACPDUs 50 ms apart, each misstating the DUT's port priority (each a reason to answer)" \
        -expects "at most 3 LACPDUs from the DUT in any 1000 ms" \
        -control {options {-tx-limit 0} note "no transmit limit (-tx-limit 0)"} {
        Baseline
        set p [Port 1]
        set t [Now]
        set pa [dict get [$p status] partner]
        for {set k 1} {$k <= 10} {incr k} {
            dict set pa port_priority [expr {([dict get $pa port_priority] + $k) % 65536}]
            $p send -partner $pa
            Pass 50
        }
        Pass 2000
        set m [Measure $p [expr {$t - 1000}] [Now]]
        Figure max_per_window [dict get $m max_per_window]
        Figure count [dict get $m count]
        Check "most LACPDUs in any second" "<= 3" [dict get $m max_per_window] \
            [expr {[dict get $m max_per_window] <= 3}]
    }
    Case tx.wellformed -clause 6.4.2.3 -title "the DUT's LACPDUs are well formed" \
        -sends "our usual LACPDUs for 3 s (2 s with -quick)" \
        -expects "every frame from the DUT is a LACPDU of 110 octets or more, version 1 or later, with no deviation from the layout" \
        -control {rules {{{after 0} then {set version 0}}} note "the DUT sends version 0 (set version 0)"} {
        Baseline
        Pass [expr {[Opt quick] ? 2000 : 3000}]
        set bad {}
        set n 0
        foreach p [Ports] {
            foreach e [concat [Rx $p {} lacpdu] [Rx $p {} illegal]] {
                set pdu [lindex $e 1]
                if {[dict get $pdu subtype] != 1} continue
                incr n
                set errs [lmap x [dict get $pdu errors] {dict get $x message}]
                if {[dict get $pdu version] < 1 || [dict get $pdu length] < 110 || [llength $errs]} {
                    lappend bad "$p: version [dict get $pdu version], [dict get $pdu length] octets[expr {[llength $errs] ? ", [join $errs {, }]" : {}}]"
                }
            }
        }
        Check "LACPDUs received" ">= 2" $n [expr {$n >= 2}]
        Check "malformed LACPDUs" none [expr {[llength $bad] ? [join [lsort -unique $bad] "; "] : "none"}] \
            [expr {![llength $bad]}]
    }
    Case tx.duplicate -clause 6.4.16 -title "no duplicate LACPDUs" \
        -sends "our usual LACPDUs for 5 s (3 s with -quick)" \
        -expects "no two identical LACPDUs from the DUT less than 500 ms apart" \
        -control {rules {{{after 1000} then send send}} note "the DUT sends every LACPDU twice"} {
        Baseline
        set t [Now]
        Pass [expr {[Opt quick] ? 3000 : 5000}]
        set dups 0
        set prev {}
        foreach e [Rx [Port 1] $t] {
            lassign $e tm pdu
            if {$prev ne {} && $tm - [lindex $prev 0] < 500 && $pdu eq [lindex $prev 1]} {incr dups}
            set prev $e
        }
        Check "identical LACPDUs < 500 ms apart" 0 $dups [expr {$dups == 0}]
    }
    Case tx.timeout-bit -clause "6.4.2.3, 6.4.8" \
        -title "the DUT's Timeout bit says the rate it is configured for" \
        -sends "our usual LACPDUs" \
        -expects "LACP_Timeout short (T set) in the DUT's LACPDUs when -dut-rate fast, long when slow" \
        -control {rules {{{after 0} then {force actor -T}}} note "a fast DUT advertising the long timeout (force actor -T)"} {
        Baseline
        set s [dict get [Last [Port 1]] actor state]
        set short [Has $s T]
        Check "LACP_Timeout" [expr {[Opt dut-rate] eq "fast" ? "short" : "long"}] \
            "[expr {$short ? "short" : "long"}] ($s)" [expr {$short == ([Opt dut-rate] eq "fast")}]
    }
    Case tx.consistent -clause "6.4.2.3, 6.3.5" -links 2 \
        -title "one system and key on every link, distinct port numbers" \
        -sends "our usual LACPDUs on every link" \
        -expects "the DUT's actor system, system priority and key are the same on all links, its port numbers distinct" \
        -control {ports {2} options {-key 2} note "the DUT's second port has another key (-key 2)"} {
        Baseline
        set ids {}
        set nums {}
        foreach p [Ports] {
            set a [dict get [Last $p] actor]
            lappend ids "[dict get $a system_priority],[dict get $a system],key [dict get $a key]"
            lappend nums [dict get $a port]
        }
        Check "system and key" "one for all links" [join [lsort -unique $ids] "; "] \
            [expr {[llength [lsort -unique $ids]] == 1}]
        Check "port numbers" distinct [join $nums ", "] \
            [expr {[llength [lsort -unique $nums]] == [llength $nums]}]
    }

    # -------------------------------------------------------------- select

    # Whether links I and J are in one aggregator by the DUT's own account
    # (-dut-probe); {} when it cannot tell.
    proc Together {i j} {
        set a [Probe $i]
        set b [Probe $j]
        if {![dict exists $a aggregator] || ![dict exists $b aggregator]} {return {}}
        set x [dict get $a aggregator]
        set y [dict get $b aggregator]
        return [expr {$x ne {} && $x ne 0 && $x eq $y}]
    }

    # The checks common to the select cases, after a change on link 1 at T:
    # the DUT records FIELD = WANT on link 1, withdraws Sync there before
    # showing it, link 2 stays up, and (with a probe) the two links are
    # not in one aggregator.
    proc Apart {t field want {ms 4000}} {
        set p [Port 1]
        set q [Port 2]
        set hit [First $p $t "\[dict get \$pdu partner $field\] eq {$want}" $ms]
        Check "link 1: the DUT records our new $field" "$want within $ms ms" \
            [expr {$hit eq {} ? "still [dict get [Last $p] partner $field]" : "after [format %.1f [expr {[lindex $hit 0] - $t}]] ms"}] \
            [expr {$hit ne {}}]
        if {$hit eq {}} return
        set s [dict get [lindex $hit 1] actor state]
        Check "link 1: the DUT reselects (no Sync in its first LACPDU with the change)" "actor state without S" $s [Lacks $s S]
        Pass [expr {[Opt quick] ? 2000 : 2500}]
        set lost [Count $q $t {![Has [dict get $pdu actor state] SCD]}]
        Check "link 2 undisturbed" "Sync, Collecting, Distributing in every LACPDU" "$lost LACPDUs without" [expr {$lost == 0}]
        set tog [Together 1 2]
        if {$tog ne {}} {
            Check "the DUT's own account" "links 1 and 2 not in one aggregator" \
                [expr {$tog ? "one aggregator" : "apart"}] [expr {!$tog}]
        } else {
            Note "which aggregator the DUT used is not visible on the wire (give -dut-probe)"
        }
        if {[Opt dut-lag] eq "single"} {
            Check "one LAG on the DUT: link 1 left out" "link 1 not collecting" \
                [dict get [Last $p] actor state] [Lacks [dict get [Last $p] actor state] CD]
        }
    }

    Case select.key.change -clause "6.4.14, 6.4.9" -links 2 \
        -title "a link whose key changes is reselected" \
        -sends "our key on link 1 changed to 4661, link 2 unchanged" \
        -expects "the DUT records the new key, drops Sync on link 1 before re-attaching it, keeps link 2 up, and does not aggregate them together" \
        -control {rules {{{after 0} then {force actor +S}}} note "the DUT never withdraws Sync (force actor +S)"} {
        Baseline
        set t [Now]
        [Port 1] configure -key 4661
        Apart $t key 4661
    }
    Case select.key.mismatch -clause 6.4.14 -links 2 \
        -title "links with different keys are not aggregated together" \
        -sends "our key 4661 on link 1 and 1 on link 2, from a fresh start of link 1" \
        -expects "the DUT records each link's key; with -dut-probe, the links are in different aggregators; with -dut-lag single, link 1 is left out" \
        -control {ports {1} rules {{{after 0} then {set partner.key 1}}} note "the DUT misstates link 1's key as 1 (set partner.key 1)"} {
        Baseline
        set p [Port 1]
        $p link down
        Pass 500
        $p configure -key 4661
        set t [Now]
        $p link up
        Apart $t key 4661 5000
    }
    Case select.individual -clause "6.4.14, 6.4.9" -links 2 \
        -title "an Individual link is not aggregated with others" \
        -sends "link 1 advertising Individual (Aggregation clear)" \
        -expects "the DUT echoes our Aggregation bit clear, reselects link 1, keeps link 2 up; with -dut-probe, the links are apart" \
        -control {ports {1} rules {{{after 0} then {set partner.state ATGSCD}}} note "the DUT echoes ATGSCD whatever we send"} {
        Baseline
        set t [Now]
        [Port 1] configure -aggregation 0
        set want [dict get [[Port 1] status] actor state]
        Apart $t state $want
    }
    Case select.partner.system -clause 6.4.14 -links 2 \
        -title "a link to another partner system is not aggregated with the others" \
        -sends "link 1 moved to another system id (02:cf:00:00:00:01), link 2 unchanged" \
        -expects "the DUT records the new system on link 1, reselects it, keeps link 2 up; with -dut-probe, the links are apart" \
        -control {ports {1} rules {{{after 0} then {set partner.system 02:00:00:00:00:0a}}} note "the DUT echoes our old system id on link 1"} {
        Baseline
        set p [Port 1]
        set t [Now]
        $p configure -system 02:cf:00:00:00:01 -port-number [$p cget -port-number]
        Apart $t system 02:cf:00:00:00:01
    }

    # ----------------------------------------------------------------- mux

    Case mux.no-cd-before-sync -clause 6.4.15 \
        -title "no Collecting/Distributing before our Sync" \
        -sends "link 1 restarted (down, up) advertising no Sync, Collecting or Distributing, for 4 s (3 s with -quick)" \
        -expects "no LACPDU of the DUT on link 1 with Collecting or Distributing" \
        -control {rules {{{after 0} then {force actor +CD}}} note "force actor +CD"} {
        Baseline
        set p [Port 1]
        Do $p force actor -SCD
        $p link down
        Pass 500
        set t [Now]
        $p link up
        Pass [expr {[Opt quick] ? 3000 : 4000}]
        set n [Count $p $t 1]
        set cd [Count $p $t {![Lacks [dict get $pdu actor state] CD]}]
        Check "LACPDUs from the DUT" ">= 1" $n [expr {$n >= 1}]
        Check "with Collecting or Distributing" 0 $cd [expr {$cd == 0}]
    }
    Case mux.withdraw -clause 6.4.15 -title "Collecting and Distributing withdrawn when we drop Sync" \
        -sends "link 1's Sync, Collecting and Distributing cleared" \
        -expects "a LACPDU from the DUT without Collecting and Distributing within 1500 ms" \
        -control {rules {{{after 0} then {force actor +CD}}} note "force actor +CD"} {
        Baseline
        set p [Port 1]
        set t [Now]
        Do $p force actor -SCD
        set hit [First $p $t {[Lacks [dict get $pdu actor state] CD]} 1500]
        set d [expr {$hit eq {} ? {} : [format %.1f [expr {[lindex $hit 0] - $t}]]}]
        Figure withdraw_ms $d
        Check "C and D withdrawn" "within 1500 ms" \
            [expr {$hit eq {} ? "still [dict get [Last $p] actor state]" : "after $d ms"}] [expr {$hit ne {}}]
    }
    Case mux.recover -clause 6.4.15 -title "back to Collecting/Distributing when our Sync returns" \
        -sends "link 1's Sync cleared for 2 s, then set again" \
        -expects "the link is up again within 1500 ms of our Sync" \
        -control {rules {{{mux is COLLECTING_DISTRIBUTING} then {script {%P when {partner lacks S} then {force actor -CD}}} -once}} note "the DUT never collects again once our Sync went away"} {
        Baseline
        set p [Port 1]
        Do $p force actor -SCD
        Pass 2000
        set t [Now]
        Do $p release
        set up [Until {[Up $p]} 1500]
        set d [format %.1f [expr {[Now] - $t}]]
        Figure recover_ms [expr {$up ? $d : {}}]
        Check "link 1 up" "within 1500 ms" [expr {$up ? "after $d ms" : "still [dict get [Last $p] actor state]"}] $up
    }
    Case mux.link.flap -clause "6.4.15, 6.4.12" -links 2 \
        -title "a link that goes down and up rejoins, the others stay up" \
        -sends "link 1 down for 1 s, then up" \
        -expects "link 1 up again within 6000 ms; link 2 in Sync, Collecting and Distributing throughout" \
        -control {ports {1} rules {{{rx is PORT_DISABLED} then {force actor -SCD}}} note "the DUT never takes back a link that went down"} {
        Baseline
        set p [Port 1]
        set t0 [Now]
        $p link down
        Pass 1000
        set t [Now]
        $p link up
        set up [Until {[Up $p]} 6000]
        set d [format %.1f [expr {[Now] - $t}]]
        Figure rejoin_ms [expr {$up ? $d : {}}]
        Check "link 1 up" "within 6000 ms" [expr {$up ? "after $d ms" : "down"}] $up
        set lost [Count [Port 2] $t0 {![Has [dict get $pdu actor state] SCD]}]
        Check "link 2 undisturbed" "Sync, Collecting, Distributing in every LACPDU" "$lost without" [expr {$lost == 0}]
    }
    Case mux.defaulted -clause "6.4.15, 6.4.12" \
        -title "no Collecting/Distributing towards a defaulted partner" \
        -sends "nothing on link 1 until the DUT defaults us" \
        -expects "once Defaulted, the DUT's LACPDUs on link 1 have neither Collecting nor Distributing" \
        -control {rules {{{after 0} then {force actor +CD}}} note "force actor +CD"} {
        Baseline
        set p [Port 1]
        Do $p stop-tx
        set t [Now]
        set hit [First $p $t {[Has [dict get $pdu actor state] F]} 10000]
        if {$hit eq {}} {Skip "the DUT never showed Defaulted in 10 s (see rx.default.after-expire)"}
        Pass 1500
        set cd [Count $p [lindex $hit 0] {![Lacks [dict get $pdu actor state] CD]}]
        Check "defaulted LACPDUs with C or D" 0 "$cd ([dict get [lindex $hit 1] actor state])" [expr {$cd == 0}]
    }

    # --------------------------------------------------------------- churn

    proc Churn {i key} {
        set d [Probe $i]
        if {![dict exists $d $key]} {
            Skip "churn is not visible on the wire: needs -dut-probe reporting $key"
        }
        return [dict get $d $key]
    }

    Case churn.partner.detect -clause 6.4.17 -long 1 \
        -title "the DUT detects partner churn" \
        -sends "link 1 without Sync for 65 s" \
        -expects "the DUT reports partner churn (Churn Detection Time 60 s), by its own account (-dut-probe)" \
        -control {options {-churn-time 200000} note "the DUT's churn detection time is 200 s (-churn-time 200000)"} {
        Churn 1 partner_churn
        Baseline
        Do [Port 1] force actor -S
        set t [Now]
        set hit [Until {[Churn 1 partner_churn]} 66000]
        set d [format %.1f [expr {[Now] - $t}]]
        Figure detect_ms [expr {$hit ? $d : {}}]
        Check "partner churn" "reported within 66 s" [expr {$hit ? "after $d ms" : "not reported"}] $hit
    }
    Case churn.partner.clear -clause 6.4.17 -long 1 \
        -title "partner churn clears when the partner is in sync again" \
        -sends "link 1 without Sync for 65 s, then in sync" \
        -expects "the DUT reports churn, then no churn within 5 s of our Sync" \
        -control {options {-churn-time 200000} note "-churn-time 200000"} {
        Churn 1 partner_churn
        Baseline
        Do [Port 1] force actor -S
        set hit [Until {[Churn 1 partner_churn]} 66000]
        Check "partner churn" "reported within 66 s" [expr {$hit ? "reported" : "not reported"}] $hit
        if {!$hit} return
        Do [Port 1] release
        set ok [Until {![Churn 1 partner_churn]} 5000]
        Check "churn cleared" "within 5000 ms" [expr {$ok ? "cleared" : "still reported"}] $ok
    }

    # -------------------------------------------------------------- marker

    Case marker.response -clause 6.5.4.2 -title "a Marker PDU gets one Marker Response" \
        -sends "one Marker Information PDU on link 1" \
        -expects "exactly one Marker Response within 1000 ms" \
        -control {options {-marker-responder 0} note "no Marker Responder (-marker-responder 0)"} {
        Baseline
        set p [Port 1]
        set t [Now]
        Marker $p 0x1001
        Until {[llength [Markers $p $t]] > 0} 1000
        Pass 500
        set n [llength [Markers $p $t]]
        Check "Marker Responses" 1 $n [expr {$n == 1}]
    }
    Case marker.echo -clause "6.5.3, 6.5.4.2" -title "the Marker Response echoes port, system and transaction" \
        -sends "Marker Information PDUs on link 1 with transaction ids 1 and 0xFFFFFFFF" \
        -expects "each Response carries our port, our system and the transaction id unchanged" \
        -control {options {-marker-responder 0} note "-marker-responder 0"} {
        Baseline
        set p [Port 1]
        set a [dict get [$p status] actor]
        foreach tid {1 4294967295} {
            set t [Now]
            Marker $p $tid
            Until {[llength [Markers $p $t]] > 0} 1000
            set m [lindex [Markers $p $t] 0 1]
            set want "port [dict get $a port] system [dict get $a system] transaction $tid"
            set got [expr {$m eq {} ? "no response" : "port [dict get $m port] system [dict get $m system] transaction [dict get $m transaction]"}]
            Check "response to transaction $tid" $want $got [expr {$want eq $got}]
        }
    }
    Case marker.per-link -clause 6.5.4.2 -links 2 -title "every link answers its own Markers" \
        -sends "one Marker Information PDU on each link, distinct transaction ids" \
        -expects "on each link, one Response with that link's transaction id" \
        -control {ports {2} options {-marker-responder 0} note "link 2 has no Marker Responder"} {
        Baseline
        set t [Now]
        set k 0
        foreach p [Ports] {Marker $p [expr {0x2000 + [incr k]}]}
        Pass 1000
        set k 0
        foreach p [Ports] {
            set want [expr {0x2000 + [incr k]}]
            set got [lmap m [Markers $p $t] {dict get [lindex $m 1] transaction}]
            Check "$p: responses" $want [expr {[llength $got] ? [join $got ,] : "none"}] [expr {$got eq $want}]
        }
    }
    Case marker.foreign -clause 6.5.4.2 -title "the requester's fields are echoed, whatever they are" \
        -sends "a Marker Information PDU on link 1 naming requester port 77 of system 02:aa:bb:cc:dd:ee" \
        -expects "a Response echoing port 77, system 02:aa:bb:cc:dd:ee and the transaction id" \
        -control {options {-marker-responder 0} note "-marker-responder 0"} {
        Baseline
        set p [Port 1]
        set t [Now]
        Marker $p 0x3003 02:aa:bb:cc:dd:ee 77
        Until {[llength [Markers $p $t]] > 0} 1000
        set m [lindex [Markers $p $t] 0 1]
        set want "port 77 system 02:aa:bb:cc:dd:ee transaction [expr {0x3003}]"
        set got [expr {$m eq {} ? "no response" : "port [dict get $m port] system [dict get $m system] transaction [dict get $m transaction]"}]
        Check "response" $want $got [expr {$want eq $got}]
    }

    # ------------------------------------------------------------- passive

    Case passive.activity-bit -clause "6.4.2.3, 6.4.8" \
        -title "the DUT's Activity bit says what it is configured to be" \
        -sends "our usual LACPDUs" \
        -expects "Activity set in the DUT's LACPDUs when -dut-mode active, clear when passive" \
        -control {rules {{{after 0} then {force actor -A}}} note "an active DUT advertising passive (force actor -A)"} {
        Baseline
        set s [dict get [Last [Port 1]] actor state]
        set active [Has $s A]
        Check "Activity" [expr {[Opt dut-mode] eq "active" ? "set" : "clear"}] \
            "[expr {$active ? "set" : "clear"}] ($s)" [expr {$active == ([Opt dut-mode] eq "active")}]
    }
    Case passive.answers -clause "6.4.13, 6.4.16" -dut-mode passive \
        -title "a passive DUT answers an active partner and negotiates" \
        -sends "our active LACPDUs" \
        -expects "every link up within 8000 ms" \
        -control {rules {{{after 0} then stop-tx}} note "the DUT never transmits (stop-tx)"} {
        set d [Baseline 8000]
        Figure negotiation_ms $d
        Check "links up" "within 8000 ms" "after $d ms" 1
    }
    Case passive.keeps-sending -clause 6.4.13 -dut-mode passive \
        -title "a passive DUT keeps sending periodically to an active partner" \
        -sends "our active LACPDUs, short timeout, for 5 s after negotiation" \
        -expects "the DUT's LACPDUs keep coming, no gap longer than 1500 ms" \
        -control {rules {{{mux is COLLECTING_DISTRIBUTING} then stop-tx}} note "the DUT stops sending once negotiated"} {
        Baseline
        set t [Now]
        Pass 5000
        set m [Measure [Port 1] $t [Now]]
        set iv [dict get $m partner_intervals]
        Figure intervals $iv
        Check "LACPDUs in 5 s" ">= 4" [dict get $m count] [expr {[dict get $m count] >= 4}]
        if {[dict get $iv count]} {
            Check "longest gap" "<= 1500 ms" "[dict get $iv max] ms" [expr {[dict get $iv max] <= 1500}]
        }
    }
    Case passive.silent.after -clause 6.4.13 -dut-mode passive \
        -title "a passive DUT falls silent when its partner turns passive" \
        -sends "every link of ours turned passive after negotiation" \
        -expects "after 7500 ms to settle (long enough for a DUT that missed our change to expire and default us), no LACPDU from the DUT for 5 s (8 s without -quick)" \
        -control {rules {{{after 1000} then send}} note "the DUT sends a LACPDU every second whatever its partner is"} {
        Baseline
        set t [Now]
        foreach p [Ports] {$p configure -mode passive}
        Pass [expr {[Opt quick] ? 12500 : 15500}]
        set n [Count [Port 1] [expr {$t + 7500}] 1]
        Check "LACPDUs from the DUT" 0 $n [expr {$n == 0}]
    }
    Case passive.silent.initial -clause 6.4.13 -dut-mode passive \
        -title "a passive DUT does not speak first" \
        -sends "nothing: our ports passive for 7500 ms (the DUT forgets us), then every link restarted (down 500 ms, up)" \
        -expects "no LACPDU from the DUT for 5 s after the links come up" \
        -control {rules {{{after 1000} then send}} note "the DUT sends a LACPDU every second whatever its partner is"} {
        Baseline
        foreach p [Ports] {$p configure -mode passive}
        Pass 7500
        foreach p [Ports] {$p link down}
        Pass 500
        set t [Now]
        foreach p [Ports] {$p link up}
        Pass 5000
        set n [Count [Port 1] $t 1]
        Check "LACPDUs from the DUT" 0 $n [expr {$n == 0}]
    }

    # -------------------------------------------------------------- timing

    Case timing.periodic.accuracy -clause "6.4.13, 6.4.4" \
        -title "the DUT's fast period, as figures" \
        -sends "our usual LACPDUs, short timeout, for 20 s (4.5 s with -quick)" \
        -expects "the median gap within 50 ms of 1000 ms, the 99th percentile under 1250 ms" \
        -control {options {-fast-period 1100} note "a fast period of 1.1 s (-fast-period 1100)"} {
        Baseline
        set t [Now]
        Pass [expr {[Opt quick] ? 4500 : 20000}]
        set iv [dict get [Measure [Port 1] $t [Now]] partner_intervals]
        Figure intervals $iv
        if {![dict get $iv count]} {
            Check "intervals" ">= 1" 0 0
            return
        }
        Check "median" "950..1050 ms" "[dict get $iv median] ms" \
            [expr {abs([dict get $iv median] - 1000) <= 50}]
        Check "p99" "< 1250 ms" "[dict get $iv p99] ms" [expr {[dict get $iv p99] < 1250}]
    }
    Case timing.reaction -clause "6.4.9, 6.4.16" -title "the DUT's reaction time to a stale echo, as figures" \
        -sends "LACPDUs misstating the DUT's port priority at spread phases of its period (10, or 3 with -quick)" \
        -expects "the median answer within 100 ms, every one within 500 ms" \
        -control {options {-tx-limit 1} note "-tx-limit 1: answers wait for the tick"} {
        Baseline
        set p [Port 1]
        set ds {}
        set n [expr {[Opt quick] ? 3 : 10}]
        for {set k 0} {$k < $n} {incr k} {
            Phase $p [expr {50 + (($k * 373) % 850)}]
            set d [StaleEcho $p]
            if {$d ne {}} {lappend ds $d}
            Pass 700
        }
        set st [Stats $ds]
        Figure reaction $st
        Figure missed [expr {$n - [llength $ds]}]
        Check "answered" "$n of $n" "[llength $ds] of $n" [expr {[llength $ds] == $n}]
        if {![llength $ds]} return
        Check "median" "<= 100 ms" "[dict get $st median] ms" [expr {[dict get $st median] <= 100}]
        Check "max" "<= 500 ms" "[dict get $st max] ms" [expr {[dict get $st max] <= 500}]
    }
    Case timing.negotiation -clause "6.4.14, 6.4.15, 6.4.4" \
        -title "time from a new partner key to every link aggregated again" \
        -sends "our key changed to 4662 on every link at once" \
        -expects "every link up again within 6000 ms (2000 ms of it the aggregate wait)" \
        -control {options {-wait-while 9000} note "the DUT's aggregate wait is 9 s (-wait-while 9000)"} {
        Baseline
        set t [Now]
        foreach p [Ports] {$p configure -key 4662}
        set cond [join [lmap p [Ports] {string cat {[Up } $p {] && [Echoes } $p {]}}] " && "]
        set up [Until $cond 6000]
        set d [format %.1f [expr {[Now] - $t}]]
        Figure negotiation_ms [expr {$up ? $d : {}}]
        Check "every link up" "within 6000 ms" [expr {$up ? "after $d ms" : "not up"}] $up
    }
    Case timing.marker -clause 6.5.4.2 -title "the DUT's Marker response time, as figures" \
        -sends "5 Marker Information PDUs on link 1, 200 ms apart" \
        -expects "every one answered, the slowest within 100 ms" \
        -control {options {-marker-responder 0} note "-marker-responder 0"} {
        Baseline
        set p [Port 1]
        set ds {}
        for {set k 0} {$k < 5} {incr k} {
            set t [Now]
            Marker $p [expr {0x4000 + $k}]
            if {[Until {[llength [Markers $p $t]] > 0} 1000]} {
                lappend ds [format %.1f [expr {[lindex [Markers $p $t] 0 0] - $t}]]
            }
            Pass 200
        }
        set st [Stats $ds]
        Figure response $st
        Check "answered" "5 of 5" "[llength $ds] of 5" [expr {[llength $ds] == 5}]
        if {[llength $ds]} {
            Check "slowest" "<= 100 ms" "[dict get $st max] ms" [expr {[dict get $st max] <= 100}]
        }
    }
}
