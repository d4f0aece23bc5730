/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The rule engine (see ruleset.h): a port's rules, their evaluation between
 * the machines' transitions, their actions, `after` deadlines, limits and
 * the runaway guard. Pure: driven by sm.c, no I/O, no clock reads.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ruleset.h"
#include "sm.h"
#include "state.h"

/* A rule re-triggering itself this many times within RUNAWAY_WINDOW is
 * stopped: its actions make its condition false and true again. */
#define RUNAWAY_FIRES 100
#define RUNAWAY_WINDOW LACP_MS(1)

const char *const lacp_action_name[LACP_ACT_COUNT] = {
	"set-state", "force", "release", "set", "unset", "stop-tx", "start-tx",
	"drop-rx", "accept-rx", "send", "disable", "enable", "link", "exit", "script",
};

struct lacp_rule *lacp_rule_new(struct lacp_cond *cond, size_t n)
{
	struct lacp_rule *r = calloc(1, sizeof(*r));

	if (r)
		r->actions = calloc(n ? n : 1, sizeof(r->actions[0]));
	if (!r || !r->actions) {
		free(r);
		lacp_cond_free(cond);
		return NULL;
	}
	r->cond = cond;
	r->n_actions = n;
	return r;
}

void lacp_rule_free(struct lacp_rule *r)
{
	if (!r)
		return;
	if (r->release)
		r->release(r);
	lacp_cond_free(r->cond);
	free(r->actions);
	free(r);
}

bool lacp_rule_spent(const struct lacp_rule *r)
{
	return r->deleted || r->stopped || (r->limit && r->fired >= r->limit);
}

void lacp_port_view(const struct lacp_port *p, lacp_time_t now, struct lacp_view *v)
{
	memset(v, 0, sizeof(*v));
	v->actor_state = lacp_port_advertised_state(p);
	v->partner_state = p->partner.state;
	v->rx = p->rx;
	v->mux = p->mux;
	v->selected = p->selected;
	v->received = p->rules_received;
	v->now = now;
	v->armed = now;
}

static bool holds(const struct lacp_port *p, const struct lacp_rule *r, bool received,
		  lacp_time_t now)
{
	struct lacp_view v;

	lacp_port_view(p, now, &v);
	v.received = received;
	v.armed = r->armed;
	return lacp_cond_eval(r->cond, &v);
}

/* Frees the rules marked deleted, once no evaluation walks the list. */
static void sweep(struct lacp_port *p)
{
	struct lacp_rule **pp = &p->rules, *r;

	if (p->rules_busy)
		return;
	while ((r = *pp)) {
		if (r->deleted) {
			*pp = r->next;
			lacp_rule_free(r);
		} else {
			pp = &r->next;
		}
	}
}

int lacp_port_rule_add(struct lacp_port *p, struct lacp_rule *r, lacp_time_t now)
{
	struct lacp_rule **pp;
	int id;

	if (p->zombie) {
		lacp_rule_free(r);
		return -EINVAL;
	}
	id = r->id = ++p->next_rule_id;
	r->uses_received = lacp_cond_uses_received(r->cond);
	r->armed = now;
	r->burst_start = INT64_MIN / 2; /* long ago */
	r->last = false;
	for (pp = &p->rules; *pp; pp = &(*pp)->next)
		;
	*pp = r;
	/* The first evaluation happens in a run of the machines, so a rule
	 * true from the start reacts like any other: in one LACPDU. That
	 * run may fire a -once rule and free it, so r is not read after. */
	lacp_port_run(p, now);
	return id;
}

void lacp_port_move_rules(struct lacp_port *to, struct lacp_port *from)
{
	struct lacp_rule **pp;

	for (pp = &to->rules; *pp; pp = &(*pp)->next)
		;
	*pp = from->rules;
	from->rules = NULL;
	if (from->next_rule_id > to->next_rule_id)
		to->next_rule_id = from->next_rule_id;
}

int lacp_port_rule_delete(struct lacp_port *p, int id)
{
	for (struct lacp_rule *r = p->rules; r; r = r->next) {
		if (r->id == id && !r->deleted) {
			r->deleted = true;
			sweep(p);
			return 0;
		}
	}
	return -ENOENT;
}

const struct lacp_rule *lacp_port_rules(const struct lacp_port *p)
{
	return p->rules;
}

static uint8_t edit(uint8_t state, const struct lacp_action *a)
{
	return a->whole ? a->set : (uint8_t)((state | a->set) & ~a->clear);
}

/* Copies the field FLAG of FROM into TO. */
static void copy_field(struct lacp_lacpdu *to, const struct lacp_lacpdu *from, unsigned flag)
{
	bool partner = flag >= LACP_OVR_PARTNER_SYSTEM_PRIORITY &&
		       flag <= LACP_OVR_PARTNER_STATE;
	struct lacp_info *ti = partner ? &to->partner : &to->actor;
	const struct lacp_info *fi = partner ? &from->partner : &from->actor;

	switch (flag) {
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
	default: break;
	}
}

/* Runs action A of rule R on P at NOW. Returns 0, or the host's negative
 * answer (the rule's remaining actions are then skipped). */
