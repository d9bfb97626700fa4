// SPDX-License-Identifier: GPL-2.0
/*
 * tcptrail: every TCP state transition on loopback is recorded, exactly once,
 * in order, with the right connection, addresses, task and context.
 *
 * Each test runs in its own network namespace, so the events file shows only
 * that test's records. The module must be loaded (the suite's runner does it).
 *
 * The sequences of STATE records (EVENT "state": the tracepoint's
 * transitions) are asserted exactly; the other kinds (timewait, resets,
 * accept, totals) where the test knows them, as "OLD>NEW/EVENT" entries of
 * a connection's whole record list (tt_conn_str_all()).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <grp.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
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

#define WAIT_MS		20000	/* deadline for an expected transition */
#define SETTLE_MS	50	/* let stray extra transitions show up */

/* Expected per-connection sequences ("OLD>NEW", oldest first). */
#define SEQ_ACTIVE_CLOSE_CLIENT \
	"CLOSE>SYN_SENT SYN_SENT>ESTABLISHED ESTABLISHED>FIN_WAIT1 " \
	"FIN_WAIT1>FIN_WAIT2 FIN_WAIT2>CLOSE"
#define SEQ_PASSIVE_CLOSE_CLIENT \
	"CLOSE>SYN_SENT SYN_SENT>ESTABLISHED ESTABLISHED>CLOSE_WAIT " \
	"CLOSE_WAIT>LAST_ACK LAST_ACK>CLOSE"
#define SEQ_ACTIVE_CLOSE_SERVER \
	"LISTEN>SYN_RECV SYN_RECV>ESTABLISHED ESTABLISHED>FIN_WAIT1 " \
	"FIN_WAIT1>FIN_WAIT2 FIN_WAIT2>CLOSE"
#define SEQ_PASSIVE_CLOSE_SERVER \
	"LISTEN>SYN_RECV SYN_RECV>ESTABLISHED ESTABLISHED>CLOSE_WAIT " \
	"CLOSE_WAIT>LAST_ACK LAST_ACK>CLOSE"
#define SEQ_LISTENER	"CLOSE>LISTEN LISTEN>CLOSE"

enum {
	ESTABLISHED = 1, SYN_SENT, SYN_RECV, FIN_WAIT1, FIN_WAIT2, TIME_WAIT,
	CLOSE, CLOSE_WAIT, LAST_ACK, LISTEN, CLOSING, NEW_SYN_RECV,
};

FIXTURE(tcptrail) {
	uint64_t netns;
	uint64_t t0;
	int lfd, port;
	uint64_t lcookie;
};

FIXTURE_VARIANT(tcptrail) {
	int domain;		/* socket domain */
	const char *addr;	/* loopback address used for everything */
	const char *family;	/* FAMILY the module must report */
	const char *shown;	/* address as the module must print it */
	const char *any;	/* unspecified address as printed */
};

FIXTURE_VARIANT_ADD(tcptrail, ipv4) {
	.domain = AF_INET, .addr = "127.0.0.1",
	.family = "ipv4", .shown = "127.0.0.1", .any = "0.0.0.0",
};

FIXTURE_VARIANT_ADD(tcptrail, ipv6) {
	.domain = AF_INET6, .addr = "::1",
	.family = "ipv6", .shown = "::1", .any = "::",
};

/* IPv6 sockets bound to/connected to ::ffff:127.0.0.1 are reported as ipv4. */
FIXTURE_VARIANT_ADD(tcptrail, ipv4_mapped) {
	.domain = AF_INET6, .addr = "::ffff:127.0.0.1",
	.family = "ipv4", .shown = "127.0.0.1", .any = "0.0.0.0",
};

FIXTURE_SETUP(tcptrail)
{
	struct tt_events ev;
	struct tt_stats st;
	int ret;

	self->lfd = -1;
	if (access(TT_EVENTS_PATH, F_OK))
		SKIP(return, "tcptrail module not loaded (%s missing)", TT_EVENTS_PATH);
	ret = tt_new_netns();
	ASSERT_EQ(0, ret) TH_LOG("unshare(CLONE_NEWNET)/lo up: %s", strerror(-ret));
	self->netns = tt_netns_ino();
	ASSERT_NE(0UL, self->netns);
	self->t0 = tt_now_ns();

	/* A new netns starts empty (fresh_netns_is_empty checks it harder). */
	ASSERT_EQ(0, tt_events_read(&ev)) TH_LOG("%s", ev.err);
	ASSERT_EQ(0UL, ev.n) TH_LOG("new netns shows %zu records, the first seq %llu",
				    ev.n, ev.n ? (unsigned long long)ev.r[0].seq : 0ULL);
	tt_events_free(&ev);
	ASSERT_EQ(0, tt_stats_read(&st)) TH_LOG("%s", st.err);
	ASSERT_EQ(0UL, st.netns_written);
	for (int s = 1; s < TT_NSTATES; s++) {
		ASSERT_EQ(0UL, st.state[s]) TH_LOG("state %d", s);
	}
}

FIXTURE_TEARDOWN(tcptrail)
{
	if (self->lfd >= 0)
		close(self->lfd);
}

/* Poll the events file until @conn shows OLD>NEW, or fail at the deadline. */
static void wait_for(struct __test_metadata *_metadata, FIXTURE_DATA(tcptrail) *self,
		     uint64_t conn, int old, int new)
{
	uint64_t deadline = tt_now_ns() + WAIT_MS * 1000000ull;
	struct tt_events ev;
	char buf[1024];

	(void)self;

	for (;;) {
		int found;

		ASSERT_EQ(0, tt_events_read(&ev)) TH_LOG("%s", ev.err);
		found = tt_find(&ev, conn, old, new) != NULL;
		tt_conn_str(&ev, conn, buf, sizeof(buf));
		tt_events_free(&ev);
		if (found)
			return;
		ASSERT_LT(tt_now_ns(), deadline)
			TH_LOG("conn %llu: no %s>%s within %d ms; has: %s",
			       (unsigned long long)conn, tt_state_name(old),
			       tt_state_name(new), WAIT_MS, buf);
		tt_sleep_ms(10);
	}
}

