/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Header-only simulation harness for the machine tests: systems and ports
 * joined by in-process wires, all on one virtual clock, with a log of every
 * LACPDU each port sent and of its events. Every test_*.c is its own
 * program, so everything here is static.
 */
#ifndef LACP_TEST_SIM_LACP_H
#define LACP_TEST_SIM_LACP_H

#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "lacpdu.h"
#include "sm.h"
#include "wire.h"

#define SIM_MAX 16

struct sim;

/* A sent frame as the log keeps it. */
struct sim_tx {
	lacp_time_t time;
	uint8_t subtype;
	struct lacp_lacpdu pdu; /* when a LACPDU */
	struct lacp_marker marker; /* when a Marker PDU */
};

struct sim_port {
	struct sim *sim;
	struct lacp_port *p;
	struct lacp_wire *w; /* NULL until connected */
	int end;
	struct sim_tx *tx;
	size_t n_tx, cap_tx;
	unsigned events[LACP_EV_COUNT];
	/* Optional hook called for every event after it is counted. */
	void (*on_event)(struct sim_port *sp, const struct lacp_event *ev);
	void *user;
};

struct sim {
	struct lacp_timerq *q;
	struct lacp_vclock vc;
	struct lacp_system *sys[SIM_MAX];
	size_t n_sys;
	struct sim_port *ports[SIM_MAX];
	size_t n_ports;
	struct lacp_wire *wires[SIM_MAX];
	size_t n_wires;
};

/* States entered over every scenario, summed when a sim is freed. */
static struct lacp_coverage sim_coverage;

static inline void sim_transmit(void *ctx, struct lacp_port *p, const uint8_t *pdu, size_t len,
			 lacp_time_t now)
{
	struct sim_port *sp = ctx;
	struct sim_tx *t;
	struct lacp_decoded d;

	(void)p;
	if (sp->n_tx == sp->cap_tx) {
		sp->cap_tx = sp->cap_tx ? sp->cap_tx * 2 : 64;
		sp->tx = realloc(sp->tx, sp->cap_tx * sizeof(*sp->tx));
		if (!sp->tx)
			abort();
	}
	t = &sp->tx[sp->n_tx++];
	memset(t, 0, sizeof(*t));
	t->time = now;
	t->subtype = len ? pdu[0] : 0;
	lacp_pdu_decode(pdu, len, &d);
	t->pdu = d.lacpdu;
	t->marker = d.marker;
	if (sp->w)
		lacp_wire_send(sp->w, sp->end, pdu, len, now);
}

static inline void sim_event(void *ctx, struct lacp_port *p, const struct lacp_event *ev)
{
	struct sim_port *sp = ctx;

	(void)p;
	sp->events[ev->type]++;
	if (sp->on_event)
		sp->on_event(sp, ev);
}

static inline void sim_deliver(void *ctx, const uint8_t *frame, size_t len, lacp_time_t now)
{
	struct sim_port *sp = ctx;

	lacp_port_rx(sp->p, frame, len, now);
}

static inline void sim_carrier(void *ctx, bool up, lacp_time_t now)
{
	struct sim_port *sp = ctx;

	lacp_port_set_enabled(sp->p, up, now);
}

static const struct lacp_port_ops sim_ops = {
	.transmit = sim_transmit,
	.event = sim_event,
};

static inline void sim_init(struct sim *s)
{
	memset(s, 0, sizeof(*s));
	s->q = lacp_timerq_new();
	if (!s->q)
		abort();
}

/* A system with MAC 02:00:00:00:00:ID. */
static inline struct lacp_system *sim_system(struct sim *s, uint8_t id, uint16_t prio)
{
	uint8_t mac[6] = {0x02, 0, 0, 0, 0, id};
	struct lacp_system *sys = lacp_system_new(mac, prio, s->q);

	if (!sys)
		abort();
	s->sys[s->n_sys++] = sys;
	return sys;
}

