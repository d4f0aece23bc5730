/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The wire format of the Slow Protocols PDUs this tester speaks: LACPDUs
 * (802.1AX-2014 6.4.2), Marker Information and Marker Response PDUs
 * (802.1AX-2014 6.5.3), and their Ethernet framing with up to two 802.1Q
 * tags. Decoding never trusts its input and reports every deviation from the
 * standard's layout; encoding can build any PDU, including wrong ones on
 * purpose. No allocation, no I/O.
 */
#ifndef LACP_LACPDU_H
#define LACP_LACPDU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LACP_ETHERTYPE_SLOW 0x8809
#define LACP_ETHERTYPE_VLAN 0x8100
#define LACP_ETHERTYPE_QINQ 0x88a8
#define LACP_ETH_HLEN 14
#define LACP_VLAN_HLEN 4
#define LACP_MAX_VLANS 2

/* Slow Protocols subtypes (802.3 Annex 43B). 0 and 11..255 are illegal. */
#define LACP_SUBTYPE_LACP 1
#define LACP_SUBTYPE_MARKER 2
#define LACP_SUBTYPE_MAX_KNOWN 10

/* Sizes from the subtype octet on (the PDU), and of the whole frame
 * without FCS. Both LACPDU v1 and Marker PDUs are 110 octets. */
#define LACP_PDU_LEN 110
#define LACP_FRAME_LEN (LACP_ETH_HLEN + LACP_PDU_LEN)
/* Largest Slow Protocols frame without FCS (802.3 43B.2: 128 with FCS). */
#define LACP_SLOW_MAX_FRAME 124

/* TLV types and lengths of LACPDU version 1 (802.1AX-2014 6.4.2.3). */
#define LACP_TLV_TERMINATOR 0
#define LACP_TLV_ACTOR 1
#define LACP_TLV_PARTNER 2
#define LACP_TLV_COLLECTOR 3
#define LACP_TLV_INFO_LEN 20
#define LACP_TLV_COLLECTOR_LEN 16
/* Marker PDU TLVs (802.1AX-2014 6.5.3.3). */
#define LACP_TLV_MARKER_INFO 1
#define LACP_TLV_MARKER_RESPONSE 2
#define LACP_TLV_MARKER_LEN 16

/* Version 2 TLVs (802.1AX-2014 6.4.2.4), carried after the Collector TLV,
 * and their lengths (type and length octets included). */
#define LACP_TLV_PORT_ALGORITHM 4
#define LACP_TLV_PORT_CONV_ID_DIGEST 5
#define LACP_TLV_PORT_CONV_MASK_1 6
#define LACP_TLV_PORT_CONV_MASK_2 7
#define LACP_TLV_PORT_CONV_MASK_3 8
#define LACP_TLV_PORT_CONV_MASK_4 9
#define LACP_TLV_PORT_CONV_SERVICE_MAPPING 10
#define LACP_TLV_PORT_ALGORITHM_LEN 6
#define LACP_TLV_PORT_CONV_ID_DIGEST_LEN 20
#define LACP_TLV_PORT_CONV_MASK_1_LEN 131
#define LACP_TLV_PORT_CONV_MASK_LEN 130 /* masks 2 to 4 */
#define LACP_TLV_PORT_CONV_SERVICE_MAPPING_LEN 18

/* Offsets from the subtype octet of the version 1 layouts. */
#define LACP_OFF_ACTOR 2
#define LACP_OFF_PARTNER 22
#define LACP_OFF_COLLECTOR 42
#define LACP_OFF_TERMINATOR 58
#define LACP_OFF_MARKER_TLV 2
#define LACP_OFF_MARKER_TERMINATOR 18

/* Longest PDU of version 2 or later before it counts as oversized: version
 * 2 Long LACPDUs (802.1AX-2014 6.4.2.4) may exceed the Slow Protocols
 * size, so only the untagged Ethernet payload limit applies to them. */
#define LACP_PDU_MAX_LONG 1500

extern const uint8_t lacp_slow_multicast[6]; /* 01:80:c2:00:00:02 */

/* The fields of one Actor or Partner Information TLV. */
struct lacp_info {
	uint16_t system_priority;
	uint8_t system[6];
	uint16_t key;
	uint16_t port_priority;
	uint16_t port;
	uint8_t state;
};

