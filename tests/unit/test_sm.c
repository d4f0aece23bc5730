/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The 802.1AX-2014 clause 6.4 machines on a virtual clock: negotiation,
 * timeouts, periodic rates, the transmit limit, selection (keys, Individual,
 * loopback, STANDBY, reselection), churn, markers, independent control,
 * tester controls and re-entrant callbacks. Ends with a coverage table of
 * every state of every machine.
 */
#include <errno.h>
#include <stdio.h>

#include "check.h"
#include "sim.h"
#include "state.h"

#define S(x) LACP_STATE_##x

static bool both_cd(void *arg)
{
	struct sim_port **v = arg;

	return v[0]->p->mux == LACP_MUX_COLLECTING_DISTRIBUTING &&
	       v[1]->p->mux == LACP_MUX_COLLECTING_DISTRIBUTING;
}

static bool rx_is(void *arg)
{
	struct { struct sim_port *sp; enum lacp_rx_state st; } *c = arg;

	return c->sp->p->rx == c->st;
}

/* Runs until P's Receive machine is in ST; the time, or -1. */
static lacp_time_t until_rx(struct sim *s, struct sim_port *sp, enum lacp_rx_state st,
			    double limit_ms)
{
	struct { struct sim_port *sp; enum lacp_rx_state st; } c = {sp, st};

	return sim_run_until(s, rx_is, &c, limit_ms);
}

/* Aggregators of SYS with a port. */
static unsigned aggs_in_use(const struct lacp_system *sys)
{
	unsigned n = 0;

	for (size_t i = 0; i < sys->n_aggs; i++)
		n += sys->aggs[i]->n_ports > 0;
	return n;
}

/* Two systems, one port each, joined by a wire of DELAY_MS. */
static void pair(struct sim *s, struct sim_port **a, struct sim_port **b,
		 const struct lacp_port_config *ca, const struct lacp_port_config *cb,
		 double delay_ms)
{
	struct lacp_system *sa, *sb;
	struct lacp_port_config da = sim_config(1), db = sim_config(1);

	sim_init(s);
	sa = sim_system(s, 1, 32768);
	sb = sim_system(s, 2, 32768);
	*a = sim_port(s, sa, ca ? ca : &da);
	*b = sim_port(s, sb, cb ? cb : &db);
	sim_connect(s, *a, *b, (lacp_time_t)delay_ms);
	sim_enable(s, *a);
	sim_enable(s, *b);
}

/* No more than LIMIT LACPDUs in any window of W. */
static bool within_limit(const struct sim_port *sp, unsigned limit, lacp_time_t w)
{
	lacp_time_t t[4096];
	size_t n = 0;

	for (size_t i = 0; i < sp->n_tx && n < 4096; i++)
		if (sp->tx[i].subtype == LACP_SUBTYPE_LACP)
			t[n++] = sp->tx[i].time;
	/* any window of W, closed at both ends (6.4.16) */
	for (size_t i = 0; i + limit < n; i++)
		if (t[i + limit] - t[i] <= w)
			return false;
	return true;
}

static void test_negotiation(void)
{
	struct sim s;
	struct sim_port *v[2];
	char buf[LACP_STATE_STRLEN];

	for (int delay = 0; delay <= 100; delay += 100) {
		pair(&s, &v[0], &v[1], NULL, NULL, delay);
		sim_run(&s, 1990);
		CHECK_INT(v[0]->p->mux, LACP_MUX_WAITING);
		CHECK_INT(v[1]->p->mux, LACP_MUX_WAITING);
		lacp_time_t t = sim_run_until(&s, both_cd, v, 10000);
		/* aggregate wait honoured: between 2 and 3 s after start */
		CHECK(t >= LACP_SEC(2) && t <= LACP_SEC(3));
		/* the last PDUs arrive (the transmit limit may hold one) */
		sim_run(&s, 1500);
		for (int i = 0; i < 2; i++) {
			struct lacp_port *p = v[i]->p;

			CHECK_STR(lacp_state_format(p->actor.state, buf), "ATGSCD");
			CHECK_STR(lacp_state_format(p->partner.state, buf), "ATGSCD");
			CHECK_INT(p->rx, LACP_RX_CURRENT);
			CHECK_INT(p->selected, LACP_SELECTED);
			CHECK_INT(p->aggregator, 1);
			CHECK_INT(p->periodic, LACP_PERIODIC_FAST_PERIODIC);
			CHECK_INT(p->partner.system[5], i == 0 ? 2 : 1);
			CHECK(v[i]->events[LACP_EV_OPER] > 0);
		}
		/* steady state: one LACPDU a second each way, nothing expires */
		lacp_time_t t0 = s.vc.now;
		CHECK(within_limit(v[0], 3, LACP_SEC(1)));
		sim_run(&s, 10000);
		CHECK_INT(sim_lacpdus(v[0], t0, s.vc.now), 10);
		CHECK_INT(v[0]->p->mux, LACP_MUX_COLLECTING_DISTRIBUTING);
		CHECK_INT(v[0]->events[LACP_EV_EXPIRED], 0);
		CHECK_INT(v[1]->p->counters.lacpdus_rx, v[0]->p->counters.lacpdus_tx);
		sim_free(&s);
	}
}

