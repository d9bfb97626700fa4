// SPDX-License-Identifier: GPL-2.0
/*
 * Exact accounting under load: 8 concurrent readers of one network
 * namespace (3 netlink followers woken by the "events" group, 2 netlink
 * readers polling, 3 procfs readers reading with random sizes) while one
 * churning process per CPU (pinned) makes IPv4 and IPv6 connections.
 * For every reader, at the end: records read + MISSED (netlink) or
 * "# N records overwritten" (procfs) == NETNS_WRITTEN since it started;
 * no netns_seq twice, seq increasing.
 *
 * Variants: the default ring (nothing should be lost by followers that keep
 * up), and a 256-record ring with slow readers (losses forced; the ring is
 * restored to the default afterwards). TCPTRAIL_LOAD_SECS (default 15)
 * bounds the churn; each variant takes it plus ~10 s.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
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
#include "tcptrail_robust.h"

#define NREADERS	8
#define MAX_CPUS	64

static const int reader_types[NREADERS] = {
	RB_NL_NOTIFIED, RB_NL_NOTIFIED, RB_NL_NOTIFIED, RB_NL_POLLING, RB_NL_POLLING,
	RB_PROCFS, RB_PROCFS, RB_PROCFS,
};

/* NETNS_WRITTEN once it stops moving (the churn is over). */
static int quiet_netns_written(struct nlc *c, uint64_t *w)
{
	struct tt_nl_stats st;
	uint64_t prev = ~0ull;

	for (int i = 0; i < 100; i++) {
		int ret = tt_nl_stats(c, &st, NULL);

		if (ret)
			return ret;
		if (st.netns_written == prev)
			break;
		prev = st.netns_written;
		tt_sleep_ms(300);
	}
	*w = st.netns_written;
	return 0;
}

FIXTURE(load) {
	struct nlc c;
	pid_t pids[NREADERS + MAX_CPUS];
	int npids;
};

FIXTURE_VARIANT(load) {
	uint32_t ring;		/* 0: as loaded */
	int sleep_ms;		/* polling and procfs readers' pause */
};

FIXTURE_VARIANT_ADD(load, default_ring) {
	.ring = 0, .sleep_ms = 20,
};

FIXTURE_VARIANT_ADD(load, ring_256) {
	.ring = 256, .sleep_ms = 100,
};

FIXTURE_SETUP(load)
{
	struct tt_nl_stats st;

	self->c.fd = -1;
	self->npids = 0;
	if (access(TT_EVENTS_PATH, F_OK))
		SKIP(return, "tcptrail module not loaded");
	ASSERT_EQ(0, tt_new_netns());
	/* Exact counts: no timewait socket ends later (netutil.h). */
	ASSERT_EQ(0, tt_no_timewait());
	ASSERT_EQ(0, nlc_open(&self->c));
	if (variant->ring)
		ASSERT_EQ(0, rb_set_config(&self->c, variant->ring, -1, -1, 0));
	ASSERT_EQ(0, tt_nl_stats(&self->c, &st, NULL));
	ASSERT_EQ(0UL, st.netns_written);
}

FIXTURE_TEARDOWN(load)
{
	rb_kill_wait(self->pids, self->npids, SIGKILL);
	if (variant->ring && rb_set_config(&self->c, TCPTRAIL_RING_DEFAULT, -1, -1, 0))
		TH_LOG("could not restore the default ring size");
	nlc_close(&self->c);
}

