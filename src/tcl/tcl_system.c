/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * lacp::system: named system objects. A system is the core's struct
 * lacp_system (one per system id in the interpreter); a name makes it an
 * object of its own that lives until destroyed, with its identity, its
 * per-aggregator limits (-max-links, -min-links, -preempt) and the view of
 * its aggregators. Ports join a system with `-system NAME` or `-system
 * MAC`; systems made by a MAC alone have no name and go with their last
 * port.
 */
#include <stdlib.h>
#include <string.h>

#include "state.h"
#include "tcl_lacp.h"
#include "uthash.h"

struct tcl_system {
	char *name;
	Tcl_Command cmd;
	struct lacp_tcl_state *st;
	struct lacp_system *sys;
	UT_hash_handle hh;
};

/* What `create`/`configure` set; validated whole before anything applies. */
struct sys_opts {
	bool has_id, has_priority, has_max, has_min, has_preempt, has_aggs;
	uint8_t id[6];
	uint16_t priority;
	unsigned max_links, min_links, aggregators;
	bool preempt;
};

enum sopt { SOPT_ID, SOPT_PRIORITY, SOPT_MAX_LINKS, SOPT_MIN_LINKS, SOPT_PREEMPT,
	SOPT_AGGREGATORS, SOPT_COUNT };
static const char *const sopt_name[] = {"-id", "-priority", "-max-links", "-min-links",
	"-preempt", "-aggregators", NULL};

static struct tcl_system *find_named(struct lacp_tcl_state *st, const char *name)
{
	struct tcl_system *ts;

	HASH_FIND_STR(st->system_objs, name, ts);
	return ts;
}

const char *lacp_tcl_system_name(const struct lacp_system *sys)
{
	const struct tcl_system *ts = sys->user;

	return ts != NULL ? ts->name : NULL;
}

/* The system of the interpreter with ID, or NULL. */
static struct lacp_system *find_id(struct lacp_tcl_state *st, const uint8_t id[6])
{
	size_t i;

	for (i = 0; i < st->n_systems; i++)
		if (memcmp(st->systems[i]->id, id, 6) == 0)
			return st->systems[i];
	return NULL;
}

/* Whether V reads as a MAC address; leaves the interpreter's result alone
 * on success and empty otherwise. */
static bool is_mac(Tcl_Interp *interp, Tcl_Obj *v, uint8_t mac[6])
{
	if (lacp_tcl_get_mac(interp, v, "", mac) == TCL_OK)
		return true;
	Tcl_ResetResult(interp);
	return false;
}

/* A system id must be an individual (unicast) address (802.1AX 6.3.2). */
static int check_unicast(Tcl_Interp *interp, const char *option, const uint8_t id[6],
			 Tcl_Obj *v)
{
	if (id[0] & 1)
		return lacp_tcl_error(interp, "LACP VALUE MAC",
				      "%s must be an individual address, \"%s\" is a group address",
				      option, Tcl_GetString(v));
	return TCL_OK;
}

int lacp_tcl_system_resolve(Tcl_Interp *interp, struct lacp_tcl_state *st, Tcl_Obj *v,
			    uint8_t id[6])
{
	const char *s = Tcl_GetString(v);
	struct tcl_system *ts = find_named(st, s);

	if (ts != NULL) {
		memcpy(id, ts->sys->id, 6);
		return TCL_OK;
	}
	/* Names never hold a colon, so anything with one is meant as a MAC. */
	if (strchr(s, ':') == NULL && !is_mac(interp, v, id))
		return lacp_tcl_error(interp, "LACP LOOKUP SYSTEM",
				      "no system named \"%s\": -system takes a system's name "
				      "or a MAC address", s);
	if (lacp_tcl_get_mac(interp, v, "-system", id) != TCL_OK)
		return TCL_ERROR;
	return check_unicast(interp, "-system", id, v);
}

/* Reads the options at objv[first..] into *O. */
static int parse_opts(Tcl_Interp *interp, int first, int objc, Tcl_Obj *const objv[],
		      struct sys_opts *o)
{
	long n;
	int i, opt, b;

