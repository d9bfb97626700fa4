/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels tcptrail supports (6.1 and 6.12), in one
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

/* 6.10 gave tcp:tcp_send_reset a third argument, the reset's reason. */
#ifdef TCPTRAIL_HAVE_SK_RST_REASON
#define TCPTRAIL_SEND_RESET_ARGS \
	void *data, const struct sock *sk, const struct sk_buff *skb, \
	enum sk_rst_reason reason
#else
#define TCPTRAIL_SEND_RESET_ARGS \
	void *data, const struct sock *sk, const struct sk_buff *skb
#endif

#endif /* _TCPTRAIL_COMPAT_H */
