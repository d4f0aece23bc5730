/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The inject rules of a port: `NAME when CONDITION then ACTION ...`,
 * lacpd's `NAME inject "COND -> TARGET"` and `NAME rules`.
 *
 * Conditions are compiled once (rules.c) and evaluated after every core
 * event of the port (received PDU, transition, state change, sent PDU),
 * at the `after` deadlines of the rule and at the end of each instant in
 * which a LACPDU arrived. Rules are edge-triggered: a rule fires when its
 * condition goes from false to true, and is re-armed (its `after` clock
 * restarts) when it fires. The actions run inside the core's dispatch:
 * what they change is sent by the same dispatch, before the core returns
 * to the event loop, so the reaction to a received PDU leaves in the same
 * instant.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lacpdu.h"
#include "state.h"
#include "tcl_lacp.h"

/* A rule re-triggering itself this many times within RUNAWAY_WINDOW is
 * stopped: its actions make its condition false and true again. */
#define RUNAWAY_FIRES 100
#define RUNAWAY_WINDOW LACP_MS(1)

enum act_type {
	A_SET_STATE, A_FORCE, A_RELEASE, A_SET, A_UNSET, A_STOP_TX, A_START_TX,
	A_DROP_RX, A_ACCEPT_RX, A_SEND, A_DISABLE, A_ENABLE, A_LINK, A_EXIT, A_SCRIPT,
	A_COUNT
};
static const char *const act_name[] = {"set-state", "force", "release", "set", "unset",
	"stop-tx", "start-tx", "drop-rx", "accept-rx", "send", "disable", "enable", "link",
	"exit", "script", NULL};

/* The fields `set` can replace in the LACPDUs the port sends. */
enum field_kind { F_U16, F_U8, F_MAC, F_STATE };
static const struct field {
	const char *name;
	unsigned flag;
	enum field_kind kind;
} fields[] = {
	{"actor.system_priority", LACP_OVR_ACTOR_SYSTEM_PRIORITY, F_U16},
	{"actor.system", LACP_OVR_ACTOR_SYSTEM, F_MAC},
	{"actor.key", LACP_OVR_ACTOR_KEY, F_U16},
	{"actor.port_priority", LACP_OVR_ACTOR_PORT_PRIORITY, F_U16},
	{"actor.port", LACP_OVR_ACTOR_PORT, F_U16},
	{"actor.state", LACP_OVR_ACTOR_STATE, F_STATE},
	{"partner.system_priority", LACP_OVR_PARTNER_SYSTEM_PRIORITY, F_U16},
	{"partner.system", LACP_OVR_PARTNER_SYSTEM, F_MAC},
	{"partner.key", LACP_OVR_PARTNER_KEY, F_U16},
	{"partner.port_priority", LACP_OVR_PARTNER_PORT_PRIORITY, F_U16},
	{"partner.port", LACP_OVR_PARTNER_PORT, F_U16},
	{"partner.state", LACP_OVR_PARTNER_STATE, F_STATE},
	{"collector_max_delay", LACP_OVR_COLLECTOR_MAX_DELAY, F_U16},
	{"version", LACP_OVR_VERSION, F_U8},
};
#define N_FIELDS (sizeof fields / sizeof fields[0])

struct action {
	enum act_type type;
	bool partner;          /* set-state: of the partner */
	bool whole;            /* set-state, force: STATE rather than +BITS -BITS */
	uint8_t set, clear;    /* the bits to set and to clear (whole: the state) */
	const struct field *field; /* set, unset */
	struct lacp_lacpdu value;  /* set: the field's value in place */
	bool up;               /* link */
	int code;              /* exit */
	Tcl_Obj *obj;          /* send: its options; script: the script */
};

struct tcl_rules;

struct rule {
	int id;
	Tcl_Obj *text;         /* the words that made it, for `rules` */
	struct lacp_cond *cond;
	struct action *actions;
	int n_actions;
	unsigned long fired, limit; /* limit 0: no limit */
	bool bypass;           /* -bypass-limit */
	bool lacpd;            /* from inject: log as lacpd does */
	bool uses_received;
	bool last;             /* the condition at the last evaluation */
	bool deleted, stopped;
	lacp_time_t armed;     /* `after` counts from here */
	lacp_time_t burst_start;
	unsigned burst;
	struct lacp_timer timer; /* the next `after` deadline */
	struct tcl_rules *owner;
	struct rule *next;
};

/* The rules of one port. */
struct tcl_rules {
	struct tcl_port *tp;
	struct lacp_tcl_state *st;
	struct rule *head;
	int next_id;
	int busy;              /* evaluations and firings under way */
	bool dying;            /* the port is gone: free when no longer busy */
	bool pulse;            /* a LACPDU arrived in this instant */
	bool restore_bypass;   /* the transmit limit is off for a rule */
	bool exit_pending;
	int exit_code;
	struct lacp_timer post; /* the end of the instant */
};

/* ---- lifetime */

static void action_free(struct action *a)
{
	if (a->obj != NULL)
		Tcl_DecrRefCount(a->obj);
}

static void rule_free(struct rule *r)
{
	int i;

	lacp_timerq_cancel(r->owner->st->q, &r->timer);
	for (i = 0; i < r->n_actions; i++)
		action_free(&r->actions[i]);
	ckfree(r->actions);
	if (r->text != NULL)
		Tcl_DecrRefCount(r->text);
	if (r->cond != NULL)
		lacp_cond_free(r->cond);
	ckfree(r);
}

/* Frees the rules marked deleted (none is being evaluated). */
static void sweep(struct tcl_rules *rs)
{
	struct rule **pp = &rs->head, *r;

	while ((r = *pp) != NULL) {
		if (r->deleted) {
			*pp = r->next;
			rule_free(r);
		} else {
			pp = &r->next;
		}
	}
}

static void rules_destroy(struct tcl_rules *rs)
{
	struct rule *r;

	lacp_timerq_cancel(rs->st->q, &rs->post);
	while ((r = rs->head) != NULL) {
		rs->head = r->next;
		rule_free(r);
	}
	ckfree(rs);
}

/* Ends a stretch of work on RS begun with busy++: frees what waited. RS
 * may be gone afterwards. */
static void release(struct tcl_rules *rs)
{
	if (--rs->busy > 0)
		return;
	if (rs->dying)
		rules_destroy(rs);
	else
		sweep(rs);
}

