// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "tcptrail": event dumps with resumable cursors,
 * stats, configuration, and an "events" multicast group that only says
 * "there is more". The request and reply layout is documented in
 * include/uapi/linux/tcptrail.h and Documentation/netlink/specs/tcptrail.yaml.
 */
#include <linux/bitops.h>
#include <linux/capability.h>
#include <linux/irq_work.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/netns/generic.h>
#include <net/sock.h>

#include "config.h"
#include "entry_hook.h"
#include "features.h"
#include "netlink.h"
#include "reader.h"
#include "record.h"
#include "rst_reasons.h"
#include "stats.h"

enum { MCGRP_EVENTS, MCGRP_EVENTS_ALL };

static struct genl_family tcptrail_genl_family;
static void notify_listened_now(void);
static int notify_bind(int group);
static void notify_unbind(int group);

/* Slices of the ring (TCPTRAIL_WALK_SLICE slots each) one message walks. */
#define DUMP_SLICES	16

/* Room a dump message keeps for MISSED, CURSOR and NETNS_CURSOR. */
#define DUMP_TRAILER	(3 * nla_total_size_64bit(sizeof(u64)))

/* Records one RECORDS attribute holds at most: its length is a u16. */
#define DUMP_MAX_RECORDS \
	((U16_MAX - NLA_HDRLEN) / sizeof(struct tcptrail_record))

/* The walk outgrows cb->ctx: it lives from start to done. */
static struct tcptrail_reader **events_dump_ctx(struct netlink_callback *cb)
{
	static_assert(sizeof(struct tcptrail_reader *) <= sizeof(cb->ctx));
	return (struct tcptrail_reader **)cb->ctx;
}

static int events_dump_start(struct netlink_callback *cb)
{
	struct nlattr **attrs = tcptrail_genl_dump_attrs(cb);
	struct net *net = sock_net(cb->skb->sk);
	struct tcptrail_reader *r;
	bool all_netns = false;
	u64 next = 0, netns_next = 0;

	if (attrs[TCPTRAIL_A_ALL_NETNS]) {
		if (!net_eq(net, &init_net) ||
		    !netlink_capable(cb->skb, CAP_NET_ADMIN)) {
			NL_SET_ERR_MSG_ATTR(cb->extack, attrs[TCPTRAIL_A_ALL_NETNS],
					    "all namespaces need CAP_NET_ADMIN in the initial namespaces");
			return -EPERM;
		}
		all_netns = true;
	}
	if (attrs[TCPTRAIL_A_NETNS_CURSOR])
		netns_next = nla_get_u64(attrs[TCPTRAIL_A_NETNS_CURSOR]);
	if (attrs[TCPTRAIL_A_CURSOR])
		next = nla_get_u64(attrs[TCPTRAIL_A_CURSOR]);
	r = kmalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	notify_listened_now();
	tcptrail_reader_init(r, net, all_netns, next, netns_next);
	if (r->next > r->end + 1) {
		kfree(r);
		NL_SET_ERR_MSG_ATTR(cb->extack, attrs[TCPTRAIL_A_CURSOR],
				    "cursor is beyond the newest record");
		return -EINVAL;
	}
	*events_dump_ctx(cb) = r;
	return 0;
}

static int events_dump_done(struct netlink_callback *cb)
{
	kfree(*events_dump_ctx(cb));
	return 0;
}

/*
 * RECORDS is the message's first attribute: its payload starts 64-bit
 * aligned (a PAD would do too, but YNL's decoder rejects PAD attributes),
 * so a reader can use the records in place. MISSED, CURSOR and
 * NETNS_CURSOR follow.
 */
static_assert(IS_ALIGNED(NLMSG_HDRLEN + GENL_HDRLEN + NLA_HDRLEN, 8));

