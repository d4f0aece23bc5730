/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What the files of the Tcl binding (src/tcl_*.c) share: the
 * per-interpreter state, error reporting, and each file's registration.
 */
#ifndef LACP_TCL_LACP_H
#define LACP_TCL_LACP_H

#include <stdint.h>
#include <tcl.h>

#define LACP_ASSOC_KEY "lacp"

/* Tcl 9 counts with Tcl_Size; 8.6 with int. */
#ifndef TCL_SIZE_MAX
typedef int Tcl_Size;
#endif

#include <stdbool.h>

#include "clock.h"
#include "rules.h"
#include "sm.h"
#include "wire.h"

struct tcl_port;
struct tcl_wire;
struct tcl_ns;
struct tcl_trace;

/* The state of the package in one interpreter. */
struct tcl_port;
struct lacp_event;

/* An observer of port events (see lacp_tcl_observe). */
typedef void lacp_tcl_observer_fn(struct tcl_port *tp, const struct lacp_event *ev);
#define LACP_TCL_MAX_OBSERVERS 8

struct lacp_tcl_state {
	Tcl_Interp *interp;
	struct lacp_timerq *q;       /* every deadline of every port and wire */
	bool virtual_clock;
	struct lacp_vclock vclock;
	bool timer_queued;           /* real mode: the queue's event is queued */
	bool running;                /* inside lacp_timerq_run */
	bool advancing;              /* virtual time is being moved */
	uint8_t default_system_id[6];
	bool default_system_fixed;   /* taken from the first interface used */
	struct tcl_ns *namespaces;   /* network namespaces with ports */
	struct lacp_system **systems; /* one per system id in use */
	size_t n_systems;
	struct tcl_system *system_objs; /* named systems, uthash by name */
	unsigned long system_serial;    /* for generated system ids */
	struct tcl_port *ports;      /* uthash by name */
	struct tcl_wire *wires;      /* uthash by name */
	unsigned long port_serial;   /* for generated MAC addresses */
	struct tcl_trace *trace;     /* lacp::trace, NULL until first used */
	bool bg_pending;             /* a background error waits for bgerror */
	/* Consumers of every port's core events, in registration order. */
	lacp_tcl_observer_fn *observers[LACP_TCL_MAX_OBSERVERS];
	int n_observers;
};

/* Every command family that consumes port events (trace, log, measurement
 * marks, rules, hooks) registers one observer when its commands are made;
 * a port hands each of its core events to them in order, then to its own
 * waiters and `on` scripts. A port names none of them. */
void lacp_tcl_observe(struct lacp_tcl_state *st, lacp_tcl_observer_fn *fn);

struct lacp_tcl_state *lacp_tcl_state_new(Tcl_Interp *interp);
void lacp_tcl_state_free(struct lacp_tcl_state *st);

/* Creates every ::lacp command (lacp_tcl_register calls each family's
 * registration; the families do not call one another's). */
int lacp_tcl_register(Tcl_Interp *interp, struct lacp_tcl_state *st);

/* Registration of each command family, called by lacp_tcl_register. */
int lacp_tcl_pdu_register(Tcl_Interp *interp, struct lacp_tcl_state *st);
int lacp_tcl_sim_register(Tcl_Interp *interp, struct lacp_tcl_state *st);
int lacp_tcl_port_register(Tcl_Interp *interp, struct lacp_tcl_state *st);
int lacp_tcl_trace_register(Tcl_Interp *interp, struct lacp_tcl_state *st);
int lacp_tcl_measure_register(Tcl_Interp *interp, struct lacp_tcl_state *st);

/* Whether the trace records. */
bool lacp_tcl_trace_on(const struct lacp_tcl_state *st);

/* Records event dict D (given "event" and its fields) of PORT at TIME in
 * the trace; D is freed when tracing is off. */
void lacp_tcl_trace_record(struct lacp_tcl_state *st, const char *port, lacp_time_t time,
			   Tcl_Obj *d);

/* Measurement (tcl_measure.c): `NAME measure ?-reset?`; the marks of a
 * port's measurement in the trace, taken on each of its events; whether
 * new ports measure (LACP_MEASURE=off in the environment: not, for the
 * benchmark that compares). */
int lacp_tcl_measure_cmd(struct tcl_port *tp, Tcl_Interp *interp, int objc,
			 Tcl_Obj *const objv[]);