static void test_passive(void)
{
	struct sim s;
	struct sim_port *a, *b;
	struct lacp_port_config c = sim_config(1);

	/* passive with passive: not a single PDU */
	c.active = false;
	pair(&s, &a, &b, &c, &c, 0);
	sim_run(&s, 100000);
	CHECK_INT(a->n_tx + b->n_tx, 0);
	CHECK_INT(a->p->rx, LACP_RX_DEFAULTED);
	CHECK_INT(a->p->periodic, LACP_PERIODIC_NO_PERIODIC);
	/* partner never in sync for 60 s: partner churn, counted once */
	CHECK_INT(a->p->partner_churn, LACP_PARTNER_CHURN);
	CHECK_INT(a->p->counters.partner_churn_count, 1);
	CHECK(a->p->partner_churn_flag);
	sim_free(&s);

	/* passive answers active */
	struct sim_port *v[2];
	pair(&s, &v[0], &v[1], NULL, &c, 0);
	CHECK(sim_run_until(&s, both_cd, v, 5000) > 0);
	CHECK(v[1]->n_tx > 0);
	CHECK(!(v[1]->p->actor.state & S(ACTIVITY)));
	sim_free(&s);
}

static void test_expiry(void)
{
	struct sim s;
	struct sim_port *v[2];

	pair(&s, &v[0], &v[1], NULL, NULL, 0);
	sim_run_until(&s, both_cd, v, 5000);
	sim_run(&s, 2500);
	lacp_port_set_tx_enabled(v[0]->p, false, s.vc.now); /* A goes silent */
	lacp_time_t last = v[1]->p->counters.last_rx_time;
	lacp_time_t t = until_rx(&s, v[1], LACP_RX_EXPIRED, 10000);
	CHECK_INT(t - last, LACP_SEC(3));
	CHECK_INT(v[1]->events[LACP_EV_EXPIRED], 1);
	/* the PDU sent at expiry shows E, not F */
	const struct sim_tx *x = sim_last_lacpdu(v[1]);
	CHECK(x && x->time == t);
	CHECK(x && (x->pdu.actor.state & S(EXPIRED)));
	CHECK(x && !(x->pdu.actor.state & S(DEFAULTED)));
	CHECK(x && !(x->pdu.actor.state & S(SYNC)) == false); /* still attached */
	CHECK_INT(v[1]->p->mux, LACP_MUX_ATTACHED);
	lacp_time_t t2 = until_rx(&s, v[1], LACP_RX_DEFAULTED, 10000);
	CHECK_INT(t2 - t, LACP_SEC(3));
	x = sim_last_lacpdu(v[1]);
	CHECK(x && x->time == t2);
	CHECK(x && (x->pdu.actor.state & S(DEFAULTED)));
	CHECK(x && !(x->pdu.actor.state & S(EXPIRED)));
	/* A still hears B: the E and F bits arrived there */
	CHECK(v[0]->p->partner.state & S(DEFAULTED));
	/* defaulted partner: Individual, alone on the system's one
	 * aggregator, whose id does not change (7.3.1) */
	CHECK_INT(v[1]->p->aggregator, 1);
	CHECK(lacp_system_aggregator(v[1]->p->system, 1)->individual);
	/* A speaks again: back to CURRENT and aggregated */
	lacp_port_set_tx_enabled(v[0]->p, true, s.vc.now);
	CHECK(sim_run_until(&s, both_cd, v, 10000) > 0);
	sim_free(&s);
}

static void test_long_timeout(void)
{
	struct sim s;
	struct sim_port *v[2];
	struct lacp_port_config slow = sim_config(1);

	slow.short_timeout = false;
	pair(&s, &v[0], &v[1], NULL, &slow, 0);
	sim_run_until(&s, both_cd, v, 5000);
	sim_run(&s, 40000);
	/* A follows B's long timeout bit: slow periodic */
	CHECK_INT(v[0]->p->periodic, LACP_PERIODIC_SLOW_PERIODIC);
	lacp_port_set_tx_enabled(v[0]->p, false, s.vc.now);
	lacp_time_t last = v[1]->p->counters.last_rx_time;
	lacp_time_t t = until_rx(&s, v[1], LACP_RX_EXPIRED, 200000);
	CHECK_INT(t - last, LACP_SEC(90));
	sim_free(&s);
}

static void test_periodic_rates(void)
{
	struct sim s;
	struct sim_port *v[2];
	struct lacp_port_config slow = sim_config(1);

	slow.short_timeout = false;
	pair(&s, &v[0], &v[1], NULL, &slow, 0);
	sim_run(&s, 10000);
	lacp_time_t t0 = s.vc.now;
	sim_run(&s, 90000);
	/* B sends fast because A asks for short timeouts, A sends slow */
	CHECK_INT(sim_lacpdus(v[1], t0, s.vc.now), 90);
	CHECK_INT(sim_lacpdus(v[0], t0, s.vc.now), 3);
	CHECK_INT(v[1]->p->periodic, LACP_PERIODIC_FAST_PERIODIC);
	/* B switches to short: A goes fast at once (PERIODIC_TX) */
	slow.short_timeout = true;
	lacp_port_set_config(v[1]->p, &slow, s.vc.now);
	sim_run(&s, 1);
	CHECK_INT(v[0]->p->periodic, LACP_PERIODIC_FAST_PERIODIC);
	t0 = s.vc.now;
	sim_run(&s, 10000);
	CHECK(sim_lacpdus(v[0], t0, s.vc.now) >= 10);
	/* and back to long: A slows down */
	slow.short_timeout = false;
	lacp_port_set_config(v[1]->p, &slow, s.vc.now);
	/* B's current_while was started short before the change, and A now
	 * sends slowly: B expires once (802.1AX does not restart the timer on
	 * a timeout change). Count after that has settled. */
	sim_run(&s, 5000);
	t0 = s.vc.now;
	sim_run(&s, 60000);
	CHECK_INT(sim_lacpdus(v[0], t0, s.vc.now), 2);
	sim_free(&s);
}

