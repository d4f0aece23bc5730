/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Conditions of the inject DSL ("partner has S and not mux is DETACHED"),
 * compiled once into postfix form and evaluated against a view of a port
 * after every received PDU, timer expiry and machine transition. Pure: no
 * allocation after compiling, no I/O.
 */
#ifndef LACP_RULES_H
#define LACP_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clock.h"

/* What a condition can look at. */
struct lacp_view {
	uint8_t actor_state;   /* as advertised */
	uint8_t partner_state;
	int rx, mux, selected; /* enum lacp_rx_state, lacp_mux_state, lacp_selected */
	bool received;         /* a LACPDU arrived since the condition was armed
				* (for rules: the evaluation follows a LACPDU) */
	lacp_time_t now;
	lacp_time_t armed;     /* when the rule or wait started */
};

struct lacp_cond;

/* Why compiling failed: a message naming the offending word, and that
 * word's index in the condition (counted from 0). */
struct lacp_cond_error {
	char message[256];
	int word;
	const char *kind; /* "SYNTAX", "STATE" or "NAME" */
};

/*
 * Compiles the condition TEXT. Returns 0 and a condition in *OUT (free it
 * with lacp_cond_free), or -EINVAL with *ERR filled, or -ENOMEM.
 */
int lacp_cond_compile(const char *text, struct lacp_cond **out, struct lacp_cond_error *err);

void lacp_cond_free(struct lacp_cond *c);

/* Whether C holds for V. */
bool lacp_cond_eval(const struct lacp_cond *c, const struct lacp_view *v);

/*
 * The earliest time after NOW at which an "after MS" clause of C becomes
 * true for a condition armed at ARMED, or LACP_TIME_NEVER: the host wakes
 * up then to evaluate again.
 */
lacp_time_t lacp_cond_next_time(const struct lacp_cond *c, lacp_time_t armed,
				lacp_time_t now);

/* Whether C looks at "received" (the host must then evaluate it on every
 * received LACPDU even when nothing else changed). */
bool lacp_cond_uses_received(const struct lacp_cond *c);

/*
 * A rule in lacpd's --inject syntax, "A:ATG|P:AT -> A:AT": on the left,
 * exact matches of the actor (A:) and partner (P:) state joined by "|"
 * (and), possibly none; on the right, the states to write. Roles are
 * case-insensitive, states are letters, 0x.. hex or decimal, white space
 * around parts is ignored, and a role given twice on one side keeps its
 * last value, all as lacpd reads them.
 */
struct lacp_inject {
	struct lacp_cond *cond; /* always true when the condition is empty */
	bool match_actor, match_partner; /* what COND tests, for reports */
	uint8_t actor_match, partner_match;
	bool set_actor, set_partner;
	uint8_t actor, partner;   /* the targets */
	bool partner_first;       /* P: was written before A: on the right */
};

/*
 * Parses TEXT. Returns 0 with OUT filled (free OUT->cond with
 * lacp_cond_free), -EINVAL with *ERR filled (ERR->word is the index of the
 * offending "|"-separated part, condition parts first, or -1 when the
 * shape of the whole rule is wrong), or -ENOMEM.
 */
int lacp_inject_parse(const char *text, struct lacp_inject *out, struct lacp_cond_error *err);

#endif
