/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * In-process wires: delivery through the queue in order and after the
 * delay, loss reproducible from the seed, cut and restore with carrier.
 */
#include <errno.h>

#include "check.h"
#include "clock.h"
#include "wire.h"

struct endpoint {
	unsigned got;
	uint8_t last[8];
	lacp_time_t last_at;
	int carrier; /* -1 unknown, 0 down, 1 up */
	struct lacp_wire *w;
	int end;
	bool echo;
	bool in_order;
};

static void deliver(void *ctx, const uint8_t *frame, size_t len, lacp_time_t now)
{
	struct endpoint *e = ctx;

	if (e->got && frame[0] != (uint8_t)(e->last[0] + 1))
		e->in_order = false;
	e->got++;
	memcpy(e->last, frame, len < 8 ? len : 8);
	e->last_at = now;
	if (e->echo) /* sending from inside a delivery is allowed */
		lacp_wire_send(e->w, e->end, frame, len, now);
}

static void carrier(void *ctx, bool up, lacp_time_t now)
{
	struct endpoint *e = ctx;

	(void)now;
	e->carrier = up;
}

static void test_delivery(void)
{
	struct lacp_timerq *q = lacp_timerq_new();
	struct lacp_vclock vc = {0};
	struct lacp_wire *w = lacp_wire_new(q);
	struct endpoint a = {.carrier = -1, .w = w, .end = 0, .in_order = true};
	struct endpoint b = {.carrier = -1, .w = w, .end = 1, .in_order = true};
	uint8_t f[4] = {0};

	CHECK_INT(lacp_wire_attach(w, 2, deliver, &a), -EINVAL);
	CHECK_INT(lacp_wire_attach(w, 0, deliver, &a), 0);
	CHECK_INT(lacp_wire_attach(w, 1, deliver, &b), 0);
	lacp_wire_set_carrier_cb(w, 0, carrier);
	lacp_wire_set_carrier_cb(w, 1, carrier);
	CHECK_INT(lacp_wire_send(w, 0, f, 0, 0), -EINVAL);
	/* delay 0 still goes through the queue */
	CHECK_INT(lacp_wire_send(w, 0, f, sizeof(f), 0), 0);
	CHECK_INT(b.got, 0);
	lacp_vclock_advance(&vc, q, 0);
	CHECK_INT(b.got, 1);
	/* delay, and order kept when the delay shrinks */
	CHECK_INT(lacp_wire_set_delay(w, LACP_MS(10)), 0);
	CHECK_INT(lacp_wire_set_delay(w, -1), -EINVAL);
	for (int i = 1; i <= 5; i++) {
		f[0] = (uint8_t)i;
		lacp_wire_send(w, 0, f, sizeof(f), vc.now);
	}
	lacp_wire_set_delay(w, LACP_MS(1));
	f[0] = 6;
	lacp_wire_send(w, 0, f, sizeof(f), vc.now);
	CHECK_INT(lacp_wire_in_flight(w, 0), 6);
	lacp_vclock_advance(&vc, q, LACP_MS(9));
	CHECK_INT(b.got, 1);
	lacp_vclock_advance(&vc, q, LACP_MS(1));
	CHECK_INT(b.got, 7);
	CHECK(b.in_order);
	CHECK_INT(b.last[0], 6);
	CHECK_INT(b.last_at, LACP_MS(10));
	/* echo from inside delivery */
	b.echo = true;
	f[0] = 7;
	lacp_wire_send(w, 0, f, sizeof(f), vc.now);
	lacp_vclock_advance(&vc, q, LACP_MS(5));
	CHECK_INT(a.got, 1);
	CHECK_INT(a.last_at, LACP_MS(12));
	b.echo = false;
	/* cut: in flight lost, later sends dropped, carrier down */
	lacp_wire_send(w, 1, f, sizeof(f), vc.now);
	lacp_wire_cut(w, vc.now);
	CHECK(lacp_wire_is_cut(w));
	CHECK_INT(a.carrier, 0);
	CHECK_INT(b.carrier, 0);
	lacp_wire_send(w, 1, f, sizeof(f), vc.now);
	lacp_vclock_advance(&vc, q, LACP_SEC(1));
	CHECK_INT(a.got, 1);
	struct lacp_wire_counters c = lacp_wire_counters(w, 1);
	CHECK_INT(c.sent, 3);
	CHECK_INT(c.delivered, 1);
	CHECK_INT(c.lost, 1);
	CHECK_INT(c.dropped_cut, 1);
	lacp_wire_restore(w, vc.now);
	CHECK_INT(a.carrier, 1);
	CHECK(!lacp_wire_is_cut(w));
	lacp_wire_send(w, 1, f, sizeof(f), vc.now);
	lacp_vclock_advance(&vc, q, LACP_SEC(1));
	CHECK_INT(a.got, 2);
	/* detached end */
	lacp_wire_detach(w, 0);
	lacp_wire_send(w, 1, f, sizeof(f), vc.now);
	lacp_vclock_advance(&vc, q, LACP_SEC(1));
	CHECK_INT(lacp_wire_counters(w, 1).unattached, 1);
	/* frames in flight at free are released */
	lacp_wire_send(w, 0, f, sizeof(f), vc.now);
	lacp_wire_free(w);
	CHECK_INT(lacp_timerq_count(q), 0);
	lacp_timerq_free(q);
}

/* Loss is reproducible: same seed, same losses. */
static uint64_t loss_run(uint64_t seed, unsigned *lost)
{
	struct lacp_timerq *q = lacp_timerq_new();
	struct lacp_vclock vc = {0};
	struct lacp_wire *w = lacp_wire_new(q);
	struct endpoint b = {.carrier = -1, .in_order = true};
	uint64_t pattern = 0;
	uint8_t f[1];

	lacp_wire_attach(w, 1, deliver, &b);
	lacp_wire_seed(w, seed);
	CHECK_INT(lacp_wire_set_loss(w, 101), -EINVAL);
	CHECK_INT(lacp_wire_set_loss(w, 30), 0);
	for (int i = 0; i < 64; i++) {
		unsigned before = b.got;

		f[0] = (uint8_t)i;
		lacp_wire_send(w, 0, f, 1, vc.now);
		lacp_vclock_advance(&vc, q, 1);
		if (b.got == before)
			pattern |= 1ull << i;
	}
	*lost = (unsigned)lacp_wire_counters(w, 0).lost;
	lacp_wire_free(w);
	lacp_timerq_free(q);
	return pattern;
}

static void test_loss(void)
{
	unsigned l1, l2, l3;
	uint64_t p1 = loss_run(42, &l1), p2 = loss_run(42, &l2), p3 = loss_run(7, &l3);

	CHECK(p1 == p2);
	CHECK(p1 != p3);
	CHECK(l1 > 5 && l1 < 40); /* about 30 % of 64 */
	CHECK_INT(__builtin_popcountll(p1), l1);
}

int main(void)
{
	test_delivery();
	test_loss();
	return CHECK_DONE();
}
