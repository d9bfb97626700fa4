// SPDX-License-Identifier: GPL-2.0
/*
 * tcptrail never holds up the host's other generic netlink families: while
 * a reader in a namespace with no records of its own walks a full ring,
 * and while SET_CONFIG resizes it, a thread keeps asking the generic
 * netlink controller for its families (a CTRL_CMD_GETFAMILY dump, which
 * runs under the genl mutex every family without parallel_ops shares) and
 * notes how long each answer takes. The worst is printed: a figure, not an
 * assertion (emulated CPUs are slow and noisy); the test fails only if an
 * answer never comes, or the walk or the resize fails.
 *
 * The ring (4M records, the most it can be) is filled from a third
 * namespace with TT_PARALLEL_RECORDS records (default: all 4194304, or
 * what two minutes give on a slower kernel) and restored to its default
 * size at the end.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/tcptrail.h>

/* The harness's own code, built with -Wextra (as the other tests do). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "../kselftest_harness.h"
#pragma GCC diagnostic pop
#pragma GCC diagnostic ignored "-Wclobbered"
#include "events.h"
#include "netutil.h"
#include "nlclient.h"

struct prober {
	volatile int stop;
	uint64_t worst_ns, total_ns;
	unsigned long answers, failures;
};

/* One CTRL_CMD_GETFAMILY dump, start to NLMSG_DONE. */
static int getfamily_dump(struct nlc *c)
{
	struct nlc_result res;
	struct nlc_msg m;

	nlc_msg_init_raw(&m, GENL_ID_CTRL, NLM_F_DUMP, CTRL_CMD_GETFAMILY, 1);
	return nlc_request(c, &m, NULL, NULL, &res) ?: res.error;
}

static void *probe_other_family(void *arg)
{
	struct prober *p = arg;
	struct nlc c;

	if (nlc_open(&c)) {
		p->failures++;
		return NULL;
	}
	while (!p->stop) {
		uint64_t t = tt_now_ns();

		if (getfamily_dump(&c)) {
			p->failures++;
			continue;
		}
		t = tt_now_ns() - t;
		p->total_ns += t;
		if (t > p->worst_ns)
			p->worst_ns = t;
		p->answers++;
	}
	nlc_close(&c);
	return NULL;
}

/*
 * In a netns of its own: @n records or more (TT_PER_CONN a connection), or
 * what FILL_SECONDS give on a slow (debug, emulated) kernel.
 */
#define FILL_SECONDS	120

static int fill(long n)
{
	uint64_t t0 = tt_now_ns();
	int lfd;

	if (tt_new_netns() || tt_no_timewait())
		return 100;
	lfd = tt_listener(AF_INET, "127.0.0.1");
	if (lfd < 0)
		return 101;
	for (long i = 0; i < n; i += TT_PER_CONN) {
		if (tt_now_ns() - t0 > FILL_SECONDS * 1000000000ULL)
			break;
		uint64_t cc, sc;

		if (tt_churn_one(AF_INET, "127.0.0.1", lfd, tt_port(lfd), &cc, &sc))
			return 102;
	}
	return 0;
}

static void report(struct __test_metadata *_metadata, const char *what,
		   const struct prober *p)
{
	TH_LOG("%s: CTRL_CMD_GETFAMILY answered %lu times, worst %.1f ms, mean %.2f ms",
	       what, p->answers, p->worst_ns / 1e6,
	       p->answers ? p->total_ns / 1e6 / p->answers : 0.0);
}

FIXTURE(par) {
	struct nlc root;
};

FIXTURE_SETUP(par)
{
	self->root.fd = -1;
	if (access(TT_EVENTS_PATH, F_OK))
		SKIP(return, "tcptrail module not loaded");
	ASSERT_EQ(0, nlc_open(&self->root));
}

FIXTURE_TEARDOWN(par)
{
	if (self->root.fd >= 0 && tt_nl_set_ring(&self->root, TCPTRAIL_RING_DEFAULT))
		TH_LOG("could not restore the default ring size");
	nlc_close(&self->root);
}

TEST_F_TIMEOUT(par, other_families_answered, 580)
{
	const char *env = getenv("TT_PARALLEL_RECORDS");
	long records = env && atol(env) > 0 ? atol(env) : TCPTRAIL_RING_MAX;
	int here = open("/proc/self/ns/net", O_RDONLY), status, rounds = 0;
	struct prober p = { 0 };
	uint64_t written_before;
	struct tt_nl_stats st;
	struct tt_dump d;
	pthread_t thread;
	struct nlc empty;
	pid_t pid;

	ASSERT_LE(0, here);
	ASSERT_EQ(0, tt_nl_set_ring(&self->root, TCPTRAIL_RING_MAX));
	ASSERT_EQ(0, tt_nl_stats(&self->root, &st, NULL));
	written_before = st.written;
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(fill(records));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("filling the ring failed (%d)", WEXITSTATUS(status));
	ASSERT_EQ(0, tt_nl_stats(&self->root, &st, NULL));
	records = st.written - written_before;

	/* A reader whose namespace has no record in the ring. */
	ASSERT_EQ(0, tt_new_netns());
	ASSERT_EQ(0, nlc_open(&empty));
	ASSERT_EQ(0, setns(here, CLONE_NEWNET));

	ASSERT_EQ(0, pthread_create(&thread, NULL, probe_other_family, &p));
	/* Several walks of the whole ring, each ending with nothing of ours. */
	for (uint64_t t0 = tt_now_ns(); rounds < 3 || tt_now_ns() - t0 < 2000000000ULL; rounds++) {
		ASSERT_EQ(0, tt_nl_dump(&empty, 0, 0, 0, &d)) TH_LOG("%s", d.res.msg);
		EXPECT_EQ(0UL, d.n);
		tt_dump_free(&d);
	}
	p.stop = 1;
	pthread_join(thread, NULL);
	report(_metadata, "while a reader walks the ring", &p);
	TH_LOG("%d walks of %ld records (a full ring: %d)", rounds, records,
	       TCPTRAIL_RING_MAX);
	EXPECT_LT(0UL, p.answers);
	EXPECT_EQ(0UL, p.failures);

	memset(&p, 0, sizeof(p));
	ASSERT_EQ(0, pthread_create(&thread, NULL, probe_other_family, &p));
	for (int i = 0; i < 4; i++)
		ASSERT_EQ(0, tt_nl_set_ring(&self->root, i % 2 ? TCPTRAIL_RING_MAX :
						       TCPTRAIL_RING_MAX / 2));
	p.stop = 1;
	pthread_join(thread, NULL);
	report(_metadata, "while SET_CONFIG resizes the ring (4 times, 2M <-> 4M records)", &p);
	EXPECT_EQ(0UL, p.failures);
	nlc_close(&empty);
	close(here);
}

TEST_HARNESS_MAIN
