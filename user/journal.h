/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcptrail record --journal: each record as one journal entry, its JSON
 * line as MESSAGE and its fields as TCPTRAIL_* (docs/logs.md lists them),
 * through libsystemd's sd_journal_sendv().
 */
#ifndef TCPTRAIL_JOURNAL_H
#define TCPTRAIL_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/tcptrail.h>

#include "conn.h"

/* Whether this tcptrail was built with libsystemd. */
bool tt_journal_available(void);

/*
 * rec as a journal entry; line (len bytes, no newline) is its JSON line,
 * c its connection (NULL: none): TOTALS records take its endpoints.
 * 0 or -errno.
 */
int tt_journal_record(const struct tcptrail_record *rec, const struct conn *c,
		      const char *line, size_t len);

/* An entry (a warning) saying n records were lost: 0 or -errno. */
int tt_journal_missed(uint64_t n);

#endif
