// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>

#include "format.h"
#include "lifecycle.h"
#include "stats.h"

/* The state before states[i]. */
static unsigned int state_before(const struct conn *c, size_t i)
{
	return i ? c->states[i - 1].state : c->first_old_state;
}

bool conn_passed_through(const struct conn *c, unsigned int state)
{
	size_t i;

	if (c->first_old_state == state)
		return true;
	for (i = 0; i < c->nr_states; i++)
		if (c->states[i].state == state)
			return true;
	return false;
}

static enum conn_role role_of(const struct conn *c)
{
	unsigned int first = c->states[0].state;

	if (c->first_old_state == TCP_CLOSE && first == TCP_SYN_SENT)
		return CONN_ROLE_CLIENT;
	if (c->first_old_state == TCP_LISTEN && first == TCP_SYN_RECV)
		return CONN_ROLE_SERVER;
	if (first == TCP_LISTEN)
		return CONN_ROLE_LISTENER;
	return CONN_ROLE_UNKNOWN;
}

/* From the first SYN_SENT or SYN_RECV to the ESTABLISHED after it. */
static bool handshake_of(const struct conn *c, uint64_t *ns)
{
	size_t i, start = c->nr_states;

	for (i = 0; i < c->nr_states; i++) {
		unsigned int state = c->states[i].state;

		if (start == c->nr_states &&
		    (state == TCP_SYN_SENT || state == TCP_SYN_RECV))
			start = i;
		else if (start < c->nr_states && state == TCP_ESTABLISHED) {
			*ns = c->states[i].enter_ns - c->states[start].enter_ns;
			return true;
		}
	}
	return false;
}

/* Time in the first ESTABLISHED, once it was left. */
static bool established_of(const struct conn *c, uint64_t *ns)
{
	size_t i;

	for (i = 0; i + 1 < c->nr_states; i++) {
		if (c->states[i].state == TCP_ESTABLISHED) {
			*ns = c->states[i + 1].enter_ns - c->states[i].enter_ns;
			return true;
		}
	}
	return false;
}

static enum conn_closer closer_of(const struct conn *c)
{
	enum conn_closer closer = CONN_CLOSER_NONE;
	size_t i;

	for (i = 0; i < c->nr_states; i++) {
		unsigned int from = state_before(c, i), to = c->states[i].state;

		if (from == TCP_FIN_WAIT1 && to == TCP_CLOSING)
			return CONN_CLOSER_SIMULTANEOUS;
		if (closer != CONN_CLOSER_NONE)
			continue;
		if (to == TCP_FIN_WAIT1)
			closer = CONN_CLOSER_LOCAL;
		else if (to == TCP_CLOSE_WAIT)
			closer = CONN_CLOSER_REMOTE;
	}
	return closer;
}

/*
 * How the full socket closed. An orderly close goes to CLOSE from
 * FIN_WAIT2 or CLOSING (handing over to a timewait socket), or LAST_ACK;
 * straight from anywhere else is a reset or an abort, and so is any
 * close after a RST.
 */
static enum conn_end end_of(const struct conn *c)
{
	if (!c->full_closed)
		return CONN_END_OPEN;
	switch (c->close_error) {
	case ECONNABORTED:
		return CONN_END_ABORTED;
	case ECONNREFUSED:
		return CONN_END_REFUSED;
	case ETIMEDOUT:
		return CONN_END_TIMEOUT;
	}
	switch (c->closed_from) {
	case TCP_SYN_SENT:
		if (c->reset_in_syn_sent)
			return CONN_END_REFUSED;
		if (c->first_reset)
			return CONN_END_RST;
		/* Timed out with an ICMP error seen meanwhile (sk_err_soft);
		 * no error at all: the owner closed it.
		 */
		return c->close_error ? CONN_END_TIMEOUT : CONN_END_ABANDONED;
	case TCP_LISTEN:
		return CONN_END_FIN;
	case TCP_FIN_WAIT2:
	case TCP_TIME_WAIT:
	case TCP_CLOSING:
	case TCP_LAST_ACK:
		return c->first_reset ? CONN_END_RST : CONN_END_FIN;
	default:
		if (!c->first_reset && c->close_error &&
		    c->close_error != ECONNRESET && c->close_error != EPIPE)
			return CONN_END_ERROR;
		return CONN_END_RST;
	}
}

/* When the connection first entered one of @states (0-terminated). */
static bool entered_first(const struct conn *c, const uint8_t *states,
			  uint64_t *ns)
{
	size_t i;
	const uint8_t *s;

	for (i = 0; i < c->nr_states; i++)
		for (s = states; *s; s++)
			if (c->states[i].state == *s) {
				*ns = c->states[i].enter_ns;
				return true;
			}
	return false;
}

