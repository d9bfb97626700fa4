/* SPDX-License-Identifier: GPL-2.0 */
/* What the parts of tcptrail.ko share. */
#ifndef _TCPTRAIL_H
#define _TCPTRAIL_H

#include <linux/atomic.h>
#include <linux/irq_work.h>
#include <linux/rcupdate.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>

#include "ring.h"

/* TCP states are below 16 on every kernel we support. */
#define TCPTRAIL_NR_STATES	16

/*
 * The ring all CPUs write to. Readers and the probe use it under RCU; it is
 * replaced only by tcptrail_config_apply().
 */
extern struct tcptrail_ring __rcu *tcptrail_ring;

/* What to record. Immutable once published; replaced under RCU. */
struct tcptrail_config {
	bool enabled;
	u16 family;				/* 0: both */
	u8 nports;				/* 0: every port */
	u16 ports[TCPTRAIL_MAX_FILTER_PORTS];
	struct rcu_head rcu;
};

extern struct tcptrail_config __rcu *tcptrail_config;

/* Host-wide counters, beside the ring's own. */
struct tcptrail_counters {
	atomic64_t not_recorded;	/* recording off or ring being resized */
	atomic64_t filtered;		/* skipped by the port/family filters */
	atomic64_t history_dropped;	/* records dropped by ring resizes */
	atomic64_t overwritten_before;	/* lost to wrapping in earlier rings */
};

extern struct tcptrail_counters tcptrail_counters;

int tcptrail_config_init(u32 ring_size);
void tcptrail_config_exit(void);
/*
 * Makes @cfg the configuration and the ring @ring_size records (0: as it
 * is), all or nothing: on an error (-ENOMEM; *@ring_failed says whether the
 * ring was what could not be had) nothing changed. Callers hold
 * tcptrail_config_lock() from reading the configuration they edit.
 */
int tcptrail_config_apply(const struct tcptrail_config *cfg, u32 ring_size,
			  bool *ring_failed);
void tcptrail_config_lock(void);
void tcptrail_config_unlock(void);
u64 tcptrail_overwritten(const struct tcptrail_ring *ring);

/* "There is more" for a namespace's multicast listeners (netlink.c). */
struct tcptrail_notify {
	unsigned long pending;		/* bits: groups to notify */
	bool dying;			/* the namespace is going away */
	struct net *net;		/* set once the rest is ready */
	struct irq_work irq_work;
	struct delayed_work work;
};

/* Per network namespace counters. */
struct tcptrail_net {
	atomic64_t written;			/* last netns_seq handed out */
	atomic64_t entered[TCPTRAIL_NR_STATES];	/* transitions into a state */
	u64 born;		/* records up to this seq predate the netns */
	struct tcptrail_notify notify;
};

/*
 * Whether @rec is one of @net's records. Namespace inode numbers are reused,
 * so a record of a dead namespace with the same number is told apart by
 * being older than @net.
 */
static inline bool tcptrail_record_of(const struct tcptrail_record *rec,
				      const struct net *net,
				      const struct tcptrail_net *tn)
{
	return rec->netns == net->ns.inum && rec->seq > tn->born;
}

struct tcptrail_net *tcptrail_net(const struct net *net);
int tcptrail_netns_init(void);
void tcptrail_netns_exit(void);

/* What one record says, besides what it copies from the socket. */
struct tcptrail_what {
	u64 conn;		/* 0: the socket's cookie */
	u8 kind;		/* enum tcptrail_kind */
	u8 old_state;
	u8 new_state;
	u8 reason;		/* enum tcptrail_reason */
	u8 detail;		/* a RESET's; a STATE's is the socket's error */
};

/*
 * Writes one record about @sk (full, timewait or request socket) unless
 * recording is off or the filters skip it. Any context; no locks taken.
 */
void tcptrail_record(const struct sock *sk, const struct tcptrail_what *what);

/* The socket cookie (SO_COOKIE), made if the socket has none yet. */
u64 tcptrail_sock_cookie(const struct sock *sk);

/*
 * Fails the build unless @probe has exactly the prototype tracepoint @tp
 * calls its probes with: with kCFI, an indirect call through any other
 * prototype traps. Needs the tracepoint's trace/events header.
 */
#define TCPTRAIL_CHECK_PROBE(tp, probe) \
	static_assert(sizeof(register_trace_##tp(probe, NULL)))

/*
 * The hooks, each attached after the ring is up and detached before. Only
 * tcptrail_probe_attach() can fail: the other hooks are optional, and one
 * that cannot attach turns its feature off (features.h).
 */
int tcptrail_probe_attach(void);
void tcptrail_probe_detach(void);
void tcptrail_timewait_attach(void);
void tcptrail_timewait_detach(void);
void tcptrail_resets_attach(void);
void tcptrail_resets_detach(void);
void tcptrail_accept_attach(void);
void tcptrail_accept_detach(void);

int tcptrail_proc_init_net(struct net *net);
void tcptrail_proc_exit_net(struct net *net);

int tcptrail_genl_init(void);
void tcptrail_genl_exit(void);
void tcptrail_genl_init_net(struct net *net);
/* Before the RCU grace period of @net's teardown: no notification after. */
void tcptrail_genl_pre_exit_net(struct net *net);
void tcptrail_genl_exit_net(struct net *net);
/*
 * From the probe, under RCU: a record of @net was written. Tells the
 * "events" listeners of @net and the "events-all" ones of the initial
 * namespace, no one else.
 */
void tcptrail_genl_notify(struct net *net);

#endif /* _TCPTRAIL_H */
