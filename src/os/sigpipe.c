/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The signal self-pipes (sigpipe.h). The handler walks a fixed table of
 * write ends; the table changes only with every signal blocked, so the
 * handler never sees a slot half-written or a descriptor being closed.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sigpipe.h"

#define MAX_PIPES 16
#define MAX_SIG 65

/* the read and write ends of the pipes open, the first n_pipes slots */
static int pipes[MAX_PIPES][2];
static size_t n_pipes;
/* the handler's only other way out: async-signal-safe by construction */
static volatile sig_atomic_t seen[MAX_SIG];

static void on_signal(int sig)
{
	int saved = errno;
	unsigned char b = (unsigned char)sig;
	size_t i;

	if (sig > 0 && sig < MAX_SIG)
		seen[sig] = 1;
	for (i = 0; i < n_pipes; i++)
		if (write(pipes[i][1], &b, 1) < 0) {
			/* that pipe is full: a wake-up is already pending */
		}
	errno = saved;
}

/* Blocks every signal while the table changes; restores with OLD. */
static void block_all(sigset_t *old)
{
	sigset_t all;

	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, old);
}

int lacp_sigpipe_open(char *err, size_t errlen)
{
	sigset_t old;
	size_t i;
	int p[2];

	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) != 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	block_all(&old);
	i = n_pipes;
	if (i < MAX_PIPES) {
		pipes[i][0] = p[0];
		pipes[i][1] = p[1];
		n_pipes++;
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (i == MAX_PIPES) {
		close(p[0]);
		close(p[1]);
		snprintf(err, errlen, "more than %d signal pipes", MAX_PIPES);
		return -1;
	}
	return p[0];
}

void lacp_sigpipe_close(int fd)
{
	sigset_t old;
	size_t i;
	int wr = -1;

	block_all(&old);
	for (i = 0; i < n_pipes; i++)
		if (fd >= 0 && pipes[i][0] == fd) {
			wr = pipes[i][1];
			/* the last slot fills the hole */
			n_pipes--;
			pipes[i][0] = pipes[n_pipes][0];
			pipes[i][1] = pipes[n_pipes][1];
			break;
		}
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (wr >= 0) {
		close(fd);
		close(wr);
	}
}

int lacp_sigpipe_catch(int sig, bool catch)
{
	struct sigaction sa;

	if (sig <= 0 || sig >= MAX_SIG) {
		errno = EINVAL;
		return -1;
	}
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sa.sa_handler = catch ? on_signal : SIG_DFL;
	return sigaction(sig, &sa, NULL);
}

size_t lacp_sigpipe_read(int fd, unsigned char *sigs, size_t n)
{
	ssize_t got;
	size_t total = 0;

	while (total < n) {
		got = read(fd, sigs + total, n - total);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		total += (size_t)got;
	}
	return total;
}

bool lacp_sigpipe_seen(int sig)
{
	return sig > 0 && sig < MAX_SIG && seen[sig];
}