void lacp_tcl_rules_free(struct tcl_port *tp)
{
	struct tcl_rules **slot = lacp_tcl_port_rules(tp), *rs = *slot;
	struct rule *r;

	if (rs == NULL)
		return;
	*slot = NULL;
	lacp_timerq_cancel(rs->st->q, &rs->post);
	for (r = rs->head; r != NULL; r = r->next)
		lacp_timerq_cancel(rs->st->q, &r->timer);
	if (rs->busy) {
		rs->dying = true;
		return;
	}
	rules_destroy(rs);
}

/* ---- evaluation */

static bool spent(const struct rule *r)
{
	return r->deleted || r->stopped || (r->limit && r->fired >= r->limit);
}

/* The condition of R now, with RECEIVED for the `received` clause. */
static bool holds(struct tcl_rules *rs, struct rule *r, bool received)
{
	struct lacp_view v = lacp_tcl_port_view(rs->tp);

	v.received = received;
	v.armed = r->armed;
	return lacp_cond_eval(r->cond, &v);
}

/* Arms R's timer for its next `after` deadline, if any. */
static void arm_after(struct tcl_rules *rs, struct rule *r, lacp_time_t now)
{
	lacp_time_t next = lacp_cond_next_time(r->cond, r->armed, now);

	if (next == LACP_TIME_NEVER || spent(r))
		lacp_timerq_cancel(rs->st->q, &r->timer);
	else
		lacp_timerq_arm(rs->st->q, &r->timer, next);
}

/* Asks for the end-of-instant callback (post_fire). */
static void arm_post(struct tcl_rules *rs, lacp_time_t at)
{
	if (!lacp_timer_armed(&rs->post) || rs->post.due > at)
		lacp_timerq_arm(rs->st->q, &rs->post, at);
}

static void fire(struct tcl_rules *rs, struct rule *r, bool received);

/* Evaluates every live rule of RS; RECEIVED is the `received` clause. */
static void evaluate(struct tcl_rules *rs, bool received)
{
	struct rule *r;
	bool now;

	rs->busy++;
	for (r = rs->head; r != NULL && !rs->dying; r = r->next) {
		if (spent(r))
			continue;
		now = holds(rs, r, received);
		if (now && !r->last)
			fire(rs, r, received);
		else
			r->last = now;
	}
	release(rs);
}

/* Keeps TP's memory until the event loop is idle (the port was destroyed
 * by a rule inside an event the port's code is still delivering). */
static void deferred_release(ClientData cd)
{
	Tcl_Release(cd);
}

/* Ends work on TP begun with Tcl_Preserve. */
static void port_release(struct tcl_port *tp)
{
	if (lacp_tcl_port_deleted(tp))
		Tcl_DoWhenIdle(deferred_release, tp);
	else
		Tcl_Release(tp);
}

void lacp_tcl_rules_event(struct tcl_port *tp, const struct lacp_event *ev)
{
	struct tcl_rules *rs = *lacp_tcl_port_rules(tp);
	struct rule *r;
	bool any = false;

	if (rs == NULL || rs->head == NULL)
		return;
	Tcl_Preserve(tp);
	rs->busy++;
	if (ev->type == LACP_EV_RX && ev->decoded != NULL &&
	    ev->decoded->cls == LACP_CLASS_LACPDU) {
		/* A new arrival: `received` rises again for every rule. */
		for (r = rs->head; r != NULL; r = r->next)
			if (r->uses_received && !spent(r)) {
				r->last = holds(rs, r, false);
				any = true;
			}
		if (any) {
			rs->pulse = true;
			arm_post(rs, lacp_tcl_now(rs->st));
		}
	}
	evaluate(rs, rs->pulse);
	release(rs);
	port_release(tp);
}

/* An `after` deadline of a rule: evaluate the port's rules. */
static void after_fire(struct lacp_timer *t, lacp_time_t now)
{
	struct rule *r = LACP_CONTAINER_OF(t, struct rule, timer);
	struct tcl_rules *rs = r->owner;
	struct tcl_port *tp = rs->tp;

	Tcl_Preserve(tp);
	rs->busy++;
	evaluate(rs, rs->pulse);
	if (!rs->dying && !r->deleted)
		arm_after(rs, r, now);
	release(rs);
	port_release(tp);
}

/* Runs the `exit` a rule asked for, now that its PDU has left. */
static void do_exit(Tcl_Interp *interp, int code)
{
	Tcl_Obj *cmd = Tcl_ObjPrintf("exit %d", code);

	Tcl_IncrRefCount(cmd);
	if (Tcl_EvalObjEx(interp, cmd, TCL_EVAL_GLOBAL) != TCL_OK) {
		Tcl_AddErrorInfo(interp, "\n    (exit action of a lacp rule)");
		Tcl_BackgroundException(interp, TCL_ERROR);
	}
	Tcl_DecrRefCount(cmd);
}

/*
 * The end of an instant in which something happened: `received` falls,
 * the transmit limit comes back, and a pending exit runs once the PDU
 * carrying the change has been handed to the transport (the core sends
 * it in the dispatch that ran the rule; only the transmit limit can hold
 * it, until tx_retry).
 */
static void post_fire(struct lacp_timer *t, lacp_time_t now)
{
	struct tcl_rules *rs = LACP_CONTAINER_OF(t, struct tcl_rules, post);
	struct tcl_port *tp = rs->tp;
	struct lacp_port *p = lacp_tcl_port_core(tp);
	Tcl_Interp *interp = lacp_tcl_port_interp(tp);
	struct lacp_port_config cfg;
	int code;

	Tcl_Preserve(tp);
	Tcl_Preserve(interp);
	rs->busy++;
	if (rs->pulse) {
		rs->pulse = false;
		evaluate(rs, false);
	}
	if (!rs->dying && rs->restore_bypass) {
		rs->restore_bypass = false;
		cfg = p->config;
		cfg.tx_limit_bypass = false;
		lacp_port_set_config(p, &cfg, now);
	}
	if (!rs->dying && rs->exit_pending) {
		if (p->ntt && p->tx_enabled && p->tx_retry != LACP_TIME_NEVER) {
			arm_post(rs, p->tx_retry);
		} else {
			rs->exit_pending = false;
			code = rs->exit_code;
			lacp_tcl_log(interp, LACP_LOG_INFO,
				     "Exiting after successful injection and LACPDU transmission on %s",
				     lacp_tcl_log_port_label(tp));
			release(rs);
			do_exit(interp, code);
			goto out;
		}
	}
	release(rs);
out:
	Tcl_Release(interp);
	port_release(tp);
}

