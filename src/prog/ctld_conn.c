/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * lacpctld's connections, from accept to the last byte of the reply:
 * the peer's credentials checked (the daemon base's lacp_peer_allowed),
 * the request read without blocking (framed or plain, decided by its
 * first line; over the size limit, read to its end and discarded), the
 * run queue that hands complete requests one at a time to the evaluation
 * (ctld_eval.c), the captured output of the script, and the reply or
 * refusal written back. The protocol is described in lacpctld.c.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <syslog.h>
#include <unistd.h>

#include "ctl_proto.h"
#include "ctld.h"

#define MAX_CONNECTIONS 512
#define READ_CHUNK 65536
#define READ_BUDGET (1u << 20)          /* bytes read per readable event */

/* Grows B to hold N more bytes; false when out of memory. */
static bool buf_reserve(struct lacp_ctld_buf *b, size_t n)
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

bool lacp_ctld_buf_append(struct lacp_ctld_buf *b, const void *data, size_t n)
{
	if (!buf_reserve(b, n))
		return false;
	memcpy(b->data + b->len, data, n);
	b->len += n;
	return true;
}

void lacp_ctld_buf_free(struct lacp_ctld_buf *b)
{
	free(b->data);
	memset(b, 0, sizeof *b);
}

/* Appends one framed record "TAG LEN\nBODY\n". */
bool lacp_ctld_buf_record(struct lacp_ctld_buf *b, const char *tag, const char *body, size_t len)
{
	char head[LACP_CTL_MAX_RECORD_HEADER];
	int n;

	n = snprintf(head, sizeof head, "%s %zu\n", tag, len);
	return lacp_ctld_buf_append(b, head, (size_t)n) && lacp_ctld_buf_append(b, body, len) &&
	       lacp_ctld_buf_append(b, "\n", 1);
}

static void conn_read_cb(ClientData cd, int mask);

void lacp_ctld_conn_free(struct lacp_ctld_conn *c)
{
	struct lacp_ctld *d = c->d;

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
	lacp_ctld_buf_free(&c->in);
	lacp_ctld_buf_free(&c->out);
	free(c->runs);
	free(c);
}

/* Whether the peer has closed its end entirely (not just half-closed). */
bool lacp_ctld_conn_gone(const struct lacp_ctld_conn *c)
{
	struct pollfd p = {.fd = c->fd, .events = 0};

	return poll(&p, 1, 0) > 0 && (p.revents & (POLLHUP | POLLERR));
}

/* Writes what it can of the reply; frees C when done or when the peer is
 * gone. Returns true when C still waits to write. */
static bool conn_write_some(struct lacp_ctld_conn *c)
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
		lacp_ctld_log(c->d, LOG_INFO, "client %lu: reply dropped: %s", c->id,
			n < 0 ? strerror(errno) : "short write");
		break;
	}
	lacp_ctld_conn_free(c);
	return false;
}

static void conn_write_cb(ClientData cd, int mask)
{
	(void)mask;
	conn_write_some(cd);
}

/* Sends the reply in C->out (or drops it when the peer is gone). */
void lacp_ctld_conn_reply(struct lacp_ctld_conn *c)
{
	c->state = LACP_CTLD_WRITING;
	c->sent = 0;
	Tcl_DeleteFileHandler(c->fd);
	if (c->gone) {
		lacp_ctld_log(c->d, LOG_INFO, "client %lu: gone, reply dropped", c->id);
		lacp_ctld_conn_free(c);
		return;
	}
	if (conn_write_some(c) && !c->d->stopping)
		Tcl_CreateFileHandler(c->fd, TCL_WRITABLE, conn_write_cb, c);
}

/* Replaces C's reply by a refusal (framed: it may be sent before the
 * request is read) and sends it. */
