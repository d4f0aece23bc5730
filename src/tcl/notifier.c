/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The event notifier of lacpsh and lacpctld: Tcl 8.6's notifier hooks
 * served by epoll in the waiting thread itself.
 *
 * Debian's Tcl 8.6 is threaded, and its Unix notifier then waits in a
 * separate notifier thread: select() there, a condition variable for the
 * waiting thread and a pipe each way around every wait with file handlers.
 * A frame's arrival reaches the handler that reads it only after a thread
 * hop and several context switches, about 30 µs of the reaction time on a
 * veth pair (bench/react.tcl), and descriptors beyond FD_SETSIZE cannot be
 * watched at all. Here each thread that initialises a notifier gets its
 * own epoll set and an eventfd for Tcl_ThreadAlert (other threads, signal
 * handlers through Tcl_AsyncMark), and waits in epoll_pwait2() with the
 * exact timeout Tcl asks for. The loadable package never installs it: a
 * tclsh keeps the notifier it started with.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <tcl.h>

#include "notifier.h"

struct handler {
	int fd, mask, ready;
	bool always; /* not pollable (a regular file): always ready, as select() says */
	Tcl_FileProc *proc;
	ClientData cd;
	struct handler *next;
};

struct notifier {
	int ep, alert_fd;
	struct handler **by_fd; /* indexed by descriptor, CAP_FD long */
	int cap_fd;
	struct handler *handlers;
	int n_always;
};

struct file_event {
	Tcl_Event header;
	int fd;
};

static __thread struct notifier *self;
static bool no_pwait2; /* the kernel lacks epoll_pwait2 (before 5.11) */

/* A notifier with its descriptors, or NULL with errno set. */
static struct notifier *notifier_new(void)
{
	struct notifier *n = calloc(1, sizeof *n);
	struct epoll_event e = { .events = EPOLLIN };
	int err;

	if (n == NULL)
		return NULL;
	n->ep = epoll_create1(EPOLL_CLOEXEC);
	n->alert_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	e.data.fd = n->alert_fd;
	if (n->ep < 0 || n->alert_fd < 0 || epoll_ctl(n->ep, EPOLL_CTL_ADD, n->alert_fd, &e) < 0) {
		err = errno;
		if (n->ep >= 0)
			close(n->ep);
		if (n->alert_fd >= 0)
			close(n->alert_fd);
		free(n);
		errno = err;
		return NULL;
	}
	return n;
}

static void notifier_free(struct notifier *n)
{
	while (n->handlers != NULL) {
		struct handler *h = n->handlers;

		n->handlers = h->next;
		free(h);
	}
	free(n->by_fd);
	close(n->ep);
	close(n->alert_fd);
	free(n);
}

static struct notifier *me(void)
{
	if (self == NULL && (self = notifier_new()) == NULL)
		Tcl_Panic("lacp notifier: %s", strerror(errno));
	return self;
}

static struct handler *find(struct notifier *n, int fd)
{
	return fd >= 0 && fd < n->cap_fd ? n->by_fd[fd] : NULL;
}

static uint32_t events_of(int mask)
{
	return ((mask & TCL_READABLE) ? EPOLLIN : 0) | ((mask & TCL_WRITABLE) ? EPOLLOUT : 0) |
	       ((mask & TCL_EXCEPTION) ? EPOLLPRI : 0);
}

static void create_handler(int fd, int mask, Tcl_FileProc *proc, ClientData cd)
{
	struct notifier *n = me();
	struct handler *h = find(n, fd);
	struct epoll_event e = { .events = events_of(mask), .data.fd = fd };

	if (fd < 0)
		return;
	if (h == NULL) {
		if (fd >= n->cap_fd) {
			int cap = fd * 2 + 64;
			struct handler **v = realloc(n->by_fd, (size_t)cap * sizeof *v);

			if (v == NULL)
				Tcl_Panic("lacp notifier: out of memory");
			memset(v + n->cap_fd, 0, (size_t)(cap - n->cap_fd) * sizeof *v);
			n->by_fd = v;
			n->cap_fd = cap;
		}
		h = calloc(1, sizeof *h);
		if (h == NULL)
			Tcl_Panic("lacp notifier: out of memory");
		h->fd = fd;
		h->next = n->handlers;
		n->handlers = h;
		n->by_fd[fd] = h;
		if (epoll_ctl(n->ep, EPOLL_CTL_ADD, fd, &e) < 0) {
			/* regular files and directories: select() calls them
			 * always ready, and so do we */
			h->always = true;
			n->n_always++;
		}
	} else if (!h->always && epoll_ctl(n->ep, EPOLL_CTL_MOD, fd, &e) < 0 && errno == ENOENT) {
		/* the descriptor was closed and its number reused without the
		 * handler being deleted: epoll forgot it, we did not */
		if (epoll_ctl(n->ep, EPOLL_CTL_ADD, fd, &e) < 0) {
			h->always = true;
			n->n_always++;
		}
	}
	h->proc = proc;
	h->cd = cd;
	h->mask = mask;
}

