// SPDX-License-Identifier: GPL-2.0
/*
 * A live follower sees everything: it joins "events" and dumps from its
 * cursor on every notification while a child makes many loopback
 * connections. At the end every record of the netns was received exactly
 * once or counted as missed, and received + missed == NETNS_WRITTEN.
 *
 * Two variants: the default ring, and a 64-record ring (SET_CONFIG, restored
 * afterwards) that the follower cannot keep up with.
 * TCPTRAIL_FOLLOW_CONNS (default 10000, 2000 with the small ring) and TCPTRAIL_FOLLOW_SECS (default
 * 80) bound the churn: it stops at whichever comes first (slow emulated
 * CPUs make fewer connections; the figures are reported).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <linux/tcptrail.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "../kselftest_harness.h"
#pragma GCC diagnostic pop
#pragma GCC diagnostic ignored "-Wclobbered"
#include "events.h"
#include "netutil.h"
#include "nlclient.h"

#define PER_CONN	TT_PER_CONN	/* records of one connection (netutil.h) */

static long env_long(const char *name, long def)
{
	const char *v = getenv(name);

	return v && *v ? strtol(v, NULL, 0) : def;
}

/* The churning child: writes the number of connections made to @wfd. */
static int churn_child(int wfd, long max, long secs)
{
	uint64_t deadline = tt_now_ns() + secs * 1000000000ull;
	long made = 0;
	int lfd, port;

	lfd = tt_listener(AF_INET, "127.0.0.1");
	if (lfd < 0)
		return 2;
	port = tt_port(lfd);
	while (made < max && tt_now_ns() < deadline) {
		if (tt_churn_one(AF_INET, "127.0.0.1", lfd, port, NULL, NULL))
			return 3;
		made++;
	}
	close(lfd);
	return write(wfd, &made, sizeof(made)) == sizeof(made) ? 0 : 4;
}

struct follower {
	uint64_t cursor, ncursor;
	uint64_t received, missed, dumps, dup, out_of_range;
	uint64_t max_ns, late;	/* records arriving after a higher netns_seq */
	uint8_t *seen;		/* by netns_seq */
	size_t seen_cap;
};

static int follow_dump(struct __test_metadata *_metadata, struct nlc *c, struct follower *f)
{
	struct tt_dump d;
	int ret = tt_nl_dump(c, f->cursor, f->ncursor, 0, &d);

	if (ret || d.bad) {
		TH_LOG("GET_EVENTS from %llu/%llu: %s %s, %zu bad",
		       (unsigned long long)f->cursor, (unsigned long long)f->ncursor,
		       strerror(-ret), d.res.msg, d.bad);
		tt_dump_free(&d);
		return -1;
	}
	f->dumps++;
	f->missed += d.missed;
	for (size_t i = 0; i < d.n; i++) {
		uint64_t ns = d.r[i].netns_seq;

		if (!ns || ns >= f->seen_cap) {
			f->out_of_range++;
			continue;
		}
		if (f->seen[ns])
			f->dup++;
		if (ns < f->max_ns)
			f->late++;
		else
			f->max_ns = ns;
		f->seen[ns] = 1;
		f->received++;
	}
	f->cursor = d.cursor;
	f->ncursor = d.netns_cursor;
	tt_dump_free(&d);
	return 0;
}

FIXTURE(follow) {
	struct nlc c;
};

FIXTURE_VARIANT(follow) {
	uint32_t ring;		/* SET_CONFIG ring size for the test; 0: as loaded */
	long conns;		/* at most this many connections (per writer) */
	int writers;		/* churning processes */
};

/* The default ring: a follower that keeps up misses nothing. */
FIXTURE_VARIANT_ADD(follow, default_ring) {
	.ring = 0, .conns = 10000, .writers = 1,
};

/* A 64-record ring: the follower falls behind; MISSED must account for it. */
FIXTURE_VARIANT_ADD(follow, ring_64) {
	.ring = 64, .conns = 2000, .writers = 1,
};

/* Two writers on two CPUs: records of one netns from both at once. */
FIXTURE_VARIANT_ADD(follow, two_writers) {
	.ring = 0, .conns = 3000, .writers = 2,
};

FIXTURE_SETUP(follow)
{
	self->c.fd = -1;
	if (access(TT_EVENTS_PATH, F_OK))
		SKIP(return, "tcptrail module not loaded");
	ASSERT_EQ(0, tt_new_netns());
	/* Exact counts: no timewait socket ends during the churn (netutil.h). */
	ASSERT_EQ(0, tt_no_timewait());
	ASSERT_EQ(0, nlc_open(&self->c));
	if (variant->ring)
		ASSERT_EQ(0, tt_nl_set_ring(&self->c, variant->ring));
}

FIXTURE_TEARDOWN(follow)
{
	if (variant->ring && tt_nl_set_ring(&self->c, TCPTRAIL_RING_DEFAULT))
		TH_LOG("could not restore the default ring size");
	nlc_close(&self->c);
}

