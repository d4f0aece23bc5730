/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The timer queue and the virtual clock: due order, ties in arming order,
 * moving and cancelling, re-arming from a callback, runaway protection.
 */
#include <errno.h>
#include <stdlib.h>

#include "check.h"
#include "clock.h"

struct rec {
	struct lacp_timer t;
	int id;
	lacp_time_t fired_at;
	int rearm; /* re-arm this many times at the same instant */
	struct lacp_timerq *q;
};

static int order[64];
static unsigned n_order;

static void rec_fire(struct lacp_timer *t, lacp_time_t now)
{
	struct rec *r = LACP_CONTAINER_OF(t, struct rec, t);

	r->fired_at = now;
	if (n_order < 64)
		order[n_order++] = r->id;
	if (r->rearm > 0) {
		r->rearm--;
		lacp_timerq_arm(r->q, t, now);
	}
}

static void test_order(void)
{
	struct lacp_timerq *q = lacp_timerq_new();
	struct rec r[8];
	const lacp_time_t due[8] = {50, 10, 30, 10, 20, 10, 40, 30};

	n_order = 0;
	for (int i = 0; i < 8; i++) {
		r[i].id = i;
		r[i].q = q;
		r[i].rearm = 0;
		lacp_timer_init(&r[i].t, rec_fire);
		CHECK_INT(lacp_timerq_arm(q, &r[i].t, due[i]), 0);
	}
	CHECK_INT(lacp_timerq_count(q), 8);
	CHECK_INT(lacp_timerq_next(q), 10);
	CHECK_INT(lacp_timerq_run(q, 9), 0);
	/* ties fire in arming order: 1, 3, 5 at 10 */
	CHECK_INT(lacp_timerq_run(q, 30), 6);
	CHECK_INT(n_order, 6);
	const int want[6] = {1, 3, 5, 4, 2, 7};
	for (int i = 0; i < 6; i++)
		CHECK_INT(order[i], want[i]);
	CHECK_INT(r[1].fired_at, 30);
	CHECK(!lacp_timer_armed(&r[1].t));
	CHECK(lacp_timer_armed(&r[0].t));
	/* move and cancel */
	lacp_timerq_arm(q, &r[0].t, 35);
	lacp_timerq_cancel(q, &r[6].t);
	lacp_timerq_cancel(q, &r[6].t); /* twice is fine */
	CHECK_INT(lacp_timerq_next(q), 35);
	CHECK_INT(lacp_timerq_run(q, 1000), 1);
	CHECK_INT(lacp_timerq_next(q), LACP_TIME_NEVER);
	/* re-arming moves a timer behind others with the same due time */
	n_order = 0;
	lacp_timerq_arm(q, &r[0].t, 100);
	lacp_timerq_arm(q, &r[1].t, 100);
	lacp_timerq_arm(q, &r[0].t, 100);
	lacp_timerq_run(q, 100);
	CHECK_INT(order[0], 1);
	CHECK_INT(order[1], 0);
	lacp_timerq_free(q);
}

static void test_rearm_in_run(void)
{
	struct lacp_timerq *q = lacp_timerq_new();
	struct rec r = {.id = 1, .rearm = 3, .q = q};

	lacp_timer_init(&r.t, rec_fire);
	lacp_timerq_arm(q, &r.t, 10);
	n_order = 0;
	/* a timer re-armed for the present waits for the next run */
	CHECK_INT(lacp_timerq_run(q, 10), 1);
	CHECK(lacp_timer_armed(&r.t));
	CHECK_INT(lacp_timerq_run(q, 10), 1);
	lacp_timerq_free(q);
	CHECK(!lacp_timer_armed(&r.t));
}

/* A run for a grid point fires only what is due by that point, with the
 * real time as its time: a late run does not pull later deadlines in. */
static void test_run_upto(void)
{
	struct lacp_timerq *q = lacp_timerq_new();
	struct rec r[3];
	const lacp_time_t due[3] = {3990, 4000, 4010};

	n_order = 0;
	for (int i = 0; i < 3; i++) {
		r[i] = (struct rec){.id = i, .q = q};
		lacp_timer_init(&r[i].t, rec_fire);
		CHECK_INT(lacp_timerq_arm(q, &r[i].t, due[i]), 0);
	}
	CHECK_INT(lacp_timerq_run_upto(q, 4000, 4350), 2);
	CHECK_INT(r[0].fired_at, 4350);
	CHECK_INT(r[1].fired_at, 4350);
	CHECK(lacp_timer_armed(&r[2].t));
	CHECK_INT(lacp_timerq_next(q), 4010);
	CHECK_INT(lacp_timerq_run_upto(q, 4000, 4400), 0);
	CHECK_INT(lacp_timerq_run_upto(q, 8000, 8001), 1);
	CHECK_INT(r[2].fired_at, 8001);
	lacp_timerq_free(q);
}

