# SPDX-License-Identifier: GPL-3.0-or-later
# Runs every tests/tcl/*.test against the package found on TCLLIBPATH and
# exits non-zero when any test fails, so ctest sees the failure.
package require tcltest 2.5
namespace import ::tcltest::*
configure -testdir [file dirname [file normalize [info script]]] {*}$argv
if {[runAllTests]} {exit 1}
