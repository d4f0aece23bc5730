/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * io.c and nl.c against the real kernel: two network namespaces joined by
 * two veth pairs, driven from the root namespace. Checks frame demux by
 * interface, VLAN tags as on the wire, the Slow Protocols filter, multicast
 * membership, link lookups, link events, link up/down with extended ACKs,
 * event overrun and the non-blocking paths. Needs root (exit 77 otherwise);
 * every namespace it makes is deleted on every way out.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <dirent.h>
#include <unistd.h>

#include "check.h"
#include "io.h"
#include "lacpdu.h"
#include "nl.h"

/* Bounds on waiting for the kernel; never reached when all is well. */
#define FRAME_WAIT_MS 2000
#define EVENT_WAIT_MS 5000

static char ns_a[64], ns_b[64];
static bool ns_made;

static const uint8_t mac_a1[6] = { 0x02, 0, 0, 0, 0x0a, 0x01 };
static const uint8_t mac_a2[6] = { 0x02, 0, 0, 0, 0x0a, 0x02 };
static const uint8_t mac_b1[6] = { 0x02, 0, 0, 0, 0x0b, 0x01 };
static const uint8_t mac_b2[6] = { 0x02, 0, 0, 0, 0x0b, 0x02 };

/* Runs a shell command made from FMT; returns its exit status or -1. */
static int run(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	if (st == -1 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

/* Deleting the namespaces takes the veth pairs with them. */
static void cleanup(void)
{
	if (!ns_made)
		return;
	ns_made = false;
	run("ip netns del %s 2>/dev/null", ns_a);
	run("ip netns del %s 2>/dev/null", ns_b);
}

/* Interrupted, blocked (SIGALRM) or crashed: the namespaces go anyway. */
static void on_signal(int sig)
{
	cleanup();
	if (sig == SIGALRM) {
		fprintf(stderr, "test_io_netns: timed out (something blocked)\n");
		_exit(1);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static uint64_t now_us(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1; /* the directory's own fd */
}

static ino_t netns_ino(void)
{
	struct stat st;

	return stat("/proc/thread-self/ns/net", &st) == 0 ? st.st_ino : 0;
}

static bool nonblocking(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl >= 0 && (fl & O_NONBLOCK);
}

/*
 * Builds a frame: DST, SRC, NTAGS tags (TAGS holds tpid, tci pairs),
 * ETHERTYPE, then a payload that MARK makes unique, up to TOTAL octets.
 */
static size_t build(uint8_t *buf, const uint8_t *dst, const uint8_t *src,
		    const uint16_t *tags, unsigned ntags, uint16_t ethertype,
		    uint8_t mark, size_t total)
{
	size_t off = 12, i;

	memcpy(buf, dst, 6);
	memcpy(buf + 6, src, 6);
	for (i = 0; i < ntags; i++) {
		buf[off++] = tags[2 * i] >> 8;
		buf[off++] = tags[2 * i] & 0xff;
		buf[off++] = tags[2 * i + 1] >> 8;
		buf[off++] = tags[2 * i + 1] & 0xff;
	}
	buf[off++] = ethertype >> 8;
	buf[off++] = ethertype & 0xff;
	buf[off++] = LACP_SUBTYPE_LACP;
	buf[off++] = 1;
	buf[off++] = mark;
	for (i = 0; off < total; i++)
		buf[off++] = (uint8_t)(mark * 31 + i);
	return off;
}

/* A frame received, copied out of the io's buffer. */
struct got {
	struct lacp_io_frame f;
	uint8_t data[LACP_IO_SNAPLEN + 8];
};

/* Waits (poll, bounded) for one frame on IO. Returns 1, 0 on timeout, or
 * a negative errno. */
static int recv_wait(struct lacp_io *io, int timeout_ms, struct got *g)
{
	uint64_t end = now_us(CLOCK_MONOTONIC) + (uint64_t)timeout_ms * 1000;
	struct pollfd p = { .fd = lacp_io_fd(io), .events = POLLIN };
	int rc;

	memset(&g->f, 0, sizeof(g->f));
	g->f.data = g->data;
	for (;;) {
		rc = lacp_io_recv(io, &g->f);
		if (rc != 0)
			break;
		uint64_t now = now_us(CLOCK_MONOTONIC);
		if (now >= end)
			break;
		if (poll(&p, 1, (int)((end - now) / 1000) + 1) < 0 && errno != EINTR)
			return -errno;
	}
	if (rc == 1) {
		memcpy(g->data, g->f.data, g->f.len);
		g->f.data = g->data;
	}
	return rc;
}

/* What the link callbacks saw. */
struct seen {
	int ifindex;          /* the interface followed */
	unsigned events;      /* callbacks about it */
	struct lacp_link last;
	unsigned last_flags;
	unsigned overruns;
	unsigned dumped;      /* LACP_NL_DUMP callbacks, any interface */
	unsigned all;         /* callbacks of any kind */
	bool deleted;
};

static void link_cb(void *ctx, const struct lacp_link *link, unsigned flags)
{
	struct seen *s = ctx;

	s->all++;
	if (flags & LACP_NL_OVERRUN) {
		CHECK(link == NULL);
		s->overruns++;
		return;
	}
	if (flags & LACP_NL_DUMP)
		s->dumped++;
	if (link->ifindex != s->ifindex)
		return;
	s->events++;
	s->last = *link;
	s->last_flags = flags;
	if (flags & LACP_NL_DELETED)
		s->deleted = true;
}

typedef bool (*link_pred)(const struct seen *s);

/* Processes NL's events (poll, bounded) until PRED holds for S. */
static bool event_wait(struct lacp_nl *nl, struct seen *s, link_pred pred,
		       int timeout_ms)
{
	uint64_t end = now_us(CLOCK_MONOTONIC) + (uint64_t)timeout_ms * 1000;
	struct pollfd p = { .fd = lacp_nl_fd(nl), .events = POLLIN };

	for (;;) {
		if (lacp_nl_process(nl, link_cb, s) < 0)
			return false;
		if (pred(s))
			return true;
		uint64_t now = now_us(CLOCK_MONOTONIC);
		if (now >= end)
			return false;
		poll(&p, 1, (int)((end - now) / 1000) + 1);
	}
}

static bool carrier_down(const struct seen *s)
{
	return s->events && !s->last.carrier;
}

static bool carrier_up(const struct seen *s)
{
	return s->events && s->last.carrier && s->last.oper_up;
}

static bool admin_down(const struct seen *s)
{
	return s->events && !s->last.admin_up;
}

static bool admin_up(const struct seen *s)
{
	return s->events && s->last.admin_up;
}

static bool deleted(const struct seen *s)
{
	return s->deleted;
}

/* Waits until IFINDEX has carrier and is operationally up: the lookup says
 * so already, or an event does. */
static bool link_ready(struct lacp_nl *nl, int ifindex)
{
	struct seen s = { .ifindex = ifindex };
	struct lacp_link l;

	lacp_nl_process(nl, NULL, NULL);
	if (lacp_nl_link_get_index(nl, ifindex, &l) == 0 && l.carrier && l.oper_up)
		return true;
	return event_wait(nl, &s, carrier_up, EVENT_WAIT_MS);
}

static int setup(void)
{
	int rc = 0;

	snprintf(ns_a, sizeof(ns_a), "lacpio-%ld-a", (long)getpid());
	snprintf(ns_b, sizeof(ns_b), "lacpio-%ld-b", (long)getpid());
	ns_made = true;
	rc |= run("ip netns add %s", ns_a);
	rc |= run("ip netns add %s", ns_b);
	rc |= run("ip link add a1 netns %s address 02:00:00:00:0a:01 type veth "
		  "peer name b1 netns %s address 02:00:00:00:0b:01", ns_a, ns_b);
	rc |= run("ip link add a2 netns %s address 02:00:00:00:0a:02 mtu 4000 "
		  "type veth peer name b2 netns %s address 02:00:00:00:0b:02 mtu 4000",
		  ns_a, ns_b);
	rc |= run("ip -n %s link set a1 up && ip -n %s link set a2 up", ns_a, ns_a);
	rc |= run("ip -n %s link set b1 up && ip -n %s link set b2 up", ns_b, ns_b);
	return rc;
}

/* ---- the checks */

static void test_netns_open(void)
{
	char path[128];
	int fd;

	CHECK_INT(lacp_netns_open("lacpio-no-such-namespace"), -ENOENT);
	CHECK_INT(lacp_netns_open("/nonexistent/lacpio/ns"), -ENOENT);
	CHECK_INT(lacp_netns_open(""), -EINVAL);
	CHECK_INT(lacp_netns_open(".."), -EINVAL);
	/* A namespace, but not a network one; and not a namespace at all. */
	CHECK_INT(lacp_netns_open("/proc/self/ns/uts"), -EINVAL);
	CHECK_INT(lacp_netns_open("/proc/self/status"), -EINVAL);
	/* By path works as well as by name. */
	snprintf(path, sizeof(path), "/run/netns/%s", ns_a);
	fd = lacp_netns_open(path);
	CHECK(fd >= 0);
	if (fd >= 0)
		close(fd);
}

static void test_enter_leave(int ns)
{
	ino_t home = netns_ino();
	struct lacp_io *io = NULL;
	int saved, fd;

	CHECK(home != 0);
	CHECK_INT(lacp_netns_enter(ns, &saved), 0);
	CHECK(netns_ino() != home);
	CHECK_INT(lacp_netns_leave(saved), 0);
	CHECK(netns_ino() == home);
	/* -1 means "here". */
	CHECK_INT(lacp_netns_enter(-1, &saved), 0);
	CHECK_INT(saved, -1);
	CHECK_INT(lacp_netns_leave(saved), 0);
	/* A failed open leaves us at home. */
	fd = open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC);
	CHECK(lacp_io_open(fd, &io) < 0);
	CHECK(io == NULL);
	CHECK(netns_ino() == home);
	if (fd >= 0)
		close(fd);
	/* The current namespace works without any fd. */
	CHECK_INT(lacp_io_open(-1, &io), 0);
	lacp_io_close(io);
}

static void test_lookups(struct lacp_nl *nla, int *a1, int *a2)
{
	struct lacp_link l;
	int rc;

	rc = lacp_nl_link_get(nla, "a1", &l);
	CHECK_INT(rc, 0);
	*a1 = l.ifindex;
	CHECK(l.ifindex > 0);
	CHECK_STR(l.name, "a1");
	CHECK_INT(l.addr_len, 6);
	CHECK_MEM(l.addr, mac_a1, 6);
	CHECK(l.admin_up);
	CHECK(l.carrier);
	CHECK(l.oper_up);
	CHECK_INT(l.mtu, 1500);
	CHECK_INT(l.type, 1); /* ARPHRD_ETHER */

	rc = lacp_nl_link_get(nla, "a2", &l);
	CHECK_INT(rc, 0);
	*a2 = l.ifindex;
	CHECK(l.ifindex > 0 && l.ifindex != *a1);
	CHECK_MEM(l.addr, mac_a2, 6);
	CHECK_INT(l.mtu, 4000);

	rc = lacp_nl_link_get_index(nla, *a1, &l);
	CHECK_INT(rc, 0);
	CHECK_STR(l.name, "a1");

	/* Lookups happen in NLA's namespace, not ours or the peer's. */
	CHECK_INT(lacp_nl_link_get(nla, "b1", &l), -ENODEV);
	CHECK_INT(lacp_nl_link_get(nla, "lacpio-none", &l), -ENODEV);
	CHECK_INT(lacp_nl_link_get_index(nla, 999999, &l), -ENODEV);
	CHECK_INT(lacp_nl_link_get(nla, "", &l), -EINVAL);
	CHECK_INT(lacp_nl_link_get(nla, "name-longer-than-ifnamsiz", &l), -EINVAL);
}

static void test_membership(struct lacp_io *io, const char *ns, int ifindex,
			    const char *ifname)
{
	const char *cmd = "ip -n %s maddr show dev %s | grep -q 01:80:c2:00:00:02";

	CHECK_INT(run(cmd, ns, ifname), 1);
	CHECK_INT(lacp_io_join(io, ifindex), 0);
	CHECK_INT(run(cmd, ns, ifname), 0);
	/* Joins are counted: two joins need two leaves. */
	CHECK_INT(lacp_io_join(io, ifindex), 0);
	CHECK_INT(lacp_io_leave(io, ifindex), 0);
	CHECK_INT(run(cmd, ns, ifname), 0);
	CHECK_INT(lacp_io_leave(io, ifindex), 0);
	CHECK_INT(run(cmd, ns, ifname), 1);
	CHECK_INT(lacp_io_join(io, 999999), -ENODEV);
	CHECK_INT(lacp_io_join(io, ifindex), 0);
}

/* Sends FRAME on TX/TXIF and expects it, intact, at RX/RXIF. */
static void expect_frame(struct lacp_io *tx, int txif, struct lacp_io *rx,
			 int rxif, const uint8_t *frame, size_t len)
{
	uint64_t t0 = now_us(CLOCK_MONOTONIC), t1;
	struct got g;
	int rc;

	CHECK_INT(lacp_io_send(tx, txif, frame, len), 0);
	rc = recv_wait(rx, FRAME_WAIT_MS, &g);
	t1 = now_us(CLOCK_MONOTONIC);
	CHECK_INT(rc, 1);
	if (rc != 1)
		return;
	CHECK_INT(g.f.ifindex, rxif);
	CHECK_INT(g.f.len, len);
	CHECK_INT(g.f.wire_len, len);
	CHECK(!g.f.truncated);
	CHECK_MEM(g.f.data, frame, len < g.f.len ? len : g.f.len);
	CHECK_INT(g.f.pkt_type, PACKET_MULTICAST);
	CHECK(g.f.mono_us >= t0 && g.f.mono_us <= t1);
	CHECK(g.f.kernel_us + 5000000 > now_us(CLOCK_REALTIME) &&
	      g.f.kernel_us <= now_us(CLOCK_REALTIME));
}

static void test_other_sender(struct lacp_io *ioa, struct lacp_io *iob,
			      int a1, int b1)
{
	struct lacp_io *other = NULL;
	uint8_t fr[LACP_FRAME_LEN];
	int ns = lacp_netns_open(ns_a);
	struct got g;

	CHECK(ns >= 0);
	CHECK_INT(lacp_io_open(ns, &other), 0);
	if (other) {
		build(fr, lacp_slow_multicast, mac_a1, NULL, 0,
		      LACP_ETHERTYPE_SLOW, 0x77, sizeof(fr));
		expect_frame(other, a1, iob, b1, fr, sizeof(fr));
		/* Sent before B's frame returned, so it would be queued. */
		CHECK_INT(lacp_io_recv(ioa, &g.f), 0);
		lacp_io_close(other);
	}
	if (ns >= 0)
		close(ns);
}

static void test_frames(struct lacp_io *ioa, struct lacp_io *iob, int a1,
			int a2, int b1, int b2)
{
	static const uint16_t one_tag[] = { LACP_ETHERTYPE_VLAN, 0x2064 };
	static const uint16_t prio_tag[] = { LACP_ETHERTYPE_VLAN, 0x0000 };
	static const uint16_t two_tags[] = { LACP_ETHERTYPE_QINQ, 0x00c8,
					     LACP_ETHERTYPE_VLAN, 0x0064 };
	uint8_t fr[4096];
	struct got g;
	size_t len;

	/* Nothing pending yet, and saying so does not wait. */
	while (lacp_io_recv(iob, &g.f) == 1)
		;
	CHECK_INT(lacp_io_recv(iob, &g.f), 0);
	CHECK(!lacp_io_pending(iob));

	/* Each veth to its peer: demux by interface, bytes intact. */
	len = build(fr, lacp_slow_multicast, mac_a1, NULL, 0, LACP_ETHERTYPE_SLOW,
		    1, LACP_FRAME_LEN);
	CHECK_INT(len, LACP_FRAME_LEN);
	expect_frame(ioa, a1, iob, b1, fr, len);
	len = build(fr, lacp_slow_multicast, mac_a2, NULL, 0, LACP_ETHERTYPE_SLOW,
		    2, LACP_FRAME_LEN);
	expect_frame(ioa, a2, iob, b2, fr, len);
	len = build(fr, lacp_slow_multicast, mac_b1, NULL, 0, LACP_ETHERTYPE_SLOW,
		    3, LACP_FRAME_LEN);
	expect_frame(iob, b1, ioa, a1, fr, len);
	len = build(fr, lacp_slow_multicast, mac_b2, NULL, 0, LACP_ETHERTYPE_SLOW,
		    4, LACP_FRAME_LEN);
	expect_frame(iob, b2, ioa, a2, fr, len);
	/* Our own transmissions never come back to the sender. */
	CHECK_INT(lacp_io_recv(ioa, &g.f), 0);
	CHECK_INT(lacp_io_recv(iob, &g.f), 0);
	/* Nor do another socket's in the same namespace (a peer, such as
	 * Open vSwitch, running there): the kernel shows those to every
	 * ETH_P_ALL socket as PACKET_OUTGOING. */
	test_other_sender(ioa, iob, a1, b1);

	/* Tags come back as they were on the wire: one tag with a priority,
	 * a priority-only tag (TCI 0), an 802.1ad + 802.1Q pair. */
	len = build(fr, lacp_slow_multicast, mac_a1, one_tag, 1,
		    LACP_ETHERTYPE_SLOW, 5, LACP_FRAME_LEN + 4);
	expect_frame(ioa, a1, iob, b1, fr, len);
	len = build(fr, lacp_slow_multicast, mac_a1, prio_tag, 1,
		    LACP_ETHERTYPE_SLOW, 6, LACP_FRAME_LEN + 4);
	expect_frame(ioa, a1, iob, b1, fr, len);
	len = build(fr, lacp_slow_multicast, mac_a2, two_tags, 2,
		    LACP_ETHERTYPE_SLOW, 7, LACP_FRAME_LEN + 8);
	expect_frame(ioa, a2, iob, b2, fr, len);

	/* Other protocols, tagged or not, are filtered out: the slow frame
	 * sent after them is the next one delivered. */
	len = build(fr, lacp_slow_multicast, mac_a1, NULL, 0, 0x0800, 8, 100);
	CHECK_INT(lacp_io_send(ioa, a1, fr, len), 0);
	len = build(fr, lacp_slow_multicast, mac_a1, one_tag, 1, 0x0800, 9, 100);
	CHECK_INT(lacp_io_send(ioa, a1, fr, len), 0);
	len = build(fr, lacp_slow_multicast, mac_a1, two_tags, 2, 0x88cc, 10, 100);
	CHECK_INT(lacp_io_send(ioa, a1, fr, len), 0);
	len = build(fr, lacp_slow_multicast, mac_a1, NULL, 0, LACP_ETHERTYPE_SLOW,
		    11, LACP_FRAME_LEN);
	expect_frame(ioa, a1, iob, b1, fr, len);

	/* Without membership a veth still delivers: it has no address
	 * filter (a real NIC would need the join). */
	CHECK_INT(lacp_io_leave(iob, b2), 0);
	len = build(fr, lacp_slow_multicast, mac_a2, NULL, 0, LACP_ETHERTYPE_SLOW,
		    12, LACP_FRAME_LEN);
	expect_frame(ioa, a2, iob, b2, fr, len);
	CHECK_INT(lacp_io_join(iob, b2), 0);

	/* Longer than the snap length: cut, and said so. */
	len = build(fr, lacp_slow_multicast, mac_a2, NULL, 0, LACP_ETHERTYPE_SLOW,
		    13, 3000);
	CHECK_INT(lacp_io_send(ioa, a2, fr, len), 0);
	CHECK_INT(recv_wait(iob, FRAME_WAIT_MS, &g), 1);
	CHECK_INT(g.f.ifindex, b2);
	CHECK(g.f.truncated);
	CHECK_INT(g.f.wire_len, 3000);
	CHECK_INT(g.f.len, LACP_IO_SNAPLEN);
	if (g.f.len == LACP_IO_SNAPLEN)
		CHECK_MEM(g.f.data, fr, LACP_IO_SNAPLEN);

	/* Bad sends fail at once and are counted. */
	CHECK_INT(lacp_io_send(ioa, a1, fr, 10), -EINVAL);
	CHECK(lacp_io_send(ioa, 999999, fr, LACP_FRAME_LEN) < 0);
}

/* A burst from both interfaces, drained in batches: all of it, in order
 * per interface, with the monotonic stamps never going back. */
static void test_burst(struct lacp_io *ioa, struct lacp_io *iob, int a1,
		       int a2, int b1, int b2)
{
	enum { N = 40 };
	uint64_t end = now_us(CLOCK_MONOTONIC) + FRAME_WAIT_MS * 1000, last = 0;
	struct pollfd p = { .fd = lacp_io_fd(iob), .events = POLLIN };
	unsigned next[2] = { 0, 0 }, got = 0, bad = 0, i;
	bool saw_pending = false;
	struct lacp_io_frame f;
	uint8_t fr[256];
	size_t len;
	int rc;

	for (i = 0; i < N; i++) {
		len = build(fr, lacp_slow_multicast, i & 1 ? mac_a2 : mac_a1, NULL,
			    0, LACP_ETHERTYPE_SLOW, (uint8_t)(i / 2), LACP_FRAME_LEN);
		CHECK_INT(lacp_io_send(ioa, i & 1 ? a2 : a1, fr, len), 0);
	}
	while (got < N && now_us(CLOCK_MONOTONIC) < end) {
		while ((rc = lacp_io_recv(iob, &f)) == 1) {
			unsigned k = f.ifindex == b2;

			if ((f.ifindex != b1 && f.ifindex != b2) ||
			    f.data[16] != next[k] || f.mono_us < last)
				bad++;
			next[k]++;
			last = f.mono_us;
			got++;
			if (lacp_io_pending(iob))
				saw_pending = true;
		}
		CHECK_INT(rc, 0);
		if (got < N)
			poll(&p, 1, 100);
	}
	CHECK_INT(got, N);
	CHECK_INT(bad, 0);
	CHECK_INT(next[0], N / 2);
	CHECK_INT(next[1], N / 2);
	CHECK(saw_pending);
}

static void test_stats(struct lacp_io *ioa, struct lacp_io *iob)
{
	struct lacp_io_stats sa, sb;

	CHECK_INT(lacp_io_stats(ioa, &sa), 0);
	CHECK_INT(lacp_io_stats(iob, &sb), 0);
	/* From A: 7 slow frames checked at B, 3 filtered out, 1 too long,
	 * 40 in the burst; from B: 2. B also got one from another socket. */
	CHECK_INT(sa.tx_frames, 7 + 3 + 1 + 40);
	CHECK_INT(sa.tx_errors, 2);
	CHECK_INT(sb.tx_frames, 2);
	CHECK_INT(sb.tx_errors, 0);
	CHECK_INT(sb.rx_frames, 7 + 1 + 40 + 1);
	CHECK_INT(sb.rx_truncated, 1);
	CHECK_INT(sb.rx_drops, 0);
	CHECK_INT(sa.rx_frames, 2);
	CHECK_INT(sa.rx_bytes, 2 * LACP_FRAME_LEN);
}

static void test_set_up(struct lacp_nl *nla, struct lacp_io *ioa, int a2)
{
	struct seen s = { .ifindex = a2 };
	uint8_t fr[LACP_FRAME_LEN];
	struct lacp_link l;
	char msg[256];
	int rc;

	lacp_nl_process(nla, NULL, NULL);
	CHECK_INT(lacp_nl_link_set_up(nla, a2, false, msg, sizeof(msg)), 0);
	CHECK_STR(msg, "");
	CHECK_INT(lacp_nl_link_get_index(nla, a2, &l), 0);
	CHECK(!l.admin_up);
	CHECK(!l.carrier || !l.oper_up);
	CHECK(event_wait(nla, &s, admin_down, EVENT_WAIT_MS));

	/* Sending on a link that is down fails at once. */
	build(fr, lacp_slow_multicast, mac_a2, NULL, 0, LACP_ETHERTYPE_SLOW, 0,
	      LACP_FRAME_LEN);
	CHECK_INT(lacp_io_send(ioa, a2, fr, sizeof(fr)), -ENETDOWN);

	s.events = 0;
	CHECK_INT(lacp_nl_link_set_up(nla, a2, true, msg, sizeof(msg)), 0);
	CHECK_INT(lacp_nl_link_get_index(nla, a2, &l), 0);
	CHECK(l.admin_up);
	CHECK(event_wait(nla, &s, admin_up, EVENT_WAIT_MS));
	CHECK(link_ready(nla, a2));

	/* Impossible requests: the kernel's error, and its words if any.
	 * For a missing interface it gives none; a negative index is
	 * refused with a message since Linux 6.5 (-ENODEV before). */
	strcpy(msg, "unchanged");
	rc = lacp_nl_link_set_up(nla, 999999, true, msg, sizeof(msg));
	CHECK_INT(rc, -ENODEV);
	CHECK(strcmp(msg, "unchanged") != 0);
	printf("ifindex 999999: %s, ext-ack \"%s\"\n", strerror(-rc), msg);
	strcpy(msg, "unchanged");
	rc = lacp_nl_link_set_up(nla, -1, true, msg, sizeof(msg));
	CHECK(rc == -EINVAL || rc == -ENODEV);
	CHECK(strcmp(msg, "unchanged") != 0);
	if (rc == -EINVAL)
		CHECK(strstr(msg, "ifindex") != NULL);
	printf("ifindex -1: %s, ext-ack \"%s\"\n", strerror(-rc), msg);
	/* A short buffer gets a cut, terminated message. */
	rc = lacp_nl_link_set_up(nla, -1, true, msg, 4);
	CHECK(rc < 0 && strlen(msg) < 4);
}

static void test_carrier_event(struct lacp_nl *nla, int a1)
{
	struct seen s = { .ifindex = a1 };

	lacp_nl_process(nla, NULL, NULL);
	CHECK_INT(run("ip -n %s link set b1 down", ns_b), 0);
	CHECK(event_wait(nla, &s, carrier_down, EVENT_WAIT_MS));
	CHECK(!s.last.carrier);
	CHECK(!s.last.oper_up);
	CHECK(s.last.admin_up);
	CHECK_STR(s.last.name, "a1");
	CHECK_INT(s.last_flags, 0);

	s.events = 0;
	CHECK_INT(run("ip -n %s link set b1 up", ns_b), 0);
	CHECK(event_wait(nla, &s, carrier_up, EVENT_WAIT_MS));
}

/* Events overflow a tiny queue: one overrun report, then a dump resyncs. */
static void test_overrun(struct lacp_nl *nlb, int b1, int b2)
{
	struct seen s = { .ifindex = b2 };
	struct pollfd p = { .fd = lacp_nl_fd(nlb), .events = POLLIN };
	int tiny = 1, i, n;

	lacp_nl_process(nlb, NULL, NULL);
	CHECK(setsockopt(lacp_nl_fd(nlb), SOL_SOCKET, SO_RCVBUF, &tiny,
			 sizeof(tiny)) == 0);
	for (i = 0; i < 20; i++)
		CHECK_INT(lacp_nl_link_set_up(nlb, b1, i & 1, NULL, 0), 0);
	CHECK(poll(&p, 1, EVENT_WAIT_MS) == 1);
	CHECK(lacp_nl_process(nlb, link_cb, &s) >= 1);
	CHECK(s.overruns >= 1);
	n = lacp_nl_dump_links(nlb, link_cb, &s);
	CHECK(n >= 3); /* lo, b1, b2 */
	CHECK_INT(s.dumped, n);
	CHECK(s.events >= 1);
	CHECK_INT(s.last.ifindex, b2);
	CHECK(s.last_flags & LACP_NL_DUMP);
}

static void test_delete(struct lacp_nl *nla, int a2)
{
	struct seen s = { .ifindex = a2 };
	struct lacp_link l;

	lacp_nl_process(nla, NULL, NULL);
	CHECK_INT(run("ip -n %s link del b2", ns_b), 0);
	CHECK(event_wait(nla, &s, deleted, EVENT_WAIT_MS));
	CHECK(s.last_flags & LACP_NL_DELETED);
	CHECK_STR(s.last.name, "a2");
	CHECK_INT(lacp_nl_link_get(nla, "a2", &l), -ENODEV);
}

int main(void)
{
	struct lacp_nl *nla = NULL, *nlb = NULL;
	struct lacp_io *ioa = NULL, *iob = NULL;
	int fds0, nsa = -1, nsb = -1, a1 = 0, a2 = 0, b1 = 0, b2 = 0;
	struct lacp_link l;

	if (geteuid() != 0) {
		printf("skipped: needs root for network namespaces\n");
		return 77;
	}
	if (run("ip -V >/dev/null 2>&1") != 0) {
		printf("skipped: no ip command\n");
		return 77;
	}
	fds0 = count_fds();
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGALRM, on_signal);
	signal(SIGSEGV, on_signal);
	signal(SIGBUS, on_signal);
	signal(SIGABRT, on_signal);
	atexit(cleanup);
	/* Nothing here may block: a hang is a failure, not a ctest timeout. */
	alarm(60);

	if (setup() != 0) {
		fprintf(stderr, "namespace setup failed\n");
		cleanup();
		return 1;
	}
	test_netns_open();
	nsa = lacp_netns_open(ns_a);
	nsb = lacp_netns_open(ns_b);
	CHECK(nsa >= 0 && nsb >= 0);
	if (nsa < 0 || nsb < 0)
		goto out;
	test_enter_leave(nsa);

	CHECK_INT(lacp_nl_open(nsa, &nla), 0);
	CHECK_INT(lacp_nl_open(nsb, &nlb), 0);
	CHECK_INT(lacp_io_open(nsa, &ioa), 0);
	CHECK_INT(lacp_io_open(nsb, &iob), 0);
	if (!nla || !nlb || !ioa || !iob)
		goto out;
	CHECK(nonblocking(lacp_nl_fd(nla)));
	CHECK(nonblocking(lacp_io_fd(ioa)));

	CHECK(lacp_nl_link_get(nlb, "b1", &l) == 0 && link_ready(nlb, l.ifindex));
	b1 = l.ifindex;
	CHECK(lacp_nl_link_get(nlb, "b2", &l) == 0 && link_ready(nlb, l.ifindex));
	b2 = l.ifindex;
	CHECK(lacp_nl_link_get(nla, "a1", &l) == 0 && link_ready(nla, l.ifindex));
	CHECK(lacp_nl_link_get(nla, "a2", &l) == 0 && link_ready(nla, l.ifindex));
	test_lookups(nla, &a1, &a2);
	CHECK_MEM(l.addr, mac_a2, 6);

	test_membership(iob, ns_b, b1, "b1");
	test_membership(iob, ns_b, b2, "b2");
	CHECK_INT(lacp_io_join(ioa, a1), 0);
	CHECK_INT(lacp_io_join(ioa, a2), 0);
	test_frames(ioa, iob, a1, a2, b1, b2);
	test_burst(ioa, iob, a1, a2, b1, b2);
	test_stats(ioa, iob);

	test_set_up(nla, ioa, a2);
	test_carrier_event(nla, a1);
	test_overrun(nlb, b1, b2);
	test_delete(nla, a2);

out:
	lacp_io_close(ioa);
	lacp_io_close(iob);
	lacp_nl_close(nla);
	lacp_nl_close(nlb);
	if (nsa >= 0)
		close(nsa);
	if (nsb >= 0)
		close(nsb);
	cleanup();
	alarm(0);
	/* Every fd the modules made is gone. */
	CHECK_INT(count_fds(), fds0);
	return CHECK_DONE();
}
