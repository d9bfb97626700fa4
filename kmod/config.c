// SPDX-License-Identifier: GPL-2.0
/*
 * What tcptrail records and where: the recording switch, the filters and
 * the ring. Changes are rare and serialised by one mutex; the probe only
 * ever sees a consistent configuration through RCU.
 *
 * A change is all or nothing: the new ring and configuration are allocated
 * before anything is published.
 *
 * Resizing swaps in a new ring: recording pauses for one RCU grace period
 * (the transitions meanwhile are counted as not recorded), the new ring
 * carries on the old one's sequence numbers, and the old one's records are
 * dropped (counted as history dropped; readers see them as missed).
 */
#include <linux/log2.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "config.h"
#include "stats.h"

struct tcptrail_ring __rcu *__tcptrail_ring;
struct tcptrail_config __rcu *__tcptrail_config;

static DEFINE_MUTEX(config_mutex);

static struct tcptrail_config *current_config(void)
{
	return rcu_dereference_protected(__tcptrail_config,
					 lockdep_is_held(&config_mutex));
}

static struct tcptrail_ring *current_ring(void)
{
	return rcu_dereference_protected(__tcptrail_ring,
					 lockdep_is_held(&config_mutex));
}

static void publish_config(struct tcptrail_config *cfg)
{
	struct tcptrail_config *old = current_config();

	rcu_assign_pointer(__tcptrail_config, cfg);
	kfree_rcu(old, rcu);
}

/* Swaps in @ring (the old one's records dropped), recording paused meanwhile. */
static struct tcptrail_ring *swap_ring(struct tcptrail_ring *ring,
				       struct tcptrail_config *paused)
{
	struct tcptrail_ring *old = current_ring();

	paused->enabled = false;
	publish_config(paused);
	synchronize_rcu();		/* no writer uses the old ring now */

	tcptrail_ring_continue(ring, old);
	tcptrail_count_ring_retired(old);
	rcu_assign_pointer(__tcptrail_ring, ring);
	return old;
}

/* Makes @cfg the configuration and the ring @ring_size records (0: as it is). */
static int apply(const struct tcptrail_config *cfg, u32 ring_size,
		 bool *ring_failed)
{
	struct tcptrail_config *next, *paused = NULL;
	struct tcptrail_ring *ring = NULL, *old = NULL;

	lockdep_assert_held(&config_mutex);
	/* Everything it takes first: past this point nothing can fail. */
	next = kmemdup(cfg, sizeof(*cfg), GFP_KERNEL);
	if (!next)
		return -ENOMEM;
	if (ring_size && ring_size != tcptrail_ring_size(current_ring())) {
		ring = tcptrail_ring_alloc(ring_size);
		paused = kmemdup(cfg, sizeof(*cfg), GFP_KERNEL);
		if (!ring || !paused) {
			*ring_failed = !ring;
			tcptrail_ring_free(ring);
			kfree(paused);
			kfree(next);
			return -ENOMEM;
		}
		old = swap_ring(ring, paused);
	}
	publish_config(next);
	if (old) {
		synchronize_rcu();	/* no reader uses the old ring now */
		tcptrail_ring_free(old);
		pr_info("ring resized to %u records; earlier records were dropped\n",
			ring_size);
	}
	return 0;
}

int tcptrail_config_change(const struct tcptrail_config_change *chg,
			   bool *ring_failed)
{
	struct tcptrail_config cfg;
	int err;

	*ring_failed = false;
	mutex_lock(&config_mutex);
	cfg = *current_config();
	if (chg->set_enabled)
		cfg.enabled = chg->enabled;
	if (chg->set_family)
		cfg.family = chg->family;
	if (chg->set_ports) {
		cfg.nports = chg->nports;
		memcpy(cfg.ports, chg->ports, sizeof(cfg.ports));
	}
	err = apply(&cfg, chg->ring_size ?
		    roundup_pow_of_two(chg->ring_size) : 0, ring_failed);
	mutex_unlock(&config_mutex);
	return err;
}

int tcptrail_config_init(u32 ring_size)
{
	struct tcptrail_config *cfg;
	struct tcptrail_ring *ring;

	ring = tcptrail_ring_alloc(ring_size);
	cfg = kzalloc(sizeof(*cfg), GFP_KERNEL);
	if (!ring || !cfg) {
		tcptrail_ring_free(ring);
		kfree(cfg);
		return -ENOMEM;
	}
	cfg->enabled = true;
	RCU_INIT_POINTER(__tcptrail_ring, ring);
	RCU_INIT_POINTER(__tcptrail_config, cfg);
	return 0;
}

void tcptrail_config_exit(void)
{
	tcptrail_ring_free(rcu_dereference_protected(__tcptrail_ring, true));
	kfree(rcu_dereference_protected(__tcptrail_config, true));
}
