/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Netlink and network namespaces for the tester (see nl.h): namespace fds,
 * link lookups and dumps, link events, administrative up/down with the
 * kernel's extended-ACK text. Built on libmnl; owns no global state.
 */
#include "nl.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/nsfs.h>
#include <linux/rtnetlink.h>

/*
 * Receive buffer for both sockets. The kernel sizes dump datagrams after
 * the largest buffer a reader has offered, capped near 32 KiB, so 32 KiB
 * never truncates a dump part; single link notifications are far smaller.
 */
#define NL_BUF_SIZE 32768

/* Event socket receive queue: large enough that bringing a thousand links
 * up or down at once does not overrun it before the event loop reads. */
#define NL_EVENT_RCVBUF (4 * 1024 * 1024)

/* Room for any request we build: headers and a couple of attributes.
 * Request buffers start zeroed so attribute padding carries no stack bytes
 * to the kernel. */
#define NL_REQ_SIZE 256

/* A dump that the kernel flags as inconsistent is retried this often. */
#define NL_DUMP_TRIES 3

struct lacp_nl {
	struct mnl_socket *ev; /* RTMGRP_LINK events; the caller polls it */
	struct mnl_socket *rq; /* our requests and their answers only */
	unsigned rq_portid;
	uint32_t seq;
	_Alignas(struct nlmsghdr) char ev_buf[NL_BUF_SIZE];
	_Alignas(struct nlmsghdr) char rq_buf[NL_BUF_SIZE];
};

/* ---- namespaces */

int lacp_netns_open(const char *name_or_path)
{
	char path[PATH_MAX];
	int fd = -1, rc;

	if (!name_or_path || !*name_or_path)
		return -EINVAL;
	if (strchr(name_or_path, '/')) {
		rc = snprintf(path, sizeof(path), "%s", name_or_path);
	} else {
		/* A bare name must not climb out of /run/netns. */
		if (!strcmp(name_or_path, ".") || !strcmp(name_or_path, ".."))
			return -EINVAL;
		rc = snprintf(path, sizeof(path), "/run/netns/%s", name_or_path);
	}
	if (rc < 0 || (size_t)rc >= sizeof(path))
		return -ENAMETOOLONG;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* Anything else (a regular file, another kind of namespace) would
	 * only fail later, in setns(), with a less helpful error. */
	rc = ioctl(fd, NS_GET_NSTYPE);
	if (rc < 0)
		rc = errno == ENOTTY ? -EINVAL : -errno;
	else if (rc != CLONE_NEWNET)
		rc = -EINVAL;
	else
		return fd;
	close(fd);
	return rc;
}

int lacp_netns_enter(int nsfd, int *saved_fd)
{
	int saved, rc;

	*saved_fd = -1;
	if (nsfd < 0)
		return 0;
	/* The thread's own namespace, which is what setns() changes. */
	saved = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (saved < 0 && errno == ENOENT)
		saved = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (saved < 0)
		return -errno;
	if (setns(nsfd, CLONE_NEWNET) < 0) {
		rc = -errno;
		close(saved);
		return rc;
	}
	*saved_fd = saved;
	return 0;
}

int lacp_netns_leave(int saved_fd)
{
	int rc = 0;

	if (saved_fd < 0)
		return 0;
	if (setns(saved_fd, CLONE_NEWNET) < 0)
		rc = -errno;
	close(saved_fd);
	return rc;
}

/* ---- parsing */

/* Keeps the attributes link_parse() reads, validated; skips the rest. */
static int link_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(attr);
	int ok = 0;

	switch (type) {
	case IFLA_IFNAME:
		ok = mnl_attr_validate(attr, MNL_TYPE_NUL_STRING);
		break;
	case IFLA_MTU:
		ok = mnl_attr_validate(attr, MNL_TYPE_U32);
		break;
	case IFLA_OPERSTATE:
	case IFLA_CARRIER:
		ok = mnl_attr_validate(attr, MNL_TYPE_U8);
		break;
	case IFLA_ADDRESS:
		ok = 0;
		break;
	default:
		return MNL_CB_OK;
	}
	if (ok == 0)
		tb[type] = attr;
	return MNL_CB_OK;
}

