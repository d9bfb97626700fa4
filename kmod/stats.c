// SPDX-License-Identifier: GPL-2.0
/*
 * The counters, and what a reader is shown of them: the ring's own, the
 * host-wide ones below, and its namespace's (netns.h).
 */
#include <linux/atomic.h>

#include "config.h"
#include "stats.h"

static struct {
	atomic64_t not_recorded;	/* recording off or ring being resized */
	atomic64_t filtered;		/* skipped by the port/family filters */
	atomic64_t history_dropped;	/* records dropped by ring resizes */
	atomic64_t overwritten_before;	/* lost to wrapping in earlier rings */
} counters;

void tcptrail_count_not_recorded(void)
{
	atomic64_inc(&counters.not_recorded);
}

void tcptrail_count_filtered(void)
{
	atomic64_inc(&counters.filtered);
}

void tcptrail_count_ring_retired(const struct tcptrail_ring *old)
{
	atomic64_add(tcptrail_ring_overwritten(old),
		     &counters.overwritten_before);
	atomic64_add(tcptrail_ring_available(old), &counters.history_dropped);
}

void tcptrail_stats_read(struct net *net, struct tcptrail_stats *st)
{
	struct tcptrail_net *tn = tcptrail_net(net);
	struct tcptrail_ring *ring;
	unsigned int state;

	rcu_read_lock();
	ring = tcptrail_ring_rcu();
	st->ring_size = tcptrail_ring_size(ring);
	st->written = tcptrail_ring_written(ring);
	st->overwritten = atomic64_read(&counters.overwritten_before) +
			  tcptrail_ring_overwritten(ring);
	rcu_read_unlock();
	st->history_dropped = atomic64_read(&counters.history_dropped);
	st->not_recorded = atomic64_read(&counters.not_recorded);
	st->filtered = atomic64_read(&counters.filtered);
	st->netns_written = atomic64_read(&tn->written);
	for (state = 0; state < TCPTRAIL_NR_STATES; state++)
		st->entered[state] = atomic64_read(&tn->entered[state]);
}
