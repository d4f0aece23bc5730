/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * lacp::port: port objects. Each port hosts one struct lacp_port of the core
 * on a transport (an in-process wire, or a Linux interface), owns its
 * options (configure/cget), reports status and counters, runs `on` scripts
 * for events and `wait`s for conditions.
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
#include "uthash.h"

/* Events a script can be bound to with `NAME on EVENT SCRIPT`. */
enum on_event { ON_RX, ON_TX, ON_STATE, ON_MUX, ON_SELECTED, ON_EXPIRED,
	ON_CHURN, ON_TRANSITION, ON_LOOPBACK, ON_COUNT };
static const char *const on_event_name[] = {"rx", "tx", "state", "mux",
	"selected", "expired", "churn", "transition", "loopback", NULL};

/* A `wait` in progress. */
struct waiter {
	struct lacp_cond *cond;
	lacp_time_t armed;
	bool received;
	bool met;
	struct waiter *next;
};

/* What `configure` sets; validated whole before anything is applied. */
struct port_opts {
	char *interface, *netns, *wire, *capture;
	bool has_system;
	uint8_t system[6];
	uint16_t system_priority;
	bool has_system_priority; /* given in this create/configure */
	bool has_src_mac;
	uint8_t src_mac[6], dst_mac[6];
	unsigned n_vlans;
	uint16_t vlans[LACP_MAX_VLANS];
	struct lacp_port_config cfg;
};

struct tcl_port {
	char *name;
	Tcl_Command cmd;
	Tcl_Interp *interp;
	struct lacp_tcl_state *st;
	struct lacp_port *port;
	struct port_opts o;
	struct tcl_wire *twire;
	struct lacp_tcl_transport tr; /* the wire's end or the interface */
	uint64_t tx_errors; /* frames the interface refused */
	uint8_t rx_src[6];  /* source address of the frame being received */
	struct lacp_pcap *pcap;
	bool carrier;
	Tcl_Obj *on[ON_COUNT];
	struct waiter *waiters;
	struct lacp_view shadow;
	struct tcl_rules *rules; /* the inject rules of the port (tcl_rules.c) */
	bool deleted;
	UT_hash_handle hh;
};

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

static void opts_free(struct port_opts *o)
{
	free(o->interface);
	free(o->netns);
	free(o->wire);
	free(o->capture);
	memset(o, 0, sizeof *o);
}

/* Deep copy of *FROM into *TO; false when out of memory. */
static bool opts_copy(struct port_opts *to, const struct port_opts *from)
{
	*to = *from;
	to->interface = from->interface ? strdup(from->interface) : NULL;
	to->netns = from->netns ? strdup(from->netns) : NULL;
	to->wire = from->wire ? strdup(from->wire) : NULL;
	to->capture = from->capture ? strdup(from->capture) : NULL;
	if ((from->interface && !to->interface) || (from->netns && !to->netns) ||
	    (from->wire && !to->wire) || (from->capture && !to->capture)) {
		opts_free(to);
		return false;
	}
	return true;
}

/* ---- the option table */

enum opt {
	OPT_INTERFACE, OPT_NETNS, OPT_WIRE, OPT_MODE, OPT_RATE, OPT_AGGREGATION,
	OPT_SYSTEM, OPT_SYSTEM_PRIORITY, OPT_KEY, OPT_PORT_NUMBER, OPT_PORT_PRIORITY,
	OPT_WAIT_WHILE, OPT_SRC_MAC, OPT_DST_MAC, OPT_VLAN, OPT_CAPTURE,
	OPT_FAST_PERIOD, OPT_SLOW_PERIOD, OPT_SHORT_TIMEOUT, OPT_LONG_TIMEOUT,
	OPT_CHURN_TIME, OPT_TX_LIMIT, OPT_TX_LIMIT_BYPASS, OPT_INDEPENDENT_CONTROL,
	OPT_COLLECTOR_MAX_DELAY, OPT_LACP_ENABLED, OPT_PARTNER_ADMIN, OPT_FALLBACK,
	OPT_FALLBACK_TIMEOUT, OPT_WTR, OPT_REVERTIVE, OPT_MARKER_RESPONDER, OPT_RX_CHECK,
	OPT_COUNT
};
static const char *const opt_name[] = {"-interface", "-netns", "-wire", "-mode",
	"-rate", "-aggregation", "-system", "-system-priority", "-key",
	"-port-number", "-port-priority", "-wait-while", "-src-mac", "-dst-mac",
	"-vlan", "-capture", "-fast-period", "-slow-period", "-short-timeout",
	"-long-timeout", "-churn-time", "-tx-limit", "-tx-limit-bypass",
	"-independent-control", "-collector-max-delay", "-lacp-enabled", "-partner-admin",
	"-fallback", "-fallback-timeout", "-wtr", "-revertive", "-marker-responder",
	"-rx-check", NULL};
