/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The events of lacp::port: the core's event and action callbacks of a
 * port, which keep the shadow view that conditions see, hand each event
 * to the observers (trace, log, rules, measurement), then to the port's
 * waiters and `on` scripts; and the `on` and `wait` subcommands.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lacpdu.h"
#include "state.h"
#include "ruleset.h"
#include "tcl_lacp.h"
#include "tcl_port.h"

/* The names of the events, in the order of enum on_event. */
static const char *const on_event_name[] = {"rx", "tx", "state", "mux",
	"selected", "expired", "churn", "transition", "loopback", NULL};

/* ---- events */

/* The view conditions see, from the shadow kept up to date by events. */
static struct lacp_view current_view(const struct tcl_port *tp)
{
	struct lacp_view v = tp->shadow;
	const struct lacp_port *p = tp->port;

	v.actor_state = lacp_port_advertised_of(p, v.actor_state);
	v.now = lacp_tcl_now(tp->st);
	return v;
}

/* Sets the shadow from the port itself (outside any dispatch). */
void lacp_tcl_port_sync_shadow(struct tcl_port *tp)
{
	tp->shadow.actor_state = tp->port->actor.state;
	tp->shadow.partner_state = tp->port->partner.state;
	tp->shadow.rx = tp->port->rx;
	tp->shadow.mux = tp->port->mux;
	tp->shadow.selected = tp->port->selected;
}

static void check_waiters(struct tcl_port *tp)
{
	struct waiter *w;
	struct lacp_view v;

	if (tp->waiters == NULL)
		return;
	v = current_view(tp);
	for (w = tp->waiters; w != NULL; w = w->next) {
		if (w->met)
			continue;
		v.received = w->received;
		v.armed = w->armed;
		if (lacp_cond_eval(w->cond, &v))
			w->met = true;
	}
}

/* The dict passed to an `on` script. */
static Tcl_Obj *event_dict(const struct tcl_port *tp, const struct lacp_event *ev)
{
	char sa[LACP_STATE_STRLEN], sp[LACP_STATE_STRLEN];
	Tcl_Obj *d = Tcl_NewDictObj();

	put(d, "event", Tcl_NewStringObj(lacp_event_name[ev->type], -1));
	put(d, "time", Tcl_NewDoubleObj((double)ev->time / 1000.0));
	if (lacp_tcl_event_fields(d, ev))
		return d;
	switch (ev->type) {
	case LACP_EV_OPER:
		/* Formatted into buffers: a Tcl_Obj made only for its string
		 * would never be freed. */
		put(d, "from", Tcl_ObjPrintf("A:%s|P:%s",
			lacp_state_format(ev->old_actor_state, sa),
			lacp_state_format(ev->old_partner_state, sp)));
		put(d, "to", Tcl_ObjPrintf("A:%s|P:%s",
			lacp_state_format(ev->new_actor_state, sa),
			lacp_state_format(ev->new_partner_state, sp)));
		put(d, "actor", lacp_tcl_state_obj(ev->new_actor_state));
		put(d, "partner", lacp_tcl_state_obj(ev->new_partner_state));
		break;
	case LACP_EV_RX:
		if (ev->decoded != NULL)
			put(d, "pdu", lacp_tcl_decoded_obj(ev->decoded));
		put(d, "bytes", Tcl_NewByteArrayObj(ev->pdu, (Tcl_Size)ev->len));
		break;
	case LACP_EV_TX: {
		struct lacp_decoded *dec = ckalloc(sizeof *dec);

		lacp_pdu_decode(ev->pdu, ev->len, dec);
		put(d, "pdu", lacp_tcl_decoded_obj(dec));
		put(d, "bytes", Tcl_NewByteArrayObj(ev->pdu, (Tcl_Size)ev->len));
		ckfree(dec);
		break;
	}
	default:
		break;
	}
	(void)tp;
	return d;
}

/* Which `on` event a core event is, or -1. */
static int on_event_of(const struct lacp_event *ev)
{
	switch (ev->type) {
	case LACP_EV_RX: return ON_RX;
	case LACP_EV_TX: return ON_TX;
	case LACP_EV_OPER: return ON_STATE;
	case LACP_EV_EXPIRED: return ON_EXPIRED;
	case LACP_EV_CHURN: return ON_CHURN;
	case LACP_EV_LOOPBACK: return ON_LOOPBACK;
	case LACP_EV_AGGREGATOR: return ON_SELECTED;
	case LACP_EV_TRANSITION:
		if (ev->machine == LACP_M_MUX)
			return ON_MUX;
		if (ev->machine == LACP_M_SELECTION)
			return ON_SELECTED;
		return -1;
	default:
		return -1;
	}
}

