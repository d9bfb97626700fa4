// SPDX-License-Identifier: GPL-2.0
/*
 * TIME_WAIT end reasons with 20,000 timewait sockets at once: every one
 * ends with the reason that ended it, none with another's.
 *
 * Five groups of PER_GROUP connections, each group to a server port of its
 * own and from local ports of its own (bound explicitly, so that no
 * connect() reuses another's timewait socket by chance):
 *   expired        the client closes first; its 60 s run out
 *   connect-reuse  the client closes first; 1.1 s later connect() from the
 *                  same port takes the 4-tuple over
 *   reused         the server closes first; the client's new SYN from the
 *                  same port reopens the server's timewait socket
 *   aborted        the client closes first; ss -K ends them (where the
 *                  kernel's tcp_abort() takes timewait sockets; else they
 *                  expire)
 *   netns-exit     in a second network namespace, ended by its exit
 * All 20,000 exist together before any is ended. A kernel too slow to
 * make them well within TIME_WAIT's 60 s (a KASAN and lockdep one,
 * emulated) gets fewer, and says how many: B_SECONDS for the other
 * netns's group, A_SECONDS for the rest, so that none expires before the
 * end meant for it. The ring is set to 1M
 * records so that none is lost, the records are read back with one
 * ALL_NETNS dump from the initial namespace, and the ring size restored.
 * TT_TW_STRESS_PER_GROUP overrides PER_GROUP (4000) for a quicker run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
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

enum group { G_EXPIRED, G_CONNECT_REUSE, G_REUSED, G_ABORTED, G_NETNS, NR_GROUPS };
#define A_GROUPS	G_NETNS		/* the groups of the test's own netns */

static const int group_reason[NR_GROUPS] = {
	[G_EXPIRED] = TCPTRAIL_REASON_EXPIRED,
	[G_CONNECT_REUSE] = TCPTRAIL_REASON_CONNECT_REUSE,
	[G_REUSED] = TCPTRAIL_REASON_REUSED,
	[G_ABORTED] = TCPTRAIL_REASON_ABORTED,
	[G_NETNS] = TCPTRAIL_REASON_NETNS_EXIT,
};

#define FIRST_PORT	10000	/* group g's local ports: FIRST_PORT + g * PER_GROUP ... */
#define RING		(1U << 20)
#define B_SECONDS	8
#define A_SECONDS	20

struct conn_end {
	uint64_t conn;
	int group;
	int reason;		/* -1: no end seen */
	int ends;
};

static int per_group(void)
{
	const char *s = getenv("TT_TW_STRESS_PER_GROUP");

	return s && atoi(s) > 0 ? atoi(s) : 4000;
}

/*
 * One connection from @lport; @server_first: the server closes first (its
 * timewait socket), else the client does (the client's). Returns the
 * cookie of the side left in TIME_WAIT, 0 on failure.
 */
static uint64_t one_timewait(int lfd, int lport, int server_first)
{
	int c = tt_client_from(AF_INET, "127.0.0.1", lport, tt_port(lfd)), s;
	uint64_t cookie;
	char b;

	if (c < 0)
		return 0;
	s = tt_accept(lfd);
	if (s < 0) {
		close(c);
		return 0;
	}
	if (server_first) {
		int t = c;

		c = s;
		s = t;
	}
	cookie = tt_cookie(c);
	if (shutdown(c, SHUT_WR) || read(s, &b, 1) != 0 || close(s) ||
	    read(c, &b, 1) != 0 || close(c))
		return 0;
	return cookie;
}

/* A new connection from @lport to @lfd's port, closed right away by the server. */
static int reconnect(int lfd, int lport)
{
	int c = tt_client_from(AF_INET, "127.0.0.1", lport, tt_port(lfd)), s;

	if (c < 0)
		return -1;
	s = tt_accept(lfd);
	if (s < 0) {
		close(c);
		return -1;
	}
	close(s);
	close(c);
	return 0;
}

/* TIME_WAIT sockets in this netns, with remote port @rport (0: any). */
static int timewait_count_to(int rport)
{
	char *text = tt_read_file("/proc/net/tcp"), *line, *save = NULL;
	int n = 0;

	if (!text)
		return -1;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned int port;
		char st[8];

		if (sscanf(line, "%*s %*s %*x:%x %7s", &port, st) == 2 && !strcmp(st, "06") &&
		    (!rport || (int)port == rport))
			n++;
	}
	free(text);
	return n;
}

