// SPDX-License-Identifier: GPL-2.0
/*
 * The TIME_WAIT part of a connection's life, which sock:inet_sock_set_state
 * never reports: tcp_time_wait() hands the connection to a separate
 * inet_timewait_sock, and its end fires no tracepoint. Entry hooks
 * (entry_hook.h) fill the gap, and only where the common path pays little:
 *
 *   TCPTRAIL_TWSK_HASHDANCE(tw, sk)
 *                                the timewait socket takes the full
 *                                socket's place: the entry
 *   tcp_time_wait(sk, state)     and its tcp_done(): "not created", when
 *                                the kernel counted a timewait overflow
 *                                in between
 *   tcp_timewait_state_process(tw, skb, th)
 *                                a segment for a timewait socket
 *   __inet_twsk_schedule(tw, timeo, rearm)
 *                                re-armed by that segment: its FIN turned
 *                                the FIN_WAIT2 substate into TIME_WAIT
 *   inet_twsk_kill(tw)           the end, whatever its cause
 *
 * Why it ended is known only to the path that ends it, and each path calls
 * inet_twsk_kill() from within itself, so the cause is handed over for
 * that call alone, never kept for later:
 *
 * - in softirq, by the CPU's cause: the timer handler (expired) sets it
 *   before it kills; a segment sets it at its entry, and the segment ends
 *   the socket (if it does) right after, on this CPU: a RST in window kills
 *   it inside (rst-received); otherwise only the verdict TCP_TW_RST (a RST
 *   is sent, only ever for the FIN_WAIT2 substate) or TCP_TW_SYN (a new
 *   connection takes its place, only in the TIME_WAIT substate) makes the
 *   caller end it. So the substate at entry tells rst-sent from reused.
 *   Softirqs do not nest on a CPU, and every softirq path that ends a
 *   timewait socket sets the cause first, so a cause left from a segment
 *   that ended nothing is overwritten before it could be taken for
 *   another end.
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
#include <net/ip.h>
#include <net/net_namespace.h>
#include <net/tcp.h>
#include <net/tcp_states.h>

#include "entry_hook.h"
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

/*
 * tcp_time_wait(sk, state, timeo) until its tcp_done() on this CPU, for
 * the one entry the hash dance cannot record: none, when no timewait
 * socket could be made (tcp_max_tw_buckets, or no memory), which the
 * kernel counts as a timewait overflow in between. If the task moved to
 * another CPU in between (a preemptible kernel, socket backlog), that
 * "not created" goes unrecorded: the connection then simply ends there.
 */
struct handover {
	const struct sock *sk;	/* compared, never dereferenced */
	const struct sock *created; /* the hash dance recorded its entry */
	u64 cookie;		/* tells a new socket at the same address */
	unsigned long overflows; /* this CPU's timewait overflows before */
	int state;		/* the timewait socket's substate */
};

static DEFINE_PER_CPU(struct handover, handover);

static unsigned long timewait_overflows(const struct sock *sk)
{
	return this_cpu_read(sock_net(sk)->mib.net_statistics->mibs[LINUX_MIB_TCPTIMEWAITOVERFLOW]);
}

static void time_wait_entry(unsigned long sk_arg, unsigned long state,
			    unsigned long timeo)
{
	const struct sock *sk = (const struct sock *)sk_arg;
	struct handover *h = this_cpu_ptr(&handover);

	/*
	 * The timewait socket copies the cookie: make sure there is one, if
	 * its records are to be written. The hand-over is kept either way:
	 * a "not created" that is not written is counted as such.
	 */
	h->cookie = tcptrail_record_wanted(sk) ? tcptrail_sock_cookie(sk) :
		    atomic64_read(&sk->sk_cookie);
	h->state = state;
	h->overflows = timewait_overflows(sk);
	h->created = NULL;
	h->sk = sk;
}

static struct tcptrail_entry_hook time_wait_hook = {
	.symbol		= "tcp_time_wait",
	.handler	= time_wait_entry,
};

void tcptrail_timewait_handover(const struct sock *sk, int old_state)
{
	struct handover *h = this_cpu_ptr(&handover);

	if (h->sk != sk)
		return;
	h->sk = NULL;
	if (h->created == sk || h->cookie != atomic64_read(&sk->sk_cookie) ||
	    timewait_overflows(sk) == h->overflows)
		return;
	record_timewait(sk, old_state, h->state, TCPTRAIL_REASON_NOT_CREATED);
}

