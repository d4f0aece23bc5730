/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The Tcl words of a port's inject rules: `NAME when CONDITION then ACTION
 * ...`, lacpd's `NAME inject "COND -> TARGET"` and `NAME rules`. The words
 * are read here into the core's rules (ruleset.h), which the machines
 * evaluate between their transitions and whose actions they run. This file
 * supplies what only the host can do: the `send`, `link` and `script`
 * actions, the log lines of a firing, and the `exit` once its LACPDU left.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lacpdu.h"
#include "ruleset.h"
#include "state.h"
#include "tcl_lacp.h"

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

/* What a rule keeps of its Tcl words. */
struct host_rule {
	Tcl_Obj *text;         /* the words that made it, for `rules` */
	bool lacpd;            /* from inject: log as lacpd does */
};

/* The host side of a port's rules: the exit a rule asked for. */
struct tcl_rules {
	struct tcl_port *tp;
	struct lacp_tcl_state *st;
	int exit_code;
	struct lacp_timer post; /* the exit, at the end of the instant */
};

/* ---- lifetime */

/* A host action's data: the Tcl object of `send` and `script`. */
static void action_free(struct lacp_action *a)
{
	if (a->host != NULL)
		Tcl_DecrRefCount((Tcl_Obj *)a->host);
	a->host = NULL;
}

/* The core's release of a rule's host data (ruleset.h). */
static void rule_release(struct lacp_rule *r)
{
	struct host_rule *h = r->host;
	size_t i;

	for (i = 0; i < r->n_actions; i++)
		action_free(&r->actions[i]);
	if (h != NULL) {
		if (h->text != NULL)
			Tcl_DecrRefCount(h->text);
		ckfree(h);
	}
	r->host = NULL;
}

void lacp_tcl_rules_free(struct tcl_port *tp)
{
	struct tcl_rules **slot = lacp_tcl_port_rules(tp), *rs = *slot;

	if (rs == NULL)
		return;
	*slot = NULL;
	lacp_timerq_cancel(rs->st->q, &rs->post);
	ckfree(rs);
}

/* Runs the `exit` a rule asked for, now that its PDU has left. */
static void post_fire(struct lacp_timer *t, lacp_time_t now)
{
	struct tcl_rules *rs = LACP_CONTAINER_OF(t, struct tcl_rules, post);
	Tcl_Interp *interp = lacp_tcl_port_interp(rs->tp);
	Tcl_Obj *cmd = Tcl_ObjPrintf("exit %d", rs->exit_code);

	(void)now;
	lacp_tcl_log(interp, LACP_LOG_INFO,
		     "Exiting after successful injection and LACPDU transmission on %s",
		     lacp_tcl_log_port_label(rs->tp));
	Tcl_IncrRefCount(cmd);
	Tcl_Preserve(interp);
	if (Tcl_EvalObjEx(interp, cmd, TCL_EVAL_GLOBAL) != TCL_OK) {
		Tcl_AddErrorInfo(interp, "\n    (exit action of a lacp rule)");
		lacp_tcl_background_error(interp);
	}
	Tcl_Release(interp);
	Tcl_DecrRefCount(cmd);
}

static struct tcl_rules *rules_get(struct tcl_port *tp)
{
	struct tcl_rules **slot = lacp_tcl_port_rules(tp);

	if (*slot == NULL) {
		struct tcl_rules *rs = ckalloc(sizeof *rs);

		memset(rs, 0, sizeof *rs);
		rs->tp = tp;
		rs->st = lacp_tcl_port_state(tp);
		lacp_timer_init(&rs->post, post_fire);
		/* the end of the instant: not on the host's grid, and ahead of
		 * frames already waiting */
		rs->post.urgent = true;
		*slot = rs;
	}
	return *slot;
}

/* The rule with ID on TP, or NULL. */
static const struct lacp_rule *rule_find(struct tcl_port *tp, int id)
{
	const struct lacp_rule *r;

	for (r = lacp_port_rules(lacp_tcl_port_core(tp)); r != NULL; r = r->next)
		if (r->id == id && !r->deleted)
			return r;
	return NULL;
}

/*
 * The core's events about rules: a firing is logged (lacpd's lines for an
 * inject rule), a runaway stop is an error, and a due exit runs at the end
 * of the instant, after the LACPDU carrying the change.
 */
static void rules_event(struct tcl_port *tp, const struct lacp_event *ev)
{
	Tcl_Interp *interp = lacp_tcl_port_interp(tp);
	const struct lacp_rule *r;
	const struct host_rule *h;
	char s0[LACP_STATE_STRLEN], s1[LACP_STATE_STRLEN];
	struct tcl_rules *rs;
	size_t i;

	if (ev->type == LACP_EV_EXIT) {
		rs = rules_get(tp);
		rs->exit_code = ev->to;
		lacp_timerq_arm(rs->st->q, &rs->post, ev->time);
		return;
	}
	if (ev->type != LACP_EV_RULE || (r = rule_find(tp, ev->rule)) == NULL)
		return;
	h = r->host;
	if (ev->on) {
		lacp_tcl_log(interp, LACP_LOG_ERROR,
			     "%s rule %d stopped: it fired 100 times within 1 ms (its actions re-trigger it)",
			     lacp_tcl_log_port_label(tp), r->id);
		return;
	}
	if (r->limit)
		lacp_tcl_log(interp, LACP_LOG_INFO, "%s rule %d fired (%lu of %lu): %s",
			     lacp_tcl_log_port_label(tp), r->id, ev->fired, r->limit,
			     Tcl_GetString(h->text));
	else
		lacp_tcl_log(interp, LACP_LOG_INFO, "%s rule %d fired (%lu): %s",
			     lacp_tcl_log_port_label(tp), r->id, ev->fired, Tcl_GetString(h->text));
	lacp_tcl_hook_rule(tp, r->id, ev->fired, Tcl_GetString(h->text));
	if (!h->lacpd)
		return;
	/* an inject rule writes whole states, in the order written */
	for (i = 0; i < r->n_actions; i++) {
		const struct lacp_action *a = &r->actions[i];

		if (a->type != LACP_ACT_SET_STATE)
			continue;
		lacp_tcl_log(interp, LACP_LOG_INFO, "Inject rule triggered on %s: %s state %s -> %s",
			     lacp_tcl_log_port_label(tp), a->partner ? "Partner" : "Actor",
			     lacp_state_format(a->partner ? ev->old_partner_state
							  : ev->old_actor_state, s0),
			     lacp_state_format(a->set, s1));
	}
}

/*
 * The actions only the host can run (the core's action op): `send`
 * renders its options against the port as it is now, `link` acts on the
 * interface or the wire, `script` runs at global level. An error is
 * reported in the background and ends the rule's actions.
 */
int lacp_tcl_rules_action(struct tcl_port *tp, const struct lacp_rule *r,
			  const struct lacp_action *a)
{
	Tcl_Interp *interp = lacp_tcl_port_interp(tp);
	Tcl_InterpState saved;
	Tcl_Size n, i;
	Tcl_Obj **opts, *words[2 + 64];
	int rc = TCL_OK;

	Tcl_Preserve(interp);
	saved = Tcl_SaveInterpState(interp, TCL_OK);
	switch (a->type) {
	case LACP_ACT_SEND:
		Tcl_ListObjGetElements(NULL, (Tcl_Obj *)a->host, &n, &opts);
		words[0] = Tcl_NewStringObj(lacp_tcl_port_name(tp), -1);
		words[1] = Tcl_NewStringObj("send", 4);
		for (i = 0; i < n && i < 64; i++)
			words[2 + i] = opts[i];
		Tcl_IncrRefCount(words[0]);
		Tcl_IncrRefCount(words[1]);
		rc = lacp_tcl_port_send(tp, interp, (int)(2 + n), words);
		Tcl_DecrRefCount(words[0]);
		Tcl_DecrRefCount(words[1]);
		break;
	case LACP_ACT_LINK:
		rc = lacp_tcl_port_set_link(interp, tp, a->up);
		break;
	case LACP_ACT_SCRIPT:
		rc = Tcl_EvalObjEx(interp, (Tcl_Obj *)a->host, TCL_EVAL_GLOBAL);
		break;
	default:
		break;
	}
	if (rc != TCL_OK) {
		/* AppendObj frees the message; AddErrorInfo of its string would
		 * leave the object behind. */
		Tcl_AppendObjToErrorInfo(interp, Tcl_ObjPrintf(
			"\n    (action %d of rule %d on port \"%s\")",
			(int)(a - r->actions) + 1, r->id, lacp_tcl_port_name(tp)));
		lacp_tcl_log(interp, LACP_LOG_ERROR, "%s rule %d: %s",
			     lacp_tcl_log_port_label(tp), r->id,
			     Tcl_GetString(Tcl_GetObjResult(interp)));
		lacp_tcl_background_error(interp);
	}
	Tcl_RestoreInterpState(interp, saved);
	Tcl_Release(interp);
	return rc == TCL_OK ? 0 : -1;
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
static int read_bits(Tcl_Interp *interp, struct words *w, int first, struct lacp_action *a)
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
static int read_state_action(Tcl_Interp *interp, struct words *w, int first, struct lacp_action *a)
{
	const char *role;
	const char *verb = lacp_action_name[a->type];

	if (need(interp, w, first, "actor or partner and a state") != TCL_OK)
		return TCL_ERROR;
	role = Tcl_GetString(w->v[w->pos]);
	if (strcmp(role, "partner") == 0 && a->type == LACP_ACT_SET_STATE) {
		a->partner = true;
	} else if (strcmp(role, "partner") == 0) {
		return rule_error(interp, "SYNTAX", Tcl_ObjPrintf(
			"only the actor's state can be forced, not the partner's, in \"%s\"",
			action_text(interp, w, first, w->pos)));
	} else if (strcmp(role, "actor") != 0) {
		return rule_error(interp, "SYNTAX", Tcl_ObjPrintf(
			"expected %s after \"%s\" but got \"%s\"",
			a->type == LACP_ACT_SET_STATE ? "actor or partner" : "actor", verb, role));
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
static int read_field_action(Tcl_Interp *interp, struct words *w, int first, struct lacp_action *a)
{
	const char *name, *value;
	const struct field *f;
	Tcl_Obj *names;
	struct lacp_info *info;
	size_t i;
	long n;

	if (need(interp, w, first, a->type == LACP_ACT_SET ? "a FIELD and a VALUE" : "a FIELD") != TCL_OK)
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
	f = &fields[i];
	a->field = f->flag;
	if (a->type == LACP_ACT_UNSET)
		return TCL_OK;
	if (need(interp, w, first, "a VALUE") != TCL_OK)
		return TCL_ERROR;
	value = Tcl_GetString(w->v[w->pos++]);
	info = strncmp(name, "partner.", 8) == 0 ? &a->value.partner : &a->value.actor;
	switch (f->kind) {
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
					   f->kind == F_U8 ? 255 : 65535, &n) != TCL_OK)
			return rule_error(interp, "VALUE", Tcl_ObjPrintf(
				"bad value \"%s\" in \"%s\": expected 0..%d", value,
				action_text(interp, w, first, w->pos - 1),
				f->kind == F_U8 ? 255 : 65535));
		break;
	}
	switch (f->flag) {
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
static int read_send_action(Tcl_Interp *interp, struct words *w, int first, struct lacp_action *a)
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
	a->host = Tcl_NewListObj(n, w->v + start);
	Tcl_IncrRefCount((Tcl_Obj *)a->host);
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
static int read_action(Tcl_Interp *interp, struct words *w, struct lacp_action *a)
{
	int first = w->pos, type, code;
	const char *s;

	memset(a, 0, sizeof *a);
	for (type = 0; type < LACP_ACT_COUNT; type++)
		if (strcmp(lacp_action_name[type], Tcl_GetString(w->v[w->pos])) == 0)
			break;
	if (type == LACP_ACT_COUNT)
		return rule_error(interp, "ACTION", Tcl_ObjPrintf(
			"unknown action \"%s\": must be set-state, force, release, set, unset, "
			"stop-tx, start-tx, drop-rx, accept-rx, send, disable, enable, link, exit "
			"or script", Tcl_GetString(w->v[w->pos])));
	a->type = (enum lacp_action_type)type;
	w->pos++;
	switch (a->type) {
	case LACP_ACT_SET_STATE:
	case LACP_ACT_FORCE:
		return read_state_action(interp, w, first, a);
	case LACP_ACT_SET:
	case LACP_ACT_UNSET:
		return read_field_action(interp, w, first, a);
	case LACP_ACT_SEND:
		return read_send_action(interp, w, first, a);
	case LACP_ACT_LINK:
		if (need(interp, w, first, "up or down") != TCL_OK)
			return TCL_ERROR;
		s = Tcl_GetString(w->v[w->pos++]);
		if (strcmp(s, "up") != 0 && strcmp(s, "down") != 0)
			return rule_error(interp, "SYNTAX", Tcl_ObjPrintf(
				"expected up or down after \"link\" but got \"%s\"", s));
		a->up = strcmp(s, "up") == 0;
		return TCL_OK;
	case LACP_ACT_EXIT:
		if (w->pos < w->n && Tcl_GetIntFromObj(NULL, w->v[w->pos], &code) == TCL_OK) {
			if (code < 0 || code > 255)
				return rule_error(interp, "VALUE", Tcl_ObjPrintf(
					"bad exit code \"%s\": expected 0..255",
					Tcl_GetString(w->v[w->pos])));
			a->code = code;
			w->pos++;
		}
		return TCL_OK;
	case LACP_ACT_SCRIPT:
		if (need(interp, w, first, "a SCRIPT") != TCL_OK)
			return TCL_ERROR;
		a->host = w->v[w->pos++];
		Tcl_IncrRefCount((Tcl_Obj *)a->host);
		if (!Tcl_CommandComplete(Tcl_GetString((Tcl_Obj *)a->host)))
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
	struct lacp_action actions[64];
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

/* Adds a rule to TP from COND, TEXT and D (whose actions it takes); the
 * core evaluates it at once: a condition already true fires now. LACPD is
 * the inject rule for lacpd's log lines, NULL for `when`. */
static int add_rule(struct tcl_port *tp, Tcl_Interp *interp, struct lacp_cond *cond,
		    Tcl_Obj *text, struct draft *d, const char *lacpd)
{
	struct lacp_rule *r = lacp_rule_new(cond, (size_t)d->n);
	struct host_rule *h;
	int id;

	if (r == NULL) {
		draft_free(d);
		return lacp_tcl_error(interp, "LACP NOMEM", "out of memory");
	}
	memcpy(r->actions, d->actions, sizeof r->actions[0] * (size_t)d->n);
	d->n = 0;
	h = ckalloc(sizeof *h);
	h->text = text;
	Tcl_IncrRefCount(text);
	h->lacpd = lacpd != NULL;
	r->host = h;
	r->release = rule_release;
	r->limit = d->limit;
	r->bypass = d->bypass;
	if (lacpd != NULL)
		lacp_tcl_log(interp, LACP_LOG_INFO, "Inject rule configured for %s: %s",
			     lacp_tcl_log_port_label(tp), lacpd);
	id = lacp_port_rule_add(lacp_tcl_port_core(tp), r, lacp_tcl_now(lacp_tcl_port_state(tp)));
	if (id < 0)
		return lacp_tcl_error(interp, "LACP PORT GONE", "port \"%s\" is being destroyed",
				      lacp_tcl_port_name(tp));
	/* a script action of the first evaluation may have left a result */
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
		struct lacp_action *a = &d.actions[d.n];

		if (order[k] == 0 && !in.set_actor)
			continue;
		if (order[k] == 1 && !in.set_partner)
			continue;
		memset(a, 0, sizeof *a);
		a->type = LACP_ACT_SET_STATE;
		a->whole = true;
		a->partner = order[k] == 1;
		a->set = a->partner ? in.partner : in.actor;
		/* lacpd's injection: the answering LACPDU shows the target */
		a->pin = !a->partner;
		d.n++;
	}
	if (d.exit_code >= 0) {
		memset(&d.actions[d.n], 0, sizeof d.actions[0]);
		d.actions[d.n].type = LACP_ACT_EXIT;
		d.actions[d.n].code = d.exit_code;
		d.n++;
	}
	return add_rule(tp, interp, in.cond, Tcl_NewListObj(objc - 1, objv + 1), &d,
			Tcl_GetString(objv[2]));
}

/* NAME rules ?delete ID ?ID ...?? */
static int rules_list(struct tcl_port *tp, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
	struct lacp_port *p = lacp_tcl_port_core(tp);
	const struct lacp_rule *r;
	Tcl_Obj *list, *d;
	int i, id;

	if (objc == 2) {
		list = Tcl_NewListObj(0, NULL);
		for (r = lacp_port_rules(p); r != NULL; r = r->next) {
			if (r->deleted)
				continue;
			d = Tcl_NewDictObj();
			Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("id", -1), Tcl_NewIntObj(r->id));
			Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("text", -1),
				       ((const struct host_rule *)r->host)->text);
			Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("fired", -1),
				       Tcl_NewWideIntObj((Tcl_WideInt)r->fired));
			Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("limit", -1),
				       Tcl_NewWideIntObj((Tcl_WideInt)r->limit));
			Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("spent", -1),
				       Tcl_NewBooleanObj(lacp_rule_spent(r)));
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
		if (Tcl_GetIntFromObj(NULL, objv[i], &id) != TCL_OK || rule_find(tp, id) == NULL) {
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
		lacp_port_rule_delete(p, id); /* the same id twice: -ENOENT */
	}
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
	lacp_tcl_observe(st, rules_event);
	return TCL_OK;
}
