/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The per-port machines of 802.1AX-2014 clause 6.4 and the Selection Logic
 * of an emulated system: Receive (6.4.12), Periodic Transmission (6.4.13),
 * Selection Logic (6.4.14), Mux (6.4.15, coupled and independent control),
 * Transmit (6.4.16) and Churn Detection (6.4.17).
 *
 * Pure: the inputs are received PDUs, management changes and "the time is
 * now t"; the outputs are PDUs to send and events (callbacks) and deadlines
 * (each port keeps one timer armed in its system's queue). No I/O, no clock
 * reads, no printing. Several systems can live in one process.
 *
 * Every input runs the machines of the port's system until nothing changes,
 * then transmits what is pending (NTT, marker responses, host PDUs), then
 * emits the events collected on the way, in order. A callback may call any
 * function of this file again (also for other ports): the machines are
 * settled when callbacks run, and nested inputs are folded into the running
 * dispatch (run again afterwards), never recursing into a half-run machine.
 * lacp_system_free() and lacp_timerq_run() are the exceptions: not from a
 * callback of that system.
 */
#ifndef LACP_SM_H
#define LACP_SM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clock.h"
#include "lacpdu.h"

/* ---- machines and their states (names as in DESIGN.md's status dict) */

/* The machines whose states are counted and reported. */
enum lacp_machine {
	LACP_M_RX,            /* Receive machine, 6.4.12 */
	LACP_M_PERIODIC,      /* Periodic Transmission machine, 6.4.13 */
	LACP_M_SELECTION,     /* Selection Logic's Selected variable, 6.4.14 */
	LACP_M_MUX,           /* Mux machine, 6.4.15 */
	LACP_M_ACTOR_CHURN,   /* Actor Churn Detection machine, 6.4.17 */
	LACP_M_PARTNER_CHURN, /* Partner Churn Detection machine, 6.4.17 */
	LACP_M_COUNT
};
/* "rx" "periodic" "selected" "mux" "actor_churn" "partner_churn" */
extern const char *const lacp_machine_name[LACP_M_COUNT];

/* The state "before BEGIN", used as FROM of a port's first transitions. */
#define LACP_STATE_BEGIN (-1)
/* No machine has more states than this. */
#define LACP_SM_MAX_STATES 7

enum lacp_rx_state {
	LACP_RX_INITIALIZE,
	LACP_RX_PORT_DISABLED,
	LACP_RX_EXPIRED,
	LACP_RX_LACP_DISABLED,
	LACP_RX_DEFAULTED,
	LACP_RX_CURRENT,
	LACP_RX_COUNT
};
extern const char *const lacp_rx_state_name[LACP_RX_COUNT];

enum lacp_periodic_state {
	LACP_PERIODIC_NO_PERIODIC,
	LACP_PERIODIC_FAST_PERIODIC,
	LACP_PERIODIC_SLOW_PERIODIC,
	LACP_PERIODIC_PERIODIC_TX,
	LACP_PERIODIC_COUNT
};
extern const char *const lacp_periodic_state_name[LACP_PERIODIC_COUNT];

enum lacp_mux_state {
	LACP_MUX_DETACHED,
	LACP_MUX_WAITING,
	LACP_MUX_ATTACHED,
	LACP_MUX_COLLECTING,   /* independent control only */
	LACP_MUX_DISTRIBUTING, /* independent control only */
	LACP_MUX_COLLECTING_DISTRIBUTING, /* coupled control only */
	/* 802.1AX-2020 wait-to-restore, only with a wtr time: attached and in
	 * sync, held from collecting until the time is over. */
	LACP_MUX_ATTACHED_WTR,
	LACP_MUX_COUNT
};
extern const char *const lacp_mux_state_name[LACP_MUX_COUNT];

/* The Selected variable (6.4.8). */
enum lacp_selected {
	LACP_UNSELECTED,
	LACP_SELECTED,
	LACP_STANDBY,
	LACP_SELECTED_COUNT
};
extern const char *const lacp_selected_name[LACP_SELECTED_COUNT];

enum lacp_actor_churn_state {
	LACP_ACTOR_CHURN_MONITOR,
	LACP_NO_ACTOR_CHURN,
	LACP_ACTOR_CHURN,
	LACP_ACTOR_CHURN_COUNT
};
/* "ACTOR_CHURN_MONITOR" "NO_ACTOR_CHURN" "ACTOR_CHURN" */
extern const char *const lacp_actor_churn_state_name[LACP_ACTOR_CHURN_COUNT];

enum lacp_partner_churn_state {
	LACP_PARTNER_CHURN_MONITOR,
	LACP_NO_PARTNER_CHURN,
	LACP_PARTNER_CHURN,
	LACP_PARTNER_CHURN_COUNT
};
extern const char *const lacp_partner_churn_state_name[LACP_PARTNER_CHURN_COUNT];

/* How many states machine M has. */
int lacp_machine_state_count(enum lacp_machine m);

/* The name of STATE of machine M; "BEGIN" for LACP_STATE_BEGIN, NULL when
 * out of range. */
const char *lacp_machine_state_name(enum lacp_machine m, int state);

/* The state of machine M whose name is NAME (exact, upper case), or -1. */
int lacp_machine_state_lookup(enum lacp_machine m, const char *name);

/* ---- configuration */

/*
 * Every time constant of the machines (802.1AX-2014 6.4.4), per port, so a
 * tester can run a 2.9 s timeout or a 1.5 s period.
 */
struct lacp_timing {
	lacp_time_t fast_periodic;   /* Fast_Periodic_Time, 1 s */
	lacp_time_t slow_periodic;   /* Slow_Periodic_Time, 30 s */
	lacp_time_t short_timeout;   /* Short_Timeout_Time, 3 s */
	lacp_time_t long_timeout;    /* Long_Timeout_Time, 90 s */
	lacp_time_t aggregate_wait;  /* Aggregate_Wait_Time, 2 s */
	lacp_time_t churn_detection; /* Churn_Detection_Time, 60 s */
	/* At most this many LACPDUs in any fast_periodic interval (6.4.16:
	 * 3); 0 means no limit. Clamped to LACP_TX_LIMIT_MAX. */
	unsigned tx_limit;
};
#define LACP_TX_LIMIT_MAX 16

struct lacp_timing lacp_timing_default(void);

/* How a port checks what it receives: as 802.1AX says (version 2 and
 * later PDUs read past, illegal frames dropped), strictly (anything but a
 * plain 110-octet version 1 LACPDU dropped), or leniently (every Slow
 * Protocols frame but a Marker read as a LACPDU at the fixed offsets). */
enum lacp_rx_check { LACP_RX_CHECK_STANDARD, LACP_RX_CHECK_STRICT, LACP_RX_CHECK_LENIENT };
/*
 * LACP fallback, as switches ship it (not 802.1AX): a port that hears no
 * LACPDU for fallback_timeout, once DEFAULTED, comes up on its own
 * (INDIVIDUAL: its own aggregator) or in a static aggregate with the
 * other fallback ports of its key (STATIC), as if a partner in sync had
 * said so; the first LACPDU ends it.
 */
enum lacp_fallback { LACP_FALLBACK_NONE, LACP_FALLBACK_INDIVIDUAL, LACP_FALLBACK_STATIC };

/* What management sets on a port (the aAggPort... admin objects). */
struct lacp_port_config {
	bool active;        /* LACP_Activity: true = active */
	bool short_timeout; /* LACP_Timeout: true = short (fast rate) */
	bool aggregatable;  /* Aggregation: false = Individual */
	bool lacp_enabled;  /* LACP_Enabled (6.4.8); false drives LACP_DISABLED */
	uint16_t key;       /* Actor_Oper_Port_Key */
	uint16_t port_number;
	uint16_t port_priority;
	uint16_t collector_max_delay; /* sent in the Collector TLV */
	bool independent_control; /* Mux with separate COLLECTING/DISTRIBUTING */
	bool tx_limit_bypass;     /* ignore timing.tx_limit */
	/* Tester knobs that make a port misbehave on purpose (the negative
	 * controls of the conformance suite): no Marker Responder (6.5.4.2),
	 * and the receive check, enum lacp_rx_check. */
	bool no_marker_responder;
	unsigned char rx_check;
	struct lacp_timing timing;
	/* Partner_Admin_* used by recordDefault (6.4.9). */
	struct lacp_info partner_admin;
	bool measure; /* measure the partner (measure.h); read at creation */
	enum lacp_fallback fallback;
	lacp_time_t fallback_timeout;
	/* 802.1AX-2020 wait-to-restore: a link that comes back is held in
	 * ATTACHED_WTR for wtr (0 = off, the 2014 machines); not revertive:
	 * held until revertive is set or wtr cleared. */
	lacp_time_t wtr;
	bool revertive;
};

/*
 * The defaults: active, short timeout, aggregatable, LACP enabled, key 1,
 * port 1, priority 32768, collector delay 0, coupled control, the limit
 * on, lacp_timing_default(), no fallback (timeout 90 s when turned on),
 * no wait-to-restore (revertive), and partner_admin all zero: no system, key 0,
 * port 0 and a state with every bit clear. A clear LACP_Activity keeps a
 * passive actor silent towards a partner it has never heard (Figure 6-19 and
 * 6.4.16 transmit only when either side is active); a clear Aggregation makes
 * a defaulted port Individual (its own aggregator, 6.4.14.1), and a clear
 * LACP_Timeout lets a defaulted port fall back to the slow period.
 */
void lacp_port_config_default(struct lacp_port_config *c);

/* ---- events */

enum lacp_event_type {
	LACP_EV_TRANSITION, /* a machine entered a state: machine, from, to */
	LACP_EV_AGGREGATOR, /* old_aggregator -> new_aggregator (0 = none) */
	LACP_EV_OPER,       /* actor and/or partner oper state changed (net, per input) */
	LACP_EV_RX,         /* a frame was received: decoded, pdu, len */
	LACP_EV_TX,         /* a PDU was sent: pdu, len */
	LACP_EV_EXPIRED,    /* current_while expired: from, to (Receive states) */
	LACP_EV_CHURN,      /* machine (ACTOR_/PARTNER_CHURN) entered churn (on) or left it */
	LACP_EV_LOOPBACK,   /* loopback detected (on) or gone */
	LACP_EV_RULE,       /* a rule fired (or was stopped: on): rule, fired */
	LACP_EV_EXIT,       /* a rule's exit is due, its LACPDU sent: to = code */
	LACP_EV_COUNT
};
/* "transition" "aggregator" "oper" "rx" "tx" "expired" "churn" "loopback"
 * "rule" "exit" */
extern const char *const lacp_event_name[LACP_EV_COUNT];

/*
 * One event. The state octets are the port's at the time the event was
 * collected (old_ = before, new_ = after for LACP_EV_OPER; both the same
 * otherwise). Pointers are valid during the callback only.
 */
struct lacp_event {
	enum lacp_event_type type;
	lacp_time_t time;
	enum lacp_machine machine; /* TRANSITION, CHURN */
	int from, to;              /* TRANSITION, EXPIRED: states of MACHINE */
	uint16_t old_aggregator, new_aggregator;
	uint8_t old_actor_state, new_actor_state;
	uint8_t old_partner_state, new_partner_state;
	bool on;                   /* CHURN, LOOPBACK; RULE: stopped as a runaway */
	int rule;                  /* RULE: its id */
	unsigned long fired;       /* RULE: how often it fired */
	const struct lacp_decoded *decoded; /* RX */
	const uint8_t *pdu;        /* RX, TX: from the subtype octet on */
	size_t len;
};

struct lacp_port;
struct lacp_rule;
struct lacp_action;
struct lacp_measure;

/* What the host provides to a port. Each may be NULL. */
struct lacp_port_ops {
	/* Send PDU (from the subtype octet on; the host adds Ethernet). */
	void (*transmit)(void *ctx, struct lacp_port *p, const uint8_t *pdu, size_t len,
			 lacp_time_t now);
	/* Events are delivered once the machines are settled and the PDUs of
	 * the run are sent, in the order they happened. */
	void (*event)(void *ctx, struct lacp_port *p, const struct lacp_event *ev);
	/* An action of rule R the core cannot run itself (send, link,
	 * script; ruleset.h), called between two transitions: the machines
	 * are not settled. A negative return skips the rule's other
	 * actions. */
	int (*action)(void *ctx, struct lacp_port *p, const struct lacp_rule *r,
		      const struct lacp_action *a, lacp_time_t now);
};

/* ---- tester controls */

/* Fields of sent LACPDUs that lacp_port_set_tx_override() can replace. */
enum {
	LACP_OVR_ACTOR_SYSTEM_PRIORITY = 1u << 0,
	LACP_OVR_ACTOR_SYSTEM = 1u << 1,
	LACP_OVR_ACTOR_KEY = 1u << 2,
	LACP_OVR_ACTOR_PORT_PRIORITY = 1u << 3,
	LACP_OVR_ACTOR_PORT = 1u << 4,
	LACP_OVR_ACTOR_STATE = 1u << 5,
	LACP_OVR_PARTNER_SYSTEM_PRIORITY = 1u << 6,
	LACP_OVR_PARTNER_SYSTEM = 1u << 7,
	LACP_OVR_PARTNER_KEY = 1u << 8,
	LACP_OVR_PARTNER_PORT_PRIORITY = 1u << 9,
	LACP_OVR_PARTNER_PORT = 1u << 10,
	LACP_OVR_PARTNER_STATE = 1u << 11,
	LACP_OVR_COLLECTOR_MAX_DELAY = 1u << 12,
	LACP_OVR_VERSION = 1u << 13,
};

/* The value of each field flagged in FIELDS is taken from PDU. */
struct lacp_tx_override {
	unsigned fields;
	struct lacp_lacpdu pdu;
};

/* ---- counters */

/* The 802.1AX-2014 7.3.3 / 7.3.4 statistics and this tester's own. */
struct lacp_port_counters {
	uint64_t lacpdus_rx;
	uint64_t lacpdus_tx;
	uint64_t markers_rx;           /* Marker Information PDUs received */
	uint64_t markers_tx;           /* Marker Information PDUs sent (host-built) */
	uint64_t marker_responses_rx;
	uint64_t marker_responses_tx;
	uint64_t unknown_rx;
	uint64_t illegal_rx;
	uint64_t actor_churn_count;    /* entries into ACTOR_CHURN */
	uint64_t partner_churn_count;  /* entries into PARTNER_CHURN */
	uint64_t actor_sync_transitions;   /* actor Synchronization FALSE -> TRUE */
	uint64_t partner_sync_transitions; /* partner Synchronization FALSE -> TRUE */
	uint64_t actor_change_count;   /* actor LAG ID part changed */
	uint64_t partner_change_count; /* partner LAG ID part changed */
	uint64_t tx_suppressed;        /* LACPDUs held back by the transmit limit */
	uint64_t rx_dropped;           /* frames ignored because of drop-rx */
	lacp_time_t last_rx_time;      /* LACP_TIME_NEVER before the first LACPDU */
};

/* States entered per machine, summed over ports (for the coverage report). */
struct lacp_coverage {
	unsigned long entered[LACP_M_COUNT][LACP_SM_MAX_STATES];
};

/* ---- systems and aggregators */

/* An aggregator of a system (6.4.14, 7.3.1). A system has a fixed set of
 * them, one more for each port beyond the count it had (ids 1, 2, ...): an
 * id names the same aggregator for the system's life. A free aggregator
 * (no port) takes the LAG ID of the first port that selects it. */
struct lacp_aggregator {
	uint16_t id; /* 1..65535, unique in the system, never changes */
	bool individual; /* holds one Individual or loopback port only */
	/* The LAG ID (6.3.6): actor and partner system, priority and key; the
	 * port numbers too when individual. All zero while free. */
	struct lacp_info actor, partner;
	unsigned n_ports;    /* ports whose aggregator this is; 0 = free */
	unsigned n_selected; /* of which Selected == SELECTED */
	bool visited;        /* private: standby places settled this pass */
	unsigned long rank_gen; /* private: s->rank_gen when last settled */
};

/* An emulated system. Read-only for the host; change it through the setters. */
struct lacp_system {
	uint8_t id[6];
	uint16_t priority;
	unsigned max_ports; /* per aggregator; 0 = unlimited */
	/* Not 802.1AX (a switch feature): an aggregator's ports collect and
	 * distribute only while at least this many are attached; 0 or 1 =
	 * no constraint. */
	unsigned min_links;
	/* A better port coming back displaces an attached one (6.7.1 left
	 * to the implementation); false: it waits as STANDBY. */
	bool preempt;
	/* Aggregators 1..agg_limit only (6.7.4 limited Aggregator
	 * availability); 0 = one per port, as many as ports. */
	unsigned agg_limit;
	void *user; /* the host's; the core never reads it */
	struct lacp_timerq *q;
	struct lacp_port **ports; /* in creation order */
	size_t n_ports, cap_ports;
	struct lacp_aggregator **aggs;
	size_t n_aggs, cap_aggs; /* in id order: aggs[i]->id == i + 1 */
	/* dispatch state (private) */
	int depth;
	bool again;
	lacp_time_t now;
	struct lacp_ev_entry *ev_head, *ev_tail;
	bool has_zombies;
	/* The ports a dispatch runs: those given an input since it began,
	 * and all of them after a change other ports may depend on (Mux
	 * entering or leaving WAITING, Selected, aggregator membership). A
	 * dispatch costs what changed, not the size of the system. */
	struct lacp_port **dirty; /* room for every port */
	struct lacp_port **scratch; /* room for every port: standby ranking */
	/* Bumped by every change the STANDBY ranking reads (membership,
	 * Selected, link, attachment, the limits): an aggregator is ranked
	 * again only after one. */
	unsigned long rank_gen;
	size_t n_dirty;
	bool dirty_unsorted; /* not in creation order */
	bool sweep;          /* mark every port before the next pass */
	size_t n_rx_disabled; /* ports in PORT_DISABLED (port_moved checks) */
};

/* A new system with actor system ID and priority, whose ports arm their
 * timers in Q. NULL when out of memory. */
struct lacp_system *lacp_system_new(const uint8_t id[6], uint16_t priority,
				    struct lacp_timerq *q);

/* Frees SYS and every port still in it. Not from one of its callbacks. */
void lacp_system_free(struct lacp_system *sys);

/* Management changes of the system identity: every port's actor information
 * changes, so each port is unselected (reselection) and gets NTT. */
void lacp_system_set_id(struct lacp_system *sys, const uint8_t id[6], lacp_time_t now);
void lacp_system_set_priority(struct lacp_system *sys, uint16_t priority, lacp_time_t now);

/*
 * At most MAX ports SELECTED per aggregator (0 = unlimited); the others are
 * STANDBY (6.7.1): the system with the better System ID decides which, by
 * its Port Identifiers (port priority, then port number, lower first);
 * ports whose link is down go last. A port already attached keeps its
 * place unless preemption is on; a STANDBY port takes the place of one
 * that leaves.
 */
void lacp_system_set_max_ports(struct lacp_system *sys, unsigned max, lacp_time_t now);
void lacp_system_set_preempt(struct lacp_system *sys, bool on, lacp_time_t now);
/* At most N aggregators (ids 1..N; 0 = one per port). Ports on one beyond
 * N reselect; a port that finds no aggregator free stays UNSELECTED until
 * one is. Returns 0 or -ENOMEM. */
int lacp_system_set_aggregators(struct lacp_system *sys, unsigned n, lacp_time_t now);
/* The min-links extension (see struct lacp_system). */
void lacp_system_set_min_links(struct lacp_system *sys, unsigned min, lacp_time_t now);

/*
 * Batches inputs: between hold and release, calls into SYS's ports only
 * mark them; the release runs the machines once and sends what is due, so
 * several changes (a rule's actions) leave in one LACPDU. Holds nest.
 */
void lacp_system_hold(struct lacp_system *sys);
void lacp_system_release(struct lacp_system *sys, lacp_time_t now);

/* The aggregator with ID in SYS, or NULL. */
const struct lacp_aggregator *lacp_system_aggregator(const struct lacp_system *sys,
						     uint16_t id);

/* The smallest port number no port of SYS uses (1..65535), 0 when none. */
uint16_t lacp_system_free_port_number(const struct lacp_system *sys);

/* Adds the states entered by every port of SYS to *COV. */
void lacp_system_coverage(const struct lacp_system *sys, struct lacp_coverage *cov);

/* ---- ports */

struct lacp_rx_entry;

/* A port. The host reads its fields for status; it changes them only
 * through the functions below. */
struct lacp_port {
	struct lacp_system *system;
	struct lacp_port_config config;
	struct lacp_port_ops ops;
	void *ctx;

	/* Operational information (6.4.7): actor state bits A, T, G follow
	 * the config (and tester writes), S, C, D the Mux, F, E the Receive
	 * machine. */
	struct lacp_info actor;
	struct lacp_info partner;

	enum lacp_rx_state rx;
	enum lacp_periodic_state periodic;
	enum lacp_mux_state mux;
	enum lacp_selected selected;
	enum lacp_actor_churn_state actor_churn;
	enum lacp_partner_churn_state partner_churn;
	uint16_t aggregator; /* id of the aggregator in use, 0 = none */

	bool ntt;
	bool port_enabled;
	bool port_moved;
	bool loopback;   /* the partner is this very system (6.4.14.1) */
	/* Why the Mux machine last moved (7.3.4 debug information): a
	 * static string such as "ready", "partner_sync", "standby". */
	const char *mux_reason;
	bool actor_churn_flag, partner_churn_flag; /* Actor_Churn, Partner_Churn */
	bool fallback;   /* in LACP fallback: the partner is the fallback one */
	bool wtr_hold;   /* a returning link waits to restore */

	/* tester controls */
	bool tx_enabled; /* false: stop-tx */
	bool rx_enabled; /* false: drop-rx */
	uint8_t force_mask, force_value;
	/* An inject's actor state (lacpd's "-> A:STATE"): the LACPDU that
	 * answers the trigger carries it as written, though the machines go on
	 * from it in the same instant; cleared once that LACPDU has left. */
	bool pinned;
	uint8_t pin_state;
	struct lacp_tx_override tx_override;
	bool admin_disabled; /* `disable`: port_enabled stays false */
	bool carrier;        /* the link, as lacp_port_set_enabled() says */

	/* rules (ruleset.h), evaluated between transitions */
	struct lacp_rule *rules;
	int next_rule_id;
	int rules_busy;      /* evaluations under way: deleted rules wait */
	bool rules_received; /* a LACPDU runs in this settle */
	bool tx_bypass;      /* a rule lifted the transmit limit for this run */
	bool exit_pending;   /* a rule's exit waits for its LACPDU to leave */
	int exit_code;

	/* Machine timers as absolute deadlines (LACP_TIME_NEVER = stopped). */
	lacp_time_t current_while;
	lacp_time_t periodic_timer;
	lacp_time_t wait_while;
	lacp_time_t actor_churn_timer;
	lacp_time_t partner_churn_timer;
	lacp_time_t tx_retry; /* when a LACPDU held by the limit may leave */
	lacp_time_t fallback_timer; /* silence since then ends in fallback */
	lacp_time_t wtr_timer;      /* end of the wait-to-restore */
	/* The one timer in the system's queue, armed for the earliest above. */
	struct lacp_timer timer;

	struct lacp_port_counters counters;
	unsigned long entered[LACP_M_COUNT][LACP_SM_MAX_STATES];
	struct lacp_measure *measure; /* NULL when not measured */

	/* private */
	struct lacp_aggregator *agg;
	bool current_while_long;
	lacp_time_t current_while_start, periodic_start, wait_while_start;
	lacp_time_t actor_churn_start, partner_churn_start;
	lacp_time_t fallback_start, wtr_start;
	bool was_up; /* port_enabled has been TRUE: a rise is a return */
	lacp_time_t tx_times[LACP_TX_LIMIT_MAX]; /* ring of recent LACPDU sends */
	unsigned tx_head, tx_count;
	bool tx_blocked;
	bool begin;
	struct lacp_rx_entry *rx_head, *rx_tail; /* LACPDUs not yet run */
	struct lacp_lacpdu rx_pdu;  /* the LACPDU being run */
	bool rx_pdu_valid;
	struct lacp_rx_entry *out_head, *out_tail; /* raw PDUs to send */
	uint8_t reported_actor_state, reported_partner_state;
	bool zombie;
	bool min_counted; /* counted by min_links (attached, in sync, up) */
	bool dirty;   /* in the system's dirty list */
	size_t index; /* position in the system's ports */
};

/*
 * Creates a port of SYS with *CONFIG (NULL: the defaults), OPS (copied; NULL
 * for none) and CTX, at NOW, and stores it in *OUT before any callback runs.
 * The machines start with BEGIN; port_enabled is false until
 * lacp_port_set_enabled(). Returns 0, -EINVAL or -ENOMEM.
 */
int lacp_port_new(struct lacp_system *sys, const struct lacp_port_config *config,
		  const struct lacp_port_ops *ops, void *ctx, lacp_time_t now,
		  struct lacp_port **out);

/* NP replaces OLD (a port re-created in another system): it takes OLD's
 * counters, rules, measurement and administrative state. Free OLD after. */
void lacp_port_take_over(struct lacp_port *np, struct lacp_port *old, lacp_time_t now);

/* Whether a port of SYS other than SELF (NULL: any) has port number N. */
bool lacp_system_port_number_used(const struct lacp_system *sys,
				  const struct lacp_port *self, uint16_t n);

/* Frees P (NULL is fine); from a callback the free happens when the
 * dispatch ends, and P is silent from now on. The other ports of the
 * system reselect if they shared an aggregator with it. */
void lacp_port_free(struct lacp_port *p);

/* The link (carrier) changes at NOW; port_enabled (6.4.7) is the link
 * and not administratively disabled. */
void lacp_port_set_enabled(struct lacp_port *p, bool enabled, lacp_time_t now);

/* `enable` / `disable`: port_enabled follows the link again, or stays false. */
void lacp_port_set_admin(struct lacp_port *p, bool enabled, lacp_time_t now);

/* For ruleset.c: reports that rule R fired (or was stopped) while the
 * advertised actor state was ACTOR and the partner's PARTNER. */
void lacp_port_note_rule(struct lacp_port *p, const struct lacp_rule *r, uint8_t actor,
			 uint8_t partner, lacp_time_t now);

/*
 * Applies a new configuration at NOW as 802.1AX-2014 treats management
 * changes: key, aggregation, port number or priority -> unselected
 * (reselection) and NTT; activity or timeout -> actor oper state and NTT;
 * timing -> running timers recomputed from their start; independent
 * control -> the Mux falls back to ATTACHED and climbs again; partner
 * admin -> taken at once when defaulted. Returns 0 or -EINVAL.
 */
int lacp_port_set_config(struct lacp_port *p, const struct lacp_port_config *config,
			 lacp_time_t now);

/*
 * A frame received at NOW, from the subtype octet on. Counted as LACPDU,
 * Marker, Marker Response, unknown or illegal; a LACPDU runs the Receive
 * machine; a Marker Information PDU is answered with a Marker Response
 * carrying the requester's fields (6.5.4.2). With drop-rx only rx_dropped
 * counts it. Returns the enum lacp_class, or -EINVAL for a NULL PDU.
 */
int lacp_port_rx(struct lacp_port *p, const uint8_t *pdu, size_t len, lacp_time_t now);

/* Runs the machines at NOW (management-triggered runs, timer expiries). */
void lacp_port_run(struct lacp_port *p, lacp_time_t now);

/* One-shot writes of the oper state: the machines carry on from the
 * written value. Both set NTT (the next LACPDU shows the change). */
void lacp_port_write_actor_state(struct lacp_port *p, uint8_t state, lacp_time_t now);
void lacp_port_write_partner_state(struct lacp_port *p, uint8_t state, lacp_time_t now);

/* Pins the MASK bits of every advertised actor state to VALUE until
 * released with MASK 0. NTT when the advertised state changes. */
void lacp_port_force_actor_state(struct lacp_port *p, uint8_t mask, uint8_t value,
				 lacp_time_t now);

/* The actor state as advertised: the oper state with the forced bits. */
uint8_t lacp_port_advertised_state(const struct lacp_port *p);

/* What P advertises when its actor oper state is STATE (an earlier one a
 * host kept, for instance): STATE with P's forced bits. */
uint8_t lacp_port_advertised_of(const struct lacp_port *p, uint8_t state);

/* stop-tx (false) / start-tx (true): nothing at all leaves while stopped;
 * a pending NTT goes out at start. */
void lacp_port_set_tx_enabled(struct lacp_port *p, bool enabled, lacp_time_t now);

/* drop-rx (false) / accept-rx (true). */
void lacp_port_set_rx_enabled(struct lacp_port *p, bool enabled);

/* Replaces fields of every LACPDU sent from now on (NULL: none). The
 * Receive machine compares the partner's echo with what was sent. */
void lacp_port_set_tx_override(struct lacp_port *p, const struct lacp_tx_override *ovr);

/* What the Transmit machine would send now, overrides applied. */
void lacp_port_build_lacpdu(const struct lacp_port *p, struct lacp_lacpdu *out);

/*
 * Sends a host-built PDU at NOW through the port's path: counted by its
 * subtype, reported as LACP_EV_TX, held back by stop-tx (returns -EAGAIN)
 * but not by the transmit limit. Returns 0, -EINVAL or -ENOMEM.
 */
int lacp_port_transmit_pdu(struct lacp_port *p, const uint8_t *pdu, size_t len,
			   lacp_time_t now);

/* Zeroes the counters (last_rx_time back to LACP_TIME_NEVER). */
void lacp_port_counters_reset(struct lacp_port *p);

/* Clears the states-entered counts of P. */
void lacp_port_coverage_reset(struct lacp_port *p);

#endif
