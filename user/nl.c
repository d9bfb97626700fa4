// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
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
			struct nlmsgerr *e)
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
	if (info.version != TCPTRAIL_GENL_VERSION) {
		fprintf(stderr, "tcptrail: the loaded module speaks tcptrail netlink "
			"version %u, this tool speaks %d; rebuild the tool and the "
			"module from the same tree\n",
			info.version, TCPTRAIL_GENL_VERSION);
		err = -EPROTONOSUPPORT;
		goto fail;
	}
	nl->family_id = info.id;
	return 0;
fail:
	tt_nl_close(nl);
	return err;
}

void tt_nl_close(struct tt_nl *nl)
{
	nl_socket_free(nl->sock);
	nl->sock = NULL;
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

/* A record as this tool knows it, from any layout a module sends. */
static int record_from(const struct nlattr *attr, struct tcptrail_record *rec)
{
	const char *data = nla_data(attr);
	size_t tail;

	/* Copied: attribute data is only 4-byte aligned. */
	switch (nla_len(attr)) {
	case sizeof(*rec):
		memcpy(rec, data, sizeof(*rec));
		return 0;
	case RECORD_V2_SIZE:
		tail = RECORD_V2_SIZE - RECORD_V2_HEAD;
		memset(rec, 0, sizeof(*rec));
		memcpy(rec, data, RECORD_V2_HEAD);
		memcpy(&rec->netns, data + RECORD_V2_HEAD, tail);
		rec->detail = 0;	/* v2: reserved, zero */
		return 0;
	default:
		fprintf(stderr,
			"tcptrail: the module sends records of %d bytes; this tcptrail reads %zu (record version %d) and %d (version 2): install the tool and the module from the same release\n",
			nla_len(attr), sizeof(*rec), TCPTRAIL_RECORD_VERSION,
			RECORD_V2_SIZE);
		return -EPROTO;
	}
}

struct dump_state {
	struct tt_cursor *cursor;
	const struct tt_events_handler *handler;
};

static int parse_events(struct nlmsghdr *nlh, void *arg)
{
	struct genlmsghdr *gnlh = nlmsg_data(nlh);
	struct dump_state *st = arg;
	const struct tt_events_handler *h = st->handler;
	struct nlattr *tb[TCPTRAIL_A_MAX + 1];
	struct tcptrail_record rec;
	struct nlattr *attr;
	int rem, err;

	err = tt_nl_parse(nlh, tb);
	if (err)
		return err;
	if (tb[TCPTRAIL_A_MISSED] && nla_get_u64(tb[TCPTRAIL_A_MISSED]) && h->missed) {
		err = h->missed(h->ctx, nla_get_u64(tb[TCPTRAIL_A_MISSED]));
		if (err)
			return err;
	}
	nla_for_each_attr(attr, genlmsg_attrdata(gnlh, 0), genlmsg_attrlen(gnlh, 0), rem) {
		if (nla_type(attr) != TCPTRAIL_A_RECORD)
			continue;
		err = record_from(attr, &rec) ?: h->record(h->ctx, &rec);
		if (err)
			return err;
	}
	if (tb[TCPTRAIL_A_CURSOR])
		st->cursor->next = nla_get_u64(tb[TCPTRAIL_A_CURSOR]);
	/* 0: the kernel does not know yet (no record of ours seen). */
	if (tb[TCPTRAIL_A_NETNS_CURSOR] && nla_get_u64(tb[TCPTRAIL_A_NETNS_CURSOR]))
		st->cursor->netns_next = nla_get_u64(tb[TCPTRAIL_A_NETNS_CURSOR]);
	return 0;
}

int tt_nl_dump_events(struct tt_nl *nl, struct tt_cursor *cur, bool all_netns,
		      const struct tt_events_handler *h)
{
	struct dump_state st = { .cursor = cur, .handler = h };
	struct nl_msg *msg;

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
	return tt_nl_request(nl, msg, parse_events, &st);
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
