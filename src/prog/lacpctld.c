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
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <tcl.h>

#include "ctl_proto.h"
#include "notifier.h"

int Lacp_Init(Tcl_Interp *interp);

/* Tcl 9 counts with Tcl_Size; 8.6 with int. */
#ifndef TCL_SIZE_MAX
typedef int Tcl_Size;
#endif

#define DEFAULT_MAX_SCRIPT (16u << 20)  /* bytes */
#define MAX_OUTPUT (64u << 20)          /* bytes captured per script */
#define MAX_CONNECTIONS 512
#define READ_CHUNK 65536
#define READ_BUDGET (1u << 20)          /* bytes read per readable event */
#define POLL_MS 250                     /* hang-up and signal checks during a script */
#define STOP_GRACE_MS 3000              /* how long a cancelled script may take to unwind */
#define BG_LINE_MAX 4096                /* background output is logged line by line */

enum stream { STREAM_STDIN, STREAM_STDOUT, STREAM_STDERR, N_STREAMS };
static const char *const stream_name[N_STREAMS] = {"stdin", "stdout", "stderr"};
static const int stream_tcl_type[N_STREAMS] = {TCL_STDIN, TCL_STDOUT, TCL_STDERR};

struct buf {
	char *data;
	size_t len, cap;
};

/* One run of output bytes written to the same stream. */
struct run {
	enum stream stream;
	size_t len;
};

enum conn_state { CONN_READING, CONN_QUEUED, CONN_RUNNING, CONN_WRITING };

struct ctld;

/* A client connection, from accept to the last byte of its reply. */
struct conn {
	struct ctld *d;
	unsigned long id;
	int fd;
	struct ucred cred;
	enum conn_state state;
	bool hello_known;      /* whether the request is framed is decided */
	bool framed;
	bool too_large;        /* script over the limit: the rest is discarded */
	bool gone;             /* the peer hung up */
	bool cancelled;        /* its evaluation was cancelled */
	bool timed_out;        /* its evaluation hit the time limit */
	bool truncated;        /* output over MAX_OUTPUT was dropped */
	size_t received;       /* every byte read, hello line included */
	struct buf in;         /* the request (until evaluated) */
	struct buf out;        /* captured output, then the reply */
	struct run *runs;
	size_t n_runs, cap_runs;
	size_t sent;
	int64_t deadline_ms;   /* time limit, on the monotonic clock */
	struct conn *prev, *next;  /* every connection */
	struct conn *qnext;        /* the run queue */
};

/* A capture channel: stdin (always at end of file), stdout or stderr. */
struct capture {
	struct ctld *d;
	enum stream stream;
	Tcl_Channel chan;
};

struct ctld {
	/* options */
	const char *argv0;
	char *socket_path;
	char *pidfile;
	char *logfile;
	const char *group;
	gid_t gid;
	bool foreground;
	bool verbose;
	double time_limit;       /* seconds, 0 for none */
	size_t max_script;

	/* logging */
	FILE *log_fp;            /* NULL: syslog */
	bool log_is_stderr;

	/* process */
	pid_t pid;
	int ready_fd;            /* daemon mode: tells the waiting parent */
	int listen_fd;
	bool socket_bound;
	dev_t sock_dev;
	ino_t sock_ino;
	bool pidfile_written;
	int sig_rd;              /* self-pipe, read end */
	int64_t started_ms;

	/* Tcl */
	Tcl_Interp *interp;
	bool epoll;              /* our notifier: no FD_SETSIZE bound */
	Tcl_Encoding utf8;
	Tcl_Channel chan[N_STREAMS];
	struct buf bg[N_STREAMS];  /* partial lines written outside a script */
	Tcl_TimerToken run_timer;
	Tcl_TimerToken pause_timer;
	bool accept_paused;

	/* clients */
	struct conn *conns;
	unsigned n_conns;
	struct conn *q_head, *q_tail;
	unsigned n_queued;
	struct conn *current;    /* evaluating */
	unsigned long next_id;
	unsigned long n_evals;

	/* stopping */
	bool stopping;
	bool ports_destroyed;    /* early, to get a script out of `wait` */
	int64_t stop_deadline_ms;
	Tcl_TimerToken grace_timer;
};

/* The signal handler's only ways out: async-signal-safe by construction. */
static volatile sig_atomic_t got_stop_signal;
static int sig_pipe_wr = -1;

/* ---- small helpers */

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Grows B to hold N more bytes; false when out of memory. */
static bool buf_reserve(struct buf *b, size_t n)
{
	size_t cap;
	char *p;

	if (b->cap - b->len >= n)
		return true;
	cap = b->cap ? b->cap : 4096;
	while (cap - b->len < n)
		cap *= 2;
	p = realloc(b->data, cap);
	if (p == NULL)
		return false;
	b->data = p;
	b->cap = cap;
	return true;
}

static bool buf_append(struct buf *b, const void *data, size_t n)
{
	if (!buf_reserve(b, n))
		return false;
	memcpy(b->data + b->len, data, n);
	b->len += n;
	return true;
}

static void buf_free(struct buf *b)
{
	free(b->data);
	memset(b, 0, sizeof *b);
}

/* Appends one framed record "TAG LEN\nBODY\n". */
static bool buf_record(struct buf *b, const char *tag, const char *body, size_t len)
{
	char head[LACP_CTL_MAX_RECORD_HEADER];
	int n;

	n = snprintf(head, sizeof head, "%s %zu\n", tag, len);
	return buf_append(b, head, (size_t)n) && buf_append(b, body, len) &&
	       buf_append(b, "\n", 1);
}

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

/* ---- logging: syslog, a file, or stderr in the foreground */

static const char *prio_name(int prio)
{
	switch (prio) {
	case LOG_ERR: return "error";
	case LOG_WARNING: return "warning";
	case LOG_NOTICE: return "notice";
	case LOG_INFO: return "info";
	default: return "debug";
	}
}

