/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Unit tests of src/core/state.c: the ATGSCDFE letters, formatting, and parsing
 * of letters, hex and decimal with the index of every error.
 */
#include "check.h"
#include "state.h"

/* Parses S; returns the result and stores the octet or the bad index. */
static int parse(const char *s, uint8_t *out, size_t *bad)
{
	*out = 0xee;
	*bad = 9999;
	return lacp_state_parse(s, strlen(s), out, bad);
}

static void expect_ok(const char *s, uint8_t want, int line)
{
	uint8_t v;
	size_t bad;
	int rc = parse(s, &v, &bad);

	if (rc == 0 && v == want) {
		check_passed++;
		return;
	}
	check_failed++;
	fprintf(stderr, "%s:%d: parse(\"%s\"): rc %d value 0x%02x, want 0x%02x\n",
		__FILE__, line, s, rc, v, want);
}

static void expect_bad(const char *s, size_t want_bad, int line)
{
	uint8_t v;
	size_t bad;
	int rc = parse(s, &v, &bad);

	if (rc == -1 && bad == want_bad) {
		check_passed++;
		return;
	}
	check_failed++;
	fprintf(stderr, "%s:%d: parse(\"%s\"): rc %d bad %zu, want -1 bad %zu\n",
		__FILE__, line, s, rc, bad, want_bad);
}

#define OK(s, v) expect_ok(s, v, __LINE__)
#define BAD(s, i) expect_bad(s, i, __LINE__)

static void test_bits(void)
{
	static const struct {
		uint8_t bit;
		const char *letter;
	} bits[] = {
		{ LACP_STATE_ACTIVITY, "A" },     { LACP_STATE_TIMEOUT, "T" },
		{ LACP_STATE_AGGREGATION, "G" },  { LACP_STATE_SYNC, "S" },
		{ LACP_STATE_COLLECTING, "C" },   { LACP_STATE_DISTRIBUTING, "D" },
		{ LACP_STATE_DEFAULTED, "F" },    { LACP_STATE_EXPIRED, "E" },
	};
	char buf[LACP_STATE_STRLEN];

	for (unsigned i = 0; i < 8; i++) {
		CHECK_INT(bits[i].bit, 1u << i);
		CHECK_STR(lacp_state_format(bits[i].bit, buf), bits[i].letter);
		CHECK_INT(LACP_STATE_LETTERS[i], bits[i].letter[0]);
		OK(bits[i].letter, bits[i].bit);
	}
	CHECK_INT(sizeof(LACP_STATE_LETTERS), LACP_STATE_STRLEN);
}

static void test_format(void)
{
	char buf[LACP_STATE_STRLEN];

	CHECK(lacp_state_format(0, buf) == buf);
	CHECK_STR(lacp_state_format(0, buf), "N");
	CHECK_STR(lacp_state_format(0xff, buf), "ATGSCDFE");
	CHECK_STR(lacp_state_format(0x3d, buf), "AGSCD");
	CHECK_STR(lacp_state_format(0x45, buf), "AGF");
	CHECK_STR(lacp_state_format(0x82, buf), "TE");

	/* Every octet formats to letters that parse back to it. */
	for (unsigned v = 0; v < 256; v++) {
		uint8_t back;
		size_t bad;

		lacp_state_format((uint8_t)v, buf);
		CHECK(strlen(buf) < LACP_STATE_STRLEN);
		CHECK_INT(parse(buf, &back, &bad), 0);
		CHECK_INT(back, v);
	}
}

static void test_parse_letters(void)
{
	OK("N", 0);
	OK("n", 0);
	OK("ATGSCDFE", 0xff);
	OK("atgscdfe", 0xff);
	OK("EFDCSGTA", 0xff);
	OK("eFdCsGtA", 0xff);
	OK("AGSCD", 0x3d);
	OK("dcsga", 0x3d);
	OK("AAA", 0x01);   /* repeats are harmless */
	OK("aA", 0x01);
	OK("TE", 0x82);
}

static void test_parse_numbers(void)
{
	OK("0x0", 0);
	OK("0x00", 0);
	OK("0xff", 0xff);
	OK("0XFF", 0xff);
	OK("0x3D", 0x3d);
	OK("0xa", 0x0a);
	OK("0", 0);
	OK("61", 61);
	OK("255", 255);
	OK("007", 7);
	OK("0000000000255", 255);
}

static void test_parse_errors(void)
{
	uint8_t v = 0x5a;
	size_t bad = 0;

	BAD("", 0);
	BAD("X", 0);
	BAD("AX", 1);
	BAD("ATGSCDFEZ", 8);
	BAD("AN", 1);    /* N only alone */
	BAD("NA", 0);
	BAD("NN", 0);
	BAD("nA", 0);
	BAD(" A", 0);
	BAD("A ", 1);
	BAD("A1", 1);
	BAD("-1", 0);
	BAD("+1", 0);
	BAD("0x", 2);    /* no digit: the length */
	BAD("0xg", 2);
	BAD("0x1g", 3);
	BAD("0x123", 4); /* a third digit */
	BAD("0x0ff", 4);
	BAD("0x 1", 2);
	BAD("256", 3);   /* out of range: the length */
	BAD("1000", 4);
	BAD("99999999999999999999", 20);
	BAD("1A", 1);
	BAD("12 ", 2);
	BAD("0y1", 1);

	/* A failing parse leaves *out alone; a NUL inside LEN is an error. */
	CHECK_INT(lacp_state_parse("Q", 1, &v, &bad), -1);
	CHECK_INT(v, 0x5a);
	CHECK_INT(lacp_state_parse("A\0T", 3, &v, &bad), -1);
	CHECK_INT(bad, 1);
	/* Only LEN bytes are read. */
	CHECK_INT(lacp_state_parse("ATX", 2, &v, &bad), 0);
	CHECK_INT(v, 0x03);
	CHECK_INT(lacp_state_parse("0x1ff", 4, &v, &bad), 0);
	CHECK_INT(v, 0x1f);
	CHECK_INT(lacp_state_parse("2555", 3, &v, &bad), 0);
	CHECK_INT(v, 255);
}

int main(void)
{
	test_bits();
	test_format();
	test_parse_letters();
	test_parse_numbers();
	test_parse_errors();
	return CHECK_DONE();
}
