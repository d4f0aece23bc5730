/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * lacpctld: the script daemon. One persistent Tcl interpreter with the
 * lacp package loaded evaluates the scripts that clients send over a Unix
 * stream socket; between scripts (and while a script waits) Tcl's event
 * loop keeps every port's timers and frames running. The listening socket
 * and the client connections are plain file handlers of that same event
 * loop: there is no private select() loop.
 *
 * Protocol (shared constants in ctl_proto.h)
 * ------------------------------------------
 * A client connects, writes a script and half-closes (shutdown(SHUT_WR));
 * the daemon evaluates it at global level, writes the reply and closes.
 * Scripts are evaluated one at a time, in arrival order; connections that
 * arrive meanwhile are accepted and read, and wait in a queue.
 *
 * Plain reply (netcat, socat): everything the script wrote to stdout and
 * stderr during the evaluation, in the order written, then the result and
 * a newline (nothing when the result is empty), or "error: MESSAGE\n".
 *
 * Framed reply: when the first line of the request is exactly
 * "#lacpctl 1" (a Tcl comment, removed before evaluation), the reply is a
 * sequence of records
 *
 *     TAG SP LENGTH LF  <LENGTH bytes>  LF
 *
 * LENGTH counts the bytes of the body only (decimal); the LF after the
 * body is not part of it, so a body may hold anything. Tags, in order:
 *
 *     stdout, stderr   what the script wrote, in order (adjacent writes
 *                      to the same stream are merged)
 *     errorcode, errorinfo   before an error record
 *     ok               last record: the result
 *     error            last record: the error message
 *     refused          last record: why the daemon did not evaluate the
 *                      script (peer not allowed, too many connections,
 *                      shutting down)
 *
 * A reply that ends before its last record means the daemon went away.
 * Records stay readable on a terminal, so a refusal sent before the
 * request was read (always framed) still makes sense to a netcat user.
 *
 * Limits: a script longer than the size limit (-m, default 16 MiB) is
 * read to its end and discarded, and answered with an error. With -t,
 * one evaluation may last that many seconds (Tcl's interpreter time
 * limit); the script then fails with an error and the daemon goes on.
 * A command that waits without checking for cancellation (a port's
 * `wait`, for now) runs to its own timeout first; the script still fails.
 * Output beyond 64 MiB per script is dropped, with a note.
 *
 * A client that disconnects while its script runs has that evaluation
 * cancelled (Tcl_CancelEval, within a quarter of a second) and its reply
 * dropped; a client that disconnects while queued is skipped. SIGPIPE is
 * ignored: a vanished reader never kills the daemon.
 *
 * Access: the socket is 0600 (0660 and group GROUP with -g); each peer's
 * credentials (SO_PEERCRED, SO_PEERGROUPS) are checked as well, and only
 * root, the daemon's own user and, with -g, members of GROUP are served.
 *
 * The interpreter has one extra command, `lacpctld shutdown|info`, and
 * `exit` there stops the daemon cleanly instead of killing it.
 *
 * This file owns the daemon's life: options, start-up through the daemon
 * base of src/os (listener, detaching with a ready pipe, pidfile, signal
 * self-pipe), stopping, and main. Connections are in ctld_conn.c, the
 * evaluation in ctld_eval.c, the log in ctld_log.c (ctld.h says more).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <syslog.h>
#include <unistd.h>

#include "ctl_proto.h"
#include "ctld.h"
#include "notifier.h"
#include "sigpipe.h"

#define DEFAULT_MAX_SCRIPT (16u << 20)  /* bytes */
#define STOP_GRACE_MS 3000              /* how long a cancelled script may take to unwind */

/* An absolute version of PATH (relative to the current directory), or
 * NULL when out of memory. The daemon changes directory to /. */
static char *absolute_path(const char *path)
{
	char cwd[PATH_MAX];
	char *out;

	if (path[0] == '/')
		return strdup(path);
	if (getcwd(cwd, sizeof cwd) == NULL)
		return NULL;
	if (asprintf(&out, "%s/%s", cwd, path) < 0)
		return NULL;
	return out;
}

/* ---- start-up failures: one line on stderr (through the waiting parent
 * in daemon mode) and in the log, exit status 1 */

/* Removes the socket file (if it is still ours) and the pidfile (if it
 * still names us). */
static void cleanup_files(struct lacp_ctld *d)
{
	lacp_listen_unlink(&d->listener);
	lacp_pidfile_release(&d->pidf);
}

static void die(struct lacp_ctld *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));
static void die(struct lacp_ctld *d, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	/* the parent gone, the log still has it */
	if (!lacp_daemon_report(&d->ready_fd, msg))
		fprintf(stderr, "lacpctld: %s\n", msg);
	if (!d->log_is_stderr)
		lacp_ctld_log(d, LOG_ERR, "%s", msg);
	cleanup_files(d);
	exit(1);
}

