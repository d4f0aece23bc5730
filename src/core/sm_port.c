/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A port's life and its host-facing inputs: creation with its
 * configuration, freeing, configuration changes (retiming running
 * timers), link and admin state, received frames (classified, queued for
 * the Receive machine, marker requests answered), the tester's writes
 * and forced bits, raw transmission, and the LACPDU the port advertises.
 * Each input marks the port and dispatches (sm_system.c).
 */
#include "sm.h"
#include "measure.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ruleset.h"
#include "sm_internal.h"
#include "state.h"

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

/* ---- ports */

static void port_timer_fire(struct lacp_timer *t, lacp_time_t now)
{
	lacp_port_run(LACP_CONTAINER_OF(t, struct lacp_port, timer), now);
}

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
		int rc = lacp_sm_agg_add(s);

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
	lacp_sm_mark(p);
	lacp_sm_dispatch(s, now);
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
		lacp_sm_agg_leave(p, s->now);
	}
	p->zombie = true;
	if (p->rx == LACP_RX_PORT_DISABLED && !p->begin)
		s->n_rx_disabled--;
	memset(&p->ops, 0, sizeof(p->ops));
	lacp_timerq_cancel(s->q, &p->timer);
	s->has_zombies = true;
	lacp_sm_dispatch(s, s->now);
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
	lacp_sm_mark(p);
	lacp_sm_dispatch(p->system, now);
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
		lacp_sm_actor_changed(p, now);
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
		lacp_sm_mux_go(p, LACP_MUX_ATTACHED, "independent_control", now);
	if (old.fallback != c->fallback || old.fallback_timeout != c->fallback_timeout) {
		if (p->fallback_timer != LACP_TIME_NEVER || old.fallback == LACP_FALLBACK_NONE)
			p->fallback_timer = c->fallback && p->rx != LACP_RX_PORT_DISABLED &&
						    p->rx != LACP_RX_LACP_DISABLED
						    ? after(p->fallback_start, c->fallback_timeout)
						    : LACP_TIME_NEVER;
		if (p->fallback && p->rx == LACP_RX_DEFAULTED)
			lacp_sm_fallback_set(p, c->fallback != LACP_FALLBACK_NONE, now);
	}
	if (old.wtr != c->wtr && p->wtr_hold)
		p->wtr_timer = after(p->wtr_start, c->wtr);
	if (!info_equal(&old.partner_admin, &c->partner_admin) &&
	    (p->rx == LACP_RX_DEFAULTED || p->rx == LACP_RX_LACP_DISABLED)) {
		struct lacp_info next = lacp_sm_default_partner(p); /* the fallback one in fallback */

		lacp_sm_update_selected(p, &next, now);
		lacp_sm_record_default(p, now);
		if (p->rx == LACP_RX_LACP_DISABLED)
			lacp_sm_partner_state_set(p, p->partner.state &
						     (uint8_t)~LACP_STATE_AGGREGATION);
	}
	lacp_sm_mark(p);
	lacp_sm_dispatch(p->system, now);
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
				lacp_sm_mark(q);
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
	lacp_sm_queue_event(p, &ev, &d, pdu, len);
	lacp_sm_mark(p);
	lacp_sm_dispatch(s, now);
	return (int)cls;
}

void lacp_port_run(struct lacp_port *p, lacp_time_t now)
{
	if (p->zombie)
		return;
	lacp_sm_mark(p);
	lacp_sm_dispatch(p->system, now);
}

void lacp_port_write_actor_state(struct lacp_port *p, uint8_t state, lacp_time_t now)
{
	if (p->zombie)
		return;
	if (!(p->actor.state & LACP_STATE_SYNC) && (state & LACP_STATE_SYNC))
		p->counters.actor_sync_transitions++;
	p->actor.state = state;
	p->ntt = true;
	lacp_sm_mark(p);
	lacp_sm_dispatch(p->system, now);
}

void lacp_port_write_partner_state(struct lacp_port *p, uint8_t state, lacp_time_t now)
{
	if (p->zombie)
		return;
	lacp_sm_partner_state_set(p, state);
	p->ntt = true;
	lacp_sm_mark(p);
	lacp_sm_dispatch(p->system, now);
}

uint8_t lacp_port_advertised_of(const struct lacp_port *p, uint8_t state)
{
	return (uint8_t)((state & ~p->force_mask) | (p->force_value & p->force_mask));
}

uint8_t lacp_port_advertised_state(const struct lacp_port *p)
{
	return lacp_port_advertised_of(p, p->actor.state);
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
	lacp_sm_mark(p);
	lacp_sm_dispatch(p->system, now);
}

void lacp_port_set_tx_enabled(struct lacp_port *p, bool enabled, lacp_time_t now)
{
	if (p->zombie)
		return;
	p->tx_enabled = enabled;
	lacp_sm_mark(p);
	lacp_sm_dispatch(p->system, now);
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
			lacp_sm_mark(p);
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
	out->actor.state = lacp_port_advertised_of(p, p->pinned ? p->pin_state : p->actor.state);
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
	lacp_sm_mark(p);
	lacp_sm_dispatch(p->system, now);
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