/* Fills *OUT from an RTM_NEWLINK/RTM_DELLINK message. */
static int link_parse(const struct nlmsghdr *nlh, struct lacp_link *out)
{
	const struct nlattr *tb[IFLA_MAX + 1] = { 0 };
	const struct ifinfomsg *ifm;
	size_t n;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifm))
		return -EPROTO;
	ifm = mnl_nlmsg_get_payload(nlh);
	if (mnl_attr_parse(nlh, sizeof(*ifm), link_attr_cb, tb) < 0)
		return -EPROTO;

	memset(out, 0, sizeof(*out));
	out->ifindex = ifm->ifi_index;
	out->type = ifm->ifi_type;
	out->flags = ifm->ifi_flags;
	if (tb[IFLA_IFNAME]) {
		n = strnlen(mnl_attr_get_str(tb[IFLA_IFNAME]), IFNAMSIZ - 1);
		memcpy(out->name, mnl_attr_get_str(tb[IFLA_IFNAME]), n);
	}
	if (tb[IFLA_ADDRESS]) {
		n = mnl_attr_get_payload_len(tb[IFLA_ADDRESS]);
		if (n > sizeof(out->addr))
			n = sizeof(out->addr);
		memcpy(out->addr, mnl_attr_get_payload(tb[IFLA_ADDRESS]), n);
		out->addr_len = n;
	}
	if (tb[IFLA_MTU])
		out->mtu = mnl_attr_get_u32(tb[IFLA_MTU]);
	out->operstate = tb[IFLA_OPERSTATE] ?
		mnl_attr_get_u8(tb[IFLA_OPERSTATE]) : IF_OPER_UNKNOWN;
	out->admin_up = ifm->ifi_flags & IFF_UP;
	out->carrier = tb[IFLA_CARRIER] ? mnl_attr_get_u8(tb[IFLA_CARRIER]) != 0
					: (ifm->ifi_flags & IFF_LOWER_UP) != 0;
	/* RFC 2863 via the kernel: drivers that never report an operational
	 * state leave it UNKNOWN, and then IFF_RUNNING is the best word. */
	out->oper_up = out->operstate == IF_OPER_UP ||
		       (out->operstate == IF_OPER_UNKNOWN &&
			(ifm->ifi_flags & IFF_RUNNING));
	return 0;
}

static int ext_ack_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;

	if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
	    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
		tb[NLMSGERR_ATTR_MSG] = attr;
	return MNL_CB_OK;
}

/* Copies the extended-ACK message of the NLMSG_ERROR NLH into ERRMSG. */
static void ext_ack_copy(const struct nlmsghdr *nlh, char *errmsg, size_t errlen)
{
	const struct nlattr *tb[NLMSGERR_ATTR_MAX + 1] = { 0 };
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	size_t off = sizeof(*err);

	if (!errmsg || !errlen || !(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	/* Without NETLINK_CAP_ACK the request's payload sits before the TLVs. */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		if (err->msg.nlmsg_len < sizeof(struct nlmsghdr))
			return;
		off += err->msg.nlmsg_len - sizeof(struct nlmsghdr);
	}
	if (MNL_ALIGN(off) > mnl_nlmsg_get_payload_len(nlh))
		return;
	mnl_attr_parse(nlh, off, ext_ack_attr_cb, tb);
	if (tb[NLMSGERR_ATTR_MSG])
		snprintf(errmsg, errlen, "%s", mnl_attr_get_str(tb[NLMSGERR_ATTR_MSG]));
}

/* ---- requests */

/* Called for each data message answering a request; negative stops
 * delivery (the answer is still read to its end). */
typedef int (*msg_cb)(const struct nlmsghdr *nlh, void *data);

/*
 * Sends REQ on the request socket and reads its answer to the end: the
 * acknowledgement of a plain request (always sent with NLM_F_ACK) or the
 * NLMSG_DONE of a dump. Messages of earlier, abandoned requests are skipped
 * by sequence number. Returns 0, the kernel's negative errno (ext-ack text
 * in ERRMSG), -EINTR for a dump the kernel found inconsistent, or the first
 * negative value CB returned.
 */
static int transact(struct lacp_nl *nl, struct nlmsghdr *req, msg_cb cb,
		    void *data, char *errmsg, size_t errlen)
{
	bool dump = (req->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
	bool done = false, intr = false;
	const struct nlmsghdr *nlh;
	const struct nlmsgerr *err;
	int rc = 0, r, n;

	if (errmsg && errlen)
		errmsg[0] = '\0';
	if (++nl->seq == 0)
		nl->seq = 1;
	req->nlmsg_seq = nl->seq;
	if (!dump)
		req->nlmsg_flags |= NLM_F_ACK;
	if (mnl_socket_sendto(nl->rq, req, req->nlmsg_len) < 0)
		return -errno;

	while (!done) {
		/* rtnetlink answers inside sendmsg() (and produces the next
		 * dump part inside recvmsg()), so the answer is queued by now:
		 * EAGAIN here means a kernel that does otherwise, reported
		 * rather than waited for. */
		n = mnl_socket_recvfrom(nl->rq, nl->rq_buf, sizeof(nl->rq_buf));
		if (n < 0)
			return -errno;
		for (nlh = (const struct nlmsghdr *)nl->rq_buf;
		     !done && mnl_nlmsg_ok(nlh, n);
		     nlh = mnl_nlmsg_next(nlh, &n)) {
			if (nlh->nlmsg_seq != nl->seq || nlh->nlmsg_pid != nl->rq_portid)
				continue;
			if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
				intr = true;
			switch (nlh->nlmsg_type) {
			case NLMSG_NOOP:
				break;
			case NLMSG_ERROR:
				done = true;
				if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*err)) {
					rc = -EPROTO;
					break;
				}
				err = mnl_nlmsg_get_payload(nlh);
				if (err->error < 0 && rc == 0) {
					rc = err->error;
					ext_ack_copy(nlh, errmsg, errlen);
				}
				break;
			case NLMSG_DONE:
				done = true;
				/* A dump that failed midway says so here. */
				if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(int) && rc == 0) {
					r = *(const int *)mnl_nlmsg_get_payload(nlh);
					if (r < 0)
						rc = r;
				}
				break;
			case NLMSG_OVERRUN:
				done = true;
				rc = rc ? rc : -EOVERFLOW;
				break;
			default:
				if (rc == 0 && cb && (r = cb(nlh, data)) < 0)
					rc = r;
				break;
			}
		}
	}
	if (rc == 0 && intr)
		rc = -EINTR;
	return rc;
}

