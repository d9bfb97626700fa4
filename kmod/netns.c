// SPDX-License-Identifier: GPL-2.0
/* Per network namespace counters (netns.h). */
/* generic.h uses struct net without including its definition on 5.10. */
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "config.h"
#include "netns.h"

static unsigned int tcptrail_net_id __read_mostly;

struct tcptrail_net *tcptrail_net(const struct net *net)
{
	return net_generic(net, tcptrail_net_id);
}

static int __net_init tcptrail_net_init(struct net *net)
{
	rcu_read_lock();
	tcptrail_net(net)->born = tcptrail_ring_written(tcptrail_ring_rcu());
	rcu_read_unlock();
	return 0;
}

static struct pernet_operations tcptrail_net_ops = {
	.init = tcptrail_net_init,
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
