/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Unit tests of src/core/lacpdu.c: golden vectors written from the layouts of
 * 802.1AX-2014 6.4.2.3 (LACPDU) and 6.5.3.3 (Marker PDUs), round trips of
 * every field, the classification of malformed PDUs with their deviation
 * lists, every truncation from a buffer of exactly that length (so that
 * ASan and valgrind see any over-read), Ethernet/VLAN framing, crafting,
 * and agreement of the fast decoder with the full one on every input.
 */
#include <stdbool.h>
#include <stdlib.h>

#include "check.h"
#include "lacpdu.h"

/* ---- golden vectors ------------------------------------------------- */

/* A LACPDU, octet by octet, from the subtype on (802.1AX-2014 6.4.2.3). */
static const uint8_t golden_lacpdu[] = {
	0x01,                               /*   0 subtype: LACP */
	0x01,                               /*   1 version 1 */
	0x01,                               /*   2 TLV type: Actor Information */
	0x14,                               /*   3 Actor_Information_Length 20 */
	0x80, 0x00,                         /*   4 Actor_System_Priority 32768 */
	0x00, 0x11, 0x22, 0x33, 0x44, 0x55, /*   6 Actor_System */
	0x00, 0x01,                         /*  12 Actor_Key 1 */
	0x00, 0xff,                         /*  14 Actor_Port_Priority 255 */
	0x00, 0x05,                         /*  16 Actor_Port 5 */
	0x3d,                               /*  18 Actor_State: A G S C D */
	0x00, 0x00, 0x00,                   /*  19 Reserved */
	0x02,                               /*  22 TLV type: Partner Information */
	0x14,                               /*  23 Partner_Information_Length 20 */
	0xff, 0xfe,                         /*  24 Partner_System_Priority 65534 */
	0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, /*  26 Partner_System */
	0x12, 0x34,                         /*  32 Partner_Key 0x1234 */
	0x80, 0x00,                         /*  34 Partner_Port_Priority 32768 */
	0x01, 0x02,                         /*  36 Partner_Port 258 */
	0x45,                               /*  38 Partner_State: A G F */
	0x00, 0x00, 0x00,                   /*  39 Reserved */
	0x03,                               /*  42 TLV type: Collector Information */
	0x10,                               /*  43 Collector_Information_Length 16 */
	0x00, 0x10,                         /*  44 CollectorMaxDelay 16 (x 10 us) */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /*  46 Reserved, 12 octets */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00,                               /*  58 TLV type: Terminator */
	0x00,                               /*  59 Terminator_Length 0 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /*  60 Reserved, */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /*  70 50 octets */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /*  80 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /*  90 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* 100 */
};

/* The content of golden_lacpdu. */
static const struct lacp_lacpdu golden_fields = {
	.version = 1,
	.actor = { 32768, { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 }, 1, 255, 5,
		   0x3d },
	.partner = { 65534, { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee }, 0x1234,
		     32768, 258, 0x45 },
	.collector_max_delay = 16,
};

/* A Marker Information PDU (802.1AX-2014 6.5.3.3). */
static const uint8_t golden_marker[] = {
	0x02,                               /*   0 subtype: Marker */
	0x01,                               /*   1 version 1 */
	0x01,                               /*   2 TLV type: Marker Information */
	0x10,                               /*   3 Marker_Information_Length 16 */
	0x00, 0x07,                         /*   4 Requester_Port 7 */
	0x00, 0x11, 0x22, 0x33, 0x44, 0x55, /*   6 Requester_System */
	0xde, 0xad, 0xbe, 0xef,             /*  12 Requester_Transaction_ID */
	0x00, 0x00,                         /*  16 Pad */
	0x00,                               /*  18 TLV type: Terminator */
	0x00,                               /*  19 Terminator_Length 0 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /*  20 Reserved, */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /*  30 90 octets */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /*  40 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /*  50 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /*  60 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /*  70 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /*  80 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /*  90 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* 100 */
};

static const struct lacp_marker golden_marker_fields = {
	.version = 1,
	.response = false,
	.port = 7,
	.system = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 },
	.transaction = 0xdeadbeef,
};

/* A whole frame: Ethernet header, then golden_lacpdu. */
static const uint8_t golden_eth[] = {
	0x01, 0x80, 0xc2, 0x00, 0x00, 0x02, /* destination: Slow_Protocols_Multicast */
	0x02, 0x00, 0x00, 0x00, 0x00, 0x01, /* source */
	0x88, 0x09,                         /* Slow_Protocols_Type */
};

/* ---- helpers -------------------------------------------------------- */

static bool info_eq(const struct lacp_info *a, const struct lacp_info *b)
{
	return a->system_priority == b->system_priority &&
	       memcmp(a->system, b->system, 6) == 0 && a->key == b->key &&
	       a->port_priority == b->port_priority && a->port == b->port &&
	       a->state == b->state;
}

static bool lacpdu_eq(const struct lacp_lacpdu *a, const struct lacp_lacpdu *b)
{
	return a->version == b->version && info_eq(&a->actor, &b->actor) &&
	       info_eq(&a->partner, &b->partner) &&
	       a->collector_max_delay == b->collector_max_delay;
}

static bool marker_eq(const struct lacp_marker *a, const struct lacp_marker *b)
{
	return a->version == b->version && a->response == b->response &&
	       a->port == b->port && memcmp(a->system, b->system, 6) == 0 &&
	       a->transaction == b->transaction;
}

/* Sanity of any decoding of LEN octets at BUF, whatever they hold. */
static void check_sane(const uint8_t *buf, size_t len,
		       const struct lacp_decoded *d, int line)
{
	bool ok = d->cls < LACP_CLASS_COUNT && d->length == len &&
		  d->n_dev <= LACP_MAX_DEVIATIONS &&
		  d->n_tlvs <= LACP_MAX_TLVS;

	for (unsigned i = 0; ok && i < d->n_dev; i++)
		ok = d->dev[i].kind < LACP_DEV_COUNT && d->dev[i].field &&
		     d->dev[i].offset <= (len > 1500 ? 1500 : len);
	for (unsigned i = 0; ok && i < d->n_tlvs; i++)
		ok = d->tlvs[i].value >= buf &&
		     d->tlvs[i].value + d->tlvs[i].value_len <= buf + len;
	/* An illegal verdict always has a fatal reason, and only then. */
	if (ok && d->cls != LACP_CLASS_UNKNOWN) {
		bool fatal = false;

		for (unsigned i = 0; i < d->n_dev; i++)
			fatal |= d->dev[i].fatal;
		ok = fatal == (d->cls == LACP_CLASS_ILLEGAL) || d->dev_overflow;
	}
	if (ok) {
		check_passed++;
		return;
	}
	check_failed++;
	fprintf(stderr, "%s:%d: insane decoding of %zu octets\n", __FILE__,
		line, len);
}

/*
 * Decodes a copy of LEN octets at PDU held in a buffer of exactly LEN
 * octets, with both decoders; checks sanity and that they agree. The
 * copy is freed before returning, so D's TLV pointers must not be used
 * by the caller beyond their offsets and lengths.
 */