/* Read the events after a short settle and check what holds for every record. */
static void load(struct __test_metadata *_metadata, FIXTURE_DATA(tcptrail) *self,
		 const FIXTURE_VARIANT(tcptrail) *variant, struct tt_events *ev)
{
	uint64_t now;

	tt_sleep_ms(SETTLE_MS);
	ASSERT_EQ(0, tt_events_read(ev)) TH_LOG("%s", ev->err);
	now = tt_now_ns();
	ASSERT_EQ(0UL, ev->lost_total) TH_LOG("records overwritten in a %zu-record test", ev->n);
	for (size_t i = 0; i < ev->n; i++) {
		const struct tt_rec *r = &ev->r[i];

		char e[32];

		ASSERT_EQ(self->netns, r->netns) TH_LOG("seq %llu", (unsigned long long)r->seq);
		ASSERT_NE(0UL, r->conn);
		/* TOTALS: see tcptrail_lifecycle_test's totals (ipv4_mapped). */
		if (r->kind != TCPTRAIL_KIND_TOTALS) {
			ASSERT_STREQ(variant->family, r->family)
				TH_LOG("seq %llu %s>%s %s", (unsigned long long)r->seq,
				       tt_state_name(r->old_state), tt_state_name(r->new_state),
				       tt_event_name(r, e, sizeof(e)));
		}
		ASSERT_GE(r->ts_ns, self->t0) TH_LOG("TIME before the test started");
		ASSERT_LE(r->ts_ns, now) TH_LOG("TIME in the future");
		if (!r->softirq) {
			ASSERT_EQ(getpid(), r->tgid) TH_LOG("task record of another process");
		}
		/* One socket's transitions are serialised: time follows seq. */
		for (size_t j = 0; j < i; j++) {
			if (ev->r[j].conn == r->conn) {
				ASSERT_LE(ev->r[j].ts_ns, r->ts_ns);
			}
		}
	}
}

static void expect_seq(struct __test_metadata *_metadata, const struct tt_events *ev,
		       uint64_t conn, const char *who, const char *expected)
{
	char buf[1024];

	EXPECT_STREQ(expected, tt_conn_str(ev, conn, buf, sizeof(buf)))
		TH_LOG("%s (conn %llu) transitions differ", who, (unsigned long long)conn);
}

static const struct tt_rec *must_find(struct __test_metadata *_metadata,
				      const struct tt_events *ev, uint64_t conn,
				      int old, int new)
{
	const struct tt_rec *r = tt_find(ev, conn, old, new);

	if (!r) {
		char buf[1024];

		TH_LOG("conn %llu has no %s>%s: %s", (unsigned long long)conn,
		       tt_state_name(old), tt_state_name(new),
		       tt_conn_str(ev, conn, buf, sizeof(buf)));
		_metadata->exit_code = KSFT_FAIL;
		longjmp(_metadata->env, 1);
	}
	return r;
}

static void listen_up(struct __test_metadata *_metadata, FIXTURE_DATA(tcptrail) *self,
		      const FIXTURE_VARIANT(tcptrail) *variant)
{
	self->lfd = tt_listener(variant->domain, variant->addr);
	ASSERT_LE(0, self->lfd) TH_LOG("listen on %s: %s", variant->addr, strerror(errno));
	self->port = tt_port(self->lfd);
	self->lcookie = tt_cookie(self->lfd);
	ASSERT_NE(0UL, self->lcookie);
}

static void listen_down(struct __test_metadata *_metadata, FIXTURE_DATA(tcptrail) *self)
{
	close(self->lfd);
	self->lfd = -1;
	wait_for(_metadata, self, self->lcookie, LISTEN, CLOSE);
}

struct conn {
	int c, s;
	uint64_t cc, sc;	/* cookies of client and accepted socket */
};