TEST_F_TIMEOUT(load, exact_accounting, 150)
{
	long secs = rb_env_long("TCPTRAIL_LOAD_SECS", 15);
	int ncpus = sysconf(_SC_NPROCESSORS_ONLN), rfd[2], ready[2], status, failed = 0;
	uint64_t deadline, written, total_missed = 0;
	struct tt_nl_stats st;
	long made = 0;
	pid_t churn[MAX_CPUS];
	int cfd[2];

	if (ncpus < 1 || ncpus > MAX_CPUS)
		ncpus = 2;
	if (secs <= 0 || secs > 60)
		secs = 15;
	ASSERT_EQ(0, pipe(rfd));
	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, pipe(cfd));
	for (int i = 0; i < NREADERS; i++) {
		pid_t pid = rb_start_reader(reader_types[i], i, rfd[1], ready[1], variant->sleep_ms);

		ASSERT_LT(0, pid);
		self->pids[self->npids++] = pid;
	}
	/* Each reader has started (and done its first read) before the churn. */
	for (int i = 0; i < NREADERS; i++) {
		char one;

		ASSERT_EQ(1, read(ready[0], &one, 1));
	}
	tt_sleep_ms(500);

	deadline = tt_now_ns() + secs * 1000000000ull;
	for (int cpu = 0; cpu < ncpus; cpu++) {
		pid_t pid = fork();

		ASSERT_LE(0, pid);
		if (!pid) {
			cpu_set_t set;
			long n;

			CPU_ZERO(&set);
			CPU_SET(cpu, &set);
			sched_setaffinity(0, sizeof(set), &set);
			n = rb_churn(deadline, 1, -1);
			_exit(write(cfd[1], &n, sizeof(n)) == sizeof(n) && n > 0 ? 0 : 1);
		}
		churn[cpu] = pid;
		self->pids[self->npids++] = pid;
	}
	for (int cpu = 0; cpu < ncpus; cpu++) {
		long n = 0;

		ASSERT_EQ(churn[cpu], waitpid(churn[cpu], &status, 0));
		churn[cpu] = 0;
		EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("churner on CPU %d failed", cpu);
		if (read(cfd[0], &n, sizeof(n)) == sizeof(n))
			made += n;
	}
	ASSERT_EQ(0, quiet_netns_written(&self->c, &written));
	ASSERT_EQ(0, tt_nl_stats(&self->c, &st, NULL));
	ksft_print_msg("ring %u, %d churners: %ld connections in %ld s, netns_written %llu, overwritten (host) %llu\n",
		       st.ring_size, ncpus, made, secs, (unsigned long long)written,
		       (unsigned long long)st.overwritten);

	for (int i = 0; i < NREADERS; i++)
		kill(self->pids[i], SIGUSR1);
	for (int i = 0; i < NREADERS; i++) {
		struct rb_result r;
		uint64_t expect;

		ASSERT_EQ((ssize_t)sizeof(r), read(rfd[0], &r, sizeof(r)))
			TH_LOG("a reader died without a result");
		expect = written - r.start;
		ksft_print_msg("reader %d %-20s: %llu read + %llu missed = %llu, NETNS_WRITTEN delta %llu; %llu reads, %llu dup, %llu out of order, %llu bad%s%s\n",
			       r.idx, rb_reader_names[r.type], (unsigned long long)r.received,
			       (unsigned long long)r.missed,
			       (unsigned long long)(r.received + r.missed),
			       (unsigned long long)expect, (unsigned long long)r.reads,
			       (unsigned long long)r.dup, (unsigned long long)r.nonmono,
			       (unsigned long long)r.out_of_range, r.why[0] ? ": " : "", r.why);
		total_missed += r.missed;
		if (r.error || r.received + r.missed != expect || r.dup || r.nonmono ||
		    r.out_of_range || (r.type != RB_PROCFS && r.end != written))
			failed++;
	}
	for (int i = 0; i < NREADERS; i++) {
		waitpid(self->pids[i], &status, 0);
		self->pids[i] = 0;
	}
	EXPECT_EQ(0, failed) TH_LOG("%d readers' accounting is wrong", failed);
	EXPECT_LT(0L, made);
	if (variant->ring)
		ksft_print_msg("records missed in all (small ring): %llu\n",
			       (unsigned long long)total_missed);
}

TEST_HARNESS_MAIN
