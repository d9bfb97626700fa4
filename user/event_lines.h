/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The JSON lines of `tcptrail events --json`, one record at a time, for
 * writers other than events' own (tcptrail record): the same schema
 * (docs/json.md), the same owners and endpoints rebuilt from the
 * connection's records.
 */
#ifndef TCPTRAIL_EVENT_LINES_H
#define TCPTRAIL_EVENT_LINES_H

#include <stdint.h>
#include <stdio.h>

#include <linux/tcptrail.h>

#include "conn.h"

struct tt_event_lines;

/* NULL: out of memory. */
struct tt_event_lines *tt_event_lines_new(void);
void tt_event_lines_free(struct tt_event_lines *el);

/*
 * rec's line to out; *cp: its connection as rec left it (NULL: none), valid
 * until the next call. 0, or -ENOMEM.
 */
int tt_event_lines_record(struct tt_event_lines *el,
			  const struct tcptrail_record *rec, FILE *out,
			  const struct conn **cp);

/* {"missed":n}: n records were lost before the next one. */
void tt_event_lines_missed(struct tt_event_lines *el, uint64_t n, FILE *out);

/* A dump has ended: connections that are over are forgotten. */
void tt_event_lines_dump_ended(struct tt_event_lines *el);

#endif
