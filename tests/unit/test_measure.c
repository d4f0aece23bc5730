/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The measurement of the partner (src/core/measure.c) in virtual time: the
 * distributions (exact recent samples, the log histogram beyond), the
 * half-open rate windows, reaction with its misses, convergence, expiry,
 * the receive stamp; then two machines on a wire with a delay, whose
 * figures are known exactly.
 */
#include "check.h"
#include "measure.h"
#include "sim.h"
#include "state.h"

#define MS(x) LACP_MS(x)

static const uint8_t our_sys[6] = {2, 0, 0, 0, 0, 1};
static const uint8_t dut_sys[6] = {2, 0, 0, 0, 0, 2};

/* A lone port of ours (never enabled: nothing is sent by itself) whose
 * measurement the tests feed directly. */
struct lone {
	struct lacp_timerq *q;
	struct lacp_system *sys;
	struct lacp_port *p;
	struct lacp_measure *m;
};

static void lone_init(struct lone *l)
{
	struct lacp_port_config c;

	lacp_port_config_default(&c);
	l->q = lacp_timerq_new();
	l->sys = lacp_system_new(our_sys, 32768, l->q);
	CHECK(lacp_port_new(l->sys, &c, NULL, NULL, 0, &l->p) == 0);
	l->m = l->p->measure;
	CHECK(l->m != NULL);
}

static void lone_free(struct lone *l)
{
	lacp_system_free(l->sys);
	lacp_timerq_free(l->q);
}

static struct lacp_info info(const uint8_t sys[6], uint16_t port, uint8_t state)
{
	struct lacp_info i;

	memset(&i, 0, sizeof(i));
	memcpy(i.system, sys, 6);
	i.system_priority = 32768;
	i.key = 1;
	i.port = port;
	i.port_priority = 32768;
	i.state = state;
	return i;
}

/* The partner's LACPDU: its actor state, and what it echoes of us. */
static struct lacp_lacpdu dut_pdu(uint8_t state, struct lacp_info echo)
{
	struct lacp_lacpdu d;

	memset(&d, 0, sizeof(d));
	d.version = 1;
	d.actor = info(dut_sys, 7, state);
	d.partner = echo;
	return d;
}

/* The partner's LACPDU with actor STATE echoing ECHO arrives at NOW. */
static void rx(struct lone *l, uint8_t state, struct lacp_info echo, lacp_time_t now)
{
	struct lacp_lacpdu d = dut_pdu(state, echo);

	lacp_measure_rx(l->p, &d, now);
}

/* Our LACPDU carrying ACTOR, as sent at NOW. */
static void we_send(struct lone *l, struct lacp_info actor, lacp_time_t now)
{
	struct lacp_lacpdu d;
	uint8_t buf[LACP_PDU_LEN];

	memset(&d, 0, sizeof(d));
	d.version = 1;
	d.actor = actor;
	lacp_lacpdu_encode(&d, buf);
	lacp_measure_tx(l->p, buf, sizeof(buf), now);
}

static void test_dist_exact(void)
{
	struct lacp_measure_dist d;
	struct lacp_measure_summary s;
	const lacp_time_t v[] = {MS(30), MS(10), MS(20), MS(40), MS(50)};

	memset(&d, 0, sizeof(d));
	lacp_measure_dist_summary(&d, &s);
	CHECK_INT(s.count, 0);
	/* Nearest rank: the median of 5 is the 3rd, the p99 the 5th. Fed
	 * through the module's own entry: intervals of the partner. */
	{
		struct lone l;
		lacp_time_t t = 0;
		struct lacp_lacpdu pdu = dut_pdu(0, info(our_sys, 1, 0));

		lone_init(&l);
		lacp_measure_rx(l.p, &pdu, t);
		for (unsigned i = 0; i < 5; i++) {
			t += v[i];
			lacp_measure_rx(l.p, &pdu, t);
		}
		lacp_measure_dist_summary(&l.m->interval[0], &s);
		CHECK_INT(s.count, 5);
		CHECK_INT(s.min, MS(10));
		CHECK_INT(s.median, MS(30));
		CHECK_INT(s.p99, MS(50));
		CHECK_INT(s.max, MS(50));
		CHECK_INT(s.last, MS(50));
		CHECK(s.exact);
		/* Our Timeout bit is short: nothing counted as slow. */
		CHECK_INT(l.m->interval[1].count, 0);
		lone_free(&l);
	}
}

