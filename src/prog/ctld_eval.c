/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * lacpctld's evaluation: one persistent interpreter with lacp loaded runs
 * each client's script at global level, its stdin, stdout and stderr
 * replaced by capture channels that feed the client's reply (or, outside
 * any script, the log). The interpreter's time-limit handler, called
 * every POLL_MS during a script, enforces -t, notices a client that went
 * away and a stop signal, and cancels the script (Tcl_CancelEval). The
 * outcome becomes the reply: plain text, or framed records. The
 * interpreter's own commands live here too: `lacpctld info|shutdown` and
 * an `exit` that stops the daemon cleanly.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "ctl_proto.h"
#include "ctld.h"
#include "sigpipe.h"

int Lacp_Init(Tcl_Interp *interp);

#define POLL_MS 250                     /* hang-up and signal checks during a script */

const char *const lacp_ctld_stream_name[LACP_CTLD_N_STREAMS] = {"stdin", "stdout", "stderr"};
static const int stream_tcl_type[LACP_CTLD_N_STREAMS] = {TCL_STDIN, TCL_STDOUT, TCL_STDERR};

/* A capture channel: stdin (always at end of file), stdout or stderr. */
struct capture {
	struct lacp_ctld *d;
	enum lacp_ctld_stream stream;
	Tcl_Channel chan;
};

static int capture_output(ClientData cd, const char *data, int len, int *err)
{
	struct capture *cap = cd;
	struct lacp_ctld *d = cap->d;

	(void)err;
	if (d->current != NULL)
		lacp_ctld_conn_output(d->current, cap->stream, data, (size_t)len);
	else
		lacp_ctld_log_background(d, cap->stream, data, (size_t)len);
	return len;
}

static int capture_input(ClientData cd, char *data, int len, int *err)
{
	(void)cd;
	(void)data;
	(void)len;
	(void)err;
	return 0; /* the daemon has no standard input: end of file */
}

static int capture_close2(ClientData cd, Tcl_Interp *interp, int flags)
{
	struct capture *cap = cd;

	(void)interp;
	if (flags & (TCL_CLOSE_READ | TCL_CLOSE_WRITE))
		return EINVAL;
	if (cap->d->chan[cap->stream] == cap->chan)
		cap->d->chan[cap->stream] = NULL;
	free(cap);
	return 0;
}

static void capture_watch(ClientData cd, int mask)
{
	(void)cd;
	(void)mask;
}

static int capture_handle(ClientData cd, int direction, ClientData *handle)
{
	(void)cd;
	(void)direction;
	(void)handle;
	return TCL_ERROR;
}

static int capture_block_mode(ClientData cd, int mode)
{
	(void)cd;
	(void)mode;
	return 0;
}

static const Tcl_ChannelType capture_type = {
	"lacpctld-capture",
	TCL_CHANNEL_VERSION_5,
	TCL_CLOSE2PROC,
	capture_input,
	capture_output,
	NULL,                  /* seek */
	NULL, NULL,            /* set/get option */
	capture_watch,
	capture_handle,
	capture_close2,
	capture_block_mode,
	NULL, NULL, NULL, NULL, NULL
};

/*
 * Makes sure the interpreter's standard channel of stream S is a capture
 * channel (again, if a script closed it). Before the interpreter exists
 * this only installs the process's standard channel; the interpreter
 * picks it up when it is created.
 */