/*
 * The entry: TCPTRAIL_TWSK_HASHDANCE(tw, sk, ...) puts the new timewait
 * socket in the full socket's place, in whatever context tcp_time_wait()
 * runs, which may move to another CPU on preemptible kernels. The full
 * socket is still as it was: the record is its (its cookie, which the
 * timewait socket copied, its addresses).
 */
static void hashdance_entry(unsigned long tw_arg, unsigned long sk_arg,
			    unsigned long hashinfo)
{
	const struct inet_timewait_sock *tw =
		(const struct inet_timewait_sock *)tw_arg;
	const struct sock *sk = (const struct sock *)sk_arg;

	if (!is_tcp(sk))
		return;
	record_timewait(sk, READ_ONCE(sk->sk_state), tw->tw_substate,
			TCPTRAIL_REASON_NONE);
	this_cpu_write(handover.created, sk);
}

static struct tcptrail_entry_hook hashdance_hook = {
	.symbol		= TCPTRAIL_TWSK_HASHDANCE,
	.handler	= hashdance_entry,
};

/*
 * Why the timewait socket this CPU's softirq is about to end ends, and for
 * a segment's socket, the substate the segment found.
 */
struct softirq_cause {
	const void *tw;		/* compared, never dereferenced */
	u8 reason;
	u8 substate;
};

static DEFINE_PER_CPU(struct softirq_cause, softirq_cause);

static void set_cause(const void *tw, u8 reason, u8 substate)
{
	struct softirq_cause *c = this_cpu_ptr(&softirq_cause);

	c->tw = tw;
	c->reason = reason;
	c->substate = substate;
}

static u8 take_cause(const void *tw)
{
	struct softirq_cause *c = this_cpu_ptr(&softirq_cause);

	if (c->tw != tw)
		return TCPTRAIL_REASON_NONE;
	c->tw = NULL;
	return c->reason;
}

/* tcp_timewait_state_process(tw, skb, th, ...): see the top of the file. */
static void segment_entry(unsigned long tw_arg, unsigned long skb,
			  unsigned long th_arg)
{
	const struct inet_timewait_sock *tw =
		(const struct inet_timewait_sock *)tw_arg;
	const struct tcphdr *th = (const struct tcphdr *)th_arg;
	u8 substate = READ_ONCE(tw->tw_substate);

	if (!is_tcp((const struct sock *)tw))
		return;
	if (th->rst)
		set_cause(tw, TCPTRAIL_REASON_RST_RECEIVED, substate);
	else if (substate == TCP_FIN_WAIT2)
		set_cause(tw, TCPTRAIL_REASON_RST_SENT, substate);
	else
		set_cause(tw, TCPTRAIL_REASON_REUSED, substate);
}

static struct tcptrail_entry_hook segment_hook = {
	.symbol		= "tcp_timewait_state_process",
	.handler	= segment_entry,
};

/*
 * __inet_twsk_schedule(tw, timeo, rearm): re-armed from inside the segment
 * this CPU is processing, which found the FIN_WAIT2 substate and left
 * TIME_WAIT: the peer's FIN. Re-arms in the TIME_WAIT substate are not.
 */
static void schedule_entry(unsigned long tw_arg, unsigned long timeo,
			   unsigned long rearm)
{
	const struct inet_timewait_sock *tw =
		(const struct inet_timewait_sock *)tw_arg;
	struct softirq_cause *c = this_cpu_ptr(&softirq_cause);

	/* A bool argument: only its low byte is set by the caller. */
	if (!(u8)rearm || c->tw != tw || c->substate != TCP_FIN_WAIT2 ||
	    READ_ONCE(tw->tw_substate) != TCP_TIME_WAIT)
		return;
	c->substate = TCP_TIME_WAIT;
	record_timewait((const struct sock *)tw, TCP_FIN_WAIT2, TCP_TIME_WAIT,
			TCPTRAIL_REASON_NONE);
}

static struct tcptrail_entry_hook schedule_hook = {
	.symbol		= "__inet_twsk_schedule",
	.handler	= schedule_entry,
};

