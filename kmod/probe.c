// SPDX-License-Identifier: GPL-2.0
/*
 * The probe on sock:inet_sock_set_state: every state change of every full
 * TCP socket, and the connection's totals when it closes.
 */
#include <linux/tracepoint.h>
#include <net/sock.h>
#include <net/tcp_states.h>
#include <trace/events/sock.h>

#include "entry_hook.h"
#include "features.h"
#include "hooks.h"
#include "record.h"

static struct tracepoint *set_state_tp;

/*
 * A listener's child is announced (LISTEN -> SYN_RECV) from inside
 * inet_csk_clone_lock(sk, req, ...), while it is still a copy of the
 * listener: its addresses and cookie are the listener's until the kernel
 * gives it the request's cookie right after. So that cookie is made first,
 * at the function's entry, and kept here for the record. Up to 6.x the
 * addresses of that one record remain the listener's; 7.x sets the peer's
 * before it announces the child.
 */
struct child_cookie {
	u64 listener;		/* the cookie the child still carries */
	u64 child;		/* the one it will get */
};

static DEFINE_PER_CPU(struct child_cookie, child_cookie);

/* inet_csk_clone_lock(listener, req, priority) */
static void clone_entry(unsigned long listener_arg, unsigned long req_arg,
			unsigned long priority)
{
	const struct sock *listener = (const struct sock *)listener_arg;
	const struct sock *req = (const struct sock *)req_arg;
	struct child_cookie *c = this_cpu_ptr(&child_cookie);

	if (listener->sk_protocol != IPPROTO_TCP)
		return;
	/* The request has the child's addresses and ports. */
	if (!tcptrail_record_wanted(req)) {
		c->listener = 0;	/* no cookies made for nothing */
		return;
	}
	c->listener = tcptrail_sock_cookie(listener);
	c->child = tcptrail_sock_cookie(req);	/* its sock_common part */
}

static struct tcptrail_entry_hook clone_hook = {
	.symbol		= "inet_csk_clone_lock",
	.handler	= clone_entry,
};

static u64 child_conn(const struct sock *child)
{
	struct child_cookie *c = this_cpu_ptr(&child_cookie);

	if (c->listener != atomic64_read(&child->sk_cookie))
		return 0;	/* not seen at entry: nested clones, rare */
	c->listener = 0;
	return c->child;
}

static void tcptrail_set_state(void *data, const struct sock *sk,
			       const int oldstate, const int newstate)
{
	u64 conn = 0;

	if (sk->sk_protocol != IPPROTO_TCP)
		return;
	if (oldstate == TCP_LISTEN && newstate == TCP_SYN_RECV &&
	    tcptrail_feature_on[TCPTRAIL_FEAT_CHILD_COOKIE])
		conn = child_conn(sk);
	else if (newstate == TCP_CLOSE)
		tcptrail_timewait_handover(sk, oldstate);
	tcptrail_record_state(sk, oldstate, newstate, conn);
}

TCPTRAIL_CHECK_PROBE(inet_sock_set_state, tcptrail_set_state);

static void find_set_state_tp(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, "inet_sock_set_state"))
		*(struct tracepoint **)priv = tp;
}

static void detach_clone(void)
{
	if (tcptrail_feature_on[TCPTRAIL_FEAT_CHILD_COOKIE])
		tcptrail_entry_hook_detach(&clone_hook);
}

int tcptrail_probe_attach(void)
{
	int err;

	for_each_kernel_tracepoint(find_set_state_tp, &set_state_tp);
	if (!set_state_tp) {
		pr_err("tracepoint sock:inet_sock_set_state not found in this kernel\n");
		return -ENOENT;
	}
	if (tcptrail_feature_wanted(TCPTRAIL_FEAT_CHILD_COOKIE)) {
		err = tcptrail_entry_hook_attach(&clone_hook);
		if (err)
			tcptrail_feature_failed(TCPTRAIL_FEAT_CHILD_COOKIE,
						clone_hook.symbol, err);
		else
			tcptrail_feature_attached(TCPTRAIL_FEAT_CHILD_COOKIE);
	}
	err = tracepoint_probe_register(set_state_tp, tcptrail_set_state, NULL);
	if (err) {
		pr_err("cannot attach to sock:inet_sock_set_state: %d\n", err);
		detach_clone();
	}
	return err;
}

void tcptrail_probe_detach(void)
{
	tracepoint_probe_unregister(set_state_tp, tcptrail_set_state, NULL);
	/* No probe runs past this point. */
	tracepoint_synchronize_unregister();
	detach_clone();
}
