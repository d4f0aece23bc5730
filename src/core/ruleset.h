/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The rule engine of a port: rules made of a compiled condition (rules.h)
 * and a list of actions, owned by the port and run by the machines
 * themselves (sm.c calls in between two transitions).
 *
 * A rule is edge-triggered: it fires when its condition goes from false to
 * true, and the machines evaluate it after every single transition, in the
 * order they make them, against the state as it is at that step; also when
 * an input arrives (a LACPDU, a management change, an `after` deadline).
 * A condition that holds for one step only still fires. Its actions run at
 * that point, before the next transition, so what they change leaves in
 * the LACPDU the Transmit machine sends for that instant: one LACPDU per
 * reaction. Firing re-arms the rule (its `after` clock restarts); -once and
 * -count N bound it; a rule that re-triggers itself more than 100 times
 * within 1 ms is stopped.
 *
 * The core runs every action itself except three: `send` (the host renders
 * its options into a PDU and calls lacp_port_transmit_pdu), `link` (a
 * Linux interface or a wire) and `script`. Those reach the host through
 * lacp_port_ops.action, at the same point of the run. `exit` is reported
 * as LACP_EV_EXIT once the LACPDU carrying the rule's change has left.
 */
#ifndef LACP_RULESET_H
#define LACP_RULESET_H

#include <stdbool.h>
#include <stddef.h>

#include "clock.h"
#include "lacpdu.h"
#include "rules.h"

struct lacp_port;

enum lacp_action_type {
	LACP_ACT_SET_STATE, /* write the actor's (partner's) state once */
	LACP_ACT_FORCE,     /* pin bits of the advertised actor state */
	LACP_ACT_RELEASE,   /* unpin them */
	LACP_ACT_SET,       /* replace a field of every sent LACPDU */
	LACP_ACT_UNSET,     /* stop replacing it */
	LACP_ACT_STOP_TX,
	LACP_ACT_START_TX,
	LACP_ACT_DROP_RX,
	LACP_ACT_ACCEPT_RX,
	LACP_ACT_SEND,      /* host */
	LACP_ACT_DISABLE,   /* administratively, as `NAME disable` */
	LACP_ACT_ENABLE,
	LACP_ACT_LINK,      /* host */
	LACP_ACT_EXIT,
	LACP_ACT_SCRIPT,    /* host */
	LACP_ACT_COUNT
};
/* "set-state" "force" "release" "set" "unset" "stop-tx" "start-tx" "drop-rx"
 * "accept-rx" "send" "disable" "enable" "link" "exit" "script" */
extern const char *const lacp_action_name[LACP_ACT_COUNT];

struct lacp_action {
	enum lacp_action_type type;
	bool partner;          /* SET_STATE: the partner's state */
	bool whole;            /* SET_STATE, FORCE: SET is the whole state */
	bool pin;              /* SET_STATE actor: the next LACPDU carries it as written */
	uint8_t set, clear;    /* bits to set and to clear (whole: the state) */
	unsigned field;        /* SET, UNSET: one LACP_OVR_* flag */
	struct lacp_lacpdu value; /* SET: the field's value in place */
	bool up;               /* LINK */
	int code;              /* EXIT */
	void *host;            /* SEND, SCRIPT: the host's own data */
};

/* A rule. The host fills the fields above "engine" before adding it and
 * reads the rest; the engine owns it once added. */
struct lacp_rule {
	struct lacp_cond *cond;  /* owned */
	struct lacp_action *actions; /* owned (malloc) */
	size_t n_actions;
	unsigned long limit;     /* fire at most this often; 0: no limit */
	bool bypass;             /* lift the transmit limit for its instant */
	void *host;              /* the host's data, e.g. the rule's words */
	/* Frees the host data of the rule and of its actions; may be NULL. */
	void (*release)(struct lacp_rule *r);

	/* engine */
	int id;
	unsigned long fired;
	bool stopped;            /* by the runaway guard */
	bool deleted;
	bool last;               /* the condition at the last evaluation */
	bool uses_received;
	lacp_time_t armed;       /* `after` counts from here */
	lacp_time_t burst_start;
	unsigned burst;
	struct lacp_rule *next;
};

/* A rule with room for N actions (zeroed), taking COND; NULL when out of
 * memory (COND is then freed). */
struct lacp_rule *lacp_rule_new(struct lacp_cond *cond, size_t n);

/* Frees a rule never added (its release is called). */
void lacp_rule_free(struct lacp_rule *r);

/* Whether R fires no more: deleted, stopped or at its limit. */
bool lacp_rule_spent(const struct lacp_rule *r);

/*
 * Adds R to P at NOW and returns its id (1, 2, ...), or -EINVAL for a
 * port being freed (R is then freed). The rule is evaluated at once, in a
 * run of the machines: a condition already true fires now.
 */
int lacp_port_rule_add(struct lacp_port *p, struct lacp_rule *r, lacp_time_t now);

/* Moves every rule of FROM to TO (a port re-created in another system),
 * ids and counts kept. */
void lacp_port_move_rules(struct lacp_port *to, struct lacp_port *from);

/* Deletes rule ID of P; -ENOENT when there is none. Safe from an action. */
int lacp_port_rule_delete(struct lacp_port *p, int id);

/* P's rules in the order they were added, the deleted ones included (skip
 * them): the first, then R->next. */
const struct lacp_rule *lacp_port_rules(const struct lacp_port *p);

/* What conditions look at: P's state now. */
void lacp_port_view(const struct lacp_port *p, lacp_time_t now, struct lacp_view *v);

/* ---- for sm.c */

/* Evaluates P's rules at NOW and fires those whose condition rose. Whether
 * any fired. */
bool lacp_rules_eval(struct lacp_port *p, lacp_time_t now);

/* A LACPDU is about to run (ON): `received` rises for every rule that
 * looks at it; or the run that carried it is over (off): it falls. */
void lacp_rules_received(struct lacp_port *p, bool on, lacp_time_t now);

/* The earliest `after` deadline of P's rules after NOW, or LACP_TIME_NEVER. */
lacp_time_t lacp_rules_next(const struct lacp_port *p, lacp_time_t now);

/* Frees every rule of P (the port is going). */
void lacp_rules_free_all(struct lacp_port *p);

#endif
