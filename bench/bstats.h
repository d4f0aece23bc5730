/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What the sampling benchmarks share: a growable array of samples and its
 * order statistics (nearest rank), printed the same way by every tool:
 *
 *   LABEL  n N  min X  median X  p90 X  p99 X  max X  (UNIT)
 *   RESULT NAME n=N min=X median=X p90=X p99=X max=X unit=UNIT
 *
 * The RESULT line is what bench/run-all collects for its summary.
 */
#ifndef LACP_BENCH_BSTATS_H
#define LACP_BENCH_BSTATS_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

struct samples {
	double *v;
	size_t n, cap;
};

static inline void samples_add(struct samples *s, double x)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 1024;
		double *v = realloc(s->v, cap * sizeof(*v));

		if (v == NULL) {
			perror("realloc");
			exit(1);
		}
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = x;
}

static inline int samples_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static inline void samples_sort(struct samples *s)
{
	qsort(s->v, s->n, sizeof(*s->v), samples_cmp);
}

/* The P-quantile (0 < P <= 1) of sorted S by nearest rank; NAN when empty. */
static inline double samples_q(const struct samples *s, double p)
{
	size_t k;

	if (s->n == 0)
		return NAN;
	k = (size_t)ceil(p * (double)s->n);
	if (k < 1)
		k = 1;
	if (k > s->n)
		k = s->n;
	return s->v[k - 1];
}

/* Sorts S and prints its human line and its RESULT line. */
static inline void samples_report(struct samples *s, const char *label, const char *name,
				  const char *unit)
{
	samples_sort(s);
	printf("  %-28s n %zu  min %.1f  median %.1f  p90 %.1f  p99 %.1f  max %.1f  (%s)\n",
	       label, s->n, samples_q(s, 0), samples_q(s, 0.5), samples_q(s, 0.9),
	       samples_q(s, 0.99), s->n ? s->v[s->n - 1] : NAN, unit);
	printf("RESULT %s n=%zu min=%.1f median=%.1f p90=%.1f p99=%.1f max=%.1f unit=%s\n",
	       name, s->n, samples_q(s, 0), samples_q(s, 0.5), samples_q(s, 0.9),
	       samples_q(s, 0.99), s->n ? s->v[s->n - 1] : NAN, unit);
	fflush(stdout);
}

/* CLOCK_MONOTONIC in microseconds. */
static inline double mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

#endif
