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
 * Why it ended is known only to the path that ends it, and each path calls
 * inet_twsk_kill() from within itself, so the reason is handed over for
 * that call alone, never kept for later:
 *
 * - in softirq, by the CPU's cause: the timer handler (expired) sets it
 *   before it kills; a segment sets it from tcp_timewait_state_process()'s
 *   verdict, which the caller acts on at once (TCP_TW_RST: a RST is sent
 *   and the socket ends; TCP_TW_SYN: a new connection takes its place), or
 *   before the call for a RST that ends it inside (rst-received). Softirqs
 *   do not nest on a CPU, and every softirq path that ends a timewait
 *   socket sets the cause first, so a cause left from a segment that ended
 *   nothing is overwritten before it could be taken for another end.
 * - in a task, by the aborts in flight: tcp_abort() on a timewait socket
 *   (ss -K) holds an entry naming its task and socket while it runs, which
 *   survives the task moving to another CPU. A task end with no entry is
 *   the namespace going away, which shows in the socket's net, or else
 *   connect() taking over the port, by elimination (no probe on that hot
 *   path).
 *
 * What cannot be told (an off feature, a kretprobe that missed a call) is
 * reported as unknown, never guessed.
 */
#include <linux/kprobes.h>
#include <linux/percpu.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/tcp.h>
#include <net/inet_timewait_sock.h>
#include <net/net_namespace.h>
#include <net/tcp.h>
#include <net/tcp_states.h>

#include "features.h"
#include "hooks.h"
#include "record.h"

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

/* Why the timewait socket this CPU's softirq is about to end ends. */
struct softirq_cause {
	const void *tw;		/* compared, never dereferenced */
	u8 reason;
};

static DEFINE_PER_CPU(struct softirq_cause, softirq_cause);

static void set_cause(const void *tw, u8 reason)
{
	struct softirq_cause *c = this_cpu_ptr(&softirq_cause);

	c->tw = tw;
	c->reason = reason;
}

static u8 take_cause(const void *tw)
{
	struct softirq_cause *c = this_cpu_ptr(&softirq_cause);

	if (c->tw != tw)
		return TCPTRAIL_REASON_NONE;
	c->tw = NULL;
	return c->reason;
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
 * socket. A RST in window ends it inside; the verdict TCP_TW_RST or
 * TCP_TW_SYN makes the caller end it right after; a FIN turns the
 * FIN_WAIT2 substate into TIME_WAIT (verdict TCP_TW_ACK).
 */
struct segment_call {
	const struct inet_timewait_sock *tw;	/* alive only for TCP_TW_ACK */
	u8 substate;
};

static int segment_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct segment_call *call = (struct segment_call *)ri->data;
	struct inet_timewait_sock *tw =
		(struct inet_timewait_sock *)regs_get_kernel_argument(regs, 0);
	const struct tcphdr *th =
		(const struct tcphdr *)regs_get_kernel_argument(regs, 2);

	if (!is_tcp((struct sock *)tw))
		return 1;
	call->tw = tw;
	call->substate = tw->tw_substate;
	if (th->rst)
		set_cause(tw, TCPTRAIL_REASON_RST_RECEIVED);
	return 0;
}

static int segment_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct segment_call *call = (struct segment_call *)ri->data;
	unsigned long verdict = regs_return_value(regs);

	switch (verdict) {
	case TCP_TW_RST:
		set_cause(call->tw, TCPTRAIL_REASON_RST_SENT);
		break;
	case TCP_TW_SYN:
		set_cause(call->tw, TCPTRAIL_REASON_REUSED);
		break;
	case TCP_TW_ACK:
		take_cause(call->tw);	/* an out-of-window RST ended nothing */
		if (call->substate == TCP_FIN_WAIT2 &&
		    call->tw->tw_substate == TCP_TIME_WAIT)
			record_timewait((struct sock *)call->tw, TCP_FIN_WAIT2,
					TCP_TIME_WAIT, TCPTRAIL_REASON_NONE);
		break;
	default:
		take_cause(call->tw);	/* nothing, or ended inside */
	}
	return 0;
}