static const char *const fallback_name[] = {"none", "individual", "static", NULL};

/* The values of -rx-check, in the order of enum lacp_rx_check. */
static const char *const rx_checks[] = {"standard", "strict", "lenient", NULL};

/* Options fixed at creation. */
static bool opt_readonly(int o)
{
	return o == OPT_INTERFACE || o == OPT_NETNS || o == OPT_WIRE;
}

static char *dup_obj(Tcl_Obj *obj)
{
	return strdup(Tcl_GetString(obj));
}

/* Reads milliseconds for a timer option into *OUT (µs). */
static int get_ms(Tcl_Interp *interp, Tcl_Obj *obj, const char *option, long min,
		  lacp_time_t *out)
{
	long ms;

	if (lacp_tcl_get_int_range(interp, obj, option, min, 86400000L, &ms) != TCL_OK)
		return TCL_ERROR;
	*out = LACP_MS(ms);
	return TCL_OK;
}

static int get_bool(Tcl_Interp *interp, Tcl_Obj *obj, const char *option, bool *out)
{
	int b;

	if (Tcl_GetBooleanFromObj(NULL, obj, &b) != TCL_OK)
		return lacp_tcl_error(interp, "LACP VALUE BOOLEAN",
				      "expected a boolean for %s but got \"%s\"", option,
				      Tcl_GetString(obj));
	*out = b != 0;
	return TCL_OK;
}

/* -partner-admin DICT: the keys of `status` partner; those not given are 0
 * (802.1AX's default Partner_Admin values). */
static int get_partner_admin(Tcl_Interp *interp, Tcl_Obj *v, struct lacp_info *out)
{
	static const char *const keys[] = {"system", "system_priority", "key", "port",
		"port_priority", "state", NULL};
	struct lacp_info info;
	Tcl_DictSearch search;
	Tcl_Obj *k, *val;
	int done, idx;
	long n;

	memset(&info, 0, sizeof info);
	if (Tcl_DictObjFirst(NULL, v, &search, &k, &val, &done) != TCL_OK)
		return lacp_tcl_error(interp, "LACP VALUE DICT",
				      "-partner-admin takes a dict, got \"%s\"", Tcl_GetString(v));
	for (; !done; Tcl_DictObjNext(&search, &k, &val, &done)) {
		int rc;

		if (lacp_tcl_get_index(interp, k, keys, "partner admin key", &idx) != TCL_OK) {
			Tcl_DictObjDone(&search);
			return TCL_ERROR;
		}
		if (idx == 0)
			rc = lacp_tcl_get_mac(interp, val, "-partner-admin system", info.system);
		else if (idx == 5)
			rc = lacp_tcl_get_state(interp, val, &info.state);
		else
			rc = lacp_tcl_get_int_range(interp, val, keys[idx], 0, 65535, &n);
		if (rc != TCL_OK) {
			Tcl_DictObjDone(&search);
			return TCL_ERROR;
		}
		if (idx == 1)
			info.system_priority = (uint16_t)n;
		else if (idx == 2)
			info.key = (uint16_t)n;
		else if (idx == 3)
			info.port = (uint16_t)n;
		else if (idx == 4)
			info.port_priority = (uint16_t)n;
	}
	Tcl_DictObjDone(&search);
	*out = info;
	return TCL_OK;
}

