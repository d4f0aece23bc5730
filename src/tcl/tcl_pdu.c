/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * lacp::pdu build|parse|marker and lacp::state format|parse: the codec and
 * the state strings, as Tcl commands. PDUs are bytearrays from the subtype
 * octet on; parse results are dicts with the keys of `port status`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lacpdu.h"
#include "state.h"
#include "tcl_lacp.h"

#define MAX_CRAFT_TLVS LACP_TCL_MAX_CRAFT_TLVS
#define MAX_PDU LACP_TCL_MAX_PDU

/* Fills *INFO from a dict with the keys of `status` actor/partner; keys not
 * given keep their value. OPTION names the dict in errors. */
static int get_info(Tcl_Interp *interp, Tcl_Obj *dict, const char *option,
		    struct lacp_info *info)
{
	static const char *const keys[] = {"system", "system_priority", "key",
		"port", "port_priority", "state", NULL};
	enum { K_SYSTEM, K_SYSPRIO, K_KEY, K_PORT, K_PORTPRIO, K_STATE };
	Tcl_DictSearch search;
	Tcl_Obj *k, *v;
	int done, idx, rc = TCL_OK;
	long n;

	if (Tcl_DictObjFirst(interp, dict, &search, &k, &v, &done) != TCL_OK) {
		Tcl_SetErrorCode(interp, "LACP", "VALUE", "DICT", NULL);
		return TCL_ERROR;
	}
	for (; !done && rc == TCL_OK; Tcl_DictObjNext(&search, &k, &v, &done)) {
		rc = lacp_tcl_get_index(interp, k, keys, "key", &idx);
		if (rc != TCL_OK)
			break;
		switch (idx) {
		case K_SYSTEM:
			rc = lacp_tcl_get_mac(interp, v, option, info->system);
			break;
		case K_STATE:
			rc = lacp_tcl_get_state(interp, v, &info->state);
			break;
		default:
			rc = lacp_tcl_get_int_range(interp, v, keys[idx], 0, 65535, &n);
			if (rc != TCL_OK)
				break;
			if (idx == K_SYSPRIO)
				info->system_priority = (uint16_t)n;
			else if (idx == K_KEY)
				info->key = (uint16_t)n;
			else if (idx == K_PORT)
				info->port = (uint16_t)n;
			else
				info->port_priority = (uint16_t)n;
		}
	}
	Tcl_DictObjDone(&search);
	return rc;
}

/* The dict form of one Actor or Partner Information TLV. */
Tcl_Obj *lacp_tcl_info_obj(const struct lacp_info *info)
{
	Tcl_Obj *d = Tcl_NewDictObj();

	Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("system", -1), lacp_tcl_mac_obj(info->system));
	Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("system_priority", -1), Tcl_NewIntObj(info->system_priority));
	Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("key", -1), Tcl_NewIntObj(info->key));
	Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("port", -1), Tcl_NewIntObj(info->port));
	Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("port_priority", -1), Tcl_NewIntObj(info->port_priority));
	Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("state", -1), lacp_tcl_state_obj(info->state));
	return d;
}

/* Reads the -tlvs list: each element a dict {type T ?length L? value HEX}.
 * Value octets go into POOL (POOL_CAP octets). */