/* ---- start-up, through the daemon base (src/os) */

/*
 * Listens (refusing a live daemon's socket or anything that is not a
 * socket, removing a stale one), detaches unless -f, claims the pidfile,
 * and turns SIGTERM, SIGINT and SIGHUP into bytes on the self-pipe.
 * SIGPIPE is ignored: a vanished reader never kills the daemon.
 */
static void start(struct lacp_ctld *d)
{
	char err[512];

	if (lacp_listen_unix(&d->listener, d->socket_path, d->group, d->gid, err, sizeof err) < 0)
		die(d, "%s", err);
	if (d->listener.removed_stale)
		lacp_ctld_log(d, LOG_NOTICE, "removed the stale socket %s", d->socket_path);
	if (!d->foreground && lacp_daemon_detach("lacpctld", &d->ready_fd, err, sizeof err) != 0)
		die(d, "%s", err);
	d->pid = getpid();
	d->started_ms = lacp_ctld_mono_ms();
	if (d->pidfile != NULL && lacp_pidfile_claim(&d->pidf, d->pidfile, err, sizeof err) != 0)
		die(d, "%s", err);
	d->sig_rd = lacp_sigpipe_open(err, sizeof err);
	if (d->sig_rd < 0)
		die(d, "%s", err);
	if (lacp_sigpipe_catch(SIGTERM, true) != 0 || lacp_sigpipe_catch(SIGINT, true) != 0 ||
	    lacp_sigpipe_catch(SIGHUP, true) != 0)
		die(d, "sigaction: %s", strerror(errno));
	signal(SIGPIPE, SIG_IGN);
}

/* ---- stopping */

static void grace_expired(ClientData cd)
{
	struct lacp_ctld *d = cd;

	d->grace_timer = NULL;
	if (d->current != NULL)
		lacp_ctld_emergency_exit(d);
}

/* Asks the main loop to stop once the current script (if any) is done;
 * signals also cancel that script (see lacp_ctld_arm_grace). */
void lacp_ctld_begin_stop(struct lacp_ctld *d, const char *why)
{
	if (d->stopping)
		return;
	d->stopping = true;
	lacp_ctld_log(d, LOG_NOTICE, "stopping (%s)", why);
}

/* A signal cancels the current script; should it not unwind in time (a
 * command that waits without checking for cancellation), the daemon
 * removes its files and exits anyway. */
void lacp_ctld_arm_grace(struct lacp_ctld *d)
{
	if (d->current == NULL || d->stop_deadline_ms != 0)
		return;
	d->stop_deadline_ms = lacp_ctld_mono_ms() + STOP_GRACE_MS;
	d->grace_timer = Tcl_CreateTimerHandler(STOP_GRACE_MS + 100, grace_expired, d);
}

/* The self-pipe: SIGTERM/SIGINT stop the daemon, SIGHUP reopens the log. */
static void signal_cb(ClientData cd, int mask)
{
	struct lacp_ctld *d = cd;
	unsigned char sigs[16];
	size_t n, i;

	(void)mask;
	while ((n = lacp_sigpipe_read(d->sig_rd, sigs, sizeof sigs)) > 0) {
		for (i = 0; i < n; i++) {
			if (sigs[i] == SIGHUP) {
				lacp_ctld_log_reopen(d);
				continue;
			}
			lacp_ctld_begin_stop(d, sigs[i] == SIGINT ? "SIGINT" : "SIGTERM");
			lacp_ctld_arm_grace(d);
			if (d->current != NULL && !d->ports_destroyed) {
				int count = lacp_ctld_destroy_ports(d);

				d->ports_destroyed = true;
				lacp_ctld_log(d, LOG_NOTICE, "cancelling the script of client %lu; %d port%s destroyed",
					d->current->id, count, count == 1 ? "" : "s");
				lacp_ctld_cancel(d, "lacpctld is shutting down");
			}
		}
	}
}

void lacp_ctld_emergency_exit(struct lacp_ctld *d)
{
	lacp_ctld_log(d, LOG_ERR, "the script being evaluated did not stop within %d ms; exiting",
		STOP_GRACE_MS);
	cleanup_files(d);
	_exit(1);
}

/*
 * After the main loop: no new clients, queued ones refused, ports
 * destroyed, interpreter deleted, files removed, then the pending replies
 * flushed (so `lacpctlc --shutdown` returns when all this is done).
 */
