/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's struct tcp_info (INET_DIAG_INFO, TCP_INFO) as a connection's
 * totals. Apart from the rest because <linux/tcp.h>, which has the whole
 * struct, cannot be included with <netinet/tcp.h>, which libnl uses.
 */
#ifndef TCPTRAIL_TCP_INFO_H
#define TCPTRAIL_TCP_INFO_H

#include <stddef.h>

#include <linux/tcptrail.h>

/* @len bytes of it: an older kernel's is shorter, the rest counts 0. */
void tt_totals_from_tcp_info(const void *data, size_t len,
			     struct tcptrail_totals *t);

#endif
