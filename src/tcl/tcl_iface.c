/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Ports on Linux interfaces: one context per network namespace in use,
 * holding that namespace's AF_PACKET socket and rtnetlink socket, each
 * watched by one Tcl file handler, and the ports of the namespace by
 * interface index. Received frames and carrier changes are handed to the
 * ports as they arrive; nothing polls.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if_arp.h>

#include "io.h"
#include "nl.h"
#include "tcl_lacp.h"
#include "uthash.h"

/* A port of a namespace, by interface index. */
static const struct lacp_tcl_transport_ops iface_transport;

struct ns_port {
	int ifindex;
	struct tcl_port *tp;
	UT_hash_handle hh;
};

struct tcl_ns {
	char *name; /* as given to -netns; "" for the process's own */
	int nsfd;   /* -1 for the process's own */
	struct lacp_io *io;
	struct lacp_nl *nl;
	struct ns_port *ports;
	struct lacp_tcl_state *st;
	struct tcl_ns *next;
};

/* Delivers every frame waiting on the namespace's packet socket. */
static void io_readable(ClientData cd, int mask)
{
	struct tcl_ns *ns = cd;
	struct lacp_io_frame f;
	struct ns_port *np;

	(void)mask;
	Tcl_Preserve(ns);
	while (ns->io != NULL && lacp_io_recv(ns->io, &f) == 1) {
		HASH_FIND_INT(ns->ports, &f.ifindex, np);
		if (np == NULL)
			continue;
		/* The measurement takes the kernel's receive time, not the
		 * time the event loop got to the frame. */
		if (!ns->st->virtual_clock && f.stamp_mono_us != 0)
			lacp_tcl_measure_stamp(np->tp, (lacp_time_t)f.stamp_mono_us);
		lacp_tcl_port_frame(np->tp, f.data, f.len,
				    ns->st->virtual_clock ? ns->st->vclock.now
							  : (lacp_time_t)f.mono_us);
		/* A rule left something for the end of this instant (its
		 * exit, the transmit limit back on): that runs before frames
		 * that came in meanwhile, which wait in the socket. */
		if (ns->io != NULL && !ns->st->virtual_clock && !lacp_io_pending(ns->io) &&
		    lacp_timerq_urgent(ns->st->q) > 0)
			break;
	}
	Tcl_Release(ns);
}

/* A link event: carrier and admin state drive the port's port_enabled. */
static void link_changed(void *ctx, const struct lacp_link *link, unsigned flags)
{
	struct tcl_ns *ns = ctx;
	struct ns_port *np, *tmp;

	if (flags & LACP_NL_OVERRUN) {
		/* Events were lost: ask for every link again. */
		lacp_nl_dump_links(ns->nl, link_changed, ns);
		return;
	}
	if (link == NULL)
		return;
	HASH_FIND_INT(ns->ports, &link->ifindex, np);
	if (np == NULL)
		return;
	tmp = np;
	lacp_tcl_port_carrier(tmp->tp, !(flags & LACP_NL_DELETED) && link->admin_up &&
				       link->carrier,
			      lacp_tcl_now(ns->st));
}

static void nl_readable(ClientData cd, int mask)
{
	struct tcl_ns *ns = cd;

	(void)mask;
	Tcl_Preserve(ns);
	if (ns->nl != NULL)
		lacp_nl_process(ns->nl, link_changed, ns);
	Tcl_Release(ns);
}

static void ns_free_mem(char *mem)
{
	struct tcl_ns *ns = (struct tcl_ns *)mem;

	free(ns->name);
	free(ns);
}