static int events_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct tcptrail_reader *r = *events_dump_ctx(cb);
	struct net *net = sock_net(cb->skb->sk);
	unsigned int slices = 0, room;
	struct nlattr *records;
	bool more = true;
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &tcptrail_genl_family, NLM_F_MULTI,
			  TCPTRAIL_CMD_GET_EVENTS);
	if (!hdr)
		return -EMSGSIZE;
	records = nla_reserve(skb, TCPTRAIL_A_RECORDS, 0);
	if (!records || skb_tailroom(skb) < DUMP_TRAILER)
		goto cancel;

	/* Each record is read straight into the message. */
	room = min_t(unsigned int, (skb_tailroom(skb) - DUMP_TRAILER) /
		     sizeof(struct tcptrail_record), DUMP_MAX_RECORDS);
	while (room) {
		more = tcptrail_reader_next(r, net,
					    (struct tcptrail_record *)
					    skb_tail_pointer(skb));
		if (!more && r->paused) {
			/* A bounded walk per message: the rest in the next. */
			if (++slices == DUMP_SLICES)
				break;
			cond_resched();
			continue;
		}
		if (!more)
			break;
		__skb_put(skb, sizeof(struct tcptrail_record));
		room--;
	}
	records->nla_len = skb_tail_pointer(skb) - (unsigned char *)records;
	if (records->nla_len == NLA_HDRLEN)
		nlmsg_trim(skb, records);	/* none: no RECORDS */

	more = more || r->paused;
	if (nla_put_u64_64bit(skb, TCPTRAIL_A_MISSED, r->lost, TCPTRAIL_A_PAD) ||
	    nla_put_u64_64bit(skb, TCPTRAIL_A_CURSOR, r->next, TCPTRAIL_A_PAD) ||
	    nla_put_u64_64bit(skb, TCPTRAIL_A_NETNS_CURSOR, r->netns_next,
			      TCPTRAIL_A_PAD))
		goto cancel;
	r->lost = 0;
	genlmsg_end(skb, hdr);
	/* 0 ends the dump; NLMSG_DONE then rides in this skb. */
	return more ? skb->len : 0;

cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

static int put_state_counts(struct sk_buff *skb,
			    const struct tcptrail_stats *st)
{
	unsigned int state;
	struct nlattr *nest;

	for (state = 0; state < TCPTRAIL_NR_STATES; state++) {
		u64 count = st->entered[state];

		if (!count)
			continue;
		nest = nla_nest_start(skb, TCPTRAIL_A_STATE_COUNT);
		if (!nest ||
		    nla_put_u8(skb, TCPTRAIL_STATE_A_STATE, state) ||
		    nla_put_u64_64bit(skb, TCPTRAIL_STATE_A_COUNT, count,
				      TCPTRAIL_STATE_A_PAD))
			return -EMSGSIZE;
		nla_nest_end(skb, nest);
	}
	return 0;
}

static int put_features(struct sk_buff *skb)
{
	struct nlattr *nest;
	unsigned int f;

	for (f = 0; f < TCPTRAIL_NR_FEATURES; f++) {
		nest = nla_nest_start(skb, TCPTRAIL_A_FEATURE);
		if (!nest ||
		    nla_put_string(skb, TCPTRAIL_FEATURE_A_NAME,
				   tcptrail_feature_name(f)) ||
		    nla_put_u8(skb, TCPTRAIL_FEATURE_A_ON,
			       tcptrail_feature_on[f]) ||
		    (!tcptrail_feature_on[f] &&
		     nla_put_string(skb, TCPTRAIL_FEATURE_A_WHY,
				    tcptrail_feature_why(f))))
			return -EMSGSIZE;
		nla_nest_end(skb, nest);
	}
	return 0;
}

