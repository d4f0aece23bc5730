/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What the files of the machines share and the host does not see:
 * sm_system.c (system, dirty list, events, dispatch), sm_select.c
 * (Selection Logic, aggregators), sm_machines.c (the per-port machines)
 * and sm_port.c (a port's inputs). The public interface is sm.h.
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

/* A change other ports of the system may depend on: the next step of the
 * dispatch runs them all (see lacp_sm_sweep_now). */
static inline void sweep_later(struct lacp_system *s)
{
	s->sweep = true;
}

/* ---- sm_system.c: the dirty list, events, dispatch */

/* Puts P in its system's dirty list. Every input to P does, before it
 * dispatches. */
void lacp_sm_mark(struct lacp_port *p);
/* A pending sweep marks every port; returns where a loop over the dirty
 * list goes on after AFTER (or I when no sweep is pending). */
size_t lacp_sm_sweep_now(struct lacp_system *s, const struct lacp_port *after, size_t i);
/* Queues EV for P, with copies of DECODED and DATA. */
void lacp_sm_queue_event(struct lacp_port *p, const struct lacp_event *ev,
			 const struct lacp_decoded *decoded, const uint8_t *data, size_t len);
void lacp_sm_note_transition(struct lacp_port *p, enum lacp_machine m, int from, int to,
			     lacp_time_t now);
void lacp_sm_simple_event(struct lacp_port *p, enum lacp_event_type type,
			  enum lacp_machine m, int from, int to, bool on, lacp_time_t now);
/* Brings the system up to date at NOW (or asks the running dispatch to
 * go round again). */
void lacp_sm_dispatch(struct lacp_system *s, lacp_time_t now);
/* Common part of management changes of the actor's identity. */
void lacp_sm_actor_changed(struct lacp_port *p, lacp_time_t now);

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
bool lacp_sm_mux_attached(const struct lacp_port *p);
bool lacp_sm_port_step(struct lacp_port *p, lacp_time_t now);
void lacp_sm_transmit(struct lacp_port *p, lacp_time_t now);
void lacp_sm_exit_check(struct lacp_port *p, lacp_time_t now);

#endif
