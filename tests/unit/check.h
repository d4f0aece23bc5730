/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A minimal test harness for the C unit tests: CHECK* record a failure with
 * file and line and go on; a test file's main() ends with CHECK_DONE(),
 * which prints "N passed, N failed" and returns non-zero on any failure.
 * Exit code 77 means skipped (ctest's SKIP_RETURN_CODE).
 */
#ifndef LACP_TEST_CHECK_H
#define LACP_TEST_CHECK_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static unsigned check_passed, check_failed;

#define CHECK(cond)                                                        \
	do {                                                               \
		if (cond) {                                                \
			check_passed++;                                    \
		} else {                                                   \
			check_failed++;                                    \
			fprintf(stderr, "%s:%d: CHECK(%s) failed\n",       \
				__FILE__, __LINE__, #cond);                \
		}                                                          \
	} while (0)

#define CHECK_INT(a, b)                                                    \
	do {                                                               \
		long long check_a_ = (long long)(a), check_b_ = (long long)(b); \
		if (check_a_ == check_b_) {                                \
			check_passed++;                                    \
		} else {                                                   \
			check_failed++;                                    \
			fprintf(stderr, "%s:%d: %s == %s: %lld != %lld\n", \
				__FILE__, __LINE__, #a, #b, check_a_, check_b_); \
		}                                                          \
	} while (0)

#define CHECK_STR(a, b)                                                    \
	do {                                                               \
		const char *check_a_ = (a), *check_b_ = (b);               \
		if (check_a_ && check_b_ && strcmp(check_a_, check_b_) == 0) { \
			check_passed++;                                    \
		} else {                                                   \
			check_failed++;                                    \
			fprintf(stderr, "%s:%d: %s == %s: \"%s\" != \"%s\"\n", \
				__FILE__, __LINE__, #a, #b,                \
				check_a_ ? check_a_ : "(null)",            \
				check_b_ ? check_b_ : "(null)");           \
		}                                                          \
	} while (0)

#define CHECK_MEM(a, b, n)                                                 \
	do {                                                               \
		if (memcmp((a), (b), (n)) == 0) {                          \
			check_passed++;                                    \
		} else {                                                   \
			check_failed++;                                    \
			fprintf(stderr, "%s:%d: %s and %s differ\n",       \
				__FILE__, __LINE__, #a, #b);               \
		}                                                          \
	} while (0)

#define CHECK_DONE()                                                       \
	(printf("%u passed, %u failed\n", check_passed, check_failed),    \
	 check_failed ? 1 : 0)

#endif
