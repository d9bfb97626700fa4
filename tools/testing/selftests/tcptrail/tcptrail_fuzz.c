// SPDX-License-Identifier: GPL-2.0
/*
 * A seeded, time-bounded fuzzer for the "tcptrail" generic netlink family.
 *
 * In a network namespace of its own (SET_CONFIG is global all the same: the
 * defaults, ring 32768, recording on, no filters, are restored at the end),
 * the main process sends random and malformed requests: random commands,
 * versions and flags (NLM_F_DUMP on do-ops and the reverse), attributes of
 * wrong types and sizes, truncated and oversized attributes, NLA_F_NESTED
 * with garbage inside, hundreds of attributes, lying nlmsg_len, SET_CONFIG
 * with random values, dumps abandoned after the first recv(). Meanwhile
 * children churn loopback connections (v4 and v6) and run concurrent dumps
 * on sockets of their own, checking each dump's consistency.
 *
 * Pass: no kernel report in dmesg (the VM harness also fails the run on
 * any), every child consistent, and afterwards GET_CONFIG/GET_STATS answer
 * correctly and a fresh dump is consistent (seq increasing, no duplicate).
 *
 * TCPTRAIL_FUZZ_SECS (default 30, at most 120) bounds the fuzzing;
 * TCPTRAIL_FUZZ_SEED (default: time and pid) makes a run reproducible; the
 * seed is printed. The whole test takes the fuzzing time plus ~10 s.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <linux/tcptrail.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "../kselftest_harness.h"
#pragma GCC diagnostic pop
#pragma GCC diagnostic ignored "-Wclobbered"
#include "tcptrail_robust.h"

#define DUMPERS		3

static const uint16_t nl_flags[] = {
	NLM_F_REQUEST, NLM_F_MULTI, NLM_F_ACK, NLM_F_ECHO, NLM_F_DUMP_INTR,
	NLM_F_DUMP_FILTERED, NLM_F_ROOT, NLM_F_MATCH, NLM_F_ATOMIC,
	NLM_F_REPLACE, NLM_F_EXCL, NLM_F_CREATE, NLM_F_APPEND, 0x1000, 0x8000,
};

/* A plausible or implausible payload for attribute @type. */
static void put_value(struct nlc_msg *m, uint64_t *s, uint16_t type)
{
	unsigned char junk[2048];
	size_t len;

	switch (rb_below(s, 12)) {
	case 0: len = 0; break;
	case 1: len = 1; break;
	case 2: len = 2; break;
	case 3: len = 3; break;
	case 4: len = 4; break;
	case 5: len = 8; break;
	case 6: len = 7 + rb_below(s, 3); break;
	case 7: len = sizeof(struct tcptrail_record) + rb_below(s, 3) - 1; break;
	case 8: len = rb_below(s, sizeof(junk)); break;
	default: len = 0xffff; break;	/* typed below */
	}
	if (len == 0xffff) {
		/* The right size, a random or edge value. */
		uint64_t v = rb_below(s, 2) ? rb_rand(s) :
			     (uint64_t[]){ 0, 1, 63, 64, 65, 32768, 1u << 22, (1u << 22) + 1,
					   0xffffffffu, ~0ull, 1ull << 63 }[rb_below(s, 11)];

		switch (type & NLA_TYPE_MASK) {
		case TCPTRAIL_A_RING_SIZE:
			/* In range only up to 256 Ki records: resizes must stay quick. */
			if (rb_below(s, 3) == 0)
				v = 64 + rb_below(s, 1u << 18);
			nlc_put_u32(m, type, (uint32_t)v);
			return;
		case TCPTRAIL_A_ENABLED:
			nlc_put_u8(m, type, rb_below(s, 4) ? rb_below(s, 2) : (uint8_t)v);
			return;
		case TCPTRAIL_A_FILTER_FAMILY:
		case TCPTRAIL_A_PORT:
			nlc_put_u16(m, type, rb_below(s, 2) ?
				    (uint16_t[]){ 0, 2, 10, 1, 0xffff }[rb_below(s, 5)] : (uint16_t)v);
			return;
		case TCPTRAIL_A_ALL_NETNS:
			nlc_put_flag(m, type);
			return;
		default:
			nlc_put_u64(m, type, v);
			return;
		}
	}
	for (size_t i = 0; i < len; i++)
		junk[i] = (unsigned char)rb_rand(s);
	nlc_put(m, type, junk, len);
}

