// SPDX-License-Identifier: GPL-2.0
/*
 * The probe on sock:inet_sock_set_state: every state change of every full
 * TCP socket, and the connection's totals when it closes.
 */
#include <linux/tracepoint.h>
#include <net/sock.h>
#include <net/tcp_states.h>

#include "tcptrail.h"

static struct tracepoint *set_state_tp;

static void tcptrail_set_state(void *data, const struct sock *sk,
			       const int oldstate, const int newstate)
{
	struct tcptrail_what what = {
		.kind = TCPTRAIL_KIND_STATE,
		.old_state = oldstate,
		.new_state = newstate,
	};

	if (sk->sk_protocol != IPPROTO_TCP)
		return;
	tcptrail_record(sk, &what);

	/* A listener or a never-connected socket has nothing to total. */
	if (newstate == TCP_CLOSE && oldstate != TCP_LISTEN &&
	    oldstate != TCP_CLOSE) {
		what.kind = TCPTRAIL_KIND_TOTALS;
		what.old_state = newstate;
		tcptrail_record(sk, &what);
	}
}

static void find_set_state_tp(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, "inet_sock_set_state"))
		*(struct tracepoint **)priv = tp;
}

int tcptrail_probe_attach(void)
{
	int err;

	for_each_kernel_tracepoint(find_set_state_tp, &set_state_tp);
	if (!set_state_tp) {
		pr_err("tracepoint sock:inet_sock_set_state not found in this kernel\n");
		return -ENOENT;
	}
	err = tracepoint_probe_register(set_state_tp, tcptrail_set_state, NULL);
	if (err)
		pr_err("cannot attach to sock:inet_sock_set_state: %d\n", err);
	return err;
}

void tcptrail_probe_detach(void)
{
	tracepoint_probe_unregister(set_state_tp, tcptrail_set_state, NULL);
	/* No probe runs past this point. */
	tracepoint_synchronize_unregister();
}