static void test_tx_limit(void)
{
	struct sim s;
	struct sim_port *v[2];
	struct lacp_port_config c = sim_config(1);

	pair(&s, &v[0], &v[1], NULL, NULL, 0);
	sim_run_until(&s, both_cd, v, 5000);
	sim_run(&s, 500);
	size_t before = v[0]->n_tx;
	/* ten changes at one instant, each one NTT */
	for (int i = 1; i <= 10; i++) {
		c.collector_max_delay = (uint16_t)i;
		lacp_port_set_config(v[0]->p, &c, s.vc.now);
	}
	CHECK(v[0]->n_tx - before <= 3);
	CHECK(v[0]->p->counters.tx_suppressed >= 1);
	CHECK(v[0]->p->ntt); /* still pending */
	/* then a change every 10 ms for 1.5 s */
	for (int i = 1; i <= 150; i++) {
		c.collector_max_delay = (uint16_t)(i == 150 ? 10 : i + 1000);
		lacp_port_set_config(v[0]->p, &c, s.vc.now);
		sim_run(&s, 10);
	}
	sim_run(&s, 3000);
	CHECK(!v[0]->p->ntt);
	CHECK(within_limit(v[0], 3, LACP_SEC(1)));
	CHECK(within_limit(v[1], 3, LACP_SEC(1)));
	const struct sim_tx *x = sim_last_lacpdu(v[0]);
	CHECK(x && x->pdu.collector_max_delay == 10);
	/* a held PDU left the first moment the closed window allowed */
	bool found = false;
	for (size_t i = 3; i < v[0]->n_tx; i++)
		if (v[0]->tx[i].time == v[0]->tx[i - 3].time + LACP_SEC(1) + LACP_US(1))
			found = true;
	CHECK(found);
	/* bypass: the limit no longer holds anything back */
	c.tx_limit_bypass = true;
	lacp_port_set_config(v[0]->p, &c, s.vc.now);
	before = v[0]->n_tx;
	for (int i = 0; i < 6; i++) {
		c.collector_max_delay = (uint16_t)(100 + i);
		lacp_port_set_config(v[0]->p, &c, s.vc.now);
	}
	CHECK_INT(v[0]->n_tx - before, 6);
	sim_free(&s);
}

/* A: two ports with keys KA1, KA2; B: two ports key 1; pairwise wires. */
static void quad(struct sim *s, struct sim_port *a[2], struct sim_port *b[2],
		 uint16_t ka1, uint16_t ka2, unsigned max_ports)
{
	struct lacp_system *sa, *sb;
	struct lacp_port_config c;

	sim_init(s);
	sa = sim_system(s, 1, 32768);
	sb = sim_system(s, 2, 32768);
	lacp_system_set_max_ports(sa, max_ports, 0);
	lacp_system_set_max_ports(sb, max_ports, 0);
	for (int i = 0; i < 2; i++) {
		c = sim_config((uint16_t)(i + 1));
		c.key = i == 0 ? ka1 : ka2;
		a[i] = sim_port(s, sa, &c);
		c.key = 1;
		b[i] = sim_port(s, sb, &c);
		sim_connect(s, a[i], b[i], 0);
		sim_enable(s, a[i]);
		sim_enable(s, b[i]);
	}
}

static void test_two_port_aggregation(void)
{
	struct sim s;
	struct sim_port *a[2], *b[2];

	quad(&s, a, b, 1, 1, 0);
	sim_run(&s, 5000);
	for (int i = 0; i < 2; i++) {
		CHECK_INT(a[i]->p->mux, LACP_MUX_COLLECTING_DISTRIBUTING);
		CHECK_INT(b[i]->p->mux, LACP_MUX_COLLECTING_DISTRIBUTING);
		CHECK_INT(a[i]->p->aggregator, 1);
		CHECK_INT(b[i]->p->aggregator, 1);
	}
	CHECK_INT(lacp_system_aggregator(a[0]->p->system, 1)->n_ports, 2);
	CHECK_INT(aggs_in_use(a[0]->p->system), 1);
	CHECK_INT(a[0]->p->system->n_aggs, 2); /* one per port, one free */
	/* cutting one link leaves the other aggregated */
	lacp_wire_cut(s.wires[0], s.vc.now);
	sim_run(&s, 5000);
	CHECK_INT(a[0]->p->rx, LACP_RX_PORT_DISABLED);
	CHECK(!a[0]->p->port_enabled);
	CHECK_INT(a[1]->p->mux, LACP_MUX_COLLECTING_DISTRIBUTING);
	lacp_wire_restore(s.wires[0], s.vc.now);
	sim_run(&s, 5000);
	CHECK_INT(a[0]->p->mux, LACP_MUX_COLLECTING_DISTRIBUTING);
	sim_free(&s);
}

