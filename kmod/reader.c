// SPDX-License-Identifier: GPL-2.0
/*
 * Losses of one namespace are the gaps in its netns_seq. A writer takes its
 * seq and then its netns_seq, so two writers racing on different CPUs may
 * take them in opposite orders: a gap can be filled by a record that comes a
 * few places later in seq order. Its seq was taken before the record after
 * the gap took its netns_seq, so it is no newer than the ring's head when
 * that record was read: once the walk has passed that point, the gaps still
 * open are losses.
 *
 * A walk that begins with no netns_seq to expect starts its count at the
 * first record it reads. The crossed partner of that record, with the next
 * netns_seq but an older seq, may have been overwritten before the walk
 * began: history, not a loss. Such a walk that the ring never lapped has
 * read every record from its start on, so the gaps it still has open then
 * are that history.
 *
 * A loss after the last record a walk sees leaves no gap behind it. So the
 * walk also takes the namespace's count before the ring's head when it sets
 * its end: every record counted then has its seq by that head, so at the
 * end the walk has read it or it was lost.
 */
#include <linux/minmax.h>
#include <linux/jiffies.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <asm/word-at-a-time.h>

#include "config.h"
#include "netns.h"
#include "reader.h"

/*
 * A record being written is complete within a few hundred instructions,
 * unless its CPU is a vCPU the host stopped: spin a little, then sleep a
 * tick at a time, for a second at most.
 */
#define INFLIGHT_SPINS	100
#define INFLIGHT_WAIT	HZ

void tcptrail_reader_extend(struct tcptrail_reader *r, const struct net *net)
{
	r->written = atomic64_read(&r->tn->written);
	/* Pairs with the writer taking its seq before its netns_seq. */
	smp_rmb();
	rcu_read_lock();
	r->end = max(r->end,
		     tcptrail_ring_written(tcptrail_ring_rcu()));
	rcu_read_unlock();
}

void tcptrail_reader_init(struct tcptrail_reader *r, const struct net *net,
			  bool all_netns, u64 next, u64 netns_next)
{
	memset(r, 0, sizeof(*r));
	r->tn = tcptrail_net(net);
	r->all_netns = all_netns;
	r->next = next;
	r->netns_next = netns_next;
	r->fresh = !netns_next;
	if (!netns_next)	/* see account() */
		r->settle_at = atomic64_read(&r->tn->written);
	tcptrail_reader_extend(r, net);
}

/*
 * Until the walk's first record of the namespace, settle_at holds the
 * namespace's count when the walk began. If that first record is newer,
 * those in between were lost before the walk got to them; if it is older,
 * the walk follows the history it finds from there.
 */
static void account(struct tcptrail_reader *r, u64 netns_seq, u64 head)
{
	if (!r->netns_next) {
		r->netns_next = min(r->settle_at + 1, netns_seq);
		r->settle_at = 0;
	}
	if (netns_seq >= r->netns_next) {
		if (netns_seq > r->netns_next) {
			r->open += netns_seq - r->netns_next;
			r->settle_at = max(r->settle_at, head);
			r->end = max(r->end, head);
		}
		r->netns_next = netns_seq + 1;
	} else if (r->open) {
		r->open--;	/* a late record fills a gap */
	}
}

/* No record of the namespace seen: the next one follows the count the walk
 * began with.
 */
static void expect_after_start(struct tcptrail_reader *r)
{
	if (!r->netns_next) {
		r->netns_next = r->settle_at + 1;
		r->settle_at = 0;
	}
}

/* The walk is past its end: what the namespace counted by then and the walk
 * did not see was lost.
 */
static void account_tail(struct tcptrail_reader *r)
{
	if (r->all_netns)
		return;
	expect_after_start(r);
	if (r->written >= r->netns_next) {
		r->lost += r->written - r->netns_next + 1;
		r->netns_next = r->written + 1;
		r->settle_at = 0;
	}
}

/*
 * The probe copies the task's comm whole; a comm shortened by
 * set_task_comm() keeps its old bytes after the NUL on some kernels (5.10),
 * and those are not ours to show.
 */
static void clear_after_comm(struct tcptrail_record *rec)
{
	const struct word_at_a_time constants = WORD_AT_A_TIME_CONSTANTS;
	unsigned long words[sizeof(rec->comm) / sizeof(unsigned long)];
	unsigned int i;

	if (rec->kind == TCPTRAIL_KIND_TOTALS)
		return;		/* no comm: the totals take its place */
	/* A word at a time, as strscpy() does. */
	memcpy(words, rec->comm, sizeof(words));
	for (i = 0; i < ARRAY_SIZE(words); i++) {
		unsigned long bits;

		if (!has_zero(words[i], &bits, &constants))
			continue;
		bits = prep_zero_mask(words[i], bits, &constants);
		words[i] &= zero_bytemask(create_zero_mask(bits));
		while (++i < ARRAY_SIZE(words))
			words[i] = 0;
		break;
	}
	memcpy(rec->comm, words, sizeof(words));
}

bool tcptrail_reader_next(struct tcptrail_reader *r, const struct net *net,
			  struct tcptrail_record *rec)
{
	unsigned long deadline = jiffies + INFLIGHT_WAIT;
	unsigned int spins = 0, skipped = 0;

	r->paused = false;
	for (;;) {
		struct tcptrail_cursor cur = { .next = r->next };
		struct tcptrail_ring *ring;
		u64 head;
		int err;

		if (r->open && r->next > r->settle_at) {
			if (!r->fresh || r->lapped)
				r->lost += r->open;
			r->open = 0;
		}
		if (r->next && r->next > r->end) {
			account_tail(r);
			break;
		}
		rcu_read_lock();
		ring = tcptrail_ring_rcu();
		err = tcptrail_ring_read(ring, &cur, rec);
		head = tcptrail_ring_written(ring);
		rcu_read_unlock();
		if (err && cur.next > r->end) {
			/* Lapped past the end: all before it is read or lost. */
			r->next = cur.next;
			r->lost += r->open + (r->all_netns ? cur.missed : 0);
			r->open = 0;
			account_tail(r);
			break;
		}
		if (err) {
			if (time_after(jiffies, deadline)) {
				/* Given up on: count what it may hide as lost. */
				r->lost += r->open;
				r->open = 0;
				break;
			}
			if (++spins < INFLIGHT_SPINS)
				cpu_relax();
			else
				schedule_timeout_uninterruptible(1);
			continue;
		}
		r->next = cur.next;
		if (cur.missed)
			r->lapped = true;
		if (r->all_netns) {
			r->lost += cur.missed;
			clear_after_comm(rec);
			return true;
		}
		if (!tcptrail_record_of(rec, net, r->tn)) {
			if (++skipped < TCPTRAIL_WALK_SLICE)
				continue;
			r->paused = true;
			return false;
		}
		account(r, rec->netns_seq, head);
		clear_after_comm(rec);
		return true;
	}
	if (!r->next)
		r->next = r->end + 1;
	if (!r->all_netns)
		expect_after_start(r);
	return false;
}
