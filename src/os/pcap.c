/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Classic pcap output: a 24-octet file header, then a 16-octet record
 * header before each frame, all in host byte order (readers tell the order
 * from the magic number). Snap length 65535: LACP frames are far shorter,
 * and longer frames are cut to it with their original length recorded.
 */
#include "pcap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#define PCAP_MAGIC_USEC 0xa1b2c3d4u
#define PCAP_VERSION_MAJOR 2
#define PCAP_VERSION_MINOR 4
#define PCAP_SNAPLEN 65535u
#define PCAP_LINKTYPE_ETHERNET 1u

struct lacp_pcap {
	FILE *f;
};

struct file_header {
	uint32_t magic;
	uint16_t version_major;
	uint16_t version_minor;
	int32_t thiszone;
	uint32_t sigfigs;
	uint32_t snaplen;
	uint32_t linktype;
};

struct record_header {
	uint32_t ts_sec;
	uint32_t ts_usec;
	uint32_t incl_len;
	uint32_t orig_len;
};

_Static_assert(sizeof(struct file_header) == 24, "pcap file header");
_Static_assert(sizeof(struct record_header) == 16, "pcap record header");

/* errno as a negative value, never 0 even if the C library left it unset. */
static int neg_errno(void)
{
	return errno ? -errno : -EIO;
}

struct lacp_pcap *lacp_pcap_open(const char *path, int *err)
{
	const struct file_header h = {
		.magic = PCAP_MAGIC_USEC,
		.version_major = PCAP_VERSION_MAJOR,
		.version_minor = PCAP_VERSION_MINOR,
		.snaplen = PCAP_SNAPLEN,
		.linktype = PCAP_LINKTYPE_ETHERNET,
	};
	struct lacp_pcap *pc = calloc(1, sizeof(*pc));

	errno = 0;
	if (!pc)
		goto fail;
	pc->f = fopen(path, "wb");
	if (!pc->f)
		goto fail;
	if (fwrite(&h, sizeof(h), 1, pc->f) != 1 || fflush(pc->f) != 0)
		goto fail;
	return pc;

fail:
	*err = errno ? errno : EIO;
	if (pc && pc->f)
		fclose(pc->f);
	free(pc);
	return NULL;
}

int lacp_pcap_write(struct lacp_pcap *pc, int64_t time_us,
		    const uint8_t *frame, size_t len)
{
	/* Floor division, so that times before the origin stay ordered. */
	int64_t sec = time_us / 1000000, usec = time_us % 1000000;
	struct record_header r;

	if (usec < 0) {
		usec += 1000000;
		sec--;
	}
	r.ts_sec = (uint32_t)sec;
	r.ts_usec = (uint32_t)usec;
	r.orig_len = len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;
	r.incl_len = len > PCAP_SNAPLEN ? PCAP_SNAPLEN : (uint32_t)len;
	errno = 0;
	if (fwrite(&r, sizeof(r), 1, pc->f) != 1 ||
	    (r.incl_len && fwrite(frame, r.incl_len, 1, pc->f) != 1))
		return neg_errno();
	return lacp_pcap_flush(pc);
}

int lacp_pcap_flush(struct lacp_pcap *pc)
{
	errno = 0;
	if (fflush(pc->f) != 0)
		return neg_errno();
	return 0;
}

void lacp_pcap_close(struct lacp_pcap *pc)
{
	if (!pc)
		return;
	fclose(pc->f);
	free(pc);
}