static int link_get_cb(const struct nlmsghdr *nlh, void *data)
{
	if (nlh->nlmsg_type != RTM_NEWLINK)
		return 0;
	return link_parse(nlh, data);
}

/* RTM_GETLINK for one interface, by IFINDEX or (when IFINDEX is 0) NAME. */
static int link_get(struct lacp_nl *nl, int ifindex, const char *name,
		    struct lacp_link *out)
{
	_Alignas(struct nlmsghdr) char buf[NL_REQ_SIZE] = { 0 };
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifm;
	int rc;

	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = ifindex;
	if (!ifindex)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);

	memset(out, 0, sizeof(*out));
	rc = transact(nl, nlh, link_get_cb, out, NULL, 0);
	/* An acknowledgement without the link would be a kernel oddity. */
	if (rc == 0 && out->ifindex == 0)
		rc = -ENODEV;
	return rc;
}

int lacp_nl_link_get(struct lacp_nl *nl, const char *ifname,
		     struct lacp_link *out)
{
	if (!ifname || !*ifname || strlen(ifname) >= IFNAMSIZ)
		return -EINVAL;
	return link_get(nl, 0, ifname, out);
}

int lacp_nl_link_get_index(struct lacp_nl *nl, int ifindex,
			   struct lacp_link *out)
{
	if (ifindex <= 0)
		return -EINVAL;
	return link_get(nl, ifindex, NULL, out);
}

/* The links a dump collected, so callbacks run after the request socket is
 * idle again and may make requests of their own. */
struct link_vec {
	struct lacp_link *v;
	size_t n, cap;
};

static int dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct link_vec *lv = data;
	struct lacp_link *grown;
	size_t cap;

	if (nlh->nlmsg_type != RTM_NEWLINK)
		return 0;
	if (lv->n == lv->cap) {
		cap = lv->cap ? 2 * lv->cap : 64;
		grown = realloc(lv->v, cap * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		lv->v = grown;
		lv->cap = cap;
	}
	if (link_parse(nlh, &lv->v[lv->n]) == 0)
		lv->n++;
	return 0;
}

int lacp_nl_dump_links(struct lacp_nl *nl, lacp_nl_link_cb cb, void *ctx)
{
	_Alignas(struct nlmsghdr) char buf[NL_REQ_SIZE] = { 0 };
	struct link_vec lv = { 0 };
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifm;
	int rc = -EINTR, tries;
	size_t i;

	for (tries = 0; rc == -EINTR && tries < NL_DUMP_TRIES; tries++) {
		lv.n = 0;
		nlh = mnl_nlmsg_put_header(buf);
		nlh->nlmsg_type = RTM_GETLINK;
		nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
		ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
		ifm->ifi_family = AF_UNSPEC;
		mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
		rc = transact(nl, nlh, dump_cb, &lv, NULL, 0);
	}
	if (rc == -EINTR)
		rc = -EAGAIN; /* the links kept changing under every try */
	if (rc == 0) {
		for (i = 0; i < lv.n; i++)
			if (cb)
				cb(ctx, &lv.v[i], LACP_NL_DUMP);
		rc = (int)lv.n;
	}
	free(lv.v);
	return rc;
}

