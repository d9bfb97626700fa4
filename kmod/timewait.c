// SPDX-License-Identifier: GPL-2.0
/*
 * The TIME_WAIT part of a connection's life, which sock:inet_sock_set_state
 * never reports: tcp_time_wait() hands the connection to a separate
 * inet_timewait_sock, and its end fires no tracepoint. Kprobes fill the gap:
 *
 *   inet_twsk_alloc() returns   -> entry (or "not created": bucket limit)
 *   FIN_WAIT2 substate becomes TIME_WAIT in tcp_timewait_state_process()
 *                                  -> the substate switch
 *   inet_twsk_kill()             -> exit; every end goes through it
 *
 * Why it ended is noted just before, keyed by the timewait socket, by the
 * paths that end one: its timer, a segment (RST, SYN), tcp_abort(); a dying
 * namespace and connect() taking its port are told apart at the exit itself.
 */
#include <linux/hash.h>
#include <linux/kprobes.h>
#include <linux/ptrace.h>
#include <linux/tcp.h>
#include <net/inet_timewait_sock.h>
#include <net/net_namespace.h>
#include <net/tcp_states.h>

#include "features.h"
#include "tcptrail.h"

/* Reasons noted for timewait sockets about to end, in a small hash table. */
#define PENDING_BITS	8

static struct {
	const void *tw;		/* compared, never dereferenced */
	u8 reason;
} pending[1 << PENDING_BITS];

static void note_reason(const void *tw, u8 reason)
{
	unsigned int i = hash_ptr(tw, PENDING_BITS);

	WRITE_ONCE(pending[i].reason, reason);
	/* The reason first, for take_reason() which checks the key first. */
	smp_wmb();
	WRITE_ONCE(pending[i].tw, tw);
}

/* A slot shared by two sockets at once may give the other's reason: rare. */
static u8 take_reason(const void *tw)
{
	unsigned int i = hash_ptr(tw, PENDING_BITS);
	u8 reason;

	if (READ_ONCE(pending[i].tw) != tw)
		return TCPTRAIL_REASON_NONE;
	/* Pairs with note_reason(): the reason is at least as new as the key. */
	smp_rmb();
	reason = READ_ONCE(pending[i].reason);
	if (cmpxchg(&pending[i].tw, tw, NULL) != tw)
		return TCPTRAIL_REASON_NONE;
	return reason;
}

/* inet_timewait_sock serves DCCP too. */
static bool is_tcp(const struct sock *sk)
{
	return sk->sk_prot && !memcmp(sk->sk_prot->name, "TCP", 3);
}

static void record_timewait(const struct sock *sk, int old_state,
			    int new_state, u8 reason)
{
	const struct tcptrail_what what = {
		.kind = TCPTRAIL_KIND_TIMEWAIT,
		.old_state = old_state,
		.new_state = new_state,
		.reason = reason,
	};

	tcptrail_record(sk, &what);
}

/* inet_twsk_alloc(sk, death_row, state) */
struct alloc_call {
	const struct sock *sk;
	int state;
};

static int alloc_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct alloc_call *call = (struct alloc_call *)ri->data;

	call->sk = (const struct sock *)regs_get_kernel_argument(regs, 0);
	call->state = regs_get_kernel_argument(regs, 2);
	if (!is_tcp(call->sk))
		return 1;
	/* The timewait socket copies the cookie: make sure there is one. */
	tcptrail_sock_cookie(call->sk);
	return 0;
}

static int alloc_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct alloc_call *call = (struct alloc_call *)ri->data;
	bool created = regs_return_value(regs);

	record_timewait(call->sk, call->sk->sk_state, call->state,
			created ? TCPTRAIL_REASON_NONE :
				  TCPTRAIL_REASON_NOT_CREATED);
	return 0;
}

static struct kretprobe alloc_probe = {
	.kp.symbol_name	= "inet_twsk_alloc",
	.entry_handler	= alloc_entry,
	.handler	= alloc_return,
	.data_size	= sizeof(struct alloc_call),
};

