/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Measurement of the partner (the device under test) of one port: how
 * regularly it sends, whether it keeps the transmit limit of 802.1AX-2014
 * 6.4.16, how fast it echoes what we change, how long a link takes to
 * converge and how long the partner takes to expire us.
 *
 * Pure like the machines: fed "the partner's LACPDU arrived at t", "we sent
 * a LACPDU at t", "our Mux entered a state at t", "port_enabled changed at
 * t" by sm.c, and read by the host. Every port of a system measures all the
 * time; the host can leave it out at port creation (config.measure false,
 * for the benchmark that compares both).
 *
 * Times are microseconds on the core's axis. A host that knows when a frame
 * really arrived (a kernel receive stamp) says so with lacp_measure_stamp()
 * before handing the frame to lacp_port_rx().
 *
 * Memory is constant per port: the intervals and the reactions keep their
 * last LACP_MEASURE_RECENT samples exactly and all of them in a histogram
 * of fixed log buckets (4 per octave, 32 µs .. 134 s; 16-bit counts, all
 * halved when one would overflow, which keeps the proportions).
 * Percentiles are exact while the samples fit the recent ring; beyond,
 * they are read from the histogram (linear inside a bucket, clamped to
 * the exact min and max). Convergence and expiry, a sample per flap, keep
 * their last LACP_MEASURE_RECENT_FEW only: beyond, their median and p99
 * are those of the last few (min, max and mean of all). Storage comes with
 * a distribution's first sample.
 */
#ifndef LACP_MEASURE_H
#define LACP_MEASURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clock.h"
#include "lacpdu.h"

#define LACP_MEASURE_RECENT 32
#define LACP_MEASURE_RECENT_FEW 8
#define LACP_MEASURE_BUCKETS 89
/* Changes of ours waiting for the partner's echo; older ones give way. */
#define LACP_MEASURE_PENDING 4
/* The most LACPDUs one rate window is counted up to (a flood saturates). */
#define LACP_MEASURE_WINDOW_MAX 4096

/* A distribution of durations (µs): exact extremes, the recent samples,
 * and (when it has one) the log histogram. Storage is allocated with the
 * first sample. */
struct lacp_measure_dist {
	uint64_t count;
	lacp_time_t min, max, last;
	lacp_time_t sum;    /* of every sample, for the mean */
	uint32_t *recent;   /* cap samples, µs (saturated) */
	uint16_t *hist;     /* LACP_MEASURE_BUCKETS counts, or NULL */
	uint16_t cap;       /* LACP_MEASURE_RECENT (with histogram) or _FEW */
	uint16_t head;      /* next slot of recent */
};

/* What a distribution says. Valid fields only when count > 0. */
struct lacp_measure_summary {
	uint64_t count;
	lacp_time_t min, median, p99, max, last, mean;
	bool exact; /* percentiles from every sample, not the histogram */
};

/* The convergence milestones, from port_enabled to ... */
enum lacp_measure_conv {
	LACP_CONV_PARTNER_SYNC,  /* the partner's LACPDU shows Synchronization */
	LACP_CONV_COLLECTING_DISTRIBUTING, /* our Mux collects and distributes */
	LACP_CONV_PARTNER_CD,    /* the partner's LACPDU shows C and D */
	LACP_CONV_COUNT
};
/* "partner_sync" "collecting_distributing" "partner_collecting_distributing" */
extern const char *const lacp_measure_conv_name[LACP_CONV_COUNT];

/* One change of our actor information waiting for its echo. */
struct lacp_measure_change {
	lacp_time_t sent;
	struct lacp_info info;
};

/* What happened worth a mark in a trace; the host drains these. */
enum lacp_measure_note_type {
	LACP_NOTE_REACTION,   /* value: the reaction time */
	LACP_NOTE_MISSED,     /* a change of ours was never echoed */
	LACP_NOTE_VIOLATION,  /* value: LACPDUs in the window ending now */
	LACP_NOTE_CONVERGED,  /* conv: which milestone; value: the time */
	LACP_NOTE_EXPIRY,     /* value: from our last LACPDU */
	LACP_NOTE_TYPE_COUNT
};
/* "reaction" "missed" "rate_violation" "convergence" "expiry" */
extern const char *const lacp_measure_note_name[LACP_NOTE_TYPE_COUNT];

struct lacp_measure_note {
	lacp_time_t time;   /* when it was seen */
	lacp_time_t value;  /* a duration, or a count for VIOLATION */
	uint8_t type;       /* enum lacp_measure_note_type */
	uint8_t conv;       /* CONVERGED: enum lacp_measure_conv */
};
#define LACP_MEASURE_NOTES 8

