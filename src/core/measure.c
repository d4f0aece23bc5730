/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Measurement of the partner of a port (see measure.h): intervals, the
 * transmit limit, reaction to our changes, convergence and expiry. Owns the
 * distributions (recent ring plus log histogram) and the rules that decide
 * what a received LACPDU means for each figure.
 */
#include "measure.h"

#include <stdlib.h>
#include <string.h>

#include "sm.h"
#include "state.h"

const char *const lacp_measure_conv_name[LACP_CONV_COUNT] = {
	"partner_sync", "collecting_distributing", "partner_collecting_distributing",
};

const char *const lacp_measure_note_name[LACP_NOTE_TYPE_COUNT] = {
	"reaction", "missed", "rate_violation", "convergence", "expiry",
};

/* ---- distributions */

/* Buckets: 0 holds [0, 32) µs; then 4 per octave, bucket 1 + 4(e-5) + s
 * holding [(4+s) 2^(e-2), (5+s) 2^(e-2)) for 2^e <= v < 2^(e+1); the last
 * also holds everything beyond. */
static unsigned bucket_of(lacp_time_t v)
{
	unsigned e, s, i;

	if (v < 32)
		return 0;
	e = 63u - (unsigned)__builtin_clzll((unsigned long long)v);
	s = (unsigned)((v >> (e - 2)) & 3);
	i = 1 + 4 * (e - 5) + s;
	return i < LACP_MEASURE_BUCKETS ? i : LACP_MEASURE_BUCKETS - 1;
}

void lacp_measure_bucket_bounds(unsigned i, lacp_time_t *lower, lacp_time_t *upper)
{
	unsigned e, s;

	if (i == 0) {
		*lower = 0;
		*upper = 32;
		return;
	}
	e = 5 + (i - 1) / 4;
	s = (i - 1) % 4;
	*lower = (lacp_time_t)(4 + s) << (e - 2);
	*upper = i == LACP_MEASURE_BUCKETS - 1 ? LACP_TIME_NEVER
					       : (lacp_time_t)(5 + s) << (e - 2);
}

/* Adds sample V (µs, >= 0). Without memory the extremes still count. */
static void dist_add(struct lacp_measure_dist *d, lacp_time_t v)
{
	bool histogram = d->cap == LACP_MEASURE_RECENT;
	unsigned b, i;

	if (v < 0)
		v = 0;
	if (d->recent == NULL) {
		/* One block: the ring, then the 16-bit histogram. */
		d->recent = calloc(1, d->cap * sizeof(uint32_t) +
				      (histogram ? LACP_MEASURE_BUCKETS * sizeof(uint16_t) : 0));
		if (d->recent != NULL && histogram)
			d->hist = (uint16_t *)(d->recent + d->cap);
	}
	if (d->count == 0 || v < d->min)
		d->min = v;
	if (d->count == 0 || v > d->max)
		d->max = v;
	d->last = v;
	d->sum += v;
	d->count++;
	if (d->recent == NULL)
		return;
	d->recent[d->head] = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
	d->head = (uint16_t)((d->head + 1) % d->cap);
	if (d->hist == NULL)
		return;
	b = bucket_of(v);
	if (d->hist[b] == UINT16_MAX)
		for (i = 0; i < LACP_MEASURE_BUCKETS; i++)
			d->hist[i] = (uint16_t)((d->hist[i] + 1) / 2);
	d->hist[b]++;
}

/* Forgets every sample; the kind of distribution stays. */
static void dist_clear(struct lacp_measure_dist *d)
{
	uint16_t cap = d->cap;

	free(d->recent);
	memset(d, 0, sizeof(*d));
	d->cap = cap;
}

