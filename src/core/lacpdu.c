/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Slow Protocols PDUs on the wire: LACPDUs (802.1AX-2014 6.4.2), Marker and
 * Marker Response PDUs (6.5.3), their Ethernet/VLAN framing, and a crafter
 * that writes them wrong on purpose.
 *
 * How lacp_pdu_decode() classifies (for the aAggPortStatsIllegalRx and
 * aAggPortStatsUnknownRx counters, 802.1AX-2014 7.3.3, and 802.3 Annex
 * 43B's subtype table):
 *   - no octet, subtype 0 or 11..255: ILLEGAL (an illegal subtype value);
 *   - subtype 3..10: UNKNOWN, a legal Slow Protocol we do not speak, with
 *     no deviation listed (its layout is not ours to judge);
 *   - subtype 1 or 2: ILLEGAL when badly formed, i.e. on any of
 *       version 0,
 *       a mandatory TLV (Actor, Partner, Collector; Marker Information or
 *       Response) with another type,
 *       a mandatory TLV with another length (see versions below),
 *       fewer than the 110 octets of the version 1 layout, or a PDU that
 *       ends inside a mandatory TLV;
 *     otherwise LACPDU or MARKER, whatever else is wrong. The deviations
 *     that do not make a PDU illegal (listed with fatal = false) are:
 *       a non-zero reserved or pad octet (one per field: the offset and
 *       value of its first non-zero octet),
 *       no terminator (type 0, length 0) where the layout puts it, or a
 *       terminator length other than 0,
 *       more octets than the version allows (110; LACP_PDU_MAX_LONG for
 *       LACPDUs of version 2 or later),
 *       an extra TLV that is too short to be walked over (length < 2),
 *       runs past the end of the PDU, or, for the version 2 types, has
 *       another length than 802.1AX-2014 6.4.2.4 gives it.
 *     Reserved octets are "ignored on receipt" (6.4.2.3), and the receive
 *     machine needs nothing beyond the Collector TLV, hence non-fatal.
 *     The reserved octets after the terminator run to octet 110 in every
 *     version; octets past 110 are not checked. A truncation deviation
 *     names the first field the PDU lacks.
 *
 * Versions: 802.1AX requires a receiver to accept a version number higher
 * than its own (6.4.2.3), and 6.4.2.4 extends a LACPDU by appending
 * TLVs after the Collector TLV while keeping the version 1 TLVs as they
 * are. So every version > 0 is decoded. Version 1 (and the illegal 0) is
 * held to its exact layout: TLV lengths 20/20/16 and a terminator at octet
 * 58. From version 2 on, a mandatory TLV longer than its version 1 length
 * is accepted (non-fatal TLV length deviation): its known fields are read
 * where version 1 has them, the rest is skipped and the next TLV follows
 * its length, so that a later version may grow a TLV without being
 * rejected. Shorter is fatal in every version.
 *
 * In every version, the TLVs between the last mandatory TLV and the
 * terminator are walked by their length fields and exposed in out->tlvs;
 * a lying length is clipped to the buffer, never followed out of it.
 */
#include "lacpdu.h"

#include <string.h>

const uint8_t lacp_slow_multicast[6] = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x02 };

const char *const lacp_class_name[LACP_CLASS_COUNT] = {
	[LACP_CLASS_LACPDU] = "lacpdu",
	[LACP_CLASS_MARKER] = "marker",
	[LACP_CLASS_UNKNOWN] = "unknown",
	[LACP_CLASS_ILLEGAL] = "illegal",
};

const char *const lacp_dev_name[LACP_DEV_COUNT] = {
	[LACP_DEV_SUBTYPE] = "subtype",
	[LACP_DEV_VERSION] = "version",
	[LACP_DEV_TLV_TYPE] = "tlv_type",
	[LACP_DEV_TLV_LENGTH] = "tlv_length",
	[LACP_DEV_TRUNCATED] = "truncated",
	[LACP_DEV_OVERSIZED] = "oversized",
	[LACP_DEV_RESERVED] = "reserved",
	[LACP_DEV_TERMINATOR] = "terminator",
};

