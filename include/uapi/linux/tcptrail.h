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
#define TCPTRAIL_RECORD_VERSION	3

/* What a record is about: tcptrail_record.kind. */
enum tcptrail_kind {
	/* A state change of a full socket (sock:inet_sock_set_state). */
	TCPTRAIL_KIND_STATE,
	/* The connection's timewait socket, which the tracepoint never
	 * reports: entering TIME_WAIT (new_state TIME_WAIT, or FIN_WAIT2 for
	 * an orphaned socket's timewait substate), the substate switch
	 * FIN_WAIT2 -> TIME_WAIT, and leaving it (new_state CLOSE) with the
	 * reason. The full socket's own FIN_WAIT2/CLOSING -> CLOSE record
	 * follows the entry: it is the hand-over, not the end.
	 */
	TCPTRAIL_KIND_TIMEWAIT,
	/* A RST sent or received on the connection (reason says which);
	 * old_state == new_state == the state at the time.
	 */
	TCPTRAIL_KIND_RESET,
	/* accept() handed the connection to the current task: its owner. */
	TCPTRAIL_KIND_ACCEPT,
	/* The connection's totals when its full socket closed; the
	 * addresses and comm are replaced by @totals (see below).
	 */
	TCPTRAIL_KIND_TOTALS,
};

/* tcptrail_record.reason for TCPTRAIL_KIND_TIMEWAIT and _RESET records. */
enum tcptrail_reason {
	TCPTRAIL_REASON_NONE,
	TCPTRAIL_REASON_EXPIRED,	/* the TIME_WAIT period ended */
	TCPTRAIL_REASON_REUSED,		/* a new SYN for the same 4-tuple */
	TCPTRAIL_REASON_CONNECT_REUSE,	/* connect() took over the port */
	TCPTRAIL_REASON_RST_RECEIVED,
	TCPTRAIL_REASON_RST_SENT,
	TCPTRAIL_REASON_ABORTED,	/* tcp_abort(), e.g. ss -K */
	TCPTRAIL_REASON_NETNS_EXIT,	/* its network namespace went away */
	TCPTRAIL_REASON_NOT_CREATED,	/* no timewait socket: the
					 * tcp_max_tw_buckets limit was hit
					 */
	TCPTRAIL_REASON_KILLED,		/* ended some other way */
	TCPTRAIL_REASON_UNKNOWN,	/* the hook that tells was off */
};

/* Bits of tcptrail_record.flags. */
enum {
	/* The transition ran in softirq (or hardirq) context, not in a task:
	 * pid/tgid/comm are then those of whatever task was interrupted.
	 */
	TCPTRAIL_F_SOFTIRQ	= 1 << 0,
};

/*
 * One TCP state transition. 112 bytes, no implicit padding; every byte is
 * written by the module (unused address bytes are zero). A reader checks
 * the record size the module reports (GET_STATS RECORD_SIZE): version 2,
 * before @cgroup and @detail, was 104 bytes.
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
 * @cgroup:	cgroup v2 id of the socket: the cgroup its creator was in (a
 *		listener's children inherit the listener's), as the inode
 *		number of its directory under /sys/fs/cgroup. Whatever task
 *		the transition runs in, softirq included. 0: unknown (a
 *		timewait socket keeps none; a kernel without cgroup v2 socket
 *		data).
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
 * @kind:	enum tcptrail_kind.
 * @reason:	enum tcptrail_reason.
 * @detail:	what the kernel said, by @kind: for KIND_STATE, the socket's
 *		error (sk_err: ETIMEDOUT, ECONNREFUSED, ECONNRESET,
 *		ECONNABORTED, ... 0 none), which says why a move to CLOSE
 *		happened; for a KIND_RESET of a RST sent, the kernel's reason
 *		(enum sk_rst_reason) plus one, 0 where the kernel gives none
 *		(before 6.10); see TCPTRAIL_A_RST_REASON for the names.
 *		Otherwise 0.
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
	__u64	cgroup;
	__u32	netns;
	__u32	pid;
	__u32	tgid;
	__u16	family;
	__u16	sport;
	__u16	dport;
	__u8	old_state;
	__u8	new_state;
	__u8	flags;
	__u8	kind;
	__u8	reason;
	__u8	detail;
	union {
		struct {
			__u8	saddr[16];
			__u8	daddr[16];
			char	comm[16];
		};
		struct tcptrail_totals {
			__u64	bytes_sent;	/* including retransmissions */
			__u64	bytes_acked;	/* sent and acknowledged */
			__u64	bytes_received;
			__u64	bytes_retrans;
			__u32	segs_out;
			__u32	segs_in;
			__u32	total_retrans;	/* retransmitted segments */
			__u32	srtt_us;	/* smoothed RTT */
		} totals;
	};
};

