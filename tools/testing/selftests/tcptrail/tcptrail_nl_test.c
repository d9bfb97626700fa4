// SPDX-License-Identifier: GPL-2.0
/*
 * tcptrail over generic netlink, with a raw client (nlclient.c): resumable
 * dumps, malformed requests, SET_CONFIG, permissions, the "events" group.
 *
 * Each test runs in its own network namespace. The module must be loaded
 * with its default parameters (the suite's runner does it) and the rest of
 * the system must be quiet (no TCP elsewhere), as in the test VM: some
 * counters are host-wide. Tests that change the configuration put the
 * defaults back (ring 32768, recording on, no filters).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/utsname.h>
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
#include "nlclient.h"

#define WAIT_MS		20000
#define PER_CONN	TT_PER_CONN	/* records of one connection (netutil.h) */

enum { ESTABLISHED = 1, SYN_SENT, SYN_RECV, FIN_WAIT1, FIN_WAIT2, TIME_WAIT,
	CLOSE, CLOSE_WAIT, LAST_ACK, LISTEN, CLOSING, NEW_SYN_RECV };

FIXTURE(nl) {
	struct nlc c;
	uint64_t netns;
	int restore;	/* put the default configuration back in teardown */
};

FIXTURE_SETUP(nl)
{
	int ret;

	self->c.fd = -1;
	if (access(TT_EVENTS_PATH, F_OK))
		SKIP(return, "tcptrail module not loaded (%s missing)", TT_EVENTS_PATH);
	ret = tt_new_netns();
	ASSERT_EQ(0, ret) TH_LOG("unshare(CLONE_NEWNET)/lo up: %s", strerror(-ret));
	self->netns = tt_netns_ino();
	/* Exact counts: no timewait socket to end later (netutil.h). */
	ASSERT_EQ(0, tt_no_timewait());
	/* After unshare: the socket belongs to the new netns. */
	ret = nlc_open(&self->c);
	ASSERT_EQ(0, ret) TH_LOG("resolving family %s: %s", TCPTRAIL_GENL_NAME, strerror(-ret));
	ASSERT_EQ((uint32_t)TCPTRAIL_GENL_VERSION, self->c.version);
	ASSERT_NE(0U, self->c.events_grp) TH_LOG("no \"events\" multicast group");
}

static int set_defaults(struct nlc *c, struct nlc_result *res)
{
	struct nlc_msg m;
	size_t nest;

	nlc_msg_init(&m, c, TCPTRAIL_CMD_SET_CONFIG, 0);
	nlc_put_u32(&m, TCPTRAIL_A_RING_SIZE, TCPTRAIL_RING_DEFAULT);
	nlc_put_u8(&m, TCPTRAIL_A_ENABLED, 1);
	nlc_put_u16(&m, TCPTRAIL_A_FILTER_FAMILY, 0);
	nest = nlc_nest_start(&m, TCPTRAIL_A_FILTER_PORTS);
	nlc_nest_end(&m, nest);
	return tt_nl_do(c, &m, res);
}

FIXTURE_TEARDOWN(nl)
{
	if (self->restore) {
		struct nlc_result res;
		int ret = set_defaults(&self->c, &res);

		if (ret)
			TH_LOG("could not restore the default configuration: %s %s",
			       strerror(-ret), res.msg);
	}
	nlc_close(&self->c);
}

/* @n client-closes-first connections (PER_CONN records each) to the listener @lfd. */
static void churn_on(struct __test_metadata *_metadata, int domain,
		     const char *addr, int lfd, int n)
{
	int port = tt_port(lfd);

	for (int i = 0; i < n; i++) {
		ASSERT_EQ(0, tt_churn_one(domain, addr, lfd, port, NULL, NULL))
			TH_LOG("connection %d: %s", i, strerror(errno));
	}
}

/* Wait until NETNS_WRITTEN reaches @want; then check it stays there. */
static void wait_written(struct __test_metadata *_metadata, struct nlc *c, uint64_t want)
{
	uint64_t deadline = tt_now_ns() + WAIT_MS * 1000000ull;
	struct tt_nl_stats st;

	for (;;) {
		ASSERT_EQ(0, tt_nl_stats(c, &st, NULL));
		if (st.netns_written >= want)
			break;
		ASSERT_LT(tt_now_ns(), deadline)
			TH_LOG("netns_written %llu, expected %llu",
			       (unsigned long long)st.netns_written, (unsigned long long)want);
		tt_sleep_ms(10);
	}
	tt_sleep_ms(50);
	ASSERT_EQ(0, tt_nl_stats(c, &st, NULL));
	ASSERT_EQ(want, st.netns_written) TH_LOG("more records than transitions");
}

/* @n connections and the listener's 2 records: PER_CONN * n + 2, all counted. */
static void churn(struct __test_metadata *_metadata, struct nlc *c, int n)
{
	struct tt_nl_stats st;
	int lfd;

	ASSERT_EQ(0, tt_nl_stats(c, &st, NULL));
	lfd = tt_listener(AF_INET, "127.0.0.1");
	ASSERT_LE(0, lfd);
	churn_on(_metadata, AF_INET, "127.0.0.1", lfd, n);
	close(lfd);
	wait_written(_metadata, c, st.netns_written + PER_CONN * n + 2);
}

static const char *state_name(int s)
{
	const char *n = tt_state_name(s);

	return n ? n : "?";
}

/* The procfs view of a record, field by field. */
static void expect_same_record(struct __test_metadata *_metadata,
			       const struct tcptrail_record *r, const struct tt_rec *p)
{
	char saddr[INET6_ADDRSTRLEN], daddr[INET6_ADDRSTRLEN];
	int af = r->family == AF_INET6 ? AF_INET6 : AF_INET;

	EXPECT_EQ(r->seq, p->seq);
	EXPECT_EQ(r->kind, p->kind) TH_LOG("seq %llu", (unsigned long long)r->seq);
	EXPECT_EQ(r->reason, p->reason) TH_LOG("seq %llu", (unsigned long long)r->seq);
	EXPECT_EQ(r->cgroup, p->cgroup) TH_LOG("seq %llu", (unsigned long long)r->seq);
	if (r->kind == TCPTRAIL_KIND_TOTALS) {
		/* The totals take the addresses' and comm's place. */
		EXPECT_EQ(0, memcmp(&r->totals, &p->totals, sizeof(r->totals)))
			TH_LOG("seq %llu: totals differ", (unsigned long long)r->seq);
		strcpy(saddr, "-");
		strcpy(daddr, "-");
	} else {
		inet_ntop(af, r->saddr, saddr, sizeof(saddr));
		inet_ntop(af, r->daddr, daddr, sizeof(daddr));
		EXPECT_EQ(0, strncmp(r->comm, p->comm, sizeof(r->comm)));
	}
	EXPECT_EQ(r->conn, p->conn) TH_LOG("seq %llu", (unsigned long long)r->seq);
	EXPECT_EQ((uint64_t)r->netns, p->netns);
	EXPECT_EQ(r->ts_ns, p->ts_ns);
	EXPECT_STREQ(af == AF_INET6 ? "ipv6" : "ipv4", p->family);
	EXPECT_STREQ(saddr, p->saddr);
	EXPECT_STREQ(daddr, p->daddr);
	EXPECT_EQ(r->sport, p->sport);
	EXPECT_EQ(r->dport, p->dport);
	EXPECT_EQ(r->old_state, p->old_state) TH_LOG("seq %llu", (unsigned long long)r->seq);
	EXPECT_EQ(r->new_state, p->new_state) TH_LOG("seq %llu", (unsigned long long)r->seq);
	EXPECT_EQ((long)r->tgid, p->tgid);
	EXPECT_EQ((long)r->pid, p->pid);
	EXPECT_EQ(!!(r->flags & TCPTRAIL_F_SOFTIRQ), p->softirq);
}

