/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The frame and PDU decoder on arbitrary octets, and the crafter on
 * arbitrary descriptions. The first octet picks the mode:
 *   even: the rest is a PDU (from the subtype octet on) and also a whole
 *         Ethernet frame whose payload is decoded in turn;
 *   odd:  the rest describes a crafted LACPDU or Marker PDU (every
 *         override, extra TLVs, truncation, padding, a buffer of any size).
 * Invariants: nothing outside the buffer is read or written (ASan); the
 * class agrees with the fatal deviations; the fast receive path agrees
 * with the full decoder; TLV values lie inside the buffer; a decoded PDU
 * encodes back to a clean one with the same fields; a crafter never writes
 * past its buffer and its untouched output decodes as valid.
 */
#include "fuzz.h"
#include "lacpdu.h"

static bool same_info(const struct lacp_info *a, const struct lacp_info *b)
{
	return a->system_priority == b->system_priority &&
	       memcmp(a->system, b->system, 6) == 0 && a->key == b->key &&
	       a->port_priority == b->port_priority && a->port == b->port &&
	       a->state == b->state;
}

static bool same_lacpdu(const struct lacp_lacpdu *a, const struct lacp_lacpdu *b)
{
	return a->version == b->version && same_info(&a->actor, &b->actor) &&
	       same_info(&a->partner, &b->partner) &&
	       a->collector_max_delay == b->collector_max_delay;
}

static void check_decoded(const uint8_t *pdu, size_t len, const struct lacp_decoded *d)
{
	bool fatal = false;

	FUZZ_ASSERT(d->cls < LACP_CLASS_COUNT);
	FUZZ_ASSERT(d->length == len);
	FUZZ_ASSERT(d->n_dev <= LACP_MAX_DEVIATIONS);
	FUZZ_ASSERT(d->n_tlvs <= LACP_MAX_TLVS);
	for (unsigned i = 0; i < d->n_dev; i++) {
		FUZZ_ASSERT(d->dev[i].kind < LACP_DEV_COUNT);
		FUZZ_ASSERT(d->dev[i].field && d->dev[i].field[0]);
		fatal |= d->dev[i].fatal;
	}
	/* A fatal deviation makes the PDU illegal; an illegal PDU has one
	 * (unless it fell beyond the list). */
	if (fatal)
		FUZZ_ASSERT(d->cls == LACP_CLASS_ILLEGAL);
	if (d->cls == LACP_CLASS_ILLEGAL)
		FUZZ_ASSERT(fatal || d->dev_overflow);
	if (len == 0) {
		FUZZ_ASSERT(d->cls == LACP_CLASS_ILLEGAL);
		return;
	}
	FUZZ_ASSERT(d->subtype == pdu[0]);
	if (pdu[0] >= 3 && pdu[0] <= LACP_SUBTYPE_MAX_KNOWN)
		FUZZ_ASSERT(d->cls == LACP_CLASS_UNKNOWN && d->n_dev == 0);
	if (pdu[0] == 0 || pdu[0] > LACP_SUBTYPE_MAX_KNOWN)
		FUZZ_ASSERT(d->cls == LACP_CLASS_ILLEGAL);
	if (d->cls == LACP_CLASS_LACPDU || d->cls == LACP_CLASS_MARKER)
		FUZZ_ASSERT(len >= LACP_PDU_LEN);
	for (unsigned i = 0; i < d->n_tlvs; i++) {
		const struct lacp_tlv *t = &d->tlvs[i];

		FUZZ_ASSERT(t->value >= pdu && t->value <= pdu + len);
		FUZZ_ASSERT(t->value_len <= (size_t)(pdu + len - t->value));
		FUZZ_ASSERT(t->offset + 2u <= len);
		FUZZ_ASSERT(t->type == pdu[t->offset] && t->length == pdu[t->offset + 1]);
	}
}

/* Decodes PDU and checks everything above; round-trips what is valid. */
static void decode_one(const uint8_t *pdu, size_t len)
{
	struct lacp_decoded d, again;
	struct lacp_lacpdu fast;
	uint8_t buf[LACP_PDU_LEN];
	bool fast_ok;

	lacp_pdu_decode(pdu, len, &d);
	check_decoded(pdu, len, &d);

	memset(&fast, 0, sizeof(fast));
	fast_ok = lacp_lacpdu_decode_fast(pdu, len, &fast);
	FUZZ_ASSERTF(fast_ok == (d.cls == LACP_CLASS_LACPDU),
		     "fast path %d, full decoder class %s", fast_ok, lacp_class_name[d.cls]);
	if (fast_ok)
		FUZZ_ASSERT(same_lacpdu(&fast, &d.lacpdu));

	if (d.cls == LACP_CLASS_LACPDU) {
		lacp_lacpdu_encode(&d.lacpdu, buf);
		FUZZ_ASSERT(lacp_pdu_decode(buf, sizeof(buf), &again) == LACP_CLASS_LACPDU);
		FUZZ_ASSERT(again.n_dev == 0 && again.n_tlvs == 0);
		FUZZ_ASSERT(same_lacpdu(&again.lacpdu, &d.lacpdu));
	} else if (d.cls == LACP_CLASS_MARKER) {
		lacp_marker_encode(&d.marker, buf);
		FUZZ_ASSERT(lacp_pdu_decode(buf, sizeof(buf), &again) == LACP_CLASS_MARKER);
		FUZZ_ASSERT(again.n_dev == 0 && again.n_tlvs == 0);
		FUZZ_ASSERT(again.marker.response == d.marker.response &&
			    again.marker.port == d.marker.port &&
			    again.marker.transaction == d.marker.transaction &&
			    again.marker.version == d.marker.version &&
			    memcmp(again.marker.system, d.marker.system, 6) == 0);
	}
}

