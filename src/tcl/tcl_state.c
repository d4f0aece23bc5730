/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The per-interpreter state of the binding: the one timer queue and its
 * place in Tcl's event loop (real clock) or under `lacp::clock advance`
 * (virtual clock), the emulated systems, and the list of command families.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tcl_lacp.h"
#include "uthash.h"

lacp_time_t lacp_tcl_now(const struct lacp_tcl_state *st)
{
	return st->virtual_clock ? st->vclock.now : lacp_clock_monotonic();
}

void lacp_tcl_background_error(Tcl_Interp *interp)
{
	struct lacp_tcl_state *st = Tcl_GetAssocData(interp, LACP_ASSOC_KEY, NULL);

	Tcl_BackgroundException(interp, TCL_ERROR);
	if (st != NULL)
		st->bg_pending = true;
}

void lacp_tcl_flush_background(struct lacp_tcl_state *st)
{
	if (!st->bg_pending)
		return;
	st->bg_pending = false;
	/* Tcl reports background errors from an idle handler. */
	while (Tcl_DoOneEvent(TCL_IDLE_EVENTS | TCL_DONT_WAIT))
		;
}

/*
 * Real time: the queue is an event source of Tcl's notifier. At every
 * turn of the event loop, source_setup() bounds the notifier's wait by
 * when the queue's next run is due (Tcl_SetMaxBlockTime, to the
 * microsecond), and source_check() queues one timer_event when that time
 * has come; timer_event_proc() runs every timer due. Nothing needs
 * re-arming when the queue changes: the next turn reads its head again.
 * No descriptor is involved, so a deadline wakes the waiting thread itself
 * rather than going through the notifier thread of a threaded Tcl 8.6.
 *
 * When is a run due? At the first point of a fixed grid (multiples of a
 * grid step on the monotonic axis) at or after the earliest deadline:
 * every deadline within one step costs one wake-up, not one each, and the
 * lateness this adds, under a step, is the same for a deadline every time
 * it recurs. The periodic machine counts each period from its deadline,
 * not from when it ran, so the interval between periodic LACPDUs on the
 * wire stays the period: only the phase moves, by less than a step.
 * (Tcl_CreateTimerHandler rounds each wait up to whole milliseconds from
 * the moment of the wait, which moves with everything else the loop does:
 * that lateness changed from one period to the next, and so did the
 * interval.) A run fires only the deadlines up to the grid point it is
 * for, even when it starts late: otherwise a deadline just past that
 * point would go now in one period and a step later in the next. The
 * step is 1 ms, 2 ms from 128 armed timers and 4 ms from 512: a thousand
 * ports on their own phases then cost a few hundred wake-ups a second
 * rather than a thousand and more, and every timer stays far inside the
 * tolerance 802.1AX gives its timers (±250 ms, 6.4.4). Urgent timers
 * (what a rule leaves for the end of the instant: its exit, the transmit
 * limit back on) are not held for the grid: while one is armed, the step
 * is a microsecond.
 */
struct timer_event {
	Tcl_Event header;
	struct lacp_tcl_state *st;
};

/* The grid step now: one microsecond (no grid) while an urgent timer is
 * armed. */
static lacp_time_t grid_step(const struct lacp_tcl_state *st)
{
	size_t n = lacp_timerq_count(st->q);

	if (lacp_timerq_urgent(st->q) > 0)
		return 1;
	return n < 128 ? LACP_MS(1) : n < 512 ? LACP_MS(2) : LACP_MS(4);
}

/* When the next run of the queue is due (see above), or LACP_TIME_NEVER. */
static lacp_time_t run_due(const struct lacp_tcl_state *st)
{
	lacp_time_t next = lacp_timerq_next(st->q), g;

	if (next == LACP_TIME_NEVER)
		return next;
	g = grid_step(st);
	return next + (g - next % g) % g;
}

/* Whether the real-clock source has work to look at now. */
static bool source_live(const struct lacp_tcl_state *st, int flags)
{
	return (flags & TCL_TIMER_EVENTS) && !st->virtual_clock && !st->running &&
	       !st->timer_queued;
}

static void source_setup(ClientData cd, int flags)
{
	struct lacp_tcl_state *st = cd;
	lacp_time_t at, now, wait;
	Tcl_Time block;

	if (!source_live(st, flags) || (at = run_due(st)) == LACP_TIME_NEVER)
		return;
	now = lacp_clock_monotonic();
	wait = at > now ? at - now : 0;
	block.sec = (long)(wait / 1000000);
	block.usec = (long)(wait % 1000000);
	Tcl_SetMaxBlockTime(&block);
}