static struct tcl_rules *rules_get(struct tcl_port *tp)
{
	struct tcl_rules **slot = lacp_tcl_port_rules(tp);

	if (*slot == NULL) {
		struct tcl_rules *rs = ckalloc(sizeof *rs);

		memset(rs, 0, sizeof *rs);
		rs->tp = tp;
		rs->st = lacp_tcl_port_state(tp);
		rs->next_id = 1;
		lacp_timer_init(&rs->post, post_fire);
		rs->post.urgent = true; /* the end of the instant: not on the host's grid */
		*slot = rs;
	}
	return *slot;
}

/* ---- actions */

static uint8_t edit(uint8_t state, const struct action *a)
{
	return a->whole ? a->set : (uint8_t)((state | a->set) & ~a->clear);
}

/* Copies the field F of FROM into TO. */
static void copy_field(struct lacp_lacpdu *to, const struct lacp_lacpdu *from,
		       const struct field *f)
{
	bool partner = strncmp(f->name, "partner.", 8) == 0;
	struct lacp_info *ti = partner ? &to->partner : &to->actor;
	const struct lacp_info *fi = partner ? &from->partner : &from->actor;

	switch (f->flag) {
	case LACP_OVR_ACTOR_SYSTEM_PRIORITY:
	case LACP_OVR_PARTNER_SYSTEM_PRIORITY: ti->system_priority = fi->system_priority; break;
	case LACP_OVR_ACTOR_SYSTEM:
	case LACP_OVR_PARTNER_SYSTEM: memcpy(ti->system, fi->system, 6); break;
	case LACP_OVR_ACTOR_KEY:
	case LACP_OVR_PARTNER_KEY: ti->key = fi->key; break;
	case LACP_OVR_ACTOR_PORT_PRIORITY:
	case LACP_OVR_PARTNER_PORT_PRIORITY: ti->port_priority = fi->port_priority; break;
	case LACP_OVR_ACTOR_PORT:
	case LACP_OVR_PARTNER_PORT: ti->port = fi->port; break;
	case LACP_OVR_ACTOR_STATE:
	case LACP_OVR_PARTNER_STATE: ti->state = fi->state; break;
	case LACP_OVR_COLLECTOR_MAX_DELAY: to->collector_max_delay = from->collector_max_delay; break;
	case LACP_OVR_VERSION: to->version = from->version; break;
	}
}

/* Runs action A of rule R; TCL_ERROR leaves the message in INTERP. */
static int run_action(struct tcl_rules *rs, struct rule *r, const struct action *a,
		      Tcl_Interp *interp)
{
	struct tcl_port *tp = rs->tp;
	struct lacp_port *p = lacp_tcl_port_core(tp);
	lacp_time_t now = lacp_tcl_now(rs->st);
	struct lacp_tx_override ovr;
	char s0[LACP_STATE_STRLEN], s1[LACP_STATE_STRLEN];
	uint8_t v;

	switch (a->type) {
	case A_SET_STATE:
		if (a->partner) {
			v = edit(p->partner.state, a);
			if (r->lacpd)
				lacp_tcl_log(interp, LACP_LOG_INFO,
					     "Inject rule triggered on %s: Partner state %s -> %s",
					     lacp_tcl_log_port_label(tp),
					     lacp_state_format(p->partner.state, s0),
					     lacp_state_format(v, s1));
			lacp_port_write_partner_state(p, v, now);
		} else {
			v = edit(p->actor.state, a);
			if (r->lacpd)
				lacp_tcl_log(interp, LACP_LOG_INFO,
					     "Inject rule triggered on %s: Actor state %s -> %s",
					     lacp_tcl_log_port_label(tp),
					     lacp_state_format(lacp_port_advertised_state(p), s0),
					     lacp_state_format(v, s1));
			lacp_port_write_actor_state(p, v, now);
		}
		return TCL_OK;
	case A_FORCE: {
		uint8_t mask = a->whole ? 0xff : (uint8_t)(a->set | a->clear);

		lacp_port_force_actor_state(p, (uint8_t)(p->force_mask | mask),
					    (uint8_t)((p->force_value & ~mask) | (a->set & mask)),
					    now);
		return TCL_OK;
	}
	case A_RELEASE:
		lacp_port_force_actor_state(p, 0, 0, now);
		return TCL_OK;
	case A_SET:
	case A_UNSET:
		ovr = p->tx_override;
		if (a->type == A_SET) {
			ovr.fields |= a->field->flag;
			copy_field(&ovr.pdu, &a->value, a->field);
		} else {
			ovr.fields &= ~a->field->flag;
		}
		lacp_port_set_tx_override(p, &ovr);
		return TCL_OK;
	case A_STOP_TX:
	case A_START_TX:
		lacp_port_set_tx_enabled(p, a->type == A_START_TX, now);
		return TCL_OK;
	case A_DROP_RX:
	case A_ACCEPT_RX:
		lacp_port_set_rx_enabled(p, a->type == A_ACCEPT_RX);
		return TCL_OK;
	case A_SEND: {
		Tcl_Size n, i;
		Tcl_Obj **opts, *words[2 + 64];

		Tcl_ListObjGetElements(NULL, a->obj, &n, &opts);
		words[0] = Tcl_NewStringObj(lacp_tcl_port_name(tp), -1);
		words[1] = Tcl_NewStringObj("send", 4);
		for (i = 0; i < n && i < 64; i++)
			words[2 + i] = opts[i];
		Tcl_IncrRefCount(words[0]);
		Tcl_IncrRefCount(words[1]);
		i = lacp_tcl_port_send(tp, interp, (int)(2 + n), words);
		Tcl_DecrRefCount(words[0]);
		Tcl_DecrRefCount(words[1]);
		return (int)i;
	}
	case A_DISABLE:
	case A_ENABLE:
		lacp_tcl_port_set_admin(tp, a->type == A_ENABLE);
		return TCL_OK;
	case A_LINK:
		return lacp_tcl_port_set_link(interp, tp, a->up);
	case A_EXIT:
		rs->exit_pending = true;
		rs->exit_code = a->code;
		arm_post(rs, now);
		return TCL_OK;
	case A_SCRIPT:
		return Tcl_EvalObjEx(interp, a->obj, TCL_EVAL_GLOBAL);
	case A_COUNT:
		break;
	}
	return TCL_OK;
}

