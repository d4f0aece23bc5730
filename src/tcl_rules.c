/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The inject rules of a port: `NAME when CONDITION then ACTION ...`,
 * lacpd's `NAME inject "COND -> TARGET"` and `NAME rules`.
 */
#include "tcl_lacp.h"

int lacp_tcl_rules_cmd(struct tcl_port *tp, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
	(void)tp;
	(void)objc;
	return lacp_tcl_error(interp, "LACP UNSUPPORTED RULES",
			      "\"%s\" is not available in this build", Tcl_GetString(objv[1]));
}

void lacp_tcl_rules_event(struct tcl_port *tp, const struct lacp_event *ev)
{
	(void)tp;
	(void)ev;
}

void lacp_tcl_rules_free(struct tcl_port *tp)
{
	(void)tp;
}

int lacp_tcl_rules_register(Tcl_Interp *interp, struct lacp_tcl_state *st)
{
	return lacp_tcl_log_register(interp, st);
}