/* Beyond the recent ring the histogram answers: within a bucket's width
 * for a spread, exactly for a constant (clamped to the extremes). */
static void test_dist_histogram(void)
{
	struct lone l;
	struct lacp_measure_summary s;
	struct lacp_lacpdu pdu = dut_pdu(0, info(our_sys, 1, 0));
	lacp_time_t t = 0;

	lone_init(&l);
	lacp_measure_rx(l.p, &pdu, t);
	for (unsigned i = 1; i <= 1000; i++) {
		t += MS(i);
		lacp_measure_rx(l.p, &pdu, t);
		/* far apart: no rate window holds more than one */
		t += MS(5000);
		lacp_measure_enabled(l.p, true, t);
		lacp_measure_enabled(l.p, false, t);
		lacp_measure_rx(l.p, &pdu, t);
	}
	lacp_measure_dist_summary(&l.m->interval[0], &s);
	CHECK_INT(s.count, 1000);
	CHECK(!s.exact);
	CHECK_INT(s.min, MS(1));
	CHECK_INT(s.max, MS(1000));
	/* True median 500 ms, p99 990 ms; a bucket is a quarter octave. */
	CHECK(s.median > MS(440) && s.median < MS(560));
	CHECK(s.p99 > MS(900) && s.p99 <= MS(1000));
	lone_free(&l);

	lone_init(&l);
	t = 0;
	lacp_measure_rx(l.p, &pdu, t);
	for (unsigned i = 0; i < 500; i++) {
		t += MS(700);
		lacp_measure_rx(l.p, &pdu, t);
	}
	lacp_measure_dist_summary(&l.m->interval[0], &s);
	CHECK_INT(s.count, 500);
	CHECK(!s.exact);
	CHECK_INT(s.median, MS(700));
	CHECK_INT(s.p99, MS(700));
	lone_free(&l);

	/* The buckets tile the axis. */
	for (unsigned i = 0; i + 1 < LACP_MEASURE_BUCKETS; i++) {
		lacp_time_t lo, hi, lo2, hi2;

		lacp_measure_bucket_bounds(i, &lo, &hi);
		lacp_measure_bucket_bounds(i + 1, &lo2, &hi2);
		CHECK(lo < hi);
		CHECK_INT(hi, lo2);
	}
}