/* Turns the transmit limit off until the end of the instant. */
static void bypass_on(struct tcl_rules *rs, lacp_time_t now)
{
	struct lacp_port *p = lacp_tcl_port_core(rs->tp);
	struct lacp_port_config cfg;

	if (p->config.tx_limit_bypass)
		return; /* by configuration, or already by a rule */
	cfg = p->config;
	cfg.tx_limit_bypass = true;
	lacp_port_set_config(p, &cfg, now);
	rs->restore_bypass = true;
	arm_post(rs, now);
}

/* R's condition has just become true: count, log, act, re-arm. */
static void fire(struct tcl_rules *rs, struct rule *r, bool received)
{
	struct tcl_port *tp = rs->tp;
	Tcl_Interp *interp = lacp_tcl_port_interp(tp);
	lacp_time_t now = lacp_tcl_now(rs->st);
	struct lacp_system *sys;
	Tcl_InterpState saved;
	int i;

	r->last = true;
	r->fired++;
	if (now - r->burst_start < RUNAWAY_WINDOW) {
		r->burst++;
	} else {
		r->burst_start = now;
		r->burst = 1;
	}
	if (r->burst > RUNAWAY_FIRES) {
		r->stopped = true;
		r->fired--;
		lacp_tcl_log(interp, LACP_LOG_ERROR,
			     "%s rule %d stopped: it fired %d times within 1 ms (its actions re-trigger it)",
			     lacp_tcl_log_port_label(tp), r->id, RUNAWAY_FIRES);
		return;
	}
	rs->busy++;
	Tcl_Preserve(interp);
	saved = Tcl_SaveInterpState(interp, TCL_OK);
	if (r->limit)
		lacp_tcl_log(interp, LACP_LOG_INFO, "%s rule %d fired (%lu of %lu): %s",
			     lacp_tcl_log_port_label(tp), r->id, r->fired, r->limit,
			     Tcl_GetString(r->text));
	else
		lacp_tcl_log(interp, LACP_LOG_INFO, "%s rule %d fired (%lu): %s",
			     lacp_tcl_log_port_label(tp), r->id, r->fired, Tcl_GetString(r->text));
	lacp_tcl_hook_rule(tp, r->id, r->fired, Tcl_GetString(r->text));
	if (r->bypass)
		bypass_on(rs, now);
	/* All the actions' changes leave together, in one LACPDU. */
	sys = lacp_tcl_port_core(tp)->system;
	lacp_system_hold(sys);
	for (i = 0; i < r->n_actions && !rs->dying && !lacp_tcl_port_deleted(tp); i++) {
		if (run_action(rs, r, &r->actions[i], interp) != TCL_OK) {
			/* AppendObj frees the message; AddErrorInfo of its
			 * string would leave the object behind. */
			Tcl_AppendObjToErrorInfo(interp, Tcl_ObjPrintf(
				"\n    (action %d of rule %d on port \"%s\")", i + 1, r->id,
				lacp_tcl_port_name(tp)));
			lacp_tcl_log(interp, LACP_LOG_ERROR, "%s rule %d: %s",
				     lacp_tcl_log_port_label(tp), r->id,
				     Tcl_GetString(Tcl_GetObjResult(interp)));
			Tcl_BackgroundException(interp, TCL_ERROR);
			break;
		}
	}
	lacp_system_release(sys, now);
	if (!rs->dying && !lacp_tcl_port_deleted(tp)) {
		/* Changes the actions left pending (tx overrides) go now. */
		lacp_port_run(lacp_tcl_port_core(tp), now);
		r->armed = now;
		if (!r->deleted)
			r->last = holds(rs, r, received);
		arm_after(rs, r, now);
	}
	Tcl_RestoreInterpState(interp, saved);
	Tcl_Release(interp);
	release(rs);
}

/* ---- reading rules */

/* The words of a rule being read. */
struct words {
	Tcl_Obj *const *v;
	int n, pos;
	bool flat;      /* top-level words: rule options end an action */
};

static bool is_rule_option(Tcl_Obj *w)
{
	const char *s = Tcl_GetString(w);

	return strcmp(s, "-once") == 0 || strcmp(s, "-count") == 0 ||
	       strcmp(s, "-bypass-limit") == 0 || strcmp(s, "-exit") == 0;
}

/* The action's words from FIRST to LAST as text, for an error message. The
 * list is parked in the interpreter's result so that it has an owner: the
 * error that quotes it replaces the result, and that frees it. */
static const char *action_text(Tcl_Interp *interp, const struct words *w, int first,
			       int last)
{
	Tcl_Obj *l = Tcl_NewListObj(last - first + 1, w->v + first);

	Tcl_SetObjResult(interp, l);
	return Tcl_GetString(l);
}

static int rule_error(Tcl_Interp *interp, const char *kind, Tcl_Obj *msg)
{
	char code[64];

	Tcl_IncrRefCount(msg);
	snprintf(code, sizeof code, "LACP RULE %s", kind);
	lacp_tcl_error(interp, code, "%s", Tcl_GetString(msg));
	Tcl_DecrRefCount(msg);
	return TCL_ERROR;
}

/* Whether word W of an action is a "+BITS-BITS" word. */
static bool is_bits(const struct words *w, int at)
{
	const char *s = Tcl_GetString(w->v[at]);

	return (s[0] == '+' || s[0] == '-') && !(w->flat && is_rule_option(w->v[at]));
}

/* Reads a state (letters, hex, decimal) at word W of the action from FIRST. */
static int read_state(Tcl_Interp *interp, const struct words *w, int first, int at,
		      uint8_t *out)
{
	const char *s = Tcl_GetString(w->v[at]);
	size_t len = strlen(s), bad;
	const char *text;

	if (lacp_state_parse(s, len, out, &bad) == 0)
		return TCL_OK;
	text = action_text(interp, w, first, at);
	if (len > 0 && bad < len && !(s[0] >= '0' && s[0] <= '9'))
		return rule_error(interp, "STATE", Tcl_ObjPrintf(
			"unknown state letter \"%c\" in \"%s\"", s[bad], text));
	return rule_error(interp, "STATE", Tcl_ObjPrintf(
		"bad state \"%s\" in \"%s\": expected letters of ATGSCDFE, N, 0x00..0xff or 0..255",
		s, text));
}

