// SPDX-License-Identifier: GPL-2.0
/*
 * Per network namespace state: counters and the /proc/net/tcptrail files.
 * The counters live in net_generic storage, which the core frees only after
 * every pernet exit ran, so a socket closed by a later exit (TCP's own) still
 * finds them.
 */
/* generic.h uses struct net without including its definition on 5.10. */
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "tcptrail.h"

static unsigned int tcptrail_net_id __read_mostly;

struct tcptrail_net *tcptrail_net(const struct net *net)
{
	return net_generic(net, tcptrail_net_id);
}

static int __net_init tcptrail_net_init(struct net *net)
{
	rcu_read_lock();
	tcptrail_net(net)->born =
		tcptrail_ring_written(rcu_dereference(tcptrail_ring));
	rcu_read_unlock();
	tcptrail_genl_init_net(net);
	return tcptrail_proc_init_net(net);
}

/* The core waits for an RCU grace period between pre_exit and exit. */
static void __net_exit tcptrail_net_pre_exit(struct net *net)
{
	tcptrail_genl_pre_exit_net(net);
}

static void __net_exit tcptrail_net_exit(struct net *net)
{
	tcptrail_proc_exit_net(net);
	tcptrail_genl_exit_net(net);
}

static struct pernet_operations tcptrail_net_ops = {
	.init = tcptrail_net_init,
	.pre_exit = tcptrail_net_pre_exit,
	.exit = tcptrail_net_exit,
	.id = &tcptrail_net_id,
	.size = sizeof(struct tcptrail_net),
};

int tcptrail_netns_init(void)
{
	return register_pernet_subsys(&tcptrail_net_ops);
}

void tcptrail_netns_exit(void)
{
	unregister_pernet_subsys(&tcptrail_net_ops);
}
