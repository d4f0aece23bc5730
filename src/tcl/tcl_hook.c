/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * lacp::hook: an executable called on the port events an operator cares
 * about, as `COMMAND EVENT PORT key=value ...` (lacpctld -H, lacpsh -H).
 *
 * A hook never holds up the event loop. Starting a process costs its
 * parent the time the child takes to reach exec (posix_spawn's vfork):
 * 1 to 4 ms on a loaded virtual machine, with a p99 of tens of ms. So the
 * starts are left to a helper process, forked once when a hook command is
 * set: the event loop sends it one datagram per hook (a SOCK_SEQPACKET
 * socketpair, never blocking: a full socket counts as a drop), and the
 * helper starts the hook with posix_spawn (which reports an exec failure,
 * such as a missing file, as its return value), reaps it (signalfd) and
 * sends back "started", "failed" or "exited" with the wait status, which
 * a file handler here logs. Without the helper (it could not be forked,
 * or died) hooks are started directly and reaped through a pidfd, or a
 * timer where pidfd_open is missing (valgrind). At most -max hooks run at
 * once; an event arriving while that many run is counted as dropped, never
 * queued, so a hook that hangs costs at most -max processes and a count.
 *
 * Events (EVENT PORT, then key=value words):
 *   negotiated   the Mux machine reached COLLECTING_DISTRIBUTING (or
 *                DISTRIBUTING with independent control)
 *   expired      current_while ran out (Receive machine to EXPIRED)
 *   defaulted    the Receive machine took the Partner_Admin values
 *   churn        an actor or partner churn machine entered churn, or left it
 *   rule         a `when`/`inject` rule fired
 *   link_up, link_down   the port's carrier (interface, or wire cut/restored)
 *   rate_violation       the DUT sent more than 3 LACPDUs in a fast_periodic_time
 *                window (the measurement's note, lacpdus=N in the window);
 *   `lacp::hook call` sends any event
 */
#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "state.h"
#include "tcl_lacp.h"

#define HOOK_ASSOC_KEY "lacp-hook"
#define HOOK_DEFAULT_MAX 8
#define HOOK_MAX_ARGS 24
#define HOOK_MAX_PACKET 32768   /* a request: id, then the words, NUL-separated */
#define HOOK_MAX_RUNNING 4096   /* the largest -max */

/* What the helper tells about a request. */
enum { HELPER_STARTED = 1, HELPER_FAILED, HELPER_EXITED };
struct helper_msg {
	uint32_t id;
	int32_t kind;
	int32_t value;           /* STARTED: pid; FAILED: errno; EXITED: wait status */
};

extern char **environ;

struct hook_state;

/* One hook process still running (or being started by the helper). */
struct child {
	struct hook_state *hs;
	uint32_t id;             /* the helper's request id, 0 when started here */
	pid_t pid;
	int pidfd;
	char label[96];          /* "EVENT PORT" for the log */
	struct timespec started;
	struct child *prev, *next;
};

/* The hooks of one interpreter. */
struct hook_state {
	Tcl_Interp *interp;
	Tcl_Obj *command;        /* NULL: no hook */
	int max;
	struct child *running;
	unsigned n_running;
	Tcl_WideInt started, dropped, failed, exited_ok, exited_error;
	bool spawn_warned;       /* the spawn error was logged; cleared on success */
	bool drop_warned;        /* the first drop of a burst was logged */
	Tcl_TimerToken poll;     /* reaping children that have no pidfd */
	int helper_sock;         /* to the helper, -1: none */
	pid_t helper_pid;
	uint32_t next_id;
	bool helper_warned;      /* its failure was logged */
	bool no_helper;          /* LACP_HOOK_HELPER=0: start hooks here (for comparison) */
};

static struct hook_state *hook_state(Tcl_Interp *interp)
{
	return Tcl_GetAssocData(interp, HOOK_ASSOC_KEY, NULL);
}

static double ms_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) * 1e3 + (double)(now.tv_nsec - t0->tv_nsec) / 1e6;
}

