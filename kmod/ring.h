/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The flight recorder: one ring of fixed-size records shared by all CPUs.
 *
 * Writers reserve a sequence number with one atomic increment and never
 * wait for readers; when the ring is full the oldest record is overwritten.
 * Readers never consume: each keeps its own cursor (the next sequence number
 * it wants) and learns exactly which records were overwritten before it got
 * to them.
 */
#ifndef _TCPTRAIL_RING_H
#define _TCPTRAIL_RING_H

#include <linux/atomic.h>
#include <linux/kernel.h>
#include <linux/lockdep.h>
#include <linux/minmax.h>
#include <linux/processor.h>
#include <linux/types.h>
#include <uapi/linux/tcptrail.h>

/*
 * A slot: its state word (ring.c says what it holds; STATE_BUSY while
 * being written) and its record. Here only so that the record path
 * reserves and commits inline.
 */
struct tcptrail_slot {
	u64 state;
	struct tcptrail_record rec;
};

#define TCPTRAIL_SLOT_STATE_BUSY	1ULL

/* Memory one record takes in the ring: the record and its state word. */
#define TCPTRAIL_SLOT_BYTES	(8 + 112)

struct tcptrail_ring {
	atomic64_t head;		/* last sequence number handed out */
	u64 base;			/* first sequence number this ring holds */
	u64 mask;			/* size - 1; size is a power of two */
	struct tcptrail_slot *slots;
};

struct tcptrail_cursor {
	u64 next;			/* sequence number to read next */
	u64 missed;			/* records lost before we read them */
};

struct tcptrail_ring *tcptrail_ring_alloc(u32 size);
void tcptrail_ring_free(struct tcptrail_ring *ring);

/*
 * Makes @ring carry on the numbering of @prev, whose records it does not
 * have. No writer may use either ring meanwhile.
 */
void tcptrail_ring_continue(struct tcptrail_ring *ring,
			    const struct tcptrail_ring *prev);

static inline u64 tcptrail_ring_size(const struct tcptrail_ring *ring)
{
	return ring->mask + 1;
}

static inline u64 tcptrail_ring_written(const struct tcptrail_ring *ring)
{
	return atomic64_read(&ring->head);
}

/* Records this ring held and lost to wrapping. */
static inline u64 tcptrail_ring_overwritten(const struct tcptrail_ring *ring)
{
	u64 held = tcptrail_ring_written(ring) + 1 - ring->base;

	return held > tcptrail_ring_size(ring) ?
	       held - tcptrail_ring_size(ring) : 0;
}

/* Records this ring can still hand out. */
static inline u64 tcptrail_ring_available(const struct tcptrail_ring *ring)
{
	return tcptrail_ring_written(ring) + 1 - ring->base -
	       tcptrail_ring_overwritten(ring);
}

static inline u64 tcptrail_ring_oldest(const struct tcptrail_ring *ring)
{
	return ring->base + tcptrail_ring_overwritten(ring);
}

/*
 * Returns the record to fill in, its seq set, or NULL when a newer writer
 * has already taken the slot (the record then counts as overwritten). The
 * caller keeps interrupts off from reserve to commit and writes every other
 * byte of the record. No local has its address taken: the record path
 * needs no stack canary.
 */
static inline struct tcptrail_record *
tcptrail_ring_reserve(struct tcptrail_ring *ring)
{
	struct tcptrail_slot *slot;
	u64 seq, state, seen;

	lockdep_assert_irqs_disabled();
	seq = atomic64_inc_return(&ring->head);
	slot = &ring->slots[seq & ring->mask];
	state = READ_ONCE(slot->state);
	for (;;) {
		if ((state >> 1) >= seq)
			return NULL;	/* lapped: a newer record owns the slot */
		if (state & TCPTRAIL_SLOT_STATE_BUSY) {
			cpu_relax();	/* an older writer, finishing elsewhere */
			state = READ_ONCE(slot->state);
			continue;
		}
		seen = cmpxchg(&slot->state, state,
			       (seq << 1) | TCPTRAIL_SLOT_STATE_BUSY);
		if (seen == state)
			break;
		state = seen;
	}
	slot->rec.seq = seq;
	return &slot->rec;
}

/* Publishes @rec, from tcptrail_ring_reserve(), with its seq unchanged. */
static inline void tcptrail_ring_commit(struct tcptrail_record *rec)
{
	struct tcptrail_slot *slot = container_of(rec, struct tcptrail_slot, rec);

	/* Pairs with the reader's acquire: the record is complete first. */
	smp_store_release(&slot->state, rec->seq << 1);
}

/*
 * Copies the record at the cursor and advances it. Returns 0, or -EAGAIN
 * when the next record has not been written yet. A cursor of 0 starts at
 * the oldest record.
 */
int tcptrail_ring_read(struct tcptrail_ring *ring, struct tcptrail_cursor *cur,
		       struct tcptrail_record *rec);

#endif /* _TCPTRAIL_RING_H */
