/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Detaching with a ready pipe, and the locked pidfile (daemon.h). Only
 * the programs link this file: it forks and exits processes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include "errtext.h"
#include "daemon.h"

/* The first process: waits for the daemon's word, then exits. */
static void wait_for_daemon(const char *prefix, int rd, pid_t child)
{
	char msg[1024];
	ssize_t n, got = 0;

	while ((n = read(rd, msg + got, sizeof msg - 1 - (size_t)got)) > 0 ||
	       (n < 0 && errno == EINTR))
		if (n > 0)
			got += n;
	waitpid(child, NULL, 0);
	if (got > 0 && msg[0] == '\0')
		_exit(0);
	msg[got] = '\0';
	fprintf(stderr, "%s: %s\n", prefix, got > 0 ? msg : "the daemon exited during start-up");
	_exit(1);
}

int lacp_daemon_detach(const char *prefix, int *ready_fd, char *err, size_t errlen)
{
	const char *what;
	pid_t pid;
	int p[2], fd;

	*ready_fd = -1;
	if (pipe2(p, O_CLOEXEC) != 0)
		return lacp_errtext(err, errlen, "pipe: %s", strerror(errno));
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return lacp_errtext(err, errlen, "fork: %s", strerror(errno));
	}
	if (pid > 0) {
		close(p[1]);
		wait_for_daemon(prefix, p[0], pid);
	}
	close(p[0]);
	*ready_fd = p[1];
	what = "setsid";
	if (setsid() < 0)
		goto fail;
	what = "fork";
	pid = fork();
	if (pid < 0)
		goto fail;
	if (pid > 0)
		_exit(0);
	what = "chdir /";
	if (chdir("/") != 0)
		goto fail;
	what = "/dev/null";
	fd = open("/dev/null", O_RDWR);
	if (fd < 0)
		goto fail;
	dup2(fd, STDIN_FILENO);
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	if (fd > STDERR_FILENO)
		close(fd);
	return 0;
fail:
	return lacp_errtext(err, errlen, "%s: %s", what, strerror(errno));
}

void lacp_daemon_ready(int *ready_fd)
{
	if (*ready_fd < 0)
		return;
	if (write(*ready_fd, "", 1) != 1) {
		/* the waiting process is gone: nobody to tell */
	}
	close(*ready_fd);
	*ready_fd = -1;
}

int lacp_daemon_report(int *ready_fd, const char *msg)
{
	size_t len = strlen(msg);
	int told;

	if (*ready_fd < 0)
		return 0;
	/* an empty message would read as "ready" */
	if (len == 0) {
		msg = "failed";
		len = strlen(msg);
	}
	told = write(*ready_fd, msg, len) == (ssize_t)len;
	close(*ready_fd);
	*ready_fd = -1;
	return told;
}

int lacp_pidfile_claim(struct lacp_pidfile *pf, const char *path, char *err, size_t errlen)
{
	char text[32], holder[32] = "";
	ssize_t n;
	int fd = -1, len, e;

	pf->fd = -1;
	pf->path = strdup(path);
	errno = ENOMEM;
	if (pf->path == NULL)
		goto fail;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		goto fail;
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		/* EWOULDBLOCK: a live daemon holds it; say which */
		if (errno == EWOULDBLOCK) {
			n = pread(fd, holder, sizeof holder - 1, 0);
			holder[n > 0 ? n : 0] = '\0';
			holder[strcspn(holder, "\n")] = '\0';
			if (holder[0] == '\0')
				strcpy(holder, "(unknown)");
		}
		goto fail;
	}
	/* nobody holds it: whatever pid it names is stale */
	len = snprintf(text, sizeof text, "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) != 0 || pwrite(fd, text, (size_t)len, 0) != len)
		goto fail;
	pf->fd = fd;
	return 0;
fail:
	e = errno;
	if (fd >= 0)
		close(fd);
	free(pf->path);
	pf->path = NULL;
	if (holder[0] != '\0')
		return lacp_errtext(err, errlen, "the pidfile %s is held by process %s, which is still running",
			    path, holder);
	return lacp_errtext(err, errlen, "cannot write the pidfile %s: %s", path, strerror(e));
}

void lacp_pidfile_release(struct lacp_pidfile *pf)
{
	char text[32];
	ssize_t n;

	if (pf->fd >= 0) {
		n = pread(pf->fd, text, sizeof text - 1, 0);
		if (n > 0) {
			text[n] = '\0';
			if (strtol(text, NULL, 10) == (long)getpid())
				unlink(pf->path);
		}
		close(pf->fd);
	}
	pf->fd = -1;
	free(pf->path);
	pf->path = NULL;
}
