/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small generic netlink client on raw sockets for the tcptrail selftests:
 * no libnl, so a test can build any message, malformed ones included, and
 * see the kernel's answer (error code and extack message) exactly.
 */
#ifndef TCPTRAIL_SELFTEST_NLCLIENT_H
#define TCPTRAIL_SELFTEST_NLCLIENT_H

#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>
#include <linux/genetlink.h>

struct nlc {
	int fd;
	uint16_t family;	/* generic netlink family id of "tcptrail" */
	uint32_t version;	/* its version (CTRL_ATTR_VERSION) */
	uint32_t events_grp;	/* id of the "events" multicast group, 0: none */
	uint32_t events_all_grp;	/* and of "events-all" */
	uint32_t seq;
	size_t rcvbuf;		/* recv() buffer size; 0: 32 KiB */
};

/* A request under construction: header, then raw attribute bytes. */
struct nlc_msg {
	size_t len;
	union {
		struct nlmsghdr nlh;
		unsigned char buf[16384];
	};
};

/* What the kernel answered to one request. */
struct nlc_result {
	int error;		/* 0, or -errno from the NLMSG_ERROR / NLMSG_DONE */
	char msg[256];		/* extack message (NLMSGERR_ATTR_MSG), "" if none */
	int have_msg;
	uint32_t bad_attr_offs;	/* NLMSGERR_ATTR_OFFS, if have_offs */
	int have_offs;
	size_t nmsgs;		/* replies of the family that reached the callback */
};

/*
 * Opens a NETLINK_GENERIC socket (with extended acks) and resolves the
 * family id, its version and the "events" group: 0 or -errno
 * (-ENOENT: no such family, module not loaded).
 */
int nlc_open(struct nlc *c);
/*
 * Same, receiving with a buffer of @rcvbuf bytes (0: 32 KiB) from the first
 * recv() on: the kernel sizes dump skbs by the largest buffer a socket has
 * ever received with, so a small one must be small from the start.
 */
int nlc_open_rcvbuf(struct nlc *c, size_t rcvbuf);
void nlc_close(struct nlc *c);

/* Starts a request of @c's family: command @cmd, flags NLM_F_REQUEST|@flags. */
void nlc_msg_init(struct nlc_msg *m, const struct nlc *c, uint8_t cmd,
		  uint16_t flags);
/* Same with any family id, genl version and netlink message type. */
void nlc_msg_init_raw(struct nlc_msg *m, uint16_t type, uint16_t flags,
		      uint8_t cmd, uint8_t version);
/* Appends an attribute (header + payload + padding). Returns its offset. */
size_t nlc_put(struct nlc_msg *m, uint16_t type, const void *data, size_t len);
size_t nlc_put_u8(struct nlc_msg *m, uint16_t type, uint8_t v);
size_t nlc_put_u16(struct nlc_msg *m, uint16_t type, uint16_t v);
size_t nlc_put_u32(struct nlc_msg *m, uint16_t type, uint32_t v);
size_t nlc_put_u64(struct nlc_msg *m, uint16_t type, uint64_t v);
size_t nlc_put_flag(struct nlc_msg *m, uint16_t type);
/* Appends raw bytes as they are: no header, no padding (for truncated attrs). */
void nlc_put_bytes(struct nlc_msg *m, const void *data, size_t len);
/* A nest: start returns its offset, end fixes its length. NLA_F_NESTED is set. */
size_t nlc_nest_start(struct nlc_msg *m, uint16_t type);
void nlc_nest_end(struct nlc_msg *m, size_t start);

/* Called for each reply message of the family; non-zero stops the request. */
typedef int (*nlc_cb)(const struct nlmsghdr *nlh, void *arg);

/*
 * Sends @m (sets nlmsg_len, seq; NLM_F_ACK for a non-dump) and processes
 * replies until the ack, NLMSG_DONE or an error. Returns the kernel's
 * answer (res->error), or a negative errno of the socket itself.
 */
int nlc_request(struct nlc *c, struct nlc_msg *m, nlc_cb cb, void *arg,
		struct nlc_result *res);
/* Only sends; returns 0 or -errno. The request's seq is c->seq afterwards. */
int nlc_send(struct nlc *c, struct nlc_msg *m);

