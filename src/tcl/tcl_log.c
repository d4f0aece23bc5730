/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * lacp::log: the package's log, shared by the inject rules and the lacpd
 * command line. Levels are lacpd's (DEBUG INFO WARNING ERROR CRITICAL);
 * lines go to a Tcl channel, a file and/or a command prefix, formatted as
 * lacpd formats them ("2025-01-31 12:00:00,123 - lacp - INFO - eth0 state
 * changed: A:ATG|P:A -> A:ATG|P:AT"). Nothing is logged until a sink is
 * configured, and nothing is formatted below the level.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>

#include "state.h"
#include "tcl_lacp.h"

#define LOG_ASSOC_KEY "lacp-log"

static const char *const level_names[] = {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL", NULL};

/* The log of one interpreter. */
struct log_state {
	Tcl_Interp *interp;
	int level;           /* threshold, LACP_LOG_* */
	Tcl_Obj *channel;    /* a channel name, or NULL */
	Tcl_Obj *file;       /* the path given to -file, or NULL */
	Tcl_Channel file_chan;
	Tcl_Obj *command;    /* a command prefix, or NULL */
	Tcl_Obj *name;       /* the logger name in lines */
	int busy;            /* a -command is running: no nested lines */
};

static const char *level_name(int level)
{
	int i = level / 10 - 1;

	return i >= 0 && i < 5 ? level_names[i] : "INFO";
}

static void set_obj(Tcl_Obj **slot, Tcl_Obj *value)
{
	if (value != NULL)
		Tcl_IncrRefCount(value);
	if (*slot != NULL)
		Tcl_DecrRefCount(*slot);
	*slot = value;
}

static void close_file(struct log_state *ls)
{
	if (ls->file_chan != NULL)
		Tcl_Close(NULL, ls->file_chan);
	ls->file_chan = NULL;
	set_obj(&ls->file, NULL);
}

static void log_delete(ClientData cd, Tcl_Interp *interp)
{
	struct log_state *ls = cd;

	(void)interp;
	close_file(ls);
	set_obj(&ls->channel, NULL);
	set_obj(&ls->command, NULL);
	set_obj(&ls->name, NULL);
	ckfree(ls);
}

static struct log_state *log_state(Tcl_Interp *interp)
{
	return Tcl_GetAssocData(interp, LOG_ASSOC_KEY, NULL);
}

bool lacp_tcl_log_enabled(Tcl_Interp *interp, int level)
{
	struct log_state *ls = log_state(interp);

	return ls != NULL && level >= ls->level &&
	       (ls->channel != NULL || ls->file_chan != NULL || ls->command != NULL);
}

/* Writes LINE (no newline) to the channel and the file of LS. */
static void write_line(struct log_state *ls, int level, const char *msg)
{
	char stamp[64], when[32];
	struct timeval tv;
	struct tm tm;
	Tcl_Obj *line;
	Tcl_Channel chan;
	int mode;

	gettimeofday(&tv, NULL);
	localtime_r(&tv.tv_sec, &tm);
	strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
	snprintf(stamp, sizeof stamp, "%s,%03d", when, (int)(tv.tv_usec / 1000));
	line = Tcl_ObjPrintf("%s - %s - %s - %s\n", stamp, Tcl_GetString(ls->name),
			     level_name(level), msg);
	Tcl_IncrRefCount(line);
	if (ls->channel != NULL) {
		chan = Tcl_GetChannel(ls->interp, Tcl_GetString(ls->channel), &mode);
		if (chan != NULL && (mode & TCL_WRITABLE))
			Tcl_WriteObj(chan, line);
		else
			Tcl_ResetResult(ls->interp);
	}
	if (ls->file_chan != NULL)
		Tcl_WriteObj(ls->file_chan, line);
	Tcl_DecrRefCount(line);
}

/* Calls the -command prefix with LEVEL and MSG appended. */
static void call_command(struct log_state *ls, int level, const char *msg)
{
	Tcl_Interp *interp = ls->interp;
	Tcl_Obj *cmd = Tcl_DuplicateObj(ls->command);
	Tcl_InterpState saved;

	Tcl_IncrRefCount(cmd);
	Tcl_ListObjAppendElement(NULL, cmd, Tcl_NewStringObj(level_name(level), -1));
	Tcl_ListObjAppendElement(NULL, cmd, Tcl_NewStringObj(msg, -1));
	saved = Tcl_SaveInterpState(interp, TCL_OK);
	Tcl_Preserve(interp);
	ls->busy++;
	if (Tcl_EvalObjEx(interp, cmd, TCL_EVAL_GLOBAL) != TCL_OK) {
		Tcl_AddErrorInfo(interp, "\n    (lacp::log -command)");
		lacp_tcl_background_error(interp);
	}
	ls->busy--;
	Tcl_RestoreInterpState(interp, saved);
	Tcl_Release(interp);
	Tcl_DecrRefCount(cmd);
}

/* Sends MSG at LEVEL to every sink of LS. */
static void emit(struct log_state *ls, int level, const char *msg)
{
	if (ls->busy)
		return; /* a line logged from the -command itself */
	if (ls->channel != NULL || ls->file_chan != NULL)
		write_line(ls, level, msg);
	if (ls->command != NULL)
		call_command(ls, level, msg);
}

void lacp_tcl_log(Tcl_Interp *interp, int level, const char *fmt, ...)
{
	struct log_state *ls = log_state(interp);
	char buf[512];
	va_list ap;

	if (!lacp_tcl_log_enabled(interp, level))
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	emit(ls, level, buf);
}

/* The name of TP in log lines: its interface, else the port's name. */
const char *lacp_tcl_log_port_label(const struct tcl_port *tp)
{
	const char *ifname = lacp_tcl_port_interface(tp);

	return ifname != NULL ? ifname : lacp_tcl_port_name(tp);
}

/* The log's observer of port events: state changes at INFO, the rest at
 * DEBUG. */
static void log_port_event(struct tcl_port *tp, const struct lacp_event *ev)
{
	Tcl_Interp *interp = lacp_tcl_port_interp(tp);
	const char *label;
	char a0[LACP_STATE_STRLEN], p0[LACP_STATE_STRLEN];
	char a1[LACP_STATE_STRLEN], p1[LACP_STATE_STRLEN];

	if (!lacp_tcl_log_enabled(interp, ev->type == LACP_EV_OPER ? LACP_LOG_INFO
								    : LACP_LOG_DEBUG))
		return;
	label = lacp_tcl_log_port_label(tp);
	switch (ev->type) {
	case LACP_EV_OPER:
		lacp_tcl_log(interp, LACP_LOG_INFO, "%s state changed: A:%s|P:%s -> A:%s|P:%s",
			     label, lacp_state_format(ev->old_actor_state, a0),
			     lacp_state_format(ev->old_partner_state, p0),
			     lacp_state_format(ev->new_actor_state, a1),
			     lacp_state_format(ev->new_partner_state, p1));
		break;
	case LACP_EV_RX:
		if (ev->decoded != NULL && ev->decoded->cls == LACP_CLASS_LACPDU)
			lacp_tcl_log(interp, LACP_LOG_DEBUG,
				     "Received LACPDU from partner on %s, partner state: %s", label,
				     lacp_state_format(ev->decoded->lacpdu.actor.state, p1));
		else
			lacp_tcl_log(interp, LACP_LOG_DEBUG, "Received a %zu-octet slow protocols frame on %s",
				     ev->len, label);
		break;
	case LACP_EV_TX:
		/* the actor and partner state octets sit at 18 and 38 */
		if (ev->len >= 40 && ev->pdu[0] == LACP_SUBTYPE_LACP)
			lacp_tcl_log(interp, LACP_LOG_DEBUG, "Sent LACPDU on %s: A:%s|P:%s", label,
				     lacp_state_format(ev->pdu[18], a1),
				     lacp_state_format(ev->pdu[38], p1));
		else
			lacp_tcl_log(interp, LACP_LOG_DEBUG, "Sent a %zu-octet PDU on %s", ev->len, label);
		break;
	case LACP_EV_TRANSITION:
		if (ev->machine == LACP_M_PERIODIC)
			break; /* twice a period: the sent LACPDUs tell it */
		lacp_tcl_log(interp, LACP_LOG_DEBUG, "%s machine on %s: %s -> %s",
			     lacp_machine_name[ev->machine], label,
			     lacp_machine_state_name(ev->machine, ev->from),
			     lacp_machine_state_name(ev->machine, ev->to));
		break;
	case LACP_EV_EXPIRED:
		lacp_tcl_log(interp, LACP_LOG_DEBUG, "Partner information expired on %s", label);
		break;
	case LACP_EV_CHURN:
		lacp_tcl_log(interp, LACP_LOG_DEBUG, "%s on %s: %s", lacp_machine_name[ev->machine],
			     label, ev->on ? "churn" : "no churn");
		break;
	case LACP_EV_LOOPBACK:
		lacp_tcl_log(interp, LACP_LOG_DEBUG, "Loopback %s on %s",
			     ev->on ? "detected" : "gone", label);
		break;
	case LACP_EV_AGGREGATOR:
		lacp_tcl_log(interp, LACP_LOG_DEBUG, "Aggregator of %s: %u -> %u", label,
			     ev->old_aggregator, ev->new_aggregator);
		break;
	default:
		break;
	}
}

/* The current settings as a dict. */
static Tcl_Obj *settings(const struct log_state *ls)
{
	Tcl_Obj *d = Tcl_NewDictObj();
	Tcl_Obj *empty = Tcl_NewObj();

	Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("-level", -1),
		       Tcl_NewStringObj(level_name(ls->level), -1));
	Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("-channel", -1),
		       ls->channel ? ls->channel : empty);
	Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("-file", -1), ls->file ? ls->file : empty);
	Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("-command", -1),
		       ls->command ? ls->command : empty);
	Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("-name", -1), ls->name);
	return d;
}