static void vlog_msg(struct ctld *d, int prio, const char *fmt, va_list ap)
{
	char stamp[32];
	struct timespec ts;
	struct tm tm;

	if (prio >= LOG_INFO && !d->verbose)
		return;
	if (d->log_fp == NULL) {
		vsyslog(prio, fmt, ap);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(d->log_fp, "%s.%03ld lacpctld[%ld]: %s: ", stamp, ts.tv_nsec / 1000000,
		(long)getpid(), prio_name(prio));
	vfprintf(d->log_fp, fmt, ap);
	fputc('\n', d->log_fp);
	fflush(d->log_fp);
}

static void log_msg(struct ctld *d, int prio, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void log_msg(struct ctld *d, int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog_msg(d, prio, fmt, ap);
	va_end(ap);
}

/* Opens the log file (append) or sets up syslog / stderr. */
static int log_open(struct ctld *d)
{
	int fd;

	if (d->logfile != NULL) {
		fd = open(d->logfile, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
		if (fd < 0)
			return -errno;
		d->log_fp = fdopen(fd, "a");
		if (d->log_fp == NULL) {
			close(fd);
			return -ENOMEM;
		}
		setvbuf(d->log_fp, NULL, _IOLBF, 0);
		d->log_is_stderr = false;
	} else if (d->foreground) {
		d->log_fp = stderr;
		d->log_is_stderr = true;
	} else {
		openlog("lacpctld", LOG_PID | LOG_NDELAY, LOG_DAEMON);
		d->log_fp = NULL;
		d->log_is_stderr = false;
	}
	return 0;
}

/* SIGHUP: reopens the log file (after logrotate moved it). */
static void log_reopen(struct ctld *d)
{
	FILE *old = d->log_fp;

	if (d->logfile == NULL)
		return;
	if (log_open(d) != 0) {
		d->log_fp = old;
		log_msg(d, LOG_WARNING, "cannot reopen %s: %s", d->logfile, strerror(errno));
		return;
	}
	fclose(old);
	log_msg(d, LOG_NOTICE, "log file reopened");
}

static void log_close(struct ctld *d)
{
	if (d->log_fp == NULL)
		closelog();
	else if (!d->log_is_stderr)
		fclose(d->log_fp);
	d->log_fp = stderr;
	d->log_is_stderr = true;
}

/* ---- start-up failures: one line on stderr (through the waiting parent
 * in daemon mode) and in the log, exit status 1 */

static void cleanup_files(struct ctld *d);

static void die(struct ctld *d, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));
static void die(struct ctld *d, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (d->ready_fd >= 0) {
		if (write(d->ready_fd, msg, strlen(msg)) < 0)
			(void)0; /* the parent is gone: the log still has it */
	} else {
		fprintf(stderr, "lacpctld: %s\n", msg);
	}
	if (!d->log_is_stderr)
		log_msg(d, LOG_ERR, "%s", msg);
	cleanup_files(d);
	exit(1);
}

/* ---- socket, pidfile, daemon */

/* Removes the socket file (if it is still ours) and the pidfile (if it
 * still names us). */
static void cleanup_files(struct ctld *d)
{
	struct stat st;
	char text[32];
	ssize_t n;
	int fd;

	if (d->socket_bound && lstat(d->socket_path, &st) == 0 &&
	    st.st_dev == d->sock_dev && st.st_ino == d->sock_ino)
		unlink(d->socket_path);
	d->socket_bound = false;
	if (!d->pidfile_written)
		return;
	d->pidfile_written = false;
	fd = open(d->pidfile, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, text, sizeof text - 1);
	close(fd);
	if (n > 0) {
		text[n] = '\0';
		if (strtol(text, NULL, 10) == (long)getpid())
			unlink(d->pidfile);
	}
}

/*
 * Checks what is at the socket path: nothing (fine), a socket some live
 * daemon accepts on (refuse to start), a stale socket (removed), or
 * something else (refuse to touch it).
 */
static void check_socket_path(struct ctld *d, const struct sockaddr_un *sa)
{
	struct stat st;
	int fd, rc, err;

	if (lstat(d->socket_path, &st) != 0) {
		if (errno == ENOENT)
			return;
		die(d, "cannot check %s: %s", d->socket_path, strerror(errno));
	}
	if (!S_ISSOCK(st.st_mode))
		die(d, "%s exists and is not a socket; not touching it", d->socket_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die(d, "socket: %s", strerror(errno));
	rc = connect(fd, (const struct sockaddr *)sa, sizeof *sa);
	err = errno;
	close(fd);
	if (rc == 0)
		die(d, "another daemon is already listening on %s", d->socket_path);
	if (err != ECONNREFUSED)
		die(d, "cannot check %s: %s", d->socket_path, strerror(err));
	if (unlink(d->socket_path) != 0 && errno != ENOENT)
		die(d, "cannot remove the stale socket %s: %s", d->socket_path, strerror(errno));
	log_msg(d, LOG_NOTICE, "removed the stale socket %s", d->socket_path);
}

/* Binds and listens: mode 0600, or 0660 owned by the -g group. */
static void open_socket(struct ctld *d)
{
	struct sockaddr_un sa;
	struct stat st;
	mode_t old_mask;
	int rc;

	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	if (strlen(d->socket_path) >= sizeof sa.sun_path)
		die(d, "socket path %s is too long (at most %zu bytes)", d->socket_path,
		    sizeof sa.sun_path - 1);
	strcpy(sa.sun_path, d->socket_path);
	check_socket_path(d, &sa);
	d->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (d->listen_fd < 0)
		die(d, "socket: %s", strerror(errno));
	old_mask = umask(0177);   /* born 0600: never readable by others */
	rc = bind(d->listen_fd, (struct sockaddr *)&sa, sizeof sa);
	umask(old_mask);
	if (rc != 0)
		die(d, "cannot bind %s: %s", d->socket_path, strerror(errno));
	if (lstat(d->socket_path, &st) != 0)
		die(d, "cannot stat %s: %s", d->socket_path, strerror(errno));
	d->socket_bound = true;
	d->sock_dev = st.st_dev;
	d->sock_ino = st.st_ino;
	if (d->group != NULL) {
		if (chown(d->socket_path, (uid_t)-1, d->gid) != 0)
			die(d, "cannot give %s to group %s: %s", d->socket_path, d->group,
			    strerror(errno));
		if (chmod(d->socket_path, 0660) != 0)
			die(d, "cannot chmod %s: %s", d->socket_path, strerror(errno));
	}
	if (listen(d->listen_fd, SOMAXCONN) != 0)
		die(d, "listen on %s: %s", d->socket_path, strerror(errno));
}

static void write_pidfile(struct ctld *d)
{
	char text[32];
	int fd, n;

	if (d->pidfile == NULL)
		return;
	fd = open(d->pidfile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		die(d, "cannot write the pidfile %s: %s", d->pidfile, strerror(errno));
	n = snprintf(text, sizeof text, "%ld\n", (long)getpid());
	if (write(fd, text, (size_t)n) != n) {
		close(fd);
		die(d, "cannot write the pidfile %s: %s", d->pidfile, strerror(errno));
	}
	close(fd);
	d->pidfile_written = true;
}

/*
 * Double fork. The first process waits until the daemon says it is ready
 * (a NUL byte) or why it failed (a message), so `lacpctld` returns only
 * once clients can connect, and start-up errors reach the terminal.
 */
static void daemonize(struct ctld *d)
{
	char msg[1024];
	ssize_t n, got = 0;
	pid_t pid;
	int p[2], fd;

	if (pipe2(p, O_CLOEXEC) != 0)
		die(d, "pipe: %s", strerror(errno));
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		die(d, "fork: %s", strerror(errno));
	if (pid > 0) {
		close(p[1]);
		while ((n = read(p[0], msg + got, sizeof msg - 1 - (size_t)got)) > 0 ||
		       (n < 0 && errno == EINTR))
			if (n > 0)
				got += n;
		waitpid(pid, NULL, 0);
		if (got > 0 && msg[0] == '\0')
			_exit(0);
		msg[got] = '\0';
		fprintf(stderr, "lacpctld: %s\n", got > 0 ? msg : "the daemon exited during start-up");
		_exit(1);
	}
	close(p[0]);
	d->ready_fd = p[1];
	if (setsid() < 0)
		die(d, "setsid: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		die(d, "fork: %s", strerror(errno));
	if (pid > 0)
		_exit(0);
	if (chdir("/") != 0)
		die(d, "chdir /: %s", strerror(errno));
	fd = open("/dev/null", O_RDWR);
	if (fd < 0)
		die(d, "/dev/null: %s", strerror(errno));
	dup2(fd, STDIN_FILENO);
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	if (fd > STDERR_FILENO)
		close(fd);
}

/* Tells the waiting parent that the daemon is up. */
static void announce_ready(struct ctld *d)
{
	if (d->ready_fd < 0)
		return;
	if (write(d->ready_fd, "", 1) != 1)
		log_msg(d, LOG_WARNING, "the starting process is gone");
	close(d->ready_fd);
	d->ready_fd = -1;
}

/* ---- signals: a self-pipe wakes the event loop; a flag reaches the
 * time-limit handler when a script never enters the event loop */

static void on_signal(int sig)
{
	int saved = errno;
	unsigned char b = (unsigned char)sig;

	if (sig != SIGHUP)
		got_stop_signal = sig;
	if (write(sig_pipe_wr, &b, 1) < 0)
		(void)0; /* pipe full: a wake-up is already pending */
	errno = saved;
}

static void setup_signals(struct ctld *d)
{
	struct sigaction sa;
	int p[2];

	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) != 0)
		die(d, "pipe: %s", strerror(errno));
	d->sig_rd = p[0];
	sig_pipe_wr = p[1];
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

/* ---- capture channels: the interpreter's stdin, stdout and stderr */

static void conn_output(struct conn *c, enum stream s, const char *data, size_t len);

/* Output written outside any script (event callbacks, `after` scripts)
 * goes to the log, a line at a time. */
static void background_output(struct ctld *d, enum stream s, const char *data, size_t len)
{
	struct buf *b = &d->bg[s];
	const char *nl;
	size_t n;

	while (len > 0) {
		nl = memchr(data, '\n', len);
		n = nl != NULL ? (size_t)(nl - data) : len;
		if (b->len + n > BG_LINE_MAX)
			n = BG_LINE_MAX - b->len;
		buf_append(b, data, n);
		data += n;
		len -= n;
		if (nl != NULL && data == nl) {
			data++;
			len--;
		} else if (b->len < BG_LINE_MAX) {
			break;
		}
		log_msg(d, LOG_NOTICE, "%s (outside any script): %.*s", stream_name[s],
			(int)b->len, b->data != NULL ? b->data : "");
		b->len = 0;
	}
}

static int capture_output(ClientData cd, const char *data, int len, int *err)
{
	struct capture *cap = cd;
	struct ctld *d = cap->d;

	(void)err;
	if (d->current != NULL)
		conn_output(d->current, cap->stream, data, (size_t)len);
	else
		background_output(d, cap->stream, data, (size_t)len);
	return len;
}

static int capture_input(ClientData cd, char *data, int len, int *err)
{
	(void)cd;
	(void)data;
	(void)len;
	(void)err;
	return 0; /* the daemon has no standard input: end of file */
}

static int capture_close2(ClientData cd, Tcl_Interp *interp, int flags)
{
	struct capture *cap = cd;

	(void)interp;
	if (flags & (TCL_CLOSE_READ | TCL_CLOSE_WRITE))
		return EINVAL;
	if (cap->d->chan[cap->stream] == cap->chan)
		cap->d->chan[cap->stream] = NULL;
	free(cap);
	return 0;
}

static void capture_watch(ClientData cd, int mask)
{
	(void)cd;
	(void)mask;
}

static int capture_handle(ClientData cd, int direction, ClientData *handle)
{
	(void)cd;
	(void)direction;
	(void)handle;
	return TCL_ERROR;
}

static int capture_block_mode(ClientData cd, int mode)
{
	(void)cd;
	(void)mode;
	return 0;
}

static const Tcl_ChannelType capture_type = {
	"lacpctld-capture",
	TCL_CHANNEL_VERSION_5,
	TCL_CLOSE2PROC,
	capture_input,
	capture_output,
	NULL,                  /* seek */
	NULL, NULL,            /* set/get option */
	capture_watch,
	capture_handle,
	capture_close2,
	capture_block_mode,
	NULL, NULL, NULL, NULL, NULL
};

/*
 * Makes sure the interpreter's standard channel of stream S is a capture
 * channel (again, if a script closed it). Before the interpreter exists
 * this only installs the process's standard channel; the interpreter
 * picks it up when it is created.
 */
static int ensure_channel(struct ctld *d, enum stream s)
{
	struct capture *cap;
	Tcl_Channel chan;
	int mode = s == STREAM_STDIN ? TCL_READABLE : TCL_WRITABLE;

	if (d->chan[s] != NULL)
		return 0;
	cap = calloc(1, sizeof *cap);
	if (cap == NULL)
		return -ENOMEM;
	cap->d = d;
	cap->stream = s;
	chan = Tcl_CreateChannel(&capture_type, stream_name[s], cap, mode);
	cap->chan = chan;
	d->chan[s] = chan;
	Tcl_SetChannelOption(NULL, chan, "-encoding", "utf-8");
	Tcl_SetChannelOption(NULL, chan, "-translation", "lf");
	if (s != STREAM_STDIN)
		Tcl_SetChannelOption(NULL, chan, "-buffering", "none");
	/* Tcl_CreateChannel fills a standard slot that a script emptied by
	 * itself (and takes a reference for it); otherwise do both here.
	 * Before the interpreter exists the slots are untouched: asking for
	 * them would open the process's own descriptors. */
	if (d->interp == NULL || Tcl_GetStdChannel(stream_tcl_type[s]) != chan) {
		Tcl_SetStdChannel(chan, stream_tcl_type[s]);
		Tcl_RegisterChannel(NULL, chan);
	}
	if (d->interp != NULL)
		Tcl_RegisterChannel(d->interp, chan);
	return 0;
}

static int ensure_channels(struct ctld *d)
{
	enum stream s;

	for (s = 0; s < N_STREAMS; s++)
		if (ensure_channel(d, s) != 0)
			return -ENOMEM;
	return 0;
}

/* ---- connections */

static void queue_schedule(struct ctld *d);
static void conn_read_cb(ClientData cd, int mask);

static void conn_free(struct conn *c)
{
	struct ctld *d = c->d;

	if (c->fd >= 0) {
		Tcl_DeleteFileHandler(c->fd);
		close(c->fd);
	}
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		d->conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	d->n_conns--;
	buf_free(&c->in);
	buf_free(&c->out);
	free(c->runs);
	free(c);
}

/* Whether the peer has closed its end entirely (not just half-closed). */
static bool peer_gone(const struct conn *c)
{
	struct pollfd p = {.fd = c->fd, .events = 0};

	return poll(&p, 1, 0) > 0 && (p.revents & (POLLHUP | POLLERR));
}

/* Writes what it can of the reply; frees C when done or when the peer is
 * gone. Returns true when C still waits to write. */
static bool conn_write_some(struct conn *c)
{
	ssize_t n;

	while (c->sent < c->out.len) {
		n = send(c->fd, c->out.data + c->sent, c->out.len - c->sent,
			 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n > 0) {
			c->sent += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return true;
		log_msg(c->d, LOG_INFO, "client %lu: reply dropped: %s", c->id,
			n < 0 ? strerror(errno) : "short write");
		break;
	}
	conn_free(c);
	return false;
}

static void conn_write_cb(ClientData cd, int mask)
{
	(void)mask;
	conn_write_some(cd);
}

/* Sends the reply in C->out (or drops it when the peer is gone). */
static void conn_reply(struct conn *c)
{
	c->state = CONN_WRITING;
	c->sent = 0;
	Tcl_DeleteFileHandler(c->fd);
	if (c->gone) {
		log_msg(c->d, LOG_INFO, "client %lu: gone, reply dropped", c->id);
		conn_free(c);
		return;
	}
	if (conn_write_some(c) && !c->d->stopping)
		Tcl_CreateFileHandler(c->fd, TCL_WRITABLE, conn_write_cb, c);
}

/* Replaces C's reply by a refusal (framed: it may be sent before the
 * request is read) and sends it. */
static void conn_refuse(struct conn *c, const char *why)
{
	char msg[256];
	int n;

	n = snprintf(msg, sizeof msg, "lacpctld: %s", why);
	c->out.len = 0;
	if (!buf_record(&c->out, LACP_CTL_TAG_REFUSED, msg, (size_t)n))
		c->out.len = 0;
	conn_reply(c);
}

/* Whether the peer may use the daemon: root, our own user, or (with -g)
 * a member of the group, by primary or supplementary group id. */
static bool peer_allowed(struct ctld *d, struct conn *c)
{
	gid_t groups[256];
	socklen_t len = sizeof c->cred;
	size_t i;

	if (getsockopt(c->fd, SOL_SOCKET, SO_PEERCRED, &c->cred, &len) != 0)
		return false;
	if (c->cred.uid == 0 || c->cred.uid == geteuid())
		return true;
	if (d->group == NULL)
		return false;
	if (c->cred.gid == d->gid)
		return true;
	len = sizeof groups;
	if (getsockopt(c->fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len) != 0)
		return false;
	for (i = 0; i < len / sizeof groups[0]; i++)
		if (groups[i] == d->gid)
			return true;
	return false;
}

static void accept_cb(ClientData cd, int mask);

static void accept_resume(ClientData cd)
{
	struct ctld *d = cd;

	d->pause_timer = NULL;
	d->accept_paused = false;
	if (!d->stopping)
		Tcl_CreateFileHandler(d->listen_fd, TCL_READABLE, accept_cb, d);
}

/* Accepts every pending connection; checks its peer; starts reading. */
static void accept_cb(ClientData cd, int mask)
{
	struct ctld *d = cd;
	struct conn *c;
	int fd, i;

	(void)mask;
	for (i = 0; i < 64; i++) {
		fd = accept4(d->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE || errno == ENOMEM || errno == ENOBUFS) {
				/* Out of descriptors: pause accepting rather than spin. */
				log_msg(d, LOG_WARNING, "accept: %s; pausing for 100 ms", strerror(errno));
				Tcl_DeleteFileHandler(d->listen_fd);
				d->accept_paused = true;
				d->pause_timer = Tcl_CreateTimerHandler(100, accept_resume, d);
			}
			return;
		}
		if (fd >= FD_SETSIZE && !d->epoll) {
			/* Tcl 8.6's own notifier uses select(): such a
			 * descriptor cannot be watched. Say so, best effort,
			 * and close. */
			static const char busy[] = "refused 40\nlacpctld: too many open files, try again\n";

			if (send(fd, busy, sizeof busy - 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
				(void)0; /* the client learns from the closed connection */
			close(fd);
			log_msg(d, LOG_WARNING, "refused a client: descriptor %d is beyond FD_SETSIZE", fd);
			continue;
		}
		c = calloc(1, sizeof *c);
		if (c == NULL) {
			close(fd);
			log_msg(d, LOG_WARNING, "out of memory: connection closed");
			return;
		}
		c->d = d;
		c->fd = fd;
		c->id = ++d->next_id;
		c->next = d->conns;
		if (d->conns != NULL)
			d->conns->prev = c;
		d->conns = c;
		d->n_conns++;
		if (!peer_allowed(d, c)) {
			log_msg(d, LOG_WARNING, "refused client %lu: uid %u gid %u pid %ld is not allowed",
				c->id, (unsigned)c->cred.uid, (unsigned)c->cred.gid, (long)c->cred.pid);
			conn_refuse(c, "permission denied: this user may not use lacpctld");
			continue;
		}
		if (d->n_conns > MAX_CONNECTIONS) {
			log_msg(d, LOG_WARNING, "refused client %lu: too many connections", c->id);
			conn_refuse(c, "too many connections");
			continue;
		}
		log_msg(d, LOG_DEBUG, "client %lu: uid %u pid %ld connected", c->id,
			(unsigned)c->cred.uid, (long)c->cred.pid);
		c->state = CONN_READING;
		Tcl_CreateFileHandler(fd, TCL_READABLE, conn_read_cb, c);
	}
}

/* Decides whether the request is framed, as soon as its first bytes tell. */
static void decide_hello(struct conn *c)
{
	size_t hl = strlen(LACP_CTL_HELLO);
	size_t n = c->in.len < hl ? c->in.len : hl;

	if (c->hello_known)
		return;
	if (memcmp(c->in.data, LACP_CTL_HELLO, n) != 0) {
		c->hello_known = true;
		c->framed = false;
	} else if (c->in.len >= hl) {
		c->hello_known = true;
		c->framed = true;
	}
}

static size_t script_len(const struct conn *c)
{
	return c->in.len - (c->framed ? strlen(LACP_CTL_HELLO) : 0);
}

/* Composes the answer to a script over the size limit. */
static void reply_too_large(struct conn *c)
{
	char msg[160];
	int n;

	n = snprintf(msg, sizeof msg,
		     "script too large: %zu bytes, the limit is %zu (lacpctld -m)",
		     c->received - (c->framed ? strlen(LACP_CTL_HELLO) : 0), c->d->max_script);
	c->out.len = 0;
	if (c->framed) {
		buf_record(&c->out, LACP_CTL_TAG_ERRORCODE, "LACPCTLD LIMIT SIZE", 19);
		buf_record(&c->out, LACP_CTL_TAG_ERROR, msg, (size_t)n);
	} else {
		buf_append(&c->out, "error: ", 7);
		buf_append(&c->out, msg, (size_t)n);
		buf_append(&c->out, "\n", 1);
	}
	log_msg(c->d, LOG_NOTICE, "client %lu: %s", c->id, msg);
	conn_reply(c);
}

/* The request is complete: queue it, answer it, or drop an empty one. */
static void conn_request_done(struct conn *c)
{
	struct ctld *d = c->d;

	Tcl_DeleteFileHandler(c->fd);
	if (c->received == 0) {
		log_msg(d, LOG_DEBUG, "client %lu: empty connection", c->id);
		conn_free(c);
		return;
	}
	if (!c->hello_known) {
		/* A short request that is a prefix of the hello line. */
		c->hello_known = true;
		c->framed = false;
	}
	if (c->too_large) {
		reply_too_large(c);
		return;
	}
	c->state = CONN_QUEUED;
	c->qnext = NULL;
	if (d->q_tail != NULL)
		d->q_tail->qnext = c;
	else
		d->q_head = c;
	d->q_tail = c;
	d->n_queued++;
	log_msg(d, LOG_DEBUG, "client %lu: %zu bytes received, queued behind %u", c->id,
		c->received, d->n_queued - 1 + (d->current != NULL));
	queue_schedule(d);
}

static void conn_read_cb(ClientData cd, int mask)
{
	struct conn *c = cd;
	char chunk[READ_CHUNK];
	size_t budget = READ_BUDGET;
	ssize_t n;

	(void)mask;
	while (budget > 0) {
		n = recv(c->fd, chunk, sizeof chunk, 0);
		if (n == 0) {
			conn_request_done(c);
			return;
		}
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			log_msg(c->d, LOG_INFO, "client %lu: %s", c->id, strerror(errno));
			conn_free(c);
			return;
		}
		budget -= (size_t)n < budget ? (size_t)n : budget;
		c->received += (size_t)n;
		if (c->too_large)
			continue;
		if (!buf_append(&c->in, chunk, (size_t)n)) {
			log_msg(c->d, LOG_WARNING, "client %lu: out of memory", c->id);
			c->too_large = true;
			buf_free(&c->in);
			continue;
		}
		decide_hello(c);
		if (script_len(c) > c->d->max_script) {
			c->too_large = true;
			buf_free(&c->in);
		}
	}
}

/* Captured output of the script being evaluated. */
static void conn_output(struct conn *c, enum stream s, const char *data, size_t len)
{
	struct run *runs;
	size_t cap;

	if (c->truncated)
		return;
	if (c->out.len + len > MAX_OUTPUT) {
		c->truncated = true;
		return;
	}
	if (c->n_runs == 0 || c->runs[c->n_runs - 1].stream != s) {
		if (c->n_runs == c->cap_runs) {
			cap = c->cap_runs ? 2 * c->cap_runs : 8;
			runs = realloc(c->runs, cap * sizeof *runs);
			if (runs == NULL) {
				c->truncated = true;
				return;
			}
			c->runs = runs;
			c->cap_runs = cap;
		}
		c->runs[c->n_runs].stream = s;
		c->runs[c->n_runs].len = 0;
		c->n_runs++;
	}
	if (!buf_append(&c->out, data, len)) {
		c->truncated = true;
		return;
	}
	c->runs[c->n_runs - 1].len += len;
}

/* The truncation note goes in past the cap. */
static void conn_output_note(struct conn *c, const char *note, size_t len)
{
	if (c->n_runs == 0 || c->runs[c->n_runs - 1].stream != STREAM_STDERR) {
		conn_output(c, STREAM_STDERR, "", 0);
		if (c->truncated)
			return;
	}
	if (buf_append(&c->out, note, len))
		c->runs[c->n_runs - 1].len += len;
}

/* ---- evaluation */

/* Cancels the script being evaluated, with MESSAGE as its error. */
static void cancel_eval(struct ctld *d, const char *message)
{
	if (d->current == NULL || d->current->cancelled)
		return;
	d->current->cancelled = true;
	Tcl_CancelEval(d->interp, Tcl_NewStringObj(message, -1), NULL, TCL_CANCEL_UNWIND);
}

static void begin_stop(struct ctld *d, const char *why);
static void arm_grace(struct ctld *d);

/* Makes sure no cancellation outlives the script it was meant for (a
 * script that ended on its own before noticing it): a dummy evaluation
 * notices it and is unwound back to level 0, where Tcl clears it. */
static int clear_cancel(struct ctld *d, int code)
{
	Tcl_InterpState saved;
	Tcl_Obj *dummy;

	if (Tcl_Canceled(d->interp, 0) == TCL_OK)
		return code;
	saved = Tcl_SaveInterpState(d->interp, code);
	dummy = Tcl_NewStringObj("list", -1);
	Tcl_IncrRefCount(dummy);
	Tcl_EvalObjEx(d->interp, dummy, TCL_EVAL_GLOBAL);
	Tcl_DecrRefCount(dummy);
	if (Tcl_Canceled(d->interp, 0) != TCL_OK)
		log_msg(d, LOG_ERR, "a cancellation is stuck in the interpreter");
	return Tcl_RestoreInterpState(d->interp, saved);
}

/* Sets the next wake-up of the time-limit handler: the poll interval or
 * the script's deadline, whichever comes first. */
static void limit_arm(struct ctld *d, struct conn *c)
{
	int64_t now = mono_ms(), ms = POLL_MS;
	Tcl_Time t;

	if (d->time_limit > 0 && !c->timed_out && c->deadline_ms - now < ms)
		ms = c->deadline_ms - now > 0 ? c->deadline_ms - now : 0;
	Tcl_GetTime(&t);
	t.sec += (long)(ms / 1000);
	t.usec += (long)(ms % 1000) * 1000;
	if (t.usec >= 1000000) {
		t.sec++;
		t.usec -= 1000000;
	}
	Tcl_LimitSetTime(d->interp, &t);
}

static void emergency_exit(struct ctld *d)
{
	log_msg(d, LOG_ERR, "the script being evaluated did not stop within %d ms; exiting",
		STOP_GRACE_MS);
	cleanup_files(d);
	_exit(1);
}

/*
 * The interpreter's time-limit handler, called every POLL_MS during an
 * evaluation (also inside nested event loops and blocking `after`): it
 * notices a hung-up client and a stop signal, and enforces -t. Raising
 * the limit again lets the script go on.
 */
static void limit_handler(ClientData cd, Tcl_Interp *interp)
{
	struct ctld *d = cd;
	struct conn *c = d->current;

	(void)interp;
	if (c == NULL)
		return;
	if (got_stop_signal) {
		begin_stop(d, got_stop_signal == SIGINT ? "SIGINT" : "SIGTERM");
		arm_grace(d);
		if (mono_ms() > d->stop_deadline_ms)
			emergency_exit(d);
		cancel_eval(d, "lacpctld is shutting down");
	}
	if (!c->gone && peer_gone(c)) {
		c->gone = true;
		log_msg(d, LOG_NOTICE, "client %lu went away during its script: cancelled", c->id);
		cancel_eval(d, "the client went away");
	}
	if (d->time_limit > 0 && !c->timed_out && mono_ms() >= c->deadline_ms) {
		/* Cancel rather than leave the limit exceeded: `catch` cannot
		 * stop an unwinding cancellation, and an exceeded limit seen
		 * in an event loop turns into background errors. */
		c->timed_out = true;
		cancel_eval(d, "time limit exceeded");
	}
	limit_arm(d, c);
}

/* Converts Tcl's internal string OBJ to UTF-8 octets appended to DS. */
static const char *external_utf8(struct ctld *d, Tcl_Obj *obj, Tcl_DString *ds, Tcl_Size *len)
{
	Tcl_Size n;
	const char *s = Tcl_GetStringFromObj(obj, &n);

	Tcl_UtfToExternalDString(d->utf8, s, n, ds);
	*len = Tcl_DStringLength(ds);
	return Tcl_DStringValue(ds);
}

/* Builds C's reply from its captured output and the evaluation's outcome. */
static void compose_reply(struct ctld *d, struct conn *c, int code, Tcl_Obj *result,
			  Tcl_Obj *options)
{
	static const char note[] = "lacpctld: output truncated at 64 MiB\n";
	Tcl_Obj *key, *val;
	struct buf out = {0};
	Tcl_DString ds;
	const char *s;
	Tcl_Size len;
	size_t off = 0, i;
	bool ok = code == TCL_OK || code == TCL_RETURN;

	if (c->truncated) {
		c->truncated = false;
		conn_output_note(c, note, sizeof note - 1);
	}
	if (!c->framed) {
		out = c->out;
		memset(&c->out, 0, sizeof c->out);
		if (!ok)
			buf_append(&out, "error: ", 7);
	} else {
		for (i = 0; i < c->n_runs; i++) {
			buf_record(&out, c->runs[i].stream == STREAM_STDOUT ? LACP_CTL_TAG_STDOUT
									  : LACP_CTL_TAG_STDERR,
				   c->out.data + off, c->runs[i].len);
			off += c->runs[i].len;
		}
		buf_free(&c->out);
	}
	if (!ok && c->framed) {
		key = Tcl_NewStringObj("-errorcode", -1);
		Tcl_IncrRefCount(key);
		if (Tcl_DictObjGet(NULL, options, key, &val) == TCL_OK && val != NULL) {
			Tcl_DStringInit(&ds);
			s = external_utf8(d, val, &ds, &len);
			buf_record(&out, LACP_CTL_TAG_ERRORCODE, s, (size_t)len);
			Tcl_DStringFree(&ds);
		}
		Tcl_SetStringObj(key, "-errorinfo", -1);
		if (Tcl_DictObjGet(NULL, options, key, &val) == TCL_OK && val != NULL) {
			Tcl_DStringInit(&ds);
			s = external_utf8(d, val, &ds, &len);
			buf_record(&out, LACP_CTL_TAG_ERRORINFO, s, (size_t)len);
			Tcl_DStringFree(&ds);
		}
		Tcl_DecrRefCount(key);
	}
	Tcl_DStringInit(&ds);
	s = external_utf8(d, result, &ds, &len);
	if (c->framed)
		buf_record(&out, ok ? LACP_CTL_TAG_OK : LACP_CTL_TAG_ERROR, s, (size_t)len);
	else if (len > 0 || !ok)
		if (buf_append(&out, s, (size_t)len))
			buf_append(&out, "\n", 1);
	Tcl_DStringFree(&ds);
	c->out = out;
}

/* Evaluates C's script at global level and replies. */
static void evaluate(struct ctld *d, struct conn *c)
{
	size_t skip = c->framed ? strlen(LACP_CTL_HELLO) : 0;
	Tcl_Obj *result, *options, *script_obj;
	Tcl_DString script;
	int64_t t0 = mono_ms();
	char msg[160];
	int code;

	if (ensure_channels(d) != 0) {
		conn_refuse(c, "out of memory");
		return;
	}
	Tcl_DStringInit(&script);
	Tcl_ExternalToUtfDString(d->utf8, c->in.data + skip, (Tcl_Size)(c->in.len - skip), &script);
	buf_free(&c->in);
	c->state = CONN_RUNNING;
	d->current = c;
	d->n_evals++;
	c->deadline_ms = t0 + (int64_t)(d->time_limit * 1000.0);
	limit_arm(d, c);
	Tcl_LimitTypeSet(d->interp, TCL_LIMIT_TIME);
	Tcl_Preserve(d->interp);
	/* Tcl_EvalObjEx, not Tcl_EvalEx: back at level 0 it clears a
	 * cancellation, which Tcl_EvalEx (8.6) may leave set after a
	 * cancelled vwait. */
	script_obj = Tcl_NewStringObj(Tcl_DStringValue(&script), Tcl_DStringLength(&script));
	Tcl_DStringFree(&script);
	Tcl_IncrRefCount(script_obj);
	code = Tcl_EvalObjEx(d->interp, script_obj, TCL_EVAL_GLOBAL);
	Tcl_DecrRefCount(script_obj);
	Tcl_LimitTypeReset(d->interp, TCL_LIMIT_TIME);  /* disabled, not exceeded */
	if (c->cancelled)
		code = clear_cancel(d, code);
	if (d->chan[STREAM_STDOUT] != NULL)
		Tcl_Flush(d->chan[STREAM_STDOUT]);
	if (d->chan[STREAM_STDERR] != NULL)
		Tcl_Flush(d->chan[STREAM_STDERR]);
	d->current = NULL;
	if (c->timed_out) {
		/* Also when the last command ran on past the limit (a command
		 * that waits without checking) and the script then ended. */
		snprintf(msg, sizeof msg,
			 "time limit exceeded: the script ran for more than %g s (lacpctld -t)",
			 d->time_limit);
		Tcl_SetObjResult(d->interp, Tcl_NewStringObj(msg, -1));
		Tcl_SetErrorCode(d->interp, "LACPCTLD", "LIMIT", "TIME", NULL);
		code = TCL_ERROR;
	} else if (code == TCL_BREAK || code == TCL_CONTINUE) {
		Tcl_SetObjResult(d->interp, Tcl_ObjPrintf("invoked \"%s\" outside of a loop",
							  code == TCL_BREAK ? "break" : "continue"));
		code = TCL_ERROR;
	} else if (code != TCL_OK && code != TCL_RETURN && code != TCL_ERROR) {
		Tcl_SetObjResult(d->interp, Tcl_ObjPrintf("command returned bad code: %d", code));
		code = TCL_ERROR;
	}
	result = Tcl_GetObjResult(d->interp);
	Tcl_IncrRefCount(result);
	options = Tcl_GetReturnOptions(d->interp, code);
	Tcl_IncrRefCount(options);
	Tcl_ResetResult(d->interp);
	Tcl_Release(d->interp);
	compose_reply(d, c, code, result, options);
	log_msg(d, code == TCL_ERROR && (c->timed_out || c->cancelled) ? LOG_NOTICE : LOG_DEBUG,
		"client %lu: %s after %" PRId64 " ms%s%s: %.200s", c->id,
		code == TCL_ERROR ? "error" : "ok", mono_ms() - t0,
		c->timed_out ? ", time limit" : "", c->cancelled ? ", cancelled" : "",
		code == TCL_ERROR ? Tcl_GetString(result) : "");
	Tcl_DecrRefCount(result);
	Tcl_DecrRefCount(options);
	conn_reply(c);
}

/* Runs the next queued script (never nested inside another: a script
 * that waits runs the event loop, and connections queue meanwhile). */
static void queue_run(ClientData cd)
{
	struct ctld *d = cd;
	struct conn *c;

	d->run_timer = NULL;
	if (d->current != NULL || d->stopping || d->q_head == NULL)
		return;
	c = d->q_head;
	d->q_head = c->qnext;
	if (d->q_head == NULL)
		d->q_tail = NULL;
	d->n_queued--;
	if (peer_gone(c)) {
		log_msg(d, LOG_NOTICE, "client %lu went away while queued: not evaluated", c->id);
		conn_free(c);
	} else {
		evaluate(d, c);
	}
	queue_schedule(d);
}

static void queue_schedule(struct ctld *d)
{
	if (d->run_timer == NULL && d->q_head != NULL && d->current == NULL && !d->stopping)
		d->run_timer = Tcl_CreateTimerHandler(0, queue_run, d);
}

/* ---- stopping */

/*
 * Destroys every port, calling the commands' implementations directly so
 * that it works even while the current script is being cancelled; a
 * script blocked in `NAME wait` then returns.
 */
static int destroy_ports(struct ctld *d)
{
	Tcl_CmdInfo info, pinfo;
	Tcl_Obj *argv[2], *names, **elems, *qualified;
	Tcl_InterpState saved;
	Tcl_Size n, i;
	int count = 0;

	if (!Tcl_GetCommandInfo(d->interp, "::lacp::port", &info) || info.objProc == NULL)
		return 0;
	saved = Tcl_SaveInterpState(d->interp, TCL_OK);
	argv[0] = Tcl_NewStringObj("::lacp::port", -1);
	argv[1] = Tcl_NewStringObj("names", -1);
	Tcl_IncrRefCount(argv[0]);
	Tcl_IncrRefCount(argv[1]);
	if (info.objProc(info.objClientData, d->interp, 2, argv) != TCL_OK)
		goto out;
	names = Tcl_GetObjResult(d->interp);
	Tcl_IncrRefCount(names);
	Tcl_SetStringObj(argv[1], "destroy", -1);
	if (Tcl_ListObjGetElements(NULL, names, &n, &elems) == TCL_OK) {
		for (i = 0; i < n; i++) {
			qualified = Tcl_ObjPrintf("::%s", Tcl_GetString(elems[i]));
			Tcl_IncrRefCount(qualified);
			if ((Tcl_GetCommandInfo(d->interp, Tcl_GetString(elems[i]), &pinfo) ||
			     Tcl_GetCommandInfo(d->interp, Tcl_GetString(qualified), &pinfo)) &&
			    pinfo.objProc != NULL) {
				Tcl_SetStringObj(argv[0], Tcl_GetString(elems[i]), -1);
				if (pinfo.objProc(pinfo.objClientData, d->interp, 2, argv) == TCL_OK)
					count++;
			}
			Tcl_DecrRefCount(qualified);
		}
	}
	Tcl_DecrRefCount(names);
out:
	Tcl_DecrRefCount(argv[0]);
	Tcl_DecrRefCount(argv[1]);
	Tcl_RestoreInterpState(d->interp, saved);
	return count;
}

static void grace_expired(ClientData cd)
{
	struct ctld *d = cd;

	d->grace_timer = NULL;
	if (d->current != NULL)
		emergency_exit(d);
}

/* Asks the main loop to stop once the current script (if any) is done;
 * signals also cancel that script (see arm_grace). */
static void begin_stop(struct ctld *d, const char *why)
{
	if (d->stopping)
		return;
	d->stopping = true;
	log_msg(d, LOG_NOTICE, "stopping (%s)", why);
}

/* A signal cancels the current script; should it not unwind in time (a
 * command that waits without checking for cancellation), the daemon
 * removes its files and exits anyway. */
static void arm_grace(struct ctld *d)
{
	if (d->current == NULL || d->stop_deadline_ms != 0)
		return;
	d->stop_deadline_ms = mono_ms() + STOP_GRACE_MS;
	d->grace_timer = Tcl_CreateTimerHandler(STOP_GRACE_MS + 100, grace_expired, d);
}

/* The self-pipe: SIGTERM/SIGINT stop the daemon, SIGHUP reopens the log. */
static void signal_cb(ClientData cd, int mask)
{
	struct ctld *d = cd;
	unsigned char sigs[16];
	ssize_t n, i;

	(void)mask;
	while ((n = read(d->sig_rd, sigs, sizeof sigs)) > 0) {
		for (i = 0; i < n; i++) {
			if (sigs[i] == SIGHUP) {
				log_reopen(d);
				continue;
			}
			begin_stop(d, sigs[i] == SIGINT ? "SIGINT" : "SIGTERM");
			arm_grace(d);
			if (d->current != NULL && !d->ports_destroyed) {
				int count = destroy_ports(d);

				d->ports_destroyed = true;
				log_msg(d, LOG_NOTICE, "cancelling the script of client %lu; %d port%s destroyed",
					d->current->id, count, count == 1 ? "" : "s");
				cancel_eval(d, "lacpctld is shutting down");
			}
		}
	}
}

/* ---- the interpreter's own commands */

/* lacpctld shutdown | info */
static int lacpctld_cmd(ClientData cd, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
	static const char *const subs[] = {"info", "shutdown", NULL};
	struct ctld *d = cd;
	Tcl_Obj *dict;
	int sub;

	if (objc != 2) {
		Tcl_WrongNumArgs(interp, 1, objv, "info|shutdown");
		Tcl_SetErrorCode(interp, "LACPCTLD", "ARGS", NULL);
		return TCL_ERROR;
	}
	if (Tcl_GetIndexFromObj(interp, objv[1], subs, "subcommand", 0, &sub) != TCL_OK) {
		Tcl_SetErrorCode(interp, "LACPCTLD", "VALUE", Tcl_GetString(objv[1]), NULL);
		return TCL_ERROR;
	}
	if (sub == 1) {
		/* lacpctld shutdown: stop once this script has been answered */
		begin_stop(d, "shutdown requested by a client");
		return TCL_OK;
	}
	/* lacpctld info -> dict */
	dict = Tcl_NewDictObj();
	Tcl_DictObjPut(NULL, dict, Tcl_NewStringObj("pid", -1), Tcl_NewWideIntObj(d->pid));
	Tcl_DictObjPut(NULL, dict, Tcl_NewStringObj("socket", -1),
		       Tcl_NewStringObj(d->socket_path, -1));
	Tcl_DictObjPut(NULL, dict, Tcl_NewStringObj("connections", -1),
		       Tcl_NewWideIntObj(d->n_conns));
	Tcl_DictObjPut(NULL, dict, Tcl_NewStringObj("queued", -1), Tcl_NewWideIntObj(d->n_queued));
	Tcl_DictObjPut(NULL, dict, Tcl_NewStringObj("evaluations", -1),
		       Tcl_NewWideIntObj((Tcl_WideInt)d->n_evals));
	Tcl_DictObjPut(NULL, dict, Tcl_NewStringObj("uptime_ms", -1),
		       Tcl_NewWideIntObj(mono_ms() - d->started_ms));
	Tcl_DictObjPut(NULL, dict, Tcl_NewStringObj("time_limit", -1),
		       Tcl_NewDoubleObj(d->time_limit));
	Tcl_DictObjPut(NULL, dict, Tcl_NewStringObj("max_script", -1),
		       Tcl_NewWideIntObj((Tcl_WideInt)d->max_script));
	Tcl_SetObjResult(interp, dict);
	return TCL_OK;
}

/* exit ?CODE?: in the daemon, a clean stop after the current script. */
static int exit_cmd(ClientData cd, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
	struct ctld *d = cd;
	int code = 0;

	if (objc > 2) {
		Tcl_WrongNumArgs(interp, 1, objv, "?returnCode?");
		return TCL_ERROR;
	}
	if (objc == 2 && Tcl_GetIntFromObj(interp, objv[1], &code) != TCL_OK)
		return TCL_ERROR;
	log_msg(d, LOG_NOTICE, "a script called exit %d", code);
	begin_stop(d, "exit called by a script");
	return TCL_OK;
}

/* Creates the interpreter with lacp loaded and the capture channels. */
static void setup_interp(struct ctld *d)
{
	char exe[PATH_MAX];
	ssize_t n;

	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	exe[n > 0 ? n : 0] = '\0';
	Tcl_FindExecutable(n > 0 ? exe : d->argv0);
	if (ensure_channels(d) != 0)
		die(d, "out of memory");
	d->interp = Tcl_CreateInterp();
	d->utf8 = Tcl_GetEncoding(NULL, "utf-8");
	if (Tcl_Init(d->interp) != TCL_OK)
		die(d, "Tcl initialisation failed: %s", Tcl_GetStringResult(d->interp));
	if (Lacp_Init(d->interp) != TCL_OK)
		die(d, "cannot load lacp: %s", Tcl_GetStringResult(d->interp));
	Tcl_StaticPackage(d->interp, "lacp", Lacp_Init, NULL);
	Tcl_SetVar2(d->interp, "tcl_interactive", NULL, "0", TCL_GLOBAL_ONLY);
	Tcl_SetVar2(d->interp, "argv0", NULL, "lacpctld", TCL_GLOBAL_ONLY);
	Tcl_SetVar2(d->interp, "argv", NULL, "", TCL_GLOBAL_ONLY);
	Tcl_SetVar2(d->interp, "argc", NULL, "0", TCL_GLOBAL_ONLY);
	Tcl_CreateObjCommand(d->interp, "::lacpctld", lacpctld_cmd, d, NULL);
	Tcl_CreateObjCommand(d->interp, "::exit", exit_cmd, d, NULL);
	Tcl_LimitAddHandler(d->interp, TCL_LIMIT_TIME, limit_handler, d, NULL);
}

/*
 * After the main loop: no new clients, queued ones refused, ports
 * destroyed, interpreter deleted, files removed, then the pending replies
 * flushed (so `lacpctlc --shutdown` returns when all this is done).
 */
static void shutdown_daemon(struct ctld *d)
{
	struct conn *c, *next;
	struct timeval tv = {.tv_sec = 1};
	enum stream s;
	int count, flags;

	Tcl_DeleteFileHandler(d->listen_fd);
	close(d->listen_fd);
	cleanup_files(d);
	Tcl_DeleteFileHandler(d->sig_rd);
	if (d->run_timer != NULL)
		Tcl_DeleteTimerHandler(d->run_timer);
	if (d->pause_timer != NULL)
		Tcl_DeleteTimerHandler(d->pause_timer);
	if (d->grace_timer != NULL)
		Tcl_DeleteTimerHandler(d->grace_timer);
	for (c = d->conns; c != NULL; c = next) {
		next = c->next;
		if (c->state == CONN_READING || c->state == CONN_QUEUED)
			conn_refuse(c, "shutting down: script not evaluated");
	}
	d->q_head = d->q_tail = NULL;
	count = destroy_ports(d);
	log_msg(d, LOG_NOTICE, "%d port%s destroyed", count, count == 1 ? "" : "s");
	for (c = d->conns; c != NULL; c = c->next)
		Tcl_DeleteFileHandler(c->fd);
	Tcl_DeleteInterp(d->interp);
	for (s = 0; s < N_STREAMS; s++)
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
		buf_free(&c->in);
		buf_free(&c->out);
		free(c->runs);
		free(c);
	}
	for (s = 0; s < N_STREAMS; s++)
		buf_free(&d->bg[s]);
	close(d->sig_rd);
	close(sig_pipe_wr);
	log_msg(d, LOG_NOTICE, "stopped");
	log_close(d);
}

/* ---- options */

static void usage(FILE *f)
{
	fputs("usage: lacpctld ?-s SOCKET? ?-f? ?-p PIDFILE? ?-g GROUP? ?-l LOGFILE?\n"
	      "                ?-t SECONDS? ?-m BYTES? ?-v?\n"
	      "  -s SOCKET   listen on SOCKET (default " LACP_CTL_DEFAULT_SOCKET ")\n"
	      "  -f          stay in the foreground (log to stderr unless -l)\n"
	      "  -p PIDFILE  write the daemon's pid to PIDFILE\n"
	      "  -g GROUP    socket mode 0660 for GROUP, whose members may connect\n"
	      "  -l LOGFILE  log to LOGFILE instead of syslog or stderr\n"
	      "  -t SECONDS  limit each script's evaluation time\n"
	      "  -m BYTES    largest script accepted (default 16777216)\n"
	      "  -v          log every connection and evaluation\n", f);
}

static void usage_error(const char *fmt, const char *arg)
{
	fputs("lacpctld: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs(" (lacpctld -h for help)\n", stderr);
	exit(64);
}

static void parse_options(struct ctld *d, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0}
	};
	const char *socket_path = LACP_CTL_DEFAULT_SOCKET;
	const char *opt_pidfile = NULL, *opt_logfile = NULL;
	unsigned long long m;
	struct group *gr;
	char *end;
	int opt;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":s:fp:g:l:t:m:vh", longopts, NULL)) != -1) {
		switch (opt) {
		case 's': socket_path = optarg; break;
		case 'f': d->foreground = true; break;
		case 'p': opt_pidfile = optarg; break;
		case 'g': d->group = optarg; break;
		case 'l': opt_logfile = optarg; break;
		case 'v': d->verbose = true; break;
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
	struct ctld d = {
		.argv0 = argv[0],
		.max_script = DEFAULT_MAX_SCRIPT,
		.log_fp = stderr,
		.log_is_stderr = true,
		.ready_fd = -1,
		.listen_fd = -1,
		.sig_rd = -1,
	};
	int rc;

	parse_options(&d, argc, argv);
	rc = log_open(&d);
	if (rc != 0) {
		fprintf(stderr, "lacpctld: cannot open the log file %s: %s\n", d.logfile,
			strerror(-rc));
		return 1;
	}
	open_socket(&d);
	if (!d.foreground)
		daemonize(&d);
	d.pid = getpid();
	d.started_ms = mono_ms();
	write_pidfile(&d);
	setup_signals(&d);
	d.epoll = lacp_notifier_install() == 1;
	setup_interp(&d);
	Tcl_CreateFileHandler(d.sig_rd, TCL_READABLE, signal_cb, &d);
	Tcl_CreateFileHandler(d.listen_fd, TCL_READABLE, accept_cb, &d);
	log_msg(&d, LOG_NOTICE, "lacpctld %s listening on %s%s%s", LACP_VERSION, d.socket_path,
		d.group != NULL ? " for group " : "", d.group != NULL ? d.group : "");
	announce_ready(&d);
	while (!d.stopping)
		Tcl_DoOneEvent(TCL_ALL_EVENTS);
	shutdown_daemon(&d);
	free(d.socket_path);
	free(d.pidfile);
	free(d.logfile);
	return 0;
}