/* 6.4.16, judged leniently: [t, t + fast_periodic_time). */
static void test_rate_windows(void)
{
	struct lone l;
	struct lacp_lacpdu pdu = dut_pdu(0, info(our_sys, 1, 0));
	lacp_time_t t0 = MS(10000);

	/* The 4th exactly one period after the 1st: within the limit. */
	lone_init(&l);
	lacp_measure_rx(l.p, &pdu, t0);
	lacp_measure_rx(l.p, &pdu, t0 + MS(100));
	lacp_measure_rx(l.p, &pdu, t0 + MS(200));
	lacp_measure_rx(l.p, &pdu, t0 + MS(1000));
	CHECK_INT(l.m->violations, 0);
	CHECK_INT(l.m->max_per_window, 3);
	CHECK_INT(l.m->worst_start, t0);
	lone_free(&l);

	/* One microsecond earlier: one window holds 4. */
	lone_init(&l);
	lacp_measure_rx(l.p, &pdu, t0);
	lacp_measure_rx(l.p, &pdu, t0 + MS(100));
	lacp_measure_rx(l.p, &pdu, t0 + MS(200));
	lacp_measure_rx(l.p, &pdu, t0 + MS(1000) - 1);
	CHECK_INT(l.m->violations, 1);
	CHECK_INT(l.m->max_per_window, 4);
	CHECK_INT(l.m->worst_start, t0);
	lone_free(&l);

	/* A burst of 6 after a lone one: the windows starting at the lone
	 * one and at the first three of the burst hold more than 3; the worst
	 * is 6 from the burst's first (the lone one is a period before). */
	lone_init(&l);
	lacp_measure_rx(l.p, &pdu, t0);
	for (unsigned i = 0; i < 6; i++)
		lacp_measure_rx(l.p, &pdu, t0 + MS(1000) + MS(i));
	CHECK_INT(l.m->violations, 3);
	CHECK_INT(l.m->max_per_window, 6);
	CHECK_INT(l.m->worst_start, t0 + MS(1000));
	/* A flood larger than the first ring: the count stays exact. */
	for (unsigned i = 0; i < 100; i++)
		lacp_measure_rx(l.p, &pdu, t0 + MS(3000));
	CHECK_INT(l.m->max_per_window, 100);
	CHECK_INT(l.m->worst_start, t0 + MS(3000));
	CHECK_INT(l.m->violations, 3 + 97);
	lone_free(&l);
}

static void test_reaction(void)
{
	struct lone l;
	struct lacp_info a1 = info(our_sys, 1, 0x07), a2 = info(our_sys, 1, 0x0f);
	struct lacp_info a3 = info(our_sys, 1, 0x3f);
	struct lacp_lacpdu pdu;

	lone_init(&l);
	/* Our first LACPDU is a change; the echo 10 ms later answers it. */
	we_send(&l, a1, MS(0));
	pdu = dut_pdu(0x07, info(our_sys, 0, 0)); /* not heard of us yet */
	pdu.partner = (struct lacp_info){0};
	lacp_measure_rx(l.p, &pdu, MS(4));
	CHECK_INT(l.m->n_pending, 1);
	rx(&l, 0x07, a1, MS(10));
	CHECK_INT(l.m->reaction.count, 1);
	CHECK_INT(l.m->reaction.last, MS(10));
	/* The same again is no change. */
	we_send(&l, a1, MS(1000));
	CHECK_INT(l.m->n_pending, 0);
	/* A change; a LACPDU with our old state crosses it: no miss. */
	we_send(&l, a2, MS(2000));
	rx(&l, 0x07, a1, MS(2003));
	CHECK_INT(l.m->missed, 0);
	CHECK_INT(l.m->n_pending, 1);
	rx(&l, 0x07, a2, MS(2025));
	CHECK_INT(l.m->reaction.last, MS(25));
	/* Two changes, the echo shows the second: the first is overtaken. */
	we_send(&l, a3, MS(3000));
	we_send(&l, a1, MS(3001));
	rx(&l, 0x07, a1, MS(3011));
	CHECK_INT(l.m->reaction.count, 3);
	CHECK_INT(l.m->reaction.last, MS(10));
	CHECK_INT(l.m->superseded, 1);
	CHECK_INT(l.m->missed, 0);
	/* The partner names someone else: missed at once. */
	we_send(&l, a2, MS(4000));
	rx(&l, 0x07, info(dut_sys, 9, 0x07), MS(4010));
	CHECK_INT(l.m->missed, 1);
	CHECK_INT(l.m->n_pending, 0);
	/* No echo within our timeout (3 s, short): missed when settled. */
	we_send(&l, a3, MS(5000));
	lacp_measure_settle(l.p, MS(8000));
	CHECK_INT(l.m->missed, 1);
	lacp_measure_settle(l.p, MS(8000) + 1);
	CHECK_INT(l.m->missed, 2);
	/* Figures: 10, 25, 10 ms. */
	{
		struct lacp_measure_summary s;

		lacp_measure_dist_summary(&l.m->reaction, &s);
		CHECK_INT(s.median, MS(10));
		CHECK_INT(s.max, MS(25));
	}
	/* Reset forgets the figures. */
	lacp_measure_reset(l.m, MS(9000));
	CHECK_INT(l.m->reaction.count, 0);
	CHECK_INT(l.m->missed, 0);
	CHECK_INT(l.m->since, MS(9000));
	lone_free(&l);
}

