# SPDX-License-Identifier: GPL-3.0-or-later
# The empty process bench/ports.tcl compares memory with: lacpsh, the
# package loaded, no port (run by lacpsh).
puts ready
flush stdout
vwait forever
