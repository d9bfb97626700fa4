/* SPDX-License-Identifier: GPL-2.0 */
/* Writing one record, from any hook, in any context. */
#ifndef _TCPTRAIL_RECORD_H
#define _TCPTRAIL_RECORD_H

#include <linux/types.h>
#include <net/net_namespace.h>
#include <net/sock.h>
#include <uapi/linux/tcptrail.h>

/* What one record says, besides what it copies from the socket. */
struct tcptrail_what {
	u64 conn;		/* 0: the socket's cookie */
	u8 kind;		/* enum tcptrail_kind */
	u8 old_state;
	u8 new_state;
	u8 reason;		/* enum tcptrail_reason */
	u8 detail;		/* a RESET's; a STATE's is the socket's error */
	bool then_totals;	/* a TOTALS record follows (a full socket) */
};

/*
 * Writes one record about @sk (full, timewait or request socket) unless
 * recording is off or the filters skip it. Any context; no locks taken.
 */
void tcptrail_record(const struct sock *sk, const struct tcptrail_what *what);

/*
 * The same for a state change, @conn 0 meaning the socket's cookie; the
 * totals follow a connection's move to CLOSE. The state probe's path.
 */
void tcptrail_record_state(const struct sock *sk, int oldstate, int newstate,
			   u64 conn);

/*
 * Whether a record about @sk would be written now: for hooks that prepare
 * something (a cookie) before the record. Under an RCU read side.
 */
bool tcptrail_record_wanted(const struct sock *sk);

u64 tcptrail_sock_cookie_make(const struct sock *sk);

/*
 * The socket cookie (SO_COOKIE): stable for the socket's life, copied to
 * its timewait socket, and not a kernel address. Made if it has none yet.
 */
static inline u64 tcptrail_sock_cookie(const struct sock *sk)
{
	return atomic64_read(&sk->sk_cookie) ?: tcptrail_sock_cookie_make(sk);
}

/*
 * "New records of @net": called under RCU after each record, from any
 * context, while installed. The transport that tells readers installs it
 * while a reader may be listening and removes it for good after the hooks
 * are gone.
 */
typedef void (*tcptrail_new_data_fn)(struct net *net);
void tcptrail_record_set_new_data(tcptrail_new_data_fn fn);

#endif /* _TCPTRAIL_RECORD_H */