static void child_unlink(struct child *c)
{
	struct hook_state *hs = c->hs;

	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		hs->running = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	hs->n_running--;
	if (hs->n_running == 0)
		hs->drop_warned = false;
}

/* Hook C ended with wait STATUS (KNOWN false: unknown): logs it, frees C. */
static void child_ended(struct child *c, bool known, int status)
{
	struct hook_state *hs = c->hs;

	if (c->pidfd >= 0) {
		Tcl_DeleteFileHandler(c->pidfd);
		close(c->pidfd);
	}
	child_unlink(c);
	if (!known) {
		lacp_tcl_log(hs->interp, LACP_LOG_DEBUG, "hook %s: ended, status unknown", c->label);
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		hs->exited_ok++;
		lacp_tcl_log(hs->interp, LACP_LOG_INFO, "hook %s: exit 0 after %.1f ms",
			     c->label, ms_since(&c->started));
	} else {
		hs->exited_error++;
		if (WIFEXITED(status))
			lacp_tcl_log(hs->interp, LACP_LOG_WARNING, "hook %s: exit %d after %.1f ms",
				     c->label, WEXITSTATUS(status), ms_since(&c->started));
		else
			lacp_tcl_log(hs->interp, LACP_LOG_WARNING, "hook %s: killed by signal %d after %.1f ms",
				     c->label, WTERMSIG(status), ms_since(&c->started));
	}
	ckfree(c);
}

/* Reaps hook C (started here) if it ended; false if it still runs. */
static bool child_reap(struct child *c)
{
	int status = 0;
	pid_t r;

	do
		r = waitpid(c->pid, &status, WNOHANG);
	while (r < 0 && errno == EINTR);
	if (r == 0)
		return false;
	if (r < 0)
		lacp_tcl_log(c->hs->interp, LACP_LOG_DEBUG, "hook %s: waitpid: %s", c->label,
			     strerror(errno));
	child_ended(c, r > 0, status);
	return true;
}

/* The pidfd of a hook became readable: it ended. */
static void child_done(ClientData cd, int mask)
{
	(void)mask;
	(void)child_reap(cd);
}

/*
 * Without pidfds (a kernel before 5.3, or valgrind, which does not know
 * pidfd_open), children are looked at every 50 ms while any runs: still
 * never a blocking wait.
 */
static void poll_children(ClientData cd)
{
	struct hook_state *hs = cd;
	struct child *c, *next;
	bool left = false;

	hs->poll = NULL;
	for (c = hs->running; c != NULL; c = next) {
		next = c->next;
		if (c->id == 0 && c->pidfd < 0 && !child_reap(c))
			left = true;
	}
	if (left)
		hs->poll = Tcl_CreateTimerHandler(50, poll_children, hs);
}

/*
 * posix_spawnp of ARGV with what a hook gets: stdin from /dev/null, no
 * descriptor but stdout and stderr, no blocked signal, and the signals a
 * daemon ignores or handles back to their defaults. 0 or an errno.
 */
static int start_process(char **argv, pid_t *pid)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, dfl;
	int rc;

	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&attr);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addclosefrom_np(&fa, 3);
	sigemptyset(&none);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGPIPE);
	sigaddset(&dfl, SIGINT);
	sigaddset(&dfl, SIGTERM);
	sigaddset(&dfl, SIGHUP);
	sigaddset(&dfl, SIGCHLD);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &dfl);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	rc = posix_spawnp(pid, argv[0], &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	return rc;
}

static void helper_reply(int sock, uint32_t id, int kind, int value)
{
	struct helper_msg m = {.id = id, .kind = kind, .value = value};

	while (send(sock, &m, sizeof m, MSG_NOSIGNAL) < 0 && errno == EINTR)
		;
}

/*
 * The helper: a fork of this process that touches nothing of Tcl. It
 * starts the hooks it is sent, reaps them and reports; it ends when the
 * socket does (the process that forked it is gone or done with hooks).
 */
