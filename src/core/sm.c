/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The 802.1AX-2014 clause 6.4 machines of every port of an emulated system,
 * its Selection Logic and aggregators, and the dispatch that runs them:
 * settle every machine of the system, transmit what is pending, then hand
 * the collected events to the host. Machine timers are absolute deadlines
 * evaluated against the time the host passes in; each port keeps one timer
 * in the system's queue armed for its earliest future deadline.
 */
#include "sm.h"
#include "measure.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ruleset.h"
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

/* ---- configuration */

struct lacp_timing lacp_timing_default(void)
{
	/* 802.1AX-2014 6.4.4 constants, 6.4.16 transmit limit. */
	struct lacp_timing t = {
		.fast_periodic = LACP_SEC(1),
		.slow_periodic = LACP_SEC(30),
		.short_timeout = LACP_SEC(3),
		.long_timeout = LACP_SEC(90),
		.aggregate_wait = LACP_SEC(2),
		.churn_detection = LACP_SEC(60),
		.tx_limit = 3,
	};
	return t;
}

void lacp_port_config_default(struct lacp_port_config *c)
{
	memset(c, 0, sizeof(*c));
	c->active = true;
	c->short_timeout = true;
	c->aggregatable = true;
	c->lacp_enabled = true;
	c->key = 1;
	c->port_number = 1;
	c->port_priority = 32768;
	c->timing = lacp_timing_default();
	c->measure = true;
	c->fallback_timeout = LACP_SEC(90);
	c->revertive = true;
	/* partner_admin stays all zero: see sm.h. */
}

/* ---- private structures */

/* A queued frame: a received LACPDU not yet run (PDU), or a raw PDU to send
 * (DATA, LEN). */
struct lacp_rx_entry {
	struct lacp_rx_entry *next;
	struct lacp_lacpdu pdu;
	size_t len;
	uint8_t data[];
};

/* A collected event with private copies of what it points to. */
struct lacp_ev_entry {
	struct lacp_ev_entry *next;
	struct lacp_port *port;
	struct lacp_event ev;
	struct lacp_decoded *decoded;
	uint8_t *data;
};

/* Bound on machine passes per settle; reaching it would be a bug. */
#define SETTLE_MAX 256

/* ---- small helpers */

static bool timer_expired(lacp_time_t deadline, lacp_time_t now)
{
	return deadline != LACP_TIME_NEVER && deadline <= now;
}

static lacp_time_t after(lacp_time_t now, lacp_time_t d)
{
	return d >= LACP_TIME_NEVER - now ? LACP_TIME_NEVER : now + d;
}

static void set_bit(uint8_t *state, uint8_t bit, bool on)
{
	if (on)
		*state |= bit;
	else
		*state &= (uint8_t)~bit;
}

/* The system, port and key part of two informations are the same. */
static bool same_ids(const struct lacp_info *a, const struct lacp_info *b)
{
	return a->port == b->port && a->port_priority == b->port_priority &&
	       memcmp(a->system, b->system, 6) == 0 &&
	       a->system_priority == b->system_priority && a->key == b->key;
}

static bool live(const struct lacp_port *p)
{
	return !p->zombie;
}

/* ---- the dirty list: the ports the running (or next) dispatch runs */

/* Puts P in its system's dirty list. Every input to P does, before it
 * dispatches. */
static void mark(struct lacp_port *p)
{
	struct lacp_system *s = p->system;

	if (p->dirty)
		return;
	p->dirty = true;
	if (s->n_dirty && s->dirty[s->n_dirty - 1]->index > p->index)
		s->dirty_unsorted = true;
	s->dirty[s->n_dirty++] = p;
}

/* Every port of S in the dirty list, in creation order. */
static void mark_all(struct lacp_system *s)
{
	for (size_t i = 0; i < s->n_ports; i++) {
		s->ports[i]->dirty = true;
		s->dirty[i] = s->ports[i];
	}
	s->n_dirty = s->n_ports;
	s->dirty_unsorted = false;
	s->sweep = false;
}

/* A change other ports of the system may depend on: the next step of the
 * dispatch runs them all (see sweep_now). */
static void sweep_later(struct lacp_system *s)
{
	s->sweep = true;
}

/*
 * When a sweep is pending, marks every port and returns the position in
 * the dirty list of the port after AFTER (or 0 for NULL): a loop over the
 * dirty list goes on in creation order as if it had run over every port.
 * Otherwise returns I unchanged.
 */
static size_t sweep_now(struct lacp_system *s, const struct lacp_port *after, size_t i)
{
	if (!s->sweep)
		return i;
	mark_all(s);
	return after ? after->index + 1 : 0;
}

static int by_index(const void *a, const void *b)
{
	const struct lacp_port *p = *(struct lacp_port *const *)a;
	const struct lacp_port *q = *(struct lacp_port *const *)b;

	return p->index < q->index ? -1 : p->index > q->index;
}

/* The dirty list in creation order: ports run in the order they always do. */
static void dirty_sort(struct lacp_system *s)
{
	if (!s->dirty_unsorted)
		return;
	qsort(s->dirty, s->n_dirty, sizeof(s->dirty[0]), by_index);
	s->dirty_unsorted = false;
}

/* ---- events */

/* Queues EV for P; DECODED and DATA are copied. Out of memory drops the
 * event: the machines do not depend on it. */
static void queue_event(struct lacp_port *p, const struct lacp_event *ev,
			const struct lacp_decoded *decoded, const uint8_t *data, size_t len)
{
	struct lacp_system *s = p->system;
	struct lacp_ev_entry *e;

	if (!p->ops.event || p->zombie)
		return;
	e = calloc(1, sizeof(*e));
	if (!e)
		return;
	e->port = p;
	e->ev = *ev;
	e->ev.old_actor_state = e->ev.new_actor_state = p->actor.state;
	e->ev.old_partner_state = e->ev.new_partner_state = p->partner.state;
	if (ev->type == LACP_EV_OPER || ev->type == LACP_EV_RULE) {
		/* before the change, or before the rule's actions */
		e->ev.old_actor_state = ev->old_actor_state;
		e->ev.old_partner_state = ev->old_partner_state;
	}
	if (data && len) {
		e->data = malloc(len);
		if (!e->data) {
			free(e);
			return;
		}
		memcpy(e->data, data, len);
		e->ev.pdu = e->data;
		e->ev.len = len;
	} else {
		e->ev.pdu = NULL;
		e->ev.len = 0;
	}
	e->ev.decoded = NULL;
	if (decoded) {
		e->decoded = malloc(sizeof(*decoded));
		if (e->decoded) {
			*e->decoded = *decoded;
			/* TLV values pointed into the caller's buffer. */
			for (unsigned i = 0; i < decoded->n_tlvs && i < LACP_MAX_TLVS; i++) {
				const struct lacp_tlv *t = &decoded->tlvs[i];

				bool inside = t->value && e->data && data &&
					      t->value >= data &&
					      t->value + t->value_len <= data + len;

				e->decoded->tlvs[i].value =
					inside ? e->data + (t->value - data) : NULL;
				if (!inside)
					e->decoded->tlvs[i].value_len = 0;
			}
			e->ev.decoded = e->decoded;
		}
	}
	if (s->ev_tail)
		s->ev_tail->next = e;
	else
		s->ev_head = e;
	s->ev_tail = e;
}

