/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What tcptrail record counts for alerting, from the records as they come
 * (docs/prometheus.md): histograms of handshake time, connection lifetime
 * and TIME_WAIT duration, connections closed by how they ended, TIME_WAIT
 * ends by reason, TIME_WAIT sockets now, and the recorder's own records,
 * losses and write errors. Labels are bounded: states, end reasons,
 * roles, and a port only from a fixed list the user gives (at most
 * TT_METRICS_MAX_PORTS, the rest "other").
 */
#ifndef TCPTRAIL_METRICS_H
#define TCPTRAIL_METRICS_H

#include <stdint.h>
#include <stdio.h>

#include <linux/tcptrail.h>

#include "conn.h"
#include "lifecycle.h"

#define TT_METRICS_MAX_PORTS	8
/* Port slots: one per listed port, then "other"; just one without a list. */
#define TT_METRICS_MAX_SLOTS	(TT_METRICS_MAX_PORTS + 1)
#define TT_HISTOGRAM_MAX_BOUNDS	16
#define TT_NR_REASONS		256

struct tt_histogram {
	uint64_t le[TT_HISTOGRAM_MAX_BOUNDS];	/* observations <= bound i, not cumulative */
	uint64_t count;
	double sum;				/* seconds */
};

/* What is counted per port slot. */
struct tt_slot_metrics {
	struct tt_histogram handshake[2];	/* client, server */
	struct tt_histogram lifetime;
	struct tt_histogram time_wait;
	uint64_t closed[CONN_NR_ENDS];
	uint64_t time_wait_ended[TT_NR_REASONS];	/* by tcptrail_reason */
	int64_t time_wait_now;
};

struct tt_metrics {
	uint16_t ports[TT_METRICS_MAX_PORTS];
	unsigned int nr_ports;		/* 0: no port label */
	struct tt_slot_metrics slot[TT_METRICS_MAX_SLOTS];

	/* tcptrail record's own. */
	uint64_t records;		/* read from the ring */
	uint64_t missed;		/* lost before they could be read */
	uint64_t write_errors;		/* records its output did not take */
	uint64_t rotations;
	uint64_t started_unix;		/* seconds */
};

/* ports: a comma-separated list (NULL: none). 0, or -EINVAL (said why on stderr). */
int tt_metrics_init(struct tt_metrics *m, const char *ports);

/* rec, as conn_table_add() left its connection c (NULL: none). */
void tt_metrics_record(struct tt_metrics *m, const struct tcptrail_record *rec,
		       const struct conn *c);

/* The recorder's metrics in Prometheus text format. */
void tt_metrics_print(FILE *out, const struct tt_metrics *m);

#endif
