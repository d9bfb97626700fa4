/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The names of the kernel's RST reasons (enum sk_rst_reason, 6.10 and
 * later), taken from the headers it was built against: a reason a newer
 * kernel adds is named without a change here.
 */
#ifndef _TCPTRAIL_RST_REASONS_H
#define _TCPTRAIL_RST_REASONS_H

/* How many there are: 0 on a kernel that gives no reasons. */
extern const unsigned int tcptrail_nr_rst_reasons;

/* "TCP_ABORT_ON_CLOSE" for SK_RST_REASON_TCP_ABORT_ON_CLOSE. */
const char *tcptrail_rst_reason_name(unsigned int reason);

#endif /* _TCPTRAIL_RST_REASONS_H */
