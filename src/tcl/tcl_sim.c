/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Simulation commands: lacp::clock (real or virtual time) and lacp::wire
 * (in-process links between ports, with delay, loss and cut/restore).
 */
#include <stdlib.h>
#include <string.h>

#include "tcl_lacp.h"
#include "uthash.h"

/* A named wire and the ports on its two ends. */
struct tcl_wire {
	char *name;
	struct lacp_wire *wire;
	struct tcl_port *ends[2];
	struct lacp_tcl_state *st;
	UT_hash_handle hh;
};

struct tcl_wire *lacp_tcl_wire_find(struct lacp_tcl_state *st, const char *name)
{
	struct tcl_wire *w;

	HASH_FIND_STR(st->wires, name, w);
	return w;
}

/* A frame arrived from the wire, for the port at that end. */
static void wire_deliver(void *ctx, const uint8_t *frame, size_t len, lacp_time_t now)
{
	lacp_tcl_port_frame(ctx, frame, len, now);
}

/* The wire was cut or restored: the port's carrier follows. */
static void wire_carrier(void *ctx, bool up, lacp_time_t now)
{
	lacp_tcl_port_carrier(ctx, up, now);
}

/* The transport's send: the frame travels with the wire's delay and loss. */
static int wire_send(struct lacp_tcl_transport *t, const uint8_t *frame, size_t len,
		     lacp_time_t now)
{
	struct tcl_wire *w = t->ctx;

	return lacp_wire_send(w->wire, t->id, frame, len, now);
}

/* The transport's set_link: pulling the cable, or plugging it back. */
static int wire_set_link(Tcl_Interp *interp, struct lacp_tcl_transport *t, bool up,
			 lacp_time_t now)
{
	struct tcl_wire *w = t->ctx;

	(void)interp;
	if (up)
		lacp_wire_restore(w->wire, now);
	else
		lacp_wire_cut(w->wire, now);
	return TCL_OK;
}

/* The transport's close: the port leaves its end. */
static void wire_close(struct lacp_tcl_transport *t)
{
	struct tcl_wire *w = t->ctx;

	lacp_wire_set_carrier_cb(w->wire, t->id, NULL);
	lacp_wire_detach(w->wire, t->id);
	w->ends[t->id] = NULL;
}

static const struct lacp_tcl_transport_ops wire_transport = {
	.send = wire_send,
	.set_link = wire_set_link,
	.close = wire_close,
};

int lacp_tcl_wire_attach(Tcl_Interp *interp, struct tcl_wire *w, struct tcl_port *tp,
			 struct lacp_tcl_transport *out)
{
	int e = w->ends[0] == NULL ? 0 : w->ends[1] == NULL ? 1 : -1;

	if (e < 0)
		return lacp_tcl_error(interp, "LACP WIRE FULL",
				      "wire \"%s\" already connects two ports", w->name);
	lacp_wire_attach(w->wire, e, wire_deliver, tp);
	lacp_wire_set_carrier_cb(w->wire, e, wire_carrier);
	w->ends[e] = tp;
	out->ops = &wire_transport;
	out->ctx = w;
	out->id = e;
	return TCL_OK;
}

bool lacp_tcl_wire_is_cut(const struct tcl_wire *w)
{
	return lacp_wire_is_cut(w->wire);
}

const char *lacp_tcl_wire_name(const struct tcl_wire *w)
{
	return w->name;
}

const char *lacp_tcl_wire_peer(const struct tcl_wire *w, int end)
{
	const struct tcl_port *tp = w->ends[1 - end];

	return tp ? lacp_tcl_port_name(tp) : NULL;
}

unsigned lacp_tcl_wire_count(const struct lacp_tcl_state *st)
{
	return HASH_COUNT(st->wires);
}

/* ---- lacp::clock */

/* Whether a frame is still in flight on some wire of ST. */
static bool wires_in_flight(struct lacp_tcl_state *st)
{
	struct tcl_wire *w, *tmp;

	HASH_ITER(hh, st->wires, w, tmp)
		if (lacp_wire_in_flight(w->wire, 0) || lacp_wire_in_flight(w->wire, 1))
			return true;
	return false;
}