/* Runs SCRIPT with the port name and the event dict appended. */
static void run_script(struct tcl_port *tp, Tcl_Obj *script, const struct lacp_event *ev)
{
	Tcl_Interp *interp = tp->interp;
	Tcl_Obj *cmd = Tcl_DuplicateObj(script);
	Tcl_InterpState saved;

	Tcl_IncrRefCount(cmd);
	Tcl_ListObjAppendElement(NULL, cmd, Tcl_NewStringObj(tp->name, -1));
	Tcl_ListObjAppendElement(NULL, cmd, event_dict(tp, ev));
	Tcl_Preserve(interp);
	Tcl_Preserve(tp);
	/* The script runs inside whatever command caused the event
	 * (configure, send, ...): its result is not that command's. */
	saved = Tcl_SaveInterpState(interp, TCL_OK);
	if (Tcl_EvalObjEx(interp, cmd, TCL_EVAL_GLOBAL) != TCL_OK) {
		Tcl_AddErrorInfo(interp, "\n    (\"on\" script of lacp port)");
		lacp_tcl_background_error(interp);
	}
	Tcl_RestoreInterpState(interp, saved);
	Tcl_Release(tp);
	Tcl_Release(interp);
	Tcl_DecrRefCount(cmd);
}

/* The core's event callback. */
void lacp_tcl_port_event(void *ctx, struct lacp_port *p, const struct lacp_event *ev)
{
	struct tcl_port *tp = ctx;
	struct waiter *w;
	int on, i;

	/* Events of a core port not yet (or no longer) installed in TP, as
	 * during creation, are not the script's business. */
	if (tp->deleted || p != tp->port)
		return;
	/* The scripts run below (log -command, rules, on) may destroy the
	 * port: keep its memory until this function is done with it. */
	Tcl_Preserve(tp);
	switch (ev->type) {
	case LACP_EV_TRANSITION:
		if (ev->machine == LACP_M_RX)
			tp->shadow.rx = ev->to;
		else if (ev->machine == LACP_M_MUX)
			tp->shadow.mux = ev->to;
		else if (ev->machine == LACP_M_SELECTION)
			tp->shadow.selected = ev->to;
		break;
	case LACP_EV_OPER:
		tp->shadow.actor_state = ev->new_actor_state;
		tp->shadow.partner_state = ev->new_partner_state;
		break;
	case LACP_EV_RX:
		if (ev->decoded != NULL && ev->decoded->cls == LACP_CLASS_LACPDU)
			for (w = tp->waiters; w != NULL; w = w->next)
				w->received = true;
		break;
	default:
		break;
	}
	for (i = 0; i < tp->st->n_observers && !tp->deleted; i++)
		tp->st->observers[i](tp, ev);
	if (!tp->deleted)
		check_waiters(tp);
	on = on_event_of(ev);
	if (on >= 0 && !tp->deleted && tp->on[on] != NULL)
		run_script(tp, tp->on[on], ev);
	if (ev->type == LACP_EV_TRANSITION && !tp->deleted && tp->on[ON_TRANSITION] != NULL)
		run_script(tp, tp->on[ON_TRANSITION], ev);
	Tcl_Release(tp);
}

/* The core's action op: a rule's send, link or script. */
int lacp_tcl_port_action(void *ctx, struct lacp_port *p, const struct lacp_rule *r,
			 const struct lacp_action *a, lacp_time_t now)
{
	struct tcl_port *tp = ctx;
	int rc;

	(void)now;
	if (tp->deleted || p != tp->port)
		return -1;
	Tcl_Preserve(tp);
	rc = lacp_tcl_rules_action(tp, r, a);
	Tcl_Release(tp);
	return rc;
}

/* ---- subcommands */

/* NAME on EVENT ?SCRIPT? */
int lacp_tcl_port_on(struct tcl_port *tp, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
	int ev;

	if (objc != 3 && objc != 4)
		return lacp_tcl_wrong_args(interp, 2, objv, "EVENT ?SCRIPT?");
	if (lacp_tcl_get_index(interp, objv[2], on_event_name, "event", &ev) != TCL_OK)
		return TCL_ERROR;
	if (objc == 3) {
		Tcl_SetObjResult(interp, tp->on[ev] ? tp->on[ev] : Tcl_NewObj());
		return TCL_OK;
	}
	if (tp->on[ev] != NULL)
		Tcl_DecrRefCount(tp->on[ev]);
	tp->on[ev] = NULL;
	if (Tcl_GetString(objv[3])[0] != '\0') {
		tp->on[ev] = objv[3];
		Tcl_IncrRefCount(tp->on[ev]);
	}
	return TCL_OK;
}

/* Sets *DONE when the timeout of a real-time wait fires. */
static void wait_timeout(ClientData cd)
{
	*(bool *)cd = true;
}

