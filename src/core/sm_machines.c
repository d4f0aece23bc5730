/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The per-port state machines of 802.1AX-2014 clause 6.4: Receive (6.4.12),
 * Periodic Transmission (6.4.13), Mux (6.4.15), Churn Detection (6.4.17,
 * one machine run for the actor's side and for the partner's) and
 * Transmit (6.4.16), with the functions of 6.4.9 they call (recordPDU,
 * recordDefault, update_Selected, update_NTT) and the names of their
 * states, and settle, which runs the Selection Logic (sm_select.c) and
 * the steps of every machine of the dirty ports until nothing moves (each
 * machine makes at most one transition per step). The dispatch
 * (sm_system.c) calls settle; the port's steps stay in this file so that
 * the compiler keeps them inline in its loop.
 */
#include "sm.h"
#include "measure.h"

#include <stdlib.h>
#include <string.h>

#include "ruleset.h"
#include "sm_internal.h"
#include "state.h"

/* ---- names */

const char *const lacp_machine_name[LACP_M_COUNT] = {
	"rx", "periodic", "selected", "mux", "actor_churn", "partner_churn",
};

const char *const lacp_rx_state_name[LACP_RX_COUNT] = {
	"INITIALIZE", "PORT_DISABLED", "EXPIRED", "LACP_DISABLED", "DEFAULTED", "CURRENT",
};

const char *const lacp_periodic_state_name[LACP_PERIODIC_COUNT] = {
	"NO_PERIODIC", "FAST_PERIODIC", "SLOW_PERIODIC", "PERIODIC_TX",
};

const char *const lacp_mux_state_name[LACP_MUX_COUNT] = {
	"DETACHED", "WAITING", "ATTACHED", "COLLECTING", "DISTRIBUTING",
	"COLLECTING_DISTRIBUTING", "ATTACHED_WTR",
};

const char *const lacp_selected_name[LACP_SELECTED_COUNT] = {
	"UNSELECTED", "SELECTED", "STANDBY",
};

const char *const lacp_actor_churn_state_name[LACP_ACTOR_CHURN_COUNT] = {
	"ACTOR_CHURN_MONITOR", "NO_ACTOR_CHURN", "ACTOR_CHURN",
};

const char *const lacp_partner_churn_state_name[LACP_PARTNER_CHURN_COUNT] = {
	"PARTNER_CHURN_MONITOR", "NO_PARTNER_CHURN", "PARTNER_CHURN",
};

const char *const lacp_event_name[LACP_EV_COUNT] = {
	"transition", "aggregator", "oper", "rx", "tx", "expired", "churn", "loopback",
	"rule", "exit",
};

static const char *const *const state_names[LACP_M_COUNT] = {
	lacp_rx_state_name, lacp_periodic_state_name, lacp_selected_name,
	lacp_mux_state_name, lacp_actor_churn_state_name, lacp_partner_churn_state_name,
};

static const int state_counts[LACP_M_COUNT] = {
	LACP_RX_COUNT, LACP_PERIODIC_COUNT, LACP_SELECTED_COUNT,
	LACP_MUX_COUNT, LACP_ACTOR_CHURN_COUNT, LACP_PARTNER_CHURN_COUNT,
};

int lacp_machine_state_count(enum lacp_machine m)
{
	return (unsigned)m < LACP_M_COUNT ? state_counts[m] : 0;
}

const char *lacp_machine_state_name(enum lacp_machine m, int state)
{
	if ((unsigned)m >= LACP_M_COUNT)
		return NULL;
	if (state == LACP_STATE_BEGIN)
		return "BEGIN";
	if (state < 0 || state >= state_counts[m])
		return NULL;
	return state_names[m][state];
}

int lacp_machine_state_lookup(enum lacp_machine m, const char *name)
{
	if ((unsigned)m >= LACP_M_COUNT || !name)
		return -1;
	for (int i = 0; i < state_counts[m]; i++)
		if (strcmp(state_names[m][i], name) == 0)
			return i;
	return -1;
}

/* ---- the state writes and the functions of 6.4.9 the machines use */

/* A partner state write, counting Synchronization FALSE -> TRUE. */
void lacp_sm_partner_state_set(struct lacp_port *p, uint8_t state)
{
	if (!(p->partner.state & LACP_STATE_SYNC) && (state & LACP_STATE_SYNC))
		p->counters.partner_sync_transitions++;
	p->partner.state = state;
}

static void actor_sync_set(struct lacp_port *p, bool on)
{
	if (on && !(p->actor.state & LACP_STATE_SYNC))
		p->counters.actor_sync_transitions++;
	set_bit(&p->actor.state, LACP_STATE_SYNC, on);
}

static void loopback_set(struct lacp_port *p, bool on, lacp_time_t now)
{
	if (p->loopback == on)
		return;
	p->loopback = on;
	simple_event(p, LACP_EV_LOOPBACK, LACP_M_RX, 0, 0, on, now);
}

/* The partner a defaulted port records: the Partner_Admin values, or in
 * fallback a partner in sync that makes the port Individual (its own
 * port number in the LAG ID) or aggregatable with the other fallback
 * ports of its key (an all-zero system), keeping the admin A and T bits. */