static int get_tlvs(Tcl_Interp *interp, Tcl_Obj *list, struct lacp_craft_tlv *tlvs,
		    size_t *n_tlvs, uint8_t *pool, size_t pool_cap)
{
	Tcl_Size n, i;
	Tcl_Obj **elems;
	size_t used = 0;

	if (Tcl_ListObjGetElements(interp, list, &n, &elems) != TCL_OK) {
		Tcl_SetErrorCode(interp, "LACP", "VALUE", "LIST", NULL);
		return TCL_ERROR;
	}
	if (n > MAX_CRAFT_TLVS)
		return lacp_tcl_error(interp, "LACP VALUE RANGE",
				      "-tlvs holds %d TLVs, at most %d are allowed",
				      (int)n, MAX_CRAFT_TLVS);
	for (i = 0; i < n; i++) {
		Tcl_Obj *type = NULL, *length = NULL, *value = NULL;
		long t, l;
		size_t vlen = 0;

		if (Tcl_DictObjGet(interp, elems[i], Tcl_NewStringObj("type", -1), &type) != TCL_OK ||
		    Tcl_DictObjGet(interp, elems[i], Tcl_NewStringObj("length", -1), &length) != TCL_OK ||
		    Tcl_DictObjGet(interp, elems[i], Tcl_NewStringObj("value", -1), &value) != TCL_OK) {
			Tcl_SetErrorCode(interp, "LACP", "VALUE", "DICT", NULL);
			return TCL_ERROR;
		}
		if (type == NULL)
			return lacp_tcl_error(interp, "LACP VALUE TLV",
					      "TLV %d of -tlvs has no type", (int)i);
		if (lacp_tcl_get_int_range(interp, type, "TLV type", 0, 255, &t) != TCL_OK)
			return TCL_ERROR;
		if (value != NULL && lacp_tcl_get_hex(interp, value, "TLV value",
				pool + used, pool_cap - used, &vlen) != TCL_OK)
			return TCL_ERROR;
		if (length == NULL)
			l = (long)(vlen + 2 > 255 ? 255 : vlen + 2);
		else if (lacp_tcl_get_int_range(interp, length, "TLV length", 0, 255, &l) != TCL_OK)
			return TCL_ERROR;
		tlvs[i].type = (uint8_t)t;
		tlvs[i].length = (uint8_t)l;
		tlvs[i].value = pool + used;
		tlvs[i].value_len = vlen;
		used += vlen;
	}
	*n_tlvs = (size_t)n;
	return TCL_OK;
}

/*
 * Reads the options of `lacp::pdu build` (also those of `NAME send`) from
 * objv[FIRST..] into *C.
 */
int lacp_tcl_craft_options(Tcl_Interp *interp, int first, int objc, Tcl_Obj *const objv[],
			   struct lacp_craft *c, struct lacp_craft_tlv *tlvs,
			   uint8_t *pool, size_t pool_cap)
{
	static const char *const opts[] = {"-subtype", "-version", "-actor",
		"-partner", "-collector-max-delay", "-actor-type", "-actor-length",
		"-partner-type", "-partner-length", "-collector-type",
		"-collector-length", "-terminator-type", "-terminator-length",
		"-reserved", "-truncate", "-pad", "-tlvs", NULL};
	enum { O_SUBTYPE, O_VERSION, O_ACTOR, O_PARTNER, O_DELAY, O_ATYPE,
		O_ALEN, O_PTYPE, O_PLEN, O_CTYPE, O_CLEN, O_TTYPE, O_TLEN,
		O_RESERVED, O_TRUNCATE, O_PAD, O_TLVS };
	long v;
	int i, idx;

	for (i = first; i < objc; i += 2) {
		if (lacp_tcl_get_index(interp, objv[i], opts, "option", &idx) != TCL_OK ||
		    lacp_tcl_need_value(interp, i, objc, objv) != TCL_OK)
			return TCL_ERROR;
		switch (idx) {
		case O_ACTOR:
			if (get_info(interp, objv[i + 1], "-actor", &c->pdu.actor) != TCL_OK)
				return TCL_ERROR;
			continue;
		case O_PARTNER:
			if (get_info(interp, objv[i + 1], "-partner", &c->pdu.partner) != TCL_OK)
				return TCL_ERROR;
			continue;
		case O_TLVS:
			if (get_tlvs(interp, objv[i + 1], tlvs, &c->n_extra, pool, pool_cap) != TCL_OK)
				return TCL_ERROR;
			c->extra = tlvs;
			continue;
		case O_DELAY:
		case O_TRUNCATE:
			if (lacp_tcl_get_int_range(interp, objv[i + 1], opts[idx], 0, 65535, &v) != TCL_OK)
				return TCL_ERROR;
			break;
		case O_PAD:
			if (lacp_tcl_get_int_range(interp, objv[i + 1], opts[idx], 0, 1500, &v) != TCL_OK)
				return TCL_ERROR;
			break;
		default:
			if (lacp_tcl_get_int_range(interp, objv[i + 1], opts[idx], 0, 255, &v) != TCL_OK)
				return TCL_ERROR;
		}
		switch (idx) {
		case O_SUBTYPE: c->subtype = (uint8_t)v; break;
		case O_VERSION: c->pdu.version = (uint8_t)v; break;
		case O_DELAY: c->pdu.collector_max_delay = (uint16_t)v; break;
		case O_ATYPE: c->actor_type = (int)v; break;
		case O_ALEN: c->actor_length = (int)v; break;
		case O_PTYPE: c->partner_type = (int)v; break;
		case O_PLEN: c->partner_length = (int)v; break;
		case O_CTYPE: c->collector_type = (int)v; break;
		case O_CLEN: c->collector_length = (int)v; break;
		case O_TTYPE: c->terminator_type = (int)v; break;
		case O_TLEN: c->terminator_length = (int)v; break;
		case O_RESERVED: c->reserved_fill = (uint8_t)v; break;
		case O_TRUNCATE: c->truncate = v; break;
		case O_PAD: c->pad = (size_t)v; break;
		}
	}
	return TCL_OK;
}