/* tw_timer_handler(timer): the TIME_WAIT period is over. */
static void timer_entry(unsigned long timer, unsigned long unused1,
			unsigned long unused2)
{
	struct timer_list *t = (struct timer_list *)timer;

	set_cause(container_of(t, struct inet_timewait_sock, tw_timer),
		  TCPTRAIL_REASON_EXPIRED, TCP_TIME_WAIT);
}

static struct tcptrail_entry_hook timer_hook = {
	.symbol		= "tw_timer_handler",
	.handler	= timer_entry,
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
	    tcptrail_entry_hook_missed(&segment_hook) ||
	    tcptrail_entry_hook_missed(&timer_hook))
		return TCPTRAIL_REASON_UNKNOWN;
	return TCPTRAIL_REASON_KILLED;
}

/* inet_twsk_kill(tw): the end of every timewait socket. */
static void kill_entry(unsigned long tw_arg, unsigned long unused1,
		       unsigned long unused2)
{
	const struct inet_timewait_sock *tw =
		(const struct inet_timewait_sock *)tw_arg;
	u8 reason;

	if (!is_tcp((const struct sock *)tw))
		return;
	if (!in_task())
		reason = softirq_reason(tw);
	else if (!check_net(twsk_net(tw)))
		reason = TCPTRAIL_REASON_NETNS_EXIT;	/* purged with it */
	else
		reason = task_reason(tw);
	record_timewait((const struct sock *)tw, tw->tw_substate, TCP_CLOSE,
			reason);
}

static struct tcptrail_entry_hook kill_hook = {
	.symbol		= "inet_twsk_kill",
	.handler	= kill_entry,
};

/*
 * A feature's hooks: all attached, or none (the first failure turns it
 * off). The "timewait" feature comes first: the others need it.
 */
#define PART_HOOKS	3

static struct {
	enum tcptrail_feature feature;
	struct tcptrail_entry_hook *hooks[PART_HOOKS];
} parts[] = {
	{ TCPTRAIL_FEAT_TIMEWAIT, { &time_wait_hook, &hashdance_hook, &kill_hook } },
	{ TCPTRAIL_FEAT_TIMEWAIT_SEGMENT, { &segment_hook, &schedule_hook } },
	{ TCPTRAIL_FEAT_TIMEWAIT_EXPIRY, { &timer_hook } },
};

static void detach_hooks(struct tcptrail_entry_hook **hooks, unsigned int n)
{
	while (n--)
		tcptrail_entry_hook_detach(hooks[n]);
}

static void attach_part(unsigned int i)
{
	struct tcptrail_entry_hook **hooks = parts[i].hooks;
	unsigned int k;
	int err;

	for (k = 0; k < PART_HOOKS && hooks[k]; k++) {
		err = tcptrail_entry_hook_attach(hooks[k]);
		if (err) {
			tcptrail_feature_failed(parts[i].feature,
						hooks[k]->symbol, err);
			detach_hooks(hooks, k);
			return;
		}
	}
	tcptrail_feature_attached(parts[i].feature);
}

static void detach_part(unsigned int i)
{
	unsigned int n = 0;

	while (n < PART_HOOKS && parts[i].hooks[n])
		n++;
	detach_hooks(parts[i].hooks, n);
}

static void attach_abort(void)
{
	int err = register_kretprobe(&abort_probe);

	if (err)
		tcptrail_feature_failed(TCPTRAIL_FEAT_TIMEWAIT_ABORT,
					abort_probe.kp.symbol_name, err);
	else
		tcptrail_feature_attached(TCPTRAIL_FEAT_TIMEWAIT_ABORT);
}

void tcptrail_timewait_attach(void)
{
	const enum tcptrail_feature abort = TCPTRAIL_FEAT_TIMEWAIT_ABORT;
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
	if (!tcptrail_feature_wanted(abort))
		return;
	if (tcptrail_feature_on[TCPTRAIL_FEAT_TIMEWAIT])
		attach_abort();
	else
		tcptrail_feature_needs(abort, TCPTRAIL_FEAT_TIMEWAIT);
}

void tcptrail_timewait_detach(void)
{
	unsigned int i;

	if (tcptrail_feature_on[TCPTRAIL_FEAT_TIMEWAIT_ABORT])
		unregister_kretprobe(&abort_probe);
	for (i = ARRAY_SIZE(parts); i--; )
		if (tcptrail_feature_on[parts[i].feature])
			detach_part(i);
}