/* The kernel's names of the reasons in RESET records' detail. */
static int put_rst_reasons(struct sk_buff *skb)
{
	struct nlattr *nest;
	unsigned int r;

	for (r = 0; r < tcptrail_nr_rst_reasons; r++) {
		nest = nla_nest_start(skb, TCPTRAIL_A_RST_REASON);
		if (!nest ||
		    nla_put_u32(skb, TCPTRAIL_RST_REASON_A_VALUE, r) ||
		    nla_put_string(skb, TCPTRAIL_RST_REASON_A_NAME,
				   tcptrail_rst_reason_name(r)))
			return -EMSGSIZE;
		nla_nest_end(skb, nest);
	}
	return 0;
}

static int put_u64(struct sk_buff *skb, int attr, u64 value)
{
	return nla_put_u64_64bit(skb, attr, value, TCPTRAIL_A_PAD);
}

static int put_stats(struct sk_buff *skb, struct net *net)
{
	struct tcptrail_stats st;

	tcptrail_stats_read(net, &st);
	if (nla_put_u32(skb, TCPTRAIL_A_RING_SIZE, st.ring_size) ||
	    nla_put_u32(skb, TCPTRAIL_A_RECORD_SIZE,
			sizeof(struct tcptrail_record)) ||
	    put_u64(skb, TCPTRAIL_A_WRITTEN, st.written) ||
	    put_u64(skb, TCPTRAIL_A_OVERWRITTEN, st.overwritten) ||
	    put_u64(skb, TCPTRAIL_A_HISTORY_DROPPED, st.history_dropped) ||
	    put_u64(skb, TCPTRAIL_A_NOT_RECORDED, st.not_recorded) ||
	    put_u64(skb, TCPTRAIL_A_FILTERED, st.filtered) ||
	    put_u64(skb, TCPTRAIL_A_NETNS_WRITTEN, st.netns_written))
		return -EMSGSIZE;
	return put_state_counts(skb, &st) ?: put_features(skb) ?:
	       put_rst_reasons(skb);
}

static int put_config(struct sk_buff *skb)
{
	const struct tcptrail_config *cfg;
	struct nlattr *ports;
	unsigned int i;
	int err = -EMSGSIZE;

	rcu_read_lock();
	cfg = tcptrail_config_rcu();
	if (nla_put_u32(skb, TCPTRAIL_A_RING_SIZE,
			tcptrail_ring_size(tcptrail_ring_rcu())) ||
	    nla_put_u8(skb, TCPTRAIL_A_ENABLED, cfg->enabled) ||
	    nla_put_u16(skb, TCPTRAIL_A_FILTER_FAMILY, cfg->family))
		goto out;
	ports = nla_nest_start(skb, TCPTRAIL_A_FILTER_PORTS);
	if (!ports)
		goto out;
	for (i = 0; i < cfg->nports; i++)
		if (nla_put_u16(skb, TCPTRAIL_A_PORT, cfg->ports[i]))
			goto out;
	nla_nest_end(skb, ports);
	err = 0;
out:
	rcu_read_unlock();
	return err;
}

/* Replies to a "do" request with what @fill puts in the message. */
static int reply(struct genl_info *info,
		 int (*fill)(struct sk_buff *skb, struct genl_info *info))
{
	struct sk_buff *skb;
	void *hdr;
	int err;

	skb = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!skb)
		return -ENOMEM;
	hdr = genlmsg_put_reply(skb, info, &tcptrail_genl_family, 0,
				info->genlhdr->cmd);
	if (!hdr) {
		err = -EMSGSIZE;
		goto err_free;
	}
	err = fill(skb, info);
	if (err)
		goto err_free;
	genlmsg_end(skb, hdr);
	return genlmsg_reply(skb, info);

err_free:
	nlmsg_free(skb);
	return err;
}

static int fill_stats(struct sk_buff *skb, struct genl_info *info)
{
	return put_stats(skb, genl_info_net(info));
}

static int fill_config(struct sk_buff *skb, struct genl_info *info)
{
	return put_config(skb);
}

static int stats_doit(struct sk_buff *skb, struct genl_info *info)
{
	return reply(info, fill_stats);
}

static int config_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	return reply(info, fill_config);
}