static void connect_pair(struct __test_metadata *_metadata, FIXTURE_DATA(tcptrail) *self,
			 const FIXTURE_VARIANT(tcptrail) *variant, struct conn *p)
{
	struct timeval tv = { .tv_sec = WAIT_MS / 1000 };

	p->c = tt_client(variant->domain, variant->addr, self->port);
	ASSERT_LE(0, p->c) TH_LOG("connect: %s", strerror(errno));
	p->s = tt_accept(self->lfd);
	ASSERT_LE(0, p->s) TH_LOG("accept: %s", strerror(errno));
	setsockopt(p->c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(p->s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	p->cc = tt_cookie(p->c);
	p->sc = tt_cookie(p->s);
	ASSERT_NE(0UL, p->cc);
	ASSERT_NE(0UL, p->sc);
	ASSERT_NE(p->cc, p->sc);
}

/* @first closes, the other side reads EOF and closes. */
static void close_pair(struct __test_metadata *_metadata, int first, int second)
{
	char b;

	ASSERT_EQ(0, close(first));
	ASSERT_EQ(0, read(second, &b, 1)) TH_LOG("no EOF: %s", strerror(errno));
	ASSERT_EQ(0, close(second));
}

static size_t count_conn(const struct tt_events *ev, uint64_t conn)
{
	return tt_conn_recs_kind(ev, conn, -1, NULL, 0);
}

static size_t count_state(const struct tt_events *ev)
{
	return tt_count(ev, 0, TCPTRAIL_KIND_STATE, -1);
}

/* All of @conn's records ("OLD>NEW/EVENT") are one of the @n alternatives. */
static void expect_all_of(struct __test_metadata *_metadata, const struct tt_events *ev,
			  uint64_t conn, const char *who, const char *const *alts, int n)
{
	char buf[2048];

	tt_conn_str_all(ev, conn, buf, sizeof(buf));
	for (int i = 0; i < n; i++)
		if (!strcmp(buf, alts[i]))
			return;
	TH_LOG("%s (conn %llu) records: %s", who, (unsigned long long)conn, buf);
	for (int i = 0; i < n; i++)
		TH_LOG("  expected%s %s", i ? " or" : "", alts[i]);
	_metadata->exit_code = KSFT_FAIL;
}

#define EXPECT_ALL(ev, conn, who, ...) do { \
	static const char *const _alts[] = { __VA_ARGS__ }; \
	expect_all_of(_metadata, ev, conn, who, _alts, sizeof(_alts) / sizeof(_alts[0])); \
} while (0)

/*
 * The whole record list of the side that closes first (FIN_WAIT1>FIN_WAIT2
 * on): it enters TIME_WAIT from FIN_WAIT2 (the timewait record comes just
 * before the full socket's FIN_WAIT2>CLOSE hand-over, then its totals), or,
 * when the peer's FIN comes after the close()d socket got the ACK of its own
 * FIN, the orphan's FIN_WAIT2 substate first, switched to TIME_WAIT by the
 * peer's FIN. Which one depends on timing.
 */
#define ACTIVE_CLOSE_TAIL \
	"FIN_WAIT1>FIN_WAIT2 FIN_WAIT2>TIME_WAIT/timewait FIN_WAIT2>CLOSE CLOSE>CLOSE/totals"
#define ACTIVE_CLOSE_TAIL_ORPHAN \
	"FIN_WAIT1>FIN_WAIT2 FIN_WAIT2>FIN_WAIT2/timewait FIN_WAIT2>CLOSE CLOSE>CLOSE/totals " \
	"FIN_WAIT2>TIME_WAIT/timewait"
#define ALL_ACTIVE_CLOSE_CLIENT(tail) \
	"CLOSE>SYN_SENT SYN_SENT>ESTABLISHED ESTABLISHED>FIN_WAIT1 " tail
#define ALL_PASSIVE_CLOSE_CLIENT \
	"CLOSE>SYN_SENT SYN_SENT>ESTABLISHED ESTABLISHED>CLOSE_WAIT " \
	"CLOSE_WAIT>LAST_ACK LAST_ACK>CLOSE CLOSE>CLOSE/totals"
#define ALL_ACTIVE_CLOSE_SERVER(tail) \
	"LISTEN>SYN_RECV SYN_RECV>ESTABLISHED ESTABLISHED>ESTABLISHED/accept " \
	"ESTABLISHED>FIN_WAIT1 " tail
#define ALL_PASSIVE_CLOSE_SERVER \
	"LISTEN>SYN_RECV SYN_RECV>ESTABLISHED ESTABLISHED>ESTABLISHED/accept " \
	"ESTABLISHED>CLOSE_WAIT CLOSE_WAIT>LAST_ACK LAST_ACK>CLOSE CLOSE>CLOSE/totals"

/* The accepted socket has one ACCEPT record, by this task, in task context. */
static void expect_accept(struct __test_metadata *_metadata, const struct tt_events *ev,
			  uint64_t conn, pid_t tid)
{
	const struct tt_rec *r = tt_find_kind(ev, conn, TCPTRAIL_KIND_ACCEPT, -1);

	EXPECT_EQ(1UL, tt_count(ev, conn, TCPTRAIL_KIND_ACCEPT, -1));
	ASSERT_NE(NULL, r);
	EXPECT_EQ(0, r->softirq);
	EXPECT_EQ(tid, r->pid);
	EXPECT_EQ(getpid(), r->tgid);
	EXPECT_EQ(ESTABLISHED, r->old_state);
	EXPECT_EQ(ESTABLISHED, r->new_state);
}

TEST_F(tcptrail, client_closes_first)
{
	struct tt_events ev;
	struct conn p;

	listen_up(_metadata, self, variant);
	connect_pair(_metadata, self, variant, &p);
	close_pair(_metadata, p.c, p.s);
	wait_for(_metadata, self, p.cc, FIN_WAIT2, CLOSE);
	wait_for(_metadata, self, p.sc, LAST_ACK, CLOSE);
	listen_down(_metadata, self);

	load(_metadata, self, variant, &ev);
	expect_seq(_metadata, &ev, p.cc, "client", SEQ_ACTIVE_CLOSE_CLIENT);
	expect_seq(_metadata, &ev, p.sc, "server", SEQ_PASSIVE_CLOSE_SERVER);
	expect_seq(_metadata, &ev, self->lcookie, "listener", SEQ_LISTENER);
	EXPECT_EQ(12UL, count_state(&ev)) TH_LOG("records of unknown connections");
	EXPECT_ALL(&ev, p.cc, "client", ALL_ACTIVE_CLOSE_CLIENT(ACTIVE_CLOSE_TAIL),
		   ALL_ACTIVE_CLOSE_CLIENT(ACTIVE_CLOSE_TAIL_ORPHAN));
	EXPECT_ALL(&ev, p.sc, "server", ALL_PASSIVE_CLOSE_SERVER);
	EXPECT_EQ(count_conn(&ev, p.cc) + count_conn(&ev, p.sc) + 2, ev.n)
		TH_LOG("records of unknown connections");
	expect_accept(_metadata, &ev, p.sc, gettid());
	tt_events_free(&ev);
}

TEST_F(tcptrail, server_closes_first)
{
	struct tt_events ev;
	struct conn p;

	listen_up(_metadata, self, variant);
	connect_pair(_metadata, self, variant, &p);
	close_pair(_metadata, p.s, p.c);
	wait_for(_metadata, self, p.sc, FIN_WAIT2, CLOSE);
	wait_for(_metadata, self, p.cc, LAST_ACK, CLOSE);
	listen_down(_metadata, self);

	load(_metadata, self, variant, &ev);
	expect_seq(_metadata, &ev, p.cc, "client", SEQ_PASSIVE_CLOSE_CLIENT);
	expect_seq(_metadata, &ev, p.sc, "server", SEQ_ACTIVE_CLOSE_SERVER);
	expect_seq(_metadata, &ev, self->lcookie, "listener", SEQ_LISTENER);
	EXPECT_EQ(12UL, count_state(&ev));
	EXPECT_ALL(&ev, p.cc, "client", ALL_PASSIVE_CLOSE_CLIENT);
	EXPECT_ALL(&ev, p.sc, "server", ALL_ACTIVE_CLOSE_SERVER(ACTIVE_CLOSE_TAIL),
		   ALL_ACTIVE_CLOSE_SERVER(ACTIVE_CLOSE_TAIL_ORPHAN));
	EXPECT_EQ(count_conn(&ev, p.cc) + count_conn(&ev, p.sc) + 2, ev.n);
	expect_accept(_metadata, &ev, p.sc, gettid());
	tt_events_free(&ev);
}

/*
 * Both FINs cross on the wire (netem delays lo by 400 ms): both sides
 * CLOSING. That needs the second shutdown() before the first FIN lands: a
 * VM stalled longer than that by its host cannot make the crossing happen.
 */
#define CROSS_DELAY_MS	400

TEST_F_TIMEOUT(tcptrail, simultaneous_close, 60)
{
	struct tt_events ev;
	struct conn p;
	char cmd[80];
	uint64_t t;

	snprintf(cmd, sizeof(cmd), "tc qdisc add dev lo root netem delay %dms 2>/dev/null",
		 CROSS_DELAY_MS);
	if (system(cmd))
		SKIP(return, "cannot add a netem qdisc (tc or sch_netem missing)");
	listen_up(_metadata, self, variant);
	connect_pair(_metadata, self, variant, &p);
	t = tt_now_ns();
	ASSERT_EQ(0, shutdown(p.c, SHUT_WR));
	ASSERT_EQ(0, shutdown(p.s, SHUT_WR));
	t = (tt_now_ns() - t) / 1000000;
	if (t >= CROSS_DELAY_MS * 3 / 4)
		SKIP(return, "the two shutdown() calls were %llu ms apart: too slow a "
		     "VM for the FINs to cross", (unsigned long long)t);
	wait_for(_metadata, self, p.cc, CLOSING, CLOSE);
	wait_for(_metadata, self, p.sc, CLOSING, CLOSE);
	close(p.c);
	close(p.s);
	listen_down(_metadata, self);

	load(_metadata, self, variant, &ev);
	expect_seq(_metadata, &ev, p.cc, "client",
		   "CLOSE>SYN_SENT SYN_SENT>ESTABLISHED ESTABLISHED>FIN_WAIT1 "
		   "FIN_WAIT1>CLOSING CLOSING>CLOSE");
	expect_seq(_metadata, &ev, p.sc, "server",
		   "LISTEN>SYN_RECV SYN_RECV>ESTABLISHED ESTABLISHED>FIN_WAIT1 "
		   "FIN_WAIT1>CLOSING CLOSING>CLOSE");
	EXPECT_EQ(12UL, count_state(&ev));
	/* Both enter TIME_WAIT from CLOSING. */
	EXPECT_ALL(&ev, p.cc, "client",
		   "CLOSE>SYN_SENT SYN_SENT>ESTABLISHED ESTABLISHED>FIN_WAIT1 "
		   "FIN_WAIT1>CLOSING CLOSING>TIME_WAIT/timewait CLOSING>CLOSE CLOSE>CLOSE/totals");
	EXPECT_ALL(&ev, p.sc, "server",
		   "LISTEN>SYN_RECV SYN_RECV>ESTABLISHED ESTABLISHED>ESTABLISHED/accept "
		   "ESTABLISHED>FIN_WAIT1 FIN_WAIT1>CLOSING CLOSING>TIME_WAIT/timewait "
		   "CLOSING>CLOSE CLOSE>CLOSE/totals");
	EXPECT_EQ(17UL, ev.n);
	tt_events_free(&ev);
}

TEST_F(tcptrail, connect_refused)
{
	struct pollfd pfd = { .events = POLLOUT };
	const struct tt_rec *r;
	struct tt_events ev;
	char ip[INET6_ADDRSTRLEN];
	const char *fam;
	socklen_t len = sizeof(int);
	int err = 0, sport;
	uint64_t cc;

	/* Nothing listens in a new netns: port 9 refuses. */
	pfd.fd = tt_client_nb(variant->domain, variant->addr, 9);
	ASSERT_LE(0, pfd.fd) TH_LOG("socket: %s", strerror(errno));
	cc = tt_cookie(pfd.fd);
	sport = tt_sock_addr(pfd.fd, 0, ip, sizeof(ip), &fam);
	ASSERT_LT(0, sport);
	ASSERT_EQ(1, poll(&pfd, 1, WAIT_MS));
	ASSERT_EQ(0, getsockopt(pfd.fd, SOL_SOCKET, SO_ERROR, &err, &len));
	ASSERT_EQ(ECONNREFUSED, err);
	wait_for(_metadata, self, cc, SYN_SENT, CLOSE);
	close(pfd.fd);

	load(_metadata, self, variant, &ev);
	expect_seq(_metadata, &ev, cc, "client", "CLOSE>SYN_SENT SYN_SENT>CLOSE");
	/* The RST arrives in SYN_SENT; nothing records the refusing side. */
	EXPECT_ALL(&ev, cc, "client",
		   "CLOSE>SYN_SENT SYN_SENT>SYN_SENT/rst-received SYN_SENT>CLOSE "
		   "CLOSE>CLOSE/totals");
	EXPECT_EQ(4UL, ev.n);
	for (size_t i = 0; i < ev.n; i++) {
		r = &ev.r[i];
		EXPECT_EQ(sport, r->sport);
		EXPECT_EQ(9, r->dport);
		if (r->kind == TCPTRAIL_KIND_TOTALS)
			continue;
		EXPECT_STREQ(variant->shown, r->saddr);
		EXPECT_STREQ(variant->shown, r->daddr);
	}
	r = must_find(_metadata, &ev, cc, CLOSE, SYN_SENT);
	EXPECT_EQ(0, r->softirq) TH_LOG("connect() runs in task context");
	tt_events_free(&ev);
}

/* SO_LINGER {1, 0}: close() sends a RST, both sides go straight to CLOSE. */
TEST_F(tcptrail, abortive_close)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	const struct tt_rec *r;
	struct tt_events ev;
	struct conn p;
	char b;

	listen_up(_metadata, self, variant);
	connect_pair(_metadata, self, variant, &p);
	ASSERT_EQ(0, setsockopt(p.c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)));
	ASSERT_EQ(0, close(p.c));
	wait_for(_metadata, self, p.sc, ESTABLISHED, CLOSE);
	EXPECT_EQ(-1, read(p.s, &b, 1));
	EXPECT_EQ(ECONNRESET, errno);
	close(p.s);
	listen_down(_metadata, self);

	load(_metadata, self, variant, &ev);
	expect_seq(_metadata, &ev, p.cc, "client",
		   "CLOSE>SYN_SENT SYN_SENT>ESTABLISHED ESTABLISHED>CLOSE");
	expect_seq(_metadata, &ev, p.sc, "server",
		   "LISTEN>SYN_RECV SYN_RECV>ESTABLISHED ESTABLISHED>CLOSE");
	EXPECT_EQ(8UL, count_state(&ev));
	/* tcp_disconnect(): CLOSE first, then the RST goes out. */
	EXPECT_ALL(&ev, p.cc, "client",
		   "CLOSE>SYN_SENT SYN_SENT>ESTABLISHED ESTABLISHED>CLOSE CLOSE>CLOSE/totals "
		   "CLOSE>CLOSE/rst-sent");
	EXPECT_ALL(&ev, p.sc, "server",
		   "LISTEN>SYN_RECV SYN_RECV>ESTABLISHED ESTABLISHED>ESTABLISHED/accept "
		   "ESTABLISHED>ESTABLISHED/rst-received ESTABLISHED>CLOSE CLOSE>CLOSE/totals");
	EXPECT_EQ(13UL, ev.n);
	r = must_find(_metadata, &ev, p.cc, ESTABLISHED, CLOSE);
	EXPECT_EQ(0, r->softirq) TH_LOG("the abortive close() runs in task context");
	r = tt_find_kind(&ev, p.cc, TCPTRAIL_KIND_RESET, TCPTRAIL_REASON_RST_SENT);
	ASSERT_NE(NULL, r);
	EXPECT_EQ(0, r->softirq) TH_LOG("the RST is sent from close()");
	EXPECT_EQ(gettid(), r->pid);
	tt_events_free(&ev);
}

