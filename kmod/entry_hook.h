/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A handler run at the entry of a kernel function, with its first three
 * arguments. It is the cheapest way this kernel offers: a plain ftrace_ops
 * with a one-function filter where ftrace hands a callback the argument
 * registers (compat.h: TCPTRAIL_FTRACE_ARGS), which costs a call through
 * the function's own trampoline; a kprobe otherwise, which saves a full
 * register frame and goes through the kprobe dispatch.
 *
 * The handler runs with preemption off, in whatever context the function
 * is called in; it must not sleep, and it must not call the function it
 * hooks.
 */
#ifndef _TCPTRAIL_ENTRY_HOOK_H
#define _TCPTRAIL_ENTRY_HOOK_H

#include <linux/ftrace.h>
#include <linux/kprobes.h>
#include <linux/types.h>

typedef void (*tcptrail_entry_fn)(unsigned long arg0, unsigned long arg1,
				  unsigned long arg2);

struct tcptrail_entry_hook {
	const char *symbol;
	tcptrail_entry_fn handler;
	/* private: what carries it */
	bool via_kprobe;
#ifdef TCPTRAIL_FTRACE_ARGS
	struct ftrace_ops ops;
#endif
	struct kprobe kp;
};

/*
 * Attaches @hook: 0, -EBUSY while ftrace is off (sysctl
 * kernel.ftrace_enabled=0), or register_kprobe()'s error (-ENOENT: no such
 * function).
 */
int tcptrail_entry_hook_attach(struct tcptrail_entry_hook *hook);
/* No handler of @hook runs once this returns. */
void tcptrail_entry_hook_detach(struct tcptrail_entry_hook *hook);

/* Calls @hook did not see: a kprobe hit while another kprobe ran. */
static inline unsigned long
tcptrail_entry_hook_missed(const struct tcptrail_entry_hook *hook)
{
	return hook->via_kprobe ? READ_ONCE(hook->kp.nmissed) : 0;
}

#endif /* _TCPTRAIL_ENTRY_HOOK_H */
