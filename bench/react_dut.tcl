# SPDX-License-Identifier: GPL-3.0-or-later
# lacp as the device under test of bench/react.tcl (run by lacpsh):
#   lacpsh react_dut.tcl IFACE NETNS rule|stale|inject|transition|timer
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
# In mode transition the rules fire on the Mux's transitions that the
# partner's Sync bit causes.
if {$mode eq "transition"} {
    dut when {mux is ATTACHED} then force actor +E
    dut when {mux is COLLECTING_DISTRIBUTING} then release
}
# In mode timer a rule fires every 100 ms by its own `after` deadline and
# changes the Collector Max Delay: each changed LACPDU is one firing.
if {$mode eq "timer"} {
    dut when {after 100} then {script {
        dut configure -collector-max-delay [expr {[dut cget -collector-max-delay] ^ 1}]
    }}
}
puts ready
flush stdout
vwait forever