static struct kretprobe segment_probe = {
	.kp.symbol_name	= "tcp_timewait_state_process",
	.entry_handler	= segment_entry,
	.handler	= segment_return,
	.data_size	= sizeof(struct segment_call),
};

/* tw_timer_handler(timer): the TIME_WAIT period is over. */
static int timer_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct timer_list *t = (struct timer_list *)regs_get_kernel_argument(regs, 0);

	set_cause(container_of(t, struct inet_timewait_sock, tw_timer),
		  TCPTRAIL_REASON_EXPIRED);
	return 0;
}

static struct kprobe timer_probe = {
	.symbol_name	= "tw_timer_handler",
	.pre_handler	= timer_pre,
};

/*
 * tcp_abort(sk, err) on a timewait socket (ss -K, BPF, SOCK_DESTROY), in
 * the calling task: an entry per call in flight, found again by its task.
 * With more calls in flight than entries, the overflow is counted and any
 * task end meanwhile is unknown.
 */
#define ABORTS_IN_FLIGHT	16

static struct {
	struct task_struct *task;
	const void *tw;		/* compared, never dereferenced */
} aborts[ABORTS_IN_FLIGHT];

static atomic_t aborts_untracked = ATOMIC_INIT(0);

static int abort_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct sock *sk = (struct sock *)regs_get_kernel_argument(regs, 0);
	int *slot = (int *)ri->data;
	int i;

	if (READ_ONCE(sk->sk_state) != TCP_TIME_WAIT)
		return 1;
	for (i = 0; i < ABORTS_IN_FLIGHT; i++) {
		if (!cmpxchg(&aborts[i].task, NULL, current)) {
			/* Only this task compares with this entry's tw. */
			WRITE_ONCE(aborts[i].tw, sk);
			*slot = i;
			return 0;
		}
	}
	atomic_inc(&aborts_untracked);
	*slot = -1;
	return 0;
}

static int abort_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	int slot = *(int *)ri->data;

	if (slot < 0) {
		atomic_dec(&aborts_untracked);
		return 0;
	}
	WRITE_ONCE(aborts[slot].tw, NULL);
	/* Pairs with the cmpxchg that claims it: tw is clear first. */
	smp_store_release(&aborts[slot].task, NULL);
	return 0;
}

static struct kretprobe abort_probe = {
	.kp.symbol_name	= "tcp_abort",
	.entry_handler	= abort_entry,
	.handler	= abort_return,
	.data_size	= sizeof(int),
	.maxactive	= ABORTS_IN_FLIGHT,
};

static bool aborting(const void *tw)
{
	int i;

	for (i = 0; i < ABORTS_IN_FLIGHT; i++)
		if (READ_ONCE(aborts[i].task) == current &&
		    READ_ONCE(aborts[i].tw) == tw)
			return true;
	return false;
}

/* A task's end: tcp_abort(), or connect() taking the port if not. */
static u8 task_reason(const void *tw)
{
	if (!tcptrail_feature_on[TCPTRAIL_FEAT_TIMEWAIT_ABORT])
		return TCPTRAIL_REASON_UNKNOWN;
	if (aborting(tw))
		return TCPTRAIL_REASON_ABORTED;
	/* An abort that no entry saw may be this one. */
	if (atomic_read(&aborts_untracked) || READ_ONCE(abort_probe.nmissed))
		return TCPTRAIL_REASON_UNKNOWN;
	return TCPTRAIL_REASON_CONNECT_REUSE;
}

/*
 * A softirq's end: its cause; or, with none, the namespace going away (a
 * timer may fire during its teardown), or a path no hook of ours explains.
 */
static u8 softirq_reason(const struct inet_timewait_sock *tw)
{
	const bool *on = tcptrail_feature_on;
	u8 reason = take_cause(tw);

	if (reason)
		return reason;
	if (!check_net(twsk_net(tw)))
		return TCPTRAIL_REASON_NETNS_EXIT;
	if (!on[TCPTRAIL_FEAT_TIMEWAIT_EXPIRY] ||
	    !on[TCPTRAIL_FEAT_TIMEWAIT_SEGMENT] ||
	    READ_ONCE(segment_probe.nmissed))
		return TCPTRAIL_REASON_UNKNOWN;
	return TCPTRAIL_REASON_KILLED;
}

