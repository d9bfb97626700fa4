// SPDX-License-Identifier: GPL-2.0
/*
 * Resets, from the tracepoints tcp:tcp_send_reset and tcp:tcp_receive_reset:
 * a connection that ended with a RST, and the RST that refuses a connect.
 */
#include <linux/tracepoint.h>
#include <net/inet_sock.h>
#include <net/sock.h>
#include <net/tcp_states.h>

#include "tcptrail.h"

static struct tracepoint *send_reset_tp, *receive_reset_tp;

static void record_reset(const struct sock *sk, u8 reason)
{
	const struct tcptrail_what what = {
		.kind = TCPTRAIL_KIND_RESET,
		.old_state = sk->sk_state,
		.new_state = sk->sk_state,
		.reason = reason,
	};

	tcptrail_record(sk, &what);
}

/* Full or timewait socket, or none when no socket matched the segment. */
static void tcptrail_send_reset(TCPTRAIL_SEND_RESET_ARGS)
{
	if (!sk || sk->sk_state == TCP_NEW_SYN_RECV)
		return;
	if (sk_fullsock(sk) && sk->sk_protocol != IPPROTO_TCP)
		return;
	record_reset(sk, TCPTRAIL_REASON_RST_SENT);
}

static void tcptrail_receive_reset(void *data, struct sock *sk)
{
	if (sk->sk_protocol == IPPROTO_TCP)
		record_reset(sk, TCPTRAIL_REASON_RST_RECEIVED);
}

static void find_reset_tps(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, "tcp_send_reset"))
		send_reset_tp = tp;
	else if (!strcmp(tp->name, "tcp_receive_reset"))
		receive_reset_tp = tp;
}

int tcptrail_resets_attach(void)
{
	int err;

	for_each_kernel_tracepoint(find_reset_tps, NULL);
	if (!send_reset_tp || !receive_reset_tp) {
		pr_err("tracepoints tcp:tcp_send_reset/tcp_receive_reset not found\n");
		return -ENOENT;
	}
	err = tracepoint_probe_register(send_reset_tp, tcptrail_send_reset, NULL);
	if (err)
		return err;
	err = tracepoint_probe_register(receive_reset_tp, tcptrail_receive_reset,
					NULL);
	if (err) {
		tracepoint_probe_unregister(send_reset_tp, tcptrail_send_reset,
					    NULL);
		tracepoint_synchronize_unregister();
	}
	return err;
}

void tcptrail_resets_detach(void)
{
	tracepoint_probe_unregister(receive_reset_tp, tcptrail_receive_reset,
				    NULL);
	tracepoint_probe_unregister(send_reset_tp, tcptrail_send_reset, NULL);
	tracepoint_synchronize_unregister();
}
