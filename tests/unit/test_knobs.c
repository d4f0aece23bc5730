/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The tester knobs that make a port misbehave on purpose, for the negative
 * controls of the conformance suite: no Marker Responder, and the strict
 * and lenient receive checks (what a receiver makes of version 2 LACPDUs
 * and of malformed frames), against the standard receive path.
 */
#include <string.h>

#include "check.h"
#include "sim.h"

/* Two systems, one port each, B with config CB; negotiated. */
static void pair(struct sim *s, struct sim_port **a, struct sim_port **b,
		 const struct lacp_port_config *cb)
{
	struct lacp_port_config ca = sim_config(1);

	sim_init(s);
	*a = sim_port(s, sim_system(s, 1, 32768), &ca);
	*b = sim_port(s, sim_system(s, 2, 32768), cb);
	sim_connect(s, *a, *b, 0);
	sim_enable(s, *a);
	sim_enable(s, *b);
	sim_run(s, 3000);
}

static void test_marker_responder(void)
{
	struct sim s;
	struct sim_port *a, *b;
	struct lacp_port_config cb = sim_config(1);
	struct lacp_marker m = {.version = 1, .port = 1, .transaction = 9};
	uint8_t buf[LACP_PDU_LEN];

	cb.no_marker_responder = true;
	pair(&s, &a, &b, &cb);
	CHECK_INT(b->p->mux, LACP_MUX_COLLECTING_DISTRIBUTING);
	lacp_marker_encode(&m, buf);
	CHECK_INT(lacp_port_transmit_pdu(a->p, buf, sizeof(buf), s.vc.now), 0);
	sim_run(&s, 20);
	CHECK_INT(b->p->counters.markers_rx, 1);
	CHECK_INT(b->p->counters.marker_responses_tx, 0);
	CHECK_INT(a->p->counters.marker_responses_rx, 0);
	/* switched back on, it answers */
	cb.no_marker_responder = false;
	CHECK_INT(lacp_port_set_config(b->p, &cb, s.vc.now), 0);
	CHECK_INT(lacp_port_transmit_pdu(a->p, buf, sizeof(buf), s.vc.now), 0);
	sim_run(&s, 20);
	CHECK_INT(b->p->counters.marker_responses_tx, 1);
	CHECK_INT(a->p->counters.marker_responses_rx, 1);
	sim_free(&s);
}

/* A's current LACPDU to B with the actor port priority PRIO, version V. */
static void lacpdu(struct sim_port *a, uint16_t prio, uint8_t v, uint8_t *buf)
{
	struct lacp_lacpdu pdu;

	lacp_port_build_lacpdu(a->p, &pdu);
	pdu.version = v;
	pdu.actor.port_priority = prio;
	lacp_lacpdu_encode(&pdu, buf);
}

static void test_rx_check(void)
{
	static const unsigned char checks[] = {LACP_RX_CHECK_STANDARD, LACP_RX_CHECK_STRICT,
					       LACP_RX_CHECK_LENIENT};

	for (size_t i = 0; i < sizeof(checks); i++) {
		struct sim s;
		struct sim_port *a, *b;
		struct lacp_port_config cb = sim_config(1);
		uint8_t buf[LACP_PDU_LEN];
		uint64_t illegal;
		int cls;

		cb.rx_check = checks[i];
		pair(&s, &a, &b, &cb);
		/* version 2: read by the standard and lenient checks only */
		lacpdu(a, 4242, 2, buf);
		illegal = b->p->counters.illegal_rx;
		cls = lacp_port_rx(b->p, buf, sizeof(buf), s.vc.now);
		CHECK_INT(cls, checks[i] == LACP_RX_CHECK_STRICT ? LACP_CLASS_ILLEGAL
								  : LACP_CLASS_LACPDU);
		CHECK_INT(b->p->partner.port_priority,
			  checks[i] == LACP_RX_CHECK_STRICT ? 32768 : 4242);
		CHECK_INT(b->p->counters.illegal_rx - illegal,
			  checks[i] == LACP_RX_CHECK_STRICT ? 1 : 0);
		/* a wrong Actor TLV length and a wrong subtype: read only by lenient */
		lacpdu(a, 4343, 1, buf);
		buf[3] = 16;
		cls = lacp_port_rx(b->p, buf, sizeof(buf), s.vc.now);
		CHECK_INT(cls, checks[i] == LACP_RX_CHECK_LENIENT ? LACP_CLASS_LACPDU
								   : LACP_CLASS_ILLEGAL);
		lacpdu(a, 4444, 1, buf);
		buf[0] = 11;
		lacp_port_rx(b->p, buf, sizeof(buf), s.vc.now);
		CHECK_INT(b->p->partner.port_priority,
			  checks[i] == LACP_RX_CHECK_LENIENT ? 4444
			  : checks[i] == LACP_RX_CHECK_STANDARD ? 4242 : 32768);
		/* Markers are never read as LACPDUs */
		struct lacp_marker m = {.version = 1, .port = 1, .transaction = 1};
		lacp_marker_encode(&m, buf);
		CHECK_INT(lacp_port_rx(b->p, buf, sizeof(buf), s.vc.now), LACP_CLASS_MARKER);
		sim_free(&s);
	}
}

static void test_decode_raw(void)
{
	struct lacp_lacpdu in = {.version = 1}, out;
	uint8_t buf[LACP_PDU_LEN];

	in.actor.key = 7;
	in.actor.port = 3;
	in.partner.port_priority = 9;
	in.collector_max_delay = 5;
	lacp_lacpdu_encode(&in, buf);
	buf[0] = 0;
	buf[2] = 9;
	CHECK(lacp_lacpdu_decode_raw(buf, 44, &out));
	CHECK_INT(out.actor.key, 7);
	CHECK_INT(out.actor.port, 3);
	CHECK_INT(out.partner.port_priority, 9);
	CHECK_INT(out.collector_max_delay, 0); /* cut before the Collector TLV's field */
	CHECK(lacp_lacpdu_decode_raw(buf, sizeof(buf), &out));
	CHECK_INT(out.collector_max_delay, 5);
	CHECK(!lacp_lacpdu_decode_raw(buf, 41, &out));
}

int main(void)
{
	test_marker_responder();
	test_rx_check();
	test_decode_raw();
	return CHECK_DONE();
}