/* The error of a mode change refused: it names the ports in the way. */
static int clock_busy(struct lacp_tcl_state *st, Tcl_Interp *interp)
{
	Tcl_Obj *names = lacp_tcl_port_names(st);
	int rc;

	Tcl_IncrRefCount(names);
	if (lacp_tcl_port_count(st))
		rc = lacp_tcl_error(interp, "LACP CLOCK BUSY",
				    "the clock mode can change only while no port exists: destroy %s first",
				    Tcl_GetString(names));
	else
		rc = lacp_tcl_error(interp, "LACP CLOCK BUSY",
				    "the clock mode can change only while no frame is in flight on a wire");
	Tcl_DecrRefCount(names);
	return rc;
}

/* lacp::clock mode ?real|virtual? */
static int clock_mode(struct lacp_tcl_state *st, Tcl_Interp *interp, int objc,
		      Tcl_Obj *const objv[])
{
	static const char *const modes[] = {"real", "virtual", NULL};
	int m;

	if (objc > 3)
		return lacp_tcl_wrong_args(interp, 2, objv, "?real|virtual?");
	if (objc == 3) {
		if (lacp_tcl_get_index(interp, objv[2], modes, "mode", &m) != TCL_OK)
			return TCL_ERROR;
		if ((m == 1) != st->virtual_clock) {
			/* Ports hold timers on the old clock; a wire without
			 * ports holds none once nothing is in flight on it. */
			if (lacp_tcl_port_count(st) || wires_in_flight(st))
				return clock_busy(st, interp);
			st->virtual_clock = m == 1;
			st->vclock.now = 0;
		}
	}
	Tcl_SetObjResult(interp, Tcl_NewStringObj(st->virtual_clock ? "virtual" : "real", -1));
	return TCL_OK;
}

/* lacp::clock now ?-us? */
static int clock_now(struct lacp_tcl_state *st, Tcl_Interp *interp, int objc,
		     Tcl_Obj *const objv[])
{
	static const char *const opts[] = {"-us", NULL};
	int idx;
	lacp_time_t now = lacp_tcl_now(st);

	if (objc > 3)
		return lacp_tcl_wrong_args(interp, 2, objv, "?-us?");
	if (objc == 3) {
		if (lacp_tcl_get_index(interp, objv[2], opts, "option", &idx) != TCL_OK)
			return TCL_ERROR;
		Tcl_SetObjResult(interp, Tcl_NewWideIntObj(now));
		return TCL_OK;
	}
	Tcl_SetObjResult(interp, Tcl_NewWideIntObj(now / 1000));
	return TCL_OK;
}

/* lacp::clock advance MS */
static int clock_advance(struct lacp_tcl_state *st, Tcl_Interp *interp, int objc,
			 Tcl_Obj *const objv[])
{
	double ms;
	lacp_time_t target;
	unsigned long steps = 0;

	if (objc != 3)
		return lacp_tcl_wrong_args(interp, 2, objv, "MS");
	if (!st->virtual_clock)
		return lacp_tcl_error(interp, "LACP CLOCK MODE",
				      "lacp::clock advance needs the virtual clock (lacp::clock mode virtual)");
	if (Tcl_GetDoubleFromObj(NULL, objv[2], &ms) != TCL_OK || ms < 0 || ms > 1e12)
		return lacp_tcl_error(interp, "LACP VALUE RANGE",
				      "expected milliseconds (0 or more) but got \"%s\"",
				      Tcl_GetString(objv[2]));
	if (st->advancing)
		return lacp_tcl_error(interp, "LACP CLOCK NESTED",
				      "lacp::clock advance cannot run inside an event it is delivering");
	st->advancing = true;
	target = st->vclock.now + (lacp_time_t)(ms * 1000);
	/* Instant by instant, so a long advance can be cancelled or limited. */
	do {
		lacp_time_t next = lacp_timerq_next(st->q);

		/* (also at NOW itself: "advance 0" runs what is due) */
		lacp_vclock_advance_to(&st->vclock, st->q, next < target ? next : target);
		if ((++steps & 255) == 0 && lacp_tcl_interrupted(interp)) {
			st->advancing = false;
			return TCL_ERROR;
		}
	} while (st->vclock.now < target);
	st->advancing = false;
	lacp_tcl_flush_background(st);
	Tcl_SetObjResult(interp, Tcl_NewWideIntObj(st->vclock.now / 1000));
	return TCL_OK;
}