/* lacp::pdu build ?-option value ...? */
static int pdu_build_cmd(ClientData cd, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
	struct lacp_craft c;
	struct lacp_craft_tlv tlvs[MAX_CRAFT_TLVS];
	uint8_t *pool, *buf = NULL;
	size_t len;
	int rc = TCL_ERROR;

	(void)cd;
	lacp_craft_init(&c);
	pool = ckalloc(MAX_PDU);
	if (lacp_tcl_craft_options(interp, 1, objc, objv, &c, tlvs, pool, MAX_PDU) != TCL_OK)
		goto out;
	len = lacp_craft_encode(&c, NULL, 0);
	buf = ckalloc(len ? len : 1);
	lacp_craft_encode(&c, buf, len);
	Tcl_SetObjResult(interp, Tcl_NewByteArrayObj(buf, (Tcl_Size)len));
	rc = TCL_OK;
out:
	if (buf != NULL)
		ckfree(buf);
	ckfree(pool);
	return rc;
}

/* Human text for one deviation, e.g. "actor_length: found 18, expected 20". */
static Tcl_Obj *deviation_message(const struct lacp_deviation *d)
{
	switch (d->kind) {
	case LACP_DEV_TRUNCATED:
		return Tcl_ObjPrintf("%s: truncated, %u of %u octets", d->field,
				     (unsigned)d->found, (unsigned)d->expected);
	case LACP_DEV_OVERSIZED:
		return Tcl_ObjPrintf("%s: oversized, %u octets, at most %u", d->field,
				     (unsigned)d->found, (unsigned)d->expected);
	case LACP_DEV_TERMINATOR:
		return Tcl_ObjPrintf("%s: no terminator TLV at offset %u", d->field,
				     (unsigned)d->offset);
	default:
		return Tcl_ObjPrintf("%s: found %u, expected %u", d->field,
				     (unsigned)d->found, (unsigned)d->expected);
	}
}

static void put(Tcl_Obj *d, const char *key, Tcl_Obj *value)
{
	Tcl_DictObjPut(NULL, d, Tcl_NewStringObj(key, -1), value);
}

