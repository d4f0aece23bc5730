/* SPDX-License-Identifier: GPL-3.0-or-later */
/* lacpd's --inject rules: every form its README shows, and every error. */
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

/* Parses TEXT expecting failure; returns the message and the part index. */
static const char *error_of(const char *text, int *word)
{
	static struct lacp_cond_error err;
	struct lacp_inject in;

	if (lacp_inject_parse(text, &in, &err) == 0) {
		lacp_cond_free(in.cond);
		return "(parsed)";
	}
	if (word)
		*word = err.word;
	return err.message;
}

int main(void)
{
	struct lacp_inject in;
	struct lacp_cond_error err;
	struct lacp_view v;
	int word;

	/* the README's examples, verbatim */
	CHECK_INT(lacp_inject_parse("A:ATG|P:AT -> A:AT", &in, &err), 0);
	CHECK(in.set_actor && !in.set_partner);
	CHECK(in.match_actor && in.match_partner);
	CHECK_INT(in.actor_match, 0x07);
	CHECK_INT(in.partner_match, 0x03);
	CHECK_INT(in.actor, 0x03);
	v = view(0x07, 0x03);
	CHECK(lacp_cond_eval(in.cond, &v));
	v = view(0x07, 0x07);
	CHECK(!lacp_cond_eval(in.cond, &v));
	v = view(0x0f, 0x03);
	CHECK(!lacp_cond_eval(in.cond, &v));
	CHECK(!lacp_cond_uses_received(in.cond));
	lacp_cond_free(in.cond);

	CHECK_INT(lacp_inject_parse("P:AT -> A:AT", &in, &err), 0);
	v = view(0x3f, 0x03);
	CHECK(lacp_cond_eval(in.cond, &v));
	lacp_cond_free(in.cond);

	CHECK_INT(lacp_inject_parse("A:0x40|P:64 -> A:0x80", &in, &err), 0);
	CHECK_INT(in.actor, 0x80);
	v = view(0x40, 0x40);
	CHECK(lacp_cond_eval(in.cond, &v));
	v = view(0x40, 0x41);
	CHECK(!lacp_cond_eval(in.cond, &v));
	lacp_cond_free(in.cond);

	CHECK_INT(lacp_inject_parse("A:ATG -> P:AT", &in, &err), 0);
	CHECK(!in.set_actor && in.set_partner && in.partner_first);
	CHECK_INT(in.partner, 0x03);
	lacp_cond_free(in.cond);

	CHECK_INT(lacp_inject_parse("P:AT -> A:ATG", &in, &err), 0);
	CHECK_INT(in.actor, 0x07);
	lacp_cond_free(in.cond);

	/* an empty condition always holds */
	CHECK_INT(lacp_inject_parse("-> A:AT", &in, &err), 0);
	CHECK(!in.match_actor && !in.match_partner);
	v = view(0, 0);
	CHECK(lacp_cond_eval(in.cond, &v));
	lacp_cond_free(in.cond);
	CHECK_INT(lacp_inject_parse("->A:AT", &in, &err), 0);
	lacp_cond_free(in.cond);

	/* both targets, their order, lower case, spaces, N, duplicates */
	CHECK_INT(lacp_inject_parse(" p : at | a:atg ->  P:N | A : 7 ", &in, &err), 0);
	CHECK(in.set_actor && in.set_partner && in.partner_first);
	CHECK_INT(in.actor, 7);
	CHECK_INT(in.partner, 0);
	v = view(0x07, 0x03);
	CHECK(lacp_cond_eval(in.cond, &v));
	lacp_cond_free(in.cond);
	CHECK_INT(lacp_inject_parse("A:A|A:AT -> A:ATG|P:S", &in, &err), 0);
	CHECK(!in.partner_first);
	v = view(0x03, 0x00);
	CHECK(lacp_cond_eval(in.cond, &v)); /* the last A: counts */
	lacp_cond_free(in.cond);

	/* errors */
	CHECK_STR(error_of("A:AT", &word),
		  "missing \"->\" in inject rule \"A:AT\": expected \"CONDITION -> TARGET\"");
	CHECK_INT(word, -1);
	CHECK_STR(error_of("A:AT -> P:A -> A:N", NULL),
		  "more than one \"->\" in inject rule \"A:AT -> P:A -> A:N\"");
	CHECK_STR(error_of("A:AT ->", NULL), "no target after \"->\" in inject rule \"A:AT ->\"");
	CHECK_STR(error_of("A:AT ->   ", NULL), "no target after \"->\" in inject rule \"A:AT ->   \"");
	CHECK_STR(error_of("A:AQ -> A:AT", &word), "unknown state letter \"Q\" in \"A:AQ\"");
	CHECK_INT(word, 0);
	CHECK_STR(error_of("P:AT -> A:ATX", &word), "unknown state letter \"X\" in \"A:ATX\"");
	CHECK_INT(word, 1);
	CHECK_STR(error_of("A:ATG|X:AT -> A:AT", &word),
		  "unknown role \"X\" in \"X:AT\": expected A (actor) or P (partner)");
	CHECK_INT(word, 1);
	CHECK_STR(error_of("A:ATG|ATG -> A:AT", NULL),
		  "expected A:STATE or P:STATE but got \"ATG\" in inject rule \"A:ATG|ATG -> A:AT\"");
	CHECK_STR(error_of("A:ATG| -> A:AT", NULL),
		  "empty part between \"|\" in inject rule \"A:ATG| -> A:AT\"");
	CHECK_STR(error_of("A: -> A:AT", NULL),
		  "bad state \"\" in \"A:\": expected letters of ATGSCDFE, N, 0x00..0xff or 0..255");
	CHECK_STR(error_of("-> A:0x100", NULL),
		  "bad state \"0x100\" in \"A:0x100\": expected letters of ATGSCDFE, N, 0x00..0xff or 0..255");
	CHECK_STR(error_of("-> A:256", NULL),
		  "bad state \"256\" in \"A:256\": expected letters of ATGSCDFE, N, 0x00..0xff or 0..255");
	CHECK_STR(error_of("", NULL),
		  "missing \"->\" in inject rule \"\": expected \"CONDITION -> TARGET\"");
	return CHECK_DONE();
}