static int ensure_channel(struct lacp_ctld *d, enum lacp_ctld_stream s)
{
	struct capture *cap;
	Tcl_Channel chan;
	int mode = s == LACP_CTLD_STDIN ? TCL_READABLE : TCL_WRITABLE;

	if (d->chan[s] != NULL)
		return 0;
	cap = calloc(1, sizeof *cap);
	if (cap == NULL)
		return -ENOMEM;
	cap->d = d;
	cap->stream = s;
	chan = Tcl_CreateChannel(&capture_type, lacp_ctld_stream_name[s], cap, mode);
	cap->chan = chan;
	d->chan[s] = chan;
	Tcl_SetChannelOption(NULL, chan, "-encoding", "utf-8");
	Tcl_SetChannelOption(NULL, chan, "-translation", "lf");
	if (s != LACP_CTLD_STDIN)
		Tcl_SetChannelOption(NULL, chan, "-buffering", "none");
	/* Tcl_CreateChannel fills a standard slot that a script emptied by
	 * itself (and takes a reference for it); otherwise do both here.
	 * Before the interpreter exists the slots are untouched: asking for
	 * them would open the process's own descriptors. */
	if (d->interp == NULL || Tcl_GetStdChannel(stream_tcl_type[s]) != chan) {
		Tcl_SetStdChannel(chan, stream_tcl_type[s]);
		Tcl_RegisterChannel(NULL, chan);
	}
	if (d->interp != NULL)
		Tcl_RegisterChannel(d->interp, chan);
	return 0;
}

static int ensure_channels(struct lacp_ctld *d)
{
	enum lacp_ctld_stream s;

	for (s = 0; s < LACP_CTLD_N_STREAMS; s++)
		if (ensure_channel(d, s) != 0)
			return -ENOMEM;
	return 0;
}

/* ---- evaluation */

void lacp_ctld_cancel(struct lacp_ctld *d, const char *message)
{
	if (d->current == NULL || d->current->cancelled)
		return;
	d->current->cancelled = true;
	Tcl_CancelEval(d->interp, Tcl_NewStringObj(message, -1), NULL, TCL_CANCEL_UNWIND);
}

/* Makes sure no cancellation outlives the script it was meant for (a
 * script that ended on its own before noticing it): a dummy evaluation
 * notices it and is unwound back to level 0, where Tcl clears it. */
static int clear_cancel(struct lacp_ctld *d, int code)
{
	Tcl_InterpState saved;
	Tcl_Obj *dummy;

	if (Tcl_Canceled(d->interp, 0) == TCL_OK)
		return code;
	saved = Tcl_SaveInterpState(d->interp, code);
	dummy = Tcl_NewStringObj("list", -1);
	Tcl_IncrRefCount(dummy);
	Tcl_EvalObjEx(d->interp, dummy, TCL_EVAL_GLOBAL);
	Tcl_DecrRefCount(dummy);
	if (Tcl_Canceled(d->interp, 0) != TCL_OK)
		lacp_ctld_log(d, LOG_ERR, "a cancellation is stuck in the interpreter");
	return Tcl_RestoreInterpState(d->interp, saved);
}

/* Sets the next wake-up of the time-limit handler: the poll interval or
 * the script's deadline, whichever comes first. */
static void limit_arm(struct lacp_ctld *d, struct lacp_ctld_conn *c)
{
	int64_t now = lacp_ctld_mono_ms(), ms = POLL_MS;
	Tcl_Time t;

	if (d->time_limit > 0 && !c->timed_out && c->deadline_ms - now < ms)
		ms = c->deadline_ms - now > 0 ? c->deadline_ms - now : 0;
	Tcl_GetTime(&t);
	t.sec += (long)(ms / 1000);
	t.usec += (long)(ms % 1000) * 1000;
	if (t.usec >= 1000000) {
		t.sec++;
		t.usec -= 1000000;
	}
	Tcl_LimitSetTime(d->interp, &t);
}

/*
 * The interpreter's time-limit handler, called every POLL_MS during an
 * evaluation (also inside nested event loops and blocking `after`): it
 * notices a hung-up client and a stop signal, and enforces -t. Raising
 * the limit again lets the script go on.
 */