struct lacp_info lacp_sm_default_partner(const struct lacp_port *p)
{
	struct lacp_info i;

	if (!p->fallback)
		return p->config.partner_admin;
	memset(&i, 0, sizeof(i));
	i.key = p->actor.key;
	i.port = p->actor.port;
	i.state = (uint8_t)((p->config.partner_admin.state &
			     (LACP_STATE_ACTIVITY | LACP_STATE_TIMEOUT)) |
			    LACP_STATE_SYNC | LACP_STATE_COLLECTING | LACP_STATE_DISTRIBUTING);
	if (p->config.fallback == LACP_FALLBACK_STATIC)
		i.state |= LACP_STATE_AGGREGATION;
	return i;
}

/* recordDefault (6.4.9): the administrative partner becomes the
 * operational one and the actor is Defaulted. */
void lacp_sm_record_default(struct lacp_port *p, lacp_time_t now)
{
	uint8_t before = p->partner.state;
	struct lacp_info admin = lacp_sm_default_partner(p);

	p->partner = admin;
	p->partner.state = before; /* so the Synchronization count sees the change */
	lacp_sm_partner_state_set(p, admin.state);
	p->actor.state |= LACP_STATE_DEFAULTED;
	loopback_set(p, false, now);
}

/* update_Selected / update_Default_Selected (6.4.9): a partner whose LAG
 * relevant identity differs from what is recorded means reselection. */
void lacp_sm_update_selected(struct lacp_port *p, const struct lacp_info *info,
			     lacp_time_t now)
{
	if (same_ids(info, &p->partner) &&
	    ((info->state ^ p->partner.state) & LACP_STATE_AGGREGATION) == 0)
		return;
	p->counters.partner_change_count++;
	lacp_sm_sel_set(p, LACP_UNSELECTED, now);
}

static void advertised_actor(const struct lacp_port *p, struct lacp_info *out)
{
	struct lacp_lacpdu pdu;

	lacp_port_build_lacpdu(p, &pdu);
	*out = pdu.actor;
}

/* update_NTT (6.4.9): the partner's view of us (the Partner fields of its
 * PDU) is stale, so tell it again. Compared with what we advertise. */
static void update_ntt(struct lacp_port *p, const struct lacp_lacpdu *pdu)
{
	const uint8_t bits = LACP_STATE_ACTIVITY | LACP_STATE_TIMEOUT |
			     LACP_STATE_SYNC | LACP_STATE_AGGREGATION;
	struct lacp_info adv;

	advertised_actor(p, &adv);
	if (!same_ids(&pdu->partner, &adv) || ((pdu->partner.state ^ adv.state) & bits))
		p->ntt = true;
}

/* recordPDU (6.4.9): record the partner's Actor information; the partner
 * is in sync when it says so and its view of us matches what we advertise
 * (or it is Individual), provided LACP actively maintains the link. */
static void record_pdu(struct lacp_port *p, const struct lacp_lacpdu *pdu, lacp_time_t now)
{
	const struct lacp_system *s = p->system;
	struct lacp_info adv;
	bool active, matched, sync;
	uint8_t state;

	advertised_actor(p, &adv);
	active = (pdu->actor.state & LACP_STATE_ACTIVITY) ||
		 ((p->actor.state & LACP_STATE_ACTIVITY) &&
		  (pdu->partner.state & LACP_STATE_ACTIVITY));
	matched = same_ids(&pdu->partner, &adv) &&
		  ((pdu->partner.state ^ adv.state) & LACP_STATE_AGGREGATION) == 0;
	sync = (pdu->actor.state & LACP_STATE_SYNC) && active &&
	       (matched || !(pdu->actor.state & LACP_STATE_AGGREGATION));
	state = p->partner.state;
	p->partner = pdu->actor;
	p->partner.state = state;
	state = pdu->actor.state;
	set_bit(&state, LACP_STATE_SYNC, sync);
	lacp_sm_partner_state_set(p, state);
	p->actor.state &= (uint8_t)~LACP_STATE_DEFAULTED;
	/* 6.4.14.1: a port hearing its own system is looped back. */
	loopback_set(p, memcmp(pdu->actor.system, s->id, 6) == 0 &&
				pdu->actor.system_priority == s->priority, now);
}

static void current_while_start(struct lacp_port *p, bool longer, lacp_time_t now)
{
	const struct lacp_timing *t = &p->config.timing;

	p->current_while_long = longer;
	p->current_while_start = now;
	p->current_while = after(now, longer ? t->long_timeout : t->short_timeout);
}

/* The fallback timer (re)starts: the port came up, or a LACPDU arrived. */
static void fallback_arm(struct lacp_port *p, lacp_time_t now)
{
	p->fallback_start = now;
	p->fallback_timer = p->config.fallback ? after(now, p->config.fallback_timeout)
					       : LACP_TIME_NEVER;
}

/* Whether a DEFAULTED port's silence has lasted the fallback timeout. */
static bool fallback_due(const struct lacp_port *p, lacp_time_t now)
{
	return p->config.fallback && !p->fallback && timer_expired(p->fallback_timer, now);
}

/* Enters (ON) or leaves fallback while DEFAULTED: the recorded partner
 * changes, so the port reselects (update_Default_Selected). */