static void helper_main(int sock) __attribute__((noreturn));
static void helper_main(int sock)
{
	static struct { pid_t pid; uint32_t id; } slot[HOOK_MAX_RUNNING];
	static char buf[HOOK_MAX_PACKET + 1];
	char *argv[HOOK_MAX_ARGS + 5];
	struct signalfd_siginfo si;
	struct pollfd pfd[2];
	sigset_t chld;
	int sig, status, argc, i, rc;
	ssize_t n;
	pid_t pid;
	uint32_t id;
	char *p;

	for (sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL);
	signal(SIGINT, SIG_IGN); /* a terminal's ^C is for the program; EOF ends us */
	if (sock != 3) {
		dup2(sock, 3);
		sock = 3;
	}
	syscall(SYS_close_range, 4U, ~0U, 0);
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_SETMASK, &chld, NULL);
	pfd[0].fd = sock;
	pfd[0].events = POLLIN;
	pfd[1].fd = signalfd(-1, &chld, SFD_CLOEXEC);
	pfd[1].events = POLLIN;
	if (pfd[1].fd < 0)
		_exit(1);
	for (;;) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			_exit(1);
		}
		if (pfd[1].revents & POLLIN) {
			while (read(pfd[1].fd, &si, sizeof si) < 0 && errno == EINTR)
				;
			while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
				for (i = 0; i < HOOK_MAX_RUNNING; i++)
					if (slot[i].pid == pid) {
						helper_reply(sock, slot[i].id, HELPER_EXITED, status);
						slot[i].pid = 0;
						break;
					}
		}
		if (!(pfd[0].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		n = recv(sock, buf, HOOK_MAX_PACKET, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(0);
		if ((size_t)n < sizeof id + 2)
			continue;
		buf[n] = '\0';
		memcpy(&id, buf, sizeof id);
		argc = 0;
		for (p = buf + sizeof id; p < buf + n && argc < HOOK_MAX_ARGS + 4; p += strlen(p) + 1)
			argv[argc++] = p;
		argv[argc] = NULL;
		for (i = 0; i < HOOK_MAX_RUNNING && slot[i].pid != 0; i++)
			;
		rc = i == HOOK_MAX_RUNNING ? EAGAIN : start_process(argv, &pid);
		if (rc != 0) {
			helper_reply(sock, id, HELPER_FAILED, rc);
			continue;
		}
		slot[i].pid = pid;
		slot[i].id = id;
		helper_reply(sock, id, HELPER_STARTED, pid);
	}
}

static struct child *child_by_id(struct hook_state *hs, uint32_t id)
{
	struct child *c;

	for (c = hs->running; c != NULL; c = c->next)
		if (c->id == id)
			return c;
	return NULL;
}

static void note_spawn_failure(struct hook_state *hs, const char *cmd, int err)
{
	hs->failed++;
	if (!hs->spawn_warned)
		lacp_tcl_log(hs->interp, LACP_LOG_ERROR,
			     "hook %s cannot be run: %s (events go on without it)", cmd, strerror(err));
	hs->spawn_warned = true;
}

static void helper_stop(struct hook_state *hs);

/* What the helper says: started, failed, exited. */
static void helper_readable(ClientData cd, int mask)
{
	struct hook_state *hs = cd;
	struct helper_msg m;
	struct child *c;
	ssize_t n;

	(void)mask;
	for (;;) {
		n = recv(hs->helper_sock, &m, sizeof m, MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n != (ssize_t)sizeof m) {
			lacp_tcl_log(hs->interp, LACP_LOG_WARNING,
				     "hook helper %ld is gone; hooks are started directly",
				     (long)hs->helper_pid);
			helper_stop(hs);
			return;
		}
		c = child_by_id(hs, m.id);
		if (c == NULL)
			continue;
		switch (m.kind) {
		case HELPER_STARTED:
			c->pid = m.value;
			hs->started++;
			hs->spawn_warned = false;
			break;
		case HELPER_FAILED:
			note_spawn_failure(hs, hs->command != NULL ? Tcl_GetString(hs->command) :
					   "(hook)", m.value);
			child_unlink(c);
			ckfree(c);
			break;
		default:
			child_ended(c, true, m.value);
			break;
		}
	}
}

/* Forks the helper; false when it cannot be. */
static bool helper_start(struct hook_state *hs)
{
	int sv[2];
	pid_t pid;

	if (hs->helper_sock >= 0)
		return true;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		goto fail;
	pid = fork();
	if (pid < 0) {
		close(sv[0]);
		close(sv[1]);
		goto fail;
	}
	if (pid == 0) {
		close(sv[0]);
		helper_main(sv[1]);
	}
	close(sv[1]);
	hs->helper_sock = sv[0];
	hs->helper_pid = pid;
	Tcl_CreateFileHandler(sv[0], TCL_READABLE, helper_readable, hs);
	return true;
fail:
	if (!hs->helper_warned)
		lacp_tcl_log(hs->interp, LACP_LOG_WARNING,
			     "no hook helper (%s): hooks are started directly", strerror(errno));
	hs->helper_warned = true;
	return false;
}

/* Closes the helper (it ends at EOF); the hooks it ran are forgotten. */
static void helper_stop(struct hook_state *hs)
{
	struct child *c, *next;
	Tcl_Pid tpid;

	if (hs->helper_sock < 0)
		return;
	Tcl_DeleteFileHandler(hs->helper_sock);
	close(hs->helper_sock);
	hs->helper_sock = -1;
	tpid = (Tcl_Pid)(intptr_t)hs->helper_pid;
	Tcl_DetachPids(1, &tpid);
	Tcl_ReapDetachedProcs();
	for (c = hs->running; c != NULL; c = next) {
		next = c->next;
		if (c->id != 0)
			child_ended(c, false, 0);
	}
}

/* Hands ARGV to the helper: 1 sent, 0 dropped (its socket is full), -1 no helper. */
static int helper_send(struct hook_state *hs, struct child *c, char **argv)
{
	char buf[HOOK_MAX_PACKET];
	size_t len, n = 0;
	int i;

	if (!helper_start(hs))
		return -1;
	if (++hs->next_id == 0)
		hs->next_id = 1;
	c->id = hs->next_id;
	memcpy(buf, &c->id, sizeof c->id);
	n = sizeof c->id;
	for (i = 0; argv[i] != NULL; i++) {
		len = strlen(argv[i]) + 1;
		if (n + len > sizeof buf)
			len = sizeof buf - n; /* a huge rule text is cut */
		memcpy(buf + n, argv[i], len);
		n += len;
		if (n == sizeof buf) {
			buf[n - 1] = '\0';
			break;
		}
	}
	if (send(hs->helper_sock, buf, n, MSG_DONTWAIT | MSG_NOSIGNAL) == (ssize_t)n)
		return 1;
	if (errno == EAGAIN || errno == EWOULDBLOCK)
		return 0;
	lacp_tcl_log(hs->interp, LACP_LOG_WARNING, "hook helper: %s; hooks are started directly",
		     strerror(errno));
	helper_stop(hs);
	hs->helper_warned = true;
	return -1;
}

static void drop(struct hook_state *hs, char **argv)
{
	hs->dropped++;
	if (!hs->drop_warned) {
		lacp_tcl_log(hs->interp, LACP_LOG_WARNING,
			     "hook %s %s: dropped, %u hooks still running (-max %d)",
			     argv[1], argv[2], hs->n_running, hs->max);
		hs->drop_warned = true;
	} else {
		lacp_tcl_log(hs->interp, LACP_LOG_DEBUG, "hook %s %s: dropped", argv[1], argv[2]);
	}
}

static void child_link(struct hook_state *hs, struct child *c)
{
	c->next = hs->running;
	if (hs->running != NULL)
		hs->running->prev = c;
	hs->running = c;
	hs->n_running++;
}

/* Starts the hook with ARGV (ARGV[0] = the command); never waits. */
static void spawn_hook(struct hook_state *hs, char **argv)
{
	struct child *c;
	pid_t pid;
	int rc, pidfd;

	if (hs->n_running >= (unsigned)hs->max) {
		drop(hs, argv);
		return;
	}
	c = ckalloc(sizeof *c);
	memset(c, 0, sizeof *c);
	c->hs = hs;
	c->pidfd = -1;
	snprintf(c->label, sizeof c->label, "%s %s", argv[1], argv[2]);
	clock_gettime(CLOCK_MONOTONIC, &c->started);
	if (!hs->no_helper) {
		rc = helper_send(hs, c, argv);
		if (rc == 1) {
			child_link(hs, c);
			return;
		}
		if (rc == 0) {
			ckfree(c);
			drop(hs, argv);
			return;
		}
		c->id = 0;
	}
	/* no helper: the start is paid here */
	rc = start_process(argv, &pid);
	if (rc != 0) {
		note_spawn_failure(hs, argv[0], rc);
		ckfree(c);
		return;
	}
	hs->spawn_warned = false;
	hs->started++;
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd >= 0)
		fcntl(pidfd, F_SETFD, FD_CLOEXEC);
	c->pid = pid;
	c->pidfd = pidfd;
	child_link(hs, c);
	if (pidfd >= 0)
		Tcl_CreateFileHandler(pidfd, TCL_READABLE, child_done, c);
	else if (hs->poll == NULL)
		hs->poll = Tcl_CreateTimerHandler(50, poll_children, hs);
}