static void shutdown_daemon(struct lacp_ctld *d)
{
	struct lacp_ctld_conn *c, *next;
	struct timeval tv = {.tv_sec = 1};
	enum lacp_ctld_stream s;
	int count, flags;

	Tcl_DeleteFileHandler(d->listener.fd);
	lacp_listen_close(&d->listener);
	lacp_pidfile_release(&d->pidf);
	Tcl_DeleteFileHandler(d->sig_rd);
	if (d->run_timer != NULL)
		Tcl_DeleteTimerHandler(d->run_timer);
	if (d->pause_timer != NULL)
		Tcl_DeleteTimerHandler(d->pause_timer);
	if (d->grace_timer != NULL)
		Tcl_DeleteTimerHandler(d->grace_timer);
	for (c = d->conns; c != NULL; c = next) {
		next = c->next;
		if (c->state == LACP_CTLD_READING || c->state == LACP_CTLD_QUEUED)
			lacp_ctld_conn_refuse(c, "shutting down: script not evaluated");
	}
	d->q_head = d->q_tail = NULL;
	count = lacp_ctld_destroy_ports(d);
	lacp_ctld_log(d, LOG_NOTICE, "%d port%s destroyed", count, count == 1 ? "" : "s");
	for (c = d->conns; c != NULL; c = c->next)
		Tcl_DeleteFileHandler(c->fd);
	Tcl_DeleteInterp(d->interp);
	for (s = 0; s < LACP_CTLD_N_STREAMS; s++)
		if (d->chan[s] != NULL)
			Tcl_UnregisterChannel(NULL, d->chan[s]);
	Tcl_FreeEncoding(d->utf8);
	Tcl_Finalize();
	for (c = d->conns; c != NULL; c = next) {
		next = c->next;
		flags = fcntl(c->fd, F_GETFL);
		fcntl(c->fd, F_SETFL, flags & ~O_NONBLOCK);
		setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
		while (c->sent < c->out.len) {
			ssize_t n = send(c->fd, c->out.data + c->sent, c->out.len - c->sent,
					 MSG_NOSIGNAL);
			if (n <= 0)
				break;
			c->sent += (size_t)n;
		}
		close(c->fd);
		c->fd = -1;
		d->conns = next;
		lacp_ctld_buf_free(&c->in);
		lacp_ctld_buf_free(&c->out);
		free(c->runs);
		free(c);
	}
	for (s = 0; s < LACP_CTLD_N_STREAMS; s++)
		lacp_ctld_buf_free(&d->bg[s]);
	lacp_sigpipe_catch(SIGTERM, false);
	lacp_sigpipe_catch(SIGINT, false);
	lacp_sigpipe_catch(SIGHUP, false);
	lacp_sigpipe_close(d->sig_rd);
	lacp_ctld_log(d, LOG_NOTICE, "stopped");
	lacp_ctld_log_close(d);
}

/* ---- options */

static void usage(FILE *f)
{
	fputs("usage: lacpctld ?-s SOCKET? ?-f? ?-p PIDFILE? ?-g GROUP? ?-l LOGFILE?\n"
	      "                ?-t SECONDS? ?-m BYTES? ?-H COMMAND? ?--hook-max N? ?-v ...? ?-q?\n"
	      "  -s SOCKET   listen on SOCKET (default " LACP_CTL_DEFAULT_SOCKET ")\n"
	      "  -f          stay in the foreground (log to stderr unless -l)\n"
	      "  -p PIDFILE  write the daemon's pid to PIDFILE\n"
	      "  -g GROUP    socket mode 0660 for GROUP, whose members may connect\n"
	      "  -l LOGFILE  log to LOGFILE instead of syslog or stderr\n"
	      "  -t SECONDS  limit each script's evaluation time\n"
	      "  -m BYTES    largest script accepted (default 16777216)\n"
	      "  -H, --hook COMMAND  run COMMAND EVENT PORT key=value ... on port events\n"
	      "              (negotiated expired defaulted churn rule link_up link_down\n"
	      "              rate_violation)\n"
	      "  --hook-max N  at most N hooks running at once, the rest dropped (8)\n"
	      "  -v          log every connection and evaluation, and port state changes;\n"
	      "              -vv: every LACPDU and machine transition too\n"
	      "  -q          log warnings and errors only\n"
	      "  -h, --help  this help\n"
	      "  --version   the version\n"
	      "exit status: 0 stopped cleanly, 1 failed to start, 64 usage error\n", f);
}