/* A direction counts as held open when it outlived the other by this. */
#define HALF_CLOSE_MIN_NS	(10 * TT_NSEC_PER_MSEC)

static void directions_of(const struct conn *c, struct conn_summary *s)
{
	static const uint8_t established[] = { TCP_ESTABLISHED, 0 };
	static const uint8_t our_fin[] = { TCP_FIN_WAIT1, TCP_LAST_ACK, 0 };
	static const uint8_t their_fin[] = { TCP_CLOSE_WAIT, TCP_CLOSING,
					     TCP_TIME_WAIT, 0 };
	uint64_t start, out, in, longer, shorter;

	if (!entered_first(c, established, &start) ||
	    !entered_first(c, our_fin, &out) ||
	    !entered_first(c, their_fin, &in))
		return;
	s->has_directions = true;
	s->out_open_ns = out - start;
	s->in_open_ns = in - start;
	longer = s->out_open_ns > s->in_open_ns ? s->out_open_ns : s->in_open_ns;
	shorter = s->out_open_ns + s->in_open_ns - longer;
	s->half_closed = longer - shorter >= HALF_CLOSE_MIN_NS &&
			 longer - shorter >= longer / 10;
}

bool conn_reset_in_handshake(const struct conn_summary *s)
{
	return s->end == CONN_END_RST &&
	       (s->reset_state == TCP_SYN_SENT || s->reset_state == TCP_SYN_RECV);
}

static void time_wait_of(const struct conn *c, struct conn_summary *s)
{
	const struct conn_time_wait *tw = &c->tw;

	s->time_wait = tw->entered || tw->exited;
	if (tw->not_created)
		s->time_wait_end = TCPTRAIL_REASON_NOT_CREATED;
	else if (tw->exited)
		s->time_wait_end = tw->exit_reason;
	if (tw->entered && tw->exited && !tw->not_created) {
		s->has_time_wait_ns = true;
		s->time_wait_ns = tw->exit_ns - tw->enter_ns;
	}
}

void conn_summarize(const struct conn *c, struct conn_summary *s)
{
	memset(s, 0, sizeof(*s));
	s->role = role_of(c);
	s->has_handshake = handshake_of(c, &s->handshake_ns);
	s->has_established = established_of(c, &s->established_ns);
	s->closer = closer_of(c);
	s->end = end_of(c);
	s->reset = c->first_reset;
	s->reset_state = c->first_reset_state;
	s->reset_detail = c->first_reset_detail;
	s->error = c->close_error;
	if (s->end == CONN_END_TIMEOUT && c->closed_from == TCP_SYN_SENT &&
	    c->has_totals) {
		s->has_syn_retransmits = true;
		s->syn_retransmits = c->totals.total_retrans;
	}
	directions_of(c, s);
	time_wait_of(c, s);
}

/*
 * The kernel's totals count sequence space: the SYN of a client once the
 * handshake is done (a listener's child is born after its SYN-ACK was
 * acknowledged), our FIN once acknowledged, the peer's FIN once received.
 * Totals are taken as the full socket closes, so the timewait socket's
 * substate switch (the peer's FIN, later) is not in them.
 */
static bool syn_acked(const struct conn *c, enum conn_role role,
		      unsigned int *n)
{
	switch (role) {
	case CONN_ROLE_CLIENT:
		*n = conn_passed_through(c, TCP_ESTABLISHED);
		return true;
	case CONN_ROLE_SERVER:
		*n = 0;
		return true;
	default:
		return false;
	}
}

static unsigned int fin_acked(const struct conn *c)
{
	return conn_passed_through(c, TCP_FIN_WAIT2) ||
	       (c->tw.entered && c->tw.entry_old == TCP_CLOSING) ||
	       (c->closed_from == TCP_LAST_ACK && !c->first_reset);
}

static unsigned int fin_received(const struct conn *c)
{
	return conn_passed_through(c, TCP_CLOSE_WAIT) ||
	       conn_passed_through(c, TCP_CLOSING) ||
	       conn_passed_through(c, TCP_LAST_ACK) ||
	       (c->tw.entered && c->tw.entry_new == TCP_TIME_WAIT);
}

bool conn_totals(const struct conn *c, struct tt_totals *t)
{
	unsigned int syn, fin;

	memset(t, 0, sizeof(*t));
	if (!c->has_totals)
		return false;
	t->k = c->totals;
	fin = fin_acked(c);
	if (syn_acked(c, role_of(c), &syn) && t->k.bytes_acked >= syn + fin) {
		t->has_data_acked = true;
		t->data_acked = t->k.bytes_acked - syn - fin;
	}
	fin = fin_received(c);
	if (t->k.bytes_received >= fin) {
		t->has_data_received = true;
		t->data_received = t->k.bytes_received - fin;
	}
	return true;
}