	if ((objc - first) % 2 != 0)
		return lacp_tcl_need_value(interp, objc - 1, objc, objv);
	for (i = first; i < objc; i += 2) {
		Tcl_Obj *v = objv[i + 1];

		if (lacp_tcl_get_index(interp, objv[i], sopt_name, "option", &opt) != TCL_OK)
			return TCL_ERROR;
		switch (opt) {
		case SOPT_ID:
			if (lacp_tcl_get_mac(interp, v, "-id", o->id) != TCL_OK ||
			    check_unicast(interp, "-id", o->id, v) != TCL_OK)
				return TCL_ERROR;
			o->has_id = true;
			break;
		case SOPT_PRIORITY:
			if (lacp_tcl_get_int_range(interp, v, "-priority", 0, 65535, &n) != TCL_OK)
				return TCL_ERROR;
			o->priority = (uint16_t)n;
			o->has_priority = true;
			break;
		case SOPT_MAX_LINKS:
			/* "" lifts the limit; 0 would mean no link at all. */
			if (Tcl_GetString(v)[0] == '\0')
				n = 0;
			else if (lacp_tcl_get_int_range(interp, v, "-max-links", 1, 65535, &n) != TCL_OK)
				return TCL_ERROR;
			o->max_links = (unsigned)n;
			o->has_max = true;
			break;
		case SOPT_AGGREGATORS:
			/* "": one per port (the default); 0 would leave none. */
			if (Tcl_GetString(v)[0] == '\0')
				n = 0;
			else if (lacp_tcl_get_int_range(interp, v, "-aggregators", 1, 65535, &n) != TCL_OK)
				return TCL_ERROR;
			o->aggregators = (unsigned)n;
			o->has_aggs = true;
			break;
		case SOPT_MIN_LINKS:
			if (lacp_tcl_get_int_range(interp, v, "-min-links", 1, 65535, &n) != TCL_OK)
				return TCL_ERROR;
			o->min_links = (unsigned)n;
			o->has_min = true;
			break;
		case SOPT_PREEMPT:
			if (Tcl_GetBooleanFromObj(NULL, v, &b) != TCL_OK)
				return lacp_tcl_error(interp, "LACP VALUE BOOLEAN",
						      "expected a boolean for -preempt but got \"%s\"",
						      Tcl_GetString(v));
			o->preempt = b != 0;
			o->has_preempt = true;
			break;
		}
	}
	return TCL_OK;
}

/* Applies the validated options *O to SYS; fails only for want of memory
 * (-aggregators), before anything changed. */
static int apply_opts(Tcl_Interp *interp, struct lacp_tcl_state *st, struct lacp_system *sys,
		      const struct sys_opts *o)
{
	lacp_time_t now = lacp_tcl_now(st);

	if (o->has_aggs && sys->agg_limit != o->aggregators &&
	    lacp_system_set_aggregators(sys, o->aggregators, now) != 0)
		return lacp_tcl_error(interp, "LACP NOMEM", "out of memory");
	if (o->has_id)
		lacp_system_set_id(sys, o->id, now);
	if (o->has_priority)
		lacp_system_set_priority(sys, o->priority, now);
	if (o->has_max && sys->max_ports != o->max_links)
		lacp_system_set_max_ports(sys, o->max_links, now);
	if (o->has_min && sys->min_links != o->min_links)
		lacp_system_set_min_links(sys, o->min_links, now);
	if (o->has_preempt && sys->preempt != o->preempt)
		lacp_system_set_preempt(sys, o->preempt, now);
	return TCL_OK;
}

static Tcl_Obj *get_opt(const struct lacp_system *sys, int opt)
{
	switch (opt) {
	case SOPT_ID: return lacp_tcl_mac_obj(sys->id);
	case SOPT_PRIORITY: return Tcl_NewIntObj(sys->priority);
	case SOPT_MAX_LINKS:
		return sys->max_ports ? Tcl_NewIntObj((int)sys->max_ports) : Tcl_NewObj();
	case SOPT_MIN_LINKS: return Tcl_NewIntObj(sys->min_links ? (int)sys->min_links : 1);
	case SOPT_PREEMPT: return Tcl_NewBooleanObj(sys->preempt);
	case SOPT_AGGREGATORS:
		return sys->agg_limit ? Tcl_NewIntObj((int)sys->agg_limit) : Tcl_NewObj();
	}
	return Tcl_NewObj();
}