/* Offsets inside an Actor/Partner Information TLV (6.4.2.3 f-o). */
enum {
	INFO_SYS_PRIO = 2,
	INFO_SYSTEM = 4,
	INFO_KEY = 10,
	INFO_PORT_PRIO = 12,
	INFO_PORT = 14,
	INFO_STATE = 16,
	INFO_RESERVED = 17,
	INFO_RESERVED_LEN = 3,
	COLL_MAX_DELAY = 2,
	COLL_RESERVED = 4,
	COLL_RESERVED_LEN = 12,
	MARKER_PORT = 2,
	MARKER_SYSTEM = 4,
	MARKER_TRANSACTION = 10,
	MARKER_PAD = 14,
	MARKER_PAD_LEN = 2,
};

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* ---- full decoding -------------------------------------------------- */

/* The state of one lacp_pdu_decode() call. SCAN is LEN capped to what a
 * uint16_t offset can name. */
struct dec {
	const uint8_t *p;
	size_t len;
	size_t scan;
	struct lacp_decoded *out;
	bool fatal;
};

/* The names of the fields of one Actor or Partner TLV, for deviations. */
struct info_names {
	const char *type, *length, *sys_prio, *system, *key, *port_prio,
		*port, *state, *reserved, *tlv;
};

static const struct info_names actor_names = {
	"actor_type", "actor_length", "actor_system_priority",
	"actor_system", "actor_key", "actor_port_priority", "actor_port",
	"actor_state", "actor_reserved", "actor_tlv",
};

static const struct info_names partner_names = {
	"partner_type", "partner_length", "partner_system_priority",
	"partner_system", "partner_key", "partner_port_priority",
	"partner_port", "partner_state", "partner_reserved", "partner_tlv",
};

/* Records one deviation; marks the PDU illegal when FATAL. */
static void deviate(struct dec *d, enum lacp_dev_kind kind, const char *field,
		    size_t off, uint32_t found, uint32_t expected, bool fatal)
{
	struct lacp_decoded *out = d->out;
	struct lacp_deviation *dv;

	if (fatal)
		d->fatal = true;
	if (out->n_dev == LACP_MAX_DEVIATIONS) {
		out->dev_overflow = true;
		return;
	}
	dv = &out->dev[out->n_dev++];
	dv->kind = kind;
	dv->field = field;
	dv->offset = (uint16_t)(off > UINT16_MAX ? UINT16_MAX : off);
	dv->found = found;
	dv->expected = expected;
	dv->fatal = fatal;
}

/* True when octets [OFF, OFF+N) are in the PDU. Otherwise records that
 * the PDU is truncated before FIELD (fatal: FIELD is required). */
static bool need(struct dec *d, size_t off, size_t n, const char *field)
{
	if (off + n <= d->len)
		return true;
	deviate(d, LACP_DEV_TRUNCATED, field, off, (uint32_t)d->len,
		(uint32_t)(off + n), true);
	return false;
}

/* Checks the reserved octets [OFF, OFF+N) that the PDU holds: one
 * deviation naming the first non-zero octet. */
static void check_reserved(struct dec *d, size_t off, size_t n,
			   const char *field)
{
	size_t end = off + n < d->scan ? off + n : d->scan;

	for (size_t i = off; i < end; i++) {
		if (d->p[i]) {
			deviate(d, LACP_DEV_RESERVED, field, i, d->p[i], 0,
				false);
			return;
		}
	}
}

/*
 * Checks the type and length octets of a mandatory TLV at OFF, which must
 * be TYPE (or, when TYPE2 is not 0, TYPE2) and STD long (see the file
 * comment for versions). Returns how far the next TLV is (the length to
 * follow), or 0 when the PDU ends first.
 */
static size_t mandatory_tlv(struct dec *d, size_t off, uint8_t type,
			    uint8_t type2, uint8_t std, uint8_t version,
			    const char *type_name, const char *length_name)
{
	uint8_t t, l;

	if (!need(d, off, 1, type_name))
		return 0;
	t = d->p[off];
	if (t != type && (type2 == 0 || t != type2))
		deviate(d, LACP_DEV_TLV_TYPE, type_name, off, t, type, true);
	if (!need(d, off + 1, 1, length_name))
		return 0;
	l = d->p[off + 1];
	if (l == std)
		return std;
	if (version >= 2 && l > std) {
		deviate(d, LACP_DEV_TLV_LENGTH, length_name, off + 1, l, std,
			false);
		return l;
	}
	/* Version 1 layout: a wrong length does not move what follows. */
	deviate(d, LACP_DEV_TLV_LENGTH, length_name, off + 1, l, std, true);
	return std;
}