TEST_F_TIMEOUT(follow, sees_everything, 170)
{
	long max = env_long("TCPTRAIL_FOLLOW_CONNS", variant->conns);
	long secs = env_long("TCPTRAIL_FOLLOW_SECS", 80);
	/*
	 * The namespace is new, its records numbered from 1: say so, or a
	 * first dump that comes after the ring wrapped (the notification
	 * waits 10 ms) would take the records it missed for history before
	 * the reader started, and not count them.
	 */
	struct follower f = { .ncursor = 1 };
	struct tt_nl_stats st;
	uint64_t t0, ntf = 0, written, missing = 0;
	int pfd[2], status, done = 0, ret, reported = 0;
	long made = 0, one;
	struct nlc ntf_sock;
	pid_t pid[2];

	f.seen_cap = (PER_CONN * max + 16) * variant->writers;
	f.seen = calloc(f.seen_cap, 1);
	ASSERT_NE(NULL, f.seen);
	ASSERT_EQ(0, nlc_open(&ntf_sock));
	ASSERT_EQ(0, nlc_join(&ntf_sock, ntf_sock.events_grp));
	ASSERT_EQ(0, pipe(pfd));

	t0 = tt_now_ns();
	for (int w = 0; w < variant->writers; w++) {
		pid[w] = fork();
		ASSERT_LE(0, pid[w]);
		if (pid[w] == 0) {
			close(pfd[0]);
			_exit(churn_child(pfd[1], max, secs));
		}
	}
	close(pfd[1]);

	while (!done) {
		struct pollfd p[2] = {
			{ .fd = ntf_sock.fd, .events = POLLIN },
			{ .fd = pfd[0], .events = POLLIN },
		};
		char buf[8192];

		ret = poll(p, 2, 2000);
		ASSERT_LE(0, ret);
		if (p[1].revents) {
			ASSERT_EQ((ssize_t)sizeof(one), read(pfd[0], &one, sizeof(one)))
				TH_LOG("a churning child failed");
			made += one;
			done = ++reported == variant->writers;
		}
		if (!p[0].revents && !done)
			continue;
		/* Drain every pending notification: one dump answers them all. */
		while (recv(ntf_sock.fd, buf, sizeof(buf), MSG_DONTWAIT) > 0 || errno == ENOBUFS)
			ntf++;
		ASSERT_EQ(0, follow_dump(_metadata, &self->c, &f));
	}
	for (int w = 0; w < variant->writers; w++) {
		ASSERT_EQ(pid[w], waitpid(pid[w], &status, 0));
		ASSERT_EQ(0, WEXITSTATUS(status));
	}

	/* Wait until all the records of the made connections are written. */
	written = PER_CONN * (uint64_t)made + 2 * variant->writers;
	for (uint64_t deadline = tt_now_ns() + 20000000000ull;;) {
		ASSERT_EQ(0, tt_nl_stats(&self->c, &st, NULL));
		if (st.netns_written >= written)
			break;
		ASSERT_LT(tt_now_ns(), deadline);
		tt_sleep_ms(10);
	}
	tt_sleep_ms(100);
	ASSERT_EQ(0, follow_dump(_metadata, &self->c, &f));
	ASSERT_EQ(0, tt_nl_stats(&self->c, &st, NULL));

	for (uint64_t ns = 1; ns <= st.netns_written && ns < f.seen_cap; ns++)
		missing += !f.seen[ns];
	ksft_print_msg("follower (ring %llu, %d writers): %ld connections in %.1f s, %llu records (netns_written), "
		       "%llu received, %llu missed, %llu late, %llu dumps, %llu notifications\n",
		       (unsigned long long)st.ring_size, variant->writers, made, (tt_now_ns() - t0) / 1e9,
		       (unsigned long long)st.netns_written, (unsigned long long)f.received,
		       (unsigned long long)f.missed, (unsigned long long)f.late,
		       (unsigned long long)f.dumps,
		       (unsigned long long)ntf);
	/* A RST pair now and then under load is the kernel's choice, not a loss. */
	if (written != st.netns_written)
		ksft_print_msg("%lld records beyond the churn's usual %llu\n",
			       (long long)(st.netns_written - written),
			       (unsigned long long)written);
	EXPECT_EQ(0UL, f.dup) TH_LOG("records received twice");
	EXPECT_EQ(0UL, f.out_of_range) TH_LOG("netns_seq beyond NETNS_WRITTEN");
	EXPECT_EQ(st.netns_written, f.received + f.missed);
	EXPECT_EQ(missing, f.missed) TH_LOG("MISSED is not the number of records not received");
	EXPECT_EQ(st.netns_written + 1, f.ncursor);
	EXPECT_LT(0UL, ntf) TH_LOG("no notifications at all");

	/*
	 * Nothing is written now: a new reader of the events file sees the
	 * ring's records of this netns and loses none while it reads.
	 */
	{
		struct tt_events ev;
		uint64_t late = 0;

		ASSERT_EQ(0, tt_events_read(&ev)) TH_LOG("%s", ev.err);
		for (size_t i = 0; i < ev.n; i++)
			late += ev.r[i].lost_before;
		ksft_print_msg("events file: %zu records, %llu reported overwritten\n",
			       ev.n, (unsigned long long)ev.lost_total);
		EXPECT_EQ(0UL, ev.lost_total)
			TH_LOG("the events file reports %llu records overwritten in a quiet ring",
			       (unsigned long long)late);
		tt_events_free(&ev);
	}

	/* The same over netlink: one dump of the quiet ring, nothing missed. */
	{
		uint64_t late = 0, max_ns = 0;
		struct tt_dump all;

		ASSERT_EQ(0, tt_nl_dump(&self->c, 0, 0, 0, &all));
		for (size_t i = 0; i < all.n; i++) {
			if (all.r[i].netns_seq < max_ns)
				late++;
			else
				max_ns = all.r[i].netns_seq;
		}
		ksft_print_msg("a dump of the quiet ring: %zu records, %llu after a higher netns_seq, MISSED %llu\n",
			       all.n, (unsigned long long)late, (unsigned long long)all.missed);
		EXPECT_EQ(0UL, all.missed);
		tt_dump_free(&all);
	}
	EXPECT_LT(0L, made);
	nlc_close(&ntf_sock);
	free(f.seen);
}

TEST_HARNESS_MAIN
