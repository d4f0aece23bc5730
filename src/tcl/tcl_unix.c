/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * lacp::unix: the few Unix services the lacpd command line needs and Tcl
 * 8.6 lacks: stream sockets on a path (Tcl's `socket` is TCP only), as
 * ordinary Tcl channels; signals delivered as scripts run by the event
 * loop; and kill(2). The listener and the signals are the daemon base's
 * (src/os/unixsock.h, src/os/sigpipe.h), the same as lacpctld's.
 * Detaching into a daemon is not here: a loadable package does not fork
 * its host process; lacpsh does that (src/prog/lacpsh.c).
 *
 *   lacp::unix listen PATH        -> channel, readable when a client waits
 *                                    (socket 0600; a live daemon's socket or
 *                                    a file that is no socket refused)
 *   lacp::unix accept CHANNEL     -> channel of the next client (root or our
 *                                    own user, by its credentials)
 *   lacp::unix connect PATH       -> channel
 *   lacp::unix signal NAME ?SCRIPT?   TERM INT HUP USR1 USR2; "" = default action
 *   lacp::unix kill PID ?NAME?    -> 1 sent, 0 no such process (NAME 0 only checks)
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "sigpipe.h"
#include "tcl_lacp.h"
#include "unixsock.h"

#define UNIX_ASSOC_KEY "lacp-unix"

static const struct {
	const char *name;
	int number;
} signals[] = {
	{"TERM", SIGTERM}, {"INT", SIGINT}, {"HUP", SIGHUP}, {"USR1", SIGUSR1},
	{"USR2", SIGUSR2}, {"KILL", SIGKILL}, {"0", 0},
};
#define N_SIGNALS (sizeof signals / sizeof signals[0])
#define N_CATCHABLE 5 /* the first five can have a script */

/* Each interpreter has its own self-pipe (sigpipe.h), so that it hears
 * the signals without taking them from another reader of the process. */
struct unix_state {
	Tcl_Interp *interp;
	Tcl_Obj *scripts[N_CATCHABLE];
	int sig_rd;    /* the pipe's read end, in this interpreter's loop; -1: none yet */
};

/* Runs the scripts of the signals that arrived. */
static void pipe_readable(ClientData cd, int mask)
{
	struct unix_state *us = cd;
	unsigned char buf[64];
	size_t n, i, k;

	(void)mask;
	n = lacp_sigpipe_read(us->sig_rd, buf, sizeof buf);
	Tcl_Preserve(us->interp);
	for (i = 0; i < n; i++)
		for (k = 0; k < N_CATCHABLE; k++) {
			Tcl_Obj *script = us->scripts[k];

			if (signals[k].number != buf[i] || script == NULL)
				continue;
			Tcl_IncrRefCount(script);
			if (Tcl_EvalObjEx(us->interp, script, TCL_EVAL_GLOBAL) != TCL_OK) {
				Tcl_AddErrorInfo(us->interp, "\n    (lacp::unix signal script)");
				Tcl_BackgroundException(us->interp, TCL_ERROR);
			}
			Tcl_DecrRefCount(script);
		}
	Tcl_Release(us->interp);
}

static void unix_delete(ClientData cd, Tcl_Interp *interp)
{
	struct unix_state *us = cd;
	size_t k;

	(void)interp;
	for (k = 0; k < N_CATCHABLE; k++)
		if (us->scripts[k] != NULL) {
			lacp_sigpipe_catch(signals[k].number, false);
			Tcl_DecrRefCount(us->scripts[k]);
		}
	if (us->sig_rd >= 0) {
		Tcl_DeleteFileHandler(us->sig_rd);
		lacp_sigpipe_close(us->sig_rd);
	}
	ckfree(us);
}

/* Leaves "MESSAGE: <strerror>" with {POSIX ...} as the error code. */
static int posix_error(Tcl_Interp *interp, int err, const char *what, const char *path)
{
	Tcl_SetErrno(err);
	Tcl_SetObjResult(interp, Tcl_ObjPrintf("%s \"%s\": %s", what, path,
					       Tcl_PosixError(interp)));
	return TCL_ERROR;
}

/* Fills *SA with PATH; TCL_ERROR when too long. */
static int sockaddr_of(Tcl_Interp *interp, const char *path, struct sockaddr_un *sa)
{
	memset(sa, 0, sizeof *sa);
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sa->sun_path || path[0] == '\0')
		return lacp_tcl_error(interp, "LACP VALUE PATH",
				      "socket path \"%s\" is empty or too long", path);
	strcpy(sa->sun_path, path);
	return TCL_OK;
}

