/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * `NAME measure ?-reset?`: the figures a port measured of its partner
 * (src/core/measure.c) as a dict, and the marks they leave in lacp::trace.
 * Times are milliseconds as doubles with microsecond resolution; a
 * figure with no sample yet is the empty string.
 */
#include <stdlib.h>
#include <string.h>

#include "measure.h"
#include "state.h"
#include "tcl_lacp.h"

static void put(Tcl_Obj *d, const char *key, Tcl_Obj *value)
{
	Tcl_DictObjPut(NULL, d, Tcl_NewStringObj(key, -1), value);
}

static Tcl_Obj *ms_obj(lacp_time_t us)
{
	return Tcl_NewDoubleObj((double)us / 1000.0);
}

/* A duration when there is one, else "". */
static Tcl_Obj *ms_or_empty(bool have, lacp_time_t us)
{
	return have ? ms_obj(us) : Tcl_NewObj();
}

static Tcl_Obj *count_obj(uint64_t n)
{
	return Tcl_NewWideIntObj((Tcl_WideInt)n);
}

/* {count N min MS median MS p99 MS max MS last MS exact 0|1} */
static Tcl_Obj *summary_obj(const struct lacp_measure_dist *dist, bool histogram)
{
	struct lacp_measure_summary s;
	Tcl_Obj *d = Tcl_NewDictObj();
	bool have;

	lacp_measure_dist_summary(dist, &s);
	have = s.count > 0;
	put(d, "count", count_obj(s.count));
	put(d, "min", ms_or_empty(have, s.min));
	put(d, "median", ms_or_empty(have, s.median));
	put(d, "p99", ms_or_empty(have, s.p99));
	put(d, "max", ms_or_empty(have, s.max));
	put(d, "last", ms_or_empty(have, s.last));
	put(d, "mean", ms_or_empty(have, s.mean));
	put(d, "exact", Tcl_NewBooleanObj(!have || s.exact));
	if (histogram) {
		/* {UPPER_MS COUNT ...}: the buckets holding samples, by their
		 * upper bound ("" for the last, open one). */
		Tcl_Obj *h = Tcl_NewListObj(0, NULL);
		lacp_time_t lo, hi;
		unsigned i;

		for (i = 0; dist->hist != NULL && i < LACP_MEASURE_BUCKETS; i++) {
			if (dist->hist[i] == 0)
				continue;
			lacp_measure_bucket_bounds(i, &lo, &hi);
			Tcl_ListObjAppendElement(NULL, h, ms_or_empty(hi != LACP_TIME_NEVER, hi));
			Tcl_ListObjAppendElement(NULL, h, count_obj(dist->hist[i]));
		}
		put(d, "histogram", h);
	}
	return d;
}

/* The measure dict of core port P at NOW. */
static Tcl_Obj *measure_obj(struct lacp_port *p, lacp_time_t now)
{
	struct lacp_measure *m = p->measure;
	Tcl_Obj *d = Tcl_NewDictObj(), *x;
	/* The rate our Timeout bit asks for now. */
	bool slow = !(lacp_port_advertised_state(p) & LACP_STATE_TIMEOUT);
	unsigned i;

	lacp_measure_settle(p, now);
	x = summary_obj(&m->interval[slow], false);
	put(x, "rate", Tcl_NewStringObj(slow ? "slow" : "fast", -1));
	put(d, "partner_intervals", x);
	x = Tcl_NewDictObj();
	put(x, "fast", summary_obj(&m->interval[0], true));
	put(x, "slow", summary_obj(&m->interval[1], true));
	put(d, "intervals", x);

	put(d, "rate_violations", count_obj(m->violations));
	put(d, "max_per_window", count_obj(m->max_per_window));
	x = Tcl_NewDictObj();
	put(x, "start", ms_or_empty(m->max_per_window > 0, m->worst_start));
	put(x, "count", count_obj(m->max_per_window));
	put(x, "window", ms_obj(p->config.timing.fast_periodic));
	put(d, "worst_window", x);

	x = summary_obj(&m->reaction, false);
	put(x, "missed", count_obj(m->missed));
	put(x, "superseded", count_obj(m->superseded));
	put(x, "pending", count_obj(m->n_pending));
	put(d, "reaction", x);

	x = Tcl_NewDictObj();
	for (i = 0; i < LACP_CONV_COUNT; i++)
		put(x, lacp_measure_conv_name[i], summary_obj(&m->conv[i], false));
	put(x, "enables", count_obj(m->enables));
	put(x, "started", ms_or_empty(m->conv_start != LACP_TIME_NEVER, m->conv_start));
	put(d, "convergence", x);

	put(d, "expiry", summary_obj(&m->expiry, false));
	put(d, "since", ms_obj(m->since));
	put(d, "now", ms_obj(now));
	return d;
}