static int parse_ports(struct tcptrail_config_change *chg, struct nlattr *nest,
		       struct netlink_ext_ack *extack)
{
	struct nlattr *port;
	int rem;

	chg->set_ports = true;
	nla_for_each_nested(port, nest, rem) {
		if (chg->nports == TCPTRAIL_MAX_FILTER_PORTS) {
			NL_SET_ERR_MSG_ATTR(extack, port,
					    "too many ports: at most 16 may be filtered on");
			return -E2BIG;
		}
		chg->ports[chg->nports++] = nla_get_u16(port);
	}
	return 0;
}

static int config_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct netlink_ext_ack *extack = info->extack;
	struct tcptrail_config_change chg = {};
	struct nlattr **attrs = info->attrs;
	bool ring_failed;
	int err;

	if (attrs[TCPTRAIL_A_FILTER_FAMILY]) {
		chg.set_family = true;
		chg.family = nla_get_u16(attrs[TCPTRAIL_A_FILTER_FAMILY]);
		if (chg.family && chg.family != AF_INET &&
		    chg.family != AF_INET6) {
			NL_SET_ERR_MSG_ATTR(extack, attrs[TCPTRAIL_A_FILTER_FAMILY],
					    "family must be 0 (both), AF_INET or AF_INET6");
			return -EINVAL;
		}
	}
	if (attrs[TCPTRAIL_A_ENABLED]) {
		chg.set_enabled = true;
		chg.enabled = nla_get_u8(attrs[TCPTRAIL_A_ENABLED]);
	}
	if (attrs[TCPTRAIL_A_FILTER_PORTS]) {
		err = parse_ports(&chg, attrs[TCPTRAIL_A_FILTER_PORTS], extack);
		if (err)
			return err;
	}
	if (attrs[TCPTRAIL_A_RING_SIZE])
		chg.ring_size = nla_get_u32(attrs[TCPTRAIL_A_RING_SIZE]);
	err = tcptrail_config_change(&chg, &ring_failed);
	if (ring_failed)
		NL_SET_ERR_MSG_ATTR(extack, attrs[TCPTRAIL_A_RING_SIZE],
				    "cannot allocate a ring of that size; nothing was changed");
	return err;
}

static struct netlink_range_validation ring_size_range = {
	.min = TCPTRAIL_RING_MIN,
	.max = TCPTRAIL_RING_MAX,
};

static const struct nla_policy port_policy[TCPTRAIL_A_MAX + 1] = {
	[TCPTRAIL_A_PORT]		= NLA_POLICY_MIN(NLA_U16, 1),
};

static const struct nla_policy events_policy[TCPTRAIL_A_MAX + 1] = {
	[TCPTRAIL_A_CURSOR]		= { .type = NLA_U64 },
	[TCPTRAIL_A_NETNS_CURSOR]	= { .type = NLA_U64 },
	[TCPTRAIL_A_ALL_NETNS]		= { .type = NLA_FLAG },
};

/* No attributes at all: anything sent is rejected as unknown. */
static const struct nla_policy empty_policy[TCPTRAIL_A_MAX + 1] = {};

static const struct nla_policy config_policy[TCPTRAIL_A_MAX + 1] = {
	[TCPTRAIL_A_RING_SIZE]		=
		NLA_POLICY_FULL_RANGE(NLA_U32, &ring_size_range),
	[TCPTRAIL_A_ENABLED]		= NLA_POLICY_MAX(NLA_U8, 1),
	[TCPTRAIL_A_FILTER_FAMILY]	= { .type = NLA_U16 },
	[TCPTRAIL_A_FILTER_PORTS]	= NLA_POLICY_NESTED(port_policy),
};

