/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading the record stream: a GET_EVENTS dump from the oldest record, and
 * with follow, every record written after it, as it is written. Lost
 * records are counted and reported here, once, for every reader.
 */
#ifndef TCPTRAIL_READER_H
#define TCPTRAIL_READER_H

#include <stdbool.h>
#include <stdint.h>

#include "nl.h"

struct tt_record_sink {
	int (*record)(void *ctx, const struct tcptrail_record *rec);
	/* n more records were lost here (NULL: not interested). */
	int (*missed)(void *ctx, uint64_t n);
	/* The newest record has been delivered (after each dump). */
	int (*caught_up)(void *ctx);
	void *ctx;
};

/*
 * 0 when done (with follow: after SIGINT or SIGTERM), or -errno. Netlink
 * failures are explained on stderr here; the sink's own errors (-EPIPE:
 * stdout was closed) are passed back silently.
 */
int tt_read_records(struct tt_nl *nl, bool all_netns, bool follow,
		    const struct tt_record_sink *sink);

/*
 * From a signal handler: a following reader makes one more dump and calls
 * the sink's caught_up(), even if no record came (tcptrail record: SIGHUP,
 * its timer). Async-signal-safe.
 */
void tt_reader_wake(void);

#endif