bool lacp_tcl_measure_wanted(void);
/* When the next frame of TP really arrived (a kernel receive stamp). */
void lacp_tcl_measure_stamp(struct tcl_port *tp, lacp_time_t stamp);
/* When the frame TP just sent really left. */
void lacp_tcl_measure_tx_stamp(struct tcl_port *tp, lacp_time_t stamp);

/* The time now on the interpreter's clock (real or virtual). */
lacp_time_t lacp_tcl_now(const struct lacp_tcl_state *st);

/* Reports the error in INTERP's result in the background (bgerror), and
 * notes it so that lacp_tcl_flush_background() reports it in time. */
void lacp_tcl_background_error(Tcl_Interp *interp);

/* Runs bgerror for the errors noted since the last call: a script that
 * drives virtual time (lacp::clock advance, NAME wait) never reaches the
 * event loop's idle handlers that otherwise would. */
void lacp_tcl_flush_background(struct lacp_tcl_state *st);

/* The system with ID (created with PRIORITY when new), or NULL (no memory). */
struct lacp_system *lacp_tcl_system(struct lacp_tcl_state *st, const uint8_t id[6],
				    uint16_t priority);
/* Frees systems that no port uses any more and that have no name. */
void lacp_tcl_systems_gc(struct lacp_tcl_state *st);

/* Named systems (tcl_system.c): lacp::system. A port's -system VALUE is a
 * system's name or a MAC (an individual address); the id in *ID. */
struct tcl_system;
int lacp_tcl_system_register(Tcl_Interp *interp, struct lacp_tcl_state *st);
int lacp_tcl_system_resolve(Tcl_Interp *interp, struct lacp_tcl_state *st, Tcl_Obj *v,
			    uint8_t id[6]);
/* The name of SYS, or NULL for a system its ports made by MAC. */
const char *lacp_tcl_system_name(const struct lacp_system *sys);

/* Wires, for ports: look up by name; attach a port to a free end. */
struct tcl_wire *lacp_tcl_wire_find(struct lacp_tcl_state *st, const char *name);
/*
 * A port's transport: an in-process wire (tcl_sim.c) or a Linux interface
 * (tcl_iface.c), each behind the same calls. What arrives comes back
 * through lacp_tcl_port_frame and lacp_tcl_port_carrier.
 */
struct lacp_tcl_transport;
struct lacp_tcl_transport_ops {
	/* Puts FRAME on the link at NOW: 0, or a negative errno. */
	int (*send)(struct lacp_tcl_transport *t, const uint8_t *frame, size_t len,
		    lacp_time_t now);
	/* The link up or down: an interface's admin state through netlink,
	 * a wire restored or cut. TCL_OK, or TCL_ERROR with a message. */
	int (*set_link)(Tcl_Interp *interp, struct lacp_tcl_transport *t, bool up,
			lacp_time_t now);
	void (*close)(struct lacp_tcl_transport *t);
};
struct lacp_tcl_transport {
	const struct lacp_tcl_transport_ops *ops; /* NULL: none */
	void *ctx; /* the tcl_wire, or the tcl_ns of the interface */
	int id;    /* the wire's end, or the interface's index */
};

/* Attaches port TP to a free end of wire W: fills *OUT. */
int lacp_tcl_wire_attach(Tcl_Interp *interp, struct tcl_wire *w, struct tcl_port *tp,
			 struct lacp_tcl_transport *out);
bool lacp_tcl_wire_is_cut(const struct tcl_wire *w);
const char *lacp_tcl_wire_name(const struct tcl_wire *w);
/* The name of the port on the other end than END, or NULL. */
const char *lacp_tcl_wire_peer(const struct tcl_wire *w, int end);

const char *lacp_tcl_port_name(const struct tcl_port *tp);

/* What opening a port's interface found. */
struct lacp_tcl_iface {
	struct lacp_tcl_transport tr;
	uint8_t mac[6];
	bool carrier; /* admin up and carrier */
};

/* Interfaces (tcl_iface.c): opens one for port TP in namespace NETNS
 * (NULL = own); the transport in OUT sends on it, sets its admin state
 * through netlink and closes it. */
int lacp_tcl_iface_open(Tcl_Interp *interp, struct lacp_tcl_state *st, const char *netns,
			const char *ifname, struct tcl_port *tp, struct lacp_tcl_iface *out);

/* Transports call these for a port: a frame arrived, the carrier changed. */
void lacp_tcl_port_frame(struct tcl_port *tp, const uint8_t *frame, size_t len,
			 lacp_time_t now);