/* inet_twsk_kill(tw): the end of every timewait socket. */
static int kill_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct inet_timewait_sock *tw =
		(struct inet_timewait_sock *)regs_get_kernel_argument(regs, 0);
	u8 reason;

	if (!is_tcp((struct sock *)tw))
		return 0;
	if (!in_task())
		reason = softirq_reason(tw);
	else if (!check_net(twsk_net(tw)))
		reason = TCPTRAIL_REASON_NETNS_EXIT;	/* purged with it */
	else
		reason = task_reason(tw);
	record_timewait((struct sock *)tw, tw->tw_substate, TCP_CLOSE, reason);
	return 0;
}

static struct kprobe kill_probe = {
	.symbol_name	= "inet_twsk_kill",
	.pre_handler	= kill_pre,
};

/*
 * A feature's probes: all attached, or none (the first failure turns it
 * off). The "timewait" feature comes first: the others need it.
 */
static struct kretprobe *timewait_kretprobes[] = { &alloc_probe };
static struct kprobe *timewait_kprobes[] = { &kill_probe };
static struct kretprobe *segment_kretprobes[] = { &segment_probe };
static struct kprobe *expiry_kprobes[] = { &timer_probe };
static struct kretprobe *abort_kretprobes[] = { &abort_probe };

static const struct {
	enum tcptrail_feature feature;
	struct kretprobe **kretprobes;
	unsigned int nkret;
	struct kprobe **kprobes;
	unsigned int nk;
} parts[] = {
	{ TCPTRAIL_FEAT_TIMEWAIT, timewait_kretprobes,
	  ARRAY_SIZE(timewait_kretprobes), timewait_kprobes,
	  ARRAY_SIZE(timewait_kprobes) },
	{ TCPTRAIL_FEAT_TIMEWAIT_SEGMENT, segment_kretprobes,
	  ARRAY_SIZE(segment_kretprobes) },
	{ TCPTRAIL_FEAT_TIMEWAIT_EXPIRY, NULL, 0, expiry_kprobes,
	  ARRAY_SIZE(expiry_kprobes) },
	{ TCPTRAIL_FEAT_TIMEWAIT_ABORT, abort_kretprobes,
	  ARRAY_SIZE(abort_kretprobes) },
};

static void detach_part(unsigned int i)
{
	if (parts[i].nk)
		unregister_kprobes(parts[i].kprobes, parts[i].nk);
	if (parts[i].nkret)
		unregister_kretprobes(parts[i].kretprobes, parts[i].nkret);
}

static void attach_part(unsigned int i)
{
	unsigned int k;
	int err;

	for (k = 0; k < parts[i].nkret; k++) {
		err = register_kretprobe(parts[i].kretprobes[k]);
		if (err) {
			tcptrail_feature_failed(parts[i].feature,
						parts[i].kretprobes[k]->kp.symbol_name,
						err);
			if (k)
				unregister_kretprobes(parts[i].kretprobes, k);
			return;
		}
	}
	for (k = 0; k < parts[i].nk; k++) {
		err = register_kprobe(parts[i].kprobes[k]);
		if (err) {
			tcptrail_feature_failed(parts[i].feature,
						parts[i].kprobes[k]->symbol_name,
						err);
			if (k)
				unregister_kprobes(parts[i].kprobes, k);
			if (parts[i].nkret)
				unregister_kretprobes(parts[i].kretprobes,
						      parts[i].nkret);
			return;
		}
	}
	tcptrail_feature_attached(parts[i].feature);
}

void tcptrail_timewait_attach(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(parts); i++) {
		if (!tcptrail_feature_wanted(parts[i].feature))
			continue;
		if (i && !tcptrail_feature_on[TCPTRAIL_FEAT_TIMEWAIT])
			tcptrail_feature_needs(parts[i].feature,
					       TCPTRAIL_FEAT_TIMEWAIT);
		else
			attach_part(i);
	}
}

void tcptrail_timewait_detach(void)
{
	unsigned int i;

	for (i = ARRAY_SIZE(parts); i--; )
		if (tcptrail_feature_on[parts[i].feature])
			detach_part(i);
}
