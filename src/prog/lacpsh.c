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
 *
 * lacpd's -d detaches through the daemon base (src/os/daemon.h), by the
 * two commands this program gives lacpd.tcl: ::lacp::lacpd::detach forks
 * (here, in the program: the loadable package never forks its host) and
 * leaves the starting process waiting on the ready pipe;
 * ::lacp::lacpd::ready tells it the daemon serves, or why it failed. So
 * `lacpsh -i eth0 -d` returns once the control socket is up, and a
 * failure after the fork still reaches the terminal as one line, exit 1.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <tcl.h>
#include "daemon.h"
#include "notifier.h"

int Lacp_Init(Tcl_Interp *interp);

static Tcl_Interp *main_interp;
static int interactive; /* no script: the prompt reads standard input */
static int ready_fd = -1; /* lacpd -d: the starting process waits on it */

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

/* ::lacp::lacpd::detach: detaches (daemon.h); the starting process waits
 * for ::lacp::lacpd::ready and never returns. */
static int detach_cmd(ClientData cd, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
	Tcl_Channel chan;
	char err[256];

	(void)cd;
	if (objc != 1) {
		Tcl_WrongNumArgs(interp, 1, objv, "");
		Tcl_SetErrorCode(interp, "LACP", "ARGS", NULL);
		return TCL_ERROR;
	}
	if ((chan = Tcl_GetStdChannel(TCL_STDOUT)) != NULL)
		Tcl_Flush(chan);
	if ((chan = Tcl_GetStdChannel(TCL_STDERR)) != NULL)
		Tcl_Flush(chan);
	if (lacp_daemon_detach("lacpsh: error", &ready_fd, err, sizeof err) != 0) {
		Tcl_SetObjResult(interp, Tcl_ObjPrintf("cannot run as a daemon: %s", err));
		Tcl_SetErrorCode(interp, "LACP", "LACPD", "RUNTIME", NULL);
		return TCL_ERROR;
	}
	Tcl_SetObjResult(interp, Tcl_NewWideIntObj((Tcl_WideInt)getpid()));
	return TCL_OK;
}

/* ::lacp::lacpd::ready ?WHY?: the daemon serves (or failed: WHY); does
 * nothing when not detached or already said. */
static int ready_cmd(ClientData cd, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
	(void)cd;
	if (objc > 2) {
		Tcl_WrongNumArgs(interp, 1, objv, "?why?");
		Tcl_SetErrorCode(interp, "LACP", "ARGS", NULL);
		return TCL_ERROR;
	}
	if (objc == 2)
		lacp_daemon_report(&ready_fd, Tcl_GetString(objv[1]));
	else
		lacp_daemon_ready(&ready_fd);
	return TCL_OK;
}

/*
 * Runs ::lacp::lacpd::main with the words after the program name and
 * exits with its result (2 for a usage error, 1 for a failure, 0 else).
 */
static void lacpd_main(int argc, char **argv)
{
	Tcl_Interp *interp;
	Tcl_Obj *words, *cmd[2];
	const char *failure;
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
	Tcl_CreateObjCommand(interp, "::lacp::lacpd::detach", detach_cmd, NULL, NULL);
	Tcl_CreateObjCommand(interp, "::lacp::lacpd::ready", ready_cmd, NULL, NULL);
	cmd[0] = Tcl_NewStringObj("::lacp::lacpd::main", -1);
	cmd[1] = words;
	Tcl_IncrRefCount(cmd[0]);
	Tcl_IncrRefCount(cmd[1]);
	if (Tcl_EvalObjv(interp, 2, cmd, TCL_EVAL_GLOBAL) != TCL_OK)
		fprintf(stderr, "lacpsh: error: %s\n", Tcl_GetStringResult(interp));
	else if (Tcl_GetIntFromObj(NULL, Tcl_GetObjResult(interp), &code) != TCL_OK)
		code = 1;
	/* a detached lacpd that ends before it said it serves: its error
	 * (main keeps the last one) goes to the waiting process */
	failure = Tcl_GetVar2(interp, "::lacp::lacpd::failure", NULL, TCL_GLOBAL_ONLY);
	if (code == 0)
		lacp_daemon_ready(&ready_fd);
	else
		lacp_daemon_report(&ready_fd, failure != NULL ? failure : "the daemon failed");
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