static void usage_error(const char *fmt, const char *arg)
{
	fputs("lacpctld: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs(" (lacpctld -h for help)\n", stderr);
	exit(64);
}

static void parse_options(struct lacp_ctld *d, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{"hook", required_argument, NULL, 'H'},
		{"hook-max", required_argument, NULL, 'M'},
		{"verbose", no_argument, NULL, 'v'},
		{"quiet", no_argument, NULL, 'q'},
		{NULL, 0, NULL, 0}
	};
	const char *socket_path = LACP_CTL_DEFAULT_SOCKET;
	const char *opt_pidfile = NULL, *opt_logfile = NULL;
	unsigned long long m;
	struct group *gr;
	char *end;
	int opt;

	opterr = 0;
	d->hook_max = 8;
	while ((opt = getopt_long(argc, argv, ":s:fp:g:l:t:m:vqhH:", longopts, NULL)) != -1) {
		switch (opt) {
		case 's': socket_path = optarg; break;
		case 'f': d->foreground = true; break;
		case 'p': opt_pidfile = optarg; break;
		case 'g': d->group = optarg; break;
		case 'l': opt_logfile = optarg; break;
		case 'v':
			d->verbose = true;
			d->verbosity = d->verbosity < 0 ? 1 : d->verbosity + 1;
			break;
		case 'q':
			d->verbose = false;
			d->verbosity = -1;
			break;
		case 'H':
			if (optarg[0] == '\0')
				usage_error("-H wants a command%s", "");
			d->hook = optarg;
			break;
		case 'M':
			errno = 0;
			d->hook_max = strtol(optarg, &end, 10);
			if (errno != 0 || end == optarg || *end != '\0' || d->hook_max < 1 ||
			    d->hook_max > 4096)
				usage_error("--hook-max wants a number from 1 to 4096, not \"%s\"", optarg);
			break;
		case 't':
			errno = 0;
			d->time_limit = strtod(optarg, &end);
			if (errno != 0 || end == optarg || *end != '\0' || !(d->time_limit > 0) ||
			    d->time_limit > 86400.0 * 365)
				usage_error("-t wants a positive number of seconds, not \"%s\"", optarg);
			break;
		case 'm':
			errno = 0;
			m = strtoull(optarg, &end, 10);
			if (errno != 0 || end == optarg || *end != '\0' || m == 0 || m > SIZE_MAX / 2 ||
			    optarg[0] == '-')
				usage_error("-m wants a positive number of bytes, not \"%s\"", optarg);
			d->max_script = (size_t)m;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			puts("lacpctld " LACP_VERSION);
			exit(0);
		case ':':
			if (optopt == 'H' || optopt == 'M' || optopt == 0)
				usage_error("option %s needs a value", argv[optind - 1]);
			usage_error("option -%s needs a value", (char[]){(char)optopt, '\0'});
			break;
		default:
			if (optopt != 0)
				usage_error("unknown option -%s", (char[]){(char)optopt, '\0'});
			usage_error("unknown option %s", argv[optind - 1]);
		}
	}
	if (optind < argc)
		usage_error("unexpected argument \"%s\"", argv[optind]);
	if (d->group != NULL) {
		errno = 0;
		gr = getgrnam(d->group);
		if (gr == NULL)
			usage_error("no group named \"%s\"", d->group);
		d->gid = gr->gr_gid;
	}
	d->socket_path = absolute_path(socket_path);
	if (opt_pidfile != NULL)
		d->pidfile = absolute_path(opt_pidfile);
	if (opt_logfile != NULL)
		d->logfile = absolute_path(opt_logfile);
	if (d->socket_path == NULL || (opt_pidfile != NULL && d->pidfile == NULL) ||
	    (opt_logfile != NULL && d->logfile == NULL)) {
		fputs("lacpctld: out of memory\n", stderr);
		exit(1);
	}
}

int main(int argc, char **argv)
{
	struct lacp_ctld d = {
		.argv0 = argv[0],
		.max_script = DEFAULT_MAX_SCRIPT,
		.log_fp = stderr,
		.log_is_stderr = true,
		.ready_fd = -1,
		.listener = {.fd = -1},
		.pidf = {.fd = -1},
		.sig_rd = -1,
	};
	char err[1024];
	int rc;

	parse_options(&d, argc, argv);
	rc = lacp_ctld_log_open(&d);
	if (rc != 0) {
		fprintf(stderr, "lacpctld: cannot open the log file %s: %s\n", d.logfile,
			strerror(-rc));
		return 1;
	}
	start(&d);
	d.epoll = lacp_notifier_install() == 1;
	if (lacp_ctld_interp_create(&d, err, sizeof err) != 0)
		die(&d, "%s", err);
	Tcl_CreateFileHandler(d.sig_rd, TCL_READABLE, signal_cb, &d);
	Tcl_CreateFileHandler(d.listener.fd, TCL_READABLE, lacp_ctld_accept, &d);
	lacp_ctld_log(&d, LOG_NOTICE, "lacpctld %s listening on %s%s%s", LACP_VERSION, d.socket_path,
		d.group != NULL ? " for group " : "", d.group != NULL ? d.group : "");
	lacp_daemon_ready(&d.ready_fd);
	while (!d.stopping)
		Tcl_DoOneEvent(TCL_ALL_EVENTS);
	shutdown_daemon(&d);
	free(d.socket_path);
	free(d.pidfile);
	free(d.logfile);
	return 0;
}
