/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The simulation harness (sim.h): the callbacks that join the core's
 * ports, wires and virtual clock, and the log of what the ports sent.
 * Failures of the host's own (out of memory) abort: a harness has no one
 * to report them to.
 */
#include "sim.h"

#include <stdlib.h>
#include <string.h>

struct lacp_coverage sim_coverage;

/* Room for one more pointer in *V (N used of *CAP). */
static void grow(void *v, size_t n, size_t *cap)
{
	void ***arr = v;

	if (n < *cap)
		return;
	*cap = *cap ? *cap * 2 : 16;
	*arr = realloc(*arr, *cap * sizeof(**arr));
	if (!*arr)
		abort();
}

static void log_tx(struct sim_port *sp, const uint8_t *pdu, size_t len, lacp_time_t now)
{
	struct sim_tx *t;
	struct lacp_decoded d;

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
}

static void transmit(void *ctx, struct lacp_port *p, const uint8_t *pdu, size_t len,
		     lacp_time_t now)
{
	struct sim_port *sp = ctx;

	if (p != sp->p)
		sp->sim->stray++;
	if (sp->sim->log_tx)
		log_tx(sp, pdu, len, now);
	if (sp->on_transmit)
		sp->on_transmit(sp, pdu, len, now);
	if (sp->w && lacp_wire_send(sp->w, sp->end, pdu, len, now) != 0 &&
	    len <= LACP_WIRE_MAX_FRAME)
		sp->wire_refused++;
}

static void event(void *ctx, struct lacp_port *p, const struct lacp_event *ev)
{
	struct sim_port *sp = ctx;

	if (p != sp->p)
		sp->sim->stray++;
	if (ev->type < LACP_EV_COUNT)
		sp->events[ev->type]++;
	if (sp->on_event)
		sp->on_event(sp, ev);
}

static const struct lacp_port_ops sim_ops = {
	.transmit = transmit,
	.event = event,
};

int sim_feed(struct sim_port *sp, const uint8_t *frame, size_t len)
{
	if (!sp->p)
		return -1;
	sp->fed++;
	sp->sim->delivered++;
	return lacp_port_rx(sp->p, frame, len, sp->sim->vc.now);
}

static void deliver(void *ctx, const uint8_t *frame, size_t len, lacp_time_t now)
{
	struct sim_port *sp = ctx;

	if (now != sp->sim->vc.now)
		sp->sim->skewed++;
	sim_feed(sp, frame, len);
}

static void carrier(void *ctx, bool up, lacp_time_t now)
{
	struct sim_port *sp = ctx;

	if (sp->p)
		lacp_port_set_enabled(sp->p, up, now);
	if (sp->on_carrier)
		sp->on_carrier(sp, up, now);
}

void sim_init(struct sim *s)
{
	memset(s, 0, sizeof(*s));
	s->log_tx = true;
	s->q = lacp_timerq_new();
	if (!s->q)
		abort();
}

struct lacp_system *sim_system(struct sim *s, uint8_t id, uint16_t prio)
{
	uint8_t mac[6] = {0x02, 0, 0, 0, 0, id};
	struct lacp_system *sys;

	grow(&s->sys, s->n_sys, &s->cap_sys);
	sys = lacp_system_new(mac, prio, s->q);
	if (!sys)
		abort();
	s->sys[s->n_sys++] = sys;
	return sys;
}

struct lacp_port_config sim_config(uint16_t n)
{
	struct lacp_port_config c;

	lacp_port_config_default(&c);
	c.port_number = n;
	return c;
}

void sim_port_add(struct sim *s, struct sim_port *sp)
{
	grow(&s->ports, s->n_ports, &s->cap_ports);
	sp->sim = s;
	s->ports[s->n_ports++] = sp;
}

int sim_port_open(struct sim_port *sp, struct lacp_system *sys,
		  const struct lacp_port_config *c)
{
	sp->p = NULL;
	return lacp_port_new(sys, c, &sim_ops, sp, sp->sim->vc.now, &sp->p);
}

void sim_port_close(struct sim_port *sp)
{
	struct lacp_port *p = sp->p;

	if (!p)
		return;
	sp->p = NULL;
	lacp_port_free(p);
}

struct sim_port *sim_port(struct sim *s, struct lacp_system *sys,
			  const struct lacp_port_config *c)
{
	struct sim_port *sp = calloc(1, sizeof(*sp));

	if (!sp)
		abort();
	sp->allocated = true;
	sim_port_add(s, sp);
	if (sim_port_open(sp, sys, c) != 0)
		abort();
	return sp;
}

struct lacp_wire *sim_connect(struct sim *s, struct sim_port *a, struct sim_port *b,
			      lacp_time_t delay_ms)
{
	struct lacp_wire *w;

	grow(&s->wires, s->n_wires, &s->cap_wires);
	w = lacp_wire_new(s->q);
	if (!w)
		abort();
	s->wires[s->n_wires++] = w;
	lacp_wire_set_delay(w, LACP_MS(delay_ms));
	a->w = w;
	a->end = 0;
	b->w = w;
	b->end = 1;
	lacp_wire_attach(w, 0, deliver, a);
	lacp_wire_attach(w, 1, deliver, b);
	lacp_wire_set_carrier_cb(w, 0, carrier);
	lacp_wire_set_carrier_cb(w, 1, carrier);
	return w;
}

void sim_enable(struct sim *s, struct sim_port *sp)
{
	lacp_port_set_enabled(sp->p, true, s->vc.now);
}

void sim_advance(struct sim *s, lacp_time_t us)
{
	lacp_vclock_advance(&s->vc, s->q, us);
}

void sim_run(struct sim *s, double ms)
{
	sim_advance(s, (lacp_time_t)(ms * 1000.0));
}

lacp_time_t sim_run_until(struct sim *s, bool (*cond)(void *arg), void *arg, double limit_ms)
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

unsigned sim_lacpdus(const struct sim_port *sp, lacp_time_t from, lacp_time_t to)
{
	unsigned n = 0;

	for (size_t i = 0; i < sp->n_tx; i++)
		if (sp->tx[i].subtype == LACP_SUBTYPE_LACP && sp->tx[i].time >= from &&
		    sp->tx[i].time < to)
			n++;
	return n;
}

const struct sim_tx *sim_last_lacpdu(const struct sim_port *sp)
{
	for (size_t i = sp->n_tx; i-- > 0;)
		if (sp->tx[i].subtype == LACP_SUBTYPE_LACP)
			return &sp->tx[i];
	return NULL;
}

void sim_free(struct sim *s)
{
	for (size_t i = 0; i < s->n_sys; i++)
		lacp_system_coverage(s->sys[i], &sim_coverage);
	for (size_t i = 0; i < s->n_sys; i++)
		lacp_system_free(s->sys[i]);
	for (size_t i = 0; i < s->n_wires; i++)
		lacp_wire_free(s->wires[i]);
	for (size_t i = 0; i < s->n_ports; i++) {
		free(s->ports[i]->tx);
		s->ports[i]->tx = NULL;
		if (s->ports[i]->allocated)
			free(s->ports[i]);
	}
	free(s->sys);
	free(s->ports);
	free(s->wires);
	lacp_timerq_free(s->q);
}
