/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * lacp_flood: sends Slow Protocols frames at a fixed rate on one interface,
 * a mix of valid and malformed ones, for the received-frame abuse test.
 *
 *   lacp_flood -i IFNAME [-r FRAMES_PER_S] [-d SECONDS] [-s SRC_MAC]
 *
 * Every tenth frame of each kind, in a fixed cycle of ten: four valid
 * LACPDUs (one of them 40 octets longer than it may be, which is still a
 * LACPDU), one Marker Information PDU, one Marker Response, one legal
 * subtype this tester does not speak (OAM, 3), and three illegal frames
 * (a truncated LACPDU, a wrong Actor TLV length, subtype 0). The actor of
 * the LACPDUs is one constant partner, so the receiving port settles.
 *
 * Frames go out paced on the monotonic clock (those due are sent every
 * 100 µs); a frame the kernel refuses for a full queue is tried again, so
 * every frame counted went out. At the end it prints one line of counts by
 * the class the receiver must give them:
 *   sent N lacpdu N marker N marker_response N unknown N illegal N retries N
 *   late_ms N
 * late_ms: how far behind its schedule the last frame left.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lacpdu.h"

enum kind { K_LACPDU, K_MARKER, K_RESPONSE, K_UNKNOWN, K_ILLEGAL, K_COUNT };

static const char *const kind_name[K_COUNT] = {
	"lacpdu", "marker", "marker_response", "unknown", "illegal",
};

struct frame {
	uint8_t data[LACP_ETH_HLEN + 256];
	size_t len;
	enum kind kind;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int parse_mac(const char *s, uint8_t mac[6])
{
	unsigned v[6];

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != 6)
		return -1;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)v[i];
	return 0;
}

/* The ten frames of one cycle; each classified by the decoder as well,
 * so that the receiver's counters can be held to the kinds. */
static void build_cycle(struct frame f[10], const uint8_t src[6])
{
	static const uint8_t partner_sys[6] = {0x02, 0, 0, 0, 0xf1, 0x00};
	struct lacp_craft c;
	struct lacp_marker_craft m;
	size_t hl;

	for (int i = 0; i < 10; i++) {
		memset(&f[i], 0, sizeof(f[i]));
		hl = lacp_eth_encode(lacp_slow_multicast, src, NULL, f[i].data);
		f[i].len = hl;
	}
	lacp_craft_init(&c);
	memcpy(c.pdu.actor.system, partner_sys, 6);
	c.pdu.actor.system_priority = 32768;
	c.pdu.actor.key = 9;
	c.pdu.actor.port = 1;
	c.pdu.actor.port_priority = 32768;
	c.pdu.actor.state = 0x3d; /* A G S C D: in sync, long timeout */
	for (int i = 0; i < 3; i++) {
		f[i].len += lacp_craft_encode(&c, f[i].data + hl, sizeof(f[i].data) - hl);
		f[i].kind = K_LACPDU;
	}
	c.pad = 40; /* oversized: reported, still a LACPDU */
	f[3].len += lacp_craft_encode(&c, f[3].data + hl, sizeof(f[3].data) - hl);
	f[3].kind = K_LACPDU;
	c.pad = 0;

	lacp_marker_craft_init(&m);
	m.m.port = 1;
	memcpy(m.m.system, partner_sys, 6);
	m.m.transaction = 0x12345678;
	f[4].len += lacp_marker_craft_encode(&m, f[4].data + hl, sizeof(f[4].data) - hl);
	f[4].kind = K_MARKER;
	m.m.response = true;
	f[5].len += lacp_marker_craft_encode(&m, f[5].data + hl, sizeof(f[5].data) - hl);
	f[5].kind = K_RESPONSE;

	/* OAM (subtype 3): legal, not ours. */
	f[6].data[hl] = 3;
	f[6].data[hl + 1] = 1;
	f[6].len += 60;
	f[6].kind = K_UNKNOWN;

	c.truncate = 57; /* ends inside the Partner TLV */
	f[7].len += lacp_craft_encode(&c, f[7].data + hl, sizeof(f[7].data) - hl);
	f[7].kind = K_ILLEGAL;
	c.truncate = -1;
	c.actor_length = 19;
	f[8].len += lacp_craft_encode(&c, f[8].data + hl, sizeof(f[8].data) - hl);
	f[8].kind = K_ILLEGAL;
	c.actor_length = -1;
	c.subtype = 0;
	f[9].len += lacp_craft_encode(&c, f[9].data + hl, sizeof(f[9].data) - hl);
	f[9].kind = K_ILLEGAL;

	for (int i = 0; i < 10; i++) {
		struct lacp_decoded d;
		static const enum kind of_class[LACP_CLASS_COUNT] = {
			[LACP_CLASS_LACPDU] = K_LACPDU, [LACP_CLASS_MARKER] = K_MARKER,
			[LACP_CLASS_UNKNOWN] = K_UNKNOWN, [LACP_CLASS_ILLEGAL] = K_ILLEGAL,
		};
		enum lacp_class cls = lacp_pdu_decode(f[i].data + hl, f[i].len - hl, &d);
		enum kind k = of_class[cls];

		if (cls == LACP_CLASS_MARKER && d.marker.response)
			k = K_RESPONSE;
		if (k != f[i].kind) {
			fprintf(stderr, "lacp_flood: frame %d decodes as %s, meant %s\n", i,
				kind_name[k], kind_name[f[i].kind]);
			exit(2);
		}
	}
}

