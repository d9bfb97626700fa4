// SPDX-License-Identifier: GPL-2.0
/*
 * Entry hooks (entry_hook.h): ftrace_ops where ftrace passes arguments,
 * kprobes elsewhere (5.10) or where ftrace refuses the function.
 *
 * The ftrace_ops asks for neither saved registers nor ftrace's recursion
 * guard: the handlers only write records, and nothing they call is hooked,
 * so a function with only this ops attached calls the handler straight
 * from its trampoline.
 */
#include <linux/errno.h>
#include <linux/kallsyms.h>
#include <linux/preempt.h>
#include <linux/ptrace.h>
#include <linux/string.h>

#include "entry_hook.h"

static int entry_kprobe(struct kprobe *p, struct pt_regs *regs)
{
	struct tcptrail_entry_hook *hook =
		container_of(p, struct tcptrail_entry_hook, kp);

	hook->handler(regs_get_kernel_argument(regs, 0),
		      regs_get_kernel_argument(regs, 1),
		      regs_get_kernel_argument(regs, 2));
	return 0;
}

static int attach_kprobe(struct tcptrail_entry_hook *hook)
{
	int err;

	memset(&hook->kp, 0, sizeof(hook->kp));
	hook->kp.symbol_name = hook->symbol;
	hook->kp.pre_handler = entry_kprobe;
	err = register_kprobe(&hook->kp);
	hook->via_kprobe = !err;
	return err;
}

#ifdef TCPTRAIL_FTRACE_ARGS
static void notrace entry_ftrace(unsigned long ip, unsigned long parent_ip,
				 struct ftrace_ops *ops,
				 struct ftrace_regs *fregs)
{
	struct tcptrail_entry_hook *hook =
		container_of(ops, struct tcptrail_entry_hook, ops);

	preempt_disable_notrace();
	hook->handler(tcptrail_fregs_arg(fregs, 0),
		      tcptrail_fregs_arg(fregs, 1),
		      tcptrail_fregs_arg(fregs, 2));
	preempt_enable_notrace();
}

static int attach_ftrace(struct tcptrail_entry_hook *hook)
{
	/* The filter parser writes into its buffer. */
	char name[KSYM_NAME_LEN];
	int err;

	memset(&hook->ops, 0, sizeof(hook->ops));
	hook->ops.func = entry_ftrace;
	/*
	 * sysctl kernel.ftrace_enabled=0 would stop the hook without a word:
	 * it is refused while the hook is attached, and the hook cannot
	 * attach while it is 0 (-EBUSY).
	 */
	hook->ops.flags = FTRACE_OPS_FL_PERMANENT;
	if (strscpy(name, hook->symbol, sizeof(name)) < 0)
		return -ENOENT;
	/*
	 * By name: every traceable function of that name. The hooked ones are
	 * each the only one of their name in kallsyms on 5.10 to 7.x.
	 */
	err = ftrace_set_filter(&hook->ops, name, strlen(name), 1);
	if (err)
		return err;
	err = register_ftrace_function(&hook->ops);
	if (err)
		ftrace_free_filter(&hook->ops);
	return err;
}

static void detach_ftrace(struct tcptrail_entry_hook *hook)
{
	unregister_ftrace_function(&hook->ops);
	ftrace_free_filter(&hook->ops);
}
#else
static int attach_ftrace(struct tcptrail_entry_hook *hook)
{
	return -EOPNOTSUPP;
}

static void detach_ftrace(struct tcptrail_entry_hook *hook)
{
}
#endif

int tcptrail_entry_hook_attach(struct tcptrail_entry_hook *hook)
{
	int err;

	hook->via_kprobe = false;
	err = attach_ftrace(hook);
	/*
	 * Not with ftrace off: a kprobe on a function's ftrace call site
	 * would attach and then never run.
	 */
	if (!err || err == -EBUSY)
		return err;
	/* Not traceable, or no arguments for ftrace callbacks: a kprobe. */
	return attach_kprobe(hook);
}

void tcptrail_entry_hook_detach(struct tcptrail_entry_hook *hook)
{
	if (hook->via_kprobe)
		unregister_kprobe(&hook->kp);
	else
		detach_ftrace(hook);
}
