/*
 * An emulated system and the dispatch that runs its ports: the dirty list
 * of the ports an input touched, the events collected during a run and
 * handed to the host afterwards, the run itself (settle the machines,
 * report, transmit, deliver; sm_machines.c settles), the timer of each
 * port, and the system-wide management setters. Machine timers are
 * absolute deadlines evaluated against the time the host passes in; each
 * port keeps one timer in the system's queue armed for its earliest
 * future deadline.
 */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * An emulated system and the dispatch that runs its ports: the dirty list
 * of the ports an input touched, the events collected during a run and
 * handed to the host afterwards, settle (Selection Logic and every
 * machine of the dirty ports until none moves), transmit, the timer of
 * each port, and the system-wide management setters. Machine timers are
 * absolute deadlines evaluated against the time the host passes in; each
 * port keeps one timer in the system's queue armed for its earliest
 * future deadline.
 */
#include "sm.h"
#include "measure.h"

#include <stdlib.h>
#include <string.h>

#include "ruleset.h"
#include "sm_internal.h"

/* A collected event with private copies of what it points to. */
struct lacp_ev_entry {
	struct lacp_ev_entry *next;
	struct lacp_port *port;
	struct lacp_event ev;
	struct lacp_decoded *decoded;
	uint8_t *data;
};

/* ---- the dirty list: the ports the running (or next) dispatch runs */

/* Puts P in its system's dirty list. Every input to P does, before it
 * dispatches. */
void lacp_sm_mark(struct lacp_port *p)
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
void lacp_sm_mark_all(struct lacp_system *s)
{
	for (size_t i = 0; i < s->n_ports; i++) {
		s->ports[i]->dirty = true;
		s->dirty[i] = s->ports[i];
	}
	s->n_dirty = s->n_ports;
	s->dirty_unsorted = false;
	s->sweep = false;
}

static int by_index(const void *a, const void *b)
{
	const struct lacp_port *p = *(struct lacp_port *const *)a;
	const struct lacp_port *q = *(struct lacp_port *const *)b;

	return p->index < q->index ? -1 : p->index > q->index;
}

/* The dirty list in creation order: ports run in the order they always do. */
void lacp_sm_dirty_sort(struct lacp_system *s)
{
	if (!s->dirty_unsorted)
		return;
	qsort(s->dirty, s->n_dirty, sizeof(s->dirty[0]), by_index);
	s->dirty_unsorted = false;
}

/* ---- events */

/* Queues EV for P; DECODED and DATA are copied. Out of memory drops the
 * event: the machines do not depend on it. */
void lacp_sm_queue_event(struct lacp_port *p, const struct lacp_event *ev,
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

void lacp_port_note_rule(struct lacp_port *p, const struct lacp_rule *r, uint8_t actor,
			 uint8_t partner, lacp_time_t now)
{
	struct lacp_event ev = {
		.type = LACP_EV_RULE, .time = now, .on = r->stopped, .rule = r->id,
		.fired = r->fired, .old_actor_state = actor, .old_partner_state = partner,
	};

	lacp_sm_queue_event(p, &ev, NULL, NULL, 0);
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

/* ---- dispatch */

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
	lacp_sm_queue_event(p, &ev, NULL, NULL, 0);
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
void lacp_sm_dispatch(struct lacp_system *s, lacp_time_t now)
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
		lacp_sm_settle(s, s->now);
		for (size_t i = 0; i < s->n_dirty; i++)
			if (live(s->dirty[i]))
				report_oper(s->dirty[i], s->now);
		for (size_t i = 0; i < s->n_dirty; i++)
			if (live(s->dirty[i]))
				lacp_sm_transmit(s->dirty[i], s->now);
		for (size_t i = 0; i < s->n_dirty; i++)
			if (live(s->dirty[i]))
				lacp_sm_exit_check(s->dirty[i], s->now);
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
		lacp_sm_dispatch(s, now);
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
void lacp_sm_actor_changed(struct lacp_port *p, lacp_time_t now)
{
	p->counters.actor_change_count++;
	lacp_sm_sel_set(p, LACP_UNSELECTED, now);
	p->ntt = true;
}

void lacp_system_set_id(struct lacp_system *s, const uint8_t id[6], lacp_time_t now)
{
	if (memcmp(s->id, id, 6) == 0)
		return;
	memcpy(s->id, id, 6);
	for (size_t i = 0; i < s->n_ports; i++) {
		memcpy(s->ports[i]->actor.system, id, 6);
		lacp_sm_actor_changed(s->ports[i], now);
	}
	lacp_sm_mark_all(s);
	lacp_sm_dispatch(s, now);
}

void lacp_system_set_priority(struct lacp_system *s, uint16_t priority, lacp_time_t now)
{
	if (s->priority == priority)
		return;
	s->priority = priority;
	for (size_t i = 0; i < s->n_ports; i++) {
		s->ports[i]->actor.system_priority = priority;
		lacp_sm_actor_changed(s->ports[i], now);
	}
	lacp_sm_mark_all(s);
	lacp_sm_dispatch(s, now);
}

void lacp_system_set_max_ports(struct lacp_system *s, unsigned max, lacp_time_t now)
{
	s->max_ports = max;
	s->rank_gen++;
	lacp_sm_mark_all(s);
	lacp_sm_dispatch(s, now);
}

void lacp_system_set_preempt(struct lacp_system *s, bool on, lacp_time_t now)
{
	s->preempt = on;
	s->rank_gen++;
	lacp_sm_mark_all(s);
	lacp_sm_dispatch(s, now);
}

int lacp_system_set_aggregators(struct lacp_system *s, unsigned n, lacp_time_t now)
{
	int rc = 0;

	while (s->n_aggs < n && rc == 0)
		rc = lacp_sm_agg_add(s);
	if (rc < 0)
		return rc;
	s->agg_limit = n;
	for (size_t i = 0; i < s->n_ports; i++)
		if (n && live(s->ports[i]) && s->ports[i]->aggregator > n)
			lacp_sm_sel_set(s->ports[i], LACP_UNSELECTED, now);
	s->rank_gen++;
	lacp_sm_mark_all(s);
	lacp_sm_dispatch(s, now);
	return 0;
}

void lacp_system_set_min_links(struct lacp_system *s, unsigned min, lacp_time_t now)
{
	s->min_links = min;
	s->rank_gen++;
	lacp_sm_mark_all(s);
	lacp_sm_dispatch(s, now);
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
