# SPDX-License-Identifier: GPL-3.0-or-later
# The conformance suite against the Linux bonding driver in the qemu guest
# (bond0 in 802.3ad mode, lacp_rate fast, active) over two links, with
# -quick: every verdict must be the one doc/interop.md commits for it, but
# for the timing cases interop-notes.tcl lists as unstable in an emulated
# guest (with why); a changed verdict fails the test (regenerate the matrix
# with scripts/interop when the change is meant).
source [file join [file dirname [info script]] lib netns.tcl]
source [file join [file dirname [info script]] lib bond.tcl]
source [file join [file dirname [info script]] lib conform.tcl]
source [file join [file dirname [info script]] lib interop-notes.tcl]

bond::run {
    conf::check_column bond-active "the Linux bonding driver"
}
