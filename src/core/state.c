/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Text forms of an Actor_State / Partner_State octet (802.1AX-2014 6.4.2.3,
 * items m and u): lacpd's letters, "0x.." hex and decimal.
 *
 * Parsing rules, beyond what state.h promises:
 * - "N" (or "n") stands for "no bit set" only when it is the whole text;
 *   an N next to other letters is an error at the N ("AN" fails at 1).
 * - The form is chosen by the first characters: "0x"/"0X" hex, a digit
 *   decimal, anything else letters. So "1A" fails at 1 and "A1" at 1.
 * - Hex takes exactly 1 or 2 digits: "0x" alone fails at 2 (its length),
 *   "0x123" fails at 4, the first digit too many.
 * - Decimal takes any number of digits (leading zeros allowed) and fails
 *   at LEN when the value exceeds 255.
 */
#include "state.h"

#include <stdbool.h>

char *lacp_state_format(uint8_t state, char *buf)
{
	static const char letters[] = LACP_STATE_LETTERS;
	char *p = buf;

	for (unsigned i = 0; i < 8; i++)
		if (state & (1u << i))
			*p++ = letters[i];
	if (p == buf)
		*p++ = 'N';
	*p = '\0';
	return buf;
}

/* The bit of letter C (either case), or 0 when C is not one of ATGSCDFE. */
static uint8_t letter_bit(char c)
{
	static const char letters[] = LACP_STATE_LETTERS;

	if (c >= 'a' && c <= 'z')
		c = (char)(c - 'a' + 'A');
	for (unsigned i = 0; i < 8; i++)
		if (letters[i] == c)
			return (uint8_t)(1u << i);
	return 0;
}

int lacp_hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Parses "0x" followed by 1 or 2 hex digits. Returns the index of the
 * first offending character, or LEN; *OK tells success (LEN is also the
 * answer for "0x" alone) and *OUT then holds the value. */
static size_t parse_hex(const char *s, size_t len, unsigned *out, bool *ok)
{
	unsigned v = 0;
	size_t i;

	*ok = false;
	for (i = 2; i < len; i++) {
		int d = lacp_hex_value(s[i]);

		if (d < 0 || i >= 4)
			return i;
		v = v * 16 + (unsigned)d;
	}
	if (len == 2)
		return len;
	*out = v;
	*ok = true;
	return len;
}

/* Parses a decimal number 0..255; same conventions as parse_hex(). */
static size_t parse_dec(const char *s, size_t len, unsigned *out, bool *ok)
{
	unsigned v = 0;
	bool big = false;

	*ok = false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return i;
		v = v * 10 + (unsigned)(s[i] - '0');
		if (v > 255) {
			big = true;
			v = 256; /* keep it from overflowing on long input */
		}
	}
	if (big)
		return len;
	*out = v;
	*ok = true;
	return len;
}

/* Parses letters of ATGSCDFE, or "N" alone; same conventions. */
static size_t parse_letters(const char *s, size_t len, unsigned *out, bool *ok)
{
	unsigned v = 0;

	*ok = false;
	if (len == 1 && (s[0] == 'N' || s[0] == 'n')) {
		*out = 0;
		*ok = true;
		return len;
	}
	for (size_t i = 0; i < len; i++) {
		uint8_t bit = letter_bit(s[i]);

		if (!bit)
			return i;
		v |= bit;
	}
	*out = v;
	*ok = true;
	return len;
}

int lacp_state_parse(const char *s, size_t len, uint8_t *out, size_t *bad)
{
	unsigned v = 0;
	bool ok = false;
	size_t at = len;

	if (len == 0)
		at = 0;
	else if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		at = parse_hex(s, len, &v, &ok);
	else if (s[0] >= '0' && s[0] <= '9')
		at = parse_dec(s, len, &v, &ok);
	else
		at = parse_letters(s, len, &v, &ok);

	if (!ok) {
		*bad = at;
		return -1;
	}
	*out = (uint8_t)v;
	return 0;
}