static void test_convergence_expiry(void)
{
	struct lone l;
	struct lacp_info us = info(our_sys, 1, 0x3f);
	struct lacp_measure_summary s;

	lone_init(&l);
	/* Not enabled: nothing converges. */
	rx(&l, 0x0f, us, MS(1));
	CHECK_INT(l.m->conv[LACP_CONV_PARTNER_SYNC].count, 0);
	lacp_measure_enabled(l.p, true, MS(100));
	we_send(&l, us, MS(100));
	rx(&l, 0x07, us, MS(200));
	rx(&l, 0x0f, us, MS(2100));
	lacp_measure_mux(l.p, LACP_MUX_ATTACHED, MS(2100));
	lacp_measure_mux(l.p, LACP_MUX_COLLECTING_DISTRIBUTING, MS(2105));
	rx(&l, 0x3f, us, MS(2110));
	rx(&l, 0x3f, us, MS(3110));
	lacp_measure_dist_summary(&l.m->conv[LACP_CONV_PARTNER_SYNC], &s);
	CHECK_INT(s.count, 1);
	CHECK_INT(s.last, MS(2000));
	CHECK_INT(l.m->conv[LACP_CONV_COLLECTING_DISTRIBUTING].last, MS(2005));
	CHECK_INT(l.m->conv[LACP_CONV_PARTNER_CD].last, MS(2010));
	CHECK_INT(l.m->conv[LACP_CONV_PARTNER_CD].count, 1);
	/* The interval across the enable is not one. */
	CHECK_INT(l.m->interval[0].count, 3);

	/* We go silent at 4000; the partner shows us expired at 7010. */
	we_send(&l, us, MS(4000));
	rx(&l, 0x3f, us, MS(4110));
	rx(&l, 0x3f, us, MS(5110));
	rx(&l, 0xb7, us, MS(7010));
	CHECK_INT(l.m->expiry.count, 1);
	CHECK_INT(l.m->expiry.last, MS(3010));
	/* Still expired: no second figure. */
	rx(&l, 0xb7, us, MS(7500));
	CHECK_INT(l.m->expiry.count, 1);

	/* A flap: a second convergence. */
	lacp_measure_enabled(l.p, false, MS(8000));
	lacp_measure_enabled(l.p, true, MS(9000));
	rx(&l, 0x3f, us, MS(9050));
	lacp_measure_dist_summary(&l.m->conv[LACP_CONV_PARTNER_SYNC], &s);
	CHECK_INT(s.count, 2);
	CHECK_INT(s.last, MS(50));
	CHECK_INT(s.max, MS(2000));
	CHECK_INT(l.m->enables, 2);
	lone_free(&l);
}

