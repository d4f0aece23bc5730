/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The Selection Logic of 802.1AX-2014 6.4.14 and the aggregators of a
 * system: which aggregator each port selects (by LAG ID, 6.3.6), the
 * Selected variable's writes, and which ports of an aggregator are
 * SELECTED or STANDBY under the system's max_ports (6.7.1).
 */
#include "sm.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sm_internal.h"
#include "state.h"

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
int lacp_sm_agg_add(struct lacp_system *s)
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
	lacp_sm_queue_event(p, &ev, NULL, NULL, 0);
}

void lacp_sm_agg_leave(struct lacp_port *p, lacp_time_t now)
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
	lacp_sm_queue_event(p, &ev, NULL, NULL, 0);
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

/* ---- Selected (6.4.8): its writes count the entry and note the event */

void lacp_sm_sel_set(struct lacp_port *p, enum lacp_selected to, lacp_time_t now)
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

/* ---- Selection Logic (6.4.14) */

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
			lacp_sm_sel_set(v[i], to, now);
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
bool lacp_sm_selection(struct lacp_system *s, lacp_time_t now)
{
	bool changed = false;

	/* Only a port that has just been unselected and detached (so is in
	 * the dirty list) selects. */
	for (size_t i = 0; i < s->n_dirty; i++) {
		struct lacp_port *p = s->dirty[i];

		if (!live(p) || p->selected != LACP_UNSELECTED || p->mux != LACP_MUX_DETACHED)
			continue;
		if (p->agg) {
			lacp_sm_agg_leave(p, now);
			changed = true;
		}
		if (may_select(p)) {
			struct lacp_aggregator *a = agg_choose(p);

			if (!a)
				continue;
			agg_join(p, a, now);
			lacp_sm_sel_set(p, s->max_ports && a->n_selected >= s->max_ports
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
				lacp_sm_sel_set(p, LACP_SELECTED, now);
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