static void put(Tcl_Obj *d, const char *key, Tcl_Obj *v)
{
	Tcl_DictObjPut(NULL, d, Tcl_NewStringObj(key, -1), v);
}

static Tcl_Obj *port_name_obj(const struct lacp_port *p)
{
	return Tcl_NewStringObj(lacp_tcl_port_name(p->ctx), -1);
}

/* One dict per aggregator of SYS, free ones included (the set is fixed). */
static Tcl_Obj *aggregators_obj(const struct lacp_system *sys)
{
	Tcl_Obj *list = Tcl_NewListObj(0, NULL);
	size_t i, j;

	for (i = 0; i < sys->n_aggs && (!sys->agg_limit || i < sys->agg_limit); i++) {
		const struct lacp_aggregator *a = sys->aggs[i];
		Tcl_Obj *d = Tcl_NewDictObj();
		Tcl_Obj *ports = Tcl_NewListObj(0, NULL), *sel = Tcl_NewListObj(0, NULL);
		Tcl_Obj *standby = Tcl_NewListObj(0, NULL), *dist = Tcl_NewListObj(0, NULL);

		for (j = 0; j < sys->n_ports; j++) {
			const struct lacp_port *p = sys->ports[j];

			if (p->zombie || p->aggregator != a->id)
				continue;
			Tcl_ListObjAppendElement(NULL, ports, port_name_obj(p));
			if (p->selected == LACP_SELECTED)
				Tcl_ListObjAppendElement(NULL, sel, port_name_obj(p));
			else if (p->selected == LACP_STANDBY)
				Tcl_ListObjAppendElement(NULL, standby, port_name_obj(p));
			if (p->actor.state & LACP_STATE_DISTRIBUTING)
				Tcl_ListObjAppendElement(NULL, dist, port_name_obj(p));
		}
		put(d, "id", Tcl_NewIntObj(a->id));
		put(d, "ports", ports);
		put(d, "selected", sel);
		put(d, "standby", standby);
		put(d, "distributing", dist);
		put(d, "partner", a->n_ports ? lacp_tcl_mac_obj(a->partner.system) : Tcl_NewObj());
		put(d, "partner_priority", a->n_ports ? Tcl_NewIntObj(a->partner.system_priority)
						      : Tcl_NewObj());
		put(d, "key", a->n_ports ? Tcl_NewIntObj(a->actor.key) : Tcl_NewObj());
		put(d, "partner_key", a->n_ports ? Tcl_NewIntObj(a->partner.key) : Tcl_NewObj());
		put(d, "individual", Tcl_NewBooleanObj(a->individual));
		Tcl_ListObjAppendElement(NULL, list, d);
	}
	return list;
}

static int system_configure(struct tcl_system *ts, Tcl_Interp *interp, int objc,
			    Tcl_Obj *const objv[])
{
	struct sys_opts o;
	struct lacp_system *other;
	int opt;

	if (objc == 2) {
		Tcl_Obj *d = Tcl_NewDictObj();

		for (opt = 0; opt < SOPT_COUNT; opt++)
			put(d, sopt_name[opt], get_opt(ts->sys, opt));
		Tcl_SetObjResult(interp, d);
		return TCL_OK;
	}
	if (objc == 3) {
		if (lacp_tcl_get_index(interp, objv[2], sopt_name, "option", &opt) != TCL_OK)
			return TCL_ERROR;
		Tcl_SetObjResult(interp, get_opt(ts->sys, opt));
		return TCL_OK;
	}
	memset(&o, 0, sizeof o);
	if (parse_opts(interp, 2, objc, objv, &o) != TCL_OK)
		return TCL_ERROR;
	if (o.has_id && (other = find_id(ts->st, o.id)) != NULL && other != ts->sys)
		return lacp_tcl_error(interp, "LACP EXISTS SYSTEM",
				      "another system already has id %s",
				      Tcl_GetString(get_opt(other, SOPT_ID)));
	return apply_opts(interp, ts->st, ts->sys, &o);
}

