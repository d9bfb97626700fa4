/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A reader's walk through the ring: its own cursor, the records of its
 * network namespace (or of all of them), and an exact count of the records
 * it lost. Shared by the procfs file and the netlink dump.
 */
#ifndef _TCPTRAIL_READER_H
#define _TCPTRAIL_READER_H

#include <linux/types.h>
#include <net/net_namespace.h>
#include <uapi/linux/tcptrail.h>

struct tcptrail_net;

struct tcptrail_reader {
	const struct tcptrail_net *tn;	/* the namespace's, looked up once */
	u64 next;		/* sequence number to read next; 0: the oldest */
	u64 end;		/* read up to this one */
	u64 lost;		/* records lost and not reported yet */
	u64 netns_next;		/* netns_seq expected next; 0: none seen */
	u64 settle_at;		/* open gaps are losses once next passes this */
	u64 written;		/* the namespace's count when end was set */
	u32 open;		/* netns_seq values skipped, maybe still coming */
	bool all_netns;
	bool paused;		/* the last call stopped after a slice */
	bool fresh;		/* began with no netns_seq to expect */
	bool lapped;		/* the ring overwrote a record before it */
};

/* Slots a call walks past without a record of its scope before it pauses. */
#define TCPTRAIL_WALK_SLICE	4096

/*
 * Starts a walk at @next (0: the oldest record) for @net's records, or all
 * namespaces'; @netns_next is the netns_seq expected next (0: unknown).
 */
void tcptrail_reader_init(struct tcptrail_reader *r, const struct net *net,
			  bool all_netns, u64 next, u64 netns_next);

/* Extends the walk to the newest record written so far. */
void tcptrail_reader_extend(struct tcptrail_reader *r, const struct net *net);

/*
 * Copies the next record of the reader's scope into @rec; false at the end,
 * or with r->paused set after walking TCPTRAIL_WALK_SLICE slots of other
 * namespaces' records (call again to go on: a walk holds no lock between
 * calls, so the caller can reschedule or end its message there). Records
 * it finds lost are added to r->lost.
 */
bool tcptrail_reader_next(struct tcptrail_reader *r, const struct net *net,
			  struct tcptrail_record *rec);

#endif /* _TCPTRAIL_READER_H */
