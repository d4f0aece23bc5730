/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The real monotonic clock (for hosts), the timer queue (a binary min-heap
 * ordered by due time, then arming order) and the virtual clock.
 */
#include "clock.h"

#include <errno.h>
#include <stdlib.h>
#include <time.h>

struct lacp_timerq {
	struct lacp_timer **heap;
	size_t n, cap;
	size_t n_urgent;     /* armed timers with their urgent flag */
	uint64_t seq;        /* next arming sequence number */
	bool running;
	uint64_t run_seq;    /* timers armed at or after this wait for the next run */
	struct lacp_timer **deferred; /* due but armed during the current run */
	size_t n_deferred, cap_deferred;
	void (*notify)(void *ctx, lacp_time_t next);
	void *notify_ctx;
	lacp_time_t notified;
};

/* Marks a timer set aside during a run: armed, but not in the heap. */
#define SLOT_DEFERRED SIZE_MAX

lacp_time_t lacp_clock_monotonic(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (lacp_time_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void lacp_timer_init(struct lacp_timer *t,
		     void (*fire)(struct lacp_timer *t, lacp_time_t now))
{
	t->due = LACP_TIME_NEVER;
	t->slot = 0;
	t->seq = 0;
	t->fire = fire;
	t->urgent = false;
}

bool lacp_timer_armed(const struct lacp_timer *t)
{
	return t->slot != 0;
}

struct lacp_timerq *lacp_timerq_new(void)
{
	struct lacp_timerq *q = calloc(1, sizeof(*q));

	if (q)
		q->notified = LACP_TIME_NEVER;
	return q;
}

void lacp_timerq_free(struct lacp_timerq *q)
{
	if (!q)
		return;
	for (size_t i = 0; i < q->n; i++)
		q->heap[i]->slot = 0;
	for (size_t i = 0; i < q->n_deferred; i++)
		q->deferred[i]->slot = 0;
	free(q->heap);
	free(q->deferred);
	free(q);
}

/* True when A must fire before B. */
static bool earlier(const struct lacp_timer *a, const struct lacp_timer *b)
{
	return a->due < b->due || (a->due == b->due && a->seq < b->seq);
}

static void place(struct lacp_timerq *q, size_t i, struct lacp_timer *t)
{
	q->heap[i] = t;
	t->slot = i + 1;
}

static void sift_up(struct lacp_timerq *q, size_t i)
{
	struct lacp_timer *t = q->heap[i];

	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (!earlier(t, q->heap[parent]))
			break;
		place(q, i, q->heap[parent]);
		i = parent;
	}
	place(q, i, t);
}

static void sift_down(struct lacp_timerq *q, size_t i)
{
	struct lacp_timer *t = q->heap[i];

	for (;;) {
		size_t l = 2 * i + 1, best = l;

		if (l >= q->n)
			break;
		if (l + 1 < q->n && earlier(q->heap[l + 1], q->heap[l]))
			best = l + 1;
		if (!earlier(q->heap[best], t))
			break;
		place(q, i, q->heap[best]);
		i = best;
	}
	place(q, i, t);
}

/* Removes the timer at heap index I and restores the heap. */
/* Every disarming goes through heap_remove() or deferred_remove(), with
 * KEEP when the timer is armed again at once. */
static void heap_remove(struct lacp_timerq *q, size_t i, bool keep)
{
	struct lacp_timer *t = q->heap[i];

	if (t->urgent && !keep)
		q->n_urgent--;
	t->slot = 0;
	q->n--;
	if (i == q->n)
		return;
	q->heap[i] = q->heap[q->n];
	q->heap[i]->slot = i + 1;
	if (i > 0 && earlier(q->heap[i], q->heap[(i - 1) / 2]))
		sift_up(q, i);
	else
		sift_down(q, i);
}

static void deferred_remove(struct lacp_timerq *q, struct lacp_timer *t, bool keep)
{
	if (t->urgent && !keep)
		q->n_urgent--;
	for (size_t i = 0; i < q->n_deferred; i++) {
		if (q->deferred[i] == t) {
			q->deferred[i] = q->deferred[--q->n_deferred];
			break;
		}
	}
	t->slot = 0;
}

/* Tells the host when the earliest due time moved (not during a run). */
static void maybe_notify(struct lacp_timerq *q)
{
	lacp_time_t next;

	if (!q->notify || q->running)
		return;
	next = lacp_timerq_next(q);
	if (next == q->notified)
		return;
	q->notified = next;
	q->notify(q->notify_ctx, next);
}

static int heap_reserve(struct lacp_timerq *q)
{
	/* Room for the set-aside timers too, so putting them back never
	 * needs memory. */
	if (q->n + q->n_deferred < q->cap)
		return 0;
	size_t cap = q->cap ? q->cap * 2 : 16;
	struct lacp_timer **h = realloc(q->heap, cap * sizeof(*h));

	if (!h)
		return -ENOMEM;
	q->heap = h;
	q->cap = cap;
	return 0;
}

int lacp_timerq_arm(struct lacp_timerq *q, struct lacp_timer *t, lacp_time_t due)
{
	if (t->slot == 0 || t->slot == SLOT_DEFERRED) {
		/* Reserve first so that failure leaves T as it was. */
		if (heap_reserve(q) < 0)
			return -ENOMEM;
		if (t->slot == SLOT_DEFERRED)
			deferred_remove(q, t, true);
		else if (t->urgent)
			q->n_urgent++;
		t->due = due;
		t->seq = q->seq++;
		q->heap[q->n++] = t;
		sift_up(q, q->n - 1);
	} else {
		size_t i = t->slot - 1;

		t->due = due;
		t->seq = q->seq++;
		/* A later seq can only move it down among equal due times. */
		sift_up(q, i);
		sift_down(q, t->slot - 1);
	}
	maybe_notify(q);
	return 0;
}

void lacp_timerq_cancel(struct lacp_timerq *q, struct lacp_timer *t)
{
	if (t->slot == 0)
		return;
	if (t->slot == SLOT_DEFERRED)
		deferred_remove(q, t, false);
	else
		heap_remove(q, t->slot - 1, false);
	maybe_notify(q);
}

lacp_time_t lacp_timerq_next(const struct lacp_timerq *q)
{
	lacp_time_t next = q->n ? q->heap[0]->due : LACP_TIME_NEVER;

	/* Set-aside timers exist only during a run; they are due by then. */
	for (size_t i = 0; i < q->n_deferred; i++)
		if (q->deferred[i]->due < next)
			next = q->deferred[i]->due;
	return next;
}

size_t lacp_timerq_count(const struct lacp_timerq *q)
{
	return q->n + q->n_deferred;
}

size_t lacp_timerq_urgent(const struct lacp_timerq *q)
{
	return q->n_urgent;
}

/* Sets T aside for the rest of the run; 0 or -ENOMEM. */
static int defer(struct lacp_timerq *q, struct lacp_timer *t)
{
	if (q->n_deferred == q->cap_deferred) {
		size_t cap = q->cap_deferred ? q->cap_deferred * 2 : 8;
		struct lacp_timer **d = realloc(q->deferred, cap * sizeof(*d));

		if (!d)
			return -ENOMEM;
		q->deferred = d;
		q->cap_deferred = cap;
	}
	heap_remove(q, 0, true);
	q->deferred[q->n_deferred++] = t;
	t->slot = SLOT_DEFERRED;
	return 0;
}

unsigned lacp_timerq_run(struct lacp_timerq *q, lacp_time_t now)
{
	return lacp_timerq_run_upto(q, now, now);
}

unsigned lacp_timerq_run_upto(struct lacp_timerq *q, lacp_time_t upto, lacp_time_t now)
{
	unsigned fired = 0;

	if (q->running)
		return 0; /* never nested: the outer run goes on */
	q->running = true;
	q->run_seq = q->seq;
	while (q->n && q->heap[0]->due <= upto) {
		struct lacp_timer *t = q->heap[0];

		if (t->seq >= q->run_seq) {
			/* Armed by this run: the next run fires it. When the
			 * side list cannot grow, stop here; the rest stays due. */
			if (defer(q, t) < 0)
				break;
			continue;
		}
		heap_remove(q, 0, false);
		fired++;
		t->fire(t, now);
	}
	/* Put the set-aside timers back with their arming order. */
	while (q->n_deferred) {
		struct lacp_timer *t = q->deferred[--q->n_deferred];

		t->slot = 0;
		/* heap_reserve() kept room for every set-aside timer. */
		q->heap[q->n++] = t;
		sift_up(q, q->n - 1);
	}
	q->running = false;
	q->notified = LACP_TIME_NEVER - 1; /* force one notification per run */
	maybe_notify(q);
	return fired;
}

void lacp_timerq_set_notify(struct lacp_timerq *q,
			    void (*notify)(void *ctx, lacp_time_t next), void *ctx)
{
	q->notify = notify;
	q->notify_ctx = ctx;
	q->notified = LACP_TIME_NEVER - 1;
}

unsigned lacp_vclock_advance_to(struct lacp_vclock *vc, struct lacp_timerq *q,
				lacp_time_t t)
{
	unsigned fired = 0, runs = 0;
	lacp_time_t next;

	if (t < vc->now)
		t = vc->now;
	while ((next = lacp_timerq_next(q)) <= t) {
		if (next > vc->now) {
			vc->now = next;
			runs = 0;
		}
		if (runs++ >= LACP_VCLOCK_MAX_RUNS)
			break;
		fired += lacp_timerq_run(q, vc->now);
	}
	vc->now = t;
	return fired;
}

unsigned lacp_vclock_advance(struct lacp_vclock *vc, struct lacp_timerq *q,
			     lacp_time_t delta)
{
	if (delta < 0)
		delta = 0;
	return lacp_vclock_advance_to(vc, q, vc->now + delta);
}
