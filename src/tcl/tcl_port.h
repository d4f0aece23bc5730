/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What the three files of lacp::port share and no other file sees: the
 * port object (tcl_port.c), its options (tcl_port_options.c) and its
 * events (tcl_port_events.c). The rest of the Tcl layer uses tcl_lacp.h.
 */
#ifndef LACP_TCL_PORT_H
#define LACP_TCL_PORT_H

#include <stdbool.h>
#include <stdint.h>
#include <tcl.h>

#include "tcl_lacp.h"
#include "uthash.h"

/* Events a script can be bound to with `NAME on EVENT SCRIPT`. */
enum on_event { ON_RX, ON_TX, ON_STATE, ON_MUX, ON_SELECTED, ON_EXPIRED,
	ON_CHURN, ON_TRANSITION, ON_LOOPBACK, ON_COUNT };

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

static inline void put(Tcl_Obj *d, const char *key, Tcl_Obj *value)
{
	Tcl_DictObjPut(NULL, d, Tcl_NewStringObj(key, -1), value);
}

/* ---- tcl_port_options.c */

void lacp_tcl_port_opts_free(struct port_opts *o);
/* Reads -option value pairs from OBJV[FIRST..] into *O, checking each. */
int lacp_tcl_port_parse_opts(Tcl_Interp *interp, int first, int objc, Tcl_Obj *const objv[],
			     struct port_opts *o, bool creating);
int lacp_tcl_port_configure(struct tcl_port *tp, Tcl_Interp *interp, int objc,
			    Tcl_Obj *const objv[]);
int lacp_tcl_port_cget(struct tcl_port *tp, Tcl_Interp *interp, int objc,
		       Tcl_Obj *const objv[]);

/* ---- tcl_port.c */

/* Applies the validated options *O to TP (taking them over). */
int lacp_tcl_port_apply_opts(Tcl_Interp *interp, struct tcl_port *tp, struct port_opts *o);

/* ---- tcl_port_events.c */

/* Sets the shadow view from the port itself (outside any dispatch). */
void lacp_tcl_port_sync_shadow(struct tcl_port *tp);
/* The core's event and action callbacks (struct lacp_port_ops). */
void lacp_tcl_port_event(void *ctx, struct lacp_port *p, const struct lacp_event *ev);
int lacp_tcl_port_action(void *ctx, struct lacp_port *p, const struct lacp_rule *r,
			 const struct lacp_action *a, lacp_time_t now);
int lacp_tcl_port_on(struct tcl_port *tp, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[]);
int lacp_tcl_port_wait(struct tcl_port *tp, Tcl_Interp *interp, int objc,
		       Tcl_Obj *const objv[]);

#endif