/* Makes a registered channel of FD; returns its name in the result. */
static int channel_of(Tcl_Interp *interp, int fd, int mode)
{
	Tcl_Channel chan = Tcl_MakeFileChannel((ClientData)(intptr_t)fd, mode);

	if (chan == NULL) {
		close(fd);
		return lacp_tcl_error(interp, "LACP UNIX CHANNEL", "cannot make a channel");
	}
	Tcl_RegisterChannel(interp, chan);
	Tcl_SetObjResult(interp, Tcl_NewStringObj(Tcl_GetChannelName(chan), -1));
	return TCL_OK;
}

/* lacp::unix listen PATH: the daemon base's listener (unixsock.h); the
 * channel owns the descriptor, the caller the path. */
static int unix_listen(Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
	struct lacp_listener l;
	struct sockaddr_un sa;
	char err[512];
	const char *path;

	if (objc != 3)
		return lacp_tcl_wrong_args(interp, 2, objv, "PATH");
	path = Tcl_GetString(objv[2]);
	if (sockaddr_of(interp, path, &sa) != TCL_OK)
		return TCL_ERROR;
	if (lacp_listen_unix(&l, path, NULL, 0, err, sizeof err) < 0)
		return lacp_tcl_error(interp, "LACP UNIX LISTEN", "cannot listen on \"%s\": %s",
				      path, err);
	return channel_of(interp, l.fd, TCL_READABLE);
}

