/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * In-process links for tests and the "-wire" ports: a full-duplex cable with
 * two ends. Every frame sent is copied into a per-direction FIFO and handed
 * to the other end through the timer queue at send time + delay, always
 * through the queue (even with delay 0), so no send re-enters a port's
 * machines from inside its own transmit. Frames are delivered in order,
 * may be lost with a seeded, deterministic probability, and are lost when
 * the cable is cut. Each end can be told about carrier changes.
 */
#ifndef LACP_WIRE_H
#define LACP_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clock.h"

struct lacp_wire;

/* Called with a frame arriving at an end, at time NOW. FRAME is only valid
 * during the call. The callback may send on the wire (also on this end). */
typedef void (*lacp_wire_deliver_fn)(void *ctx, const uint8_t *frame, size_t len,
				     lacp_time_t now);
/* Called when the cable is cut (UP false) or restored (UP true). */
typedef void (*lacp_wire_carrier_fn)(void *ctx, bool up, lacp_time_t now);

/* Counters of one direction (frames sent from end N towards end 1 - N). */
struct lacp_wire_counters {
	uint64_t sent;       /* accepted by lacp_wire_send() */
	uint64_t delivered;  /* handed to the far end's deliver callback */
	uint64_t lost;       /* lost to the loss rate or in flight at a cut */
	uint64_t dropped_cut; /* sent while the cable was cut */
	uint64_t unattached; /* arrived at an end with nothing attached */
};

/* A new wire whose deliveries run through Q, or NULL when out of memory.
 * Delay 0, no loss, seed 1, not cut, nothing attached. */
struct lacp_wire *lacp_wire_new(struct lacp_timerq *q);

/* Frees W; frames in flight are discarded silently. Must not be called from
 * one of W's own callbacks. */
void lacp_wire_free(struct lacp_wire *w);

/*
 * Attaches DELIVER/CTX to END (0 or 1), replacing what was there. Returns 0
 * or -EINVAL for a bad end or a NULL DELIVER.
 */
int lacp_wire_attach(struct lacp_wire *w, int end, lacp_wire_deliver_fn deliver,
		     void *ctx);

/* Sets END's carrier callback (NULL for none); it gets the CTX of attach.
 * Returns 0 or -EINVAL. */
int lacp_wire_set_carrier_cb(struct lacp_wire *w, int end, lacp_wire_carrier_fn carrier);

/* Detaches END: frames arriving there are counted as unattached. */
void lacp_wire_detach(struct lacp_wire *w, int end);

/*
 * Sends LEN octets at FRAME from FROM_END towards the other end at NOW.
 * The frame is copied; it arrives at NOW + delay, after every frame sent
 * earlier in the same direction. A frame sent while cut is dropped and a
 * frame picked by the loss rate is lost: both still return 0, as a frame
 * sent into a broken cable would. Returns 0, -EINVAL (bad end, LEN 0 or
 * longer than LACP_WIRE_MAX_FRAME) or -ENOMEM.
 */
int lacp_wire_send(struct lacp_wire *w, int from_end, const uint8_t *frame, size_t len,
		   lacp_time_t now);

#define LACP_WIRE_MAX_FRAME 65536

/* One-way delay for frames sent from now on (>= 0, both directions). A
 * shorter delay never lets a frame overtake one already in flight. Returns
 * 0 or -EINVAL. */
int lacp_wire_set_delay(struct lacp_wire *w, lacp_time_t delay);
lacp_time_t lacp_wire_delay(const struct lacp_wire *w);

/* Loss probability in percent, 0..100, for frames sent from now on.
 * Returns 0 or -EINVAL. */
int lacp_wire_set_loss(struct lacp_wire *w, double pct);
double lacp_wire_loss(const struct lacp_wire *w);

/* Seeds the loss generator: the same seed and sends give the same losses. */
void lacp_wire_seed(struct lacp_wire *w, uint64_t seed);

/*
 * Cuts the cable at NOW: frames in flight are lost, later sends are dropped,
 * and both ends' carrier callbacks are called with UP false (synchronously:
 * a cut is a management action, not a frame). Nothing when already cut.
 */
void lacp_wire_cut(struct lacp_wire *w, lacp_time_t now);

/* Restores a cut cable at NOW and calls both carrier callbacks with UP
 * true. Nothing when not cut. */
void lacp_wire_restore(struct lacp_wire *w, lacp_time_t now);

bool lacp_wire_is_cut(const struct lacp_wire *w);

/* Frames in flight from FROM_END. */
size_t lacp_wire_in_flight(const struct lacp_wire *w, int from_end);

/* The counters of the direction from FROM_END (0 or 1); zeros for a bad end. */
struct lacp_wire_counters lacp_wire_counters(const struct lacp_wire *w, int from_end);

void lacp_wire_counters_reset(struct lacp_wire *w);

#endif