static int timewait_count(void)
{
	return timewait_count_to(0);
}

static int netns_setup(void)
{
	if (tt_new_netns() ||
	    tt_sysctl_set("/proc/sys/net/ipv4/tcp_max_tw_buckets", 200000))
		return -1;
	return 0;
}

/*
 * The netns-exit group, in a child's netns: its cookies go to @out, then it
 * waits for a byte on @go and exits, taking its netns and its timewait
 * sockets with it.
 */
static int netns_child(int n, int out, int go)
{
	uint64_t t0 = tt_now_ns();
	int lfd, i;
	char b;

	if (netns_setup())
		return 100;
	lfd = tt_listener(AF_INET, "127.0.0.1");
	if (lfd < 0)
		return 101;
	for (i = 0; i < n && tt_now_ns() - t0 < B_SECONDS * 1000000000ULL; i++) {
		uint64_t cookie = one_timewait(lfd, FIRST_PORT + i, 0);

		if (!cookie || write(out, &cookie, sizeof(cookie)) != sizeof(cookie))
			return 102;
	}
	close(lfd);
	close(out);
	return read(go, &b, 1) == 1 ? 0 : 103;
}

static int by_conn(const void *a, const void *b)
{
	const struct conn_end *x = a, *y = b;

	return x->conn < y->conn ? -1 : x->conn > y->conn;
}

FIXTURE(tw) {
};

FIXTURE_SETUP(tw)
{
}

FIXTURE_TEARDOWN(tw)
{
}