static void limit_handler(ClientData cd, Tcl_Interp *interp)
{
	struct lacp_ctld *d = cd;
	struct lacp_ctld_conn *c = d->current;

	(void)interp;
	if (c == NULL)
		return;
	if (lacp_sigpipe_seen(SIGTERM) || lacp_sigpipe_seen(SIGINT)) {
		lacp_ctld_begin_stop(d, lacp_sigpipe_seen(SIGINT) ? "SIGINT" : "SIGTERM");
		lacp_ctld_arm_grace(d);
		if (lacp_ctld_mono_ms() > d->stop_deadline_ms)
			lacp_ctld_emergency_exit(d);
		lacp_ctld_cancel(d, "lacpctld is shutting down");
	}
	if (!c->gone && lacp_ctld_conn_gone(c)) {
		c->gone = true;
		lacp_ctld_log(d, LOG_NOTICE, "client %lu went away during its script: cancelled", c->id);
		lacp_ctld_cancel(d, "the client went away");
	}
	if (d->time_limit > 0 && !c->timed_out && lacp_ctld_mono_ms() >= c->deadline_ms) {
		/* Cancel rather than leave the limit exceeded: `catch` cannot
		 * stop an unwinding cancellation, and an exceeded limit seen
		 * in an event loop turns into background errors. */
		c->timed_out = true;
		lacp_ctld_cancel(d, "time limit exceeded");
	}
	limit_arm(d, c);
}

/* Converts Tcl's internal string OBJ to UTF-8 octets appended to DS. */
static const char *external_utf8(struct lacp_ctld *d, Tcl_Obj *obj, Tcl_DString *ds, Tcl_Size *len)
{
	Tcl_Size n;
	const char *s = Tcl_GetStringFromObj(obj, &n);

	Tcl_UtfToExternalDString(d->utf8, s, n, ds);
	*len = Tcl_DStringLength(ds);
	return Tcl_DStringValue(ds);
}

/* Builds C's reply from its captured output and the evaluation's outcome. */
static void compose_reply(struct lacp_ctld *d, struct lacp_ctld_conn *c, int code, Tcl_Obj *result,
			  Tcl_Obj *options)
{
	static const char note[] = "lacpctld: output truncated at 64 MiB\n";
	Tcl_Obj *key, *val;
	struct lacp_ctld_buf out = {0};
	Tcl_DString ds;
	const char *s;
	Tcl_Size len;
	size_t off = 0, i;
	bool ok = code == TCL_OK || code == TCL_RETURN;

	if (c->truncated) {
		c->truncated = false;
		lacp_ctld_conn_output_note(c, note, sizeof note - 1);
	}
	if (!c->framed) {
		out = c->out;
		memset(&c->out, 0, sizeof c->out);
		if (!ok)
			lacp_ctld_buf_append(&out, "error: ", 7);
	} else {
		for (i = 0; i < c->n_runs; i++) {
			lacp_ctld_buf_record(&out, c->runs[i].stream == LACP_CTLD_STDOUT ? LACP_CTL_TAG_STDOUT
									  : LACP_CTL_TAG_STDERR,
				   c->out.data + off, c->runs[i].len);
			off += c->runs[i].len;
		}
		lacp_ctld_buf_free(&c->out);
	}
	if (!ok && c->framed) {
		key = Tcl_NewStringObj("-errorcode", -1);
		Tcl_IncrRefCount(key);
		if (Tcl_DictObjGet(NULL, options, key, &val) == TCL_OK && val != NULL) {
			Tcl_DStringInit(&ds);
			s = external_utf8(d, val, &ds, &len);
			lacp_ctld_buf_record(&out, LACP_CTL_TAG_ERRORCODE, s, (size_t)len);
			Tcl_DStringFree(&ds);
		}
		Tcl_SetStringObj(key, "-errorinfo", -1);
		if (Tcl_DictObjGet(NULL, options, key, &val) == TCL_OK && val != NULL) {
			Tcl_DStringInit(&ds);
			s = external_utf8(d, val, &ds, &len);
			lacp_ctld_buf_record(&out, LACP_CTL_TAG_ERRORINFO, s, (size_t)len);
			Tcl_DStringFree(&ds);
		}
		Tcl_DecrRefCount(key);
	}
	Tcl_DStringInit(&ds);
	s = external_utf8(d, result, &ds, &len);
	if (c->framed)
		lacp_ctld_buf_record(&out, ok ? LACP_CTL_TAG_OK : LACP_CTL_TAG_ERROR, s, (size_t)len);
	else if (len > 0 || !ok)
		if (lacp_ctld_buf_append(&out, s, (size_t)len))
			lacp_ctld_buf_append(&out, "\n", 1);
	Tcl_DStringFree(&ds);
	c->out = out;
}