/* A host's receive stamp replaces the time the frame was handed over. */
static void test_stamp(void)
{
	struct lone l;
	struct lacp_lacpdu pdu = dut_pdu(0, info(our_sys, 1, 0));

	lone_init(&l);
	lacp_measure_rx(l.p, &pdu, MS(1000));
	lacp_measure_stamp(l.m, MS(2000) - 250);
	lacp_measure_rx(l.p, &pdu, MS(2000));
	CHECK_INT(l.m->interval[0].last, MS(1000) - 250);
	/* Used once; a stamp from the future is ignored. */
	lacp_measure_rx(l.p, &pdu, MS(3000));
	CHECK_INT(l.m->interval[0].last, MS(1000) + 250);
	lacp_measure_stamp(l.m, MS(5000));
	lacp_measure_rx(l.p, &pdu, MS(4000));
	CHECK_INT(l.m->interval[0].last, MS(1000));
	lone_free(&l);

	/* Sends: the change and the convergence start move to when the
	 * frame left; a second stamp for the same send changes nothing. */
	lone_init(&l);
	lacp_measure_enabled(l.p, true, MS(100));
	we_send(&l, info(our_sys, 1, 0x07), MS(100));
	lacp_measure_tx_stamp(l.m, MS(100) + 180);
	lacp_measure_tx_stamp(l.m, MS(100) + 900);
	CHECK_INT(l.m->pending[0].sent, MS(100) + 180);
	CHECK_INT(l.m->conv_start, MS(100) + 180);
	CHECK_INT(l.m->last_tx, MS(100) + 180);
	rx(&l, 0x0f, info(our_sys, 1, 0x07), MS(101));
	CHECK_INT(l.m->reaction.last, 820);
	CHECK_INT(l.m->conv[LACP_CONV_PARTNER_SYNC].last, 820);
	/* A stamp a little before the core's time (timers run early on a
	 * grid) is taken; one more than a second off is about something else. */
	we_send(&l, info(our_sys, 1, 0x07), MS(2000));
	lacp_measure_tx_stamp(l.m, MS(2000) - 300);
	CHECK_INT(l.m->last_tx, MS(2000) - 300);
	we_send(&l, info(our_sys, 1, 0x07), MS(4000));
	lacp_measure_tx_stamp(l.m, MS(2000));
	CHECK_INT(l.m->last_tx, MS(4000));
	lone_free(&l);
}

/* The machines themselves on a wire of 5 ms each way. */
static void test_sim(void)
{
	struct sim s;
	struct lacp_system *sa, *sb;
	struct sim_port *a, *b;
	struct lacp_port_config ca = sim_config(1), cb = sim_config(1), cn = sim_config(2);
	struct lacp_measure_summary sum;

	cb.timing.fast_periodic = MS(700);
	sim_init(&s);
	sa = sim_system(&s, 1, 32768);
	sb = sim_system(&s, 2, 32768);
	a = sim_port(&s, sa, &ca);
	b = sim_port(&s, sb, &cb);
	sim_connect(&s, a, b, 5);
	sim_enable(&s, a);
	sim_enable(&s, b);
	sim_run(&s, 10000);
	/* The partner's LACPDUs every 700 ms in steady state. */
	lacp_measure_dist_summary(&a->p->measure->interval[0], &sum);
	CHECK_INT(sum.median, MS(700));
	CHECK_INT(sum.max, MS(700));
	/* Convergence: the partner attaches after its wait_while (2 s from
	 * hearing us at 5 ms), and that reaches us 5 ms later. */
	CHECK_INT(a->p->measure->conv[LACP_CONV_PARTNER_SYNC].last, MS(2010));
	CHECK_INT(a->p->measure->conv[LACP_CONV_COLLECTING_DISTRIBUTING].last, MS(2010));
	/* Leaving Sync makes the partner detach and tell us at once: there
	 * and back, 10 ms; so does coming back. */
	lacp_measure_reset(a->p->measure, s.vc.now);
	lacp_port_force_actor_state(a->p, LACP_STATE_SYNC, 0, s.vc.now);
	sim_run(&s, 500);
	lacp_port_force_actor_state(a->p, 0, 0, s.vc.now);
	sim_run(&s, 500);
	lacp_measure_dist_summary(&a->p->measure->reaction, &sum);
	CHECK_INT(sum.count, 2);
	CHECK_INT(sum.median, MS(10));
	CHECK_INT(sum.max, MS(10));
	CHECK_INT(a->p->measure->missed, 0);
	/* Not measured: the port has no measurement at all. */
	cn.measure = false;
	{
		struct sim_port *n = sim_port(&s, sa, &cn);

		CHECK(n->p->measure == NULL);
	}
	sim_free(&s);
}

int main(void)
{
	test_dist_exact();
	test_dist_histogram();
	test_rate_windows();
	test_reaction();
	test_convergence_expiry();
	test_stamp();
	test_sim();
	return CHECK_DONE();
}