void lacp_ctld_conn_refuse(struct lacp_ctld_conn *c, const char *why)
{
	char msg[256];
	int n;

	n = snprintf(msg, sizeof msg, "lacpctld: %s", why);
	c->out.len = 0;
	if (!lacp_ctld_buf_record(&c->out, LACP_CTL_TAG_REFUSED, msg, (size_t)n))
		c->out.len = 0;
	lacp_ctld_conn_reply(c);
}

static void accept_resume(ClientData cd)
{
	struct lacp_ctld *d = cd;

	d->pause_timer = NULL;
	d->accept_paused = false;
	if (!d->stopping)
		Tcl_CreateFileHandler(d->listener.fd, TCL_READABLE, lacp_ctld_accept, d);
}

/* Accepts every pending connection; checks its peer; starts reading. */
void lacp_ctld_accept(ClientData cd, int mask)
{
	struct lacp_ctld *d = cd;
	struct lacp_ctld_conn *c;
	int fd, i;

	(void)mask;
	for (i = 0; i < 64; i++) {
		fd = accept4(d->listener.fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE || errno == ENOMEM || errno == ENOBUFS) {
				/* Out of descriptors: pause accepting rather than spin. */
				lacp_ctld_log(d, LOG_WARNING, "accept: %s; pausing for 100 ms", strerror(errno));
				Tcl_DeleteFileHandler(d->listener.fd);
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
			lacp_ctld_log(d, LOG_WARNING, "refused a client: descriptor %d is beyond FD_SETSIZE", fd);
			continue;
		}
		c = calloc(1, sizeof *c);
		if (c == NULL) {
			close(fd);
			lacp_ctld_log(d, LOG_WARNING, "out of memory: connection closed");
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
		if (!lacp_peer_allowed(fd, d->group != NULL, d->gid, &c->cred)) {
			lacp_ctld_log(d, LOG_WARNING, "refused client %lu: uid %u gid %u pid %ld is not allowed",
				c->id, (unsigned)c->cred.uid, (unsigned)c->cred.gid, (long)c->cred.pid);
			lacp_ctld_conn_refuse(c, "permission denied: this user may not use lacpctld");
			continue;
		}
		if (d->n_conns > MAX_CONNECTIONS) {
			lacp_ctld_log(d, LOG_WARNING, "refused client %lu: too many connections", c->id);
			lacp_ctld_conn_refuse(c, "too many connections");
			continue;
		}
		lacp_ctld_log(d, LOG_DEBUG, "client %lu: uid %u pid %ld connected", c->id,
			(unsigned)c->cred.uid, (long)c->cred.pid);
		c->state = LACP_CTLD_READING;
		Tcl_CreateFileHandler(fd, TCL_READABLE, conn_read_cb, c);
	}
}

/* Decides whether the request is framed, as soon as its first bytes tell. */
static void decide_hello(struct lacp_ctld_conn *c)
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

static size_t script_len(const struct lacp_ctld_conn *c)
{
	return c->in.len - (c->framed ? strlen(LACP_CTL_HELLO) : 0);
}

/* Composes the answer to a script over the size limit. */
static void reply_too_large(struct lacp_ctld_conn *c)
{
	char msg[160];
	int n;

	n = snprintf(msg, sizeof msg,
		     "script too large: %zu bytes, the limit is %zu (lacpctld -m)",
		     c->received - (c->framed ? strlen(LACP_CTL_HELLO) : 0), c->d->max_script);
	c->out.len = 0;
	if (c->framed) {
		lacp_ctld_buf_record(&c->out, LACP_CTL_TAG_ERRORCODE, "LACPCTLD LIMIT SIZE", 19);
		lacp_ctld_buf_record(&c->out, LACP_CTL_TAG_ERROR, msg, (size_t)n);
	} else {
		lacp_ctld_buf_append(&c->out, "error: ", 7);
		lacp_ctld_buf_append(&c->out, msg, (size_t)n);
		lacp_ctld_buf_append(&c->out, "\n", 1);
	}
	lacp_ctld_log(c->d, LOG_NOTICE, "client %lu: %s", c->id, msg);
	lacp_ctld_conn_reply(c);
}

/* The request is complete: queue it, answer it, or drop an empty one. */
static void conn_request_done(struct lacp_ctld_conn *c)
{
	struct lacp_ctld *d = c->d;

	Tcl_DeleteFileHandler(c->fd);
	if (c->received == 0) {
		lacp_ctld_log(d, LOG_DEBUG, "client %lu: empty connection", c->id);
		lacp_ctld_conn_free(c);
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
	c->state = LACP_CTLD_QUEUED;
	c->qnext = NULL;
	if (d->q_tail != NULL)
		d->q_tail->qnext = c;
	else
		d->q_head = c;
	d->q_tail = c;
	d->n_queued++;
	lacp_ctld_log(d, LOG_DEBUG, "client %lu: %zu bytes received, queued behind %u", c->id,
		c->received, d->n_queued - 1 + (d->current != NULL));
	lacp_ctld_queue_schedule(d);
}

static void conn_read_cb(ClientData cd, int mask)
{
	struct lacp_ctld_conn *c = cd;
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
			lacp_ctld_log(c->d, LOG_INFO, "client %lu: %s", c->id, strerror(errno));
			lacp_ctld_conn_free(c);
			return;
		}
		budget -= (size_t)n < budget ? (size_t)n : budget;
		c->received += (size_t)n;
		if (c->too_large)
			continue;
		if (!lacp_ctld_buf_append(&c->in, chunk, (size_t)n)) {
			lacp_ctld_log(c->d, LOG_WARNING, "client %lu: out of memory", c->id);
			c->too_large = true;
			lacp_ctld_buf_free(&c->in);
			continue;
		}
		decide_hello(c);
		if (script_len(c) > c->d->max_script) {
			c->too_large = true;
			lacp_ctld_buf_free(&c->in);
		}
	}
}