/* Decodes the Actor or Partner TLV at OFF. Returns the offset of the next
 * TLV, or 0 when the PDU ends before this one does. */
static size_t info_tlv(struct dec *d, size_t off, uint8_t type,
		       uint8_t version, const struct info_names *n,
		       struct lacp_info *info)
{
	const uint8_t *p = d->p + off;
	size_t adv = mandatory_tlv(d, off, type, 0, LACP_TLV_INFO_LEN, version,
				   n->type, n->length);

	if (!adv)
		return 0;
	if (!need(d, off + INFO_SYS_PRIO, 2, n->sys_prio))
		return 0;
	info->system_priority = get16(p + INFO_SYS_PRIO);
	if (!need(d, off + INFO_SYSTEM, 6, n->system))
		return 0;
	memcpy(info->system, p + INFO_SYSTEM, 6);
	if (!need(d, off + INFO_KEY, 2, n->key))
		return 0;
	info->key = get16(p + INFO_KEY);
	if (!need(d, off + INFO_PORT_PRIO, 2, n->port_prio))
		return 0;
	info->port_priority = get16(p + INFO_PORT_PRIO);
	if (!need(d, off + INFO_PORT, 2, n->port))
		return 0;
	info->port = get16(p + INFO_PORT);
	if (!need(d, off + INFO_STATE, 1, n->state))
		return 0;
	info->state = p[INFO_STATE];
	check_reserved(d, off + INFO_RESERVED, INFO_RESERVED_LEN, n->reserved);
	if (!need(d, off + INFO_RESERVED, INFO_RESERVED_LEN, n->reserved))
		return 0;
	if (!need(d, off, adv, n->tlv))
		return 0;
	return off + adv;
}

/* Decodes the Collector TLV at OFF; returns as info_tlv() does. */
static size_t collector_tlv(struct dec *d, size_t off, uint8_t version,
			    uint16_t *max_delay)
{
	size_t adv = mandatory_tlv(d, off, LACP_TLV_COLLECTOR, 0,
				   LACP_TLV_COLLECTOR_LEN, version,
				   "collector_type", "collector_length");

	if (!adv)
		return 0;
	if (!need(d, off + COLL_MAX_DELAY, 2, "collector_max_delay"))
		return 0;
	*max_delay = get16(d->p + off + COLL_MAX_DELAY);
	check_reserved(d, off + COLL_RESERVED, COLL_RESERVED_LEN,
		       "collector_reserved");
	if (!need(d, off + COLL_RESERVED, COLL_RESERVED_LEN,
		  "collector_reserved"))
		return 0;
	if (!need(d, off, adv, "collector_tlv"))
		return 0;
	return off + adv;
}

/* What 802.1AX-2014 6.4.2.4 says of the version 2 TLVs. */
struct v2_tlv {
	uint8_t length;
	const char *name, *length_name;
};

static const struct v2_tlv v2_tlvs[] = {
	[LACP_TLV_PORT_ALGORITHM] = { LACP_TLV_PORT_ALGORITHM_LEN,
		"port_algorithm", "port_algorithm_length" },
	[LACP_TLV_PORT_CONV_ID_DIGEST] = { LACP_TLV_PORT_CONV_ID_DIGEST_LEN,
		"port_conversation_id_digest",
		"port_conversation_id_digest_length" },
	[LACP_TLV_PORT_CONV_MASK_1] = { LACP_TLV_PORT_CONV_MASK_1_LEN,
		"port_conversation_mask_1",
		"port_conversation_mask_1_length" },
	[LACP_TLV_PORT_CONV_MASK_2] = { LACP_TLV_PORT_CONV_MASK_LEN,
		"port_conversation_mask_2",
		"port_conversation_mask_2_length" },
	[LACP_TLV_PORT_CONV_MASK_3] = { LACP_TLV_PORT_CONV_MASK_LEN,
		"port_conversation_mask_3",
		"port_conversation_mask_3_length" },
	[LACP_TLV_PORT_CONV_MASK_4] = { LACP_TLV_PORT_CONV_MASK_LEN,
		"port_conversation_mask_4",
		"port_conversation_mask_4_length" },
	[LACP_TLV_PORT_CONV_SERVICE_MAPPING] = {
		LACP_TLV_PORT_CONV_SERVICE_MAPPING_LEN,
		"port_conversation_service_mapping_digest",
		"port_conversation_service_mapping_digest_length" },
};

