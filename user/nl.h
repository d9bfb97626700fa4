/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The netlink session with tcptrail.ko: resolving the "tcptrail" generic
 * netlink family, request/reply and dump loops, the GET_EVENTS cursor and
 * the "events" multicast group.
 */
#ifndef TCPTRAIL_NL_H
#define TCPTRAIL_NL_H

#include <stdbool.h>
#include <stdint.h>

#include <netlink/genl/genl.h>
#include <linux/tcptrail.h>

/* A dump's receive buffer: the kernel fills messages up to 32 KiB. */
#define TT_NL_RX_SIZE	(64 * 1024)
/* Dumps' sequence numbers, apart from libnl's (which start at the time). */
#define TT_NL_DUMP_SEQ	0x80000000u

struct tt_nl {
	struct nl_sock *sock;
	int family_id;
	unsigned int version;	/* the family's: 1 RECORD, 2 RECORDS */
	uint32_t record_size;	/* GET_STATS RECORD_SIZE (version 2) */
	char *rx;		/* TT_NL_RX_SIZE bytes, for dumps */
	uint32_t dump_seq;
	uint64_t dumps;		/* GET_EVENTS requests made */
	uint64_t dump_messages;	/* ... and the messages they brought */
	char extack[256];	/* the kernel's message for the last failure */
};

/* Connect and resolve the family; explains on stderr why not. -errno. */
int tt_nl_open(struct tt_nl *nl);
void tt_nl_close(struct tt_nl *nl);

/* A request for the tcptrail family (flags: NLM_F_DUMP, NLM_F_ACK, ...). */
struct nl_msg *tt_nl_new_request(const struct tt_nl *nl, uint8_t cmd, int flags);

/* Called for each reply message; a negative return aborts the request. */
typedef int (*tt_nl_reply_fn)(struct nlmsghdr *nlh, void *arg);

/* Send msg (freed here), call reply for each reply until the ack or the
 * end of the dump. 0 or -errno; the kernel's extack message lands in
 * nl->extack.
 */
int tt_nl_request(struct tt_nl *nl, struct nl_msg *msg, tt_nl_reply_fn reply,
		  void *arg);

/* Parse a reply's attributes (tb has TCPTRAIL_A_MAX + 1 slots). */
int tt_nl_parse(struct nlmsghdr *nlh, struct nlattr **tb);

/*
 * Explain a failed request on stderr, saying what to do about it.
 * action: what was attempted, "reading TCP connections"; need: the
 * privilege it takes, NULL for "CAP_NET_ADMIN".
 */
void tt_nl_report(const struct tt_nl *nl, int err, const char *action,
		  const char *need);

/* Where a GET_EVENTS dump resumes: both 0 before the first dump. */
struct tt_cursor {
	uint64_t next;		/* CURSOR: the seq to read next */
	uint64_t netns_next;	/* NETNS_CURSOR: the netns_seq expected next */
};

struct tt_events_handler {
	/* Records lost just before the records that follow. */
	int (*missed)(void *ctx, uint64_t n);
	int (*record)(void *ctx, const struct tcptrail_record *rec);
	void *ctx;
};

/* One GET_EVENTS dump from cur up to the newest record; cur moves along. */
int tt_nl_dump_events(struct tt_nl *nl, struct tt_cursor *cur, bool all_netns,
		      const struct tt_events_handler *h);

/*
 * A second socket, non-blocking, in the multicast group that hears of new
 * records of our namespace ("events"), or of every one ("events-all").
 */
int tt_nl_subscribe_events(struct tt_nl *nl, bool all_netns,
			   struct nl_sock **mcast);
/* Read and discard everything queued on it (overruns included). */
int tt_nl_drain(struct nl_sock *mcast);

#endif