/* NAME wait CONDITION ?-timeout MS? -> 1 when met, 0 on timeout */
int lacp_tcl_port_wait(struct tcl_port *tp, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
	static const char *const opts[] = {"-timeout", NULL};
	struct lacp_tcl_state *st = tp->st;
	struct lacp_cond_error err;
	struct waiter w, **pp;
	lacp_time_t deadline, next;
	long timeout = -1;
	bool timed_out = false, gone = false, aborted = false;
	Tcl_TimerToken timer = NULL;
	int idx, rc;

	if (objc != 3 && objc != 5)
		return lacp_tcl_wrong_args(interp, 2, objv, "CONDITION ?-timeout MS?");
	if (objc == 5 &&
	    (lacp_tcl_get_index(interp, objv[3], opts, "option", &idx) != TCL_OK ||
	     lacp_tcl_get_int_range(interp, objv[4], "-timeout", 0, 86400000L * 365, &timeout) != TCL_OK))
		return TCL_ERROR;
	if (st->virtual_clock && st->advancing)
		return lacp_tcl_error(interp, "LACP CLOCK NESTED",
				      "wait cannot move virtual time from inside an event it is "
				      "delivering; wait from the script's top level instead");
	memset(&w, 0, sizeof w);
	rc = lacp_cond_compile(Tcl_GetString(objv[2]), &w.cond, &err);
	if (rc == -ENOMEM)
		return lacp_tcl_error(interp, "LACP NOMEM", "out of memory");
	if (rc != 0) {
		char code[64];

		snprintf(code, sizeof code, "LACP RULE %s", err.kind);
		return lacp_tcl_error(interp, code, "%s", err.message);
	}
	w.armed = lacp_tcl_now(st);
	/* Without -timeout a wait in real time waits as long as it takes (as
	 * vwait does); virtual time would run on for ever at full speed, so
	 * there it stops after a day of virtual time. */
	if (timeout < 0 && st->virtual_clock)
		timeout = LACP_TCL_VIRTUAL_WAIT_MS;
	deadline = timeout < 0 ? LACP_TIME_NEVER : w.armed + LACP_MS(timeout);
	w.next = tp->waiters;
	tp->waiters = &w;
	lacp_tcl_port_sync_shadow(tp);
	check_waiters(tp);
	Tcl_Preserve(tp);
	if (st->virtual_clock) {
		st->advancing = true;
		/* Time moves only here: step to the next timer, condition
		 * deadline or the timeout, whichever comes first. */
		while (!w.met && !tp->deleted) {
			next = lacp_timerq_next(st->q);
			if (lacp_cond_next_time(w.cond, w.armed, st->vclock.now) < next)
				next = lacp_cond_next_time(w.cond, w.armed, st->vclock.now);
			if (next > deadline || next == LACP_TIME_NEVER) {
				if (deadline != LACP_TIME_NEVER && deadline > st->vclock.now)
					lacp_vclock_advance_to(&st->vclock, st->q, deadline);
				if (!tp->deleted)
					check_waiters(tp);
				break;
			}
			lacp_vclock_advance_to(&st->vclock, st->q, next > st->vclock.now ? next : st->vclock.now);
			if (!tp->deleted)
				check_waiters(tp);
			/* Virtual time may run on for ever (no timeout, a condition
			 * that never holds): cancellation and limits still end it. */
			if (lacp_tcl_interrupted(interp)) {
				aborted = true;
				break;
			}
		}
		st->advancing = false;
		lacp_tcl_flush_background(st);
	} else {
		if (timeout >= 0)
			timer = Tcl_CreateTimerHandler((int)timeout, wait_timeout, &timed_out);
		while (!w.met && !timed_out && !tp->deleted) {
			next = lacp_cond_next_time(w.cond, w.armed, lacp_clock_monotonic());
			if (next != LACP_TIME_NEVER) {
				Tcl_TimerToken t = Tcl_CreateTimerHandler(
					(int)((next - lacp_clock_monotonic() + 999) / 1000),
					wait_timeout, &gone);
				Tcl_DoOneEvent(TCL_ALL_EVENTS);
				Tcl_DeleteTimerHandler(t);
				gone = false;
			} else {
				Tcl_DoOneEvent(TCL_ALL_EVENTS);
			}
			if (!tp->deleted)
				check_waiters(tp);
			/* A script interrupted from outside (interp cancel, a time
			 * limit as lacpctld -t sets) ends its wait too. */
			if (Tcl_Canceled(interp, TCL_LEAVE_ERR_MSG) == TCL_ERROR ||
			    Tcl_LimitCheck(interp) == TCL_ERROR) {
				aborted = true;
				break;
			}
		}
		if (timer != NULL)
			Tcl_DeleteTimerHandler(timer);
	}
	for (pp = &tp->waiters; *pp != NULL; pp = &(*pp)->next)
		if (*pp == &w) {
			*pp = w.next;
			break;
		}
	gone = tp->deleted;
	Tcl_Release(tp);
	lacp_cond_free(w.cond);
	if (aborted)
		return TCL_ERROR;
	if (gone)
		return lacp_tcl_error(interp, "LACP LOOKUP PORT",
				      "port was destroyed while waiting");
	Tcl_SetObjResult(interp, Tcl_NewBooleanObj(w.met));
	return TCL_OK;
}
