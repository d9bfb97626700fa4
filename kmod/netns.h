/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per network namespace counters, in net_generic storage: the core frees
 * it only after every pernet exit ran, so a socket closed by a later exit
 * (TCP's own) still finds them.
 */
#ifndef _TCPTRAIL_NETNS_H
#define _TCPTRAIL_NETNS_H

#include <linux/atomic.h>
#include <net/net_namespace.h>
/* generic.h uses struct net without including its definition on 5.10. */
#include <net/netns/generic.h>
#include <tcptrail/names.h>
#include <uapi/linux/tcptrail.h>

/* Counted per CPU by the probes, summed when read (stats.c). */
struct tcptrail_net_states {
	u64 entered[TCPTRAIL_NR_STATES];	/* transitions into a state */
};

struct tcptrail_net {
	atomic64_t written;			/* last netns_seq handed out */
	/* Read with READ_ONCE() in an RCU read side. NULL once the
	 * namespace is going away (its last sockets close after tcptrail's
	 * exit ran, uncounted); freed a grace period later.
	 */
	struct tcptrail_net_states __percpu *states;
	struct tcptrail_net_states __percpu *dying_states;
	u64 born;		/* records up to this seq predate the netns */
};

/* Owned by netns.c; visible only so that the record path looks up inline. */
extern unsigned int tcptrail_net_id;

static inline struct tcptrail_net *tcptrail_net(const struct net *net)
{
	return net_generic(net, tcptrail_net_id);
}

/*
 * The same for a caller already in an RCU read side (the record path, with
 * interrupts off): net_generic() without its own rcu_read_lock(), which is
 * a call on preemptible-RCU kernels.
 */
static inline struct tcptrail_net *tcptrail_net_rcu(const struct net *net)
{
	const struct net_generic *ng =
		rcu_dereference_check(net->gen, rcu_read_lock_any_held());

	return ng->ptr[tcptrail_net_id];
}

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

/* Before anything that uses tcptrail_net(); after the ring is up. */
int tcptrail_netns_init(void);
void tcptrail_netns_exit(void);

#endif /* _TCPTRAIL_NETNS_H */
