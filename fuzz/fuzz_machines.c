/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The 802.1AX machines fed an arbitrary program: two systems of up to four
 * ports each, joined by in-process wires (system to system, or looped back
 * inside system A), on one virtual clock. The input is a list of
 * operations: time steps, received frames (raw octets, well-formed LACPDUs
 * and Marker PDUs built from the input), link and management changes,
 * tester controls (one-shot writes, forced bits, overrides, stop-tx,
 * drop-rx, host PDUs), cable cuts, ports freed and created, inputs batched
 * between lacp_system_hold() and release (released before time moves),
 * and actions armed to run from inside a port's own event callback (nested
 * inputs, a port freeing itself or another, a batch).
 *
 * After every operation, and on every frame sent, the standard's
 * invariants are checked (see check_port() and on_transmit()): at most
 * tx_limit LACPDUs in any fast-periodic interval; no LACPDU from a port
 * that is down, LACP-disabled, stopped, or passive towards a passive
 * partner; Synchronization, Collecting and Distributing never advertised
 * by a Mux that has not reached the matching state; the Receive machine's
 * Expired and Defaulted bits; Selected and aggregator bookkeeping; every
 * received frame counted exactly once; no timer left due after a time
 * step; and a port allowed to transmit is never silent for longer than a
 * periodic interval (plus the transmit limit's delay).
 *
 * The systems, ports, wires and clock are the simulation harness of the
 * unit tests (tests/sim/sim.h); this file adds the program and the checks,
 * through the harness's hooks.
 *
 * FUZZ_TRACE=1 in the environment prints each operation as it runs, to
 * read a reproducer: FUZZ_TRACE=1 build/tests/regress_machines FILE.
 */
#include "fuzz.h"

#include "clock.h"
#include "lacpdu.h"
#include "ruleset.h"
#include "sim.h"
#include "sm.h"
#include "state.h"
#include "wire.h"

#define NSYS 2
#define MAXP 4
#define MAX_OPS 400
/* Simulated time one input may cover: keeps every run short. */
#define MAX_SPAN LACP_SEC(300)

enum reentry {
	RE_NONE,
	RE_FREE_SELF,
	RE_TOGGLE_OTHER,
	RE_WRITE_PARTNER,
	RE_RX_OTHER,
	RE_HOST_PDU,
	RE_FREE_OTHER,
	RE_CONFIG,
	RE_MAX_PORTS,
	RE_NEW_PORT,
	RE_CUT,
	RE_BATCH,
	RE_COUNT
};

struct fport {
	struct sim_port sp;  /* sp.p NULL while freed, sp.w NULL when not cabled;
				sp.fed: frames handed to the port since it was made */
	struct fuzz *f;
	int sys, idx;
	bool wrote_actor;    /* the oper state was written: bit checks are off */
	lacp_time_t hist[LACP_TX_LIMIT_MAX]; /* recent machine LACPDUs, a ring */
	unsigned hist_n, hist_head;
	lacp_time_t last_tx;
	bool eligible;
	lacp_time_t eligible_since;
	enum reentry pending;
	uint8_t pending_arg;
};

struct fuzz {
	struct sim sim;     /* sim.delivered: frames handed to ports, all of them */
	struct lacp_system *sys[NSYS];
	struct fport ports[NSYS][MAXP];
	int n_ports;
	int held[NSYS];     /* lacp_system_hold() calls not yet released */
	bool storm_possible; /* some port was unlimited at the last check */
	struct fuzz_in *in;
	bool trace; /* FUZZ_TRACE set: print each operation on stderr */
};

/* As sim_system() makes them from their last octet. */
static const uint8_t sys_id[NSYS][6] = {
	{0x02, 0, 0, 0, 0, 0x0a},
	{0x02, 0, 0, 0, 0, 0x0b},
};

/* Time constants a port may run with (microseconds). */
static const struct lacp_timing timings[] = {
	{LACP_SEC(1), LACP_SEC(30), LACP_SEC(3), LACP_SEC(90), LACP_SEC(2), LACP_SEC(60), 3},
	{LACP_MS(100), LACP_MS(1000), LACP_MS(300), LACP_MS(3000), LACP_MS(200),
	 LACP_MS(600), 3},
	{LACP_SEC(1), LACP_SEC(3), LACP_SEC(3), LACP_SEC(9), 0, LACP_SEC(5), 3},
	{LACP_MS(1500), LACP_SEC(10), LACP_MS(2900), LACP_SEC(20), LACP_MS(10),
	 LACP_SEC(2), 3},
};

static bool live(const struct fport *fp)
{
	return fp->sp.p != NULL;
}

/* ---- the checks */

static bool mux_attached(int mux)
{
	return mux == LACP_MUX_ATTACHED || mux == LACP_MUX_COLLECTING ||
	       mux == LACP_MUX_DISTRIBUTING || mux == LACP_MUX_COLLECTING_DISTRIBUTING ||
	       mux == LACP_MUX_ATTACHED_WTR;
}

static bool mux_collecting(int mux)
{
	return mux == LACP_MUX_COLLECTING || mux == LACP_MUX_DISTRIBUTING ||
	       mux == LACP_MUX_COLLECTING_DISTRIBUTING;
}

static bool mux_distributing(int mux)
{
	return mux == LACP_MUX_DISTRIBUTING || mux == LACP_MUX_COLLECTING_DISTRIBUTING;
}

/* The Transmit machine's own limit, as 6.4.16 and sm.h put it. */
static unsigned limit_of(const struct lacp_port *p)
{
	unsigned l = p->config.timing.tx_limit;

	if (p->config.tx_limit_bypass || p->tx_bypass || l == 0)
		return 0;
	return l > LACP_TX_LIMIT_MAX ? LACP_TX_LIMIT_MAX : l;
}

/* May P's machines send LACPDUs at all (6.4.13, 6.4.16)? */
static bool may_send(const struct lacp_port *p)
{
	return p->port_enabled && p->config.lacp_enabled && p->tx_enabled &&
	       ((p->actor.state | p->partner.state) & LACP_STATE_ACTIVITY);
}

/* The longest a port that may send can stay silent: the slower of the
 * two periods, then the time the limit may hold the PDU back, and the
 * period it may have spent before the partner's timeout changed. */
static lacp_time_t silence_bound(const struct lacp_port *p)
{
	const struct lacp_timing *t = &p->config.timing;
	lacp_time_t period = t->slow_periodic > t->fast_periodic ? t->slow_periodic
								 : t->fast_periodic;

	return period + 2 * t->fast_periodic + LACP_MS(1);
}

static void note_eligibility(struct fport *fp, lacp_time_t now)
{
	bool e = live(fp) && may_send(fp->sp.p);

	if (e && !fp->eligible)
		fp->eligible_since = now;
	fp->eligible = e;
}

/* Every frame a port sends, before the harness puts it on the wire. */
static void on_transmit(struct sim_port *sp, const uint8_t *pdu, size_t len, lacp_time_t now)
{
	struct fport *fp = sp->user;
	const struct lacp_port *p = sp->p;
	struct lacp_decoded d;

	FUZZ_ASSERT(p != NULL);
	FUZZ_ASSERT(len > 0);
	/* stop-tx: nothing at all leaves. */
	FUZZ_ASSERT(p->tx_enabled);
	if (pdu[0] == LACP_SUBTYPE_LACP) {
		/* Host PDUs of this harness never have subtype 1: this one
		 * comes from the Transmit machine. */
		unsigned limit = limit_of(p);
		uint8_t st;

		FUZZ_ASSERT(len == LACP_PDU_LEN);
		FUZZ_ASSERT(lacp_pdu_decode(pdu, len, &d) == LACP_CLASS_LACPDU ||
			    (p->tx_override.fields & LACP_OVR_VERSION));
		FUZZ_ASSERTF(may_send(p), "LACPDU from port %d/%d: enabled %d lacp %d state %02x/%02x",
			     fp->sys, fp->idx, p->port_enabled, p->config.lacp_enabled,
			     p->actor.state, p->partner.state);
		if (limit && fp->hist_n >= limit) {
			lacp_time_t back = fp->hist[(fp->hist_head + LACP_TX_LIMIT_MAX - limit) %
						    LACP_TX_LIMIT_MAX];

			/* any window closed at both ends holds at most LIMIT */
			FUZZ_ASSERTF(now - back > p->config.timing.fast_periodic,
				     "port %d/%d: %u LACPDUs within %lld us", fp->sys, fp->idx,
				     limit + 1, (long long)(now - back));
		}
		fp->hist[fp->hist_head] = now;
		fp->hist_head = (fp->hist_head + 1) % LACP_TX_LIMIT_MAX;
		if (fp->hist_n < LACP_TX_LIMIT_MAX)
			fp->hist_n++;
		fp->last_tx = now;
		st = pdu[LACP_OFF_ACTOR + 16];
		if (!fp->wrote_actor && !(p->force_mask) &&
		    !(p->tx_override.fields & LACP_OVR_ACTOR_STATE)) {
			FUZZ_ASSERTF(!(st & LACP_STATE_SYNC) || mux_attached(p->mux),
				     "port %d/%d advertises Sync in mux %s", fp->sys, fp->idx,
				     lacp_mux_state_name[p->mux]);
			FUZZ_ASSERT(!(st & LACP_STATE_COLLECTING) || mux_collecting(p->mux));
			FUZZ_ASSERT(!(st & LACP_STATE_DISTRIBUTING) || mux_distributing(p->mux));
		}
	}
}

static bool all_limited(const struct fuzz *f);

/* Checks one settled port. */
static void check_port(struct fuzz *f, struct fport *fp)
{
	const struct lacp_port *p = fp->sp.p;
	const struct lacp_port_counters *c = &p->counters;
	uint8_t a = p->actor.state;
	lacp_time_t now = f->sim.vc.now;

	FUZZ_ASSERTF(c->lacpdus_rx + c->markers_rx + c->marker_responses_rx + c->unknown_rx +
				     c->illegal_rx + c->rx_dropped == fp->sp.fed,
		     "port %d/%d counted %llu of %llu frames", fp->sys, fp->idx,
		     (unsigned long long)(c->lacpdus_rx + c->markers_rx + c->marker_responses_rx +
					  c->unknown_rx + c->illegal_rx + c->rx_dropped),
		     (unsigned long long)fp->sp.fed);
	FUZZ_ASSERT(p->rx < LACP_RX_COUNT && p->mux < LACP_MUX_COUNT &&
		    p->periodic < LACP_PERIODIC_COUNT && p->selected < LACP_SELECTED_COUNT);
	if (!p->port_enabled) {
		FUZZ_ASSERT(p->rx == LACP_RX_PORT_DISABLED);
		FUZZ_ASSERT(p->periodic == LACP_PERIODIC_NO_PERIODIC);
	} else if (!p->config.lacp_enabled) {
		/* Figure 6-18 enters LACP_DISABLED only from PORT_DISABLED: a
		 * port losing LACP_Enabled while up keeps its Receive state,
		 * but the Periodic machine stops at once (Figure 6-19). */
		FUZZ_ASSERT(p->periodic == LACP_PERIODIC_NO_PERIODIC);
	}
	if (mux_attached(p->mux))
		FUZZ_ASSERT(p->selected == LACP_SELECTED);
	if (p->mux == LACP_MUX_WAITING)
		FUZZ_ASSERT(p->selected != LACP_UNSELECTED);
	if (mux_collecting(p->mux))
		FUZZ_ASSERT(p->partner.state & LACP_STATE_SYNC);
	if (p->mux != LACP_MUX_DETACHED)
		FUZZ_ASSERT(p->aggregator != 0);
	if (!fp->wrote_actor) {
		FUZZ_ASSERTF(!!(a & LACP_STATE_SYNC) == mux_attached(p->mux),
			     "port %d/%d: state %02x in mux %s", fp->sys, fp->idx, a,
			     lacp_mux_state_name[p->mux]);
		FUZZ_ASSERT(!!(a & LACP_STATE_COLLECTING) == mux_collecting(p->mux));
		FUZZ_ASSERT(!!(a & LACP_STATE_DISTRIBUTING) == mux_distributing(p->mux));
		FUZZ_ASSERT(!!(a & LACP_STATE_ACTIVITY) == p->config.active);
		FUZZ_ASSERT(!!(a & LACP_STATE_TIMEOUT) == p->config.short_timeout);
		FUZZ_ASSERT(!!(a & LACP_STATE_AGGREGATION) == p->config.aggregatable);
		if (p->rx == LACP_RX_EXPIRED)
			FUZZ_ASSERT(a & LACP_STATE_EXPIRED);
		if (p->rx == LACP_RX_CURRENT || p->rx == LACP_RX_DEFAULTED ||
		    p->rx == LACP_RX_LACP_DISABLED)
			FUZZ_ASSERT(!(a & LACP_STATE_EXPIRED));
		if (p->rx == LACP_RX_CURRENT)
			FUZZ_ASSERT(!(a & LACP_STATE_DEFAULTED));
		if (p->rx == LACP_RX_DEFAULTED || p->rx == LACP_RX_LACP_DISABLED)
			FUZZ_ASSERT(a & LACP_STATE_DEFAULTED);
	}
	if (lacp_timer_armed(&p->timer))
		FUZZ_ASSERT(p->timer.due >= p->system->now);
	/* A LACPDU still owed once the machines ran is one the transmit
	 * limit holds, and never past the first moment the window (closed at
	 * both ends) allows it. */
	if (p->ntt && may_send(p) && !f->held[fp->sys]) {
		unsigned limit = limit_of(p);
		lacp_time_t back;

		FUZZ_ASSERTF(limit && fp->hist_n >= limit, "port %d/%d owes a LACPDU nothing holds",
			     fp->sys, fp->idx);
		back = fp->hist[(fp->hist_head + LACP_TX_LIMIT_MAX - limit) % LACP_TX_LIMIT_MAX];
		FUZZ_ASSERTF(now <= back + p->config.timing.fast_periodic,
			     "port %d/%d: a held LACPDU is %lld us late", fp->sys, fp->idx,
			     (long long)(now - back - p->config.timing.fast_periodic));
	}
	note_eligibility(fp, now);
	/* A storm between unlimited ports stalls the clock's runs (see
	 * all_limited()): then nobody is owed a periodic LACPDU. */
	if (fp->eligible && all_limited(f)) {
		lacp_time_t since = fp->last_tx > fp->eligible_since ? fp->last_tx
								    : fp->eligible_since;

		FUZZ_ASSERTF(now - since <= silence_bound(p),
			     "port %d/%d silent for %lld us (rx %s periodic %s partner %02x)",
			     fp->sys, fp->idx, (long long)(now - since),
			     lacp_rx_state_name[p->rx], lacp_periodic_state_name[p->periodic],
			     p->partner.state);
	}
}

/* Checks the aggregators of system S against its ports. */
static void check_system(struct fuzz *f, int s)
{
	const struct lacp_system *sys = f->sys[s];

	for (size_t i = 0; i < sys->n_aggs; i++) {
		const struct lacp_aggregator *ag = sys->aggs[i];
		unsigned n = 0, sel = 0;

		FUZZ_ASSERT(ag->id != 0);
		for (size_t j = 0; j < i; j++)
			FUZZ_ASSERT(sys->aggs[j]->id != ag->id);
		for (int k = 0; k < MAXP; k++) {
			const struct fport *fp = &f->ports[s][k];

			if (!live(fp) || fp->sp.p->aggregator != ag->id)
				continue;
			n++;
			sel += fp->sp.p->selected == LACP_SELECTED;
		}
		FUZZ_ASSERTF(ag->n_ports == n, "aggregator %u: %u ports, %u use it", ag->id,
			     ag->n_ports, n);
		FUZZ_ASSERT(ag->n_selected == sel);
		/* A fixed set (7.3.1): aggs[i] is aggregator i + 1, free or not. */
		FUZZ_ASSERT(ag->id == i + 1);
		if (sys->max_ports)
			FUZZ_ASSERT(ag->n_selected <= sys->max_ports);
	}
	for (int k = 0; k < MAXP; k++) {
		const struct fport *fp = &f->ports[s][k];

		if (live(fp) && fp->sp.p->aggregator)
			FUZZ_ASSERT(lacp_system_aggregator(sys, fp->sp.p->aggregator) != NULL);
	}
}

static void check_all(struct fuzz *f)
{
	bool limited = all_limited(f);

	/* Every port under the limit again: the silence bound starts over. */
	if (limited && f->storm_possible)
		for (int s = 0; s < NSYS; s++)
			for (int k = 0; k < MAXP; k++)
				f->ports[s][k].eligible = false;
	f->storm_possible = !limited;
	/* The harness saw every frame come in at the clock's time, and every
	 * callback came from the port its context holds. */
	FUZZ_ASSERT(f->sim.skewed == 0);
	FUZZ_ASSERT(f->sim.stray == 0);
	for (int s = 0; s < NSYS; s++)
		for (int k = 0; k < MAXP; k++)
			FUZZ_ASSERTF(f->ports[s][k].sp.wire_refused == 0,
				     "port %d/%d: the wire refused a frame", s, k);
	for (int s = 0; s < NSYS; s++) {
		/* A held system has inputs waiting: nothing is settled. */
		if (f->held[s])
			continue;
		for (int k = 0; k < MAXP; k++)
			if (live(&f->ports[s][k]))
				check_port(f, &f->ports[s][k]);
		check_system(f, s);
	}
}

/* ---- driving the ports */

static struct fport *other_port(struct fuzz *f, struct fport *fp, uint8_t pick)
{
	struct fport *o = &f->ports[pick % NSYS][(pick / NSYS) % MAXP];

	(void)fp;
	return o;
}

/* A carrier change the harness gave the port (if it exists). */
static void on_carrier(struct sim_port *sp, bool up, lacp_time_t now)
{
	(void)up;
	note_eligibility(sp->user, now);
}

static void default_config(struct lacp_port_config *c, const struct fport *fp, uint8_t bits)
{
	lacp_port_config_default(c);
	c->active = !(bits & 1);
	c->short_timeout = !(bits & 2);
	c->aggregatable = !(bits & 4);
	c->independent_control = bits & 8;
	c->key = (uint16_t)(1 + ((bits >> 4) & 1));
	c->timing = timings[(bits >> 5) % (sizeof(timings) / sizeof(timings[0]))];
	c->port_number = (uint16_t)(fp->idx + 1);
}

static void port_create(struct fuzz *f, struct fport *fp, uint8_t bits)
{
	struct lacp_port_config c;
	struct lacp_port *p = NULL;

	default_config(&c, fp, bits);
	fp->sp.fed = 0;
	fp->wrote_actor = false;
	fp->hist_n = fp->hist_head = 0;
	fp->last_tx = f->sim.vc.now;
	fp->eligible = false;
	fp->pending = RE_NONE;
	/* The port is stored before any of its callbacks runs. */
	FUZZ_ASSERT(sim_port_open(&fp->sp, f->sys[fp->sys], &c) == 0);
	p = fp->sp.p;
	FUZZ_ASSERT(p != NULL);
	if (!fp->sp.w || !lacp_wire_is_cut(fp->sp.w))
		lacp_port_set_enabled(fp->sp.p, true, f->sim.vc.now);
	note_eligibility(fp, f->sim.vc.now);
}

static void port_free(struct fport *fp)
{
	if (!live(fp))
		return;
	fp->eligible = false;
	sim_port_close(&fp->sp);
}

/* A well-formed LACPDU from the input, from someone plausible. */
static void build_lacpdu(struct fuzz *f, struct fport *fp, uint8_t *buf)
{
	struct fuzz_in *in = f->in;
	struct lacp_lacpdu pdu = {0};
	uint8_t who = fuzz_u8(in);

	pdu.version = (who & 0x80) ? fuzz_u8(in) : 1;
	switch (who & 3) {
	case 0: /* the other system */
		memcpy(pdu.actor.system, sys_id[1 - fp->sys], 6);
		pdu.actor.system_priority = f->sys[1 - fp->sys]->priority;
		break;
	case 1: /* this very system: a loop */
		memcpy(pdu.actor.system, f->sys[fp->sys]->id, 6);
		pdu.actor.system_priority = f->sys[fp->sys]->priority;
		break;
	default: {
		size_t got;
		const uint8_t *s = fuzz_bytes(in, 6, &got);

		memcpy(pdu.actor.system, s, got);
		pdu.actor.system_priority = fuzz_u16(in);
	}
	}
	pdu.actor.key = (uint16_t)(1 + ((who >> 2) & 1));
	pdu.actor.port = (uint16_t)(1 + ((who >> 3) & 3));
	pdu.actor.port_priority = 32768;
	pdu.actor.state = fuzz_u8(in);
	if (who & 0x20) {
		/* Echo what this port advertises, so it can get in sync. */
		struct lacp_lacpdu mine;

		lacp_port_build_lacpdu(fp->sp.p, &mine);
		pdu.partner = mine.actor;
	} else {
		pdu.partner.state = fuzz_u8(in);
		pdu.partner.port = fuzz_u16(in);
	}
	pdu.collector_max_delay = fuzz_u16(in);
	lacp_lacpdu_encode(&pdu, buf);
}

/* Feeds one frame to FP's port and checks it was counted by its class. */
static void rx_checked(struct fuzz *f, struct fport *fp, const uint8_t *pdu, size_t len)
{
	struct lacp_port_counters before;
	struct lacp_decoded d;
	enum lacp_class cls = lacp_pdu_decode(pdu, len, &d);
	uint64_t delivered = f->sim.delivered;
	bool dropped;
	int rc;

	if (!live(fp))
		return;
	before = fp->sp.p->counters;
	dropped = !fp->sp.p->rx_enabled;
	rc = sim_feed(&fp->sp, pdu, len);
	FUZZ_ASSERT(rc == (int)cls);
	if (!live(fp) || f->sim.delivered != delivered + 1)
		return; /* a callback fed more frames or freed the port */
	if (f->held[fp->sys])
		return; /* counted when the hold ends */
	if (dropped) {
		FUZZ_ASSERT(fp->sp.p->counters.rx_dropped == before.rx_dropped + 1);
		return;
	}
	switch (cls) {
	case LACP_CLASS_LACPDU:
		FUZZ_ASSERT(fp->sp.p->counters.lacpdus_rx == before.lacpdus_rx + 1);
		FUZZ_ASSERT(fp->sp.p->counters.last_rx_time == f->sim.vc.now);
		break;
	case LACP_CLASS_MARKER:
		if (d.marker.response) {
			FUZZ_ASSERT(fp->sp.p->counters.marker_responses_rx ==
				    before.marker_responses_rx + 1);
		} else {
			FUZZ_ASSERT(fp->sp.p->counters.markers_rx == before.markers_rx + 1);
			/* 6.5.4.2: answered at once unless stopped. */
			if (fp->sp.p->tx_enabled)
				FUZZ_ASSERT(fp->sp.p->counters.marker_responses_tx ==
					    before.marker_responses_tx + 1);
		}
		break;
	case LACP_CLASS_UNKNOWN:
		FUZZ_ASSERT(fp->sp.p->counters.unknown_rx == before.unknown_rx + 1);
		break;
	default:
		FUZZ_ASSERT(fp->sp.p->counters.illegal_rx == before.illegal_rx + 1);
		break;
	}
}

/* Runs the action armed on FP from inside its event callback. */
static void reenter(struct fuzz *f, struct fport *fp)
{
	enum reentry what = fp->pending;
	uint8_t arg = fp->pending_arg;
	struct fport *o = other_port(f, fp, arg);
	lacp_time_t now = f->sim.vc.now;

	fp->pending = RE_NONE;
	switch (what) {
	case RE_NONE:
	case RE_COUNT:
		break;
	case RE_FREE_SELF:
		port_free(fp);
		break;
	case RE_TOGGLE_OTHER:
		if (live(o))
			lacp_port_set_enabled(o->sp.p, !o->sp.p->port_enabled, now);
		break;
	case RE_WRITE_PARTNER:
		if (live(fp))
			lacp_port_write_partner_state(fp->sp.p, arg, now);
		break;
	case RE_RX_OTHER: {
		uint8_t buf[LACP_PDU_LEN];
		struct lacp_lacpdu pdu = {0};

		if (!live(o))
			break;
		pdu.version = 1;
		memcpy(pdu.actor.system, sys_id[1 - o->sys], 6);
		pdu.actor.system_priority = 32768;
		pdu.actor.key = 1;
		pdu.actor.port = (uint16_t)(o->idx + 1);
		pdu.actor.state = arg;
		lacp_lacpdu_encode(&pdu, buf);
		sim_feed(&o->sp, buf, sizeof(buf));
		break;
	}
	case RE_HOST_PDU: {
		struct lacp_marker m = {.version = 1, .port = arg, .transaction = arg};
		uint8_t buf[LACP_PDU_LEN];

		if (!live(fp))
			break;
		lacp_marker_encode(&m, buf);
		lacp_port_transmit_pdu(fp->sp.p, buf, sizeof(buf), now);
		break;
	}
	case RE_FREE_OTHER:
		port_free(o);
		break;
	case RE_CONFIG:
		if (live(fp)) {
			struct lacp_port_config c = fp->sp.p->config;

			c.active = !c.active;
			c.key = (uint16_t)(1 + (arg & 1));
			FUZZ_ASSERT(lacp_port_set_config(fp->sp.p, &c, now) == 0);
		}
		break;
	case RE_MAX_PORTS:
		lacp_system_set_max_ports(f->sys[fp->sys], arg % 3, now);
		break;
	case RE_NEW_PORT:
		if (!live(o))
			port_create(f, o, arg);
		break;
	case RE_BATCH: /* several changes in one hold, from a callback */
		if (live(fp)) {
			struct lacp_system *sys = f->sys[fp->sys];

			lacp_system_hold(sys);
			lacp_port_write_partner_state(fp->sp.p, arg, now);
			lacp_port_force_actor_state(fp->sp.p, (uint8_t)(arg >> 4), arg, now);
			lacp_port_set_tx_enabled(fp->sp.p, true, now);
			lacp_system_release(sys, now);
		}
		break;
	case RE_CUT:
		if (fp->sp.w) {
			if (lacp_wire_is_cut(fp->sp.w))
				lacp_wire_restore(fp->sp.w, now);
			else
				lacp_wire_cut(fp->sp.w, now);
		}
		break;
	}
}

static void on_event(struct sim_port *sp, const struct lacp_event *ev)
{
	struct fport *fp = sp->user;

	FUZZ_ASSERT(sp->p != NULL);
	FUZZ_ASSERT(ev->type < LACP_EV_COUNT);
	if (ev->type == LACP_EV_TRANSITION) {
		FUZZ_ASSERT(ev->machine < LACP_M_COUNT);
		FUZZ_ASSERT(lacp_machine_state_name(ev->machine, ev->to) != NULL);
		FUZZ_ASSERT(ev->from == LACP_STATE_BEGIN ||
			    lacp_machine_state_name(ev->machine, ev->from) != NULL);
	}
	if (ev->type == LACP_EV_RX)
		FUZZ_ASSERT(ev->decoded != NULL || ev->len == 0);
	note_eligibility(fp, ev->time);
	if (fp->pending != RE_NONE)
		reenter(fp->f, fp);
}

/*
 * Whether every port sends under the transmit limit. Two ports that both
 * bypass it, and each of whose LACPDUs makes the other's NTT (a tester
 * lying in its overrides), exchange LACPDUs without end over a wire with
 * no delay: the virtual clock then stops them after LACP_VCLOCK_MAX_RUNS
 * at one instant, as it should, and timers are left due.
 */
static bool all_limited(const struct fuzz *f)
{
	for (int s = 0; s < NSYS; s++)
		for (int k = 0; k < MAXP; k++)
			if (live(&f->ports[s][k]) && !limit_of(f->ports[s][k].sp.p))
				return false;
	return true;
}

/* Releases every hold, as a host does before time moves on. */
static void release_all(struct fuzz *f)
{
	for (int s = 0; s < NSYS; s++)
		while (f->held[s] > 0) {
			f->held[s]--;
			lacp_system_release(f->sys[s], f->sim.vc.now);
		}
}

/* Advances the clock by DELTA, within the input's time budget. */
static void advance(struct fuzz *f, lacp_time_t start, lacp_time_t delta)
{
	release_all(f);
	if (f->sim.vc.now + delta > start + MAX_SPAN)
		delta = start + MAX_SPAN - f->sim.vc.now;
	if (delta <= 0)
		return;
	sim_advance(&f->sim, delta);
	/* Nothing is left due: every deadline passed has been run. */
	if (all_limited(f))
		FUZZ_ASSERT(lacp_timerq_next(f->sim.q) > f->sim.vc.now);
}

static void op_config(struct fuzz *f, struct fport *fp)
{
	struct fuzz_in *in = f->in;
	struct lacp_port_config c = fp->sp.p->config;
	uint8_t what = fuzz_u8(in), v = fuzz_u8(in);

	switch (what % 13) {
	case 0: c.active = v & 1; break;
	case 1: c.short_timeout = v & 1; break;
	case 2: c.aggregatable = v & 1; break;
	case 3: c.lacp_enabled = v & 1; break;
	case 4: c.key = v % 4; break;
	case 5: c.port_priority = (uint16_t)(v << 8); break;
	case 6: c.port_number = v % 6; break;
	case 7: c.independent_control = v & 1; break;
	case 8: c.collector_max_delay = v; break;
	case 9: c.timing.tx_limit = v % 20; break;
	case 10: c.tx_limit_bypass = v & 1; break;
	case 11: {
		unsigned limit = c.timing.tx_limit;

		c.timing = timings[v % (sizeof(timings) / sizeof(timings[0]))];
		c.timing.tx_limit = limit;
		break;
	}
	case 12:
		c.partner_admin.state = v;
		c.partner_admin.key = fuzz_u8(in) % 3;
		c.partner_admin.port = fuzz_u8(in) % 3;
		if (v & 1)
			memcpy(c.partner_admin.system, sys_id[1 - fp->sys], 6);
		break;
	}
	FUZZ_ASSERT(lacp_port_set_config(fp->sp.p, &c, f->sim.vc.now) == 0);
	/* The periods may have changed: the silence bound starts over. */
	fp->eligible_since = f->sim.vc.now;
}

static void op_override(struct fuzz *f, struct fport *fp)
{
	struct fuzz_in *in = f->in;
	struct lacp_tx_override o = {0};

	o.fields = fuzz_u16(in) & 0x3fff;
	o.pdu.version = (uint8_t)(1 + fuzz_u8(in) % 3);
	o.pdu.actor.state = fuzz_u8(in);
	o.pdu.actor.key = fuzz_u8(in);
	o.pdu.actor.port = fuzz_u8(in);
	o.pdu.partner.state = fuzz_u8(in);
	o.pdu.partner.port = fuzz_u8(in);
	o.pdu.collector_max_delay = fuzz_u16(in);
	lacp_port_set_tx_override(fp->sp.p, (o.fields || fuzz_bool(in)) ? &o : NULL);
	lacp_port_run(fp->sp.p, f->sim.vc.now);
}

static void op_wire(struct fuzz *f, struct fport *fp)
{
	uint8_t v = fuzz_u8(f->in);

	if (!fp->sp.w)
		return;
	switch (v % 4) {
	case 0: lacp_wire_cut(fp->sp.w, f->sim.vc.now); break;
	case 1: lacp_wire_restore(fp->sp.w, f->sim.vc.now); break;
	case 2: FUZZ_ASSERT(lacp_wire_set_delay(fp->sp.w, LACP_MS(v % 50)) == 0); break;
	case 3: FUZZ_ASSERT(lacp_wire_set_loss(fp->sp.w, (v >> 2) % 4 ? 0.0 : 30.0) == 0); break;
	}
	for (int s = 0; s < NSYS; s++)
		for (int k = 0; k < MAXP; k++)
			note_eligibility(&f->ports[s][k], f->sim.vc.now);
}

static void op_system(struct fuzz *f, struct fport *fp)
{
	uint8_t v = fuzz_u8(f->in);
	struct lacp_system *sys = f->sys[fp->sys];

	switch (v % 3) {
	case 0: {
		uint8_t id[6];

		memcpy(id, sys_id[fp->sys], 6);
		id[5] ^= (uint8_t)((v >> 2) & 1); /* back and forth between two ids */
		lacp_system_set_id(sys, id, f->sim.vc.now);
		break;
	}
	case 1: lacp_system_set_priority(sys, (uint16_t)((v >> 2) << 10), f->sim.vc.now); break;
	case 2: lacp_system_set_max_ports(sys, (v >> 2) % 4, f->sim.vc.now); break;
	}
}

static const char *const op_name[] = {
	"advance-ms", "advance-s", "rx-raw", "rx-lacpdu", "rx-marker", "enable", "config",
	"wire", "write-actor", "write-partner", "force", "tx-enable", "rx-enable", "override",
	"host-pdu", "system", "free", "new", "reenter", "counters-reset", "run", "rx-echo",
	"hold", "release", "rule", "rule-delete",
};

/* Conditions the rules of op_rule are made of. */
static const char *const rule_conds[] = {
	"received", "after 0", "after 250", "partner has S and mux is ATTACHED",
	"mux is WAITING", "rx is EXPIRED or rx is DEFAULTED", "not actor has S",
	"actor has S", "partner lacks S", "selected is STANDBY", "received and after 100",
	"mux is COLLECTING_DISTRIBUTING",
};

/* A rule of 1..3 core actions, -count and -bypass-limit from the input:
 * the machines run it between their transitions, and every invariant
 * above must hold under what it does. */
static void op_rule(struct fuzz *f, struct fport *fp)
{
	struct fuzz_in *in = f->in;
	struct lacp_cond *c = NULL;
	struct lacp_cond_error err;
	struct lacp_rule *r;
	size_t n = 1 + fuzz_u8(in) % 3;

	FUZZ_ASSERT(lacp_cond_compile(rule_conds[fuzz_u8(in) % (sizeof(rule_conds) /
								 sizeof(rule_conds[0]))],
				      &c, &err) == 0);
	r = lacp_rule_new(c, n);
	FUZZ_ASSERT(r != NULL);
	r->limit = fuzz_u8(in) % 4;
	r->bypass = fuzz_bool(in);
	for (size_t i = 0; i < n; i++) {
		struct lacp_action *a = &r->actions[i];
		uint8_t v = fuzz_u8(in);

		switch (v % 10) {
		case 0: a->type = LACP_ACT_SET_STATE; a->partner = v & 0x10; break;
		case 1: a->type = LACP_ACT_FORCE; break;
		case 2: a->type = LACP_ACT_RELEASE; break;
		case 3: a->type = LACP_ACT_SET; a->field = LACP_OVR_COLLECTOR_MAX_DELAY; break;
		case 4: a->type = LACP_ACT_UNSET; a->field = LACP_OVR_COLLECTOR_MAX_DELAY; break;
		case 5: a->type = v & 0x10 ? LACP_ACT_STOP_TX : LACP_ACT_START_TX; break;
		case 6: a->type = v & 0x10 ? LACP_ACT_DROP_RX : LACP_ACT_ACCEPT_RX; break;
		case 7: a->type = LACP_ACT_EXIT; break;
		default: a->type = LACP_ACT_SET_STATE; a->whole = true; break;
		}
		a->set = fuzz_u8(in);
		a->clear = fuzz_u8(in);
		a->value.collector_max_delay = a->set;
		if (a->type == LACP_ACT_SET_STATE && !a->partner)
			fp->wrote_actor = true;
	}
	FUZZ_ASSERT(lacp_port_rule_add(fp->sp.p, r, f->sim.vc.now) > 0);
}

static void run_op(struct fuzz *f, lacp_time_t start)
{
	struct fuzz_in *in = f->in;
	uint8_t op = fuzz_u8(in), target = fuzz_u8(in);
	struct fport *fp = &f->ports[target % NSYS][(target / NSYS) % MAXP];
	lacp_time_t now = f->sim.vc.now;

	if (fp->idx >= f->n_ports)
		fp = &f->ports[fp->sys][0];
	op %= 26;
	if (f->trace)
		fprintf(stderr, "%10.3f ms  %s port %d/%d, args at %zu\n", (double)now / 1000,
			op_name[op], fp->sys, fp->idx, in->pos);
	/* Operations on a port that is gone: only bringing it back, time
	 * and holds. */
	if (!live(fp) && op != 0 && op != 1 && op != 17 && op != 22 && op != 23)
		return;
	switch (op) {
	case 0: advance(f, start, LACP_MS(fuzz_u16(in) % 4000)); break;
	case 1: advance(f, start, LACP_SEC(fuzz_u8(in))); break;
	case 2: {
		size_t got, n = fuzz_u8(in);
		const uint8_t *raw = fuzz_bytes(in, n, &got);
		uint8_t *copy = malloc(got ? got : 1);

		if (!copy)
			abort();
		memcpy(copy, raw, got);
		rx_checked(f, fp, copy, got);
		free(copy);
		break;
	}
	case 3: {
		uint8_t buf[LACP_PDU_LEN];

		build_lacpdu(f, fp, buf);
		rx_checked(f, fp, buf, sizeof(buf));
		break;
	}
	case 4: {
		struct lacp_marker m = {0};
		uint8_t buf[LACP_PDU_LEN];

		m.version = 1;
		m.response = fuzz_bool(in);
		m.port = fuzz_u16(in);
		m.transaction = fuzz_u32(in);
		memcpy(m.system, sys_id[1 - fp->sys], 6);
		lacp_marker_encode(&m, buf);
		rx_checked(f, fp, buf, sizeof(buf));
		break;
	}
	case 5: lacp_port_set_enabled(fp->sp.p, fuzz_bool(in), now); break;
	case 6: op_config(f, fp); break;
	case 7: op_wire(f, fp); break;
	case 8:
		fp->wrote_actor = true;
		lacp_port_write_actor_state(fp->sp.p, fuzz_u8(in), now);
		break;
	case 9: lacp_port_write_partner_state(fp->sp.p, fuzz_u8(in), now); break;
	case 10: {
		uint8_t mask = fuzz_u8(in);

		lacp_port_force_actor_state(fp->sp.p, mask, fuzz_u8(in), now);
		break;
	}
	case 11: lacp_port_set_tx_enabled(fp->sp.p, fuzz_bool(in), now); break;
	case 12:
		lacp_port_set_rx_enabled(fp->sp.p, fuzz_bool(in));
		lacp_port_run(fp->sp.p, now);
		break;
	case 13: op_override(f, fp); break;
	case 14: {
		size_t got, n = 1 + fuzz_u8(in) % 130;
		const uint8_t *raw = fuzz_bytes(in, n, &got);
		uint8_t buf[131];

		memset(buf, 0, sizeof(buf));
		memcpy(buf, raw, got);
		if (buf[0] == LACP_SUBTYPE_LACP)
			buf[0] = LACP_SUBTYPE_MARKER;
		(void)lacp_port_transmit_pdu(fp->sp.p, buf, n, now);
		break;
	}
	case 15: op_system(f, fp); break;
	case 16: port_free(fp); break;
	case 17:
		if (!live(fp))
			port_create(f, fp, fuzz_u8(in));
		break;
	case 18:
		fp->pending = (enum reentry)(fuzz_u8(in) % RE_COUNT);
		fp->pending_arg = fuzz_u8(in);
		break;
	case 19:
		lacp_port_counters_reset(fp->sp.p);
		fp->sp.fed = 0;
		break;
	case 20: lacp_port_run(fp->sp.p, now); break;
	case 21: {
		uint8_t buf[LACP_PDU_LEN];
		struct lacp_lacpdu built;

		/* What the port would send, looped straight back to it. */
		lacp_port_build_lacpdu(fp->sp.p, &built);
		lacp_lacpdu_encode(&built, buf);
		rx_checked(f, fp, buf, sizeof(buf));
		break;
	}
	case 22: /* batch what follows (the next operations until release) */
		if (f->held[fp->sys] < 3) {
			f->held[fp->sys]++;
			lacp_system_hold(f->sys[fp->sys]);
		}
		break;
	case 23:
		if (f->held[fp->sys] > 0) {
			f->held[fp->sys]--;
			lacp_system_release(f->sys[fp->sys], now);
		}
		break;
	case 24: op_rule(f, fp); break;
	case 25: (void)lacp_port_rule_delete(fp->sp.p, 1 + fuzz_u8(in) % 8); break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz *f = calloc(1, sizeof(*f));
	struct fuzz_in in;
	uint8_t setup;
	lacp_time_t start;
	bool loop;

	if (!f)
		abort();
	fuzz_in_init(&in, data, size);
	f->in = &in;
	f->trace = getenv("FUZZ_TRACE") != NULL;
	sim_init(&f->sim);
	f->sim.log_tx = false; /* the checks keep what they need */
	setup = fuzz_u8(&in);
	f->n_ports = 1 + (setup & 3);
	loop = (setup & 4) && f->n_ports >= 2;
	for (int s = 0; s < NSYS; s++) {
		f->sys[s] = sim_system(&f->sim, sys_id[s][5], 32768);
		for (int k = 0; k < MAXP; k++) {
			struct fport *fp = &f->ports[s][k];

			fp->f = f;
			fp->sys = s;
			fp->idx = k;
			sim_port_add(&f->sim, &fp->sp);
			fp->sp.user = fp;
			fp->sp.on_transmit = on_transmit;
			fp->sp.on_event = on_event;
			fp->sp.on_carrier = on_carrier;
		}
	}
	/* Cables first, so that ports come up with their carrier. */
	for (int k = 0; k < f->n_ports; k++) {
		struct fport *a = &f->ports[0][k], *b;

		if (loop && (k & 1))
			continue;
		if (loop && k + 1 >= f->n_ports)
			break;
		b = loop ? &f->ports[0][k + 1] : &f->ports[1][k];
		sim_connect(&f->sim, &a->sp, &b->sp, 0);
	}
	for (int s = 0; s < NSYS; s++)
		for (int k = 0; k < f->n_ports; k++)
			port_create(f, &f->ports[s][k], fuzz_u8(&in));
	check_all(f);

	start = f->sim.vc.now;
	for (int i = 0; i < MAX_OPS && fuzz_left(&in); i++) {
		run_op(f, start);
		check_all(f);
	}
	/* Let what the last operation started play out, then check again. */
	release_all(f);
	check_all(f);
	sim_advance(&f->sim, LACP_SEC(5));
	if (all_limited(f))
		FUZZ_ASSERT(lacp_timerq_next(f->sim.q) > f->sim.vc.now);
	check_all(f);

	sim_free(&f->sim);
	free(f);
	return 0;
}
