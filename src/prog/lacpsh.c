/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * lacpsh: tclsh with the lacp package loaded. Unlike tclsh, its prompt runs
 * Tcl's event loop while it waits for input (as wish does), so ports keep
 * negotiating between the commands typed or piped in.
 *
 * With an option instead of a script (`lacpsh -i eth0 --inject RULE`, any
 * first word starting with "-" but Tcl_Main's own -encoding) it is lacpd:
 * ::lacp::lacpd::main (tcl/lacpd.tcl) runs those options and its result is
 * the exit code.
 */
#include <stdio.h>
#include <string.h>
#include <tcl.h>
#include "notifier.h"

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

/* Whether the command line is lacpd's rather than a script's. */
static int lacpd_mode(int argc, char **argv)
{
	return argc >= 2 && argv[1][0] == '-' && argv[1][1] != '\0' &&
	       strcmp(argv[1], "-encoding") != 0;
}

/*
 * Runs ::lacp::lacpd::main with the words after the program name and
 * exits with its result (2 for a usage error, 1 for a failure, 0 else).
 */
static void lacpd_main(int argc, char **argv)
{
	Tcl_Interp *interp;
	Tcl_Obj *words, *cmd[2];
	int code = 1, i;

	Tcl_FindExecutable(argv[0]);
	interp = Tcl_CreateInterp();
	Tcl_SetVar(interp, "tcl_interactive", "0", TCL_GLOBAL_ONLY);
	if (app_init(interp) != TCL_OK) {
		fprintf(stderr, "lacpsh: error: %s\n", Tcl_GetStringResult(interp));
		Tcl_Exit(1);
	}
	words = Tcl_NewListObj(0, NULL);
	for (i = 1; i < argc; i++)
		Tcl_ListObjAppendElement(NULL, words, Tcl_NewStringObj(argv[i], -1));
	Tcl_SetVar2Ex(interp, "argv", NULL, words, TCL_GLOBAL_ONLY);
	Tcl_SetVar2Ex(interp, "argc", NULL, Tcl_NewIntObj(argc - 1), TCL_GLOBAL_ONLY);
	Tcl_SetVar2Ex(interp, "argv0", NULL, Tcl_NewStringObj(argv[0], -1), TCL_GLOBAL_ONLY);
	cmd[0] = Tcl_NewStringObj("::lacp::lacpd::main", -1);
	cmd[1] = words;
	Tcl_IncrRefCount(cmd[0]);
	Tcl_IncrRefCount(cmd[1]);
	if (Tcl_EvalObjv(interp, 2, cmd, TCL_EVAL_GLOBAL) != TCL_OK)
		fprintf(stderr, "lacpsh: error: %s\n", Tcl_GetStringResult(interp));
	else if (Tcl_GetIntFromObj(NULL, Tcl_GetObjResult(interp), &code) != TCL_OK)
		code = 1;
	Tcl_DecrRefCount(cmd[0]);
	Tcl_DecrRefCount(cmd[1]);
	Tcl_Exit(code);
}

int main(int argc, char **argv)
{
	/* before Tcl starts its own; when it fails, Tcl's own serves */
	(void)lacp_notifier_install();
	if (lacpd_mode(argc, argv))
		lacpd_main(argc, argv);
	interactive = argc < 2;
	Tcl_Main(argc, argv, app_init);
	return 0;
}