static void test_key_mismatch(void)
{
	struct sim s;
	struct sim_port *a[2], *b[2];

	quad(&s, a, b, 1, 2, 0);
	sim_run(&s, 5000);
	CHECK(a[0]->p->aggregator != a[1]->p->aggregator);
	CHECK(b[0]->p->aggregator != b[1]->p->aggregator);
	CHECK_INT(aggs_in_use(a[0]->p->system), 2);
	CHECK_INT(aggs_in_use(b[0]->p->system), 2);
	for (int i = 0; i < 2; i++)
		CHECK_INT(b[i]->p->mux, LACP_MUX_COLLECTING_DISTRIBUTING);
	sim_free(&s);
}

static void test_standby(void)
{
	struct sim s;
	struct sim_port *a[2], *b[2];

	quad(&s, a, b, 1, 1, 1);
	sim_run(&s, 5000);
	CHECK_INT(a[0]->p->selected, LACP_SELECTED);
	CHECK_INT(a[1]->p->selected, LACP_STANDBY);
	CHECK_INT(a[1]->p->mux, LACP_MUX_WAITING);
	CHECK_INT(a[1]->p->aggregator, a[0]->p->aggregator);
	CHECK_INT(a[0]->p->mux, LACP_MUX_COLLECTING_DISTRIBUTING);
	CHECK(!(a[1]->p->actor.state & S(SYNC)));
	/* out of sync for 60 s: actor churn on the standby port */
	sim_run(&s, 60000);
	CHECK_INT(a[1]->p->actor_churn, LACP_ACTOR_CHURN);
	CHECK_INT(a[1]->p->counters.actor_churn_count, 1);
	CHECK_INT(a[0]->p->actor_churn, LACP_NO_ACTOR_CHURN);
	CHECK(a[1]->events[LACP_EV_CHURN] >= 1);
	/* room for two: promoted, attaches, churn ends */
	lacp_system_set_max_ports(a[0]->p->system, 2, s.vc.now);
	lacp_system_set_max_ports(b[0]->p->system, 2, s.vc.now);
	sim_run(&s, 5000);
	CHECK_INT(a[1]->p->selected, LACP_SELECTED);
	CHECK_INT(a[1]->p->mux, LACP_MUX_COLLECTING_DISTRIBUTING);
	CHECK_INT(a[1]->p->actor_churn, LACP_NO_ACTOR_CHURN);
	/* and back to one: the last port is demoted */
	lacp_system_set_max_ports(a[0]->p->system, 1, s.vc.now);
	sim_run(&s, 100);
	CHECK_INT(a[1]->p->selected, LACP_STANDBY);
	CHECK_INT(a[1]->p->mux, LACP_MUX_WAITING);
	sim_free(&s);
}

static void test_individual(void)
{
	struct sim s;
	struct sim_port *a[2], *b[2];
	struct lacp_port_config c;

	quad(&s, a, b, 1, 1, 0);
	for (int i = 0; i < 2; i++) {
		c = a[i]->p->config;
		c.aggregatable = false;
		lacp_port_set_config(a[i]->p, &c, s.vc.now);
	}
	sim_run(&s, 5000);
	CHECK(a[0]->p->aggregator != a[1]->p->aggregator);
	CHECK(b[0]->p->aggregator != b[1]->p->aggregator);
	for (int i = 0; i < 2; i++) {
		CHECK_INT(a[i]->p->mux, LACP_MUX_COLLECTING_DISTRIBUTING);
		CHECK_INT(b[i]->p->mux, LACP_MUX_COLLECTING_DISTRIBUTING);
		CHECK(!(a[i]->p->actor.state & S(AGGREGATION)));
		CHECK(lacp_system_aggregator(b[i]->p->system, b[i]->p->aggregator)->individual);
	}
	sim_free(&s);
}

static void test_loopback(void)
{
	struct sim s;
	struct lacp_system *sys;
	struct sim_port *p1, *p2;
	struct lacp_port_config c1 = sim_config(1), c2 = sim_config(2);

	sim_init(&s);
	sys = sim_system(&s, 1, 32768);
	p1 = sim_port(&s, sys, &c1);
	p2 = sim_port(&s, sys, &c2);
	sim_connect(&s, p1, p2, 0);
	sim_enable(&s, p1);
	sim_enable(&s, p2);
	sim_run(&s, 5000);
	CHECK(p1->p->loopback);
	CHECK(p2->p->loopback);
	CHECK_INT(p1->events[LACP_EV_LOOPBACK], 1);
	/* same LAG ID, yet never the same aggregator (6.4.14.1) */
	CHECK(p1->p->aggregator && p2->p->aggregator);
	CHECK(p1->p->aggregator != p2->p->aggregator);
	CHECK_INT(p1->p->mux, LACP_MUX_COLLECTING_DISTRIBUTING);
	sim_free(&s);
}