/*
 * A dump of ~4200 records spans many messages; the cursors resume it exactly,
 * and it says what the events file says.
 */
TEST_F_TIMEOUT(nl, dump_resume, 120)
{
	const int conns = 300;
	const size_t total = PER_CONN * conns + 2;
	struct tt_dump d, tail, none;
	struct tt_events ev;
	size_t k, from;
	struct nlc small;

	churn(_metadata, &self->c, conns);
	/* Small skbs (one page): many messages. */
	ASSERT_EQ(0, nlc_open_rcvbuf(&small, 4096));
	ASSERT_EQ(0, tt_nl_dump(&small, 0, 0, 0, &d))
		TH_LOG("GET_EVENTS: %s %s", strerror(-d.res.error), d.res.msg);
	TH_LOG("%zu records in %zu messages", d.n, d.nmsgs);
	ASSERT_EQ(0UL, d.bad) TH_LOG("malformed reply messages");
	ASSERT_EQ(total, d.n);
	ASSERT_LE(10UL, d.nmsgs) TH_LOG("the dump did not span many messages");
	for (size_t i = 0; i < d.n; i++) {
		const struct tcptrail_record *r = &d.r[i];

		ASSERT_EQ(self->netns, (uint64_t)r->netns) TH_LOG("record %zu", i);
		ASSERT_EQ(i + 1, r->netns_seq) TH_LOG("netns_seq not contiguous at %zu", i);
		if (i) {
			ASSERT_EQ(d.r[i - 1].seq + 1, r->seq)
				TH_LOG("seq %llu after %llu (quiet system: contiguous)",
				       (unsigned long long)r->seq, (unsigned long long)d.r[i - 1].seq);
		}
	}
	for (k = 0; k < d.nmsgs; k++) {
		const struct tt_dump_msg *m = &d.msgs[k];

		ASSERT_EQ((unsigned int)(TT_HAVE_MISSED | TT_HAVE_CURSOR | TT_HAVE_NETNS_CURSOR),
			  m->have) TH_LOG("message %zu lacks MISSED/CURSOR/NETNS_CURSOR", k);
		ASSERT_EQ(0UL, m->missed) TH_LOG("message %zu", k);
		if (m->nrecs) {
			const struct tcptrail_record *last = &d.r[m->first + m->nrecs - 1];

			ASSERT_EQ(last->seq + 1, m->cursor) TH_LOG("message %zu", k);
			ASSERT_EQ(last->netns_seq + 1, m->netns_cursor) TH_LOG("message %zu", k);
		}
	}
	ASSERT_EQ(d.r[d.n - 1].seq + 1, d.cursor);
	ASSERT_EQ(total + 1, d.netns_cursor);

	/* From the cursor of a message in the middle: exactly the rest. */
	k = d.nmsgs / 2;
	from = d.msgs[k].first + d.msgs[k].nrecs;
	ASSERT_LT(from, d.n);
	ASSERT_EQ(0, tt_nl_dump(&self->c, d.msgs[k].cursor, d.msgs[k].netns_cursor, 0, &tail))
		TH_LOG("%s", tail.res.msg);
	ASSERT_EQ(0UL, tail.bad);
	ASSERT_EQ(d.n - from, tail.n);
	ASSERT_EQ(0UL, tail.missed);
	ASSERT_EQ(0, memcmp(tail.r, d.r + from, tail.n * sizeof(*tail.r)))
		TH_LOG("the resumed dump differs from the tail of the first");
	ASSERT_EQ(d.cursor, tail.cursor);
	ASSERT_EQ(d.netns_cursor, tail.netns_cursor);
	tt_dump_free(&tail);

	/* From the final cursor: nothing, and the same cursor back. */
	ASSERT_EQ(0, tt_nl_dump(&self->c, d.cursor, d.netns_cursor, 0, &none))
		TH_LOG("%s", none.res.msg);
	EXPECT_EQ(0UL, none.n);
	EXPECT_EQ(0UL, none.missed);
	ASSERT_LE(1UL, none.nmsgs) TH_LOG("an empty dump still says where to resume");
	EXPECT_EQ(d.cursor, none.cursor);
	EXPECT_EQ(d.netns_cursor, none.netns_cursor);
	tt_dump_free(&none);

	/* The events file shows the same records. */
	ASSERT_EQ(0, tt_events_read(&ev)) TH_LOG("%s", ev.err);
	ASSERT_EQ(d.n, ev.n);
	EXPECT_EQ(0UL, ev.lost_total);
	for (size_t i = 0; i < d.n; i++) {
		expect_same_record(_metadata, &d.r[i], &ev.r[i]);
		if (_metadata->exit_code != KSFT_PASS) {
			TH_LOG("record %zu: seq %llu %s>%s", i, (unsigned long long)d.r[i].seq,
			       state_name(d.r[i].old_state), state_name(d.r[i].new_state));
			break;
		}
	}
	tt_events_free(&ev);
	tt_dump_free(&d);
	nlc_close(&small);
}

static int config_eq(const struct tt_nl_config *a, const struct tt_nl_config *b)
{
	return a->have == b->have && a->ring_size == b->ring_size &&
	       a->enabled == b->enabled && a->family == b->family &&
	       a->nports == b->nports &&
	       !memcmp(a->ports, b->ports, a->nports * sizeof(a->ports[0]));
}

struct bad_req {
	const char *what;
	uint8_t cmd;
	int dump;		/* NLM_F_DUMP, else a "do" */
	void (*build)(struct nlc_msg *m);
	int err1, err2;		/* accepted errors (negative); err2 0: only err1 */
	int want_msg;		/* the kernel must explain itself (extack); 2: only
				 * where a dump's ->start() can (see below) */
};

/*
 * Kernels before 6.4 drop the extack of a dump's ->start() callback
 * (upstream "netlink: support extack in dump ->start()"): the module's
 * messages for GET_EVENTS's own checks cannot reach us there.
 */
static int dump_start_has_extack(void)
{
	struct utsname u;
	int major = 0, minor = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &major, &minor) != 2)
		return 1;
	return major > 6 || (major == 6 && minor >= 4);
}