void lacp_ctld_evaluate(struct lacp_ctld *d, struct lacp_ctld_conn *c)
{
	size_t skip = c->framed ? strlen(LACP_CTL_HELLO) : 0;
	Tcl_Obj *result, *options, *script_obj;
	Tcl_DString script;
	int64_t t0 = lacp_ctld_mono_ms();
	char msg[160];
	int code;

	if (ensure_channels(d) != 0) {
		lacp_ctld_conn_refuse(c, "out of memory");
		return;
	}
	Tcl_DStringInit(&script);
	Tcl_ExternalToUtfDString(d->utf8, c->in.data + skip, (Tcl_Size)(c->in.len - skip), &script);
	lacp_ctld_buf_free(&c->in);
	c->state = LACP_CTLD_RUNNING;
	d->current = c;
	d->n_evals++;
	c->deadline_ms = t0 + (int64_t)(d->time_limit * 1000.0);
	limit_arm(d, c);
	Tcl_LimitTypeSet(d->interp, TCL_LIMIT_TIME);
	Tcl_Preserve(d->interp);
	/* Tcl_EvalObjEx, not Tcl_EvalEx: back at level 0 it clears a
	 * cancellation, which Tcl_EvalEx (8.6) may leave set after a
	 * cancelled vwait. */
	script_obj = Tcl_NewStringObj(Tcl_DStringValue(&script), Tcl_DStringLength(&script));
	Tcl_DStringFree(&script);
	Tcl_IncrRefCount(script_obj);
	code = Tcl_EvalObjEx(d->interp, script_obj, TCL_EVAL_GLOBAL);
	Tcl_DecrRefCount(script_obj);
	Tcl_LimitTypeReset(d->interp, TCL_LIMIT_TIME);  /* disabled, not exceeded */
	if (c->cancelled)
		code = clear_cancel(d, code);
	if (d->chan[LACP_CTLD_STDOUT] != NULL)
		Tcl_Flush(d->chan[LACP_CTLD_STDOUT]);
	if (d->chan[LACP_CTLD_STDERR] != NULL)
		Tcl_Flush(d->chan[LACP_CTLD_STDERR]);
	d->current = NULL;
	if (c->timed_out) {
		/* Also when the last command ran on past the limit (a command
		 * that waits without checking) and the script then ended. */
		snprintf(msg, sizeof msg,
			 "time limit exceeded: the script ran for more than %g s (lacpctld -t)",
			 d->time_limit);
		Tcl_SetObjResult(d->interp, Tcl_NewStringObj(msg, -1));
		Tcl_SetErrorCode(d->interp, "LACPCTLD", "LIMIT", "TIME", NULL);
		code = TCL_ERROR;
	} else if (code == TCL_BREAK || code == TCL_CONTINUE) {
		Tcl_SetObjResult(d->interp, Tcl_ObjPrintf("invoked \"%s\" outside of a loop",
							  code == TCL_BREAK ? "break" : "continue"));
		code = TCL_ERROR;
	} else if (code != TCL_OK && code != TCL_RETURN && code != TCL_ERROR) {
		Tcl_SetObjResult(d->interp, Tcl_ObjPrintf("command returned bad code: %d", code));
		code = TCL_ERROR;
	}
	result = Tcl_GetObjResult(d->interp);
	Tcl_IncrRefCount(result);
	options = Tcl_GetReturnOptions(d->interp, code);
	Tcl_IncrRefCount(options);
	Tcl_ResetResult(d->interp);
	Tcl_Release(d->interp);
	compose_reply(d, c, code, result, options);
	lacp_ctld_log(d, code == TCL_ERROR && (c->timed_out || c->cancelled) ? LOG_NOTICE : LOG_DEBUG,
		"client %lu: %s after %" PRId64 " ms%s%s: %.200s", c->id,
		code == TCL_ERROR ? "error" : "ok", lacp_ctld_mono_ms() - t0,
		c->timed_out ? ", time limit" : "", c->cancelled ? ", cancelled" : "",
		code == TCL_ERROR ? Tcl_GetString(result) : "");
	Tcl_DecrRefCount(result);
	Tcl_DecrRefCount(options);
	lacp_ctld_conn_reply(c);
}

