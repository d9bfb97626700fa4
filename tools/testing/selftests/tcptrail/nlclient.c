// SPDX-License-Identifier: GPL-2.0
/* Raw generic netlink client for the tcptrail selftests (see nlclient.h). */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/tcptrail.h>

#include "nlclient.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

static int set_opt(int fd, int opt, int val)
{
	return setsockopt(fd, SOL_NETLINK, opt, &val, sizeof(val));
}

void nlc_msg_init_raw(struct nlc_msg *m, uint16_t type, uint16_t flags,
		      uint8_t cmd, uint8_t version)
{
	struct genlmsghdr *g;

	memset(m->buf, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	m->nlh.nlmsg_type = type;
	m->nlh.nlmsg_flags = NLM_F_REQUEST | flags;
	g = NLMSG_DATA(&m->nlh);
	g->cmd = cmd;
	g->version = version;
	m->len = NLMSG_HDRLEN + GENL_HDRLEN;
}

void nlc_msg_init(struct nlc_msg *m, const struct nlc *c, uint8_t cmd,
		  uint16_t flags)
{
	nlc_msg_init_raw(m, c->family, flags, cmd, c->version);
}

void nlc_put_bytes(struct nlc_msg *m, const void *data, size_t len)
{
	if (m->len + len > sizeof(m->buf))
		abort();
	memcpy(m->buf + m->len, data, len);
	m->len += len;
}

size_t nlc_put(struct nlc_msg *m, uint16_t type, const void *data, size_t len)
{
	struct nlattr a = { .nla_len = NLA_HDRLEN + len, .nla_type = type };
	size_t off = m->len = NLA_ALIGN(m->len);
	static const char zeros[NLA_ALIGNTO];

	nlc_put_bytes(m, &a, sizeof(a));
	if (len)
		nlc_put_bytes(m, data, len);
	nlc_put_bytes(m, zeros, NLA_ALIGN(len) - len);
	return off;
}

size_t nlc_put_u8(struct nlc_msg *m, uint16_t type, uint8_t v)
{
	return nlc_put(m, type, &v, sizeof(v));
}

size_t nlc_put_u16(struct nlc_msg *m, uint16_t type, uint16_t v)
{
	return nlc_put(m, type, &v, sizeof(v));
}

size_t nlc_put_u32(struct nlc_msg *m, uint16_t type, uint32_t v)
{
	return nlc_put(m, type, &v, sizeof(v));
}

size_t nlc_put_u64(struct nlc_msg *m, uint16_t type, uint64_t v)
{
	return nlc_put(m, type, &v, sizeof(v));
}

size_t nlc_put_flag(struct nlc_msg *m, uint16_t type)
{
	return nlc_put(m, type, NULL, 0);
}

size_t nlc_nest_start(struct nlc_msg *m, uint16_t type)
{
	return nlc_put(m, type | NLA_F_NESTED, NULL, 0);
}

void nlc_nest_end(struct nlc_msg *m, size_t start)
{
	struct nlattr *a = (struct nlattr *)(m->buf + start);

	a->nla_len = m->len - start;
}

int nlc_parse(const struct nlattr *start, int len, const struct nlattr **tb, int max)
{
	const struct nlattr *a;
	int rem;

	memset(tb, 0, (max + 1) * sizeof(*tb));
	nlc_for_each_attr(a, start, len, rem) {
		int type = a->nla_type & NLA_TYPE_MASK;

		if (type <= max)
			tb[type] = a;
	}
	return rem > 0 ? -1 : 0;
}

uint64_t nlc_get_u64(const struct nlattr *a)
{
	uint64_t v = 0;

	if (a && NLC_ATTR_LEN(a) >= 8)
		memcpy(&v, NLC_ATTR_DATA(a), 8);
	return v;
}

uint32_t nlc_get_u32(const struct nlattr *a)
{
	uint32_t v = 0;

	if (a && NLC_ATTR_LEN(a) >= 4)
		memcpy(&v, NLC_ATTR_DATA(a), 4);
	return v;
}

uint16_t nlc_get_u16(const struct nlattr *a)
{
	uint16_t v = 0;

	if (a && NLC_ATTR_LEN(a) >= 2)
		memcpy(&v, NLC_ATTR_DATA(a), 2);
	return v;
}

uint8_t nlc_get_u8(const struct nlattr *a)
{
	return a && NLC_ATTR_LEN(a) >= 1 ? *(const uint8_t *)NLC_ATTR_DATA(a) : 0;
}

int nlc_send(struct nlc *c, struct nlc_msg *m)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	ssize_t n;

	m->nlh.nlmsg_len = m->len;
	m->nlh.nlmsg_seq = ++c->seq;
	m->nlh.nlmsg_pid = 0;
	n = sendto(c->fd, m->buf, m->len, 0, (struct sockaddr *)&sa, sizeof(sa));
	if (n < 0)
		return -errno;
	return n == (ssize_t)m->len ? 0 : -EMSGSIZE;
}