static void delete_handler(int fd)
{
	struct notifier *n = me();
	struct handler *h = find(n, fd), **pp;

	if (h == NULL)
		return;
	if (h->always)
		n->n_always--;
	else
		epoll_ctl(n->ep, EPOLL_CTL_DEL, fd, NULL);
	n->by_fd[fd] = NULL;
	for (pp = &n->handlers; *pp != h; pp = &(*pp)->next)
		;
	*pp = h->next;
	free(h);
}

/* Runs the handler of a ready descriptor, if it still has one: it may have
 * been deleted, or replaced, since the event was queued. */
static int file_event_proc(Tcl_Event *ev, int flags)
{
	struct handler *h;
	int mask;

	if (!(flags & TCL_FILE_EVENTS))
		return 0;
	h = find(me(), ((struct file_event *)ev)->fd);
	if (h == NULL)
		return 1;
	mask = h->ready & h->mask;
	h->ready = 0;
	if (mask)
		h->proc(h->cd, mask);
	return 1;
}

/* Marks H ready with MASK, queueing its event unless one is queued. */
static void mark_ready(struct handler *h, int mask)
{
	if (h->ready == 0) {
		struct file_event *fe = (struct file_event *)ckalloc(sizeof *fe);

		fe->header.proc = file_event_proc;
		fe->fd = h->fd;
		Tcl_QueueEvent(&fe->header, TCL_QUEUE_TAIL);
	}
	h->ready = mask;
}

static int epoll_timed(struct notifier *n, struct epoll_event *evs, int max,
		       const struct timespec *ts)
{
	int r;

	if (!no_pwait2) {
		r = epoll_pwait2(n->ep, evs, max, ts, NULL);
		if (r >= 0 || errno != ENOSYS)
			return r;
		no_pwait2 = true;
	}
	/* milliseconds, rounded up so that a deadline is never woken early */
	return epoll_wait(n->ep, evs, max, ts == NULL ? -1 :
		(int)(ts->tv_sec * 1000 + (ts->tv_nsec + 999999) / 1000000));
}

static int wait_for_event(const Tcl_Time *t)
{
	struct notifier *n = me();
	struct epoll_event evs[64];
	struct timespec ts, *tsp = NULL;
	struct handler *h;
	int got, i;

	if (t != NULL) {
		ts.tv_sec = t->sec < 0 ? 0 : t->sec;
		ts.tv_nsec = t->sec < 0 || t->usec < 0 ? 0 : t->usec * 1000L;
		tsp = &ts;
	}
	if (n->n_always > 0)
		for (h = n->handlers; h != NULL; h = h->next)
			if (h->always && (h->mask & (TCL_READABLE | TCL_WRITABLE))) {
				mark_ready(h, h->mask & (TCL_READABLE | TCL_WRITABLE));
				ts.tv_sec = 0;
				ts.tv_nsec = 0;
				tsp = &ts;
			}
	got = epoll_timed(n, evs, (int)(sizeof evs / sizeof evs[0]), tsp);
	for (i = 0; i < got; i++) {
		int mask = 0;

		if (evs[i].data.fd == n->alert_fd) {
			uint64_t v;
			ssize_t r = read(n->alert_fd, &v, sizeof v);

			(void)r; /* a failed read only means one more wake-up */
			continue;
		}
		h = find(n, evs[i].data.fd);
		if (h == NULL)
			continue;
		if (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))
			mask |= TCL_READABLE;
		if (evs[i].events & (EPOLLOUT | EPOLLHUP | EPOLLERR))
			mask |= TCL_WRITABLE;
		if (evs[i].events & EPOLLPRI)
			mask |= TCL_EXCEPTION;
		mask &= h->mask;
		if (mask)
			mark_ready(h, mask);
	}
	/* EINTR: a signal, which Tcl's async handlers take from here */
	return 0;
}

static void set_timer(const Tcl_Time *t)
{
	(void)t; /* wait_for_event() is given the timeout */
}

static ClientData init_notifier(void)
{
	return me();
}

static void finalize_notifier(ClientData cd)
{
	if (cd != NULL && cd == self) {
		notifier_free(self);
		self = NULL;
	}
}

/* Tcl_ThreadAlert and Tcl_AsyncMark, from any thread or a signal handler:
 * only async-signal-safe calls. */
static void alert_notifier(ClientData cd)
{
	const struct notifier *n = cd;
	uint64_t one = 1;

	if (n != NULL && write(n->alert_fd, &one, sizeof one) < 0)
		return; /* the counter is full: a wake-up is pending anyway */
}

static void service_mode_hook(int mode)
{
	(void)mode;
}

int lacp_notifier_install(void)
{
	static Tcl_NotifierProcs procs = {
		set_timer, wait_for_event, create_handler, delete_handler,
		init_notifier, finalize_notifier, alert_notifier, service_mode_hook,
	};
	const char *choice = getenv("LACP_NOTIFIER");

	if (choice != NULL && strcmp(choice, "tcl") == 0)
		return 0;
	if (self == NULL && (self = notifier_new()) == NULL)
		return -errno;
	Tcl_SetNotifier(&procs);
	return 1;
}