static void b_none(struct nlc_msg *m) { (void)m; }
static void b_cursor_u32(struct nlc_msg *m) { nlc_put_u32(m, TCPTRAIL_A_CURSOR, 1); }
static void b_netns_cursor_u8(struct nlc_msg *m) { nlc_put_u8(m, TCPTRAIL_A_NETNS_CURSOR, 1); }
static void b_all_netns_payload(struct nlc_msg *m) { nlc_put_u32(m, TCPTRAIL_A_ALL_NETNS, 1); }
static void b_unknown_200(struct nlc_msg *m) { nlc_put_u32(m, 200, 1); }
static void b_cursor_beyond(struct nlc_msg *m) { nlc_put_u64(m, TCPTRAIL_A_CURSOR, 1ULL << 62); }
static void b_cursor_nested(struct nlc_msg *m)
{
	nlc_put_u64(m, TCPTRAIL_A_CURSOR | NLA_F_NESTED, 1);
}
/* A header cut short: 2 bytes where an nlattr needs 4. */
static void b_truncated(struct nlc_msg *m)
{
	static const unsigned char half[2] = { 8, 0 };

	nlc_put_bytes(m, half, sizeof(half));
}
/* A header that claims more bytes than the message has. */
static void b_overlong(struct nlc_msg *m)
{
	struct nlattr a = { .nla_len = 64, .nla_type = TCPTRAIL_A_CURSOR };

	nlc_put_bytes(m, &a, sizeof(a));
	nlc_put_bytes(m, "\0\0\0\0\0\0\0\0", 8);
}
static void b_ring_u32(struct nlc_msg *m) { nlc_put_u32(m, TCPTRAIL_A_RING_SIZE, 128); }
static void b_ring_u8(struct nlc_msg *m) { nlc_put_u8(m, TCPTRAIL_A_RING_SIZE, 128); }
static void b_ring_1(struct nlc_msg *m) { nlc_put_u32(m, TCPTRAIL_A_RING_SIZE, 1); }
static void b_ring_63(struct nlc_msg *m) { nlc_put_u32(m, TCPTRAIL_A_RING_SIZE, 63); }
static void b_ring_huge(struct nlc_msg *m) { nlc_put_u32(m, TCPTRAIL_A_RING_SIZE, 1U << 30); }
static void b_ring_max1(struct nlc_msg *m)
{
	nlc_put_u32(m, TCPTRAIL_A_RING_SIZE, TCPTRAIL_RING_MAX + 1);
}
static void b_enabled_2(struct nlc_msg *m) { nlc_put_u8(m, TCPTRAIL_A_ENABLED, 2); }
static void b_enabled_u32(struct nlc_msg *m) { nlc_put_u32(m, TCPTRAIL_A_ENABLED, 0); }
static void b_family_7(struct nlc_msg *m) { nlc_put_u16(m, TCPTRAIL_A_FILTER_FAMILY, 7); }
static void b_family_u8(struct nlc_msg *m) { nlc_put_u8(m, TCPTRAIL_A_FILTER_FAMILY, 2); }
static void ports(struct nlc_msg *m, int n, uint16_t first)
{
	size_t nest = nlc_nest_start(m, TCPTRAIL_A_FILTER_PORTS);

	for (int i = 0; i < n; i++)
		nlc_put_u16(m, TCPTRAIL_A_PORT, first + i);
	nlc_nest_end(m, nest);
}
static void b_port_0(struct nlc_msg *m) { ports(m, 1, 0); }
static void b_ports_17(struct nlc_msg *m) { ports(m, TCPTRAIL_MAX_FILTER_PORTS + 1, 1000); }
static void b_ports_not_nested(struct nlc_msg *m)
{
	size_t nest = nlc_put(m, TCPTRAIL_A_FILTER_PORTS, NULL, 0);

	nlc_put_u16(m, TCPTRAIL_A_PORT, 80);
	nlc_nest_end(m, nest);
}
static void b_ports_garbage(struct nlc_msg *m)
{
	size_t nest = nlc_nest_start(m, TCPTRAIL_A_FILTER_PORTS);

	nlc_put_bytes(m, "\x03\x00\x13\x00", 4);	/* nla_len 3 < header */
	nlc_put_bytes(m, "\xff\xff\xff\xff", 4);
	nlc_nest_end(m, nest);
}
static void b_ports_unknown(struct nlc_msg *m)
{
	size_t nest = nlc_nest_start(m, TCPTRAIL_A_FILTER_PORTS);

	nlc_put_u16(m, 200, 80);
	nlc_nest_end(m, nest);
}
static void b_ports_other_attr(struct nlc_msg *m)
{
	size_t nest = nlc_nest_start(m, TCPTRAIL_A_FILTER_PORTS);

	nlc_put_u32(m, TCPTRAIL_A_RING_SIZE, 128);
	nlc_nest_end(m, nest);
}
static void b_port_u32(struct nlc_msg *m)
{
	size_t nest = nlc_nest_start(m, TCPTRAIL_A_FILTER_PORTS);

	nlc_put_u32(m, TCPTRAIL_A_PORT, 80);
	nlc_nest_end(m, nest);
}
/* A valid part and an invalid one: nothing at all may change. */
static void b_enable0_family7(struct nlc_msg *m)
{
	nlc_put_u8(m, TCPTRAIL_A_ENABLED, 0);
	nlc_put_u16(m, TCPTRAIL_A_FILTER_FAMILY, 7);
}
static void b_ring_ports17(struct nlc_msg *m)
{
	nlc_put_u32(m, TCPTRAIL_A_RING_SIZE, 128);
	nlc_put_u8(m, TCPTRAIL_A_ENABLED, 0);
	ports(m, TCPTRAIL_MAX_FILTER_PORTS + 1, 1000);
}
static void b_ring_port0(struct nlc_msg *m)
{
	nlc_put_u32(m, TCPTRAIL_A_RING_SIZE, 128);
	ports(m, 1, 0);
}

#define EV	TCPTRAIL_CMD_GET_EVENTS
#define ST	TCPTRAIL_CMD_GET_STATS
#define CF	TCPTRAIL_CMD_GET_CONFIG
#define SC	TCPTRAIL_CMD_SET_CONFIG