int lacp_nl_link_set_up(struct lacp_nl *nl, int ifindex, bool up,
			char *errmsg, size_t errlen)
{
	_Alignas(struct nlmsghdr) char buf[NL_REQ_SIZE] = { 0 };
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifm;

	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = ifindex;
	ifm->ifi_change = IFF_UP; /* touch no other flag */
	ifm->ifi_flags = up ? IFF_UP : 0;
	return transact(nl, nlh, NULL, NULL, errmsg, errlen);
}

/* ---- events */

int lacp_nl_process(struct lacp_nl *nl, lacp_nl_link_cb cb, void *ctx)
{
	const struct nlmsghdr *nlh;
	struct lacp_link link;
	int calls = 0, n;

	for (;;) {
		n = mnl_socket_recvfrom(nl->ev, nl->ev_buf, sizeof(nl->ev_buf));
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			/* ENOBUFS: the queue overflowed and events are lost.
			 * ENOSPC: libmnl's word for a truncated datagram, an
			 * event lost all the same. Both mean "resync"; the
			 * socket itself is fine, so reading goes on. */
			if (errno == ENOBUFS || errno == ENOSPC) {
				if (cb)
					cb(ctx, NULL, LACP_NL_OVERRUN);
				calls++;
				continue;
			}
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (nlh = (const struct nlmsghdr *)nl->ev_buf;
		     mnl_nlmsg_ok(nlh, n);
		     nlh = mnl_nlmsg_next(nlh, &n)) {
			if (nlh->nlmsg_type != RTM_NEWLINK &&
			    nlh->nlmsg_type != RTM_DELLINK)
				continue;
			if (link_parse(nlh, &link) < 0)
				continue;
			if (cb)
				cb(ctx, &link, nlh->nlmsg_type == RTM_DELLINK ?
					LACP_NL_DELETED : 0);
			calls++;
		}
	}
	return calls;
}

/* ---- lifetime */

/* Opens a non-blocking NETLINK_ROUTE socket bound to GROUPS. */
static int sock_open(unsigned groups, struct mnl_socket **out)
{
	struct mnl_socket *s;
	int one = 1, rc;

	s = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (!s)
		return -errno;
	/* Extended ACKs carry the kernel's reason for a refusal; capped ACKs
	 * keep the echo of our request out of them. Both are optional. */
	mnl_socket_setsockopt(s, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(s, NETLINK_CAP_ACK, &one, sizeof(one));
	if (mnl_socket_bind(s, groups, MNL_SOCKET_AUTOPID) < 0) {
		rc = -errno;
		mnl_socket_close(s);
		return rc;
	}
	*out = s;
	return 0;
}

int lacp_nl_open(int nsfd, struct lacp_nl **out)
{
	struct lacp_nl *nl;
	int saved, rc, leave, size = NL_EVENT_RCVBUF;

	*out = NULL;
	nl = calloc(1, sizeof(*nl));
	if (!nl)
		return -ENOMEM;
	rc = lacp_netns_enter(nsfd, &saved);
	if (rc < 0)
		goto fail;
	rc = sock_open(RTMGRP_LINK, &nl->ev);
	if (rc == 0)
		rc = sock_open(0, &nl->rq);
	/* Sockets keep the namespace they were made in; go home now. */
	leave = lacp_netns_leave(saved);
	if (rc == 0)
		rc = leave;
	if (rc < 0)
		goto fail;
	/* The forced size needs CAP_NET_ADMIN; the plain one is capped by
	 * net.core.rmem_max. Either is only an improvement. */
	if (setsockopt(mnl_socket_get_fd(nl->ev), SOL_SOCKET, SO_RCVBUFFORCE,
		       &size, sizeof(size)) < 0)
		setsockopt(mnl_socket_get_fd(nl->ev), SOL_SOCKET, SO_RCVBUF,
			   &size, sizeof(size));
	nl->rq_portid = mnl_socket_get_portid(nl->rq);
	*out = nl;
	return 0;

fail:
	lacp_nl_close(nl);
	return rc;
}

int lacp_nl_fd(const struct lacp_nl *nl)
{
	return mnl_socket_get_fd(nl->ev);
}

void lacp_nl_close(struct lacp_nl *nl)
{
	if (!nl)
		return;
	if (nl->ev)
		mnl_socket_close(nl->ev);
	if (nl->rq)
		mnl_socket_close(nl->rq);
	free(nl);
}