void lacp_tcl_hook_emit(Tcl_Interp *interp, const char *event, const char *port,
			const char *const *kv, int n_kv)
{
	struct hook_state *hs = hook_state(interp);
	char *argv[HOOK_MAX_ARGS + 4];
	int i, n = 0;

	if (hs == NULL || hs->command == NULL)
		return;
	argv[n++] = Tcl_GetString(hs->command);
	argv[n++] = (char *)event;
	argv[n++] = (char *)port;
	for (i = 0; i < n_kv && i < HOOK_MAX_ARGS; i++)
		argv[n++] = (char *)kv[i];
	argv[n] = NULL;
	spawn_hook(hs, argv);
}

bool lacp_tcl_hook_on(Tcl_Interp *interp)
{
	struct hook_state *hs = hook_state(interp);

	return hs != NULL && hs->command != NULL;
}

/* key=value words that describe port TP (partner and our states). */
static int port_words(struct tcl_port *tp, char buf[][64], int first)
{
	const struct lacp_port *p = lacp_tcl_port_core(tp);
	char sa[LACP_STATE_STRLEN], sp[LACP_STATE_STRLEN];
	const char *ifname = lacp_tcl_port_interface(tp);
	const uint8_t *m = p->partner.system;
	int n = first;

	if (ifname != NULL)
		snprintf(buf[n++], 64, "interface=%s", ifname);
	/* the machines' state as it is now, mid-dispatch (what the next
	 * LACPDU will say), rather than what the last one said */
	snprintf(buf[n++], 64, "actor=%s", lacp_state_format(lacp_port_advertised_state(p), sa));
	snprintf(buf[n++], 64, "partner=%s", lacp_state_format(p->partner.state, sp));
	snprintf(buf[n++], 64, "partner_system=%02x:%02x:%02x:%02x:%02x:%02x",
		 m[0], m[1], m[2], m[3], m[4], m[5]);
	snprintf(buf[n++], 64, "partner_key=%u", p->partner.key);
	snprintf(buf[n++], 64, "partner_port=%u", p->partner.port);
	snprintf(buf[n++], 64, "aggregator=%u", p->aggregator);
	return n;
}