static void note_transition(struct lacp_port *p, enum lacp_machine m, int from, int to,
			    lacp_time_t now)
{
	struct lacp_event ev = {
		.type = LACP_EV_TRANSITION, .time = now, .machine = m,
		.from = from, .to = to,
	};

	p->entered[m][to]++;
	queue_event(p, &ev, NULL, NULL, 0);
}

static void simple_event(struct lacp_port *p, enum lacp_event_type type,
			 enum lacp_machine m, int from, int to, bool on, lacp_time_t now)
{
	struct lacp_event ev = {
		.type = type, .time = now, .machine = m, .from = from, .to = to, .on = on,
	};

	queue_event(p, &ev, NULL, NULL, 0);
}

/* Hands every collected event to its port's callback, in order. Callbacks
 * may add events (nested inputs); they are delivered by this same loop. */
static void flush_events(struct lacp_system *s)
{
	struct lacp_ev_entry *e;

	while ((e = s->ev_head)) {
		s->ev_head = e->next;
		if (!s->ev_head)
			s->ev_tail = NULL;
		if (!e->port->zombie && e->port->ops.event)
			e->port->ops.event(e->port->ctx, e->port, &e->ev);
		free(e->decoded);
		free(e->data);
		free(e);
	}
}

/* ---- aggregators (6.4.14) */

static struct lacp_aggregator *agg_find_id(const struct lacp_system *s, uint16_t id)
{
	for (size_t i = 0; i < s->n_aggs; i++)
		if (s->aggs[i]->id == id)
			return s->aggs[i];
	return NULL;
}

const struct lacp_aggregator *lacp_system_aggregator(const struct lacp_system *s,
						     uint16_t id)
{
	return id ? agg_find_id(s, id) : NULL;
}

/* One more aggregator for S, with the next id (7.3.1: aAggID): a system
 * has as many as it ever had ports, each with its id for the system's
 * life. -ENOMEM, or -ERANGE past 65535. */