static int run_action(struct lacp_port *p, const struct lacp_rule *r,
		      const struct lacp_action *a, lacp_time_t now)
{
	struct lacp_tx_override ovr;
	uint8_t mask;

	switch (a->type) {
	case LACP_ACT_SET_STATE:
		if (a->partner) {
			lacp_port_write_partner_state(p, edit(p->partner.state, a), now);
		} else {
			uint8_t state = edit(p->actor.state, a);

			/* pinned first: the write runs the machines, which may
			 * move the state on before the Transmit machine runs */
			if (a->pin) {
				p->pinned = true;
				p->pin_state = state;
			}
			lacp_port_write_actor_state(p, state, now);
		}
		return 0;
	case LACP_ACT_FORCE:
		mask = a->whole ? 0xff : (uint8_t)(a->set | a->clear);
		lacp_port_force_actor_state(p, (uint8_t)(p->force_mask | mask),
					    (uint8_t)((p->force_value & ~mask) | (a->set & mask)),
					    now);
		return 0;
	case LACP_ACT_RELEASE:
		lacp_port_force_actor_state(p, 0, 0, now);
		return 0;
	case LACP_ACT_SET:
	case LACP_ACT_UNSET:
		ovr = p->tx_override;
		if (a->type == LACP_ACT_SET) {
			ovr.fields |= a->field;
			copy_field(&ovr.pdu, &a->value, a->field);
		} else {
			ovr.fields &= ~a->field;
		}
		lacp_port_set_tx_override(p, &ovr);
		return 0;
	case LACP_ACT_STOP_TX:
	case LACP_ACT_START_TX:
		lacp_port_set_tx_enabled(p, a->type == LACP_ACT_START_TX, now);
		return 0;
	case LACP_ACT_DROP_RX:
	case LACP_ACT_ACCEPT_RX:
		lacp_port_set_rx_enabled(p, a->type == LACP_ACT_ACCEPT_RX);
		return 0;
	case LACP_ACT_DISABLE:
	case LACP_ACT_ENABLE:
		lacp_port_set_admin(p, a->type == LACP_ACT_ENABLE, now);
		return 0;
	case LACP_ACT_EXIT:
		p->exit_pending = true;
		p->exit_code = a->code;
		return 0;
	case LACP_ACT_SEND:
	case LACP_ACT_LINK:
	case LACP_ACT_SCRIPT:
		return p->ops.action ? p->ops.action(p->ctx, p, r, a, now) : 0;
	case LACP_ACT_COUNT:
		break;
	}
	return 0;
}

/* R's condition has just risen on P: count, act, re-arm. All of its
 * changes reach the Transmit machine together, in this run. */
static void fire(struct lacp_port *p, struct lacp_rule *r, bool received, lacp_time_t now)
{
	uint8_t actor = lacp_port_advertised_state(p), partner = p->partner.state;

	r->last = true;
	if (now - r->burst_start < RUNAWAY_WINDOW) {
		r->burst++;
	} else {
		r->burst_start = now;
		r->burst = 1;
	}
	if (r->burst > RUNAWAY_FIRES) {
		r->stopped = true;
		lacp_port_note_rule(p, r, actor, partner, now);
		return;
	}
	r->fired++;
	if (r->bypass)
		p->tx_bypass = true;
	lacp_port_note_rule(p, r, actor, partner, now);
	for (size_t i = 0; i < r->n_actions && !p->zombie && !r->deleted; i++)
		if (run_action(p, r, &r->actions[i], now) < 0)
			break;
	if (p->zombie || r->deleted)
		return;
	r->armed = now;
	r->last = holds(p, r, received, now);
}

bool lacp_rules_eval(struct lacp_port *p, lacp_time_t now)
{
	bool fired = false;

	if (!p->rules || p->zombie)
		return false;
	p->rules_busy++;
	for (struct lacp_rule *r = p->rules; r && !p->zombie; r = r->next) {
		bool on;

		if (lacp_rule_spent(r))
			continue;
		on = holds(p, r, p->rules_received, now);
		if (on && !r->last) {
			fire(p, r, p->rules_received, now);
			fired = true;
		} else {
			r->last = on;
		}
	}
	p->rules_busy--;
	sweep(p);
	return fired;
}

void lacp_rules_received(struct lacp_port *p, bool on, lacp_time_t now)
{
	if (on) {
		/* A new arrival: `received` rises again for every rule that
		 * looks at it, whatever the last arrival left it at. */
		for (struct lacp_rule *r = p->rules; r; r = r->next)
			if (r->uses_received && !lacp_rule_spent(r))
				r->last = holds(p, r, false, now);
		p->rules_received = true;
		return;
	}
	if (!p->rules_received)
		return;
	p->rules_received = false;
	lacp_rules_eval(p, now);
}

lacp_time_t lacp_rules_next(const struct lacp_port *p, lacp_time_t now)
{
	lacp_time_t next = LACP_TIME_NEVER;

	for (const struct lacp_rule *r = p->rules; r; r = r->next) {
		lacp_time_t t;

		if (lacp_rule_spent(r))
			continue;
		t = lacp_cond_next_time(r->cond, r->armed, now);
		if (t < next)
			next = t;
	}
	return next;
}

void lacp_rules_free_all(struct lacp_port *p)
{
	struct lacp_rule *r;

	while ((r = p->rules)) {
		p->rules = r->next;
		lacp_rule_free(r);
	}
}
