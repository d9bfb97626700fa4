/* SPDX-License-Identifier: GPL-2.0 */
/* What the parts of tcptrail.ko share. */
#ifndef _TCPTRAIL_H
#define _TCPTRAIL_H

#include <linux/atomic.h>
#include <net/net_namespace.h>

#include "ring.h"

/* TCP states are below 16 on every kernel we support. */
#define TCPTRAIL_NR_STATES	16

/* The ring all CPUs write to; set up before the probe, freed after it. */
extern struct tcptrail_ring *tcptrail_ring;

/* Per network namespace counters. */
struct tcptrail_net {
	atomic64_t written;			/* last netns_seq handed out */
	atomic64_t entered[TCPTRAIL_NR_STATES];	/* transitions into a state */
};

struct tcptrail_net *tcptrail_net(const struct net *net);
int tcptrail_netns_init(void);
void tcptrail_netns_exit(void);

int tcptrail_probe_attach(struct tcptrail_ring *ring);
void tcptrail_probe_detach(struct tcptrail_ring *ring);

int tcptrail_proc_init_net(struct net *net);
void tcptrail_proc_exit_net(struct net *net);

#endif /* _TCPTRAIL_H */
