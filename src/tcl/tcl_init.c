/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Package initialisation of the Tcl extension `lacp`: stubs, the ::lacp
 * namespace, the per-interpreter state, the commands of every tcl_*.c file
 * and the embedded Tcl library scripts.
 */
#include <tcl.h>

#include "tcl_lacp.h"

extern const char *const lacp_tcl_scripts[];

/* Frees the per-interpreter state when its interpreter is deleted. */
static void interp_state_delete(ClientData cd, Tcl_Interp *interp)
{
	(void)interp;
	lacp_tcl_state_free((struct lacp_tcl_state *)cd);
}

/* Lacp_Init: called by `load` and by the programs' Tcl_AppInit. */
int Lacp_Init(Tcl_Interp *interp)
{
	struct lacp_tcl_state *st;
	int i;

	if (Tcl_InitStubs(interp, "8.6", 0) == NULL)
		return TCL_ERROR;
	if (Tcl_GetAssocData(interp, LACP_ASSOC_KEY, NULL) != NULL)
		return Tcl_PkgProvideEx(interp, "lacp", LACP_PKG_VERSION, NULL);
	st = lacp_tcl_state_new(interp);
	if (st == NULL) {
		Tcl_SetObjResult(interp, Tcl_NewStringObj("out of memory", -1));
		Tcl_SetErrorCode(interp, "LACP", "NOMEM", NULL);
		return TCL_ERROR;
	}
	Tcl_SetAssocData(interp, LACP_ASSOC_KEY, interp_state_delete, st);
	if (Tcl_Eval(interp, "namespace eval ::lacp {}") != TCL_OK)
		return TCL_ERROR;
	if (lacp_tcl_register(interp, st) != TCL_OK)
		return TCL_ERROR;
	for (i = 0; lacp_tcl_scripts[i] != NULL; i++)
		if (Tcl_EvalEx(interp, lacp_tcl_scripts[i], -1, TCL_EVAL_GLOBAL) != TCL_OK)
			return TCL_ERROR;
	return Tcl_PkgProvideEx(interp, "lacp", LACP_PKG_VERSION, NULL);
}

/* The package is safe to load only into trusted interpreters. */
int Lacp_SafeInit(Tcl_Interp *interp)
{
	Tcl_SetObjResult(interp, Tcl_NewStringObj(
		"lacp cannot be loaded into a safe interpreter", -1));
	Tcl_SetErrorCode(interp, "LACP", "SAFE", NULL);
	return TCL_ERROR;
}
