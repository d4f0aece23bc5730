/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The condition compiler and evaluator of the inject DSL. */
#include <stdlib.h>

#include "check.h"
#include "rules.h"
#include "sm.h"
#include "state.h"

static struct lacp_view view(uint8_t actor, uint8_t partner)
{
	struct lacp_view v = {
		.actor_state = actor, .partner_state = partner,
		.rx = LACP_RX_CURRENT, .mux = LACP_MUX_ATTACHED,
		.selected = LACP_SELECTED, .received = false, .now = 0, .armed = 0,
	};
	return v;
}

/* Compiles TEXT and evaluates it against V; -1 when it does not compile. */
static int eval(const char *text, const struct lacp_view *v)
{
	struct lacp_cond *c;
	struct lacp_cond_error err;
	int r;

	if (lacp_cond_compile(text, &c, &err) != 0)
		return -1;
	r = lacp_cond_eval(c, v);
	lacp_cond_free(c);
	return r;
}

/* Compiles TEXT expecting failure; returns the message. */
static const char *error_of(const char *text, int *word)
{
	static struct lacp_cond_error err;
	struct lacp_cond *c;

	if (lacp_cond_compile(text, &c, &err) == 0) {
		lacp_cond_free(c);
		return "(compiled)";
	}
	if (word)
		*word = err.word;
	return err.message;
}

int main(void)
{
	struct lacp_view v = view(0x07, 0x0f);
	struct lacp_cond *c;
	struct lacp_cond_error err;
	int word;

	/* clauses */
	CHECK_INT(eval("actor is ATG", &v), 1);
	CHECK_INT(eval("actor is AT", &v), 0);
	CHECK_INT(eval("actor has AT", &v), 1);
	CHECK_INT(eval("actor has S", &v), 0);
	CHECK_INT(eval("actor lacks SD", &v), 1);
	CHECK_INT(eval("actor lacks SA", &v), 0);
	CHECK_INT(eval("partner is gtas", &v), 1);
	CHECK_INT(eval("partner has S", &v), 1);
	CHECK_INT(eval("partner lacks S", &v), 0);
	CHECK_INT(eval("A:ATG", &v), 1);
	CHECK_INT(eval("A:0x07", &v), 1);
	CHECK_INT(eval("P:15", &v), 1);
	CHECK_INT(eval("P:AT", &v), 0);
	CHECK_INT(eval("rx is CURRENT", &v), 1);
	CHECK_INT(eval("rx is expired", &v), 0);
	CHECK_INT(eval("mux is ATTACHED", &v), 1);
	CHECK_INT(eval("selected is SELECTED", &v), 1);
	CHECK_INT(eval("selected is STANDBY", &v), 0);
	CHECK_INT(eval("received", &v), 0);
	v.received = true;
	CHECK_INT(eval("received", &v), 1);
	v.now = LACP_MS(999);
	CHECK_INT(eval("after 1000", &v), 0);
	v.now = LACP_MS(1000);
	CHECK_INT(eval("after 1000", &v), 1);

	/* operators, precedence (and binds tighter than or), parentheses */
	CHECK_INT(eval("actor has A and partner has S", &v), 1);
	CHECK_INT(eval("actor has S and partner has S", &v), 0);
	CHECK_INT(eval("actor has S or partner has S", &v), 1);
	CHECK_INT(eval("not actor has S", &v), 1);
	CHECK_INT(eval("not not actor has S", &v), 0);
	CHECK_INT(eval("actor has S and partner has S or received", &v), 1);
	CHECK_INT(eval("actor has S and (partner has S or received)", &v), 0);
	CHECK_INT(eval("(actor has A)and(partner has A)", &v), 1);
	CHECK_INT(eval("((((actor has A))))", &v), 1);

	/* next_time and uses_received */
	CHECK_INT(lacp_cond_compile("after 500 or after 200", &c, &err), 0);
	CHECK_INT(lacp_cond_next_time(c, LACP_MS(100), LACP_MS(100)), LACP_MS(300));
	CHECK_INT(lacp_cond_next_time(c, LACP_MS(100), LACP_MS(300)), LACP_MS(600));
	CHECK_INT(lacp_cond_next_time(c, LACP_MS(100), LACP_MS(600)), LACP_TIME_NEVER);
	CHECK(!lacp_cond_uses_received(c));
	lacp_cond_free(c);
	CHECK_INT(lacp_cond_compile("received and actor has A", &c, &err), 0);
	CHECK(lacp_cond_uses_received(c));
	lacp_cond_free(c);

	/* errors point at the offending word */
	CHECK_STR(error_of("actor is QQ", &word), "unknown state letter \"Q\" in \"actor is QQ\"");
	CHECK_INT(word, 2);
	CHECK_STR(error_of("A:ATX", &word), "unknown state letter \"X\" in \"A:ATX\"");
	CHECK_INT(word, 0);
	CHECK_STR(error_of("partner has 300", NULL),
		  "bad state \"300\" in \"partner has 300\": expected letters of ATGSCDFE, N, 0x00..0xff or 0..255");
	CHECK_STR(error_of("", &word), "empty condition");
	CHECK_STR(error_of("actor", NULL), "condition ends after \"actor\"");
	CHECK_STR(error_of("actor has A and", NULL), "condition ends after \"and\"");
	CHECK_STR(error_of("actor was A", &word),
		  "expected is, has or lacks after \"actor\" but got \"was\"");
	CHECK_INT(word, 1);
	CHECK_STR(error_of("mux is FLYING", &word),
		  "unknown mux state \"FLYING\" in \"mux is FLYING\": must be DETACHED, WAITING, "
		  "ATTACHED, COLLECTING, DISTRIBUTING, COLLECTING_DISTRIBUTING, ATTACHED_WTR");
	CHECK_INT(word, 2);
	CHECK_STR(error_of("rx has CURRENT", NULL), "expected is after \"rx\" but got \"has\"");
	CHECK_STR(error_of("(actor has A", NULL), "missing \")\" for the \"(\" at word 1");
	CHECK_STR(error_of("actor has A)", &word), "unexpected \")\" after a complete condition");
	CHECK_INT(word, 3);
	CHECK_STR(error_of("after soon", NULL), "bad time \"soon\" in \"after soon\": expected milliseconds");
	CHECK_STR(error_of("after -5", NULL), "bad time \"-5\" in \"after -5\": expected milliseconds");
	CHECK(strncmp(error_of("frobnicate", &word), "unknown word \"frobnicate\" in condition", 38) == 0);

	/* too many terms: the error names a word of the condition (the last) */
	{
		char many[4000] = "";
		int i, w;

		for (i = 0; i < 200; i++)
			strcat(many, i ? " and A:G" : "A:G");
		CHECK_STR(error_of(many, &w), "condition too long (more than 256 terms)");
		CHECK(w >= 0 && w < 399);
		CHECK_INT(w, 256); /* the clause that did not fit */
	}

	/* deep nesting is refused, not a stack overflow */
	{
		char deep[2100];
		int i;

		for (i = 0; i < 100; i++)
			deep[i] = '(';
		strcpy(deep + 100, "received");
		CHECK_STR(error_of(deep, NULL), "condition nested too deeply");
		for (i = 0; i < 1000; i++)
			deep[i] = '(';
		strcpy(deep + 1000, "received");
		CHECK_STR(error_of(deep, NULL), "condition too long (more than 512 words)");
		for (i = 0; i < 300; i++)
			memcpy(deep + 4 * i, "not ", 4);
		strcpy(deep + 1200, "received");
		CHECK_STR(error_of(deep, NULL), "condition nested too deeply");
	}
	return CHECK_DONE();
}