/* The meaningful content of a LACPDU. */
struct lacp_lacpdu {
	uint8_t version;
	struct lacp_info actor;
	struct lacp_info partner;
	uint16_t collector_max_delay;
};

/* A Marker Information (response = false) or Marker Response PDU. */
struct lacp_marker {
	uint8_t version;
	bool response;
	uint16_t port;
	uint8_t system[6];
	uint32_t transaction;
};

/* How the 802.1AX counters classify a received Slow Protocols frame. */
enum lacp_class {
	LACP_CLASS_LACPDU,  /* valid LACPDU: LACPDUsRx */
	LACP_CLASS_MARKER,  /* valid Marker or Marker Response: MarkerPDUsRx... */
	LACP_CLASS_UNKNOWN, /* legal subtype this entity does not speak: UnknownRx */
	LACP_CLASS_ILLEGAL, /* bad subtype or badly formed PDU: IllegalRx */
	LACP_CLASS_COUNT
};
extern const char *const lacp_class_name[LACP_CLASS_COUNT];

/* Kinds of deviation from the standard's layout. */
enum lacp_dev_kind {
	LACP_DEV_SUBTYPE,     /* illegal subtype value */
	LACP_DEV_VERSION,     /* version 0 */
	LACP_DEV_TLV_TYPE,    /* a TLV type where another was required */
	LACP_DEV_TLV_LENGTH,  /* a TLV length other than the required one */
	LACP_DEV_TRUNCATED,   /* the PDU ends before a required field */
	LACP_DEV_OVERSIZED,   /* longer than a Slow Protocols frame may be */
	LACP_DEV_RESERVED,    /* a reserved or pad octet is not zero */
	LACP_DEV_TERMINATOR,  /* no terminator TLV where it belongs */
	LACP_DEV_COUNT
};
extern const char *const lacp_dev_name[LACP_DEV_COUNT];

/* One deviation: what, which field, where (offset from the subtype octet),
 * the value found and the value expected (both 0 where meaningless). */
struct lacp_deviation {
	enum lacp_dev_kind kind;
	const char *field; /* e.g. "actor_length", "collector_reserved" */
	uint16_t offset;
	uint32_t found;
	uint32_t expected;
	bool fatal; /* this deviation made the frame illegal */
};

/* A TLV beyond the version 1 set (v2 types 4..10, unknown types), found
 * between the collector TLV and the terminator. VALUE points into the
 * decoded buffer; VALUE_LEN is what the buffer really holds of it. */
struct lacp_tlv {
	uint8_t type;
	uint8_t length; /* the length field as received */
	uint16_t offset;
	const uint8_t *value;
	uint16_t value_len;
};

#define LACP_MAX_DEVIATIONS 16
#define LACP_MAX_TLVS 16

/* Everything the decoder found in one PDU. */
struct lacp_decoded {
	enum lacp_class cls;
	uint8_t subtype;
	size_t length; /* octets from the subtype on */
	struct lacp_lacpdu lacpdu; /* valid fields when subtype is LACP */
	struct lacp_marker marker; /* valid fields when subtype is Marker */
	unsigned n_tlvs;
	struct lacp_tlv tlvs[LACP_MAX_TLVS];
	unsigned n_dev;
	struct lacp_deviation dev[LACP_MAX_DEVIATIONS];
	bool dev_overflow; /* more deviations than fit in dev[] */
	bool tlv_overflow; /* more extra TLVs than fit in tlvs[] */
};

/* The Ethernet envelope of a received or sent frame. */
struct lacp_eth {
	uint8_t dst[6];
	uint8_t src[6];
	unsigned n_vlans;
	uint16_t vlan_tpid[LACP_MAX_VLANS];
	uint16_t vlan_tci[LACP_MAX_VLANS];
	uint16_t ethertype;
};

/*
 * Decodes LEN octets at PDU (from the subtype octet on) into *OUT.
 * Never reads outside [PDU, PDU+LEN). Always fills *OUT; returns OUT->cls.
 */
enum lacp_class lacp_pdu_decode(const uint8_t *pdu, size_t len,
				struct lacp_decoded *out);

