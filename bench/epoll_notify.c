/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * An epoll notifier for Tcl 8.6, linked into bench/'s lacpsh-epoll only:
 * the experiment that measures what Tcl 8.6's own notifier costs lacp
 * (doc/bench.md). Not installed, not used by lacpsh.
 *
 * Debian's Tcl 8.6 is threaded, and its Unix notifier then waits in a
 * separate notifier thread: select() there, a condition variable for the
 * waiting thread, and a byte on a pipe each way around every wait that
 * has file handlers - three or more context switches per wake-up, and a
 * thread hop between a frame's arrival and the handler that reads it.
 * This one waits in the calling thread, in epoll_pwait2() with a
 * nanosecond timeout, as Tcl 8.7/9's epoll notifier does. It is installed
 * before main() runs (a constructor: Tcl_SetNotifier must come before
 * Tcl_FindExecutable initialises the notifier) and serves one thread, as
 * lacpsh has; other threads' Tcl_ThreadAlert reach it through an eventfd.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <tcl.h>

struct handler {
	int fd, mask, ready;
	int always; /* not pollable (a regular file): always ready, as select() says */
	Tcl_FileProc *proc;
	ClientData cd;
	struct handler *next;
};

struct file_event {
	Tcl_Event header;
	int fd;
};

static int ep = -1, alert_fd = -1;
static struct handler **by_fd;
static int cap_fd;
static struct handler *handlers;

static struct handler *find(int fd)
{
	return fd >= 0 && fd < cap_fd ? by_fd[fd] : NULL;
}

static uint32_t events_of(int mask)
{
	return ((mask & TCL_READABLE) ? EPOLLIN : 0) | ((mask & TCL_WRITABLE) ? EPOLLOUT : 0) |
	       ((mask & TCL_EXCEPTION) ? EPOLLPRI : 0);
}

static void create_handler(int fd, int mask, Tcl_FileProc *proc, ClientData cd)
{
	struct handler *h = find(fd);
	struct epoll_event e = { .events = events_of(mask), .data.fd = fd };
	int op = EPOLL_CTL_MOD;

	if (h == NULL) {
		if (fd >= cap_fd) {
			int cap = fd * 2 + 64;
			struct handler **v = realloc(by_fd, (size_t)cap * sizeof(*v));

			if (v == NULL)
				Tcl_Panic("epoll notifier: out of memory");
			memset(v + cap_fd, 0, (size_t)(cap - cap_fd) * sizeof(*v));
			by_fd = v;
			cap_fd = cap;
		}
		h = calloc(1, sizeof(*h));
		if (h == NULL)
			Tcl_Panic("epoll notifier: out of memory");
		h->fd = fd;
		h->next = handlers;
		handlers = h;
		by_fd[fd] = h;
		op = EPOLL_CTL_ADD;
	}
	h->proc = proc;
	h->cd = cd;
	h->mask = mask;
	if (epoll_ctl(ep, op, fd, &e) < 0 && errno == EPERM)
		h->always = 1;
}

static void delete_handler(int fd)
{
	struct handler *h = find(fd), **pp;

	if (h == NULL)
		return;
	if (!h->always)
		epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
	by_fd[fd] = NULL;
	for (pp = &handlers; *pp != NULL; pp = &(*pp)->next)
		if (*pp == h) {
			*pp = h->next;
			break;
		}
	free(h);
}

static int file_event_proc(Tcl_Event *ev, int flags)
{
	struct handler *h;
	int mask;

	if (!(flags & TCL_FILE_EVENTS))
		return 0;
	h = find(((struct file_event *)ev)->fd);
	if (h == NULL)
		return 1;
	mask = h->ready & h->mask;
	h->ready = 0;
	if (mask)
		h->proc(h->cd, mask);
	return 1;
}

/* Marks H ready with MASK, queueing its event unless one is queued. */
static void ready(struct handler *h, int mask)
{
	if (h->ready == 0) {
		struct file_event *fe = (struct file_event *)ckalloc(sizeof(*fe));

		fe->header.proc = file_event_proc;
		fe->fd = h->fd;
		Tcl_QueueEvent(&fe->header, TCL_QUEUE_TAIL);
	}
	h->ready = mask;
}

static int wait_for_event(const Tcl_Time *t)
{
	struct epoll_event evs[64];
	struct timespec ts, *tsp = NULL;
	struct handler *h;
	int n, i;

	if (t != NULL) {
		ts.tv_sec = t->sec;
		ts.tv_nsec = t->usec * 1000L;
		tsp = &ts;
	}
	for (h = handlers; h != NULL; h = h->next)
		if (h->always && (h->mask & (TCL_READABLE | TCL_WRITABLE))) {
			ready(h, h->mask & (TCL_READABLE | TCL_WRITABLE));
			ts.tv_sec = 0;
			ts.tv_nsec = 0;
			tsp = &ts;
		}
	n = epoll_pwait2(ep, evs, 64, tsp, NULL);
	for (i = 0; i < n; i++) {
		int mask = 0;

		if (evs[i].data.fd == alert_fd) {
			uint64_t v;

			if (read(alert_fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
				Tcl_Panic("epoll notifier: eventfd read failed");
			continue;
		}
		h = find(evs[i].data.fd);
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
			ready(h, mask);
	}
	return 0;
}

static void set_timer(const Tcl_Time *t)
{
	(void)t; /* Tcl_WaitForEvent gets the timeout */
}

static ClientData init_notifier(void)
{
	struct epoll_event e = { .events = EPOLLIN };

	if (ep < 0) {
		ep = epoll_create1(EPOLL_CLOEXEC);
		alert_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (ep < 0 || alert_fd < 0)
			Tcl_Panic("epoll notifier: %s", strerror(errno));
		e.data.fd = alert_fd;
		epoll_ctl(ep, EPOLL_CTL_ADD, alert_fd, &e);
	}
	return NULL;
}

static void finalize_notifier(ClientData cd)
{
	(void)cd;
}

/* Tcl_ThreadAlert, Tcl_AsyncMark (signals): async-signal-safe. */
static void alert_notifier(ClientData cd)
{
	uint64_t one = 1;
	ssize_t n;

	(void)cd;
	n = write(alert_fd, &one, sizeof(one));
	(void)n;
}

static void service_mode_hook(int mode)
{
	(void)mode;
}

__attribute__((constructor)) static void install(void)
{
	static Tcl_NotifierProcs procs = {
		set_timer, wait_for_event, create_handler, delete_handler,
		init_notifier, finalize_notifier, alert_notifier, service_mode_hook,
	};

	Tcl_SetNotifier(&procs);
}