void lacp_sm_fallback_set(struct lacp_port *p, bool on, lacp_time_t now)
{
	struct lacp_info next;

	p->fallback = on;
	next = lacp_sm_default_partner(p);
	lacp_sm_update_selected(p, &next, now);
	lacp_sm_record_default(p, now);
	p->ntt = true;
}

/* 6.4.12 Receive machine */
static void rx_set(struct lacp_port *p, enum lacp_rx_state to, lacp_time_t now)
{
	int from = p->begin ? LACP_STATE_BEGIN : (int)p->rx;

	if (from == LACP_RX_PORT_DISABLED)
		p->system->n_rx_disabled--;
	if (to == LACP_RX_PORT_DISABLED)
		p->system->n_rx_disabled++;
	p->rx = to;
	note_transition(p, LACP_M_RX, from, to, now);
	switch (to) {
	case LACP_RX_INITIALIZE:
		lacp_sm_sel_set(p, LACP_UNSELECTED, now);
		p->fallback = false;
		p->fallback_timer = LACP_TIME_NEVER;
		lacp_sm_record_default(p, now);
		p->actor.state &= (uint8_t)~LACP_STATE_EXPIRED;
		p->port_moved = false;
		p->current_while = LACP_TIME_NEVER;
		break;
	case LACP_RX_PORT_DISABLED:
		lacp_sm_partner_state_set(p, p->partner.state & (uint8_t)~LACP_STATE_SYNC);
		p->current_while = LACP_TIME_NEVER; /* nothing waits on it here */
		p->fallback = false; /* the link is gone: so is the fallback partner */
		p->fallback_timer = LACP_TIME_NEVER;
		break;
	case LACP_RX_EXPIRED:
		lacp_sm_partner_state_set(p, (p->partner.state & (uint8_t)~LACP_STATE_SYNC) |
					     LACP_STATE_TIMEOUT);
		current_while_start(p, false, now);
		p->actor.state |= LACP_STATE_EXPIRED;
		if (from == LACP_RX_PORT_DISABLED)
			fallback_arm(p, now); /* the link is up: silence counts */
		if (from == LACP_RX_CURRENT)
			simple_event(p, LACP_EV_EXPIRED, LACP_M_RX, from, to, true, now);
		break;
	case LACP_RX_LACP_DISABLED:
		lacp_sm_sel_set(p, LACP_UNSELECTED, now);
		p->fallback = false;
		p->fallback_timer = LACP_TIME_NEVER;
		lacp_sm_record_default(p, now);
		lacp_sm_partner_state_set(p, p->partner.state & (uint8_t)~LACP_STATE_AGGREGATION);
		p->actor.state &= (uint8_t)~LACP_STATE_EXPIRED;
		p->current_while = LACP_TIME_NEVER;
		break;
	case LACP_RX_DEFAULTED: {
		struct lacp_info admin;

		if (fallback_due(p, now))
			p->fallback = true;
		admin = lacp_sm_default_partner(p);
		lacp_sm_update_selected(p, &admin, now);
		lacp_sm_record_default(p, now);
		p->actor.state &= (uint8_t)~LACP_STATE_EXPIRED;
		p->current_while = LACP_TIME_NEVER;
		simple_event(p, LACP_EV_EXPIRED, LACP_M_RX, from, to, true, now);
		break;
	}
	case LACP_RX_CURRENT:
		p->fallback = false; /* the first LACPDU ends it */
		fallback_arm(p, now);
		lacp_sm_update_selected(p, &p->rx_pdu.actor, now);
		update_ntt(p, &p->rx_pdu);
		record_pdu(p, &p->rx_pdu, now);
		current_while_start(p, (p->actor.state & LACP_STATE_TIMEOUT) == 0, now);
		p->actor.state &= (uint8_t)~LACP_STATE_EXPIRED;
		p->rx_pdu_valid = false; /* consumed */
		break;
	case LACP_RX_COUNT:
		break;
	}
}

static bool rx_step(struct lacp_port *p, lacp_time_t now)
{
	if (!p->port_enabled && !p->port_moved) {
		/* Global transition; held while the condition lasts. */
		if (p->rx == LACP_RX_PORT_DISABLED)
			return false;
		rx_set(p, LACP_RX_PORT_DISABLED, now);
		return true;
	}
	switch (p->rx) {
	case LACP_RX_INITIALIZE:
		rx_set(p, LACP_RX_PORT_DISABLED, now);
		return true;
	case LACP_RX_PORT_DISABLED:
		if (p->port_moved)
			rx_set(p, LACP_RX_INITIALIZE, now);
		else if (p->port_enabled && p->config.lacp_enabled)
			rx_set(p, LACP_RX_EXPIRED, now);
		else if (p->port_enabled)
			rx_set(p, LACP_RX_LACP_DISABLED, now);
		else
			return false;
		return true;
	case LACP_RX_LACP_DISABLED:
		if (!p->config.lacp_enabled)
			return false;
		rx_set(p, LACP_RX_PORT_DISABLED, now);
		return true;
	case LACP_RX_EXPIRED:
		if (p->rx_pdu_valid)
			rx_set(p, LACP_RX_CURRENT, now);
		else if (timer_expired(p->current_while, now))
			rx_set(p, LACP_RX_DEFAULTED, now);
		else
			return false;
		return true;
	case LACP_RX_DEFAULTED:
		if (!p->rx_pdu_valid) {
			if (!fallback_due(p, now))
				return false;
			lacp_sm_fallback_set(p, true, now);
			return true;
		}
		rx_set(p, LACP_RX_CURRENT, now);
		return true;
	case LACP_RX_CURRENT:
		if (p->rx_pdu_valid)
			rx_set(p, LACP_RX_CURRENT, now);
		else if (timer_expired(p->current_while, now))
			rx_set(p, LACP_RX_EXPIRED, now);
		else
			return false;
		return true;
	case LACP_RX_COUNT:
		break;
	}
	return false;
}

