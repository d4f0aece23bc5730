/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * AF_PACKET I/O for Slow Protocols frames (see io.h): one filtered socket
 * per namespace, demultiplexed by interface index; VLAN tags put back from
 * PACKET_AUXDATA; batched non-blocking reads; multicast membership.
 */
#include "io.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>

#include "lacpdu.h"
#include "nl.h"

/* Frames taken per recvmmsg(); a burst from many ports costs one call. */
#define IO_BATCH 16

/* Room before each receive buffer for the one tag the kernel may have
 * moved into PACKET_AUXDATA, so it goes back in without copying the frame. */
#define IO_HEADROOM LACP_VLAN_HLEN

/* Socket queue sizes: a thousand ports sending at once must neither find
 * the send queue full nor overflow the receive queue before the event loop
 * gets round to it. */
#define IO_RCVBUF (4 * 1024 * 1024)
#define IO_SNDBUF (1024 * 1024)

/* What the filter returns for an accepted frame: keep all of it. */
#define IO_FILTER_KEEP 0x40000

struct io_slot {
	uint8_t buf[IO_HEADROOM + LACP_IO_SNAPLEN];
	struct sockaddr_ll addr;
	struct iovec iov;
	/* Room for PACKET_AUXDATA and SCM_TIMESTAMPNS; long for alignment. */
	long cmsg[(CMSG_SPACE(sizeof(struct tpacket_auxdata)) +
		   CMSG_SPACE(sizeof(struct timespec))) / sizeof(long) + 1];
};

struct lacp_io {
	int fd;
	unsigned count;    /* frames in the current batch */
	unsigned next;     /* the next one lacp_io_recv() returns */
	uint64_t batch_mono_us;
	uint64_t batch_real_us; /* CLOCK_REALTIME read right after batch_mono_us */
	struct lacp_io_stats stats;
	struct mmsghdr msgs[IO_BATCH];
	struct io_slot slots[IO_BATCH];
};

/* Jump distance from instruction FROM to instruction TO in a classic BPF
 * program (jumps are relative to the next instruction). */
#define JMP(from, to) ((to) - (from) - 1)
#define F_ACCEPT 12
#define F_DROP 13

/*
 * Keeps Slow Protocols frames that were not sent by this host, untagged or
 * behind up to two 802.1Q/802.1ad tags still in the data (the outer tag may
 * already be in the auxiliary data, which the filter does not need to see:
 * the ethertype after it is then at offset 12). Reads past the end of a
 * short frame make classic BPF drop it.
 */
static const struct sock_filter slow_filter[] = {
	/* 0 */ BPF_STMT(BPF_LD | BPF_B | BPF_ABS, SKF_AD_OFF + SKF_AD_PKTTYPE),
	/* 1 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PACKET_OUTGOING, JMP(1, F_DROP), 0),
	/* 2 */ BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12),
	/* 3 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, LACP_ETHERTYPE_SLOW, JMP(3, F_ACCEPT), 0),
	/* 4 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, LACP_ETHERTYPE_VLAN, JMP(4, 6), 0),
	/* 5 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, LACP_ETHERTYPE_QINQ, 0, JMP(5, F_DROP)),
	/* 6 */ BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 16),
	/* 7 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, LACP_ETHERTYPE_SLOW, JMP(7, F_ACCEPT), 0),
	/* 8 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, LACP_ETHERTYPE_VLAN, JMP(8, 10), 0),
	/* 9 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, LACP_ETHERTYPE_QINQ, 0, JMP(9, F_DROP)),
	/* 10 */ BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 20),
	/* 11 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, LACP_ETHERTYPE_SLOW, JMP(11, F_ACCEPT),
			  JMP(11, F_DROP)),
	/* 12 */ BPF_STMT(BPF_RET | BPF_K, IO_FILTER_KEEP),
	/* 13 */ BPF_STMT(BPF_RET | BPF_K, 0),
};

/* Sets an int socket option. */
static int set_int(int fd, int level, int name, int value)
{
	return setsockopt(fd, level, name, &value, sizeof(value)) < 0 ? -errno : 0;
}

/* Sets a queue size, beyond net.core.[rw]mem_max when we may (root). */
static void set_queue(int fd, int force_name, int name, int size)
{
	if (set_int(fd, SOL_SOCKET, force_name, size) < 0)
		set_int(fd, SOL_SOCKET, name, size);
}

/* Makes FD the tester's socket: filter first, then bind, so not one
 * unfiltered frame is queued in between. */
