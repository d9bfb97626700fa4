// SPDX-License-Identifier: GPL-2.0
/*
 * No kernel addresses or uninitialised bytes reach readers.
 *
 * The ring (64 records, the smallest; restored to the default afterwards)
 * is first filled with records full of a pattern: IPv6 connections between
 * fd5a:5a5a:...:5a5a addresses made by a task named "ZZZZZZZZZZZZZZZ"
 * (0x5a everywhere). Then records of every kind (state changes v4, v6 and
 * IPv4-mapped v6, TIME_WAIT, resets sent and received, refused connections,
 * accept, totals) from a task named "t" overwrite them: a byte the module
 * does not write keeps the pattern. Every record of every round is checked,
 * over netlink (the binary records) and procfs (the same records, as text):
 * detail only where it has a meaning, unused address bytes zero, comm NUL-terminated and
 * zero-padded, known kinds/states/flags only, no 8-byte word that looks like
 * a kernel pointer, and the text matching the binary record.
 * Takes ~10 s under TCG.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/tcp.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <linux/tcptrail.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "../kselftest_harness.h"
#pragma GCC diagnostic pop
#pragma GCC diagnostic ignored "-Wclobbered"
#include "tcptrail_robust.h"

#define PATTERN_ADDR	"fd5a:5a5a:5a5a:5a5a:5a5a:5a5a:5a5a:5a5a"
#define ROUNDS		6

static int looks_like_kernel_pointer(uint64_t w)
{
	/* Direct map, vmalloc, modules, kernel text: 0xffff8... and up. */
	return (w & 0xffff800000000000ull) == 0xffff800000000000ull && w != ~0ull;
}

/* Checks one binary record; appends what is wrong to @why. 0 if clean. */
static int check_record(const struct tcptrail_record *r, uint64_t netns, char *why, size_t len)
{
	const unsigned char *b = (const void *)r;
	int bad = 0;
	size_t used = strlen(why);

#define BAD(...) do { bad++; if (used < len) used += snprintf(why + used, len - used, __VA_ARGS__); } while (0)
	/* An errno on a state change; a RST sent's reason; else nothing. */
	if (r->detail && r->kind != TCPTRAIL_KIND_STATE &&
	    !(r->kind == TCPTRAIL_KIND_RESET && r->reason == TCPTRAIL_REASON_RST_SENT))
		BAD(" detail=%u on a kind %u record", r->detail, r->kind);
	if (r->kind == TCPTRAIL_KIND_STATE && r->detail > 133)
		BAD(" detail=%u is no errno", r->detail);
	if (r->kind > TCPTRAIL_KIND_TOTALS)
		BAD(" kind=%u", r->kind);
	if (r->reason > TCPTRAIL_REASON_KILLED)
		BAD(" reason=%u", r->reason);
	if ((r->kind == TCPTRAIL_KIND_STATE || r->kind == TCPTRAIL_KIND_ACCEPT ||
	     r->kind == TCPTRAIL_KIND_TOTALS) && r->reason)
		BAD(" reason %u on a kind %u record", r->reason, r->kind);
	if (r->flags & ~TCPTRAIL_F_SOFTIRQ)
		BAD(" flags=%#x", r->flags);
	if (r->family != AF_INET && r->family != AF_INET6)
		BAD(" family=%u", r->family);
	if (r->old_state > 13 || r->new_state > 13)
		BAD(" states %u>%u", r->old_state, r->new_state);
	if (r->netns != netns)
		BAD(" netns %u", r->netns);
	if (!r->seq || !r->netns_seq || !r->conn || !r->ts_ns)
		BAD(" zero seq/netns_seq/conn/ts");
	if (r->kind != TCPTRAIL_KIND_TOTALS) {
		const char *nul = memchr(r->comm, 0, sizeof(r->comm));

		if (r->family == AF_INET) {
			for (int i = 4; i < 16; i++)
				if (r->saddr[i] || r->daddr[i]) {
					BAD(" IPv4 address byte %d not zero (%#x %#x)", i,
					    r->saddr[i], r->daddr[i]);
					break;
				}
		}
		if (!nul) {
			BAD(" comm not NUL-terminated");
		} else {
			for (const char *p = nul; p < r->comm + sizeof(r->comm); p++)
				if (*p) {
					BAD(" comm byte %d after the NUL is %#x", (int)(p - r->comm),
					    (unsigned char)*p);
					break;
				}
		}
	}
	for (size_t off = 0; off + 8 <= sizeof(*r); off += 8) {
		uint64_t w;

		memcpy(&w, b + off, 8);
		if (looks_like_kernel_pointer(w))
			BAD(" word at %zu looks like a kernel pointer: %#llx", off,
			    (unsigned long long)w);
	}
#undef BAD
	return bad;
}

