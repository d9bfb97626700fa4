// SPDX-License-Identifier: GPL-2.0
/*
 * Resets, from the tracepoints tcp:tcp_send_reset and tcp:tcp_receive_reset:
 * a connection that ended with a RST, and the RST that refuses a connect.
 * Each is a feature of its own (reset-sent, reset-received).
 */
#include <linux/tracepoint.h>
#include <net/inet_sock.h>
#include <net/sock.h>
#include <net/tcp_states.h>
#include <trace/events/tcp.h>

#include "features.h"
#include "hooks.h"
#include "record.h"

static void record_reset(const struct sock *sk, u8 reason, u8 detail)
{
	const struct tcptrail_what what = {
		.kind = TCPTRAIL_KIND_RESET,
		.old_state = sk->sk_state,
		.new_state = sk->sk_state,
		.reason = reason,
		.detail = detail,
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
	record_reset(sk, TCPTRAIL_REASON_RST_SENT, TCPTRAIL_SEND_RESET_DETAIL);
}

static void tcptrail_receive_reset(void *data, struct sock *sk)
{
	if (sk->sk_protocol == IPPROTO_TCP)
		record_reset(sk, TCPTRAIL_REASON_RST_RECEIVED, 0);
}

TCPTRAIL_CHECK_PROBE(tcp_send_reset, tcptrail_send_reset);
TCPTRAIL_CHECK_PROBE(tcp_receive_reset, tcptrail_receive_reset);

static const struct reset_hook {
	const char *name;
	void *probe;
	enum tcptrail_feature feature;
} hooks[] = {
	{ "tcp_send_reset", tcptrail_send_reset, TCPTRAIL_FEAT_RESET_SENT },
	{ "tcp_receive_reset", tcptrail_receive_reset,
	  TCPTRAIL_FEAT_RESET_RECEIVED },
};

static struct tracepoint *tracepoints[ARRAY_SIZE(hooks)];

static void find_reset_tps(struct tracepoint *tp, void *priv)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(hooks); i++)
		if (!strcmp(tp->name, hooks[i].name))
			tracepoints[i] = tp;
}

void tcptrail_resets_attach(void)
{
	unsigned int i;
	int err;

	for_each_kernel_tracepoint(find_reset_tps, NULL);
	for (i = 0; i < ARRAY_SIZE(hooks); i++) {
		if (!tcptrail_feature_wanted(hooks[i].feature))
			continue;
		err = tracepoints[i] ?
		      tracepoint_probe_register(tracepoints[i], hooks[i].probe,
						NULL) : -ENOENT;
		if (err)
			tcptrail_feature_failed(hooks[i].feature, hooks[i].name,
						err);
		else
			tcptrail_feature_attached(hooks[i].feature);
	}
}

void tcptrail_resets_detach(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(hooks); i++)
		if (tcptrail_feature_on[hooks[i].feature])
			tracepoint_probe_unregister(tracepoints[i],
						    hooks[i].probe, NULL);
	tracepoint_synchronize_unregister();
}