/* A nest with junk or attributes inside, possibly with lying lengths. */
static void put_nest(struct nlc_msg *m, uint64_t *s, uint16_t type, int depth)
{
	size_t start = nlc_nest_start(m, type);
	int n = rb_below(s, 20);

	for (int i = 0; i < n && m->len < sizeof(m->buf) - 4096; i++) {
		uint16_t t = rb_below(s, 3) ? TCPTRAIL_A_PORT : rb_below(s, TCPTRAIL_A_MAX + 3);

		if (rb_below(s, 8) == 0 && depth < 4)
			put_nest(m, s, t, depth + 1);
		else if (rb_below(s, 6) == 0) {
			unsigned char junk[64];
			size_t len = rb_below(s, sizeof(junk));

			for (size_t j = 0; j < len; j++)
				junk[j] = (unsigned char)rb_rand(s);
			nlc_put_bytes(m, junk, len);	/* raw garbage, no header */
		} else
			put_value(m, s, t);
	}
	nlc_nest_end(m, start);
	if (rb_below(s, 10) == 0) {
		struct nlattr *a = (struct nlattr *)(m->buf + start);

		a->nla_len = rb_below(s, 2) ? rb_below(s, 4) : (uint16_t)rb_rand(s);
	}
}

/* Builds one random request; returns the nlmsg_len to claim. */
static uint32_t build(struct nlc_msg *m, const struct nlc *c, uint64_t *s)
{
	uint8_t cmd = rb_below(s, 8) ? rb_below(s, TCPTRAIL_CMD_MAX + 2) : (uint8_t)rb_rand(s);
	uint8_t version = rb_below(s, 8) ? c->version : (uint8_t)rb_rand(s);
	uint16_t flags = 0;
	int nattrs;

	for (int i = rb_below(s, 4); i > 0; i--)
		flags |= nl_flags[rb_below(s, sizeof(nl_flags) / sizeof(nl_flags[0]))];
	if (rb_below(s, 2))
		flags |= NLM_F_DUMP;
	if (rb_below(s, 2))
		flags |= NLM_F_ACK;
	nlc_msg_init_raw(m, c->family, flags, cmd, version);
	if (rb_below(s, 16) == 0)
		m->nlh.nlmsg_flags &= ~NLM_F_REQUEST;

	switch (rb_below(s, 10)) {
	case 0: nattrs = 0; break;
	case 1: nattrs = 100 + rb_below(s, 1000); break;	/* many */
	default: nattrs = 1 + rb_below(s, 6); break;
	}
	for (int i = 0; i < nattrs && m->len < sizeof(m->buf) - 4096; i++) {
		uint16_t type = rb_below(s, 8) ? rb_below(s, TCPTRAIL_A_MAX + 2) :
			       (uint16_t)rb_rand(s);

		if (rb_below(s, 10) == 0)
			type |= NLA_F_NET_BYTEORDER;
		if ((type & NLA_TYPE_MASK) == TCPTRAIL_A_FILTER_PORTS || rb_below(s, 10) == 0)
			put_nest(m, s, type, 0);
		else
			put_value(m, s, type);
	}
	/* A last attribute longer than what is left: truncated. */
	if (rb_below(s, 10) == 0) {
		struct nlattr a = { .nla_len = 4 + rb_below(s, 200),
				    .nla_type = rb_below(s, TCPTRAIL_A_MAX + 1) };

		m->len = NLA_ALIGN(m->len);
		nlc_put_bytes(m, &a, sizeof(a));
		nlc_put_bytes(m, "\x01\x02", rb_below(s, 3));
	}
	/* Lie about the length now and then: shorter, longer, huge, "negative". */
	switch (rb_below(s, 24)) {
	case 0: return m->len - rb_below(s, m->len + 1);
	case 1: return m->len + 1 + rb_below(s, 64);
	case 2: return 0xffffffffu - rb_below(s, 16);
	case 3: return 0x80000000u;
	case 4: return NLMSG_HDRLEN + rb_below(s, GENL_HDRLEN);
	default: return m->len;
	}
}

