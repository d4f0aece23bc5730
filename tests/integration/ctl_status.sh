#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# lacpctlc --status: every port as a text table, as JSON and as indented
# JSON (checked with python3 -m json.tool), with or without ports.

. "$(dirname "$0")/lib/ctl.sh"

ctl_start status

run --status
expect "no ports: exit" "$RC" 0
expect "no ports: text" "$OUT" "no ports"
run --status --json
expect "no ports: json" "$OUT" '{"ports":[]}'

run -c '
	lacp::clock mode real
	lacp::wire create w1
	lacp::port create p2 -wire w1 -system 02:00:00:00:00:02 -key 7
	lacp::port create p1 -wire w1 -system 02:00:00:00:00:01 -rate slow
	lacp::wire create w2
	lacp::port create "odd \"name\"" -wire w2 -system 02:00:00:00:00:03
	p1 wait {mux is COLLECTING_DISTRIBUTING} -timeout 10000'
expect "setup" "$RC:$OUT" "0:1"

run --status
expect "text: exit" "$RC" 0
expect "text: header" "$(sed -n 1p <<<"$OUT" | tr -s ' ')" "PORT LINK MUX RX ACTOR STATE PARTNER STATE"
expect "text: p1" "$(grep '^p1 ' <<<"$OUT" | tr -s ' ')" \
	"p1 wire:w1 COLLECTING_DISTRIBUTING CURRENT 02:00:00:00:00:01/1/1 AGSCD 02:00:00:00:00:02/7/1 ATGSCD"
expect "text: rows" "$(wc -l <<<"$OUT")" 4

for format in json pretty; do
	"$CTLC" -s "$SOCK" --status --$format >"$CTL_DIR/status.json" || fail "--$format exit"
	python3 -m json.tool "$CTL_DIR/status.json" >/dev/null || fail "--$format: invalid JSON: $(cat "$CTL_DIR/status.json")"
	python3 - "$CTL_DIR/status.json" <<'PY' || fail "--$format: content"
import json, sys
doc = json.load(open(sys.argv[1]))
ports = {p["name"]: p for p in doc["ports"]}
assert list(ports) == ['odd "name"', "p1", "p2"], list(ports)
p1 = ports["p1"]
assert p1["wire"] == "w1" and p1["interface"] is None, p1
assert p1["mux"] == "COLLECTING_DISTRIBUTING" and p1["rx"] == "CURRENT", p1
assert p1["actor"] == {"system": "02:00:00:00:00:01", "system_priority": 32768, "key": 1,
                       "port": 1, "port_priority": 32768, "state": "AGSCD"}, p1["actor"]
assert p1["partner"]["key"] == 7 and p1["partner"]["state"] == "ATGSCD", p1["partner"]
assert isinstance(p1["counters"]["lacpdus_rx"], int), p1["counters"]
assert ports['odd "name"']["mux"] in ("DETACHED", "WAITING", "ATTACHED"), ports['odd "name"']
PY
done
expect "--json is one line" "$("$CTLC" -s "$SOCK" --status --json | wc -l)" 1
[ "$("$CTLC" -s "$SOCK" --status --pretty | wc -l)" -gt 20 ] || fail "--pretty is not indented"

ctl_stop
echo "ok: --status as text, JSON and indented JSON"
