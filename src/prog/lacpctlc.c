/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * lacpctlc: the client of lacpctld, like netcat but aware of the reply's
 * framing (see ctl_proto.h and the top of lacpctld.c). It sends a script
 * (a file, standard input or -c), prints what the script wrote (its
 * stdout to stdout, its stderr to stderr) and then the result, and exits
 * 0 on success, 1 on a Tcl error (message on stderr), 2 when the daemon
 * cannot be reached, refuses the request or goes away before answering.
 * Usage errors exit 64, an unreadable script file 66. It does not link
 * Tcl.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl_proto.h"

#define EXIT_TCL_ERROR 1
#define EXIT_UNREACHABLE 2
#define EXIT_USAGE 64
#define EXIT_NOINPUT 66

enum action { ACT_SCRIPT, ACT_STATUS, ACT_SHUTDOWN };

struct opts {
	const char *socket_path;
	const char *file;        /* NULL with -c */
	const char *script;      /* -c */
	enum action action;
	const char *status_format;
	bool verbose;
};

/* What the reply parser has seen. */
struct reply {
	char head[LACP_CTL_MAX_RECORD_HEADER + 1];
	size_t head_len;
	char tag[LACP_CTL_MAX_RECORD_HEADER];
	size_t body_left;        /* bytes of the current body still to come */
	bool in_body;
	bool want_lf;            /* the LF after a body */
	char *body;              /* kept bodies (all but stdout/stderr) */
	size_t body_len, body_cap;
	char *errorinfo;
	char *final_tag;         /* ok, error, refused */
	char *final_body;
	size_t final_len;
	bool malformed;
};

static void usage(FILE *f)
{
	fputs("usage: lacpctlc ?-s SOCKET? ?FILE|-? ?-c SCRIPT? ?-v?\n"
	      "       lacpctlc ?-s SOCKET? --status ?--json|--pretty?\n"
	      "       lacpctlc ?-s SOCKET? --shutdown\n"
	      "  -s SOCKET   lacpctld's socket (default " LACP_CTL_DEFAULT_SOCKET ")\n"
	      "  FILE, -     the script to send (default: standard input)\n"
	      "  -c SCRIPT   send SCRIPT\n"
	      "  -v          on error, print the Tcl stack trace (errorInfo)\n"
	      "  --status    every port: interface or wire, mux, actor and partner\n"
	      "  --json, --pretty   --status as JSON, compact or indented\n"
	      "  --shutdown  stop the daemon: ports destroyed, socket removed\n"
	      "exit status: 0 ok, 1 Tcl error, 2 daemon unreachable or refusing\n", f);
}

static void usage_error(const char *what)
{
	fprintf(stderr, "lacpctlc: %s (lacpctlc -h for help)\n", what);
	exit(EXIT_USAGE);
}

static void parse_options(struct opts *o, int argc, char **argv)
{
	enum { OPT_STATUS = 256, OPT_JSON, OPT_PRETTY, OPT_SHUTDOWN, OPT_VERSION };
	static const struct option longopts[] = {
		{"status", no_argument, NULL, OPT_STATUS},
		{"json", no_argument, NULL, OPT_JSON},
		{"pretty", no_argument, NULL, OPT_PRETTY},
		{"shutdown", no_argument, NULL, OPT_SHUTDOWN},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, OPT_VERSION},
		{NULL, 0, NULL, 0}
	};
	char msg[256];
	bool status = false, shutdown_ = false;
	const char *format = NULL;
	int opt;

	o->socket_path = LACP_CTL_DEFAULT_SOCKET;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":s:c:vh", longopts, NULL)) != -1) {
		switch (opt) {
		case 's': o->socket_path = optarg; break;
		case 'c':
			if (o->script != NULL)
				usage_error("-c given twice");
			o->script = optarg;
			break;
		case 'v': o->verbose = true; break;
		case OPT_STATUS: status = true; break;
		case OPT_JSON: format = "json"; break;
		case OPT_PRETTY: format = "pretty"; break;
		case OPT_SHUTDOWN: shutdown_ = true; break;
		case 'h':
			usage(stdout);
			exit(0);
		case OPT_VERSION:
			puts("lacpctlc " LACP_VERSION);
			exit(0);
		case ':':
			snprintf(msg, sizeof msg, "option %s needs a value", argv[optind - 1]);
			usage_error(msg);
			break;
		default:
			snprintf(msg, sizeof msg, "unknown option %s", argv[optind - 1]);
			usage_error(msg);
		}
	}
	if (optind < argc)
		o->file = argv[optind++];
	if (optind < argc) {
		snprintf(msg, sizeof msg, "unexpected argument \"%s\"", argv[optind]);
		usage_error(msg);
	}
	if (status && shutdown_)
		usage_error("--status and --shutdown do not go together");
	if ((status || shutdown_) && (o->file != NULL || o->script != NULL))
		usage_error("--status and --shutdown take no script");
	if (format != NULL && !status)
		usage_error("--json and --pretty go with --status");
	if (o->file != NULL && o->script != NULL)
		usage_error("give either FILE or -c SCRIPT, not both");
	o->action = status ? ACT_STATUS : shutdown_ ? ACT_SHUTDOWN : ACT_SCRIPT;
	o->status_format = format != NULL ? format : "text";
}

