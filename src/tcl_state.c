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

/* The event-loop timer: runs every deadline that has come. */
static void timer_fired(ClientData cd)
{
	struct lacp_tcl_state *st = cd;

	st->timer = NULL;
	st->timer_due = LACP_TIME_NEVER;
	if (st->virtual_clock)
		return;
	st->running = true;
	lacp_timerq_run(st->q, lacp_clock_monotonic());
	st->running = false;
	lacp_tcl_schedule(st);
}

void lacp_tcl_schedule(struct lacp_tcl_state *st)
{
	lacp_time_t next = lacp_timerq_next(st->q), now;
	long ms;

	if (st->virtual_clock || st->running) {
		if (st->timer != NULL && st->virtual_clock) {
			Tcl_DeleteTimerHandler(st->timer);
			st->timer = NULL;
			st->timer_due = LACP_TIME_NEVER;
		}
		return;
	}
	if (next == st->timer_due && st->timer != NULL)
		return;
	if (st->timer != NULL)
		Tcl_DeleteTimerHandler(st->timer);
	st->timer = NULL;
	st->timer_due = next;
	if (next == LACP_TIME_NEVER)
		return;
	now = lacp_clock_monotonic();
	/* Tcl counts in milliseconds: round up so the run finds the timer due. */
	ms = next <= now ? 0 : (long)((next - now + 999) / 1000);
	st->timer = Tcl_CreateTimerHandler((int)ms, timer_fired, st);
}

/* The queue's notification: its earliest deadline may have moved. */
static void queue_changed(void *ctx, lacp_time_t next)
{
	(void)next;
	lacp_tcl_schedule(ctx);
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
	st->timer_due = LACP_TIME_NEVER;
	generate_system_id(st->default_system_id);
	lacp_timerq_set_notify(st->q, queue_changed, st);
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
		if (st->systems[i]->n_ports == 0) {
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

	if (st->timer != NULL)
		Tcl_DeleteTimerHandler(st->timer);
	lacp_timerq_set_notify(st->q, NULL, NULL);
	for (i = 0; i < st->n_systems; i++)
		lacp_system_free(st->systems[i]);
	free(st->systems);
	lacp_timerq_free(st->q);
	free(st);
}

int lacp_tcl_register(Tcl_Interp *interp, struct lacp_tcl_state *st)
{
	if (lacp_tcl_pdu_register(interp, st) != TCL_OK ||
	    lacp_tcl_sim_register(interp, st) != TCL_OK ||
	    lacp_tcl_port_register(interp, st) != TCL_OK ||
	    lacp_tcl_trace_register(interp, st) != TCL_OK)
		return TCL_ERROR;
	return TCL_OK;
}