/* The parse dict of a decoded PDU. */
Tcl_Obj *lacp_tcl_decoded_obj(const struct lacp_decoded *dec)
{
	Tcl_Obj *d = Tcl_NewDictObj(), *list;
	unsigned i;

	put(d, "class", Tcl_NewStringObj(lacp_class_name[dec->cls], -1));
	put(d, "subtype", Tcl_NewIntObj(dec->subtype));
	put(d, "length", Tcl_NewWideIntObj((Tcl_WideInt)dec->length));
	if (dec->subtype == LACP_SUBTYPE_LACP) {
		put(d, "version", Tcl_NewIntObj(dec->lacpdu.version));
		put(d, "actor", lacp_tcl_info_obj(&dec->lacpdu.actor));
		put(d, "partner", lacp_tcl_info_obj(&dec->lacpdu.partner));
		put(d, "collector_max_delay", Tcl_NewIntObj(dec->lacpdu.collector_max_delay));
		list = Tcl_NewListObj(0, NULL);
		for (i = 0; i < dec->n_tlvs; i++) {
			Tcl_Obj *t = Tcl_NewDictObj();

			put(t, "type", Tcl_NewIntObj(dec->tlvs[i].type));
			put(t, "length", Tcl_NewIntObj(dec->tlvs[i].length));
			put(t, "offset", Tcl_NewIntObj(dec->tlvs[i].offset));
			put(t, "value", lacp_tcl_hex_obj(dec->tlvs[i].value, dec->tlvs[i].value_len));
			Tcl_ListObjAppendElement(NULL, list, t);
		}
		put(d, "tlvs", list);
	} else if (dec->subtype == LACP_SUBTYPE_MARKER) {
		put(d, "version", Tcl_NewIntObj(dec->marker.version));
		put(d, "type", Tcl_NewStringObj(dec->marker.response ? "response" : "info", -1));
		put(d, "port", Tcl_NewIntObj(dec->marker.port));
		put(d, "system", lacp_tcl_mac_obj(dec->marker.system));
		put(d, "transaction", Tcl_NewWideIntObj(dec->marker.transaction));
	}
	list = Tcl_NewListObj(0, NULL);
	for (i = 0; i < dec->n_dev; i++) {
		const struct lacp_deviation *dv = &dec->dev[i];
		Tcl_Obj *e = Tcl_NewDictObj();

		put(e, "kind", Tcl_NewStringObj(lacp_dev_name[dv->kind], -1));
		put(e, "field", Tcl_NewStringObj(dv->field, -1));
		put(e, "offset", Tcl_NewIntObj(dv->offset));
		put(e, "found", Tcl_NewWideIntObj(dv->found));
		put(e, "expected", Tcl_NewWideIntObj(dv->expected));
		put(e, "fatal", Tcl_NewBooleanObj(dv->fatal));
		put(e, "message", deviation_message(dv));
		Tcl_ListObjAppendElement(NULL, list, e);
	}
	put(d, "errors", list);
	return d;
}

/* The Ethernet part of a parsed frame: dst src vlans. */
static void put_eth(Tcl_Obj *d, const struct lacp_eth *eth)
{
	Tcl_Obj *vlans = Tcl_NewListObj(0, NULL);
	unsigned i;

	put(d, "dst", lacp_tcl_mac_obj(eth->dst));
	put(d, "src", lacp_tcl_mac_obj(eth->src));
	for (i = 0; i < eth->n_vlans; i++)
		Tcl_ListObjAppendElement(NULL, vlans, Tcl_NewIntObj(eth->vlan_tci[i] & 0xfff));
	put(d, "vlans", vlans);
	put(d, "ethertype", Tcl_ObjPrintf("0x%04x", eth->ethertype));
}

/* lacp::pdu parse BYTES ?-strict? ?-frame? */
static int pdu_parse_cmd(ClientData cd, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
	static const char *const opts[] = {"-strict", "-frame", NULL};
	struct lacp_decoded *dec;
	struct lacp_eth eth;
	const unsigned char *bytes;
	Tcl_Size len;
	int i, idx, strict = 0, frame = 0, off = 0, rc = TCL_ERROR;
	Tcl_Obj *result;

	(void)cd;
	if (objc < 2)
		return lacp_tcl_wrong_args(interp, 1, objv, "BYTES ?-strict? ?-frame?");
	for (i = 2; i < objc; i++) {
		if (lacp_tcl_get_index(interp, objv[i], opts, "option", &idx) != TCL_OK)
			return TCL_ERROR;
		if (idx == 0)
			strict = 1;
		else
			frame = 1;
	}
	bytes = lacp_tcl_get_bytes(objv[1], &len);
	if (frame) {
		off = lacp_eth_decode(bytes, (size_t)len, &eth);
		if (off < 0)
			return lacp_tcl_error(interp, "LACP PDU MALFORMED ethernet",
					      "not an Ethernet frame with at most %d VLAN tags (%d octets)",
					      LACP_MAX_VLANS, (int)len);
		if (eth.ethertype != LACP_ETHERTYPE_SLOW)
			return lacp_tcl_error(interp, "LACP PDU MALFORMED ethertype",
					      "ethertype 0x%04x is not Slow Protocols (0x8809)",
					      eth.ethertype);
	}
	dec = ckalloc(sizeof *dec);
	lacp_pdu_decode(bytes + off, (size_t)len - (size_t)off, dec);
	if (strict && dec->n_dev > 0) {
		Tcl_Obj *msg = deviation_message(&dec->dev[0]);
		char code[96];

		Tcl_IncrRefCount(msg);
		snprintf(code, sizeof code, "LACP PDU MALFORMED %s", dec->dev[0].field);
		lacp_tcl_error(interp, code, "malformed %s: %s",
			       dec->subtype == LACP_SUBTYPE_MARKER ? "Marker PDU" : "LACPDU",
			       Tcl_GetString(msg));
		Tcl_DecrRefCount(msg);
		goto out;
	}
	result = lacp_tcl_decoded_obj(dec);
	if (frame)
		put_eth(result, &eth);
	Tcl_SetObjResult(interp, result);
	rc = TCL_OK;
out:
	ckfree(dec);
	return rc;
}