void lacp_tcl_port_carrier(struct tcl_port *tp, bool up, lacp_time_t now);

/* What the inject rules use of a port (tcl_port.c). */
struct tcl_rules;
struct lacp_port *lacp_tcl_port_core(struct tcl_port *tp);
struct lacp_tcl_state *lacp_tcl_port_state(struct tcl_port *tp);
Tcl_Interp *lacp_tcl_port_interp(struct tcl_port *tp);
struct tcl_rules **lacp_tcl_port_rules(struct tcl_port *tp);
bool lacp_tcl_port_deleted(const struct tcl_port *tp);
int lacp_tcl_port_set_link(Tcl_Interp *interp, struct tcl_port *tp, bool up);
/* `NAME send ...` with objv as that command's words (objv[2..] options). */
int lacp_tcl_port_send(struct tcl_port *tp, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[]);

/* The source address of TP's frames (RX: of the last frame received),
 * and the port at the other end of its wire, or NULL. */
const uint8_t *lacp_tcl_port_src(const struct tcl_port *tp, bool rx);
const char *lacp_tcl_port_link(const struct tcl_port *tp);

/* The -interface of TP, or NULL for a port on a wire. */
const char *lacp_tcl_port_interface(const struct tcl_port *tp);

/* The package log (tcl_log.c), lacpd's levels. */
enum { LACP_LOG_DEBUG = 10, LACP_LOG_INFO = 20, LACP_LOG_WARNING = 30,
	LACP_LOG_ERROR = 40, LACP_LOG_CRITICAL = 50 };
