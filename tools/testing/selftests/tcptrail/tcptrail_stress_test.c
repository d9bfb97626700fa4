// SPDX-License-Identifier: GPL-2.0
/*
 * Faults under load.
 *
 * resize.under_load: SET_CONFIG ring-size back and forth (64 ... 65536)
 * every 250 ms for TCPTRAIL_STRESS_SECS (default 15) while one churning
 * process per CPU and readers run: two netlink readers and a procfs reader
 * of the churn's netns, and an ALL_NETNS reader in the initial netns. Each
 * sees seq increasing, no record twice, and read + missed == written over
 * its read exactly (records dropped by a resize are missed, never silently
 * lost); HISTORY_DROPPED grew. The ring is restored to the default.
 *
 * netns.teardown_under_load: 10 rounds of: a netns with churn (TIME_WAIT
 * kept, so timewait sockets die with the netns), readers, a half-read dump
 * and a half-read events file inside, all killed at once after ~1 s so the
 * netns dies busy. An ALL_NETNS reader in the initial netns runs throughout
 * and stays consistent; afterwards the module's vmalloc areas are as before
 * and dmesg has no kernel report. ~40 s under TCG.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <linux/tcptrail.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "../kselftest_harness.h"
#pragma GCC diagnostic pop
#pragma GCC diagnostic ignored "-Wclobbered"
#include "tcptrail_robust.h"

#define MAXP	80

FIXTURE(stress) {
	pid_t pids[MAXP];
	int npids;
	long dmesg_from;
};

FIXTURE_SETUP(stress)
{
	self->npids = 0;
	if (access(TT_EVENTS_PATH, F_OK))
		SKIP(return, "tcptrail module not loaded");
	self->dmesg_from = rb_dmesg_lines();
	/* Orphaned grandchildren (netns rounds) come back to us to be reaped. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
}

FIXTURE_TEARDOWN(stress)
{
	rb_kill_wait(self->pids, self->npids, SIGKILL);
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	if (rb_restore_defaults())
		TH_LOG("could not restore the default configuration");
}

static int check_result(struct __test_metadata *_metadata, const struct rb_result *r,
			uint64_t expect)
{
	int bad;

	(void)_metadata;
	bad = r->error || r->received + r->missed != expect || r->dup || r->nonmono ||
		  r->out_of_range;

	ksft_print_msg("reader %d %-20s: %llu read + %llu missed = %llu, expected %llu; %llu reads, %llu dup, %llu out of order, %llu netns-exit records%s%s%s\n",
		       r->idx, rb_reader_names[r->type], (unsigned long long)r->received,
		       (unsigned long long)r->missed, (unsigned long long)(r->received + r->missed),
		       (unsigned long long)expect, (unsigned long long)r->reads,
		       (unsigned long long)r->dup, (unsigned long long)r->nonmono,
		       (unsigned long long)r->netns_exit, r->why[0] ? ": " : "", r->why,
		       bad ? "  <-- WRONG" : "");
	return bad;
}

TEST_F_TIMEOUT(stress, resize_under_load, 150)
{
	static const uint32_t sizes[] = { 64, 4096, 256, 32768, 1024, 65536, 128 };
	long secs = rb_env_long("TCPTRAIL_STRESS_SECS", 15);
	int ncpus = sysconf(_SC_NPROCESSORS_ONLN), rfd[2], ready[2], failed = 0, status;
	struct tt_nl_stats before, after, st;
	uint64_t deadline, resizes = 0, written = 0;
	struct nlc c;
	pid_t churn[16];

	if (ncpus < 1 || ncpus > 16)
		ncpus = 2;
	if (secs <= 0 || secs > 60)
		secs = 15;
	ASSERT_EQ(0, pipe(rfd));
	ASSERT_EQ(0, pipe(ready));
	/* The ALL_NETNS reader stays in the initial netns. */
	self->pids[self->npids++] = rb_start_reader(RB_NL_ALL_NETNS, 0, rfd[1], ready[1], 20);
	ASSERT_EQ(0, tt_new_netns());
	ASSERT_EQ(0, tt_no_timewait());
	ASSERT_EQ(0, nlc_open(&c));
	ASSERT_EQ(0, tt_nl_stats(&c, &before, NULL));
	self->pids[self->npids++] = rb_start_reader(RB_NL_NOTIFIED, 1, rfd[1], ready[1], 0);
	self->pids[self->npids++] = rb_start_reader(RB_NL_POLLING, 2, rfd[1], ready[1], 50);
	self->pids[self->npids++] = rb_start_reader(RB_PROCFS, 3, rfd[1], ready[1], 30);
	for (int i = 0; i < 4; i++) {
		char one;

		ASSERT_EQ(1, read(ready[0], &one, 1));
	}
	tt_sleep_ms(500);

	deadline = tt_now_ns() + secs * 1000000000ull;
	for (int cpu = 0; cpu < ncpus; cpu++) {
		churn[cpu] = fork();
		ASSERT_LE(0, churn[cpu]);
		if (!churn[cpu]) {
			cpu_set_t set;

			CPU_ZERO(&set);
			CPU_SET(cpu, &set);
			sched_setaffinity(0, sizeof(set), &set);
			_exit(rb_churn(deadline, 1, -1) > 0 ? 0 : 1);
		}
		self->pids[self->npids++] = churn[cpu];
	}
	while (tt_now_ns() < deadline) {
		int ret = rb_set_config(&c, sizes[resizes % (sizeof(sizes) / sizeof(sizes[0]))],
					-1, -1, 0);

		ASSERT_EQ(0, ret) TH_LOG("SET_CONFIG ring-size: %s", strerror(-ret));
		resizes++;
		tt_sleep_ms(250);
	}
	ASSERT_EQ(0, rb_set_config(&c, TCPTRAIL_RING_DEFAULT, -1, -1, 0));
	for (int cpu = 0; cpu < ncpus; cpu++) {
		ASSERT_EQ(churn[cpu], waitpid(churn[cpu], &status, 0));
		EXPECT_EQ(0, WEXITSTATUS(status));
	}
	/* Quiet: NETNS_WRITTEN stops moving. */
	for (int i = 0; i < 50; i++) {
		ASSERT_EQ(0, tt_nl_stats(&c, &after, NULL));
		if (i && after.netns_written == written)
			break;
		written = after.netns_written;
		tt_sleep_ms(300);
	}
	ksft_print_msg("%llu resizes; netns_written %llu; history_dropped +%llu, not_recorded +%llu, overwritten +%llu\n",
		       (unsigned long long)resizes, (unsigned long long)written,
		       (unsigned long long)(after.history_dropped - before.history_dropped),
		       (unsigned long long)(after.not_recorded - before.not_recorded),
		       (unsigned long long)(after.overwritten - before.overwritten));
	EXPECT_LT(before.history_dropped, after.history_dropped);
	for (int i = 0; i < 4; i++)
		kill(self->pids[i], SIGUSR1);
	for (int i = 0; i < 4; i++) {
		struct rb_result r;

		ASSERT_EQ((ssize_t)sizeof(r), read(rfd[0], &r, sizeof(r)));
		EXPECT_EQ(0, r.error);
		EXPECT_EQ(0UL, r.dup);
		EXPECT_EQ(0UL, r.nonmono);
		EXPECT_EQ(0UL, r.out_of_range);
		if (r.type == RB_NL_ALL_NETNS) {
			/* Its own figures: records it read or missed between its cursors. */
			failed += check_result(_metadata, &r, r.end - r.start);
		} else {
			failed += check_result(_metadata, &r, written - r.start);
		}
	}
	EXPECT_EQ(0, failed) TH_LOG("%d readers' read + MISSED differ from what was written", failed);
	ASSERT_EQ(0, tt_nl_stats(&c, &st, NULL));
	EXPECT_EQ(32768u, st.ring_size);
	nlc_close(&c);
	EXPECT_EQ(0, rb_dmesg_bad_since(self->dmesg_from));
}