static void add_tlv(struct dec *d, size_t off, uint8_t type, uint8_t length)
{
	struct lacp_decoded *out = d->out;
	struct lacp_tlv *t;
	size_t avail = d->scan - (off + 2);
	size_t want = length >= 2 ? (size_t)length - 2 : 0;

	if (out->n_tlvs == LACP_MAX_TLVS) {
		out->tlv_overflow = true;
		return;
	}
	t = &out->tlvs[out->n_tlvs++];
	t->type = type;
	t->length = length;
	t->offset = (uint16_t)off;
	t->value = d->p + off + 2;
	t->value_len = (uint16_t)(want < avail ? want : avail);
}

/* The version 2 description of TYPE, or NULL. */
static const struct v2_tlv *v2_tlv(uint8_t type)
{
	if (type >= sizeof(v2_tlvs) / sizeof(v2_tlvs[0]) || !v2_tlvs[type].name)
		return NULL;
	return &v2_tlvs[type];
}

/*
 * Everything after the last mandatory TLV, which ends at OFF: the extra
 * TLVs, the terminator (expected right at OFF when FIXED_TERM, the
 * version 1 layout), the reserved octets up to LACP_PDU_LEN, and the
 * length limits. V2_NAMES: the version 2 TLV types mean something here.
 */
static void decode_tail(struct dec *d, size_t off, bool fixed_term,
			bool v2_names, size_t max_len)
{
	const uint8_t *p = d->p;
	bool complete = d->len >= LACP_PDU_LEN;
	bool term = false, stuck = false, overran = false;

	if (fixed_term && off + 1 < d->scan && p[off] != LACP_TLV_TERMINATOR)
		deviate(d, LACP_DEV_TERMINATOR, "terminator_type", off,
			p[off], LACP_TLV_TERMINATOR, false);

	while (off + 1 < d->scan) {
		uint8_t type = p[off], length = p[off + 1];
		const struct v2_tlv *v2 = v2_names ? v2_tlv(type) : NULL;

		if (type == LACP_TLV_TERMINATOR) {
			term = true;
			break;
		}
		add_tlv(d, off, type, length);
		if (v2 && length != v2->length)
			deviate(d, LACP_DEV_TLV_LENGTH, v2->length_name,
				off + 1, length, v2->length, false);
		if (length < 2) {
			/* Cannot be stepped over: the walk ends here. */
			if (!v2)
				deviate(d, LACP_DEV_TLV_LENGTH, "tlv_length",
					off + 1, length, 2, false);
			stuck = true;
			break;
		}
		if (off + length > d->scan) {
			deviate(d, LACP_DEV_TRUNCATED, v2 ? v2->name : "tlv",
				off, (uint32_t)d->len,
				(uint32_t)(off + length), !complete);
			overran = true;
			break;
		}
		off += length;
	}

	if (term) {
		if (p[off + 1] != 0)
			deviate(d, LACP_DEV_TLV_LENGTH, "terminator_length",
				off + 1, p[off + 1], 0, false);
		off += 2;
		if (off < LACP_PDU_LEN)
			check_reserved(d, off, LACP_PDU_LEN - off, "reserved");
		if (!complete)
			deviate(d, LACP_DEV_TRUNCATED, "reserved", off,
				(uint32_t)d->len, LACP_PDU_LEN, true);
	} else if (!complete) {
		/* Short of the 110 octets every version has: illegal. */
		if (stuck)
			deviate(d, LACP_DEV_TRUNCATED, "length", d->len,
				(uint32_t)d->len, LACP_PDU_LEN, true);
		else if (!overran)
			deviate(d, LACP_DEV_TRUNCATED,
				off < d->len ? "terminator_length"
					     : "terminator_type",
				off < d->len ? off + 1 : off, (uint32_t)d->len,
				LACP_PDU_LEN, true);
	} else if (!fixed_term) {
		/* The version 1 layout had its misplaced terminator
		 * reported above already. */
		deviate(d, LACP_DEV_TERMINATOR, "terminator_type", off,
			off < d->scan ? p[off] : 0, LACP_TLV_TERMINATOR, false);
	}

	if (d->len > max_len)
		deviate(d, LACP_DEV_OVERSIZED, "length", max_len,
			(uint32_t)d->len, (uint32_t)max_len, false);
}

