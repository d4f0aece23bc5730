/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Slow Protocols frames on Linux interfaces through AF_PACKET.
 *
 * One struct lacp_io per network namespace, not per port: a single
 * non-blocking socket receives for every interface of the namespace and
 * reports the interface of each frame, so a thousand ports cost one fd in
 * the caller's select()-based event loop.
 *
 * The socket listens to every protocol (ETH_P_ALL) behind a kernel filter
 * that keeps only Slow Protocols frames (ethertype 0x8809), untagged or
 * behind one or two 802.1Q/802.1ad tags, and never our own transmissions.
 * A socket bound to ETH_P_SLOW would not do: the receive path strips the
 * outer VLAN tag before protocol dispatch, so a single-tagged frame reaches
 * it with the tag gone for good and a double-tagged one not at all. Taps see
 * the stripped tag in PACKET_AUXDATA; lacp_io_recv() puts it back, so the
 * caller gets every frame as it was on the wire.
 *
 * Functions return 0 (1 for a received frame) or a negative errno; nothing
 * prints and nothing waits.
 */
#ifndef LACP_IO_H
#define LACP_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Frames longer than this are delivered cut, with truncated set. */
#define LACP_IO_SNAPLEN 2048

/* One received frame. DATA points into the lacp_io and stays valid until
 * the next lacp_io_recv() or lacp_io_close() on it. */
struct lacp_io_frame {
	int ifindex;          /* interface it arrived on */
	const uint8_t *data;  /* from the destination MAC on, tags in place */
	size_t len;           /* octets at DATA (no FCS) */
	size_t wire_len;      /* the frame's real length, > LEN when truncated */
	bool truncated;
	uint8_t pkt_type;     /* PACKET_HOST, PACKET_MULTICAST, PACKET_OTHERHOST... */
	uint64_t kernel_us;   /* kernel receive stamp, CLOCK_REALTIME µs; 0 if none */
	uint64_t mono_us;     /* CLOCK_MONOTONIC µs read right after the socket read */
	uint64_t stamp_mono_us; /* kernel_us on the CLOCK_MONOTONIC axis; 0 if none */
};

/* Counters since lacp_io_open(). */
struct lacp_io_stats {
	uint64_t rx_frames;
	uint64_t rx_bytes;     /* wire lengths, tags included */
	uint64_t rx_truncated;
	uint64_t rx_drops;     /* dropped by the kernel: queue full (PACKET_STATISTICS) */
	uint64_t tx_frames;
	uint64_t tx_bytes;
	uint64_t tx_errors;    /* lacp_io_send() failures, EAGAIN included */
};

struct lacp_io;

/*
 * Opens the socket of the namespace NSFD (-1: the current one) from the
 * caller's own namespace. On success *OUT owns it; see lacp_io_close().
 */
int lacp_io_open(int nsfd, struct lacp_io **out);

/* The socket's fd, non-blocking: readable when lacp_io_recv() has work. */
int lacp_io_fd(const struct lacp_io *io);

/* Closes the socket (dropping every membership) and frees IO. NULL is allowed. */
void lacp_io_close(struct lacp_io *io);

/*
 * Adds (join) or drops (leave) the Slow Protocols multicast address
 * 01:80:c2:00:00:02 on IFINDEX, so a NIC with a hardware address filter
 * passes the frames up; never promiscuous mode. The kernel counts joins per
 * socket: each join needs its leave, and closing the socket leaves them all.
 * Join returns -ENODEV for a missing interface; current kernels accept a
 * leave with nothing to drop.
 *
 * A veth has no address filter: it delivers Slow Protocols frames whether
 * or not the address was joined. Joining still matters on real NICs.
 */
int lacp_io_join(struct lacp_io *io, int ifindex);
int lacp_io_leave(struct lacp_io *io, int ifindex);

/*
 * Sends FRAME, a complete Ethernet frame without FCS (header and any VLAN
 * tags built by the caller), on IFINDEX. Returns 0, or a negative errno:
 * -EAGAIN/-ENOBUFS when the socket or the device queue is full (the frame is
 * not sent and nothing waits), -ENETDOWN for an interface that is down,
 * -EINVAL for a frame shorter than an Ethernet header.
 */
int lacp_io_send(struct lacp_io *io, int ifindex, const uint8_t *frame,
		 size_t len);

/*
 * Takes one received frame. Returns 1 and fills *F, 0 when none is pending,
 * or a negative errno. Frames are read from the socket in batches, so call
 * it until it returns 0 (or check lacp_io_pending()) before waiting on the
 * fd again: a batch already read does not make the fd readable. All frames
 * of a batch share one mono_us; kernel_us is per frame.
 */
int lacp_io_recv(struct lacp_io *io, struct lacp_io_frame *f);

/* True when frames already read from the socket wait in IO's batch. */
bool lacp_io_pending(const struct lacp_io *io);

/*
 * Fills *OUT with IO's counters, first collecting the kernel's drop count
 * (which reading resets in the kernel, so it is accumulated here). Returns
 * 0, or a negative errno if the kernel count could not be read (the other
 * counters are filled all the same).
 */
int lacp_io_stats(struct lacp_io *io, struct lacp_io_stats *out);

#endif
