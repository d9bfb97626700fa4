// SPDX-License-Identifier: GPL-2.0
/* Per network namespace counters (netns.h). */
#include <linux/percpu.h>
#include <linux/rcupdate.h>

#include "config.h"
#include "netns.h"

unsigned int tcptrail_net_id __read_mostly;

static int __net_init tcptrail_net_init(struct net *net)
{
	struct tcptrail_net *tn = tcptrail_net(net);
	struct tcptrail_net_states __percpu *states;

	states = alloc_percpu(struct tcptrail_net_states);
	if (!states)
		return -ENOMEM;
	WRITE_ONCE(tn->states, states);
	rcu_read_lock();
	tn->born = tcptrail_ring_written(tcptrail_ring_rcu());
	rcu_read_unlock();
	return 0;
}

/*
 * Before TCP's own exit closes the namespace's last sockets: the probes
 * stop counting them here, and the counters go after a grace period.
 */
static void __net_exit tcptrail_net_exit(struct net *net)
{
	struct tcptrail_net *tn = tcptrail_net(net);

	/* Kept where the batch finds it: tn itself outlives every exit. */
	tn->dying_states = tn->states;
	WRITE_ONCE(tn->states, NULL);
}

static void __net_exit tcptrail_net_exit_batch(struct list_head *net_list)
{
	struct net *net;

	synchronize_rcu();
	list_for_each_entry(net, net_list, exit_list)
		free_percpu(tcptrail_net(net)->dying_states);
}

static struct pernet_operations tcptrail_net_ops = {
	.init = tcptrail_net_init,
	.exit = tcptrail_net_exit,
	.exit_batch = tcptrail_net_exit_batch,
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