static const struct bad_req bad_reqs[] = {
	{ "GET_EVENTS CURSOR as u32", EV, 1, b_cursor_u32, -EINVAL, -ERANGE, 1 },
	{ "GET_EVENTS NETNS_CURSOR as u8", EV, 1, b_netns_cursor_u8, -EINVAL, -ERANGE, 1 },
	{ "GET_EVENTS ALL_NETNS flag with a payload", EV, 1, b_all_netns_payload, -EINVAL, -ERANGE, 1 },
	{ "GET_EVENTS unknown attribute 200", EV, 1, b_unknown_200, -EINVAL, 0, 1 },
	{ "GET_EVENTS CURSOR with NLA_F_NESTED", EV, 1, b_cursor_nested, -EINVAL, 0, 1 },
	{ "GET_EVENTS truncated attribute header", EV, 1, b_truncated, -EINVAL, 0, 1 },
	{ "GET_EVENTS attribute longer than the message", EV, 1, b_overlong, -EINVAL, 0, 1 },
	{ "GET_EVENTS CURSOR beyond the newest record", EV, 1, b_cursor_beyond, -EINVAL, 0, 2 },
	{ "GET_EVENTS as a do request", EV, 0, b_none, -EOPNOTSUPP, 0, 0 },
	{ "GET_STATS with RING_SIZE", ST, 0, b_ring_u32, -EINVAL, 0, 1 },
	{ "GET_STATS with attribute 200", ST, 0, b_unknown_200, -EINVAL, 0, 1 },
	{ "GET_STATS truncated attribute header", ST, 0, b_truncated, -EINVAL, 0, 1 },
	{ "GET_STATS with a FILTER_PORTS nest", ST, 0, b_ports_17, -EINVAL, 0, 1 },
	{ "GET_STATS as a dump", ST, 1, b_none, -EOPNOTSUPP, 0, 0 },
	{ "GET_CONFIG with RING_SIZE", CF, 0, b_ring_u32, -EINVAL, 0, 1 },
	{ "GET_CONFIG with attribute 200", CF, 0, b_unknown_200, -EINVAL, 0, 1 },
	{ "GET_CONFIG truncated attribute header", CF, 0, b_truncated, -EINVAL, 0, 1 },
	{ "SET_CONFIG RING_SIZE as u8", SC, 0, b_ring_u8, -EINVAL, -ERANGE, 1 },
	{ "SET_CONFIG RING_SIZE=1", SC, 0, b_ring_1, -ERANGE, -EINVAL, 1 },
	{ "SET_CONFIG RING_SIZE=63", SC, 0, b_ring_63, -ERANGE, -EINVAL, 1 },
	{ "SET_CONFIG RING_SIZE=1<<30", SC, 0, b_ring_huge, -ERANGE, -EINVAL, 1 },
	{ "SET_CONFIG RING_SIZE=TCPTRAIL_RING_MAX+1", SC, 0, b_ring_max1, -ERANGE, -EINVAL, 1 },
	{ "SET_CONFIG ENABLED=2", SC, 0, b_enabled_2, -ERANGE, -EINVAL, 1 },
	{ "SET_CONFIG ENABLED as u32", SC, 0, b_enabled_u32, -EINVAL, -ERANGE, 1 },
	{ "SET_CONFIG FILTER_FAMILY=7", SC, 0, b_family_7, -EINVAL, 0, 1 },
	{ "SET_CONFIG FILTER_FAMILY as u8", SC, 0, b_family_u8, -EINVAL, -ERANGE, 1 },
	{ "SET_CONFIG FILTER_PORTS with port 0", SC, 0, b_port_0, -ERANGE, -EINVAL, 1 },
	{ "SET_CONFIG FILTER_PORTS with 17 ports", SC, 0, b_ports_17, -E2BIG, 0, 1 },
	{ "SET_CONFIG FILTER_PORTS without NLA_F_NESTED", SC, 0, b_ports_not_nested, -EINVAL, 0, 1 },
	{ "SET_CONFIG FILTER_PORTS holding garbage", SC, 0, b_ports_garbage, -EINVAL, 0, 1 },
	{ "SET_CONFIG FILTER_PORTS holding attribute 200", SC, 0, b_ports_unknown, -EINVAL, 0, 1 },
	{ "SET_CONFIG FILTER_PORTS holding RING_SIZE", SC, 0, b_ports_other_attr, -EINVAL, 0, 1 },
	{ "SET_CONFIG FILTER_PORTS with a u32 PORT", SC, 0, b_port_u32, -EINVAL, -ERANGE, 1 },
	{ "SET_CONFIG unknown attribute 200", SC, 0, b_unknown_200, -EINVAL, 0, 1 },
	{ "SET_CONFIG truncated attribute header", SC, 0, b_truncated, -EINVAL, 0, 1 },
	{ "SET_CONFIG CURSOR (a GET_EVENTS attribute)", SC, 0, b_cursor_beyond, -EINVAL, 0, 1 },
	{ "SET_CONFIG ENABLED=0 with FILTER_FAMILY=7", SC, 0, b_enable0_family7, -EINVAL, 0, 1 },
	{ "SET_CONFIG RING_SIZE=128 ENABLED=0 with 17 ports", SC, 0, b_ring_ports17, -E2BIG, 0, 1 },
	{ "SET_CONFIG RING_SIZE=128 with port 0", SC, 0, b_ring_port0, -ERANGE, -EINVAL, 1 },
	{ "SET_CONFIG as a dump", SC, 1, b_none, -EOPNOTSUPP, 0, 0 },
	{ "command 0 (UNSPEC)", 0, 0, b_none, -EOPNOTSUPP, 0, 0 },
	{ "command EVENTS_NTF as a request", TCPTRAIL_CMD_EVENTS_NTF, 0, b_none, -EOPNOTSUPP, 0, 0 },
	{ "command EVENTS_NTF as a dump", TCPTRAIL_CMD_EVENTS_NTF, 1, b_none, -EOPNOTSUPP, 0, 0 },
	{ "unknown command 99", 99, 0, b_none, -EOPNOTSUPP, 0, 0 },
	{ "unknown command 99 as a dump", 99, 1, b_none, -EOPNOTSUPP, 0, 0 },
	{ "unknown command 255", 255, 0, b_none, -EOPNOTSUPP, 0, 0 },
};

/* Every malformed request is refused, explained, and changes nothing. */
TEST_F_TIMEOUT(nl, malformed_requests, 120)
{
	struct tt_nl_config before, after;
	struct tt_nl_stats st0, st1;
	struct nlc_result res;
	struct nlc_msg m;

	self->restore = 1;
	churn(_metadata, &self->c, 1);	/* something that a resize would drop */
	ASSERT_EQ(0, tt_nl_config(&self->c, &before));
	ASSERT_EQ(15U, before.have);
	ASSERT_EQ(0, tt_nl_stats(&self->c, &st0, NULL));
	for (size_t i = 0; i < sizeof(bad_reqs) / sizeof(bad_reqs[0]); i++) {
		const struct bad_req *b = &bad_reqs[i];
		int ret;

		nlc_msg_init(&m, &self->c, b->cmd, b->dump ? NLM_F_DUMP : 0);
		b->build(&m);
		ret = nlc_request(&self->c, &m, NULL, NULL, &res);
		ASSERT_EQ(0, ret) TH_LOG("%s: socket error %s", b->what, strerror(-ret));
		ksft_print_msg("%s: %s (%d)%s%s\n", b->what,
			       res.error ? strerror(-res.error) : "accepted", res.error,
			       res.have_msg ? ": " : "", res.msg);
		EXPECT_TRUE(res.error == b->err1 || (b->err2 && res.error == b->err2))
			TH_LOG("%s: got %d (%s), expected %s%s%s", b->what, res.error,
			       res.error ? strerror(-res.error) : "success", strerror(-b->err1),
			       b->err2 ? " or " : "", b->err2 ? strerror(-b->err2) : "");
		EXPECT_EQ(0UL, res.nmsgs) TH_LOG("%s: got a reply", b->what);
		if (b->want_msg == 1 || (b->want_msg == 2 && dump_start_has_extack())) {
			EXPECT_TRUE(res.have_msg) TH_LOG("%s: no extack message", b->what);
		}
		ASSERT_EQ(0, tt_nl_config(&self->c, &after)) TH_LOG("after %s", b->what);
		EXPECT_TRUE(config_eq(&before, &after))
			TH_LOG("%s changed the config: ring %u enabled %u family %u ports %d",
			       b->what, after.ring_size, after.enabled, after.family, after.nports);
		ASSERT_EQ(0, tt_nl_stats(&self->c, &st1, NULL))
			TH_LOG("GET_STATS after %s", b->what);
		EXPECT_EQ(st0.history_dropped, st1.history_dropped)
			TH_LOG("%s resized the ring", b->what);
		EXPECT_EQ(st0.netns_written, st1.netns_written);
	}
	/* The module still records: one more connection is counted. */
	churn(_metadata, &self->c, 1);
}