/* Copies DATA into a heap buffer of exactly its size, so that ASan sees
 * a read one octet beyond. */
static void decode_exact(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1);
	struct lacp_eth eth;
	int off;

	if (!copy)
		abort();
	memcpy(copy, data, size);
	decode_one(copy, size);
	off = lacp_eth_decode(copy, size, &eth);
	if (off >= 0) {
		FUZZ_ASSERT((size_t)off <= size);
		FUZZ_ASSERT(off == LACP_ETH_HLEN + (int)eth.n_vlans * LACP_VLAN_HLEN);
		FUZZ_ASSERT(eth.n_vlans <= LACP_MAX_VLANS);
		decode_one(copy + off, size - (size_t)off);
	}
	free(copy);
}

static void read_info(struct fuzz_in *in, struct lacp_info *info)
{
	size_t got;
	const uint8_t *sys;

	info->system_priority = fuzz_u16(in);
	sys = fuzz_bytes(in, 6, &got);
	memset(info->system, 0, 6);
	memcpy(info->system, sys, got);
	info->key = fuzz_u16(in);
	info->port_priority = fuzz_u16(in);
	info->port = fuzz_u16(in);
	info->state = fuzz_u8(in);
}

/* An override: -1 (keep) half of the time, else an octet. */
static int read_override(struct fuzz_in *in)
{
	uint8_t sel = fuzz_u8(in);

	return (sel & 1) ? fuzz_u8(in) : -1;
}

static void craft_one(struct fuzz_in *in)
{
	struct lacp_craft_tlv extra[4];
	uint8_t flags = fuzz_u8(in);
	bool marker = flags & 1, plain = flags & 2;
	size_t n_extra = (flags >> 2) & 3, cap, len;
	uint8_t *buf;
	struct lacp_decoded d;

	for (size_t i = 0; i < n_extra; i++) {
		extra[i].type = fuzz_u8(in);
		extra[i].length = fuzz_u8(in);
		extra[i].value = fuzz_bytes(in, fuzz_u8(in) % 64, &extra[i].value_len);
	}
	cap = fuzz_u16(in) % 400;
	buf = malloc(cap ? cap : 1);
	if (!buf)
		abort();
	if (marker) {
		struct lacp_marker_craft c;
		size_t got;
		const uint8_t *sys;

		lacp_marker_craft_init(&c);
		c.m.response = fuzz_bool(in);
		c.m.port = fuzz_u16(in);
		sys = fuzz_bytes(in, 6, &got);
		memcpy(c.m.system, sys, got);
		c.m.transaction = fuzz_u32(in);
		if (!plain) {
			c.subtype = fuzz_u8(in);
			c.m.version = fuzz_u8(in);
			c.tlv_type = read_override(in);
			c.tlv_length = read_override(in);
			c.terminator_type = read_override(in);
			c.terminator_length = read_override(in);
			c.reserved_fill = fuzz_u8(in);
			c.extra = extra;
			c.n_extra = n_extra;
			c.truncate = (fuzz_u8(in) & 1) ? (long)fuzz_u16(in) % 300 : -1;
			c.pad = fuzz_u8(in);
		}
		len = lacp_marker_craft_encode(&c, buf, cap);
	} else {
		struct lacp_craft c;

		lacp_craft_init(&c);
		read_info(in, &c.pdu.actor);
		read_info(in, &c.pdu.partner);
		c.pdu.collector_max_delay = fuzz_u16(in);
		if (!plain) {
			c.subtype = fuzz_u8(in);
			c.pdu.version = fuzz_u8(in);
			c.actor_type = read_override(in);
			c.actor_length = read_override(in);
			c.partner_type = read_override(in);
			c.partner_length = read_override(in);
			c.collector_type = read_override(in);
			c.collector_length = read_override(in);
			c.terminator_type = read_override(in);
			c.terminator_length = read_override(in);
			c.reserved_fill = fuzz_u8(in);
			c.extra = extra;
			c.n_extra = n_extra;
			c.truncate = (fuzz_u8(in) & 1) ? (long)fuzz_u16(in) % 300 : -1;
			c.pad = fuzz_u8(in);
		}
		len = lacp_craft_encode(&c, buf, cap);
		if (plain && len <= cap) {
			FUZZ_ASSERT(len == LACP_PDU_LEN);
			FUZZ_ASSERT(lacp_pdu_decode(buf, len, &d) == LACP_CLASS_LACPDU);
			FUZZ_ASSERT(d.n_dev == 0);
			FUZZ_ASSERT(same_lacpdu(&d.lacpdu, &c.pdu));
		}
	}
	if (plain && marker && len <= cap) {
		FUZZ_ASSERT(len == LACP_PDU_LEN);
		FUZZ_ASSERT(lacp_pdu_decode(buf, len, &d) == LACP_CLASS_MARKER);
		FUZZ_ASSERT(d.n_dev == 0);
	}
	if (len <= cap)
		decode_one(buf, len);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in;

	if (size == 0)
		return 0;
	if (data[0] & 1) {
		fuzz_in_init(&in, data + 1, size - 1);
		craft_one(&in);
	} else {
		decode_exact(data + 1, size - 1);
	}
	return 0;
}
