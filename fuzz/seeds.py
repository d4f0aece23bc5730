#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes the seed corpora of the fuzz harnesses into fuzz/corpus/NAME/.

The seeds are small, readable starting points (valid PDUs of each kind,
DSL examples from DESIGN.md, short machine programs); the fuzzers grow
from them. Run again after changing a harness's input format:
    python3 fuzz/seeds.py
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
A = bytes.fromhex("02000000000a")
B = bytes.fromhex("02000000000b")


def info(tlv, sysprio, system, key, prio, port, state):
    return struct.pack(">BBH6sHHHB3x", tlv, 20, sysprio, system, key, prio, port, state)


def lacpdu(version=1, astate=0x3d, pstate=0x3d, tail=b"", delay=0):
    pdu = bytes([1, version]) + info(1, 32768, A, 1, 32768, 1, astate)
    pdu += info(2, 32768, B, 1, 32768, 1, pstate)
    pdu += struct.pack(">BBH12x", 3, 16, delay) + tail
    pdu += b"\x00\x00"
    return pdu + bytes(max(0, 110 - len(pdu)))


def marker(response=False, version=1):
    m = bytes([2, version, 2 if response else 1, 16]) + struct.pack(">H6sI2x", 7, A, 0x1234)
    m += b"\x00\x00"
    return m + bytes(110 - len(m))


def eth(payload, vlans=()):
    h = bytes.fromhex("0180c2000002") + A
    for tpid, tci in vlans:
        h += struct.pack(">HH", tpid, tci)
    return h + b"\x88\x09" + payload


def write(name, seeds):
    d = os.path.join(HERE, "corpus", name)
    os.makedirs(d, exist_ok=True)
    for key, data in seeds.items():
        if isinstance(data, str):
            data = data.encode()
        with open(os.path.join(d, key), "wb") as f:
            f.write(data)


# decode: first octet even = decode the rest, odd = craft from the rest
v2 = lacpdu(2, tail=bytes([4, 6, 0, 0, 0, 1]) + bytes([5, 20]) + bytes(18))
write("decode", {
    "lacpdu": b"\x00" + lacpdu(),
    "lacpdu_v2": b"\x00" + v2,
    "marker": b"\x00" + marker(),
    "marker_response": b"\x00" + marker(True),
    "truncated": b"\x00" + lacpdu()[:57],
    "bad_lengths": b"\x00" + lacpdu()[:3] + b"\x13" + lacpdu()[4:],
    "unknown_subtype": b"\x00" + bytes([10]) + bytes(40),
    "eth_qinq": b"\x00" + eth(lacpdu(), [(0x88a8, 10), (0x8100, 20)]),
    "eth_plain": b"\x00" + eth(marker()),
    "craft_plain": b"\x03" + bytes(64),
    "craft_wrong": b"\x05" + b"\x41\x07\x03\xff" + bytes(30) + b"\x80\x01\x09" + bytes(20),
    "craft_marker": b"\x01\x05\x01\x10" + bytes(40),
})

write("state", {
    "all": "ATGSCDFE", "none": "N", "lower": "atgs", "hex": "0x3f", "hex1": "0xF",
    "dec": "255", "dec0": "007", "big": "256", "hexlong": "0x123", "mixed": "AN",
    "empty": "", "bare_hex": "0x",
})

write("cond", {
    "has": "actor has S and partner has S",
    "lacpd": "A:ATGS and P:0x3d",
    "machines": "rx is CURRENT and mux is COLLECTING_DISTRIBUTING or selected is STANDBY",
    "nested": "not ( actor lacks ATG or ( partner is N and received ) )",
    "after": "after 500 or after 200 and not received",
    "parens": "((actor is 0x3f))",
    "bad_state": "actor is QQ",
    "bad_word": "actor was S",
    "open": "( actor has A",
    "bad_time": "after -5",
})

write("inject", {
    "readme": "A:ATG|P:AT -> A:AT",
    "partner_only": "P:AT -> A:AT",
    "numbers": "A:0x40|P:64 -> A:0x80",
    "target_partner": "A:ATG -> P:AT",
    "both_targets": "-> P:AT|A:ATG",
    "spaces": "  a : atg  |  p : at  ->  A : N ",
    "no_arrow": "A:ATG",
    "two_arrows": "A:A -> A:T -> A:G",
    "bad_role": "X:A -> A:T",
    "empty_part": "A:A||P:T -> A:G",
})


# machines: a setup octet (ports, loop), one config octet per port, then
# operations: OP TARGET ARGS... (see fuzz_machines.c run_op)
def prog(setup, configs, *ops):
    return bytes([setup] + configs) + b"".join(bytes(o) for o in ops)


def adv_ms(ms, target=0):
    return [0, target] + list(struct.pack(">H", ms))


def adv_s(s, target=0):
    return [1, target, s]