const char *conn_role_name(enum conn_role role)
{
	static const char *const names[] = {
		[CONN_ROLE_UNKNOWN]	= "unknown",
		[CONN_ROLE_CLIENT]	= "client",
		[CONN_ROLE_SERVER]	= "server",
		[CONN_ROLE_LISTENER]	= "listener",
	};

	return names[role];
}

const char *conn_closer_name(enum conn_closer closer)
{
	static const char *const names[] = {
		[CONN_CLOSER_NONE]		= NULL,
		[CONN_CLOSER_LOCAL]		= "local",
		[CONN_CLOSER_REMOTE]		= "remote",
		[CONN_CLOSER_SIMULTANEOUS]	= "simultaneous",
	};

	return names[closer];
}

const char *conn_close_kind(enum conn_closer closer)
{
	static const char *const names[] = {
		[CONN_CLOSER_NONE]		= NULL,
		[CONN_CLOSER_LOCAL]		= "active",
		[CONN_CLOSER_REMOTE]		= "passive",
		[CONN_CLOSER_SIMULTANEOUS]	= "simultaneous",
	};

	return names[closer];
}

const char *conn_end_name(enum conn_end end)
{
	static const char *const names[] = {
		[CONN_END_OPEN]		= "open",
		[CONN_END_FIN]		= "fin",
		[CONN_END_RST]		= "rst",
		[CONN_END_REFUSED]	= "refused",
		[CONN_END_TIMEOUT]	= "timeout",
		[CONN_END_ABORTED]	= "aborted",
		[CONN_END_ABANDONED]	= "abandoned",
		[CONN_END_ERROR]	= "error",
	};

	return names[end];
}

const char *conn_reset_direction(uint8_t reset)
{
	switch (reset) {
	case TCPTRAIL_REASON_RST_SENT:
		return "sent";
	case TCPTRAIL_REASON_RST_RECEIVED:
		return "received";
	default:
		return NULL;
	}
}

/* "rst sent: TCP_ABORT_ON_CLOSE", "rst received", "rst" */
static int describe_rst(const struct conn_summary *s, char *buf, size_t len)
{
	const char *dir = conn_reset_direction(s->reset);
	const char *why = tt_rst_reason_name(s->reset_detail);

	if (!dir)
		return snprintf(buf, len, "rst");
	return snprintf(buf, len, "rst %s%s%s", dir, why ? ": " : "",
			why ? why : "");
}

void conn_end_describe(const struct conn_summary *s, char *buf, size_t len)
{
	const char *err = s->error ? strerrorname_np(s->error) : NULL;
	char rst[128];
	int n;

	switch (s->end) {
	case CONN_END_RST:
		describe_rst(s, rst, sizeof(rst));
		if (conn_reset_in_handshake(s)) {
			char state[TT_STATE_NAME_LEN];

			snprintf(buf, len, "reset in %s (%s)",
				 tt_state_name(s->reset_state, state), rst);
		} else {
			snprintf(buf, len, "%s", rst);
		}
		return;
	case CONN_END_TIMEOUT:
		/* An ICMP error seen while it waited says more. */
		if (s->error == ETIMEDOUT || !err)
			err = NULL;
		n = snprintf(buf, len, "timeout");
		if (s->has_syn_retransmits && n >= 0 && (size_t)n < len)
			n += snprintf(buf + n, len - n,
				      " after %u SYN retransmission%s",
				      s->syn_retransmits,
				      s->syn_retransmits == 1 ? "" : "s");
		if (err && n >= 0 && (size_t)n < len)
			snprintf(buf + n, len - n, " (%s)", err);
		return;
	case CONN_END_ERROR:
		snprintf(buf, len, "error %s", err ? err : "?");
		return;
	default:
		snprintf(buf, len, "%s", conn_end_name(s->end));
	}
}

void conn_story_opening(const struct conn_summary *s, bool established,
			const char *sep, conn_duration_fn duration,
			char *buf, size_t len)
{
	const char *closer = conn_closer_name(s->closer);
	char t[TT_TIME_LEN];
	size_t n = 0;

	buf[0] = '\0';
	if (s->has_handshake) {
		duration(s->handshake_ns, t, sizeof(t));
		n += snprintf(buf + n, len - n, "handshake %s", t);
	}
	if (established && s->has_established && n < len) {
		duration(s->established_ns, t, sizeof(t));
		n += snprintf(buf + n, len - n, "%sestablished %s",
			      n ? sep : "", t);
	}
	if (closer && n < len)
		snprintf(buf + n, len - n, "%sclosed first: %s (%s)",
			 n ? sep : "", closer, conn_close_kind(s->closer));
}