static int sock_setup(int fd)
{
	struct sock_fprog prog = {
		.len = sizeof(slow_filter) / sizeof(slow_filter[0]),
		.filter = (struct sock_filter *)slow_filter,
	};
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ALL),
		.sll_ifindex = 0, /* every interface of the namespace */
	};
	int rc;

	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) < 0)
		return -errno;
	rc = set_int(fd, SOL_PACKET, PACKET_AUXDATA, 1);
	if (rc == 0)
		rc = set_int(fd, SOL_SOCKET, SO_TIMESTAMPNS, 1);
	if (rc < 0)
		return rc;
	/* Saves the kernel cloning each of our transmissions for us only to
	 * have the filter drop it; the filter stays for kernels before 4.20. */
	set_int(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, 1);
	set_queue(fd, SO_RCVBUFFORCE, SO_RCVBUF, IO_RCVBUF);
	set_queue(fd, SO_SNDBUFFORCE, SO_SNDBUF, IO_SNDBUF);
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		return -errno;
	return 0;
}

int lacp_io_open(int nsfd, struct lacp_io **out)
{
	struct lacp_io *io;
	int saved, rc, leave;

	*out = NULL;
	io = calloc(1, sizeof(*io));
	if (!io)
		return -ENOMEM;
	io->fd = -1;
	rc = lacp_netns_enter(nsfd, &saved);
	if (rc < 0)
		goto fail;
	/* Protocol 0: no frame is queued before sock_setup() binds. */
	io->fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (io->fd < 0)
		rc = -errno;
	/* The socket stays in the namespace it was made in. */
	leave = lacp_netns_leave(saved);
	if (rc == 0)
		rc = leave;
	if (rc == 0)
		rc = sock_setup(io->fd);
	if (rc < 0)
		goto fail;
	*out = io;
	return 0;

fail:
	lacp_io_close(io);
	return rc;
}

int lacp_io_fd(const struct lacp_io *io)
{
	return io->fd;
}

void lacp_io_close(struct lacp_io *io)
{
	if (!io)
		return;
	if (io->fd >= 0)
		close(io->fd);
	free(io);
}

static int membership(struct lacp_io *io, int ifindex, int op)
{
	struct packet_mreq mr = {
		.mr_ifindex = ifindex,
		.mr_type = PACKET_MR_MULTICAST,
		.mr_alen = ETH_ALEN,
	};

	memcpy(mr.mr_address, lacp_slow_multicast, ETH_ALEN);
	return setsockopt(io->fd, SOL_PACKET, op, &mr, sizeof(mr)) < 0 ? -errno : 0;
}

int lacp_io_join(struct lacp_io *io, int ifindex)
{
	return membership(io, ifindex, PACKET_ADD_MEMBERSHIP);
}

int lacp_io_leave(struct lacp_io *io, int ifindex)
{
	return membership(io, ifindex, PACKET_DROP_MEMBERSHIP);
}

int lacp_io_send(struct lacp_io *io, int ifindex, const uint8_t *frame,
		 size_t len)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_ifindex = ifindex,
		.sll_halen = ETH_ALEN,
	};
	ssize_t n;
	int rc = 0;

	if (len < LACP_ETH_HLEN) {
		rc = -EINVAL;
		goto out;
	}
	/* The frame's own first ethertype (a TPID when tagged) becomes the
	 * kernel's idea of its protocol, as a NIC receiving it would see. */
	sll.sll_protocol = htons((uint16_t)(frame[12] << 8 | frame[13]));
	memcpy(sll.sll_addr, frame, ETH_ALEN);
	n = sendto(io->fd, frame, len, MSG_DONTWAIT, (struct sockaddr *)&sll,
		   sizeof(sll));
	if (n < 0)
		rc = -errno;
	else if ((size_t)n != len)
		rc = -EMSGSIZE;
out:
	if (rc < 0) {
		io->stats.tx_errors++;
	} else {
		io->stats.tx_frames++;
		io->stats.tx_bytes += len;
	}
	return rc;
}

/* Reads a batch of frames into the slots. Returns how many, 0 when none is
 * pending, or a negative errno. */