/* Closes a namespace context no port uses any more. */
static void ns_release(struct tcl_ns *ns)
{
	struct tcl_ns **pp;

	if (ns->ports != NULL)
		return;
	for (pp = &ns->st->namespaces; *pp != NULL; pp = &(*pp)->next)
		if (*pp == ns) {
			*pp = ns->next;
			break;
		}
	if (ns->io != NULL) {
		Tcl_DeleteFileHandler(lacp_io_fd(ns->io));
		lacp_io_close(ns->io);
		ns->io = NULL;
	}
	if (ns->nl != NULL) {
		Tcl_DeleteFileHandler(lacp_nl_fd(ns->nl));
		lacp_nl_close(ns->nl);
		ns->nl = NULL;
	}
	if (ns->nsfd >= 0)
		close(ns->nsfd);
	Tcl_EventuallyFree(ns, ns_free_mem);
}

/* Why opening failed, as a Tcl error. */
static int os_error(Tcl_Interp *interp, int err, const char *what, const char *name)
{
	if (err == -EPERM || err == -EACCES)
		return lacp_tcl_error(interp, "LACP PERM",
				      "%s \"%s\": %s (raw sockets and namespaces need root or CAP_NET_RAW/CAP_SYS_ADMIN)",
				      what, name, strerror(-err));
	return lacp_tcl_error(interp, "LACP POSIX", "%s \"%s\": %s", what, name, strerror(-err));
}

/* The context of namespace NAME ("" = own), opened on first use. */
static int ns_get(Tcl_Interp *interp, struct lacp_tcl_state *st, const char *name,
		  struct tcl_ns **out)
{
	struct tcl_ns *ns;
	int rc;

	for (ns = st->namespaces; ns != NULL; ns = ns->next)
		if (strcmp(ns->name, name) == 0) {
			*out = ns;
			return TCL_OK;
		}
	ns = calloc(1, sizeof *ns);
	if (ns == NULL || (ns->name = strdup(name)) == NULL) {
		free(ns);
		return lacp_tcl_error(interp, "LACP NOMEM", "out of memory");
	}
	ns->st = st;
	ns->nsfd = -1;
	if (name[0] != '\0') {
		ns->nsfd = lacp_netns_open(name);
		if (ns->nsfd < 0) {
			rc = ns->nsfd == -ENOENT
				? lacp_tcl_error(interp, "LACP LOOKUP NETNS",
						 "network namespace \"%s\" not found", name)
				: os_error(interp, ns->nsfd, "cannot open network namespace", name);
			ns->nsfd = -1;
			goto fail;
		}
	}
	rc = lacp_io_open(ns->nsfd, &ns->io);
	if (rc != 0) {
		ns->io = NULL;
		rc = os_error(interp, rc, "cannot open a packet socket in namespace",
			      name[0] ? name : "(current)");
		goto fail;
	}
	rc = lacp_nl_open(ns->nsfd, &ns->nl);
	if (rc != 0) {
		ns->nl = NULL;
		rc = os_error(interp, rc, "cannot open netlink in namespace",
			      name[0] ? name : "(current)");
		goto fail;
	}
	Tcl_CreateFileHandler(lacp_io_fd(ns->io), TCL_READABLE, io_readable, ns);
	Tcl_CreateFileHandler(lacp_nl_fd(ns->nl), TCL_READABLE, nl_readable, ns);
	ns->next = st->namespaces;
	st->namespaces = ns;
	*out = ns;
	return TCL_OK;
fail:
	if (ns->io != NULL)
		lacp_io_close(ns->io);
	if (ns->nsfd >= 0)
		close(ns->nsfd);
	free(ns->name);
	free(ns);
	return rc;
}