/* Inside the doomed netns: busy until killed. Never returns. */
static void doomed_netns(uint64_t seed)
{
	struct nlc half;
	int fd;
	char buf[4096];

	setpgid(0, 0);
	if (tt_new_netns())
		_exit(1);
	/* Churners (timewait sockets kept), then readers. */
	for (int i = 0; i < 2; i++)
		if (!fork()) {
			for (;;)
				rb_churn(tt_now_ns() + 1000000000ull, 1, -1);
		}
	for (int i = 0; i < 2; i++)
		if (!fork()) {
			struct rb_result res = { .type = i ? RB_PROCFS : RB_NL_NOTIFIED };

			if (res.type == RB_PROCFS)
				rb_proc_reader(&res, 10, seed + i);
			else
				rb_nl_reader(&res, 10);
			pause();
			_exit(0);
		}
	tt_sleep_ms(300);
	/* A dump read once, with a small buffer: still running when we die. */
	if (!nlc_open_rcvbuf(&half, 2048)) {
		struct nlc_msg m;

		nlc_msg_init(&m, &half, TCPTRAIL_CMD_GET_EVENTS, NLM_F_DUMP);
		if (!nlc_send(&half, &m))
			nlc_recv_timeout(&half, buf, sizeof(buf), 500);
	}
	/* The events file, read once. */
	fd = open(TT_EVENTS_PATH, O_RDONLY);
	if (fd >= 0 && read(fd, buf, 200) < 0)
		_exit(1);
	for (;;)
		rb_churn(tt_now_ns() + 1000000000ull, 0, -1);
}