/* Reads whatever the kernel answers, until quiet for @quiet_ms. */
static void drain(int fd, int quiet_ms)
{
	static char buf[65536];
	struct pollfd p = { .fd = fd, .events = POLLIN };

	while (poll(&p, 1, quiet_ms) > 0) {
		if (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) < 0 && errno != ENOBUFS &&
		    errno != EAGAIN && errno != EINTR)
			break;
	}
}

/* Checks one dump: 0 or a description of what is wrong in @why. */
static int check_dump(const struct tt_dump *d, uint64_t netns, int all_netns, char *why, size_t len)
{
	uint64_t last_seq = 0;

	if (d->bad) {
		snprintf(why, len, "%zu malformed replies", d->bad);
		return -1;
	}
	for (size_t i = 0; i < d->n; i++) {
		const struct tcptrail_record *r = &d->r[i];

		if (r->seq <= last_seq) {
			snprintf(why, len, "record %zu: seq %llu after %llu", i,
				 (unsigned long long)r->seq, (unsigned long long)last_seq);
			return -1;
		}
		last_seq = r->seq;
		if (!all_netns && r->netns != netns) {
			snprintf(why, len, "record seq %llu of netns %u, not ours (%llu)",
				 (unsigned long long)r->seq, r->netns, (unsigned long long)netns);
			return -1;
		}
	}
	return 0;
}

/* A child that dumps concurrently on sockets of its own; 0 if every dump was consistent. */
static int dumper(uint64_t seed, uint64_t deadline, uint64_t netns)
{
	uint64_t s = seed, dumps = 0, abandoned = 0;
	char why[256];

	while (tt_now_ns() < deadline) {
		struct nlc c;
		struct tt_dump d;
		int ret;

		/* Small receive buffers make long multi-message dumps. */
		ret = nlc_open_rcvbuf(&c, rb_below(&s, 2) ? 4096 : 0);
		if (ret) {
			fprintf(stderr, "# dumper: nlc_open: %s\n", strerror(-ret));
			return 1;
		}
		if (rb_below(&s, 3) == 0) {
			/* Abandoned: one recv(), then close with the dump running. */
			struct nlc_msg m;
			char buf[4096];

			nlc_msg_init(&m, &c, TCPTRAIL_CMD_GET_EVENTS, NLM_F_DUMP);
			if (!nlc_send(&c, &m))
				nlc_recv_timeout(&c, buf, sizeof(buf), 500);
			abandoned++;
		} else {
			uint64_t cursor = rb_below(&s, 2) ? 0 : rb_below(&s, 100000);

			ret = tt_nl_dump(&c, cursor, rb_below(&s, 2) ? 0 : rb_rand(&s) % 100000, 0, &d);
			if (ret == -EINVAL && cursor) {
				/* beyond the newest: allowed */
			} else if (ret) {
				fprintf(stderr, "# dumper: GET_EVENTS from %llu: %s (%s)\n",
					(unsigned long long)cursor, strerror(-ret), d.res.msg);
				tt_dump_free(&d);
				nlc_close(&c);
				return 1;
			} else if (check_dump(&d, netns, 0, why, sizeof(why))) {
				fprintf(stderr, "# dumper: inconsistent dump from %llu: %s\n",
					(unsigned long long)cursor, why);
				tt_dump_free(&d);
				nlc_close(&c);
				return 1;
			}
			tt_dump_free(&d);
			dumps++;
		}
		nlc_close(&c);
	}
	fprintf(stderr, "# dumper: %llu dumps, %llu abandoned\n", (unsigned long long)dumps,
		(unsigned long long)abandoned);
	return 0;
}

