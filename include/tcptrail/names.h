/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The names tcptrail shows things by, in one place for the module's procfs
 * files, the tool and the tests: TCP states, record kinds, end reasons.
 * Not UAPI: they are how records are shown, not what they hold. Each list
 * is an X-macro: X(value, "name").
 */
#ifndef _TCPTRAIL_NAMES_H
#define _TCPTRAIL_NAMES_H

/* TCP states are below this on every kernel tcptrail supports. */
#define TCPTRAIL_NR_STATES	16

/* The two states <netinet/tcp.h> lacks, as <net/tcp_states.h> has them. */
#define TCPTRAIL_TCP_NEW_SYN_RECV	12
#define TCPTRAIL_TCP_BOUND_INACTIVE	13

/* As <net/tcp_states.h> numbers them. */
#define TCPTRAIL_STATE_NAMES(X)		\
	X(1, "ESTABLISHED")		\
	X(2, "SYN_SENT")		\
	X(3, "SYN_RECV")		\
	X(4, "FIN_WAIT1")		\
	X(5, "FIN_WAIT2")		\
	X(6, "TIME_WAIT")		\
	X(7, "CLOSE")			\
	X(8, "CLOSE_WAIT")		\
	X(9, "LAST_ACK")		\
	X(10, "LISTEN")			\
	X(11, "CLOSING")		\
	X(TCPTRAIL_TCP_NEW_SYN_RECV, "NEW_SYN_RECV")	\
	X(TCPTRAIL_TCP_BOUND_INACTIVE, "BOUND_INACTIVE")

/* enum tcptrail_kind */
#define TCPTRAIL_KIND_NAMES(X)			\
	X(TCPTRAIL_KIND_STATE, "state")		\
	X(TCPTRAIL_KIND_TIMEWAIT, "timewait")	\
	X(TCPTRAIL_KIND_RESET, "reset")		\
	X(TCPTRAIL_KIND_ACCEPT, "accept")	\
	X(TCPTRAIL_KIND_TOTALS, "totals")

/* enum tcptrail_reason */
#define TCPTRAIL_REASON_NAMES(X)				\
	X(TCPTRAIL_REASON_NONE, "none")				\
	X(TCPTRAIL_REASON_EXPIRED, "expired")			\
	X(TCPTRAIL_REASON_REUSED, "reused")			\
	X(TCPTRAIL_REASON_CONNECT_REUSE, "connect-reuse")	\
	X(TCPTRAIL_REASON_RST_RECEIVED, "rst-received")		\
	X(TCPTRAIL_REASON_RST_SENT, "rst-sent")			\
	X(TCPTRAIL_REASON_ABORTED, "aborted")			\
	X(TCPTRAIL_REASON_NETNS_EXIT, "netns-exit")		\
	X(TCPTRAIL_REASON_NOT_CREATED, "not-created")		\
	X(TCPTRAIL_REASON_KILLED, "killed")			\
	X(TCPTRAIL_REASON_UNKNOWN, "unknown")

/* For a designated initializer: [value] = "name", */
#define TCPTRAIL_NAME_ENTRY(value, name)	[value] = name,

#endif /* _TCPTRAIL_NAMES_H */
