// SPDX-License-Identifier: GPL-2.0
/*
 * Writing one record: what every hook shares. It runs in the probes, often
 * in softirq, or from the int3 of a kprobe, which is as good as an NMI: so
 * it only copies raw fields into a ring slot: no locks, no allocation, no
 * formatting. It reads only the struct sock_common part of
 * @sk, so it serves full, timewait and request sockets alike; only the
 * totals need a full TCP socket.
 */
#include <linux/cgroup.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/sock_diag.h>
#include <net/inet_sock.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <net/tcp.h>
#include <net/tcp_states.h>

#include "config.h"
#include "netns.h"
#include "record.h"
#include "stats.h"

static_assert(sizeof(((struct tcptrail_record *)0)->comm) == TASK_COMM_LEN);
static_assert(sizeof(struct tcptrail_totals) ==
	      sizeof(((struct tcptrail_record *)0)->saddr) * 3);

/*
 * The socket's first use of its cookie: made here (record.h). Not inline:
 * its array would cost the record path a stack canary.
 */
noinline u64 tcptrail_sock_cookie_make(const struct sock *sk)
{
	u32 half[2];

	sock_diag_save_cookie((struct sock *)sk, half);
	return half[0] | (u64)half[1] << 32;
}

static bool sock_is_ipv6(const struct sock *sk)
{
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family != AF_INET6)
		return false;
	/* IPv4 traffic on a dual-stack socket is shown as IPv4. */
	if (ipv6_addr_v4mapped(&sk->sk_v6_daddr))
		return false;
	return !(ipv6_addr_any(&sk->sk_v6_daddr) &&
		 ipv6_addr_v4mapped(&sk->sk_v6_rcv_saddr));
#else
	return false;
#endif
}

/*
 * The local port: a full socket's inet_num is already 0 when it reports its
 * move to CLOSE, but its inet_sport stays; the others only have skc_num.
 */
static u16 local_port(const struct sock *sk)
{
	return sk_fullsock(sk) ? ntohs(inet_sk(sk)->inet_sport) : sk->sk_num;
}

static __always_inline void record_endpoints(struct tcptrail_record *rec,
					     const struct sock *sk)
{
	rec->sport = local_port(sk);
	rec->dport = ntohs(sk->sk_dport);
	memset(rec->saddr, 0, sizeof(rec->saddr));
	memset(rec->daddr, 0, sizeof(rec->daddr));
#if IS_ENABLED(CONFIG_IPV6)
	if (sock_is_ipv6(sk)) {
		rec->family = AF_INET6;
		memcpy(rec->saddr, &sk->sk_v6_rcv_saddr, sizeof(struct in6_addr));
		memcpy(rec->daddr, &sk->sk_v6_daddr, sizeof(struct in6_addr));
		return;
	}
#endif
	rec->family = AF_INET;
	memcpy(rec->saddr, &sk->sk_rcv_saddr, sizeof(__be32));
	memcpy(rec->daddr, &sk->sk_daddr, sizeof(__be32));
}

/*
 * The cgroup the socket was charged to when it was made (a child: its
 * listener's), whichever task runs now. Only full sockets keep one.
 */
static u64 sock_cgroup_id(const struct sock *sk)
{
#ifdef CONFIG_SOCK_CGROUP_DATA
	if (sk_fullsock(sk))
		return cgroup_id(sock_cgroup_ptr((struct sock_cgroup_data *)
						 &sk->sk_cgrp_data));
#endif
	return 0;
}

static __always_inline void record_task(struct tcptrail_record *rec)
{
	rec->pid = current->pid;
	rec->tgid = current->tgid;
	/* As is: the readers clear what follows the NUL (reader.c). */
	memcpy(rec->comm, current->comm, TASK_COMM_LEN);
	rec->flags = in_task() ? 0 : TCPTRAIL_F_SOFTIRQ;
}

static bool port_wanted(const struct tcptrail_config *cfg,
			const struct sock *sk)
{
	u16 sport = local_port(sk);
	u16 dport = ntohs(sk->sk_dport);
	const u16 *port = cfg->ports;
	/*
	 * A pointer, not an index: a kernel built with UBSAN bounds checks
	 * (Debian's 7.x) would check and report each ports[i].
	 */
	const u16 *end = port + min_t(unsigned int, cfg->nports,
				      ARRAY_SIZE(cfg->ports));

	for (; port < end; port++)
		if (*port == sport || *port == dport)
			return true;
	return false;
}

/* Inline: with no filter set it is two tests on the record path. */
static __always_inline bool filtered_out(const struct tcptrail_config *cfg,
					 const struct sock *sk)
{
	if (cfg->family &&
	    cfg->family != (sock_is_ipv6(sk) ? AF_INET6 : AF_INET))
		return true;
	return cfg->nports && !port_wanted(cfg, sk);
}

