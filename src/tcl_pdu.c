/* SPDX-License-Identifier: GPL-3.0-or-later */
/* lacp::pdu and lacp::state: placeholder until the codec lands. */
#include "tcl_lacp.h"

int lacp_tcl_pdu_register(Tcl_Interp *interp, struct lacp_tcl_state *st)
{
	(void)interp;
	(void)st;
	return TCL_OK;
}