static void test_marker(void)
{
	struct sim s;
	struct sim_port *a, *b;
	struct lacp_marker m = {
		.version = 1, .response = false, .port = 7,
		.system = {0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee}, .transaction = 0xdeadbeef,
	};
	uint8_t buf[LACP_PDU_LEN];

	pair(&s, &a, &b, NULL, NULL, 5);
	sim_run(&s, 3000);
	lacp_marker_encode(&m, buf);
	CHECK_INT(lacp_port_transmit_pdu(a->p, buf, sizeof(buf), s.vc.now), 0);
	sim_run(&s, 20);
	CHECK_INT(a->p->counters.markers_tx, 1);
	CHECK_INT(b->p->counters.markers_rx, 1);
	CHECK_INT(b->p->counters.marker_responses_tx, 1);
	CHECK_INT(a->p->counters.marker_responses_rx, 1);
	const struct sim_tx *r = &b->tx[b->n_tx - 1];
	for (size_t i = b->n_tx; i-- > 0;)
		if (b->tx[i].subtype == LACP_SUBTYPE_MARKER) {
			r = &b->tx[i];
			break;
		}
	CHECK_INT(r->subtype, LACP_SUBTYPE_MARKER);
	CHECK(r->marker.response);
	CHECK_INT(r->marker.port, 7);
	CHECK_MEM(r->marker.system, m.system, 6);
	CHECK_INT(r->marker.transaction, 0xdeadbeef);
	/* unknown and illegal frames are counted, nothing else */
	uint8_t junk[LACP_PDU_LEN] = {5};
	CHECK_INT(lacp_port_rx(b->p, junk, sizeof(junk), s.vc.now), LACP_CLASS_UNKNOWN);
	junk[0] = 0;
	CHECK_INT(lacp_port_rx(b->p, junk, sizeof(junk), s.vc.now), LACP_CLASS_ILLEGAL);
	CHECK_INT(b->p->counters.unknown_rx, 1);
	CHECK_INT(b->p->counters.illegal_rx, 1);
	/* drop-rx: counted as dropped only */
	lacp_port_set_rx_enabled(b->p, false);
	uint64_t rx = b->p->counters.lacpdus_rx;
	sim_run(&s, 2000);
	CHECK_INT(b->p->counters.lacpdus_rx, rx);
	CHECK(b->p->counters.rx_dropped >= 2);
	lacp_port_set_rx_enabled(b->p, true);
	/* stop-tx refuses host PDUs */
	lacp_port_set_tx_enabled(a->p, false, s.vc.now);
	CHECK_INT(lacp_port_transmit_pdu(a->p, buf, sizeof(buf), s.vc.now), -EAGAIN);
	sim_free(&s);
}

static void test_reselection(void)
{
	struct sim s;
	struct sim_port *v[2];
	uint8_t other[6] = {0x02, 0, 0, 0, 0, 9};

	pair(&s, &v[0], &v[1], NULL, NULL, 0);
	sim_run_until(&s, both_cd, v, 5000);
	CHECK_INT(v[1]->p->aggregator, 1);
	unsigned sel_events = v[1]->events[LACP_EV_AGGREGATOR];
	/* the partner's system changes mid-session */
	lacp_system_set_id(v[0]->p->system, other, s.vc.now);
	sim_run(&s, 1);
	CHECK(v[1]->p->mux != LACP_MUX_COLLECTING_DISTRIBUTING);
	CHECK(v[1]->p->counters.partner_change_count >= 2);
	CHECK(sim_run_until(&s, both_cd, v, 5000) > 0);
	CHECK_INT(v[1]->p->aggregator, 1); /* the same aggregator, reselected */
	CHECK_INT(v[1]->p->partner.system[5], 9);
	CHECK(v[1]->events[LACP_EV_AGGREGATOR] > sel_events);
	CHECK_INT(v[1]->p->system->n_aggs, 1);
	/* and its key */
	struct lacp_port_config c = v[0]->p->config;
	c.key = 5;
	lacp_port_set_config(v[0]->p, &c, s.vc.now);
	sim_run(&s, 1);
	CHECK(v[1]->p->mux != LACP_MUX_COLLECTING_DISTRIBUTING);
	CHECK(sim_run_until(&s, both_cd, v, 5000) > 0);
	CHECK_INT(v[1]->p->aggregator, 1);
	CHECK_INT(v[1]->p->partner.key, 5);
	CHECK(v[0]->p->counters.actor_change_count >= 2);
	sim_free(&s);
}

static bool both_dist(void *arg)
{
	struct sim_port **v = arg;

	return v[0]->p->mux == LACP_MUX_DISTRIBUTING && v[1]->p->mux == LACP_MUX_DISTRIBUTING;
}

static void test_independent(void)
{
	struct sim s;
	struct sim_port *v[2];
	struct lacp_port_config c = sim_config(1);
	char buf[LACP_STATE_STRLEN];

	c.independent_control = true;
	pair(&s, &v[0], &v[1], &c, &c, 0);
	lacp_time_t t = sim_run_until(&s, both_dist, v, 5000);
	CHECK(t >= LACP_SEC(2) && t <= LACP_SEC(3));
	CHECK(v[0]->p->entered[LACP_M_MUX][LACP_MUX_COLLECTING] >= 1);
	CHECK_STR(lacp_state_format(v[0]->p->actor.state, buf), "ATGSCD");
	/* the partner stops collecting: back to COLLECTING only */
	lacp_port_write_actor_state(v[1]->p, v[1]->p->actor.state & (uint8_t)~S(COLLECTING),
				    s.vc.now);
	sim_run(&s, 1100); /* the transmit limit may hold it up to 1 s */
	CHECK_INT(v[0]->p->mux, LACP_MUX_COLLECTING);
	CHECK(!(v[0]->p->actor.state & S(DISTRIBUTING)));
	/* switching to coupled control mid-way */
	c.independent_control = false;
	lacp_port_set_config(v[0]->p, &c, s.vc.now);
	lacp_port_set_config(v[1]->p, &c, s.vc.now);
	CHECK(sim_run_until(&s, both_cd, v, 5000) > 0);
	sim_free(&s);
}

