/* SPDX-License-Identifier: GPL-3.0-or-later */
/* lacpsh: tclsh with the lacp package loaded. */
#include <tcl.h>
int Lacp_Init(Tcl_Interp *interp);
static int app_init(Tcl_Interp *interp)
{
	if (Tcl_Init(interp) != TCL_OK)
		return TCL_ERROR;
	if (Lacp_Init(interp) != TCL_OK)
		return TCL_ERROR;
	Tcl_StaticPackage(interp, "lacp", Lacp_Init, NULL);
	return TCL_OK;
}
int main(int argc, char **argv)
{
	Tcl_Main(argc, argv, app_init);
	return 0;
}
