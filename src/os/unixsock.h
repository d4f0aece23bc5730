/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The Unix stream listener of a daemon, shared by lacpctld and lacpsh's
 * lacpd mode (through `lacp::unix listen/accept`): what may stand at the
 * socket's path, the socket's permissions, and who may talk to it.
 *
 * At the path there may be nothing; a socket a live daemon accepts on
 * (refused: "another daemon is already listening"); a stale socket, whose
 * daemon died (removed, and said so); or anything else (refused, never
 * touched). The socket is born 0600 (umask), or 0660 and owned by a group
 * whose members may connect. On close, the path is removed only if it is
 * still this socket (same device and inode).
 *
 * Peers are checked by their credentials (SO_PEERCRED, SO_PEERGROUPS) as
 * well, since a socket's mode can be changed behind the daemon's back:
 * root, the daemon's own user, and members of the group are allowed.
 *
 * Functions return 0 (or a descriptor), or -1 with one line in ERR.
 */
#ifndef LACP_UNIXSOCK_H
#define LACP_UNIXSOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>

struct lacp_listener {
	int fd;                 /* listening, non-blocking, close-on-exec; -1: none */
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	bool bound;             /* the path is ours to remove */
	dev_t dev;
	ino_t ino;
	bool removed_stale;     /* a stale socket was removed on the way */
};

/* Listens on PATH; with GROUP (its name, and GID) the socket is 0660 and
 * that group's. Returns the listening descriptor. */
int lacp_listen_unix(struct lacp_listener *l, const char *path, const char *group, gid_t gid,
		     char *err, size_t errlen);

/* Closes the listener and removes its path if it is still this socket.
 * Safe twice, and on a listener that never listened (fd -1). */
void lacp_listen_close(struct lacp_listener *l);

/* Removes L's path if it is still this socket, keeping the descriptor
 * (what a process that is about to exit without closing does). */
void lacp_listen_unlink(struct lacp_listener *l);

/*
 * Whether the peer of connection FD may talk to us: root, our effective
 * user, or (GROUP true) a member of GID by primary or supplementary
 * group. Fills *CRED (zeroed when the kernel would not tell). Returns 1
 * allowed, 0 refused.
 */
int lacp_peer_allowed(int fd, bool group, gid_t gid, struct ucred *cred);

#endif
