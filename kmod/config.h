/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What tcptrail records and where: the recording switch, the filters and
 * the ring, owned by config.c. Readers and the probe see them under RCU;
 * changes go through tcptrail_config_change() only.
 */
#ifndef _TCPTRAIL_CONFIG_H
#define _TCPTRAIL_CONFIG_H

#include <linux/rcupdate.h>
#include <linux/types.h>
#include <uapi/linux/tcptrail.h>

#include "ring.h"

/* What to record. Immutable once published; replaced under RCU. */
struct tcptrail_config {
	bool enabled;
	u16 family;				/* 0: both */
	u8 nports;				/* 0: every port */
	u16 ports[TCPTRAIL_MAX_FILTER_PORTS];
	struct rcu_head rcu;
};

/* A change: the fields whose set_* is true, and the ring size (0: as is). */
struct tcptrail_config_change {
	bool set_enabled, set_family, set_ports;
	bool enabled;
	u16 family;
	u8 nports;
	u16 ports[TCPTRAIL_MAX_FILTER_PORTS];
	u32 ring_size;
};

int tcptrail_config_init(u32 ring_size);
/* After the probes and every reader are gone. */
void tcptrail_config_exit(void);

/*
 * Owned by config.c, which alone writes them; visible here only so that the
 * record path reads them inline, through the accessors below.
 */
extern struct tcptrail_ring __rcu *__tcptrail_ring;
extern struct tcptrail_config __rcu *__tcptrail_config;

/*
 * The configuration and the ring, for callers in an RCU read side: under
 * rcu_read_lock(), or with preemption or interrupts off, as the probes
 * are (one RCU since 4.20: synchronize_rcu() waits for those too).
 */
static inline const struct tcptrail_config *tcptrail_config_rcu(void)
{
	return rcu_dereference_check(__tcptrail_config,
				     rcu_read_lock_any_held());
}

static inline struct tcptrail_ring *tcptrail_ring_rcu(void)
{
	return rcu_dereference_check(__tcptrail_ring, rcu_read_lock_any_held());
}

/*
 * Applies @chg, all or nothing: on an error (-ENOMEM; *@ring_failed says
 * whether the ring was what could not be had) nothing changed. Resizing
 * drops the ring's records. Sleeps.
 */
int tcptrail_config_change(const struct tcptrail_config_change *chg,
			   bool *ring_failed);

#endif /* _TCPTRAIL_CONFIG_H */
