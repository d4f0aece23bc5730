/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Systems and aggregators on a virtual clock: the fixed set of aggregators
 * and their ids (7.3.1), the Selection Logic's choice among them (6.4.14),
 * STANDBY under a per-aggregator limit decided by the better System ID
 * (6.7.1) on both sides, takeover and preemption, Partner_Admin values of a
 * defaulted port, the min-links extension and the Mux's last reason.
 */
#include <errno.h>
#include <stdio.h>

#include "check.h"
#include "sim.h"
#include "state.h"

#define S(x) LACP_STATE_##x
#define NL 3

/* Two systems joined by NL links: a[i] -- b[i]. */
struct lag {
	struct sim s;
	struct lacp_system *sa, *sb;
	struct sim_port *a[NL], *b[NL];
};

/*
 * A (priority PA) and B (priority PB), NL links; a[i] has port number i + 1
 * and priority APRIO[i]; b[i] has port number NL - i (so the two sides
 * number the links differently) and priority BPRIO[i]. Both limited to MAX.
 */
static void lag_up(struct lag *l, uint16_t pa, uint16_t pb, const uint16_t aprio[NL],
		   const uint16_t bprio[NL], unsigned max)
{
	sim_init(&l->s);
	l->sa = sim_system(&l->s, 1, pa);
	l->sb = sim_system(&l->s, 2, pb);
	lacp_system_set_max_ports(l->sa, max, 0);
	lacp_system_set_max_ports(l->sb, max, 0);
	for (int i = 0; i < NL; i++) {
		struct lacp_port_config c = sim_config((uint16_t)(i + 1));

		c.port_priority = aprio[i];
		l->a[i] = sim_port(&l->s, l->sa, &c);
		c = sim_config((uint16_t)(NL - i));
		c.port_priority = bprio[i];
		l->b[i] = sim_port(&l->s, l->sb, &c);
		sim_connect(&l->s, l->a[i], l->b[i], 0);
	}
	for (int i = 0; i < NL; i++) {
		sim_enable(&l->s, l->a[i]);
		sim_enable(&l->s, l->b[i]);
	}
}

/* The links whose ports are STANDBY on side V, as a bit mask. */
static unsigned standby_mask(struct sim_port *const v[NL])
{
	unsigned m = 0;

	for (int i = 0; i < NL; i++)
		if (v[i]->p->selected == LACP_STANDBY)
			m |= 1u << i;
	return m;
}

/* The links collecting and distributing on side V, as a bit mask. */
static unsigned cd_mask(struct sim_port *const v[NL])
{
	unsigned m = 0;

	for (int i = 0; i < NL; i++)
		if (v[i]->p->mux == LACP_MUX_COLLECTING_DISTRIBUTING)
			m |= 1u << i;
	return m;
}

static const uint16_t same[NL] = {32768, 32768, 32768};

/* A is better (priority 100): its port priorities decide. It ranks link 0
 * worst; B's own priorities (which rank link 0 best) do not count. */
static void test_standby_better_system_decides(void)
{
	static const uint16_t ap[NL] = {300, 100, 200}, bp[NL] = {1, 500, 400};
	struct lag l;

	lag_up(&l, 100, 32768, ap, bp, 2);
	sim_run(&l.s, 6000);
	CHECK_INT(standby_mask(l.a), 1u << 0);
	CHECK_INT(standby_mask(l.b), 1u << 0);
	CHECK_INT(cd_mask(l.a), 6);
	CHECK_INT(cd_mask(l.b), 6);
	/* STANDBY: not Sync, waiting; the aggregator counts two selected */
	CHECK(!(l.a[0]->p->actor.state & S(SYNC)));
	CHECK(!(l.b[0]->p->actor.state & S(SYNC)));
	CHECK_INT(l.a[0]->p->mux, LACP_MUX_WAITING);
	CHECK_INT(lacp_system_aggregator(l.sa, l.a[1]->p->aggregator)->n_selected, 2);
	CHECK_INT(lacp_system_aggregator(l.sa, l.a[1]->p->aggregator)->n_ports, 3);
	CHECK_INT(l.a[0]->p->aggregator, l.a[1]->p->aggregator);
	sim_free(&l.s);

	/* the other way round: B is better, B's priorities rank b[2] worst */
	static const uint16_t bp2[NL] = {10, 20, 30};

	lag_up(&l, 32768, 5, ap, bp2, 2);
	sim_run(&l.s, 6000);
	CHECK_INT(standby_mask(l.a), 1u << 2);
	CHECK_INT(standby_mask(l.b), 1u << 2);
	CHECK_INT(cd_mask(l.a), 3);
	sim_free(&l.s);

	/* equal system priorities: the lower MAC (A, ...:01) decides; equal
	 * port priorities: the port numbers, A's link 2 (number 3) last */
	lag_up(&l, 32768, 32768, same, bp, 2);
	sim_run(&l.s, 6000);
	CHECK_INT(standby_mask(l.a), 1u << 2);
	CHECK_INT(standby_mask(l.b), 1u << 2);
	sim_free(&l.s);
}