static void addr_str(const struct tcptrail_record *r, const uint8_t *a, char *out, size_t len)
{
	inet_ntop(r->family == AF_INET6 ? AF_INET6 : AF_INET, a, out, len);
}

/* Compares a procfs line with the binary record of the same seq. */
static int check_line(char *line, const struct tcptrail_record *r, char *why, size_t len)
{
	char *f[20], *save = NULL, sa[64], da[64], num[32];
	int n = 0;

	for (char *t = strtok_r(line, " ", &save); t && n < 20; t = strtok_r(NULL, " ", &save))
		f[n++] = t;
	if (n != 17) {
		snprintf(why, len, "%d fields", n);
		return -1;
	}
	snprintf(num, sizeof(num), "%llu", (unsigned long long)r->cgroup);
	if (strcmp(f[16], num)) {
		snprintf(why, len, "CGROUP %s, netlink %s", f[16], num);
		return -1;
	}
	snprintf(num, sizeof(num), "%llu", (unsigned long long)r->conn);
	if (strcmp(f[3], num)) {
		snprintf(why, len, "CONN %s, netlink %s", f[3], num);
		return -1;
	}
	if (strcmp(f[4], r->family == AF_INET6 ? "ipv6" : "ipv4")) {
		snprintf(why, len, "FAMILY %s, netlink %u", f[4], r->family);
		return -1;
	}
	if (atoi(f[6]) != r->sport || atoi(f[8]) != r->dport) {
		snprintf(why, len, "ports %s %s, netlink %u %u", f[6], f[8], r->sport, r->dport);
		return -1;
	}
	if (atol(f[11]) != (long)r->tgid || atol(f[12]) != (long)r->pid) {
		snprintf(why, len, "TGID/PID %s/%s, netlink %u/%u", f[11], f[12], r->tgid, r->pid);
		return -1;
	}
	if (r->kind == TCPTRAIL_KIND_TOTALS) {
		if (strcmp(f[5], "-") || strcmp(f[7], "-") || strcmp(f[14], "-")) {
			snprintf(why, len, "totals with addresses/comm %s %s %s", f[5], f[7], f[14]);
			return -1;
		}
		return 0;
	}
	addr_str(r, r->saddr, sa, sizeof(sa));
	addr_str(r, r->daddr, da, sizeof(da));
	if (strcmp(f[5], sa) || strcmp(f[7], da)) {
		snprintf(why, len, "addresses %s %s, netlink %s %s", f[5], f[7], sa, da);
		return -1;
	}
	if (!strchr(f[14], '\\') && strncmp(f[14], r->comm, sizeof(r->comm))) {
		snprintf(why, len, "COMM %s, netlink %.16s", f[14], r->comm);
		return -1;
	}
	return 0;
}

static int add_pattern_addr(void)
{
	return system("ip -6 addr add " PATTERN_ADDR "/128 dev lo nodad 2>/dev/null");
}

/* Pattern records: IPv6 between two 0x5a addresses, comm of 15 'Z'. */
static int pattern_phase(int have_addr, int conns)
{
	const char *addr = have_addr ? PATTERN_ADDR : "::1";
	int lfd, port, ret = 0;

	prctl(PR_SET_NAME, "ZZZZZZZZZZZZZZZ");
	lfd = tt_listener(AF_INET6, addr);
	if (lfd < 0)
		return -1;
	port = tt_port(lfd);
	for (int i = 0; i < conns && !ret; i++)
		ret = tt_churn_one(AF_INET6, addr, lfd, port, NULL, NULL);
	close(lfd);
	return ret;
}

/* One of each kind, from a task named "t". */
static int mixed_phase(void)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	int lfd, lfd6, port, port6, c, s;

	prctl(PR_SET_NAME, "t");
	lfd = tt_listener(AF_INET, "127.0.0.1");
	lfd6 = tt_listener(AF_INET6, "::");	/* dual stack: IPv4-mapped clients */
	if (lfd < 0 || lfd6 < 0)
		return -1;
	port = tt_port(lfd);
	port6 = tt_port(lfd6);
	/* Orderly v4 and v6: state changes, accept, TIME_WAIT, totals. */
	if (tt_churn_one(AF_INET, "127.0.0.1", lfd, port, NULL, NULL) ||
	    tt_churn_one(AF_INET6, "::1", lfd6, port6, NULL, NULL) ||
	    tt_churn_one(AF_INET6, "::ffff:127.0.0.1", lfd6, port6, NULL, NULL) ||
	    tt_churn_one(AF_INET, "127.0.0.1", lfd6, port6, NULL, NULL))
		return -1;
	/* Abortive close: RST sent by one side, received by the other. */
	c = tt_client(AF_INET, "127.0.0.1", port);
	s = c >= 0 ? tt_accept(lfd) : -1;
	if (c < 0 || s < 0)
		return -1;
	setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(c);
	tt_sleep_ms(10);
	close(s);
	/* Refused: a SYN to a closed port gets a RST. */
	close(lfd);
	c = tt_client(AF_INET, "127.0.0.1", port);
	if (c >= 0)
		close(c);
	c = tt_client(AF_INET6, "::ffff:127.0.0.1", port);
	if (c >= 0)
		close(c);
	close(lfd6);
	return 0;
}

