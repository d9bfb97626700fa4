// SPDX-License-Identifier: GPL-2.0
/*
 * Each slot carries a state word: (seq << 1) once record seq is complete,
 * (seq << 1) | 1 while it is being written. A writer claims its slot with a
 * compare-and-exchange from an older state, so a writer that was stalled
 * for a whole lap (a preempted vCPU) finds a newer claim and gives up
 * instead of scribbling over a newer record. Readers copy optimistically
 * and check the state word again afterwards, like a seqcount.
 *
 * Writers run with interrupts off, so a slot claimed by an older writer is
 * always being filled on another CPU and the short wait for it ends.
 */
#include <linux/log2.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/processor.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "ring.h"

static_assert(sizeof(struct tcptrail_record) == 112);
static_assert(sizeof(struct tcptrail_slot) == TCPTRAIL_SLOT_BYTES);

struct tcptrail_ring *tcptrail_ring_alloc(u32 size)
{
	struct tcptrail_ring *ring;

	if (!is_power_of_2(size))
		return NULL;
	/*
	 * Charged to the memory cgroup of the task that asks for it (insmod,
	 * or SET_CONFIG's caller), as a BPF map is to its creator's. A size
	 * that does not fit fails here instead of calling the OOM killer.
	 */
	ring = kzalloc(sizeof(*ring), GFP_KERNEL_ACCOUNT);
	if (!ring)
		return NULL;
	ring->slots = __vmalloc(array_size(size, sizeof(*ring->slots)),
				GFP_KERNEL_ACCOUNT | __GFP_ZERO |
				__GFP_RETRY_MAYFAIL | __GFP_NOWARN);
	if (!ring->slots) {
		kfree(ring);
		return NULL;
	}
	ring->mask = size - 1;
	ring->base = 1;
	atomic64_set(&ring->head, 0);
	return ring;
}

void tcptrail_ring_continue(struct tcptrail_ring *ring,
			    const struct tcptrail_ring *prev)
{
	u64 head = tcptrail_ring_written(prev);

	atomic64_set(&ring->head, head);
	ring->base = head + 1;
}

void tcptrail_ring_free(struct tcptrail_ring *ring)
{
	if (!ring)
		return;
	vfree(ring->slots);
	kfree(ring);
}

int tcptrail_ring_read(struct tcptrail_ring *ring, struct tcptrail_cursor *cur,
		       struct tcptrail_record *rec)
{
	for (;;) {
		u64 oldest = tcptrail_ring_oldest(ring);
		struct tcptrail_slot *slot;
		u64 want, state;

		if (!cur->next)
			cur->next = oldest;
		if (cur->next > tcptrail_ring_written(ring))
			return -EAGAIN;
		if (cur->next < oldest) {
			cur->missed += oldest - cur->next;
			cur->next = oldest;
		}
		slot = &ring->slots[cur->next & ring->mask];
		want = cur->next << 1;
		/* Pairs with the writer's release in commit. */
		state = smp_load_acquire(&slot->state);
		if (state == want) {
			memcpy(rec, &slot->rec, sizeof(*rec));
			/* Copy before re-checking, like read_seqcount_retry(). */
			smp_rmb();
			if (READ_ONCE(slot->state) == want) {
				cur->next++;
				return 0;
			}
			continue;	/* overwritten while we copied */
		}
		if ((state >> 1) <= cur->next)
			return -EAGAIN;	/* still being written */
		cur->missed++;		/* a writer gave up this one */
		cur->next++;
	}
}
