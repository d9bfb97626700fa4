/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The counters a reader is shown, gathered in one place (stats.c) for
 * procfs and netlink alike, and the host-wide ones the other parts bump.
 */
#ifndef _TCPTRAIL_STATS_H
#define _TCPTRAIL_STATS_H

#include <linux/types.h>
#include <net/net_namespace.h>

#include "netns.h"
#include "ring.h"

struct tcptrail_stats {
	u32 ring_size;			/* records */
	u64 written;			/* records since load, all netns */
	u64 overwritten;		/* lost to the ring wrapping */
	u64 history_dropped;		/* dropped by ring resizes */
	u64 not_recorded;		/* recording off or ring resizing */
	u64 filtered;			/* skipped by the filters */
	u64 netns_written;		/* records of @net */
	u64 entered[TCPTRAIL_NR_STATES]; /* @net's transitions into a state */
};

/* What a reader in @net is shown. */
void tcptrail_stats_read(struct net *net, struct tcptrail_stats *st);

/* @n records not written: recording off, or the ring being swapped. */
void tcptrail_count_not_recorded(unsigned int n);
/* @n records the family or port filters skipped. */
void tcptrail_count_filtered(unsigned int n);
/* @old is being replaced: what it lost and what it still held. */
void tcptrail_count_ring_retired(const struct tcptrail_ring *old);

#endif /* _TCPTRAIL_STATS_H */