/* lacp::clock mode|now|advance ... */
static int clock_cmd(ClientData cd, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
	static const char *const subs[] = {"advance", "mode", "now", NULL};
	int sub;

	if (objc < 2)
		return lacp_tcl_wrong_args(interp, 1, objv, "advance|mode|now ?arg ...?");
	if (lacp_tcl_get_index(interp, objv[1], subs, "subcommand", &sub) != TCL_OK)
		return TCL_ERROR;
	switch (sub) {
	case 0:
		return clock_advance(cd, interp, objc, objv);
	case 1:
		return clock_mode(cd, interp, objc, objv);
	default:
		return clock_now(cd, interp, objc, objv);
	}
}

/* ---- lacp::wire */

static void wire_free(struct lacp_tcl_state *st, struct tcl_wire *w)
{
	HASH_DEL(st->wires, w);
	lacp_wire_free(w->wire);
	free(w->name);
	free(w);
}

/* Applies -delay, -loss and -seed from objv[first..], all or none. */
static int wire_configure(Tcl_Interp *interp, struct tcl_wire *w, int first, int objc,
			  Tcl_Obj *const objv[])
{
	static const char *const opts[] = {"-delay", "-loss", "-seed", NULL};
	int i, idx;
	double v, delay = -1, loss = -1;
	Tcl_WideInt seed;
	bool has_seed = false;

	for (i = first; i < objc; i += 2) {
		if (lacp_tcl_get_index(interp, objv[i], opts, "option", &idx) != TCL_OK ||
		    lacp_tcl_need_value(interp, i, objc, objv) != TCL_OK)
			return TCL_ERROR;
		if (idx == 2) {
			if (Tcl_GetWideIntFromObj(NULL, objv[i + 1], &seed) != TCL_OK)
				return lacp_tcl_error(interp, "LACP VALUE INTEGER",
						      "expected an integer for -seed but got \"%s\"",
						      Tcl_GetString(objv[i + 1]));
			has_seed = true;
			continue;
		}
		if (Tcl_GetDoubleFromObj(NULL, objv[i + 1], &v) != TCL_OK || v < 0 ||
		    (idx == 0 && v > 3600e3) || (idx == 1 && v > 100))
			return lacp_tcl_error(interp, "LACP VALUE RANGE",
					      "%s must be %s, got \"%s\"", opts[idx],
					      idx == 0 ? "0..3600000 ms" : "0..100 percent",
					      Tcl_GetString(objv[i + 1]));
		if (idx == 0)
			delay = v;
		else
			loss = v;
	}
	if (has_seed)
		lacp_wire_seed(w->wire, (uint64_t)seed);
	if (delay >= 0)
		lacp_wire_set_delay(w->wire, (lacp_time_t)(delay * 1000));
	if (loss >= 0)
		lacp_wire_set_loss(w->wire, loss);
	return TCL_OK;
}