static void emit_port(struct tcl_port *tp, const char *event, char buf[][64], int n)
{
	const char *kv[16];
	int i;

	for (i = 0; i < n; i++)
		kv[i] = buf[i];
	lacp_tcl_hook_emit(lacp_tcl_port_interp(tp), event, lacp_tcl_port_name(tp), kv, n);
}

/* The hooks' observer of port events. */
static void hook_port_event(struct tcl_port *tp, const struct lacp_event *ev)
{
	char buf[16][64];
	const char *event = NULL;
	int n = 0;

	switch (ev->type) {
	case LACP_EV_TRANSITION:
		if (ev->machine == LACP_M_MUX && (ev->to == LACP_MUX_COLLECTING_DISTRIBUTING ||
						  ev->to == LACP_MUX_DISTRIBUTING))
			event = "negotiated";
		else if (ev->machine == LACP_M_RX && ev->to == LACP_RX_DEFAULTED)
			event = "defaulted";
		break;
	case LACP_EV_EXPIRED:
		/* current_while ran out on a current partner; its running out
		 * again in EXPIRED is the DEFAULTED transition */
		if (ev->to == LACP_RX_EXPIRED)
			event = "expired";
		break;
	case LACP_EV_CHURN:
		event = "churn";
		snprintf(buf[n++], 64, "machine=%s", lacp_machine_name[ev->machine]);
		snprintf(buf[n++], 64, "churn=%d", ev->on ? 1 : 0);
		break;
	default:
		break;
	}
	if (event == NULL || !lacp_tcl_hook_on(lacp_tcl_port_interp(tp)))
		return;
	n = port_words(tp, buf, n);
	emit_port(tp, event, buf, n);
}

