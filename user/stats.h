/* SPDX-License-Identifier: GPL-2.0 */
/* The recorder's counters, as GET_STATS tells them. */
#ifndef TCPTRAIL_STATS_H
#define TCPTRAIL_STATS_H

#include <stdbool.h>
#include <stdint.h>

#include <tcptrail/names.h>

#include "nl.h"

/* The counters, each since the module was loaded. */
enum tt_stat_counter {
	TT_STAT_WRITTEN,		/* records, all namespaces */
	TT_STAT_NETNS_WRITTEN,		/* of the caller's netns */
	TT_STAT_OVERWRITTEN,		/* lost to the ring wrapping */
	TT_STAT_HISTORY_DROPPED,	/* lost to ring resizes */
	TT_STAT_NOT_RECORDED,		/* recording off, or resizing */
	TT_STAT_FILTERED,		/* skipped by the filters */
	TT_NR_STAT_COUNTERS
};

/* Most features a module reports that the tool keeps. */
#define TT_MAX_FEATURES	32

/* Most RST reasons a module names that the tool keeps. */
#define TT_MAX_RST_REASONS	64

/* An optional part of the recording, on or off on this kernel. */
struct tt_feature {
	char name[32];
	bool on;
	char why[128];		/* why off */
};

struct tt_stats {
	uint32_t ring_size;	/* records */
	uint32_t record_size;	/* bytes */
	uint64_t counter[TT_NR_STAT_COUNTERS];
	/* Transitions of full sockets into each state, caller's netns. */
	bool has_state[TCPTRAIL_NR_STATES];
	uint64_t state_count[TCPTRAIL_NR_STATES];
	struct tt_feature feature[TT_MAX_FEATURES];
	size_t nr_features;	/* 0: a module too old to say */
	/* The kernel's names of its RST reasons, by value ("": none). */
	char rst_reason[TT_MAX_RST_REASONS][48];
};

/* GET_STATS: 0, or -errno (explained on stderr). */
int tt_stats_read(struct tt_nl *nl, struct tt_stats *st);
/* The same, saying nothing: for what only helps the output. */
int tt_stats_fetch(struct tt_nl *nl, struct tt_stats *st);

/*
 * The kernel's name of the RST reason a RESET record's detail gives
 * (TCP_ABORT_ON_CLOSE, ...), as the last tt_stats_read() learnt them;
 * NULL: none given, or not named.
 */
const char *tt_rst_reason_name(uint8_t detail);

/* Whether the module says feature @name is off. */
bool tt_stats_feature_off(const struct tt_stats *st, const char *name);

#endif