/* 6.4.13 Periodic Transmission machine */
static void periodic_set(struct lacp_port *p, enum lacp_periodic_state to, lacp_time_t now)
{
	int from = p->begin ? LACP_STATE_BEGIN : (int)p->periodic;
	const struct lacp_timing *t = &p->config.timing;

	p->periodic = to;
	note_transition(p, LACP_M_PERIODIC, from, to, now);
	switch (to) {
	case LACP_PERIODIC_NO_PERIODIC:
		p->periodic_timer = LACP_TIME_NEVER;
		break;
	case LACP_PERIODIC_FAST_PERIODIC:
	case LACP_PERIODIC_SLOW_PERIODIC: {
		lacp_time_t period = to == LACP_PERIODIC_FAST_PERIODIC ? t->fast_periodic
								      : t->slow_periodic;
		lacp_time_t start = now;

		/* Back from PERIODIC_TX because periodic_timer expired: the
		 * machine moved at the timer's deadline, not when the host
		 * got round to running it, so the next period counts from
		 * the deadline. Late wake-ups then do not add up period after
		 * period, and ports whose timers one wake-up ran together
		 * keep their own phases instead of merging into one burst.
		 * After a stall of a whole period, it counts from now. */
		if (from == LACP_PERIODIC_PERIODIC_TX && p->periodic_timer <= now &&
		    now - p->periodic_timer < period)
			start = p->periodic_timer;
		p->periodic_start = start;
		p->periodic_timer = after(start, period);
		break;
	}
	case LACP_PERIODIC_PERIODIC_TX:
		p->ntt = true;
		break;
	case LACP_PERIODIC_COUNT:
		break;
	}
}

static bool periodic_step(struct lacp_port *p, lacp_time_t now)
{
	bool partner_short = p->partner.state & LACP_STATE_TIMEOUT;

	if (!p->config.lacp_enabled || !p->port_enabled ||
	    (!(p->actor.state & LACP_STATE_ACTIVITY) &&
	     !(p->partner.state & LACP_STATE_ACTIVITY))) {
		if (p->periodic == LACP_PERIODIC_NO_PERIODIC)
			return false; /* held */
		periodic_set(p, LACP_PERIODIC_NO_PERIODIC, now);
		return true;
	}
	switch (p->periodic) {
	case LACP_PERIODIC_NO_PERIODIC:
		periodic_set(p, LACP_PERIODIC_FAST_PERIODIC, now);
		return true;
	case LACP_PERIODIC_FAST_PERIODIC:
		if (timer_expired(p->periodic_timer, now))
			periodic_set(p, LACP_PERIODIC_PERIODIC_TX, now);
		else if (!partner_short)
			periodic_set(p, LACP_PERIODIC_SLOW_PERIODIC, now);
		else
			return false;
		return true;
	case LACP_PERIODIC_SLOW_PERIODIC:
		if (!timer_expired(p->periodic_timer, now) && !partner_short)
			return false;
		periodic_set(p, LACP_PERIODIC_PERIODIC_TX, now);
		return true;
	case LACP_PERIODIC_PERIODIC_TX:
		periodic_set(p, partner_short ? LACP_PERIODIC_FAST_PERIODIC
					      : LACP_PERIODIC_SLOW_PERIODIC, now);
		return true;
	case LACP_PERIODIC_COUNT:
		break;
	}
	return false;
}

/* Ready (6.4.8): every port selected for P's aggregator and waiting to
 * attach has seen its wait_while timer expire (Ready_N). */
static bool agg_ready(const struct lacp_port *p, lacp_time_t now)
{
	const struct lacp_system *s = p->system;

	if (!p->agg)
		return false;
	for (size_t i = 0; i < s->n_ports; i++) {
		const struct lacp_port *q = s->ports[i];

		if (!live(q) || q->agg != p->agg || q->mux != LACP_MUX_WAITING ||
		    q->selected != LACP_SELECTED)
			continue;
		if (!timer_expired(q->wait_while, now))
			return false;
	}
	return true;
}

/* 6.4.15 Mux machine: coupled control (COLLECTING_DISTRIBUTING) and
 * independent control (COLLECTING, DISTRIBUTING) entry actions. */
