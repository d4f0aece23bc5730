/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * lacp::unix: the few Unix services the lacpd command line needs and Tcl
 * 8.6 lacks: stream sockets on a path (Tcl's `socket` is TCP only), as
 * ordinary Tcl channels; detaching into a daemon; signals delivered as
 * scripts run by the event loop; and kill(2).
 *
 *   lacp::unix listen PATH        -> channel, readable when a client waits
 *   lacp::unix accept CHANNEL     -> channel of the next client
 *   lacp::unix connect PATH       -> channel
 *   lacp::unix daemon             -> pid of the detached child (the parent exits 0)
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

#include "tcl_lacp.h"

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

/*
 * The self-pipe a signal handler writes the signal number to. A signal
 * belongs to the process, not to an interpreter, so this one pair of
 * descriptors is the process's; the scripts are per interpreter.
 */
static int sig_pipe[2] = {-1, -1};

struct unix_state {
	Tcl_Interp *interp;
	Tcl_Obj *scripts[N_CATCHABLE];
	bool watching; /* the pipe's read end is in this interpreter's loop */
};

static void on_signal(int sig)
{
	int saved = errno;
	unsigned char b = (unsigned char)sig;

	if (write(sig_pipe[1], &b, 1) < 0) {
		/* the pipe is full: the signal is already pending there */
	}
	errno = saved;
}

/* Runs the scripts of the signals that arrived. */
static void pipe_readable(ClientData cd, int mask)
{
	struct unix_state *us = cd;
	unsigned char buf[64];
	ssize_t n, i;
	size_t k;

	(void)mask;
	n = read(sig_pipe[0], buf, sizeof buf);
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
			signal(signals[k].number, SIG_DFL);
			Tcl_DecrRefCount(us->scripts[k]);
		}
	if (us->watching)
		Tcl_DeleteFileHandler(sig_pipe[0]);
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

/* lacp::unix listen PATH */
static int unix_listen(Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
	struct sockaddr_un sa;
	const char *path;
	int fd, err;

	if (objc != 3)
		return lacp_tcl_wrong_args(interp, 2, objv, "PATH");
	path = Tcl_GetString(objv[2]);
	if (sockaddr_of(interp, path, &sa) != TCL_OK)
		return TCL_ERROR;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return posix_error(interp, errno, "cannot listen on", path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 16) != 0) {
		err = errno;
		close(fd);
		return posix_error(interp, err, "cannot listen on", path);
	}
	return channel_of(interp, fd, TCL_READABLE);
}

/* lacp::unix accept CHANNEL */
static int unix_accept(Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
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

/*
 * lacp::unix daemon: the usual double fork. The parent exits 0 at once
 * without running exit handlers (the child owns the open files and
 * sockets now); the child leads a new session, lives in /, has /dev/null
 * for standard input and output, and carries on with the event loop
 * (Tcl restarts its notifier in a forked child).
 */
static int unix_daemon(Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
	pid_t pid;
	int fd;

	if (objc != 2)
		return lacp_tcl_wrong_args(interp, 2, objv, "");
	Tcl_Flush(Tcl_GetStdChannel(TCL_STDOUT));
	Tcl_Flush(Tcl_GetStdChannel(TCL_STDERR));
	pid = fork();
	if (pid < 0)
		return posix_error(interp, errno, "cannot fork", "daemon");
	if (pid > 0)
		_exit(0);
	setsid();
	pid = fork();
	if (pid < 0)
		_exit(1);
	if (pid > 0)
		_exit(0);
	if (chdir("/") != 0) {
		/* / is always there */
	}
	fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	Tcl_SetObjResult(interp, Tcl_NewIntObj((int)getpid()));
	return TCL_OK;
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
	struct sigaction sa;
	size_t k;
	int fl;

	if (objc != 3 && objc != 4)
		return lacp_tcl_wrong_args(interp, 2, objv, "NAME ?SCRIPT?");
	if (get_signal(interp, objv[2], N_CATCHABLE, &k) != TCL_OK)
		return TCL_ERROR;
	if (objc == 3) {
		Tcl_SetObjResult(interp, us->scripts[k] ? us->scripts[k] : Tcl_NewObj());
		return TCL_OK;
	}
	if (sig_pipe[0] < 0) {
		if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
			return posix_error(interp, errno, "cannot make a pipe for", "signals");
	}
	if (!us->watching) {
		fl = fcntl(sig_pipe[0], F_GETFL);
		fcntl(sig_pipe[0], F_SETFL, fl | O_NONBLOCK);
		Tcl_CreateFileHandler(sig_pipe[0], TCL_READABLE, pipe_readable, us);
		us->watching = true;
	}
	if (us->scripts[k] != NULL)
		Tcl_DecrRefCount(us->scripts[k]);
	us->scripts[k] = NULL;
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sa.sa_handler = SIG_DFL;
	if (Tcl_GetString(objv[3])[0] != '\0') {
		us->scripts[k] = objv[3];
		Tcl_IncrRefCount(objv[3]);
		sa.sa_handler = on_signal;
	}
	sigaction(signals[k].number, &sa, NULL);
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
	static const char *const subs[] = {"accept", "connect", "daemon", "kill", "listen",
		"signal", NULL};
	enum { S_ACCEPT, S_CONNECT, S_DAEMON, S_KILL, S_LISTEN, S_SIGNAL };
	int sub;

	if (objc < 2)
		return lacp_tcl_wrong_args(interp, 1, objv, "subcommand ?arg ...?");
	if (lacp_tcl_get_index(interp, objv[1], subs, "subcommand", &sub) != TCL_OK)
		return TCL_ERROR;
	switch (sub) {
	case S_ACCEPT: return unix_accept(interp, objc, objv);
	case S_CONNECT: return unix_connect(interp, objc, objv);
	case S_DAEMON: return unix_daemon(interp, objc, objv);
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
	Tcl_SetAssocData(interp, UNIX_ASSOC_KEY, unix_delete, us);
	Tcl_CreateObjCommand(interp, "::lacp::unix", unix_cmd, us, NULL);
	return TCL_OK;
}