/* lacp::wire create W ?-delay MS? ?-loss PCT? ?-seed N? */
static int wire_create(struct lacp_tcl_state *st, Tcl_Interp *interp, int objc,
		       Tcl_Obj *const objv[])
{
	static const char *const reserved[] = {"create", "names", NULL};
	const char *name;
	struct tcl_wire *w;
	int i;

	if (objc < 3 || objc % 2 == 0)
		return lacp_tcl_wrong_args(interp, 2, objv, "W ?-delay MS? ?-loss PCT? ?-seed N?");
	name = Tcl_GetString(objv[2]);
	for (i = 0; reserved[i]; i++)
		if (strcmp(name, reserved[i]) == 0 || name[0] == '\0' || name[0] == '-')
			return lacp_tcl_error(interp, "LACP VALUE NAME",
					      "\"%s\" cannot name a wire", name);
	if (lacp_tcl_wire_find(st, name) != NULL)
		return lacp_tcl_error(interp, "LACP EXISTS WIRE", "wire \"%s\" already exists",
				      name);
	w = calloc(1, sizeof *w);
	if (w == NULL || (w->name = strdup(name)) == NULL ||
	    (w->wire = lacp_wire_new(st->q)) == NULL) {
		if (w != NULL)
			free(w->name);
		free(w);
		return lacp_tcl_error(interp, "LACP NOMEM", "out of memory");
	}
	w->st = st;
	HASH_ADD_KEYPTR(hh, st->wires, w->name, strlen(w->name), w);
	if (wire_configure(interp, w, 3, objc, objv) != TCL_OK) {
		wire_free(st, w);
		return TCL_ERROR;
	}
	Tcl_SetObjResult(interp, objv[2]);
	return TCL_OK;
}

static Tcl_Obj *direction_obj(const struct lacp_wire_counters *c)
{
	Tcl_Obj *d = Tcl_NewDictObj();

	Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("sent", -1), Tcl_NewWideIntObj((Tcl_WideInt)c->sent));
	Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("delivered", -1), Tcl_NewWideIntObj((Tcl_WideInt)c->delivered));
	Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("lost", -1), Tcl_NewWideIntObj((Tcl_WideInt)c->lost));
	Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("dropped_cut", -1), Tcl_NewWideIntObj((Tcl_WideInt)c->dropped_cut));
	return d;
}

/* lacp::wire W status: delay, loss, cut, the ports and per-direction counters. */
static Tcl_Obj *wire_status(struct tcl_wire *w)
{
	Tcl_Obj *d = Tcl_NewDictObj(), *ends = Tcl_NewListObj(0, NULL);
	struct lacp_wire_counters c0 = lacp_wire_counters(w->wire, 0);
	struct lacp_wire_counters c1 = lacp_wire_counters(w->wire, 1);
	int i;

	for (i = 0; i < 2; i++)
		Tcl_ListObjAppendElement(NULL, ends, Tcl_NewStringObj(
			w->ends[i] ? lacp_tcl_port_name(w->ends[i]) : "", -1));
	Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("ports", -1), ends);
	Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("delay", -1),
		       Tcl_NewDoubleObj((double)lacp_wire_delay(w->wire) / 1000.0));
	Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("loss", -1), Tcl_NewDoubleObj(lacp_wire_loss(w->wire)));
	Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("cut", -1), Tcl_NewBooleanObj(lacp_wire_is_cut(w->wire)));
	Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("forward", -1), direction_obj(&c0));
	Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("backward", -1), direction_obj(&c1));
	return d;
}

/* lacp::wire W cget -delay|-loss */
static int wire_cget(Tcl_Interp *interp, struct tcl_wire *w, Tcl_Obj *option)
{
	static const char *const opts[] = {"-delay", "-loss", NULL};
	int idx;

	if (lacp_tcl_get_index(interp, option, opts, "option", &idx) != TCL_OK)
		return TCL_ERROR;
	Tcl_SetObjResult(interp, idx == 0
		? Tcl_NewDoubleObj((double)lacp_wire_delay(w->wire) / 1000.0)
		: Tcl_NewDoubleObj(lacp_wire_loss(w->wire)));
	return TCL_OK;
}