int lacp_tcl_iface_open(Tcl_Interp *interp, struct lacp_tcl_state *st, const char *netns,
			const char *ifname, struct tcl_port *tp, struct lacp_tcl_iface *out)
{
	struct tcl_ns *ns = NULL;
	struct lacp_link link;
	struct ns_port *np;
	int rc;

	if (ns_get(interp, st, netns ? netns : "", &ns) != TCL_OK)
		return TCL_ERROR;
	rc = lacp_nl_link_get(ns->nl, ifname, &link);
	if (rc != 0) {
		if (rc == -ENODEV)
			lacp_tcl_error(interp, "LACP LOOKUP INTERFACE",
				       "interface \"%s\" not found%s%s", ifname,
				       netns ? " in network namespace " : "", netns ? netns : "");
		else
			os_error(interp, rc, "cannot look up interface", ifname);
		goto fail;
	}
	if (link.type != ARPHRD_ETHER || link.addr_len != 6) {
		lacp_tcl_error(interp, "LACP VALUE INTERFACE",
			       "interface \"%s\" is not an Ethernet interface", ifname);
		goto fail;
	}
	HASH_FIND_INT(ns->ports, &link.ifindex, np);
	if (np != NULL) {
		lacp_tcl_error(interp, "LACP EXISTS INTERFACE",
			       "interface \"%s\" already has port \"%s\"", ifname,
			       lacp_tcl_port_name(np->tp));
		goto fail;
	}
	rc = lacp_io_join(ns->io, link.ifindex);
	if (rc != 0) {
		os_error(interp, rc, "cannot join the Slow Protocols group on", ifname);
		goto fail;
	}
	np = calloc(1, sizeof *np);
	if (np == NULL) {
		lacp_io_leave(ns->io, link.ifindex);
		lacp_tcl_error(interp, "LACP NOMEM", "out of memory");
		goto fail;
	}
	np->ifindex = link.ifindex;
	np->tp = tp;
	HASH_ADD_INT(ns->ports, ifindex, np);
	out->tr.ops = &iface_transport;
	out->tr.ctx = ns;
	out->tr.id = link.ifindex;
	memcpy(out->mac, link.addr, 6);
	out->carrier = link.admin_up && link.carrier;
	return TCL_OK;
fail:
	ns_release(ns);
	return TCL_ERROR;
}

/* The transport's close: the port leaves the interface. */
static void iface_close(struct lacp_tcl_transport *t)
{
	struct tcl_ns *ns = t->ctx;
	int ifindex = t->id;
	struct ns_port *np;

	HASH_FIND_INT(ns->ports, &ifindex, np);
	if (np == NULL)
		return;
	HASH_DEL(ns->ports, np);
	free(np);
	lacp_io_leave(ns->io, ifindex);
	ns_release(ns);
}

/* The transport's send: on the packet socket of the namespace. */
static int iface_send(struct lacp_tcl_transport *t, const uint8_t *frame, size_t len,
		      lacp_time_t now)
{
	struct tcl_ns *ns = t->ctx;
	int ifindex = t->id;

	/* For the measurement, the frame leaves now, not when the machines
	 * decided to send it: the kernel's taps stamp it microseconds into
	 * the call, while the call itself may last as long as the softirq
	 * work it does on the way (a veth delivers to its peer in it). */
	lacp_time_t stamp = ns->st->virtual_clock ? 0 : lacp_clock_monotonic();
	int rc = lacp_io_send(ns->io, ifindex, frame, len);
	struct ns_port *np;

	(void)now;
	if (rc == 0 && stamp != 0) {
		HASH_FIND_INT(ns->ports, &ifindex, np);
		if (np != NULL)
			lacp_tcl_measure_tx_stamp(np->tp, stamp);
	}
	return rc;
}

/* The transport's set_link: the interface's admin state, by netlink. */
static int iface_set_link(Tcl_Interp *interp, struct lacp_tcl_transport *t, bool up,
			  lacp_time_t now)
{
	struct tcl_ns *ns = t->ctx;
	char msg[256] = "";
	int rc = lacp_nl_link_set_up(ns->nl, t->id, up, msg, sizeof msg);

	(void)now;
	if (rc == 0)
		return TCL_OK;
	return lacp_tcl_error(interp, rc == -EPERM ? "LACP PERM" : "LACP NETLINK",
			      "cannot set the link %s: %s%s%s", up ? "up" : "down",
			      strerror(-rc), msg[0] ? ": " : "", msg);
}

static const struct lacp_tcl_transport_ops iface_transport = {
	.send = iface_send,
	.set_link = iface_set_link,
	.close = iface_close,
};
