/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A minimal writer of classic pcap files (LINKTYPE_ETHERNET, microsecond
 * timestamps) for the -capture option: every record is flushed as it is
 * written, so that tshark or tcpdump reading the file see it at once.
 * Errors are returned as negative errno values; nothing is printed.
 */
#ifndef LACP_PCAP_H
#define LACP_PCAP_H

#include <stddef.h>
#include <stdint.h>

struct lacp_pcap;

/*
 * Creates (or truncates) PATH and writes the file header. Returns the
 * handle, or NULL with *ERR set to the errno of the failure.
 */
struct lacp_pcap *lacp_pcap_open(const char *path, int *err);

/*
 * Appends FRAME (LEN octets, from the destination MAC on, without FCS)
 * with the timestamp TIME_US (microseconds since the epoch, or any origin
 * the caller likes) and flushes it. Returns 0 or a negative errno.
 */
int lacp_pcap_write(struct lacp_pcap *pc, int64_t time_us,
		    const uint8_t *frame, size_t len);

/* Flushes buffered records to the file. Returns 0 or a negative errno. */
int lacp_pcap_flush(struct lacp_pcap *pc);

/* Flushes and closes the file and frees PC. NULL is a no-op. */
void lacp_pcap_close(struct lacp_pcap *pc);

#endif
