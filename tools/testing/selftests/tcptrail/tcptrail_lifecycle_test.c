// SPDX-License-Identifier: GPL-2.0
/*
 * tcptrail: the parts of a connection's life the tracepoint never reports.
 * TIME_WAIT (entry, the orphan FIN_WAIT2 substate and its switch, and every
 * way out: expired, reused, connect-reuse, rst-received, aborted,
 * netns-exit, not created), the task that accept()s a connection, and the
 * totals at close.
 *
 * Each test runs in its own network namespace (except where it needs the
 * initial one to see a dead netns). The module must be loaded.
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
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <sys/prctl.h>
#include <sys/utsname.h>
#include <stdarg.h>
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

#define WAIT_MS		20000
#define TW_LEN_S	60	/* TCP_TIMEWAIT_LEN */

enum { ESTABLISHED = 1, SYN_SENT, SYN_RECV, FIN_WAIT1, FIN_WAIT2, TIME_WAIT,
	CLOSE, CLOSE_WAIT, LAST_ACK, LISTEN, CLOSING, NEW_SYN_RECV };

#define KIND_TW		TCPTRAIL_KIND_TIMEWAIT
#define ANY		(-1)

/* A record of @conn (0: any) matching every non-ANY field. */
struct want {
	uint64_t conn;
	int kind, reason, old_state, new_state;
};

static int matches(const struct tt_rec *r, const struct want *w)
{
	return (!w->conn || r->conn == w->conn) && r->kind == w->kind &&
	       (w->reason == ANY || r->reason == w->reason) &&
	       (w->old_state == ANY || r->old_state == w->old_state) &&
	       (w->new_state == ANY || r->new_state == w->new_state);
}

/* Polls the events file until a record matches @w (copied to @out). */
static int wait_rec(const struct want *w, struct tt_rec *out, unsigned int ms,
		    char *diag, size_t dlen)
{
	uint64_t deadline = tt_now_ns() + ms * 1000000ull;
	struct tt_events ev;

	for (;;) {
		if (tt_events_read(&ev)) {
			snprintf(diag, dlen, "%s", ev.err);
			return -1;
		}
		for (size_t i = 0; i < ev.n; i++) {
			if (matches(&ev.r[i], w)) {
				*out = ev.r[i];
				tt_events_free(&ev);
				return 0;
			}
		}
		tt_conn_str_all(&ev, w->conn, diag, dlen);
		tt_events_free(&ev);
		if (tt_now_ns() > deadline)
			return -1;
		tt_sleep_ms(20);
	}
}

#define WAIT_REC(out, ms, ...) do { \
	struct want _w = { __VA_ARGS__ }; \
	char _diag[2048]; \
	ASSERT_EQ(0, wait_rec(&_w, out, ms, _diag, sizeof(_diag))) \
		TH_LOG("conn %llu: no record kind %d reason %s %s>%s within %u ms; has: %s", \
		       (unsigned long long)_w.conn, _w.kind, \
		       _w.reason == ANY ? "any" : tt_reason_name(_w.reason), \
		       _w.old_state == ANY ? "*" : tt_state_name(_w.old_state), \
		       _w.new_state == ANY ? "*" : tt_state_name(_w.new_state), \
		       (unsigned int)(ms), _diag); \
} while (0)

/* One byte each way: the connection works. */
static int ping(int a, int b)
{
	char x = 'x';

	return write(a, &x, 1) == 1 && read(b, &x, 1) == 1 &&
	       write(b, &x, 1) == 1 && read(a, &x, 1) == 1 ? 0 : -1;
}

/*
 * @first shuts down its side, @second reads EOF and closes, @first reads EOF
 * and closes: @first enters TIME_WAIT from FIN_WAIT2, never as an orphan.
 */
static int close_first(int first, int second)
{
	char b;

	if (shutdown(first, SHUT_WR) || read(second, &b, 1) != 0 || close(second) ||
	    read(first, &b, 1) != 0)
		return -1;
	return close(first);
}

/*
 * TIME_WAIT sockets in /proc/net/tcp or tcp6 (state 06) with these local
 * and remote ports: how many.
 */
static int tw_in_proc(int domain, int lport, int rport)
{
	const char *path = domain == AF_INET ? "/proc/net/tcp" : "/proc/net/tcp6";
	char *text = tt_read_file(path), *line, *save = NULL;
	int n = 0;

	if (!text)
		return -1;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char local[64], remote[64], *p;
		unsigned int st;

		if (sscanf(line, " %*s %63s %63s %x", local, remote, &st) != 3 || st != 6)
			continue;
		p = strrchr(local, ':');
		if (!p || (int)strtol(p + 1, NULL, 16) != lport)
			continue;
		p = strrchr(remote, ':');
		if (!p || (int)strtol(p + 1, NULL, 16) != rport)
			continue;
		n++;
	}
	free(text);
	return n;
}

FIXTURE(life) {
	int lfd, port;
	uint64_t netns;
};

FIXTURE_VARIANT(life) {
	int domain;
	const char *addr, *family;
};

FIXTURE_VARIANT_ADD(life, ipv4) {
	.domain = AF_INET, .addr = "127.0.0.1", .family = "ipv4",
};

FIXTURE_VARIANT_ADD(life, ipv6) {
	.domain = AF_INET6, .addr = "::1", .family = "ipv6",
};

FIXTURE_SETUP(life)
{
	self->lfd = -1;
	if (access(TT_EVENTS_PATH, F_OK))
		SKIP(return, "tcptrail module not loaded");
	ASSERT_EQ(0, tt_new_netns());
	self->netns = tt_netns_ino();
	self->lfd = tt_listener(variant->domain, variant->addr);
	ASSERT_LE(0, self->lfd);
	self->port = tt_port(self->lfd);
}

FIXTURE_TEARDOWN(life)
{
	if (self->lfd >= 0)
		close(self->lfd);
}

struct pair {
	int c, s, cport;
	uint64_t cc, sc;
};

