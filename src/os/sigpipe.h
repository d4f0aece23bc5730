/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Signals turned into bytes on a pipe (the self-pipe), so that an event
 * loop hears them as a readable descriptor and runs its reaction outside
 * the handler. A signal belongs to the process, not to a caller, so there
 * is one pipe per process, made on first use; lacpctld and the Tcl
 * package's `lacp::unix signal` share it. The handler also notes each
 * signal in a flag that code which never returns to its event loop (a
 * script that runs on) can read.
 */
#ifndef LACP_SIGPIPE_H
#define LACP_SIGPIPE_H

#include <stdbool.h>
#include <stddef.h>

/* The read end of the process's self-pipe (non-blocking), made on the
 * first call; -1 with ERR filled when it cannot be made. */
int lacp_sigpipe_fd(char *err, size_t errlen);

/* SIG goes to the pipe (CATCH) or back to its default action. Needs the
 * pipe (lacp_sigpipe_fd). Returns 0 or -1 (errno). */
int lacp_sigpipe_catch(int sig, bool catch);

/* Reads the signals that arrived, up to N; returns how many (0: none). */
size_t lacp_sigpipe_read(unsigned char *sigs, size_t n);

/* Whether SIG has arrived since the process started (never cleared). */
bool lacp_sigpipe_seen(int sig);

/* Closes the pipe (the signals caught go back to their defaults first). */
void lacp_sigpipe_close(void);

#endif