/* Error code and extack of an NLMSG_ERROR or NLMSG_DONE. */
static void parse_ack(const struct nlmsghdr *nlh, struct nlc_result *res)
{
	const char *p = NLMSG_DATA(nlh);
	int len = nlh->nlmsg_len - NLMSG_HDRLEN, skip;
	const struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	int error = 0;

	if (len >= (int)sizeof(int))
		memcpy(&error, p, sizeof(int));
	res->error = error;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (nlh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = (const void *)p;

		skip = sizeof(*e);
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			skip += e->msg.nlmsg_len - sizeof(e->msg);
	} else {
		skip = sizeof(int);
	}
	skip = NLMSG_ALIGN(skip);
	if (skip >= len)
		return;
	nlc_parse((const struct nlattr *)(p + skip), len - skip, tb, NLMSGERR_ATTR_MAX);
	if (tb[NLMSGERR_ATTR_MSG]) {
		snprintf(res->msg, sizeof(res->msg), "%.*s", NLC_ATTR_LEN(tb[NLMSGERR_ATTR_MSG]),
			 (const char *)NLC_ATTR_DATA(tb[NLMSGERR_ATTR_MSG]));
		res->have_msg = 1;
	}
	if (tb[NLMSGERR_ATTR_OFFS]) {
		res->bad_attr_offs = nlc_get_u32(tb[NLMSGERR_ATTR_OFFS]);
		res->have_offs = 1;
	}
}

int nlc_request(struct nlc *c, struct nlc_msg *m, nlc_cb cb, void *arg,
		struct nlc_result *res)
{
	int dump = (m->nlh.nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
	size_t cap = c->rcvbuf ? c->rcvbuf : 32768;
	char *buf = malloc(cap);
	int ret, stop = 0;

	memset(res, 0, sizeof(*res));
	if (!buf)
		return -ENOMEM;
	if (!dump)
		m->nlh.nlmsg_flags |= NLM_F_ACK;
	ret = nlc_send(c, m);
	if (ret)
		goto out;
	for (;;) {
		struct iovec iov = { buf, cap };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
		const struct nlmsghdr *nlh;
		ssize_t n = recvmsg(c->fd, &mh, 0);
		int rem;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			goto out;
		}
		if (mh.msg_flags & MSG_TRUNC) {
			ret = -EMSGSIZE;	/* our buffer is too small */
			goto out;
		}
		for (nlh = (void *)buf, rem = n; NLMSG_OK(nlh, rem); nlh = NLMSG_NEXT(nlh, rem)) {
			if (nlh->nlmsg_seq != c->seq)
				continue;	/* a notification, or a stale answer */
			if (nlh->nlmsg_type == NLMSG_ERROR || nlh->nlmsg_type == NLMSG_DONE) {
				parse_ack(nlh, res);
				ret = 0;
				/* A dump's error comes as NLMSG_ERROR or in NLMSG_DONE. */
				goto drain;
			}
			if (nlh->nlmsg_type != c->family && nlh->nlmsg_type >= NLMSG_MIN_TYPE)
				continue;
			res->nmsgs++;
			if (!stop && cb && cb(nlh, arg))
				stop = 1;
		}
	}
drain:
	ret = 0;
out:
	free(buf);
	return ret;
}

struct family_info {
	uint16_t id;
	uint32_t version;
	uint32_t events_grp;
	uint32_t events_all_grp;
};