static void connect_pair(struct __test_metadata *_metadata, FIXTURE_DATA(life) *self,
			 const FIXTURE_VARIANT(life) *variant, int lport, struct pair *p)
{
	struct timeval tv = { .tv_sec = WAIT_MS / 1000 };

	p->c = lport ? tt_client_from(variant->domain, variant->addr, lport, self->port) :
		       tt_client(variant->domain, variant->addr, self->port);
	ASSERT_LE(0, p->c) TH_LOG("connect: %s", strerror(errno));
	p->s = tt_accept(self->lfd);
	ASSERT_LE(0, p->s);
	setsockopt(p->c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(p->s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	p->cport = tt_port(p->c);
	p->cc = tt_cookie(p->c);
	p->sc = tt_cookie(p->s);
	ASSERT_NE(0UL, p->cc);
	ASSERT_NE(0UL, p->sc);
}

/*
 * A timewait socket ended by a new SYN for its 4-tuple: the SERVER closes
 * first, so the server side holds the TIME_WAIT, and a new client from the
 * same port reaches it with its SYN (timestamps on the same address pair
 * grow, so the SYN is acceptable): reason "reused". The new connection works.
 */
TEST_F(life, reused_by_syn)
{
	struct tt_rec entry, end;
	struct pair p, q;

	connect_pair(_metadata, self, variant, 0, &p);
	ASSERT_EQ(0, close_first(p.s, p.c));
	WAIT_REC(&entry, WAIT_MS, .conn = p.sc, .kind = KIND_TW, .reason = TCPTRAIL_REASON_NONE,
		 .old_state = FIN_WAIT2, .new_state = TIME_WAIT);
	ASSERT_EQ(1, tw_in_proc(variant->domain, self->port, p.cport));
	tt_sleep_ms(50);	/* a later timestamp for the new SYN */

	connect_pair(_metadata, self, variant, p.cport, &q);
	ASSERT_EQ(p.cport, q.cport);
	WAIT_REC(&end, WAIT_MS, .conn = p.sc, .kind = KIND_TW, .reason = ANY,
		 .old_state = ANY, .new_state = CLOSE);
	EXPECT_EQ(TCPTRAIL_REASON_REUSED, end.reason) TH_LOG("reason %s", tt_reason_name(end.reason));
	EXPECT_EQ(TIME_WAIT, end.old_state);
	EXPECT_EQ(self->port, end.sport);
	EXPECT_EQ(p.cport, end.dport);
	EXPECT_STREQ(entry.saddr, end.saddr);
	EXPECT_STREQ(entry.daddr, end.daddr);
	EXPECT_EQ(0, tw_in_proc(variant->domain, self->port, p.cport));
	EXPECT_EQ(0, ping(q.c, q.s)) TH_LOG("the new connection does not work");
	close(q.c);
	close(q.s);
}

/*
 * connect() from the port of the client's own timewait socket takes the
 * 4-tuple over (tcp_twsk_unique(): timestamps on, tcp_tw_reuse for
 * loopback): reason "connect-reuse", recorded by the connecting task. The
 * 1.1 s wait satisfies the rule that the timewait socket's last timestamp
 * be from an earlier second, where the kernel applies it.
 */
TEST_F(life, connect_reuse)
{
	struct tt_rec entry, end, syn;
	struct pair p, q;

	connect_pair(_metadata, self, variant, 0, &p);
	ASSERT_EQ(0, close_first(p.c, p.s));
	WAIT_REC(&entry, WAIT_MS, .conn = p.cc, .kind = KIND_TW, .reason = TCPTRAIL_REASON_NONE,
		 .old_state = FIN_WAIT2, .new_state = TIME_WAIT);
	ASSERT_EQ(1, tw_in_proc(variant->domain, p.cport, self->port));
	tt_sleep_ms(1100);

	connect_pair(_metadata, self, variant, p.cport, &q);
	WAIT_REC(&end, WAIT_MS, .conn = p.cc, .kind = KIND_TW, .reason = ANY,
		 .old_state = ANY, .new_state = CLOSE);
	EXPECT_EQ(TCPTRAIL_REASON_CONNECT_REUSE, end.reason)
		TH_LOG("reason %s", tt_reason_name(end.reason));
	EXPECT_EQ(0, end.softirq);
	EXPECT_EQ(gettid(), end.pid);
	EXPECT_EQ(p.cport, end.sport);
	EXPECT_EQ(self->port, end.dport);
	EXPECT_STREQ(entry.saddr, end.saddr);
	/* The new connection's SYN_SENT comes first: connect() ends the old one. */
	WAIT_REC(&syn, WAIT_MS, .conn = q.cc, .kind = TCPTRAIL_KIND_STATE,
		 .reason = ANY, .old_state = CLOSE, .new_state = SYN_SENT);
	EXPECT_LT(syn.seq, end.seq);
	EXPECT_EQ(0, tw_in_proc(variant->domain, p.cport, self->port));
	EXPECT_EQ(0, ping(q.c, q.s));
	close(q.c);
	close(q.s);
}

/*
 * The most common flow: the client close()s first (an orphan: its FIN_WAIT2
 * becomes a timewait socket), the server's FIN reaches that timewait
 * socket (a segment that ends nothing), and a later connect() from the
 * same port takes it over: "connect-reuse", nothing the FIN left behind.
 */
TEST_F(life, orphan_then_connect_reuse)
{
	struct tt_rec sw, end;
	struct pair p, q;
	char b;

	connect_pair(_metadata, self, variant, 0, &p);
	ASSERT_EQ(0, close(p.c));
	ASSERT_EQ(0, read(p.s, &b, 1));
	ASSERT_EQ(0, close(p.s));
	WAIT_REC(&sw, WAIT_MS, .conn = p.cc, .kind = KIND_TW, .reason = TCPTRAIL_REASON_NONE,
		 .old_state = FIN_WAIT2, .new_state = TIME_WAIT);
	ASSERT_EQ(1, tw_in_proc(variant->domain, p.cport, self->port));
	tt_sleep_ms(1100);

	connect_pair(_metadata, self, variant, p.cport, &q);
	WAIT_REC(&end, WAIT_MS, .conn = p.cc, .kind = KIND_TW, .reason = ANY,
		 .old_state = ANY, .new_state = CLOSE);
	EXPECT_EQ(TCPTRAIL_REASON_CONNECT_REUSE, end.reason)
		TH_LOG("reason %s", tt_reason_name(end.reason));
	EXPECT_EQ(0, ping(q.c, q.s));
	close(q.c);
	close(q.s);
}

/*
 * netem drops every pure ACK on lo (a prio band with "loss 100%", pure ACKs
 * steered to it by u32 on the TCP flags byte) while the server's FIN is
 * sent: the client's timewait socket answers the FIN and its
 * retransmissions, segments that end nothing. Then the drop goes, one more
 * retransmission is answered, and the server closes. 0, or -1 when tc
 * cannot set it up.
 */
static int drop_pure_acks(int domain, int on)
{
	char cmd[512];

	if (!on)
		return system("tc qdisc del dev lo root 2>/dev/null") ? -1 : 0;
	/* IPv4 without options: flags at 20 + 13; IPv6: 40 + 13. */
	snprintf(cmd, sizeof(cmd),
		 "tc qdisc add dev lo root handle 1: prio bands 3 priomap 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 && "
		 "tc qdisc add dev lo parent 1:3 handle 30: netem loss 100%% && "
		 "tc filter add dev lo parent 1: protocol %s prio 1 u32 match u8 0x10 0xff at %d flowid 1:3",
		 domain == AF_INET ? "ip" : "ipv6", domain == AF_INET ? 33 : 53);
	return system(cmd) ? -1 : 0;
}

/* False when tc cannot drop the ACKs here: the caller skips. */
static bool retransmitted_fin(struct __test_metadata *_metadata, FIXTURE_DATA(life) *self,
			      const FIXTURE_VARIANT(life) *variant, struct pair *p,
			      struct tt_rec *tw)
{
	struct tt_rec st;
	char b;

	connect_pair(_metadata, self, variant, 0, p);
	ASSERT_EQ(0, shutdown(p->c, SHUT_WR));
	ASSERT_EQ(0, read(p->s, &b, 1));
	WAIT_REC(&st, WAIT_MS, .conn = p->cc, .kind = TCPTRAIL_KIND_STATE, .reason = ANY,
		 .old_state = FIN_WAIT1, .new_state = FIN_WAIT2);
	if (drop_pure_acks(variant->domain, 1)) {
		drop_pure_acks(variant->domain, 0);
		close(p->c);
		close(p->s);
		return false;
	}
	ASSERT_EQ(0, close(p->s));
	ASSERT_EQ(0, read(p->c, &b, 1));
	ASSERT_EQ(0, close(p->c));
	WAIT_REC(tw, WAIT_MS, .conn = p->cc, .kind = KIND_TW, .reason = TCPTRAIL_REASON_NONE,
		 .old_state = FIN_WAIT2, .new_state = TIME_WAIT);
	/* The first RTO is 200 ms or more: two retransmissions or so. */
	tt_sleep_ms(1000);
	ASSERT_EQ(0, drop_pure_acks(variant->domain, 0));
	WAIT_REC(&st, WAIT_MS, .conn = p->sc, .kind = TCPTRAIL_KIND_STATE, .reason = ANY,
		 .old_state = LAST_ACK, .new_state = CLOSE);
	/* The FIN was sent again: the timewait socket had segments to answer. */
	WAIT_REC(&st, WAIT_MS, .conn = p->sc, .kind = TCPTRAIL_KIND_TOTALS, .reason = ANY,
		 .old_state = ANY, .new_state = ANY);
	EXPECT_LE(1U, st.totals.total_retrans) TH_LOG("the server's FIN was never retransmitted");
	TH_LOG("the server's FIN went %u more times", st.totals.total_retrans);
	/* Answered, not ended: the timewait socket is still there. */
	EXPECT_EQ(1, tw_in_proc(variant->domain, p->cport, self->port));
	return true;
}

#define NO_ACK_DROP "tc cannot drop pure ACKs on lo (sch_prio, sch_netem or cls_u32 missing?)"

/* A retransmitted FIN answered in TIME_WAIT, then connect(): "connect-reuse". */
TEST_F(life, retransmitted_fin_then_connect_reuse)
{
	struct tt_rec tw, end;
	struct pair p, q;

	if (!retransmitted_fin(_metadata, self, variant, &p, &tw))
		SKIP(return, NO_ACK_DROP);
	tt_sleep_ms(1100);
	connect_pair(_metadata, self, variant, p.cport, &q);
	WAIT_REC(&end, WAIT_MS, .conn = p.cc, .kind = KIND_TW, .reason = ANY,
		 .old_state = ANY, .new_state = CLOSE);
	EXPECT_EQ(TCPTRAIL_REASON_CONNECT_REUSE, end.reason)
		TH_LOG("reason %s", tt_reason_name(end.reason));
	close(q.c);
	close(q.s);
}

/* A retransmitted FIN answered in TIME_WAIT, then its 60 s: "expired". */
TEST_F_TIMEOUT(life, retransmitted_fin_then_expiry, 150)
{
	struct tt_rec tw, end;
	struct pair p;

	if (!retransmitted_fin(_metadata, self, variant, &p, &tw))
		SKIP(return, NO_ACK_DROP);
	WAIT_REC(&end, 90 * 1000, .conn = p.cc, .kind = KIND_TW, .reason = ANY,
		 .old_state = ANY, .new_state = CLOSE);
	EXPECT_EQ(TCPTRAIL_REASON_EXPIRED, end.reason)
		TH_LOG("reason %s", tt_reason_name(end.reason));
	EXPECT_EQ(1, end.softirq);
}

/*
 * An orphan: close() while the peer keeps its side open. The ACK of the FIN
 * puts it in FIN_WAIT2 with no one to read: tcp_time_wait(FIN_WAIT2) makes a
 * timewait socket in the FIN_WAIT2 substate. The peer's FIN switches it to
 * TIME_WAIT.
 */
TEST_F(life, orphan_fin_wait2)
{
	struct tt_rec entry, sw, st;
	struct pair p;
	char b;

	struct want orphan;
	char diag[2048];

	connect_pair(_metadata, self, variant, 0, &p);
	ASSERT_EQ(0, close(p.c));
	ASSERT_EQ(0, read(p.s, &b, 1));
	orphan = (struct want){ .conn = p.cc, .kind = KIND_TW, .reason = TCPTRAIL_REASON_NONE,
				.old_state = FIN_WAIT2, .new_state = ANY };
	if (wait_rec(&orphan, &entry, 5000, diag, sizeof(diag))) {
		/*
		 * The ACK of our FIN came while close() still held the socket
		 * (the backlog): the kernel keeps the full socket in FIN_WAIT2
		 * for tcp_fin_timeout instead. Then the peer's FIN sends it
		 * straight to TIME_WAIT: check that path.
		 */
		TH_LOG("no FIN_WAIT2 timewait socket (the ACK met close() holding the socket): checking FIN_WAIT2 -> TIME_WAIT of the full socket");
		ASSERT_EQ(0, close(p.s));
		WAIT_REC(&entry, WAIT_MS, .conn = p.cc, .kind = KIND_TW,
			 .reason = TCPTRAIL_REASON_NONE, .old_state = FIN_WAIT2,
			 .new_state = TIME_WAIT);
		WAIT_REC(&st, WAIT_MS, .conn = p.cc, .kind = TCPTRAIL_KIND_STATE,
			 .reason = ANY, .old_state = FIN_WAIT2, .new_state = CLOSE);
		EXPECT_LT(entry.seq, st.seq);
		return;
	}
	EXPECT_EQ(FIN_WAIT2, entry.new_state) TH_LOG("not the orphan substate: %s",
						      tt_state_name(entry.new_state));
	/* The hand-over follows the entry. */
	WAIT_REC(&st, WAIT_MS, .conn = p.cc, .kind = TCPTRAIL_KIND_STATE, .reason = ANY,
		 .old_state = FIN_WAIT2, .new_state = CLOSE);
	EXPECT_LT(entry.seq, st.seq);
	/* ss shows FIN_WAIT2 timewait sockets as FIN-WAIT-2 (state 05). */
	EXPECT_EQ(0, tw_in_proc(variant->domain, p.cport, self->port));

	ASSERT_EQ(0, close(p.s));
	WAIT_REC(&sw, WAIT_MS, .conn = p.cc, .kind = KIND_TW, .reason = ANY,
		 .old_state = FIN_WAIT2, .new_state = TIME_WAIT);
	EXPECT_EQ(TCPTRAIL_REASON_NONE, sw.reason);
	EXPECT_LT(st.seq, sw.seq);
	EXPECT_EQ(p.cport, sw.sport);
	EXPECT_EQ(self->port, sw.dport);
	EXPECT_EQ(1, tw_in_proc(variant->domain, p.cport, self->port));
}

/* A sysctl's value in the initial netns (setns there and back), or -errno. */
static long init_netns_sysctl(const char *path)
{
	int init = open("/proc/1/ns/net", O_RDONLY | O_CLOEXEC);
	int mine = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	long v = -EBADF;

	if (init >= 0 && mine >= 0 && !setns(init, CLONE_NEWNET)) {
		v = tt_sysctl_get(path);
		if (setns(mine, CLONE_NEWNET))
			v = -errno;
	}
	if (init >= 0)
		close(init);
	if (mine >= 0)
		close(mine);
	return v;
}

/* tcp_max_tw_buckets=0 (per netns): no timewait socket, "timewait-not-created". */
TEST_F(life, not_created)
{
	const char *knob = "/proc/sys/net/ipv4/tcp_max_tw_buckets";
	long before = tt_sysctl_get(knob), init_before;
	struct tt_events ev;
	struct tt_rec r;
	struct pair p;

	ASSERT_LE(0, before);
	ASSERT_EQ(0, tt_sysctl_set(knob, 0));
	/* The knob is per netns: the initial netns keeps its own value. */
	init_before = init_netns_sysctl(knob);
	EXPECT_LT(0, init_before) TH_LOG("tcp_max_tw_buckets is not per netns here");

	connect_pair(_metadata, self, variant, 0, &p);
	ASSERT_EQ(0, close_first(p.c, p.s));
	WAIT_REC(&r, WAIT_MS, .conn = p.cc, .kind = KIND_TW,
		 .reason = TCPTRAIL_REASON_NOT_CREATED, .old_state = FIN_WAIT2,
		 .new_state = TIME_WAIT);
	EXPECT_EQ(p.cport, r.sport);
	EXPECT_EQ(0, tw_in_proc(variant->domain, p.cport, self->port));
	tt_sleep_ms(100);
	ASSERT_EQ(0, tt_events_read(&ev));
	EXPECT_EQ(1UL, tt_count(&ev, p.cc, KIND_TW, ANY)) TH_LOG("no entry, so no end");
	EXPECT_NE(NULL, tt_find(&ev, p.cc, FIN_WAIT2, CLOSE));
	tt_events_free(&ev);
	EXPECT_EQ(0, tt_sysctl_set(knob, before));
}

/* IPv4/IPv6 TCP checksum over the pseudo-header. */
static uint16_t csum(const void *a, size_t alen, const void *b, size_t blen,
		     const void *seg, size_t len)
{
	uint32_t sum = 0;
	const uint8_t *parts[3] = { a, b, seg };
	size_t lens[3] = { alen, blen, len };

	for (int k = 0; k < 3; k++)
		for (size_t i = 0; i < lens[k]; i += 2)
			sum += (parts[k][i] << 8) | (i + 1 < lens[k] ? parts[k][i + 1] : 0);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons(~sum & 0xffff);
}

/* A bare RST from @addr:@sport to @addr:@dport with sequence @seq, by a raw socket. */
static int send_rst(int domain, const char *addr, int sport, int dport, uint32_t seq)
{
	struct sockaddr_storage dst;
	socklen_t len = tt_sockaddr(domain, addr, 0, &dst);
	struct tcphdr th = {
		.source = htons(sport), .dest = htons(dport), .seq = htonl(seq),
		.doff = 5, .rst = 1,
	};
	int fd = socket(domain, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_TCP), ret;

	if (fd < 0)
		return -1;
	if (domain == AF_INET) {
		struct in_addr ip;
		uint8_t pseudo[4] = { 0, IPPROTO_TCP, 0, sizeof(th) };
		uint8_t ips[8];

		inet_pton(AF_INET, addr, &ip);
		memcpy(ips, &ip, 4);
		memcpy(ips + 4, &ip, 4);
		th.check = csum(ips, 8, pseudo, 4, &th, sizeof(th));
	} else {
		int off = 16;	/* the kernel fills the checksum in */

		setsockopt(fd, IPPROTO_IPV6, IPV6_CHECKSUM, &off, sizeof(off));
	}
	ret = sendto(fd, &th, sizeof(th), 0, (struct sockaddr *)&dst, len) == sizeof(th) ? 0 : -1;
	close(fd);
	return ret;
}

/* The next sequence number @fd sends (TCP_REPAIR, TCP_QUEUE_SEQ of the send queue). */
static int snd_nxt(int fd, uint32_t *seq)
{
	int on = 1, off = 0, q = TCP_SEND_QUEUE;
	socklen_t len = sizeof(*seq);
	int ret;

	if (setsockopt(fd, IPPROTO_TCP, TCP_REPAIR, &on, sizeof(on)))
		return -1;
	ret = setsockopt(fd, IPPROTO_TCP, TCP_REPAIR_QUEUE, &q, sizeof(q)) ||
	      getsockopt(fd, IPPROTO_TCP, TCP_QUEUE_SEQ, seq, &len);
	setsockopt(fd, IPPROTO_TCP, TCP_REPAIR, &off, sizeof(off));
	return ret ? -1 : 0;
}

/*
 * A RST to a TIME_WAIT socket with exactly the expected sequence number
 * (the peer's FIN + 1) ends it (RFC 1337 "assassination", tcp_rfc1337=0):
 * reason "rst-received". The RST comes from a raw socket.
 */
TEST_F(life, rst_to_timewait)
{
	struct tt_rec entry, end;
	uint32_t seq;
	struct pair p;

	connect_pair(_metadata, self, variant, 0, &p);
	ASSERT_EQ(0, snd_nxt(p.s, &seq)) TH_LOG("TCP_REPAIR: %s", strerror(errno));
	ASSERT_EQ(0, close_first(p.c, p.s));
	WAIT_REC(&entry, WAIT_MS, .conn = p.cc, .kind = KIND_TW, .reason = TCPTRAIL_REASON_NONE,
		 .old_state = FIN_WAIT2, .new_state = TIME_WAIT);
	ASSERT_EQ(1, tw_in_proc(variant->domain, p.cport, self->port));
	ASSERT_EQ(0, send_rst(variant->domain, variant->addr, self->port, p.cport, seq + 1))
		TH_LOG("raw socket: %s", strerror(errno));
	WAIT_REC(&end, WAIT_MS, .conn = p.cc, .kind = KIND_TW, .reason = ANY,
		 .old_state = ANY, .new_state = CLOSE);
	EXPECT_EQ(TCPTRAIL_REASON_RST_RECEIVED, end.reason)
		TH_LOG("reason %s", tt_reason_name(end.reason));
	EXPECT_EQ(TIME_WAIT, end.old_state);
	EXPECT_EQ(0, tw_in_proc(variant->domain, p.cport, self->port));
}

/* ss -K (SOCK_DESTROY, tcp_abort()) on a TIME_WAIT socket: reason "aborted". */
TEST_F(life, ss_kill)
{
	struct tt_rec end;
	char cmd[256], cfg[128], *text;
	struct pair p;

	struct utsname u;

	uname(&u);
	snprintf(cfg, sizeof(cfg), "/boot/config-%s", u.release);
	text = tt_read_file(cfg);
	if (text && !strstr(text, "CONFIG_INET_DIAG_DESTROY=y")) {
		free(text);
		SKIP(return, "kernel without CONFIG_INET_DIAG_DESTROY");
	}
	free(text);
	if (system("command -v ss >/dev/null"))
		SKIP(return, "ss (iproute2) missing");
	connect_pair(_metadata, self, variant, 0, &p);
	ASSERT_EQ(0, close_first(p.c, p.s));
	WAIT_REC(&end, WAIT_MS, .conn = p.cc, .kind = KIND_TW, .reason = TCPTRAIL_REASON_NONE,
		 .old_state = FIN_WAIT2, .new_state = TIME_WAIT);
	snprintf(cmd, sizeof(cmd), "ss -K -tan state time-wait '( sport = :%d )' >/dev/null",
		 p.cport);
	ASSERT_EQ(0, system(cmd));
	usleep(200 * 1000);
	if (tw_in_proc(variant->domain, p.cport, self->port))
		SKIP(return, "this kernel's tcp_abort() leaves TIME_WAIT sockets alone: ss -K cannot end them");
	WAIT_REC(&end, WAIT_MS, .conn = p.cc, .kind = KIND_TW, .reason = ANY,
		 .old_state = ANY, .new_state = CLOSE);
	EXPECT_EQ(TCPTRAIL_REASON_ABORTED, end.reason) TH_LOG("reason %s", tt_reason_name(end.reason));
	EXPECT_EQ(0, end.softirq);
	EXPECT_EQ(0, tw_in_proc(variant->domain, p.cport, self->port));
}

/*
 * The totals at close match what the peers sent. The client sends N bytes
 * and shuts down, the server reads them and EOF, sends M and closes.
 *
 * How the kernel counts (found on 6.1 and 6.12, loopback, no loss):
 * bytes_acked grows with snd_una, so it counts every sequence number the
 * peer acknowledged: the client's SYN (acked by the SYN-ACK) and FIN too,
 * while an accepted socket starts with its SYN already acknowledged (its
 * snd_una is set past the SYN-ACK when it is created), so only its FIN
 * counts. bytes_received grows with rcv_nxt past the initial SYN: the data
 * and the peer's FIN. bytes_sent counts data only, retransmissions included
 * (loopback loses nothing, but a slow emulated CPU can fire a spurious RTO:
 * seen on 6.1 under TCG, 1777 bytes in 2 segments). So:
 *   client: sent N + retrans, acked N + 2, received M + 1
 *   server: sent M + retrans, acked M + 1, received N + 1
 * and the TOTALS records sit right after each side's move to CLOSE.
 */
FIXTURE(totals) {
	int lfd, port;
};

FIXTURE_VARIANT(totals) {
	int domain;
	const char *addr, *family;
};

FIXTURE_VARIANT_ADD(totals, ipv4) {
	.domain = AF_INET, .addr = "127.0.0.1", .family = "ipv4",
};

FIXTURE_VARIANT_ADD(totals, ipv6) {
	.domain = AF_INET6, .addr = "::1", .family = "ipv6",
};

/* Reported as AF_INET like every other record of an IPv4-mapped socket. */
FIXTURE_VARIANT_ADD(totals, ipv4_mapped) {
	.domain = AF_INET6, .addr = "::ffff:127.0.0.1", .family = "ipv4",
};

FIXTURE_SETUP(totals)
{
	if (access(TT_EVENTS_PATH, F_OK))
		SKIP(return, "tcptrail module not loaded");
	ASSERT_EQ(0, tt_new_netns());
	self->lfd = tt_listener(variant->domain, variant->addr);
	ASSERT_LE(0, self->lfd);
	self->port = tt_port(self->lfd);
}

FIXTURE_TEARDOWN(totals)
{
}

static int xfer(int fd, size_t n, int out)
{
	static char buf[65536];
	size_t done = 0;

	while (done < n) {
		ssize_t k = out ? write(fd, buf, n - done > sizeof(buf) ? sizeof(buf) : n - done) :
				  read(fd, buf, sizeof(buf));

		if (k <= 0)
			return -1;
		done += k;
	}
	return done == n ? 0 : -1;
}

TEST_F(totals, match_the_bytes)
{
	const size_t N = 100000, M = 7777;
	const struct tt_rec *ct, *stt, *cclose, *sclose;
	struct tt_events ev;
	struct tt_rec r;
	uint64_t cc, sc;
	int c, s, cport;
	char b;

	c = tt_client(variant->domain, variant->addr, self->port);
	ASSERT_LE(0, c);
	s = tt_accept(self->lfd);
	ASSERT_LE(0, s);
	cc = tt_cookie(c);
	sc = tt_cookie(s);
	cport = tt_port(c);
	ASSERT_EQ(0, xfer(c, N, 1));
	ASSERT_EQ(0, shutdown(c, SHUT_WR));
	ASSERT_EQ(0, xfer(s, N, 0));
	ASSERT_EQ(0, read(s, &b, 1));
	ASSERT_EQ(0, xfer(s, M, 1));
	ASSERT_EQ(0, close(s));
	ASSERT_EQ(0, xfer(c, M, 0));
	ASSERT_EQ(0, read(c, &b, 1));
	ASSERT_EQ(0, close(c));
	WAIT_REC(&r, WAIT_MS, .conn = sc, .kind = TCPTRAIL_KIND_TOTALS, .reason = ANY,
		 .old_state = ANY, .new_state = ANY);
	WAIT_REC(&r, WAIT_MS, .conn = cc, .kind = TCPTRAIL_KIND_TOTALS, .reason = ANY,
		 .old_state = ANY, .new_state = ANY);

	ASSERT_EQ(0, tt_events_read(&ev)) TH_LOG("%s", ev.err);
	ct = tt_find_kind(&ev, cc, TCPTRAIL_KIND_TOTALS, ANY);
	stt = tt_find_kind(&ev, sc, TCPTRAIL_KIND_TOTALS, ANY);
	cclose = tt_find(&ev, cc, FIN_WAIT2, CLOSE);
	sclose = tt_find(&ev, sc, LAST_ACK, CLOSE);
	ASSERT_NE(NULL, ct);
	ASSERT_NE(NULL, stt);
	ASSERT_NE(NULL, cclose);
	ASSERT_NE(NULL, sclose);
	EXPECT_EQ(1UL, tt_count(&ev, cc, TCPTRAIL_KIND_TOTALS, ANY));
	EXPECT_EQ(1UL, tt_count(&ev, sc, TCPTRAIL_KIND_TOTALS, ANY));
	EXPECT_EQ(cclose->seq + 1, ct->seq) TH_LOG("totals not right after the close");
	EXPECT_EQ(sclose->seq + 1, stt->seq);

	ksft_print_msg("client totals: sent %llu acked %llu received %llu retrans %llu segs %u/%u srtt %u us\n",
		       (unsigned long long)ct->totals.bytes_sent,
		       (unsigned long long)ct->totals.bytes_acked,
		       (unsigned long long)ct->totals.bytes_received,
		       (unsigned long long)ct->totals.bytes_retrans,
		       ct->totals.segs_out, ct->totals.segs_in, ct->totals.srtt_us);
	ksft_print_msg("server totals: sent %llu acked %llu received %llu retrans %llu segs %u/%u srtt %u us\n",
		       (unsigned long long)stt->totals.bytes_sent,
		       (unsigned long long)stt->totals.bytes_acked,
		       (unsigned long long)stt->totals.bytes_received,
		       (unsigned long long)stt->totals.bytes_retrans,
		       stt->totals.segs_out, stt->totals.segs_in, stt->totals.srtt_us);
	/* Retransmitted bytes come with retransmitted segments. */
	EXPECT_EQ(!ct->totals.bytes_retrans, !ct->totals.total_retrans);
	EXPECT_EQ(!stt->totals.bytes_retrans, !stt->totals.total_retrans);
	EXPECT_GE(N, ct->totals.bytes_retrans);
	EXPECT_GE(M, stt->totals.bytes_retrans);
	EXPECT_EQ(N + ct->totals.bytes_retrans, ct->totals.bytes_sent);
	EXPECT_EQ(N + 2, ct->totals.bytes_acked);	/* SYN, data, FIN */
	EXPECT_EQ(M + 1, ct->totals.bytes_received);	/* data, FIN */
	EXPECT_EQ(M + stt->totals.bytes_retrans, stt->totals.bytes_sent);
	EXPECT_EQ(M + 1, stt->totals.bytes_acked);	/* data, FIN */
	EXPECT_EQ(N + 1, stt->totals.bytes_received);	/* data, FIN */
	/* Each side's view of the other. */
	EXPECT_EQ(ct->totals.bytes_received, stt->totals.bytes_acked);
	EXPECT_EQ(stt->totals.bytes_received + 1, ct->totals.bytes_acked);
	EXPECT_LT(0U, ct->totals.segs_out);
	EXPECT_LT(0U, ct->totals.segs_in);
	EXPECT_LT(0U, stt->totals.segs_out);
	EXPECT_LT(0U, stt->totals.segs_in);
	EXPECT_LE(ct->totals.segs_in, stt->totals.segs_out + 1);
	EXPECT_LT(0U, ct->totals.srtt_us);
	EXPECT_LT(0U, stt->totals.srtt_us);
	/* No addresses, the ports, and the family of the connection's other records. */
	EXPECT_STREQ("-", ct->saddr);
	EXPECT_STREQ("-", ct->comm);
	EXPECT_EQ(cport, ct->sport);
	EXPECT_EQ(self->port, ct->dport);
	EXPECT_EQ(self->port, stt->sport);
	EXPECT_EQ(cport, stt->dport);
	EXPECT_STREQ(cclose->family, ct->family) TH_LOG("TOTALS family differs from the STATE records'");
	EXPECT_STREQ(variant->family, ct->family);
	EXPECT_STREQ(variant->family, stt->family);
	tt_events_free(&ev);
	close(self->lfd);
}

FIXTURE(global) {};
FIXTURE_SETUP(global)
{
	if (access(TT_EVENTS_PATH, F_OK))
		SKIP(return, "tcptrail module not loaded");
}
FIXTURE_TEARDOWN(global) {}

/* In a new netns: a client TIME_WAIT (v4 or v6); writes its cookie, then waits for a byte. */
static int tw_child(int domain, const char *addr, int wfd, int rfd)
{
	uint64_t info[2];
	int lfd, c, s;
	char b;

	if (tt_new_netns())
		return 2;
	lfd = tt_listener(domain, addr);
	if (lfd < 0)
		return 3;
	c = tt_client(domain, addr, tt_port(lfd));
	s = c < 0 ? -1 : tt_accept(lfd);
	if (s < 0)
		return 4;
	info[0] = tt_cookie(c);
	info[1] = tt_netns_ino();
	if (close_first(c, s))
		return 5;
	close(lfd);
	if (write(wfd, info, sizeof(info)) != sizeof(info))
		return 6;
	if (rfd >= 0 && read(rfd, &b, 1) < 0)
		return 7;
	return 0;
}

/*
 * A namespace dies with a TIME_WAIT socket inside: it ends with reason
 * "netns-exit". The dead netns's records are read from the initial netns
 * (GET_EVENTS with ALL_NETNS); procfs of a dead netns is gone.
 */
TEST_F_TIMEOUT(global, netns_exit, 90)
{
	struct tcptrail_record *found = NULL;
	struct tt_nl_stats st;
	uint64_t info[2], cursor, deadline;
	int pfd[2], status;
	struct tt_dump d;
	struct nlc c;
	pid_t pid;

	{
		char self_ns[64] = "", init_ns[64] = "";

		if (readlink("/proc/self/ns/net", self_ns, sizeof(self_ns) - 1) < 0 ||
		    readlink("/proc/1/ns/net", init_ns, sizeof(init_ns) - 1) < 0 ||
		    strcmp(self_ns, init_ns))
			SKIP(return, "not in the initial netns: ALL_NETNS needs it");
	}
	ASSERT_EQ(0, nlc_open(&c));
	ASSERT_EQ(0, tt_nl_stats(&c, &st, NULL));
	cursor = st.written + 1;
	ASSERT_EQ(0, pipe(pfd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		close(pfd[0]);
		_exit(tw_child(AF_INET, "127.0.0.1", pfd[1], -1));
	}
	close(pfd[1]);
	ASSERT_EQ((ssize_t)sizeof(info), read(pfd[0], info, sizeof(info)));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, WEXITSTATUS(status));
	close(pfd[0]);

	deadline = tt_now_ns() + 60000000000ull;
	while (!found) {
		ASSERT_EQ(0, tt_nl_dump(&c, cursor, 0, 1, &d)) TH_LOG("%s", d.res.msg);
		for (size_t i = 0; i < d.n && !found; i++) {
			if (d.r[i].conn == info[0] && d.r[i].kind == KIND_TW &&
			    d.r[i].new_state == CLOSE) {
				found = malloc(sizeof(*found));
				ASSERT_NE(NULL, found);
				*found = d.r[i];
			}
		}
		cursor = d.cursor;
		tt_dump_free(&d);
		if (found)
			break;
		ASSERT_LT(tt_now_ns(), deadline) TH_LOG("no timewait end for the dead netns's socket");
		tt_sleep_ms(100);
	}
	EXPECT_EQ(TCPTRAIL_REASON_NETNS_EXIT, found->reason)
		TH_LOG("reason %s", tt_reason_name(found->reason));
	EXPECT_EQ(info[1], (uint64_t)found->netns);
	EXPECT_EQ(TIME_WAIT, found->old_state);
	free(found);
	nlc_close(&c);
}

/*
 * The ~65 s test: TIME_WAIT lasts TCP_TIMEWAIT_LEN (60 s). IPv4 and IPv6 at
 * once, each in its own netns (a child process): the entry appears, the
 * socket is in /proc/net/tcp{,6} (what ss shows) with the record's ports,
 * then after 60 s the end "expired" appears and the socket is gone.
 */
static void say(int fd, const char *fmt, ...)
{
	char msg[2600];
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (len > (int)sizeof(msg) - 1)
		len = sizeof(msg) - 1;
	if (write(fd, msg, len) != len)
		perror("write");
}

static int expiry_child(int domain, const char *addr, int wfd)
{
	struct tt_rec entry, end;
	struct want w = { .kind = KIND_TW, .reason = TCPTRAIL_REASON_NONE,
			  .old_state = FIN_WAIT2, .new_state = TIME_WAIT };
	char diag[2048];
	int lfd, c, s, cport, port;
	uint64_t cc;
	int64_t secs;

	if (tt_new_netns())
		return 2;
	lfd = tt_listener(domain, addr);
	port = tt_port(lfd);
	c = tt_client(domain, addr, port);
	s = c < 0 ? -1 : tt_accept(lfd);
	if (s < 0)
		return 3;
	cc = tt_cookie(c);
	cport = tt_port(c);
	if (close_first(c, s))
		return 4;
	w.conn = cc;
	if (wait_rec(&w, &entry, WAIT_MS, diag, sizeof(diag))) {
		say(wfd, "no timewait entry: %s\n", diag);
		return 5;
	}
	if (entry.sport != cport || entry.dport != port) {
		say(wfd, "entry ports %d/%d, socket %d/%d\n", entry.sport, entry.dport,
		    cport, port);
		return 6;
	}
	if (tw_in_proc(domain, cport, port) != 1)
		return 7;
	w.reason = ANY;
	w.old_state = ANY;
	w.new_state = CLOSE;
	if (wait_rec(&w, &end, (TW_LEN_S + 30) * 1000, diag, sizeof(diag))) {
		say(wfd, "no timewait end within %d s: %s\n", TW_LEN_S + 30, diag);
		return 8;
	}
	secs = (int64_t)(end.ts_ns - entry.ts_ns) / 1000000000;
	say(wfd, "%s: timewait %s>%s entry, end %s after %lld s\n",
	    domain == AF_INET ? "ipv4" : "ipv6", tt_state_name(entry.old_state),
	    tt_state_name(entry.new_state), tt_reason_name(end.reason), (long long)secs);
	if (end.reason != TCPTRAIL_REASON_EXPIRED)
		return 10;
	if (secs < TW_LEN_S - 1 || secs > TW_LEN_S + 20)
		return 11;
	if (end.sport != cport || end.dport != port || end.old_state != TIME_WAIT ||
	    strcmp(end.saddr, entry.saddr) || strcmp(end.daddr, entry.daddr))
		return 12;
	if (tw_in_proc(domain, cport, port) != 0)
		return 13;
	return 0;
}

TEST_F_TIMEOUT(global, timewait_expires, 150)
{
	static const char *const codes[] = {
		[2] = "netns", [3] = "connect", [4] = "close", [5] = "no entry",
		[6] = "entry ports", [7] = "not in /proc/net/tcp while in TIME_WAIT",
		[8] = "no end", [9] = "pipe", [10] = "reason not expired",
		[11] = "not ~60 s", [12] = "end endpoints differ",
		[13] = "still in /proc/net/tcp after the end",
	};
	int pfd[2], status;
	pid_t pid[2];
	char buf[2048];
	ssize_t n;

	ASSERT_EQ(0, pipe(pfd));
	for (int i = 0; i < 2; i++) {
		pid[i] = fork();
		ASSERT_LE(0, pid[i]);
		if (pid[i] == 0) {
			close(pfd[0]);
			_exit(expiry_child(i ? AF_INET6 : AF_INET, i ? "::1" : "127.0.0.1",
					   pfd[1]));
		}
	}
	close(pfd[1]);
	for (int i = 0; i < 2; i++) {
		int code;

		ASSERT_EQ(pid[i], waitpid(pid[i], &status, 0));
		code = WIFEXITED(status) ? WEXITSTATUS(status) : 99;
		EXPECT_EQ(0, code) TH_LOG("%s: %s", i ? "ipv6" : "ipv4",
					  code < 14 && codes[code] ? codes[code] : "?");
	}
	while ((n = read(pfd[0], buf, sizeof(buf) - 1)) > 0) {
		char *line, *save = NULL;

		buf[n] = '\0';
		for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
			ksft_print_msg("%s\n", line);
	}
	close(pfd[0]);
}

/*
 * The right process: a client process and a server process (their own
 * comm), 1000 connections on 2 CPUs (client on CPU 0, server on CPU 1).
 * Every client connection's CLOSE>SYN_SENT is the client's; every accepted
 * connection has exactly one ACCEPT record, the server's. Softirq records
 * name whatever task was interrupted: how often that is not the
 * connection's owner is reported.
 */
#define RP_CONNS	1000
#define RP_CLIENT	"tt-rp-client"
#define RP_SERVER	"tt-rp-server"

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static int rp_server(int lfd)
{
	char buf[512];

	prctl(PR_SET_NAME, RP_SERVER);
	pin(1);
	for (int i = 0; i < RP_CONNS; i++) {
		int s = tt_accept(lfd);
		ssize_t n;

		if (s < 0)
			return 2;
		while ((n = read(s, buf, sizeof(buf))) > 0)
			;
		close(s);
	}
	return 0;
}

static int rp_client(int domain, const char *addr, int port)
{
	char buf[100] = { 0 };

	prctl(PR_SET_NAME, RP_CLIENT);
	pin(0);
	for (int i = 0; i < RP_CONNS; i++) {
		int c = tt_client(domain, addr, port);

		if (c < 0)
			return 2;
		if (write(c, buf, sizeof(buf)) != sizeof(buf))
			return 3;
		close(c);
	}
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

TEST_F_TIMEOUT(life, right_process, 240)
{
	uint64_t client_conns = 0, server_conns = 0, bad_syn = 0, accepts_bad = 0;
	uint64_t soft = 0, soft_other = 0, soft_peer = 0, soft_owner = 0;
	uint64_t *clients, nclients = 0;
	struct tt_events ev;
	struct tt_stats st;
	pid_t cpid, spid;
	int status;

	ASSERT_EQ(0, tt_no_timewait());	/* nothing ends after the test */
	spid = fork();
	ASSERT_LE(0, spid);
	if (spid == 0)
		_exit(rp_server(self->lfd));
	cpid = fork();
	ASSERT_LE(0, cpid);
	if (cpid == 0)
		_exit(rp_client(variant->domain, variant->addr, self->port));
	ASSERT_EQ(cpid, waitpid(cpid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("client failed");
	ASSERT_EQ(spid, waitpid(spid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("server failed");
	tt_sleep_ms(500);

	ASSERT_EQ(0, tt_stats_read(&st));
	ASSERT_EQ(0, tt_events_read(&ev)) TH_LOG("%s", ev.err);
	ASSERT_EQ(0UL, ev.lost_total) TH_LOG("ring too small for the test");
	ASSERT_EQ(st.netns_written, ev.n);
	/* The client side's connections (sorted: cookies only grow). */
	clients = calloc(ev.n, sizeof(*clients));
	ASSERT_NE(NULL, clients);
	for (size_t i = 0; i < ev.n; i++)
		if (ev.r[i].kind == TCPTRAIL_KIND_STATE && ev.r[i].old_state == CLOSE &&
		    ev.r[i].new_state == SYN_SENT)
			clients[nclients++] = ev.r[i].conn;
	qsort(clients, nclients, sizeof(*clients), cmp_u64);
	for (size_t i = 0; i < ev.n; i++) {
		const struct tt_rec *r = &ev.r[i];

		if (r->kind == TCPTRAIL_KIND_STATE && r->old_state == CLOSE &&
		    r->new_state == SYN_SENT) {
			client_conns++;
			if (r->softirq || r->tgid != cpid || strcmp(r->comm, RP_CLIENT))
				bad_syn++;
		}
		if (r->kind == TCPTRAIL_KIND_STATE && r->old_state == LISTEN &&
		    r->new_state == SYN_RECV) {
			const struct tt_rec *a[4];
			size_t na = tt_conn_recs_kind(&ev, r->conn, TCPTRAIL_KIND_ACCEPT, a, 4);

			server_conns++;
			if (na != 1 || a[0]->softirq || a[0]->tgid != spid ||
			    strcmp(a[0]->comm, RP_SERVER)) {
				char buf[1024];

				if (accepts_bad++ < 3)
					TH_LOG("server conn %llu: %zu ACCEPT; %s",
					       (unsigned long long)r->conn, na,
					       tt_conn_str_all(&ev, r->conn, buf, sizeof(buf)));
			}
		}
		if (r->kind == TCPTRAIL_KIND_ACCEPT &&
		    !tt_find(&ev, r->conn, LISTEN, SYN_RECV)) {
			char buf[1024];

			TH_LOG("ACCEPT of conn %llu, which has no LISTEN>SYN_RECV: %s",
			       (unsigned long long)r->conn,
			       tt_conn_str_all(&ev, r->conn, buf, sizeof(buf)));
		}
		if (r->softirq && r->kind != TCPTRAIL_KIND_TOTALS) {
			/* Whose connection: the SYN_SENT side is the client's. */
			int client_side = bsearch(&r->conn, clients, nclients, sizeof(*clients),
						  cmp_u64) != NULL;
			pid_t owner = client_side ? cpid : spid, peer = client_side ? spid : cpid;

			soft++;
			if ((pid_t)r->tgid == owner)
				soft_owner++;
			else if ((pid_t)r->tgid == peer)
				soft_peer++;
			else
				soft_other++;
		}
	}
	ksft_print_msg("%llu client and %llu server connections, %zu records; softirq records: %llu, "
		       "naming the connection's own process %llu, the peer process %llu, another task %llu (%.1f%% not the owner)\n",
		       (unsigned long long)client_conns, (unsigned long long)server_conns, ev.n,
		       (unsigned long long)soft, (unsigned long long)soft_owner,
		       (unsigned long long)soft_peer, (unsigned long long)soft_other,
		       soft ? 100.0 * (soft_peer + soft_other) / soft : 0.0);
	EXPECT_EQ((uint64_t)RP_CONNS, client_conns);
	EXPECT_EQ((uint64_t)RP_CONNS, server_conns);
	EXPECT_EQ(0UL, bad_syn) TH_LOG("CLOSE>SYN_SENT not by the client process");
	EXPECT_EQ(0UL, accepts_bad) TH_LOG("accepted connections without exactly one ACCEPT by the server");
	EXPECT_EQ((uint64_t)RP_CONNS, tt_count(&ev, 0, TCPTRAIL_KIND_ACCEPT, ANY));
	free(clients);
	tt_events_free(&ev);
}

TEST_HARNESS_MAIN