static void decode_lacpdu(struct dec *d)
{
	struct lacp_lacpdu *l = &d->out->lacpdu;
	uint8_t v;
	size_t off;

	if (!need(d, 1, 1, "version"))
		return;
	v = l->version = d->p[1];
	if (v == 0)
		deviate(d, LACP_DEV_VERSION, "version", 1, 0, 1, true);
	off = info_tlv(d, LACP_OFF_ACTOR, LACP_TLV_ACTOR, v, &actor_names,
		       &l->actor);
	if (off)
		off = info_tlv(d, off, LACP_TLV_PARTNER, v, &partner_names,
			       &l->partner);
	if (off)
		off = collector_tlv(d, off, v, &l->collector_max_delay);
	if (off)
		decode_tail(d, off, v <= 1, true,
			    v >= 2 ? LACP_PDU_MAX_LONG : LACP_PDU_LEN);
}

static void decode_marker(struct dec *d)
{
	struct lacp_marker *m = &d->out->marker;
	const uint8_t *p = d->p + LACP_OFF_MARKER_TLV;
	size_t off = LACP_OFF_MARKER_TLV, adv;
	uint8_t v;

	if (!need(d, 1, 1, "version"))
		return;
	v = m->version = d->p[1];
	if (v == 0)
		deviate(d, LACP_DEV_VERSION, "version", 1, 0, 1, true);
	adv = mandatory_tlv(d, off, LACP_TLV_MARKER_INFO,
			    LACP_TLV_MARKER_RESPONSE, LACP_TLV_MARKER_LEN, v,
			    "marker_type", "marker_length");
	if (!adv)
		return;
	m->response = p[0] == LACP_TLV_MARKER_RESPONSE;
	if (!need(d, off + MARKER_PORT, 2, "requester_port"))
		return;
	m->port = get16(p + MARKER_PORT);
	if (!need(d, off + MARKER_SYSTEM, 6, "requester_system"))
		return;
	memcpy(m->system, p + MARKER_SYSTEM, 6);
	if (!need(d, off + MARKER_TRANSACTION, 4, "requester_transaction_id"))
		return;
	m->transaction = get32(p + MARKER_TRANSACTION);
	check_reserved(d, off + MARKER_PAD, MARKER_PAD_LEN, "marker_pad");
	if (!need(d, off + MARKER_PAD, MARKER_PAD_LEN, "marker_pad"))
		return;
	if (!need(d, off, adv, "marker_tlv"))
		return;
	decode_tail(d, off + adv, v <= 1, false, LACP_PDU_LEN);
}

enum lacp_class lacp_pdu_decode(const uint8_t *pdu, size_t len,
				struct lacp_decoded *out)
{
	struct dec d = {
		.p = pdu,
		.len = len,
		.scan = len > UINT16_MAX ? UINT16_MAX : len,
		.out = out,
	};

	memset(out, 0, offsetof(struct lacp_decoded, tlvs));
	out->n_dev = 0;
	out->dev_overflow = out->tlv_overflow = false;
	out->length = len;

	if (!need(&d, 0, 1, "subtype")) {
		out->cls = LACP_CLASS_ILLEGAL;
		return out->cls;
	}
	out->subtype = pdu[0];
	if (pdu[0] == LACP_SUBTYPE_LACP) {
		decode_lacpdu(&d);
		out->cls = LACP_CLASS_LACPDU;
	} else if (pdu[0] == LACP_SUBTYPE_MARKER) {
		decode_marker(&d);
		out->cls = LACP_CLASS_MARKER;
	} else if (pdu[0] <= LACP_SUBTYPE_MAX_KNOWN && pdu[0] != 0) {
		out->cls = LACP_CLASS_UNKNOWN;
	} else {
		deviate(&d, LACP_DEV_SUBTYPE, "subtype", 0, pdu[0], 0, true);
	}
	if (d.fatal)
		out->cls = LACP_CLASS_ILLEGAL;
	return out->cls;
}

