/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * tcptrail: the life of every TCP connection, as recorded by tcptrail.ko.
 *
 * This header is shared by the module and by every reader. A record is the
 * unit of everything tcptrail stores and hands out: one TCP state transition.
 */
#ifndef _UAPI_LINUX_TCPTRAIL_H
#define _UAPI_LINUX_TCPTRAIL_H

#include <linux/types.h>

/* Bumped whenever struct tcptrail_record or its meaning changes. */
#define TCPTRAIL_RECORD_VERSION	1

/* Bits of tcptrail_record.flags. */
enum {
	/* The transition ran in softirq (or hardirq) context, not in a task:
	 * pid/tgid/comm are then those of whatever task was interrupted.
	 */
	TCPTRAIL_F_SOFTIRQ	= 1 << 0,
};

/*
 * One TCP state transition. 104 bytes, no implicit padding; every byte is
 * written by the module (reserved bytes and unused address bytes are zero).
 *
 * @seq:	sequence number, 1 for the first record after load, +1 per record,
 *		shared by all CPUs and all network namespaces. A reader of every
 *		namespace sees gaps only where records were overwritten.
 * @netns_seq:	sequence number within the record's network namespace (1, 2,
 *		...). A reader of one namespace counts the records it missed
 *		from the gaps in this number. Two writers racing on different
 *		CPUs may take @seq and @netns_seq in opposite orders, so a
 *		record can arrive one place "late": count misses as
 *		(highest @netns_seq seen) - (first expected) + 1 - (records seen).
 * @ts_ns:	CLOCK_MONOTONIC time of the transition, in nanoseconds.
 * @conn:	connection identity: the socket cookie (SO_COOKIE, the "sk:"
 *		cookie of `ss -e`), unique per socket for the life of the system.
 * @netns:	inode number of the socket's network namespace, as shown by
 *		`readlink /proc/<pid>/ns/net` (net:[<netns>]).
 * @pid:	thread id of the current task when the transition happened.
 * @tgid:	process id of that task.
 * @family:	AF_INET or AF_INET6. IPv4-mapped IPv6 sockets are AF_INET.
 * @sport:	local port, host byte order.
 * @dport:	remote port, host byte order.
 * @old_state:	TCP state before the transition (TCP_ESTABLISHED, ... as in
 *		<netinet/tcp.h>: 1 ESTABLISHED ... 12 NEW_SYN_RECV).
 * @new_state:	TCP state after the transition.
 * @flags:	TCPTRAIL_F_* bits.
 * @reserved:	zero.
 * @saddr:	local address: 4 bytes for AF_INET (the rest zero), 16 for
 *		AF_INET6, network byte order.
 * @daddr:	remote address, as @saddr.
 * @comm:	command name of the current task, NUL-terminated.
 */
struct tcptrail_record {
	__u64	seq;
	__u64	netns_seq;
	__u64	ts_ns;
	__u64	conn;
	__u32	netns;
	__u32	pid;
	__u32	tgid;
	__u16	family;
	__u16	sport;
	__u16	dport;
	__u8	old_state;
	__u8	new_state;
	__u8	flags;
	__u8	reserved[3];
	__u8	saddr[16];
	__u8	daddr[16];
	char	comm[16];
};

/* Limits of the ring_size module parameter, in records. */
#define TCPTRAIL_RING_MIN	64
#define TCPTRAIL_RING_MAX	(1U << 22)
#define TCPTRAIL_RING_DEFAULT	32768

#endif /* _UAPI_LINUX_TCPTRAIL_H */
