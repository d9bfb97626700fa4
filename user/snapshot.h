/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The TCP sockets open now in our network namespace, from the kernel's
 * sock_diag (inet_diag, through libnl's idiag module): the connections
 * that were open before the ring's records of them began, and live totals
 * (bytes, segments, retransmissions, RTT) for the ones still open.
 */
#ifndef TCPTRAIL_SNAPSHOT_H
#define TCPTRAIL_SNAPSHOT_H

#include "conn.h"

/*
 * Marks each open socket's connection on @t live, with its state and
 * totals at @now_ns (CLOCK_MONOTONIC); a socket without one gets a
 * connection of its own, with no states recorded. 0, or -errno (explained
 * on stderr).
 */
int tt_snapshot_take(struct conn_table *t, uint64_t now_ns);

#endif