static const struct genl_ops tcptrail_genl_ops[] = {
	{
		.cmd	= TCPTRAIL_CMD_GET_EVENTS,
		.start	= events_dump_start,
		.dumpit	= events_dumpit,
		.done	= events_dump_done,
		.policy	= events_policy,
		.maxattr = TCPTRAIL_A_MAX,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= TCPTRAIL_CMD_GET_STATS,
		.doit	= stats_doit,
		.policy	= empty_policy,
		.maxattr = TCPTRAIL_A_MAX,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= TCPTRAIL_CMD_GET_CONFIG,
		.doit	= config_get_doit,
		.policy	= empty_policy,
		.maxattr = TCPTRAIL_A_MAX,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= TCPTRAIL_CMD_SET_CONFIG,
		.doit	= config_set_doit,
		.policy	= config_policy,
		.maxattr = TCPTRAIL_A_MAX,
		/* The ring is shared by every namespace. */
		.flags	= GENL_ADMIN_PERM,
	},
};

static const struct genl_multicast_group tcptrail_genl_mcgrps[] = {
	[MCGRP_EVENTS] = {
		.name	= TCPTRAIL_MCGRP_EVENTS,
		.flags	= TCPTRAIL_MCGRP_NET_ADMIN,
	},
	[MCGRP_EVENTS_ALL] = {
		.name	= TCPTRAIL_MCGRP_EVENTS_ALL,
		.flags	= TCPTRAIL_MCGRP_NET_ADMIN,
	},
};

static struct genl_family tcptrail_genl_family __ro_after_init = {
	.name		= TCPTRAIL_GENL_NAME,
	.version	= TCPTRAIL_GENL_VERSION,
	.netnsok	= true,
	/* Not under the genl mutex, which every family on the host shares:
	 * the config has its own lock, each dump its own walk.
	 */
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.ops		= tcptrail_genl_ops,
	.n_ops		= ARRAY_SIZE(tcptrail_genl_ops),
	TCPTRAIL_GENL_RESV_START_OP
	.mcgrps		= tcptrail_genl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(tcptrail_genl_mcgrps),
	TCPTRAIL_GENL_BIND
};

/*
 * "There is more": one notification per batch and namespace. The probe
 * queues it only when the group has a listener in that namespace and none
 * is queued; the work clears the pending bits before sending, so a record
 * committed after that queues the next notification and no record is left
 * unannounced. A record of namespace N wakes the "events" listeners of N
 * and the "events-all" listeners of the initial namespace (who may read
 * every namespace), never those of another namespace.
 *
 * The probe may run from a kprobe's int3, where no lock may be taken, not
 * even the timer's of a workqueue: it raises an irq_work, which queues the
 * work. The work waits NOTIFY_BATCH_MS first: a reader woken for every few
 * records would spend far more on waking and dumping than on the records,
 * and a person watching does not see 10 ms.
 */
#define NOTIFY_BATCH_MS	10

/* "There is more" for a namespace's listeners, in its own storage. */
struct tcptrail_notify {
	unsigned long pending;		/* bits: groups to notify */
	bool dying;			/* the namespace is going away */
	struct net *net;		/* set once the rest is ready */
	struct irq_work irq_work;
	struct delayed_work work;
};

static unsigned int notify_net_id __read_mostly;

/* The initial namespace's, which never goes away: kept, not looked up. */
static struct tcptrail_notify *init_notify __read_mostly;

static struct tcptrail_notify *notify_of(const struct net *net)
{
	if (net_eq(net, &init_net) && init_notify)
		return init_notify;
	return net_generic(net, notify_net_id);
}

/* The family is registered: works may send. */
static DEFINE_MUTEX(notify_mutex);
static bool notify_open;

static void send_notification(struct net *net, unsigned int group)
{
	struct sk_buff *skb;
	void *hdr;

	skb = genlmsg_new(0, GFP_KERNEL);
	if (!skb)
		return;
	hdr = genlmsg_put(skb, 0, 0, &tcptrail_genl_family, 0,
			  TCPTRAIL_CMD_EVENTS_NTF);
	if (!hdr) {
		nlmsg_free(skb);
		return;
	}
	genlmsg_end(skb, hdr);
	genlmsg_multicast_netns(&tcptrail_genl_family, net, skb, 0, group,
				GFP_KERNEL);
}