/* Captured output of the script being evaluated. */
void lacp_ctld_conn_output(struct lacp_ctld_conn *c, enum lacp_ctld_stream s, const char *data,
			   size_t len)
{
	struct lacp_ctld_run *runs;
	size_t cap;

	if (c->truncated)
		return;
	if (c->out.len + len > LACP_CTLD_MAX_OUTPUT) {
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
	if (!lacp_ctld_buf_append(&c->out, data, len)) {
		c->truncated = true;
		return;
	}
	c->runs[c->n_runs - 1].len += len;
}

/* The truncation note goes in past the cap. */
void lacp_ctld_conn_output_note(struct lacp_ctld_conn *c, const char *note, size_t len)
{
	if (c->n_runs == 0 || c->runs[c->n_runs - 1].stream != LACP_CTLD_STDERR) {
		lacp_ctld_conn_output(c, LACP_CTLD_STDERR, "", 0);
		if (c->truncated)
			return;
	}
	if (lacp_ctld_buf_append(&c->out, note, len))
		c->runs[c->n_runs - 1].len += len;
}

/* Runs the next queued script (never nested inside another: a script
 * that waits runs the event loop, and connections queue meanwhile). */
static void queue_run(ClientData cd)
{
	struct lacp_ctld *d = cd;
	struct lacp_ctld_conn *c;

	d->run_timer = NULL;
	if (d->current != NULL || d->stopping || d->q_head == NULL)
		return;
	c = d->q_head;
	d->q_head = c->qnext;
	if (d->q_head == NULL)
		d->q_tail = NULL;
	d->n_queued--;
	if (lacp_ctld_conn_gone(c)) {
		lacp_ctld_log(d, LOG_NOTICE, "client %lu went away while queued: not evaluated", c->id);
		lacp_ctld_conn_free(c);
	} else {
		lacp_ctld_evaluate(d, c);
	}
	lacp_ctld_queue_schedule(d);
}

void lacp_ctld_queue_schedule(struct lacp_ctld *d)
{
	if (d->run_timer == NULL && d->q_head != NULL && d->current == NULL && !d->stopping)
		d->run_timer = Tcl_CreateTimerHandler(0, queue_run, d);
}