static enum lacp_class decode_at(const uint8_t *pdu, size_t len,
				 struct lacp_decoded *d, int line)
{
	uint8_t *copy = malloc(len ? len : 1);
	struct lacp_lacpdu fast;
	bool fast_ok;

	if (!copy)
		abort();
	if (len)
		memcpy(copy, pdu, len);
	memset(d, 0xa5, sizeof(*d));
	lacp_pdu_decode(copy, len, d);
	check_sane(copy, len, d, line);
	memset(&fast, 0xa5, sizeof(fast));
	fast_ok = lacp_lacpdu_decode_fast(copy, len, &fast);
	if (fast_ok == (d->cls == LACP_CLASS_LACPDU) &&
	    (!fast_ok || lacpdu_eq(&fast, &d->lacpdu))) {
		check_passed++;
	} else {
		check_failed++;
		fprintf(stderr, "%s:%d: fast decoder says %d, full says %s\n",
			__FILE__, line, fast_ok, lacp_class_name[d->cls]);
	}
	for (unsigned i = 0; i < d->n_tlvs; i++)
		d->tlvs[i].value = NULL; /* into the freed copy */
	free(copy);
	return d->cls;
}

#define DECODE(pdu, len, d) decode_at(pdu, len, d, __LINE__)

/* One expected deviation. */
struct want {
	enum lacp_dev_kind kind;
	const char *field;
	unsigned offset;
	uint32_t found, expected;
	bool fatal;
};

static void print_devs(const struct lacp_decoded *d)
{
	for (unsigned i = 0; i < d->n_dev; i++)
		fprintf(stderr, "    %s %s @%u found %u expected %u%s\n",
			lacp_dev_name[d->dev[i].kind], d->dev[i].field,
			d->dev[i].offset, d->dev[i].found, d->dev[i].expected,
			d->dev[i].fatal ? " fatal" : "");
}

static void expect_devs(const struct lacp_decoded *d, const struct want *w,
			unsigned n, int line)
{
	bool ok = d->n_dev == n && !d->dev_overflow;

	for (unsigned i = 0; ok && i < n; i++) {
		const struct lacp_deviation *x = &d->dev[i];

		ok = x->kind == w[i].kind && x->field &&
		     strcmp(x->field, w[i].field) == 0 &&
		     x->offset == w[i].offset && x->found == w[i].found &&
		     x->expected == w[i].expected && x->fatal == w[i].fatal;
	}
	if (ok) {
		check_passed++;
		return;
	}
	check_failed++;
	fprintf(stderr, "%s:%d: deviations differ; got %u:\n", __FILE__, line,
		d->n_dev);
	print_devs(d);
}

#define DEVS(d, ...)                                                       \
	do {                                                               \
		static const struct want w_[] = { __VA_ARGS__ };           \
		expect_devs(d, w_, sizeof(w_) / sizeof(w_[0]), __LINE__);  \
	} while (0)
#define NO_DEVS(d) expect_devs(d, NULL, 0, __LINE__)

/* Crafts C into BUF (of CAP octets); checks it fits and returns the length. */
static size_t craft(const struct lacp_craft *c, uint8_t *buf, size_t cap)
{
	size_t len = lacp_craft_encode(c, buf, cap);

	CHECK(len <= cap);
	return len;
}

static size_t craft_marker(const struct lacp_marker_craft *c, uint8_t *buf,
			   size_t cap)
{
	size_t len = lacp_marker_craft_encode(c, buf, cap);

	CHECK(len <= cap);
	return len;
}

/* ---- tests ---------------------------------------------------------- */

static void test_names(void)
{
	CHECK_STR(lacp_class_name[LACP_CLASS_LACPDU], "lacpdu");
	CHECK_STR(lacp_class_name[LACP_CLASS_MARKER], "marker");
	CHECK_STR(lacp_class_name[LACP_CLASS_UNKNOWN], "unknown");
	CHECK_STR(lacp_class_name[LACP_CLASS_ILLEGAL], "illegal");
	CHECK_STR(lacp_dev_name[LACP_DEV_SUBTYPE], "subtype");
	CHECK_STR(lacp_dev_name[LACP_DEV_VERSION], "version");
	CHECK_STR(lacp_dev_name[LACP_DEV_TLV_TYPE], "tlv_type");
	CHECK_STR(lacp_dev_name[LACP_DEV_TLV_LENGTH], "tlv_length");
	CHECK_STR(lacp_dev_name[LACP_DEV_TRUNCATED], "truncated");
	CHECK_STR(lacp_dev_name[LACP_DEV_OVERSIZED], "oversized");
	CHECK_STR(lacp_dev_name[LACP_DEV_RESERVED], "reserved");
	CHECK_STR(lacp_dev_name[LACP_DEV_TERMINATOR], "terminator");
	CHECK_MEM(lacp_slow_multicast, golden_eth, 6);
}

static void test_golden(void)
{
	uint8_t buf[LACP_PDU_LEN + 8];
	struct lacp_decoded d;
	struct lacp_marker m;
	struct lacp_craft c;
	struct lacp_marker_craft mc;

	CHECK_INT(sizeof(golden_lacpdu), LACP_PDU_LEN);
	CHECK_INT(sizeof(golden_marker), LACP_PDU_LEN);

	memset(buf, 0x77, sizeof(buf));
	lacp_lacpdu_encode(&golden_fields, buf);
	CHECK_MEM(buf, golden_lacpdu, LACP_PDU_LEN);
	CHECK_INT(buf[LACP_PDU_LEN], 0x77); /* nothing written beyond */

	CHECK_INT(DECODE(golden_lacpdu, LACP_PDU_LEN, &d), LACP_CLASS_LACPDU);
	CHECK_INT(d.subtype, 1);
	CHECK_INT(d.length, LACP_PDU_LEN);
	CHECK(lacpdu_eq(&d.lacpdu, &golden_fields));
	CHECK_INT(d.n_tlvs, 0);
	NO_DEVS(&d);

	/* The crafter's defaults are the standard PDU. */
	lacp_craft_init(&c);
	c.pdu = golden_fields;
	memset(buf, 0x77, sizeof(buf));
	CHECK_INT(craft(&c, buf, sizeof(buf)), LACP_PDU_LEN);
	CHECK_MEM(buf, golden_lacpdu, LACP_PDU_LEN);
	CHECK_INT(buf[LACP_PDU_LEN], 0x77);

	memset(buf, 0x77, sizeof(buf));
	lacp_marker_encode(&golden_marker_fields, buf);
	CHECK_MEM(buf, golden_marker, LACP_PDU_LEN);
	CHECK_INT(buf[LACP_PDU_LEN], 0x77);
	CHECK_INT(DECODE(golden_marker, LACP_PDU_LEN, &d), LACP_CLASS_MARKER);
	CHECK_INT(d.subtype, 2);
	CHECK(marker_eq(&d.marker, &golden_marker_fields));
	NO_DEVS(&d);

	/* The Marker Response differs in its TLV type only (6.5.3.3). */
	m = golden_marker_fields;
	m.response = true;
	lacp_marker_encode(&m, buf);
	CHECK_INT(buf[2], 0x02);
	CHECK_MEM(buf + 3, golden_marker + 3, LACP_PDU_LEN - 3);
	CHECK_INT(DECODE(buf, LACP_PDU_LEN, &d), LACP_CLASS_MARKER);
	CHECK(d.marker.response);
	CHECK(marker_eq(&d.marker, &m));
	NO_DEVS(&d);

	lacp_marker_craft_init(&mc);
	mc.m = m;
	memset(buf, 0x77, sizeof(buf));
	CHECK_INT(craft_marker(&mc, buf, sizeof(buf)), LACP_PDU_LEN);
	CHECK_INT(buf[2], 0x02);
	CHECK_MEM(buf + 3, golden_marker + 3, LACP_PDU_LEN - 3);
	CHECK_INT(buf[LACP_PDU_LEN], 0x77);
}