/* Up to 60 s of making, 60 s of TIME_WAIT, reading back. */
TEST_F_TIMEOUT(tw, twenty_thousand_ends, 580)
{
	int n = per_group(), stride = n, lfd[NR_GROUPS] = { -1, -1, -1, -1, -1 };
	int out[2], go[2], status, g, i, in_a, in_b, abort_works;
	struct conn_end *ends, key, *e;
	uint64_t from, seen = 0, t0, t_made;
	struct tt_nl_stats st;
	size_t nconns = 0, k;
	struct tt_dump d;
	struct nlc root;
	char cmd[256];
	pid_t pid;

	if (access(TT_EVENTS_PATH, F_OK))
		SKIP(return, "tcptrail module not loaded");
	ends = calloc((size_t)n * NR_GROUPS, sizeof(*ends));
	ASSERT_NE(NULL, ends);
	ASSERT_EQ(0, nlc_open(&root));
	ASSERT_EQ(0, tt_nl_set_ring(&root, RING)) TH_LOG("cannot set a ring of %u records", RING);
	ASSERT_EQ(0, tt_nl_stats(&root, &st, NULL));
	from = st.written + 1;

	/* Netns B: the netns-exit group, made first, kept while A's are made. */
	ASSERT_EQ(0, pipe(out));
	ASSERT_EQ(0, pipe(go));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		close(out[0]);
		close(go[1]);
		_exit(netns_child(n, out[1], go[0]));
	}
	close(out[1]);
	close(go[0]);
	/* Up to n, until the child closes the pipe. */
	for (in_b = 0; read(out[0], &ends[nconns].conn, sizeof(uint64_t)) ==
		       sizeof(uint64_t); in_b++)
		ends[nconns++].group = G_NETNS;
	close(out[0]);

	/* Netns A: the other four groups. */
	ASSERT_EQ(0, netns_setup());
	for (g = 0; g < A_GROUPS; g++) {
		lfd[g] = tt_listener(AF_INET, "127.0.0.1");
		ASSERT_LE(0, lfd[g]);
	}
	t0 = tt_now_ns();
	for (i = 0; i < n && tt_now_ns() - t0 < A_SECONDS * 1000000000ULL; i++) {
		for (g = 0; g < A_GROUPS; g++) {
			ends[nconns].conn = one_timewait(lfd[g], FIRST_PORT + g * stride + i,
							 g == G_REUSED);
			ASSERT_NE(0ULL, ends[nconns].conn)
				TH_LOG("group %d, connection %d: %s", g, i, strerror(errno));
			ends[nconns++].group = g;
		}
	}
	n = i;		/* what the time allowed, per group of netns A */
	in_a = timewait_count();
	TH_LOG("%zu timewait sockets at once (%d here, %d in the other netns), made in %llu ms",
	       nconns, in_a, in_b, (unsigned long long)((tt_now_ns() - t0) / 1000000));
	if (nconns < 20000)
		TH_LOG("fewer than 20000: this kernel made only that many in %d s",
		       B_SECONDS + A_SECONDS);
	ASSERT_LE(4 * n, in_a);
	ASSERT_EQ(1, write(go[1], "x", 1));	/* netns B goes */
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	t_made = tt_now_ns();

	/* connect() takes its 4-tuple over once its last timestamp is 1 s old. */
	tt_sleep_ms(1100);
	for (i = 0; i < n; i++) {
		ASSERT_EQ(0, reconnect(lfd[G_CONNECT_REUSE], FIRST_PORT + G_CONNECT_REUSE * stride + i))
			TH_LOG("connect-reuse %d: %s", i, strerror(errno));
		ASSERT_EQ(0, reconnect(lfd[G_REUSED], FIRST_PORT + G_REUSED * stride + i))
			TH_LOG("reused %d: %s", i, strerror(errno));
	}
	snprintf(cmd, sizeof(cmd),
		 "ss -K -tn state time-wait '( dport = :%d )' >/dev/null 2>&1",
		 tt_port(lfd[G_ABORTED]));
	ASSERT_EQ(0, system(cmd));
	abort_works = timewait_count_to(tt_port(lfd[G_ABORTED])) == 0;
	if (!abort_works) {
		TH_LOG("this kernel's tcp_abort() leaves timewait sockets alone: the aborted group expires");
		for (k = 0; k < nconns; k++)
			if (ends[k].group == G_ABORTED)
				ends[k].group = G_EXPIRED;
	}

	/* The rest expire 60 s after they were made. */
	for (;;) {
		int left = timewait_count();

		/* The reconnections' own (2n) end a little later. */
		if (left <= 2 * n || tt_now_ns() - t_made > 90ULL * 1000000000)
			break;
		tt_sleep_ms(2000);
	}
	tt_sleep_ms(500);

	qsort(ends, nconns, sizeof(*ends), by_conn);
	for (k = 0; k < nconns; k++)
		ends[k].reason = -1;
	ASSERT_EQ(0, tt_nl_dump(&root, from, 0, 1, &d)) TH_LOG("%s", d.res.msg);
	EXPECT_EQ(0ULL, d.missed) TH_LOG("records lost: the ring was too small");
	for (k = 0; k < d.n; k++) {
		const struct tcptrail_record *r = &d.r[k];

		if (r->kind != TCPTRAIL_KIND_TIMEWAIT || r->new_state != 7 /* CLOSE */)
			continue;
		key.conn = r->conn;
		e = bsearch(&key, ends, nconns, sizeof(*ends), by_conn);
		if (!e)
			continue;
		e->reason = r->reason;
		e->ends++;
		seen++;
	}
	TH_LOG("%llu records read, %llu ends of ours", (unsigned long long)d.n,
	       (unsigned long long)seen);
	for (g = 0; g < NR_GROUPS; g++) {
		int right = 0, wrong = 0, none = 0, twice = 0, first_wrong = -1;

		for (k = 0; k < nconns; k++) {
			if (ends[k].group != g)
				continue;
			if (ends[k].reason < 0)
				none++;
			else if (ends[k].reason == group_reason[g])
				right++;
			else if (wrong++ == 0)
				first_wrong = ends[k].reason;
			twice += ends[k].ends > 1;
		}
		TH_LOG("%-13s %d right, %d wrong (first: %s), %d without an end, %d ended twice",
		       tt_reason_name(group_reason[g]), right, wrong,
		       first_wrong < 0 ? "-" : tt_reason_name(first_wrong), none, twice);
		EXPECT_EQ(0, wrong);
		EXPECT_EQ(0, none);
		EXPECT_EQ(0, twice);
	}
	tt_dump_free(&d);
	for (g = 0; g < A_GROUPS; g++)
		close(lfd[g]);
	EXPECT_EQ(0, tt_nl_set_ring(&root, TCPTRAIL_RING_DEFAULT));
	nlc_close(&root);
	free(ends);
}

TEST_HARNESS_MAIN