static int family_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1], *grp;
	struct family_info *fi = arg;
	int rem;

	nlc_parse(NLC_ATTRS(nlh), NLC_ATTRS_LEN(nlh), tb, CTRL_ATTR_MAX);
	fi->id = nlc_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	fi->version = nlc_get_u32(tb[CTRL_ATTR_VERSION]);
	if (!tb[CTRL_ATTR_MCAST_GROUPS])
		return 0;
	nlc_for_each_attr(grp, (const struct nlattr *)NLC_ATTR_DATA(tb[CTRL_ATTR_MCAST_GROUPS]),
			  NLC_ATTR_LEN(tb[CTRL_ATTR_MCAST_GROUPS]), rem) {
		const struct nlattr *g[CTRL_ATTR_MCAST_GRP_MAX + 1];

		nlc_parse(NLC_ATTR_DATA(grp), NLC_ATTR_LEN(grp), g, CTRL_ATTR_MCAST_GRP_MAX);
		if (!g[CTRL_ATTR_MCAST_GRP_NAME])
			continue;
		if (!strcmp(NLC_ATTR_DATA(g[CTRL_ATTR_MCAST_GRP_NAME]), TCPTRAIL_MCGRP_EVENTS))
			fi->events_grp = nlc_get_u32(g[CTRL_ATTR_MCAST_GRP_ID]);
		else if (!strcmp(NLC_ATTR_DATA(g[CTRL_ATTR_MCAST_GRP_NAME]),
				 TCPTRAIL_MCGRP_EVENTS_ALL))
			fi->events_all_grp = nlc_get_u32(g[CTRL_ATTR_MCAST_GRP_ID]);
	}
	return 0;
}

int nlc_open(struct nlc *c)
{
	return nlc_open_rcvbuf(c, 0);
}

int nlc_open_rcvbuf(struct nlc *c, size_t rcvbuf)
{
	struct family_info fi = { 0 };
	struct nlc_result res;
	struct nlc_msg *m;
	int ret;

	memset(c, 0, sizeof(*c));
	c->rcvbuf = rcvbuf;
	c->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (c->fd < 0)
		return -errno;
	set_opt(c->fd, NETLINK_EXT_ACK, 1);
	set_opt(c->fd, NETLINK_CAP_ACK, 1);
	c->seq = (uint32_t)getpid() << 8;

	m = malloc(sizeof(*m));
	if (!m) {
		ret = -ENOMEM;
		goto err;
	}
	nlc_msg_init_raw(m, GENL_ID_CTRL, 0, CTRL_CMD_GETFAMILY, 1);
	nlc_put(m, CTRL_ATTR_FAMILY_NAME, TCPTRAIL_GENL_NAME, sizeof(TCPTRAIL_GENL_NAME));
	/* The controller answers with type GENL_ID_CTRL. */
	c->family = GENL_ID_CTRL;
	ret = nlc_request(c, m, family_cb, &fi, &res);
	free(m);
	if (!ret)
		ret = res.error;
	if (!ret && !fi.id)
		ret = -ENOENT;
	if (ret)
		goto err;
	c->family = fi.id;
	c->version = fi.version;
	c->events_grp = fi.events_grp;
	c->events_all_grp = fi.events_all_grp;
	return 0;
err:
	close(c->fd);
	c->fd = -1;
	return ret;
}

