/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * lacp::hook: an executable called on the port events an operator cares
 * about, as `COMMAND EVENT PORT key=value ...` (lacpctld -H, lacpsh -H).
 *
 * A hook never holds up the event loop: it is started with posix_spawn
 * (which reports an exec failure such as a missing file as its return
 * value, so nothing waits for the child), and its end is watched through a
 * pidfd, a file handler like any other, whose readable event reaps it and
 * logs its exit status. At most -max hooks run at once; an event arriving
 * while that many run is counted as dropped, never queued, so a hook that
 * hangs costs at most -max processes and a count.
 *
 * Events (EVENT PORT, then key=value words):
 *   negotiated   the Mux machine reached COLLECTING_DISTRIBUTING (or
 *                DISTRIBUTING with independent control)
 *   expired      current_while ran out (Receive machine to EXPIRED)
 *   defaulted    the Receive machine took the Partner_Admin values
 *   churn        an actor or partner churn machine entered churn, or left it
 *   rule         a `when`/`inject` rule fired
 *   link_up, link_down   the port's carrier (interface, or wire cut/restored)
 *   rate_violation       reserved for the measurement of the DUT
 *                (lacp_tcl_hook_emit() from the code that counts
 *                rate_violations); `lacp::hook call` sends any event
 */
#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "state.h"
#include "tcl_lacp.h"

#define HOOK_ASSOC_KEY "lacp-hook"
#define HOOK_DEFAULT_MAX 8
#define HOOK_MAX_ARGS 24

extern char **environ;

struct hook_state;

/* One hook process still running. */
struct child {
	struct hook_state *hs;
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

/* Reaps hook C if it ended: logs its status and frees it; false if it runs. */
static bool child_reap(struct child *c)
{
	struct hook_state *hs = c->hs;
	int status = 0;
	pid_t r;

	do
		r = waitpid(c->pid, &status, WNOHANG);
	while (r < 0 && errno == EINTR);
	if (r == 0)
		return false;
	if (c->pidfd >= 0) {
		Tcl_DeleteFileHandler(c->pidfd);
		close(c->pidfd);
	}
	child_unlink(c);
	if (r < 0) {
		lacp_tcl_log(hs->interp, LACP_LOG_DEBUG, "hook %s: ended, status unknown (%s)",
			     c->label, strerror(errno));
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
		if (c->pidfd < 0 && !child_reap(c))
			left = true;
	}
	if (left)
		hs->poll = Tcl_CreateTimerHandler(50, poll_children, hs);
}

/* Starts the hook with ARGV (ARGV[0] = the command); never waits. */
static void spawn_hook(struct hook_state *hs, char **argv)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, dfl;
	struct child *c;
	pid_t pid;
	int rc, pidfd;

	if (hs->n_running >= (unsigned)hs->max) {
		hs->dropped++;
		if (!hs->drop_warned) {
			lacp_tcl_log(hs->interp, LACP_LOG_WARNING,
				     "hook %s %s: dropped, %u hooks still running (-max %d)",
				     argv[1], argv[2], hs->n_running, hs->max);
			hs->drop_warned = true;
		} else {
			lacp_tcl_log(hs->interp, LACP_LOG_DEBUG, "hook %s %s: dropped", argv[1], argv[2]);
		}
		return;
	}
	c = ckalloc(sizeof *c);
	memset(c, 0, sizeof *c);
	c->hs = hs;
	snprintf(c->label, sizeof c->label, "%s %s", argv[1], argv[2]);
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&attr);
	/* stdin from /dev/null; nothing of ours but stdout and stderr leaks */
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addclosefrom_np(&fa, 3);
	/* the daemon ignores SIGPIPE and may block signals: the hook must not inherit that */
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
	clock_gettime(CLOCK_MONOTONIC, &c->started);
	rc = posix_spawnp(&pid, argv[0], &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	if (rc != 0) {
		hs->failed++;
		if (!hs->spawn_warned)
			lacp_tcl_log(hs->interp, LACP_LOG_ERROR,
				     "hook %s cannot be run: %s (events go on without it)",
				     argv[0], strerror(rc));
		hs->spawn_warned = true;
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
	c->next = hs->running;
	if (hs->running != NULL)
		hs->running->prev = c;
	hs->running = c;
	hs->n_running++;
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

void lacp_tcl_hook_port_event(struct tcl_port *tp, const struct lacp_event *ev)
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
	if (hs->poll != NULL)
		Tcl_DeleteTimerHandler(hs->poll);
	for (c = hs->running; c != NULL; c = next) {
		next = c->next;
		if (c->pidfd >= 0) {
			Tcl_DeleteFileHandler(c->pidfd);
			close(c->pidfd);
		}
		Tcl_Pid tpid = (Tcl_Pid)(intptr_t)c->pid;

		Tcl_DetachPids(1, &tpid);
		ckfree(c);
	}
	if (hs->command != NULL)
		Tcl_DecrRefCount(hs->command);
	ckfree(hs);
}

int lacp_tcl_hook_register(Tcl_Interp *interp, struct lacp_tcl_state *st)
{
	struct hook_state *hs = ckalloc(sizeof *hs);

	(void)st;
	memset(hs, 0, sizeof *hs);
	hs->interp = interp;
	hs->max = HOOK_DEFAULT_MAX;
	Tcl_SetAssocData(interp, HOOK_ASSOC_KEY, hook_delete, hs);
	Tcl_CreateObjCommand(interp, "::lacp::hook", hook_cmd, hs, NULL);
	return TCL_OK;
}