TEST_F(tcptrail, listener)
{
	struct tt_events ev;

	listen_up(_metadata, self, variant);
	wait_for(_metadata, self, self->lcookie, CLOSE, LISTEN);
	listen_down(_metadata, self);

	load(_metadata, self, variant, &ev);
	expect_seq(_metadata, &ev, self->lcookie, "listener", SEQ_LISTENER);
	ASSERT_EQ(2UL, ev.n);
	for (size_t i = 0; i < ev.n; i++) {
		const struct tt_rec *r = &ev.r[i];

		EXPECT_STREQ(variant->shown, r->saddr);
		EXPECT_EQ(self->port, r->sport);
		EXPECT_STREQ(variant->any, r->daddr);
		EXPECT_EQ(0, r->dport);
		EXPECT_EQ(0, r->softirq) TH_LOG("listen()/close() run in task context");
		EXPECT_EQ(gettid(), r->pid);
	}
	EXPECT_EQ(ev.r[0].seq + 1, ev.r[1].seq) TH_LOG("seq gap inside one netns");
	tt_events_free(&ev);
}

/* Records of the two sides interleave in causal order, by seq and by time. */
TEST_F(tcptrail, cross_side_order)
{
	const struct tt_rec *c_syn, *c_est, *s_syn, *s_est, *c_fin1, *s_cw,
		*c_fin2, *s_la, *c_close, *s_close, *l_listen, *l_close;
	struct tt_events ev;
	struct conn p;

	listen_up(_metadata, self, variant);
	connect_pair(_metadata, self, variant, &p);
	close_pair(_metadata, p.c, p.s);
	wait_for(_metadata, self, p.cc, FIN_WAIT2, CLOSE);
	wait_for(_metadata, self, p.sc, LAST_ACK, CLOSE);
	listen_down(_metadata, self);

	load(_metadata, self, variant, &ev);
	l_listen = must_find(_metadata, &ev, self->lcookie, CLOSE, LISTEN);
	c_syn = must_find(_metadata, &ev, p.cc, CLOSE, SYN_SENT);
	c_est = must_find(_metadata, &ev, p.cc, SYN_SENT, ESTABLISHED);
	s_syn = must_find(_metadata, &ev, p.sc, LISTEN, SYN_RECV);
	s_est = must_find(_metadata, &ev, p.sc, SYN_RECV, ESTABLISHED);
	c_fin1 = must_find(_metadata, &ev, p.cc, ESTABLISHED, FIN_WAIT1);
	s_cw = must_find(_metadata, &ev, p.sc, ESTABLISHED, CLOSE_WAIT);
	c_fin2 = must_find(_metadata, &ev, p.cc, FIN_WAIT1, FIN_WAIT2);
	s_la = must_find(_metadata, &ev, p.sc, CLOSE_WAIT, LAST_ACK);
	c_close = must_find(_metadata, &ev, p.cc, FIN_WAIT2, CLOSE);
	s_close = must_find(_metadata, &ev, p.sc, LAST_ACK, CLOSE);
	l_close = must_find(_metadata, &ev, self->lcookie, LISTEN, CLOSE);

#define BEFORE(a, b) do { \
	EXPECT_LT(a->seq, b->seq) TH_LOG("seq: " #a " must precede " #b); \
	EXPECT_LE(a->ts_ns, b->ts_ns) TH_LOG("time: " #a " must precede " #b); \
} while (0)
	BEFORE(l_listen, c_syn);
	BEFORE(c_syn, c_est);	/* SYN -> SYN-ACK */
	BEFORE(c_syn, s_syn);	/* child made on the third packet */
	BEFORE(c_est, s_syn);	/* the ACK that creates the child comes from ESTABLISHED */
	BEFORE(s_syn, s_est);
	BEFORE(s_est, c_fin1);	/* accept() returned before the client closed */
	BEFORE(c_fin1, s_cw);	/* FIN */
	BEFORE(c_fin1, c_fin2);
	BEFORE(s_cw, s_la);
	BEFORE(c_fin2, s_close);
	BEFORE(c_fin2, c_close);
	BEFORE(c_close, s_close); /* the ACK of the server's FIN comes after */
	BEFORE(s_close, l_close);
#undef BEFORE
	/* Nothing else happened in this netns: seqs are contiguous. */
	for (size_t i = 1; i < ev.n; i++) {
		EXPECT_EQ(ev.r[i - 1].seq + 1, ev.r[i].seq);
	}
	tt_events_free(&ev);
}

struct client_op {
	int domain, port, fd;
	const char *addr;
	pid_t tid;
};

#define CLIENT_COMM "tt cli\\ent"	/* space and backslash: escaped */
#define SERVER_COMM "tt\tsrv\nx"	/* tab and newline: escaped */

static void *client_connect(void *arg)
{
	struct client_op *op = arg;

	prctl(PR_SET_NAME, CLIENT_COMM);
	op->tid = gettid();
	op->fd = tt_client(op->domain, op->addr, op->port);
	return NULL;
}

static void *client_close(void *arg)
{
	struct client_op *op = arg;

	prctl(PR_SET_NAME, CLIENT_COMM);
	op->tid = gettid();
	close(op->fd);
	return NULL;
}

/* TGID/PID/COMM of task-context records are the calling thread's. */
TEST_F(tcptrail, task_identity)
{
	struct client_op op = { .domain = variant->domain, .addr = variant->addr };
	const struct tt_rec *r;
	pid_t connect_tid, close_tid;
	struct tt_events ev;
	pthread_t th;
	int s, tasks = 0;
	uint64_t cc, sc;
	char b;

	ASSERT_EQ(0, prctl(PR_SET_NAME, SERVER_COMM));
	listen_up(_metadata, self, variant);
	op.port = self->port;
	ASSERT_EQ(0, pthread_create(&th, NULL, client_connect, &op));
	ASSERT_EQ(0, pthread_join(th, NULL));
	ASSERT_LE(0, op.fd) TH_LOG("connect failed");
	connect_tid = op.tid;
	s = tt_accept(self->lfd);
	ASSERT_LE(0, s);
	cc = tt_cookie(op.fd);
	sc = tt_cookie(s);
	ASSERT_EQ(0, pthread_create(&th, NULL, client_close, &op));
	ASSERT_EQ(0, pthread_join(th, NULL));
	close_tid = op.tid;
	ASSERT_EQ(0, read(s, &b, 1));
	close(s);
	wait_for(_metadata, self, cc, FIN_WAIT2, CLOSE);
	wait_for(_metadata, self, sc, LAST_ACK, CLOSE);
	listen_down(_metadata, self);

	load(_metadata, self, variant, &ev);
	ASSERT_NE(getpid(), connect_tid);

	/* Transitions made by a system call, and who made them. */
	r = must_find(_metadata, &ev, self->lcookie, CLOSE, LISTEN);
	EXPECT_EQ(0, r->softirq);
	EXPECT_EQ(gettid(), r->pid);
	EXPECT_STREQ(SERVER_COMM, r->comm);
	r = must_find(_metadata, &ev, cc, CLOSE, SYN_SENT);
	EXPECT_EQ(0, r->softirq);
	EXPECT_EQ(connect_tid, r->pid);
	EXPECT_EQ(getpid(), r->tgid);
	EXPECT_STREQ(CLIENT_COMM, r->comm);
	r = must_find(_metadata, &ev, cc, ESTABLISHED, FIN_WAIT1);
	EXPECT_EQ(0, r->softirq);
	EXPECT_EQ(close_tid, r->pid);
	EXPECT_EQ(getpid(), r->tgid);
	EXPECT_STREQ(CLIENT_COMM, r->comm);
	r = must_find(_metadata, &ev, sc, CLOSE_WAIT, LAST_ACK);
	EXPECT_EQ(0, r->softirq);
	EXPECT_EQ(gettid(), r->pid);
	EXPECT_STREQ(SERVER_COMM, r->comm);
	r = must_find(_metadata, &ev, self->lcookie, LISTEN, CLOSE);
	EXPECT_EQ(0, r->softirq);
	EXPECT_EQ(gettid(), r->pid);
	EXPECT_STREQ(SERVER_COMM, r->comm);

	/* The child is created by the arriving ACK, in NET_RX softirq. */
	r = must_find(_metadata, &ev, sc, LISTEN, SYN_RECV);
	EXPECT_EQ(1, r->softirq) TH_LOG("child creation reported in task context");

	/* The accepted socket's owner: the server thread. */
	expect_accept(_metadata, &ev, sc, gettid());
	r = tt_find_kind(&ev, sc, TCPTRAIL_KIND_ACCEPT, -1);
	ASSERT_NE(NULL, r);
	EXPECT_STREQ(SERVER_COMM, r->comm);

	/* Every task record is one of our three threads, with its comm. */
	for (size_t i = 0; i < ev.n; i++) {
		r = &ev.r[i];
		if (r->softirq)
			continue;
		if (r->kind == TCPTRAIL_KIND_TOTALS) {	/* no comm */
			EXPECT_STREQ("-", r->comm);
			EXPECT_EQ(getpid(), r->tgid);
			continue;
		}
		tasks++;
		EXPECT_EQ(getpid(), r->tgid);
		if (r->pid == gettid()) {
			EXPECT_STREQ(SERVER_COMM, r->comm);
		} else if (r->pid == connect_tid || r->pid == close_tid) {
			EXPECT_STREQ(CLIENT_COMM, r->comm);
		} else {
			EXPECT_EQ(0, r->pid) TH_LOG("seq %llu: unknown pid",
						    (unsigned long long)r->seq);
		}
	}
	EXPECT_LE(5, tasks);
	tt_events_free(&ev);
}

static void expect_addrs(struct __test_metadata *_metadata,
			 const FIXTURE_VARIANT(tcptrail) *variant,
			 const struct tt_rec *r, int fd)
{
	char lip[INET6_ADDRSTRLEN], rip[INET6_ADDRSTRLEN];
	const char *lfam, *rfam;
	int lport = tt_sock_addr(fd, 0, lip, sizeof(lip), &lfam);
	int rport = tt_sock_addr(fd, 1, rip, sizeof(rip), &rfam);

	ASSERT_LT(0, lport);
	ASSERT_LT(0, rport);
	ASSERT_STREQ(variant->family, lfam);
	EXPECT_STREQ(lip, r->saddr) TH_LOG("seq %llu", (unsigned long long)r->seq);
	EXPECT_EQ(lport, r->sport) TH_LOG("seq %llu", (unsigned long long)r->seq);
	EXPECT_STREQ(rip, r->daddr) TH_LOG("seq %llu", (unsigned long long)r->seq);
	EXPECT_EQ(rport, r->dport) TH_LOG("seq %llu", (unsigned long long)r->seq);
}

/* FAMILY/SADDR/SPORT/DADDR/DPORT match getsockname()/getpeername(). */
TEST_F(tcptrail, addresses)
{
	const struct tt_rec *recs[16];
	struct tt_events ev;
	struct conn p;
	size_t n;

	listen_up(_metadata, self, variant);
	connect_pair(_metadata, self, variant, &p);

	/* Read while both sockets are still connected. */
	wait_for(_metadata, self, p.sc, SYN_RECV, ESTABLISHED);
	load(_metadata, self, variant, &ev);
	n = tt_conn_recs(&ev, p.cc, recs, 16);
	ASSERT_EQ(2UL, n);
	for (size_t i = 0; i < n; i++)
		expect_addrs(_metadata, variant, recs[i], p.c);
	n = tt_conn_recs(&ev, p.sc, recs, 16);
	ASSERT_EQ(2UL, n);
	/*
	 * Up to 6.x the child's first record is emitted before its peer's
	 * address is set (it shows the listener's); 7.x sets it first.
	 */
	if (recs[0]->dport) {
		expect_addrs(_metadata, variant, recs[0], p.s);
	} else {
		EXPECT_STREQ(variant->shown, recs[0]->saddr);
		EXPECT_EQ(self->port, recs[0]->sport);
		EXPECT_STREQ(variant->any, recs[0]->daddr);
	}
	expect_addrs(_metadata, variant, recs[1], p.s);
	n = tt_conn_recs(&ev, self->lcookie, recs, 16);
	ASSERT_EQ(1UL, n);
	EXPECT_STREQ(variant->shown, recs[0]->saddr);
	EXPECT_EQ(self->port, recs[0]->sport);
	EXPECT_STREQ(variant->any, recs[0]->daddr);
	EXPECT_EQ(0, recs[0]->dport);
	tt_events_free(&ev);
	close_pair(_metadata, p.c, p.s);
	wait_for(_metadata, self, p.cc, FIN_WAIT2, CLOSE);
	wait_for(_metadata, self, p.sc, LAST_ACK, CLOSE);

	/* Closing does not change what a connection's records say. */
	load(_metadata, self, variant, &ev);
	n = tt_conn_recs(&ev, p.cc, recs, 16);
	ASSERT_EQ(5UL, n);
	for (size_t i = 1; i < n; i++) {
		EXPECT_STREQ(recs[0]->saddr, recs[i]->saddr);
		EXPECT_EQ(recs[0]->sport, recs[i]->sport);
		EXPECT_STREQ(recs[0]->daddr, recs[i]->daddr);
		EXPECT_EQ(recs[0]->dport, recs[i]->dport);
	}
	n = tt_conn_recs(&ev, p.sc, recs, 16);
	ASSERT_EQ(5UL, n);
	for (size_t i = 2; i < n; i++) {
		EXPECT_STREQ(recs[1]->saddr, recs[i]->saddr);
		EXPECT_EQ(recs[1]->sport, recs[i]->sport);
		EXPECT_STREQ(recs[1]->daddr, recs[i]->daddr);
		EXPECT_EQ(recs[1]->dport, recs[i]->dport);
	}
	/* The other kinds carry the same endpoints; TOTALS only the ports. */
	for (size_t i = 0; i < ev.n; i++) {
		const struct tt_rec *r = &ev.r[i], *ref;

		if (r->kind == TCPTRAIL_KIND_STATE || (r->conn != p.cc && r->conn != p.sc))
			continue;
		/* The established socket's own endpoints. */
		ref = tt_find(&ev, r->conn, r->conn == p.cc ? SYN_SENT : SYN_RECV, ESTABLISHED);
		ASSERT_NE(NULL, ref);
		EXPECT_EQ(ref->sport, r->sport) TH_LOG("seq %llu", (unsigned long long)r->seq);
		EXPECT_EQ(ref->dport, r->dport) TH_LOG("seq %llu", (unsigned long long)r->seq);
		if (r->kind != TCPTRAIL_KIND_TOTALS) {
			EXPECT_STREQ(ref->saddr, r->saddr) TH_LOG("seq %llu", (unsigned long long)r->seq);
			EXPECT_STREQ(ref->daddr, r->daddr) TH_LOG("seq %llu", (unsigned long long)r->seq);
		}
	}
	EXPECT_NE(NULL, tt_find_kind(&ev, p.cc, TCPTRAIL_KIND_TIMEWAIT, -1));
	EXPECT_NE(NULL, tt_find_kind(&ev, p.sc, TCPTRAIL_KIND_ACCEPT, -1));
	tt_events_free(&ev);
}

/* The stats of this netns count exactly the records it shows. */
TEST_F(tcptrail, stats_match_records)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	uint64_t count[TT_NSTATES] = { 0 };
	struct conn a, b;
	struct tt_events ev;
	struct tt_stats st;
	int rfd;

	listen_up(_metadata, self, variant);
	connect_pair(_metadata, self, variant, &a);
	connect_pair(_metadata, self, variant, &b);
	close_pair(_metadata, a.s, a.c);
	ASSERT_EQ(0, setsockopt(b.c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)));
	close(b.c);
	rfd = tt_client_nb(variant->domain, variant->addr, 9);
	ASSERT_LE(0, rfd);
	wait_for(_metadata, self, a.sc, FIN_WAIT2, CLOSE);
	wait_for(_metadata, self, a.cc, LAST_ACK, CLOSE);
	wait_for(_metadata, self, b.sc, ESTABLISHED, CLOSE);
	wait_for(_metadata, self, tt_cookie(rfd), SYN_SENT, CLOSE);
	close(b.s);
	close(rfd);
	listen_down(_metadata, self);

	load(_metadata, self, variant, &ev);
	ASSERT_EQ(0, tt_stats_read(&st)) TH_LOG("%s", st.err);
	EXPECT_EQ((uint64_t)(10 + 6 + 2 + 2), count_state(&ev));
	/* netns_written counts every kind; the per-state counts STATE only. */
	EXPECT_EQ(ev.n, st.netns_written);
	EXPECT_LE(st.netns_written, st.written);
	EXPECT_LE(st.overwritten, st.written);
	EXPECT_EQ(sizeof(struct tcptrail_record), st.record_size);
	EXPECT_LE((uint64_t)(TCPTRAIL_RING_MIN), st.ring_size);
	EXPECT_GE(TCPTRAIL_RING_MAX, st.ring_size);
	EXPECT_EQ(0UL, st.ring_size & (st.ring_size - 1)) TH_LOG("ring_size not a power of 2");
	for (size_t i = 0; i < ev.n; i++)
		if (ev.r[i].kind == TCPTRAIL_KIND_STATE)
			count[ev.r[i].new_state]++;
	for (int s = 1; s <= NEW_SYN_RECV; s++) {
		EXPECT_TRUE(st.have_state[s]) TH_LOG("no 'state %s' line", tt_state_name(s));
		EXPECT_EQ(count[s], st.state[s]) TH_LOG("state %s", tt_state_name(s));
	}
	EXPECT_EQ(6UL, st.state[CLOSE]);
	EXPECT_EQ(0UL, st.state[TIME_WAIT]);
	EXPECT_EQ(0UL, st.state[NEW_SYN_RECV]);
	tt_events_free(&ev);
}