static void test_timing_config(void)
{
	struct sim s;
	struct sim_port *v[2];
	struct lacp_port_config ca = sim_config(1), cb = sim_config(1);

	ca.timing.fast_periodic = LACP_MS(1500);
	cb.timing.short_timeout = LACP_MS(2900);
	pair(&s, &v[0], &v[1], &ca, &cb, 0);
	sim_run(&s, 10000);
	/* A's period is 1.5 s */
	size_t n = 0;
	lacp_time_t prev = -1;
	bool spaced = true;
	for (size_t i = 0; i < v[0]->n_tx; i++) {
		if (v[0]->tx[i].time < LACP_SEC(4))
			continue;
		if (prev >= 0 && v[0]->tx[i].time - prev != LACP_MS(1500))
			spaced = false;
		prev = v[0]->tx[i].time;
		n++;
	}
	CHECK(spaced);
	CHECK(n >= 3);
	/* B times out after 2.9 s */
	lacp_port_set_tx_enabled(v[0]->p, false, s.vc.now);
	lacp_time_t last = v[1]->p->counters.last_rx_time;
	CHECK_INT(until_rx(&s, v[1], LACP_RX_EXPIRED, 10000) - last, LACP_MS(2900));
	/* a running timer follows a new timing */
	cb.timing.short_timeout = LACP_MS(1000);
	lacp_time_t t = s.vc.now;
	lacp_port_set_config(v[1]->p, &cb, s.vc.now);
	CHECK_INT(until_rx(&s, v[1], LACP_RX_DEFAULTED, 10000) - t, LACP_MS(1000));
	sim_free(&s);
}

/* Event hook: on the first COLLECTING_DISTRIBUTING, clear our own Sync. */
static void clear_sync_hook(struct sim_port *sp, const struct lacp_event *ev)
{
	if (ev->type == LACP_EV_TRANSITION && ev->machine == LACP_M_MUX &&
	    ev->to == LACP_MUX_COLLECTING_DISTRIBUTING && !sp->user) {
		sp->user = sp;
		lacp_port_write_actor_state(sp->p, sp->p->actor.state & (uint8_t)~S(SYNC),
					    ev->time);
		/* the write is visible at once, machines are consistent */
		CHECK(!(sp->p->actor.state & S(SYNC)));
	}
}

static unsigned nested_rx;

/* Event hook: answers every received LACPDU with a nested rx of a copy. */
static void nested_hook(struct sim_port *sp, const struct lacp_event *ev)
{
	if (ev->type == LACP_EV_RX && ev->decoded &&
	    ev->decoded->cls == LACP_CLASS_LACPDU && nested_rx < 3) {
		nested_rx++;
		lacp_port_rx(sp->p, ev->pdu, ev->len, ev->time);
	}
}

/* Event hook: the port frees itself on its first received LACPDU. */
static void free_hook(struct sim_port *sp, const struct lacp_event *ev)
{
	if (ev->type == LACP_EV_RX && sp->p) {
		lacp_wire_detach(sp->w, sp->end);
		sp->w = NULL;
		lacp_port_free(sp->p);
		sp->p = NULL;
		sp->user = sp;
	}
}

static void test_callbacks(void)
{
	struct sim s;
	struct sim_port *v[2];

	pair(&s, &v[0], &v[1], NULL, NULL, 0);
	v[0]->on_event = clear_sync_hook;
	sim_run(&s, 2500);
	CHECK(v[0]->user != NULL);
	/* the PDU carrying the write left in the same call */
	const struct sim_tx *x = sim_last_lacpdu(v[0]);
	CHECK(x && !(x->pdu.actor.state & S(SYNC)));
	CHECK(v[1]->p->mux != LACP_MUX_COLLECTING_DISTRIBUTING);
	CHECK_INT(v[0]->p->mux, LACP_MUX_COLLECTING_DISTRIBUTING);
	sim_free(&s);

	pair(&s, &v[0], &v[1], NULL, NULL, 0);
	v[1]->on_event = nested_hook;
	nested_rx = 0;
	sim_run(&s, 5000);
	CHECK_INT(nested_rx, 3);
	CHECK(both_cd(v));
	sim_free(&s);

	/* a port freed from its own callback goes when the dispatch ends */
	pair(&s, &v[0], &v[1], NULL, NULL, 0);
	v[0]->on_event = free_hook;
	sim_run(&s, 1);
	CHECK(v[0]->user != NULL);
	CHECK_INT(v[1]->p->system->n_ports, 1);
	CHECK_INT(s.sys[0]->n_ports, 0);
	CHECK_INT(aggs_in_use(s.sys[0]), 0);
	sim_run(&s, 10000);
	CHECK_INT(v[1]->p->rx, LACP_RX_DEFAULTED);
	sim_free(&s);
}