/* Stores the value of option O into *OPTS. */
static int set_opt(Tcl_Interp *interp, struct port_opts *o, int opt, Tcl_Obj *v)
{
	static const char *const modes[] = {"active", "passive", NULL};
	static const char *const rates[] = {"fast", "slow", NULL};
	const char *name = opt_name[opt];
	struct lacp_port_config *c = &o->cfg;
	char **str = NULL;
	long n;
	int idx;

	switch (opt) {
	case OPT_INTERFACE: str = &o->interface; break;
	case OPT_NETNS: str = &o->netns; break;
	case OPT_WIRE: str = &o->wire; break;
	case OPT_CAPTURE: str = &o->capture; break;
	case OPT_MODE:
		if (lacp_tcl_get_index(interp, v, modes, "mode", &idx) != TCL_OK)
			return TCL_ERROR;
		c->active = idx == 0;
		return TCL_OK;
	case OPT_RATE:
		if (lacp_tcl_get_index(interp, v, rates, "rate", &idx) != TCL_OK)
			return TCL_ERROR;
		c->short_timeout = idx == 0;
		return TCL_OK;
	case OPT_AGGREGATION:
		return get_bool(interp, v, name, &c->aggregatable);
	case OPT_TX_LIMIT_BYPASS:
		return get_bool(interp, v, name, &c->tx_limit_bypass);
	case OPT_INDEPENDENT_CONTROL:
		return get_bool(interp, v, name, &c->independent_control);
	case OPT_LACP_ENABLED:
		return get_bool(interp, v, name, &c->lacp_enabled);
	case OPT_MARKER_RESPONDER: {
		bool on;

		if (get_bool(interp, v, name, &on) != TCL_OK)
			return TCL_ERROR;
		c->no_marker_responder = !on;
		return TCL_OK;
	}
	case OPT_RX_CHECK:
		if (lacp_tcl_get_index(interp, v, rx_checks, "rx check", &idx) != TCL_OK)
			return TCL_ERROR;
		c->rx_check = (unsigned char)idx;
		return TCL_OK;
	case OPT_SYSTEM:
		o->has_system = true;
		return lacp_tcl_system_resolve(interp, Tcl_GetAssocData(interp, LACP_ASSOC_KEY, NULL),
					       v, o->system);
	case OPT_PARTNER_ADMIN:
		return get_partner_admin(interp, v, &c->partner_admin);
	case OPT_FALLBACK:
		if (lacp_tcl_get_index(interp, v, fallback_name, "fallback", &idx) != TCL_OK)
			return TCL_ERROR;
		c->fallback = (enum lacp_fallback)idx;
		return TCL_OK;
	case OPT_FALLBACK_TIMEOUT:
		return get_ms(interp, v, name, 0, &c->fallback_timeout);
	case OPT_WTR:
		return get_ms(interp, v, name, 0, &c->wtr);
	case OPT_REVERTIVE:
		return get_bool(interp, v, name, &c->revertive);
	case OPT_SRC_MAC:
		o->has_src_mac = true;
		return lacp_tcl_get_mac(interp, v, name, o->src_mac);
	case OPT_DST_MAC:
		return lacp_tcl_get_mac(interp, v, name, o->dst_mac);
	case OPT_SYSTEM_PRIORITY:
	case OPT_KEY:
	case OPT_PORT_PRIORITY:
	case OPT_COLLECTOR_MAX_DELAY:
	case OPT_PORT_NUMBER:
		if (lacp_tcl_get_int_range(interp, v, name, opt == OPT_PORT_NUMBER ? 1 : 0,
					   65535, &n) != TCL_OK)
			return TCL_ERROR;
		if (opt == OPT_SYSTEM_PRIORITY) {
			o->system_priority = (uint16_t)n;
			o->has_system_priority = true;
		}
		else if (opt == OPT_KEY)
			c->key = (uint16_t)n;
		else if (opt == OPT_PORT_PRIORITY)
			c->port_priority = (uint16_t)n;
		else if (opt == OPT_COLLECTOR_MAX_DELAY)
			c->collector_max_delay = (uint16_t)n;
		else
			c->port_number = (uint16_t)n;
		return TCL_OK;
	case OPT_TX_LIMIT:
		if (lacp_tcl_get_int_range(interp, v, name, 0, LACP_TX_LIMIT_MAX, &n) != TCL_OK)
			return TCL_ERROR;
		c->timing.tx_limit = (unsigned)n;
		return TCL_OK;
	case OPT_WAIT_WHILE:
		return get_ms(interp, v, name, 0, &c->timing.aggregate_wait);
	case OPT_FAST_PERIOD:
		return get_ms(interp, v, name, 1, &c->timing.fast_periodic);
	case OPT_SLOW_PERIOD:
		return get_ms(interp, v, name, 1, &c->timing.slow_periodic);
	case OPT_SHORT_TIMEOUT:
		return get_ms(interp, v, name, 1, &c->timing.short_timeout);
	case OPT_LONG_TIMEOUT:
		return get_ms(interp, v, name, 1, &c->timing.long_timeout);
	case OPT_CHURN_TIME:
		return get_ms(interp, v, name, 1, &c->timing.churn_detection);
	case OPT_VLAN: {
		Tcl_Size count, i;
		Tcl_Obj **elems;

		if (Tcl_ListObjGetElements(NULL, v, &count, &elems) != TCL_OK || count > LACP_MAX_VLANS)
			return lacp_tcl_error(interp, "LACP VALUE VLAN",
					      "-vlan takes a list of at most %d VLAN ids, got \"%s\"",
					      LACP_MAX_VLANS, Tcl_GetString(v));
		for (i = 0; i < count; i++) {
			if (lacp_tcl_get_int_range(interp, elems[i], "a VLAN id", 0, 4095, &n) != TCL_OK)
				return TCL_ERROR;
			o->vlans[i] = (uint16_t)n;
		}
		o->n_vlans = (unsigned)count;
		return TCL_OK;
	}
	}
	free(*str);
	*str = Tcl_GetString(v)[0] ? dup_obj(v) : NULL;
	return TCL_OK;
}