TEST_F_TIMEOUT(stress, netns_teardown_under_load, 170)
{
	int rounds = rb_env_long("TCPTRAIL_NETNS_ROUNDS", 10);
	int rfd[2], ready[2], vm_before, vm_after;
	struct rb_result r;
	struct tt_dump d;
	struct nlc c;
	uint64_t start = tt_now_ns();
	char one;

	vm_before = rb_vmalloc_lines();
	ASSERT_EQ(0, pipe(rfd));
	ASSERT_EQ(0, pipe(ready));
	self->pids[self->npids++] = rb_start_reader(RB_NL_ALL_NETNS, 0, rfd[1], ready[1], 50);
	ASSERT_EQ(1, read(ready[0], &one, 1));

	for (int round = 0; round < rounds; round++) {
		pid_t pid = fork();
		int status;

		ASSERT_LE(0, pid);
		if (!pid)
			doomed_netns(round);
		setpgid(pid, pid);
		tt_sleep_ms(1000 + 100 * (round % 5));
		/* Everything inside dies at once: the netns goes while busy. */
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		/* Its descendants come back to us (subreaper). */
		for (int i = 0; i < 50 && waitpid(-1, NULL, WNOHANG) >= 0; i++)
			tt_sleep_ms(20);
	}
	/* Let cleanup_net() run for the dead namespaces. */
	tt_sleep_ms(3000);
	kill(self->pids[0], SIGUSR1);
	ASSERT_EQ((ssize_t)sizeof(r), read(rfd[0], &r, sizeof(r)));
	EXPECT_EQ(0, check_result(_metadata, &r, r.end - r.start));
	EXPECT_LT(0UL, r.received);
	waitpid(self->pids[0], NULL, 0);
	self->pids[0] = 0;

	/* A fresh ALL_NETNS dump still works. */
	ASSERT_EQ(0, nlc_open(&c));
	ASSERT_EQ(0, tt_nl_dump(&c, 0, 0, 1, &d)) TH_LOG("%s", d.res.msg);
	EXPECT_EQ(0UL, d.bad);
	EXPECT_LT(0UL, d.n);
	for (size_t i = 1; i < d.n; i++)
		if (d.r[i].seq <= d.r[i - 1].seq) {
			EXPECT_LT(d.r[i - 1].seq, d.r[i].seq);
			break;
		}
	tt_dump_free(&d);
	nlc_close(&c);

	vm_after = rb_vmalloc_lines();
	ksft_print_msg("%d netns torn down busy in %.1f s; tcptrail vmalloc areas %d before, %d after\n",
		       rounds, (tt_now_ns() - start) / 1e9, vm_before, vm_after);
	EXPECT_EQ(vm_before, vm_after);
	EXPECT_EQ(0, rb_dmesg_bad_since(self->dmesg_from));
}

TEST_HARNESS_MAIN
