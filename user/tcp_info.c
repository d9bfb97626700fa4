// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include <linux/tcp.h>

#include "tcp_info.h"

void tt_totals_from_tcp_info(const void *data, size_t len,
			     struct tcptrail_totals *t)
{
	struct tcp_info info;

	memset(&info, 0, sizeof(info));
	memcpy(&info, data, len < sizeof(info) ? len : sizeof(info));
	t->bytes_sent = info.tcpi_bytes_sent;
	t->bytes_acked = info.tcpi_bytes_acked;
	t->bytes_received = info.tcpi_bytes_received;
	t->bytes_retrans = info.tcpi_bytes_retrans;
	t->segs_out = info.tcpi_segs_out;
	t->segs_in = info.tcpi_segs_in;
	t->total_retrans = info.tcpi_total_retrans;
	t->srtt_us = info.tcpi_rtt;
}