static void mux_set(struct lacp_port *p, enum lacp_mux_state to, lacp_time_t now)
{
	int from = p->begin ? LACP_STATE_BEGIN : (int)p->mux;

	/* Ready (agg_ready) of the others counts the ports in WAITING. */
	if (from == LACP_MUX_WAITING || to == LACP_MUX_WAITING)
		sweep_later(p->system);
	/* Attached ports keep their places (agg_standby). */
	p->system->rank_gen++;
	p->mux = to;
	note_transition(p, LACP_M_MUX, from, to, now);
	lacp_measure_mux(p, to, now);
	switch (to) {
	case LACP_MUX_DETACHED:
		/* Detach_Mux_From_Aggregator, Disable_Collecting_Distributing */
		actor_sync_set(p, false);
		p->actor.state &= (uint8_t)~(LACP_STATE_COLLECTING | LACP_STATE_DISTRIBUTING);
		p->wait_while = LACP_TIME_NEVER;
		p->ntt = true;
		break;
	case LACP_MUX_WAITING:
		p->wait_while_start = now;
		p->wait_while = after(now, p->config.timing.aggregate_wait);
		break;
	case LACP_MUX_ATTACHED:
		/* Attach_Mux_To_Aggregator */
		actor_sync_set(p, true);
		p->actor.state &= (uint8_t)~(LACP_STATE_COLLECTING | LACP_STATE_DISTRIBUTING);
		p->wait_while = LACP_TIME_NEVER;
		p->ntt = true;
		break;
	case LACP_MUX_COLLECTING:
		p->actor.state |= LACP_STATE_COLLECTING;
		p->actor.state &= (uint8_t)~LACP_STATE_DISTRIBUTING;
		p->ntt = true;
		break;
	case LACP_MUX_DISTRIBUTING:
		p->actor.state |= LACP_STATE_DISTRIBUTING;
		/* Not required by the diagram; the partner learns of it now
		 * rather than at the next periodic PDU. */
		p->ntt = true;
		break;
	case LACP_MUX_COLLECTING_DISTRIBUTING:
		p->actor.state |= LACP_STATE_COLLECTING | LACP_STATE_DISTRIBUTING;
		p->ntt = true;
		break;
	case LACP_MUX_ATTACHED_WTR:
		/* Still attached and in sync (ATTACHED's actions hold): only
		 * collecting waits. */
		break;
	case LACP_MUX_COUNT:
		break;
	}
}

/* The min-links extension: P counts as an attached link of its aggregator
 * (Selected, Mux ATTACHED or beyond, partner in sync, link up). */
static bool min_links_counts(const struct lacp_port *p)
{
	return p->selected == LACP_SELECTED && p->port_enabled &&
	       (p->partner.state & LACP_STATE_SYNC) && mux_attached(p);
}

/* Whether P's aggregator has the links min-links asks for. */
static bool min_links_met(const struct lacp_port *p)
{
	const struct lacp_system *s = p->system;
	unsigned n = 0;

	if (s->min_links <= 1)
		return true;
	for (size_t i = 0; i < s->n_ports && n < s->min_links; i++)
		if (live(s->ports[i]) && s->ports[i]->agg == p->agg &&
		    min_links_counts(s->ports[i]))
			n++;
	return n >= s->min_links;
}

/* Enters state TO of the Mux machine for REASON (status mux_reason). */
void lacp_sm_mux_go(struct lacp_port *p, enum lacp_mux_state to, const char *reason,
		    lacp_time_t now)
{
	p->mux_reason = reason;
	mux_set(p, to, now);
}

