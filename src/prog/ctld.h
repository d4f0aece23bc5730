/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What the files of lacpctld share: the daemon's state, a client
 * connection, and the functions each file offers the others.
 *
 *   lacpctld.c    options, start-up (socket, detaching, pidfile, signals
 *                 through the daemon base of src/os), stopping, main
 *   ctld_conn.c   connections: accept and peer check, reading a request,
 *                 the run queue, writing replies and refusals
 *   ctld_eval.c   evaluation: the interpreter, its capture channels, time
 *                 limits and cancellation, the reply of a script
 *   ctld_log.c    the log: syslog, a file or stderr; output written
 *                 outside any script; the package's log bridge
 *
 * The protocol is described in lacpctld.c.
 */
#ifndef LACP_CTLD_H
#define LACP_CTLD_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>

#include <tcl.h>

#include "daemon.h"
#include "unixsock.h"

/* Tcl 9 counts with Tcl_Size; 8.6 with int. */
#ifndef TCL_SIZE_MAX
typedef int Tcl_Size;
#endif

#define LACP_CTLD_MAX_OUTPUT (64u << 20)   /* bytes captured per script */

enum lacp_ctld_stream { LACP_CTLD_STDIN, LACP_CTLD_STDOUT, LACP_CTLD_STDERR, LACP_CTLD_N_STREAMS };
/* "stdin", "stdout", "stderr" */
extern const char *const lacp_ctld_stream_name[LACP_CTLD_N_STREAMS];

struct lacp_ctld_buf {
	char *data;
	size_t len, cap;
};

/* One run of output bytes written to the same stream. */
struct lacp_ctld_run {
	enum lacp_ctld_stream stream;
	size_t len;
};

enum lacp_ctld_conn_state {
	LACP_CTLD_READING, LACP_CTLD_QUEUED, LACP_CTLD_RUNNING, LACP_CTLD_WRITING
};

struct lacp_ctld;

/* A client connection, from accept to the last byte of its reply. */
struct lacp_ctld_conn {
	struct lacp_ctld *d;
	unsigned long id;
	int fd;
	struct ucred cred;
	enum lacp_ctld_conn_state state;
	bool hello_known;      /* whether the request is framed is decided */
	bool framed;
	bool too_large;        /* script over the limit: the rest is discarded */
	bool gone;             /* the peer hung up */
	bool cancelled;        /* its evaluation was cancelled */
	bool timed_out;        /* its evaluation hit the time limit */
	bool truncated;        /* output over LACP_CTLD_MAX_OUTPUT was dropped */
	size_t received;       /* every byte read, hello line included */
	struct lacp_ctld_buf in;  /* the request (until evaluated) */
	struct lacp_ctld_buf out; /* captured output, then the reply */
	struct lacp_ctld_run *runs;
	size_t n_runs, cap_runs;
	size_t sent;
	int64_t deadline_ms;   /* time limit, on the monotonic clock */
	struct lacp_ctld_conn *prev, *next;  /* every connection */
	struct lacp_ctld_conn *qnext;        /* the run queue */
};

struct lacp_ctld {
	/* options */
	const char *argv0;
	char *socket_path;
	char *pidfile;
	char *logfile;
	const char *group;
	gid_t gid;
	bool foreground;
	bool verbose;            /* -v: connections and evaluations */
	int verbosity;           /* -v counted, -q as -1: also the package's log level */
	const char *hook;        /* -H: the event hook, or NULL */
	long hook_max;           /* --hook-max */
	double time_limit;       /* seconds, 0 for none */
	size_t max_script;

	/* logging */
	FILE *log_fp;            /* NULL: syslog */
	bool log_is_stderr;

	/* process */
	pid_t pid;
	int ready_fd;            /* daemon mode: tells the waiting parent */
	struct lacp_listener listener;
	struct lacp_pidfile pidf;
	int sig_rd;              /* the process's signal self-pipe, read end */
	int64_t started_ms;

	/* Tcl */
	Tcl_Interp *interp;
	bool epoll;              /* our notifier: no FD_SETSIZE bound */
	Tcl_Encoding utf8;
	Tcl_Channel chan[LACP_CTLD_N_STREAMS];
	struct lacp_ctld_buf bg[LACP_CTLD_N_STREAMS];  /* partial lines written outside a script */
	Tcl_TimerToken run_timer;
	Tcl_TimerToken pause_timer;
	bool accept_paused;

