// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/socket.h>

#include "nl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK	270
#endif

static struct nla_policy tcptrail_policy[TCPTRAIL_A_MAX + 1] = {
	/* Its size is checked by record_from(). */
	[TCPTRAIL_A_RECORD]		= { .type = NLA_UNSPEC },
	[TCPTRAIL_A_CURSOR]		= { .type = NLA_U64 },
	[TCPTRAIL_A_NETNS_CURSOR]	= { .type = NLA_U64 },
	[TCPTRAIL_A_MISSED]		= { .type = NLA_U64 },
	[TCPTRAIL_A_ALL_NETNS]		= { .type = NLA_FLAG },
	[TCPTRAIL_A_RING_SIZE]		= { .type = NLA_U32 },
	[TCPTRAIL_A_RECORD_SIZE]	= { .type = NLA_U32 },
	[TCPTRAIL_A_WRITTEN]		= { .type = NLA_U64 },
	[TCPTRAIL_A_OVERWRITTEN]	= { .type = NLA_U64 },
	[TCPTRAIL_A_HISTORY_DROPPED]	= { .type = NLA_U64 },
	[TCPTRAIL_A_NOT_RECORDED]	= { .type = NLA_U64 },
	[TCPTRAIL_A_FILTERED]		= { .type = NLA_U64 },
	[TCPTRAIL_A_NETNS_WRITTEN]	= { .type = NLA_U64 },
	[TCPTRAIL_A_STATE_COUNT]	= { .type = NLA_NESTED },
	[TCPTRAIL_A_ENABLED]		= { .type = NLA_U8 },
	[TCPTRAIL_A_FILTER_FAMILY]	= { .type = NLA_U16 },
	[TCPTRAIL_A_FILTER_PORTS]	= { .type = NLA_NESTED },
	[TCPTRAIL_A_PORT]		= { .type = NLA_U16 },
};

static void print_module_not_loaded(void)
{
	fprintf(stderr, "tcptrail: the tcptrail module is not loaded; load it with "
		"`sudo insmod kmod/tcptrail.ko` (or `sudo modprobe tcptrail`; "
		"packages: `apt-get install tcptrail-dkms linux-headers-$(uname -r)`)\n");
}

/* libnl's error codes, back to errno for the callers. */
static int errno_from_nlerr(int nlerr)
{
	switch (-nlerr) {
	case NLE_NOMEM:		return -ENOMEM;
	case NLE_PERM:		return -EPERM;
	case NLE_NOACCESS:	return -EACCES;
	case NLE_OBJ_NOTFOUND:	return -ENOENT;
	case NLE_INTR:		return -EINTR;
	case NLE_AGAIN:		return -EAGAIN;
	case NLE_INVAL:		return -EINVAL;
	case NLE_RANGE:		return -ERANGE;
	case NLE_OPNOTSUPP:	return -EOPNOTSUPP;
	case NLE_MSGSIZE:	return -EMSGSIZE;
	case NLE_BUSY:		return -EBUSY;
	case NLE_EXIST:		return -EEXIST;
	case NLE_NODEV:		return -ENODEV;
	case NLE_PROTO_MISMATCH:
	case NLE_MSG_TOOSHORT:
	case NLE_MSG_TRUNC:
	case NLE_MSG_OVERFLOW:
	case NLE_SEQ_MISMATCH:
	case NLE_PARSE_ERR:
	case NLE_DUMP_INTR:	return -EPROTO;
	default:		return -EIO;
	}
}

struct request_state {
	struct tt_nl *nl;
	tt_nl_reply_fn reply;
	void *arg;
	int err;
	bool done;
};

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct request_state *st = arg;
	int err;

	if (!st->reply)
		return NL_OK;
	err = st->reply(nlmsg_hdr(msg), st->arg);
	if (err < 0) {
		st->err = err;
		return NL_STOP;
	}
	return NL_OK;
}

/* The NLMSGERR_ATTR_MSG of an extended ack, if the kernel sent one. */
static void save_extack(struct tt_nl *nl, const struct nlmsghdr *nlh,
			const struct nlmsgerr *e)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t offset = sizeof(*e);
	int len;

	nl->extack[0] = '\0';
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		offset += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
	offset = NLMSG_ALIGN(offset);
	len = (int)nlh->nlmsg_len - NLMSG_HDRLEN - (int)offset;
	if (len <= 0 ||
	    nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)((char *)e + offset),
		      len, NULL) < 0 || !tb[NLMSGERR_ATTR_MSG])
		return;
	snprintf(nl->extack, sizeof(nl->extack), "%.*s",
		 nla_len(tb[NLMSGERR_ATTR_MSG]),
		 (const char *)nla_data(tb[NLMSGERR_ATTR_MSG]));
	/* The kernel's string ends in a NUL, and maybe a newline. */
	nl->extack[strcspn(nl->extack, "\n")] = '\0';
}