/* Joins/leaves a multicast group (setsockopt NETLINK_{ADD,DROP}_MEMBERSHIP): 0 or -errno. */
int nlc_join(struct nlc *c, uint32_t group);
int nlc_leave(struct nlc *c, uint32_t group);
/*
 * Waits up to @timeout_ms for one message; returns its length (copied into
 * @buf), 0 on timeout, or -errno.
 */
int nlc_recv_timeout(struct nlc *c, void *buf, size_t len, int timeout_ms);

/* Attributes of a genetlink message: the payload after the genl header. */
#define NLC_ATTRS(nlh) ((const struct nlattr *)((const char *)NLMSG_DATA(nlh) + GENL_HDRLEN))
#define NLC_ATTRS_LEN(nlh) ((int)(nlh)->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN)
#define NLC_ATTR_DATA(a) ((const void *)((const char *)(a) + NLA_HDRLEN))
#define NLC_ATTR_LEN(a) ((int)(a)->nla_len - NLA_HDRLEN)
#define nlc_for_each_attr(a, start, len, rem) \
	for ((a) = (start), (rem) = (len); \
	     (rem) >= (int)sizeof(struct nlattr) && (a)->nla_len >= sizeof(struct nlattr) && \
	     (a)->nla_len <= (rem); \
	     (rem) -= NLA_ALIGN((a)->nla_len), \
	     (a) = (const struct nlattr *)((const char *)(a) + NLA_ALIGN((a)->nla_len)))

/*
 * Indexes the attributes (types <= @max) into @tb, the last one of each type
 * winning. Returns -1 if the attribute stream is malformed.
 */
int nlc_parse(const struct nlattr *start, int len, const struct nlattr **tb, int max);
uint64_t nlc_get_u64(const struct nlattr *a);	/* 0 if @a is NULL or short */
uint32_t nlc_get_u32(const struct nlattr *a);
uint16_t nlc_get_u16(const struct nlattr *a);
uint8_t nlc_get_u8(const struct nlattr *a);

/* tcptrail requests. */
#include <linux/tcptrail.h>

enum { TT_HAVE_MISSED = 1, TT_HAVE_CURSOR = 2, TT_HAVE_NETNS_CURSOR = 4 };

struct tt_dump_msg {
	size_t first, nrecs;	/* its records: r[first .. first + nrecs) */
	unsigned int have;	/* TT_HAVE_* */
	uint64_t missed, cursor, netns_cursor;
};

/* A whole GET_EVENTS dump. */
struct tt_dump {
	struct tcptrail_record *r;
	size_t n, cap;
	struct tt_dump_msg *msgs;
	size_t nmsgs, msgs_cap;
	size_t bad;		/* malformed replies (wrong cmd, record size, ...) */
	uint64_t missed;	/* sum of MISSED */
	uint64_t cursor;	/* CURSOR / NETNS_CURSOR of the last message */
	uint64_t netns_cursor;
	struct nlc_result res;
};

/* 0 (no cursor / netns cursor: not sent). Returns 0 or the error. */
int tt_nl_dump(struct nlc *c, uint64_t cursor, uint64_t netns_cursor, int all_netns,
	       struct tt_dump *d);
void tt_dump_free(struct tt_dump *d);

struct tt_nl_stats {
	unsigned int have;	/* bit TCPTRAIL_A_x for each scalar present */
	uint32_t ring_size, record_size;
	uint64_t written, overwritten, history_dropped, not_recorded, filtered;
	uint64_t netns_written;
	uint64_t state[16];
	int nstates, bad;
};
#define TT_NL_STATS_ALL	(((1u << (TCPTRAIL_A_NETNS_WRITTEN + 1)) - 1) & \
			 ~((1u << TCPTRAIL_A_RING_SIZE) - 1))

struct tt_nl_config {
	unsigned int have;	/* 1 ring size, 2 enabled, 4 family, 8 ports */
	uint32_t ring_size;
	uint8_t enabled;
	uint16_t family;
	int nports;
	uint16_t ports[32];
};

/* @res may be NULL. */
int tt_nl_stats(struct nlc *c, struct tt_nl_stats *st, struct nlc_result *res);
int tt_nl_config(struct nlc *c, struct tt_nl_config *cfg);
/* Sends a "do" request, waits for its ack: 0 or the error (details in @res). */
int tt_nl_do(struct nlc *c, struct nlc_msg *m, struct nlc_result *res);
/* SET_CONFIG RING_SIZE alone: 0 or the error. */
int tt_nl_set_ring(struct nlc *c, uint32_t size);

#endif