	/* clients */
	struct lacp_ctld_conn *conns;
	unsigned n_conns;
	struct lacp_ctld_conn *q_head, *q_tail;
	unsigned n_queued;
	struct lacp_ctld_conn *current;    /* evaluating */
	unsigned long next_id;
	unsigned long n_evals;

	/* stopping */
	bool stopping;
	bool ports_destroyed;    /* early, to get a script out of `wait` */
	int64_t stop_deadline_ms;
	Tcl_TimerToken grace_timer;
};

static inline int64_t lacp_ctld_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- ctld_conn.c */

/* Appends N bytes to B; false when out of memory. */
bool lacp_ctld_buf_append(struct lacp_ctld_buf *b, const void *data, size_t n);
/* Appends one framed record "TAG LEN\nBODY\n". */
bool lacp_ctld_buf_record(struct lacp_ctld_buf *b, const char *tag, const char *body, size_t len);
void lacp_ctld_buf_free(struct lacp_ctld_buf *b);
/* The listening socket's handler: accepts, checks the peer, reads. */
void lacp_ctld_accept(ClientData cd, int mask);
void lacp_ctld_conn_free(struct lacp_ctld_conn *c);
/* Whether the peer has closed its end entirely (not just half-closed). */
bool lacp_ctld_conn_gone(const struct lacp_ctld_conn *c);
/* Sends the reply in C->out (or drops it when the peer is gone). */
void lacp_ctld_conn_reply(struct lacp_ctld_conn *c);
/* Replaces C's reply by a refusal and sends it. */
void lacp_ctld_conn_refuse(struct lacp_ctld_conn *c, const char *why);
/* Output the script of C wrote to stream S. */
void lacp_ctld_conn_output(struct lacp_ctld_conn *c, enum lacp_ctld_stream s, const char *data,
			   size_t len);
/* A note on stderr that goes in past the output cap. */
void lacp_ctld_conn_output_note(struct lacp_ctld_conn *c, const char *note, size_t len);
/* Runs the next queued script soon, unless one runs or the daemon stops. */
void lacp_ctld_queue_schedule(struct lacp_ctld *d);

/* ---- ctld_eval.c */

/* Creates the interpreter with lacp loaded, the capture channels and the
 * daemon's commands; -1 with ERR filled on failure. */
int lacp_ctld_interp_create(struct lacp_ctld *d, char *err, size_t errlen);
/* Evaluates C's script at global level and replies. */
void lacp_ctld_evaluate(struct lacp_ctld *d, struct lacp_ctld_conn *c);
/* Cancels the script being evaluated, with MESSAGE as its error. */
void lacp_ctld_cancel(struct lacp_ctld *d, const char *message);
/* Destroys every port (even while a script is being cancelled); how many. */
int lacp_ctld_destroy_ports(struct lacp_ctld *d);

/* ---- ctld_log.c */

void lacp_ctld_log(struct lacp_ctld *d, int prio, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Opens the log file (append) or sets up syslog / stderr; 0 or -errno. */
int lacp_ctld_log_open(struct lacp_ctld *d);
/* SIGHUP: reopens the log file (after logrotate moved it). */
void lacp_ctld_log_reopen(struct lacp_ctld *d);
void lacp_ctld_log_close(struct lacp_ctld *d);
/* Output written outside any script: logged a line at a time. */
void lacp_ctld_log_background(struct lacp_ctld *d, enum lacp_ctld_stream s, const char *data,
			      size_t len);
/* The package's log into the daemon's (-q / -v / -vv), and the -H hook;
 * -1 with ERR filled on failure. */
int lacp_ctld_log_package(struct lacp_ctld *d, char *err, size_t errlen);

/* ---- lacpctld.c */

/* Asks the main loop to stop once the current script (if any) is done. */
void lacp_ctld_begin_stop(struct lacp_ctld *d, const char *why);
/* A signal cancels the current script; a timer ends the daemon should it
 * not unwind in time. */
void lacp_ctld_arm_grace(struct lacp_ctld *d);
/* The script did not unwind: files removed, exit 1. */
void lacp_ctld_emergency_exit(struct lacp_ctld *d) __attribute__((noreturn));

#endif