/* lacp::wire create W ... | names | W cut|restore|configure|cget|status|destroy */
static int wire_cmd(ClientData cd, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
	static const char *const subs[] = {"cget", "configure", "cut", "destroy",
		"restore", "status", NULL};
	enum { S_CGET, S_CONFIGURE, S_CUT, S_DESTROY, S_RESTORE, S_STATUS };
	struct lacp_tcl_state *st = cd;
	struct tcl_wire *w;
	int sub;
	const char *name;

	if (objc < 2)
		return lacp_tcl_wrong_args(interp, 1, objv, "create W ?-option value ...? | names | W subcommand");
	name = Tcl_GetString(objv[1]);
	if (strcmp(name, "create") == 0)
		return wire_create(st, interp, objc, objv);
	if (strcmp(name, "names") == 0) {
		Tcl_Obj *list = Tcl_NewListObj(0, NULL);

		if (objc != 2)
			return lacp_tcl_wrong_args(interp, 2, objv, "");
		for (w = st->wires; w != NULL; w = w->hh.next)
			Tcl_ListObjAppendElement(NULL, list, Tcl_NewStringObj(w->name, -1));
		Tcl_SetObjResult(interp, list);
		return TCL_OK;
	}
	w = lacp_tcl_wire_find(st, name);
	if (w == NULL)
		return lacp_tcl_error(interp, "LACP LOOKUP WIRE", "wire \"%s\" not found", name);
	if (objc < 3)
		return lacp_tcl_wrong_args(interp, 2, objv, "cget|configure|cut|destroy|restore|status ?arg ...?");
	if (lacp_tcl_get_index(interp, objv[2], subs, "subcommand", &sub) != TCL_OK)
		return TCL_ERROR;
	switch (sub) {
	case S_CUT:
	case S_RESTORE:
	case S_DESTROY:
	case S_STATUS:
		if (objc != 3)
			return lacp_tcl_wrong_args(interp, 3, objv, "");
		break;
	}
	switch (sub) {
	case S_CUT:
		lacp_wire_cut(w->wire, lacp_tcl_now(st));
		break;
	case S_RESTORE:
		lacp_wire_restore(w->wire, lacp_tcl_now(st));
		break;
	case S_DESTROY:
		if (w->ends[0] != NULL || w->ends[1] != NULL)
			return lacp_tcl_error(interp, "LACP WIRE BUSY",
					      "wire \"%s\" still connects ports: destroy them first",
					      w->name);
		wire_free(st, w);
		break;
	case S_STATUS:
		Tcl_SetObjResult(interp, wire_status(w));
		break;
	case S_CONFIGURE:
		if (objc == 3) {
			Tcl_Obj *d = wire_status(w), *v, *r = Tcl_NewDictObj();

			Tcl_DictObjGet(NULL, d, Tcl_NewStringObj("delay", -1), &v);
			Tcl_DictObjPut(NULL, r, Tcl_NewStringObj("-delay", -1), v);
			Tcl_DictObjGet(NULL, d, Tcl_NewStringObj("loss", -1), &v);
			Tcl_DictObjPut(NULL, r, Tcl_NewStringObj("-loss", -1), v);
			Tcl_DecrRefCount(d);
			Tcl_SetObjResult(interp, r);
			break;
		}
		if (objc == 4) /* Tk-style: one option alone reads it */
			return wire_cget(interp, w, objv[3]);
		if (objc % 2 == 0)
			return lacp_tcl_error(interp, "LACP OPTION VALUE",
					      "option \"%s\" needs a value",
					      Tcl_GetString(objv[objc - 1]));
		if (wire_configure(interp, w, 3, objc, objv) != TCL_OK)
			return TCL_ERROR;
		break;
	case S_CGET:
		if (objc != 4)
			return lacp_tcl_wrong_args(interp, 3, objv, "-option");
		return wire_cget(interp, w, objv[3]);
	}
	return TCL_OK;
}

/* Frees every wire when the interpreter goes (ports are gone by then). */
static void wires_delete(ClientData cd)
{
	struct lacp_tcl_state *st = cd;
	struct tcl_wire *w, *tmp;

	HASH_ITER(hh, st->wires, w, tmp)
		wire_free(st, w);
}

int lacp_tcl_sim_register(Tcl_Interp *interp, struct lacp_tcl_state *st)
{
	Tcl_CreateObjCommand(interp, "::lacp::clock", clock_cmd, st, NULL);
	Tcl_CreateObjCommand(interp, "::lacp::wire", wire_cmd, st, wires_delete);
	return TCL_OK;
}