/* Limits of the ring_size module parameter, in records. */
#define TCPTRAIL_RING_MIN	64
#define TCPTRAIL_RING_MAX	(1U << 22)
#define TCPTRAIL_RING_DEFAULT	32768

/*
 * Generic netlink family "tcptrail". Its version is TCPTRAIL_GENL_VERSION;
 * a reader built for another version must refuse to run. Its commands,
 * attributes and multicast groups are in <linux/tcptrail_genl.h>, generated
 * from their spec, Documentation/netlink/specs/tcptrail.yaml (make regen),
 * which documents each attribute.
 *
 * GET_EVENTS (dump): records from CURSOR (absent: the oldest), of the
 *	caller's network namespace (ALL_NETNS: of every namespace; only for
 *	CAP_NET_ADMIN in the initial namespaces). Each reply message holds
 *	RECORDS (absent when there are none): the records packed back to
 *	back in sequence order, each RECORD_SIZE bytes (see GET_STATS); it is
 *	the first attribute, so its payload is 64-bit aligned within the
 *	message. Then MISSED (records lost just before this message's
 *	records: overwritten or dropped by a resize), CURSOR and NETNS_CURSOR
 *	to pass to the next GET_EVENTS to resume exactly there. Family
 *	version 1 sent MISSED first and one RECORD attribute per record.
 *	The dump ends when it reaches the newest record. NETNS_CURSOR in the
 *	request (the netns_seq expected next) lets MISSED count losses of the
 *	caller's namespace that happened between two dumps.
 * GET_STATS (do): RING_SIZE, RECORD_SIZE, WRITTEN, OVERWRITTEN,
 *	HISTORY_DROPPED, NOT_RECORDED, FILTERED, NETNS_WRITTEN, STATE_COUNT*,
 *	FEATURE* (one per feature, see tcptrail_feature_attr), RST_REASON*
 *	(the running kernel's names of its RST reasons, see
 *	tcptrail_rst_reason_attr; none before 6.10).
 * GET_CONFIG (do): RING_SIZE, ENABLED, FILTER_FAMILY, FILTER_PORTS.
 * SET_CONFIG (do): any of RING_SIZE, ENABLED, FILTER_FAMILY, FILTER_PORTS
 *	(an empty FILTER_PORTS nest clears the port filter). Needs
 *	CAP_NET_ADMIN in the initial user namespace: the ring is shared.
 * EVENTS_NTF: sent when new records have been written; it says only
 *	"there is more": dump from your cursor. The "events" multicast group
 *	hears of records of its own network namespace; "events-all", for
 *	ALL_NETNS readers, of every namespace's, and only in the initial
 *	namespace. Joining either needs CAP_NET_ADMIN.
 */
#include <linux/tcptrail_genl.h>

/*
 * What this kernel lets the module record. Only sock:inet_sock_set_state is
 * required; every other hook attaches on its own, and a feature whose hook
 * is missing, cannot be probed or was turned off with the module parameter
 * disable= is off: the records it feeds are not written. Names, as in
 * disable= and in FEATURE_A_NAME:
 *
 * child-cookie:	a listener's child has its own conn from its first
 *			record (entry of inet_csk_clone_lock)
 * accept-owner:	the task that accept()ed a connection, KIND_ACCEPT
 *			(entry of security_sock_graft, or kretprobe
 *			inet_csk_accept)
 * reset-sent:		KIND_RESET records of RSTs sent (tcp:tcp_send_reset)
 * reset-received:	KIND_RESET records of RSTs received
 *			(tcp:tcp_receive_reset)
 * timewait:		KIND_TIMEWAIT entry and end (entries of
 *			inet_twsk_hashdance_schedule, before 6.9
 *			inet_twsk_hashdance; tcp_time_wait; inet_twsk_kill)
 * timewait-segment:	the FIN_WAIT2 -> TIME_WAIT substate switch and the
 *			end reasons rst-received, reused and rst-sent
 *			(entries of tcp_timewait_state_process and
 *			__inet_twsk_schedule)
 * timewait-expiry:	the end reason expired (entry of tw_timer_handler)
 * timewait-abort:	the end reason aborted, and connect-reuse told from
 *			it (kretprobe tcp_abort)
 *
 * An entry hook is an ftrace_ops callback where the kernel passes the
 * arguments to one (x86-64 from 5.11), a kprobe otherwise.
 *
 * An end whose reason only an off feature could tell is UNKNOWN.
 */
#define TCPTRAIL_FEATURE_TIMEWAIT	"timewait"

#endif /* _UAPI_LINUX_TCPTRAIL_H */