/* lacp::unix accept CHANNEL */
static int unix_accept(Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
	struct ucred cred;
	Tcl_Channel chan;
	ClientData handle;
	int mode, fd;

	if (objc != 3)
		return lacp_tcl_wrong_args(interp, 2, objv, "CHANNEL");
	chan = Tcl_GetChannel(interp, Tcl_GetString(objv[2]), &mode);
	if (chan == NULL)
		return TCL_ERROR;
	if (Tcl_GetChannelHandle(chan, TCL_READABLE, &handle) != TCL_OK)
		return lacp_tcl_error(interp, "LACP UNIX CHANNEL", "\"%s\" has no descriptor",
				      Tcl_GetString(objv[2]));
	fd = accept4((int)(intptr_t)handle, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return posix_error(interp, errno, "cannot accept on", Tcl_GetString(objv[2]));
	if (!lacp_peer_allowed(fd, false, 0, &cred)) {
		close(fd);
		return lacp_tcl_error(interp, "LACP UNIX PEER",
				      "refused a client: uid %u pid %ld is not allowed",
				      (unsigned)cred.uid, (long)cred.pid);
	}
	return channel_of(interp, fd, TCL_READABLE | TCL_WRITABLE);
}

/* lacp::unix connect PATH */
static int unix_connect(Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
	struct sockaddr_un sa;
	const char *path;
	int fd, err;

	if (objc != 3)
		return lacp_tcl_wrong_args(interp, 2, objv, "PATH");
	path = Tcl_GetString(objv[2]);
	if (sockaddr_of(interp, path, &sa) != TCL_OK)
		return TCL_ERROR;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return posix_error(interp, errno, "cannot connect to", path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		err = errno;
		close(fd);
		return posix_error(interp, err, "cannot connect to", path);
	}
	return channel_of(interp, fd, TCL_READABLE | TCL_WRITABLE);
}

/* Finds the signal named by OBJ ("TERM", "SIGTERM", "term", 15). */
static int get_signal(Tcl_Interp *interp, Tcl_Obj *obj, size_t limit, size_t *index)
{
	const char *s = Tcl_GetString(obj);
	size_t k;
	int n;

	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (k = 0; k < limit; k++)
		if (strcasecmp(s, signals[k].name) == 0 ||
		    (Tcl_GetIntFromObj(NULL, obj, &n) == TCL_OK && n == signals[k].number)) {
			*index = k;
			return TCL_OK;
		}
	return lacp_tcl_error(interp, "LACP VALUE SIGNAL",
			      "bad signal \"%s\": must be TERM, INT, HUP, USR1, USR2%s",
			      Tcl_GetString(obj), limit > N_CATCHABLE ? ", KILL or 0" : "");
}

/* lacp::unix signal NAME ?SCRIPT? */
static int unix_signal(struct unix_state *us, Tcl_Interp *interp, int objc,
		       Tcl_Obj *const objv[])
{
	char err[128];
	size_t k;

	if (objc != 3 && objc != 4)
		return lacp_tcl_wrong_args(interp, 2, objv, "NAME ?SCRIPT?");
	if (get_signal(interp, objv[2], N_CATCHABLE, &k) != TCL_OK)
		return TCL_ERROR;
	if (objc == 3) {
		Tcl_SetObjResult(interp, us->scripts[k] ? us->scripts[k] : Tcl_NewObj());
		return TCL_OK;
	}
	if (us->sig_rd < 0) {
		us->sig_rd = lacp_sigpipe_open(err, sizeof err);
		if (us->sig_rd < 0)
			return lacp_tcl_error(interp, "LACP UNIX SIGNAL", "cannot catch signals: %s",
					      err);
		Tcl_CreateFileHandler(us->sig_rd, TCL_READABLE, pipe_readable, us);
	}
	if (us->scripts[k] != NULL)
		Tcl_DecrRefCount(us->scripts[k]);
	us->scripts[k] = NULL;
	if (Tcl_GetString(objv[3])[0] != '\0') {
		us->scripts[k] = objv[3];
		Tcl_IncrRefCount(objv[3]);
	}
	lacp_sigpipe_catch(signals[k].number, us->scripts[k] != NULL);
	return TCL_OK;
}

/* lacp::unix kill PID ?NAME? */
static int unix_kill(Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
	size_t k = 0;
	long pid;

	if (objc != 3 && objc != 4)
		return lacp_tcl_wrong_args(interp, 2, objv, "PID ?SIGNAL?");
	if (lacp_tcl_get_int_range(interp, objv[2], "a process id", 1, INT32_MAX, &pid) != TCL_OK)
		return TCL_ERROR;
	if (objc == 4 && get_signal(interp, objv[3], N_SIGNALS, &k) != TCL_OK)
		return TCL_ERROR;
	if (kill((pid_t)pid, signals[k].number) == 0) {
		Tcl_SetObjResult(interp, Tcl_NewIntObj(1));
		return TCL_OK;
	}
	if (errno == ESRCH) {
		Tcl_SetObjResult(interp, Tcl_NewIntObj(0));
		return TCL_OK;
	}
	return posix_error(interp, errno, "cannot signal process", Tcl_GetString(objv[2]));
}

static int unix_cmd(ClientData cd, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
	static const char *const subs[] = {"accept", "connect", "kill", "listen", "signal", NULL};
	enum { S_ACCEPT, S_CONNECT, S_KILL, S_LISTEN, S_SIGNAL };
	int sub;

	if (objc < 2)
		return lacp_tcl_wrong_args(interp, 1, objv, "subcommand ?arg ...?");
	if (lacp_tcl_get_index(interp, objv[1], subs, "subcommand", &sub) != TCL_OK)
		return TCL_ERROR;
	switch (sub) {
	case S_ACCEPT: return unix_accept(interp, objc, objv);
	case S_CONNECT: return unix_connect(interp, objc, objv);
	case S_KILL: return unix_kill(interp, objc, objv);
	case S_LISTEN: return unix_listen(interp, objc, objv);
	default: return unix_signal(cd, interp, objc, objv);
	}
}

int lacp_tcl_unix_register(Tcl_Interp *interp, struct lacp_tcl_state *st)
{
	struct unix_state *us = ckalloc(sizeof *us);

	(void)st;
	memset(us, 0, sizeof *us);
	us->interp = interp;
	us->sig_rd = -1;
	Tcl_SetAssocData(interp, UNIX_ASSOC_KEY, unix_delete, us);
	Tcl_CreateObjCommand(interp, "::lacp::unix", unix_cmd, us, NULL);
	return TCL_OK;
}