/* NAME measure ?-reset? */
int lacp_tcl_measure_cmd(struct tcl_port *tp, Tcl_Interp *interp, int objc,
			 Tcl_Obj *const objv[])
{
	static const char *const opts[] = {"-reset", NULL};
	struct lacp_port *p = lacp_tcl_port_core(tp);
	lacp_time_t now = lacp_tcl_now(lacp_tcl_port_state(tp));
	int idx;

	if (objc > 3)
		return lacp_tcl_wrong_args(interp, 2, objv, "?-reset?");
	if (objc == 3 && lacp_tcl_get_index(interp, objv[2], opts, "option", &idx) != TCL_OK)
		return TCL_ERROR;
	if (p->measure == NULL)
		return lacp_tcl_error(interp, "LACP MEASURE OFF",
				      "port \"%s\" was created without measurement "
				      "(LACP_MEASURE=off in the environment)",
				      lacp_tcl_port_name(tp));
	Tcl_SetObjResult(interp, measure_obj(p, now));
	if (objc == 3)
		lacp_measure_reset(p->measure, now);
	return TCL_OK;
}

bool lacp_tcl_measure_wanted(void)
{
	const char *v = getenv("LACP_MEASURE");

	return v == NULL || (strcmp(v, "off") != 0 && strcmp(v, "0") != 0);
}

void lacp_tcl_measure_stamp(struct tcl_port *tp, lacp_time_t stamp)
{
	struct lacp_port *p = lacp_tcl_port_core(tp);

	if (p != NULL && !lacp_tcl_port_deleted(tp))
		lacp_measure_stamp(p->measure, stamp);
}

void lacp_tcl_measure_tx_stamp(struct tcl_port *tp, lacp_time_t stamp)
{
	struct lacp_port *p = lacp_tcl_port_core(tp);

	if (p != NULL && !lacp_tcl_port_deleted(tp))
		lacp_measure_tx_stamp(p->measure, stamp);
}

/* "reaction 10.000 ms", "rate_violation 4 in [t, t+1000)" ... */
static Tcl_Obj *note_summary(const struct lacp_measure_note *n)
{
	switch (n->type) {
	case LACP_NOTE_VIOLATION:
		return Tcl_ObjPrintf("rate_violation: %lld LACPDUs in a window",
				     (long long)n->value);
	case LACP_NOTE_CONVERGED:
		return Tcl_ObjPrintf("convergence %s %.3f ms", lacp_measure_conv_name[n->conv],
				     (double)n->value / 1000.0);
	default:
		return Tcl_ObjPrintf("%s %.3f ms", lacp_measure_note_name[n->type],
				     (double)n->value / 1000.0);
	}
}

/* The measurement's observer of port events: its marks go to the trace. */
static void measure_event(struct tcl_port *tp, const struct lacp_event *ev)
{
	struct lacp_port *p = lacp_tcl_port_core(tp);
	struct lacp_tcl_state *st = lacp_tcl_port_state(tp);
	struct lacp_measure_note notes[LACP_MEASURE_NOTES];
	unsigned n, i;

	(void)ev;
	if (p == NULL || p->measure == NULL || p->measure->n_notes == 0)
		return;
	n = lacp_measure_take_notes(p->measure, notes, LACP_MEASURE_NOTES);
	if (!lacp_tcl_trace_on(st))
		return;
	for (i = 0; i < n; i++) {
		Tcl_Obj *d = Tcl_NewDictObj();

		put(d, "event", Tcl_NewStringObj("measure", -1));
		put(d, "kind", Tcl_NewStringObj(lacp_measure_note_name[notes[i].type], -1));
		put(d, "value", notes[i].type == LACP_NOTE_VIOLATION ? count_obj((uint64_t)notes[i].value)
								    : ms_obj(notes[i].value));
		if (notes[i].type == LACP_NOTE_CONVERGED)
			put(d, "milestone", Tcl_NewStringObj(lacp_measure_conv_name[notes[i].conv], -1));
		put(d, "summary", note_summary(&notes[i]));
		lacp_tcl_trace_record(st, lacp_tcl_port_name(tp), notes[i].time, d);
	}
}

int lacp_tcl_measure_register(Tcl_Interp *interp, struct lacp_tcl_state *st)
{
	(void)interp;
	lacp_tcl_observe(st, measure_event);
	return TCL_OK;
}