static int timer_event_proc(Tcl_Event *ev, int flags)
{
	struct lacp_tcl_state *st = ((struct timer_event *)ev)->st;
	lacp_time_t now, g;

	if (!(flags & TCL_TIMER_EVENTS))
		return 0; /* not now: stays queued */
	st->timer_queued = false;
	if (st->virtual_clock || st->running)
		return 1;
	now = lacp_clock_monotonic();
	g = grid_step(st);
	st->running = true;
	lacp_timerq_run_upto(st->q, now - now % g, now);
	st->running = false;
	return 1;
}

static void source_check(ClientData cd, int flags)
{
	struct lacp_tcl_state *st = cd;
	struct timer_event *ev;

	if (!source_live(st, flags) || run_due(st) > lacp_clock_monotonic())
		return;
	ev = (struct timer_event *)ckalloc(sizeof *ev);
	ev->header.proc = timer_event_proc;
	ev->st = st;
	st->timer_queued = true;
	/* an urgent timer ends the instant that armed it: before any frame
	 * received meanwhile is looked at */
	Tcl_QueueEvent(&ev->header, lacp_timerq_urgent(st->q) > 0 ? TCL_QUEUE_HEAD : TCL_QUEUE_TAIL);
}

/* Tcl_DeleteEvents filter: the queued timer event of the state CD. */
static int is_our_event(Tcl_Event *ev, ClientData cd)
{
	return ev->proc == timer_event_proc && ((struct timer_event *)ev)->st == cd;
}

/* A locally administered MAC that differs between processes: the default
 * system id of ports on wires (ports on interfaces take the interface's). */
static void generate_system_id(uint8_t id[6])
{
	unsigned long v = (unsigned long)getpid() * 2654435761u ^ (unsigned long)time(NULL);

	id[0] = 0x02;
	id[1] = 0x6c; /* 'l' */
	id[2] = (uint8_t)(v >> 24);
	id[3] = (uint8_t)(v >> 16);
	id[4] = (uint8_t)(v >> 8);
	id[5] = (uint8_t)v;
}

struct lacp_tcl_state *lacp_tcl_state_new(Tcl_Interp *interp)
{
	struct lacp_tcl_state *st = calloc(1, sizeof *st);

	if (st == NULL)
		return NULL;
	st->q = lacp_timerq_new();
	if (st->q == NULL) {
		free(st);
		return NULL;
	}
	st->interp = interp;
	generate_system_id(st->default_system_id);
	Tcl_CreateEventSource(source_setup, source_check, st);
	return st;
}

struct lacp_system *lacp_tcl_system(struct lacp_tcl_state *st, const uint8_t id[6],
				    uint16_t priority)
{
	struct lacp_system *sys, **grown;
	size_t i;

	for (i = 0; i < st->n_systems; i++)
		if (memcmp(st->systems[i]->id, id, 6) == 0)
			return st->systems[i];
	grown = realloc(st->systems, (st->n_systems + 1) * sizeof *grown);
	if (grown == NULL)
		return NULL;
	st->systems = grown;
	sys = lacp_system_new(id, priority, st->q);
	if (sys == NULL)
		return NULL;
	st->systems[st->n_systems++] = sys;
	return sys;
}

void lacp_tcl_systems_gc(struct lacp_tcl_state *st)
{
	size_t i = 0;

	while (i < st->n_systems) {
		if (st->systems[i]->n_ports == 0 && st->systems[i]->user == NULL) {
			lacp_system_free(st->systems[i]);
			st->systems[i] = st->systems[--st->n_systems];
		} else {
			i++;
		}
	}
}

void lacp_tcl_state_free(struct lacp_tcl_state *st)
{
	size_t i;

	Tcl_DeleteEventSource(source_setup, source_check, st);
	Tcl_DeleteEvents(is_our_event, st);
	for (i = 0; i < st->n_systems; i++)
		lacp_system_free(st->systems[i]);
	free(st->systems);
	lacp_timerq_free(st->q);
	free(st);
}

void lacp_tcl_observe(struct lacp_tcl_state *st, lacp_tcl_observer_fn *fn)
{
	/* a fixed set, registered once per interpreter: a full table is a
	 * programming error */
	if (st->n_observers < LACP_TCL_MAX_OBSERVERS)
		st->observers[st->n_observers++] = fn;
}

int lacp_tcl_register(Tcl_Interp *interp, struct lacp_tcl_state *st)
{
	if (lacp_tcl_pdu_register(interp, st) != TCL_OK ||
	    lacp_tcl_sim_register(interp, st) != TCL_OK ||
	    lacp_tcl_port_register(interp, st) != TCL_OK ||
	    lacp_tcl_system_register(interp, st) != TCL_OK ||
	    lacp_tcl_trace_register(interp, st) != TCL_OK ||
	    lacp_tcl_log_register(interp, st) != TCL_OK ||
	    lacp_tcl_measure_register(interp, st) != TCL_OK ||
	    lacp_tcl_rules_register(interp, st) != TCL_OK ||
	    lacp_tcl_unix_register(interp, st) != TCL_OK)
		return TCL_ERROR;
	return TCL_OK;
}