/* Dumps from (*@cursor, *@ncursor) into @d, advances both; returns d->n. */
static size_t dump_new(struct __test_metadata *_metadata, struct nlc *c,
		       uint64_t *cursor, uint64_t *ncursor, struct tt_dump *d)
{
	int ret = tt_nl_dump(c, *cursor, *ncursor, 0, d);

	if (ret)
		TH_LOG("GET_EVENTS: %s %s", strerror(-ret), d->res.msg);
	if (ret || d->bad) {
		_metadata->exit_code = KSFT_FAIL;
		longjmp(_metadata->env, 1);
	}
	*cursor = d->cursor;
	*ncursor = d->netns_cursor;
	return d->n;
}

static int set_config(struct nlc *c, void (*build)(struct nlc_msg *m, long arg), long arg,
		      struct nlc_result *res)
{
	struct nlc_msg m;

	nlc_msg_init(&m, c, TCPTRAIL_CMD_SET_CONFIG, 0);
	build(&m, arg);
	return tt_nl_do(c, &m, res);
}

static void s_ring(struct nlc_msg *m, long n) { nlc_put_u32(m, TCPTRAIL_A_RING_SIZE, n); }
static void s_enabled(struct nlc_msg *m, long v) { nlc_put_u8(m, TCPTRAIL_A_ENABLED, v); }
static void s_family(struct nlc_msg *m, long v) { nlc_put_u16(m, TCPTRAIL_A_FILTER_FAMILY, v); }
static void s_port(struct nlc_msg *m, long p) { ports(m, p ? 1 : 0, p); }

#define SET(build, arg) do { \
	struct nlc_result _res; \
	int _ret = set_config(&self->c, build, arg, &_res); \
	ASSERT_EQ(0, _ret) TH_LOG("SET_CONFIG " #build "(%ld): %s %s", (long)(arg), \
				   strerror(-_ret), _res.msg); \
} while (0)

/* @n transitions counted as filtered (@filtered) or not_recorded, none recorded. */
static void expect_skipped(struct __test_metadata *_metadata, struct nlc *c,
			   const struct tt_nl_stats *before, int filtered, uint64_t n)
{
	uint64_t deadline = tt_now_ns() + WAIT_MS * 1000000ull;
	struct tt_nl_stats st;

	for (;;) {
		uint64_t got;

		ASSERT_EQ(0, tt_nl_stats(c, &st, NULL));
		got = filtered ? st.filtered - before->filtered :
				 st.not_recorded - before->not_recorded;
		if (got >= n)
			break;
		ASSERT_LT(tt_now_ns(), deadline) TH_LOG("%s: %llu of %llu",
			filtered ? "filtered" : "not_recorded",
			(unsigned long long)got, (unsigned long long)n);
		tt_sleep_ms(10);
	}
	tt_sleep_ms(50);
	ASSERT_EQ(0, tt_nl_stats(c, &st, NULL));
	EXPECT_EQ(n, filtered ? st.filtered - before->filtered :
				st.not_recorded - before->not_recorded);
	EXPECT_EQ(before->netns_written, st.netns_written) TH_LOG("recorded while %s",
		filtered ? "filtered out" : "recording was off");
}

