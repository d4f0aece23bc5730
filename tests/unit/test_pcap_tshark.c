/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Writes frames built by src/core/lacpdu.c into a pcap with src/os/pcap.c and has
 * tshark, an independent dissector, read them back: every field must come
 * out as set, and no frame may carry an expert note (malformed or other).
 * A second capture of deliberately broken PDUs must be flagged, which
 * shows that the check can fail. Needs /usr/bin/tshark (Debian package
 * tshark); without it the test fails, saying so.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "lacpdu.h"
#include "pcap.h"

/* One frame of the capture, described by its field values. */
struct frame {
	int64_t time_us;
	bool marker;
	struct lacp_lacpdu pdu;
	struct lacp_marker m;
	struct lacp_eth tags;
};

static const uint8_t src_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };

static const struct frame frames[] = {
	{ .time_us = 1700000000123456, .pdu = { 1,
		{ 32768, { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 }, 1, 255, 5, 0x3d },
		{ 65534, { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee }, 0x1234, 32768, 258, 0x45 },
		16 } },
	{ .time_us = 1700000001000000, .pdu = { 1,
		{ 65535, { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, 65535, 65535, 65535, 0xff },
		{ 65535, { 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54 }, 65535, 65535, 65535, 0xff },
		65535 } },
	{ .time_us = 1700000001000001, .pdu = { 1,
		{ 0, { 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 }, 0, 0, 0, 0x00 },
		{ 0, { 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 }, 0, 0, 0, 0x00 },
		0 } },
	{ .time_us = 1700000002500000, .marker = true,
	  .m = { 1, false, 7, { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 }, 0xdeadbeef } },
	{ .time_us = 1700000002500001, .marker = true,
	  .m = { 1, true, 65535, { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee }, 1 } },
	{ .time_us = 1700000003000000, .pdu = { 1,
		{ 32768, { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 }, 7, 128, 3, 0x07 },
		{ 32768, { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee }, 9, 128, 4, 0x82 },
		0 },
	  .tags = { .n_vlans = 1, .vlan_tpid = { LACP_ETHERTYPE_VLAN },
		    .vlan_tci = { 0xe00a } } },
	{ .time_us = 1700000003000001, .pdu = { 1,
		{ 1, { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 }, 2, 3, 4, 0x3f },
		{ 5, { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee }, 6, 7, 8, 0xc0 },
		9 },
	  .tags = { .n_vlans = 2,
		    .vlan_tpid = { LACP_ETHERTYPE_QINQ, LACP_ETHERTYPE_VLAN },
		    .vlan_tci = { 100, 0xa0c8 } } },
};
#define N_FRAMES (sizeof(frames) / sizeof(frames[0]))

/* The tshark fields compared, in this order, '|'-separated. */
static const char *const fields[] = {
	"frame.number", "frame.time_epoch", "frame.len", "eth.dst",
	"eth.src", "eth.type", "vlan.id", "vlan.priority", "vlan.etype",
	"ieee8021ad.id", "slow.subtype", "lacp.version", "lacp.tlv_type",
	"lacp.tlv_length", "lacp.actor.sys_priority", "lacp.actor.sysid",
	"lacp.actor.key", "lacp.actor.port_priority", "lacp.actor.port",
	"lacp.actor.state", "lacp.actor.reserved",
	"lacp.partner.sys_priority", "lacp.partner.sysid",
	"lacp.partner.key", "lacp.partner.port_priority", "lacp.partner.port",
	"lacp.partner.state", "lacp.partner.reserved",
	"lacp.collector.max_delay", "lacp.coll_reserved", "lacp.pad",
	"marker.version", "marker.tlvType", "marker.tlvLen",
	"marker.requesterPort", "marker.requesterSystem",
	"marker.requesterTransId", "marker.requesterPad", "marker.reserved",
};
#define N_FIELDS (sizeof(fields) / sizeof(fields[0]))

/* Appends printf-style text to BUF (of CAP), keeping it terminated. */
static void append(char *buf, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void append(char *buf, size_t cap, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf + used, cap - used, fmt, ap);
	va_end(ap);
}

static void append_mac(char *buf, size_t cap, const uint8_t *m)
{
	append(buf, cap, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
	       m[3], m[4], m[5]);
}

static void append_zeros(char *buf, size_t cap, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		append(buf, cap, "00");
}

static void append_info(char *buf, size_t cap, const struct lacp_info *i)
{
	append(buf, cap, "|%u|", i->system_priority);
	append_mac(buf, cap, i->system);
	append(buf, cap, "|%u|%u|%u|0x%02x|000000", i->key, i->port_priority,
	       i->port, i->state);
}

/* The line tshark must print for frame N (from 0), written from the field
 * values alone, never from encoded octets. */
static void expected_line(unsigned n, char *buf, size_t cap)
{
	const struct frame *f = &frames[n];
	const struct lacp_eth *t = &f->tags;
	int q = -1;

	buf[0] = '\0';
	append(buf, cap, "%u|%lld.%06lld000|%u|01:80:c2:00:00:02|", n + 1,
	       (long long)(f->time_us / 1000000),
	       (long long)(f->time_us % 1000000),
	       14 + 4 * t->n_vlans + LACP_PDU_LEN);
	append_mac(buf, cap, src_mac);
	append(buf, cap, "|0x%04x|", t->n_vlans ? t->vlan_tpid[0] : 0x8809);
	/* vlan.* describe the 802.1Q tag, ieee8021ad.id the 802.1ad one. */
	for (unsigned i = 0; i < t->n_vlans; i++)
		if (t->vlan_tpid[i] == LACP_ETHERTYPE_VLAN)
			q = (int)i;
	if (q >= 0)
		append(buf, cap, "%u|%u|0x8809|", t->vlan_tci[q] & 0xfff,
		       t->vlan_tci[q] >> 13);
	else
		append(buf, cap, "|||");
	if (t->n_vlans && t->vlan_tpid[0] == LACP_ETHERTYPE_QINQ)
		append(buf, cap, "%u", t->vlan_tci[0] & 0xfff);
	if (f->marker) {
		append(buf, cap, "|0x02||||||||||||||||||||");
		append(buf, cap, "|0x%02x|0x%02x,0x00|0x10,0x00|%u|",
		       f->m.version, f->m.response ? 2 : 1, f->m.port);
		append_mac(buf, cap, f->m.system);
		append(buf, cap, "|%u|0|", f->m.transaction);
		append_zeros(buf, cap, 90);
	} else {
		append(buf, cap, "|0x01|0x%02x|0x01,0x02,0x03,0x00|"
		       "0x14,0x14,0x10,0x00", f->pdu.version);
		append_info(buf, cap, &f->pdu.actor);
		append_info(buf, cap, &f->pdu.partner);
		append(buf, cap, "|%u|", f->pdu.collector_max_delay);
		append_zeros(buf, cap, 12);
		append(buf, cap, "|");
		append_zeros(buf, cap, 50);
		append(buf, cap, "||||||||");
	}
}

/* Runs CMD through the shell; returns its stdout (malloc'd) or NULL, and
 * its exit status in *STATUS. */
static char *run(const char *cmd, int *status)
{
	FILE *p = popen(cmd, "r");
	size_t len = 0, cap = 4096;
	char *out = malloc(cap);

	if (!p || !out) {
		if (p)
			pclose(p);
		free(out);
		*status = -1;
		return NULL;
	}
	for (;;) {
		size_t n = fread(out + len, 1, cap - len - 1, p);

		len += n;
		if (n == 0)
			break;
		if (cap - len < 2) {
			char *bigger = realloc(out, cap * 2);

			if (!bigger)
				break;
			out = bigger;
			cap *= 2;
		}
	}
	out[len] = '\0';
	*status = pclose(p);
	return out;
}

/* Builds frame N into BUF; returns its length. */
static size_t build(unsigned n, uint8_t *buf)
{
	const struct frame *f = &frames[n];
	size_t h = lacp_eth_encode(lacp_slow_multicast, src_mac, &f->tags, buf);

	if (f->marker)
		lacp_marker_encode(&f->m, buf + h);
	else
		lacp_lacpdu_encode(&f->pdu, buf + h);
	return h + LACP_PDU_LEN;
}

/* Makes a fresh directory for the captures. */
static bool make_dir(char *dir, size_t cap)
{
	const char *base = getenv("LACP_TEST_TMP");

	if (!base || !*base)
		base = "/tmp";
	if (mkdir(base, 0777) != 0 && errno != EEXIST)
		return false;
	snprintf(dir, cap, "%s/pcap-XXXXXX", base);
	return mkdtemp(dir) != NULL && !strchr(dir, '\'');
}

static void test_file_format(const char *path)
{
	uint8_t h[24 + 16];
	FILE *f = fopen(path, "rb");
	uint32_t magic, linktype, ts_sec, ts_usec, incl, orig;
	uint16_t major, minor;

	CHECK(f != NULL);
	if (!f)
		return;
	CHECK_INT(fread(h, 1, sizeof(h), f), sizeof(h));
	fclose(f);
	memcpy(&magic, h, 4);
	memcpy(&major, h + 4, 2);
	memcpy(&minor, h + 6, 2);
	memcpy(&linktype, h + 20, 4);
	memcpy(&ts_sec, h + 24, 4);
	memcpy(&ts_usec, h + 28, 4);
	memcpy(&incl, h + 32, 4);
	memcpy(&orig, h + 36, 4);
	CHECK_INT(magic, 0xa1b2c3d4);
	CHECK_INT(major, 2);
	CHECK_INT(minor, 4);
	CHECK_INT(linktype, 1);
	CHECK_INT(ts_sec, frames[0].time_us / 1000000);
	CHECK_INT(ts_usec, frames[0].time_us % 1000000);
	CHECK_INT(incl, 124);
	CHECK_INT(orig, 124);
}

static void test_good(const char *tshark, const char *dir)
{
	char path[512], cmd[4096], want[2048];
	struct lacp_pcap *pc;
	uint8_t buf[256];
	char *out, *line;
	int err = 0, status;

	snprintf(path, sizeof(path), "%s/good.pcap", dir);
	pc = lacp_pcap_open(path, &err);
	CHECK(pc != NULL);
	if (!pc) {
		fprintf(stderr, "cannot create %s: %s\n", path, strerror(err));
		return;
	}
	for (unsigned i = 0; i < N_FRAMES; i++) {
		CHECK_INT(lacp_pcap_write(pc, frames[i].time_us, buf,
					  build(i, buf)), 0);
		if (i == 0) {
			/* Flushed per record: a reader sees it while open. */
			snprintf(cmd, sizeof(cmd),
				 "'%s' -r '%s' -T fields -e frame.number "
				 "2>/dev/null", tshark, path);
			out = run(cmd, &status);
			CHECK_INT(status, 0);
			CHECK_STR(out, "1\n");
			free(out);
		}
	}
	CHECK_INT(lacp_pcap_flush(pc), 0);
	lacp_pcap_close(pc);
	test_file_format(path);

	snprintf(cmd, sizeof(cmd), "'%s' -r '%s' -T fields -E separator='|' "
		 "-E occurrence=a -E aggregator=,", tshark, path);
	for (unsigned i = 0; i < N_FIELDS; i++)
		append(cmd, sizeof(cmd), " -e %s", fields[i]);
	append(cmd, sizeof(cmd), " 2>/dev/null");
	out = run(cmd, &status);
	CHECK_INT(status, 0);
	CHECK(out != NULL);
	if (!out)
		return;
	line = out;
	for (unsigned i = 0; i < N_FRAMES; i++) {
		char *nl = strchr(line, '\n');

		CHECK(nl != NULL);
		if (!nl)
			break;
		*nl = '\0';
		expected_line(i, want, sizeof(want));
		CHECK_STR(line, want);
		line = nl + 1;
	}
	CHECK_STR(line, "");
	free(out);

	/* No expert note of any severity, malformed or otherwise. */
	snprintf(cmd, sizeof(cmd), "'%s' -r '%s' -Y '_ws.expert || "
		 "_ws.malformed' -T fields -e frame.number -e _ws.expert.message"
		 " 2>/dev/null", tshark, path);
	out = run(cmd, &status);
	CHECK_INT(status, 0);
	CHECK_STR(out, "");
	free(out);

	/* Each state bit as Wireshark names it (802.1AX-2014 6.4.2.3 m). */
	snprintf(cmd, sizeof(cmd), "'%s' -r '%s' -Y 'frame.number == 2' -T "
		 "fields -e lacp.actor.state.activity -e "
		 "lacp.actor.state.timeout -e lacp.actor.state.aggregation -e "
		 "lacp.actor.state.synchronization -e "
		 "lacp.actor.state.collecting -e lacp.actor.state.distributing "
		 "-e lacp.actor.state.defaulted -e lacp.actor.state.expired "
		 "2>/dev/null", tshark, path);
	out = run(cmd, &status);
	CHECK_INT(status, 0);
	CHECK_STR(out, "1\t1\t1\t1\t1\t1\t1\t1\n");
	free(out);
	unlink(path);
}

/* Broken PDUs must be flagged: proof that test_good's check can fail. */
static void test_bad(const char *tshark, const char *dir)
{
	char path[512], cmd[1024];
	struct lacp_pcap *pc;
	struct lacp_craft c;
	struct lacp_marker_craft mc;
	uint8_t buf[256];
	size_t h;
	char *out;
	int err = 0, status;

	snprintf(path, sizeof(path), "%s/bad.pcap", dir);
	pc = lacp_pcap_open(path, &err);
	CHECK(pc != NULL);
	if (!pc)
		return;
	h = lacp_eth_encode(lacp_slow_multicast, src_mac, NULL, buf);
	lacp_craft_init(&c);
	c.pdu = frames[0].pdu;
	c.actor_length = 19;
	CHECK_INT(lacp_pcap_write(pc, 1, buf,
				  h + lacp_craft_encode(&c, buf + h, 200)), 0);
	lacp_marker_craft_init(&mc);
	mc.m = frames[3].m;
	mc.reserved_fill = 3;
	CHECK_INT(lacp_pcap_write(pc, 2, buf, h + lacp_marker_craft_encode(
					  &mc, buf + h, 200)), 0);
	lacp_pcap_close(pc);

	snprintf(cmd, sizeof(cmd), "'%s' -r '%s' -Y _ws.expert -T fields -e "
		 "frame.number 2>/dev/null", tshark, path);
	out = run(cmd, &status);
	CHECK_INT(status, 0);
	CHECK_STR(out, "1\n2\n");
	free(out);
	unlink(path);
}

static void test_errors(const char *dir)
{
	char path[512];
	int err = 0;

	snprintf(path, sizeof(path), "%s/no/such/dir/x.pcap", dir);
	CHECK(lacp_pcap_open(path, &err) == NULL);
	CHECK_INT(err, ENOENT);
	lacp_pcap_close(NULL);
}

int main(void)
{
	const char *tshark = "/usr/bin/tshark";
	char dir[256];

	if (access(tshark, X_OK) != 0) {
		fprintf(stderr, "%s not found: this test needs tshark "
			"(apt-get install tshark)\n", tshark);
		return 1;
	}
	if (!make_dir(dir, sizeof(dir))) {
		fprintf(stderr, "cannot make a temporary directory: %s\n",
			strerror(errno));
		return 1;
	}
	test_good(tshark, dir);
	test_bad(tshark, dir);
	test_errors(dir);
	rmdir(dir);
	return CHECK_DONE();
}