/* Connects to the daemon; on failure says why and exits 2. */
static int connect_daemon(const char *path)
{
	struct sockaddr_un sa;
	const char *hint = "";
	int fd, err;

	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sa.sun_path) {
		fprintf(stderr, "lacpctlc: socket path %s is too long\n", path);
		exit(EXIT_UNREACHABLE);
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fprintf(stderr, "lacpctlc: socket: %s\n", strerror(errno));
		exit(EXIT_UNREACHABLE);
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0)
		return fd;
	err = errno;
	if (err == ENOENT || err == ECONNREFUSED)
		hint = " (is lacpctld running?)";
	else if (err == EACCES)
		hint = " (the socket is for root, or for the group given to lacpctld -g)";
	fprintf(stderr, "lacpctlc: cannot connect to %s: %s%s\n", path, strerror(err), hint);
	close(fd);
	exit(EXIT_UNREACHABLE);
}

/* Writes all of DATA; false when the daemon stopped reading (it may
 * still have answered: the caller reads the reply anyway). */
static bool send_all(int fd, const char *data, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = send(fd, data, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		data += n;
		len -= (size_t)n;
	}
	return true;
}

/* Sends the script from a file descriptor; false as send_all, or exits
 * with status 2 when the input cannot be read. */
static bool send_fd(int sock, int in, const char *name)
{
	char chunk[65536];
	ssize_t n;

	for (;;) {
		n = read(in, chunk, sizeof chunk);
		if (n == 0)
			return true;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "lacpctlc: cannot read %s: %s\n", name, strerror(errno));
			exit(EXIT_NOINPUT);
		}
		if (!send_all(sock, chunk, (size_t)n))
			return false;
	}
}

static void out_of_memory(void)
{
	fputs("lacpctlc: out of memory\n", stderr);
	exit(EXIT_UNREACHABLE);
}

static void body_append(struct reply *r, const char *data, size_t len)
{
	size_t cap;

	if (r->body_cap - r->body_len < len + 1) {
		cap = r->body_cap ? r->body_cap : 256;
		while (cap - r->body_len < len + 1)
			cap *= 2;
		r->body = realloc(r->body, cap);
		if (r->body == NULL)
			out_of_memory();
		r->body_cap = cap;
	}
	memcpy(r->body + r->body_len, data, len);
	r->body_len += len;
	r->body[r->body_len] = '\0';
}

/* A record header "TAG LEN" is complete: check it, start its body. */
static void record_begin(struct reply *r)
{
	char *sp, *end;
	unsigned long long len;

	r->head[r->head_len] = '\0';
	sp = strchr(r->head, ' ');
	if (sp == NULL || sp == r->head || r->final_tag != NULL) {
		r->malformed = true;
		return;
	}
	*sp = '\0';
	errno = 0;
	len = strtoull(sp + 1, &end, 10);
	if (errno != 0 || end == sp + 1 || *end != '\0' || sp[1] == '-') {
		r->malformed = true;
		return;
	}
	strcpy(r->tag, r->head);
	r->body_left = (size_t)len;
	r->body_len = 0;
	r->in_body = true;
	r->head_len = 0;
}

/* The body of the current record is complete. */
static void record_end(struct reply *r)
{
	r->in_body = false;
	r->want_lf = true;
	if (strcmp(r->tag, LACP_CTL_TAG_OK) == 0 || strcmp(r->tag, LACP_CTL_TAG_ERROR) == 0 ||
	    strcmp(r->tag, LACP_CTL_TAG_REFUSED) == 0) {
		r->final_tag = strdup(r->tag);
		r->final_body = r->body != NULL ? r->body : strdup("");
		r->final_len = r->body_len;
		if (r->final_tag == NULL || r->final_body == NULL)
			out_of_memory();
		r->body = NULL;
		r->body_len = r->body_cap = 0;
	} else if (strcmp(r->tag, LACP_CTL_TAG_ERRORINFO) == 0) {
		free(r->errorinfo);
		r->errorinfo = r->body != NULL ? r->body : strdup("");
		r->body = NULL;
		r->body_len = r->body_cap = 0;
	}
}

/* Feeds bytes of the reply to the parser; stdout and stderr records go
 * straight to our own stdout and stderr. */