/* ---- fast decoding -------------------------------------------------- */

/* The fast path's view of one mandatory TLV: same verdicts as
 * mandatory_tlv() and the need() calls of info_tlv()/collector_tlv(). */
static inline bool fast_tlv(const uint8_t *p, size_t len, size_t *off,
			    uint8_t type, uint8_t std, uint8_t version)
{
	size_t o = *off;
	uint8_t l;

	if (o + 2 > len || p[o] != type)
		return false;
	l = p[o + 1];
	if (l != std && (version < 2 || l < std))
		return false;
	if (o + l > len)
		return false;
	*off = o + l;
	return true;
}

static inline void fast_info(const uint8_t *p, struct lacp_info *info)
{
	info->system_priority = get16(p + INFO_SYS_PRIO);
	memcpy(info->system, p + INFO_SYSTEM, 6);
	info->key = get16(p + INFO_KEY);
	info->port_priority = get16(p + INFO_PORT_PRIO);
	info->port = get16(p + INFO_PORT);
	info->state = p[INFO_STATE];
}

bool lacp_lacpdu_decode_fast(const uint8_t *pdu, size_t len,
			     struct lacp_lacpdu *out)
{
	size_t actor = LACP_OFF_ACTOR, partner, collector, end;
	uint8_t v;

	/* Below 110 octets a LACPDU is illegal in every version; from 110
	 * on, nothing after the Collector TLV can make it illegal. */
	if (len < LACP_PDU_LEN || pdu[0] != LACP_SUBTYPE_LACP || pdu[1] == 0)
		return false;
	v = pdu[1];
	partner = actor;
	if (!fast_tlv(pdu, len, &partner, LACP_TLV_ACTOR, LACP_TLV_INFO_LEN, v))
		return false;
	collector = partner;
	if (!fast_tlv(pdu, len, &collector, LACP_TLV_PARTNER,
		      LACP_TLV_INFO_LEN, v))
		return false;
	end = collector;
	if (!fast_tlv(pdu, len, &end, LACP_TLV_COLLECTOR,
		      LACP_TLV_COLLECTOR_LEN, v))
		return false;
	out->version = v;
	fast_info(pdu + actor, &out->actor);
	fast_info(pdu + partner, &out->partner);
	out->collector_max_delay = get16(pdu + collector + COLL_MAX_DELAY);
	return true;
}

bool lacp_lacpdu_decode_raw(const uint8_t *pdu, size_t len, struct lacp_lacpdu *out)
{
	const size_t partner = LACP_OFF_ACTOR + LACP_TLV_INFO_LEN;
	const size_t collector = partner + LACP_TLV_INFO_LEN;

	if (len < collector)
		return false;
	memset(out, 0, sizeof(*out));
	out->version = pdu[1];
	fast_info(pdu + LACP_OFF_ACTOR, &out->actor);
	fast_info(pdu + partner, &out->partner);
	if (len >= collector + COLL_MAX_DELAY + 2)
		out->collector_max_delay = get16(pdu + collector + COLL_MAX_DELAY);
	return true;
}

/* ---- Ethernet framing ----------------------------------------------- */

int lacp_eth_decode(const uint8_t *frame, size_t len, struct lacp_eth *out)
{
	size_t off = 12;
	uint16_t type;

	memset(out, 0, sizeof(*out));
	if (len < LACP_ETH_HLEN)
		return -1;
	memcpy(out->dst, frame, 6);
	memcpy(out->src, frame + 6, 6);
	type = get16(frame + off);
	while (type == LACP_ETHERTYPE_VLAN || type == LACP_ETHERTYPE_QINQ) {
		if (out->n_vlans == LACP_MAX_VLANS ||
		    off + 2 + LACP_VLAN_HLEN > len)
			return -1;
		out->vlan_tpid[out->n_vlans] = type;
		out->vlan_tci[out->n_vlans] = get16(frame + off + 2);
		out->n_vlans++;
		off += LACP_VLAN_HLEN;
		type = get16(frame + off);
	}
	out->ethertype = type;
	return (int)(off + 2);
}

