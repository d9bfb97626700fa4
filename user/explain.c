// SPDX-License-Identifier: GPL-2.0
#include <stdbool.h>
#include <string.h>

#include "explain.h"

/* $s: the sender (or the side a state row is about), $r: the receiver. */
static const char *const sentences[NR_EXPLAIN] = {
	[EXPLAIN_SYN] =
		"$s asks to connect: it sends a SYN with its initial sequence "
		"number and waits in SYN_SENT; $r's listener keeps the half-open "
		"connection (SYN_RECEIVED) as a request, not yet a socket, and "
		"answers.",
	[EXPLAIN_SYN_CROSSED] =
		"Both ends sent a SYN at once (simultaneous open): the SYN of $s "
		"reaches $r in SYN_SENT, so $r moves to SYN_RECEIVED and answers "
		"with SYN+ACK.",
	[EXPLAIN_SYN_ACK] =
		"$s acknowledges the SYN and sends its own SYN in the same "
		"segment; $r, whose SYN is now acknowledged, is ESTABLISHED and "
		"acknowledges it in turn.",
	[EXPLAIN_HANDSHAKE_ACK] =
		"The ACK of $s completes the 3-way handshake: $r makes the "
		"connection's socket only now, so it passes SYN_RECEIVED and is "
		"ESTABLISHED at once; accept() can return it.",
	[EXPLAIN_FIN_FIRST] =
		"$s has nothing more to send: close() sends a FIN and $s waits in "
		"FIN_WAIT1 for its ACK; $r receives it and waits in CLOSE_WAIT "
		"until its application closes too.",
	[EXPLAIN_FIN_ACKED] =
		"$s acknowledges the FIN; the FIN of $r is acknowledged, so $r "
		"waits in FIN_WAIT2 for the FIN of $s.",
	[EXPLAIN_FIN_SECOND] =
		"$s has finished too: its FIN goes out and it waits in LAST_ACK; "
		"the FIN of $s arrives, $r acknowledges it and waits 2×MSL in "
		"TIME_WAIT so that a lost final ACK can be resent.",
	[EXPLAIN_FIN_SECOND_WITH_ACK] =
		"$s acknowledges the FIN and, having finished too, sends its own "
		"FIN in the same segment, then waits in LAST_ACK; $r passes "
		"FIN_WAIT2, acknowledges the FIN and waits 2×MSL in TIME_WAIT so "
		"that a lost final ACK can be resent.",
	[EXPLAIN_LAST_ACK] =
		"The final ACK of $s reaches $r, which was waiting for it in "
		"LAST_ACK: the connection is CLOSED on $r's side.",
	[EXPLAIN_FIN_CROSSED] =
		"Both ends closed at once (simultaneous close): the FIN of $s "
		"reaches $r while it still waits in FIN_WAIT1 for the ACK of its "
		"own FIN; $r acknowledges it and goes to CLOSING.",
	[EXPLAIN_CLOSING_ACKED] =
		"$s acknowledges the FIN of $r: $r leaves CLOSING and waits "
		"2×MSL in TIME_WAIT, like the other end.",
	[EXPLAIN_REFUSED] =
		"Nothing listens on that port: the SYN is answered with a RST, "
		"and the connect() of $r fails (connection refused).",
	[EXPLAIN_RESET_SENT] =
		"$s aborts the connection with a RST (close() with SO_LINGER 0 "
		"or with unread data, or a segment it cannot accept); $r drops "
		"it at once: no 4-way handshake, no TIME_WAIT.",
	[EXPLAIN_RESET_RECEIVED] =
		"A RST from $s reaches $r: the connection is dropped at once "
		"(connection reset), whatever was still unsent is lost.",
	[EXPLAIN_CLOSED_BY_RESET] =
		"After the RST $s is CLOSED straight away.",
	[EXPLAIN_SYN_RETRANSMITTED] =
		"No SYN+ACK came back: $s sent the SYN again, waiting twice as "
		"long each time (tcp_syn_retries).",
	[EXPLAIN_SYN_TIMEOUT] =
		"$s gives up: no answer to any of its SYNs, connect() fails "
		"(timed out) and the socket is CLOSED.",
	[EXPLAIN_DATA] =
		"Data segments are not drawn: the bracket gives the bytes each "
		"way, acknowledged, from the totals.",
	[EXPLAIN_TW_EXPIRED] =
		"2×MSL is over (60 s on Linux): no stray segment of this "
		"connection can still arrive, so $s frees TIME_WAIT and is "
		"CLOSED.",
	[EXPLAIN_TW_REUSED] =
		"A new SYN for the same 4-tuple reaches $r in TIME_WAIT; its "
		"sequence number is past the old connection's, so TIME_WAIT ends "
		"early and the SYN opens a new connection.",
	[EXPLAIN_TW_CONNECT_REUSE] =
		"connect() on $s took over the port of this TIME_WAIT connection "
		"for a new one (tcp_tw_reuse): TIME_WAIT ends early.",
	[EXPLAIN_TW_RST] =
		"A RST reaches $r in TIME_WAIT and ends it early (TIME_WAIT "
		"assassination).",
	[EXPLAIN_TW_ABORTED] =
		"TIME_WAIT of $s was ended by hand (ss -K, tcp_abort()).",
	[EXPLAIN_TW_OTHER] =
		"TIME_WAIT of $s ended without its full 2×MSL (its network "
		"namespace went away, or the kernel dropped it).",
	[EXPLAIN_TW_NOT_CREATED] =
		"$s had no TIME_WAIT at all: tcp_max_tw_buckets was reached.",
	[EXPLAIN_CLOSED] =
		"$s is CLOSED.",
};

void explain_format(enum explain_id id, const char *sender,
		    const char *receiver, char *buf, size_t len)
{
	const char *p = id < NR_EXPLAIN && sentences[id] ? sentences[id] : "";
	size_t n = 0;
	bool start = true;

	if (!len)
		return;
	for (; *p && n + 1 < len; p++) {
		const char *name = NULL;

		if (p[0] == '$' && (p[1] == 's' || p[1] == 'r'))
			name = p[1] == 's' ? sender : receiver;
		if (!name) {
			buf[n++] = *p;
			start = false;
			continue;
		}
		for (; *name && n + 1 < len; name++) {
			/* A sentence starts with a capital. */
			buf[n++] = start && *name >= 'a' && *name <= 'z' ?
				   *name - 'a' + 'A' : *name;
			start = false;
		}
		p++;
	}
	buf[n] = '\0';
}
