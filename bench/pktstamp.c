/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * pktstamp: the benchmarks' eye on the wire. It runs on the peer's end of
 * a veth pair, inside the peer's namespace (`ip netns exec NS pktstamp
 * ...`), and reads the kernel's receive timestamps (SO_TIMESTAMPNS) of
 * Slow Protocols frames on a packet socket: of the frames the device under
 * test sends, and of the copy of its own transmissions that every packet
 * tap gets at dev_queue_xmit time. Both stamps come from the same kernel
 * on the same socket, so every figure is measured outside the DUT's
 * process, on one clock, with no skew.
 *
 * react   plays a minimal LACP partner, negotiates, then sends N distinct
 *         triggers and measures, for each, the time from the departure of
 *         the trigger to the arrival of the DUT's answer. Each trigger
 *         toggles our Distributing bit (which no 802.1AX machine of the
 *         DUT acts on in coupled control), so each is a new LACPDU.
 *         -m rule:  the DUT runs the rules of bench/react.tcl; the answer
 *                   is its first LACPDU whose actor Expired bit is the
 *                   inverse of our new D bit (partner lacks D -> force +E).
 *         -m inject: both: the stale echo below makes the DUT's machines
 *                   answer at once, and the rules change that answer; the
 *                   answer is the first LACPDU with the rule's change, and
 *                   answers that came first without it are counted (a
 *                   reaction split into a plain reply and a second frame).
 *         -m transition: each trigger toggles our Synchronization bit
 *                   instead, so the DUT's Mux moves (COLLECTING_DISTRIBUTING
 *                   <-> ATTACHED); its rules fire on those transitions
 *                   (mux is ATTACHED -> force +E, mux is
 *                   COLLECTING_DISTRIBUTING -> release) and the answer is
 *                   its first LACPDU echoing our Sync with E inverse to it.
 *         -m stale: our echo of the DUT (our Partner fields) carries a
 *                   wrong Synchronization bit, which 802.1AX's update_NTT
 *                   (and Open vSwitch's equivalent) answers with a LACPDU
 *                   at once; the answer is the first LACPDU echoing our
 *                   new D bit. No rule involved: this is the stimulus lacp
 *                   and OVS both answer, for the side-by-side figure.
 * reflect answers every LACPDU at once from a blocking read, in C with no
 *         event loop: the floor the kernel and the veth pair set.
 * periodic sends a LACPDU every PERIOD_MS on each interface whose name
 *         starts with PREFIX, each on its own phase (spread over SPREAD_MS),
 *         from absolute CLOCK_MONOTONIC deadlines (clock_nanosleep), in C:
 *         the floor for periodic accuracy, what the machine allows a
 *         sender that does nothing else.
 * listen  records the LACPDUs arriving on one or every interface of the
 *         namespace for a while and prints the intervals between
 *         consecutive periodic LACPDUs of each port (intervals next to a
 *         LACPDU whose content changed are left out: those are NTT sends);
 *         -o FILE writes every LACPDU seen as "IFINDEX STAMP_US CHANGED".
 *
 *   pktstamp react -i IF [-n N] [-w WARMUP] [-m rule|stale|inject|transition] [-g MIN-MAX] [-L NAME]
 *   pktstamp reflect -i IF
 *   pktstamp periodic -x PREFIX [-p PERIOD_MS] [-s SPREAD_MS] [-t SECONDS]
 *   pktstamp listen -t SECONDS [-i IF] [-p PERIOD_MS] [-L NAME] [-o FILE]
 *
 * Prints figures (see bstats.h), never a verdict; exits 1 on setup errors.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "bstats.h"
#include "lacpdu.h"
#include "state.h"

#define FRAME_LEN LACP_FRAME_LEN

struct frame {
	uint8_t data[2048];
	size_t len;
	int ifindex;
	uint8_t pkt_type;
	double stamp_us; /* kernel stamp, CLOCK_REALTIME µs */
};

static void die(const char *what)
{
	fprintf(stderr, "pktstamp: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* A packet socket that receives every Slow Protocols frame of IFINDEX (0:
 * every interface of the namespace) with kernel timestamps; OUTGOING: our
 * own transmissions too. */
static int open_rx(int ifindex, bool outgoing)
{
	static const struct sock_filter slow[] = {
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, LACP_ETHERTYPE_SLOW, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0x40000),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog = { sizeof(slow) / sizeof(slow[0]), (struct sock_filter *)slow };
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL), .sll_ifindex = ifindex,
	};
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0), one = 1, big = 8 << 20;
	char junk[16];

	if (fd < 0)
		die("socket (needs root)");
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one)) < 0)
		die("setsockopt");
	if (!outgoing)
		setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one));
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		die("bind");
	while (recv(fd, junk, sizeof(junk), MSG_DONTWAIT) >= 0)
		; /* anything queued before the filter was in place */
	return fd;
}

/* Reads one frame; returns 1, or 0 when none is waiting (WAIT false). */
static int read_frame(int fd, struct frame *f, bool wait)
{
	union {
		char buf[256];
		struct cmsghdr align;
	} ctl;
	struct sockaddr_ll from;
	struct iovec iov = { f->data, sizeof(f->data) };
	struct msghdr m = {
		.msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
	};
	ssize_t n;

	do {
		n = recvmsg(fd, &m, wait ? 0 : MSG_DONTWAIT);
	} while (n < 0 && errno == EINTR && wait);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return 0;
		die("recvmsg");
	}
	f->len = (size_t)n;
	f->ifindex = from.sll_ifindex;
	f->pkt_type = from.sll_pkttype;
	f->stamp_us = 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
			struct timespec ts;

			memcpy(&ts, CMSG_DATA(c), sizeof(ts));
			f->stamp_us = (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
		}
	return 1;
}

/* The LACPDU in F, when it is one. */
static bool frame_lacpdu(const struct frame *f, struct lacp_lacpdu *pdu)
{
	return f->len >= LACP_ETH_HLEN && f->data[12] == 0x88 && f->data[13] == 0x09 &&
	       lacp_lacpdu_decode_fast(f->data + LACP_ETH_HLEN, f->len - LACP_ETH_HLEN, pdu);
}

static int open_tx(void)
{
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);

	if (fd < 0)
		die("socket (needs root)");
	return fd;
}

static void send_frame(int fd, int ifindex, const uint8_t *frame, size_t len)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET, .sll_protocol = htons(LACP_ETHERTYPE_SLOW),
		.sll_ifindex = ifindex, .sll_halen = 6,
	};

	memcpy(sll.sll_addr, frame, 6);
	if (sendto(fd, frame, len, 0, (struct sockaddr *)&sll, sizeof(sll)) != (ssize_t)len)
		die("sendto");
}

static void if_mac(const char *ifname, uint8_t mac[6])
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (fd < 0 || ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)
		die(ifname);
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	close(fd);
}

/* Our side of the conversation. */
struct partner {
	int ifindex, rx, tx;
	uint8_t mac[6];
	uint8_t state;             /* our actor state */
	struct lacp_info dut;      /* the DUT's actor information, last heard */
	struct lacp_info dut_view; /* the DUT's view of us (its Partner fields) */
	bool heard;
	bool stale;                /* echo the DUT with a wrong Sync bit */
	uint8_t sent[FRAME_LEN];
};

/* A partner on IFNAME, in Collecting_Distributing from the start; OUTGOING
 * as for open_rx(). Exits on setup errors. */
static void partner_open(struct partner *p, const char *ifname, bool outgoing)
{
	memset(p, 0, sizeof(*p));
	p->ifindex = (int)if_nametoindex(ifname);
	if (p->ifindex == 0)
		die(ifname);
	if_mac(ifname, p->mac);
	p->rx = open_rx(p->ifindex, outgoing);
	p->tx = open_tx();
	p->state = LACP_STATE_ACTIVITY | LACP_STATE_TIMEOUT | LACP_STATE_AGGREGATION |
		   LACP_STATE_SYNC | LACP_STATE_COLLECTING | LACP_STATE_DISTRIBUTING;
}

/* Builds and sends our LACPDU: our information, the DUT's echoed. */
static void partner_send(struct partner *p)
{
	struct lacp_lacpdu pdu;

	memset(&pdu, 0, sizeof(pdu));
	pdu.version = 1;
	pdu.actor.system_priority = 32768;
	memcpy(pdu.actor.system, p->mac, 6);
	pdu.actor.key = 1;
	pdu.actor.port_priority = 32768;
	pdu.actor.port = 1;
	pdu.actor.state = p->state;
	if (p->heard) {
		pdu.partner = p->dut;
		if (p->stale)
			pdu.partner.state ^= LACP_STATE_SYNC;
	}
	memcpy(p->sent, lacp_slow_multicast, 6);
	memcpy(p->sent + 6, p->mac, 6);
	p->sent[12] = 0x88;
	p->sent[13] = 0x09;
	lacp_lacpdu_encode(&pdu, p->sent + LACP_ETH_HLEN);
	send_frame(p->tx, p->ifindex, p->sent, FRAME_LEN);
}

static bool is_ours(const struct partner *p, const struct frame *f)
{
	return f->pkt_type == PACKET_OUTGOING && f->len == FRAME_LEN &&
	       memcmp(f->data, p->sent, FRAME_LEN) == 0;
}

/* Takes in a frame from the DUT; returns true for a LACPDU (in *PDU). */
static bool partner_hear(struct partner *p, const struct frame *f, struct lacp_lacpdu *pdu)
{
	if (f->pkt_type == PACKET_OUTGOING || !frame_lacpdu(f, pdu))
		return false;
	p->dut = pdu->actor;
	p->dut_view = pdu->partner;
	p->heard = true;
	return true;
}

/* Waits up to MS for a frame on P's socket. */
static bool wait_readable(int fd, int ms)
{
	struct pollfd pfd = { fd, POLLIN, 0 };

	return poll(&pfd, 1, ms) > 0;
}

/* Plays partner until the DUT is COLLECTING_DISTRIBUTING with us. */
static bool negotiate(struct partner *p, double timeout_s)
{
	const uint8_t scd = LACP_STATE_SYNC | LACP_STATE_COLLECTING | LACP_STATE_DISTRIBUTING;
	double end = mono_us() + timeout_s * 1e6, next = 0;
	struct lacp_lacpdu pdu;
	struct frame f;

	while (mono_us() < end) {
		if (mono_us() >= next) {
			partner_send(p);
			next = mono_us() + 100000;
		}
		if (!wait_readable(p->rx, 20))
			continue;
		while (read_frame(p->rx, &f, false))
			partner_hear(p, &f, &pdu);
		if (p->heard && (p->dut.state & scd) == scd &&
		    memcmp(p->dut_view.system, p->mac, 6) == 0 &&
		    (p->dut_view.state & LACP_STATE_SYNC))
			return true;
	}
	return false;
}

static double rand_between(double lo, double hi)
{
	return lo + (hi - lo) * ((double)random() / (double)RAND_MAX);
}

static void sleep_us(double us)
{
	struct timespec ts = { (time_t)(us / 1e6), (long)((us - (double)(time_t)(us / 1e6) * 1e6) * 1e3) };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static int cmd_react(const char *ifname, long n, long warm, bool stale, bool rule,
		     uint8_t bit, double gmin, double gmax,
		     const char *name)
{
	struct partner p;
	struct samples s = { 0 };
	struct lacp_lacpdu pdu;
	struct frame f;
	char st[LACP_STATE_STRLEN], label[64];
	long missed = 0, odd = 0, split = 0;

	partner_open(&p, ifname, true);
	if (!negotiate(&p, 20)) {
		fprintf(stderr, "pktstamp: the DUT on %s did not reach COLLECTING_DISTRIBUTING "
				"with us in 20 s (last heard: %s)\n", ifname,
			p.heard ? lacp_state_format(p.dut.state, st) : "nothing");
		return 1;
	}
	p.stale = stale;
	srandom(1);
	for (long i = 0; i < warm + n; i++) {
		bool tx = false, rx = false, first_seen = false;
		double t_tx = 0, t_rx = 0, end;
		uint8_t d;

		sleep_us(rand_between(gmin, gmax));
		p.state ^= bit;
		d = p.state & bit;
		partner_send(&p);
		end = mono_us() + 200000;
		while (!(tx && rx) && mono_us() < end) {
			if (!read_frame(p.rx, &f, false)) {
				wait_readable(p.rx, 5);
				continue;
			}
			if (!tx && is_ours(&p, &f)) {
				tx = true;
				t_tx = f.stamp_us;
				continue;
			}
			if (!partner_hear(&p, &f, &pdu) || rx)
				continue;
			if ((pdu.partner.state & bit) != d)
				continue; /* sent before our trigger arrived */
			if (rule && ((pdu.actor.state & LACP_STATE_EXPIRED) != 0) != (d == 0)) {
				if (stale && !first_seen)
					split++; /* the machines' plain reply came first */
				first_seen = true;
				continue; /* not the rule's change */
			}
			rx = true;
			t_rx = f.stamp_us;
		}
		if (!(tx && rx) || t_tx == 0 || t_rx == 0) {
			missed++;
			continue;
		}
		if (t_rx < t_tx)
			odd++;
		if (i >= warm)
			samples_add(&s, t_rx - t_tx);
	}
	snprintf(label, sizeof(label), "%s reaction", name);
	if (missed || odd)
		printf("  %s: %ld triggers unanswered within 200 ms, %ld answers stamped before "
		       "their trigger\n", name, missed, odd);
	if (stale && rule)
		printf("  %s: %ld of %ld reactions split: a reply without the injection came first\n",
		       name, split, warm + n);
	samples_report(&s, label, name, "us");
	return 0;
}

/* Answers every LACPDU at once, from a blocking read. */
static int cmd_reflect(const char *ifname)
{
	struct partner p;
	struct lacp_lacpdu pdu;
	struct frame f;

	partner_open(&p, ifname, false);
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		if (!read_frame(p.rx, &f, true) || !partner_hear(&p, &f, &pdu))
			continue;
		partner_send(&p);
	}
	return 0;
}

/* One sender of cmd_periodic. */
struct psender {
	int ifindex;
	double due_us; /* CLOCK_MONOTONIC */
	uint8_t frame[FRAME_LEN];
};

static int cmp_due(const void *a, const void *b)
{
	const struct psender *x = a, *y = b;

	return x->due_us < y->due_us ? -1 : x->due_us > y->due_us;
}

static int cmd_periodic(const char *prefix, double period_ms, double spread_ms, double seconds)
{
	struct if_nameindex *ifs = if_nameindex(), *i;
	struct psender *ps = NULL;
	size_t n = 0, k;
	double start, end;
	int tx = open_tx();

	if (ifs == NULL)
		die("if_nameindex");
	for (i = ifs; i->if_index != 0; i++)
		if (strncmp(i->if_name, prefix, strlen(prefix)) == 0) {
			struct partner p = { 0 };

			ps = realloc(ps, (n + 1) * sizeof(*ps));
			if (ps == NULL)
				die("realloc");
			p.ifindex = (int)i->if_index;
			p.tx = -1;
			if_mac(i->if_name, p.mac);
			p.state = LACP_STATE_ACTIVITY | LACP_STATE_TIMEOUT | LACP_STATE_AGGREGATION;
			{
				struct lacp_lacpdu pdu;

				memset(&pdu, 0, sizeof(pdu));
				pdu.version = 1;
				pdu.actor.system_priority = 32768;
				memcpy(pdu.actor.system, p.mac, 6);
				pdu.actor.key = 1;
				pdu.actor.port_priority = 32768;
				pdu.actor.port = 1;
				pdu.actor.state = p.state;
				memcpy(ps[n].frame, lacp_slow_multicast, 6);
				memcpy(ps[n].frame + 6, p.mac, 6);
				ps[n].frame[12] = 0x88;
				ps[n].frame[13] = 0x09;
				lacp_lacpdu_encode(&pdu, ps[n].frame + LACP_ETH_HLEN);
			}
			ps[n].ifindex = p.ifindex;
			n++;
		}
	if_freenameindex(ifs);
	if (n == 0) {
		fprintf(stderr, "pktstamp: no interface named %s*\n", prefix);
		return 1;
	}
	srandom(2);
	start = mono_us() + 100000;
	for (k = 0; k < n; k++)
		ps[k].due_us = start + rand_between(0, spread_ms * 1000.0);
	end = start + seconds * 1e6;
	/* Every deadline moves by the same period: the order never changes. */
	qsort(ps, n, sizeof(*ps), cmp_due);
	printf("ready %zu\n", n);
	for (k = 0; mono_us() < end; k = (k + 1) % n) {
		struct timespec ts;

		ts.tv_sec = (time_t)(ps[k].due_us / 1e6);
		ts.tv_nsec = (long)((ps[k].due_us - (double)ts.tv_sec * 1e6) * 1e3);
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
			;
		send_frame(tx, ps[k].ifindex, ps[k].frame, FRAME_LEN);
		ps[k].due_us += period_ms * 1000.0;
	}
	free(ps);
	return 0;
}

/* Per interface: the last LACPDU heard and when. */
struct port_track {
	double last_us;
	uint8_t last[LACP_PDU_LEN];
	bool seen, last_changed;
	unsigned long pdus;
};

static volatile sig_atomic_t stop_listening;

static void on_signal(int sig)
{
	(void)sig;
	stop_listening = 1;
}

static int cmd_listen(const char *ifname, double seconds, double period_ms, const char *name,
		      const char *dump)
{
	FILE *out = NULL;
	struct port_track *ports = NULL;
	size_t n_ports = 0;
	struct samples dev = { 0 }, ivl = { 0 };
	unsigned long frames = 0, changed = 0, active = 0;
	struct frame f;
	double end;
	int ifindex = 0, fd;
	char label[64];

	if (ifname != NULL && (ifindex = (int)if_nametoindex(ifname)) == 0)
		die(ifname);
	fd = open_rx(ifindex, false);
	if (dump != NULL && (out = fopen(dump, "w")) == NULL)
		die(dump);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	end = mono_us() + seconds * 1e6;
	while (!stop_listening && mono_us() < end) {
		struct port_track *t;
		bool same;

		if (!read_frame(fd, &f, false)) {
			wait_readable(fd, 50);
			continue;
		}
		if (f.pkt_type == PACKET_OUTGOING || f.len < FRAME_LEN || f.ifindex <= 0 ||
		    f.data[LACP_ETH_HLEN] != LACP_SUBTYPE_LACP)
			continue;
		frames++;
		if ((size_t)f.ifindex >= n_ports) {
			size_t grow = (size_t)f.ifindex * 2 + 16;

			ports = realloc(ports, grow * sizeof(*ports));
			if (ports == NULL)
				die("realloc");
			memset(ports + n_ports, 0, (grow - n_ports) * sizeof(*ports));
			n_ports = grow;
		}
		t = &ports[f.ifindex];
		same = t->seen && memcmp(t->last, f.data + LACP_ETH_HLEN, LACP_PDU_LEN) == 0;
		if (!same)
			changed++;
		if (t->seen && same && !t->last_changed) {
			double i = f.stamp_us - t->last_us;

			samples_add(&ivl, i / 1000.0);
			samples_add(&dev, fabs(i - period_ms * 1000.0));
		}
		if (out != NULL)
			fprintf(out, "%d %.3f %d\n", f.ifindex, f.stamp_us, !same);
		if (!t->seen)
			active++;
		t->seen = true;
		t->last_changed = !same;
		t->last_us = f.stamp_us;
		t->pdus++;
		memcpy(t->last, f.data + LACP_ETH_HLEN, LACP_PDU_LEN);
	}
	printf("  %s: %lu LACPDUs from %lu ports, %lu with new content (intervals next to "
	       "them left out)\n", name, frames, active, changed);
	snprintf(label, sizeof(label), "%s interval", name);
	{
		char n2[80];

		snprintf(n2, sizeof(n2), "%s_interval", name);
		samples_report(&ivl, label, n2, "ms");
		snprintf(label, sizeof(label), "%s |interval-%.0fms|", name, period_ms);
		snprintf(n2, sizeof(n2), "%s_deviation", name);
		samples_report(&dev, label, n2, "us");
	}
	free(ports);
	if (out != NULL)
		fclose(out);
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: pktstamp react -i IF [-n N] [-w WARMUP] [-m rule|stale|inject|transition] [-g MINUS-MAXUS] [-L NAME]\n"
		"       pktstamp reflect -i IF\n"
		"       pktstamp periodic -x PREFIX [-p PERIOD_MS] [-s SPREAD_MS] [-t SECONDS]\n"
		"       pktstamp listen -t SECONDS [-i IF] [-p PERIOD_MS] [-L NAME] [-o FILE]\n");
	exit(64);
}

int main(int argc, char **argv)
{
	const char *cmd, *ifname = NULL, *name = "dut", *dump = NULL, *prefix = NULL;
	double spread = 1000;
	long n = 1000, warm = 50;
	double gmin = 1000, gmax = 3000, seconds = 30, period = 1000;
	bool stale = false, rule = true;
	uint8_t bit = LACP_STATE_DISTRIBUTING;
	int c;

	if (argc < 2)
		usage();
	cmd = argv[1];
	optind = 2;
	while ((c = getopt(argc, argv, "i:n:w:m:g:L:t:p:o:x:s:")) != -1) {
		switch (c) {
		case 'i': ifname = optarg; break;
		case 'n': n = atol(optarg); break;
		case 'w': warm = atol(optarg); break;
		case 'm':
			stale = strcmp(optarg, "stale") == 0 || strcmp(optarg, "inject") == 0;
			rule = strcmp(optarg, "stale") != 0;
			if (strcmp(optarg, "transition") == 0)
				bit = LACP_STATE_SYNC;
			else if (!stale && strcmp(optarg, "rule") != 0)
				usage();
			break;
		case 'g':
			if (sscanf(optarg, "%lf-%lf", &gmin, &gmax) != 2 || gmin < 0 || gmax < gmin)
				usage();
			break;
		case 'L': name = optarg; break;
		case 't': seconds = atof(optarg); break;
		case 'p': period = atof(optarg); break;
		case 'o': dump = optarg; break;
		case 'x': prefix = optarg; break;
		case 's': spread = atof(optarg); break;
		default: usage();
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (strcmp(cmd, "react") == 0 && ifname)
		return cmd_react(ifname, n, warm, stale, rule, bit, gmin, gmax, name);
	if (strcmp(cmd, "reflect") == 0 && ifname)
		return cmd_reflect(ifname);
	if (strcmp(cmd, "periodic") == 0 && prefix)
		return cmd_periodic(prefix, period, spread, seconds);
	if (strcmp(cmd, "listen") == 0)
		return cmd_listen(ifname, seconds, period, name, dump);
	usage();
	return 64;
}