static int system_status(struct tcl_system *ts, Tcl_Interp *interp)
{
	const struct lacp_system *sys = ts->sys;
	Tcl_Obj *d = Tcl_NewDictObj(), *ports = Tcl_NewListObj(0, NULL);
	unsigned standby = 0;
	size_t i;

	for (i = 0; i < sys->n_ports; i++) {
		if (sys->ports[i]->zombie)
			continue;
		Tcl_ListObjAppendElement(NULL, ports, port_name_obj(sys->ports[i]));
		standby += sys->ports[i]->selected == LACP_STANDBY;
	}
	put(d, "name", Tcl_NewStringObj(ts->name, -1));
	put(d, "id", get_opt(sys, SOPT_ID));
	put(d, "priority", get_opt(sys, SOPT_PRIORITY));
	put(d, "max_links", get_opt(sys, SOPT_MAX_LINKS));
	put(d, "min_links", get_opt(sys, SOPT_MIN_LINKS));
	put(d, "preempt", get_opt(sys, SOPT_PREEMPT));
	put(d, "aggregator_limit", get_opt(sys, SOPT_AGGREGATORS));
	put(d, "ports", ports);
	put(d, "standby", Tcl_NewIntObj((int)standby));
	put(d, "aggregators", aggregators_obj(sys));
	Tcl_SetObjResult(interp, d);
	return TCL_OK;
}

static int system_obj_cmd(ClientData cd, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
	static const char *const subs[] = {"aggregators", "cget", "configure", "destroy",
		"status", NULL};
	enum { S_AGGS, S_CGET, S_CONFIGURE, S_DESTROY, S_STATUS };
	struct tcl_system *ts = cd;
	int sub;

	if (objc < 2)
		return lacp_tcl_wrong_args(interp, 1, objv, "subcommand ?arg ...?");
	if (lacp_tcl_get_index(interp, objv[1], subs, "subcommand", &sub) != TCL_OK)
		return TCL_ERROR;
	switch (sub) {
	case S_AGGS:
		if (objc != 2)
			return lacp_tcl_wrong_args(interp, 2, objv, "");
		Tcl_SetObjResult(interp, aggregators_obj(ts->sys));
		return TCL_OK;
	case S_CGET:
		if (objc != 3)
			return lacp_tcl_wrong_args(interp, 2, objv, "-option");
		return system_configure(ts, interp, objc, objv);
	case S_CONFIGURE:
		return system_configure(ts, interp, objc, objv);
	case S_DESTROY:
		if (objc != 2)
			return lacp_tcl_wrong_args(interp, 2, objv, "");
		for (size_t i = 0; i < ts->sys->n_ports; i++)
			if (!ts->sys->ports[i]->zombie)
				return lacp_tcl_error(interp, "LACP BUSY SYSTEM",
						      "system \"%s\" still has ports: destroy them "
						      "or move them to another system first",
						      ts->name);
		Tcl_DeleteCommandFromToken(interp, ts->cmd);
		return TCL_OK;
	case S_STATUS:
		if (objc != 2)
			return lacp_tcl_wrong_args(interp, 2, objv, "");
		return system_status(ts, interp);
	}
	return TCL_OK;
}

/* The command is gone: the system loses its name, and goes when no port
 * uses it (at once, or with its last port). */
static void system_delete(ClientData cd)
{
	struct tcl_system *ts = cd;
	struct lacp_tcl_state *st = ts->st;

	HASH_DEL(st->system_objs, ts);
	ts->sys->user = NULL;
	lacp_tcl_systems_gc(st);
	free(ts->name);
	free(ts);
}

