/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The Unix stream listener and its peers' credentials (unixsock.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errtext.h"
#include "unixsock.h"

/*
 * What stands at SA's path: nothing (0), a stale socket (removed, 0), or
 * a refusal (-1): a live daemon's socket, something else, or a path that
 * cannot be checked.
 */
static int check_path(struct lacp_listener *l, const struct sockaddr_un *sa, char *err,
		      size_t errlen)
{
	struct stat st;
	int fd, rc, e;

	if (lstat(sa->sun_path, &st) != 0) {
		if (errno == ENOENT)
			return 0;
		return lacp_errtext(err, errlen, "cannot check %s: %s", sa->sun_path, strerror(errno));
	}
	if (!S_ISSOCK(st.st_mode))
		return lacp_errtext(err, errlen, "%s exists and is not a socket; not touching it",
			    sa->sun_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return lacp_errtext(err, errlen, "socket: %s", strerror(errno));
	rc = connect(fd, (const struct sockaddr *)sa, sizeof *sa);
	e = rc == 0 ? 0 : errno;
	close(fd);
	if (rc == 0)
		return lacp_errtext(err, errlen, "another daemon is already listening on %s", sa->sun_path);
	if (e != ECONNREFUSED)
		return lacp_errtext(err, errlen, "cannot check %s: %s", sa->sun_path, strerror(e));
	if (unlink(sa->sun_path) != 0 && errno != ENOENT)
		return lacp_errtext(err, errlen, "cannot remove the stale socket %s: %s", sa->sun_path,
			    strerror(errno));
	l->removed_stale = true;
	return 0;
}

int lacp_listen_unix(struct lacp_listener *l, const char *path, const char *group, gid_t gid,
		     char *err, size_t errlen)
{
	struct sockaddr_un sa;
	struct stat st;
	mode_t old_mask;
	int rc;

	memset(l, 0, sizeof *l);
	l->fd = -1;
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	if (path[0] == '\0' || strlen(path) >= sizeof sa.sun_path) {
		lacp_errtext(err, errlen, "socket path \"%s\" is empty or too long (at most %zu bytes)",
		     path, sizeof sa.sun_path - 1);
		goto fail;
	}
	strcpy(sa.sun_path, path);
	strcpy(l->path, path);
	if (check_path(l, &sa, err, errlen) != 0)
		goto fail;
	l->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (l->fd < 0) {
		lacp_errtext(err, errlen, "socket: %s", strerror(errno));
		goto fail;
	}
	old_mask = umask(0177);   /* born 0600: never readable by others */
	rc = bind(l->fd, (struct sockaddr *)&sa, sizeof sa);
	umask(old_mask);
	if (rc != 0 || lstat(path, &st) != 0) {
		lacp_errtext(err, errlen, "cannot bind %s: %s", path, strerror(errno));
		goto fail;
	}
	l->bound = true;
	l->dev = st.st_dev;
	l->ino = st.st_ino;
	if (group != NULL && chown(path, (uid_t)-1, gid) != 0) {
		lacp_errtext(err, errlen, "cannot give %s to group %s: %s", path, group, strerror(errno));
		goto fail;
	}
	if (group != NULL && chmod(path, 0660) != 0) {
		lacp_errtext(err, errlen, "cannot chmod %s: %s", path, strerror(errno));
		goto fail;
	}
	if (listen(l->fd, SOMAXCONN) != 0) {
		lacp_errtext(err, errlen, "listen on %s: %s", path, strerror(errno));
		goto fail;
	}
	return l->fd;
fail:
	lacp_listen_close(l);
	return -1;
}

void lacp_listen_unlink(struct lacp_listener *l)
{
	struct stat st;

	if (l->bound && lstat(l->path, &st) == 0 && st.st_dev == l->dev && st.st_ino == l->ino)
		unlink(l->path);
	l->bound = false;
}

void lacp_listen_close(struct lacp_listener *l)
{
	lacp_listen_unlink(l);
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
}

int lacp_peer_allowed(int fd, bool group, gid_t gid, struct ucred *cred)
{
	gid_t groups[256];
	socklen_t len = sizeof *cred;
	size_t i;

	memset(cred, 0, sizeof *cred);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, cred, &len) != 0)
		return 0;
	if (cred->uid == 0 || cred->uid == geteuid())
		return 1;
	if (!group)
		return 0;
	if (cred->gid == gid)
		return 1;
	len = sizeof groups;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len) != 0)
		return 0;
	for (i = 0; i < len / sizeof groups[0]; i++)
		if (groups[i] == gid)
			return 1;
	return 0;
}