/* Reading never consumes: readers with any buffer size see the same text. */
TEST_F(tcptrail, readers_agree)
{
	int fa, fb, done_a = 0, done_b = 0;
	size_t la = 0, lb = 0, cap = 1 << 20;
	char *a = malloc(cap), *b = malloc(cap), *c;
	struct tt_events ev;
	struct conn p;

	ASSERT_TRUE(a && b);
	listen_up(_metadata, self, variant);
	for (int i = 0; i < 40; i++) {
		connect_pair(_metadata, self, variant, &p);
		close_pair(_metadata, p.c, p.s);
	}
	wait_for(_metadata, self, p.sc, LAST_ACK, CLOSE);
	listen_down(_metadata, self);
	tt_sleep_ms(SETTLE_MS);

	/* Two readers open at once, interleaved, 61-byte and 4 KiB reads. */
	fa = open(TT_EVENTS_PATH, O_RDONLY);
	fb = open(TT_EVENTS_PATH, O_RDONLY);
	ASSERT_LE(0, fa);
	ASSERT_LE(0, fb);
	while (!done_a || !done_b) {
		ssize_t n;

		if (!done_a) {
			n = read(fa, a + la, 61);
			ASSERT_LE(0, n);
			done_a = !n;
			la += n;
		}
		if (!done_b) {
			n = read(fb, b + lb, 4096);
			ASSERT_LE(0, n);
			done_b = !n;
			lb += n;
		}
		ASSERT_GT(cap - 4096, la > lb ? la : lb);
	}
	close(fa);
	close(fb);
	a[la] = b[lb] = '\0';
	c = tt_read_file(TT_EVENTS_PATH);	/* a third, later reader */
	ASSERT_NE(NULL, c);
	EXPECT_EQ(la, lb);
	EXPECT_STREQ(a, b);
	EXPECT_STREQ(a, c);
	ASSERT_EQ(0, tt_events_parse(a, &ev)) TH_LOG("%s", ev.err);
	EXPECT_EQ((uint64_t)(40 * 10 + 2), count_state(&ev));
	EXPECT_EQ((uint64_t)(40 * 2), tt_count(&ev, 0, TCPTRAIL_KIND_TOTALS, -1));
	EXPECT_EQ((uint64_t)40, tt_count(&ev, 0, TCPTRAIL_KIND_ACCEPT, -1));
	tt_events_free(&ev);
	free(a);
	free(b);
	free(c);
}