/* An id no system of ST has: the default one with its last octets changed. */
static void generated_id(struct lacp_tcl_state *st, uint8_t id[6])
{
	do {
		unsigned long n = ++st->system_serial;

		memcpy(id, st->default_system_id, 6);
		id[0] = (uint8_t)((id[0] | 0x02) & ~0x01); /* local, individual */
		id[3] ^= 0x5a;
		id[4] ^= (uint8_t)(n >> 8);
		id[5] ^= (uint8_t)n;
	} while (find_id(st, id) != NULL);
}

/* lacp::system create NAME ?-option value ...? */
static int system_create(struct lacp_tcl_state *st, Tcl_Interp *interp, int objc,
			 Tcl_Obj *const objv[])
{
	struct tcl_system *ts;
	struct lacp_system *sys;
	struct sys_opts o;
	Tcl_CmdInfo info;
	uint8_t mac[6];
	const char *name;

	if (objc < 3)
		return lacp_tcl_wrong_args(interp, 2, objv, "NAME ?-option value ...?");
	name = Tcl_GetString(objv[2]);
	if (name[0] == '\0' || name[0] == '-' || strchr(name, ':') != NULL ||
	    is_mac(interp, objv[2], mac))
		return lacp_tcl_error(interp, "LACP VALUE NAME",
				      "\"%s\" cannot name a system (empty, a leading -, a colon "
				      "or a MAC address)", name);
	if (find_named(st, name) != NULL || Tcl_GetCommandInfo(interp, name, &info))
		return lacp_tcl_error(interp, "LACP EXISTS SYSTEM",
				      "a command named \"%s\" already exists", name);
	memset(&o, 0, sizeof o);
	if (parse_opts(interp, 3, objc, objv, &o) != TCL_OK)
		return TCL_ERROR;
	if (!o.has_id) {
		generated_id(st, o.id);
		o.has_id = true;
	}
	sys = find_id(st, o.id);
	if (sys != NULL && sys->user != NULL)
		return lacp_tcl_error(interp, "LACP EXISTS SYSTEM",
				      "system \"%s\" already has id %s",
				      lacp_tcl_system_name(sys), Tcl_GetString(get_opt(sys, SOPT_ID)));
	/* A system its ports made by MAC gets the name: one system per id. */
	if (sys == NULL)
		sys = lacp_tcl_system(st, o.id, o.has_priority ? o.priority : 32768);
	ts = calloc(1, sizeof *ts);
	if (sys == NULL || ts == NULL || (ts->name = strdup(name)) == NULL) {
		free(ts);
		lacp_tcl_systems_gc(st);
		return lacp_tcl_error(interp, "LACP NOMEM", "out of memory");
	}
	ts->st = st;
	ts->sys = sys;
	sys->user = ts;
	HASH_ADD_KEYPTR(hh, st->system_objs, ts->name, strlen(ts->name), ts);
	o.has_id = false; /* it has it */
	if (apply_opts(interp, st, sys, &o) != TCL_OK) {
		HASH_DEL(st->system_objs, ts);
		sys->user = NULL;
		lacp_tcl_systems_gc(st);
		free(ts->name);
		free(ts);
		return TCL_ERROR;
	}
	ts->cmd = Tcl_CreateObjCommand(interp, name, system_obj_cmd, ts, system_delete);
	Tcl_SetObjResult(interp, objv[2]);
	return TCL_OK;
}

/* The names of the system objects. */
static Tcl_Obj *system_names(const struct lacp_tcl_state *st)
{
	Tcl_Obj *list = Tcl_NewListObj(0, NULL);
	struct tcl_system *ts, *tmp;

	HASH_ITER(hh, st->system_objs, ts, tmp)
		Tcl_ListObjAppendElement(NULL, list, Tcl_NewStringObj(ts->name, -1));
	return list;
}

/* lacp::system create|names */
static int system_cmd(ClientData cd, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
	return lacp_tcl_create_names(cd, interp, objc, objv, system_create, system_names);
}

int lacp_tcl_system_register(Tcl_Interp *interp, struct lacp_tcl_state *st)
{
	Tcl_CreateObjCommand(interp, "::lacp::system", system_cmd, st, NULL);
	return TCL_OK;
}