/* The current value of option O. */
static Tcl_Obj *get_opt(const struct tcl_port *tp, int opt)
{
	const struct port_opts *o = &tp->o;
	const struct lacp_port_config *c = &tp->port->config;
	Tcl_Obj *list;
	unsigned i;

	switch (opt) {
	case OPT_INTERFACE: return Tcl_NewStringObj(o->interface ? o->interface : "", -1);
	case OPT_NETNS: return Tcl_NewStringObj(o->netns ? o->netns : "", -1);
	case OPT_WIRE: return Tcl_NewStringObj(o->wire ? o->wire : "", -1);
	case OPT_CAPTURE: return Tcl_NewStringObj(o->capture ? o->capture : "", -1);
	case OPT_MODE: return Tcl_NewStringObj(c->active ? "active" : "passive", -1);
	case OPT_RATE: return Tcl_NewStringObj(c->short_timeout ? "fast" : "slow", -1);
	case OPT_AGGREGATION: return Tcl_NewIntObj(c->aggregatable);
	case OPT_SYSTEM:
		/* What joined it: the system's name, or its id for one without. */
		if (lacp_tcl_system_name(tp->port->system) != NULL)
			return Tcl_NewStringObj(lacp_tcl_system_name(tp->port->system), -1);
		return lacp_tcl_mac_obj(tp->port->system->id);
	case OPT_PARTNER_ADMIN: return lacp_tcl_info_obj(&c->partner_admin);
	case OPT_FALLBACK: return Tcl_NewStringObj(fallback_name[c->fallback], -1);
	case OPT_FALLBACK_TIMEOUT: return Tcl_NewWideIntObj(c->fallback_timeout / 1000);
	case OPT_WTR: return Tcl_NewWideIntObj(c->wtr / 1000);
	case OPT_REVERTIVE: return Tcl_NewIntObj(c->revertive);
	case OPT_SYSTEM_PRIORITY: return Tcl_NewIntObj(tp->port->system->priority);
	case OPT_KEY: return Tcl_NewIntObj(c->key);
	case OPT_PORT_NUMBER: return Tcl_NewIntObj(c->port_number);
	case OPT_PORT_PRIORITY: return Tcl_NewIntObj(c->port_priority);
	case OPT_COLLECTOR_MAX_DELAY: return Tcl_NewIntObj(c->collector_max_delay);
	case OPT_WAIT_WHILE: return Tcl_NewWideIntObj(c->timing.aggregate_wait / 1000);
	case OPT_FAST_PERIOD: return Tcl_NewWideIntObj(c->timing.fast_periodic / 1000);
	case OPT_SLOW_PERIOD: return Tcl_NewWideIntObj(c->timing.slow_periodic / 1000);
	case OPT_SHORT_TIMEOUT: return Tcl_NewWideIntObj(c->timing.short_timeout / 1000);
	case OPT_LONG_TIMEOUT: return Tcl_NewWideIntObj(c->timing.long_timeout / 1000);
	case OPT_CHURN_TIME: return Tcl_NewWideIntObj(c->timing.churn_detection / 1000);
	case OPT_TX_LIMIT: return Tcl_NewIntObj((int)c->timing.tx_limit);
	case OPT_TX_LIMIT_BYPASS: return Tcl_NewIntObj(c->tx_limit_bypass);
	case OPT_INDEPENDENT_CONTROL: return Tcl_NewIntObj(c->independent_control);
	case OPT_LACP_ENABLED: return Tcl_NewIntObj(c->lacp_enabled);
	case OPT_MARKER_RESPONDER: return Tcl_NewIntObj(!c->no_marker_responder);
	case OPT_RX_CHECK: return Tcl_NewStringObj(rx_checks[c->rx_check], -1);
	case OPT_SRC_MAC: return lacp_tcl_mac_obj(o->src_mac);
	case OPT_DST_MAC: return lacp_tcl_mac_obj(o->dst_mac);
	case OPT_VLAN:
		list = Tcl_NewListObj(0, NULL);
		for (i = 0; i < o->n_vlans; i++)
			Tcl_ListObjAppendElement(NULL, list, Tcl_NewIntObj(o->vlans[i]));
		return list;
	}
	return Tcl_NewObj();
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


/* ---- events */

/* The view conditions see, from the shadow kept up to date by events. */
static struct lacp_view current_view(const struct tcl_port *tp)
{
	struct lacp_view v = tp->shadow;
	const struct lacp_port *p = tp->port;

	v.actor_state = (uint8_t)((v.actor_state & ~p->force_mask) |
				  (p->force_value & p->force_mask));
	v.now = lacp_tcl_now(tp->st);
	return v;
}

/* Sets the shadow from the port itself (outside any dispatch). */
static void sync_shadow(struct tcl_port *tp)
{
	tp->shadow.actor_state = tp->port->actor.state;
	tp->shadow.partner_state = tp->port->partner.state;
	tp->shadow.rx = tp->port->rx;
	tp->shadow.mux = tp->port->mux;
	tp->shadow.selected = tp->port->selected;
}

static void check_waiters(struct tcl_port *tp)
{
	struct waiter *w;
	struct lacp_view v;

	if (tp->waiters == NULL)
		return;
	v = current_view(tp);
	for (w = tp->waiters; w != NULL; w = w->next) {
		if (w->met)
			continue;
		v.received = w->received;
		v.armed = w->armed;
		if (lacp_cond_eval(w->cond, &v))
			w->met = true;
	}
}

static void put(Tcl_Obj *d, const char *key, Tcl_Obj *value)
{
	Tcl_DictObjPut(NULL, d, Tcl_NewStringObj(key, -1), value);
}

/* The dict passed to an `on` script. */
static Tcl_Obj *event_dict(const struct tcl_port *tp, const struct lacp_event *ev)
{
	char sa[LACP_STATE_STRLEN], sp[LACP_STATE_STRLEN];
	Tcl_Obj *d = Tcl_NewDictObj();

	put(d, "event", Tcl_NewStringObj(lacp_event_name[ev->type], -1));
	put(d, "time", Tcl_NewDoubleObj((double)ev->time / 1000.0));
	if (lacp_tcl_event_fields(d, ev))
		return d;
	switch (ev->type) {
	case LACP_EV_OPER:
		/* Formatted into buffers: a Tcl_Obj made only for its string
		 * would never be freed. */
		put(d, "from", Tcl_ObjPrintf("A:%s|P:%s",
			lacp_state_format(ev->old_actor_state, sa),
			lacp_state_format(ev->old_partner_state, sp)));
		put(d, "to", Tcl_ObjPrintf("A:%s|P:%s",
			lacp_state_format(ev->new_actor_state, sa),
			lacp_state_format(ev->new_partner_state, sp)));
		put(d, "actor", lacp_tcl_state_obj(ev->new_actor_state));
		put(d, "partner", lacp_tcl_state_obj(ev->new_partner_state));
		break;
	case LACP_EV_RX:
		if (ev->decoded != NULL)
			put(d, "pdu", lacp_tcl_decoded_obj(ev->decoded));
		put(d, "bytes", Tcl_NewByteArrayObj(ev->pdu, (Tcl_Size)ev->len));
		break;
	case LACP_EV_TX: {
		struct lacp_decoded *dec = ckalloc(sizeof *dec);

		lacp_pdu_decode(ev->pdu, ev->len, dec);
		put(d, "pdu", lacp_tcl_decoded_obj(dec));
		put(d, "bytes", Tcl_NewByteArrayObj(ev->pdu, (Tcl_Size)ev->len));
		ckfree(dec);
		break;
	}
	default:
		break;
	}
	(void)tp;
	return d;
}

/* Which `on` event a core event is, or -1. */
static int on_event_of(const struct lacp_event *ev)
{
	switch (ev->type) {
	case LACP_EV_RX: return ON_RX;
	case LACP_EV_TX: return ON_TX;
	case LACP_EV_OPER: return ON_STATE;
	case LACP_EV_EXPIRED: return ON_EXPIRED;
	case LACP_EV_CHURN: return ON_CHURN;
	case LACP_EV_LOOPBACK: return ON_LOOPBACK;
	case LACP_EV_AGGREGATOR: return ON_SELECTED;
	case LACP_EV_TRANSITION:
		if (ev->machine == LACP_M_MUX)
			return ON_MUX;
		if (ev->machine == LACP_M_SELECTION)
			return ON_SELECTED;
		return -1;
	default:
		return -1;
	}
}

/* Runs SCRIPT with the port name and the event dict appended. */
static void run_script(struct tcl_port *tp, Tcl_Obj *script, const struct lacp_event *ev)
{
	Tcl_Interp *interp = tp->interp;
	Tcl_Obj *cmd = Tcl_DuplicateObj(script);
	Tcl_InterpState saved;

	Tcl_IncrRefCount(cmd);
	Tcl_ListObjAppendElement(NULL, cmd, Tcl_NewStringObj(tp->name, -1));
	Tcl_ListObjAppendElement(NULL, cmd, event_dict(tp, ev));
	Tcl_Preserve(interp);
	Tcl_Preserve(tp);
	/* The script runs inside whatever command caused the event
	 * (configure, send, ...): its result is not that command's. */
	saved = Tcl_SaveInterpState(interp, TCL_OK);
	if (Tcl_EvalObjEx(interp, cmd, TCL_EVAL_GLOBAL) != TCL_OK) {
		Tcl_AddErrorInfo(interp, "\n    (\"on\" script of lacp port)");
		lacp_tcl_background_error(interp);
	}
	Tcl_RestoreInterpState(interp, saved);
	Tcl_Release(tp);
	Tcl_Release(interp);
	Tcl_DecrRefCount(cmd);
}

/* The core's event callback. */
static void port_event(void *ctx, struct lacp_port *p, const struct lacp_event *ev)
{
	struct tcl_port *tp = ctx;
	struct waiter *w;
	int on, i;

	/* Events of a core port not yet (or no longer) installed in TP, as
	 * during creation, are not the script's business. */
	if (tp->deleted || p != tp->port)
		return;
	/* The scripts run below (log -command, rules, on) may destroy the
	 * port: keep its memory until this function is done with it. */
	Tcl_Preserve(tp);
	switch (ev->type) {
	case LACP_EV_TRANSITION:
		if (ev->machine == LACP_M_RX)
			tp->shadow.rx = ev->to;
		else if (ev->machine == LACP_M_MUX)
			tp->shadow.mux = ev->to;
		else if (ev->machine == LACP_M_SELECTION)
			tp->shadow.selected = ev->to;
		break;
	case LACP_EV_OPER:
		tp->shadow.actor_state = ev->new_actor_state;
		tp->shadow.partner_state = ev->new_partner_state;
		break;
	case LACP_EV_RX:
		if (ev->decoded != NULL && ev->decoded->cls == LACP_CLASS_LACPDU)
			for (w = tp->waiters; w != NULL; w = w->next)
				w->received = true;
		break;
	default:
		break;
	}
	for (i = 0; i < tp->st->n_observers && !tp->deleted; i++)
		tp->st->observers[i](tp, ev);
	if (!tp->deleted)
		check_waiters(tp);
	on = on_event_of(ev);
	if (on >= 0 && !tp->deleted && tp->on[on] != NULL)
		run_script(tp, tp->on[on], ev);
	if (ev->type == LACP_EV_TRANSITION && !tp->deleted && tp->on[ON_TRANSITION] != NULL)
		run_script(tp, tp->on[ON_TRANSITION], ev);
	Tcl_Release(tp);
}

/* The core's action op: a rule's send, link or script. */
static int port_action(void *ctx, struct lacp_port *p, const struct lacp_rule *r,
		       const struct lacp_action *a, lacp_time_t now)
{
	struct tcl_port *tp = ctx;
	int rc;

	(void)now;
	if (tp->deleted || p != tp->port)
		return -1;
	Tcl_Preserve(tp);
	rc = lacp_tcl_rules_action(tp, r, a);
	Tcl_Release(tp);
	return rc;
}

/* ---- creation and deletion */

static void port_free_mem(char *mem)
{
	struct tcl_port *tp = (struct tcl_port *)mem;
	int i;

	for (i = 0; i < ON_COUNT; i++)
		if (tp->on[i] != NULL)
			Tcl_DecrRefCount(tp->on[i]);
	opts_free(&tp->o);
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

/* Reads -option value pairs into *O, checking each. */
static int parse_opts(Tcl_Interp *interp, int first, int objc, Tcl_Obj *const objv[],
		      struct port_opts *o, bool creating)
{
	int i, opt;

	if ((objc - first) % 2 != 0)
		return lacp_tcl_need_value(interp, objc - 1, objc, objv);
	for (i = first; i < objc; i += 2) {
		if (lacp_tcl_get_index(interp, objv[i], opt_name, "option", &opt) != TCL_OK)
			return TCL_ERROR;
		if (!creating && opt_readonly(opt))
			return lacp_tcl_error(interp, "LACP OPTION READONLY",
					      "%s can only be set when the port is created",
					      opt_name[opt]);
		if (set_opt(interp, o, opt, objv[i + 1]) != TCL_OK)
			return TCL_ERROR;
	}
	return TCL_OK;
}

/* Whether another port of SYS (not SELF) uses port number N. */
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
	struct lacp_port_ops ops = {port_transmit, port_event, port_action};
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
	sync_shadow(tp);
	lacp_port_set_enabled(tp->port, tp->carrier, now);
	return TCL_OK;
}

/* Applies the validated options *O to TP (the transport is set at creation). */
static int apply_opts(Tcl_Interp *interp, struct tcl_port *tp, struct port_opts *o)
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
	opts_free(&tp->o);
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
	if (parse_opts(interp, 3, objc, objv, &o, true) != TCL_OK)
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
	if (apply_opts(interp, tp, &o) != TCL_OK) {
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
	opts_free(&o);
	return rc;
}

/* ---- subcommands */

/* NAME configure ?-option ?value ...?? */
static int port_configure(struct tcl_port *tp, Tcl_Interp *interp, int objc,
			  Tcl_Obj *const objv[])
{
	struct port_opts o;
	int opt, rc;

	if (objc == 2) {
		Tcl_Obj *d = Tcl_NewDictObj();

		for (opt = 0; opt < OPT_COUNT; opt++)
			put(d, opt_name[opt], get_opt(tp, opt));
		Tcl_SetObjResult(interp, d);
		return TCL_OK;
	}
	if (objc == 3) {
		if (lacp_tcl_get_index(interp, objv[2], opt_name, "option", &opt) != TCL_OK)
			return TCL_ERROR;
		Tcl_SetObjResult(interp, get_opt(tp, opt));
		return TCL_OK;
	}
	if (!opts_copy(&o, &tp->o))
		return lacp_tcl_error(interp, "LACP NOMEM", "out of memory");
	o.cfg = tp->port->config;
	o.system_priority = tp->port->system->priority;
	o.has_system_priority = false;
	/* The system's id now: a named system's id may have changed. */
	o.has_system = true;
	memcpy(o.system, tp->port->system->id, 6);
	rc = parse_opts(interp, 2, objc, objv, &o, false);
	if (rc == TCL_OK)
		rc = apply_opts(interp, tp, &o);
	opts_free(&o);
	return rc;
}

/* NAME cget -option */
static int port_cget(struct tcl_port *tp, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
	int opt;

	if (objc != 3)
		return lacp_tcl_wrong_args(interp, 2, objv, "-option");
	if (lacp_tcl_get_index(interp, objv[2], opt_name, "option", &opt) != TCL_OK)
		return TCL_ERROR;
	Tcl_SetObjResult(interp, get_opt(tp, opt));
	return TCL_OK;
}

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

/* NAME on EVENT ?SCRIPT? */
static int port_on(struct tcl_port *tp, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
	int ev;

	if (objc != 3 && objc != 4)
		return lacp_tcl_wrong_args(interp, 2, objv, "EVENT ?SCRIPT?");
	if (lacp_tcl_get_index(interp, objv[2], on_event_name, "event", &ev) != TCL_OK)
		return TCL_ERROR;
	if (objc == 3) {
		Tcl_SetObjResult(interp, tp->on[ev] ? tp->on[ev] : Tcl_NewObj());
		return TCL_OK;
	}
	if (tp->on[ev] != NULL)
		Tcl_DecrRefCount(tp->on[ev]);
	tp->on[ev] = NULL;
	if (Tcl_GetString(objv[3])[0] != '\0') {
		tp->on[ev] = objv[3];
		Tcl_IncrRefCount(tp->on[ev]);
	}
	return TCL_OK;
}

/* Sets *DONE when the timeout of a real-time wait fires. */
static void wait_timeout(ClientData cd)
{
	*(bool *)cd = true;
}

/* NAME wait CONDITION ?-timeout MS? -> 1 when met, 0 on timeout */
static int port_wait(struct tcl_port *tp, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
	static const char *const opts[] = {"-timeout", NULL};
	struct lacp_tcl_state *st = tp->st;
	struct lacp_cond_error err;
	struct waiter w, **pp;
	lacp_time_t deadline, next;
	long timeout = -1;
	bool timed_out = false, gone = false, aborted = false;
	Tcl_TimerToken timer = NULL;
	int idx, rc;

	if (objc != 3 && objc != 5)
		return lacp_tcl_wrong_args(interp, 2, objv, "CONDITION ?-timeout MS?");
	if (objc == 5 &&
	    (lacp_tcl_get_index(interp, objv[3], opts, "option", &idx) != TCL_OK ||
	     lacp_tcl_get_int_range(interp, objv[4], "-timeout", 0, 86400000L * 365, &timeout) != TCL_OK))
		return TCL_ERROR;
	if (st->virtual_clock && st->advancing)
		return lacp_tcl_error(interp, "LACP CLOCK NESTED",
				      "wait cannot move virtual time from inside an event it is "
				      "delivering; wait from the script's top level instead");
	memset(&w, 0, sizeof w);
	rc = lacp_cond_compile(Tcl_GetString(objv[2]), &w.cond, &err);
	if (rc == -ENOMEM)
		return lacp_tcl_error(interp, "LACP NOMEM", "out of memory");
	if (rc != 0) {
		char code[64];

		snprintf(code, sizeof code, "LACP RULE %s", err.kind);
		return lacp_tcl_error(interp, code, "%s", err.message);
	}
	w.armed = lacp_tcl_now(st);
	/* Without -timeout a wait in real time waits as long as it takes (as
	 * vwait does); virtual time would run on for ever at full speed, so
	 * there it stops after a day of virtual time. */
	if (timeout < 0 && st->virtual_clock)
		timeout = LACP_TCL_VIRTUAL_WAIT_MS;
	deadline = timeout < 0 ? LACP_TIME_NEVER : w.armed + LACP_MS(timeout);
	w.next = tp->waiters;
	tp->waiters = &w;
	sync_shadow(tp);
	check_waiters(tp);
	Tcl_Preserve(tp);
	if (st->virtual_clock) {
		st->advancing = true;
		/* Time moves only here: step to the next timer, condition
		 * deadline or the timeout, whichever comes first. */
		while (!w.met && !tp->deleted) {
			next = lacp_timerq_next(st->q);
			if (lacp_cond_next_time(w.cond, w.armed, st->vclock.now) < next)
				next = lacp_cond_next_time(w.cond, w.armed, st->vclock.now);
			if (next > deadline || next == LACP_TIME_NEVER) {
				if (deadline != LACP_TIME_NEVER && deadline > st->vclock.now)
					lacp_vclock_advance_to(&st->vclock, st->q, deadline);
				if (!tp->deleted)
					check_waiters(tp);
				break;
			}
			lacp_vclock_advance_to(&st->vclock, st->q, next > st->vclock.now ? next : st->vclock.now);
			if (!tp->deleted)
				check_waiters(tp);
			/* Virtual time may run on for ever (no timeout, a condition
			 * that never holds): cancellation and limits still end it. */
			if (lacp_tcl_interrupted(interp)) {
				aborted = true;
				break;
			}
		}
		st->advancing = false;
		lacp_tcl_flush_background(st);
	} else {
		if (timeout >= 0)
			timer = Tcl_CreateTimerHandler((int)timeout, wait_timeout, &timed_out);
		while (!w.met && !timed_out && !tp->deleted) {
			next = lacp_cond_next_time(w.cond, w.armed, lacp_clock_monotonic());
			if (next != LACP_TIME_NEVER) {
				Tcl_TimerToken t = Tcl_CreateTimerHandler(
					(int)((next - lacp_clock_monotonic() + 999) / 1000),
					wait_timeout, &gone);
				Tcl_DoOneEvent(TCL_ALL_EVENTS);
				Tcl_DeleteTimerHandler(t);
				gone = false;
			} else {
				Tcl_DoOneEvent(TCL_ALL_EVENTS);
			}
			if (!tp->deleted)
				check_waiters(tp);
			/* A script interrupted from outside (interp cancel, a time
			 * limit as lacpctld -t sets) ends its wait too. */
			if (Tcl_Canceled(interp, TCL_LEAVE_ERR_MSG) == TCL_ERROR ||
			    Tcl_LimitCheck(interp) == TCL_ERROR) {
				aborted = true;
				break;
			}
		}
		if (timer != NULL)
			Tcl_DeleteTimerHandler(timer);
	}
	for (pp = &tp->waiters; *pp != NULL; pp = &(*pp)->next)
		if (*pp == &w) {
			*pp = w.next;
			break;
		}
	gone = tp->deleted;
	Tcl_Release(tp);
	lacp_cond_free(w.cond);
	if (aborted)
		return TCL_ERROR;
	if (gone)
		return lacp_tcl_error(interp, "LACP LOOKUP PORT",
				      "port was destroyed while waiting");
	Tcl_SetObjResult(interp, Tcl_NewBooleanObj(w.met));
	return TCL_OK;
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
	case S_CGET: rc = port_cget(tp, interp, objc, objv); break;
	case S_CONFIGURE: rc = port_configure(tp, interp, objc, objv); break;
	case S_COUNTERS: rc = port_counters(tp, interp, objc, objv); break;
	case S_DESTROY: rc = port_destroy(tp, interp, objc, objv); break;
	case S_DISABLE: rc = port_enable(tp, interp, objc, objv, false); break;
	case S_ENABLE: rc = port_enable(tp, interp, objc, objv, true); break;
	case S_LINK: rc = port_link(tp, interp, objc, objv); break;
	case S_MEASURE: rc = lacp_tcl_measure_cmd(tp, interp, objc, objv); break;
	case S_ON: rc = port_on(tp, interp, objc, objv); break;
	case S_SEND: rc = port_send(tp, interp, objc, objv); break;
	case S_STATUS: rc = port_status(tp, interp, objc, objv); break;
	case S_WAIT: rc = port_wait(tp, interp, objc, objv); break;
	default: rc = lacp_tcl_rules_cmd(tp, interp, objc, objv); break;
	}
	Tcl_Release(tp);
	return rc;
}

/* lacp::port create NAME ... | names */
static int port_cmd(ClientData cd, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
	static const char *const subs[] = {"create", "names", NULL};
	struct lacp_tcl_state *st = cd;
	int sub;

	if (objc < 2)
		return lacp_tcl_wrong_args(interp, 1, objv, "create|names ?arg ...?");
	if (lacp_tcl_get_index(interp, objv[1], subs, "subcommand", &sub) != TCL_OK)
		return TCL_ERROR;
	if (sub == 0)
		return port_create(st, interp, objc, objv);
	if (objc != 2)
		return lacp_tcl_wrong_args(interp, 2, objv, "");
	Tcl_SetObjResult(interp, lacp_tcl_port_names(st));
	return TCL_OK;
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