/* SET_CONFIG: ring size, recording switch, port and family filters. */
TEST_F_TIMEOUT(nl, set_config, 120)
{
	uint64_t cursor = 0, ncursor = 0, written;
	struct tt_nl_stats s0, s1, st;
	struct tt_nl_config cfg;
	struct tt_dump d;
	int l4, l4b, l6, p4;

	self->restore = 1;
	ASSERT_EQ(0, tt_nl_config(&self->c, &cfg));
	ASSERT_EQ((uint32_t)TCPTRAIL_RING_DEFAULT, cfg.ring_size) TH_LOG("not the default config");
	ASSERT_EQ(1, cfg.enabled);
	ASSERT_EQ(0, cfg.family);
	ASSERT_EQ(0, cfg.nports);

	/* Resize: rounded up, history dropped (and reported as missed). */
	churn(_metadata, &self->c, 5);
	ASSERT_EQ(5UL * PER_CONN + 2, dump_new(_metadata, &self->c, &cursor, &ncursor, &d));
	tt_dump_free(&d);
	ASSERT_EQ(0, tt_nl_stats(&self->c, &s0, NULL));
	SET(s_ring, 100);
	ASSERT_EQ(0, tt_nl_config(&self->c, &cfg));
	EXPECT_EQ(128U, cfg.ring_size);
	ASSERT_EQ(0, tt_nl_stats(&self->c, &s1, NULL));
	EXPECT_EQ(128U, s1.ring_size);
	EXPECT_EQ(s0.written - s0.overwritten - s0.history_dropped,
		  s1.history_dropped - s0.history_dropped)
		TH_LOG("history_dropped must grow by what the ring held");
	EXPECT_EQ(s0.written, s1.written);
	EXPECT_EQ(s0.overwritten, s1.overwritten);
	ASSERT_EQ(0, tt_nl_dump(&self->c, 0, 0, 0, &d));
	EXPECT_EQ(0UL, d.n) TH_LOG("records survived the resize");
	tt_dump_free(&d);
	churn(_metadata, &self->c, 3);
	ASSERT_EQ(3UL * PER_CONN + 2, dump_new(_metadata, &self->c, &cursor, &ncursor, &d));
	EXPECT_EQ(0UL, d.missed);
	EXPECT_EQ(s0.written + 1, d.r[0].seq) TH_LOG("seq does not carry on after a resize");
	EXPECT_EQ(5UL * PER_CONN + 3, d.r[0].netns_seq);
	for (size_t i = 1; i < d.n; i++) {
		EXPECT_EQ(d.r[i - 1].seq + 1, d.r[i].seq);
	}
	tt_dump_free(&d);
	/* From the very start: the 5 connections' dropped records are missed. */
	ASSERT_EQ(0, tt_nl_dump(&self->c, 1, 1, 0, &d));
	EXPECT_EQ(3UL * PER_CONN + 2, d.n);
	EXPECT_EQ(5UL * PER_CONN + 2, d.missed);
	tt_dump_free(&d);

	/* Recording off: nothing recorded, not_recorded counts. */
	l4 = tt_listener(AF_INET, "127.0.0.1");
	l4b = tt_listener(AF_INET, "127.0.0.1");
	l6 = tt_listener(AF_INET6, "::1");
	ASSERT_LE(0, l4);
	ASSERT_LE(0, l4b);
	ASSERT_LE(0, l6);
	written = 8 * PER_CONN + 4 + 3;	/* and 3 x CLOSE>LISTEN */
	wait_written(_metadata, &self->c, written);
	ASSERT_EQ(0, tt_nl_stats(&self->c, &st, NULL));
	SET(s_enabled, 0);
	ASSERT_EQ(0, tt_nl_config(&self->c, &cfg));
	EXPECT_EQ(0, cfg.enabled);
	churn_on(_metadata, AF_INET, "127.0.0.1", l4, 1);
	expect_skipped(_metadata, &self->c, &st, 0, PER_CONN);
	SET(s_enabled, 1);
	ASSERT_EQ(0, tt_nl_config(&self->c, &cfg));
	EXPECT_EQ(1, cfg.enabled);
	churn_on(_metadata, AF_INET, "127.0.0.1", l4, 1);
	written += PER_CONN;
	wait_written(_metadata, &self->c, written);
	dump_new(_metadata, &self->c, &cursor, &ncursor, &d);
	EXPECT_EQ(3UL + PER_CONN, d.n);
	tt_dump_free(&d);

	/* Port filter: only connections with that port. */
	p4 = tt_port(l4);
	SET(s_port, p4);
	ASSERT_EQ(0, tt_nl_config(&self->c, &cfg));
	ASSERT_EQ(1, cfg.nports);
	EXPECT_EQ(p4, cfg.ports[0]);
	ASSERT_EQ(0, tt_nl_stats(&self->c, &st, NULL));
	churn_on(_metadata, AF_INET, "127.0.0.1", l4b, 1);
	churn_on(_metadata, AF_INET6, "::1", l6, 1);
	expect_skipped(_metadata, &self->c, &st, 1, 2 * PER_CONN);
	churn_on(_metadata, AF_INET, "127.0.0.1", l4, 1);
	written += PER_CONN;
	wait_written(_metadata, &self->c, written);
	dump_new(_metadata, &self->c, &cursor, &ncursor, &d);
	ASSERT_EQ((size_t)PER_CONN, d.n);
	EXPECT_EQ(0UL, d.missed);
	for (size_t i = 0; i < d.n; i++) {
		EXPECT_TRUE(d.r[i].sport == p4 || d.r[i].dport == p4)
			TH_LOG("record of ports %u/%u passed the filter on %d",
			       d.r[i].sport, d.r[i].dport, p4);
	}
	tt_dump_free(&d);
	/* An empty nest clears it. */
	SET(s_port, 0);
	ASSERT_EQ(0, tt_nl_config(&self->c, &cfg));
	EXPECT_EQ(0, cfg.nports);
	churn_on(_metadata, AF_INET, "127.0.0.1", l4b, 1);
	written += PER_CONN;
	wait_written(_metadata, &self->c, written);

	/* Family filter: IPv6 only, then IPv4 only. */
	SET(s_family, AF_INET6);
	ASSERT_EQ(0, tt_nl_config(&self->c, &cfg));
	EXPECT_EQ(AF_INET6, cfg.family);
	ASSERT_EQ(0, tt_nl_stats(&self->c, &st, NULL));
	churn_on(_metadata, AF_INET, "127.0.0.1", l4, 1);
	expect_skipped(_metadata, &self->c, &st, 1, PER_CONN);
	churn_on(_metadata, AF_INET6, "::1", l6, 1);
	written += PER_CONN;
	wait_written(_metadata, &self->c, written);
	SET(s_family, AF_INET);
	ASSERT_EQ(0, tt_nl_stats(&self->c, &st, NULL));
	churn_on(_metadata, AF_INET6, "::1", l6, 1);
	expect_skipped(_metadata, &self->c, &st, 1, PER_CONN);
	churn_on(_metadata, AF_INET, "127.0.0.1", l4, 1);
	written += PER_CONN;
	wait_written(_metadata, &self->c, written);
	dump_new(_metadata, &self->c, &cursor, &ncursor, &d);
	ASSERT_EQ((size_t)(3 * PER_CONN), d.n);
	for (size_t i = 0; i < d.n; i++) {
		/* l4b (any), then l6 under AF_INET6, then l4 under AF_INET */
		int want = i < PER_CONN ? 0 : i < 2 * PER_CONN ? AF_INET6 : AF_INET;

		if (want) {
			EXPECT_EQ(want, d.r[i].family) TH_LOG("record %zu", i);
		}
	}
	tt_dump_free(&d);
	SET(s_family, 0);
	close(l4);
	close(l4b);
	close(l6);
	written += 3;
	wait_written(_metadata, &self->c, written);

	/* Back to the defaults. */
	self->restore = 0;
	{
		struct nlc_result res;
		int ret = set_defaults(&self->c, &res);

		ASSERT_EQ(0, ret) TH_LOG("%s", res.msg);
	}
	ASSERT_EQ(0, tt_nl_config(&self->c, &cfg));
	EXPECT_EQ((uint32_t)TCPTRAIL_RING_DEFAULT, cfg.ring_size);
	EXPECT_EQ(1, cfg.enabled);
	EXPECT_EQ(0, cfg.family);
	EXPECT_EQ(0, cfg.nports);
}

static int run_child(int (*fn)(uint32_t), uint32_t arg);

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, text, strlen(text)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/* Moves this process into cgroup v2 directory @dir: 0 or -errno. */
static int enter_cgroup(const char *dir)
{
	char path[256], pid[32];

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	snprintf(pid, sizeof(pid), "%d\n", getpid());
	return write_file(path, pid);
}

/* SET_CONFIG with all four attributes. */
static int set_all(struct nlc *c, uint32_t ring, uint16_t family, uint16_t port,
		   struct nlc_result *res)
{
	struct nlc_msg m;
	size_t nest;

	nlc_msg_init(&m, c, TCPTRAIL_CMD_SET_CONFIG, 0);
	nlc_put_u32(&m, TCPTRAIL_A_RING_SIZE, ring);
	nlc_put_u8(&m, TCPTRAIL_A_ENABLED, 1);
	nlc_put_u16(&m, TCPTRAIL_A_FILTER_FAMILY, family);
	nest = nlc_nest_start(&m, TCPTRAIL_A_FILTER_PORTS);
	nlc_put_u16(&m, TCPTRAIL_A_PORT, port);
	nlc_nest_end(&m, nest);
	return tt_nl_do(c, &m, res);
}

/*
 * SET_CONFIG is all or nothing. The ring is charged to the caller's memory
 * cgroup, so from a cgroup limited to 64 MiB a 4M-record ring (448 MiB)
 * cannot be had: a request that also changes the family and port filters
 * fails with the ring named in its extack, and the ring size, the filters
 * and the records stay as they were.
 *
 * The request comes from a child that has made the same kind of request
 * and locked all its pages before it enters the cgroup (its stack and heap
 * are then its own and charged elsewhere), and exits right after the answer: nothing of it
 * needs new memory in the full cgroup. Its exit status says what it saw.
 */
#define CG_ROOT	"/sys/fs/cgroup"
#define CG_TEST	CG_ROOT "/tcptrail-nl-test"

enum { REFUSED = 0, ACCEPTED = 10, OTHER_ERROR = 11, NO_EXTACK = 12, NO_CGROUP = 13 };