static void test_tester_controls(void)
{
	struct sim s;
	struct sim_port *v[2];
	struct lacp_tx_override o = {0};
	struct lacp_lacpdu pdu;

	pair(&s, &v[0], &v[1], NULL, NULL, 0);
	sim_run_until(&s, both_cd, v, 5000);
	/* force: every advertised state carries the pinned bits */
	lacp_port_force_actor_state(v[0]->p, S(DEFAULTED) | S(DISTRIBUTING), S(DEFAULTED),
				    s.vc.now);
	sim_run(&s, 3000);
	const struct sim_tx *x = sim_last_lacpdu(v[0]);
	CHECK(x && (x->pdu.actor.state & S(DEFAULTED)) && !(x->pdu.actor.state & S(DISTRIBUTING)));
	CHECK(v[0]->p->actor.state & S(DISTRIBUTING)); /* oper state untouched */
	/* the same rule for a state a host kept (a shadow of an earlier one) */
	CHECK_INT(lacp_port_advertised_of(v[0]->p, 0), S(DEFAULTED));
	CHECK_INT(lacp_port_advertised_of(v[0]->p, 0xff), 0xff & ~S(DISTRIBUTING));
	CHECK_INT(lacp_port_advertised_state(v[0]->p),
		  lacp_port_advertised_of(v[0]->p, v[0]->p->actor.state));
	lacp_port_force_actor_state(v[0]->p, 0, 0, s.vc.now);
	x = sim_last_lacpdu(v[0]);
	CHECK(x && !(x->pdu.actor.state & S(DEFAULTED)));
	/* override any field of sent PDUs */
	o.fields = LACP_OVR_ACTOR_KEY | LACP_OVR_PARTNER_PORT;
	o.pdu.actor.key = 77;
	o.pdu.partner.port = 99;
	lacp_port_set_tx_override(v[0]->p, &o);
	lacp_port_build_lacpdu(v[0]->p, &pdu);
	CHECK_INT(pdu.actor.key, 77);
	CHECK_INT(pdu.partner.port, 99);
	CHECK_INT(pdu.actor.port, 1);
	lacp_port_run(v[0]->p, s.vc.now);
	sim_run(&s, 1);
	CHECK_INT(v[1]->p->partner.key, 77);
	lacp_port_set_tx_override(v[0]->p, NULL);
	lacp_port_run(v[0]->p, s.vc.now);
	sim_run(&s, 5000); /* B reselected twice: a changed key, then back */
	CHECK(sim_run_until(&s, both_cd, v, 5000) > 0);
	/* partner write: the machines carry on from it */
	lacp_port_write_partner_state(v[0]->p, v[0]->p->partner.state & (uint8_t)~S(SYNC),
				      s.vc.now);
	CHECK_INT(v[0]->p->mux, LACP_MUX_ATTACHED);
	sim_run(&s, 1500);
	CHECK_INT(v[0]->p->mux, LACP_MUX_COLLECTING_DISTRIBUTING);
	/* counters reset */
	lacp_port_counters_reset(v[0]->p);
	CHECK_INT(v[0]->p->counters.lacpdus_tx, 0);
	CHECK_INT(v[0]->p->counters.last_rx_time, LACP_TIME_NEVER);
	sim_free(&s);
}

static void test_lacp_disabled_and_moved(void)
{
	struct sim s;
	struct lacp_system *sa, *sb;
	struct sim_port *a, *b1, *b2;
	struct lacp_port_config c = sim_config(1);

	sim_init(&s);
	sa = sim_system(&s, 1, 32768);
	sb = sim_system(&s, 2, 32768);
	a = sim_port(&s, sa, &c);
	c.lacp_enabled = false;
	b1 = sim_port(&s, sb, &c);
	c = sim_config(2);
	b2 = sim_port(&s, sb, &c);
	sim_connect(&s, a, b1, 0);
	sim_enable(&s, a);
	sim_enable(&s, b1);
	sim_run(&s, 5000);
	CHECK_INT(b1->p->rx, LACP_RX_LACP_DISABLED);
	CHECK_INT(b1->n_tx, 0);
	CHECK_INT(b1->p->mux, LACP_MUX_ATTACHED);
	CHECK_INT(a->p->rx, LACP_RX_DEFAULTED);
	c = b1->p->config;
	c.lacp_enabled = true;
	lacp_port_set_config(b1->p, &c, s.vc.now);
	sim_run(&s, 5000);
	CHECK_INT(b1->p->mux, LACP_MUX_COLLECTING_DISTRIBUTING);
	/* move the cable from b1 to b2: b1's partner shows up on b2 */
	lacp_wire_cut(s.wires[0], s.vc.now);
	CHECK_INT(b1->p->rx, LACP_RX_PORT_DISABLED);
	unsigned long init = b1->p->entered[LACP_M_RX][LACP_RX_INITIALIZE];
	sim_connect(&s, a, b2, 0);
	sim_enable(&s, a);
	sim_enable(&s, b2);
	sim_run(&s, 5000);
	CHECK_INT(b1->p->entered[LACP_M_RX][LACP_RX_INITIALIZE], init + 1);
	CHECK(b1->p->actor.state & S(DEFAULTED));
	CHECK_INT(b1->p->rx, LACP_RX_PORT_DISABLED);
	CHECK_INT(b2->p->mux, LACP_MUX_COLLECTING_DISTRIBUTING);
	/* freeing a port with the dispatch idle */
	lacp_system_coverage(sb, &sim_coverage);
	lacp_port_coverage_reset(b1->p);
	lacp_port_coverage_reset(b2->p);
	lacp_port_free(b2->p);
	CHECK_INT(sb->n_ports, 1);
	CHECK_INT(aggs_in_use(sb), 0); /* b1 is down: no aggregator */
	sim_free(&s);
}

static bool mux_is_cd(void *arg)
{
	return ((struct sim_port *)arg)->p->mux == LACP_MUX_COLLECTING_DISTRIBUTING;
}

/* 802.1AX-2020 wait-to-restore: a returning link waits in ATTACHED_WTR for
 * exactly the wtr time; not the first time the link comes up; not
 * revertive, it waits until told. */
