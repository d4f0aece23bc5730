/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * lacp::port: the port objects. Each port hosts one struct lacp_port of the
 * core on a transport (an in-process wire, or a Linux interface): creation
 * and deletion, framing of what the core sends and of what the transport
 * delivers, the system the port joins, and the subcommands that are
 * neither options (tcl_port_options.c) nor events (tcl_port_events.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "lacpdu.h"
#include "pcap.h"
#include "state.h"
#include "ruleset.h"
#include "tcl_lacp.h"
#include "tcl_port.h"
#include "uthash.h"

static void detach_transport(struct tcl_port *tp);

const char *lacp_tcl_port_name(const struct tcl_port *tp)
{
	return tp->name;
}

const uint8_t *lacp_tcl_port_src(const struct tcl_port *tp, bool rx)
{
	return rx ? tp->rx_src : tp->o.src_mac;
}

const char *lacp_tcl_port_link(const struct tcl_port *tp)
{
	return tp->twire ? lacp_tcl_wire_peer(tp->twire, tp->tr.id) : NULL;
}

const char *lacp_tcl_port_interface(const struct tcl_port *tp)
{
	return tp->o.interface;
}

unsigned lacp_tcl_port_count(const struct lacp_tcl_state *st)
{
	return HASH_COUNT(st->ports);
}

Tcl_Obj *lacp_tcl_port_names(const struct lacp_tcl_state *st)
{
	Tcl_Obj *list = Tcl_NewListObj(0, NULL);
	struct tcl_port *tp;

	for (tp = st->ports; tp != NULL; tp = tp->hh.next)
		Tcl_ListObjAppendElement(NULL, list, Tcl_NewStringObj(tp->name, -1));
	return list;
}

/* ---- frames */

/* Writes FRAME to the capture file, if any, with the clock's time. */
static void capture(struct tcl_port *tp, const uint8_t *frame, size_t len)
{
	struct timeval tv;
	int64_t t;

	if (tp->pcap == NULL)
		return;
	if (tp->st->virtual_clock) {
		t = tp->st->vclock.now;
	} else {
		gettimeofday(&tv, NULL);
		t = (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
	}
	lacp_pcap_write(tp->pcap, t, frame, len);
}

/* The core's transmit: frame the PDU and put it on the transport. */
static void port_transmit(void *ctx, struct lacp_port *p, const uint8_t *pdu, size_t len,
			  lacp_time_t now)
{
	struct tcl_port *tp = ctx;
	struct lacp_eth tags;
	uint8_t stackbuf[LACP_ETH_HLEN + LACP_MAX_VLANS * LACP_VLAN_HLEN + 256], *buf = stackbuf;
	size_t hlen;
	unsigned i;

	(void)p;
	if (len > sizeof stackbuf - 22) {
		buf = malloc(len + 22);
		if (buf == NULL)
			return;
	}
	memset(&tags, 0, sizeof tags);
	tags.n_vlans = tp->o.n_vlans;
	for (i = 0; i < tp->o.n_vlans; i++) {
		/* an outer tag of two is the 802.1ad service tag */
		tags.vlan_tpid[i] = tp->o.n_vlans == 2 && i == 0 ? LACP_ETHERTYPE_QINQ
								 : LACP_ETHERTYPE_VLAN;
		tags.vlan_tci[i] = tp->o.vlans[i];
	}
	hlen = lacp_eth_encode(tp->o.dst_mac, tp->o.src_mac, &tags, buf);
	memcpy(buf + hlen, pdu, len);
	capture(tp, buf, hlen + len);
	if (tp->tr.ops != NULL && tp->tr.ops->send(&tp->tr, buf, hlen + len, now) != 0)
		tp->tx_errors++;
	if (buf != stackbuf)
		free(buf);
}

void lacp_tcl_port_frame(struct tcl_port *tp, const uint8_t *frame, size_t len,
			 lacp_time_t now)
{
	struct lacp_eth eth;
	int off;

	if (tp->deleted)
		return;
	capture(tp, frame, len);
	off = lacp_eth_decode(frame, len, &eth);
	if (off < 0 || eth.ethertype != LACP_ETHERTYPE_SLOW)
		return;
	memcpy(tp->rx_src, eth.src, 6);
	lacp_port_rx(tp->port, frame + off, len - (size_t)off, now);
}


void lacp_tcl_port_carrier(struct tcl_port *tp, bool up, lacp_time_t now)
{
	if (tp->deleted)
		return;
	if (tp->carrier != up)
		lacp_tcl_hook_link(tp, up);
	tp->carrier = up;
	lacp_port_set_enabled(tp->port, up, now);
}


/* ---- creation and deletion */

static void port_free_mem(char *mem)
{
	struct tcl_port *tp = (struct tcl_port *)mem;
	int i;

	for (i = 0; i < ON_COUNT; i++)
		if (tp->on[i] != NULL)
			Tcl_DecrRefCount(tp->on[i]);
	lacp_tcl_port_opts_free(&tp->o);
	free(tp->name);
	free(tp);
}

/* Tears a port down: the command is gone or going. */
static void port_delete(ClientData cd)
{
	struct tcl_port *tp = cd;
	struct lacp_tcl_state *st = tp->st;

	tp->deleted = true;
	HASH_DEL(st->ports, tp);
	lacp_tcl_rules_free(tp);
	detach_transport(tp);
	lacp_port_free(tp->port);
	tp->port = NULL;
	lacp_tcl_systems_gc(st);
	if (tp->pcap != NULL)
		lacp_pcap_close(tp->pcap);
	tp->pcap = NULL;
	Tcl_EventuallyFree(tp, port_free_mem);
}

/* Opens the capture file of *O for TP (closing any previous one). */
static int open_capture(Tcl_Interp *interp, struct tcl_port *tp, const char *path)
{
	struct lacp_pcap *pc = NULL;
	int err = 0;

	if (path != NULL) {
		pc = lacp_pcap_open(path, &err);
		if (pc == NULL) {
			Tcl_SetErrno(err);
			return lacp_tcl_error(interp, "LACP CAPTURE OPEN",
					      "cannot open capture file \"%s\": %s", path,
					      Tcl_PosixError(interp));
		}
	}
	if (tp->pcap != NULL)
		lacp_pcap_close(tp->pcap);
	tp->pcap = pc;
	return TCL_OK;
}

/*
 * Puts the core port of TP into the system of *O (creating the port when
 * TP has none yet or the system changes), with O's configuration.
 */
static int place_port(Tcl_Interp *interp, struct tcl_port *tp, struct port_opts *o)
{
	struct lacp_tcl_state *st = tp->st;
	const uint8_t *id = o->has_system ? o->system : st->default_system_id;
	struct lacp_system *sys = lacp_tcl_system(st, id, o->has_system_priority
							  ? o->system_priority : 32768);
	struct lacp_port_ops ops = {port_transmit, lacp_tcl_port_event, lacp_tcl_port_action};
	struct lacp_port *np;
	lacp_time_t now = lacp_tcl_now(st);
	int rc;

	if (sys == NULL)
		return lacp_tcl_error(interp, "LACP NOMEM", "out of memory");
	if (o->cfg.port_number == 0)
		o->cfg.port_number = lacp_system_free_port_number(sys);
	if (o->cfg.port_number == 0 || lacp_system_port_number_used(sys, tp->port, o->cfg.port_number)) {
		Tcl_Obj *mac = lacp_tcl_mac_obj(id);
		int rc;

		Tcl_IncrRefCount(mac);
		lacp_tcl_systems_gc(st);
		rc = lacp_tcl_error(interp, "LACP VALUE INUSE",
				    "port number %u is already used by another port of system %s",
				    o->cfg.port_number, Tcl_GetString(mac));
		Tcl_DecrRefCount(mac);
		return rc;
	}
	/* The priority is the system's: only a port that gives it sets it. */
	if (o->has_system_priority && sys->priority != o->system_priority)
		lacp_system_set_priority(sys, o->system_priority, now);
	if (tp->port != NULL && tp->port->system != sys && tp->port->system->n_ports == 1 &&
	    sys->n_ports == 0 && sys->user == NULL && tp->port->system->user == NULL) {
		/* Alone in its system: the system itself changes identity, a
		 * management change the machines handle without a restart. */
		struct lacp_system *own = tp->port->system;

		lacp_tcl_systems_gc(st);
		lacp_system_set_id(own, id, now);
		if (o->has_system_priority)
			lacp_system_set_priority(own, o->system_priority, now);
		sys = own;
	}
	if (tp->port != NULL && tp->port->system == sys) {
		rc = lacp_port_set_config(tp->port, &o->cfg, now);
		if (rc != 0)
			return lacp_tcl_error(interp, "LACP VALUE CONFIG",
					      "the core refused the configuration (%s)",
					      strerror(-rc));
		return TCL_OK;
	}
	rc = lacp_port_new(sys, &o->cfg, &ops, tp, now, &np);
	if (rc != 0) {
		lacp_tcl_systems_gc(st);
		return lacp_tcl_error(interp, "LACP VALUE CONFIG", "cannot create the port: %s",
				      strerror(-rc));
	}
	if (tp->port != NULL) {
		/* Moved to another system: a new port there, that takes the
		 * old one's counters, rules, measurement and admin state. */
		lacp_port_take_over(np, tp->port, now);
		lacp_port_free(tp->port);
	}
	tp->port = np;
	lacp_tcl_systems_gc(st);
	lacp_tcl_port_sync_shadow(tp);
	lacp_port_set_enabled(tp->port, tp->carrier, now);
	return TCL_OK;
}

/* Applies the validated options *O to TP (the transport is set at creation). */
int lacp_tcl_port_apply_opts(Tcl_Interp *interp, struct tcl_port *tp, struct port_opts *o)
{
	const char *old = tp->o.capture;
	struct port_opts saved = tp->o;

	if ((o->capture == NULL) != (old == NULL) ||
	    (o->capture && old && strcmp(o->capture, old) != 0)) {
		if (open_capture(interp, tp, o->capture) != TCL_OK)
			return TCL_ERROR;
	}
	/* The machines may send at once (a new port does): frame it with the
	 * new addresses and tags already. */
	memcpy(tp->o.src_mac, o->src_mac, 6);
	memcpy(tp->o.dst_mac, o->dst_mac, 6);
	tp->o.n_vlans = o->n_vlans;
	memcpy(tp->o.vlans, o->vlans, sizeof o->vlans);
	if (place_port(interp, tp, o) != TCL_OK) {
		memcpy(tp->o.src_mac, saved.src_mac, 6);
		memcpy(tp->o.dst_mac, saved.dst_mac, 6);
		tp->o.n_vlans = saved.n_vlans;
		memcpy(tp->o.vlans, saved.vlans, sizeof saved.vlans);
		return TCL_ERROR;
	}
	lacp_tcl_port_opts_free(&tp->o);
	tp->o = *o;
	memset(o, 0, sizeof *o);
	return TCL_OK;
}

static int port_obj_cmd(ClientData cd, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[]);

/* A locally administered MAC for the frames of a port without an interface. */
static void generated_mac(struct lacp_tcl_state *st, uint8_t mac[6])
{
	unsigned long n = ++st->port_serial;

	memcpy(mac, st->default_system_id, 6);
	mac[3] ^= (uint8_t)(n >> 16);
	mac[4] ^= (uint8_t)(n >> 8);
	mac[5] ^= (uint8_t)n;
	mac[1] ^= 0x01; /* never equal to the system id */
}

/* Puts TP on wire TW or on the interface of *O; sets the frame source
 * address and the default system id from the interface when not given. */
static int attach_transport(Tcl_Interp *interp, struct tcl_port *tp, struct tcl_wire *tw,
			    struct port_opts *o)
{
	struct lacp_tcl_state *st = tp->st;
	struct lacp_tcl_iface iface;

	if (tw != NULL) {
		if (lacp_tcl_wire_attach(interp, tw, tp, &tp->tr) != TCL_OK)
			return TCL_ERROR;
		tp->twire = tw;
		tp->carrier = !lacp_tcl_wire_is_cut(tw);
		if (!o->has_src_mac)
			generated_mac(st, o->src_mac);
		if (!o->has_system)
			st->default_system_fixed = true;
		return TCL_OK;
	}
	if (lacp_tcl_iface_open(interp, st, o->netns, o->interface, tp, &iface) != TCL_OK)
		return TCL_ERROR;
	tp->tr = iface.tr;
	tp->carrier = iface.carrier;
	if (!o->has_src_mac)
		memcpy(o->src_mac, iface.mac, 6);
	/* lacpd's choice: one system for the whole process, named after the
	 * first interface it runs on. */
	if (!o->has_system && !st->default_system_fixed) {
		memcpy(st->default_system_id, iface.mac, 6);
		st->default_system_fixed = true;
	}
	return TCL_OK;
}

static void detach_transport(struct tcl_port *tp)
{
	if (tp->tr.ops != NULL)
		tp->tr.ops->close(&tp->tr);
	tp->tr.ops = NULL;
	tp->twire = NULL;
}

/* lacp::port create NAME ?-option value ...? */
static int port_create(struct lacp_tcl_state *st, Tcl_Interp *interp, int objc,
		       Tcl_Obj *const objv[])
{
	struct tcl_port *tp;
	struct tcl_wire *tw = NULL;
	struct port_opts o;
	const char *name;
	Tcl_CmdInfo info;
	int rc = TCL_ERROR;

	if (objc < 3)
		return lacp_tcl_wrong_args(interp, 2, objv, "NAME ?-option value ...?");
	name = Tcl_GetString(objv[2]);
	if (name[0] == '\0' || name[0] == '-')
		return lacp_tcl_error(interp, "LACP VALUE NAME", "\"%s\" cannot name a port", name);
	HASH_FIND_STR(st->ports, name, tp);
	if (tp != NULL || Tcl_GetCommandInfo(interp, name, &info))
		return lacp_tcl_error(interp, "LACP EXISTS PORT",
				      "a command named \"%s\" already exists", name);
	memset(&o, 0, sizeof o);
	lacp_port_config_default(&o.cfg);
	o.cfg.port_number = 0; /* next free of the system */
	o.system_priority = 32768;
	o.cfg.measure = lacp_tcl_measure_wanted();
	memcpy(o.dst_mac, lacp_slow_multicast, 6);
	if (lacp_tcl_port_parse_opts(interp, 3, objc, objv, &o, true) != TCL_OK)
		goto fail;
	if ((o.wire == NULL) == (o.interface == NULL)) {
		lacp_tcl_error(interp, "LACP OPTION TRANSPORT",
			       "a port needs exactly one of -interface and -wire");
		goto fail;
	}
	if (o.netns != NULL && o.interface == NULL) {
		lacp_tcl_error(interp, "LACP OPTION TRANSPORT", "-netns applies to -interface only");
		goto fail;
	}
	if (o.wire != NULL && (tw = lacp_tcl_wire_find(st, o.wire)) == NULL) {
		lacp_tcl_error(interp, "LACP LOOKUP WIRE", "wire \"%s\" not found", o.wire);
		goto fail;
	}
	tp = calloc(1, sizeof *tp);
	if (tp == NULL || (tp->name = strdup(name)) == NULL) {
		free(tp);
		lacp_tcl_error(interp, "LACP NOMEM", "out of memory");
		goto fail;
	}
	tp->interp = interp;
	tp->st = st;
	if (attach_transport(interp, tp, tw, &o) != TCL_OK) {
		free(tp->name);
		free(tp);
		goto fail;
	}
	HASH_ADD_KEYPTR(hh, st->ports, tp->name, strlen(tp->name), tp);
	if (lacp_tcl_port_apply_opts(interp, tp, &o) != TCL_OK) {
		HASH_DEL(st->ports, tp);
		detach_transport(tp);
		if (tp->pcap != NULL)
			lacp_pcap_close(tp->pcap);
		free(tp->name);
		free(tp);
		goto fail;
	}
	tp->cmd = Tcl_CreateObjCommand(interp, name, port_obj_cmd, tp, port_delete);
	Tcl_SetObjResult(interp, objv[2]);
	rc = TCL_OK;
fail:
	lacp_tcl_port_opts_free(&o);
	return rc;
}

/* ---- subcommands */

static Tcl_Obj *counters_obj(const struct lacp_port_counters *c)
{
	Tcl_Obj *d = Tcl_NewDictObj();

#define C(name) put(d, #name, Tcl_NewWideIntObj((Tcl_WideInt)c->name))
	C(lacpdus_rx);
	C(lacpdus_tx);
	C(markers_rx);
	C(markers_tx);
	C(marker_responses_rx);
	C(marker_responses_tx);
	C(unknown_rx);
	C(illegal_rx);
	C(actor_churn_count);
	C(partner_churn_count);
	C(actor_sync_transitions);
	C(partner_sync_transitions);
	C(actor_change_count);
	C(partner_change_count);
	C(tx_suppressed);
	C(rx_dropped);
#undef C
	return d;
}

/* NAME status */
static int port_status(struct tcl_port *tp, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
	char mask[LACP_STATE_STRLEN], value[LACP_STATE_STRLEN];
	const struct lacp_port *p = tp->port;
	struct lacp_info actor = p->actor;
	Tcl_Obj *d;

	if (objc != 2)
		return lacp_tcl_wrong_args(interp, 2, objv, "");
	actor.state = lacp_port_advertised_state(p);
	d = Tcl_NewDictObj();
	put(d, "name", Tcl_NewStringObj(tp->name, -1));
	put(d, "actor", lacp_tcl_info_obj(&actor));
	put(d, "partner", lacp_tcl_info_obj(&p->partner));
	put(d, "rx", Tcl_NewStringObj(lacp_rx_state_name[p->rx], -1));
	put(d, "mux", Tcl_NewStringObj(lacp_mux_state_name[p->mux], -1));
	put(d, "periodic", Tcl_NewStringObj(lacp_periodic_state_name[p->periodic], -1));
	put(d, "selected", Tcl_NewStringObj(lacp_selected_name[p->selected], -1));
	put(d, "aggregator", Tcl_NewIntObj(p->aggregator));
	put(d, "actor_churn", Tcl_NewStringObj(lacp_actor_churn_state_name[p->actor_churn], -1));
	put(d, "partner_churn", Tcl_NewStringObj(lacp_partner_churn_state_name[p->partner_churn], -1));
	put(d, "actor_oper_state", lacp_tcl_state_obj(p->actor.state));
	put(d, "forced", p->force_mask ? Tcl_ObjPrintf("%s/%s",
		lacp_state_format(p->force_mask, mask),
		lacp_state_format(p->force_value, value)) : Tcl_NewStringObj("", 0));
	put(d, "port_enabled", Tcl_NewBooleanObj(p->port_enabled));
	put(d, "enabled", Tcl_NewBooleanObj(!tp->port->admin_disabled));
	put(d, "link", Tcl_NewStringObj(tp->carrier ? "up" : "down", -1));
	put(d, "tx", Tcl_NewStringObj(p->tx_enabled ? "on" : "stopped", -1));
	put(d, "rx_frames", Tcl_NewStringObj(p->rx_enabled ? "accepted" : "dropped", -1));
	put(d, "loopback", Tcl_NewBooleanObj(p->loopback));
	put(d, "ntt", Tcl_NewBooleanObj(p->ntt));
	put(d, "mux_reason", Tcl_NewStringObj(p->mux_reason ? p->mux_reason : "", -1));
	put(d, "fallback", Tcl_NewBooleanObj(p->fallback));
	/* 7.3.4 aAggPortDebugLastRxTime, on the clock of `lacp::clock now`; -1: never. */
	put(d, "last_rx_time", p->counters.last_rx_time == LACP_TIME_NEVER
				       ? Tcl_NewIntObj(-1)
				       : Tcl_NewDoubleObj((double)p->counters.last_rx_time / 1000.0));
	put(d, "wire", Tcl_NewStringObj(tp->o.wire ? tp->o.wire : "", -1));
	put(d, "interface", Tcl_NewStringObj(tp->o.interface ? tp->o.interface : "", -1));
	put(d, "counters", counters_obj(&p->counters));
	Tcl_SetObjResult(interp, d);
	return TCL_OK;
}

/* NAME counters ?-reset? */
static int port_counters(struct tcl_port *tp, Tcl_Interp *interp, int objc,
			 Tcl_Obj *const objv[])
{
	static const char *const opts[] = {"-reset", NULL};
	int idx;

	if (objc > 3)
		return lacp_tcl_wrong_args(interp, 2, objv, "?-reset?");
	if (objc == 3 && lacp_tcl_get_index(interp, objv[2], opts, "option", &idx) != TCL_OK)
		return TCL_ERROR;
	Tcl_SetObjResult(interp, counters_obj(&tp->port->counters));
	if (objc == 3)
		lacp_port_counters_reset(tp->port);
	return TCL_OK;
}

/* NAME enable | disable */
static int port_enable(struct tcl_port *tp, Tcl_Interp *interp, int objc,
		       Tcl_Obj *const objv[], bool enable)
{
	if (objc != 2)
		return lacp_tcl_wrong_args(interp, 2, objv, "");
	lacp_port_set_admin(tp->port, enable, lacp_tcl_now(tp->st));
	return TCL_OK;
}

/* NAME link up|down: on a wire, the cable is pulled or plugged back. */
static int port_link(struct tcl_port *tp, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
	static const char *const states[] = {"down", "up", NULL};
	int up;

	if (objc != 3)
		return lacp_tcl_wrong_args(interp, 2, objv, "up|down");
	if (lacp_tcl_get_index(interp, objv[2], states, "link state", &up) != TCL_OK)
		return TCL_ERROR;
	return lacp_tcl_port_set_link(interp, tp, up);
}

/* NAME send ?-raw BYTES | -option value ...? */
static int port_send(struct tcl_port *tp, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
	struct lacp_craft c;
	struct lacp_craft_tlv tlvs[LACP_TCL_MAX_CRAFT_TLVS];
	uint8_t *pool = NULL, *buf = NULL;
	const uint8_t *pdu;
	Tcl_Size rawlen;
	size_t len;
	int rc = TCL_ERROR, err;

	if (objc >= 3 && strcmp(Tcl_GetString(objv[2]), "-raw") == 0) {
		if (objc != 4)
			return lacp_tcl_wrong_args(interp, 2, objv, "-raw BYTES");
		pdu = lacp_tcl_get_bytes(objv[3], &rawlen);
		if (rawlen == 0 || rawlen > LACP_WIRE_MAX_FRAME - 22)
			return lacp_tcl_error(interp, "LACP VALUE RANGE",
					      "-raw needs 1..%d octets, got %d",
					      LACP_WIRE_MAX_FRAME - 22, (int)rawlen);
		len = (size_t)rawlen;
	} else {
		lacp_craft_init(&c);
		lacp_port_build_lacpdu(tp->port, &c.pdu);
		pool = ckalloc(LACP_TCL_MAX_PDU);
		if (lacp_tcl_craft_options(interp, 2, objc, objv, &c, tlvs, pool,
					   LACP_TCL_MAX_PDU) != TCL_OK)
			goto out;
		len = lacp_craft_encode(&c, NULL, 0);
		buf = ckalloc(len ? len : 1);
		lacp_craft_encode(&c, buf, len);
		pdu = buf;
		if (len == 0) {
			lacp_tcl_error(interp, "LACP VALUE RANGE", "-truncate 0 leaves nothing to send");
			goto out;
		}
	}
	err = lacp_port_transmit_pdu(tp->port, pdu, len, lacp_tcl_now(tp->st));
	if (err == -EAGAIN) {
		lacp_tcl_error(interp, "LACP TX STOPPED",
			       "port \"%s\" does not transmit (stop-tx)", tp->name);
		goto out;
	}
	if (err != 0) {
		lacp_tcl_error(interp, "LACP TX FAILED", "cannot send: %s", strerror(-err));
		goto out;
	}
	rc = TCL_OK;
out:
	if (buf != NULL)
		ckfree(buf);
	if (pool != NULL)
		ckfree(pool);
	return rc;
}

/* NAME destroy */
static int port_destroy(struct tcl_port *tp, Tcl_Interp *interp, int objc,
			Tcl_Obj *const objv[])
{
	if (objc != 2)
		return lacp_tcl_wrong_args(interp, 2, objv, "");
	Tcl_DeleteCommandFromToken(interp, tp->cmd);
	return TCL_OK;
}

/* The object command NAME. */
static int port_obj_cmd(ClientData cd, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
	static const char *const subs[] = {"cget", "configure", "counters", "destroy",
		"disable", "enable", "inject", "link", "measure", "on", "rules", "send",
		"status", "wait", "when", NULL};
	enum { S_CGET, S_CONFIGURE, S_COUNTERS, S_DESTROY, S_DISABLE, S_ENABLE,
		S_INJECT, S_LINK, S_MEASURE, S_ON, S_RULES, S_SEND, S_STATUS, S_WAIT, S_WHEN };
	struct tcl_port *tp = cd;
	int sub, rc;

	if (objc < 2)
		return lacp_tcl_wrong_args(interp, 1, objv, "subcommand ?arg ...?");
	if (lacp_tcl_get_index(interp, objv[1], subs, "subcommand", &sub) != TCL_OK)
		return TCL_ERROR;
	Tcl_Preserve(tp);
	switch (sub) {
	case S_CGET: rc = lacp_tcl_port_cget(tp, interp, objc, objv); break;
	case S_CONFIGURE: rc = lacp_tcl_port_configure(tp, interp, objc, objv); break;
	case S_COUNTERS: rc = port_counters(tp, interp, objc, objv); break;
	case S_DESTROY: rc = port_destroy(tp, interp, objc, objv); break;
	case S_DISABLE: rc = port_enable(tp, interp, objc, objv, false); break;
	case S_ENABLE: rc = port_enable(tp, interp, objc, objv, true); break;
	case S_LINK: rc = port_link(tp, interp, objc, objv); break;
	case S_MEASURE: rc = lacp_tcl_measure_cmd(tp, interp, objc, objv); break;
	case S_ON: rc = lacp_tcl_port_on(tp, interp, objc, objv); break;
	case S_SEND: rc = port_send(tp, interp, objc, objv); break;
	case S_STATUS: rc = port_status(tp, interp, objc, objv); break;
	case S_WAIT: rc = lacp_tcl_port_wait(tp, interp, objc, objv); break;
	default: rc = lacp_tcl_rules_cmd(tp, interp, objc, objv); break;
	}
	Tcl_Release(tp);
	return rc;
}

/* lacp::port create NAME ... | names */
static int port_cmd(ClientData cd, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
	return lacp_tcl_create_names(cd, interp, objc, objv, port_create, lacp_tcl_port_names);
}

/* ---- what the inject rules (tcl_rules.c) use of a port */

struct lacp_port *lacp_tcl_port_core(struct tcl_port *tp)
{
	return tp->port;
}

struct lacp_tcl_state *lacp_tcl_port_state(struct tcl_port *tp)
{
	return tp->st;
}

Tcl_Interp *lacp_tcl_port_interp(struct tcl_port *tp)
{
	return tp->interp;
}

struct tcl_rules **lacp_tcl_port_rules(struct tcl_port *tp)
{
	return &tp->rules;
}

bool lacp_tcl_port_deleted(const struct tcl_port *tp)
{
	return tp->deleted;
}


int lacp_tcl_port_set_link(Tcl_Interp *interp, struct tcl_port *tp, bool up)
{
	return tp->tr.ops->set_link(interp, &tp->tr, up, lacp_tcl_now(tp->st));
}

int lacp_tcl_port_send(struct tcl_port *tp, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
	return port_send(tp, interp, objc, objv);
}

int lacp_tcl_port_register(Tcl_Interp *interp, struct lacp_tcl_state *st)
{
	Tcl_CreateObjCommand(interp, "::lacp::port", port_cmd, st, NULL);
	return TCL_OK;
}