/* Nearest rank: the smallest sample with at least PCT % of them at or below. */
static uint64_t rank_of(uint64_t n, unsigned pct)
{
	uint64_t r = (n * pct + 99) / 100;

	return r == 0 ? 1 : r;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* The PCT percentile (nearest rank) from the histogram: linear inside its
 * bucket, clamped to the exact extremes. Ranks count in the histogram's
 * own total, which halving keeps in proportion. */
static lacp_time_t hist_rank(const struct lacp_measure_dist *d, unsigned pct)
{
	uint64_t seen = 0, total = 0, rank;
	lacp_time_t lo, hi, v;
	unsigned i;

	for (i = 0; i < LACP_MEASURE_BUCKETS; i++)
		total += d->hist[i];
	rank = rank_of(total, pct);

	for (i = 0; i < LACP_MEASURE_BUCKETS; i++) {
		if (seen + d->hist[i] >= rank)
			break;
		seen += d->hist[i];
	}
	if (i == LACP_MEASURE_BUCKETS)
		return d->max;
	lacp_measure_bucket_bounds(i, &lo, &hi);
	if (hi == LACP_TIME_NEVER || hi > d->max + 1)
		hi = d->max + 1;
	if (lo < d->min)
		lo = d->min;
	v = lo + (lacp_time_t)((double)(hi - lo) * (double)(rank - seen) /
			       (double)(d->hist[i] + 1));
	return v < d->min ? d->min : v > d->max ? d->max : v;
}


void lacp_measure_dist_summary(const struct lacp_measure_dist *d,
			       struct lacp_measure_summary *out)
{
	uint32_t sorted[LACP_MEASURE_RECENT];
	unsigned n;

	memset(out, 0, sizeof(*out));
	/* A distribution of a few exact samples answers from them alone. */
	out->count = d->count;
	if (d->count == 0)
		return;
	out->min = d->min;
	out->max = d->max;
	out->last = d->last;
	out->mean = d->sum / (lacp_time_t)d->count;
	if (d->recent != NULL && (d->count <= d->cap || d->hist == NULL)) {
		n = d->count < d->cap ? (unsigned)d->count : d->cap;
		memcpy(sorted, d->recent, n * sizeof(uint32_t));
		qsort(sorted, n, sizeof(uint32_t), cmp_u32);
		out->median = sorted[rank_of(n, 50) - 1];
		out->p99 = sorted[rank_of(n, 99) - 1];
		out->exact = d->count <= d->cap;
	} else if (d->recent != NULL) {
		out->median = hist_rank(d, 50);
		out->p99 = hist_rank(d, 99);
	} else {
		/* No memory for samples: the extremes are all there is. */
		out->median = d->min;
		out->p99 = d->max;
	}
}

/* ---- lifetime */

static void clear_figures(struct lacp_measure *m, lacp_time_t now)
{
	unsigned i;

	m->since = now;
	for (i = 0; i < 2; i++)
		dist_clear(&m->interval[i]);
	dist_clear(&m->reaction);
	for (i = 0; i < LACP_CONV_COUNT; i++)
		dist_clear(&m->conv[i]);
	dist_clear(&m->expiry);
	m->violations = 0;
	m->max_per_window = 0;
	m->worst_start = LACP_TIME_NEVER;
	m->missed = m->superseded = 0;
	m->n_notes = 0;
	m->notes_lost = 0;
}

struct lacp_measure *lacp_measure_new(lacp_time_t now)
{
	struct lacp_measure *m = calloc(1, sizeof(*m));

	if (m == NULL)
		return NULL;
	m->interval[0].cap = m->interval[1].cap = m->reaction.cap = LACP_MEASURE_RECENT;
	for (unsigned i = 0; i < LACP_CONV_COUNT; i++)
		m->conv[i].cap = LACP_MEASURE_RECENT_FEW;
	m->expiry.cap = LACP_MEASURE_RECENT_FEW;
	m->last_rx = LACP_TIME_NEVER;
	m->conv_start = LACP_TIME_NEVER;
	m->stamp = LACP_TIME_NEVER;
	clear_figures(m, now);
	return m;
}

void lacp_measure_free(struct lacp_measure *m)
{
	if (m == NULL)
		return;
	clear_figures(m, 0);
	free(m->win);
	free(m);
}

void lacp_measure_reset(struct lacp_measure *m, lacp_time_t now)
{
	clear_figures(m, now);
}

/* Keeps a note for the host; the one a host never took gives way to
 * none (counted in notes_lost). Returns it, or NULL. */
static struct lacp_measure_note *note(struct lacp_measure *m, enum lacp_measure_note_type type,
				      lacp_time_t time, lacp_time_t value)
{
	struct lacp_measure_note *n;

	if (m->n_notes == LACP_MEASURE_NOTES) {
		m->notes_lost++;
		return NULL;
	}
	n = &m->notes[m->n_notes++];
	memset(n, 0, sizeof(*n));
	n->type = (uint8_t)type;
	n->time = time;
	n->value = value;
	return n;
}

unsigned lacp_measure_take_notes(struct lacp_measure *m, struct lacp_measure_note *out,
				 unsigned max)
{
	unsigned n = m->n_notes < max ? m->n_notes : max;

	memcpy(out, m->notes, n * sizeof(*out));
	memmove(m->notes, m->notes + n, (m->n_notes - n) * sizeof(*out));
	m->n_notes -= n;
	return n;
}

void lacp_measure_stamp(struct lacp_measure *m, lacp_time_t stamp)
{
	if (m != NULL)
		m->stamp = stamp;
}

/* ---- the transmit limit (6.4.16: at most 3 LACPDUs in any
 * fast_periodic_time). Windows are half-open, [t, t + fast_periodic_time):
 * the 4th LACPDU exactly one period after the 1st is within the limit. A
 * violation is a window starting at one of the partner's LACPDUs that holds
 * more than 3; the arrival of the LACPDU that closes the count (the latest
 * in the window) is when it is seen. */

/* Puts T in the window ring, growing it when full. False without memory. */
static bool win_push(struct lacp_measure *m, lacp_time_t t)
{
	if (m->win_n == m->win_cap) {
		unsigned cap = m->win_cap ? m->win_cap * 2 : 8, i;
		lacp_time_t *w;

		if (m->win_cap >= LACP_MEASURE_WINDOW_MAX)
			return false;
		w = malloc(cap * sizeof(*w));
		if (w == NULL)
			return false;
		for (i = 0; i < m->win_n; i++)
			w[i] = m->win[(m->win_head + i) % m->win_cap];
		free(m->win);
		m->win = w;
		m->win_cap = cap;
		m->win_head = 0;
	}
	m->win[(m->win_head + m->win_n) % m->win_cap] = t;
	m->win_n++;
	return true;
}

static lacp_time_t win_at(const struct lacp_measure *m, unsigned i)
{
	return m->win[(m->win_head + i) % m->win_cap];
}

static void rate_rx(struct lacp_measure *m, lacp_time_t fast, lacp_time_t t)
{
	/* Those that arrived a whole period or more before T no longer
	 * share a window with it. */
	while (m->win_n > 0 && win_at(m, 0) + fast <= t) {
		m->win_head = (m->win_head + 1) % m->win_cap;
		m->win_n--;
	}
	if (!win_push(m, t)) {
		/* A flood beyond the ring: the oldest gives way, the count
		 * saturates at the ring's size. */
		if (m->win_cap == 0)
			return;
		m->win_head = (m->win_head + 1) % m->win_cap;
		m->win_n--;
		win_push(m, t);
	}
	/* The window starting at the LACPDU three before this one holds
	 * more than 3. */
	if (m->win_n > 3) {
		m->violations++;
		note(m, LACP_NOTE_VIOLATION, t, m->win_n);
	}
	if (m->win_n > m->max_per_window) {
		m->max_per_window = m->win_n;
		m->worst_start = win_at(m, 0);
	}
}

/* ---- reaction and expiry */

static bool info_equal(const struct lacp_info *a, const struct lacp_info *b)
{
	return a->system_priority == b->system_priority &&
	       memcmp(a->system, b->system, 6) == 0 && a->key == b->key &&
	       a->port_priority == b->port_priority && a->port == b->port &&
	       a->state == b->state;
}

static bool same_ids(const struct lacp_info *a, const struct lacp_info *b)
{
	return a->system_priority == b->system_priority &&
	       memcmp(a->system, b->system, 6) == 0 && a->key == b->key &&
	       a->port_priority == b->port_priority && a->port == b->port;
}

/* The partner has never heard of anyone (its defaulted partner information
 * of zeros, as a partner that has not received from us yet sends). */
static bool info_unknown(const struct lacp_info *i)
{
	static const uint8_t zero[6];

	return memcmp(i->system, zero, 6) == 0 && i->port == 0;
}

/* How long the partner may take to echo a change: our own timeout, which
 * is three of the periods our Timeout bit asks it to send at. */
static lacp_time_t echo_deadline(const struct lacp_port *p)
{
	const struct lacp_timing *t = &p->config.timing;

	return (lacp_port_advertised_state(p) & LACP_STATE_TIMEOUT) ? t->short_timeout
								    : t->long_timeout;
}

/* Drops the first N pending changes. */
static void pending_drop(struct lacp_measure *m, unsigned n)
{
	if (n == 0)
		return;
	if (n >= m->n_pending) {
		if (m->n_pending > 0) {
			m->base = m->pending[m->n_pending - 1].info;
			m->base_valid = true;
		}
		m->n_pending = 0;
		return;
	}
	m->base = m->pending[n - 1].info;
	m->base_valid = true;
	memmove(m->pending, m->pending + n, (m->n_pending - n) * sizeof(m->pending[0]));
	m->n_pending -= n;
}

static void miss_all(struct lacp_measure *m, lacp_time_t now)
{
	unsigned i;

	for (i = 0; i < m->n_pending; i++)
		note(m, LACP_NOTE_MISSED, now, now - m->pending[i].sent);
	m->missed += m->n_pending;
	pending_drop(m, m->n_pending);
}

void lacp_measure_settle(struct lacp_port *p, lacp_time_t now)
{
	struct lacp_measure *m = p->measure;
	lacp_time_t limit;
	unsigned n = 0;

	if (m == NULL)
		return;
	limit = echo_deadline(p);
	while (n < m->n_pending && m->pending[n].sent + limit < now)
		n++;
	for (unsigned i = 0; i < n; i++)
		note(m, LACP_NOTE_MISSED, now, now - m->pending[i].sent);
	m->missed += n;
	pending_drop(m, n);
}

/*
 * What the partner's echo (the Partner fields of its LACPDU) says of our
 * changes: the newest pending change it shows is answered (the older ones
 * were overtaken before the partner saw them). Our identifiers from before
 * the changes, whatever the state bits (the partner may have expired them
 * meanwhile), or no information at all, is a LACPDU that may have crossed
 * ours on the way: the change keeps waiting, until the timeout if need be.
 * Identifiers that are neither ours before nor any we sent since are the
 * partner answering something we never said: every change waiting is
 * missed.
 */
static void reaction_rx(struct lacp_port *p, const struct lacp_lacpdu *pdu, lacp_time_t t)
{
	struct lacp_measure *m = p->measure;
	unsigned i;

	lacp_measure_settle(p, t);
	if (m->n_pending == 0)
		return;
	for (i = m->n_pending; i-- > 0;) {
		if (!info_equal(&pdu->partner, &m->pending[i].info))
			continue;
		dist_add(&m->reaction, t - m->pending[i].sent);
		note(m, LACP_NOTE_REACTION, t, t - m->pending[i].sent);
		m->superseded += i;
		pending_drop(m, i + 1);
		return;
	}
	if (info_unknown(&pdu->partner) || (m->base_valid && same_ids(&pdu->partner, &m->base)))
		return;
	for (i = 0; i < m->n_pending; i++)
		if (same_ids(&pdu->partner, &m->pending[i].info))
			return;
	miss_all(m, t);
}

/* Expiry seen from the partner: its LACPDU shows us current (our
 * identifiers in its Partner fields, itself neither Expired nor Defaulted)
 * or expired. The first LACPDU to show us expired after one showed us
 * current measures the time since the last LACPDU we had sent when it
 * still showed us current (so a LACPDU of ours sent as the link comes back
 * does not count as the one it expired). */
static void expiry_rx(struct lacp_measure *m, const struct lacp_lacpdu *pdu, lacp_time_t t)
{
	bool current;

	if (!m->tx_valid)
		return;
	current = same_ids(&pdu->partner, &m->tx_actor) &&
		  !(pdu->actor.state & (LACP_STATE_EXPIRED | LACP_STATE_DEFAULTED));
	if (!current && m->partner_current && m->current_tx <= t) {
		dist_add(&m->expiry, t - m->current_tx);
		note(m, LACP_NOTE_EXPIRY, t, t - m->current_tx);
	}
	if (current)
		m->current_tx = m->last_tx;
	m->partner_current = current;
}

/* ---- convergence */

static void converged(struct lacp_measure *m, enum lacp_measure_conv c, lacp_time_t t)
{
	struct lacp_measure_note *n;

	if (m->conv_start == LACP_TIME_NEVER || m->conv_done[c] || t < m->conv_start)
		return;
	m->conv_done[c] = true;
	dist_add(&m->conv[c], t - m->conv_start);
	n = note(m, LACP_NOTE_CONVERGED, t, t - m->conv_start);
	if (n != NULL)
		n->conv = (uint8_t)c;
}

/* ---- inputs */

void lacp_measure_rx(struct lacp_port *p, const struct lacp_lacpdu *pdu, lacp_time_t now)
{
	struct lacp_measure *m = p->measure;
	lacp_time_t t = now;
	int slow;

	if (m == NULL)
		return;
	if (m->stamp != LACP_TIME_NEVER && m->stamp <= now)
		t = m->stamp;
	m->stamp = LACP_TIME_NEVER;
	/* The rate our Timeout bit asks the partner to send at (6.4.13). */
	slow = !(lacp_port_advertised_state(p) & LACP_STATE_TIMEOUT);
	if (m->last_rx != LACP_TIME_NEVER && t >= m->last_rx)
		dist_add(&m->interval[slow], t - m->last_rx);
	m->last_rx = t;
	rate_rx(m, p->config.timing.fast_periodic, t);
	m->partner_state = pdu->actor.state;
	m->partner_heard = true;
	reaction_rx(p, pdu, t);
	expiry_rx(m, pdu, t);
	if (pdu->actor.state & LACP_STATE_SYNC)
		converged(m, LACP_CONV_PARTNER_SYNC, t);
	if ((pdu->actor.state & (LACP_STATE_COLLECTING | LACP_STATE_DISTRIBUTING)) ==
	    (LACP_STATE_COLLECTING | LACP_STATE_DISTRIBUTING))
		converged(m, LACP_CONV_PARTNER_CD, t);
}

void lacp_measure_tx(struct lacp_port *p, const uint8_t *pdu, size_t len, lacp_time_t now)
{
	struct lacp_measure *m = p->measure;
	struct lacp_lacpdu d;

	if (m == NULL || !lacp_lacpdu_decode_fast(pdu, len, &d))
		return;
	lacp_measure_settle(p, now);
	if (!m->tx_valid || !info_equal(&d.actor, &m->tx_actor)) {
		if (m->n_pending == 0) {
			m->base = m->tx_actor;
			m->base_valid = m->tx_valid;
		}
		if (m->n_pending == LACP_MEASURE_PENDING) {
			m->superseded++;
			pending_drop(m, 1);
		}
		m->pending[m->n_pending].sent = now;
		m->pending[m->n_pending].info = d.actor;
		m->n_pending++;
	}
	m->tx_actor = d.actor;
	m->tx_valid = true;
	m->last_tx = now;
	m->tx_unstamped = true;
}

void lacp_measure_tx_stamp(struct lacp_measure *m, lacp_time_t stamp)
{
	lacp_time_t now;

	if (m == NULL || !m->tx_unstamped)
		return;
	m->tx_unstamped = false;
	now = m->last_tx;
	/* A host that runs timers on a grid may run them a little early,
	 * with the core's time ahead of the clock: the stamp wins either way,
	 * unless it is too far off to be about the same send. */
	if (stamp < now - LACP_SEC(1) || stamp > now + LACP_SEC(1))
		return;
	m->last_tx = stamp;
	if (m->n_pending > 0 && m->pending[m->n_pending - 1].sent == now)
		m->pending[m->n_pending - 1].sent = stamp;
	if (m->conv_start == now)
		m->conv_start = stamp;
}

void lacp_measure_mux(struct lacp_port *p, int mux, lacp_time_t now)
{
	if (p->measure == NULL)
		return;
	if (mux == LACP_MUX_COLLECTING_DISTRIBUTING || mux == LACP_MUX_DISTRIBUTING)
		converged(p->measure, LACP_CONV_COLLECTING_DISTRIBUTING, now);
}

void lacp_measure_enabled(struct lacp_port *p, bool enabled, lacp_time_t now)
{
	struct lacp_measure *m = p->measure;

	if (m == NULL || enabled == m->enabled)
		return;
	m->enabled = enabled;
	/* An interval across a time without link is no interval. */
	m->last_rx = LACP_TIME_NEVER;
	if (enabled) {
		m->enables++;
		m->conv_start = now;
		memset(m->conv_done, 0, sizeof(m->conv_done));
	} else {
		m->conv_start = LACP_TIME_NEVER;
	}
}
