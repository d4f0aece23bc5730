/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ctl_rtt: lacpctlc round trips, process start included. Runs
 * `CLIENT -s SOCKET -c SCRIPT` N times one after the other (posix_spawn,
 * its output to /dev/null) and times each from just before the spawn to
 * the moment waitpid() returns, with CLOCK_MONOTONIC. For scale, it also
 * times the same number of spawns of /bin/true (what starting and reaping
 * any dynamically linked program costs on this machine) and of round trips
 * made from this process itself (connect, the script, half-close, read the
 * reply to its end): the daemon's share.
 *
 *   ctl_rtt -c CLIENT -s SOCKET [-n N] [-w WARMUP] [-e SCRIPT]
 *
 * Prints figures (see bstats.h); exits 1 when a call fails.
 */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bstats.h"

extern char **environ;

/* Spawns ARGV with stdout and stderr on /dev/null, waits; returns the
 * elapsed µs, or -1 when it did not exit 0. */
static double one(char *const argv[], posix_spawn_file_actions_t *fa)
{
	double t0 = mono_us(), t1;
	pid_t pid;
	int st;

	if (posix_spawn(&pid, argv[0], fa, NULL, argv, environ) != 0)
		return -1;
	if (waitpid(pid, &st, 0) != pid)
		return -1;
	t1 = mono_us();
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? t1 - t0 : -1;
}

/* One round trip over the socket from this process; -1 on failure. */
static double direct(const char *sock, const char *script)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	double t0 = mono_us();
	char buf[4096];
	ssize_t n;
	size_t got = 0;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    write(fd, script, strlen(script)) != (ssize_t)strlen(script) ||
	    shutdown(fd, SHUT_WR) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		got += (size_t)n;
	close(fd);
	return n == 0 && got > 0 ? mono_us() - t0 : -1;
}

static int series(char *const argv[], posix_spawn_file_actions_t *fa, long n, long warm,
		  const char *label, const char *name)
{
	struct samples s = { 0 };

	for (long i = 0; i < warm + n; i++) {
		double us = one(argv, fa);

		if (us < 0) {
			fprintf(stderr, "ctl_rtt: %s failed (call %ld)\n", argv[0], i + 1);
			return 1;
		}
		if (i >= warm)
			samples_add(&s, us);
	}
	samples_report(&s, label, name, "us");
	free(s.v);
	return 0;
}

int main(int argc, char **argv)
{
	const char *client = NULL, *sock = NULL, *script = "set x 1";
	posix_spawn_file_actions_t fa;
	long n = 1000, warm = 20;
	int c;

	while ((c = getopt(argc, argv, "c:s:n:w:e:")) != -1) {
		switch (c) {
		case 'c': client = optarg; break;
		case 's': sock = optarg; break;
		case 'n': n = atol(optarg); break;
		case 'w': warm = atol(optarg); break;
		case 'e': script = optarg; break;
		default: client = NULL; optind = argc; break;
		}
	}
	if (client == NULL || sock == NULL || n < 1) {
		fprintf(stderr, "usage: ctl_rtt -c CLIENT -s SOCKET [-n N] [-w WARMUP] [-e SCRIPT]\n");
		return 64;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	{
		char *t[] = { "/bin/true", NULL };
		char *a[] = { (char *)client, "-s", (char *)sock, "-c", (char *)script, NULL };

		struct samples d = { 0 };

		if (series(t, &fa, n, warm, "spawn /bin/true", "spawn_true") ||
		    series(a, &fa, n, warm, "lacpctlc round trip", "ctl_rtt"))
			return 1;
		for (long i = 0; i < warm + n; i++) {
			double us = direct(sock, script);

			if (us < 0) {
				fprintf(stderr, "ctl_rtt: round trip on %s failed\n", sock);
				return 1;
			}
			if (i >= warm)
				samples_add(&d, us);
		}
		samples_report(&d, "socket round trip, no spawn", "ctl_socket", "us");
		free(d.v);
	}
	posix_spawn_file_actions_destroy(&fa);
	return 0;
}
