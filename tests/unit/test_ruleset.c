/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The rule engine in the core (ruleset.c), without Tcl: rules evaluated
 * between transitions see transient states, a reaction leaves in one
 * LACPDU, `after` deadlines wake the port, -once, the runaway stop,
 * -bypass-limit for one run, exit after the carrying LACPDU, host actions.
 */
#include <errno.h>

#include "check.h"
#include "ruleset.h"
#include "sim.h"
#include "state.h"

static void pair_delay(struct sim *s, struct sim_port **a, struct sim_port **b,
		       const struct lacp_port_config *cb, lacp_time_t delay_ms)
{
	struct lacp_port_config c = sim_config(1);

	sim_init(s);
	*a = sim_port(s, sim_system(s, 1, 32768), &c);
	*b = sim_port(s, sim_system(s, 2, 32768), cb ? cb : &c);
	sim_connect(s, *a, *b, delay_ms);
	sim_enable(s, *a);
	sim_enable(s, *b);
}

static void pair(struct sim *s, struct sim_port **a, struct sim_port **b,
		 const struct lacp_port_config *cb)
{
	pair_delay(s, a, b, cb, 0);
}

/* A rule "COND then one ACTION" on P; returns its id. */
static int add(struct sim *s, struct sim_port *sp, const char *cond,
	       struct lacp_action a, unsigned long limit, bool bypass)
{
	struct lacp_cond *c = NULL;
	struct lacp_cond_error err;
	struct lacp_rule *r;

	if (lacp_cond_compile(cond, &c, &err) != 0) {
		fprintf(stderr, "%s: %s\n", cond, err.message);
		return -1;
	}
	r = lacp_rule_new(c, 1);
	r->actions[0] = a;
	r->limit = limit;
	r->bypass = bypass;
	return lacp_port_rule_add(sp->p, r, s->vc.now);
}

static const struct lacp_rule *rule(const struct sim_port *sp, int id)
{
	for (const struct lacp_rule *r = lacp_port_rules(sp->p); r; r = r->next)
		if (r->id == id)
			return r;
	return NULL;
}

static bool both_cd(void *arg)
{
	struct sim_port **v = arg;

	return v[0]->p->mux == LACP_MUX_COLLECTING_DISTRIBUTING &&
	       v[1]->p->mux == LACP_MUX_COLLECTING_DISTRIBUTING;
}

/* The transient ATTACHED with the partner in Sync is seen: the mux goes
 * WAITING -> ATTACHED -> COLLECTING_DISTRIBUTING in one run. */
static void test_transient(void)
{
	struct sim s;
	struct sim_port *v[2];
	struct lacp_action clear_sync = {
		.type = LACP_ACT_SET_STATE, .clear = LACP_STATE_SYNC,
	};
	int id;

	pair(&s, &v[0], &v[1], NULL);
	id = add(&s, v[0], "partner has S and mux is ATTACHED", clear_sync, 1, false);
	CHECK(id > 0);
	sim_run_until(&s, both_cd, v, 10000);
	CHECK_INT(rule(v[0], id)->fired, 1);
	sim_free(&s);
}

static unsigned n_rule_events, n_exit_events;
static int exit_code;
static lacp_time_t exit_time;

static void count_events(struct sim_port *sp, const struct lacp_event *ev)
{
	(void)sp;
	if (ev->type == LACP_EV_RULE)
		n_rule_events++;
	if (ev->type == LACP_EV_EXIT) {
		n_exit_events++;
		exit_code = ev->to;
		exit_time = ev->time;
	}
}

/* A rule triggered by a received LACPDU changes the reply: one LACPDU
 * leaves in that instant, carrying the change. */
static void test_one_lacpdu(void)
{
	struct sim s;
	struct sim_port *v[2];
	/* the Defaulted bit added: nothing the machines act on */
	struct lacp_action set = {
		.type = LACP_ACT_SET_STATE, .set = LACP_STATE_DEFAULTED,
	};
	struct lacp_lacpdu pdu;
	uint8_t buf[LACP_PDU_LEN];
	size_t before;
	lacp_time_t t;

	/* 5 ms each way: b's answer is alone in its instant */
	pair_delay(&s, &v[0], &v[1], NULL, 5);
	sim_run_until(&s, both_cd, v, 10000);
	sim_run(&s, 3500);
	v[1]->on_event = count_events;
	n_rule_events = 0;
	CHECK(add(&s, v[1], "received", set, 1, false) > 0);
	/* a LACPDU from a whose partner information is wrong: b must answer
	 * at once (update_NTT), and its answer carries the rule's write */
	lacp_port_build_lacpdu(v[0]->p, &pdu);
	pdu.partner.state = LACP_STATE_ACTIVITY;
	lacp_lacpdu_encode(&pdu, buf);
	before = v[1]->n_tx;
	t = s.vc.now;
	lacp_port_transmit_pdu(v[0]->p, buf, sizeof(buf), t);
	t += LACP_MS(5);
	sim_run(&s, 5);
	CHECK_INT(n_rule_events, 1);
	CHECK_INT(sim_lacpdus(v[1], t, t + 1), 1);
	CHECK_INT(v[1]->tx[before].time, t);
	/* Sync is not recorded from a PDU whose partner information is not
	 * ours (6.4.9): b detaches, and its one answer carries F as well */
	CHECK(v[1]->tx[before].pdu.actor.state & LACP_STATE_DEFAULTED);
	sim_free(&s);
}

