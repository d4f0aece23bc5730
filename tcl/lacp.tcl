# SPDX-License-Identifier: GPL-3.0-or-later
# Tcl-level part of the lacp package: the ensembles over the C commands.
# This file is compiled into the extension at build time.

namespace eval ::lacp {
    namespace eval pdu {
        namespace export build parse marker
        namespace ensemble create
    }
    namespace eval state {
        namespace export format parse
        namespace ensemble create
    }
}