void lacp_tcl_hook_link(struct tcl_port *tp, bool up)
{
	char buf[16][64];
	int n;

	if (!lacp_tcl_hook_on(lacp_tcl_port_interp(tp)))
		return;
	n = port_words(tp, buf, 0);
	emit_port(tp, up ? "link_up" : "link_down", buf, n);
}

void lacp_tcl_hook_violation(struct tcl_port *tp, unsigned long lacpdus)
{
	char buf[16][64];
	int n;

	if (!lacp_tcl_hook_on(lacp_tcl_port_interp(tp)))
		return;
	snprintf(buf[0], 64, "lacpdus=%lu", lacpdus);
	n = port_words(tp, buf, 1);
	emit_port(tp, "rate_violation", buf, n);
}

void lacp_tcl_hook_rule(struct tcl_port *tp, int id, unsigned long fired, const char *text)
{
	Tcl_Interp *interp = lacp_tcl_port_interp(tp);
	char buf[16][64];
	const char *kv[17];
	Tcl_Obj *rule;
	int n, i;

	if (!lacp_tcl_hook_on(interp))
		return;
	snprintf(buf[0], 64, "id=%d", id);
	snprintf(buf[1], 64, "fired=%lu", fired);
	n = port_words(tp, buf, 2);
	for (i = 0; i < n; i++)
		kv[i] = buf[i];
	/* the rule's text may be long: it goes last, whole */
	rule = Tcl_ObjPrintf("rule=%s", text);
	Tcl_IncrRefCount(rule);
	kv[n++] = Tcl_GetString(rule);
	lacp_tcl_hook_emit(interp, "rule", lacp_tcl_port_name(tp), kv, n);
	Tcl_DecrRefCount(rule);
}

/* ---- lacp::hook */

static Tcl_Obj *settings_obj(const struct hook_state *hs)
{
	Tcl_Obj *d = Tcl_NewDictObj();

	Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("-command", -1),
		       hs->command != NULL ? hs->command : Tcl_NewObj());
	Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("-max", -1), Tcl_NewIntObj(hs->max));
	return d;
}

static Tcl_Obj *stats_obj(const struct hook_state *hs)
{
	Tcl_Obj *d = Tcl_NewDictObj();

	Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("started", -1), Tcl_NewWideIntObj(hs->started));
	Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("running", -1),
		       Tcl_NewWideIntObj((Tcl_WideInt)hs->n_running));
	Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("dropped", -1), Tcl_NewWideIntObj(hs->dropped));
	Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("failed", -1), Tcl_NewWideIntObj(hs->failed));
	Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("exit_ok", -1), Tcl_NewWideIntObj(hs->exited_ok));
	Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("exit_error", -1),
		       Tcl_NewWideIntObj(hs->exited_error));
	return d;
}

static const char *const hook_options[] = {"-command", "-max", NULL};

