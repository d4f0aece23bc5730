/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The daemon base of src/os (daemon.h, unixsock.h, sigpipe.h), without
 * root, in a private temporary directory: the pidfile (claimed, refused
 * while a live holder has it, taken over when stale, removed only while
 * it names us), the listener (0600, a live daemon's socket refused, a
 * stale one removed, a file that is no socket left alone, the path
 * removed only while it is ours), the peer's credentials (ours allowed;
 * as root, another user refused unless in the group), the signal
 * self-pipe, and detaching with the ready pipe (ready: exit 0; a failure:
 * one line on stderr, exit 1; a daemon that dies silently says so).
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "daemon.h"
#include "sigpipe.h"
#include "unixsock.h"

static char dir[256];

static void path_in(char *out, size_t n, const char *name)
{
	snprintf(out, n, "%s/%s", dir, name);
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f != NULL) {
		fputs(text, f);
		fclose(f);
	}
}

static long pid_in(const char *path)
{
	char text[32] = "";
	FILE *f = fopen(path, "r");

	if (f == NULL)
		return -1;
	if (fgets(text, sizeof text, f) == NULL)
		text[0] = '\0';
	fclose(f);
	return strtol(text, NULL, 10);
}

/* A pid no process has: a child that has been reaped. */
static pid_t dead_pid(void)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	return pid;
}

static void test_pidfile(void)
{
	struct lacp_pidfile a = {.fd = -1}, b = {.fd = -1};
	char path[512], err[512], text[32], want[600];

	path_in(path, sizeof path, "d.pid");
	CHECK_INT(lacp_pidfile_claim(&a, path, err, sizeof err), 0);
	CHECK_INT(pid_in(path), getpid());

	/* live: held by a, so a second claim is refused and names the holder */
	CHECK_INT(lacp_pidfile_claim(&b, path, err, sizeof err), -1);
	snprintf(want, sizeof want, "the pidfile %s is held by process %ld, which is still running",
		 path, (long)getpid());
	CHECK_STR(err, want);
	CHECK_INT(b.fd, -1);
	CHECK_INT(pid_in(path), getpid());

	lacp_pidfile_release(&a);
	CHECK(access(path, F_OK) != 0);
	lacp_pidfile_release(&a);   /* twice is harmless */

	/* stale: a dead daemon's pid, nobody holding the file */
	snprintf(text, sizeof text, "%ld\n", (long)dead_pid());
	write_text(path, text);
	CHECK_INT(lacp_pidfile_claim(&a, path, err, sizeof err), 0);
	CHECK_INT(pid_in(path), getpid());

	/* rewritten behind our back: release leaves someone else's file */
	write_text(path, text);
	lacp_pidfile_release(&a);
	CHECK(access(path, F_OK) == 0);
	unlink(path);

	/* where it cannot be written: one line saying why */
	path_in(path, sizeof path, "no-such-dir/d.pid");
	CHECK_INT(lacp_pidfile_claim(&a, path, err, sizeof err), -1);
	snprintf(want, sizeof want, "cannot write the pidfile %s: No such file or directory", path);
	CHECK_STR(err, want);
}

