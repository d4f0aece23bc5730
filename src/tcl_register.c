/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The per-interpreter state of the binding and the list of command
 * families it registers.
 */
#include <stdlib.h>

#include "tcl_lacp.h"

struct lacp_tcl_state {
	Tcl_Interp *interp;
};

struct lacp_tcl_state *lacp_tcl_state_new(Tcl_Interp *interp)
{
	struct lacp_tcl_state *st = calloc(1, sizeof *st);

	if (st != NULL)
		st->interp = interp;
	return st;
}

void lacp_tcl_state_free(struct lacp_tcl_state *st)
{
	free(st);
}

int lacp_tcl_register(Tcl_Interp *interp, struct lacp_tcl_state *st)
{
	if (lacp_tcl_pdu_register(interp, st) != TCL_OK)
		return TCL_ERROR;
	return TCL_OK;
}
