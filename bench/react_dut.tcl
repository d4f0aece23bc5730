# SPDX-License-Identifier: GPL-3.0-or-later
# lacp as the device under test of bench/react.tcl (run by lacpsh):
#   lacpsh react_dut.tcl IFACE NETNS rule|stale|inject
# One port on IFACE in NETNS, active, fast, with the transmit limit off
# (-tx-limit 0): a trigger every few milliseconds would otherwise meet
# 802.1AX's 3 LACPDUs per second and the limit would be measured, not the
# reaction. In mode rule, the two `when` rules whose reaction is measured:
# each toggle of the partner's Distributing bit fires one of them, and the
# forced Expired bit it changes leaves in the LACPDU that answers.
lassign $argv iface netns mode
lacp::port create dut -interface $iface -netns $netns -tx-limit 0
# In mode inject the same rules meet a stimulus the machines answer at once
# (a stale echo): the rule's change must ride in that answer.
if {$mode in {rule inject}} {
    dut when partner lacks D then force actor +E
    dut when partner has D then release
}
puts ready
flush stdout
vwait forever