static void notify_work_fn(struct work_struct *work)
{
	struct tcptrail_notify *n = container_of(to_delayed_work(work),
						 struct tcptrail_notify, work);
	/* Cleared before sending, so later records queue another one. */
	unsigned long pending = xchg(&n->pending, 0);
	unsigned int group;

	mutex_lock(&notify_mutex);
	if (notify_open)
		for_each_set_bit(group, &pending, ARRAY_SIZE(tcptrail_genl_mcgrps))
			send_notification(n->net, group);
	mutex_unlock(&notify_mutex);
}

static void notify_irq_work_fn(struct irq_work *work)
{
	struct tcptrail_notify *n = container_of(work, struct tcptrail_notify,
						 irq_work);

	schedule_delayed_work(&n->work, msecs_to_jiffies(NOTIFY_BATCH_MS));
}

static void queue_notification(struct net *net, unsigned int group)
{
	struct tcptrail_notify *n = notify_of(net);

	/* One already on its way: the common case with a reader. */
	if (test_bit(group, &n->pending))
		return;
	/*
	 * No listener anywhere, the common case without: netlink keeps one
	 * listener bitmap for all namespaces, so the initial one, which never
	 * goes away, can be asked.
	 */
	if (!genl_has_listeners(&tcptrail_genl_family, &init_net, group))
		return;
	/* Pairs with notify_init_net(): n is ready once net is set. */
	if (!smp_load_acquire(&n->net) || READ_ONCE(n->dying) ||
	    !READ_ONCE(net->genl_sock) ||
	    !genl_has_listeners(&tcptrail_genl_family, net, group))
		return;
	if (!test_and_set_bit(group, &n->pending))
		irq_work_queue(&n->irq_work);
}

/*
 * The record path's new-data hook, under RCU: tells the "events" listeners
 * of @net and the "events-all" ones of the initial namespace, no one else.
 */
static void notify_new_data(struct net *net)
{
	queue_notification(net, MCGRP_EVENTS);
	queue_notification(&init_net, MCGRP_EVENTS_ALL);
}

/*
 * The hook is installed only while a socket may be listening: a join to
 * one of the groups and every GET_EVENTS dump install it before the
 * listener can wait for a notification (a reader joins a group, then
 * dumps). A while after a listener leaves, or after a dump, the listeners
 * bitmap decides again. A socket that joins while that check runs, before
 * its join is in the bitmap, gets the hook back with its first dump.
 *
 * The join is heard by the family's bind (6.8 on), else at the entry of
 * genl_bind(), which checks every join's permissions; where neither can be
 * had the hook stays installed and every record asks the bitmap.
 */
#define NOTIFY_LISTENED_RECHECK_MS	1000

static bool notify_hears_joins;

static void notify_listened_fn(struct work_struct *work)
{
	unsigned int group;

	for (group = 0; group < ARRAY_SIZE(tcptrail_genl_mcgrps); group++)
		if (genl_has_listeners(&tcptrail_genl_family, &init_net, group))
			return;
	tcptrail_record_set_new_data(NULL);
}

static DECLARE_DELAYED_WORK(notify_listened_work, notify_listened_fn);

static void notify_listened_recheck(void)
{
	if (notify_hears_joins)
		mod_delayed_work(system_wq, &notify_listened_work,
				 msecs_to_jiffies(NOTIFY_LISTENED_RECHECK_MS));
}

static void notify_listened_now(void)
{
	tcptrail_record_set_new_data(notify_new_data);
	notify_listened_recheck();
}

static int __maybe_unused notify_bind(int group)
{
	tcptrail_record_set_new_data(notify_new_data);
	return 0;
}