static void record_totals(struct tcptrail_record *rec, const struct sock *sk)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	struct tcptrail_totals *t = &rec->totals;

	rec->family = sock_is_ipv6(sk) ? AF_INET6 : AF_INET;
	rec->sport = local_port(sk);
	rec->dport = ntohs(sk->sk_dport);
	t->bytes_sent = tp->bytes_sent;
	t->bytes_acked = tp->bytes_acked;
	t->bytes_received = tp->bytes_received;
	t->bytes_retrans = tp->bytes_retrans;
	t->segs_out = tp->segs_out;
	t->segs_in = tp->segs_in;
	t->total_retrans = tp->total_retrans;
	t->srtt_us = tp->srtt_us >> 3;
}

/*
 * One record about @sk in the ring; @tn, @conn and @ts are the caller's,
 * taken once for every record of the transition.
 */
static __always_inline void write_record(struct tcptrail_ring *ring,
					 struct tcptrail_net *tn,
					 const struct sock *sk, u64 conn, u64 ts,
					 const struct tcptrail_what *what)
{
	struct tcptrail_record *rec;
	u64 netns_seq;

	rec = tcptrail_ring_reserve(ring);
	/* Taken even when the slot was lost, so the gap shows the loss. */
	netns_seq = atomic64_inc_return(&tn->written);
	if (what->kind == TCPTRAIL_KIND_STATE &&
	    what->new_state < TCPTRAIL_NR_STATES) {
		struct tcptrail_net_states __percpu *states =
			READ_ONCE(tn->states);

		if (states)
			__this_cpu_inc(states->entered[what->new_state]);
	}
	if (!rec)
		return;

	rec->netns_seq = netns_seq;
	rec->ts_ns = ts;
	rec->conn = conn;
	rec->cgroup = sock_cgroup_id(sk);
	rec->netns = sock_net(sk)->ns.inum;
	rec->old_state = what->old_state;
	rec->new_state = what->new_state;
	rec->kind = what->kind;
	rec->reason = what->reason;
	/* Why a full socket moves to CLOSE: ETIMEDOUT, ECONNREFUSED, ... */
	rec->detail = what->kind == TCPTRAIL_KIND_STATE ?
		      READ_ONCE(sk->sk_err) : what->detail;
	record_task(rec);
	if (what->kind == TCPTRAIL_KIND_TOTALS)
		record_totals(rec, sk);
	else
		record_endpoints(rec, sk);
	tcptrail_ring_commit(rec);
}

bool tcptrail_record_wanted(const struct sock *sk)
{
	const struct tcptrail_config *cfg = tcptrail_config_rcu();

	return cfg->enabled && !filtered_out(cfg, sk);
}

/* NULL while nobody listens: then a record costs it one load. */
static tcptrail_new_data_fn new_data __read_mostly;

void tcptrail_record_set_new_data(tcptrail_new_data_fn fn)
{
	WRITE_ONCE(new_data, fn);
}

/*
 * The body of both entry points below: inline in each, so the state
 * probe's call passes its few scalars in registers and its constants fold.
 */
static __always_inline void record(const struct sock *sk,
				   const struct tcptrail_what *what)
{
	const struct tcptrail_config *cfg;
	struct tcptrail_ring *ring;
	struct tcptrail_net *tn;
	tcptrail_new_data_fn notify;
	unsigned long irqflags;
	u64 conn, ts;

	/*
	 * Interrupts off from the check to the commit: the ring's rule for
	 * writers, and the RCU read side that keeps the config, the ring and
	 * the namespace's counters.
	 */
	local_irq_save(irqflags);
	cfg = tcptrail_config_rcu();
	if (unlikely(!cfg->enabled)) {
		tcptrail_count_not_recorded(1 + what->then_totals);
		goto out;
	}
	if (unlikely(filtered_out(cfg, sk))) {
		tcptrail_count_filtered(1 + what->then_totals);
		goto out;
	}
	ring = tcptrail_ring_rcu();
	tn = tcptrail_net_rcu(sock_net(sk));
	conn = what->conn ?: tcptrail_sock_cookie(sk);
	/* NMI-safe: a kprobe that is not ftrace-based runs from int3. */
	ts = ktime_get_mono_fast_ns();
	write_record(ring, tn, sk, conn, ts, what);
	if (what->then_totals) {
		const struct tcptrail_what totals = {
			.kind = TCPTRAIL_KIND_TOTALS,
			.old_state = what->new_state,
			.new_state = what->new_state,
		};

		write_record(ring, tn, sk, conn, ts, &totals);
	}
	notify = READ_ONCE(new_data);
	if (notify)
		notify(sock_net(sk));
out:
	local_irq_restore(irqflags);
}

void tcptrail_record(const struct sock *sk, const struct tcptrail_what *what)
{
	record(sk, what);
}

void tcptrail_record_state(const struct sock *sk, int oldstate, int newstate,
			   u64 conn)
{
	const struct tcptrail_what what = {
		.conn = conn,
		.kind = TCPTRAIL_KIND_STATE,
		.old_state = oldstate,
		.new_state = newstate,
		/* A listener or a never-connected socket has nothing to total. */
		.then_totals = newstate == TCP_CLOSE && oldstate != TCP_LISTEN &&
			       oldstate != TCP_CLOSE,
	};

	record(sk, &what);
}