/* Reads a level name (any case) into *LEVEL. */
static int get_level(Tcl_Interp *interp, Tcl_Obj *obj, int *level)
{
	const char *s = Tcl_GetString(obj);
	int i;

	for (i = 0; level_names[i] != NULL; i++)
		if (strcasecmp(s, level_names[i]) == 0) {
			*level = (i + 1) * 10;
			return TCL_OK;
		}
	return lacp_tcl_error(interp, "LACP VALUE LEVEL",
			      "bad log level \"%s\": must be DEBUG, INFO, WARNING, ERROR or CRITICAL",
			      s);
}

/* lacp::log -option value ...: checks everything, then applies. */
static int log_configure(struct log_state *ls, Tcl_Interp *interp, int objc,
			 Tcl_Obj *const objv[])
{
	static const char *const opts[] = {"-level", "-channel", "-file", "-command", "-name",
		NULL};
	enum { O_LEVEL, O_CHANNEL, O_FILE, O_COMMAND, O_NAME };
	Tcl_Obj *value[5] = {NULL};
	Tcl_Channel file = NULL;
	int i, opt, level = ls->level, mode;

	if (objc % 2 == 0)
		return lacp_tcl_need_value(interp, objc - 1, objc, objv);
	for (i = 1; i < objc; i += 2) {
		if (lacp_tcl_get_index(interp, objv[i], opts, "option", &opt) != TCL_OK)
			return TCL_ERROR;
		value[opt] = objv[i + 1];
	}
	if (value[O_LEVEL] != NULL && get_level(interp, value[O_LEVEL], &level) != TCL_OK)
		return TCL_ERROR;
	if (value[O_CHANNEL] != NULL && Tcl_GetString(value[O_CHANNEL])[0] != '\0' &&
	    (Tcl_GetChannel(interp, Tcl_GetString(value[O_CHANNEL]), &mode) == NULL ||
	     !(mode & TCL_WRITABLE)))
		return lacp_tcl_error(interp, "LACP LOOKUP CHANNEL",
				      "\"%s\" is not a channel open for writing",
				      Tcl_GetString(value[O_CHANNEL]));
	if (value[O_FILE] != NULL && Tcl_GetString(value[O_FILE])[0] != '\0') {
		file = Tcl_FSOpenFileChannel(interp, value[O_FILE], "a", 0644);
		if (file == NULL)
			return lacp_tcl_error(interp, "LACP LOG FILE", "cannot open log file \"%s\": %s",
					      Tcl_GetString(value[O_FILE]),
					      Tcl_PosixError(interp));
		Tcl_SetChannelOption(NULL, file, "-buffering", "line");
	}
	ls->level = level;
	if (value[O_CHANNEL] != NULL)
		set_obj(&ls->channel, Tcl_GetString(value[O_CHANNEL])[0] ? value[O_CHANNEL] : NULL);
	if (value[O_FILE] != NULL) {
		close_file(ls);
		if (file != NULL) {
			ls->file_chan = file;
			set_obj(&ls->file, value[O_FILE]);
		}
	}
	if (value[O_COMMAND] != NULL)
		set_obj(&ls->command, Tcl_GetString(value[O_COMMAND])[0] ? value[O_COMMAND] : NULL);
	if (value[O_NAME] != NULL)
		set_obj(&ls->name, value[O_NAME]);
	return TCL_OK;
}