static void test_wtr(void)
{
	struct sim s;
	struct sim_port *v[2];
	struct lacp_port_config c = sim_config(1);

	c.wtr = LACP_MS(5000);
	pair(&s, &v[0], &v[1], &c, NULL, 0);
	CHECK(sim_run_until(&s, both_cd, v, 5000) > 0); /* first time: no wait */
	CHECK_INT(v[0]->p->entered[LACP_M_MUX][LACP_MUX_ATTACHED_WTR], 0);
	lacp_wire_cut(s.wires[0], s.vc.now);
	sim_run(&s, 1000);
	lacp_time_t t0 = s.vc.now;
	lacp_wire_restore(s.wires[0], t0);
	sim_run(&s, 1);
	CHECK_INT(v[0]->p->mux, LACP_MUX_ATTACHED_WTR);
	CHECK_STR(v[0]->p->mux_reason, "wtr");
	CHECK(v[0]->p->actor.state & S(SYNC));
	CHECK(!(v[0]->p->actor.state & S(COLLECTING)));
	lacp_time_t t = sim_run_until(&s, mux_is_cd, v[0], 10000);
	CHECK_INT(t - t0, LACP_MS(5000));
	CHECK_STR(v[0]->p->mux_reason, "wtr_over");
	/* not revertive: held past the time, until revertive is set */
	c = v[0]->p->config;
	c.revertive = false;
	lacp_port_set_config(v[0]->p, &c, s.vc.now);
	lacp_wire_cut(s.wires[0], s.vc.now);
	sim_run(&s, 1000);
	lacp_wire_restore(s.wires[0], s.vc.now);
	sim_run(&s, 20000);
	CHECK_INT(v[0]->p->mux, LACP_MUX_ATTACHED_WTR);
	CHECK(!(v[0]->p->actor.state & S(COLLECTING))); /* in sync, not collecting */
	/* a coupled-control partner needs only our Sync (6.4.15) */
	CHECK_INT(v[1]->p->mux, LACP_MUX_COLLECTING_DISTRIBUTING);
	t0 = s.vc.now;
	c.revertive = true;
	lacp_port_set_config(v[0]->p, &c, s.vc.now);
	CHECK_INT(v[0]->p->mux, LACP_MUX_COLLECTING_DISTRIBUTING);
	/* the partner leaving sync during the wait: back to ATTACHED */
	lacp_wire_cut(s.wires[0], s.vc.now);
	sim_run(&s, 1000);
	lacp_wire_restore(s.wires[0], s.vc.now);
	sim_run(&s, 1);
	CHECK_INT(v[0]->p->mux, LACP_MUX_ATTACHED_WTR);
	lacp_port_write_partner_state(v[0]->p, v[0]->p->partner.state & (uint8_t)~S(SYNC),
				      s.vc.now);
	CHECK_INT(v[0]->p->mux, LACP_MUX_ATTACHED);
	CHECK_STR(v[0]->p->mux_reason, "partner_out_of_sync");
	sim_free(&s);
}

static void test_names(void)
{
	CHECK_STR(lacp_machine_state_name(LACP_M_MUX, LACP_MUX_COLLECTING_DISTRIBUTING),
		  "COLLECTING_DISTRIBUTING");
	CHECK_STR(lacp_machine_state_name(LACP_M_RX, LACP_STATE_BEGIN), "BEGIN");
	CHECK(lacp_machine_state_name(LACP_M_RX, 6) == NULL);
	CHECK_INT(lacp_machine_state_lookup(LACP_M_PERIODIC, "PERIODIC_TX"),
		  LACP_PERIODIC_PERIODIC_TX);
	CHECK_INT(lacp_machine_state_lookup(LACP_M_SELECTION, "STANDBY"), LACP_STANDBY);
	CHECK_INT(lacp_machine_state_lookup(LACP_M_SELECTION, "nope"), -1);
	CHECK_STR(lacp_event_name[LACP_EV_EXPIRED], "expired");
	struct lacp_timing t = lacp_timing_default();
	CHECK_INT(t.long_timeout, LACP_SEC(90));
	CHECK_INT(t.tx_limit, 3);
}

/* Every state of every machine was entered somewhere above. */
static void test_coverage(void)
{
	printf("%-14s %-24s %s\n", "machine", "state", "entered");
	for (int m = 0; m < LACP_M_COUNT; m++) {
		for (int st = 0; st < lacp_machine_state_count(m); st++) {
			unsigned long n = sim_coverage.entered[m][st];

			printf("%-14s %-24s %lu\n", lacp_machine_name[m],
			       lacp_machine_state_name(m, st), n);
			if (n == 0)
				fprintf(stderr, "never entered: %s %s\n", lacp_machine_name[m],
					lacp_machine_state_name(m, st));
			CHECK(n > 0);
		}
	}
}

int main(void)
{
	test_names();
	test_negotiation();
	test_passive();
	test_expiry();
	test_long_timeout();
	test_periodic_rates();
	test_tx_limit();
	test_two_port_aggregation();
	test_key_mismatch();
	test_standby();
	test_individual();
	test_loopback();
	test_marker();
	test_reselection();
	test_independent();
	test_timing_config();
	test_callbacks();
	test_tester_controls();
	test_lacp_disabled_and_moved();
	test_wtr();
	test_coverage();
	return CHECK_DONE();
}