static void __maybe_unused notify_unbind(int group)
{
	notify_listened_recheck();
}

/*
 * genl_bind(net, int group): @group numbers every family's groups from 1;
 * only its low 32 bits are the argument.
 */
static void genl_bind_entry(unsigned long net, unsigned long group,
			    unsigned long unused)
{
	unsigned int ours = (unsigned int)group -
			    tcptrail_genl_family.mcgrp_offset;

	if (ours < ARRAY_SIZE(tcptrail_genl_mcgrps))
		notify_bind(ours);
}

static struct tcptrail_entry_hook genl_bind_hook = {
	.symbol		= "genl_bind",
	.handler	= genl_bind_entry,
};

/* Once the family is registered: its groups have their numbers. */
static void notify_listen_for_joins(void)
{
	if (TCPTRAIL_GENL_HEARS_BIND)
		notify_hears_joins = true;
	else
		notify_hears_joins = !tcptrail_entry_hook_attach(&genl_bind_hook);
	if (notify_hears_joins)
		return;
	pr_info("cannot hear readers join (no hook on %s): every record asks whether one listens\n",
		genl_bind_hook.symbol);
	tcptrail_record_set_new_data(notify_new_data);
}

static void notify_stop_listening_for_joins(void)
{
	if (!TCPTRAIL_GENL_HEARS_BIND && notify_hears_joins)
		tcptrail_entry_hook_detach(&genl_bind_hook);
}

static int __net_init notify_init_net(struct net *net)
{
	struct tcptrail_notify *n = notify_of(net);

	init_irq_work(&n->irq_work, notify_irq_work_fn);
	INIT_DELAYED_WORK(&n->work, notify_work_fn);
	/* Pairs with queue_notification(): the works are ready first. */
	smp_store_release(&n->net, net);
	if (net_eq(net, &init_net))
		WRITE_ONCE(init_notify, n);
	return 0;
}

/* Before the RCU grace period of the namespace's teardown. */
static void __net_exit notify_pre_exit_net(struct net *net)
{
	WRITE_ONCE(notify_of(net)->dying, true);
}

/* After an RCU grace period since pre_exit: no probe queues again. */
static void __net_exit notify_exit_net(struct net *net)
{
	struct tcptrail_notify *n = notify_of(net);

	irq_work_sync(&n->irq_work);
	cancel_delayed_work_sync(&n->work);
}

static struct pernet_operations notify_net_ops = {
	.init = notify_init_net,
	.pre_exit = notify_pre_exit_net,
	.exit = notify_exit_net,
	.id = &notify_net_id,
	.size = sizeof(struct tcptrail_notify),
};

/* Before the hooks attach. */
int tcptrail_genl_init(void)
{
	int err;

	err = register_pernet_subsys(&notify_net_ops);
	if (err)
		return err;
	err = genl_register_family(&tcptrail_genl_family);
	if (err) {
		WRITE_ONCE(init_notify, NULL);
		unregister_pernet_subsys(&notify_net_ops);
		return err;
	}
	mutex_lock(&notify_mutex);
	notify_open = true;
	mutex_unlock(&notify_mutex);
	notify_listen_for_joins();
	return 0;
}

/*
 * After the hooks are gone. From here on a pending work sends nothing;
 * unregistering the pernet operations cancels them all.
 */
void tcptrail_genl_exit(void)
{
	mutex_lock(&notify_mutex);
	notify_open = false;
	mutex_unlock(&notify_mutex);
	/* No join, leave or dump after this: nothing installs the hook. */
	genl_unregister_family(&tcptrail_genl_family);
	notify_stop_listening_for_joins();
	cancel_delayed_work_sync(&notify_listened_work);
	tcptrail_record_set_new_data(NULL);
	WRITE_ONCE(init_notify, NULL);
	unregister_pernet_subsys(&notify_net_ops);
}

MODULE_ALIAS_GENL_FAMILY(TCPTRAIL_GENL_NAME);