/* An active link cut: the standby one takes its place on both sides; back,
 * it waits as STANDBY (no preemption), or displaces it (preemption). */
static void test_standby_takeover(void)
{
	static const uint16_t ap[NL] = {100, 200, 300};
	struct lag l;

	for (int preempt = 0; preempt <= 1; preempt++) {
		lag_up(&l, 100, 32768, ap, same, 2);
		lacp_system_set_preempt(l.sa, preempt, 0);
		lacp_system_set_preempt(l.sb, preempt, 0);
		sim_run(&l.s, 6000);
		CHECK_INT(standby_mask(l.a), 1u << 2);
		CHECK_INT(standby_mask(l.b), 1u << 2);
		lacp_wire_cut(l.s.wires[0], l.s.vc.now);
		sim_run(&l.s, 100);
		CHECK_INT(l.a[2]->p->selected, LACP_SELECTED);
		CHECK_INT(l.b[2]->p->selected, LACP_SELECTED);
		sim_run(&l.s, 5000);
		CHECK_INT(cd_mask(l.a), 6);
		CHECK_INT(cd_mask(l.b), 6);
		CHECK_INT(standby_mask(l.a), 1u << 0); /* link down: last */
		CHECK_STR(l.a[2]->p->mux_reason, "partner_sync");
		lacp_wire_restore(l.s.wires[0], l.s.vc.now);
		sim_run(&l.s, 6000);
		if (!preempt) {
			CHECK_INT(standby_mask(l.a), 1u << 0);
			CHECK_INT(standby_mask(l.b), 1u << 0);
			CHECK_INT(cd_mask(l.a), 6);
			CHECK_INT(cd_mask(l.b), 6);
		} else {
			CHECK_INT(standby_mask(l.a), 1u << 2);
			CHECK_INT(standby_mask(l.b), 1u << 2);
			CHECK_INT(cd_mask(l.a), 3);
			CHECK_INT(cd_mask(l.b), 3);
			CHECK_STR(l.a[2]->p->mux_reason, "standby");
		}
		sim_free(&l.s);
	}
}

/* Port priorities changed at runtime, on the deciding system: the standby
 * link moves, on both sides; on the other system they change nothing. */
static void test_standby_priority_change(void)
{
	static const uint16_t ap[NL] = {100, 200, 300};
	struct lag l;
	struct lacp_port_config c;

	lag_up(&l, 100, 32768, ap, same, 2);
	sim_run(&l.s, 6000);
	CHECK_INT(standby_mask(l.a), 1u << 2);
	/* swap the priorities of links 0 and 2 */
	c = l.a[2]->p->config;
	c.port_priority = 100;
	lacp_port_set_config(l.a[2]->p, &c, l.s.vc.now);
	c = l.a[0]->p->config;
	c.port_priority = 300;
	lacp_port_set_config(l.a[0]->p, &c, l.s.vc.now);
	sim_run(&l.s, 8000);
	CHECK_INT(standby_mask(l.a), 1u << 0);
	CHECK_INT(standby_mask(l.b), 1u << 0);
	CHECK_INT(cd_mask(l.a), 6);
	CHECK_INT(cd_mask(l.b), 6);
	/* B is not the deciding system: its priorities move nothing */
	c = l.b[0]->p->config;
	c.port_priority = 1;
	lacp_port_set_config(l.b[0]->p, &c, l.s.vc.now);
	sim_run(&l.s, 8000);
	CHECK_INT(standby_mask(l.a), 1u << 0);
	CHECK_INT(standby_mask(l.b), 1u << 0);
	/* B becomes the better system: now its priorities decide (b[0]
	 * best, then by port number: b[2] is number 1, b[1] number 2) */
	lacp_system_set_priority(l.sb, 1, l.s.vc.now);
	sim_run(&l.s, 8000);
	CHECK_INT(standby_mask(l.a), 1u << 1);
	CHECK_INT(standby_mask(l.b), 1u << 1);
	CHECK_INT(cd_mask(l.b), 5);
	/* the limit lifted: everything aggregates */
	lacp_system_set_max_ports(l.sa, 0, l.s.vc.now);
	lacp_system_set_max_ports(l.sb, 0, l.s.vc.now);
	sim_run(&l.s, 5000);
	CHECK_INT(standby_mask(l.a) | standby_mask(l.b), 0);
	CHECK_INT(cd_mask(l.a), 7);
	sim_free(&l.s);
}