/* The defaults with port number N. */
static inline struct lacp_port_config sim_config(uint16_t n)
{
	struct lacp_port_config c;

	lacp_port_config_default(&c);
	c.port_number = n;
	return c;
}

static inline struct sim_port *sim_port(struct sim *s, struct lacp_system *sys,
				 const struct lacp_port_config *c)
{
	struct sim_port *sp = calloc(1, sizeof(*sp));

	if (!sp)
		abort();
	sp->sim = s;
	s->ports[s->n_ports++] = sp;
	if (lacp_port_new(sys, c, &sim_ops, sp, s->vc.now, &sp->p) != 0)
		abort();
	return sp;
}

/* Joins A and B with a new wire of DELAY_MS. */
static inline struct lacp_wire *sim_connect(struct sim *s, struct sim_port *a, struct sim_port *b,
				     lacp_time_t delay_ms)
{
	struct lacp_wire *w = lacp_wire_new(s->q);

	if (!w)
		abort();
	s->wires[s->n_wires++] = w;
	lacp_wire_set_delay(w, LACP_MS(delay_ms));
	a->w = w;
	a->end = 0;
	b->w = w;
	b->end = 1;
	lacp_wire_attach(w, 0, sim_deliver, a);
	lacp_wire_attach(w, 1, sim_deliver, b);
	lacp_wire_set_carrier_cb(w, 0, sim_carrier);
	lacp_wire_set_carrier_cb(w, 1, sim_carrier);
	return w;
}

static inline void sim_enable(struct sim *s, struct sim_port *sp)
{
	lacp_port_set_enabled(sp->p, true, s->vc.now);
}

/* Advances the virtual clock by MS milliseconds. */
static inline void sim_run(struct sim *s, double ms)
{
	lacp_vclock_advance(&s->vc, s->q, (lacp_time_t)(ms * 1000.0));
}

/* Advances until COND(ARG) holds or LIMIT_MS passed, timer by timer.
 * Returns the time it held, or -1. */
static inline lacp_time_t sim_run_until(struct sim *s, bool (*cond)(void *arg), void *arg,
				 double limit_ms)
{
	lacp_time_t end = s->vc.now + (lacp_time_t)(limit_ms * 1000.0);

	while (!cond(arg)) {
		lacp_time_t next = lacp_timerq_next(s->q);

		if (next > end)
			return -1;
		lacp_vclock_advance_to(&s->vc, s->q, next > s->vc.now ? next : s->vc.now);
	}
	return s->vc.now;
}

/* LACPDUs P sent in [FROM, TO). */
static inline unsigned sim_lacpdus(const struct sim_port *sp, lacp_time_t from, lacp_time_t to)
{
	unsigned n = 0;

	for (size_t i = 0; i < sp->n_tx; i++)
		if (sp->tx[i].subtype == LACP_SUBTYPE_LACP && sp->tx[i].time >= from &&
		    sp->tx[i].time < to)
			n++;
	return n;
}

/* The last LACPDU P sent, or NULL. */
static inline const struct sim_tx *sim_last_lacpdu(const struct sim_port *sp)
{
	for (size_t i = sp->n_tx; i-- > 0;)
		if (sp->tx[i].subtype == LACP_SUBTYPE_LACP)
			return &sp->tx[i];
	return NULL;
}

static inline void sim_free(struct sim *s)
{
	for (size_t i = 0; i < s->n_sys; i++)
		lacp_system_coverage(s->sys[i], &sim_coverage);
	for (size_t i = 0; i < s->n_sys; i++)
		lacp_system_free(s->sys[i]);
	for (size_t i = 0; i < s->n_wires; i++)
		lacp_wire_free(s->wires[i]);
	for (size_t i = 0; i < s->n_ports; i++) {
		free(s->ports[i]->tx);
		free(s->ports[i]);
	}
	lacp_timerq_free(s->q);
}

#endif