/* Reads "+BITS -BITS ..." words (from W->pos on) into A->set/A->clear. */
static int read_bits(Tcl_Interp *interp, struct words *w, int first, struct action *a)
{
	while (w->pos < w->n && is_bits(w, w->pos)) {
		const char *s = Tcl_GetString(w->v[w->pos]);
		bool plus = true;

		for (; *s; s++) {
			uint8_t bit;
			size_t bad;

			if (*s == '+' || *s == '-') {
				plus = *s == '+';
				continue;
			}
			if (strchr(LACP_STATE_LETTERS "atgscdfe", *s) == NULL ||
			    lacp_state_parse(s, 1, &bit, &bad) != 0)
				return rule_error(interp, "STATE", Tcl_ObjPrintf(
					"unknown state letter \"%c\" in \"%s\"", *s,
					action_text(interp, w, first, w->pos)));
			if (plus) {
				a->set |= bit;
				a->clear &= (uint8_t)~bit;
			} else {
				a->clear |= bit;
				a->set &= (uint8_t)~bit;
			}
		}
		w->pos++;
	}
	return TCL_OK;
}

/* Needs word W->pos for action NAME (started at FIRST) described by WHAT. */
static int need(Tcl_Interp *interp, const struct words *w, int first, const char *what)
{
	if (w->pos < w->n && !(w->flat && is_rule_option(w->v[w->pos])))
		return TCL_OK;
	return rule_error(interp, "SYNTAX", Tcl_ObjPrintf(
		"action \"%s\" needs %s", action_text(interp, w, first, w->pos - 1), what));
}

/* set-state actor|partner STATE | set-state actor|partner +BITS -BITS ...,
 * force actor STATE | force actor +BITS -BITS ... */
static int read_state_action(Tcl_Interp *interp, struct words *w, int first, struct action *a)
{
	const char *role;
	const char *verb = act_name[a->type];

	if (need(interp, w, first, "actor or partner and a state") != TCL_OK)
		return TCL_ERROR;
	role = Tcl_GetString(w->v[w->pos]);
	if (strcmp(role, "partner") == 0 && a->type == A_SET_STATE) {
		a->partner = true;
	} else if (strcmp(role, "partner") == 0) {
		return rule_error(interp, "SYNTAX", Tcl_ObjPrintf(
			"only the actor's state can be forced, not the partner's, in \"%s\"",
			action_text(interp, w, first, w->pos)));
	} else if (strcmp(role, "actor") != 0) {
		return rule_error(interp, "SYNTAX", Tcl_ObjPrintf(
			"expected %s after \"%s\" but got \"%s\"",
			a->type == A_SET_STATE ? "actor or partner" : "actor", verb, role));
	}
	w->pos++;
	if (need(interp, w, first, "a state or +BITS -BITS") != TCL_OK)
		return TCL_ERROR;
	if (is_bits(w, w->pos))
		return read_bits(interp, w, first, a);
	a->whole = true;
	w->pos++;
	return read_state(interp, w, first, w->pos - 1, &a->set);
}

/* set FIELD VALUE | unset FIELD */
static int read_field_action(Tcl_Interp *interp, struct words *w, int first, struct action *a)
{
	const char *name, *value;
	Tcl_Obj *names;
	struct lacp_info *info;
	size_t i;
	long n;

	if (need(interp, w, first, a->type == A_SET ? "a FIELD and a VALUE" : "a FIELD") != TCL_OK)
		return TCL_ERROR;
	name = Tcl_GetString(w->v[w->pos++]);
	for (i = 0; i < N_FIELDS && strcmp(fields[i].name, name) != 0; i++)
		;
	if (i == N_FIELDS) {
		names = Tcl_NewObj();
		for (i = 0; i < N_FIELDS; i++)
			Tcl_AppendPrintfToObj(names, "%s%s", i ? ", " : "", fields[i].name);
		return rule_error(interp, "NAME", Tcl_ObjPrintf(
			"unknown field \"%s\" in \"%s\": must be %s", name,
			action_text(interp, w, first, w->pos - 1), Tcl_GetString(names)));
	}
	a->field = &fields[i];
	if (a->type == A_UNSET)
		return TCL_OK;
	if (need(interp, w, first, "a VALUE") != TCL_OK)
		return TCL_ERROR;
	value = Tcl_GetString(w->v[w->pos++]);
	info = strncmp(name, "partner.", 8) == 0 ? &a->value.partner : &a->value.actor;
	switch (a->field->kind) {
	case F_STATE:
		return read_state(interp, w, first, w->pos - 1, &info->state);
	case F_MAC:
		if (lacp_tcl_get_mac(interp, w->v[w->pos - 1], name, info->system) != TCL_OK)
			return rule_error(interp, "VALUE", Tcl_ObjPrintf(
				"bad MAC address \"%s\" in \"%s\"", value,
				action_text(interp, w, first, w->pos - 1)));
		return TCL_OK;
	case F_U16:
	case F_U8:
		if (lacp_tcl_get_int_range(interp, w->v[w->pos - 1], name, 0,
					   a->field->kind == F_U8 ? 255 : 65535, &n) != TCL_OK)
			return rule_error(interp, "VALUE", Tcl_ObjPrintf(
				"bad value \"%s\" in \"%s\": expected 0..%d", value,
				action_text(interp, w, first, w->pos - 1),
				a->field->kind == F_U8 ? 255 : 65535));
		break;
	}
	switch (a->field->flag) {
	case LACP_OVR_VERSION: a->value.version = (uint8_t)n; break;
	case LACP_OVR_COLLECTOR_MAX_DELAY: a->value.collector_max_delay = (uint16_t)n; break;
	case LACP_OVR_ACTOR_SYSTEM_PRIORITY:
	case LACP_OVR_PARTNER_SYSTEM_PRIORITY: info->system_priority = (uint16_t)n; break;
	case LACP_OVR_ACTOR_KEY:
	case LACP_OVR_PARTNER_KEY: info->key = (uint16_t)n; break;
	case LACP_OVR_ACTOR_PORT_PRIORITY:
	case LACP_OVR_PARTNER_PORT_PRIORITY: info->port_priority = (uint16_t)n; break;
	default: info->port = (uint16_t)n; break;
	}
	return TCL_OK;
}

