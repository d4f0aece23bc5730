/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * lacpsh: tclsh with the lacp package loaded. Unlike tclsh, its prompt runs
 * Tcl's event loop while it waits for input (as wish does), so ports keep
 * negotiating between the commands typed or piped in.
 */
#include <tcl.h>

int Lacp_Init(Tcl_Interp *interp);

static Tcl_Interp *main_interp;
static int interactive; /* no script: the prompt reads standard input */

/*
 * The main loop Tcl_Main runs for the prompt: events, including the
 * readable stdin that Tcl_Main's own handler reads commands from, until
 * standard input ends.
 */
static void event_loop(void)
{
	Tcl_Channel in;

	for (;;) {
		in = Tcl_GetStdChannel(TCL_STDIN);
		if (in == NULL || Tcl_Eof(in) || Tcl_InterpDeleted(main_interp))
			break;
		Tcl_DoOneEvent(0);
	}
}

static int app_init(Tcl_Interp *interp)
{
	if (Tcl_Init(interp) != TCL_OK)
		return TCL_ERROR;
	if (Lacp_Init(interp) != TCL_OK)
		return TCL_ERROR;
	Tcl_StaticPackage(interp, "lacp", Lacp_Init, NULL);
	main_interp = interp;
	/* A script runs to its end and exits, as in tclsh. */
	if (interactive)
		Tcl_SetMainLoop(event_loop);
	return TCL_OK;
}

int main(int argc, char **argv)
{
	interactive = argc < 2;
	Tcl_Main(argc, argv, app_init);
	return 0;
}
