// SPDX-License-Identifier: GPL-2.0
/*
 * tcptrail ring wrap-around, with the module loaded with ring_size=64.
 * Run by tcptrail_ring.sh, which reloads the module; skips otherwise.
 * Each test runs in a new netns; the rest of the system must be quiet (no
 * TCP in other namespaces), as in the test VM.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/tcptrail.h>

/* The harness itself is not -Wextra clean (unused signal handler argument). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "../kselftest_harness.h"
#pragma GCC diagnostic pop
/* TEST_F()'s wrapper calls setjmp(); -O2 makes gcc warn about its locals. */
#pragma GCC diagnostic ignored "-Wclobbered"
#include "events.h"
#include "netutil.h"
#include "nlclient.h"

#define RING		64UL
#define WAIT_MS		20000
#define PER_CONN	TT_PER_CONN	/* records of one connection (netutil.h) */

enum { ESTABLISHED = 1, SYN_SENT, SYN_RECV, FIN_WAIT1, FIN_WAIT2, TIME_WAIT,
	CLOSE, CLOSE_WAIT, LAST_ACK, LISTEN, CLOSING, NEW_SYN_RECV };

FIXTURE(ring) {
	uint64_t netns;
};

FIXTURE_SETUP(ring)
{
	struct tt_stats st;

	if (access(TT_STATS_PATH, F_OK))
		SKIP(return, "tcptrail module not loaded");
	ASSERT_EQ(0, tt_stats_read(&st)) TH_LOG("%s", st.err);
	if (st.ring_size != RING)
		SKIP(return, "needs ring_size=%lu (have %llu): run tcptrail_ring.sh",
		     RING, (unsigned long long)st.ring_size);
	ASSERT_EQ(0, tt_new_netns());
	/* Exact counts: no timewait socket to end later (netutil.h). */
	ASSERT_EQ(0, tt_no_timewait());
	self->netns = tt_netns_ino();
}

FIXTURE_TEARDOWN(ring)
{
}

/* @n connections plus listen/close: PER_CONN * n + 2 records; wait until counted. */
static void churn(struct __test_metadata *_metadata, int n)
{
	uint64_t deadline = tt_now_ns() + WAIT_MS * 1000000ull;
	struct tt_stats before, st;
	int lfd, port;

	ASSERT_EQ(0, tt_stats_read(&before)) TH_LOG("%s", before.err);
	lfd = tt_listener(AF_INET, "127.0.0.1");
	ASSERT_LE(0, lfd);
	port = tt_port(lfd);
	for (int i = 0; i < n; i++) {
		ASSERT_EQ(0, tt_churn_one(AF_INET, "127.0.0.1", lfd, port, NULL, NULL));
	}
	close(lfd);
	for (;;) {
		ASSERT_EQ(0, tt_stats_read(&st)) TH_LOG("%s", st.err);
		if (st.netns_written >= before.netns_written + PER_CONN * n + 2)
			break;
		ASSERT_LT(tt_now_ns(), deadline)
			TH_LOG("only %llu of %d records counted",
			       (unsigned long long)(st.netns_written - before.netns_written),
			       PER_CONN * n + 2);
		tt_sleep_ms(10);
	}
	tt_sleep_ms(50);
	ASSERT_EQ(0, tt_stats_read(&st)) TH_LOG("%s", st.err);
	ASSERT_EQ(before.netns_written + PER_CONN * n + 2, st.netns_written)
		TH_LOG("more records than transitions");
	ASSERT_EQ(st.written - before.written, st.netns_written - before.netns_written)
		TH_LOG("another netns wrote records during the test: not a quiet system");
}