/* Aggregator ids are those of a fixed set: 100 flaps of key and link leave
 * every port on the aggregator it started on. */
static void test_stable_ids(void)
{
	struct lag l;
	struct lacp_port_config c;
	uint16_t ida[NL], idb[NL];

	lag_up(&l, 32768, 32768, same, same, 0);
	sim_run(&l.s, 5000);
	CHECK_INT(l.sa->n_aggs, NL);
	for (int i = 0; i < NL; i++) {
		ida[i] = l.a[i]->p->aggregator;
		idb[i] = l.b[i]->p->aggregator;
		CHECK_INT(ida[i], 1);
		CHECK_INT(idb[i], 1);
	}
	for (int k = 0; k < 100; k++) {
		if (k % 2) {
			lacp_wire_cut(l.s.wires[k % NL], l.s.vc.now);
			sim_run(&l.s, 50);
			lacp_wire_restore(l.s.wires[k % NL], l.s.vc.now);
		} else {
			c = l.a[1]->p->config;
			c.key = (uint16_t)(c.key == 1 ? 2 : 1);
			lacp_port_set_config(l.a[1]->p, &c, l.s.vc.now);
		}
		sim_run(&l.s, 3500);
	}
	/* a[1]'s key ended at 1 again (50 changes): one aggregator again */
	CHECK_INT(l.a[1]->p->config.key, 1);
	sim_run(&l.s, 5000);
	for (int i = 0; i < NL; i++) {
		CHECK_INT(l.a[i]->p->aggregator, ida[i]);
		CHECK_INT(l.b[i]->p->aggregator, idb[i]);
		CHECK_INT(l.a[i]->p->mux, LACP_MUX_COLLECTING_DISTRIBUTING);
	}
	CHECK_INT(l.sa->n_aggs, NL);
	CHECK_INT(l.sb->n_aggs, NL);
	/* while a[1] has another key it takes the lowest free aggregator */
	c = l.a[1]->p->config;
	c.key = 7;
	lacp_port_set_config(l.a[1]->p, &c, l.s.vc.now);
	sim_run(&l.s, 5000);
	CHECK_INT(l.a[1]->p->aggregator, 2);
	CHECK_INT(l.b[1]->p->aggregator, 2);
	CHECK_INT(l.a[0]->p->aggregator, 1);
	sim_free(&l.s);
}

/* A defaulted port takes the Partner_Admin values (6.4.9 recordDefault):
 * two silent-partner ports with an aggregatable, in-sync admin partner
 * share one aggregator and distribute; with the default (all zero) they
 * are Individual and stay ATTACHED (no partner Synchronization). */