lacp_ops = b"".join(bytes([3, t, 0x20, 0x3d]) + struct.pack(">H", 0) for t in (0, 1))
write("machines", {
    "negotiate": prog(0, [0, 0], adv_s(10)),
    "two_ports": prog(1, [0, 0, 0, 0], adv_s(5), adv_ms(3500)),
    "passive": prog(0, [1, 1], adv_s(10)),
    "slow": prog(0, [2, 2], adv_s(100)),
    "loop": prog(5, [0, 0, 0, 0], adv_s(10)),
    "independent": prog(0, [8, 8], adv_s(10)),
    "flap": prog(0, [0, 0], adv_s(5), [7, 0, 0], adv_s(4), [7, 0, 1], adv_s(5)),
    "disable": prog(0, [0, 0], adv_s(5), [5, 0, 0], adv_s(2), [5, 0, 1], adv_s(5)),
    "inject": prog(0, [0, 0], adv_s(3), [3, 0, 0x20, 0x3d, 0, 0], adv_ms(100),
                   [2, 1, 4, 1, 1, 1, 20], [4, 0, 0, 0, 7, 0, 0, 0, 1], adv_s(3)),
    "write_force": prog(0, [0, 0], adv_s(5), [8, 0, 0x07], adv_s(2), [10, 1, 0x08, 0x00],
                        adv_s(5), [10, 1, 0, 0], adv_s(5)),
    "stop_tx": prog(0, [0, 0], adv_s(5), [11, 0, 0], adv_s(10), [11, 0, 1], adv_s(5)),
    "config": prog(1, [0, 0, 0, 0], adv_s(5), [6, 0, 4, 2], adv_s(5), [6, 2, 11, 1],
                   adv_s(5), [6, 1, 9, 0], [6, 1, 10, 1], adv_s(3)),
    "free_new": prog(1, [0, 0, 0, 0], adv_s(5), [16, 2], adv_s(3), [17, 2, 0], adv_s(5)),
    "reenter": prog(1, [0, 0, 0, 0], [18, 0, 1, 0], adv_s(3), [18, 1, 5, 2], adv_s(3),
                    [18, 2, 9, 3], adv_s(3), [18, 3, 10, 0], adv_s(3)),
    "system": prog(1, [0, 0, 0, 0], adv_s(5), [15, 0, 2 | (1 << 2)], adv_s(5),
                   [15, 0, 0 | (1 << 2)], adv_s(5), [15, 1, 1 | (3 << 2)], adv_s(5)),
    "expire": prog(0, [0, 0], adv_s(5), [7, 0, 0], adv_s(100), [7, 0, 1], adv_s(10)),
    # down, LACP off, up: LACP_DISABLED; partner admin changes there; LACP on
    "lacp_disabled": prog(0, [0, 0], adv_s(3), [5, 0, 0], [6, 0, 3, 0], [5, 0, 1], adv_s(3),
                          [6, 0, 12, 0x45, 1, 1], adv_s(2), [6, 0, 3, 1], adv_s(5)),
})


# tcl: first octet picks the command (fuzz_tcl.c prefixes[], modulo 10;
# 0xff and 0xfe: lacp::pdu parse BYTES ?-strict?), words split at newlines
def tcl(which, *words):
    return bytes([which]) + "\n".join(words).encode()


write("tcl", {
    "when_set_state": tcl(0, "partner has S", "then", "set-state", "actor", "ATG"),
    "when_force": tcl(8, "received and actor has A", "then", "force", "actor", "N", "-once"),
    "when_send": tcl(9, "mux is COLLECTING_DISTRIBUTING", "then", "send", "-actor",
                     "state AT", "-count", "2"),
    "when_link": tcl(0, "after 500", "then", "stop-tx", "link", "down", "start-tx"),
    "when_set_exit": tcl(0, "rx is CURRENT", "then", "set", "actor.key", "7", "exit", "3"),
    "when_bits": tcl(0, "not received", "then", "set-state", "actor", "+S", "-D",
                     "release", "drop-rx", "accept-rx"),
    "inject": tcl(1, "A:ATGSCD|P:ATGSCD -> A:ATG"),
    "inject_exit": tcl(1, "P:AT -> A:AT", "-once", "-exit", "2"),
    "send": tcl(2, "-actor", "state ATGS key 9", "-partner", "system 02:00:00:00:00:0b"),
    "wait": tcl(3, "partner has S and mux is ATTACHED", "-timeout", "5000"),
    "configure": tcl(4, "-mode", "passive", "-rate", "slow", "-tx-limit", "1"),
    "build": tcl(5, "-actor", "state ATG", "-truncate", "50", "-version", "2"),
    "state": tcl(6, "ATGS"),
    "rules": tcl(7, "delete", "1"),
    "parse": b"\xff" + lacpdu(),
    "parse_strict": b"\xfe" + lacpdu(2, tail=bytes([4, 6, 0, 0, 0, 1])),
    "parse_marker": b"\xff" + marker(),
})
