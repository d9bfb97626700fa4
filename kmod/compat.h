/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels tcptrail supports (5.10 to 7.x), in one
 * place. Force-included before every source file by Kbuild, which probes the
 * kernel's headers and defines the TCPTRAIL_HAVE_* it finds.
 */
#ifndef _TCPTRAIL_COMPAT_H
#define _TCPTRAIL_COMPAT_H

/* 6.5 added the inet_diag pseudo-state TCP_BOUND_INACTIVE after NEW_SYN_RECV. */
#ifndef TCPTRAIL_HAVE_TCP_BOUND_INACTIVE
#define TCP_BOUND_INACTIVE 13
#endif

/* 6.4 moved a dump's parsed attributes into a struct genl_info. */
#ifdef TCPTRAIL_HAVE_GENL_INFO_DUMP
#define tcptrail_genl_dump_attrs(cb)	(genl_info_dump(cb)->attrs)
#else
#define tcptrail_genl_dump_attrs(cb)	(genl_dumpit_info(cb)->attrs)
#endif

/*
 * 6.10 gave tcp:tcp_send_reset a third argument, the reset's reason, which
 * a record keeps as its detail plus one (0: not given).
 */
#ifdef TCPTRAIL_HAVE_SK_RST_REASON
#define TCPTRAIL_SEND_RESET_ARGS \
	void *data, const struct sock *sk, const struct sk_buff *skb, \
	enum sk_rst_reason reason
#define TCPTRAIL_SEND_RESET_DETAIL	((u8)(reason + 1))
#else
#define TCPTRAIL_SEND_RESET_ARGS \
	void *data, const struct sock *sk, const struct sk_buff *skb
#define TCPTRAIL_SEND_RESET_DETAIL	0
#endif

/*
 * 6.8 lets a genl family hear its multicast groups joined and left
 * (netlink.c's notify_bind() and notify_unbind()); before it, the module
 * cannot tell when a reader starts listening.
 */
#ifdef TCPTRAIL_HAVE_GENL_FAMILY_BIND
#define TCPTRAIL_GENL_HEARS_BIND	true
#define TCPTRAIL_GENL_BIND	.bind = notify_bind, .unbind = notify_unbind,
#else
#define TCPTRAIL_GENL_HEARS_BIND	false
#define TCPTRAIL_GENL_BIND
#endif

/* 5.17 renamed PDE_DATA() to pde_data(). */
#ifndef TCPTRAIL_HAVE_PDE_DATA_LOWER
#define pde_data(inode)	PDE_DATA(inode)
#endif

/*
 * 6.1 made the reserved fields of a genl header an error from a given
 * operation on (for tcptrail, all of them); older kernels take no such
 * start (and validate strictly).
 */
#ifdef TCPTRAIL_HAVE_GENL_RESV_START_OP
#define TCPTRAIL_GENL_RESV_START_OP	.resv_start_op = TCPTRAIL_CMD_GET_EVENTS,
#else
#define TCPTRAIL_GENL_RESV_START_OP
#endif

/*
 * A multicast group only CAP_NET_ADMIN may join: GENL_MCAST_CAP_NET_ADMIN
 * since 6.7 (and in 6.1.y). Earlier stable kernels (5.10.y with the fix
 * that gave groups cap_sys_admin) refuse the join with GENL_UNS_ADMIN_PERM
 * in the group's flags instead; a kernel with neither cannot keep readers
 * without CAP_NET_ADMIN out, so the module does not build there.
 */
#if defined(TCPTRAIL_HAVE_GENL_MCAST_CAP_NET_ADMIN)
#define TCPTRAIL_MCGRP_NET_ADMIN	GENL_MCAST_CAP_NET_ADMIN
#elif defined(TCPTRAIL_HAVE_GENL_MCAST_CAP_FIELD)
#define TCPTRAIL_MCGRP_NET_ADMIN	GENL_UNS_ADMIN_PERM
#else
#error "this kernel cannot keep a multicast group to CAP_NET_ADMIN: \
update to the newest stable release of its series"
#endif

/*
 * 6.9 merged inet_twsk_hashdance(tw, sk, hashinfo), which hashes a new
 * timewait socket in place of its full socket, with the scheduling of its
 * timer: inet_twsk_hashdance_schedule(tw, sk, hashinfo, timeo).
 */
#ifdef TCPTRAIL_HAVE_TWSK_HASHDANCE_SCHEDULE
#define TCPTRAIL_TWSK_HASHDANCE		"inet_twsk_hashdance_schedule"
#else
#define TCPTRAIL_TWSK_HASHDANCE		"inet_twsk_hashdance"
#endif

/*
 * An ftrace_ops callback gets the traced function's argument registers
 * without asking for all registers (DYNAMIC_FTRACE_WITH_ARGS: x86 since
 * 5.11), read with ftrace_regs_get_argument() since 6.2 and straight from
 * the pt_regs inside struct ftrace_regs before. Without it (5.10), entry
 * hooks are kprobes (entry_hook.c).
 */
#ifdef CONFIG_DYNAMIC_FTRACE_WITH_ARGS
#if defined(TCPTRAIL_HAVE_FTRACE_REGS_GET_ARGUMENT)
#define TCPTRAIL_FTRACE_ARGS
#define tcptrail_fregs_arg(fregs, n)	ftrace_regs_get_argument(fregs, n)
#elif defined(TCPTRAIL_HAVE_FTRACE_REGS_PT_REGS)
#define TCPTRAIL_FTRACE_ARGS
#define tcptrail_fregs_arg(fregs, n) \
	regs_get_kernel_argument(&(fregs)->regs, n)
#endif
#endif

#endif /* _TCPTRAIL_COMPAT_H */