static void test_partner_admin(void)
{
	struct sim s;
	struct lacp_system *sa;
	struct sim_port *p[2];
	uint8_t admin_sys[6] = {0x02, 0, 0, 0, 0, 0x77};

	for (int with_admin = 0; with_admin <= 1; with_admin++) {
		sim_init(&s);
		sa = sim_system(&s, 1, 32768);
		for (int i = 0; i < 2; i++) {
			struct lacp_port_config c = sim_config((uint16_t)(i + 1));

			if (with_admin) {
				memcpy(c.partner_admin.system, admin_sys, 6);
				c.partner_admin.system_priority = 9;
				c.partner_admin.key = 7;
				c.partner_admin.port = (uint16_t)(i + 10);
				c.partner_admin.port_priority = 1;
				c.partner_admin.state = S(ACTIVITY) | S(AGGREGATION) | S(SYNC) |
							S(COLLECTING) | S(DISTRIBUTING);
			}
			p[i] = sim_port(&s, sa, &c);
			sim_enable(&s, p[i]);
		}
		sim_run(&s, 10000);
		for (int i = 0; i < 2; i++) {
			CHECK_INT(p[i]->p->rx, LACP_RX_DEFAULTED);
			CHECK_INT(p[i]->p->selected, LACP_SELECTED);
		}
		if (with_admin) {
			CHECK_INT(p[0]->p->aggregator, p[1]->p->aggregator);
			CHECK_INT(p[0]->p->mux, LACP_MUX_COLLECTING_DISTRIBUTING);
			CHECK_INT(p[1]->p->mux, LACP_MUX_COLLECTING_DISTRIBUTING);
			CHECK_INT(p[0]->p->partner.key, 7);
			CHECK_INT(p[1]->p->partner.port, 11);
			CHECK(!lacp_system_aggregator(sa, p[0]->p->aggregator)->individual);
		} else {
			CHECK(p[0]->p->aggregator != p[1]->p->aggregator);
			CHECK_INT(p[0]->p->mux, LACP_MUX_ATTACHED);
			CHECK(lacp_system_aggregator(sa, p[0]->p->aggregator)->individual);
		}
		sim_free(&s);
	}
}

/* min-links 3 over 3 links: distributing while all three are up; one cut
 * takes the other two back to ATTACHED (reason min_links); restored, all
 * three distribute again. */
static void test_min_links(void)
{
	struct lag l;

	lag_up(&l, 32768, 32768, same, same, 0);
	lacp_system_set_min_links(l.sa, 3, 0);
	sim_run(&l.s, 6000);
	CHECK_INT(cd_mask(l.a), 7);
	lacp_wire_cut(l.s.wires[0], l.s.vc.now);
	sim_run(&l.s, 100);
	CHECK_INT(cd_mask(l.a), 0);
	CHECK_INT(l.a[1]->p->mux, LACP_MUX_ATTACHED);
	CHECK_STR(l.a[1]->p->mux_reason, "min_links");
	/* B has no such limit: it stays distributing on the two links */
	CHECK_INT(cd_mask(l.b), 6);
	lacp_wire_restore(l.s.wires[0], l.s.vc.now);
	sim_run(&l.s, 3000);
	CHECK_INT(cd_mask(l.a), 7);
	/* lowered to 2 at runtime: a cut leaves two distributing */
	lacp_system_set_min_links(l.sa, 2, l.s.vc.now);
	lacp_wire_cut(l.s.wires[2], l.s.vc.now);
	sim_run(&l.s, 100);
	CHECK_INT(cd_mask(l.a), 3);
	sim_free(&l.s);
}

/* Fewer aggregators than ports cannot happen: a port always finds one. A
 * freed port's aggregator stays, free, with its id. */
static void test_aggregator_set(void)
{
	struct sim s;
	struct lacp_system *sa;
	struct sim_port *p[3];

	sim_init(&s);
	sa = sim_system(&s, 1, 32768);
	for (int i = 0; i < 3; i++) {
		struct lacp_port_config c = sim_config((uint16_t)(i + 1));

		c.aggregatable = false; /* each on an aggregator of its own */
		p[i] = sim_port(&s, sa, &c);
		sim_enable(&s, p[i]);
	}
	sim_run(&s, 10000);
	CHECK_INT(sa->n_aggs, 3);
	for (int i = 0; i < 3; i++)
		CHECK_INT(p[i]->p->aggregator, i + 1);
	lacp_port_free(p[0]->p);
	CHECK_INT(sa->n_aggs, 3);
	CHECK_INT(lacp_system_aggregator(sa, 1)->n_ports, 0);
	CHECK(!lacp_system_aggregator(sa, 1)->individual);
	/* a new port takes the free aggregator 1; no new one is made */
	struct lacp_port_config c = sim_config(4);

	c.aggregatable = false;
	p[0] = sim_port(&s, sa, &c);
	sim_enable(&s, p[0]);
	sim_run(&s, 10000);
	CHECK_INT(sa->n_aggs, 3);
	CHECK_INT(p[0]->p->aggregator, 1);
	sim_free(&s);
}

/* LACP fallback: two ports whose partner is silent come up, after the
 * fallback timeout, on their own (individual) or together (static); the
 * first LACPDU ends it and they aggregate with the real partner. */