static int on_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	struct request_state *st = arg;

	(void)who;
	save_extack(st->nl, nlh, e);
	st->err = e->error < 0 ? e->error : -EPROTO;
	st->done = true;
	return NL_STOP;
}

/* End of a dump. Errors after the first part of a dump arrive here. */
static int on_finish(struct nl_msg *msg, void *arg)
{
	const struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct request_state *st = arg;
	int dump_err;

	if (nlh->nlmsg_len >= NLMSG_HDRLEN + sizeof(dump_err)) {
		memcpy(&dump_err, NLMSG_DATA(nlh), sizeof(dump_err));
		if (dump_err < 0 && !st->err)
			st->err = dump_err;
	}
	st->done = true;
	return NL_STOP;
}

static int on_ack(struct nl_msg *msg, void *arg)
{
	struct request_state *st = arg;

	(void)msg;
	st->done = true;
	return NL_STOP;
}

int tt_nl_request(struct tt_nl *nl, struct nl_msg *msg, tt_nl_reply_fn reply,
		  void *arg)
{
	struct request_state st = { .nl = nl, .reply = reply, .arg = arg };
	struct nl_cb *cb;
	int ret;

	nl->extack[0] = '\0';
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &st);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, &st);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, &st);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, &st);

	/* libnl asks for an ack: a request ends with an ack, an error, or
	 * (a dump) NLMSG_DONE.
	 */
	ret = nl_send_auto(nl->sock, msg);
	nlmsg_free(msg);
	if (ret < 0)
		st.err = errno_from_nlerr(ret);

	while (!st.err && !st.done) {
		ret = nl_recvmsgs(nl->sock, cb);
		/* The callbacks may have set st.err. */
		// cppcheck-suppress knownConditionTrueFalse
		if (ret < 0 && !st.err)
			st.err = errno_from_nlerr(ret);
	}
	nl_cb_put(cb);
	return st.err;
}

struct nl_msg *tt_nl_new_request(const struct tt_nl *nl, uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family_id, 0, flags,
			 cmd, TCPTRAIL_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

int tt_nl_parse(struct nlmsghdr *nlh, struct nlattr **tb)
{
	int ret = genlmsg_parse(nlh, 0, tb, TCPTRAIL_A_MAX, tcptrail_policy);

	return ret < 0 ? -EPROTO : 0;
}

struct family_info {
	int id;
	unsigned int version;
};

static int parse_family(struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *tb[CTRL_ATTR_MAX + 1];
	struct family_info *info = arg;

	if (genlmsg_parse(nlh, 0, tb, CTRL_ATTR_MAX, NULL) < 0 ||
	    !tb[CTRL_ATTR_FAMILY_ID] || !tb[CTRL_ATTR_VERSION])
		return -EPROTO;
	info->id = nla_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	info->version = nla_get_u32(tb[CTRL_ATTR_VERSION]);
	return 0;
}

/* CTRL_CMD_GETFAMILY by name: id and version in one round trip. */
static int resolve_family(struct tt_nl *nl, struct family_info *info)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return -ENOMEM;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, GENL_ID_CTRL, 0, 0,
			 CTRL_CMD_GETFAMILY, 1) ||
	    nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, TCPTRAIL_GENL_NAME) < 0) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	return tt_nl_request(nl, msg, parse_family, info);
}

