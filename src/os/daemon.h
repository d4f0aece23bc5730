/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The process side of a daemon, shared by lacpctld and lacpsh's lacpd
 * mode: detaching with a ready pipe, and the pidfile.
 *
 * Detaching forks, and only a program may do that to its own process:
 * this file is linked into the programs, never into the loadable Tcl
 * package (which uses the listener of unixsock.h and the signals of
 * sigpipe.h, neither of which forks).
 *
 * Functions return 0, or -1 with one line (no newline, no program name)
 * in ERR; nothing prints, except the waiting parent of
 * lacp_daemon_detach(), which never returns.
 */
#ifndef LACP_DAEMON_H
#define LACP_DAEMON_H

#include <stddef.h>

/*
 * Detaches: a double fork, a new session, / as the working directory,
 * /dev/null as standard input and outputs. The process that called it
 * waits until the daemon says it is ready (lacp_daemon_ready) or why it
 * failed (lacp_daemon_report), then exits 0, or prints "PREFIX: WHY" on
 * stderr and exits 1; a daemon that dies silently reads "the daemon
 * exited during start-up". Returns in the daemon, with *READY_FD the
 * pipe's write end; on failure *READY_FD is that end too when the failure
 * happened after the first fork (report it there), -1 otherwise.
 */
int lacp_daemon_detach(const char *prefix, int *ready_fd, char *err, size_t errlen);

/* Tells the waiting process the daemon is up; closes *READY_FD (-1 after). */
void lacp_daemon_ready(int *ready_fd);

/* Tells the waiting process why the daemon failed (MSG, one line);
 * closes *READY_FD. Returns whether someone was told. */
int lacp_daemon_report(int *ready_fd, const char *msg);

/*
 * A pidfile held under an exclusive flock() for the daemon's lifetime:
 * a live daemon holds the lock, so a pidfile nobody holds is stale (its
 * daemon died) and is taken over, and a recycled pid in a stale file
 * never blocks a start.
 */
struct lacp_pidfile {
	int fd;         /* -1: none held */
	char *path;     /* absolute, owned */
};

/* Claims PATH for this process (its pid, then a newline). Fails when a
 * live process holds it, naming that process. */
int lacp_pidfile_claim(struct lacp_pidfile *pf, const char *path, char *err, size_t errlen);

/* Removes the pidfile if it still names this process, and lets it go.
 * Safe on a pidfile never claimed (zeroed, fd -1). */
void lacp_pidfile_release(struct lacp_pidfile *pf);

#endif