static int agg_add(struct lacp_system *s)
{
	struct lacp_aggregator *a;

	if (s->n_aggs >= 65535)
		return -ERANGE;
	if (s->n_aggs == s->cap_aggs) {
		size_t cap = s->cap_aggs ? s->cap_aggs * 2 : 8;
		struct lacp_aggregator **v = realloc(s->aggs, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		s->aggs = v;
		s->cap_aggs = cap;
	}
	a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->id = (uint16_t)(s->n_aggs + 1);
	s->aggs[s->n_aggs++] = a;
	return 0;
}

/* Is P Individual for the Selection Logic: its own or its partner's
 * Aggregation bit is clear, or it is looped back to its own system. */
static bool port_individual(const struct lacp_port *p)
{
	return !(p->actor.state & LACP_STATE_AGGREGATION) ||
	       !(p->partner.state & LACP_STATE_AGGREGATION) || p->loopback;
}

/* Fills the LAG ID of P (6.3.6): system priority, system and key of both
 * sides, and the port identifiers when P is Individual. */
static void port_lag_id(const struct lacp_port *p, struct lacp_info *actor,
			struct lacp_info *partner, bool *individual)
{
	memset(actor, 0, sizeof(*actor));
	memset(partner, 0, sizeof(*partner));
	actor->system_priority = p->system->priority;
	memcpy(actor->system, p->system->id, 6);
	actor->key = p->actor.key;
	partner->system_priority = p->partner.system_priority;
	memcpy(partner->system, p->partner.system, 6);
	partner->key = p->partner.key;
	*individual = port_individual(p);
	if (*individual) {
		actor->port = p->actor.port;
		actor->port_priority = p->actor.port_priority;
		partner->port = p->partner.port;
		partner->port_priority = p->partner.port_priority;
	}
}

static void agg_join(struct lacp_port *p, struct lacp_aggregator *a, lacp_time_t now)
{
	struct lacp_event ev = {
		.type = LACP_EV_AGGREGATOR, .time = now,
		.old_aggregator = p->aggregator, .new_aggregator = a->id,
	};

	sweep_later(p->system);
	p->system->rank_gen++;
	p->agg = a;
	p->aggregator = a->id;
	a->n_ports++;
	if (p->selected == LACP_SELECTED)
		a->n_selected++;
	queue_event(p, &ev, NULL, NULL, 0);
}

static void agg_leave(struct lacp_port *p, lacp_time_t now)
{
	struct lacp_system *s = p->system;
	struct lacp_aggregator *a = p->agg;
	struct lacp_event ev = {
		.type = LACP_EV_AGGREGATOR, .time = now,
		.old_aggregator = p->aggregator, .new_aggregator = 0,
	};

	if (!a)
		return;
	sweep_later(s);
	s->rank_gen++;
	a->n_ports--;
	if (p->selected == LACP_SELECTED)
		a->n_selected--;
	p->agg = NULL;
	p->aggregator = 0;
	queue_event(p, &ev, NULL, NULL, 0);
	if (a->n_ports)
		return;
	/* Free again: the next port that selects it gives it its LAG ID. */
	a->individual = false;
	memset(&a->actor, 0, sizeof(a->actor));
	memset(&a->partner, 0, sizeof(a->partner));
}

/* The aggregator P must use (6.4.14.1): the one carrying P's LAG ID when
 * P may share, else the free one with the lowest id, which takes P's LAG
 * ID. NULL when none is free (P then stays UNSELECTED). */
static struct lacp_aggregator *agg_choose(struct lacp_port *p)
{
	struct lacp_system *s = p->system;
	struct lacp_info actor, partner;
	struct lacp_aggregator *a, *free_agg = NULL;
	bool individual;

	port_lag_id(p, &actor, &partner, &individual);
	for (size_t i = 0; i < s->n_aggs; i++) {
		a = s->aggs[i];
		if (s->agg_limit && a->id > s->agg_limit)
			break; /* aggs[] is in id order */
		if (!a->n_ports) {
			if (!free_agg)
				free_agg = a;
			continue;
		}
		if (!individual && !a->individual && same_ids(&a->actor, &actor) &&
		    same_ids(&a->partner, &partner))
			return a;
	}
	if (!free_agg)
		return NULL;
	free_agg->individual = individual;
	free_agg->actor = actor;
	free_agg->partner = partner;
	return free_agg;
}

/* ---- per-machine set_state: count the entry, note the event, run the
 * entry actions */

static void sel_set(struct lacp_port *p, enum lacp_selected to, lacp_time_t now)
{
	int from = p->begin ? LACP_STATE_BEGIN : (int)p->selected;

	if (from == (int)to)
		return; /* Selected is a variable: writing its value is no entry */
	if (p->agg) {
		if (p->selected == LACP_SELECTED && !p->begin)
			p->agg->n_selected--;
		if (to == LACP_SELECTED)
			p->agg->n_selected++;
	}
	p->selected = to;
	p->system->rank_gen++;
	/* Ready and the STANDBY places of the others depend on it. */
	if (from != LACP_STATE_BEGIN)
		sweep_later(p->system);
	note_transition(p, LACP_M_SELECTION, from, to, now);
}

/* A partner state write, counting Synchronization FALSE -> TRUE. */
static void partner_state_set(struct lacp_port *p, uint8_t state)
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
static struct lacp_info default_partner(const struct lacp_port *p)
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
static void record_default(struct lacp_port *p, lacp_time_t now)
{
	uint8_t before = p->partner.state;
	struct lacp_info admin = default_partner(p);

	p->partner = admin;
	p->partner.state = before; /* so the Synchronization count sees the change */
	partner_state_set(p, admin.state);
	p->actor.state |= LACP_STATE_DEFAULTED;
	loopback_set(p, false, now);
}

/* update_Selected / update_Default_Selected (6.4.9): a partner whose LAG
 * relevant identity differs from what is recorded means reselection. */
static void update_selected(struct lacp_port *p, const struct lacp_info *info,
			    lacp_time_t now)
{
	if (same_ids(info, &p->partner) &&
	    ((info->state ^ p->partner.state) & LACP_STATE_AGGREGATION) == 0)
		return;
	p->counters.partner_change_count++;
	sel_set(p, LACP_UNSELECTED, now);
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
	partner_state_set(p, state);
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
static void fallback_set(struct lacp_port *p, bool on, lacp_time_t now)
{
	struct lacp_info next;

	p->fallback = on;
	next = default_partner(p);
	update_selected(p, &next, now);
	record_default(p, now);
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
		sel_set(p, LACP_UNSELECTED, now);
		p->fallback = false;
		p->fallback_timer = LACP_TIME_NEVER;
		record_default(p, now);
		p->actor.state &= (uint8_t)~LACP_STATE_EXPIRED;
		p->port_moved = false;
		p->current_while = LACP_TIME_NEVER;
		break;
	case LACP_RX_PORT_DISABLED:
		partner_state_set(p, p->partner.state & (uint8_t)~LACP_STATE_SYNC);
		p->current_while = LACP_TIME_NEVER; /* nothing waits on it here */
		p->fallback = false; /* the link is gone: so is the fallback partner */
		p->fallback_timer = LACP_TIME_NEVER;
		break;
	case LACP_RX_EXPIRED:
		partner_state_set(p, (p->partner.state & (uint8_t)~LACP_STATE_SYNC) |
					     LACP_STATE_TIMEOUT);
		current_while_start(p, false, now);
		p->actor.state |= LACP_STATE_EXPIRED;
		if (from == LACP_RX_PORT_DISABLED)
			fallback_arm(p, now); /* the link is up: silence counts */
		if (from == LACP_RX_CURRENT)
			simple_event(p, LACP_EV_EXPIRED, LACP_M_RX, from, to, true, now);
		break;
	case LACP_RX_LACP_DISABLED:
		sel_set(p, LACP_UNSELECTED, now);
		p->fallback = false;
		p->fallback_timer = LACP_TIME_NEVER;
		record_default(p, now);
		partner_state_set(p, p->partner.state & (uint8_t)~LACP_STATE_AGGREGATION);
		p->actor.state &= (uint8_t)~LACP_STATE_EXPIRED;
		p->current_while = LACP_TIME_NEVER;
		break;
	case LACP_RX_DEFAULTED: {
		struct lacp_info admin;

		if (fallback_due(p, now))
			p->fallback = true;
		admin = default_partner(p);
		update_selected(p, &admin, now);
		record_default(p, now);
		p->actor.state &= (uint8_t)~LACP_STATE_EXPIRED;
		p->current_while = LACP_TIME_NEVER;
		simple_event(p, LACP_EV_EXPIRED, LACP_M_RX, from, to, true, now);
		break;
	}
	case LACP_RX_CURRENT:
		p->fallback = false; /* the first LACPDU ends it */
		fallback_arm(p, now);
		update_selected(p, &p->rx_pdu.actor, now);
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
			fallback_set(p, true, now);
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

/* A port attached to its aggregator (Mux ATTACHED or beyond). */
static bool mux_attached(const struct lacp_port *p)
{
	return p->mux == LACP_MUX_ATTACHED || p->mux == LACP_MUX_COLLECTING ||
	       p->mux == LACP_MUX_DISTRIBUTING || p->mux == LACP_MUX_COLLECTING_DISTRIBUTING ||
	       p->mux == LACP_MUX_ATTACHED_WTR;
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
static void mux_go(struct lacp_port *p, enum lacp_mux_state to, const char *reason,
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
		mux_go(p, LACP_MUX_WAITING, selected ? "selected" : "standby", now);
		return true;
	case LACP_MUX_WAITING:
		if (p->selected == LACP_UNSELECTED)
			mux_go(p, LACP_MUX_DETACHED, "unselected", now);
		else if (selected && agg_ready(p, now))
			mux_go(p, LACP_MUX_ATTACHED, "ready", now);
		else
			return false;
		return true;
	case LACP_MUX_ATTACHED:
		if (!selected)
			mux_go(p, LACP_MUX_DETACHED, why_not, now);
		else if (psync && enough && p->wtr_hold)
			mux_go(p, LACP_MUX_ATTACHED_WTR, "wtr", now);
		else if (psync && enough)
			mux_go(p, p->config.independent_control
					  ? LACP_MUX_COLLECTING
					  : LACP_MUX_COLLECTING_DISTRIBUTING, "partner_sync", now);
		else
			return false;
		return true;
	case LACP_MUX_ATTACHED_WTR:
		if (!selected)
			mux_go(p, LACP_MUX_DETACHED, why_not, now);
		else if (!psync)
			mux_go(p, LACP_MUX_ATTACHED, "partner_out_of_sync", now);
		else if (!enough)
			mux_go(p, LACP_MUX_ATTACHED, "min_links", now);
		else if (!p->wtr_hold)
			mux_go(p, p->config.independent_control
					  ? LACP_MUX_COLLECTING
					  : LACP_MUX_COLLECTING_DISTRIBUTING, "wtr_over", now);
		else
			return false;
		return true;
	case LACP_MUX_COLLECTING:
		if (!selected)
			mux_go(p, LACP_MUX_ATTACHED, why_not, now);
		else if (!psync)
			mux_go(p, LACP_MUX_ATTACHED, "partner_out_of_sync", now);
		else if (!enough)
			mux_go(p, LACP_MUX_ATTACHED, "min_links", now);
		else if (pcoll)
			mux_go(p, LACP_MUX_DISTRIBUTING, "partner_collecting", now);
		else
			return false;
		return true;
	case LACP_MUX_DISTRIBUTING:
		if (selected && psync && pcoll && enough)
			return false;
		mux_go(p, LACP_MUX_COLLECTING,
		       !selected ? why_not : !psync ? "partner_out_of_sync"
			       : !pcoll ? "partner_not_collecting" : "min_links", now);
		return true;
	case LACP_MUX_COLLECTING_DISTRIBUTING:
		if (selected && psync && enough)
			return false;
		mux_go(p, LACP_MUX_ATTACHED,
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
	mux_go(p, LACP_MUX_DETACHED, "begin", now);
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

/* Ports that may be selected: up, and knowing who the partner is (from
 * LACPDUs, or the administrative defaults). A port still waiting for its
 * first LACPDU (EXPIRED) keeps whatever selection it had. */
static bool may_select(const struct lacp_port *p)
{
	return p->port_enabled && (p->rx == LACP_RX_CURRENT || p->rx == LACP_RX_DEFAULTED ||
				   p->rx == LACP_RX_LACP_DISABLED);
}

/* 6.7.1: the system with the better System ID (priority, then MAC; lower
 * is better) decides which ports of aggregator A are active. */
static bool actor_decides(const struct lacp_aggregator *a)
{
	if (a->actor.system_priority != a->partner.system_priority)
		return a->actor.system_priority < a->partner.system_priority;
	return memcmp(a->actor.system, a->partner.system, 6) <= 0;
}

/* The order of the standby ranking: ports whose link is up first, then by
 * the deciding system's Port Identifier (priority, then number), then in
 * creation order. */
static bool rank_by_actor;

static int by_rank(const void *x, const void *y)
{
	const struct lacp_port *p = *(struct lacp_port *const *)x;
	const struct lacp_port *q = *(struct lacp_port *const *)y;
	const struct lacp_info *pi = rank_by_actor ? &p->actor : &p->partner;
	const struct lacp_info *qi = rank_by_actor ? &q->actor : &q->partner;

	if (p->port_enabled != q->port_enabled)
		return p->port_enabled ? -1 : 1;
	if (pi->port_priority != qi->port_priority)
		return pi->port_priority < qi->port_priority ? -1 : 1;
	if (pi->port != qi->port)
		return pi->port < qi->port ? -1 : 1;
	return p->index < q->index ? -1 : p->index > q->index;
}

/* Without preemption, P keeps its place: attached, link up, and among the
 * first max_ports such (KEPT of them ranked before it). */
static bool keeps(const struct lacp_system *s, const struct lacp_port *p, unsigned kept)
{
	return !s->preempt && kept < s->max_ports && p->selected == LACP_SELECTED &&
	       p->port_enabled && mux_attached(p);
}

/*
 * Which ports of aggregator A are SELECTED and which STANDBY under the
 * system's max_ports (6.7.1). Without preemption the ports already
 * attached (link up) keep their places, the best first; the places left
 * go to the others in rank order. With preemption the best max_ports are
 * SELECTED. The result depends only on the ports' state, so running it
 * again changes nothing.
 */
static bool agg_standby(struct lacp_system *s, struct lacp_aggregator *a, lacp_time_t now)
{
	struct lacp_port **v = s->scratch;
	unsigned max = s->max_ports, kept = 0, places;
	size_t n = 0;
	bool changed = false;

	for (size_t i = 0; i < s->n_ports; i++) {
		struct lacp_port *p = s->ports[i];

		if (live(p) && p->agg == a && p->selected != LACP_UNSELECTED)
			v[n++] = p;
	}
	rank_by_actor = actor_decides(a);
	qsort(v, n, sizeof(v[0]), by_rank);
	for (size_t i = 0; i < n; i++)
		kept += keeps(s, v[i], kept);
	places = max - kept;
	kept = 0;
	for (size_t i = 0; i < n; i++) {
		enum lacp_selected to = LACP_STANDBY;

		if (keeps(s, v[i], kept)) {
			to = LACP_SELECTED;
			kept++;
		} else if (places) {
			to = LACP_SELECTED;
			places--;
		}
		if (v[i]->selected != to) {
			sel_set(v[i], to, now);
			changed = true;
		}
	}
	return changed;
}

/*
 * 6.4.14 Selection Logic: an UNSELECTED port leaves its aggregator once its
 * Mux has detached it, then selects the aggregator of its LAG ID, or the
 * free one with the lowest id when none carries it or when it is
 * Individual or looped back. With a per-aggregator maximum, the ports
 * beyond it are STANDBY (agg_standby).
 */
static bool selection(struct lacp_system *s, lacp_time_t now)
{
	bool changed = false;

	/* Only a port that has just been unselected and detached (so is in
	 * the dirty list) selects. */
	for (size_t i = 0; i < s->n_dirty; i++) {
		struct lacp_port *p = s->dirty[i];

		if (!live(p) || p->selected != LACP_UNSELECTED || p->mux != LACP_MUX_DETACHED)
			continue;
		if (p->agg) {
			agg_leave(p, now);
			changed = true;
		}
		if (may_select(p)) {
			struct lacp_aggregator *a = agg_choose(p);

			if (!a)
				continue;
			agg_join(p, a, now);
			sel_set(p, s->max_ports && a->n_selected >= s->max_ports
					   ? LACP_STANDBY : LACP_SELECTED, now);
			changed = true;
		}
	}
	/* Places freed or taken: every port (sweep) looks again. */
	sweep_now(s, NULL, 0);
	for (size_t i = 0; i < s->n_dirty; i++) {
		struct lacp_port *p = s->dirty[i];

		if (!live(p) || !p->agg)
			continue;
		if (!s->max_ports) {
			if (p->selected == LACP_STANDBY) {
				sel_set(p, LACP_SELECTED, now);
				changed = true;
			}
		} else if (!p->agg->visited && p->agg->rank_gen != s->rank_gen) {
			bool moved = agg_standby(s, p->agg, now);

			p->agg->visited = true;
			/* Its own changes bumped rank_gen: one more look then. */
			p->agg->rank_gen = moved ? s->rank_gen - 1 : s->rank_gen;
			changed |= moved;
		}
	}
	if (s->max_ports)
		for (size_t i = 0; i < s->n_dirty; i++)
			if (s->dirty[i]->agg)
				s->dirty[i]->agg->visited = false;
	return changed;
}

/* Runs every machine of the dirty ports of S until none moves (all ports
 * once a change others depend on happened). Each port runs at most one
 * queued LACPDU per settle, so each PDU sees the result of the previous. */
static void settle(struct lacp_system *s, lacp_time_t now)
{
	sweep_now(s, NULL, 0);
	dirty_sort(s);
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
		bool changed = selection(s, now);

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
	queue_event(p, &ev, NULL, pdu, len);
}

static bool may_transmit_lacpdu(const struct lacp_port *p)
{
	return p->port_enabled && p->config.lacp_enabled && p->tx_enabled &&
	       ((p->actor.state & LACP_STATE_ACTIVITY) ||
		(p->partner.state & LACP_STATE_ACTIVITY));
}

static void transmit(struct lacp_port *p, lacp_time_t now)
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
	if (!p->ntt || !may_transmit_lacpdu(p))
		return;
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
	tx_record(p, now);
	send_pdu(p, buf, sizeof(buf), now);
}

/*
 * A rule's exit waits for the LACPDU carrying its change: it is due once
 * nothing is left to send (stop-tx or a disabled port send nothing, so
 * they do not hold it); a LACPDU held by the transmit limit keeps it
 * waiting until tx_retry.
 */
static void exit_check(struct lacp_port *p, lacp_time_t now)
{
	if (!p->exit_pending)
		return;
	if (p->ntt && may_transmit_lacpdu(p) && p->tx_retry != LACP_TIME_NEVER)
		return;
	p->exit_pending = false;
	simple_event(p, LACP_EV_EXIT, 0, 0, p->exit_code, false, now);
}

void lacp_port_note_rule(struct lacp_port *p, const struct lacp_rule *r, uint8_t actor,
			 uint8_t partner, lacp_time_t now)
{
	struct lacp_event ev = {
		.type = LACP_EV_RULE, .time = now, .on = r->stopped, .rule = r->id,
		.fired = r->fired, .old_actor_state = actor, .old_partner_state = partner,
	};

	queue_event(p, &ev, NULL, NULL, 0);
}

/* ---- dispatch */

static void port_timer_fire(struct lacp_timer *t, lacp_time_t now)
{
	lacp_port_run(LACP_CONTAINER_OF(t, struct lacp_port, timer), now);
}

/* Arms P's timer for its earliest deadline still ahead of NOW. */
static void port_rearm(struct lacp_port *p, lacp_time_t now)
{
	lacp_time_t rule = p->rules ? lacp_rules_next(p, now) : LACP_TIME_NEVER;
	const lacp_time_t d[] = {
		p->current_while, p->periodic_timer, p->wait_while,
		p->actor_churn_timer, p->partner_churn_timer, p->tx_retry, rule,
		p->fallback_timer, p->wtr_timer,
	};
	lacp_time_t next = LACP_TIME_NEVER;
	bool urgent;

	for (size_t i = 0; i < sizeof(d) / sizeof(d[0]); i++)
		if (d[i] > now && d[i] < next)
			next = d[i];
	/* A LACPDU held by the limit leaves the first moment the window
	 * allows, and a rule's `after` fires when it says: neither waits for
	 * a host's next batching point. */
	urgent = next != LACP_TIME_NEVER && (next == p->tx_retry || next == rule);
	if (p->timer.urgent != urgent) {
		/* The queue counts urgent timers as they are armed. */
		lacp_timerq_cancel(p->system->q, &p->timer);
		p->timer.urgent = urgent;
	}
	if (next == LACP_TIME_NEVER)
		lacp_timerq_cancel(p->system->q, &p->timer);
	else if (!lacp_timer_armed(&p->timer) || p->timer.due != next)
		lacp_timerq_arm(p->system->q, &p->timer, next);
}

static void report_oper(struct lacp_port *p, lacp_time_t now)
{
	struct lacp_event ev = { .type = LACP_EV_OPER, .time = now };

	if (p->actor.state == p->reported_actor_state &&
	    p->partner.state == p->reported_partner_state)
		return;
	ev.old_actor_state = p->reported_actor_state;
	ev.old_partner_state = p->reported_partner_state;
	p->reported_actor_state = p->actor.state;
	p->reported_partner_state = p->partner.state;
	queue_event(p, &ev, NULL, NULL, 0);
}

static void free_queue(struct lacp_rx_entry **head, struct lacp_rx_entry **tail)
{
	while (*head) {
		struct lacp_rx_entry *e = *head;

		*head = e->next;
		free(e);
	}
	*tail = NULL;
}

static void port_destroy(struct lacp_port *p)
{
	lacp_timerq_cancel(p->system->q, &p->timer);
	lacp_rules_free_all(p);
	free_queue(&p->rx_head, &p->rx_tail);
	free_queue(&p->out_head, &p->out_tail);
	lacp_measure_free(p->measure);
	free(p);
}

static void reap(struct lacp_system *s)
{
	size_t j = 0;

	for (size_t i = 0; i < s->n_dirty; i++)
		if (!s->dirty[i]->zombie)
			s->dirty[j++] = s->dirty[i];
	s->n_dirty = j;
	j = 0;
	for (size_t i = 0; i < s->n_ports; i++) {
		if (s->ports[i]->zombie) {
			port_destroy(s->ports[i]);
		} else {
			s->ports[i]->index = j;
			s->ports[j++] = s->ports[i];
		}
	}
	s->n_ports = j;
	s->has_zombies = false;
}

/*
 * Brings the system up to date at NOW: settle the machines of the dirty
 * ports, transmit, then deliver events; again while callbacks gave new
 * input. Called from inside a dispatch (a callback), it only asks the
 * running one to go round again. Ports not in the dirty list have had no
 * input and depend on nothing that changed: they are not touched.
 */
static void dispatch(struct lacp_system *s, lacp_time_t now)
{
	if (now > s->now)
		s->now = now;
	if (s->depth) {
		s->again = true;
		return;
	}
	s->depth++;
	do {
		s->again = false;
		settle(s, s->now);
		for (size_t i = 0; i < s->n_dirty; i++)
			if (live(s->dirty[i]))
				report_oper(s->dirty[i], s->now);
		for (size_t i = 0; i < s->n_dirty; i++)
			if (live(s->dirty[i]))
				transmit(s->dirty[i], s->now);
		for (size_t i = 0; i < s->n_dirty; i++)
			if (live(s->dirty[i]))
				exit_check(s->dirty[i], s->now);
		flush_events(s);
		for (size_t i = 0; i < s->n_dirty; i++)
			if (live(s->dirty[i]) && s->dirty[i]->rx_head)
				s->again = true;
	} while (s->again);
	if (s->has_zombies)
		reap(s);
	for (size_t i = 0; i < s->n_dirty; i++) {
		/* A limit lifted by a rule is back after the run it sent. */
		s->dirty[i]->tx_bypass = false;
		port_rearm(s->dirty[i], s->now);
		s->dirty[i]->dirty = false;
	}
	s->n_dirty = 0;
	s->dirty_unsorted = false;
	s->depth--;
}

/*
 * Holds SYS's dispatch: inputs until the matching release only mark their
 * ports; the release runs them all at once, so several tester actions (a
 * rule's action list) leave in one LACPDU. Holds nest, also inside a
 * running dispatch (which then simply goes round again).
 */
void lacp_system_hold(struct lacp_system *s)
{
	s->depth++;
}

void lacp_system_release(struct lacp_system *s, lacp_time_t now)
{
	if (now > s->now)
		s->now = now;
	if (--s->depth > 0)
		return;
	if (s->again || s->n_dirty) {
		s->again = false;
		dispatch(s, now);
	}
}

/* ---- systems */

struct lacp_system *lacp_system_new(const uint8_t id[6], uint16_t priority,
				    struct lacp_timerq *q)
{
	struct lacp_system *s;

	if (!id || !q)
		return NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	memcpy(s->id, id, 6);
	s->priority = priority;
	s->q = q;
	s->now = INT64_MIN;
	return s;
}

void lacp_system_free(struct lacp_system *s)
{
	struct lacp_ev_entry *e;

	if (!s)
		return;
	for (size_t i = 0; i < s->n_ports; i++)
		port_destroy(s->ports[i]);
	for (size_t i = 0; i < s->n_aggs; i++)
		free(s->aggs[i]);
	while ((e = s->ev_head)) {
		s->ev_head = e->next;
		free(e->decoded);
		free(e->data);
		free(e);
	}
	free(s->ports);
	free(s->dirty);
	free(s->scratch);
	free(s->aggs);
	free(s);
}

/* Common part of management changes of the actor's identity. */
static void actor_changed(struct lacp_port *p, lacp_time_t now)
{
	p->counters.actor_change_count++;
	sel_set(p, LACP_UNSELECTED, now);
	p->ntt = true;
}

void lacp_system_set_id(struct lacp_system *s, const uint8_t id[6], lacp_time_t now)
{
	if (memcmp(s->id, id, 6) == 0)
		return;
	memcpy(s->id, id, 6);
	for (size_t i = 0; i < s->n_ports; i++) {
		memcpy(s->ports[i]->actor.system, id, 6);
		actor_changed(s->ports[i], now);
	}
	mark_all(s);
	dispatch(s, now);
}

void lacp_system_set_priority(struct lacp_system *s, uint16_t priority, lacp_time_t now)
{
	if (s->priority == priority)
		return;
	s->priority = priority;
	for (size_t i = 0; i < s->n_ports; i++) {
		s->ports[i]->actor.system_priority = priority;
		actor_changed(s->ports[i], now);
	}
	mark_all(s);
	dispatch(s, now);
}

void lacp_system_set_max_ports(struct lacp_system *s, unsigned max, lacp_time_t now)
{
	s->max_ports = max;
	s->rank_gen++;
	mark_all(s);
	dispatch(s, now);
}

void lacp_system_set_preempt(struct lacp_system *s, bool on, lacp_time_t now)
{
	s->preempt = on;
	s->rank_gen++;
	mark_all(s);
	dispatch(s, now);
}

int lacp_system_set_aggregators(struct lacp_system *s, unsigned n, lacp_time_t now)
{
	int rc = 0;

	while (s->n_aggs < n && rc == 0)
		rc = agg_add(s);
	if (rc < 0)
		return rc;
	s->agg_limit = n;
	for (size_t i = 0; i < s->n_ports; i++)
		if (n && live(s->ports[i]) && s->ports[i]->aggregator > n)
			sel_set(s->ports[i], LACP_UNSELECTED, now);
	s->rank_gen++;
	mark_all(s);
	dispatch(s, now);
	return 0;
}

void lacp_system_set_min_links(struct lacp_system *s, unsigned min, lacp_time_t now)
{
	s->min_links = min;
	s->rank_gen++;
	mark_all(s);
	dispatch(s, now);
}

uint16_t lacp_system_free_port_number(const struct lacp_system *s)
{
	for (unsigned n = 1; n <= 65535; n++) {
		bool used = false;

		for (size_t i = 0; i < s->n_ports && !used; i++)
			used = live(s->ports[i]) && s->ports[i]->config.port_number == n;
		if (!used)
			return (uint16_t)n;
	}
	return 0;
}

void lacp_system_coverage(const struct lacp_system *s, struct lacp_coverage *cov)
{
	for (size_t i = 0; i < s->n_ports; i++)
		for (int m = 0; m < LACP_M_COUNT; m++)
			for (int k = 0; k < LACP_SM_MAX_STATES; k++)
				cov->entered[m][k] += s->ports[i]->entered[m][k];
}

/* ---- ports */

static int check_config(const struct lacp_port_config *c)
{
	const struct lacp_timing *t = &c->timing;

	if (t->fast_periodic <= 0 || t->slow_periodic <= 0 || t->short_timeout <= 0 ||
	    t->long_timeout <= 0 || t->aggregate_wait < 0 || t->churn_detection <= 0)
		return -EINVAL;
	if ((unsigned)c->fallback > LACP_FALLBACK_STATIC || c->fallback_timeout < 0 || c->wtr < 0)
		return -EINVAL;
	return 0;
}

/* The actor's operational information that follows the configuration. */
static void actor_from_config(struct lacp_port *p)
{
	p->actor.system_priority = p->system->priority;
	memcpy(p->actor.system, p->system->id, 6);
	p->actor.key = p->config.key;
	p->actor.port = p->config.port_number;
	p->actor.port_priority = p->config.port_priority;
	set_bit(&p->actor.state, LACP_STATE_ACTIVITY, p->config.active);
	set_bit(&p->actor.state, LACP_STATE_TIMEOUT, p->config.short_timeout);
	set_bit(&p->actor.state, LACP_STATE_AGGREGATION, p->config.aggregatable);
}

int lacp_port_new(struct lacp_system *s, const struct lacp_port_config *config,
		  const struct lacp_port_ops *ops, void *ctx, lacp_time_t now,
		  struct lacp_port **out)
{
	struct lacp_port *p;

	if (!s || !out || (config && check_config(config) < 0))
		return -EINVAL;
	if (s->n_ports == s->cap_ports) {
		size_t cap = s->cap_ports ? s->cap_ports * 2 : 4;
		struct lacp_port **v = realloc(s->ports, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		s->ports = v;
		/* The dirty list has room for every port: marking never fails. */
		v = realloc(s->dirty, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		s->dirty = v;
		v = realloc(s->scratch, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		s->scratch = v;
		s->cap_ports = cap;
	}
	/* One aggregator per port the system has had at most (6.4.14.1). */
	if (s->n_aggs <= s->n_ports) {
		int rc = agg_add(s);

		if (rc < 0)
			return rc;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	if ((config ? config->measure : true) && !(p->measure = lacp_measure_new(now))) {
		free(p);
		return -ENOMEM;
	}
	p->system = s;
	if (config)
		p->config = *config;
	else
		lacp_port_config_default(&p->config);
	if (ops)
		p->ops = *ops;
	p->ctx = ctx;
	actor_from_config(p);
	p->tx_enabled = true;
	p->rx_enabled = true;
	p->current_while = p->periodic_timer = p->wait_while = LACP_TIME_NEVER;
	p->actor_churn_timer = p->partner_churn_timer = p->tx_retry = LACP_TIME_NEVER;
	p->fallback_timer = p->wtr_timer = LACP_TIME_NEVER;
	p->counters.last_rx_time = LACP_TIME_NEVER;
	p->begin = true;
	lacp_timer_init(&p->timer, port_timer_fire);
	p->index = s->n_ports;
	s->ports[s->n_ports++] = p;
	*out = p;
	/* The states before BEGIN, so the first oper event shows the change. */
	p->reported_actor_state = p->actor.state;
	p->reported_partner_state = p->partner.state;
	mark(p);
	dispatch(s, now);
	return 0;
}

void lacp_port_free(struct lacp_port *p)
{
	struct lacp_system *s;

	if (!p || p->zombie)
		return;
	s = p->system;
	/* Leave first, while the others can still see the change. */
	if (p->agg) {
		if (p->selected == LACP_SELECTED)
			p->agg->n_selected--;
		p->selected = LACP_UNSELECTED;
		p->zombie = true; /* no event for a port going away */
		agg_leave(p, s->now);
	}
	p->zombie = true;
	if (p->rx == LACP_RX_PORT_DISABLED && !p->begin)
		s->n_rx_disabled--;
	memset(&p->ops, 0, sizeof(p->ops));
	lacp_timerq_cancel(s->q, &p->timer);
	s->has_zombies = true;
	dispatch(s, s->now);
}

void lacp_port_take_over(struct lacp_port *np, struct lacp_port *old, lacp_time_t now)
{
	struct lacp_measure *m = np->measure;

	np->counters = old->counters;
	np->measure = old->measure;
	old->measure = m;
	lacp_port_move_rules(np, old);
	lacp_port_set_admin(np, !old->admin_disabled, now);
}

bool lacp_system_port_number_used(const struct lacp_system *s, const struct lacp_port *self,
				  uint16_t n)
{
	for (size_t i = 0; i < s->n_ports; i++)
		if (s->ports[i] != self && live(s->ports[i]) && s->ports[i]->config.port_number == n)
			return true;
	return false;
}

void lacp_port_set_enabled(struct lacp_port *p, bool enabled, lacp_time_t now)
{
	if (p->zombie)
		return;
	bool up = enabled && !p->admin_disabled;

	p->carrier = enabled;
	/* 802.1AX-2020 wait-to-restore: a link that comes back waits. */
	if (up && !p->port_enabled && p->was_up && p->config.wtr) {
		p->wtr_hold = true;
		p->wtr_start = now;
		p->wtr_timer = after(now, p->config.wtr);
	}
	p->was_up |= up;
	if (p->port_enabled != up)
		p->system->rank_gen++;
	p->port_enabled = up;
	lacp_measure_enabled(p, up, now);
	mark(p);
	dispatch(p->system, now);
}

void lacp_port_set_admin(struct lacp_port *p, bool enabled, lacp_time_t now)
{
	if (p->zombie)
		return;
	p->admin_disabled = !enabled;
	lacp_port_set_enabled(p, p->carrier, now);
}

/* Field by field: the structs have padding a memcmp would read. */
static bool timing_equal(const struct lacp_timing *a, const struct lacp_timing *b)
{
	return a->fast_periodic == b->fast_periodic && a->slow_periodic == b->slow_periodic &&
	       a->short_timeout == b->short_timeout && a->long_timeout == b->long_timeout &&
	       a->aggregate_wait == b->aggregate_wait &&
	       a->churn_detection == b->churn_detection && a->tx_limit == b->tx_limit;
}

static bool info_equal(const struct lacp_info *a, const struct lacp_info *b)
{
	return same_ids(a, b) && a->state == b->state;
}

/* Moves a running timer to START + its new duration. */
static lacp_time_t retime(lacp_time_t deadline, lacp_time_t start, lacp_time_t d)
{
	return deadline == LACP_TIME_NEVER ? deadline : after(start, d);
}

int lacp_port_set_config(struct lacp_port *p, const struct lacp_port_config *c,
			 lacp_time_t now)
{
	struct lacp_port_config old;
	const struct lacp_timing *t = &c->timing;

	if (p->zombie || check_config(c) < 0)
		return -EINVAL;
	old = p->config;
	p->config = *c;
	if (old.key != c->key || old.aggregatable != c->aggregatable ||
	    old.port_number != c->port_number || old.port_priority != c->port_priority) {
		actor_from_config(p);
		actor_changed(p, now);
	}
	if (old.active != c->active || old.short_timeout != c->short_timeout) {
		actor_from_config(p);
		p->ntt = true;
	}
	if (!c->short_timeout && old.short_timeout && p->current_while != LACP_TIME_NEVER &&
	    !p->current_while_long) {
		/* 6.4.12 starts current_while when a PDU is recorded, with the
		 * timeout the actor has then; a later change of our Timeout bit
		 * neither restarts nor shortens it. Going to the long timeout
		 * the partner slows down as we asked, so a short current_while
		 * left running would expire it for nothing: it is lengthened,
		 * counted from when it started. Going to the short timeout
		 * leaves the long one running: the partner answers the change
		 * at once and current_while starts again then. */
		p->current_while_long = true;
		p->current_while = retime(p->current_while, p->current_while_start,
					  t->long_timeout);
	}
	if (old.collector_max_delay != c->collector_max_delay)
		p->ntt = true;
	if (!timing_equal(&old.timing, t)) {
		p->current_while = retime(p->current_while, p->current_while_start,
					  p->current_while_long ? t->long_timeout
								: t->short_timeout);
		p->periodic_timer = retime(p->periodic_timer, p->periodic_start,
					   p->periodic == LACP_PERIODIC_SLOW_PERIODIC
						   ? t->slow_periodic : t->fast_periodic);
		p->wait_while = retime(p->wait_while, p->wait_while_start, t->aggregate_wait);
		p->actor_churn_timer = retime(p->actor_churn_timer, p->actor_churn_start,
					      t->churn_detection);
		p->partner_churn_timer = retime(p->partner_churn_timer,
						p->partner_churn_start, t->churn_detection);
	}
	if (old.independent_control != c->independent_control &&
	    (p->mux == LACP_MUX_COLLECTING || p->mux == LACP_MUX_DISTRIBUTING ||
	     p->mux == LACP_MUX_COLLECTING_DISTRIBUTING))
		mux_go(p, LACP_MUX_ATTACHED, "independent_control", now);
	if (old.fallback != c->fallback || old.fallback_timeout != c->fallback_timeout) {
		if (p->fallback_timer != LACP_TIME_NEVER || old.fallback == LACP_FALLBACK_NONE)
			p->fallback_timer = c->fallback && p->rx != LACP_RX_PORT_DISABLED &&
						    p->rx != LACP_RX_LACP_DISABLED
						    ? after(p->fallback_start, c->fallback_timeout)
						    : LACP_TIME_NEVER;
		if (p->fallback && p->rx == LACP_RX_DEFAULTED)
			fallback_set(p, c->fallback != LACP_FALLBACK_NONE, now);
	}
	if (old.wtr != c->wtr && p->wtr_hold)
		p->wtr_timer = after(p->wtr_start, c->wtr);
	if (!info_equal(&old.partner_admin, &c->partner_admin) &&
	    (p->rx == LACP_RX_DEFAULTED || p->rx == LACP_RX_LACP_DISABLED)) {
		struct lacp_info next = default_partner(p); /* the fallback one in fallback */

		update_selected(p, &next, now);
		record_default(p, now);
		if (p->rx == LACP_RX_LACP_DISABLED)
			partner_state_set(p, p->partner.state &
						     (uint8_t)~LACP_STATE_AGGREGATION);
	}
	mark(p);
	dispatch(p->system, now);
	return 0;
}

/* The class a frame gets under the port's receive check (a tester knob:
 * strict and lenient receivers are the negative controls of 6.4.2.3). */
static enum lacp_class rx_check(const struct lacp_port *p, const uint8_t *pdu, size_t len,
				enum lacp_class cls, struct lacp_decoded *d)
{
	switch (p->config.rx_check) {
	case LACP_RX_CHECK_STRICT:
		if (cls == LACP_CLASS_LACPDU &&
		    (d->lacpdu.version != 1 || d->n_dev || d->n_tlvs || len != LACP_PDU_LEN))
			return LACP_CLASS_ILLEGAL;
		break;
	case LACP_RX_CHECK_LENIENT:
		if ((cls == LACP_CLASS_ILLEGAL || cls == LACP_CLASS_UNKNOWN) && len > 0 &&
		    pdu[0] != LACP_SUBTYPE_MARKER && lacp_lacpdu_decode_raw(pdu, len, &d->lacpdu))
			return LACP_CLASS_LACPDU;
		break;
	}
	return cls;
}

int lacp_port_rx(struct lacp_port *p, const uint8_t *pdu, size_t len, lacp_time_t now)
{
	struct lacp_system *s = p->system;
	struct lacp_decoded d;
	struct lacp_event ev = { .type = LACP_EV_RX, .time = now };
	enum lacp_class cls;

	if (!pdu)
		return -EINVAL;
	cls = lacp_pdu_decode(pdu, len, &d);
	if (p->zombie)
		return (int)cls;
	cls = rx_check(p, pdu, len, cls, &d);
	if (!p->rx_enabled) {
		p->counters.rx_dropped++;
		return (int)cls;
	}
	switch (cls) {
	case LACP_CLASS_LACPDU: {
		struct lacp_rx_entry *e = calloc(1, sizeof(*e));

		p->counters.lacpdus_rx++;
		p->counters.last_rx_time = now;
		lacp_measure_rx(p, &d.lacpdu, now);
		/* 6.4.12 port_moved: a disabled port's partner shows up here. */
		for (size_t i = 0; s->n_rx_disabled && i < s->n_ports; i++) {
			struct lacp_port *q = s->ports[i];

			if (q != p && live(q) && q->rx == LACP_RX_PORT_DISABLED &&
			    !(q->actor.state & LACP_STATE_DEFAULTED) &&
			    memcmp(q->partner.system, d.lacpdu.actor.system, 6) == 0 &&
			    q->partner.port == d.lacpdu.actor.port) {
				q->port_moved = true;
				mark(q);
			}
		}
		if (!e)
			return -ENOMEM;
		e->pdu = d.lacpdu;
		if (p->rx_tail)
			p->rx_tail->next = e;
		else
			p->rx_head = e;
		p->rx_tail = e;
		break;
	}
	case LACP_CLASS_MARKER:
		if (d.marker.response) {
			p->counters.marker_responses_rx++;
		} else {
			/* 6.5.4.2: the response carries the requester's port,
			 * system and transaction id unchanged. */
			struct lacp_marker m = d.marker;
			struct lacp_rx_entry *e;

			p->counters.markers_rx++;
			if (!p->tx_enabled || p->config.no_marker_responder)
				break;
			e = calloc(1, sizeof(*e) + LACP_PDU_LEN);
			if (!e)
				return -ENOMEM;
			m.response = true;
			m.version = 1;
			lacp_marker_encode(&m, e->data);
			e->len = LACP_PDU_LEN;
			if (p->out_tail)
				p->out_tail->next = e;
			else
				p->out_head = e;
			p->out_tail = e;
		}
		break;
	case LACP_CLASS_UNKNOWN:
		p->counters.unknown_rx++;
		break;
	case LACP_CLASS_ILLEGAL:
	case LACP_CLASS_COUNT:
		p->counters.illegal_rx++;
		break;
	}
	queue_event(p, &ev, &d, pdu, len);
	mark(p);
	dispatch(s, now);
	return (int)cls;
}

void lacp_port_run(struct lacp_port *p, lacp_time_t now)
{
	if (p->zombie)
		return;
	mark(p);
	dispatch(p->system, now);
}

void lacp_port_write_actor_state(struct lacp_port *p, uint8_t state, lacp_time_t now)
{
	if (p->zombie)
		return;
	if (!(p->actor.state & LACP_STATE_SYNC) && (state & LACP_STATE_SYNC))
		p->counters.actor_sync_transitions++;
	p->actor.state = state;
	p->ntt = true;
	mark(p);
	dispatch(p->system, now);
}

void lacp_port_write_partner_state(struct lacp_port *p, uint8_t state, lacp_time_t now)
{
	if (p->zombie)
		return;
	partner_state_set(p, state);
	p->ntt = true;
	mark(p);
	dispatch(p->system, now);
}

uint8_t lacp_port_advertised_state(const struct lacp_port *p)
{
	return (uint8_t)((p->actor.state & ~p->force_mask) | (p->force_value & p->force_mask));
}

void lacp_port_force_actor_state(struct lacp_port *p, uint8_t mask, uint8_t value,
				 lacp_time_t now)
{
	uint8_t before = lacp_port_advertised_state(p);

	if (p->zombie)
		return;
	p->force_mask = mask;
	p->force_value = value & mask;
	if (lacp_port_advertised_state(p) != before)
		p->ntt = true;
	mark(p);
	dispatch(p->system, now);
}

void lacp_port_set_tx_enabled(struct lacp_port *p, bool enabled, lacp_time_t now)
{
	if (p->zombie)
		return;
	p->tx_enabled = enabled;
	mark(p);
	dispatch(p->system, now);
}

void lacp_port_set_rx_enabled(struct lacp_port *p, bool enabled)
{
	p->rx_enabled = enabled;
}

void lacp_port_set_tx_override(struct lacp_port *p, const struct lacp_tx_override *ovr)
{
	struct lacp_tx_override none = {0};

	if (!ovr)
		ovr = &none;
	if (p->tx_override.fields || ovr->fields) {
		p->ntt = true; /* what we say may change: the next run tells */
		if (!p->zombie)
			mark(p);
	}
	p->tx_override = *ovr;
}

static void override_info(struct lacp_info *dst, const struct lacp_info *src,
			  unsigned fields, unsigned first)
{
	/* The six per-side flags are in the order of struct lacp_info's
	 * use in the TLV: system priority, system, key, port priority, port,
	 * state; FIRST is the side's first flag. */
	if (fields & first)
		dst->system_priority = src->system_priority;
	if (fields & (first << 1))
		memcpy(dst->system, src->system, 6);
	if (fields & (first << 2))
		dst->key = src->key;
	if (fields & (first << 3))
		dst->port_priority = src->port_priority;
	if (fields & (first << 4))
		dst->port = src->port;
	if (fields & (first << 5))
		dst->state = src->state;
}

void lacp_port_build_lacpdu(const struct lacp_port *p, struct lacp_lacpdu *out)
{
	const struct lacp_tx_override *o = &p->tx_override;

	memset(out, 0, sizeof(*out));
	out->version = 1;
	out->actor = p->actor;
	out->actor.state = lacp_port_advertised_state(p);
	out->partner = p->partner;
	out->collector_max_delay = p->config.collector_max_delay;
	if (!o->fields)
		return;
	override_info(&out->actor, &o->pdu.actor, o->fields, LACP_OVR_ACTOR_SYSTEM_PRIORITY);
	override_info(&out->partner, &o->pdu.partner, o->fields,
		      LACP_OVR_PARTNER_SYSTEM_PRIORITY);
	if (o->fields & LACP_OVR_COLLECTOR_MAX_DELAY)
		out->collector_max_delay = o->pdu.collector_max_delay;
	if (o->fields & LACP_OVR_VERSION)
		out->version = o->pdu.version;
}

int lacp_port_transmit_pdu(struct lacp_port *p, const uint8_t *pdu, size_t len,
			   lacp_time_t now)
{
	struct lacp_rx_entry *e;

	if (!pdu || len == 0 || p->zombie)
		return -EINVAL;
	if (!p->tx_enabled)
		return -EAGAIN;
	e = calloc(1, sizeof(*e) + len);
	if (!e)
		return -ENOMEM;
	memcpy(e->data, pdu, len);
	e->len = len;
	if (p->out_tail)
		p->out_tail->next = e;
	else
		p->out_head = e;
	p->out_tail = e;
	mark(p);
	dispatch(p->system, now);
	return 0;
}

void lacp_port_counters_reset(struct lacp_port *p)
{
	memset(&p->counters, 0, sizeof(p->counters));
	p->counters.last_rx_time = LACP_TIME_NEVER;
}

void lacp_port_coverage_reset(struct lacp_port *p)
{
	memset(p->entered, 0, sizeof(p->entered));
}
