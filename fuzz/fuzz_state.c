/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * lacp_state_parse() on arbitrary text, checked against a second, plain
 * reading of the rules state.h and state.c promise: letters of ATGSCDFE in
 * any case and order, "N" alone, "0x" and 1-2 hex digits, decimal 0..255;
 * the same verdict, value and offending index. Every value it accepts
 * formats back to text that parses to the same value.
 */
#include <ctype.h>

#include "fuzz.h"
#include "state.h"

/* The reference: returns true and *V, or false and *BAD. */
static bool ref_parse(const char *s, size_t len, unsigned *v, size_t *bad)
{
	*v = 0;
	if (len == 0) {
		*bad = 0;
		return false;
	}
	if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		for (size_t i = 2; i < len; i++) {
			if (!isxdigit((unsigned char)s[i]) || i >= 4) {
				*bad = i;
				return false;
			}
			*v = *v * 16 + (unsigned)(isdigit((unsigned char)s[i])
							 ? s[i] - '0'
							 : tolower((unsigned char)s[i]) - 'a' + 10);
		}
		*bad = len;
		return len > 2;
	}
	if (isdigit((unsigned char)s[0])) {
		bool big = false;

		for (size_t i = 0; i < len; i++) {
			if (!isdigit((unsigned char)s[i])) {
				*bad = i;
				return false;
			}
			if (!big)
				*v = *v * 10 + (unsigned)(s[i] - '0');
			if (*v > 255)
				big = true;
		}
		*bad = len;
		return !big;
	}
	if (len == 1 && (s[0] == 'N' || s[0] == 'n'))
		return true;
	for (size_t i = 0; i < len; i++) {
		const char *at = memchr(LACP_STATE_LETTERS, toupper((unsigned char)s[i]), 8);

		if (s[i] == '\0' || !at) {
			*bad = i;
			return false;
		}
		*v |= 1u << (at - LACP_STATE_LETTERS);
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	char text[LACP_STATE_STRLEN];
	uint8_t out = 0xa5, again;
	size_t bad = (size_t)-1, ref_bad = 0;
	unsigned ref_v;
	bool ref_ok;
	int rc;

	rc = lacp_state_parse(s, size, &out, &bad);
	ref_ok = ref_parse(s, size, &ref_v, &ref_bad);
	FUZZ_ASSERT(rc == 0 || rc == -1);
	FUZZ_ASSERTF((rc == 0) == ref_ok, "\"%.*s\": parse %d, reference %d", (int)size, s,
		     rc, ref_ok);
	if (rc == 0) {
		FUZZ_ASSERT(out == ref_v);
		lacp_state_format(out, text);
		FUZZ_ASSERT(strlen(text) < LACP_STATE_STRLEN);
		FUZZ_ASSERT(lacp_state_parse(text, strlen(text), &again, &bad) == 0);
		FUZZ_ASSERT(again == out);
	} else {
		FUZZ_ASSERT(bad <= size);
		FUZZ_ASSERTF(bad == ref_bad, "\"%.*s\": bad %zu, reference %zu", (int)size, s,
			     bad, ref_bad);
	}
	return 0;
}