static int churner(uint64_t deadline)
{
	uint64_t s = getpid();
	long made = 0;

	while (tt_now_ns() < deadline) {
		long n = rb_churn(deadline, 1, 20);

		if (n < 0) {
			fprintf(stderr, "# churn: %s\n", strerror(errno));
			return 1;
		}
		made += n;
		/* A refused connection: RST for a SYN_SENT socket. */
		{
			int lfd = tt_listener(AF_INET, "127.0.0.1"), port = tt_port(lfd), fd;

			close(lfd);
			fd = tt_client(AF_INET, "127.0.0.1", port);
			if (fd >= 0)
				close(fd);
		}
		if (rb_below(&s, 4) == 0)
			tt_sleep_ms(5);
	}
	fprintf(stderr, "# churn: %ld connections\n", made);
	return 0;
}

FIXTURE(fuzz) {
	pid_t pids[DUMPERS + 1];
	long dmesg_from;
};

FIXTURE_SETUP(fuzz)
{
	memset(self->pids, 0, sizeof(self->pids));
	if (access(TT_EVENTS_PATH, F_OK))
		SKIP(return, "tcptrail module not loaded");
	self->dmesg_from = rb_dmesg_lines();
	ASSERT_EQ(0, tt_new_netns());
}

FIXTURE_TEARDOWN(fuzz)
{
	rb_kill_wait(self->pids, DUMPERS + 1, SIGKILL);
	if (rb_restore_defaults())
		TH_LOG("could not restore the default configuration");
}

