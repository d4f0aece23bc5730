/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What the files of the machines share and the host does not see:
 * sm_system.c (system, dirty list, events, dispatch), sm_select.c
 * (Selection Logic, aggregators), sm_machines.c (the per-port machines and
 * settle) and sm_port.c (a port's inputs). The public interface is sm.h.
 * The small helpers that run inside the machines' loops are inline here.
 */
#ifndef LACP_SM_INTERNAL_H
#define LACP_SM_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sm.h"

/* A queued frame: a received LACPDU not yet run (PDU), or a raw PDU to send
 * (DATA, LEN). */
struct lacp_rx_entry {
	struct lacp_rx_entry *next;
	struct lacp_lacpdu pdu;
	size_t len;
	uint8_t data[];
};

/* ---- small helpers */

static inline bool timer_expired(lacp_time_t deadline, lacp_time_t now)
{
	return deadline != LACP_TIME_NEVER && deadline <= now;
}

static inline lacp_time_t after(lacp_time_t now, lacp_time_t d)
{
	return d >= LACP_TIME_NEVER - now ? LACP_TIME_NEVER : now + d;
}

static inline void set_bit(uint8_t *state, uint8_t bit, bool on)
{
	if (on)
		*state |= bit;
	else
		*state &= (uint8_t)~bit;
}

/* The system, port and key part of two informations are the same. */
static inline bool same_ids(const struct lacp_info *a, const struct lacp_info *b)
{
	return a->port == b->port && a->port_priority == b->port_priority &&
	       memcmp(a->system, b->system, 6) == 0 &&
	       a->system_priority == b->system_priority && a->key == b->key;
}

static inline bool live(const struct lacp_port *p)
{
	return !p->zombie;
}

/* A port attached to its aggregator (Mux ATTACHED or beyond). */
static inline bool mux_attached(const struct lacp_port *p)
{
	return p->mux == LACP_MUX_ATTACHED || p->mux == LACP_MUX_COLLECTING ||
	       p->mux == LACP_MUX_DISTRIBUTING || p->mux == LACP_MUX_COLLECTING_DISTRIBUTING ||
	       p->mux == LACP_MUX_ATTACHED_WTR;
}

/* A change other ports of the system may depend on: the next step of the
 * dispatch runs them all (see sweep_now). */
static inline void sweep_later(struct lacp_system *s)
{
	s->sweep = true;
}

/* ---- sm_system.c: the dirty list, events, dispatch */

/* Puts P in its system's dirty list. Every input to P does, before it
 * dispatches. */
void lacp_sm_mark(struct lacp_port *p);
/* Every port of S in the dirty list, in creation order. */
void lacp_sm_mark_all(struct lacp_system *s);
/* The dirty list in creation order: ports run in the order they always do. */
void lacp_sm_dirty_sort(struct lacp_system *s);
/* Queues EV for P, with copies of DECODED and DATA. */
void lacp_sm_queue_event(struct lacp_port *p, const struct lacp_event *ev,
			 const struct lacp_decoded *decoded, const uint8_t *data, size_t len);

static inline void note_transition(struct lacp_port *p, enum lacp_machine m, int from, int to,
				   lacp_time_t now)
{
	struct lacp_event ev = {
		.type = LACP_EV_TRANSITION, .time = now, .machine = m,
		.from = from, .to = to,
	};

	p->entered[m][to]++;
	lacp_sm_queue_event(p, &ev, NULL, NULL, 0);
}

static inline void simple_event(struct lacp_port *p, enum lacp_event_type type,
				enum lacp_machine m, int from, int to, bool on, lacp_time_t now)
{
	struct lacp_event ev = {
		.type = type, .time = now, .machine = m, .from = from, .to = to, .on = on,
	};

	lacp_sm_queue_event(p, &ev, NULL, NULL, 0);
}

/* Brings the system up to date at NOW (or asks the running dispatch to
 * go round again). */
void lacp_sm_dispatch(struct lacp_system *s, lacp_time_t now);
/* Common part of management changes of the actor's identity. */
void lacp_sm_actor_changed(struct lacp_port *p, lacp_time_t now);

/*
 * When a sweep is pending, marks every port and returns the position in
 * the dirty list of the port after AFTER (or 0 for NULL): a loop over the
 * dirty list goes on in creation order as if it had run over every port.
 * Otherwise returns I unchanged. Inline: it runs after every port's step.
 */
static inline size_t sweep_now(struct lacp_system *s, const struct lacp_port *after, size_t i)
{
	if (!s->sweep)
		return i;
	lacp_sm_mark_all(s);
	return after ? after->index + 1 : 0;
}

/* ---- sm_select.c: Selection Logic and aggregators */

int lacp_sm_agg_add(struct lacp_system *s);
void lacp_sm_agg_leave(struct lacp_port *p, lacp_time_t now);
void lacp_sm_sel_set(struct lacp_port *p, enum lacp_selected to, lacp_time_t now);
bool lacp_sm_selection(struct lacp_system *s, lacp_time_t now);

/* ---- sm_machines.c: the per-port machines */

void lacp_sm_partner_state_set(struct lacp_port *p, uint8_t state);
struct lacp_info lacp_sm_default_partner(const struct lacp_port *p);
void lacp_sm_record_default(struct lacp_port *p, lacp_time_t now);
void lacp_sm_update_selected(struct lacp_port *p, const struct lacp_info *info,
			     lacp_time_t now);
void lacp_sm_fallback_set(struct lacp_port *p, bool on, lacp_time_t now);
void lacp_sm_mux_go(struct lacp_port *p, enum lacp_mux_state to, const char *reason,
		    lacp_time_t now);
/* Runs the Selection Logic and every machine of the dirty ports of S
 * until none moves. */
void lacp_sm_settle(struct lacp_system *s, lacp_time_t now);
void lacp_sm_transmit(struct lacp_port *p, lacp_time_t now);
void lacp_sm_exit_check(struct lacp_port *p, lacp_time_t now);

#endif