bool lacp_tcl_log_enabled(Tcl_Interp *interp, int level);
void lacp_tcl_log(Tcl_Interp *interp, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The name in log lines: the interface, else the port's name. */
const char *lacp_tcl_log_port_label(const struct tcl_port *tp);

/* Registration of the commands of tcl_rules.c, tcl_log.c and tcl_unix.c
 * (lacp::inject, lacp::log, lacp::unix), called by lacp_tcl_register. */
int lacp_tcl_rules_register(Tcl_Interp *interp, struct lacp_tcl_state *st);
int lacp_tcl_log_register(Tcl_Interp *interp, struct lacp_tcl_state *st);
int lacp_tcl_unix_register(Tcl_Interp *interp, struct lacp_tcl_state *st);

/* The inject rules of a port (tcl_rules.c): `NAME when|inject|rules ...`
 * (objv[1] says which), the core's rule events (fired, exit), the actions
 * only the host runs (send, link, script: 0, or -1 after an error
 * reported in the background), and cleanup. */
struct lacp_rule;
struct lacp_action;
int lacp_tcl_rules_cmd(struct tcl_port *tp, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[]);
int lacp_tcl_rules_action(struct tcl_port *tp, const struct lacp_rule *r,
			  const struct lacp_action *a);
void lacp_tcl_rules_free(struct tcl_port *tp);

/* Event hooks (tcl_hook.c, lacp::hook): the executable called as
 * `COMMAND EVENT PORT key=value ...` on the events that matter to an
 * operator. Port events reach it as an observer; carrier changes come from
 * the port (lacp_tcl_hook_link) and rule firings from the rules
 * (lacp_tcl_hook_rule); other event sources call lacp_tcl_hook_emit()
 * with their own EVENT and words. */
int lacp_tcl_hook_register(Tcl_Interp *interp, struct lacp_tcl_state *st);
bool lacp_tcl_hook_on(Tcl_Interp *interp);
void lacp_tcl_hook_emit(Tcl_Interp *interp, const char *event, const char *port,
			const char *const *kv, int n_kv);
void lacp_tcl_hook_link(struct tcl_port *tp, bool up);
void lacp_tcl_hook_rule(struct tcl_port *tp, int id, unsigned long fired, const char *text);
/* The measurement saw the partner break the transmit limit: LACPDUS in
 * one fast_periodic_time window. */
void lacp_tcl_hook_violation(struct tcl_port *tp, unsigned long lacpdus);

/* How long `NAME wait` without -timeout lasts in virtual time: a day. */
#define LACP_TCL_VIRTUAL_WAIT_MS 86400000L

/* Number of ports and wires alive, and the ports' names as a list. */
unsigned lacp_tcl_port_count(const struct lacp_tcl_state *st);
Tcl_Obj *lacp_tcl_port_names(const struct lacp_tcl_state *st);
unsigned lacp_tcl_wire_count(const struct lacp_tcl_state *st);

/* Reads the options of `lacp::pdu build` at objv[first..] into *C; option
 * values that are lists of TLVs keep their octets in POOL (POOL_CAP). */
struct lacp_craft;
struct lacp_craft_tlv;
int lacp_tcl_craft_options(Tcl_Interp *interp, int first, int objc, Tcl_Obj *const objv[],
			   struct lacp_craft *c, struct lacp_craft_tlv *tlvs,
			   uint8_t *pool, size_t pool_cap);
#define LACP_TCL_MAX_CRAFT_TLVS 32
#define LACP_TCL_MAX_PDU 4096

/* The parse dict of a decoded PDU (lacp::pdu parse). */
struct lacp_decoded;
Tcl_Obj *lacp_tcl_decoded_obj(const struct lacp_decoded *dec);

/*
 * Leaves a formatted message in the result and sets -errorcode to the
 * words given (a NULL-terminated list after FMT's arguments is not
 * possible in C, so CODE is a Tcl list string such as "LACP VALUE STATE").
 * Returns TCL_ERROR.
 */
int lacp_tcl_error(Tcl_Interp *interp, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* "wrong # args" with -errorcode {LACP ARGS}; returns TCL_ERROR. */
int lacp_tcl_wrong_args(Tcl_Interp *interp, int objc, Tcl_Obj *const objv[],
			const char *msg);

/*
 * lacp::FAMILY create NAME ?...? | names: the command of an object family.
 * CREATE makes the object from the whole command line; NAMES lists the
 * objects there are.
 */
int lacp_tcl_create_names(struct lacp_tcl_state *st, Tcl_Interp *interp, int objc,
			  Tcl_Obj *const objv[],
			  int (*create)(struct lacp_tcl_state *, Tcl_Interp *, int,
					Tcl_Obj *const[]),
			  Tcl_Obj *(*names)(const struct lacp_tcl_state *));

/*
 * Tcl_GetIndexFromObj with a LACP -errorcode: {LACP OPTION NAME} for an
 * unknown option (WHAT "option") or {LACP VALUE NAME} for other words.
 */
int lacp_tcl_get_index(Tcl_Interp *interp, Tcl_Obj *obj, const char *const *table,
		       const char *what, int *index);

/* Checks that an option at objv[i] has a value after it. */
int lacp_tcl_need_value(Tcl_Interp *interp, int i, int objc, Tcl_Obj *const objv[]);

/* Reads a byte string: a bytearray, or any string as its UTF-8 octets. */
const unsigned char *lacp_tcl_get_bytes(Tcl_Obj *obj, Tcl_Size *len);

/* Hex text "0a1b.." <-> octets; errors name OPTION. */
Tcl_Obj *lacp_tcl_hex_obj(const uint8_t *data, size_t len);
int lacp_tcl_get_hex(Tcl_Interp *interp, Tcl_Obj *obj, const char *option,
		     uint8_t *buf, size_t cap, size_t *len);

/* Reads an integer option value within [MIN, MAX]; errors name OPTION. */
int lacp_tcl_get_int_range(Tcl_Interp *interp, Tcl_Obj *obj, const char *option,
			   long min, long max, long *out);

/* Whether the running script was cancelled or ran past its time limit,
 * leaving Tcl's error if so (for loops that move virtual time). */
bool lacp_tcl_interrupted(Tcl_Interp *interp);

/* Puts the fields shared by every view of a machine event (transition,
 * expiry, aggregator, churn, loopback) into dict D; false for others. */
struct lacp_event;
bool lacp_tcl_event_fields(Tcl_Obj *d, const struct lacp_event *ev);

/* Parses "aa:bb:cc:dd:ee:ff" (or with '-'); errors name OPTION. */
int lacp_tcl_get_mac(Tcl_Interp *interp, Tcl_Obj *obj, const char *option,
		     uint8_t mac[6]);
Tcl_Obj *lacp_tcl_mac_obj(const uint8_t mac[6]);

/* The dict of one Actor/Partner Information TLV (keys of `status` actor). */
struct lacp_info;
Tcl_Obj *lacp_tcl_info_obj(const struct lacp_info *info);

/* Parses a state string (letters, hex, decimal); errors name the bad character. */
int lacp_tcl_get_state(Tcl_Interp *interp, Tcl_Obj *obj, uint8_t *out);
Tcl_Obj *lacp_tcl_state_obj(uint8_t state);

#endif
