/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Time for the core: one monotonic axis in microseconds, the one timer queue
 * every deadline of the core lives in (a binary min-heap), and a virtual
 * clock that moves only when told to, timer by timer. Only the hosts read the
 * real clock (lacp_clock_monotonic); the core is always told the time.
 */
#ifndef LACP_CLOCK_H
#define LACP_CLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Microseconds on a monotonic axis. */
typedef int64_t lacp_time_t;

#define LACP_TIME_NEVER INT64_MAX
#define LACP_US(x) ((lacp_time_t)(x))
#define LACP_MS(x) ((lacp_time_t)(x) * 1000)
#define LACP_SEC(x) ((lacp_time_t)(x) * 1000000)

/* The struct that embeds MEMBER at PTR (for timers embedded in owners). */
#define LACP_CONTAINER_OF(ptr, type, member) \
	((type *)(void *)((char *)(ptr) - offsetof(type, member)))

/* CLOCK_MONOTONIC in microseconds. Hosts only; the core never calls it. */
lacp_time_t lacp_clock_monotonic(void);

/*
 * A timer embedded in its owner. FIRE is called from lacp_timerq_run() with
 * the time of the run once DUE has passed; the timer is disarmed before the
 * call, so FIRE may re-arm it. Initialise with lacp_timer_init().
 */
struct lacp_timer {
	lacp_time_t due;
	size_t slot; /* heap index + 1; 0 when not armed */
	uint64_t seq; /* arming order: ties fire in the order they were armed */
	void (*fire)(struct lacp_timer *t, lacp_time_t now);
	/* Set by the owner before arming: a host that batches deadlines on a
	 * grid runs this one when it is due, not at the next grid point
	 * (what must happen at the end of the present instant). */
	bool urgent;
};

struct lacp_timerq;

void lacp_timer_init(struct lacp_timer *t,
		     void (*fire)(struct lacp_timer *t, lacp_time_t now));
bool lacp_timer_armed(const struct lacp_timer *t);

/* A new, empty queue, or NULL when out of memory. */
struct lacp_timerq *lacp_timerq_new(void);

/* Frees Q; timers still armed in it are left disarmed. */
void lacp_timerq_free(struct lacp_timerq *q);

/*
 * Arms T for DUE, or moves it there when already armed (it then counts as
 * armed now for tie-breaking). Returns 0 or -ENOMEM (T is then unchanged).
 */
int lacp_timerq_arm(struct lacp_timerq *q, struct lacp_timer *t, lacp_time_t due);

/* Disarms T; nothing when it is not armed. */
void lacp_timerq_cancel(struct lacp_timerq *q, struct lacp_timer *t);

/* The earliest due time in Q, or LACP_TIME_NEVER when Q is empty. */
lacp_time_t lacp_timerq_next(const struct lacp_timerq *q);

/* How many timers are armed in Q. */
size_t lacp_timerq_count(const struct lacp_timerq *q);

/* How many of them are urgent (see struct lacp_timer). */
size_t lacp_timerq_urgent(const struct lacp_timerq *q);

/*
 * Fires every timer due at or before NOW, earliest first, ties in arming
 * order, each with NOW as the time. A timer armed (or re-armed) during the
 * run is not fired by this run even when it is due: it waits for the next
 * call, so one run always ends even when timers re-arm themselves for the
 * past. Returns how many timers fired.
 */
unsigned lacp_timerq_run(struct lacp_timerq *q, lacp_time_t now);

/*
 * As lacp_timerq_run(), but fires only the timers due at or before UPTO,
 * which may be earlier than NOW: a host that batches deadlines on a grid
 * passes the grid point it woke for, so that a deadline just after that
 * point always waits for the next one rather than joining this run only
 * when the run happens to start late.
 */
unsigned lacp_timerq_run_upto(struct lacp_timerq *q, lacp_time_t upto, lacp_time_t now);

/*
 * Called whenever the earliest due time of Q may have changed outside a run,
 * and once at the end of every run, with lacp_timerq_next(Q): a host
 * integrating the queue with an event loop re-arms its one OS timer there.
 * NOTIFY may be NULL. It must not free Q.
 */
void lacp_timerq_set_notify(struct lacp_timerq *q,
			    void (*notify)(void *ctx, lacp_time_t next), void *ctx);

/* A virtual clock: time moves only through lacp_vclock_advance*(). */
struct lacp_vclock {
	lacp_time_t now;
};

/*
 * Advances VC by DELTA (>= 0), stepping timer by timer: for each timer due
 * in [now, now + DELTA], VC->now is set to its due time and the queue is run
 * there (timers due in the past run at the current time). Timers that keep
 * re-arming for the present are run again at the same time until none is
 * due; at most LACP_VCLOCK_MAX_RUNS runs happen at one instant, after which
 * the rest waits for the next call (a runaway timer cannot hang a test).
 * Ends with VC->now = the original now + DELTA. Returns timers fired.
 */
unsigned lacp_vclock_advance(struct lacp_vclock *vc, struct lacp_timerq *q,
			     lacp_time_t delta);

/* Same as lacp_vclock_advance() up to the absolute time T (>= VC->now). */
unsigned lacp_vclock_advance_to(struct lacp_vclock *vc, struct lacp_timerq *q,
				lacp_time_t t);

#define LACP_VCLOCK_MAX_RUNS 10000

#endif