size_t lacp_eth_encode(const uint8_t dst[6], const uint8_t src[6],
		       const struct lacp_eth *tags, uint8_t *buf)
{
	size_t off = 12;
	unsigned n = tags ? tags->n_vlans : 0;

	if (n > LACP_MAX_VLANS)
		n = LACP_MAX_VLANS;
	memcpy(buf, dst, 6);
	memcpy(buf + 6, src, 6);
	for (unsigned i = 0; i < n; i++) {
		put16(buf + off, tags->vlan_tpid[i]);
		put16(buf + off + 2, tags->vlan_tci[i]);
		off += LACP_VLAN_HLEN;
	}
	put16(buf + off, LACP_ETHERTYPE_SLOW);
	return off + 2;
}

/* ---- standard encoding ---------------------------------------------- */

static void put_info(uint8_t *p, uint8_t type, const struct lacp_info *info)
{
	p[0] = type;
	p[1] = LACP_TLV_INFO_LEN;
	put16(p + INFO_SYS_PRIO, info->system_priority);
	memcpy(p + INFO_SYSTEM, info->system, 6);
	put16(p + INFO_KEY, info->key);
	put16(p + INFO_PORT_PRIO, info->port_priority);
	put16(p + INFO_PORT, info->port);
	p[INFO_STATE] = info->state;
}

void lacp_lacpdu_encode(const struct lacp_lacpdu *pdu, uint8_t *buf)
{
	memset(buf, 0, LACP_PDU_LEN);
	buf[0] = LACP_SUBTYPE_LACP;
	buf[1] = pdu->version;
	put_info(buf + LACP_OFF_ACTOR, LACP_TLV_ACTOR, &pdu->actor);
	put_info(buf + LACP_OFF_PARTNER, LACP_TLV_PARTNER, &pdu->partner);
	buf[LACP_OFF_COLLECTOR] = LACP_TLV_COLLECTOR;
	buf[LACP_OFF_COLLECTOR + 1] = LACP_TLV_COLLECTOR_LEN;
	put16(buf + LACP_OFF_COLLECTOR + COLL_MAX_DELAY,
	      pdu->collector_max_delay);
	/* The terminator and the reserved octets are the zeros above. */
}

void lacp_marker_encode(const struct lacp_marker *m, uint8_t *buf)
{
	uint8_t *p = buf + LACP_OFF_MARKER_TLV;

	memset(buf, 0, LACP_PDU_LEN);
	buf[0] = LACP_SUBTYPE_MARKER;
	buf[1] = m->version;
	p[0] = m->response ? LACP_TLV_MARKER_RESPONSE : LACP_TLV_MARKER_INFO;
	p[1] = LACP_TLV_MARKER_LEN;
	put16(p + MARKER_PORT, m->port);
	memcpy(p + MARKER_SYSTEM, m->system, 6);
	put32(p + MARKER_TRANSACTION, m->transaction);
}

/* ---- crafting ------------------------------------------------------- */

/* Writes octets at OFF onwards, dropping whatever falls beyond CAP, so
 * that the crafter can lay out a PDU of any length in any buffer. */
struct writer {
	uint8_t *buf;
	size_t cap;
	size_t off;
};

static void w8(struct writer *w, uint8_t v)
{
	if (w->off < w->cap)
		w->buf[w->off] = v;
	w->off++;
}

static void w16(struct writer *w, uint16_t v)
{
	w8(w, (uint8_t)(v >> 8));
	w8(w, (uint8_t)v);
}

static void wbytes(struct writer *w, const uint8_t *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		w8(w, v ? v[i] : 0);
}

static void wfill(struct writer *w, uint8_t v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		w8(w, v);
}

static uint8_t pick(int override, uint8_t standard)
{
	return override >= 0 ? (uint8_t)override : standard;
}

static void craft_info(struct writer *w, int type, int length,
		       uint8_t std_type, const struct lacp_info *info,
		       uint8_t fill)
{
	w8(w, pick(type, std_type));
	w8(w, pick(length, LACP_TLV_INFO_LEN));
	w16(w, info->system_priority);
	wbytes(w, info->system, 6);
	w16(w, info->key);
	w16(w, info->port_priority);
	w16(w, info->port);
	w8(w, info->state);
	wfill(w, fill, INFO_RESERVED_LEN);
}