/* send ?-option value ...?: the options are checked now, as `send` will. */
static int read_send_action(Tcl_Interp *interp, struct words *w, int first, struct action *a)
{
	struct lacp_craft c;
	struct lacp_craft_tlv tlvs[LACP_TCL_MAX_CRAFT_TLVS];
	Tcl_Obj *words[2 + 64];
	uint8_t *pool;
	int start = w->pos, n, i, rc;

	while (w->pos + 1 < w->n && Tcl_GetString(w->v[w->pos])[0] == '-' &&
	       !(w->flat && is_rule_option(w->v[w->pos])))
		w->pos += 2;
	if (!w->flat && w->pos < w->n)
		return rule_error(interp, "SYNTAX", Tcl_ObjPrintf(
			"action \"%s\" needs a value after \"%s\"",
			action_text(interp, w, first, w->n - 1),
			Tcl_GetString(w->v[w->n - 1])));
	n = w->pos - start;
	if (n > 64)
		return rule_error(interp, "SYNTAX", Tcl_ObjPrintf("too many options in \"%s\"",
			action_text(interp, w, first, w->pos - 1)));
	a->obj = Tcl_NewListObj(n, w->v + start);
	Tcl_IncrRefCount(a->obj);
	if (n == 2 && strcmp(Tcl_GetString(w->v[start]), "-raw") == 0)
		return TCL_OK;
	words[0] = words[1] = NULL;
	for (i = 0; i < n; i++)
		words[2 + i] = w->v[start + i];
	lacp_craft_init(&c);
	pool = ckalloc(LACP_TCL_MAX_PDU);
	rc = lacp_tcl_craft_options(interp, 2, 2 + n, words, &c, tlvs, pool, LACP_TCL_MAX_PDU);
	ckfree(pool);
	if (rc != TCL_OK) {
		/* action_text() takes over the result, so hold the craft error */
		Tcl_Obj *why = Tcl_GetObjResult(interp);

		Tcl_IncrRefCount(why);
		rc = rule_error(interp, "VALUE", Tcl_ObjPrintf("in action \"%s\": %s",
			action_text(interp, w, first, w->pos - 1), Tcl_GetString(why)));
		Tcl_DecrRefCount(why);
	}
	return rc;
}

/* Reads one action from W (its name at W->pos) into A. */
static int read_action(Tcl_Interp *interp, struct words *w, struct action *a)
{
	int first = w->pos, type, code;
	const char *s;

	memset(a, 0, sizeof *a);
	for (type = 0; type < A_COUNT; type++)
		if (strcmp(act_name[type], Tcl_GetString(w->v[w->pos])) == 0)
			break;
	if (type == A_COUNT)
		return rule_error(interp, "ACTION", Tcl_ObjPrintf(
			"unknown action \"%s\": must be set-state, force, release, set, unset, "
			"stop-tx, start-tx, drop-rx, accept-rx, send, disable, enable, link, exit "
			"or script", Tcl_GetString(w->v[w->pos])));
	a->type = (enum act_type)type;
	w->pos++;
	switch (a->type) {
	case A_SET_STATE:
	case A_FORCE:
		return read_state_action(interp, w, first, a);
	case A_SET:
	case A_UNSET:
		return read_field_action(interp, w, first, a);
	case A_SEND:
		return read_send_action(interp, w, first, a);
	case A_LINK:
		if (need(interp, w, first, "up or down") != TCL_OK)
			return TCL_ERROR;
		s = Tcl_GetString(w->v[w->pos++]);
		if (strcmp(s, "up") != 0 && strcmp(s, "down") != 0)
			return rule_error(interp, "SYNTAX", Tcl_ObjPrintf(
				"expected up or down after \"link\" but got \"%s\"", s));
		a->up = strcmp(s, "up") == 0;
		return TCL_OK;
	case A_EXIT:
		if (w->pos < w->n && Tcl_GetIntFromObj(NULL, w->v[w->pos], &code) == TCL_OK) {
			if (code < 0 || code > 255)
				return rule_error(interp, "VALUE", Tcl_ObjPrintf(
					"bad exit code \"%s\": expected 0..255",
					Tcl_GetString(w->v[w->pos])));
			a->code = code;
			w->pos++;
		}
		return TCL_OK;
	case A_SCRIPT:
		if (need(interp, w, first, "a SCRIPT") != TCL_OK)
			return TCL_ERROR;
		a->obj = w->v[w->pos++];
		Tcl_IncrRefCount(a->obj);
		if (!Tcl_CommandComplete(Tcl_GetString(a->obj)))
			return rule_error(interp, "SYNTAX", Tcl_ObjPrintf(
				"incomplete script in \"%s\"",
				action_text(interp, w, first, w->pos - 1)));
		return TCL_OK;
	default:
		return TCL_OK;
	}
}

/* A rule being built. */
struct draft {
	struct action actions[64];
	int n;
	unsigned long limit;
	bool bypass;
	int exit_code; /* -exit CODE, or -1 */
};

static void draft_free(struct draft *d)
{
	int i;

	for (i = 0; i < d->n; i++)
		action_free(&d->actions[i]);
	d->n = 0;
}

/* Reads the rule options at W->pos (-once, -count N, -bypass-limit and,
 * when EXIT_OK, -exit CODE) into D. */
static int read_option(Tcl_Interp *interp, struct words *w, struct draft *d, bool exit_ok)
{
	const char *s = Tcl_GetString(w->v[w->pos]);
	long n;

	w->pos++;
	if (strcmp(s, "-once") == 0) {
		d->limit = 1;
		return TCL_OK;
	}
	if (strcmp(s, "-bypass-limit") == 0) {
		d->bypass = true;
		return TCL_OK;
	}
	if ((strcmp(s, "-count") == 0 || (exit_ok && strcmp(s, "-exit") == 0))) {
		bool count = s[1] == 'c';

		if (w->pos >= w->n)
			return rule_error(interp, "OPTION", Tcl_ObjPrintf("%s needs a value", s));
		if (Tcl_GetLongFromObj(NULL, w->v[w->pos], &n) != TCL_OK ||
		    (count ? n < 1 : (n < 0 || n > 255)))
			return rule_error(interp, "OPTION", Tcl_ObjPrintf(
				"bad value \"%s\" for %s: expected %s", Tcl_GetString(w->v[w->pos]),
				s, count ? "a count of 1 or more" : "an exit code 0..255"));
		w->pos++;
		if (count)
			d->limit = (unsigned long)n;
		else
			d->exit_code = (int)n;
		return TCL_OK;
	}
	return rule_error(interp, "OPTION", Tcl_ObjPrintf(
		"unknown rule option \"%s\": must be -once, -count%s or -bypass-limit", s,
		exit_ok ? ", -exit" : ""));
}

/* Reads the actions and options of `when` after "then" (OBJV[FIRST..]). */
static int read_actions(Tcl_Interp *interp, int first, int objc, Tcl_Obj *const objv[],
			struct draft *d)
{
	struct words top = {objv, objc, first, true};

