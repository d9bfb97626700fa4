// SPDX-License-Identifier: GPL-2.0
/*
 * tcptrail: records every TCP state transition on the host in a flight
 * recorder, so a connection's whole life can be shown after the fact.
 */
#include <linux/ctype.h>
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

#include "config.h"
#include "hooks.h"
#include "netlink.h"
#include "netns.h"
#include "proc.h"

static unsigned int ring_size = TCPTRAIL_RING_DEFAULT;

/* A number of records, or a memory size with a K/M/G suffix. */
static int ring_size_set(const char *val, const struct kernel_param *kp)
{
	unsigned long long n;
	char *end;

	n = memparse(val, &end);
	if (end == val || (*end && *end != '\n') || *val == '-')
		goto invalid;
	if (isalpha(end[-1])) {
		/* A memory budget: the most records that fit in it. */
		n /= TCPTRAIL_SLOT_BYTES;
		if (n < TCPTRAIL_RING_MIN)
			goto invalid;
		n = rounddown_pow_of_two(min_t(u64, n, TCPTRAIL_RING_MAX));
	}
	if (n < TCPTRAIL_RING_MIN || n > TCPTRAIL_RING_MAX)
		goto invalid;
	*(unsigned int *)kp->arg = roundup_pow_of_two(n);
	return 0;

invalid:
	pr_err("ring_size=%s is invalid: give %u to %u records (rounded up to a power of two), or a memory size such as 4M (%u bytes per record, rounded down)\n",
	       val, TCPTRAIL_RING_MIN, TCPTRAIL_RING_MAX, TCPTRAIL_SLOT_BYTES);
	return -EINVAL;
}

static const struct kernel_param_ops ring_size_ops = {
	.set = ring_size_set,
	.get = param_get_uint,
};

module_param_cb(ring_size, &ring_size_ops, &ring_size, 0444);
MODULE_PARM_DESC(ring_size, "records kept (64..4194304, default 32768), or memory with a K/M suffix");

static int __init tcptrail_init(void)
{
	int err;

	err = tcptrail_config_init(ring_size);
	if (err) {
		pr_err("cannot allocate a ring of %u records; load with a smaller ring_size\n",
		       ring_size);
		return err;
	}
	err = tcptrail_netns_init();
	if (err)
		goto err_netns;
	err = tcptrail_proc_init();
	if (err)
		goto err_proc;
	err = tcptrail_genl_init();
	if (err)
		goto err_genl;
	/* Optional: each one that cannot attach turns its feature off. */
	tcptrail_timewait_attach();
	tcptrail_resets_attach();
	tcptrail_accept_attach();
	err = tcptrail_probe_attach();
	if (err)
		goto err_probe;
	pr_info("recording TCP state transitions, %u records (%lu KiB)\n",
		ring_size, (unsigned long)ring_size * TCPTRAIL_SLOT_BYTES / 1024);
	return 0;

err_probe:
	tcptrail_accept_detach();
	tcptrail_resets_detach();
	tcptrail_timewait_detach();
	tcptrail_genl_exit();
err_genl:
	tcptrail_proc_exit();
err_proc:
	tcptrail_netns_exit();
err_netns:
	tcptrail_config_exit();
	return err;
}

static void __exit tcptrail_exit(void)
{
	tcptrail_probe_detach();
	tcptrail_accept_detach();
	tcptrail_resets_detach();
	tcptrail_timewait_detach();
	tcptrail_genl_exit();
	tcptrail_proc_exit();
	tcptrail_netns_exit();
	tcptrail_config_exit();
}

module_init(tcptrail_init);
module_exit(tcptrail_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Records the life of every TCP connection");
MODULE_AUTHOR("The tcptrail authors");