int tt_nl_open(struct tt_nl *nl)
{
	struct family_info info = { .id = -1 };
	int one = 1, err;

	memset(nl, 0, sizeof(*nl));
	nl->sock = nl_socket_alloc();
	if (!nl->sock) {
		fprintf(stderr, "tcptrail: out of memory\n");
		return -ENOMEM;
	}
	err = genl_connect(nl->sock);
	if (err < 0) {
		err = errno_from_nlerr(err);
		fprintf(stderr, "tcptrail: cannot open a generic netlink socket: %s\n",
			strerror(-err));
		goto fail;
	}
	/* Best effort: the kernel's explanation of an error, without an echo
	 * of our request.
	 */
	setsockopt(nl_socket_get_fd(nl->sock), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	setsockopt(nl_socket_get_fd(nl->sock), SOL_NETLINK, NETLINK_CAP_ACK,
		   &one, sizeof(one));

	err = resolve_family(nl, &info);
	if (err == -ENOENT) {
		print_module_not_loaded();
		goto fail;
	}
	if (err) {
		tt_nl_report(nl, err, "looking up the tcptrail netlink family", NULL);
		goto fail;
	}
	/* Version 1 (one RECORD attribute per record) is still read. */
	if (info.version < 1 || info.version > TCPTRAIL_GENL_VERSION) {
		fprintf(stderr, "tcptrail: the loaded module speaks tcptrail netlink "
			"version %u, this tool speaks 1 to %d; install the tool and "
			"the module from the same release\n",
			info.version, TCPTRAIL_GENL_VERSION);
		err = -EPROTONOSUPPORT;
		goto fail;
	}
	nl->family_id = info.id;
	nl->version = info.version;
	return 0;
fail:
	tt_nl_close(nl);
	return err;
}

void tt_nl_close(struct tt_nl *nl)
{
	nl_socket_free(nl->sock);
	nl->sock = NULL;
	free(nl->rx);
	nl->rx = NULL;
}

void tt_nl_report(const struct tt_nl *nl, int err, const char *action,
		  const char *need)
{
	if (err == -EPERM || err == -EACCES) {
		fprintf(stderr, "tcptrail: permission denied: %s needs %s; run with sudo\n",
			action, need ? need : "CAP_NET_ADMIN");
		if (nl->extack[0])
			fprintf(stderr, "tcptrail: the kernel says: %s\n", nl->extack);
	} else if (err == -ENOENT && !nl->extack[0]) {
		/* The family went away: the module was unloaded. */
		print_module_not_loaded();
	} else {
		fprintf(stderr, "tcptrail: %s failed: %s%s%s\n", action,
			strerror(-err), nl->extack[0] ? ": " : "", nl->extack);
	}
}

/*
 * Record version 2 (modules before cgroup and detail): 104 bytes, the same
 * fields without those two.
 */
#define RECORD_V2_SIZE		104
#define RECORD_V2_HEAD		offsetof(struct tcptrail_record, cgroup)
_Static_assert(sizeof(struct tcptrail_record) -
	       offsetof(struct tcptrail_record, netns) ==
	       RECORD_V2_SIZE - RECORD_V2_HEAD, "v2 is v3 without cgroup");

static int unknown_record_size(size_t size)
{
	fprintf(stderr,
		"tcptrail: the module sends records of %zu bytes; this tcptrail reads %zu (record version %d) and %d (version 2): install the tool and the module from the same release\n",
		size, sizeof(struct tcptrail_record), TCPTRAIL_RECORD_VERSION,
		RECORD_V2_SIZE);
	return -EPROTO;
}

/* A record of version 2, as this tool knows records. */
static void record_from_v2(const char *data, struct tcptrail_record *rec)
{
	memset(rec, 0, sizeof(*rec));
	memcpy(rec, data, RECORD_V2_HEAD);
	memcpy(&rec->netns, data + RECORD_V2_HEAD, RECORD_V2_SIZE - RECORD_V2_HEAD);
	rec->detail = 0;	/* v2: reserved, zero */
}

/*
 * n records of size bytes each at data, to the handler: in place when
 * they are this tool's own and aligned, else one at a time through a copy.
 */
static int deliver(const struct tt_events_handler *h, const char *data,
		   size_t size, size_t n)
{
	struct tcptrail_record rec;

	if (size != sizeof(rec) && size != RECORD_V2_SIZE)
		return unknown_record_size(size);
	for (; n; n--, data += size) {
		const struct tcptrail_record *r = (const void *)data;
		int err;

		if (size == RECORD_V2_SIZE) {
			record_from_v2(data, &rec);
			r = &rec;
		} else if ((uintptr_t)data % _Alignof(struct tcptrail_record)) {
			memcpy(&rec, data, sizeof(rec));
			r = &rec;
		}
		err = h->record(h->ctx, r);
		if (err)
			return err;
	}
	return 0;
}

static uint64_t get_u64(const struct nlattr *attr)
{
	uint64_t v = 0;

	if (nla_len(attr) >= (int)sizeof(v))
		memcpy(&v, nla_data(attr), sizeof(v));
	return v;
}

struct dump_state {
	struct tt_nl *nl;
	struct tt_cursor *cursor;
	const struct tt_events_handler *handler;
	uint32_t seq;
};

/*
 * One GET_EVENTS message, its attributes walked once by hand: RECORDS
 * (family version 2: packed, the first attribute) or RECORD (version 1:
 * one each), MISSED and the cursors. MISSED goes to the handler before
 * the records: the losses came before them.
 */
static int parse_events(struct dump_state *st, const struct nlmsghdr *nlh)
{
	const struct tt_events_handler *h = st->handler;
	const struct nlattr *attr, *records = NULL, *first_record = NULL;
	uint64_t missed = 0, cursor = 0, netns_cursor = 0;
	bool has_cursor = false;
	int rem, err;

	if (nlh->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN))
		return -EPROTO;
	attr = (const struct nlattr *)((const char *)NLMSG_DATA(nlh) + GENL_HDRLEN);
	rem = (int)(nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN));
	st->nl->dump_messages++;
	for (; nla_ok(attr, rem); attr = nla_next(attr, &rem)) {
		switch (nla_type(attr)) {
		case TCPTRAIL_A_RECORDS:
			records = attr;
			break;
		case TCPTRAIL_A_RECORD:
			if (!first_record)
				first_record = attr;
			break;
		case TCPTRAIL_A_MISSED:
			missed = get_u64(attr);
			break;
		case TCPTRAIL_A_CURSOR:
			has_cursor = true;
			cursor = get_u64(attr);
			break;
		case TCPTRAIL_A_NETNS_CURSOR:
			netns_cursor = get_u64(attr);
			break;
		}
	}
	if (missed && h->missed) {
		err = h->missed(h->ctx, missed);
		if (err)
			return err;
	}
	if (records) {
		size_t len = (size_t)nla_len(records);

		if (!st->nl->record_size || len % st->nl->record_size)
			return -EPROTO;
		err = deliver(h, nla_data(records), st->nl->record_size,
			      len / st->nl->record_size);
		if (err)
			return err;
	}
	/* Version 1: a second walk, over the records only. */
	rem = first_record ? (int)(nlh->nlmsg_len - ((const char *)first_record -
						      (const char *)nlh)) : 0;
	for (attr = first_record; rem && nla_ok(attr, rem);
	     attr = nla_next(attr, &rem)) {
		if (nla_type(attr) != TCPTRAIL_A_RECORD)
			continue;
		err = deliver(h, nla_data(attr), (size_t)nla_len(attr), 1);
		if (err)
			return err;
	}
	if (has_cursor)
		st->cursor->next = cursor;
	/* 0: the kernel does not know yet (no record of ours seen). */
	if (netns_cursor)
		st->cursor->netns_next = netns_cursor;
	return 0;
}

