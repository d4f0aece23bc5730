# SPDX-License-Identifier: GPL-3.0-or-later
# The conformance suite against Open vSwitch (userspace datapath, bond with
# lacp=active, lacp-time=fast) over two veth links, with -quick: every
# verdict must be the one doc/interop.md commits for OVS (but for the few
# that interop-notes.tcl lists as unstable, with why); a changed verdict
# fails the test (regenerate the matrix with scripts/interop when the
# change is meant). Prints the suite's wall time.
source [file join [file dirname [info script]] lib netns.tcl]
source [file join [file dirname [info script]] lib ovs.tcl]
source [file join [file dirname [info script]] lib conform.tcl]
source [file join [file dirname [info script]] lib interop-notes.tcl]

ovs::run {
    conf::check_column ovs-active "Open vSwitch"
}
