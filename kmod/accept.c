// SPDX-License-Identifier: GPL-2.0
/*
 * Who owns an accepted connection: its records mostly run in softirq, in
 * whatever task was interrupted, so the task that accept()s it is recorded
 * as the accept hands it over.
 *
 * That moment is security_sock_graft(newsk, newsock), which inet_accept()
 * calls (through sock_graft()) in the accepting task: an entry hook with
 * the new socket as its argument. Without CONFIG_SECURITY_NETWORK that
 * function is inline, and a kretprobe on inet_csk_accept() takes its place:
 * it costs more per accept, and a task blocked in accept() holds one of its
 * instances.
 */
#include <linux/kprobes.h>
#include <linux/ptrace.h>
#include <net/mptcp.h>
#include <net/sock.h>

#include "entry_hook.h"
#include "features.h"
#include "hooks.h"
#include "record.h"

static void record_accept(struct sock *child)
{
	struct tcptrail_what what = { .kind = TCPTRAIL_KIND_ACCEPT };

	/* Every inet family's accept grafts; an MPTCP subflow is grafted
	 * on connect() too.
	 */
	if (!child || child->sk_protocol != IPPROTO_TCP ||
	    child->sk_type != SOCK_STREAM || sk_is_mptcp(child))
		return;
	what.old_state = child->sk_state;
	what.new_state = child->sk_state;
	tcptrail_record(child, &what);
}

/* security_sock_graft(sk, parent) */
static void graft_entry(unsigned long sk, unsigned long parent,
			unsigned long unused)
{
	record_accept((struct sock *)sk);
}

static struct tcptrail_entry_hook graft_hook = {
	.symbol		= "security_sock_graft",
	.handler	= graft_entry,
};

static int accept_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	record_accept((struct sock *)regs_return_value(regs));
	return 0;
}

static struct kretprobe accept_probe = {
	.kp.symbol_name	= "inet_csk_accept",
	.handler	= accept_return,
	.maxactive	= 256,	/* tasks blocked in accept() hold one each */
};

static bool using_kretprobe;

void tcptrail_accept_attach(void)
{
	const enum tcptrail_feature f = TCPTRAIL_FEAT_ACCEPT_OWNER;
	int err;

	if (!tcptrail_feature_wanted(f))
		return;
	err = tcptrail_entry_hook_attach(&graft_hook);
	/* With ftrace off, a kretprobe would attach and never run either. */
	if (err && err != -EBUSY) {
		err = register_kretprobe(&accept_probe);
		using_kretprobe = !err;
	}
	if (err)
		tcptrail_feature_failed(f, "security_sock_graft and inet_csk_accept",
					err);
	else
		tcptrail_feature_attached(f);
}

void tcptrail_accept_detach(void)
{
	if (!tcptrail_feature_on[TCPTRAIL_FEAT_ACCEPT_OWNER])
		return;
	if (!using_kretprobe) {
		tcptrail_entry_hook_detach(&graft_hook);
		return;
	}
	unregister_kretprobe(&accept_probe);
	if (accept_probe.nmissed)
		pr_info("%d accept() returns were not seen (too many blocked accepts)\n",
			accept_probe.nmissed);
}