/* The urgent count follows arming, cancelling, firing and re-arming from
 * a callback. */
static void test_urgent(void)
{
	struct lacp_timerq *q = lacp_timerq_new();
	struct rec u = {.id = 1, .q = q}, plain = {.id = 2, .q = q};

	lacp_timer_init(&u.t, rec_fire);
	lacp_timer_init(&plain.t, rec_fire);
	u.t.urgent = true;
	lacp_timerq_arm(q, &plain.t, 5);
	CHECK_INT(lacp_timerq_urgent(q), 0);
	lacp_timerq_arm(q, &u.t, 10);
	lacp_timerq_arm(q, &u.t, 12); /* moved, still one */
	CHECK_INT(lacp_timerq_urgent(q), 1);
	lacp_timerq_cancel(q, &u.t);
	CHECK_INT(lacp_timerq_urgent(q), 0);
	lacp_timerq_arm(q, &u.t, 10);
	CHECK_INT(lacp_timerq_run(q, 10), 2);
	CHECK_INT(lacp_timerq_urgent(q), 0);
	u.rearm = 1; /* fires and arms itself again for the present */
	lacp_timerq_arm(q, &u.t, 20);
	CHECK_INT(lacp_timerq_run(q, 20), 1);
	CHECK(lacp_timer_armed(&u.t));
	CHECK_INT(lacp_timerq_urgent(q), 1);
	CHECK_INT(lacp_timerq_run(q, 20), 1);
	CHECK_INT(lacp_timerq_urgent(q), 0);
	lacp_timerq_free(q);
}

static void test_vclock(void)
{
	struct lacp_timerq *q = lacp_timerq_new();
	struct lacp_vclock vc = {0};
	struct rec a = {.id = 1, .q = q}, b = {.id = 2, .q = q, .rearm = 2};
	struct rec runaway = {.id = 3, .q = q, .rearm = 1000000};

	lacp_timer_init(&a.t, rec_fire);
	lacp_timer_init(&b.t, rec_fire);
	lacp_timerq_arm(q, &a.t, LACP_MS(1500));
	lacp_timerq_arm(q, &b.t, LACP_MS(700));
	n_order = 0;
	CHECK_INT(lacp_vclock_advance(&vc, q, LACP_SEC(1)), 3);
	CHECK_INT(b.fired_at, LACP_MS(700)); /* fired at its own due time */
	CHECK_INT(vc.now, LACP_SEC(1));
	CHECK_INT(a.fired_at, 0);
	lacp_vclock_advance(&vc, q, LACP_SEC(1));
	CHECK_INT(a.fired_at, LACP_MS(1500));
	CHECK_INT(vc.now, LACP_SEC(2));
	/* a runaway timer cannot hang the clock */
	lacp_timer_init(&runaway.t, rec_fire);
	lacp_timerq_arm(q, &runaway.t, LACP_SEC(3));
	lacp_vclock_advance_to(&vc, q, LACP_SEC(4));
	CHECK_INT(vc.now, LACP_SEC(4));
	CHECK(runaway.rearm < 1000000);
	lacp_timerq_free(q);
	CHECK(lacp_clock_monotonic() > 0);
}

static unsigned notified;
static lacp_time_t notified_next;

static void on_notify(void *ctx, lacp_time_t next)
{
	(void)ctx;
	notified++;
	notified_next = next;
}

static void test_notify_and_many(void)
{
	struct lacp_timerq *q = lacp_timerq_new();
	struct rec *r = calloc(1000, sizeof(*r));
	lacp_time_t last = -1;
	bool sorted = true;

	lacp_timerq_set_notify(q, on_notify, NULL);
	for (int i = 0; i < 1000; i++) {
		r[i].id = i;
		r[i].q = q;
		lacp_timer_init(&r[i].t, rec_fire);
		lacp_timerq_arm(q, &r[i].t, (i * 7919) % 1000);
	}
	CHECK(notified >= 1);
	CHECK_INT(notified_next, 0);
	for (int i = 0; i < 1000; i += 3)
		lacp_timerq_cancel(q, &r[i].t);
	while (lacp_timerq_next(q) != LACP_TIME_NEVER) {
		lacp_time_t t = lacp_timerq_next(q);

		if (t < last)
			sorted = false;
		last = t;
		lacp_timerq_run(q, t);
	}
	CHECK(sorted);
	CHECK_INT(notified_next, LACP_TIME_NEVER);
	lacp_timerq_free(q);
	free(r);
}

int main(void)
{
	test_order();
	test_rearm_in_run();
	test_run_upto();
	test_urgent();
	test_vclock();
	test_notify_and_many();
	return CHECK_DONE();
}
