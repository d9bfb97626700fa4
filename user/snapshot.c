// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/inet_diag.h>
#include <netlink/idiag/idiagnl.h>
#include <netlink/idiag/msg.h>
#include <netlink/msg.h>
#include <netlink/socket.h>

#include "filter.h"
#include "snapshot.h"
#include "tcp_info.h"

/*
 * What the kernel tells of one socket. What libnl does not parse is read
 * from the message itself: the cookie, the cgroup id, and tcp_info, of
 * which libnl keeps only what glibc's older struct holds.
 */
static void live_from(struct idiagnl_msg *m, const struct nlmsghdr *nlh,
		      struct conn_live *live)
{
	const struct inet_diag_msg *raw = nlmsg_data(nlh);
	struct nlattr *cg = nlmsg_find_attr((struct nlmsghdr *)nlh,
					    sizeof(*raw), INET_DIAG_CGROUP_ID);
	struct nl_addr *src = idiagnl_msg_get_src(m);
	struct nl_addr *dst = idiagnl_msg_get_dst(m);
	struct nlattr *ti = nlmsg_find_attr((struct nlmsghdr *)nlh,
					    sizeof(*raw), INET_DIAG_INFO);

	memset(live, 0, sizeof(*live));
	live->has_totals = ti != NULL;
	if (ti)
		tt_totals_from_tcp_info(nla_data(ti), nla_len(ti),
					&live->totals);
	live->id = raw->id.idiag_cookie[0] |
		   (uint64_t)raw->id.idiag_cookie[1] << 32;
	live->cgroup = cg && nla_len(cg) >= 8 ? nla_get_u64(cg) : 0;
	live->state = idiagnl_msg_get_state(m);
	live->family = idiagnl_msg_get_family(m);
	live->sport = ntohs(raw->id.idiag_sport);
	live->dport = ntohs(raw->id.idiag_dport);
	if (src && nl_addr_get_len(src) <= sizeof(live->saddr))
		memcpy(live->saddr, nl_addr_get_binary_addr(src),
		       nl_addr_get_len(src));
	if (dst && nl_addr_get_len(dst) <= sizeof(live->daddr))
		memcpy(live->daddr, nl_addr_get_binary_addr(dst),
		       nl_addr_get_len(dst));
}

struct snapshot {
	struct conn_table *table;
	uint32_t netns;
	uint64_t now_ns;
	int err;
};

static int on_socket(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct snapshot *snap = arg;
	struct idiagnl_msg *m;
	struct conn_live live;
	int err;

	err = idiagnl_msg_parse(nlh, &m);
	if (err < 0)
		return NL_SKIP;		/* not a socket: nothing to learn */
	live_from(m, nlh, &live);
	idiagnl_msg_put(m);
	live.netns = snap->netns;
	live.seen_ns = snap->now_ns;
	err = conn_table_add_live(snap->table, &live);
	if (err) {
		snap->err = err;
		return NL_STOP;
	}
	return NL_OK;
}

static int dump_family(struct nl_sock *sock, uint8_t family,
		       struct snapshot *snap)
{
	int err;

	err = idiagnl_send_simple(sock, NLM_F_DUMP, family, IDIAGNL_SS_ALL,
				  1 << (INET_DIAG_INFO - 1));
	if (err < 0)
		return -EIO;
	err = nl_recvmsgs_default(sock);
	if (snap->err)
		return snap->err;
	return err < 0 ? -EIO : 0;
}

int tt_snapshot_take(struct conn_table *t, uint64_t now_ns)
{
	struct snapshot snap = {
		.table = t,
		.netns = tt_own_netns(),
		.now_ns = now_ns,
	};
	struct nl_sock *sock = nl_socket_alloc();
	int err;

	if (!sock) {
		fprintf(stderr, "tcptrail: out of memory\n");
		return -ENOMEM;
	}
	err = idiagnl_connect(sock);
	if (!err)
		err = nl_socket_modify_cb(sock, NL_CB_VALID, NL_CB_CUSTOM,
					  on_socket, &snap);
	if (err) {
		nl_socket_free(sock);
		fprintf(stderr, "tcptrail: cannot ask sock_diag for the open connections: %s (--no-snapshot goes without)\n",
			nl_geterror(err));
		return -EIO;
	}
	err = dump_family(sock, AF_INET, &snap);
	if (!err)
		err = dump_family(sock, AF_INET6, &snap);
	nl_socket_free(sock);
	if (err && err != -ENOMEM)
		fprintf(stderr, "tcptrail: sock_diag did not list the open connections (--no-snapshot goes without)\n");
	return err;
}