struct lacp_measure {
	lacp_time_t since; /* created or last reset */

	/* Partner intervals, by the rate our Timeout bit asks for. */
	lacp_time_t last_rx;  /* LACP_TIME_NEVER: none since enabled */
	struct lacp_measure_dist interval[2]; /* [0] fast (short), [1] slow */

	/* The transmit limit: arrival times of the LACPDUs still inside one
	 * fast_periodic_time window of the latest (a ring that grows with a
	 * burst, up to LACP_MEASURE_WINDOW_MAX). */
	lacp_time_t *win;
	unsigned win_cap, win_head, win_n;
	uint64_t violations;
	unsigned max_per_window;
	lacp_time_t worst_start;

	/* Reaction. */
	bool tx_valid;
	struct lacp_info tx_actor;  /* actor information of our last LACPDU */
	lacp_time_t last_tx;        /* when we sent it */
	struct lacp_info base;      /* what we advertised before the pending ones */
	bool base_valid;
	struct lacp_measure_change pending[LACP_MEASURE_PENDING];
	unsigned n_pending;
	struct lacp_measure_dist reaction;
	uint64_t missed, superseded;
	uint8_t partner_state;      /* the partner's last actor state */
	bool partner_heard;

	/* Convergence. */
	lacp_time_t conv_start;     /* LACP_TIME_NEVER: not converging */
	bool conv_done[LACP_CONV_COUNT];
	struct lacp_measure_dist conv[LACP_CONV_COUNT];
	uint64_t enables;
	bool enabled;

	/* Expiry seen from the partner. */
	bool partner_current;       /* its last LACPDU showed us current */
	lacp_time_t current_tx;     /* our last LACPDU as it last did */
	struct lacp_measure_dist expiry;

	/* The kernel's receive stamp of the frame about to arrive. */
	lacp_time_t stamp;
	bool tx_unstamped; /* the last LACPDU sent waits for its host stamp */

	struct lacp_measure_note notes[LACP_MEASURE_NOTES];
	unsigned n_notes;
	uint64_t notes_lost;
};

/* A new measurement starting at NOW, or NULL when out of memory. */
struct lacp_measure *lacp_measure_new(lacp_time_t now);
void lacp_measure_free(struct lacp_measure *m);

/* Forgets every figure (the port's state, such as the changes waiting for
 * an echo and the convergence under way, is kept). */
void lacp_measure_reset(struct lacp_measure *m, lacp_time_t now);

/* ---- the inputs, called by sm.c with the port they measure. Each does
 * nothing when the port has no measurement. */
struct lacp_port;

/* A LACPDU of the partner was taken at NOW (rx_enabled, decoded). */
void lacp_measure_rx(struct lacp_port *p, const struct lacp_lacpdu *pdu, lacp_time_t now);
/* We sent PDU (from the subtype octet on; only LACPDUs count) at NOW. */
void lacp_measure_tx(struct lacp_port *p, const uint8_t *pdu, size_t len, lacp_time_t now);
/* Our Mux entered state MUX (enum lacp_mux_state) at NOW. */
void lacp_measure_mux(struct lacp_port *p, int mux, lacp_time_t now);
/* port_enabled became ENABLED at NOW (repeats are ignored). */
void lacp_measure_enabled(struct lacp_port *p, bool enabled, lacp_time_t now);

/* The host's receive stamp of the next frame of the port (it replaces NOW
 * for that frame when not later than it). */
void lacp_measure_stamp(struct lacp_measure *m, lacp_time_t stamp);

/* The host's stamp of when the LACPDU just reported by lacp_measure_tx()
 * left (read as the host's send began): what the measurement holds of
 * that instant of the core (the send, a change waiting for its echo, the
 * start of a convergence) moves to STAMP. Nothing when the last frame sent
 * was no LACPDU, or STAMP is more than a second off the core's time of the
 * send. */
void lacp_measure_tx_stamp(struct lacp_measure *m, lacp_time_t stamp);

/* Counts as missed the changes whose echo is overdue at NOW (the partner's
 * timeout after they left). Called by the readers before they read. */
void lacp_measure_settle(struct lacp_port *p, lacp_time_t now);

/* ---- reading */

void lacp_measure_dist_summary(const struct lacp_measure_dist *d,
			       struct lacp_measure_summary *out);
/* Bucket I of the histogram covers [lower, upper) µs. */
void lacp_measure_bucket_bounds(unsigned i, lacp_time_t *lower, lacp_time_t *upper);

/* Takes the notes collected since the last call (at most MAX) into OUT;
 * returns how many. */
unsigned lacp_measure_take_notes(struct lacp_measure *m, struct lacp_measure_note *out,
				 unsigned max);

#endif
