// SPDX-License-Identifier: GPL-2.0
/*
 * The counters, and what a reader is shown of them: the ring's own, the
 * host-wide ones below, and its namespace's (netns.h).
 */
#include <linux/atomic.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/string.h>

#include "config.h"
#include "stats.h"

static struct {
	atomic64_t history_dropped;	/* records dropped by ring resizes */
	atomic64_t overwritten_before;	/* lost to wrapping in earlier rings */
} counters;

/* Bumped by the probes on their own CPU, summed when read. */
struct probe_counters {
	u64 not_recorded;		/* recording off or ring being resized */
	u64 filtered;			/* skipped by the port/family filters */
};

static DEFINE_PER_CPU(struct probe_counters, probe_counters);

void tcptrail_count_not_recorded(unsigned int n)
{
	this_cpu_add(probe_counters.not_recorded, n);
}

void tcptrail_count_filtered(unsigned int n)
{
	this_cpu_add(probe_counters.filtered, n);
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
	struct tcptrail_net_states __percpu *states;
	struct tcptrail_ring *ring;
	unsigned int state;
	int cpu;

	rcu_read_lock();
	ring = tcptrail_ring_rcu();
	st->ring_size = tcptrail_ring_size(ring);
	st->written = tcptrail_ring_written(ring);
	st->overwritten = atomic64_read(&counters.overwritten_before) +
			  tcptrail_ring_overwritten(ring);
	rcu_read_unlock();
	st->history_dropped = atomic64_read(&counters.history_dropped);
	st->not_recorded = 0;
	st->filtered = 0;
	for_each_possible_cpu(cpu) {
		const struct probe_counters *c = per_cpu_ptr(&probe_counters, cpu);

		st->not_recorded += READ_ONCE(c->not_recorded);
		st->filtered += READ_ONCE(c->filtered);
	}
	st->netns_written = atomic64_read(&tn->written);
	memset(st->entered, 0, sizeof(st->entered));
	rcu_read_lock();
	states = READ_ONCE(tn->states);
	if (states) {
		for_each_possible_cpu(cpu) {
			const struct tcptrail_net_states *c = per_cpu_ptr(states, cpu);

			for (state = 0; state < TCPTRAIL_NR_STATES; state++)
				st->entered[state] += READ_ONCE(c->entered[state]);
		}
	}
	rcu_read_unlock();
}