	while (top.pos < top.n) {
		Tcl_Obj *w = top.v[top.pos], **elems;
		Tcl_Size n;

		if (Tcl_GetString(w)[0] == '-') {
			if (read_option(interp, &top, d, false) != TCL_OK)
				return TCL_ERROR;
			continue;
		}
		if (d->n == (int)(sizeof d->actions / sizeof d->actions[0]))
			return rule_error(interp, "SYNTAX", Tcl_NewStringObj("more than 64 actions", -1));
		if (Tcl_ListObjGetElements(NULL, w, &n, &elems) != TCL_OK || n == 0)
			return rule_error(interp, "SYNTAX", Tcl_ObjPrintf(
				"bad action \"%s\": expected an action name", Tcl_GetString(w)));
		if (n > 1) {
			/* a whole action in one word: {set-state actor ATG} */
			struct words one = {elems, (int)n, 0, false};

			if (read_action(interp, &one, &d->actions[d->n]) != TCL_OK) {
				action_free(&d->actions[d->n]);
				return TCL_ERROR;
			}
			d->n++;
			if (one.pos < one.n)
				return rule_error(interp, "SYNTAX", Tcl_ObjPrintf(
					"unexpected \"%s\" in action \"%s\"",
					Tcl_GetString(one.v[one.pos]), Tcl_GetString(w)));
			top.pos++;
			continue;
		}
		if (read_action(interp, &top, &d->actions[d->n]) != TCL_OK) {
			action_free(&d->actions[d->n]);
			return TCL_ERROR;
		}
		d->n++;
	}
	if (d->n == 0)
		return rule_error(interp, "SYNTAX", Tcl_NewStringObj("no action after \"then\"", -1));
	return TCL_OK;
}

/* Adds a rule to TP from COND, TEXT and D (whose actions it takes), then
 * evaluates it once: a condition already true fires at once. LACPD is the
 * inject rule for lacpd's log lines, NULL for `when`. */
static int add_rule(struct tcl_port *tp, Tcl_Interp *interp, struct lacp_cond *cond,
		    Tcl_Obj *text, struct draft *d, const char *lacpd)
{
	struct tcl_rules *rs = rules_get(tp);
	struct rule *r = ckalloc(sizeof *r), **pp;
	lacp_time_t now = lacp_tcl_now(rs->st);
	int id;

	memset(r, 0, sizeof *r);
	r->id = id = rs->next_id++;
	r->text = text;
	Tcl_IncrRefCount(text);
	r->cond = cond;
	r->n_actions = d->n;
	r->actions = ckalloc(sizeof r->actions[0] * (d->n ? (size_t)d->n : 1));
	memcpy(r->actions, d->actions, sizeof r->actions[0] * (size_t)d->n);
	d->n = 0;
	r->limit = d->limit;
	r->bypass = d->bypass;
	r->lacpd = lacpd != NULL;
	r->uses_received = lacp_cond_uses_received(cond);
	r->armed = now;
	r->burst_start = INT64_MIN / 2; /* long ago */
	r->owner = rs;
	lacp_timer_init(&r->timer, after_fire);
	for (pp = &rs->head; *pp != NULL; pp = &(*pp)->next)
		;
	*pp = r;
	if (lacpd != NULL)
		lacp_tcl_log(interp, LACP_LOG_INFO, "Inject rule configured for %s: %s",
			     lacp_tcl_log_port_label(tp), lacpd);
	arm_after(rs, r, now);
	rs->busy++;
	if (holds(rs, r, rs->pulse))
		fire(rs, r, rs->pulse);
	release(rs);
	Tcl_SetObjResult(interp, Tcl_NewIntObj(id));
	return TCL_OK;
}

/* NAME when CONDITION then ACTION ?ACTION ...? ?-once? ?-count N? ?-bypass-limit? */
static int rules_when(struct tcl_port *tp, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
	struct lacp_cond_error err;
	struct lacp_cond *cond = NULL;
	struct draft d;
	Tcl_Obj *text;
	int then, rc;


	if (objc < 5)
		return lacp_tcl_wrong_args(interp, 2, objv,
			"CONDITION then ACTION ?ACTION ...? ?-once? ?-count N? ?-bypass-limit?");
	for (then = 3; then < objc && strcmp(Tcl_GetString(objv[then]), "then") != 0; then++)
		;
	if (then == objc)
		return rule_error(interp, "SYNTAX", Tcl_ObjPrintf(
			"missing \"then\" after the condition \"%s\"", Tcl_GetString(objv[2])));
	/* the condition: one word, or the words up to "then" */
	text = Tcl_ConcatObj(then - 2, objv + 2);
	Tcl_IncrRefCount(text);
	rc = lacp_cond_compile(Tcl_GetString(text), &cond, &err);
	Tcl_DecrRefCount(text);
	if (rc == -ENOMEM)
		return lacp_tcl_error(interp, "LACP NOMEM", "out of memory");
	if (rc != 0)
		return rule_error(interp, err.kind, Tcl_NewStringObj(err.message, -1));
	memset(&d, 0, sizeof d);
	d.exit_code = -1;
	if (read_actions(interp, then + 1, objc, objv, &d) != TCL_OK) {
		draft_free(&d);
		lacp_cond_free(cond);
		return TCL_ERROR;
	}
	return add_rule(tp, interp, cond, Tcl_NewListObj(objc - 1, objv + 1), &d, NULL);
}

