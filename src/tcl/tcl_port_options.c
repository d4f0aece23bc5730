/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The options of lacp::port: the option table, reading and checking each
 * -option value pair into a struct port_opts (validated whole before
 * anything is applied), the current value of each, and the configure and
 * cget subcommands.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tcl_lacp.h"
#include "tcl_port.h"

void lacp_tcl_port_opts_free(struct port_opts *o)
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
		lacp_tcl_port_opts_free(to);
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

/* Reads -option value pairs into *O, checking each. */
int lacp_tcl_port_parse_opts(Tcl_Interp *interp, int first, int objc, Tcl_Obj *const objv[],
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

/* ---- subcommands */

/* NAME configure ?-option ?value ...?? */
int lacp_tcl_port_configure(struct tcl_port *tp, Tcl_Interp *interp, int objc,
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
	rc = lacp_tcl_port_parse_opts(interp, 2, objc, objv, &o, false);
	if (rc == TCL_OK)
		rc = lacp_tcl_port_apply_opts(interp, tp, &o);
	lacp_tcl_port_opts_free(&o);
	return rc;
}

/* NAME cget -option */
int lacp_tcl_port_cget(struct tcl_port *tp, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
	int opt;

	if (objc != 3)
		return lacp_tcl_wrong_args(interp, 2, objv, "-option");
	if (lacp_tcl_get_index(interp, objv[2], opt_name, "option", &opt) != TCL_OK)
		return TCL_ERROR;
	Tcl_SetObjResult(interp, get_opt(tp, opt));
	return TCL_OK;
}