void nlc_close(struct nlc *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

int nlc_join(struct nlc *c, uint32_t group)
{
	return set_opt(c->fd, NETLINK_ADD_MEMBERSHIP, group) ? -errno : 0;
}

int nlc_leave(struct nlc *c, uint32_t group)
{
	return set_opt(c->fd, NETLINK_DROP_MEMBERSHIP, group) ? -errno : 0;
}

int nlc_recv_timeout(struct nlc *c, void *buf, size_t len, int timeout_ms)
{
	struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
	ssize_t n;
	int r;

	do {
		r = poll(&pfd, 1, timeout_ms);
	} while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	if (r == 0)
		return 0;
	n = recv(c->fd, buf, len, MSG_DONTWAIT);
	if (n < 0)
		return errno == EAGAIN ? 0 : -errno;
	return n;
}

/* tcptrail requests. */

static int dump_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *tb[TCPTRAIL_A_MAX + 1], *a;
	struct tt_dump *d = arg;
	struct tt_dump_msg *dm;
	int rem;

	if (d->nmsgs == d->msgs_cap) {
		size_t cap = d->msgs_cap ? 2 * d->msgs_cap : 64;
		struct tt_dump_msg *nm = realloc(d->msgs, cap * sizeof(*nm));

		if (!nm)
			return -1;
		d->msgs = nm;
		d->msgs_cap = cap;
	}
	dm = &d->msgs[d->nmsgs++];
	memset(dm, 0, sizeof(*dm));
	dm->first = d->n;
	if (((const struct genlmsghdr *)NLMSG_DATA(nlh))->cmd != TCPTRAIL_CMD_GET_EVENTS)
		d->bad++;
	if (nlc_parse(NLC_ATTRS(nlh), NLC_ATTRS_LEN(nlh), tb, TCPTRAIL_A_MAX))
		d->bad++;
	/* RECORDS: whole records, packed, the payload 64-bit aligned. */
	nlc_for_each_attr(a, NLC_ATTRS(nlh), NLC_ATTRS_LEN(nlh), rem) {
		const char *p = NLC_ATTR_DATA(a);
		size_t len = NLC_ATTR_LEN(a);

		if (a->nla_type == TCPTRAIL_A_RECORD) {
			d->bad++;	/* family version 1's */
			continue;
		}
		if (a->nla_type != TCPTRAIL_A_RECORDS)
			continue;
		if (len % sizeof(struct tcptrail_record) ||
		    (p - (const char *)nlh) % 8) {
			d->bad++;
			continue;
		}
		for (; len; p += sizeof(struct tcptrail_record),
			    len -= sizeof(struct tcptrail_record)) {
			if (d->n == d->cap) {
				size_t cap = d->cap ? 2 * d->cap : 1024;
				struct tcptrail_record *nr = realloc(d->r, cap * sizeof(*nr));

				if (!nr)
					return -1;
				d->r = nr;
				d->cap = cap;
			}
			memcpy(&d->r[d->n++], p, sizeof(struct tcptrail_record));
		}
	}
	dm->nrecs = d->n - dm->first;
	dm->have = (tb[TCPTRAIL_A_MISSED] ? TT_HAVE_MISSED : 0) |
		   (tb[TCPTRAIL_A_CURSOR] ? TT_HAVE_CURSOR : 0) |
		   (tb[TCPTRAIL_A_NETNS_CURSOR] ? TT_HAVE_NETNS_CURSOR : 0);
	dm->missed = nlc_get_u64(tb[TCPTRAIL_A_MISSED]);
	dm->cursor = nlc_get_u64(tb[TCPTRAIL_A_CURSOR]);
	dm->netns_cursor = nlc_get_u64(tb[TCPTRAIL_A_NETNS_CURSOR]);
	d->missed += dm->missed;
	if (tb[TCPTRAIL_A_CURSOR])
		d->cursor = dm->cursor;
	if (tb[TCPTRAIL_A_NETNS_CURSOR])
		d->netns_cursor = dm->netns_cursor;
	return 0;
}

int tt_nl_dump(struct nlc *c, uint64_t cursor, uint64_t netns_cursor, int all_netns,
	       struct tt_dump *d)
{
	struct nlc_msg *m = malloc(sizeof(*m));
	int ret;

	memset(d, 0, sizeof(*d));
	if (!m)
		return -ENOMEM;
	nlc_msg_init(m, c, TCPTRAIL_CMD_GET_EVENTS, NLM_F_DUMP);
	if (cursor)
		nlc_put_u64(m, TCPTRAIL_A_CURSOR, cursor);
	if (netns_cursor)
		nlc_put_u64(m, TCPTRAIL_A_NETNS_CURSOR, netns_cursor);
	if (all_netns)
		nlc_put_flag(m, TCPTRAIL_A_ALL_NETNS);
	ret = nlc_request(c, m, dump_cb, d, &d->res);
	free(m);
	if (!ret)
		ret = d->res.error;
	return ret;
}

void tt_dump_free(struct tt_dump *d)
{
	free(d->r);
	free(d->msgs);
	memset(d, 0, sizeof(*d));
}

static int stats_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *tb[TCPTRAIL_A_MAX + 1], *a;
	struct tt_nl_stats *st = arg;
	int rem;

	memset(st, 0, sizeof(*st));
	nlc_parse(NLC_ATTRS(nlh), NLC_ATTRS_LEN(nlh), tb, TCPTRAIL_A_MAX);
	for (int i = TCPTRAIL_A_RING_SIZE; i <= TCPTRAIL_A_NETNS_WRITTEN; i++)
		if (tb[i])
			st->have |= 1u << i;
	st->ring_size = nlc_get_u32(tb[TCPTRAIL_A_RING_SIZE]);
	st->record_size = nlc_get_u32(tb[TCPTRAIL_A_RECORD_SIZE]);
	st->written = nlc_get_u64(tb[TCPTRAIL_A_WRITTEN]);
	st->overwritten = nlc_get_u64(tb[TCPTRAIL_A_OVERWRITTEN]);
	st->history_dropped = nlc_get_u64(tb[TCPTRAIL_A_HISTORY_DROPPED]);
	st->not_recorded = nlc_get_u64(tb[TCPTRAIL_A_NOT_RECORDED]);
	st->filtered = nlc_get_u64(tb[TCPTRAIL_A_FILTERED]);
	st->netns_written = nlc_get_u64(tb[TCPTRAIL_A_NETNS_WRITTEN]);
	nlc_for_each_attr(a, NLC_ATTRS(nlh), NLC_ATTRS_LEN(nlh), rem) {
		const struct nlattr *s[TCPTRAIL_STATE_A_MAX + 1];
		uint8_t state;

		if ((a->nla_type & NLA_TYPE_MASK) != TCPTRAIL_A_STATE_COUNT)
			continue;
		nlc_parse(NLC_ATTR_DATA(a), NLC_ATTR_LEN(a), s, TCPTRAIL_STATE_A_MAX);
		state = nlc_get_u8(s[TCPTRAIL_STATE_A_STATE]);
		if (!s[TCPTRAIL_STATE_A_STATE] || !s[TCPTRAIL_STATE_A_COUNT] || state >= 16) {
			st->bad++;
			continue;
		}
		st->state[state] = nlc_get_u64(s[TCPTRAIL_STATE_A_COUNT]);
		st->nstates++;
	}
	return 0;
}

