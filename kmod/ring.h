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
#include <linux/types.h>
#include <uapi/linux/tcptrail.h>

struct tcptrail_slot;

/* Memory one record takes in the ring: the record and its state word. */
#define TCPTRAIL_SLOT_BYTES	(8 + 104)

struct tcptrail_ring {
	atomic64_t head;		/* last sequence number handed out */
	u64 mask;			/* size - 1; size is a power of two */
	struct tcptrail_slot *slots;
};

/* What a writer holds between reserve and commit. */
struct tcptrail_reservation {
	struct tcptrail_slot *slot;
	u64 seq;
};

struct tcptrail_cursor {
	u64 next;			/* sequence number to read next */
	u64 missed;			/* records overwritten before we read them */
};

struct tcptrail_ring *tcptrail_ring_alloc(u32 size);
void tcptrail_ring_free(struct tcptrail_ring *ring);

static inline u64 tcptrail_ring_size(const struct tcptrail_ring *ring)
{
	return ring->mask + 1;
}

static inline u64 tcptrail_ring_written(const struct tcptrail_ring *ring)
{
	return atomic64_read(&ring->head);
}

static inline u64 tcptrail_ring_overwritten(const struct tcptrail_ring *ring)
{
	u64 written = tcptrail_ring_written(ring);

	return written > tcptrail_ring_size(ring) ?
	       written - tcptrail_ring_size(ring) : 0;
}

/*
 * Returns the record to fill in, or NULL when a newer writer has already
 * taken the slot (the record then counts as overwritten). The caller keeps
 * interrupts off from reserve to commit and writes every byte of the record.
 */
struct tcptrail_record *tcptrail_ring_reserve(struct tcptrail_ring *ring,
					      struct tcptrail_reservation *res);
void tcptrail_ring_commit(struct tcptrail_reservation *res);

/* A cursor at the oldest record still in the ring. */
void tcptrail_cursor_init(struct tcptrail_ring *ring,
			  struct tcptrail_cursor *cur);

/*
 * Copies the record at the cursor and advances it. Returns 0, or -EAGAIN
 * when the next record has not been written yet.
 */
int tcptrail_ring_read(struct tcptrail_ring *ring, struct tcptrail_cursor *cur,
		       struct tcptrail_record *rec);

#endif /* _TCPTRAIL_RING_H */
