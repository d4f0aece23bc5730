/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Codec throughput: LACPDU encodes, fast decodes (the receive path), full
 * decodes (with the deviation list), and encode + fast decode pairs, per
 * second on one core. Each figure is the median of 5 timed runs; the
 * whole program takes about 2 s (or -t SECONDS). It prints figures, not
 * a verdict.
 *
 *   codec [-t SECONDS]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lacpdu.h"

#define RUNS 5
#define BATCH 4096
#define RING 64 /* distinct PDUs cycled through, so nothing is constant */

enum op { OP_ENCODE, OP_DECODE_FAST, OP_DECODE_FULL, OP_PAIR, OP_COUNT };

static const char *const op_name[OP_COUNT] = {
	"encode", "decode (fast)", "decode (full)", "encode + decode (fast)",
};

static uint8_t ring[RING][LACP_PDU_LEN];
static struct lacp_lacpdu fields[RING];
static volatile uint32_t sink; /* keeps the work from being optimised out */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void setup(void)
{
	for (unsigned i = 0; i < RING; i++) {
		struct lacp_lacpdu *p = &fields[i];

		memset(p, 0, sizeof(*p));
		p->version = 1;
		p->actor = (struct lacp_info){ 32768,
			{ 0x02, 0, 0, 0, 0, (uint8_t)i }, 1, 32768,
			(uint16_t)(i + 1), 0x3d };
		p->partner = (struct lacp_info){ 32768,
			{ 0x02, 0, 0, 0, 1, (uint8_t)i }, 2, 32768,
			(uint16_t)(i + 100), (uint8_t)i };
		p->collector_max_delay = (uint16_t)i;
		lacp_lacpdu_encode(p, ring[i]);
	}
}

/* Runs N operations of kind OP; returns a value depending on all of them. */
static uint32_t work(enum op op, unsigned long n, unsigned long base)
{
	static struct lacp_decoded d;
	uint8_t buf[LACP_PDU_LEN];
	struct lacp_lacpdu out;
	uint32_t acc = 0;

	for (unsigned long i = base; i < base + n; i++) {
		unsigned k = (unsigned)(i % RING);

		switch (op) {
		case OP_ENCODE:
			fields[k].actor.key = (uint16_t)i;
			lacp_lacpdu_encode(&fields[k], buf);
			acc += buf[13];
			break;
		case OP_DECODE_FAST:
			acc += lacp_lacpdu_decode_fast(ring[k], LACP_PDU_LEN,
						       &out);
			acc += out.partner.state;
			break;
		case OP_DECODE_FULL:
			acc += lacp_pdu_decode(ring[k], LACP_PDU_LEN, &d);
			acc += d.lacpdu.partner.state;
			break;
		case OP_PAIR:
			fields[k].actor.key = (uint16_t)i;
			lacp_lacpdu_encode(&fields[k], buf);
			acc += lacp_lacpdu_decode_fast(buf, LACP_PDU_LEN, &out);
			acc += out.actor.key;
			break;
		default:
			break;
		}
	}
	return acc;
}

/* One timed run of at least SECONDS: operations per second. */
static double run(enum op op, double seconds)
{
	unsigned long done = 0;
	double start = now(), elapsed;

	do {
		sink += work(op, BATCH, done);
		done += BATCH;
		elapsed = now() - start;
	} while (elapsed < seconds);
	return (double)done / elapsed;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	double total = 2.0, per_run;

	if (argc == 3 && strcmp(argv[1], "-t") == 0) {
		total = atof(argv[2]);
	} else if (argc != 1) {
		fprintf(stderr, "usage: %s [-t SECONDS]\n", argv[0]);
		return 2;
	}
	if (total <= 0)
		total = 2.0;
	per_run = total / (RUNS * OP_COUNT);
	setup();
	run(OP_PAIR, per_run); /* warm up caches and the CPU clock */

	printf("lacp codec, one core, median of %d runs of %.2f s\n", RUNS,
	       per_run);
	for (int op = 0; op < OP_COUNT; op++) {
		double r[RUNS];

		for (int i = 0; i < RUNS; i++)
			r[i] = run((enum op)op, per_run);
		qsort(r, RUNS, sizeof(r[0]), cmp_double);
		printf("  %-24s %8.1f M/s  (min %.1f, max %.1f)\n",
		       op_name[op], r[RUNS / 2] / 1e6, r[0] / 1e6,
		       r[RUNS - 1] / 1e6);
	}
	return 0;
}
