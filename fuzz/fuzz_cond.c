/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The condition compiler of the inject DSL (`when`, `wait`) on arbitrary
 * text. A failure names a kind and a word of the text; a success evaluates
 * on any view, and obeys the laws a compiler of boolean expressions must:
 * "not ( C )" is the negation of C, "( C ) and ( C )" is C, "( C ) or
 * not ( C )" always holds (each checked when the wrapped text still fits
 * the compiler's limits), and the next "after" deadline lies ahead.
 */
#include <errno.h>

#include "fuzz.h"
#include "rules.h"
#include "sm.h"

/* Words as the compiler counts them: runs of non-blanks, and each
 * parenthesis on its own. */
static int count_words(const char *s)
{
	int n = 0;

	while (*s) {
		if (strchr(" \t\n\r", *s)) {
			s++;
			continue;
		}
		n++;
		if (*s == '(' || *s == ')')
			s++;
		else
			while (*s && !strchr(" \t\n\r()", *s))
				s++;
	}
	return n;
}

static void random_view(uint64_t *seed, struct lacp_view *v)
{
	uint64_t r = fuzz_mix(seed);

	v->actor_state = (uint8_t)r;
	v->partner_state = (uint8_t)(r >> 8);
	v->rx = (int)((r >> 16) % LACP_RX_COUNT);
	v->mux = (int)((r >> 24) % LACP_MUX_COUNT);
	v->selected = (int)((r >> 32) % LACP_SELECTED_COUNT);
	v->received = (r >> 40) & 1;
	v->armed = (lacp_time_t)(fuzz_mix(seed) % LACP_SEC(100000));
	v->now = v->armed + (lacp_time_t)(fuzz_mix(seed) % LACP_SEC(1000));
}

/* Compiles FMT around TEXT; NULL when it does not fit the limits. */
static struct lacp_cond *wrapped(const char *fmt, const char *text)
{
	size_t n = strlen(fmt) + 2 * strlen(text) + 1;
	char *s = malloc(n);
	struct lacp_cond *c = NULL;
	struct lacp_cond_error err;

	if (!s)
		abort();
	snprintf(s, n, fmt, text, text);
	if (lacp_cond_compile(s, &c, &err) != 0)
		c = NULL;
	free(s);
	return c;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_strdup(data, size);
	struct lacp_cond *c = NULL, *neg, *conj, *taut;
	struct lacp_cond_error err;
	uint64_t seed = fuzz_hash(data, size);
	int rc, words;

	memset(&err, 0x5a, sizeof(err));
	rc = lacp_cond_compile(text, &c, &err);
	words = count_words(text);
	if (rc != 0) {
		FUZZ_ASSERT(rc == -EINVAL || rc == -ENOMEM);
		FUZZ_ASSERT(memchr(err.message, '\0', sizeof(err.message)) != NULL);
		FUZZ_ASSERT(err.message[0] != '\0');
		FUZZ_ASSERT(strcmp(err.kind, "SYNTAX") == 0 || strcmp(err.kind, "STATE") == 0 ||
			    strcmp(err.kind, "NAME") == 0);
		FUZZ_ASSERTF(err.word >= 0 && err.word < (words ? words : 1),
			     "word %d of %d in \"%s\"", err.word, words, text);
		free(text);
		return 0;
	}
	FUZZ_ASSERT(c != NULL);
	FUZZ_ASSERT(words > 0);
	neg = wrapped("not ( %s )%.0s", text);
	conj = wrapped("( %s ) and ( %s )", text);
	taut = wrapped("( %s ) or not ( %s )", text);
	for (int i = 0; i < 16; i++) {
		struct lacp_view v;
		bool holds;
		lacp_time_t next;

		random_view(&seed, &v);
		holds = lacp_cond_eval(c, &v);
		if (neg)
			FUZZ_ASSERT(lacp_cond_eval(neg, &v) == !holds);
		if (conj)
			FUZZ_ASSERT(lacp_cond_eval(conj, &v) == holds);
		if (taut)
			FUZZ_ASSERT(lacp_cond_eval(taut, &v));
		next = lacp_cond_next_time(c, v.armed, v.now);
		FUZZ_ASSERT(next == LACP_TIME_NEVER || next > v.now);
		(void)lacp_cond_uses_received(c);
	}
	lacp_cond_free(neg);
	lacp_cond_free(conj);
	lacp_cond_free(taut);
	lacp_cond_free(c);
	free(text);
	return 0;
}