/* After 282 records into a 64-record ring: exactly the newest 64 remain. */
TEST_F(ring, wrap_exact)
{
	struct tt_events ev;
	struct tt_stats st;
	char *again, *text;

	churn(_metadata, 20);
	ASSERT_EQ(0, tt_stats_read(&st)) TH_LOG("%s", st.err);
	ASSERT_EQ((uint64_t)(20 * PER_CONN + 2), st.netns_written);
	EXPECT_EQ(st.written - RING, st.overwritten)
		TH_LOG("written %llu", (unsigned long long)st.written);
	/* The per-state counts (STATE records only) include records lost to the wrap. */
	EXPECT_EQ(1UL, st.state[LISTEN]);
	EXPECT_EQ(20UL, st.state[SYN_SENT]);
	EXPECT_EQ(20UL, st.state[SYN_RECV]);
	EXPECT_EQ(40UL, st.state[ESTABLISHED]);
	EXPECT_EQ(20UL, st.state[FIN_WAIT1]);
	EXPECT_EQ(20UL, st.state[FIN_WAIT2]);
	EXPECT_EQ(20UL, st.state[CLOSE_WAIT]);
	EXPECT_EQ(20UL, st.state[LAST_ACK]);
	EXPECT_EQ(41UL, st.state[CLOSE]);

	text = tt_read_file(TT_EVENTS_PATH);
	ASSERT_NE(NULL, text);
	ASSERT_EQ(0, tt_events_parse(text, &ev)) TH_LOG("%s", ev.err);
	/* A reader that opens now starts at the oldest record: nothing lost. */
	EXPECT_EQ(0UL, ev.lost_total);
	ASSERT_EQ(RING, ev.n);
	EXPECT_EQ(st.written - RING + 1, ev.r[0].seq);
	EXPECT_EQ(st.written, ev.r[RING - 1].seq);
	for (size_t i = 1; i < ev.n; i++) {
		EXPECT_EQ(ev.r[i - 1].seq + 1, ev.r[i].seq);
	}
	for (size_t i = 0; i < ev.n; i++) {
		EXPECT_EQ(self->netns, ev.r[i].netns);
	}
	/* The last record is the listener closing. */
	EXPECT_EQ(LISTEN, ev.r[RING - 1].old_state);
	EXPECT_EQ(CLOSE, ev.r[RING - 1].new_state);
	tt_events_free(&ev);

	/* Reading did not consume anything. */
	again = tt_read_file(TT_EVENTS_PATH);
	ASSERT_NE(NULL, again);
	EXPECT_STREQ(text, again);
	free(text);
	free(again);
}

/*
 * A reader that reads a little, then lets the ring wrap under it, is told how
 * many records it lost: every seq from its first to its last record is
 * either read or counted in a "# N records overwritten" line, exactly once.
 * A line may come later than the gap it counts (the reader waits until a
 * gap cannot be filled by a late writer any more, see kmod/reader.c), even
 * after the last record, but never before the gap.
 */
TEST_F(ring, reader_falls_behind)
{
	uint64_t expect_seq, first;
	struct tt_stats st0, st1;
	size_t len = 0, cap = 1 << 20;
	char *buf = malloc(cap);
	struct tt_events ev;
	ssize_t n;
	int fd;

	ASSERT_NE(NULL, buf);
	churn(_metadata, 7);		/* 100 records: the ring holds only ours */
	ASSERT_EQ(0, tt_stats_read(&st0)) TH_LOG("%s", st0.err);

	fd = open(TT_EVENTS_PATH, O_RDONLY);
	ASSERT_LE(0, fd);
	n = read(fd, buf, 300);		/* the header and a couple of records */
	ASSERT_LT(0, n);
	len = n;

	churn(_metadata, 20);		/* 282 more: the reader's place is gone */
	ASSERT_EQ(0, tt_stats_read(&st1)) TH_LOG("%s", st1.err);
	while ((n = read(fd, buf + len, cap - 1 - len)) > 0)
		len += n;
	ASSERT_EQ(0, n) TH_LOG("read: %s", strerror(errno));
	close(fd);
	buf[len] = '\0';

	ASSERT_EQ(0, tt_events_parse(buf, &ev)) TH_LOG("%s", ev.err);
	ASSERT_LT(0UL, ev.n);
	TH_LOG("read %zu records, %zu overwritten lines, %llu lost",
	       ev.n, ev.lost_lines, (unsigned long long)ev.lost_total);
	first = ev.r[0].seq;
	EXPECT_EQ(st0.written - RING + 1, first) TH_LOG("did not start at the oldest record");
	EXPECT_EQ(0UL, ev.r[0].lost_before);
	EXPECT_LT(0UL, ev.lost_total) TH_LOG("no '# N records overwritten' line");
	TH_LOG("%llu of them reported after the last record",
	       (unsigned long long)ev.trailing_lost);
	/* Reported so far <= the gaps so far: a line never comes early. */
	expect_seq = first;
	for (size_t i = 0, reported = 0; i < ev.n; i++) {
		reported += ev.r[i].lost_before;
		EXPECT_LE(reported, ev.r[i].seq - first - i)
			TH_LOG("record %zu (seq %llu): %zu reported lost, only %llu missing yet",
			       i, (unsigned long long)ev.r[i].seq, reported,
			       (unsigned long long)(ev.r[i].seq - first - i));
		expect_seq = ev.r[i].seq + 1;
	}
	EXPECT_EQ(st1.written + 1, expect_seq);
	EXPECT_EQ(st1.written, ev.r[ev.n - 1].seq) {
		struct tt_events now;

		TH_LOG("reader stopped at seq %llu, newest is %llu",
		       (unsigned long long)ev.r[ev.n - 1].seq,
		       (unsigned long long)st1.written);
		if (!tt_events_read(&now) && now.n)
			TH_LOG("a new reader sees seq %llu..%llu",
			       (unsigned long long)now.r[0].seq,
			       (unsigned long long)now.r[now.n - 1].seq);
		tt_events_free(&now);
	}
	EXPECT_EQ(st1.written - first + 1, ev.n + ev.lost_total);
	/* A line comes after a record that was still in the ring after the churn. */
	for (size_t i = 0; i < ev.n; i++) {
		if (ev.r[i].lost_before) {
			EXPECT_LE(st1.written - RING + 1, ev.r[i].seq);
		}
	}
	tt_events_free(&ev);
	free(buf);
}