/* `after MS` wakes the port by itself; -once bounds it. */
static void test_after(void)
{
	struct sim s;
	struct sim_port *v[2];
	struct lacp_action stop = { .type = LACP_ACT_STOP_TX };
	int id;

	pair(&s, &v[0], &v[1], NULL);
	sim_run_until(&s, both_cd, v, 10000);
	id = add(&s, v[0], "after 250", stop, 1, false);
	sim_run(&s, 249);
	CHECK(v[0]->p->tx_enabled);
	sim_run(&s, 1);
	CHECK(!v[0]->p->tx_enabled);
	CHECK_INT(rule(v[0], id)->fired, 1);
	sim_run(&s, 1000);
	CHECK_INT(rule(v[0], id)->fired, 1);
	CHECK(lacp_rule_spent(rule(v[0], id)));
	sim_free(&s);
}

/* Two rules undoing each other re-trigger without end within one instant:
 * the runaway guard stops one after 100 firings, and the run ends. */
static void test_runaway(void)
{
	struct sim s;
	struct sim_port *v[2];
	struct lacp_action force = { .type = LACP_ACT_FORCE, .clear = LACP_STATE_SYNC };
	struct lacp_action release = { .type = LACP_ACT_RELEASE };
	int a, b;

	pair(&s, &v[0], &v[1], NULL);
	sim_run_until(&s, both_cd, v, 10000);
	a = add(&s, v[0], "actor has S", force, 0, false);
	b = add(&s, v[0], "actor lacks S", release, 0, false);
	CHECK(rule(v[0], a)->stopped || rule(v[0], b)->stopped);
	CHECK(rule(v[0], a)->fired <= 100 && rule(v[0], b)->fired <= 101);
	sim_run(&s, 10);
	CHECK(rule(v[0], a)->fired + rule(v[0], b)->fired <= 201);
	sim_free(&s);
}

/* -bypass-limit lifts the limit for the run it fires in, and no longer;
 * exit is reported once the LACPDU has left. */
static void test_bypass_exit(void)
{
	struct sim s;
	struct sim_port *v[2];
	struct lacp_port_config one = sim_config(1);
	struct lacp_action set = {
		.type = LACP_ACT_SET_STATE, .whole = true, .set = LACP_STATE_ACTIVITY,
	};
	struct lacp_action ex = { .type = LACP_ACT_EXIT, .code = 7 };
	struct lacp_cond *c = NULL;
	struct lacp_cond_error err;
	struct lacp_rule *r;
	size_t before;
	lacp_time_t t;

	one.timing.tx_limit = 1;
	pair(&s, &v[0], &v[1], &one);
	sim_run(&s, 5000);
	v[1]->on_event = count_events;
	n_exit_events = 0;
	/* b just sent its periodic LACPDU: the limit holds anything else for
	 * a second, but the rule's change leaves at once */
	t = s.vc.now;
	before = v[1]->n_tx;
	CHECK(add(&s, v[1], "after 0", set, 1, true) > 0);
	CHECK_INT(v[1]->n_tx - before, 1);
	CHECK_INT(v[1]->tx[before].time, t);
	CHECK(!v[1]->p->tx_bypass);
	/* without bypass the exit waits for the held LACPDU */
	CHECK(lacp_cond_compile("after 0", &c, &err) == 0);
	r = lacp_rule_new(c, 2);
	r->actions[0] = set;
	r->actions[0].set = LACP_STATE_ACTIVITY | LACP_STATE_AGGREGATION;
	r->actions[1] = ex;
	r->limit = 1;
	CHECK(lacp_port_rule_add(v[1]->p, r, s.vc.now) > 0);
	CHECK_INT(n_exit_events, 0);
	sim_run(&s, 1001);
	CHECK_INT(n_exit_events, 1);
	CHECK_INT(exit_code, 7);
	CHECK_INT(exit_time, t + LACP_SEC(1) + LACP_US(1));
	sim_free(&s);
}

static int host_calls;

static int host_action(void *ctx, struct lacp_port *p, const struct lacp_rule *r,
		       const struct lacp_action *a, lacp_time_t now)
{
	(void)ctx;
	(void)r;
	(void)now;
	host_calls++;
	/* the host sees the machines as they are at this step */
	CHECK_INT(p->mux, LACP_MUX_ATTACHED);
	return a->code < 0 ? -1 : 0;
}

/* Host actions run between transitions; a failing one skips the rest. */
static void test_host(void)
{
	struct sim s;
	struct sim_port *v[2];
	struct lacp_cond *c = NULL;
	struct lacp_cond_error err;
	struct lacp_rule *r;

	pair(&s, &v[0], &v[1], NULL);
	v[0]->p->ops.action = host_action;
	CHECK(lacp_cond_compile("mux is ATTACHED", &c, &err) == 0);
	r = lacp_rule_new(c, 3);
	r->actions[0].type = LACP_ACT_SCRIPT;
	r->actions[1].type = LACP_ACT_SCRIPT;
	r->actions[1].code = -1;
	r->actions[2].type = LACP_ACT_SCRIPT;
	r->limit = 1;
	CHECK(lacp_port_rule_add(v[0]->p, r, s.vc.now) > 0);
	sim_run_until(&s, both_cd, v, 10000);
	CHECK_INT(host_calls, 2);
	/* deleting a rule, and one unknown */
	CHECK_INT(lacp_port_rule_delete(v[0]->p, r->id), 0);
	CHECK_INT(lacp_port_rule_delete(v[0]->p, 99), -ENOENT);
	CHECK(lacp_port_rules(v[0]->p) == NULL);
	sim_free(&s);
}

int main(void)
{
	test_transient();
	test_one_lacpdu();
	test_after();
	test_runaway();
	test_bypass_exit();
	test_host();
	return CHECK_DONE();
}