static void reply_feed(struct reply *r, const char *data, size_t len)
{
	FILE *to;
	size_t n;

	while (len > 0 && !r->malformed) {
		if (r->want_lf) {
			if (*data != '\n') {
				r->malformed = true;
				return;
			}
			r->want_lf = false;
			data++;
			len--;
		} else if (r->in_body) {
			n = len < r->body_left ? len : r->body_left;
			to = strcmp(r->tag, LACP_CTL_TAG_STDOUT) == 0 ? stdout
			     : strcmp(r->tag, LACP_CTL_TAG_STDERR) == 0 ? stderr : NULL;
			if (to != NULL) {
				fwrite(data, 1, n, to);
				fflush(to);
			} else {
				body_append(r, data, n);
			}
			r->body_left -= n;
			data += n;
			len -= n;
			if (r->body_left == 0)
				record_end(r);
		} else if (*data == '\n') {
			record_begin(r);
			data++;
			len--;
			if (!r->malformed && r->body_left == 0)
				record_end(r);
		} else {
			if (r->head_len >= LACP_CTL_MAX_RECORD_HEADER - 1) {
				r->malformed = true;
				return;
			}
			r->head[r->head_len++] = *data++;
			len--;
		}
	}
}

/* Reads the whole reply, prints the result (or the error: its message,
 * or with VERBOSE its stack trace); returns the exit status. */
static int read_reply(int fd, bool verbose)
{
	struct reply r;
	char chunk[65536];
	ssize_t n;
	int status;

	memset(&r, 0, sizeof r);
	for (;;) {
		n = recv(fd, chunk, sizeof chunk, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		reply_feed(&r, chunk, (size_t)n);
		if (r.malformed)
			break;
	}
	if (r.malformed) {
		fputs("lacpctlc: the reply from lacpctld is not understood (not a lacpctld socket?)\n",
		      stderr);
		status = EXIT_UNREACHABLE;
	} else if (r.final_tag == NULL || r.want_lf || r.in_body) {
		fprintf(stderr, "lacpctlc: lacpctld closed the connection before answering%s%s\n",
			n < 0 ? ": " : "", n < 0 ? strerror(errno) : "");
		status = EXIT_UNREACHABLE;
	} else if (strcmp(r.final_tag, LACP_CTL_TAG_OK) == 0) {
		if (r.final_len > 0) {
			fwrite(r.final_body, 1, r.final_len, stdout);
			fputc('\n', stdout);
		}
		status = 0;
	} else if (strcmp(r.final_tag, LACP_CTL_TAG_ERROR) == 0) {
		if (r.errorinfo != NULL && r.errorinfo[0] != '\0' && verbose)
			fprintf(stderr, "%s\n", r.errorinfo);
		else
			fprintf(stderr, "%.*s\n", (int)r.final_len, r.final_body);
		status = EXIT_TCL_ERROR;
	} else {
		fprintf(stderr, "lacpctlc: %.*s\n", (int)r.final_len, r.final_body);
		status = EXIT_UNREACHABLE;
	}
	free(r.body);
	free(r.errorinfo);
	free(r.final_tag);
	free(r.final_body);
	return status;
}

int main(int argc, char **argv)
{
	struct opts o = {0};
	char script[128];
	bool sent;
	int fd, in = -1, status;

	parse_options(&o, argc, argv);
	signal(SIGPIPE, SIG_IGN);
	if (o.action == ACT_SCRIPT && o.script == NULL && o.file != NULL &&
	    strcmp(o.file, "-") != 0) {
		in = open(o.file, O_RDONLY | O_CLOEXEC);
		if (in < 0) {
			fprintf(stderr, "lacpctlc: cannot open %s: %s\n", o.file, strerror(errno));
			return EXIT_NOINPUT;
		}
	}
	fd = connect_daemon(o.socket_path);
	sent = send_all(fd, LACP_CTL_HELLO, strlen(LACP_CTL_HELLO));
	if (o.action == ACT_STATUS) {
		snprintf(script, sizeof script, "::lacp::ctl::status -format %s", o.status_format);
		sent = sent && send_all(fd, script, strlen(script));
	} else if (o.action == ACT_SHUTDOWN) {
		sent = sent && send_all(fd, "lacpctld shutdown", 17);
	} else if (o.script != NULL) {
		sent = sent && send_all(fd, o.script, strlen(o.script));
	} else if (in < 0) {
		sent = sent && send_fd(fd, STDIN_FILENO, "standard input");
	} else {
		sent = sent && send_fd(fd, in, o.file);
		close(in);
	}
	/* Half-close: the daemon evaluates once it sees the end of the
	 * script. If it stopped reading early, its reply says why. */
	shutdown(fd, SHUT_WR);
	(void)sent;
	status = read_reply(fd, o.verbose);
	close(fd);
	if (fflush(stdout) != 0 && status == 0) {
		fprintf(stderr, "lacpctlc: cannot write the output: %s\n", strerror(errno));
		status = EXIT_TCL_ERROR;
	}
	return status;
}