/* lacp::hook configure ?-option ?value ...?? */
static int hook_configure(struct hook_state *hs, Tcl_Interp *interp, int objc,
			  Tcl_Obj *const objv[])
{
	Tcl_Obj *command = NULL;
	long max = hs->max;
	int i, opt;
	bool set_command = false;

	if (objc == 2) {
		Tcl_SetObjResult(interp, settings_obj(hs));
		return TCL_OK;
	}
	if (objc == 3) {
		if (lacp_tcl_get_index(interp, objv[2], hook_options, "option", &opt) != TCL_OK)
			return TCL_ERROR;
		if (opt == 0)
			Tcl_SetObjResult(interp, hs->command != NULL ? hs->command : Tcl_NewObj());
		else
			Tcl_SetObjResult(interp, Tcl_NewIntObj(hs->max));
		return TCL_OK;
	}
	for (i = 2; i < objc; i += 2) {
		if (lacp_tcl_get_index(interp, objv[i], hook_options, "option", &opt) != TCL_OK ||
		    lacp_tcl_need_value(interp, i, objc, objv) != TCL_OK)
			return TCL_ERROR;
		if (opt == 0) {
			command = objv[i + 1];
			set_command = true;
		} else if (lacp_tcl_get_int_range(interp, objv[i + 1], "-max", 1, 4096, &max) != TCL_OK) {
			return TCL_ERROR;
		}
	}
	if (set_command) {
		if (hs->command != NULL)
			Tcl_DecrRefCount(hs->command);
		hs->command = NULL;
		if (Tcl_GetString(command)[0] != '\0') {
			hs->command = Tcl_DuplicateObj(command);
			Tcl_IncrRefCount(hs->command);
			/* the fork costs its time now, not at the first event */
			if (!hs->no_helper)
				(void)helper_start(hs);
		}
		hs->spawn_warned = false;
	}
	hs->max = (int)max;
	return TCL_OK;
}

static void wait_timeout(ClientData cd)
{
	*(bool *)cd = true;
}

/* lacp::hook wait ?-timeout MS?: 1 when no hook runs any more, 0 on timeout */
static int hook_wait(struct hook_state *hs, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
	long ms = 10000;
	bool timed_out = false;
	Tcl_TimerToken t;

	if (objc != 2 && objc != 4)
		return lacp_tcl_wrong_args(interp, 2, objv, "?-timeout MS?");
	if (objc == 4) {
		if (strcmp(Tcl_GetString(objv[2]), "-timeout") != 0)
			return lacp_tcl_error(interp, "LACP OPTION HOOK", "unknown option \"%s\": must be -timeout",
					      Tcl_GetString(objv[2]));
		if (lacp_tcl_get_int_range(interp, objv[3], "-timeout", 0, 86400000L, &ms) != TCL_OK)
			return TCL_ERROR;
	}
	t = Tcl_CreateTimerHandler((int)ms, wait_timeout, &timed_out);
	while (hs->n_running > 0 && !timed_out) {
		Tcl_DoOneEvent(TCL_ALL_EVENTS);
		if (lacp_tcl_interrupted(interp)) {
			Tcl_DeleteTimerHandler(t);
			return TCL_ERROR;
		}
	}
	Tcl_DeleteTimerHandler(t);
	Tcl_SetObjResult(interp, Tcl_NewBooleanObj(hs->n_running == 0));
	return TCL_OK;
}

/* EVENT words are what a hook switches on: [a-z][a-z0-9_]* */
static bool event_name_ok(const char *e)
{
	if (*e < 'a' || *e > 'z')
		return false;
	for (; *e != '\0'; e++)
		if (!((*e >= 'a' && *e <= 'z') || (*e >= '0' && *e <= '9') || *e == '_'))
			return false;
	return true;
}

