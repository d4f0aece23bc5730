/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What the fuzz harnesses share: a reader that takes typed values from the
 * fuzzer's bytes (zeros once they run out, so every input is a complete
 * program), and FUZZ_ASSERT, which reports a broken invariant and aborts so
 * that libFuzzer keeps the input and the regression runner fails.
 *
 * Each harness is one file defining LLVMFuzzerTestOneInput(); it is linked
 * either with libFuzzer (clang, LACP_FUZZ=ON) or with regress_main.c, which
 * replays the committed corpus and crash reproducers under ctest.
 */
#ifndef LACP_FUZZ_H
#define LACP_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_ASSERT(cond)                                                        \
	do {                                                                     \
		if (!(cond)) {                                                   \
			fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, \
				__LINE__, #cond);                                \
			abort();                                                 \
		}                                                                \
	} while (0)

/* Like FUZZ_ASSERT with a printf-style explanation. */
#define FUZZ_ASSERTF(cond, ...)                                                  \
	do {                                                                     \
		if (!(cond)) {                                                   \
			fprintf(stderr, "%s:%d: invariant broken: %s: ", __FILE__, \
				__LINE__, #cond);                                \
			fprintf(stderr, __VA_ARGS__);                            \
			fputc('\n', stderr);                                     \
			abort();                                                 \
		}                                                                \
	} while (0)

struct fuzz_in {
	const uint8_t *p;
	size_t len, pos;
};

static inline void fuzz_in_init(struct fuzz_in *in, const uint8_t *p, size_t len)
{
	in->p = p;
	in->len = len;
	in->pos = 0;
}

static inline bool fuzz_left(const struct fuzz_in *in)
{
	return in->pos < in->len;
}

static inline uint8_t fuzz_u8(struct fuzz_in *in)
{
	return in->pos < in->len ? in->p[in->pos++] : 0;
}

static inline uint16_t fuzz_u16(struct fuzz_in *in)
{
	uint16_t hi = fuzz_u8(in);

	return (uint16_t)(hi << 8 | fuzz_u8(in));
}

static inline uint32_t fuzz_u32(struct fuzz_in *in)
{
	uint32_t hi = fuzz_u16(in);

	return hi << 16 | fuzz_u16(in);
}

static inline bool fuzz_bool(struct fuzz_in *in)
{
	return fuzz_u8(in) & 1;
}

/* Up to N bytes: a pointer into the input and how many it really holds. */
static inline const uint8_t *fuzz_bytes(struct fuzz_in *in, size_t n, size_t *got)
{
	const uint8_t *p = in->p + in->pos;

	if (n > in->len - in->pos)
		n = in->len - in->pos;
	in->pos += n;
	*got = n;
	return p;
}

/* A NUL-terminated copy of DATA (embedded NULs end it early); free it. */
static inline char *fuzz_strdup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* A small deterministic generator for views and choices a harness derives
 * from its input rather than reading them from it. */
static inline uint64_t fuzz_mix(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static inline uint64_t fuzz_hash(const uint8_t *data, size_t size)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < size; i++)
		h = (h ^ data[i]) * 0x100000001b3ull;
	return h;
}

#endif