/* NAME inject RULE ?-once? ?-count N? ?-bypass-limit? ?-exit CODE? */
static int rules_inject(struct tcl_port *tp, Tcl_Interp *interp, int objc,
			Tcl_Obj *const objv[])
{
	struct lacp_cond_error err;
	struct lacp_inject in;
	struct words w = {objv, objc, 3, true};
	struct draft d;
	int rc, order[2], k;

	if (objc < 3)
		return lacp_tcl_wrong_args(interp, 2, objv,
			"\"COND -> TARGET\" ?-once? ?-count N? ?-bypass-limit? ?-exit CODE?");
	memset(&d, 0, sizeof d);
	d.exit_code = -1;
	while (w.pos < w.n)
		if (read_option(interp, &w, &d, true) != TCL_OK)
			return TCL_ERROR;
	rc = lacp_inject_parse(Tcl_GetString(objv[2]), &in, &err);
	if (rc == -ENOMEM)
		return lacp_tcl_error(interp, "LACP NOMEM", "out of memory");
	if (rc != 0)
		return rule_error(interp, err.kind, Tcl_NewStringObj(err.message, -1));
	/* the targets in the order written, as lacpd applies them */
	order[0] = in.partner_first ? 1 : 0;
	order[1] = 1 - order[0];
	for (k = 0; k < 2; k++) {
		struct action *a = &d.actions[d.n];

		if (order[k] == 0 && !in.set_actor)
			continue;
		if (order[k] == 1 && !in.set_partner)
			continue;
		memset(a, 0, sizeof *a);
		a->type = A_SET_STATE;
		a->whole = true;
		a->partner = order[k] == 1;
		a->set = a->partner ? in.partner : in.actor;
		d.n++;
	}
	if (d.exit_code >= 0) {
		memset(&d.actions[d.n], 0, sizeof d.actions[0]);
		d.actions[d.n].type = A_EXIT;
		d.actions[d.n].code = d.exit_code;
		d.n++;
	}
	return add_rule(tp, interp, in.cond, Tcl_NewListObj(objc - 1, objv + 1), &d,
			Tcl_GetString(objv[2]));
}

/* NAME rules ?delete ID ?ID ...?? */
static int rules_list(struct tcl_port *tp, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
	struct tcl_rules *rs = *lacp_tcl_port_rules(tp);
	struct rule *r;
	Tcl_Obj *list, *d;
	int i, id;

	if (objc == 2) {
		list = Tcl_NewListObj(0, NULL);
		for (r = rs ? rs->head : NULL; r != NULL; r = r->next) {
			if (r->deleted)
				continue;
			d = Tcl_NewDictObj();
			Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("id", -1), Tcl_NewIntObj(r->id));
			Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("text", -1), r->text);
			Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("fired", -1),
				       Tcl_NewWideIntObj((Tcl_WideInt)r->fired));
			Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("limit", -1),
				       Tcl_NewWideIntObj((Tcl_WideInt)r->limit));
			Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("spent", -1),
				       Tcl_NewBooleanObj(spent(r)));
			Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("stopped", -1),
				       Tcl_NewBooleanObj(r->stopped));
			Tcl_ListObjAppendElement(NULL, list, d);
		}
		Tcl_SetObjResult(interp, list);
		return TCL_OK;
	}
	if (objc < 4 || strcmp(Tcl_GetString(objv[2]), "delete") != 0)
		return lacp_tcl_wrong_args(interp, 2, objv, "?delete ID ?ID ...??");
	/* check every id first: all or nothing */
	for (i = 3; i < objc; i++) {
		r = NULL;
		if (rs != NULL && Tcl_GetIntFromObj(NULL, objv[i], &id) == TCL_OK)
			for (r = rs->head; r != NULL && (r->deleted || r->id != id); r = r->next)
				;
		if (r == NULL) {
			Tcl_Obj *code[4] = {Tcl_NewStringObj("LACP", -1),
				Tcl_NewStringObj("LOOKUP", -1), Tcl_NewStringObj("RULE", -1),
				objv[i]};

			Tcl_SetObjResult(interp, Tcl_ObjPrintf("rule \"%s\" not found on port \"%s\"",
				Tcl_GetString(objv[i]), lacp_tcl_port_name(tp)));
			Tcl_SetObjErrorCode(interp, Tcl_NewListObj(4, code));
			return TCL_ERROR;
		}
	}
	for (i = 3; i < objc; i++) {
		Tcl_GetIntFromObj(NULL, objv[i], &id);
		for (r = rs->head; r != NULL && (r->deleted || r->id != id); r = r->next)
			;
		if (r == NULL)
			continue; /* the same id twice */
		r->deleted = true;
		lacp_timerq_cancel(rs->st->q, &r->timer);
	}
	rs->busy++;
	release(rs);
	return TCL_OK;
}

int lacp_tcl_rules_cmd(struct tcl_port *tp, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
	const char *sub = Tcl_GetString(objv[1]);

	if (strcmp(sub, "when") == 0)
		return rules_when(tp, interp, objc, objv);
	if (strcmp(sub, "inject") == 0)
		return rules_inject(tp, interp, objc, objv);
	return rules_list(tp, interp, objc, objv);
}

/*
 * lacp::inject parse RULE -> {condition {A STATE P STATE} target {...}}:
 * what `NAME inject RULE` would do, without a port (the lacpd command line
 * checks every rule before it opens an interface). Roles not given are
 * left out; an empty condition is an empty dict.
 */
static int inject_cmd(ClientData cd, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
	struct lacp_cond_error err;
	struct lacp_inject in;
	Tcl_Obj *cond, *target, *d;
	int rc;

	(void)cd;
	if (objc != 3 || strcmp(Tcl_GetString(objv[1]), "parse") != 0)
		return lacp_tcl_wrong_args(interp, 1, objv, "parse \"COND -> TARGET\"");
	rc = lacp_inject_parse(Tcl_GetString(objv[2]), &in, &err);
	if (rc == -ENOMEM)
		return lacp_tcl_error(interp, "LACP NOMEM", "out of memory");
	if (rc != 0)
		return rule_error(interp, err.kind, Tcl_NewStringObj(err.message, -1));
	cond = Tcl_NewDictObj();
	if (in.match_actor)
		Tcl_DictObjPut(NULL, cond, Tcl_NewStringObj("A", 1),
			       lacp_tcl_state_obj(in.actor_match));
	if (in.match_partner)
		Tcl_DictObjPut(NULL, cond, Tcl_NewStringObj("P", 1),
			       lacp_tcl_state_obj(in.partner_match));
	target = Tcl_NewDictObj();
	if (in.set_actor)
		Tcl_DictObjPut(NULL, target, Tcl_NewStringObj("A", 1), lacp_tcl_state_obj(in.actor));
	if (in.set_partner)
		Tcl_DictObjPut(NULL, target, Tcl_NewStringObj("P", 1),
			       lacp_tcl_state_obj(in.partner));
	lacp_cond_free(in.cond);
	d = Tcl_NewDictObj();
	Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("condition", -1), cond);
	Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("target", -1), target);
	Tcl_SetObjResult(interp, d);
	return TCL_OK;
}

int lacp_tcl_rules_register(Tcl_Interp *interp, struct lacp_tcl_state *st)
{
	Tcl_CreateObjCommand(interp, "::lacp::inject", inject_cmd, st, NULL);
	if (lacp_tcl_log_register(interp, st) != TCL_OK)
		return TCL_ERROR;
	return lacp_tcl_unix_register(interp, st);
}
