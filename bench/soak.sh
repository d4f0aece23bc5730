#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Soak: fast-rate negotiation on SOAK_PORTS (default 100) ports of lacpctld
# against as many ports of a lacpsh partner, over veth pairs between two
# network namespaces, for SECONDS (default 3600), with
#   - random link flaps: the partner's end taken down by `ip link` (carrier
#     events) and our end by `pN link down|up` sent through lacpctlc;
#   - rules firing: a `when` rule on every port counting renegotiations,
#     and lacpd-style inject rules that knock a port out of sync, -once;
#   - daemon clients: a lacpctlc call every ~200 ms (status in JSON, scripts
#     that count ports, create and destroy wire ports and rules, errors).
# Every minute it prints the resident memory and open descriptors of both
# processes, which must stay flat, and what happened meanwhile. Not a test:
# it runs only by hand, as root.
#
#   bench/soak.sh [SECONDS]      LACP_BIN (default build/bin) names the programs
set -u
DURATION=${1:-3600}
N=${SOAK_PORTS:-100}
BIN=${LACP_BIN:-$(cd "$(dirname "$0")/.." && pwd)/build/bin}
CTLD=$BIN/lacpctld
CTLC=$BIN/lacpctlc
[ "$(id -u)" = 0 ] || { echo "soak: needs root (network namespaces)" >&2; exit 77; }
[ -x "$CTLD" ] && [ -x "$CTLC" ] && [ -x "$BIN/lacpsh" ] || { echo "soak: no programs in $BIN" >&2; exit 2; }