int main(int argc, char **argv)
{
	const char *ifname = NULL;
	double rate = 10000, seconds = 10;
	uint8_t src[6] = {0x02, 0, 0, 0, 0xf1, 0x01};
	struct frame cycle[10];
	struct sockaddr_ll sll = {.sll_family = AF_PACKET, .sll_halen = 6};
	uint64_t counts[K_COUNT] = {0}, sent = 0, retries = 0, total, start, due, last = 0;
	int opt, fd;

	while ((opt = getopt(argc, argv, "i:r:d:s:")) != -1) {
		switch (opt) {
		case 'i': ifname = optarg; break;
		case 'r': rate = atof(optarg); break;
		case 'd': seconds = atof(optarg); break;
		case 's':
			if (parse_mac(optarg, src) < 0) {
				fprintf(stderr, "lacp_flood: bad MAC \"%s\"\n", optarg);
				return 2;
			}
			break;
		default:
			goto usage;
		}
	}
	if (!ifname || rate <= 0 || seconds <= 0)
		goto usage;
	fd = socket(AF_PACKET, SOCK_RAW, htons(LACP_ETHERTYPE_SLOW));
	if (fd < 0) {
		perror("lacp_flood: socket");
		return 1;
	}
	sll.sll_ifindex = (int)if_nametoindex(ifname);
	if (sll.sll_ifindex == 0) {
		fprintf(stderr, "lacp_flood: no interface %s\n", ifname);
		return 1;
	}
	sll.sll_protocol = htons(LACP_ETHERTYPE_SLOW);
	memcpy(sll.sll_addr, lacp_slow_multicast, 6);
	build_cycle(cycle, src);

	total = (uint64_t)(rate * seconds);
	start = now_ns();
	while (sent < total) {
		/* Every frame due by now, then a short sleep. */
		uint64_t t = now_ns();

		while (sent < total && (due = start + (uint64_t)((double)sent * 1e9 / rate)) <= t) {
			const struct frame *fr = &cycle[sent % 10];

			if (sendto(fd, fr->data, fr->len, 0, (struct sockaddr *)&sll,
				   sizeof(sll)) < 0) {
				if (errno == ENOBUFS || errno == EAGAIN || errno == EINTR) {
					retries++;
					break; /* the queue drains while we sleep */
				}
				perror("lacp_flood: sendto");
				return 1;
			}
			counts[fr->kind]++;
			sent++;
			last = now_ns();
		}
		struct timespec ts = {0, 100000};

		nanosleep(&ts, NULL);
	}
	due = start + (uint64_t)((double)(total - 1) * 1e9 / rate);
	printf("sent %llu", (unsigned long long)sent);
	for (int k = 0; k < K_COUNT; k++)
		printf(" %s %llu", kind_name[k], (unsigned long long)counts[k]);
	printf(" retries %llu late_ms %.1f\n", (unsigned long long)retries,
	       last > due ? (double)(last - due) / 1e6 : 0.0);
	close(fd);
	return 0;
usage:
	fprintf(stderr, "usage: lacp_flood -i IFNAME [-r FRAMES_PER_S] [-d SECONDS] [-s SRC_MAC]\n");
	return 2;
}