/* The messages of one recv(): 0 on, 1 the dump is over, or -errno. */
static int dump_messages(struct dump_state *st, size_t len)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)st->nl->rx;
	int rem = (int)len, err;

	for (; NLMSG_OK(nlh, rem); nlh = NLMSG_NEXT(nlh, rem)) {
		if (nlh->nlmsg_seq != st->seq)
			continue;	/* not ours: an aborted request's */
		switch (nlh->nlmsg_type) {
		case NLMSG_NOOP:
		case NLMSG_OVERRUN:
			continue;
		case NLMSG_DONE:
			/* Errors after the first part of a dump arrive here. */
			if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(err))) {
				memcpy(&err, NLMSG_DATA(nlh), sizeof(err));
				if (err < 0)
					return err;
			}
			return 1;
		case NLMSG_ERROR: {
			struct nlmsgerr *e = NLMSG_DATA(nlh);

			if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
				return -EPROTO;
			save_extack(st->nl, nlh, e);
			return e->error < 0 ? e->error : 1;
		}
		default:
			err = parse_events(st, nlh);
			if (err)
				return err;
		}
	}
	return 0;
}

/* GET_STATS RECORD_SIZE: the size of the records RECORDS packs. */
static int parse_record_size(struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *tb[TCPTRAIL_A_MAX + 1];
	uint32_t *size = arg;
	int err = tt_nl_parse(nlh, tb);

	if (err)
		return err;
	if (!tb[TCPTRAIL_A_RECORD_SIZE])
		return -EPROTO;
	*size = nla_get_u32(tb[TCPTRAIL_A_RECORD_SIZE]);
	return 0;
}