/*
 * Destroys every port, calling the commands' implementations directly so
 * that it works even while the current script is being cancelled; a
 * script blocked in `NAME wait` then returns.
 */
int lacp_ctld_destroy_ports(struct lacp_ctld *d)
{
	Tcl_CmdInfo info, pinfo;
	Tcl_Obj *argv[2], *names, **elems, *qualified;
	Tcl_InterpState saved;
	Tcl_Size n, i;
	int count = 0;

	if (!Tcl_GetCommandInfo(d->interp, "::lacp::port", &info) || info.objProc == NULL)
		return 0;
	saved = Tcl_SaveInterpState(d->interp, TCL_OK);
	argv[0] = Tcl_NewStringObj("::lacp::port", -1);
	argv[1] = Tcl_NewStringObj("names", -1);
	Tcl_IncrRefCount(argv[0]);
	Tcl_IncrRefCount(argv[1]);
	if (info.objProc(info.objClientData, d->interp, 2, argv) != TCL_OK)
		goto out;
	names = Tcl_GetObjResult(d->interp);
	Tcl_IncrRefCount(names);
	Tcl_SetStringObj(argv[1], "destroy", -1);
	if (Tcl_ListObjGetElements(NULL, names, &n, &elems) == TCL_OK) {
		for (i = 0; i < n; i++) {
			qualified = Tcl_ObjPrintf("::%s", Tcl_GetString(elems[i]));
			Tcl_IncrRefCount(qualified);
			if ((Tcl_GetCommandInfo(d->interp, Tcl_GetString(elems[i]), &pinfo) ||
			     Tcl_GetCommandInfo(d->interp, Tcl_GetString(qualified), &pinfo)) &&
			    pinfo.objProc != NULL) {
				Tcl_SetStringObj(argv[0], Tcl_GetString(elems[i]), -1);
				if (pinfo.objProc(pinfo.objClientData, d->interp, 2, argv) == TCL_OK)
					count++;
			}
			Tcl_DecrRefCount(qualified);
		}
	}
	Tcl_DecrRefCount(names);
out:
	Tcl_DecrRefCount(argv[0]);
	Tcl_DecrRefCount(argv[1]);
	Tcl_RestoreInterpState(d->interp, saved);
	return count;
}

/* ---- the interpreter's own commands */