static void test_roundtrip(void)
{
	static const uint16_t u16s[] = { 0, 1, 0x00ff, 0x7fff, 0x8000, 0xfffe,
					 0xffff };
	static const uint32_t u32s[] = { 0, 1, 0x7fffffff, 0x80000000,
					 0xffffffff };
	static const uint8_t systems[][6] = {
		{ 0, 0, 0, 0, 0, 0 },
		{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
		{ 0x01, 0x80, 0xc2, 0x00, 0x00, 0x02 },
	};
	uint8_t buf[LACP_PDU_LEN];
	struct lacp_decoded d;

	/* Every state octet on both sides. */
	for (unsigned s = 0; s < 256; s++) {
		struct lacp_lacpdu p = golden_fields;

		p.actor.state = (uint8_t)s;
		p.partner.state = (uint8_t)(255 - s);
		lacp_lacpdu_encode(&p, buf);
		CHECK_INT(buf[18], s);
		CHECK_INT(buf[38], 255 - s);
		CHECK_INT(DECODE(buf, sizeof(buf), &d), LACP_CLASS_LACPDU);
		CHECK(lacpdu_eq(&d.lacpdu, &p));
	}
	/* Every 16-bit field at its extremes, with each system value. */
	for (unsigned i = 0; i < sizeof(u16s) / sizeof(u16s[0]); i++) {
		for (unsigned j = 0; j < sizeof(systems) / 6; j++) {
			struct lacp_lacpdu p = { .version = 1 };
			uint16_t v = u16s[i], w = u16s[(i + 3) % 7];

			p.actor = (struct lacp_info){ v, { 0 }, w, v, w, 0 };
			p.partner = (struct lacp_info){ w, { 0 }, v, w, v, 0 };
			memcpy(p.actor.system, systems[j], 6);
			memcpy(p.partner.system, systems[(j + 1) % 3], 6);
			p.collector_max_delay = v;
			lacp_lacpdu_encode(&p, buf);
			CHECK_INT(buf[4] << 8 | buf[5], v);
			CHECK_INT(buf[44] << 8 | buf[45], v);
			CHECK_INT(DECODE(buf, sizeof(buf), &d),
				  LACP_CLASS_LACPDU);
			CHECK(lacpdu_eq(&d.lacpdu, &p));
			NO_DEVS(&d);
		}
	}
	/* Markers: every field at its extremes, both TLV types. */
	for (unsigned i = 0; i < sizeof(u32s) / sizeof(u32s[0]); i++) {
		for (unsigned r = 0; r < 2; r++) {
			struct lacp_marker m = {
				.version = 1,
				.response = r,
				.port = u16s[i],
				.transaction = u32s[i],
			};

			memcpy(m.system, systems[i % 3], 6);
			lacp_marker_encode(&m, buf);
			CHECK_INT(DECODE(buf, sizeof(buf), &d),
				  LACP_CLASS_MARKER);
			CHECK(marker_eq(&d.marker, &m));
			NO_DEVS(&d);
		}
	}
}

static void test_subtypes(void)
{
	uint8_t buf[LACP_PDU_LEN] = { 0 };
	struct lacp_decoded d;

	CHECK_INT(DECODE(buf, 0, &d), LACP_CLASS_ILLEGAL);
	DEVS(&d, { LACP_DEV_TRUNCATED, "subtype", 0, 0, 1, true });

	for (unsigned s = 0; s < 256; s++) {
		memcpy(buf, golden_lacpdu, sizeof(buf));
		buf[0] = (uint8_t)s;
		DECODE(buf, sizeof(buf), &d);
		CHECK_INT(d.subtype, s);
		if (s == 1) {
			CHECK_INT(d.cls, LACP_CLASS_LACPDU);
		} else if (s == 2) {
			/* The LACPDU's octets read as a marker: illegal. */
			CHECK_INT(d.cls, LACP_CLASS_ILLEGAL);
		} else if (s >= 3 && s <= 10) {
			CHECK_INT(d.cls, LACP_CLASS_UNKNOWN);
			NO_DEVS(&d);
		} else {
			CHECK_INT(d.cls, LACP_CLASS_ILLEGAL);
			CHECK_INT(d.n_dev, 1);
			CHECK_INT(d.dev[0].kind, LACP_DEV_SUBTYPE);
			CHECK_INT(d.dev[0].found, s);
			CHECK(d.dev[0].fatal);
		}
	}
	/* A lone unknown subtype octet is still just unknown. */
	buf[0] = 5;
	CHECK_INT(DECODE(buf, 1, &d), LACP_CLASS_UNKNOWN);
	buf[0] = 0;
	CHECK_INT(DECODE(buf, 1, &d), LACP_CLASS_ILLEGAL);
	DEVS(&d, { LACP_DEV_SUBTYPE, "subtype", 0, 0, 0, true });
}

static void test_malformed_lacpdu(void)
{
	uint8_t buf[1024];
	struct lacp_decoded d;
	struct lacp_craft c;
	size_t len;

	lacp_craft_init(&c);
	c.pdu = golden_fields;

	/* Version 0 is illegal; every later version is accepted. */
	c.pdu.version = 0;
	len = craft(&c, buf, sizeof(buf));
	CHECK_INT(DECODE(buf, len, &d), LACP_CLASS_ILLEGAL);
	DEVS(&d, { LACP_DEV_VERSION, "version", 1, 0, 1, true });
	for (unsigned v = 2; v < 256; v += 51) {
		c.pdu.version = (uint8_t)v;
		len = craft(&c, buf, sizeof(buf));
		CHECK_INT(DECODE(buf, len, &d), LACP_CLASS_LACPDU);
		CHECK_INT(d.lacpdu.version, v);
		NO_DEVS(&d);
	}
	c.pdu.version = 1;

	/* Wrong mandatory TLV types. The layout does not move, so the
	 * fields after them still decode as crafted. */
	c.actor_type = 9;
	len = craft(&c, buf, sizeof(buf));
	CHECK_INT(DECODE(buf, len, &d), LACP_CLASS_ILLEGAL);
	DEVS(&d, { LACP_DEV_TLV_TYPE, "actor_type", 2, 9, 1, true });
	CHECK(lacpdu_eq(&d.lacpdu, &golden_fields));
	c.actor_type = -1;

	c.partner_type = 1;
	c.collector_type = 0;
	len = craft(&c, buf, sizeof(buf));
	CHECK_INT(DECODE(buf, len, &d), LACP_CLASS_ILLEGAL);
	DEVS(&d, { LACP_DEV_TLV_TYPE, "partner_type", 22, 1, 2, true },
	     { LACP_DEV_TLV_TYPE, "collector_type", 42, 0, 3, true });
	c.partner_type = c.collector_type = -1;

	/* Wrong mandatory TLV lengths, in version 1: all illegal. */
	c.actor_length = 19;
	c.partner_length = 21;
	c.collector_length = 0;
	len = craft(&c, buf, sizeof(buf));
	CHECK_INT(len, LACP_PDU_LEN);
	CHECK_INT(buf[3], 19);
	CHECK_INT(buf[23], 21);
	CHECK_INT(buf[43], 0);
	CHECK_INT(DECODE(buf, len, &d), LACP_CLASS_ILLEGAL);
	DEVS(&d, { LACP_DEV_TLV_LENGTH, "actor_length", 3, 19, 20, true },
	     { LACP_DEV_TLV_LENGTH, "partner_length", 23, 21, 20, true },
	     { LACP_DEV_TLV_LENGTH, "collector_length", 43, 0, 16, true });
	CHECK(lacpdu_eq(&d.lacpdu, &golden_fields));
	c.actor_length = c.partner_length = c.collector_length = -1;

	/* Version 2 or later: shorter is still illegal; longer is skipped
	 * over, and the next TLV must then really follow it. */
	c.pdu.version = 2;
	c.actor_length = 19;
	len = craft(&c, buf, sizeof(buf));
	CHECK_INT(DECODE(buf, len, &d), LACP_CLASS_ILLEGAL);
	DEVS(&d, { LACP_DEV_TLV_LENGTH, "actor_length", 3, 19, 20, true });
	c.actor_length = 21;
	len = craft(&c, buf, sizeof(buf));
	CHECK_INT(DECODE(buf, len, &d), LACP_CLASS_ILLEGAL);
	CHECK_INT(d.n_dev >= 2, 1);
	CHECK_INT(d.dev[0].kind, LACP_DEV_TLV_LENGTH);
	CHECK(!d.dev[0].fatal);
	CHECK_INT(d.dev[1].kind, LACP_DEV_TLV_TYPE);
	CHECK_STR(d.dev[1].field, "partner_type");
	CHECK_INT(d.dev[1].offset, 23);
	CHECK(d.dev[1].fatal);
	c.actor_length = -1;
	c.pdu.version = 1;

	/* Reserved octets: one deviation per field, not fatal. */
	c.reserved_fill = 0xaa;
	len = craft(&c, buf, sizeof(buf));
	CHECK_INT(DECODE(buf, len, &d), LACP_CLASS_LACPDU);
	DEVS(&d, { LACP_DEV_RESERVED, "actor_reserved", 19, 0xaa, 0, false },
	     { LACP_DEV_RESERVED, "partner_reserved", 39, 0xaa, 0, false },
	     { LACP_DEV_RESERVED, "collector_reserved", 46, 0xaa, 0, false },
	     { LACP_DEV_RESERVED, "reserved", 60, 0xaa, 0, false });
	CHECK(lacpdu_eq(&d.lacpdu, &golden_fields));
	c.reserved_fill = 0;
	memcpy(buf, golden_lacpdu, LACP_PDU_LEN);
	buf[109] = 1;
	buf[57] = 2;
	buf[20] = 3;
	CHECK_INT(DECODE(buf, LACP_PDU_LEN, &d), LACP_CLASS_LACPDU);
	DEVS(&d, { LACP_DEV_RESERVED, "actor_reserved", 20, 3, 0, false },
	     { LACP_DEV_RESERVED, "collector_reserved", 57, 2, 0, false },
	     { LACP_DEV_RESERVED, "reserved", 109, 1, 0, false });

	/* Terminator: a wrong length, or none where version 1 has it. */
	c.terminator_length = 3;
	len = craft(&c, buf, sizeof(buf));
	CHECK_INT(DECODE(buf, len, &d), LACP_CLASS_LACPDU);
	DEVS(&d, { LACP_DEV_TLV_LENGTH, "terminator_length", 59, 3, 0, false });
	c.terminator_length = -1;
	c.terminator_type = 0x40;
	len = craft(&c, buf, sizeof(buf));
	CHECK_INT(DECODE(buf, len, &d), LACP_CLASS_LACPDU);
	DEVS(&d, { LACP_DEV_TERMINATOR, "terminator_type", 58, 0x40, 0, false },
	     { LACP_DEV_TLV_LENGTH, "tlv_length", 59, 0, 2, false });
	CHECK_INT(d.n_tlvs, 1);
	CHECK_INT(d.tlvs[0].type, 0x40);
	CHECK_INT(d.tlvs[0].length, 0);
	CHECK_INT(d.tlvs[0].offset, 58);
	CHECK_INT(d.tlvs[0].value_len, 0);
	c.terminator_type = -1;

	/* Oversized: past 110 octets a version 1 PDU is too long, a version
	 * 2 one only past LACP_PDU_MAX_LONG. */
	c.pad = 14;
	len = craft(&c, buf, sizeof(buf));
	CHECK_INT(len, 124);
	CHECK_INT(DECODE(buf, len, &d), LACP_CLASS_LACPDU);
	DEVS(&d, { LACP_DEV_OVERSIZED, "length", 110, 124, 110, false });
	c.pdu.version = 2;
	len = craft(&c, buf, sizeof(buf));
	CHECK_INT(DECODE(buf, len, &d), LACP_CLASS_LACPDU);
	NO_DEVS(&d);
	c.pdu.version = 1;
	c.pad = 0;
}

/* A version 2 LACPDU whose Actor and Collector TLVs are longer than in
 * version 1, laid out by hand: the decoder follows the lengths. */
static void test_longer_tlvs(void)
{
	uint8_t buf[LACP_PDU_LEN] = { 0 };
	struct lacp_decoded d;
	size_t off = 0;

	buf[off++] = 1;
	buf[off++] = 2;
	memcpy(buf + off, golden_lacpdu + 2, 20);    /* Actor TLV */
	buf[off + 1] = 24;
	memset(buf + off + 20, 0xee, 4);             /* 4 octets more */
	off += 24;
	memcpy(buf + off, golden_lacpdu + 22, 20);   /* Partner TLV */
	off += 20;
	memcpy(buf + off, golden_lacpdu + 42, 16);   /* Collector TLV */
	buf[off + 1] = 20;
	memset(buf + off + 16, 0xee, 4);
	off += 20;
	CHECK_INT(off, 66);                          /* terminator, reserved */

	CHECK_INT(DECODE(buf, sizeof(buf), &d), LACP_CLASS_LACPDU);
	DEVS(&d, { LACP_DEV_TLV_LENGTH, "actor_length", 3, 24, 20, false },
	     { LACP_DEV_TLV_LENGTH, "collector_length", 47, 20, 16, false });
	CHECK(d.lacpdu.version == 2);
	d.lacpdu.version = 1;
	CHECK(lacpdu_eq(&d.lacpdu, &golden_fields));
	CHECK_INT(d.n_tlvs, 0);

	/* The same in version 1 is illegal. */
	buf[1] = 1;
	CHECK_INT(DECODE(buf, sizeof(buf), &d), LACP_CLASS_ILLEGAL);
	CHECK_INT(d.dev[0].kind, LACP_DEV_TLV_LENGTH);
	CHECK(d.dev[0].fatal);

	/* Longer TLVs that run past the end of the PDU make it illegal. */
	buf[1] = 2;
	buf[3] = 255;
	CHECK_INT(DECODE(buf, sizeof(buf), &d), LACP_CLASS_ILLEGAL);
	CHECK_INT(d.dev[d.n_dev - 1].kind, LACP_DEV_TRUNCATED);
	CHECK(d.dev[d.n_dev - 1].fatal);
}

static void test_truncated_lacpdu(void)
{
	struct lacp_decoded d;

	CHECK_INT(DECODE(golden_lacpdu, 1, &d), LACP_CLASS_ILLEGAL);
	DEVS(&d, { LACP_DEV_TRUNCATED, "version", 1, 1, 2, true });
	CHECK_INT(DECODE(golden_lacpdu, 2, &d), LACP_CLASS_ILLEGAL);
	DEVS(&d, { LACP_DEV_TRUNCATED, "actor_type", 2, 2, 3, true });
	CHECK_INT(DECODE(golden_lacpdu, 3, &d), LACP_CLASS_ILLEGAL);
	DEVS(&d, { LACP_DEV_TRUNCATED, "actor_length", 3, 3, 4, true });
	CHECK_INT(DECODE(golden_lacpdu, 10, &d), LACP_CLASS_ILLEGAL);
	DEVS(&d, { LACP_DEV_TRUNCATED, "actor_system", 6, 10, 12, true });
	CHECK_INT(DECODE(golden_lacpdu, 18, &d), LACP_CLASS_ILLEGAL);
	DEVS(&d, { LACP_DEV_TRUNCATED, "actor_state", 18, 18, 19, true });
	CHECK_INT(DECODE(golden_lacpdu, 20, &d), LACP_CLASS_ILLEGAL);
	DEVS(&d, { LACP_DEV_TRUNCATED, "actor_reserved", 19, 20, 22, true });
	CHECK_INT(DECODE(golden_lacpdu, 37, &d), LACP_CLASS_ILLEGAL);
	DEVS(&d, { LACP_DEV_TRUNCATED, "partner_port", 36, 37, 38, true });
	CHECK_INT(DECODE(golden_lacpdu, 45, &d), LACP_CLASS_ILLEGAL);
	DEVS(&d, { LACP_DEV_TRUNCATED, "collector_max_delay", 44, 45, 46,
		   true });
	CHECK_INT(DECODE(golden_lacpdu, 57, &d), LACP_CLASS_ILLEGAL);
	DEVS(&d, { LACP_DEV_TRUNCATED, "collector_reserved", 46, 57, 58,
		   true });
	CHECK_INT(DECODE(golden_lacpdu, 58, &d), LACP_CLASS_ILLEGAL);
	DEVS(&d, { LACP_DEV_TRUNCATED, "terminator_type", 58, 58, 110, true });
	CHECK_INT(DECODE(golden_lacpdu, 59, &d), LACP_CLASS_ILLEGAL);
	DEVS(&d, { LACP_DEV_TRUNCATED, "terminator_length", 59, 59, 110,
		   true });
	CHECK_INT(DECODE(golden_lacpdu, 60, &d), LACP_CLASS_ILLEGAL);
	DEVS(&d, { LACP_DEV_TRUNCATED, "reserved", 60, 60, 110, true });
	CHECK_INT(DECODE(golden_lacpdu, 109, &d), LACP_CLASS_ILLEGAL);
	DEVS(&d, { LACP_DEV_TRUNCATED, "reserved", 60, 109, 110, true });
	/* Fields before the cut are decoded all the same. */
	CHECK(lacpdu_eq(&d.lacpdu, &golden_fields));
}

static void test_extra_tlvs(void)
{
	static const uint8_t alg[4] = { 0x00, 0x80, 0xc2, 0x01 };
	static const uint8_t digest[18] = { 0x00, 0x01, 1, 2, 3, 4, 5, 6, 7,
					    8, 9, 10, 11, 12, 13, 14, 15, 16 };
	static const uint8_t smap[16] = { 0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5,
					  0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab,
					  0xac, 0xad, 0xae, 0xaf };
	static uint8_t mask[129];
	const struct lacp_craft_tlv v2[] = {
		{ LACP_TLV_PORT_ALGORITHM, 6, alg, 4 },
		{ LACP_TLV_PORT_CONV_ID_DIGEST, 20, digest, 18 },
		{ LACP_TLV_PORT_CONV_SERVICE_MAPPING, 18, smap, 16 },
	};
	const struct lacp_craft_tlv masks[] = {
		{ LACP_TLV_PORT_CONV_MASK_1, 131, mask, 129 },
		{ LACP_TLV_PORT_CONV_MASK_2, 130, mask, 128 },
		{ LACP_TLV_PORT_CONV_MASK_3, 130, mask, 128 },
		{ LACP_TLV_PORT_CONV_MASK_4, 130, mask, 128 },
	};
	const struct lacp_craft_tlv unknown[] = {
		{ 0x42, 5, alg, 3 },
	};
	const struct lacp_craft_tlv lying[] = {
		{ LACP_TLV_PORT_ALGORITHM, 200, alg, 4 },
	};
	uint8_t buf[1024];
	struct lacp_decoded d;
	struct lacp_craft c;
	size_t len;

	for (unsigned i = 0; i < sizeof(mask); i++)
		mask[i] = (uint8_t)(i * 7);
	lacp_craft_init(&c);
	c.pdu = golden_fields;

	/* Version 2 TLVs in a version 2 LACPDU: no deviation at all; they
	 * fill 44 of the 50 reserved octets (58 + 44 + 2 + 6 = 110). */
	c.pdu.version = 2;
	c.extra = v2;
	c.n_extra = 3;
	len = craft(&c, buf, sizeof(buf));
	CHECK_INT(len, LACP_PDU_LEN);
	CHECK_INT(buf[58], 4);
	CHECK_INT(buf[59], 6);
	CHECK_INT(buf[102], 0);
	CHECK_INT(DECODE(buf, len, &d), LACP_CLASS_LACPDU);
	NO_DEVS(&d);
	CHECK_INT(d.n_tlvs, 3);
	CHECK_INT(d.tlvs[0].type, 4);
	CHECK_INT(d.tlvs[0].length, 6);
	CHECK_INT(d.tlvs[0].offset, 58);
	CHECK_INT(d.tlvs[0].value_len, 4);
	CHECK_INT(d.tlvs[1].type, 5);
	CHECK_INT(d.tlvs[1].offset, 64);
	CHECK_INT(d.tlvs[1].value_len, 18);
	CHECK_INT(d.tlvs[2].type, 10);
	CHECK_INT(d.tlvs[2].offset, 84);
	CHECK_INT(d.tlvs[2].value_len, 16);
	CHECK_MEM(buf + 60, alg, 4);
	CHECK_MEM(buf + 66, digest, 18);
	CHECK_MEM(buf + 86, smap, 16);
	CHECK(lacpdu_eq(&d.lacpdu, &c.pdu));

	/* The values point into the decoded buffer. */
	lacp_pdu_decode(buf, len, &d);
	CHECK(d.tlvs[0].value == buf + 60);
	CHECK(d.tlvs[2].value == buf + 86);

	/* A Long LACPDU with the four mask TLVs: longer than 110 octets,
	 * which version 2 allows. */
	c.extra = masks;
	c.n_extra = 4;
	len = craft(&c, buf, sizeof(buf));
	CHECK_INT(len, 58 + 131 + 3 * 130 + 2);
	CHECK_INT(DECODE(buf, len, &d), LACP_CLASS_LACPDU);
	NO_DEVS(&d);
	CHECK_INT(d.n_tlvs, 4);
	CHECK_INT(d.tlvs[0].value_len, 129);
	CHECK_INT(d.tlvs[3].type, 9);
	CHECK_INT(d.tlvs[3].value_len, 128);
	CHECK_INT(d.tlvs[3].offset, 58 + 131 + 2 * 130);

	/* The same TLVs in a version 1 LACPDU: listed, with the terminator
	 * missing from octet 58 and the PDU too long. Not illegal. */
	c.pdu.version = 1;
	len = craft(&c, buf, sizeof(buf));
	CHECK_INT(DECODE(buf, len, &d), LACP_CLASS_LACPDU);
	DEVS(&d, { LACP_DEV_TERMINATOR, "terminator_type", 58, 6, 0, false },
	     { LACP_DEV_OVERSIZED, "length", 110, 581, 110, false });
	CHECK_INT(d.n_tlvs, 4);

	/* An unknown TLV type, and a version 2 TLV with a wrong length. */
	c.pdu.version = 2;
	c.extra = unknown;
	c.n_extra = 1;
	len = craft(&c, buf, sizeof(buf));
	CHECK_INT(DECODE(buf, len, &d), LACP_CLASS_LACPDU);
	NO_DEVS(&d);
	CHECK_INT(d.n_tlvs, 1);
	CHECK_INT(d.tlvs[0].type, 0x42);
	CHECK_INT(d.tlvs[0].length, 5);
	CHECK_INT(d.tlvs[0].value_len, 3);

	/* A TLV whose length lies: the value is clipped to the buffer. */
	c.extra = lying;
	len = craft(&c, buf, sizeof(buf));
	CHECK_INT(len, LACP_PDU_LEN);
	CHECK_INT(DECODE(buf, len, &d), LACP_CLASS_LACPDU);
	DEVS(&d, { LACP_DEV_TLV_LENGTH, "port_algorithm_length", 59, 200, 6,
		   false },
	     { LACP_DEV_TRUNCATED, "port_algorithm", 58, 110, 258, false },
	     { LACP_DEV_TERMINATOR, "terminator_type", 58, 4, 0, false });
	CHECK_INT(d.n_tlvs, 1);
	CHECK_INT(d.tlvs[0].length, 200);
	CHECK_INT(d.tlvs[0].value_len, 50);

	/* More deviations and TLVs than fit: flagged, nothing overflows. */
	{
		struct lacp_craft_tlv many[40];

		for (unsigned i = 0; i < 40; i++)
			many[i] = (struct lacp_craft_tlv){ 4, 2, NULL, 0 };
		c.extra = many;
		c.n_extra = 40;
		len = craft(&c, buf, sizeof(buf));
		CHECK_INT(len, 58 + 80 + 2);
		CHECK_INT(DECODE(buf, len, &d), LACP_CLASS_LACPDU);
		CHECK_INT(d.n_dev, LACP_MAX_DEVIATIONS);
		CHECK(d.dev_overflow);
		CHECK_INT(d.n_tlvs, LACP_MAX_TLVS);
		CHECK(d.tlv_overflow);
	}
}

static void test_malformed_marker(void)
{
	uint8_t buf[256];
	struct lacp_decoded d;
	struct lacp_marker_craft c;
	size_t len;

	lacp_marker_craft_init(&c);
	c.m = golden_marker_fields;
	len = craft_marker(&c, buf, sizeof(buf));
	CHECK_INT(len, LACP_PDU_LEN);
	CHECK_MEM(buf, golden_marker, LACP_PDU_LEN);

	c.m.version = 0;
	len = craft_marker(&c, buf, sizeof(buf));
	CHECK_INT(DECODE(buf, len, &d), LACP_CLASS_ILLEGAL);
	DEVS(&d, { LACP_DEV_VERSION, "version", 1, 0, 1, true });
	c.m.version = 7;
	len = craft_marker(&c, buf, sizeof(buf));
	CHECK_INT(DECODE(buf, len, &d), LACP_CLASS_MARKER);
	NO_DEVS(&d);
	CHECK_INT(d.marker.version, 7);
	c.m.version = 1;

	c.tlv_type = 3;
	len = craft_marker(&c, buf, sizeof(buf));
	CHECK_INT(DECODE(buf, len, &d), LACP_CLASS_ILLEGAL);
	DEVS(&d, { LACP_DEV_TLV_TYPE, "marker_type", 2, 3, 1, true });
	c.tlv_type = -1;

	c.tlv_length = 15;
	len = craft_marker(&c, buf, sizeof(buf));
	CHECK_INT(DECODE(buf, len, &d), LACP_CLASS_ILLEGAL);
	DEVS(&d, { LACP_DEV_TLV_LENGTH, "marker_length", 3, 15, 16, true });
	CHECK(marker_eq(&d.marker, &golden_marker_fields));
	c.tlv_length = -1;

	c.reserved_fill = 0x55;
	len = craft_marker(&c, buf, sizeof(buf));
	CHECK_INT(DECODE(buf, len, &d), LACP_CLASS_MARKER);
	DEVS(&d, { LACP_DEV_RESERVED, "marker_pad", 16, 0x55, 0, false },
	     { LACP_DEV_RESERVED, "reserved", 20, 0x55, 0, false });
	c.reserved_fill = 0;

	c.terminator_type = 1;
	c.terminator_length = 16;
	len = craft_marker(&c, buf, sizeof(buf));
	CHECK_INT(DECODE(buf, len, &d), LACP_CLASS_MARKER);
	DEVS(&d, { LACP_DEV_TERMINATOR, "terminator_type", 18, 1, 0, false });
	CHECK_INT(d.n_tlvs, 1);
	CHECK_INT(d.tlvs[0].type, 1);
	CHECK_INT(d.tlvs[0].offset, 18);
	CHECK_INT(d.tlvs[0].value_len, 14);
	c.terminator_type = c.terminator_length = -1;

	c.pad = 1;
	len = craft_marker(&c, buf, sizeof(buf));
	CHECK_INT(DECODE(buf, len, &d), LACP_CLASS_MARKER);
	DEVS(&d, { LACP_DEV_OVERSIZED, "length", 110, 111, 110, false });
	c.pad = 0;

	c.truncate = 18;
	len = craft_marker(&c, buf, sizeof(buf));
	CHECK_INT(len, 18);
	CHECK_INT(DECODE(buf, len, &d), LACP_CLASS_ILLEGAL);
	DEVS(&d, { LACP_DEV_TRUNCATED, "terminator_type", 18, 18, 110, true });
	CHECK(marker_eq(&d.marker, &golden_marker_fields));
	c.truncate = 15;
	len = craft_marker(&c, buf, sizeof(buf));
	CHECK_INT(DECODE(buf, len, &d), LACP_CLASS_ILLEGAL);
	DEVS(&d, { LACP_DEV_TRUNCATED, "requester_transaction_id", 12, 15,
		   16, true });
	c.truncate = -1;

	/* Version 2 and a longer Marker TLV laid out that way: tolerated. */
	memcpy(buf, golden_marker, LACP_PDU_LEN);
	buf[1] = 2;
	buf[3] = 20;
	CHECK_INT(DECODE(buf, LACP_PDU_LEN, &d), LACP_CLASS_MARKER);
	DEVS(&d, { LACP_DEV_TLV_LENGTH, "marker_length", 3, 20, 16, false });
	CHECK_INT(d.marker.transaction, 0xdeadbeef);
}

/* Decodes every prefix 0..200 of SRC (zeros after its end) from a buffer
 * of exactly that length: sane, agreeing decoders, illegal below 110. */
static void sweep(const uint8_t *src, size_t src_len, const char *what)
{
	uint8_t full[200] = { 0 };
	struct lacp_decoded d;

	memcpy(full, src, src_len < sizeof(full) ? src_len : sizeof(full));
	for (size_t len = 0; len <= sizeof(full); len++) {
		enum lacp_class cls = DECODE(full, len, &d);

		/* Below 110 octets, LACP and Marker PDUs are illegal. */
		if (len < LACP_PDU_LEN && cls != LACP_CLASS_ILLEGAL) {
			check_failed++;
			fprintf(stderr, "%s: %s cut to %zu is %s\n", __FILE__,
				what, len, lacp_class_name[cls]);
		}
		if (len)
			CHECK_INT(d.subtype, src[0]);
	}
}

static void test_truncation_sweep(void)
{
	static const uint8_t alg[4] = { 1, 2, 3, 4 };
	const struct lacp_craft_tlv extra[] = {
		{ LACP_TLV_PORT_ALGORITHM, 6, alg, 4 },
		{ 0x77, 250, alg, 4 },
	};
	uint8_t buf[600];
	struct lacp_decoded d;
	struct lacp_craft c;
	struct lacp_marker_craft mc;
	size_t len;

	sweep(golden_lacpdu, sizeof(golden_lacpdu), "golden LACPDU");
	sweep(golden_marker, sizeof(golden_marker), "golden marker");

	/* The valid PDUs: illegal when short, valid at 110, oversized after. */
	for (size_t n = LACP_PDU_LEN; n <= 200; n++) {
		uint8_t big[200] = { 0 };

		memcpy(big, golden_lacpdu, LACP_PDU_LEN);
		CHECK_INT(DECODE(big, n, &d), LACP_CLASS_LACPDU);
		CHECK_INT(d.n_dev, n > LACP_PDU_LEN);
		memcpy(big, golden_marker, LACP_PDU_LEN);
		CHECK_INT(DECODE(big, n, &d), LACP_CLASS_MARKER);
		CHECK_INT(d.n_dev, n > LACP_PDU_LEN);
	}

	lacp_craft_init(&c);
	c.pdu = golden_fields;
	c.reserved_fill = 0xff;
	len = craft(&c, buf, sizeof(buf));
	sweep(buf, len, "reserved-filled LACPDU");

	c.reserved_fill = 0;
	c.pdu.version = 2;
	c.extra = extra;
	c.n_extra = 2;
	len = craft(&c, buf, sizeof(buf));
	sweep(buf, len, "LACPDU with a lying TLV");

	c.pdu.version = 1;
	c.actor_length = 0;
	c.partner_type = 0xff;
	len = craft(&c, buf, sizeof(buf));
	sweep(buf, len, "broken LACPDU");

	/* Truncation by the crafter gives the same octets as a cut. */
	lacp_craft_init(&c);
	c.pdu = golden_fields;
	for (long t = 0; t <= 120; t++) {
		c.truncate = t;
		len = craft(&c, buf, sizeof(buf));
		CHECK_INT(len, t < LACP_PDU_LEN ? t : LACP_PDU_LEN);
		CHECK_MEM(buf, golden_lacpdu, len);
	}
	c.truncate = 60;
	c.pad = 50;
	len = craft(&c, buf, sizeof(buf));
	CHECK_INT(len, 110);
	CHECK_MEM(buf, golden_lacpdu, 110); /* zero padding */

	lacp_marker_craft_init(&mc);
	mc.m = golden_marker_fields;
	mc.tlv_type = 9;
	mc.reserved_fill = 1;
	len = craft_marker(&mc, buf, sizeof(buf));
	sweep(buf, len, "broken marker");
}

/* Random mutations of valid and crafted PDUs (a fixed seed, so that any
 * failure repeats): every one decodes sanely, both decoders agreeing. */
static void test_mutations(void)
{
	static const uint8_t alg[4] = { 0, 0x80, 0xc2, 1 };
	const struct lacp_craft_tlv extra[] = {
		{ LACP_TLV_PORT_ALGORITHM, 6, alg, 4 },
		{ LACP_TLV_PORT_CONV_SERVICE_MAPPING, 18, NULL, 16 },
	};
	uint8_t bases[3][LACP_PDU_LEN], buf[200];
	struct lacp_decoded d;
	struct lacp_craft c;
	uint32_t x = 12345;
	unsigned counts[LACP_CLASS_COUNT] = { 0 };

	memcpy(bases[0], golden_lacpdu, LACP_PDU_LEN);
	memcpy(bases[1], golden_marker, LACP_PDU_LEN);
	lacp_craft_init(&c);
	c.pdu = golden_fields;
	c.pdu.version = 2;
	c.extra = extra;
	c.n_extra = 2;
	CHECK_INT(craft(&c, bases[2], LACP_PDU_LEN), LACP_PDU_LEN);

	for (unsigned i = 0; i < 30000; i++) {
		size_t len;
		unsigned flips;

		x = x * 1103515245 + 12345;
		memset(buf, (x >> 8) & 1 ? 0 : (x >> 16) & 0xff, sizeof(buf));
		memcpy(buf, bases[i % 3], LACP_PDU_LEN);
		flips = 1 + (x >> 24) % 4;
		for (unsigned f = 0; f < flips; f++) {
			x = x * 1103515245 + 12345;
			/* Mostly the headers and lengths, where it matters. */
			buf[(x >> 8) % ((x >> 20) & 1 ? 64 : sizeof(buf))] =
				(uint8_t)(x >> 16);
		}
		x = x * 1103515245 + 12345;
		len = (x >> 16) & 1 ? LACP_PDU_LEN : (x >> 8) % (sizeof(buf) + 1);
		counts[DECODE(buf, len, &d)]++;
	}
	/* The mutations reach every class. */
	for (unsigned k = 0; k < LACP_CLASS_COUNT; k++)
		CHECK(counts[k] > 0);
}

static void test_craft_cap(void)
{
	uint8_t buf[64];
	struct lacp_craft c;
	struct lacp_marker_craft mc;

	lacp_craft_init(&c);
	c.pdu = golden_fields;
	memset(buf, 0x77, sizeof(buf));
	CHECK_INT(lacp_craft_encode(&c, buf, 40), LACP_PDU_LEN);
	CHECK_MEM(buf, golden_lacpdu, 40);
	CHECK_INT(buf[40], 0x77);
	c.pad = 5;
	CHECK_INT(lacp_craft_encode(&c, buf, 0), LACP_PDU_LEN + 5);
	CHECK_INT(buf[0], 0x01);

	lacp_marker_craft_init(&mc);
	memset(buf, 0x77, sizeof(buf));
	CHECK_INT(lacp_marker_craft_encode(&mc, buf, 10), LACP_PDU_LEN);
	CHECK_INT(buf[10], 0x77);
	CHECK_INT(buf[0], 0x02);
	CHECK_INT(buf[2], 0x01);
}

static void test_eth(void)
{
	static const uint8_t src[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
	uint8_t frame[22 + LACP_PDU_LEN + 4];
	struct lacp_eth tags = { 0 }, e;
	struct lacp_decoded d;
	size_t hlen;

	/* No tag: exactly the golden header. */
	hlen = lacp_eth_encode(lacp_slow_multicast, src, NULL, frame);
	CHECK_INT(hlen, LACP_ETH_HLEN);
	CHECK_MEM(frame, golden_eth, LACP_ETH_HLEN);
	hlen = lacp_eth_encode(lacp_slow_multicast, src, &tags, frame);
	CHECK_INT(hlen, LACP_ETH_HLEN);
	memcpy(frame + hlen, golden_lacpdu, LACP_PDU_LEN);
	CHECK_INT(lacp_eth_decode(frame, hlen + LACP_PDU_LEN, &e), 14);
	CHECK_MEM(e.dst, lacp_slow_multicast, 6);
	CHECK_MEM(e.src, src, 6);
	CHECK_INT(e.n_vlans, 0);
	CHECK_INT(e.ethertype, LACP_ETHERTYPE_SLOW);
	CHECK_INT(DECODE(frame + 14, LACP_PDU_LEN, &d), LACP_CLASS_LACPDU);

	/* One tag. */
	tags.n_vlans = 1;
	tags.vlan_tpid[0] = LACP_ETHERTYPE_VLAN;
	tags.vlan_tci[0] = 0xe00a; /* PCP 7, VID 10 */
	hlen = lacp_eth_encode(lacp_slow_multicast, src, &tags, frame);
	CHECK_INT(hlen, 18);
	CHECK_INT(frame[12], 0x81);
	CHECK_INT(frame[13], 0x00);
	CHECK_INT(frame[14], 0xe0);
	CHECK_INT(frame[15], 0x0a);
	CHECK_INT(frame[16], 0x88);
	CHECK_INT(frame[17], 0x09);
	memcpy(frame + hlen, golden_lacpdu, LACP_PDU_LEN);
	CHECK_INT(lacp_eth_decode(frame, hlen + LACP_PDU_LEN, &e), 18);
	CHECK_INT(e.n_vlans, 1);
	CHECK_INT(e.vlan_tpid[0], LACP_ETHERTYPE_VLAN);
	CHECK_INT(e.vlan_tci[0], 0xe00a);
	CHECK_INT(e.ethertype, LACP_ETHERTYPE_SLOW);

	/* Two tags, 802.1ad outer and 802.1Q inner. */
	tags.n_vlans = 2;
	tags.vlan_tpid[0] = LACP_ETHERTYPE_QINQ;
	tags.vlan_tci[0] = 100;
	tags.vlan_tpid[1] = LACP_ETHERTYPE_VLAN;
	tags.vlan_tci[1] = 4095;
	hlen = lacp_eth_encode(lacp_slow_multicast, src, &tags, frame);
	CHECK_INT(hlen, 22);
	memcpy(frame + hlen, golden_lacpdu, LACP_PDU_LEN);
	CHECK_INT(lacp_eth_decode(frame, hlen + LACP_PDU_LEN, &e), 22);
	CHECK_INT(e.n_vlans, 2);
	CHECK_INT(e.vlan_tpid[0], LACP_ETHERTYPE_QINQ);
	CHECK_INT(e.vlan_tci[0], 100);
	CHECK_INT(e.vlan_tpid[1], LACP_ETHERTYPE_VLAN);
	CHECK_INT(e.vlan_tci[1], 4095);
	CHECK_INT(e.ethertype, LACP_ETHERTYPE_SLOW);
	CHECK_INT(DECODE(frame + 22, LACP_PDU_LEN, &d), LACP_CLASS_LACPDU);

	/* Every cut of the two-tag frame, from an exact buffer. */
	for (size_t n = 0; n <= 30; n++) {
		uint8_t *b = malloc(n ? n : 1);

		memcpy(b, frame, n);
		CHECK_INT(lacp_eth_decode(b, n, &e), n < 22 ? -1 : 22);
		free(b);
	}

	/* Three tags are more than a Slow Protocols frame may carry here. */
	memmove(frame + 16, frame + 12, 10 + LACP_PDU_LEN);
	frame[12] = 0x81;
	frame[13] = 0x00;
	frame[14] = 0x00;
	frame[15] = 0x05;
	CHECK_INT(lacp_eth_decode(frame, 26 + LACP_PDU_LEN, &e), -1);

	/* Another ethertype is reported, not rejected. */
	memcpy(frame, golden_eth, 12);
	frame[12] = 0x08;
	frame[13] = 0x00;
	CHECK_INT(lacp_eth_decode(frame, 60, &e), 14);
	CHECK_INT(e.ethertype, 0x0800);
	CHECK_INT(lacp_eth_decode(frame, 13, &e), -1);
}

int main(void)
{
	test_names();
	test_golden();
	test_roundtrip();
	test_subtypes();
	test_malformed_lacpdu();
	test_longer_tlvs();
	test_truncated_lacpdu();
	test_extra_tlvs();
	test_malformed_marker();
	test_truncation_sweep();
	test_mutations();
	test_craft_cap();
	test_eth();
	return CHECK_DONE();
}
