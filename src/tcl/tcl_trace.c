/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The trace recorder behind lacp::trace: every PDU sent and received and
 * every machine transition of every port, as dicts with a timestamp, kept
 * in a bounded list and optionally handed to a Tcl command as each one
 * happens (the live ladder). The drawing itself lives in tcl/trace.tcl.
 */
#include <string.h>

#include "lacpdu.h"
#include "state.h"
#include "tcl_lacp.h"

struct tcl_trace {
	bool on;
	Tcl_Obj *events;   /* list of dicts */
	Tcl_Size limit;    /* oldest events dropped beyond this */
	Tcl_WideInt dropped;
	lacp_time_t t0;    /* the clock when tracing started */
	Tcl_Obj *callback; /* command prefix called with each event, or NULL */
};

static void put(Tcl_Obj *d, const char *key, Tcl_Obj *value)
{
	Tcl_DictObjPut(NULL, d, Tcl_NewStringObj(key, -1), value);
}

/* "LACPDU A:ATGS P:ATG", "Marker port 3 txn 9", "illegal subtype 0". */
static Tcl_Obj *summary(const struct lacp_decoded *dec)
{
	char a[LACP_STATE_STRLEN], p[LACP_STATE_STRLEN];

	switch (dec->cls) {
	case LACP_CLASS_LACPDU:
		return Tcl_ObjPrintf("LACPDU A:%s P:%s",
				     lacp_state_format(dec->lacpdu.actor.state, a),
				     lacp_state_format(dec->lacpdu.partner.state, p));
	case LACP_CLASS_MARKER:
		/* Tcl_ObjPrintf reads %u as an int: a transaction id above
		 * INT_MAX would print sign-extended */
		return Tcl_ObjPrintf("%s port %u txn %lu",
				     dec->marker.response ? "MarkerResponse" : "Marker",
				     dec->marker.port, (unsigned long)dec->marker.transaction);
	case LACP_CLASS_UNKNOWN:
		return Tcl_ObjPrintf("unknown subtype %u", dec->subtype);
	default:
		if (dec->n_dev > 0)
			return Tcl_ObjPrintf("illegal (%s)", dec->dev[0].field);
		return Tcl_ObjPrintf("illegal subtype %u", dec->subtype);
	}
}

static void append(struct lacp_tcl_state *st, Tcl_Obj *d);

bool lacp_tcl_trace_on(const struct lacp_tcl_state *st)
{
	return st->trace != NULL && st->trace->on;
}

/* The trace's observer of port events: PDUs (with the frame's source
 * address and the port at the other end of a wire), transitions,
 * aggregator, churn and loopback events. */
static void trace_event(struct tcl_port *tp, const struct lacp_event *ev)
{
	struct lacp_tcl_state *st = lacp_tcl_port_state(tp);
	const char *port = lacp_tcl_port_name(tp);
	const uint8_t *src = lacp_tcl_port_src(tp, ev->type == LACP_EV_RX);
	const char *link = lacp_tcl_port_link(tp);
	struct tcl_trace *tr = st->trace;
	struct lacp_decoded *dec = NULL;
	Tcl_Obj *d;

	if (tr == NULL || !tr->on)
		return;
	if (ev->type != LACP_EV_TX && ev->type != LACP_EV_RX &&
	    ev->type != LACP_EV_TRANSITION && ev->type != LACP_EV_AGGREGATOR &&
	    ev->type != LACP_EV_CHURN && ev->type != LACP_EV_LOOPBACK)
		return;
	d = Tcl_NewDictObj();
	put(d, "time", Tcl_NewDoubleObj((double)(ev->time - tr->t0) / 1000.0));
	put(d, "port", Tcl_NewStringObj(port, -1));
	put(d, "event", Tcl_NewStringObj(lacp_event_name[ev->type], -1));
	switch (ev->type) {
	case LACP_EV_TX:
	case LACP_EV_RX:
		dec = ckalloc(sizeof *dec);
		if (ev->decoded != NULL)
			*dec = *ev->decoded;
		else
			lacp_pdu_decode(ev->pdu, ev->len, dec);
		put(d, "class", Tcl_NewStringObj(lacp_class_name[dec->cls], -1));
		put(d, "summary", summary(dec));
		put(d, "src", lacp_tcl_mac_obj(src));
		put(d, "link", Tcl_NewStringObj(link ? link : "", -1));
		put(d, "pdu", lacp_tcl_hex_obj(ev->pdu, ev->len));
		ckfree(dec);
		break;
	default:
		lacp_tcl_event_fields(d, ev);
		break;
	}
	append(st, d);
}

void lacp_tcl_trace_record(struct lacp_tcl_state *st, const char *port, lacp_time_t time,
			   Tcl_Obj *d)
{
	struct tcl_trace *tr = st->trace;

	if (tr == NULL || !tr->on) {
		Tcl_IncrRefCount(d);
		Tcl_DecrRefCount(d);
		return;
	}
	put(d, "time", Tcl_NewDoubleObj((double)(time - tr->t0) / 1000.0));
	put(d, "port", Tcl_NewStringObj(port, -1));
	append(st, d);
}

/* Appends event dict D to the trace (dropping the oldest beyond the limit)
 * and hands it to the live callback. */
