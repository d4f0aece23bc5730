// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * bondstats: the 802.3ad counters the bonding driver keeps for each slave
 * (LACPDUs and Marker PDUs received, sent, unknown, illegal), read over
 * rtnetlink (RTM_GETSTATS, the slave's IFLA_STATS_LINK_XSTATS_SLAVE).
 * Built statically into the bonding guest's initramfs: iproute2 6.1's
 * `ip link xstats type bond` aborts there ("stack smashing detected").
 *
 *   bondstats ?IFNAME ...?
 *
 * One line per slave: "STATS slave=eth0 lacpdu_rx=N lacpdu_tx=N ...";
 * every bonding slave when no names are given. Exit 1 on a netlink error.
 */
#include <net/if.h>	/* before the linux/ headers, which then leave its names alone */
#include <errno.h>
#include <linux/if_bonding.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *const stat_name[BOND_3AD_STAT_MAX + 1] = {
	[BOND_3AD_STAT_LACPDU_RX] = "lacpdu_rx",
	[BOND_3AD_STAT_LACPDU_TX] = "lacpdu_tx",
	[BOND_3AD_STAT_LACPDU_UNKNOWN_RX] = "lacpdu_unknown_rx",
	[BOND_3AD_STAT_LACPDU_ILLEGAL_RX] = "lacpdu_illegal_rx",
	[BOND_3AD_STAT_MARKER_RX] = "marker_rx",
	[BOND_3AD_STAT_MARKER_TX] = "marker_tx",
	[BOND_3AD_STAT_MARKER_RESP_RX] = "marker_resp_rx",
	[BOND_3AD_STAT_MARKER_RESP_TX] = "marker_resp_tx",
	[BOND_3AD_STAT_MARKER_UNKNOWN_RX] = "marker_unknown_rx",
};

/* The attribute of type TYPE among the LEN bytes of attributes at A, or NULL. */
static struct rtattr *find(struct rtattr *a, int len, unsigned short type)
{
	for (; RTA_OK(a, len); a = RTA_NEXT(a, len))
		if ((a->rta_type & NLA_TYPE_MASK) == type)
			return a;
	return NULL;
}

/* Prints the STATS line of one RTM_NEWSTATS message, if it carries
 * bonding 802.3ad counters and names a wanted interface. */
static void print_stats(struct nlmsghdr *h, char **want, int nwant)
{
	struct if_stats_msg *m = NLMSG_DATA(h);
	struct rtattr *a = (struct rtattr *)((char *)m + NLMSG_ALIGN(sizeof(*m)));
	int len = h->nlmsg_len - NLMSG_LENGTH(sizeof(*m));
	char name[IF_NAMESIZE] = "";
	int i;

	if (len < 0 || !(a = find(a, len, IFLA_STATS_LINK_XSTATS_SLAVE)))
		return;
	if (!(a = find(RTA_DATA(a), RTA_PAYLOAD(a), LINK_XSTATS_TYPE_BOND)))
		return;
	if (!(a = find(RTA_DATA(a), RTA_PAYLOAD(a), BOND_XSTATS_3AD)))
		return;
	if (!if_indextoname(m->ifindex, name))
		snprintf(name, sizeof(name), "if%u", m->ifindex);
	for (i = 0; i < nwant && strcmp(want[i], name); i++)
		;
	if (nwant && i == nwant)
		return;
	printf("STATS slave=%s", name);
	int n = RTA_PAYLOAD(a);
	for (struct rtattr *s = RTA_DATA(a); RTA_OK(s, n); s = RTA_NEXT(s, n)) {
		uint64_t v;
		unsigned short t = s->rta_type & NLA_TYPE_MASK;

		if (t > BOND_3AD_STAT_MAX || !stat_name[t] || RTA_PAYLOAD(s) != sizeof(v))
			continue;
		memcpy(&v, RTA_DATA(s), sizeof(v));
		printf(" %s=%llu", stat_name[t], (unsigned long long)v);
	}
	putchar('\n');
}

int main(int argc, char **argv)
{
	struct {
		struct nlmsghdr h;
		struct if_stats_msg m;
	} req = {
		.h = {
			.nlmsg_len = sizeof(req),
			.nlmsg_type = RTM_GETSTATS,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
			.nlmsg_seq = 1,
		},
		.m = {
			.family = AF_UNSPEC,
			.filter_mask = IFLA_STATS_FILTER_BIT(IFLA_STATS_LINK_XSTATS_SLAVE),
		},
	};
	static char buf[65536];
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

	if (fd < 0 || send(fd, &req, sizeof(req), 0) < 0) {
		fprintf(stderr, "bondstats: netlink: %s\n", strerror(errno));
		return 1;
	}
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "bondstats: recv: %s\n", strerror(errno));
			return 1;
		}
		int len = (int)n;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_seq != req.h.nlmsg_seq)
				continue;
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);
				fprintf(stderr, "bondstats: RTM_GETSTATS: %s\n", strerror(-e->error));
				return 1;
			}
			if (h->nlmsg_type == RTM_NEWSTATS)
				print_stats(h, argv + 1, argc - 1);
		}
	}
}