int tt_nl_stats(struct nlc *c, struct tt_nl_stats *st, struct nlc_result *res)
{
	struct nlc_result r;
	struct nlc_msg *m = malloc(sizeof(*m));
	int ret;

	memset(st, 0, sizeof(*st));
	if (!res)
		res = &r;
	if (!m)
		return -ENOMEM;
	nlc_msg_init(m, c, TCPTRAIL_CMD_GET_STATS, 0);
	ret = nlc_request(c, m, stats_cb, st, res);
	free(m);
	if (!ret)
		ret = res->error;
	if (!ret && res->nmsgs != 1)
		ret = -EPROTO;
	return ret;
}

static int config_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *tb[TCPTRAIL_A_MAX + 1], *a;
	struct tt_nl_config *cfg = arg;
	int rem;

	memset(cfg, 0, sizeof(*cfg));
	nlc_parse(NLC_ATTRS(nlh), NLC_ATTRS_LEN(nlh), tb, TCPTRAIL_A_MAX);
	cfg->have = (tb[TCPTRAIL_A_RING_SIZE] ? 1 : 0) | (tb[TCPTRAIL_A_ENABLED] ? 2 : 0) |
		    (tb[TCPTRAIL_A_FILTER_FAMILY] ? 4 : 0) | (tb[TCPTRAIL_A_FILTER_PORTS] ? 8 : 0);
	cfg->ring_size = nlc_get_u32(tb[TCPTRAIL_A_RING_SIZE]);
	cfg->enabled = nlc_get_u8(tb[TCPTRAIL_A_ENABLED]);
	cfg->family = nlc_get_u16(tb[TCPTRAIL_A_FILTER_FAMILY]);
	if (!tb[TCPTRAIL_A_FILTER_PORTS])
		return 0;
	nlc_for_each_attr(a, (const struct nlattr *)NLC_ATTR_DATA(tb[TCPTRAIL_A_FILTER_PORTS]),
			  NLC_ATTR_LEN(tb[TCPTRAIL_A_FILTER_PORTS]), rem) {
		if (a->nla_type == TCPTRAIL_A_PORT && cfg->nports < 32)
			cfg->ports[cfg->nports++] = nlc_get_u16(a);
	}
	return 0;
}

int tt_nl_config(struct nlc *c, struct tt_nl_config *cfg)
{
	struct nlc_result res;
	struct nlc_msg *m = malloc(sizeof(*m));
	int ret;

	memset(cfg, 0, sizeof(*cfg));
	if (!m)
		return -ENOMEM;
	nlc_msg_init(m, c, TCPTRAIL_CMD_GET_CONFIG, 0);
	ret = nlc_request(c, m, config_cb, cfg, &res);
	free(m);
	if (!ret)
		ret = res.error;
	if (!ret && res.nmsgs != 1)
		ret = -EPROTO;
	return ret;
}

int tt_nl_do(struct nlc *c, struct nlc_msg *m, struct nlc_result *res)
{
	int ret = nlc_request(c, m, NULL, NULL, res);

	return ret ? ret : res->error;
}

int tt_nl_set_ring(struct nlc *c, uint32_t size)
{
	struct nlc_result res;
	struct nlc_msg m;

	nlc_msg_init(&m, c, TCPTRAIL_CMD_SET_CONFIG, 0);
	nlc_put_u32(&m, TCPTRAIL_A_RING_SIZE, size);
	return tt_nl_do(c, &m, &res);
}