/*
 * tcp_timewait_state_process(tw, skb, th, ...): a segment for a timewait
 * socket. It ends the socket on a RST, or on a SYN that may reuse the
 * 4-tuple (the caller ends it), or makes the caller answer with a RST and
 * end it; a FIN turns the FIN_WAIT2 substate into TIME_WAIT.
 */
struct segment_seen {
	const struct inet_timewait_sock *tw;	/* compared only */
	u8 substate;
};

static DEFINE_PER_CPU(struct segment_seen, segment_seen);

static int segment_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct inet_timewait_sock *tw =
		(struct inet_timewait_sock *)regs_get_kernel_argument(regs, 0);
	const struct tcphdr *th =
		(const struct tcphdr *)regs_get_kernel_argument(regs, 2);
	struct segment_seen *seen = this_cpu_ptr(&segment_seen);

	if (!is_tcp((struct sock *)tw))
		return 0;
	seen->tw = tw;
	seen->substate = tw->tw_substate;
	note_reason(tw, th->rst ? TCPTRAIL_REASON_RST_RECEIVED :
			th->syn ? TCPTRAIL_REASON_REUSED :
				  TCPTRAIL_REASON_RST_SENT);
	return 0;
}

static struct kprobe segment_probe = {
	.symbol_name	= "tcp_timewait_state_process",
	.pre_handler	= segment_pre,
};

/* __inet_twsk_schedule(tw, timeo, rearm): rearmed after the FIN above. */
static int schedule_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct inet_timewait_sock *tw =
		(struct inet_timewait_sock *)regs_get_kernel_argument(regs, 0);
	struct segment_seen *seen = this_cpu_ptr(&segment_seen);

	if (seen->tw != tw || seen->substate != TCP_FIN_WAIT2 ||
	    tw->tw_substate != TCP_TIME_WAIT)
		return 0;
	seen->tw = NULL;
	record_timewait((struct sock *)tw, TCP_FIN_WAIT2, TCP_TIME_WAIT,
			TCPTRAIL_REASON_NONE);
	return 0;
}

static struct kprobe schedule_probe = {
	.symbol_name	= "__inet_twsk_schedule",
	.pre_handler	= schedule_pre,
};

/* tw_timer_handler(timer): the TIME_WAIT period is over. */
static int timer_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct timer_list *t = (struct timer_list *)regs_get_kernel_argument(regs, 0);

	note_reason(container_of(t, struct inet_timewait_sock, tw_timer),
		    TCPTRAIL_REASON_EXPIRED);
	return 0;
}

static struct kprobe timer_probe = {
	.symbol_name	= "tw_timer_handler",
	.pre_handler	= timer_pre,
};

/* tcp_abort(sk, err) on a timewait socket (ss -K, BPF, SOCK_DESTROY). */
static int abort_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct sock *sk = (struct sock *)regs_get_kernel_argument(regs, 0);

	if (sk->sk_state == TCP_TIME_WAIT)
		note_reason(sk, TCPTRAIL_REASON_ABORTED);
	return 0;
}

static struct kprobe abort_probe = {
	.symbol_name	= "tcp_abort",
	.pre_handler	= abort_pre,
};

/*
 * inet_twsk_kill(tw): the end of every timewait socket. Every path that
 * ends one in softirq (timer, segment) or on request (tcp_abort) noted its
 * reason above; a dying namespace shows in the socket's net. What is left in
 * task context is connect() taking over the socket's port
 * (__inet_hash_connect(), or __inet_check_established() for a bound port):
 * no probe on that hot path, then, just the process of elimination.
 */
static u8 eliminated_reason(void)
{
	const bool *on = tcptrail_feature_on;

	if (in_task())
		return on[TCPTRAIL_FEAT_TIMEWAIT_ABORT] ?
		       TCPTRAIL_REASON_CONNECT_REUSE : TCPTRAIL_REASON_UNKNOWN;
	return on[TCPTRAIL_FEAT_TIMEWAIT_EXPIRY] &&
	       on[TCPTRAIL_FEAT_TIMEWAIT_SEGMENT] ?
	       TCPTRAIL_REASON_KILLED : TCPTRAIL_REASON_UNKNOWN;
}