/* lacpctld shutdown | info */
static int lacpctld_cmd(ClientData cd, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
	static const char *const subs[] = {"info", "shutdown", NULL};
	struct lacp_ctld *d = cd;
	Tcl_Obj *dict;
	int sub;

	if (objc != 2) {
		Tcl_WrongNumArgs(interp, 1, objv, "info|shutdown");
		Tcl_SetErrorCode(interp, "LACPCTLD", "ARGS", NULL);
		return TCL_ERROR;
	}
	if (Tcl_GetIndexFromObj(interp, objv[1], subs, "subcommand", 0, &sub) != TCL_OK) {
		Tcl_SetErrorCode(interp, "LACPCTLD", "VALUE", Tcl_GetString(objv[1]), NULL);
		return TCL_ERROR;
	}
	if (sub == 1) {
		/* lacpctld shutdown: stop once this script has been answered */
		lacp_ctld_begin_stop(d, "shutdown requested by a client");
		return TCL_OK;
	}
	/* lacpctld info -> dict */
	dict = Tcl_NewDictObj();
	Tcl_DictObjPut(NULL, dict, Tcl_NewStringObj("pid", -1), Tcl_NewWideIntObj(d->pid));
	Tcl_DictObjPut(NULL, dict, Tcl_NewStringObj("socket", -1),
		       Tcl_NewStringObj(d->socket_path, -1));
	Tcl_DictObjPut(NULL, dict, Tcl_NewStringObj("connections", -1),
		       Tcl_NewWideIntObj(d->n_conns));
	Tcl_DictObjPut(NULL, dict, Tcl_NewStringObj("queued", -1), Tcl_NewWideIntObj(d->n_queued));
	Tcl_DictObjPut(NULL, dict, Tcl_NewStringObj("evaluations", -1),
		       Tcl_NewWideIntObj((Tcl_WideInt)d->n_evals));
	Tcl_DictObjPut(NULL, dict, Tcl_NewStringObj("uptime_ms", -1),
		       Tcl_NewWideIntObj(lacp_ctld_mono_ms() - d->started_ms));
	Tcl_DictObjPut(NULL, dict, Tcl_NewStringObj("time_limit", -1),
		       Tcl_NewDoubleObj(d->time_limit));
	Tcl_DictObjPut(NULL, dict, Tcl_NewStringObj("max_script", -1),
		       Tcl_NewWideIntObj((Tcl_WideInt)d->max_script));
	Tcl_SetObjResult(interp, dict);
	return TCL_OK;
}

/* exit ?CODE?: in the daemon, a clean stop after the current script. */
static int exit_cmd(ClientData cd, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
	struct lacp_ctld *d = cd;
	int code = 0;

	if (objc > 2) {
		Tcl_WrongNumArgs(interp, 1, objv, "?returnCode?");
		return TCL_ERROR;
	}
	if (objc == 2 && Tcl_GetIntFromObj(interp, objv[1], &code) != TCL_OK)
		return TCL_ERROR;
	lacp_ctld_log(d, LOG_NOTICE, "a script called exit %d", code);
	lacp_ctld_begin_stop(d, "exit called by a script");
	return TCL_OK;
}

int lacp_ctld_interp_create(struct lacp_ctld *d, char *err, size_t errlen)
{
	const char *what = "out of memory";
	char exe[PATH_MAX];
	ssize_t n;

	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	exe[n > 0 ? n : 0] = '\0';
	Tcl_FindExecutable(n > 0 ? exe : d->argv0);
	if (ensure_channels(d) != 0)
		goto fail;
	d->interp = Tcl_CreateInterp();
	d->utf8 = Tcl_GetEncoding(NULL, "utf-8");
	what = "Tcl initialisation failed";
	if (Tcl_Init(d->interp) != TCL_OK)
		goto fail;
	what = "cannot load lacp";
	if (Lacp_Init(d->interp) != TCL_OK)
		goto fail;
	Tcl_StaticPackage(d->interp, "lacp", Lacp_Init, NULL);
	Tcl_SetVar2(d->interp, "tcl_interactive", NULL, "0", TCL_GLOBAL_ONLY);
	Tcl_SetVar2(d->interp, "argv0", NULL, "lacpctld", TCL_GLOBAL_ONLY);
	Tcl_SetVar2(d->interp, "argv", NULL, "", TCL_GLOBAL_ONLY);
	Tcl_SetVar2(d->interp, "argc", NULL, "0", TCL_GLOBAL_ONLY);
	Tcl_CreateObjCommand(d->interp, "::lacpctld", lacpctld_cmd, d, NULL);
	Tcl_CreateObjCommand(d->interp, "::exit", exit_cmd, d, NULL);
	Tcl_LimitAddHandler(d->interp, TCL_LIMIT_TIME, limit_handler, d, NULL);
	return lacp_ctld_log_package(d, err, errlen);
fail:
	if (d->interp != NULL)
		snprintf(err, errlen, "%s: %s", what, Tcl_GetStringResult(d->interp));
	else
		snprintf(err, errlen, "%s", what);
	return -1;
}