TEST_F_TIMEOUT(fuzz, random_requests, 200)
{
	long secs = rb_env_long("TCPTRAIL_FUZZ_SECS", 30);
	uint64_t seed = rb_env_long("TCPTRAIL_FUZZ_SEED", 0), s, deadline, sent = 0;
	uint64_t send_err = 0, reopen = 0, abandoned = 0, netns = tt_netns_ino();
	struct nlc c;
	char why[256];
	int status, failed = 0;

	if (secs <= 0 || secs > 120)
		secs = 30;
	if (!seed)
		seed = (uint64_t)time(NULL) * 1000003 ^ getpid();
	ksft_print_msg("fuzz seed %llu for %ld s (TCPTRAIL_FUZZ_SEED=%llu reproduces it)\n",
		       (unsigned long long)seed, secs, (unsigned long long)seed);
	s = seed;
	deadline = tt_now_ns() + secs * 1000000000ull;

	self->pids[0] = fork();
	ASSERT_LE(0, self->pids[0]);
	if (!self->pids[0])
		_exit(churner(deadline));
	for (int i = 1; i <= DUMPERS; i++) {
		uint64_t ds = seed + i;

		self->pids[i] = fork();
		ASSERT_LE(0, self->pids[i]);
		if (!self->pids[i])
			_exit(dumper(ds, deadline, netns));
	}

	ASSERT_EQ(0, nlc_open(&c));
	while (tt_now_ns() < deadline) {
		struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
		static struct nlc_msg m;
		uint32_t claimed;

		claimed = build(&m, &c, &s);
		m.nlh.nlmsg_len = claimed;
		m.nlh.nlmsg_seq = ++c.seq;
		if (sendto(c.fd, m.buf, m.len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
			send_err++;
		sent++;
		if (rb_below(&s, 16) == 0) {
			/* Abandon whatever dump may be running: a fresh socket. */
			if (rb_below(&s, 2)) {
				char buf[512];

				recv(c.fd, buf, sizeof(buf), MSG_DONTWAIT);
				abandoned++;
			}
			nlc_close(&c);
			ASSERT_EQ(0, nlc_open_rcvbuf(&c, rb_below(&s, 2) ? 2048 : 0));
			reopen++;
		} else {
			drain(c.fd, 5);
		}
	}
	nlc_close(&c);
	ksft_print_msg("sent %llu requests (%llu refused by sendto), %llu fresh sockets, %llu dumps abandoned\n",
		       (unsigned long long)sent, (unsigned long long)send_err,
		       (unsigned long long)reopen, (unsigned long long)abandoned);

	for (int i = 0; i <= DUMPERS; i++) {
		ASSERT_EQ(self->pids[i], waitpid(self->pids[i], &status, 0));
		self->pids[i] = 0;
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			TH_LOG("%s %d failed (status %#x)", i ? "dumper" : "churner", i, status);
			failed++;
		}
	}
	EXPECT_EQ(0, failed);

	/* The module still answers, correctly. */
	ASSERT_EQ(0, nlc_open(&c));
	ASSERT_EQ(0, rb_set_config(&c, TCPTRAIL_RING_DEFAULT, 1, 0, 1));
	EXPECT_TRUE(rb_config_is_default(&c, why, sizeof(why))) TH_LOG("%s", why);
	{
		struct tt_nl_stats st, st2;
		struct tt_dump d;
		uint8_t *seen;
		long made;

		ASSERT_EQ(0, tt_nl_stats(&c, &st, NULL));
		EXPECT_EQ(TT_NL_STATS_ALL, st.have & TT_NL_STATS_ALL);
		EXPECT_EQ(32768u, st.ring_size);
		EXPECT_EQ(sizeof(struct tcptrail_record), st.record_size);
		EXPECT_EQ(0, st.bad);
		made = rb_churn(tt_now_ns() + 10000000000ull, 1, 10);
		EXPECT_EQ(10, made);
		tt_sleep_ms(200);
		ASSERT_EQ(0, tt_nl_stats(&c, &st2, NULL));
		EXPECT_LT(st.netns_written, st2.netns_written);
		/* NETNS_CURSOR 1: MISSED counts from the netns' first record. */
		ASSERT_EQ(0, tt_nl_dump(&c, 0, 1, 0, &d)) TH_LOG("%s", d.res.msg);
		EXPECT_EQ(0, check_dump(&d, netns, 0, why, sizeof(why))) TH_LOG("%s", why);
		seen = calloc(st2.netns_written + 2, 1);
		ASSERT_NE(NULL, seen);
		for (size_t i = 0; i < d.n; i++) {
			uint64_t ns = d.r[i].netns_seq;

			EXPECT_TRUE(ns >= 1 && ns <= st2.netns_written)
				TH_LOG("netns_seq %llu beyond NETNS_WRITTEN %llu",
				       (unsigned long long)ns, (unsigned long long)st2.netns_written);
			if (ns >= 1 && ns <= st2.netns_written) {
				EXPECT_EQ(0, seen[ns]) TH_LOG("netns_seq %llu twice", (unsigned long long)ns);
				seen[ns] = 1;
			}
		}
		EXPECT_LT(0UL, d.n);
		ksft_print_msg("after fuzzing: %zu records in a fresh dump, netns_written %llu, written %llu, missed %llu\n",
			       d.n, (unsigned long long)st2.netns_written,
			       (unsigned long long)st2.written, (unsigned long long)d.missed);
		/* Resizes dropped history, so MISSED may count; nothing else may be lost. */
		EXPECT_EQ(st2.netns_written, d.n + d.missed);
		free(seen);
		tt_dump_free(&d);
	}
	nlc_close(&c);
	EXPECT_EQ(0, rb_dmesg_bad_since(self->dmesg_from)) TH_LOG("kernel reports in dmesg");
}

TEST_HARNESS_MAIN