/*
 * Fast check-and-extract for the receive path: returns true and fills *OUT
 * when PDU is a valid LACPDU, without collecting deviations.
 */
bool lacp_lacpdu_decode_fast(const uint8_t *pdu, size_t len,
			     struct lacp_lacpdu *out);

/*
 * Reads the actor, partner and collector fields of PDU at the fixed offsets
 * of version 1 without checking anything else (subtype, version, TLV types
 * and lengths): what a careless receiver does. False when LEN is too short
 * to hold the actor and partner TLVs.
 */
bool lacp_lacpdu_decode_raw(const uint8_t *pdu, size_t len, struct lacp_lacpdu *out);

/*
 * Parses the Ethernet header and up to two VLAN tags of FRAME. Returns the
 * offset of the payload after the ethertype, or -1 when the frame is too
 * short or carries more tags than LACP_MAX_VLANS.
 */
int lacp_eth_decode(const uint8_t *frame, size_t len, struct lacp_eth *out);

/*
 * Writes a standard 110-octet LACPDU for *PDU into BUF (LACP_PDU_LEN octets).
 */
void lacp_lacpdu_encode(const struct lacp_lacpdu *pdu, uint8_t *buf);

/* Writes a standard 110-octet Marker PDU into BUF. */
void lacp_marker_encode(const struct lacp_marker *m, uint8_t *buf);

/* An extra TLV to insert when crafting: TYPE, LENGTH field as written, and
 * VALUE_LEN value octets (which need not agree with LENGTH). */
struct lacp_craft_tlv {
	uint8_t type;
	uint8_t length;
	const uint8_t *value;
	size_t value_len;
};

/*
 * A LACPDU described field by field, with every way of getting it wrong on
 * purpose. lacp_craft_init() fills it with a correct version 1 LACPDU; the
 * caller then changes what it wants. An override of -1 keeps the standard
 * value. TLV lengths are written as given but do not move the layout.
 */
struct lacp_craft {
	uint8_t subtype;
	struct lacp_lacpdu pdu;
	int actor_type, actor_length;
	int partner_type, partner_length;
	int collector_type, collector_length;
	int terminator_type, terminator_length;
	uint8_t reserved_fill; /* written into every reserved octet */
	const struct lacp_craft_tlv *extra; /* inserted before the terminator */
	size_t n_extra;
	long truncate; /* >= 0: cut the PDU to this many octets */
	size_t pad;    /* extra zero octets appended at the end */
};

void lacp_craft_init(struct lacp_craft *c);

/*
 * Encodes *C into BUF of CAP octets. Returns the PDU length; when that
 * exceeds CAP nothing beyond CAP is written and the caller may retry.
 */
size_t lacp_craft_encode(const struct lacp_craft *c, uint8_t *buf, size_t cap);

/*
 * A Marker Information or Marker Response PDU described field by field,
 * the same way as struct lacp_craft: lacp_marker_craft_init() fills in a
 * correct Marker Information PDU, an override of -1 keeps the standard
 * value (the TLV type then follows m.response), RESERVED_FILL goes into the
 * pad and the reserved octets, EXTRA TLVs go before the terminator.
 */
struct lacp_marker_craft {
	uint8_t subtype;
	struct lacp_marker m;
	int tlv_type, tlv_length;
	int terminator_type, terminator_length;
	uint8_t reserved_fill;
	const struct lacp_craft_tlv *extra;
	size_t n_extra;
	long truncate;
	size_t pad;
};

void lacp_marker_craft_init(struct lacp_marker_craft *c);

/* Encodes *C into BUF of CAP octets, as lacp_craft_encode() does. */
size_t lacp_marker_craft_encode(const struct lacp_marker_craft *c, uint8_t *buf,
				size_t cap);

/*
 * Writes the Ethernet header (DST, SRC, the VLAN tags of ETH if any, the
 * Slow Protocols ethertype) into BUF and returns its length (14, 18 or 22).
 * BUF must hold 22 octets. TAGS may be NULL (no tag); its dst, src and
 * ethertype are ignored.
 */
size_t lacp_eth_encode(const uint8_t dst[6], const uint8_t src[6],
		       const struct lacp_eth *tags, uint8_t *buf);

#endif