/* lacp::pdu marker ?-response? ?-port N? ?-system MAC? ?-transaction N? ?-version N? */
static int pdu_marker_cmd(ClientData cd, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
	static const char *const opts[] = {"-response", "-port", "-system",
		"-transaction", "-version", NULL};
	enum { O_RESPONSE, O_PORT, O_SYSTEM, O_TRANSACTION, O_VERSION };
	struct lacp_marker m;
	uint8_t buf[LACP_PDU_LEN];
	long v;
	int i, idx;

	(void)cd;
	memset(&m, 0, sizeof m);
	m.version = 1;
	for (i = 1; i < objc; i++) {
		if (lacp_tcl_get_index(interp, objv[i], opts, "option", &idx) != TCL_OK)
			return TCL_ERROR;
		if (idx == O_RESPONSE) {
			m.response = true;
			continue;
		}
		if (lacp_tcl_need_value(interp, i, objc, objv) != TCL_OK)
			return TCL_ERROR;
		i++;
		switch (idx) {
		case O_SYSTEM:
			if (lacp_tcl_get_mac(interp, objv[i], "-system", m.system) != TCL_OK)
				return TCL_ERROR;
			break;
		case O_TRANSACTION:
			if (lacp_tcl_get_int_range(interp, objv[i], "-transaction", 0,
						   0xffffffffL, &v) != TCL_OK)
				return TCL_ERROR;
			m.transaction = (uint32_t)v;
			break;
		case O_PORT:
			if (lacp_tcl_get_int_range(interp, objv[i], "-port", 0, 65535, &v) != TCL_OK)
				return TCL_ERROR;
			m.port = (uint16_t)v;
			break;
		case O_VERSION:
			if (lacp_tcl_get_int_range(interp, objv[i], "-version", 0, 255, &v) != TCL_OK)
				return TCL_ERROR;
			m.version = (uint8_t)v;
			break;
		}
	}
	lacp_marker_encode(&m, buf);
	Tcl_SetObjResult(interp, Tcl_NewByteArrayObj(buf, LACP_PDU_LEN));
	return TCL_OK;
}

/* lacp::state format INT */
static int state_format_cmd(ClientData cd, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
	long v;

	(void)cd;
	if (objc != 2)
		return lacp_tcl_wrong_args(interp, 1, objv, "INT");
	if (lacp_tcl_get_int_range(interp, objv[1], "state", 0, 255, &v) != TCL_OK)
		return TCL_ERROR;
	Tcl_SetObjResult(interp, lacp_tcl_state_obj((uint8_t)v));
	return TCL_OK;
}

/* lacp::state parse STR */
static int state_parse_cmd(ClientData cd, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
	uint8_t s;

	(void)cd;
	if (objc != 2)
		return lacp_tcl_wrong_args(interp, 1, objv, "STR");
	if (lacp_tcl_get_state(interp, objv[1], &s) != TCL_OK)
		return TCL_ERROR;
	Tcl_SetObjResult(interp, Tcl_NewIntObj(s));
	return TCL_OK;
}

int lacp_tcl_pdu_register(Tcl_Interp *interp, struct lacp_tcl_state *st)
{
	(void)st;
	Tcl_CreateObjCommand(interp, "::lacp::pdu::build", pdu_build_cmd, NULL, NULL);
	Tcl_CreateObjCommand(interp, "::lacp::pdu::parse", pdu_parse_cmd, NULL, NULL);
	Tcl_CreateObjCommand(interp, "::lacp::pdu::marker", pdu_marker_cmd, NULL, NULL);
	Tcl_CreateObjCommand(interp, "::lacp::state::format", state_format_cmd, NULL, NULL);
	Tcl_CreateObjCommand(interp, "::lacp::state::parse", state_parse_cmd, NULL, NULL);
	return TCL_OK;
}
