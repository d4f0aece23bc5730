/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The process's signal self-pipe (sigpipe.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sigpipe.h"

static int pipe_fd[2] = {-1, -1};
/* the handler's only other way out: async-signal-safe by construction */
static volatile sig_atomic_t seen[65];
static bool caught[65];

static void on_signal(int sig)
{
	int saved = errno;
	unsigned char b = (unsigned char)sig;

	if (sig > 0 && sig < (int)(sizeof seen / sizeof seen[0]))
		seen[sig] = 1;
	if (write(pipe_fd[1], &b, 1) < 0) {
		/* the pipe is full: a wake-up is already pending */
	}
	errno = saved;
}

int lacp_sigpipe_fd(char *err, size_t errlen)
{
	if (pipe_fd[0] < 0 && pipe2(pipe_fd, O_CLOEXEC | O_NONBLOCK) != 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	return pipe_fd[0];
}

int lacp_sigpipe_catch(int sig, bool catch)
{
	struct sigaction sa;

	if (sig <= 0 || sig >= (int)(sizeof seen / sizeof seen[0]) || (catch && pipe_fd[0] < 0)) {
		errno = EINVAL;
		return -1;
	}
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sa.sa_handler = catch ? on_signal : SIG_DFL;
	if (sigaction(sig, &sa, NULL) != 0)
		return -1;
	caught[sig] = catch;
	return 0;
}

size_t lacp_sigpipe_read(unsigned char *sigs, size_t n)
{
	ssize_t got;
	size_t total = 0;

	while (total < n && pipe_fd[0] >= 0) {
		got = read(pipe_fd[0], sigs + total, n - total);
		if (got <= 0 && !(got < 0 && errno == EINTR))
			break;
		if (got > 0)
			total += (size_t)got;
	}
	return total;
}

bool lacp_sigpipe_seen(int sig)
{
	return sig > 0 && sig < (int)(sizeof seen / sizeof seen[0]) && seen[sig];
}

void lacp_sigpipe_close(void)
{
	size_t sig;

	for (sig = 1; sig < sizeof caught / sizeof caught[0]; sig++)
		if (caught[sig])
			lacp_sigpipe_catch((int)sig, false);
	if (pipe_fd[0] >= 0) {
		close(pipe_fd[0]);
		close(pipe_fd[1]);
	}
	pipe_fd[0] = pipe_fd[1] = -1;
}