/* Another netns's records are invisible here, and ours are invisible there. */
TEST_F(tcptrail, netns_isolation)
{
	uint64_t child_info[3];	/* netns, client cookie, server cookie */
	struct tt_events ev;
	struct tt_stats st;
	struct conn p;
	int pfd[2], status;
	pid_t pid;

	listen_up(_metadata, self, variant);
	connect_pair(_metadata, self, variant, &p);
	ASSERT_EQ(0, pipe(pfd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		uint64_t deadline = tt_now_ns() + WAIT_MS * 1000000ull;
		int lfd, bad = 0, found = 0;
		uint64_t cc, sc;

		close(pfd[0]);
		if (tt_new_netns())
			_exit(2);
		lfd = tt_listener(variant->domain, variant->addr);
		if (lfd < 0 || tt_churn_one(variant->domain, variant->addr, lfd,
					    tt_port(lfd), &cc, &sc))
			_exit(3);
		child_info[0] = tt_netns_ino();
		child_info[1] = cc;
		child_info[2] = sc;
		while (!found && tt_now_ns() < deadline) {
			if (tt_events_read(&ev))
				_exit(4);
			found = tt_find(&ev, sc, LAST_ACK, CLOSE) != NULL;
			for (size_t i = 0; i < ev.n; i++)
				if (ev.r[i].netns != child_info[0] ||
				    ev.r[i].conn == p.cc || ev.r[i].conn == p.sc)
					bad = 1;
			tt_events_free(&ev);
			tt_sleep_ms(10);
		}
		if (write(pfd[1], child_info, sizeof(child_info)) != sizeof(child_info))
			_exit(5);
		_exit(!found ? 6 : bad ? 7 : 0);
	}
	close(pfd[1]);
	ASSERT_EQ((ssize_t)sizeof(child_info), read(pfd[0], child_info, sizeof(child_info)));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("child netns: 2-5 setup failed, 6 own records missing, 7 saw foreign records");
	EXPECT_NE(self->netns, child_info[0]);
	close_pair(_metadata, p.c, p.s);
	wait_for(_metadata, self, p.sc, LAST_ACK, CLOSE);

	load(_metadata, self, variant, &ev);	/* also checks NETNS of all */
	EXPECT_EQ(0UL, count_conn(&ev, child_info[1]));
	EXPECT_EQ(0UL, count_conn(&ev, child_info[2]));
	EXPECT_EQ(11UL, count_state(&ev));
	ASSERT_EQ(0, tt_stats_read(&st)) TH_LOG("%s", st.err);
	EXPECT_EQ(ev.n, st.netns_written);
	tt_events_free(&ev);
}

static int try_open(const char *path)
{
	int fd = open(path, O_RDONLY);

	if (fd >= 0) {
		close(fd);
		return 0;
	}
	return errno;
}

static int drop_cap_net_admin(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return -1;
	data[CAP_NET_ADMIN / 32].effective &= ~(1u << (CAP_NET_ADMIN % 32));
	data[CAP_NET_ADMIN / 32].permitted &= ~(1u << (CAP_NET_ADMIN % 32));
	data[CAP_NET_ADMIN / 32].inheritable &= ~(1u << (CAP_NET_ADMIN % 32));
	return syscall(SYS_capset, &hdr, data);
}

/* Child exit: 0 both opens refused as expected, 1+ otherwise. */
static int open_denied(int as_nobody)
{
	const char *paths[] = { TT_EVENTS_PATH, TT_STATS_PATH };
	int ret = 0;

	if (as_nobody) {
		if (setgroups(0, NULL) || setgid(65534) || setuid(65534))
			return 10;
	} else if (drop_cap_net_admin()) {
		return 11;
	}
	for (int i = 0; i < 2; i++) {
		int err = try_open(paths[i]);

		/* root without CAP_NET_ADMIN passes any mode check: EPERM only */
		if (!(err == EPERM || (as_nobody && err == EACCES))) {
			fprintf(stderr, "# %s: open as %s: %s\n", paths[i],
				as_nobody ? "uid 65534" : "root without CAP_NET_ADMIN",
				err ? strerror(err) : "succeeded");
			ret = 1;
		}
	}
	return ret;
}

/* Tests that make their own namespaces or processes. */
FIXTURE(global) {};
FIXTURE_SETUP(global)
{
	if (access(TT_EVENTS_PATH, F_OK))
		SKIP(return, "tcptrail module not loaded (%s missing)", TT_EVENTS_PATH);
}
FIXTURE_TEARDOWN(global) {}

/*
 * In a new netns: one connection, wait until its records show; exit. Its
 * client's timewait socket ends with the netns, one record more, written as
 * the netns dies: a later netns with the same inode number must not show it.
 */
static int dirty_netns(int wfd)
{
	uint64_t deadline = tt_now_ns() + WAIT_MS * 1000000ull, ino;
	struct tt_stats st;
	int lfd;

	if (tt_new_netns())
		return 2;
	lfd = tt_listener(AF_INET, "127.0.0.1");
	if (lfd < 0 || tt_churn_one(AF_INET, "127.0.0.1", lfd, tt_port(lfd), NULL, NULL))
		return 3;
	close(lfd);
	do {
		if (tt_stats_read(&st) || tt_now_ns() > deadline)
			return 4;
		tt_sleep_ms(10);
	} while (st.netns_written < TT_PER_CONN + 2);
	ino = tt_netns_ino();
	return write(wfd, &ino, sizeof(ino)) == sizeof(ino) ? 0 : 5;
}

/*
 * A new netns shows no records, even when it gets the inode number of a dead
 * netns that had some (the kernel reuses netns inode numbers).
 */
TEST_F_TIMEOUT(global, fresh_netns_is_empty, 60)
{
	int reused = 0;

	for (int round = 0; round < 5 && !reused; round++) {
		uint64_t dead, deadline;
		int pfd[2], status;
		pid_t pid;

		ASSERT_EQ(0, pipe(pfd));
		pid = fork();
		ASSERT_LE(0, pid);
		if (pid == 0)
			_exit(dirty_netns(pfd[1]));
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		ASSERT_EQ(0, WEXITSTATUS(status)) TH_LOG("child netns setup failed");
		ASSERT_EQ((ssize_t)sizeof(dead), read(pfd[0], &dead, sizeof(dead)));
		close(pfd[0]);
		close(pfd[1]);

		/* Namespaces die asynchronously: make new ones for a while. */
		deadline = tt_now_ns() + 2000000000ull;
		while (!reused && tt_now_ns() < deadline) {
			struct tt_events ev;
			uint64_t ino;

			ASSERT_EQ(0, tt_new_netns());
			ino = tt_netns_ino();
			reused = ino == dead;
			ASSERT_EQ(0, tt_events_read(&ev)) TH_LOG("%s", ev.err);
			EXPECT_EQ(0UL, ev.n)
				TH_LOG("new netns %llu shows %zu records%s",
				       (unsigned long long)ino, ev.n,
				       reused ? " of a dead netns with the same inode number" : "");
			tt_events_free(&ev);
			if (_metadata->exit_code != KSFT_PASS)
				return;
			tt_sleep_ms(20);
		}
	}
	if (!reused)
		TH_LOG("no netns inode number was reused: only new inodes checked");
}

TEST_F(global, requires_cap_net_admin)
{
	int status;
	pid_t pid;

	ASSERT_EQ(0, try_open(TT_EVENTS_PATH));
	ASSERT_EQ(0, try_open(TT_STATS_PATH));
	for (int nobody = 0; nobody < 2; nobody++) {
		pid = fork();
		ASSERT_LE(0, pid);
		if (pid == 0)
			_exit(open_denied(nobody));
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		EXPECT_TRUE(WIFEXITED(status));
		EXPECT_EQ(0, WEXITSTATUS(status))
			TH_LOG("%s could open the files", nobody ? "uid 65534" :
			       "root without CAP_NET_ADMIN");
	}
}

TEST_HARNESS_MAIN