static int fill_batch(struct lacp_io *io)
{
	struct timespec now;
	unsigned i;
	int n;

	for (i = 0; i < IO_BATCH; i++) {
		struct io_slot *s = &io->slots[i];
		struct msghdr *m = &io->msgs[i].msg_hdr;

		s->iov.iov_base = s->buf + IO_HEADROOM;
		s->iov.iov_len = LACP_IO_SNAPLEN;
		memset(m, 0, sizeof(*m));
		m->msg_name = &s->addr;
		m->msg_namelen = sizeof(s->addr);
		m->msg_iov = &s->iov;
		m->msg_iovlen = 1;
		m->msg_control = s->cmsg;
		m->msg_controllen = sizeof(s->cmsg);
		io->msgs[i].msg_len = 0;
	}
	io->count = io->next = 0;
	do {
		/* MSG_TRUNC: msg_len is then the frame's real length. */
		n = recvmmsg(io->fd, io->msgs, IO_BATCH, MSG_DONTWAIT | MSG_TRUNC,
			     NULL);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
	clock_gettime(CLOCK_MONOTONIC, &now);
	io->batch_mono_us = (uint64_t)now.tv_sec * 1000000u +
			    (uint64_t)now.tv_nsec / 1000u;
	/* The kernel stamps frames on the real-time clock: this pair of
	 * reads puts them on the monotonic one (stamp_mono_us). */
	clock_gettime(CLOCK_REALTIME, &now);
	io->batch_real_us = (uint64_t)now.tv_sec * 1000000u +
			    (uint64_t)now.tv_nsec / 1000u;
	io->count = (unsigned)n;
	return n;
}

/* Turns slot I into *F. Returns false for a frame to skip. */
static bool slot_frame(struct lacp_io *io, unsigned i, struct lacp_io_frame *f)
{
	struct io_slot *s = &io->slots[i];
	struct msghdr *m = &io->msgs[i].msg_hdr;
	const struct tpacket_auxdata *aux = NULL;
	const struct timespec *ts = NULL;
	struct cmsghdr *c;
	size_t wire = io->msgs[i].msg_len, got;
	uint8_t *data = s->buf + IO_HEADROOM;
	uint16_t tpid;

	/* Kernels before PACKET_IGNORE_OUTGOING, filters aside: never hand
	 * our own transmissions back. */
	if (s->addr.sll_pkttype == PACKET_OUTGOING || wire < LACP_ETH_HLEN)
		return false;
	for (c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c)) {
		if (c->cmsg_level == SOL_PACKET && c->cmsg_type == PACKET_AUXDATA)
			aux = (const struct tpacket_auxdata *)CMSG_DATA(c);
		else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS)
			ts = (const struct timespec *)CMSG_DATA(c);
	}
	got = wire < LACP_IO_SNAPLEN ? wire : LACP_IO_SNAPLEN;

	/* VLAN_VALID tells a stripped tag with TCI 0 (priority tag) from
	 * no tag at all. */
	if (aux && (aux->tp_status & TP_STATUS_VLAN_VALID)) {
		tpid = (aux->tp_status & TP_STATUS_VLAN_TPID_VALID) ?
			aux->tp_vlan_tpid : LACP_ETHERTYPE_VLAN;
		data -= LACP_VLAN_HLEN;
		memmove(data, data + LACP_VLAN_HLEN, 12);
		data[12] = tpid >> 8;
		data[13] = tpid & 0xff;
		data[14] = aux->tp_vlan_tci >> 8;
		data[15] = aux->tp_vlan_tci & 0xff;
		got += LACP_VLAN_HLEN;
		wire += LACP_VLAN_HLEN;
	}

	memset(f, 0, sizeof(*f));
	f->ifindex = s->addr.sll_ifindex;
	f->data = data;
	f->len = got;
	f->wire_len = wire;
	f->truncated = (m->msg_flags & MSG_TRUNC) || got < wire;
	f->pkt_type = s->addr.sll_pkttype;
	if (ts)
		f->kernel_us = (uint64_t)ts->tv_sec * 1000000u +
			       (uint64_t)ts->tv_nsec / 1000u;
	f->mono_us = io->batch_mono_us;
	/* How long before the read the kernel took it, on the monotonic
	 * axis; a stamp from the future (the clock set back) is none. */
	if (f->kernel_us != 0 && f->kernel_us <= io->batch_real_us &&
	    io->batch_real_us - f->kernel_us < io->batch_mono_us)
		f->stamp_mono_us = io->batch_mono_us - (io->batch_real_us - f->kernel_us);

	io->stats.rx_frames++;
	io->stats.rx_bytes += wire;
	if (f->truncated)
		io->stats.rx_truncated++;
	return true;
}

int lacp_io_recv(struct lacp_io *io, struct lacp_io_frame *f)
{
	int n;

	for (;;) {
		while (io->next < io->count)
			if (slot_frame(io, io->next++, f))
				return 1;
		n = fill_batch(io);
		if (n <= 0)
			return n;
	}
}

bool lacp_io_pending(const struct lacp_io *io)
{
	return io->next < io->count;
}

int lacp_io_stats(struct lacp_io *io, struct lacp_io_stats *out)
{
	struct tpacket_stats st;
	socklen_t len = sizeof(st);
	int rc = 0;

	if (getsockopt(io->fd, SOL_PACKET, PACKET_STATISTICS, &st, &len) < 0)
		rc = -errno;
	else
		io->stats.rx_drops += st.tp_drops;
	*out = io->stats;
	return rc;
}