static int hook_cmd(ClientData cd, Tcl_Interp *interp, int objc, Tcl_Obj *const objv[])
{
	static const char *const subs[] = {"call", "configure", "cget", "stats", "wait", NULL};
	struct hook_state *hs = cd;
	const char *kv[HOOK_MAX_ARGS];
	int sub, i;

	if (objc < 2)
		return lacp_tcl_wrong_args(interp, 1, objv, "call|configure|cget|stats|wait ?arg ...?");
	if (lacp_tcl_get_index(interp, objv[1], subs, "subcommand", &sub) != TCL_OK)
		return TCL_ERROR;
	switch (sub) {
	case 0: /* call EVENT PORT ?WORD ...? */
		if (objc < 4 || objc - 4 > HOOK_MAX_ARGS)
			return lacp_tcl_wrong_args(interp, 2, objv, "EVENT PORT ?key=value ...?");
		if (!event_name_ok(Tcl_GetString(objv[2])))
			return lacp_tcl_error(interp, "LACP VALUE EVENT",
					      "bad event \"%s\": must be lower-case letters, digits and _",
					      Tcl_GetString(objv[2]));
		if (Tcl_GetString(objv[3])[0] == '\0')
			return lacp_tcl_error(interp, "LACP VALUE PORT", "empty port name");
		for (i = 4; i < objc; i++) {
			kv[i - 4] = Tcl_GetString(objv[i]);
			if (strchr(kv[i - 4], '=') == NULL || kv[i - 4][0] == '=')
				return lacp_tcl_error(interp, "LACP VALUE WORD",
						      "bad word \"%s\": must be key=value", kv[i - 4]);
		}
		lacp_tcl_hook_emit(interp, Tcl_GetString(objv[2]), Tcl_GetString(objv[3]), kv, objc - 4);
		return TCL_OK;
	case 1:
		return hook_configure(hs, interp, objc, objv);
	case 2:
		if (objc != 3)
			return lacp_tcl_wrong_args(interp, 2, objv, "-option");
		return hook_configure(hs, interp, objc, objv);
	case 3: /* stats ?-reset? */
		if (objc > 3 || (objc == 3 && strcmp(Tcl_GetString(objv[2]), "-reset") != 0))
			return lacp_tcl_wrong_args(interp, 2, objv, "?-reset?");
		Tcl_SetObjResult(interp, stats_obj(hs));
		if (objc == 3)
			hs->started = hs->dropped = hs->failed = hs->exited_ok = hs->exited_error = 0;
		return TCL_OK;
	default:
		return hook_wait(hs, interp, objc, objv);
	}
}

/* The interpreter goes: hooks still running are left to finish alone. */
static void hook_delete(ClientData cd, Tcl_Interp *interp)
{
	struct hook_state *hs = cd;
	struct child *c, *next;

	(void)interp;
	/* nothing is logged here: the interpreter is going */
	if (hs->helper_sock >= 0) {
		Tcl_Pid hpid = (Tcl_Pid)(intptr_t)hs->helper_pid;

		Tcl_DeleteFileHandler(hs->helper_sock);
		close(hs->helper_sock);
		Tcl_DetachPids(1, &hpid);
	}
	if (hs->poll != NULL)
		Tcl_DeleteTimerHandler(hs->poll);
	for (c = hs->running; c != NULL; c = next) {
		next = c->next;
		if (c->pidfd >= 0) {
			Tcl_DeleteFileHandler(c->pidfd);
			close(c->pidfd);
		}
		if (c->id == 0 && c->pid > 0) {
			/* ours, not the helper's: Tcl reaps it */
			Tcl_Pid tpid = (Tcl_Pid)(intptr_t)c->pid;

			Tcl_DetachPids(1, &tpid);
		}
		ckfree(c);
	}
	if (hs->command != NULL)
		Tcl_DecrRefCount(hs->command);
	ckfree(hs);
}

int lacp_tcl_hook_register(Tcl_Interp *interp, struct lacp_tcl_state *st)
{
	struct hook_state *hs = ckalloc(sizeof *hs);

	memset(hs, 0, sizeof *hs);
	hs->interp = interp;
	hs->max = HOOK_DEFAULT_MAX;
	hs->helper_sock = -1;
	hs->no_helper = getenv("LACP_HOOK_HELPER") != NULL && strcmp(getenv("LACP_HOOK_HELPER"), "0") == 0;
	Tcl_SetAssocData(interp, HOOK_ASSOC_KEY, hook_delete, hs);
	lacp_tcl_observe(st, hook_port_event);
	Tcl_CreateObjCommand(interp, "::lacp::hook", hook_cmd, hs, NULL);
	return TCL_OK;
}