static int ask_from_small_cgroup(struct nlc *c)
{
	struct tt_nl_config cfg;
	struct nlc_result res;
	int ret;

	if (tt_nl_config(c, &cfg))
		return OTHER_ERROR;
	/* Every page it has, its own and charged here, before the cgroup. */
	if (mlockall(MCL_CURRENT))
		return OTHER_ERROR;
	if (enter_cgroup(CG_TEST))
		return NO_CGROUP;
	ret = set_all(c, TCPTRAIL_RING_MAX, AF_INET6, 9, &res);
	if (!ret)
		return ACCEPTED;
	if (ret != -ENOMEM)
		return OTHER_ERROR;
	return strstr(res.msg, "ring") && res.have_offs ? REFUSED : NO_EXTACK;
}

TEST_F_TIMEOUT(nl, set_config_all_or_nothing, 120)
{
	struct tt_nl_config before, after;
	struct tt_dump d0, d1;
	struct nlc_result res;
	int lfd, status;
	pid_t pid;

	self->restore = 1;
	lfd = tt_listener(AF_INET, "127.0.0.1");
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, set_all(&self->c, 1024, AF_INET, tt_port(lfd), &res)) TH_LOG("%s", res.msg);
	churn_on(_metadata, AF_INET, "127.0.0.1", lfd, 3);
	close(lfd);
	ASSERT_EQ(0, tt_nl_config(&self->c, &before));
	ASSERT_EQ(0, tt_nl_dump(&self->c, 0, 0, 0, &d0));
	ASSERT_LT(0UL, d0.n);

	write_file(CG_ROOT "/cgroup.subtree_control", "+memory");
	rmdir(CG_TEST);
	if (mkdir(CG_TEST, 0755) || write_file(CG_TEST "/memory.max", "64M"))
		SKIP(return, "no cgroup v2 memory controller at " CG_ROOT ": %s", strerror(errno));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(ask_from_small_cgroup(&self->c));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	rmdir(CG_TEST);
	ASSERT_TRUE(WIFEXITED(status)) TH_LOG("the child died of signal %d", WTERMSIG(status));
	if (WEXITSTATUS(status) == ACCEPTED)	/* the teardown puts the defaults back */
		SKIP(return, "this kernel charged less than the 4M ring to the 64 MiB cgroup: no allocation failed");
	EXPECT_EQ(REFUSED, WEXITSTATUS(status))
		TH_LOG("a 4M ring from a 64 MiB cgroup: %s",
		       WEXITSTATUS(status) == ACCEPTED ? "accepted" :
		       WEXITSTATUS(status) == NO_EXTACK ? "ENOMEM without the ring named" :
		       WEXITSTATUS(status) == NO_CGROUP ? "could not enter the cgroup" :
		       "an error other than ENOMEM");
	ASSERT_EQ(0, tt_nl_config(&self->c, &after));
	EXPECT_TRUE(config_eq(&before, &after)) TH_LOG("ring %u family %u ports %d after",
						       after.ring_size, after.family, after.nports);
	ASSERT_EQ(0, tt_nl_dump(&self->c, 0, 0, 0, &d1));
	ASSERT_EQ(d0.n, d1.n) TH_LOG("the records changed");
	for (size_t i = 0; i < d0.n; i++)
		EXPECT_EQ(0, memcmp(&d0.r[i], &d1.r[i], sizeof(d0.r[i])));
	tt_dump_free(&d0);
	tt_dump_free(&d1);
}


/* One connection, opened and closed, in the current netns: 0 or -1. */
static int one_connection(void)
{
	uint64_t cc, sc;
	int lfd = tt_listener(AF_INET, "127.0.0.1"), ret;

	if (lfd < 0)
		return -1;
	ret = tt_churn_one(AF_INET, "127.0.0.1", lfd, tt_port(lfd), &cc, &sc);
	close(lfd);
	return ret ? -1 : 0;
}

/* A child in a netns of its own makes one connection there. */
static int traffic_elsewhere(uint32_t unused)
{
	(void)unused;
	if (tt_new_netns() || tt_no_timewait())
		return 100;
	return one_connection() ? 101 : 0;
}

/* Whether a notification arrives on @c within @ms (what came before is dropped). */
static int notified_within(struct nlc *c, int ms)
{
	char buf[4096];
	int n = nlc_recv_timeout(c, buf, sizeof(buf), ms);

	return n > 0;
}

static void drain(struct nlc *c)
{
	while (notified_within(c, 0))
		;
}

/*
 * A record wakes the "events" listeners of its own netns and the
 * "events-all" listeners of the initial one, never another netns's.
 */
TEST_F(nl, notifications_stay_in_their_netns)
{
	int here = open("/proc/self/ns/net", O_RDONLY);
	int init = open("/proc/1/ns/net", O_RDONLY);
	struct nlc all;
	int ret;

	ASSERT_LE(0, here);
	ASSERT_LE(0, init);
	ASSERT_NE(0U, self->c.events_all_grp) TH_LOG("no \"events-all\" multicast group");
	ASSERT_EQ(0, setns(init, CLONE_NEWNET));
	ret = nlc_open(&all);
	ASSERT_EQ(0, setns(here, CLONE_NEWNET));
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, nlc_join(&all, all.events_all_grp));
	ASSERT_EQ(0, nlc_join(&self->c, self->c.events_grp));
	/* Give notifications of earlier tests' records time to go by. */
	usleep(300 * 1000);
	drain(&self->c);
	drain(&all);

	ASSERT_EQ(0, run_child(traffic_elsewhere, 0));
	EXPECT_TRUE(notified_within(&all, 5000))
		TH_LOG("events-all in the initial netns heard nothing of another netns");
	/* The batch is 10 ms: a second is plenty under emulation. */
	EXPECT_FALSE(notified_within(&self->c, 1000))
		TH_LOG("a listener was told of another netns's records");

	drain(&all);
	ASSERT_EQ(0, one_connection());
	EXPECT_TRUE(notified_within(&self->c, 5000))
		TH_LOG("a listener heard nothing of its own netns's records");
	EXPECT_TRUE(notified_within(&all, 5000))
		TH_LOG("events-all heard nothing of this netns's records");
	nlc_close(&all);
	close(here);
	close(init);
}

/*
 * A second after the last listener left, the module stops asking for
 * listeners on every record; one that joins later, and waits without a
 * dump first, still hears of the next record.
 */
TEST_F(nl, notified_after_listeners_left)
{
	struct nlc first;

	ASSERT_EQ(0, nlc_open(&first));
	ASSERT_EQ(0, nlc_join(&first, first.events_grp));
	ASSERT_EQ(0, one_connection());
	EXPECT_TRUE(notified_within(&first, 5000))
		TH_LOG("the first listener heard nothing");
	nlc_close(&first);
	sleep(3);	/* past the module's recheck, under emulation too */
	ASSERT_EQ(0, one_connection());	/* written while nobody listens */

	ASSERT_EQ(0, nlc_join(&self->c, self->c.events_grp));
	ASSERT_EQ(0, one_connection());
	EXPECT_TRUE(notified_within(&self->c, 5000))
		TH_LOG("a listener that joined after the others left heard nothing");
}

