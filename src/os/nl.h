/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Netlink (NETLINK_ROUTE, through libmnl) and network namespaces: looking up
 * interfaces, following their link state, setting them up or down, and
 * creating sockets inside another namespace without moving the process.
 *
 * One struct lacp_nl per namespace. It owns two sockets: an event socket
 * subscribed to RTMGRP_LINK, the only one the caller waits on (lacp_nl_fd),
 * and a private request socket for the synchronous calls, so a lookup never
 * consumes or reorders link events. Both are non-blocking. The kernel
 * answers rtnetlink requests inside the sending system call, so the
 * synchronous calls complete without waiting.
 *
 * Every function returns 0 (or a count) on success and a negative errno on
 * failure; nothing prints.
 */
#ifndef LACP_NL_H
#define LACP_NL_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Opens the network namespace NAME_OR_PATH: a name in /run/netns (as made
 * by `ip netns add`) or, when it contains a '/', a path such as
 * /proc/PID/ns/net. Returns a close-on-exec fd, -ENOENT when there is no
 * such namespace, -EINVAL when the name is malformed or the file is not a
 * network namespace, or another negative errno.
 */
int lacp_netns_open(const char *name_or_path);

/*
 * Moves the calling thread into the namespace NSFD and stores in *SAVED_FD
 * an fd for the namespace it was in. NSFD < 0 means "stay": *SAVED_FD is set
 * to -1 and nothing happens. Sockets created before lacp_netns_leave()
 * belong to NSFD's namespace for their whole life.
 */
int lacp_netns_enter(int nsfd, int *saved_fd);

/* Returns the thread to the namespace saved by lacp_netns_enter() and closes
 * SAVED_FD (nothing for -1). A failure here leaves the thread in the other
 * namespace: callers must treat it as fatal for what they were doing. */
int lacp_netns_leave(int saved_fd);

/* What netlink says about one interface. */
struct lacp_link {
	int ifindex;
	char name[IFNAMSIZ];
	uint8_t addr[32];     /* IFLA_ADDRESS; 6 octets on Ethernet */
	unsigned addr_len;    /* 0 when the kernel gave none */
	unsigned short type;  /* ARPHRD_* */
	unsigned flags;       /* IFF_* as the kernel reports them */
	unsigned mtu;
	uint8_t operstate;    /* IF_OPER_* (RFC 2863) */
	bool admin_up;        /* IFF_UP */
	bool carrier;         /* IFLA_CARRIER, else IFF_LOWER_UP */
	bool oper_up;         /* operstate UP, or UNKNOWN with IFF_RUNNING */
};

/* Flags passed to a lacp_nl_link_cb. */
enum {
	LACP_NL_DELETED = 1 << 0, /* RTM_DELLINK: the interface is gone */
	LACP_NL_OVERRUN = 1 << 1, /* events were lost (ENOBUFS); LINK is NULL:
				     resynchronise with lacp_nl_dump_links() */
	LACP_NL_DUMP = 1 << 2,    /* called from lacp_nl_dump_links() */
};

/*
 * Called once per link message. LINK is only valid during the call. The
 * callback may call the lookup functions and lacp_nl_dump_links() (they use
 * the request socket) but must not close NL.
 */
typedef void (*lacp_nl_link_cb)(void *ctx, const struct lacp_link *link,
				unsigned flags);

struct lacp_nl;

/*
 * Opens the netlink context of the namespace NSFD (-1: the current one).
 * On success *OUT owns two sockets; release it with lacp_nl_close().
 */
int lacp_nl_open(int nsfd, struct lacp_nl **out);

/* The event socket's fd: readable when lacp_nl_process() has work. */
int lacp_nl_fd(const struct lacp_nl *nl);

/* Closes both sockets and frees NL. NULL is allowed. */
void lacp_nl_close(struct lacp_nl *nl);

/*
 * Reads every pending link event without waiting and calls CB for each
 * RTM_NEWLINK (flags 0) and RTM_DELLINK (LACP_NL_DELETED). A receive queue
 * overrun is reported as one call with LACP_NL_OVERRUN and LINK NULL, after
 * which reading goes on. Returns the number of callbacks made, or a negative
 * errno for a socket error other than overrun.
 */
int lacp_nl_process(struct lacp_nl *nl, lacp_nl_link_cb cb, void *ctx);

/*
 * Dumps every interface of the namespace, calling CB with LACP_NL_DUMP for
 * each once the whole dump is in (so CB may make requests). Returns the
 * number of interfaces, -EAGAIN when the kernel found every try
 * inconsistent (links changing meanwhile), or another negative errno.
 */
int lacp_nl_dump_links(struct lacp_nl *nl, lacp_nl_link_cb cb, void *ctx);

/*
 * Looks an interface up by name or by index. Returns 0 and fills *OUT,
 * -ENODEV when there is no such interface, -EINVAL for a name that cannot
 * be an interface name, or another negative errno.
 */
int lacp_nl_link_get(struct lacp_nl *nl, const char *ifname,
		     struct lacp_link *out);
int lacp_nl_link_get_index(struct lacp_nl *nl, int ifindex,
			   struct lacp_link *out);

/*
 * Sets the administrative state of IFINDEX (IFF_UP), leaving every other
 * flag alone, and reads the kernel's acknowledgement. IFINDEX goes to the
 * kernel unchecked: it judges. On failure returns the negative errno and,
 * when ERRMSG is not NULL, copies the kernel's extended-ACK message into it
 * (empty when the kernel gave none, e.g. -ENODEV for a missing index).
 */
int lacp_nl_link_set_up(struct lacp_nl *nl, int ifindex, bool up,
			char *errmsg, size_t errlen);

#endif
