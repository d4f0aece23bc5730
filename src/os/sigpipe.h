/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Signals turned into bytes on a pipe (the self-pipe), so that an event
 * loop hears them as a readable descriptor and runs its reaction outside
 * the handler. Each reader opens a pipe of its own and the handler writes
 * every caught signal to all of them: lacpctld and the Tcl package's
 * `lacp::unix signal` (one pipe per interpreter) can live in one process
 * without taking each other's signals (an event loop has one handler per
 * descriptor). What a signal does is the process's, as ever: catching it
 * is process-wide. The handler also notes each signal in a flag that code
 * which never returns to its event loop (a script that runs on) can read.
 */
#ifndef LACP_SIGPIPE_H
#define LACP_SIGPIPE_H

#include <stdbool.h>
#include <stddef.h>

/* A new pipe (non-blocking, close-on-exec); returns its read end, or -1
 * with ERR filled (out of descriptors, or too many pipes). */
int lacp_sigpipe_open(char *err, size_t errlen);

/* Closes the pipe whose read end is FD. */
void lacp_sigpipe_close(int fd);

/* SIG goes to the pipes (CATCH) or back to its default action. Returns 0
 * or -1 (errno). */
int lacp_sigpipe_catch(int sig, bool catch);

/* Reads the signals that arrived on pipe FD, up to N; returns how many
 * (0: none). */
size_t lacp_sigpipe_read(int fd, unsigned char *sigs, size_t n);

/* Whether SIG has been caught since the process started (never cleared). */
bool lacp_sigpipe_seen(int sig);

#endif