static void append(struct lacp_tcl_state *st, Tcl_Obj *d)
{
	struct tcl_trace *tr = st->trace;
	Tcl_Size n;

	if (Tcl_IsShared(tr->events)) {
		Tcl_Obj *copy = Tcl_DuplicateObj(tr->events);

		Tcl_DecrRefCount(tr->events);
		tr->events = copy;
		Tcl_IncrRefCount(tr->events);
	}
	Tcl_ListObjAppendElement(NULL, tr->events, d);
	Tcl_ListObjLength(NULL, tr->events, &n);
	if (n > tr->limit) {
		Tcl_ListObjReplace(NULL, tr->events, 0, n - tr->limit, 0, NULL);
		tr->dropped += n - tr->limit;
	}
	if (tr->callback != NULL) {
		Tcl_Obj *cmd = Tcl_DuplicateObj(tr->callback);
		Tcl_Interp *interp = st->interp;

		Tcl_IncrRefCount(cmd);
		Tcl_ListObjAppendElement(NULL, cmd, d);
		Tcl_Preserve(interp);
		if (Tcl_EvalObjEx(interp, cmd, TCL_EVAL_GLOBAL) != TCL_OK) {
			Tcl_AddErrorInfo(interp, "\n    (lacp::trace live output)");
			lacp_tcl_background_error(interp);
		}
		Tcl_Release(interp);
		Tcl_DecrRefCount(cmd);
	}
}

/* ::lacp::trace::Record on ?LIMIT? ?CALLBACK? | off */
static int record_cmd(ClientData cd, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
	struct lacp_tcl_state *st = cd;
	struct tcl_trace *tr = st->trace;
	Tcl_WideInt limit = 1000000;
	int on;

	if (objc < 2 || objc > 4)
		return lacp_tcl_wrong_args(interp, 1, objv, "on ?LIMIT? ?CALLBACK? | off");
	if (Tcl_GetBooleanFromObj(interp, objv[1], &on) != TCL_OK) {
		Tcl_SetErrorCode(interp, "LACP", "VALUE", "BOOLEAN", NULL);
		return TCL_ERROR;
	}
	if (objc >= 3 && (Tcl_GetWideIntFromObj(NULL, objv[2], &limit) != TCL_OK ||
			  limit < 1 || limit > 100000000))
		return lacp_tcl_error(interp, "LACP VALUE RANGE",
				      "-limit must be in 1..100000000, got \"%s\"",
				      Tcl_GetString(objv[2]));
	if (tr == NULL) {
		tr = st->trace = (struct tcl_trace *)ckalloc(sizeof *tr);
		memset(tr, 0, sizeof *tr);
		tr->events = Tcl_NewListObj(0, NULL);
		Tcl_IncrRefCount(tr->events);
	}
	if (tr->callback != NULL)
		Tcl_DecrRefCount(tr->callback);
	tr->callback = NULL;
	tr->on = on != 0;
	if (on) {
		Tcl_DecrRefCount(tr->events);
		tr->events = Tcl_NewListObj(0, NULL);
		Tcl_IncrRefCount(tr->events);
		tr->limit = (Tcl_Size)limit;
		tr->dropped = 0;
		tr->t0 = lacp_tcl_now(st);
		if (objc == 4 && Tcl_GetString(objv[3])[0] != '\0') {
			tr->callback = objv[3];
			Tcl_IncrRefCount(tr->callback);
		}
	}
	return TCL_OK;
}

/* ::lacp::trace::Events -> the recorded list */
static int events_cmd(ClientData cd, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
	struct lacp_tcl_state *st = cd;

	if (objc != 1)
		return lacp_tcl_wrong_args(interp, 1, objv, "");
	Tcl_SetObjResult(interp, st->trace ? st->trace->events : Tcl_NewObj());
	return TCL_OK;
}

/* ::lacp::trace::Info -> {on BOOL events N dropped N} */
static int info_cmd(ClientData cd, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
	struct lacp_tcl_state *st = cd;
	struct tcl_trace *tr = st->trace;
	Tcl_Obj *d = Tcl_NewDictObj();
	Tcl_Size n = 0;

	if (objc != 1)
		return lacp_tcl_wrong_args(interp, 1, objv, "");
	if (tr != NULL)
		Tcl_ListObjLength(NULL, tr->events, &n);
	put(d, "on", Tcl_NewBooleanObj(tr != NULL && tr->on));
	put(d, "events", Tcl_NewWideIntObj(n));
	put(d, "dropped", Tcl_NewWideIntObj(tr ? tr->dropped : 0));
	Tcl_SetObjResult(interp, d);
	return TCL_OK;
}

static void trace_delete(ClientData cd)
{
	struct lacp_tcl_state *st = cd;
	struct tcl_trace *tr = st->trace;

	if (tr == NULL)
		return;
	Tcl_DecrRefCount(tr->events);
	if (tr->callback != NULL)
		Tcl_DecrRefCount(tr->callback);
	ckfree(tr);
	st->trace = NULL;
}

int lacp_tcl_trace_register(Tcl_Interp *interp, struct lacp_tcl_state *st)
{
	Tcl_CreateObjCommand(interp, "::lacp::trace::Record", record_cmd, st, trace_delete);
	Tcl_CreateObjCommand(interp, "::lacp::trace::Events", events_cmd, st, NULL);
	Tcl_CreateObjCommand(interp, "::lacp::trace::Info", info_cmd, st, NULL);
	lacp_tcl_observe(st, trace_event);
	return TCL_OK;
}