/* The common end of both crafters: extra TLVs, terminator, reserved
 * octets up to LACP_PDU_LEN, then truncation and padding. W's capacity
 * already stops at the truncation point. Returns the PDU length. */
static size_t craft_tail(struct writer *w, const struct lacp_craft_tlv *extra,
			 size_t n_extra, int term_type, int term_length,
			 uint8_t fill, long truncate, size_t pad, size_t cap)
{
	size_t len;

	for (size_t i = 0; i < n_extra; i++) {
		w8(w, extra[i].type);
		w8(w, extra[i].length);
		wbytes(w, extra[i].value, extra[i].value_len);
	}
	w8(w, pick(term_type, LACP_TLV_TERMINATOR));
	w8(w, pick(term_length, 0));
	if (w->off < LACP_PDU_LEN)
		wfill(w, fill, LACP_PDU_LEN - w->off);
	len = w->off;
	if (truncate >= 0 && (size_t)truncate < len)
		len = (size_t)truncate;
	w->off = len;
	w->cap = cap; /* the padding goes after the truncation point */
	wfill(w, 0, pad);
	return w->off;
}

/* The capacity a writer gets: CAP, or less when truncating. */
static size_t craft_cap(size_t cap, long truncate)
{
	if (truncate >= 0 && (size_t)truncate < cap)
		return (size_t)truncate;
	return cap;
}

void lacp_craft_init(struct lacp_craft *c)
{
	memset(c, 0, sizeof(*c));
	c->subtype = LACP_SUBTYPE_LACP;
	c->pdu.version = 1;
	c->actor_type = c->actor_length = -1;
	c->partner_type = c->partner_length = -1;
	c->collector_type = c->collector_length = -1;
	c->terminator_type = c->terminator_length = -1;
	c->truncate = -1;
}

size_t lacp_craft_encode(const struct lacp_craft *c, uint8_t *buf, size_t cap)
{
	struct writer w = { buf, craft_cap(cap, c->truncate), 0 };

	w8(&w, c->subtype);
	w8(&w, c->pdu.version);
	craft_info(&w, c->actor_type, c->actor_length, LACP_TLV_ACTOR,
		   &c->pdu.actor, c->reserved_fill);
	craft_info(&w, c->partner_type, c->partner_length, LACP_TLV_PARTNER,
		   &c->pdu.partner, c->reserved_fill);
	w8(&w, pick(c->collector_type, LACP_TLV_COLLECTOR));
	w8(&w, pick(c->collector_length, LACP_TLV_COLLECTOR_LEN));
	w16(&w, c->pdu.collector_max_delay);
	wfill(&w, c->reserved_fill, COLL_RESERVED_LEN);
	return craft_tail(&w, c->extra, c->n_extra, c->terminator_type,
			  c->terminator_length, c->reserved_fill, c->truncate,
			  c->pad, cap);
}

void lacp_marker_craft_init(struct lacp_marker_craft *c)
{
	memset(c, 0, sizeof(*c));
	c->subtype = LACP_SUBTYPE_MARKER;
	c->m.version = 1;
	c->tlv_type = c->tlv_length = -1;
	c->terminator_type = c->terminator_length = -1;
	c->truncate = -1;
}

size_t lacp_marker_craft_encode(const struct lacp_marker_craft *c, uint8_t *buf,
				size_t cap)
{
	struct writer w = { buf, craft_cap(cap, c->truncate), 0 };
	uint8_t type = c->m.response ? LACP_TLV_MARKER_RESPONSE
				     : LACP_TLV_MARKER_INFO;

	w8(&w, c->subtype);
	w8(&w, c->m.version);
	w8(&w, pick(c->tlv_type, type));
	w8(&w, pick(c->tlv_length, LACP_TLV_MARKER_LEN));
	w16(&w, c->m.port);
	wbytes(&w, c->m.system, 6);
	w16(&w, (uint16_t)(c->m.transaction >> 16));
	w16(&w, (uint16_t)c->m.transaction);
	wfill(&w, c->reserved_fill, MARKER_PAD_LEN);
	return craft_tail(&w, c->extra, c->n_extra, c->terminator_type,
			  c->terminator_length, c->reserved_fill, c->truncate,
			  c->pad, cap);
}