static int kill_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct inet_timewait_sock *tw =
		(struct inet_timewait_sock *)regs_get_kernel_argument(regs, 0);
	u8 reason;

	if (!is_tcp((struct sock *)tw))
		return 0;
	reason = take_reason(tw);
	if (!check_net(twsk_net(tw)))
		reason = TCPTRAIL_REASON_NETNS_EXIT;
	else if (!reason)
		reason = eliminated_reason();
	record_timewait((struct sock *)tw, tw->tw_substate, TCP_CLOSE, reason);
	return 0;
}

static struct kprobe kill_probe = {
	.symbol_name	= "inet_twsk_kill",
	.pre_handler	= kill_pre,
};

/* Each feature's kprobes, beside the inet_twsk_alloc kretprobe. */
static struct kprobe *timewait_kprobes[] = { &kill_probe };
static struct kprobe *segment_kprobes[] = { &segment_probe, &schedule_probe };
static struct kprobe *expiry_kprobes[] = { &timer_probe };
static struct kprobe *abort_kprobes[] = { &abort_probe };

static const struct {
	enum tcptrail_feature feature;
	struct kprobe **kprobes;
	unsigned int n;
} parts[] = {
	{ TCPTRAIL_FEAT_TIMEWAIT, timewait_kprobes,
	  ARRAY_SIZE(timewait_kprobes) },
	{ TCPTRAIL_FEAT_TIMEWAIT_SEGMENT, segment_kprobes,
	  ARRAY_SIZE(segment_kprobes) },
	{ TCPTRAIL_FEAT_TIMEWAIT_EXPIRY, expiry_kprobes,
	  ARRAY_SIZE(expiry_kprobes) },
	{ TCPTRAIL_FEAT_TIMEWAIT_ABORT, abort_kprobes,
	  ARRAY_SIZE(abort_kprobes) },
};

/* All of a part's kprobes, or none: the first failure turns it off. */
static void attach_part(unsigned int i)
{
	unsigned int k;
	int err;

	for (k = 0; k < parts[i].n; k++) {
		err = register_kprobe(parts[i].kprobes[k]);
		if (err) {
			tcptrail_feature_failed(parts[i].feature,
						parts[i].kprobes[k]->symbol_name,
						err);
			while (k--)
				unregister_kprobe(parts[i].kprobes[k]);
			return;
		}
	}
	tcptrail_feature_attached(parts[i].feature);
}

static bool attach_alloc(void)
{
	int err;

	if (!tcptrail_feature_wanted(TCPTRAIL_FEAT_TIMEWAIT))
		return false;
	err = register_kretprobe(&alloc_probe);
	if (err)
		tcptrail_feature_failed(TCPTRAIL_FEAT_TIMEWAIT,
					alloc_probe.kp.symbol_name, err);
	return !err;
}

void tcptrail_timewait_attach(void)
{
	unsigned int i;

	if (attach_alloc()) {
		attach_part(0);
		if (!tcptrail_feature_on[TCPTRAIL_FEAT_TIMEWAIT])
			unregister_kretprobe(&alloc_probe);
	}
	for (i = 1; i < ARRAY_SIZE(parts); i++) {
		if (!tcptrail_feature_wanted(parts[i].feature))
			continue;
		if (tcptrail_feature_on[TCPTRAIL_FEAT_TIMEWAIT])
			attach_part(i);
		else
			tcptrail_feature_needs(parts[i].feature,
					       TCPTRAIL_FEAT_TIMEWAIT);
	}
}

void tcptrail_timewait_detach(void)
{
	unsigned int i;

	for (i = ARRAY_SIZE(parts); i--; )
		if (tcptrail_feature_on[parts[i].feature])
			unregister_kprobes(parts[i].kprobes, parts[i].n);
	if (tcptrail_feature_on[TCPTRAIL_FEAT_TIMEWAIT])
		unregister_kretprobe(&alloc_probe);
}