static bool mux_step(struct lacp_port *p, lacp_time_t now)
{
	bool selected = p->selected == LACP_SELECTED;
	bool psync = p->partner.state & LACP_STATE_SYNC;
	bool pcoll = p->partner.state & LACP_STATE_COLLECTING;
	const char *why_not = p->selected == LACP_STANDBY ? "standby" : "unselected";
	bool enough = true;

	if (p->system->min_links > 1) {
		/* The other ports of the aggregator count this one. */
		if (min_links_counts(p) != p->min_counted) {
			p->min_counted = !p->min_counted;
			sweep_later(p->system);
		}
		enough = min_links_met(p);
	}
	/* Wait-to-restore is over when its time is (revertive), or when told
	 * (wtr cleared, revertive set after the time). */
	if (p->wtr_hold && (!p->config.wtr ||
			    (p->config.revertive && timer_expired(p->wtr_timer, now)))) {
		p->wtr_hold = false;
		p->wtr_timer = LACP_TIME_NEVER;
	}
	switch (p->mux) {
	case LACP_MUX_DETACHED:
		if (p->selected == LACP_UNSELECTED)
			return false;
		lacp_sm_mux_go(p, LACP_MUX_WAITING, selected ? "selected" : "standby", now);
		return true;
	case LACP_MUX_WAITING:
		if (p->selected == LACP_UNSELECTED)
			lacp_sm_mux_go(p, LACP_MUX_DETACHED, "unselected", now);
		else if (selected && agg_ready(p, now))
			lacp_sm_mux_go(p, LACP_MUX_ATTACHED, "ready", now);
		else
			return false;
		return true;
	case LACP_MUX_ATTACHED:
		if (!selected)
			lacp_sm_mux_go(p, LACP_MUX_DETACHED, why_not, now);
		else if (psync && enough && p->wtr_hold)
			lacp_sm_mux_go(p, LACP_MUX_ATTACHED_WTR, "wtr", now);
		else if (psync && enough)
			lacp_sm_mux_go(p, p->config.independent_control
					  ? LACP_MUX_COLLECTING
					  : LACP_MUX_COLLECTING_DISTRIBUTING, "partner_sync", now);
		else
			return false;
		return true;
	case LACP_MUX_ATTACHED_WTR:
		if (!selected)
			lacp_sm_mux_go(p, LACP_MUX_DETACHED, why_not, now);
		else if (!psync)
			lacp_sm_mux_go(p, LACP_MUX_ATTACHED, "partner_out_of_sync", now);
		else if (!enough)
			lacp_sm_mux_go(p, LACP_MUX_ATTACHED, "min_links", now);
		else if (!p->wtr_hold)
			lacp_sm_mux_go(p, p->config.independent_control
					  ? LACP_MUX_COLLECTING
					  : LACP_MUX_COLLECTING_DISTRIBUTING, "wtr_over", now);
		else
			return false;
		return true;
	case LACP_MUX_COLLECTING:
		if (!selected)
			lacp_sm_mux_go(p, LACP_MUX_ATTACHED, why_not, now);
		else if (!psync)
			lacp_sm_mux_go(p, LACP_MUX_ATTACHED, "partner_out_of_sync", now);
		else if (!enough)
			lacp_sm_mux_go(p, LACP_MUX_ATTACHED, "min_links", now);
		else if (pcoll)
			lacp_sm_mux_go(p, LACP_MUX_DISTRIBUTING, "partner_collecting", now);
		else
			return false;
		return true;
	case LACP_MUX_DISTRIBUTING:
		if (selected && psync && pcoll && enough)
			return false;
		lacp_sm_mux_go(p, LACP_MUX_COLLECTING,
		       !selected ? why_not : !psync ? "partner_out_of_sync"
			       : !pcoll ? "partner_not_collecting" : "min_links", now);
		return true;
	case LACP_MUX_COLLECTING_DISTRIBUTING:
		if (selected && psync && enough)
			return false;
		lacp_sm_mux_go(p, LACP_MUX_ATTACHED,
		       !selected ? why_not : !psync ? "partner_out_of_sync" : "min_links", now);
		return true;
	case LACP_MUX_COUNT:
		break;
	}
	return false;
}

/*
 * 6.4.17 Churn Detection machines: the actor's watches our Sync, the
 * partner's the partner's; otherwise they are one machine, run here for
 * either side. Their states have the same numbers.
 */
enum { CHURN_MONITOR, NO_CHURN, CHURN };
_Static_assert((int)LACP_ACTOR_CHURN_MONITOR == CHURN_MONITOR &&
	       (int)LACP_PARTNER_CHURN_MONITOR == CHURN_MONITOR &&
	       (int)LACP_NO_ACTOR_CHURN == NO_CHURN && (int)LACP_NO_PARTNER_CHURN == NO_CHURN &&
	       (int)LACP_ACTOR_CHURN == CHURN && (int)LACP_PARTNER_CHURN == CHURN,
	       "the two churn machines number their states alike");

/* The variables of one churn machine of a port. */
struct churn {
	enum lacp_machine m; /* LACP_M_ACTOR_CHURN or LACP_M_PARTNER_CHURN */
	int state;
	bool *flag;          /* Actor_Churn / Partner_Churn */
	lacp_time_t *timer, *start;
	uint64_t *count;
	bool sync;           /* the watched side's Synchronization */
};

static struct churn churn_of(struct lacp_port *p, enum lacp_machine m)
{
	bool partner = m == LACP_M_PARTNER_CHURN;

	return (struct churn){
		.m = m,
		.state = partner ? (int)p->partner_churn : (int)p->actor_churn,
		.flag = partner ? &p->partner_churn_flag : &p->actor_churn_flag,
		.timer = partner ? &p->partner_churn_timer : &p->actor_churn_timer,
		.start = partner ? &p->partner_churn_start : &p->actor_churn_start,
		.count = partner ? &p->counters.partner_churn_count : &p->counters.actor_churn_count,
		.sync = ((partner ? p->partner.state : p->actor.state) & LACP_STATE_SYNC) != 0,
	};
}

static void churn_set(struct lacp_port *p, enum lacp_machine m, int to, lacp_time_t now)
{
	struct churn c = churn_of(p, m);
	int from = p->begin ? LACP_STATE_BEGIN : c.state;

	if (m == LACP_M_PARTNER_CHURN)
		p->partner_churn = (enum lacp_partner_churn_state)to;
	else
		p->actor_churn = (enum lacp_actor_churn_state)to;
	note_transition(p, m, from, to, now);
	switch (to) {
	case CHURN_MONITOR:
		*c.flag = false;
		*c.start = now;
		*c.timer = after(now, p->config.timing.churn_detection);
		break;
	case NO_CHURN:
		*c.flag = false;
		*c.timer = LACP_TIME_NEVER;
		break;
	case CHURN:
		*c.flag = true;
		*c.timer = LACP_TIME_NEVER;
		(*c.count)++;
		break;
	}
	if (to == CHURN || from == CHURN)
		simple_event(p, LACP_EV_CHURN, m, from, to, to == CHURN, now);
}

