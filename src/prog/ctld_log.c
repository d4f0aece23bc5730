/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * lacpctld's log: syslog by default, a file with -l (reopened on SIGHUP),
 * stderr in the foreground. -v adds connections and evaluations, -q keeps
 * warnings and errors only. Two other sources end up here: what scripts
 * write outside any client's evaluation (event callbacks, `after`
 * scripts), a line at a time, and the package's own log (port events,
 * rule firings, hook outcomes) through ::lacpctld::log.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "ctld.h"

#define BG_LINE_MAX 4096                /* background output is logged line by line */

static const char *prio_name(int prio)
{
	switch (prio) {
	case LOG_ERR: return "error";
	case LOG_WARNING: return "warning";
	case LOG_NOTICE: return "notice";
	case LOG_INFO: return "info";
	default: return "debug";
	}
}

static void vlog_msg(struct lacp_ctld *d, int prio, const char *fmt, va_list ap)
{
	char stamp[32];
	struct timespec ts;
	struct tm tm;

	if (prio >= LOG_INFO && !d->verbose)
		return;
	if (prio >= LOG_NOTICE && d->verbosity < 0)
		return;
	if (d->log_fp == NULL) {
		vsyslog(prio, fmt, ap);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(d->log_fp, "%s.%03ld lacpctld[%ld]: %s: ", stamp, ts.tv_nsec / 1000000,
		(long)getpid(), prio_name(prio));
	vfprintf(d->log_fp, fmt, ap);
	fputc('\n', d->log_fp);
	fflush(d->log_fp);
}

void lacp_ctld_log(struct lacp_ctld *d, int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog_msg(d, prio, fmt, ap);
	va_end(ap);
}

int lacp_ctld_log_open(struct lacp_ctld *d)
{
	int fd;

	if (d->logfile != NULL) {
		fd = open(d->logfile, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
		if (fd < 0)
			return -errno;
		d->log_fp = fdopen(fd, "a");
		if (d->log_fp == NULL) {
			close(fd);
			return -ENOMEM;
		}
		setvbuf(d->log_fp, NULL, _IOLBF, 0);
		d->log_is_stderr = false;
	} else if (d->foreground) {
		d->log_fp = stderr;
		d->log_is_stderr = true;
	} else {
		openlog("lacpctld", LOG_PID | LOG_NDELAY, LOG_DAEMON);
		d->log_fp = NULL;
		d->log_is_stderr = false;
	}
	return 0;
}

void lacp_ctld_log_reopen(struct lacp_ctld *d)
{
	FILE *old = d->log_fp;

	if (d->logfile == NULL)
		return;
	if (lacp_ctld_log_open(d) != 0) {
		d->log_fp = old;
		lacp_ctld_log(d, LOG_WARNING, "cannot reopen %s: %s", d->logfile, strerror(errno));
		return;
	}
	fclose(old);
	lacp_ctld_log(d, LOG_NOTICE, "log file reopened");
}

void lacp_ctld_log_close(struct lacp_ctld *d)
{
	if (d->log_fp == NULL)
		closelog();
	else if (!d->log_is_stderr)
		fclose(d->log_fp);
	d->log_fp = stderr;
	d->log_is_stderr = true;
}

/* Event callbacks and `after` scripts write outside any script. */
void lacp_ctld_log_background(struct lacp_ctld *d, enum lacp_ctld_stream s, const char *data,
			      size_t len)
{
	struct lacp_ctld_buf *b = &d->bg[s];
	const char *nl;
	size_t n;

	while (len > 0) {
		nl = memchr(data, '\n', len);
		n = nl != NULL ? (size_t)(nl - data) : len;
		if (b->len + n > BG_LINE_MAX)
			n = BG_LINE_MAX - b->len;
		lacp_ctld_buf_append(b, data, n);
		data += n;
		len -= n;
		if (nl != NULL && data == nl) {
			data++;
			len--;
		} else if (b->len < BG_LINE_MAX) {
			break;
		}
		lacp_ctld_log(d, LOG_NOTICE, "%s (outside any script): %.*s", lacp_ctld_stream_name[s],
			(int)b->len, b->data != NULL ? b->data : "");
		b->len = 0;
	}
}

/*
 * ::lacpctld::log LEVEL MESSAGE: the package's log (lacp::log -command),
 * which carries the port events, rule firings and hook outcomes, goes to
 * the daemon's own log at the matching priority.
 */
static int log_bridge_cmd(ClientData cd, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
	static const char *const levels[] = {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL", NULL};
	static const int prio[] = {LOG_DEBUG, LOG_INFO, LOG_WARNING, LOG_ERR, LOG_CRIT};
	struct lacp_ctld *d = cd;
	int level;

	if (objc != 3) {
		Tcl_WrongNumArgs(interp, 1, objv, "LEVEL MESSAGE");
		return TCL_ERROR;
	}
	if (Tcl_GetIndexFromObj(interp, objv[1], levels, "level", 0, &level) != TCL_OK)
		return TCL_ERROR;
	lacp_ctld_log(d, prio[level], "%s", Tcl_GetString(objv[2]));
	return TCL_OK;
}

int lacp_ctld_log_package(struct lacp_ctld *d, char *err, size_t errlen)
{
	const char *level = d->verbosity < 0 ? "ERROR" : d->verbosity == 0 ? "WARNING" :
			    d->verbosity == 1 ? "INFO" : "DEBUG";
	const char *what = "lacp::log";
	Tcl_Obj *cmd;
	int code;

	Tcl_CreateObjCommand(d->interp, "::lacpctld::log", log_bridge_cmd, d, NULL);
	cmd = Tcl_ObjPrintf("::lacp::log -command ::lacpctld::log -name lacpctld -level %s", level);
	Tcl_IncrRefCount(cmd);
	code = Tcl_EvalObjEx(d->interp, cmd, TCL_EVAL_GLOBAL);
	Tcl_DecrRefCount(cmd);
	if (code != TCL_OK || d->hook == NULL)
		goto out;
	what = "-H";
	cmd = Tcl_NewListObj(0, NULL);
	Tcl_IncrRefCount(cmd);
	Tcl_ListObjAppendElement(NULL, cmd, Tcl_NewStringObj("::lacp::hook", -1));
	Tcl_ListObjAppendElement(NULL, cmd, Tcl_NewStringObj("configure", -1));
	Tcl_ListObjAppendElement(NULL, cmd, Tcl_NewStringObj("-command", -1));
	Tcl_ListObjAppendElement(NULL, cmd, Tcl_NewStringObj(d->hook, -1));
	Tcl_ListObjAppendElement(NULL, cmd, Tcl_NewStringObj("-max", -1));
	Tcl_ListObjAppendElement(NULL, cmd, Tcl_NewLongObj(d->hook_max));
	code = Tcl_EvalObjEx(d->interp, cmd, TCL_EVAL_GLOBAL);
	Tcl_DecrRefCount(cmd);
	if (code == TCL_OK)
		lacp_ctld_log(d, LOG_NOTICE, "event hook %s (at most %ld at once)", d->hook,
			      d->hook_max);
out:
	if (code != TCL_OK)
		snprintf(err, errlen, "%s: %s", what, Tcl_GetStringResult(d->interp));
	return code == TCL_OK ? 0 : -1;
}
