/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A connection's totals when its full socket closed, as the kernel counts
 * them, with the payload bytes where the connection's story tells them
 * (lifecycle.h), and how both are shown.
 */
#ifndef TCPTRAIL_TOTALS_H
#define TCPTRAIL_TOTALS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/tcptrail.h>

struct json_writer;

struct tt_totals {
	/* The kernel counts sequence space: bytes_acked includes our SYN
	 * (if we sent one) and FIN once acknowledged, bytes_received the
	 * peer's FIN.
	 */
	struct tcptrail_totals k;
	/* Payload only, when it is known which of them were counted. */
	bool has_data_acked, has_data_received;
	uint64_t data_acked, data_received;
};

/*
 * "sent 1000 B, acked 1000 B, received 500 B, segs 6 out 4 in, 0 retrans,
 * srtt 13.7 ms" ("2 retrans (2.83 KiB)"; no srtt without an RTT sample):
 * payload bytes where known, else the kernel's counts marked "+SYN/FIN".
 */
void tt_totals_format(const struct tt_totals *t, char *buf, size_t len);

/* The keys bytes_sent, bytes_acked, bytes_received, bytes_retrans,
 * segs_out, segs_in, total_retrans, srtt_us, data_acked, data_received.
 */
void tt_totals_json(struct json_writer *w, const struct tt_totals *t);

/*
 * The same members for a line built by hand (linebuf.h), after a "{" or
 * a member; at most 400 bytes. Returns the end.
 */
char *tt_put_totals_members(char *p, const struct tt_totals *t);

#endif