tag=soak$$
D=$tag-d
P=$tag-p
DIR=$(mktemp -d /tmp/lacp-soak.XXXXXX)
SOCK=$DIR/ctl.sock
PIDS=()
cleanup() {
	for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null; done
	[ -f "$DIR/ctld.pid" ] && kill -TERM "$(cat "$DIR/ctld.pid")" 2>/dev/null
	ip netns del "$D" 2>/dev/null
	ip netns del "$P" 2>/dev/null
	rm -rf "$DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ip netns add "$D" && ip netns add "$P" || exit 1
for ((i = 0; i < N; i++)); do
	ip link add d$i netns "$D" type veth peer name e$i netns "$P" || exit 1
	ip netns exec "$D" sysctl -qw net.ipv6.conf.d$i.disable_ipv6=1
	ip netns exec "$P" sysctl -qw net.ipv6.conf.e$i.disable_ipv6=1
	ip -n "$D" link set d$i up
	ip -n "$P" link set e$i up
done

# The partner: one lacpsh with N ports, fast rate.
cat >"$DIR/partner.tcl" <<EOF
package require lacp
for {set i 0} {\$i < $N} {incr i} {
	lacp::port create q\$i -interface e\$i -netns $P -system 02:00:00:00:00:e0 -key [expr {1 + \$i % 4}]
}
vwait forever
EOF
"$BIN/lacpsh" "$DIR/partner.tcl" >"$DIR/partner.out" 2>&1 &
PEER=$!
disown "$PEER"
PIDS+=("$PEER")

"$CTLD" -s "$SOCK" -p "$DIR/ctld.pid" -l "$DIR/ctld.log" || exit 1
CTLD_PID=$(cat "$DIR/ctld.pid")

ctl() { "$CTLC" -s "$SOCK" "$@"; }

ctl -c "
	set ::renegotiated 0
	for {set i 0} {\$i < $N} {incr i} {
		lacp::port create p\$i -interface d\$i -netns $D -system 02:00:00:00:00:d0 -key [expr {1 + \$i % 4}]
		p\$i when {mux is COLLECTING_DISTRIBUTING} then script {incr ::renegotiated}
	}
	list" >/dev/null || { echo "soak: setup failed" >&2; exit 1; }

# Counts the ports in COLLECTING_DISTRIBUTING.
count_script='set n 0
	foreach p [lacp::port names] {
		if {[string match p* $p] && [dict get [$p status] mux] eq "COLLECTING_DISTRIBUTING"} {incr n}
	}
	set n'

for ((t = 0; t < 30; t++)); do
	[ "$(ctl -c "$count_script")" = "$N" ] && break
	sleep 1
done
echo "soak: $N ports, $(ctl -c "$count_script") negotiated after ${t} s; running ${DURATION} s"

mem() { # mem PID: "RSS_kB FDS"
	echo "$(awk '/^VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null || echo -) $(ls "/proc/$1/fd" 2>/dev/null | wc -l)"
}

flaps=0 ctl_flaps=0 calls=0 failures=0 injects=0
start=$(date +%s)
next_report=$start
minute=0
printf '%4s %8s %5s %8s %5s %5s %6s %6s %7s %5s %8s %6s\n' min ctld_kB fds peer_kB fds cd_now flaps fired inject rules calls failed
first_rss=
while :; do
	now=$(date +%s)
	if [ "$now" -ge "$next_report" ]; then
		read -r crss cfds <<<"$(mem "$CTLD_PID")"
		read -r prss pfds <<<"$(mem "$PEER")"
		cd_now=$(ctl -c "$count_script" 2>/dev/null)
		fired=$(ctl -c 'set ::renegotiated' 2>/dev/null)
		rules=$(ctl -c 'set n 0; foreach p [lacp::port names] {incr n [llength [$p rules]]}; set n' 2>/dev/null)
		printf '%4d %8s %5s %8s %5s %5s %6d %6s %7d %5s %8d %6d\n' "$minute" "$crss" "$cfds" "$prss" "$pfds" \
			"$cd_now" $((flaps + ctl_flaps)) "$fired" "$injects" "$rules" "$calls" "$failures"
		echo "$minute $crss $cfds $prss $pfds" >>"$DIR/series"
		minute=$((minute + 1))
		next_report=$((start + minute * 60))
	fi
	[ $((now - start)) -ge "$DURATION" ] && break
	kill -0 "$CTLD_PID" 2>/dev/null || { echo "soak: lacpctld died" >&2; exit 1; }
	kill -0 "$PEER" 2>/dev/null || { echo "soak: the partner died" >&2; exit 1; }

	i=$((RANDOM % N))
	case $((RANDOM % 10)) in
	0) # the partner's end flaps: carrier events on ours
		ip -n "$P" link set e$i down
		sleep 0.$((RANDOM % 5 + 1))
		ip -n "$P" link set e$i up
		flaps=$((flaps + 1)) ;;
	1) # our end, through the daemon
		ctl -c "p$i link down" >/dev/null && calls=$((calls + 1)) || failures=$((failures + 1))
		sleep 0.$((RANDOM % 5 + 1))
		ctl -c "p$i link up" >/dev/null && calls=$((calls + 1)) || failures=$((failures + 1))
		ctl_flaps=$((ctl_flaps + 1)) ;;
	2) # a rule that fires once and knocks the port out of sync; the
		# rules spent before are deleted, as a client would (a spent rule
		# stays listed, by design, until deleted)
		ctl -c "foreach r [p$i rules] {
				if {[dict get \$r spent]} {p$i rules delete [dict get \$r id]}
			}
			p$i inject {A:ATGSCD -> A:ATG} -once" >/dev/null && injects=$((injects + 1)) ||
			failures=$((failures + 1))
		calls=$((calls + 1)) ;;
	3) ctl --status --json >/dev/null && calls=$((calls + 1)) || failures=$((failures + 1)) ;;
	4) # short-lived objects: ports on a wire, rules, a trace
		ctl -c 'lacp::wire create tw
			lacp::port create ta -wire tw -system 02:00:00:00:00:aa
			lacp::port create tb -wire tw -system 02:00:00:00:00:bb
			ta when {received} then set actor.key 7 -count 3
			tb inject {P:ATG -> A:AT}
			ta wait {mux is COLLECTING_DISTRIBUTING} -timeout 3000
			ta rules delete [dict get [lindex [ta rules] 0] id]
			ta destroy; tb destroy; lacp::wire tw destroy' >/dev/null &&
			calls=$((calls + 1)) || failures=$((failures + 1)) ;;
	5) # rules that stay until deleted
		ctl -c "set id [p$i when {partner lacks S} then script {incr ::lost} -count 5]
			p$i rules delete \$id" >/dev/null && calls=$((calls + 1)) || failures=$((failures + 1)) ;;
	6) # errors are answers too
		ctl -c "p$i configure -key nonsense" >/dev/null 2>&1 && failures=$((failures + 1)) ||
			calls=$((calls + 1)) ;;
	*) ctl -c "dict get [p$i status] mux" >/dev/null && calls=$((calls + 1)) ||
			failures=$((failures + 1)) ;;
	esac
	sleep 0.2
done

# Flat: from the fifth minute (after warm-up; the first row for shorter
# runs) to the end.
awk -v n=5 '
	NR == 1 || $1 == n { c0 = $2; f0 = $3; p0 = $4; g0 = $5 }
	{ c1 = $2; f1 = $3; p1 = $4; g1 = $5 }
	END {
		printf "soak: lacpctld RSS %d -> %d kB (%+d), fds %d -> %d; lacpsh RSS %d -> %d kB (%+d), fds %d -> %d\n",
			c0, c1, c1 - c0, f0, f1, p0, p1, p1 - p0, g0, g1
	}' "$DIR/series"
echo "soak: $((flaps + ctl_flaps)) flaps, $injects inject rules set, $calls client calls, $failures failed"
