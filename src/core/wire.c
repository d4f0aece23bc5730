/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * In-process wires: per direction a FIFO of copied frames and one timer in
 * the shared queue armed for the head frame's arrival. Loss is decided at
 * send time from a splitmix64 generator, so a seed fixes every outcome.
 */
#include "wire.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct frame {
	struct frame *next;
	lacp_time_t due;
	uint64_t seq;
	size_t len;
	uint8_t data[];
};

/* One direction: frames sent from end FROM towards end 1 - FROM. */
struct direction {
	struct lacp_wire *w;
	int from;
	struct frame *head, *tail;
	size_t n;
	uint64_t next_seq;
	lacp_time_t last_due; /* no frame may arrive before an earlier one */
	struct lacp_timer timer;
	struct lacp_wire_counters c;
};

struct end {
	lacp_wire_deliver_fn deliver;
	lacp_wire_carrier_fn carrier;
	void *ctx;
};

struct lacp_wire {
	struct lacp_timerq *q;
	struct direction dir[2];
	struct end end[2];
	lacp_time_t delay;
	double loss;
	uint64_t rng;
	bool cut;
};

static bool bad_end(int end)
{
	return end != 0 && end != 1;
}

/* splitmix64: small, fast, and fully determined by the seed. */
static uint64_t next_random(struct lacp_wire *w)
{
	uint64_t z = (w->rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Drops every frame in flight in D, counting them as lost. */
static void flush_direction(struct direction *d, bool count)
{
	struct frame *f = d->head;

	while (f) {
		struct frame *next = f->next;

		if (count)
			d->c.lost++;
		free(f);
		f = next;
	}
	d->head = d->tail = NULL;
	d->n = 0;
	lacp_timerq_cancel(d->w->q, &d->timer);
}

/* Hands every frame of one direction that is due at NOW to the far end. */
static void direction_fire(struct lacp_timer *t, lacp_time_t now)
{
	struct direction *d = LACP_CONTAINER_OF(t, struct direction, timer);
	struct lacp_wire *w = d->w;
	uint64_t limit = d->next_seq;

	/* Only frames already in flight: one sent by a callback below (an end
	 * looped onto itself) waits for the next run even with delay 0. */
	while (d->head && d->head->due <= now && d->head->seq < limit) {
		struct frame *f = d->head;
		struct end *to = &w->end[1 - d->from];

		d->head = f->next;
		if (!d->head)
			d->tail = NULL;
		d->n--;
		if (to->deliver) {
			d->c.delivered++;
			/* The callback may send, cut or restore: the FIFO is
			 * consistent before the call and re-read after it. */
			to->deliver(to->ctx, f->data, f->len, now);
		} else {
			d->c.unattached++;
		}
		free(f);
	}
	/* A frame sent from a callback above armed the timer already. */
	if (d->head && !lacp_timer_armed(&d->timer))
		lacp_timerq_arm(w->q, &d->timer, d->head->due);
}

struct lacp_wire *lacp_wire_new(struct lacp_timerq *q)
{
	struct lacp_wire *w = calloc(1, sizeof(*w));

	if (!w)
		return NULL;
	w->q = q;
	w->rng = 1;
	for (int i = 0; i < 2; i++) {
		w->dir[i].w = w;
		w->dir[i].from = i;
		w->dir[i].last_due = INT64_MIN;
		lacp_timer_init(&w->dir[i].timer, direction_fire);
	}
	return w;
}

void lacp_wire_free(struct lacp_wire *w)
{
	if (!w)
		return;
	for (int i = 0; i < 2; i++)
		flush_direction(&w->dir[i], false);
	free(w);
}

int lacp_wire_attach(struct lacp_wire *w, int end, lacp_wire_deliver_fn deliver,
		     void *ctx)
{
	if (bad_end(end) || !deliver)
		return -EINVAL;
	w->end[end].deliver = deliver;
	w->end[end].ctx = ctx;
	return 0;
}

int lacp_wire_set_carrier_cb(struct lacp_wire *w, int end, lacp_wire_carrier_fn carrier)
{
	if (bad_end(end))
		return -EINVAL;
	w->end[end].carrier = carrier;
	return 0;
}

void lacp_wire_detach(struct lacp_wire *w, int end)
{
	if (bad_end(end))
		return;
	memset(&w->end[end], 0, sizeof(w->end[end]));
}

int lacp_wire_send(struct lacp_wire *w, int from_end, const uint8_t *frame, size_t len,
		   lacp_time_t now)
{
	struct direction *d;
	struct frame *f;
	lacp_time_t due;

	if (bad_end(from_end) || !frame || len == 0 || len > LACP_WIRE_MAX_FRAME)
		return -EINVAL;
	d = &w->dir[from_end];
	d->c.sent++;
	if (w->cut) {
		d->c.dropped_cut++;
		return 0;
	}
	/* Draw even at 0 % so changing the rate does not shift later draws. */
	if ((double)(next_random(w) >> 11) * 0x1.0p-53 * 100.0 < w->loss) {
		d->c.lost++;
		return 0;
	}
	f = malloc(sizeof(*f) + len);
	if (!f)
		return -ENOMEM;
	due = now + w->delay;
	if (due < d->last_due)
		due = d->last_due; /* in order, whatever the delay did */
	f->due = due;
	f->seq = d->next_seq++;
	f->len = len;
	f->next = NULL;
	memcpy(f->data, frame, len);
	if (!d->head && lacp_timerq_arm(w->q, &d->timer, due) < 0) {
		free(f);
		return -ENOMEM;
	}
	if (d->tail)
		d->tail->next = f;
	else
		d->head = f;
	d->tail = f;
	d->n++;
	d->last_due = due;
	return 0;
}

int lacp_wire_set_delay(struct lacp_wire *w, lacp_time_t delay)
{
	if (delay < 0)
		return -EINVAL;
	w->delay = delay;
	return 0;
}

lacp_time_t lacp_wire_delay(const struct lacp_wire *w)
{
	return w->delay;
}

int lacp_wire_set_loss(struct lacp_wire *w, double pct)
{
	if (!(pct >= 0.0 && pct <= 100.0))
		return -EINVAL;
	w->loss = pct;
	return 0;
}

double lacp_wire_loss(const struct lacp_wire *w)
{
	return w->loss;
}

void lacp_wire_seed(struct lacp_wire *w, uint64_t seed)
{
	w->rng = seed;
}

/* Tells both ends about a carrier change. A callback may restore or cut
 * again; the later call then reports its own change after this one. */
static void carrier_changed(struct lacp_wire *w, bool up, lacp_time_t now)
{
	for (int i = 0; i < 2; i++) {
		struct end *e = &w->end[i];

		if (e->carrier)
			e->carrier(e->ctx, up, now);
	}
}

void lacp_wire_cut(struct lacp_wire *w, lacp_time_t now)
{
	if (w->cut)
		return;
	w->cut = true;
	for (int i = 0; i < 2; i++)
		flush_direction(&w->dir[i], true);
	carrier_changed(w, false, now);
}

void lacp_wire_restore(struct lacp_wire *w, lacp_time_t now)
{
	if (!w->cut)
		return;
	w->cut = false;
	carrier_changed(w, true, now);
}

bool lacp_wire_is_cut(const struct lacp_wire *w)
{
	return w->cut;
}

size_t lacp_wire_in_flight(const struct lacp_wire *w, int from_end)
{
	return bad_end(from_end) ? 0 : w->dir[from_end].n;
}

struct lacp_wire_counters lacp_wire_counters(const struct lacp_wire *w, int from_end)
{
	struct lacp_wire_counters zero = {0};

	return bad_end(from_end) ? zero : w->dir[from_end].c;
}

void lacp_wire_counters_reset(struct lacp_wire *w)
{
	for (int i = 0; i < 2; i++)
		memset(&w->dir[i].c, 0, sizeof(w->dir[i].c));
}