FIXTURE(leak) {
	struct nlc c;
	uint64_t netns;
};

FIXTURE_SETUP(leak)
{
	self->c.fd = -1;
	if (access(TT_EVENTS_PATH, F_OK))
		SKIP(return, "tcptrail module not loaded");
	ASSERT_EQ(0, tt_new_netns());
	self->netns = tt_netns_ino();
	ASSERT_EQ(0, nlc_open(&self->c));
	ASSERT_EQ(0, rb_set_config(&self->c, TCPTRAIL_RING_MIN, 1, 0, 1));
}

FIXTURE_TEARDOWN(leak)
{
	if (self->c.fd >= 0 && rb_set_config(&self->c, TCPTRAIL_RING_DEFAULT, 1, 0, 1))
		TH_LOG("could not restore the default configuration");
	nlc_close(&self->c);
}

TEST_F_TIMEOUT(leak, every_byte_written, 120)
{
	unsigned int kinds = 0, families = 0, checked = 0, lines = 0, softirq = 0;
	int have_addr = add_pattern_addr() == 0, bad = 0;

	if (!have_addr)
		ksft_print_msg("no 'ip' or cannot add " PATTERN_ADDR ": pattern records use ::1\n");
	for (int round = 0; round < ROUNDS; round++) {
		struct tt_dump d;
		char *text, *line, *save = NULL;

		/* 10 IPv6 connections: well over the 64 records of the ring. */
		ASSERT_EQ(0, pattern_phase(have_addr, 10));
		ASSERT_EQ(0, mixed_phase());
		tt_sleep_ms(50);
		ASSERT_EQ(0, tt_nl_dump(&self->c, 0, 0, 0, &d)) TH_LOG("%s", d.res.msg);
		text = tt_read_file(TT_EVENTS_PATH);
		ASSERT_NE(NULL, text);
		EXPECT_EQ(0UL, d.bad);
		EXPECT_LT(0UL, d.n);
		for (size_t i = 0; i < d.n; i++) {
			char why[512] = "";

			if (check_record(&d.r[i], self->netns, why, sizeof(why))) {
				if (bad++ < 20)
					TH_LOG("round %d, record seq %llu kind %u family %u %u>%u comm '%.16s':%s",
					       round, (unsigned long long)d.r[i].seq, d.r[i].kind,
					       d.r[i].family, d.r[i].old_state, d.r[i].new_state,
					       d.r[i].kind == TCPTRAIL_KIND_TOTALS ? "" : d.r[i].comm, why);
			}
			checked++;
			kinds |= 1u << d.r[i].kind;
			if (d.r[i].kind != TCPTRAIL_KIND_TOTALS)
				families |= d.r[i].family == AF_INET ? 1 : 2;
			softirq += d.r[i].flags & TCPTRAIL_F_SOFTIRQ;
		}
		/* The same records as text: each line must match its binary record. */
		for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			unsigned long long seq;
			char why[256] = "", copy[1024];

			if (line[0] == '#' || !strncmp(line, "SEQ ", 4))
				continue;
			if (sscanf(line, "%llu ", &seq) != 1) {
				bad++;
				TH_LOG("unparsable line: %s", line);
				continue;
			}
			for (size_t i = 0; i < d.n; i++) {
				if (d.r[i].seq != seq)
					continue;
				snprintf(copy, sizeof(copy), "%s", line);
				lines++;
				if (check_line(copy, &d.r[i], why, sizeof(why)) && bad++ < 20)
					TH_LOG("procfs line differs from netlink (%s): %s", why, line);
				break;
			}
		}
		free(text);
		tt_dump_free(&d);
	}
	ksft_print_msg("%u records checked over netlink (kinds seen %#x, families %#x, %u in softirq), %u procfs lines compared\n",
		       checked, kinds, families, softirq, lines);
	EXPECT_EQ(0, bad);
	EXPECT_LT(0U, lines);
	/* Every kind and both families were seen in the overwritten ring. */
	EXPECT_EQ(0x1fU, kinds);
	EXPECT_EQ(3U, families);
}

TEST_HARNESS_MAIN