/* Before the first dump of version 2: the record size, the buffer. */
static int dump_prepare(struct tt_nl *nl)
{
	struct nl_msg *msg;
	uint32_t size = 0;
	int err;

	if (!nl->rx) {
		/* 8-byte aligned: records are used in place. */
		nl->rx = malloc(TT_NL_RX_SIZE);
		if (!nl->rx)
			return -ENOMEM;
	}
	if (nl->record_size || nl->version < 2)
		return 0;
	msg = tt_nl_new_request(nl, TCPTRAIL_CMD_GET_STATS, 0);
	if (!msg)
		return -ENOMEM;
	err = tt_nl_request(nl, msg, parse_record_size, &size);
	if (err)
		return err;
	if (size != sizeof(struct tcptrail_record) && size != RECORD_V2_SIZE)
		return unknown_record_size(size);
	nl->record_size = size;
	return 0;
}

int tt_nl_dump_events(struct tt_nl *nl, struct tt_cursor *cur, bool all_netns,
		      const struct tt_events_handler *h)
{
	struct dump_state st = { .nl = nl, .cursor = cur, .handler = h };
	int fd = nl_socket_get_fd(nl->sock);
	struct nl_msg *msg;
	int err;

	err = dump_prepare(nl);
	if (err)
		return err;
	nl->extack[0] = '\0';
	msg = tt_nl_new_request(nl, TCPTRAIL_CMD_GET_EVENTS, NLM_F_DUMP);
	if (!msg)
		return -ENOMEM;
	if ((cur->next && nla_put_u64(msg, TCPTRAIL_A_CURSOR, cur->next) < 0) ||
	    (cur->netns_next &&
	     nla_put_u64(msg, TCPTRAIL_A_NETNS_CURSOR, cur->netns_next) < 0) ||
	    (all_netns && nla_put_flag(msg, TCPTRAIL_A_ALL_NETNS) < 0)) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	/*
	 * The reply is read here, not by libnl: one recv() per message the
	 * kernel fills (as big as the buffer: the kernel sizes a dump's
	 * messages by the reader's largest recv()), no copy, no allocation.
	 * Its own sequence numbers keep libnl's in step for other requests.
	 */
	st.seq = nlmsg_hdr(msg)->nlmsg_seq = ++nl->dump_seq | TT_NL_DUMP_SEQ;
	err = nl_send_auto(nl->sock, msg);
	nlmsg_free(msg);
	if (err < 0)
		return errno_from_nlerr(err);
	nl->dumps++;
	for (;;) {
		struct iovec iov = { .iov_base = nl->rx, .iov_len = TT_NL_RX_SIZE };
		struct sockaddr_nl from;
		struct msghdr mh = {
			.msg_name = &from, .msg_namelen = sizeof(from),
			.msg_iov = &iov, .msg_iovlen = 1,
		};
		ssize_t n = recvmsg(fd, &mh, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (mh.msg_flags & MSG_TRUNC)
			return -EMSGSIZE;
		if (from.nl_pid)
			continue;	/* not from the kernel */
		err = dump_messages(&st, (size_t)n);
		if (err)
			return err < 0 ? err : 0;
	}
}

int tt_nl_subscribe_events(struct tt_nl *nl, bool all_netns,
			   struct nl_sock **mcast)
{
	struct nl_sock *sock;
	int group, err;

	nl->extack[0] = '\0';
	group = genl_ctrl_resolve_grp(nl->sock, TCPTRAIL_GENL_NAME,
				      all_netns ? TCPTRAIL_MCGRP_EVENTS_ALL :
						  TCPTRAIL_MCGRP_EVENTS);
	if (group < 0)
		return errno_from_nlerr(group);
	sock = nl_socket_alloc();
	if (!sock)
		return -ENOMEM;
	/* Notifications are not replies to anything we sent. */
	nl_socket_disable_seq_check(sock);
	err = genl_connect(sock);
	if (!err)
		err = nl_socket_add_membership(sock, group);
	if (!err)
		err = nl_socket_set_nonblocking(sock);
	if (err) {
		nl_socket_free(sock);
		return errno_from_nlerr(err);
	}
	*mcast = sock;
	return 0;
}

int tt_nl_drain(struct nl_sock *mcast)
{
	char buf[4096];

	for (;;) {
		ssize_t n = recv(nl_socket_get_fd(mcast), buf, sizeof(buf), MSG_DONTWAIT);

		if (n >= 0)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		/* ENOBUFS: notifications were lost; the dump catches up. */
		if (errno != EINTR && errno != ENOBUFS)
			return -errno;
	}
}