/*
 * The global transition (BEGIN or !port_enabled) holds a churn machine in
 * its MONITOR state with the timer restarted continuously, which is the
 * same as a stopped timer that starts when the port comes up.
 */
static bool churn_step(struct lacp_port *p, enum lacp_machine m, lacp_time_t now)
{
	struct churn c = churn_of(p, m);

	if (!p->port_enabled) {
		bool changed = c.state != CHURN_MONITOR;

		if (changed)
			churn_set(p, m, CHURN_MONITOR, now);
		*c.timer = LACP_TIME_NEVER;
		return changed;
	}
	switch (c.state) {
	case CHURN_MONITOR:
		if (*c.timer == LACP_TIME_NEVER) {
			*c.start = now;
			*c.timer = after(now, p->config.timing.churn_detection);
		}
		if (c.sync)
			churn_set(p, m, NO_CHURN, now);
		else if (timer_expired(*c.timer, now))
			churn_set(p, m, CHURN, now);
		else
			return false;
		return true;
	case NO_CHURN:
		if (c.sync)
			return false;
		churn_set(p, m, CHURN_MONITOR, now);
		return true;
	case CHURN:
		if (!c.sync)
			return false;
		churn_set(p, m, NO_CHURN, now);
		return true;
	}
	return false;
}

/* BEGIN: every machine enters its initial state. */
static void port_begin(struct lacp_port *p, lacp_time_t now)
{
	rx_set(p, LACP_RX_INITIALIZE, now);
	periodic_set(p, LACP_PERIODIC_NO_PERIODIC, now);
	lacp_sm_mux_go(p, LACP_MUX_DETACHED, "begin", now);
	churn_set(p, LACP_M_ACTOR_CHURN, CHURN_MONITOR, now);
	churn_set(p, LACP_M_PARTNER_CHURN, CHURN_MONITOR, now);
	p->begin = false;
}

/* After one transition of P (MOVED): P's rules look at the state as it
 * is now, before the next transition, and may act on it. */
static bool stepped(struct lacp_port *p, bool moved, lacp_time_t now)
{
	if (moved && p->rules)
		lacp_rules_eval(p, now);
	return moved;
}

/* One step of every machine of P, each making at most one transition. A
 * rule's action may free P (live() turns false): the steps stop there. */
static bool port_step(struct lacp_port *p, lacp_time_t now)
{
	bool changed = false;

	if (p->begin) {
		port_begin(p, now);
		changed = stepped(p, true, now);
	}
	if (live(p)) {
		bool pdu = p->rx_pdu_valid;
		bool moved = rx_step(p, now);

		/* The Receive machine took a LACPDU: `received` rises for
		 * the rules, which see it recorded. */
		if (pdu && !p->rx_pdu_valid && p->rules)
			lacp_rules_received(p, true, now);
		changed |= stepped(p, moved, now);
	}
	if (live(p))
		changed |= stepped(p, periodic_step(p, now), now);
	if (live(p))
		changed |= stepped(p, mux_step(p, now), now);
	if (live(p))
		changed |= stepped(p, churn_step(p, LACP_M_ACTOR_CHURN, now), now);
	if (live(p))
		changed |= stepped(p, churn_step(p, LACP_M_PARTNER_CHURN, now), now);
	return changed;
}

/* ---- the run of the machines */

/* Bound on machine passes per settle; reaching it would be a bug. */
#define SETTLE_MAX 256

/* Runs every machine of the dirty ports of S until none moves (all ports
 * once a change others depend on happened). Each port runs at most one
 * queued LACPDU per settle, so each PDU sees the result of the previous. */
void lacp_sm_settle(struct lacp_system *s, lacp_time_t now)
{
	sweep_now(s, NULL, 0);
	lacp_sm_dirty_sort(s);
	for (size_t i = 0; i < s->n_dirty; i++) {
		struct lacp_port *p = s->dirty[i];
		struct lacp_rx_entry *e = p->rx_head;

		if (!live(p) || p->rx_pdu_valid || !e)
			continue;
		p->rx_head = e->next;
		if (!p->rx_head)
			p->rx_tail = NULL;
		p->rx_pdu = e->pdu;
		p->rx_pdu_valid = true;
		free(e);
	}
	/* What the inputs changed (management, time, an arriving LACPDU) is
	 * seen by the rules before any machine moves. */
	for (size_t i = 0; i < s->n_dirty; i++)
		if (live(s->dirty[i]) && s->dirty[i]->rules)
			lacp_rules_eval(s->dirty[i], now);
	for (int pass = 0; pass < SETTLE_MAX; pass++) {
		bool changed = lacp_sm_selection(s, now);

		/* Selected changed: the rules of those ports look now. */
		for (size_t i = 0; changed && i < s->n_dirty; i++)
			if (live(s->dirty[i]) && s->dirty[i]->rules)
				lacp_rules_eval(s->dirty[i], now);
		for (size_t i = 0; i < s->n_dirty;) {
			struct lacp_port *p = s->dirty[i++];

			if (live(p))
				changed |= port_step(p, now);
			/* The rest of the pass runs every port after P. */
			i = sweep_now(s, p, i);
		}
		if (!changed && !s->sweep)
			break;
	}
	/* A LACPDU the Receive machine had no use for (port disabled). */
	for (size_t i = 0; i < s->n_dirty; i++)
		s->dirty[i]->rx_pdu_valid = false;
	/* The run of the LACPDU is over: `received` falls. */
	for (size_t i = 0; i < s->n_dirty; i++)
		if (live(s->dirty[i]) && s->dirty[i]->rules_received)
			lacp_rules_received(s->dirty[i], false, now);
}

