// SPDX-License-Identifier: GPL-2.0
/*
 * Who owns an accepted connection: its records mostly run in softirq, in
 * whatever task was interrupted, so the task that accept()s it is recorded
 * when inet_csk_accept() returns it.
 */
#include <linux/kprobes.h>
#include <linux/ptrace.h>
#include <net/sock.h>

#include "tcptrail.h"

static int accept_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct sock *child = (struct sock *)regs_return_value(regs);
	struct tcptrail_what what = { .kind = TCPTRAIL_KIND_ACCEPT };

	if (!child || child->sk_protocol != IPPROTO_TCP)
		return 0;
	what.old_state = child->sk_state;
	what.new_state = child->sk_state;
	tcptrail_record(child, &what);
	return 0;
}

static struct kretprobe accept_probe = {
	.kp.symbol_name	= "inet_csk_accept",
	.handler	= accept_return,
	.maxactive	= 256,	/* tasks blocked in accept() hold one each */
};

int tcptrail_accept_attach(void)
{
	int err = register_kretprobe(&accept_probe);

	if (err)
		pr_err("cannot probe inet_csk_accept (%d)\n", err);
	return err;
}

void tcptrail_accept_detach(void)
{
	unregister_kretprobe(&accept_probe);
	if (accept_probe.nmissed)
		pr_info("%d accept() returns were not seen (too many blocked accepts)\n",
			accept_probe.nmissed);
}