/*
 * Over netlink: a dump resumed from its CURSOR and NETNS_CURSOR after the
 * ring wrapped reports in MISSED exactly the records of this netns that were
 * overwritten meanwhile, and received + MISSED is what the netns wrote.
 */
TEST_F(ring, netlink_missed)
{
	struct tt_stats st0, st1;
	struct tt_dump d0, d1;
	uint64_t delta;
	struct nlc c;
	int ret;

	ret = nlc_open(&c);
	ASSERT_EQ(0, ret) TH_LOG("family tcptrail: %s", strerror(-ret));
	churn(_metadata, 3);		/* 44 records: all still in the ring */
	ASSERT_EQ(0, tt_nl_dump(&c, 0, 0, 0, &d0)) TH_LOG("%s", d0.res.msg);
	ASSERT_EQ(0UL, d0.bad);
	ASSERT_EQ((size_t)(3 * PER_CONN + 2), d0.n);
	EXPECT_EQ(0UL, d0.missed);
	EXPECT_EQ(1UL, d0.r[0].netns_seq);
	EXPECT_EQ(d0.n + 1, d0.netns_cursor);
	ASSERT_EQ(0, tt_stats_read(&st0)) TH_LOG("%s", st0.err);

	churn(_metadata, 20);		/* 282 more: 218 of them overwritten */
	ASSERT_EQ(0, tt_stats_read(&st1)) TH_LOG("%s", st1.err);
	delta = st1.netns_written - st0.netns_written;
	ASSERT_EQ((uint64_t)(20 * PER_CONN + 2), delta);
	ASSERT_EQ(0, tt_nl_dump(&c, d0.cursor, d0.netns_cursor, 0, &d1)) TH_LOG("%s", d1.res.msg);
	ASSERT_EQ(0UL, d1.bad);
	TH_LOG("%zu records in %zu messages, MISSED %llu", d1.n, d1.nmsgs,
	       (unsigned long long)d1.missed);
	EXPECT_EQ(RING, d1.n);
	EXPECT_EQ(delta - RING, d1.missed);
	EXPECT_EQ(delta, d1.n + d1.missed);
	ASSERT_LT(0UL, d1.n);
	EXPECT_EQ(d0.netns_cursor + delta - RING, d1.r[0].netns_seq);
	EXPECT_EQ(st1.netns_written, d1.r[d1.n - 1].netns_seq);
	EXPECT_EQ(st1.netns_written + 1, d1.netns_cursor);
	EXPECT_EQ(st1.written + 1, d1.cursor);
	for (size_t i = 1; i < d1.n; i++) {
		EXPECT_EQ(d1.r[i - 1].netns_seq + 1, d1.r[i].netns_seq);
	}
	/* MISSED sits in the message holding the first record after the gap. */
	EXPECT_EQ(delta - RING, d1.msgs[0].missed);
	tt_dump_free(&d0);
	tt_dump_free(&d1);
	nlc_close(&c);
}

TEST_HARNESS_MAIN