/* Child of the permission test: exit status is a bitmask of failures. */
static int unprivileged(uint32_t grp)
{
	static const uint8_t cmds[] = { TCPTRAIL_CMD_GET_EVENTS, TCPTRAIL_CMD_GET_STATS,
					TCPTRAIL_CMD_GET_CONFIG, TCPTRAIL_CMD_SET_CONFIG };
	struct nlc_result res;
	struct nlc_msg m;
	struct nlc c;
	int ret, bad = 0;

	if (setgroups(0, NULL) || setgid(65534) || setuid(65534))
		return 100;
	ret = nlc_open(&c);	/* resolving a family is for everyone */
	if (ret) {
		fprintf(stderr, "# uid 65534: nlc_open: %s\n", strerror(-ret));
		return 101;
	}
	for (size_t i = 0; i < sizeof(cmds); i++) {
		nlc_msg_init(&m, &c, cmds[i], cmds[i] == TCPTRAIL_CMD_GET_EVENTS ? NLM_F_DUMP : 0);
		if (cmds[i] == TCPTRAIL_CMD_SET_CONFIG)
			nlc_put_u8(&m, TCPTRAIL_A_ENABLED, 0);
		ret = nlc_request(&c, &m, NULL, NULL, &res);
		if (ret || res.error != -EPERM || res.nmsgs) {
			fprintf(stderr, "# uid 65534: command %u: %s (%d), %zu replies\n", cmds[i],
				ret ? strerror(-ret) : res.error ? strerror(-res.error) : "allowed",
				ret ? ret : res.error, res.nmsgs);
			bad |= 1 << i;
		}
	}
	ret = nlc_join(&c, grp);
	if (ret != -EPERM) {
		fprintf(stderr, "# uid 65534: joining \"events\": %s\n",
			ret ? strerror(-ret) : "allowed");
		bad |= 1 << 4;
	}
	ret = nlc_join(&c, c.events_all_grp);
	if (ret != -EPERM) {
		fprintf(stderr, "# uid 65534: joining \"events-all\": %s\n",
			ret ? strerror(-ret) : "allowed");
		bad |= 1 << 5;
	}
	nlc_close(&c);
	return bad;
}

/* From the initial netns (setns to pid 1's): ALL_NETNS works for root. */
static int all_netns_from_init(void)
{
	struct tt_dump d;
	struct nlc c;
	int fd = open("/proc/1/ns/net", O_RDONLY), ret;

	if (fd < 0 || setns(fd, CLONE_NEWNET))
		return 100;
	if (nlc_open(&c))
		return 101;
	ret = tt_nl_dump(&c, 0, 0, 1, &d);
	if (ret || d.bad) {
		fprintf(stderr, "# ALL_NETNS from the initial netns: %s %s\n",
			strerror(-ret), d.res.msg);
		return 1;
	}
	tt_dump_free(&d);
	nlc_close(&c);
	return 0;
}

static int run_child(int (*fn)(uint32_t), uint32_t arg)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0)
		_exit(fn(arg));
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static int all_netns_child(uint32_t unused)
{
	(void)unused;
	return all_netns_from_init();
}

TEST_F(nl, permissions)
{
	struct tt_nl_config before, after;
	struct tt_dump d;
	int ret;

	ASSERT_EQ(0, tt_nl_config(&self->c, &before));
	EXPECT_EQ(0, run_child(unprivileged, self->c.events_grp))
		TH_LOG("uid 65534 was allowed something (bits: 0-3 commands, 4-5 the groups)");
	ASSERT_EQ(0, tt_nl_config(&self->c, &after));
	EXPECT_TRUE(config_eq(&before, &after)) TH_LOG("uid 65534 changed the config");

	/* ALL_NETNS from a non-initial netns: EPERM, even for root. */
	ret = tt_nl_dump(&self->c, 0, 0, 1, &d);
	EXPECT_EQ(-EPERM, ret) TH_LOG("ALL_NETNS from a child netns: %s", strerror(-ret));
	EXPECT_EQ(0UL, d.n);
	if (dump_start_has_extack()) {
		EXPECT_TRUE(d.res.have_msg) TH_LOG("no extack message");
	}
	TH_LOG("ALL_NETNS from a child netns: %s", d.res.msg);
	tt_dump_free(&d);
	/* Root in the initial netns may. */
	EXPECT_EQ(0, run_child(all_netns_child, 0));
	/* Root may join the group here. */
	EXPECT_EQ(0, nlc_join(&self->c, self->c.events_grp));
}

/* Reads notifications for up to @ms; returns how many, -1 on a non-NTF message. */
static int notifications(struct nlc *c, int ms, int stop_at_first)
{
	char buf[8192];
	int n = 0;

	for (;;) {
		int len = nlc_recv_timeout(c, buf, sizeof(buf), ms);
		struct nlmsghdr *nlh = (struct nlmsghdr *)buf;

		if (len == -ENOBUFS) {	/* overrun: still "there is more" */
			n++;
			continue;
		}
		if (len <= 0)
			return n;
		for (; NLMSG_OK(nlh, len); nlh = NLMSG_NEXT(nlh, len)) {
			const struct genlmsghdr *g = NLMSG_DATA(nlh);

			if (nlh->nlmsg_type != c->family || g->cmd != TCPTRAIL_CMD_EVENTS_NTF)
				return -1;
			n++;
		}
		if (stop_at_first)
			return n;
	}
}

/* "events": a notification after new records, none without. */
TEST_F_TIMEOUT(nl, multicast, 60)
{
	struct nlc listener;
	uint64_t t0, cursor = 0, ncursor = 0;
	struct tt_dump d;
	int lfd, n;

	ASSERT_EQ(0, nlc_open(&listener));
	ASSERT_EQ(0, nlc_join(&listener, listener.events_grp));
	lfd = tt_listener(AF_INET, "127.0.0.1");
	ASSERT_LE(0, lfd);
	t0 = tt_now_ns();
	n = notifications(&listener, 5000, 1);
	ASSERT_LT(0, n) TH_LOG("no notification within 5 s of a listen()");
	TH_LOG("first notification after %llu ms", (unsigned long long)((tt_now_ns() - t0) / 1000000));
	churn_on(_metadata, AF_INET, "127.0.0.1", lfd, 1);
	close(lfd);
	wait_written(_metadata, &self->c, PER_CONN + 2);
	ASSERT_LE(0, notifications(&listener, 300, 0));
	dump_new(_metadata, &self->c, &cursor, &ncursor, &d);
	EXPECT_EQ((size_t)(PER_CONN + 2), d.n);
	tt_dump_free(&d);

	/* Drained: no new records, no notification. */
	n = notifications(&listener, 500, 0);
	EXPECT_EQ(0, n) TH_LOG("%d notifications without new records", n);

	/* A new connection: a notification within a few seconds. */
	lfd = tt_listener(AF_INET, "127.0.0.1");
	ASSERT_LE(0, lfd);
	t0 = tt_now_ns();
	churn_on(_metadata, AF_INET, "127.0.0.1", lfd, 1);
	n = notifications(&listener, 5000, 1);
	EXPECT_LT(0, n) TH_LOG("no notification within 5 s of a connection");
	TH_LOG("notification %llu ms after the connection began",
	       (unsigned long long)((tt_now_ns() - t0) / 1000000));
	close(lfd);
	nlc_close(&listener);
}

TEST_HARNESS_MAIN
