/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The cost of the Selection Logic on the core alone, in virtual time: two
 * systems joined by N links that all share one aggregator, with no limit
 * or with -max-links N/2 (STANDBY ranked on every change). Measured, as
 * CPU time, median of 5 runs: bringing all links up (6 virtual seconds),
 * and one link flap (cut, 50 ms, restore, 50 ms); then how many links
 * distribute once settled. Prints figures, not a verdict; it takes a few
 * seconds.
 *
 *   select [-n LINKS] [-flaps N]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim.h"

#define RUNS 5
#define MAXL 512

struct lag {
	struct sim s;
	struct sim_port *a[MAXL], *b[MAXL];
	struct lacp_wire *w[MAXL];
};

static double cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return a < b ? -1 : a > b;
}

static double median(double *v)
{
	qsort(v, RUNS, sizeof(v[0]), cmp);
	return v[RUNS / 2];
}

/* One run: returns the bring-up and per-flap CPU ms in *UP and *FLAP. */
static void run(int n, unsigned max, int flaps, double *up, double *flap, int *active)
{
	struct lag *l = calloc(1, sizeof(*l));
	struct lacp_system *sa, *sb;
	double t0;

	if (!l)
		abort();
	sim_init(&l->s);
	sa = sim_system(&l->s, 1, 100);
	sb = sim_system(&l->s, 2, 32768);
	lacp_system_set_max_ports(sa, max, 0);
	lacp_system_set_max_ports(sb, max, 0);
	t0 = cpu_ms();
	for (int i = 0; i < n; i++) {
		struct lacp_port_config c = sim_config((uint16_t)(i + 1));

		l->a[i] = sim_port(&l->s, sa, &c);
		l->b[i] = sim_port(&l->s, sb, &c);
		l->w[i] = sim_connect(&l->s, l->a[i], l->b[i], 0);
		sim_enable(&l->s, l->a[i]);
		sim_enable(&l->s, l->b[i]);
	}
	sim_run(&l->s, 6000);
	*up = cpu_ms() - t0;
	t0 = cpu_ms();
	for (int k = 0; k < flaps; k++) {
		int i = (k * 7) % n;

		lacp_wire_cut(l->w[i], l->s.vc.now);
		sim_run(&l->s, 50);
		lacp_wire_restore(l->w[i], l->s.vc.now);
		sim_run(&l->s, 50);
	}
	*flap = (cpu_ms() - t0) / flaps;
	/* Flaps every 100 ms keep Ready (6.4.15) from ever holding: a port
	 * entering WAITING restarts the aggregate wait. Settle, then count. */
	sim_run(&l->s, 10000);
	*active = 0;
	for (int i = 0; i < n; i++)
		*active += l->a[i]->p->mux == LACP_MUX_COLLECTING_DISTRIBUTING;
	sim_free(&l->s);
	free(l);
}

int main(int argc, char **argv)
{
	int n = 128, flaps = 200;

	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "-n") == 0)
			n = atoi(argv[i + 1]);
		else if (strcmp(argv[i], "-flaps") == 0)
			flaps = atoi(argv[i + 1]);
	}
	if (n < 2 || n > MAXL || flaps < 1) {
		fprintf(stderr, "usage: select [-n 2..%d] [-flaps N]\n", MAXL);
		return 2;
	}
	for (int m = 0; m < 2; m++) {
		unsigned max = m ? (unsigned)n / 2 : 0;
		double up[RUNS], fl[RUNS];
		int active = 0;

		for (int r = 0; r < RUNS; r++)
			run(n, max, flaps, &up[r], &fl[r], &active);
		printf("%d links, max %-4u bring-up %8.2f ms  per flap %7.3f ms  (%d distributing)\n",
		       n, max, median(up), median(fl), active);
	}
	return 0;
}