static void test_fallback(void)
{
	for (int mode = LACP_FALLBACK_INDIVIDUAL; mode <= LACP_FALLBACK_STATIC; mode++) {
		struct sim s;
		struct lacp_system *sa, *sb;
		struct sim_port *a[2], *b[2];

		sim_init(&s);
		sa = sim_system(&s, 1, 32768);
		sb = sim_system(&s, 2, 32768);
		for (int i = 0; i < 2; i++) {
			struct lacp_port_config c = sim_config((uint16_t)(i + 1));

			c.fallback = (enum lacp_fallback)mode;
			c.fallback_timeout = LACP_MS(10000);
			a[i] = sim_port(&s, sa, &c);
			c = sim_config((uint16_t)(i + 1));
			c.active = false; /* a PXE host: no LACP yet */
			c.lacp_enabled = false;
			b[i] = sim_port(&s, sb, &c);
			sim_connect(&s, a[i], b[i], 0);
			sim_enable(&s, a[i]);
			sim_enable(&s, b[i]);
		}
		sim_run(&s, 9999);
		CHECK_INT(a[0]->p->rx, LACP_RX_DEFAULTED);
		CHECK(!a[0]->p->fallback);
		CHECK_INT(a[0]->p->mux, LACP_MUX_ATTACHED); /* default admin partner */
		lacp_time_t t0 = s.vc.now + 1000; /* the timeout: 10 s after link up */
		sim_run(&s, 1);
		CHECK(a[0]->p->fallback && a[1]->p->fallback);
		CHECK_INT(s.vc.now, t0);
		sim_run(&s, 3000);
		for (int i = 0; i < 2; i++)
			CHECK_INT(a[i]->p->mux, LACP_MUX_COLLECTING_DISTRIBUTING);
		if (mode == LACP_FALLBACK_STATIC)
			CHECK_INT(a[0]->p->aggregator, a[1]->p->aggregator);
		else
			CHECK(a[0]->p->aggregator != a[1]->p->aggregator);
		CHECK(!lacp_system_aggregator(sa, a[0]->p->aggregator)->individual ==
		      (mode == LACP_FALLBACK_STATIC));
		/* the host starts LACP: the first LACPDU ends the fallback */
		for (int i = 0; i < 2; i++) {
			struct lacp_port_config c = b[i]->p->config;

			c.active = true;
			c.lacp_enabled = true;
			lacp_port_set_config(b[i]->p, &c, s.vc.now);
		}
		sim_run(&s, 1);
		CHECK(!a[0]->p->fallback && !a[1]->p->fallback);
		CHECK_INT(a[0]->p->rx, LACP_RX_CURRENT);
		sim_run(&s, 5000);
		for (int i = 0; i < 2; i++) {
			CHECK_INT(a[i]->p->mux, LACP_MUX_COLLECTING_DISTRIBUTING);
			CHECK_INT(a[i]->p->partner.system[5], 2);
		}
		CHECK_INT(a[0]->p->aggregator, a[1]->p->aggregator);
		/* the host goes silent again: fallback once more, 10 s after
		 * its last LACPDU */
		for (int i = 0; i < 2; i++)
			lacp_port_set_tx_enabled(b[i]->p, false, s.vc.now);
		lacp_time_t last = a[0]->p->counters.last_rx_time;
		sim_run(&s, 20000);
		CHECK(a[0]->p->fallback);
		CHECK_INT(a[0]->p->entered[LACP_M_RX][LACP_RX_DEFAULTED] > 0, 1);
		CHECK(last > 0);
		sim_free(&s);
	}
}

