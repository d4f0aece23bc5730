/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * lacpd's --inject rules ("A:ATG|P:AT -> A:AT") on arbitrary text. A
 * failure carries a message and a kind; a success has a target and a
 * condition. Both sides of an accepted rule are read again here, plainly
 * (split at "->" and "|", trim, role, lacp_state_parse), and the parser
 * must agree: the same targets, and a condition that holds exactly when
 * the pinned states match, whatever else the view says.
 */
#include <errno.h>

#include "fuzz.h"
#include "rules.h"
#include "sm.h"
#include "state.h"

struct side {
	bool has_a, has_p, p_first;
	uint8_t a, p;
};

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Reads S..END as parts "ROLE:STATE" joined by "|"; false when one is not. */
static bool read_side(const char *s, const char *end, struct side *out)
{
	memset(out, 0, sizeof(*out));
	while (s < end && blank(*s))
		s++;
	if (s == end)
		return true;
	for (;;) {
		const char *bar = memchr(s, '|', (size_t)(end - s));
		const char *e = bar ? bar : end, *colon;
		const char *rs, *re, *ss, *se;
		uint8_t v;
		size_t bad;

		colon = memchr(s, ':', (size_t)(e - s));
		if (!colon)
			return false;
		for (rs = s; rs < colon && blank(*rs); rs++)
			;
		for (re = colon; re > rs && blank(re[-1]); re--)
			;
		for (ss = colon + 1; ss < e && blank(*ss); ss++)
			;
		for (se = e; se > ss && blank(se[-1]); se--)
			;
		if (re - rs != 1 || !strchr("AaPp", *rs))
			return false;
		if (lacp_state_parse(ss, (size_t)(se - ss), &v, &bad) != 0)
			return false;
		if (!out->has_a && !out->has_p)
			out->p_first = *rs == 'P' || *rs == 'p';
		if (*rs == 'A' || *rs == 'a') {
			out->has_a = true;
			out->a = v;
		} else {
			out->has_p = true;
			out->p = v;
		}
		if (!bar)
			return true;
		s = bar + 1;
	}
}

static struct lacp_view view(uint64_t r, uint8_t actor, uint8_t partner)
{
	struct lacp_view v = {
		.actor_state = actor, .partner_state = partner,
		.rx = (int)((r >> 16) % LACP_RX_COUNT),
		.mux = (int)((r >> 24) % LACP_MUX_COUNT),
		.selected = (int)((r >> 32) % LACP_SELECTED_COUNT),
		.received = (r >> 40) & 1,
		.now = (lacp_time_t)(r >> 41), .armed = 0,
	};
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_strdup(data, size);
	struct lacp_inject in;
	struct lacp_cond_error err;
	struct side left, right;
	uint64_t seed = fuzz_hash(data, size);
	const char *arrow;
	int rc;

	memset(&err, 0x5a, sizeof(err));
	memset(&in, 0x5a, sizeof(in));
	rc = lacp_inject_parse(text, &in, &err);
	if (rc != 0) {
		FUZZ_ASSERT(rc == -EINVAL || rc == -ENOMEM);
		FUZZ_ASSERT(memchr(err.message, '\0', sizeof(err.message)) != NULL);
		FUZZ_ASSERT(err.message[0] != '\0');
		FUZZ_ASSERT(strcmp(err.kind, "SYNTAX") == 0 || strcmp(err.kind, "STATE") == 0);
		FUZZ_ASSERT(err.word >= -1);
		free(text);
		return 0;
	}
	FUZZ_ASSERT(in.cond != NULL);
	FUZZ_ASSERT(in.set_actor || in.set_partner);
	FUZZ_ASSERT(!lacp_cond_uses_received(in.cond));
	arrow = strstr(text, "->");
	FUZZ_ASSERT(arrow != NULL && strstr(arrow + 2, "->") == NULL);
	FUZZ_ASSERT(read_side(text, arrow, &left));
	FUZZ_ASSERT(read_side(arrow + 2, text + strlen(text), &right));
	FUZZ_ASSERT(in.set_actor == right.has_a && in.set_partner == right.has_p);
	FUZZ_ASSERT(!in.set_actor || in.actor == right.a);
	FUZZ_ASSERT(!in.set_partner || in.partner == right.p);
	FUZZ_ASSERT(in.partner_first == right.p_first);

	for (int i = 0; i < 16; i++) {
		uint64_t r = fuzz_mix(&seed);
		/* A random view, then one matching the pins with the rest random. */
		struct lacp_view v = view(r, (uint8_t)r, (uint8_t)(r >> 8));
		struct lacp_view m = view(r, left.has_a ? left.a : (uint8_t)r,
					  left.has_p ? left.p : (uint8_t)(r >> 8));
		bool want = (!left.has_a || v.actor_state == left.a) &&
			    (!left.has_p || v.partner_state == left.p);

		FUZZ_ASSERT(lacp_cond_eval(in.cond, &v) == want);
		FUZZ_ASSERT(lacp_cond_eval(in.cond, &m));
		FUZZ_ASSERT(lacp_cond_next_time(in.cond, 0, v.now) == LACP_TIME_NEVER);
	}
	lacp_cond_free(in.cond);
	free(text);
	return 0;
}