/* lacp::log ?-option value ...? | LEVEL MESSAGE */
static int log_cmd(ClientData cd, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
	struct log_state *ls = cd;
	int level;

	if (objc == 1) {
		Tcl_SetObjResult(interp, settings(ls));
		return TCL_OK;
	}
	if (Tcl_GetString(objv[1])[0] == '-')
		return log_configure(ls, interp, objc, objv);
	if (objc != 3)
		return lacp_tcl_wrong_args(interp, 1, objv,
					   "?-option value ...? | LEVEL MESSAGE");
	if (get_level(interp, objv[1], &level) != TCL_OK)
		return TCL_ERROR;
	if (lacp_tcl_log_enabled(interp, level))
		emit(ls, level, Tcl_GetString(objv[2]));
	return TCL_OK;
}

int lacp_tcl_log_register(Tcl_Interp *interp, struct lacp_tcl_state *st)
{
	struct log_state *ls = ckalloc(sizeof *ls);

	lacp_tcl_observe(st, log_port_event);
	memset(ls, 0, sizeof *ls);
	ls->interp = interp;
	ls->level = LACP_LOG_INFO;
	set_obj(&ls->name, Tcl_NewStringObj("lacp", -1));
	Tcl_SetAssocData(interp, LOG_ASSOC_KEY, log_delete, ls);
	Tcl_CreateObjCommand(interp, "::lacp::log", log_cmd, ls, NULL);
	return TCL_OK;
}