/* Fallback turned off while in it: the admin partner again. */
static void test_fallback_off(void)
{
	struct sim s;
	struct lacp_system *sa;
	struct sim_port *a;
	struct lacp_port_config c = sim_config(1);

	sim_init(&s);
	sa = sim_system(&s, 1, 32768);
	c.fallback = LACP_FALLBACK_INDIVIDUAL;
	c.fallback_timeout = LACP_MS(1000);
	a = sim_port(&s, sa, &c);
	sim_enable(&s, a);
	sim_run(&s, 3000); /* DEFAULTED at 3 s, after the timeout: at once */
	CHECK(a->p->fallback);
	CHECK_INT(a->p->entered[LACP_M_RX][LACP_RX_DEFAULTED], 1);
	sim_run(&s, 3000);
	CHECK_INT(a->p->mux, LACP_MUX_COLLECTING_DISTRIBUTING);
	c.fallback = LACP_FALLBACK_NONE;
	lacp_port_set_config(a->p, &c, s.vc.now);
	sim_run(&s, 3000);
	CHECK(!a->p->fallback);
	CHECK_INT(a->p->mux, LACP_MUX_ATTACHED);
	CHECK_INT(a->p->partner.state, 0);
	/* on again: the silence has long lasted the timeout */
	c.fallback = LACP_FALLBACK_STATIC;
	lacp_port_set_config(a->p, &c, s.vc.now);
	CHECK(a->p->fallback);
	CHECK(a->p->partner.state & S(AGGREGATION));
	/* a bad configuration is refused */
	c.fallback_timeout = -1;
	CHECK_INT(lacp_port_set_config(a->p, &c, s.vc.now), -EINVAL);
	sim_free(&s);
}

/* Fewer aggregators than LAG IDs (6.7.4): three ports with three keys and
 * two aggregators: the third stays UNSELECTED until one is free; limited
 * at runtime, the port on aggregator 3 moves or waits. */
static void test_aggregator_limit(void)
{
	struct sim s;
	struct lacp_system *sa, *sb;
	struct sim_port *a[3], *b[3];

	sim_init(&s);
	sa = sim_system(&s, 1, 32768);
	sb = sim_system(&s, 2, 32768);
	CHECK_INT(lacp_system_set_aggregators(sa, 2, 0), 0);
	for (int i = 0; i < 3; i++) {
		struct lacp_port_config c = sim_config((uint16_t)(i + 1));

		c.key = (uint16_t)(i + 1);
		a[i] = sim_port(&s, sa, &c);
		c = sim_config((uint16_t)(i + 1));
		b[i] = sim_port(&s, sb, &c);
		sim_connect(&s, a[i], b[i], 0);
		sim_enable(&s, a[i]);
		sim_enable(&s, b[i]);
	}
	sim_run(&s, 6000);
	CHECK_INT(a[0]->p->aggregator, 1);
	CHECK_INT(a[1]->p->aggregator, 2);
	CHECK_INT(a[2]->p->aggregator, 0);
	CHECK_INT(a[2]->p->selected, LACP_UNSELECTED);
	CHECK_INT(a[2]->p->mux, LACP_MUX_DETACHED);
	CHECK(!(a[2]->p->actor.state & S(SYNC)));
	/* a[1] goes: a[2] takes its aggregator */
	lacp_wire_cut(s.wires[1], s.vc.now);
	sim_run(&s, 1);
	struct lacp_port_config c = a[1]->p->config;

	c.key = 1; /* and a[1] joins a[0] when it is back */
	lacp_port_set_config(a[1]->p, &c, s.vc.now);
	sim_run(&s, 5000);
	CHECK_INT(a[2]->p->aggregator, 2);
	CHECK_INT(a[2]->p->mux, LACP_MUX_COLLECTING_DISTRIBUTING);
	lacp_wire_restore(s.wires[1], s.vc.now);
	sim_run(&s, 5000);
	CHECK_INT(a[1]->p->aggregator, 1);
	CHECK_INT(a[1]->p->mux, LACP_MUX_COLLECTING_DISTRIBUTING);
	/* down to one aggregator: a[2] (on 2) is unselected and waits */
	lacp_system_set_aggregators(sa, 1, s.vc.now);
	sim_run(&s, 5000);
	CHECK_INT(a[2]->p->aggregator, 0);
	CHECK_INT(a[0]->p->aggregator, 1);
	CHECK_INT(a[0]->p->mux, LACP_MUX_COLLECTING_DISTRIBUTING);
	/* back to one per port */
	lacp_system_set_aggregators(sa, 0, s.vc.now);
	sim_run(&s, 5000);
	CHECK_INT(a[2]->p->aggregator, 2);
	CHECK_INT(a[2]->p->mux, LACP_MUX_COLLECTING_DISTRIBUTING);
	sim_free(&s);
}

int main(void)
{
	test_standby_better_system_decides();
	test_standby_takeover();
	test_standby_priority_change();
	test_stable_ids();
	test_partner_admin();
	test_min_links();
	test_aggregator_set();
	test_aggregator_limit();
	test_fallback();
	test_fallback_off();
	return CHECK_DONE();
}