static int connect_to(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* Accepts one connection on L, waiting for it up to 5 s. */
static int accept_one(const struct lacp_listener *l)
{
	struct pollfd p = {.fd = l->fd, .events = POLLIN};

	if (poll(&p, 1, 5000) != 1)
		return -1;
	return accept4(l->fd, NULL, NULL, SOCK_CLOEXEC);
}

/* As root: a client running as nobody connects (the socket opened up to
 * 0666, as someone might); returns the daemon's end. */
static int connect_as_nobody(struct lacp_listener *l, pid_t *child)
{
	*child = fork();
	if (*child == 0) {
		int fd;
		char b;

		alarm(10);   /* never outlive the test */
		if (setgroups(0, NULL) != 0 || setresgid(65534, 65534, 65534) != 0 ||
		    setresuid(65534, 65534, 65534) != 0)
			_exit(2);
		fd = connect_to(l->path);
		if (fd < 0)
			_exit(3);
		/* stay connected until the daemon's end closes */
		_exit(read(fd, &b, 1) < 0 ? 4 : 0);
	}
	return accept_one(l);
}

static void test_listener(void)
{
	struct lacp_listener l, m;
	struct ucred cred;
	struct stat st;
	char path[512], file[512], err[512], want[700];
	int c, s, sv[2], status;
	pid_t child;

	path_in(path, sizeof path, "d.sock");
	CHECK(lacp_listen_unix(&l, path, NULL, 0, err, sizeof err) >= 0);
	CHECK(!l.removed_stale);
	CHECK(lstat(path, &st) == 0 && S_ISSOCK(st.st_mode));
	CHECK_INT(st.st_mode & 0777, 0600);

	/* live: a second daemon is refused, the first keeps its socket */
	CHECK_INT(lacp_listen_unix(&m, path, NULL, 0, err, sizeof err), -1);
	snprintf(want, sizeof want, "another daemon is already listening on %s", path);
	CHECK_STR(err, want);
	CHECK_INT(m.fd, -1);
	CHECK(access(path, F_OK) == 0);
	/* the check connected to find the daemon alive: that connection waits */
	s = accept_one(&l);
	CHECK(s >= 0);
	if (s >= 0)
		close(s);

	/* our own peer: allowed, and its credentials are ours */
	c = connect_to(path);
	s = accept_one(&l);
	CHECK(c >= 0 && s >= 0);
	CHECK_INT(lacp_peer_allowed(s, false, 0, &cred), 1);
	CHECK_INT(cred.pid, getpid());
	CHECK_INT(cred.uid, geteuid());
	close(c);
	close(s);

	/* over a socketpair too */
	CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
	CHECK_INT(lacp_peer_allowed(sv[0], true, 12345, &cred), 1);
	CHECK_INT(cred.pid, getpid());
	close(sv[0]);
	close(sv[1]);

	/* not a socket: no credentials, refused */
	CHECK_INT(lacp_peer_allowed(STDIN_FILENO, false, 0, &cred), 0);

	/* another user (needs root to be one): refused, unless in the group */
	if (geteuid() == 0) {
		chmod(dir, 0755);
		chmod(path, 0666);
		s = connect_as_nobody(&l, &child);
		CHECK(s >= 0);
		CHECK_INT(lacp_peer_allowed(s, false, 0, &cred), 0);
		CHECK_INT(cred.uid, 65534);
		CHECK_INT(lacp_peer_allowed(s, true, 12345, &cred), 0);
		CHECK_INT(lacp_peer_allowed(s, true, 65534, &cred), 1);
		close(s);
		waitpid(child, &status, 0);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	} else {
		printf("not root: the other-user peer checks are left out\n");
	}

	/* stale: the daemon died without removing its socket */
	close(l.fd);
	CHECK(lacp_listen_unix(&m, path, NULL, 0, err, sizeof err) >= 0);
	CHECK(m.removed_stale);
	c = connect_to(path);
	CHECK(c >= 0);
	if (c >= 0)
		close(c);

	/* close removes the path while it is still this socket */
	lacp_listen_close(&m);
	CHECK(access(path, F_OK) != 0);
	lacp_listen_close(&m);   /* twice is harmless */

	/* ...and leaves it when it is someone else's by now */
	CHECK(lacp_listen_unix(&m, path, NULL, 0, err, sizeof err) >= 0);
	unlink(path);
	write_text(path, "not ours\n");
	lacp_listen_close(&m);
	CHECK(access(path, F_OK) == 0);
	unlink(path);

	/* a file that is no socket is never touched */
	path_in(file, sizeof file, "plain");
	write_text(file, "data\n");
	CHECK_INT(lacp_listen_unix(&m, file, NULL, 0, err, sizeof err), -1);
	snprintf(want, sizeof want, "%s exists and is not a socket; not touching it", file);
	CHECK_STR(err, want);
	CHECK_INT(pid_in(file), 0);
	CHECK(access(file, F_OK) == 0);
	unlink(file);

	/* a path too long for sun_path */
	memset(file, 'x', 200);
	file[200] = '\0';
	CHECK_INT(lacp_listen_unix(&m, file, NULL, 0, err, sizeof err), -1);
	CHECK(strstr(err, "too long") != NULL);
}

static void test_signals(void)
{
	unsigned char sigs[8];
	char err[128];
	int fd = lacp_sigpipe_open(err, sizeof err), fd2 = lacp_sigpipe_open(err, sizeof err);

	CHECK(fd >= 0 && fd2 >= 0 && fd != fd2);
	CHECK_INT(lacp_sigpipe_read(fd, sigs, sizeof sigs), 0);
	CHECK(!lacp_sigpipe_seen(SIGUSR1));
	CHECK_INT(lacp_sigpipe_catch(SIGUSR1, true), 0);
	raise(SIGUSR1);
	raise(SIGUSR1);
	CHECK(lacp_sigpipe_seen(SIGUSR1));
	CHECK(!lacp_sigpipe_seen(SIGUSR2));
	CHECK_INT(lacp_sigpipe_read(fd, sigs, sizeof sigs), 2);
	CHECK_INT(sigs[0], SIGUSR1);
	CHECK_INT(sigs[1], SIGUSR1);
	CHECK_INT(lacp_sigpipe_read(fd, sigs, sizeof sigs), 0);
	/* every reader hears every signal: none takes another's */
	CHECK_INT(lacp_sigpipe_read(fd2, sigs, sizeof sigs), 2);
	CHECK_INT(sigs[1], SIGUSR1);
	lacp_sigpipe_close(fd2);
	raise(SIGUSR1);
	CHECK_INT(lacp_sigpipe_read(fd, sigs, sizeof sigs), 1);
	CHECK_INT(lacp_sigpipe_catch(0, true), -1);
	/* back to the default: SIGUSR1 would kill, so only check the action */
	CHECK_INT(lacp_sigpipe_catch(SIGUSR1, false), 0);
	{
		struct sigaction sa;

		sigaction(SIGUSR1, NULL, &sa);
		CHECK(sa.sa_handler == SIG_DFL);
	}
	lacp_sigpipe_close(fd);
}

/*
 * Detaches in a child whose stderr is a pipe; the daemon then does WHAT:
 * 'r' ready, 'f' reports a failure, 'x' exits silently. Returns the
 * child's exit status and what it wrote on stderr.
 */
static int detach_run(char what, char *out, size_t n)
{
	int p[2], status = -1, ready;
	char err[256];
	ssize_t got, total = 0;
	pid_t pid;

	if (pipe(p) != 0)
		return -1;
	fflush(NULL);   /* the child would write our buffered output again */
	pid = fork();
	if (pid == 0) {
		dup2(p[1], STDERR_FILENO);
		close(p[0]);
		close(p[1]);
		if (lacp_daemon_detach("test", &ready, err, sizeof err) != 0)
			_exit(9);
		/* the daemon: stdin, stdout, stderr are /dev/null, cwd is / */
		if (what == 'r')
			lacp_daemon_ready(&ready);
		else if (what == 'f')
			lacp_daemon_report(&ready, "cannot do the thing");
		_exit(0);
	}
	close(p[1]);
	while (total < (ssize_t)n - 1 && (got = read(p[0], out + total, n - 1 - (size_t)total)) > 0)
		total += got;
	out[total] = '\0';
	close(p[0]);
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void test_detach(void)
{
	char out[512];
	int ready = 42;

	CHECK_INT(detach_run('r', out, sizeof out), 0);
	CHECK_STR(out, "");
	CHECK_INT(detach_run('f', out, sizeof out), 1);
	CHECK_STR(out, "test: cannot do the thing\n");
	CHECK_INT(detach_run('x', out, sizeof out), 1);
	CHECK_STR(out, "test: the daemon exited during start-up\n");

	/* not detached: nobody to tell */
	ready = -1;
	CHECK_INT(lacp_daemon_report(&ready, "x"), 0);
	lacp_daemon_ready(&ready);
	CHECK_INT(ready, -1);
}

int main(void)
{
	const char *tmp = getenv("LACP_TEST_TMP");
	int rc;

	if (tmp == NULL || tmp[0] == '\0')
		tmp = "/tmp";
	mkdir(tmp, 0755);
	snprintf(dir, sizeof dir, "%s/daemon-XXXXXX", tmp);
	if (mkdtemp(dir) == NULL) {
		perror(dir);
		return 1;
	}
	test_pidfile();
	test_listener();
	test_signals();
	test_detach();
	rc = CHECK_DONE();
	rmdir(dir);
	return rc;
}