/* ---- Transmit machine (6.4.16) */

static unsigned tx_limit(const struct lacp_port *p)
{
	unsigned limit = p->config.timing.tx_limit;

	if (p->config.tx_limit_bypass || p->tx_bypass || limit == 0)
		return 0;
	return limit > LACP_TX_LIMIT_MAX ? LACP_TX_LIMIT_MAX : limit;
}

/* When the next LACPDU may leave: just after one fast_periodic interval
 * from the tx_limit-th most recent one. 6.4.16 allows no more than
 * tx_limit "in any Fast_Periodic_Time interval"; leaving one microsecond
 * later than oldest + fast_periodic keeps every window, closed at both
 * ends, within the limit, and is the first moment that does. */
static lacp_time_t tx_allowed_at(const struct lacp_port *p)
{
	unsigned limit = tx_limit(p);

	if (!limit || p->tx_count < limit)
		return INT64_MIN;
	return after(p->tx_times[(p->tx_head + LACP_TX_LIMIT_MAX - limit) % LACP_TX_LIMIT_MAX],
		     p->config.timing.fast_periodic + LACP_US(1));
}

static void tx_record(struct lacp_port *p, lacp_time_t now)
{
	p->tx_times[p->tx_head] = now;
	p->tx_head = (p->tx_head + 1) % LACP_TX_LIMIT_MAX;
	if (p->tx_count < LACP_TX_LIMIT_MAX)
		p->tx_count++;
}

/* Hands PDU to the host and reports it. */
static void send_pdu(struct lacp_port *p, const uint8_t *pdu, size_t len, lacp_time_t now)
{
	struct lacp_event ev = { .type = LACP_EV_TX, .time = now };

	if (len >= 1 && pdu[0] == LACP_SUBTYPE_LACP) {
		p->counters.lacpdus_tx++;
		lacp_measure_tx(p, pdu, len, now);
	} else if (len >= 3 && pdu[0] == LACP_SUBTYPE_MARKER &&
		 pdu[2] == LACP_TLV_MARKER_RESPONSE)
		p->counters.marker_responses_tx++;
	else if (len >= 3 && pdu[0] == LACP_SUBTYPE_MARKER)
		p->counters.markers_tx++;
	if (p->ops.transmit)
		p->ops.transmit(p->ctx, p, pdu, len, now);
	lacp_sm_queue_event(p, &ev, NULL, pdu, len);
}

static bool may_transmit_lacpdu(const struct lacp_port *p)
{
	return p->port_enabled && p->config.lacp_enabled && p->tx_enabled &&
	       ((p->actor.state & LACP_STATE_ACTIVITY) ||
		(p->partner.state & LACP_STATE_ACTIVITY));
}

void lacp_sm_transmit(struct lacp_port *p, lacp_time_t now)
{
	struct lacp_rx_entry *e;

	while ((e = p->out_head)) {
		p->out_head = e->next;
		if (!p->out_head)
			p->out_tail = NULL;
		if (p->tx_enabled)
			send_pdu(p, e->data, e->len, now);
		free(e);
	}
	p->tx_retry = LACP_TIME_NEVER;
	if (!p->ntt || !may_transmit_lacpdu(p)) {
		p->pinned = false; /* no LACPDU will carry it */
		return;
	}
	lacp_time_t at = tx_allowed_at(p);

	if (at > now) {
		/* Held back; it leaves as soon as the window allows. */
		if (!p->tx_blocked)
			p->counters.tx_suppressed++;
		p->tx_blocked = true;
		p->tx_retry = at;
		return;
	}
	struct lacp_lacpdu pdu;
	uint8_t buf[LACP_PDU_LEN];

	lacp_port_build_lacpdu(p, &pdu);
	lacp_lacpdu_encode(&pdu, buf);
	p->ntt = false;
	p->tx_blocked = false;
	p->pinned = false;
	tx_record(p, now);
	send_pdu(p, buf, sizeof(buf), now);
}

/*
 * A rule's exit waits for the LACPDU carrying its change: it is due once
 * nothing is left to send (stop-tx or a disabled port send nothing, so
 * they do not hold it); a LACPDU held by the transmit limit keeps it
 * waiting until tx_retry.
 */
void lacp_sm_exit_check(struct lacp_port *p, lacp_time_t now)
{
	if (!p->exit_pending)
		return;
	if (p->ntt && may_transmit_lacpdu(p) && p->tx_retry != LACP_TIME_NEVER)
		return;
	p->exit_pending = false;
	simple_event(p, LACP_EV_EXIT, 0, 0, p->exit_code, false, now);
}
