// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net/tcptrail/{events,stats}: the human-readable view of the ring for
 * the reader's own network namespace. All formatting of records happens
 * here, in the reader, never in the probe.
 *
 * Each open file has its own cursor; reading never consumes, so any number
 * of readers see the same records. A read-through ends at the newest record
 * that existed when the file was opened (or rewound).
 */
#include <linux/capability.h>
#include <linux/math64.h>
#include <linux/proc_fs.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <net/net_namespace.h>
#include <net/tcp_states.h>

#include <tcptrail/names.h>

#include "features.h"
#include "proc.h"
#include "reader.h"
#include "rst_reasons.h"
#include "stats.h"

static const char *const state_names[TCPTRAIL_NR_STATES] = {
	TCPTRAIL_STATE_NAMES(TCPTRAIL_NAME_ENTRY)
};

static const char *const reason_names[] = {
	TCPTRAIL_REASON_NAMES(TCPTRAIL_NAME_ENTRY)
};

static const char *reason_name(unsigned int reason)
{
	return reason < ARRAY_SIZE(reason_names) ? reason_names[reason] : "?";
}

/* The EVENT column: what the record is, in one token. */
static void show_event(struct seq_file *m, const struct tcptrail_record *rec)
{
	const struct tcptrail_totals *t = &rec->totals;

	switch (rec->kind) {
	case TCPTRAIL_KIND_STATE:
		seq_puts(m, "state");
		break;
	case TCPTRAIL_KIND_TIMEWAIT:
		if (rec->new_state == TCP_CLOSE)
			seq_printf(m, "timewait-end:%s", reason_name(rec->reason));
		else if (rec->reason == TCPTRAIL_REASON_NOT_CREATED)
			seq_puts(m, "timewait-not-created");
		else
			seq_puts(m, "timewait");
		break;
	case TCPTRAIL_KIND_RESET:
		seq_puts(m, reason_name(rec->reason));
		break;
	case TCPTRAIL_KIND_ACCEPT:
		seq_puts(m, "accept");
		break;
	case TCPTRAIL_KIND_TOTALS:
		seq_printf(m, "totals:bytes_sent=%llu,bytes_acked=%llu,bytes_received=%llu,bytes_retrans=%llu,segs_out=%u,segs_in=%u,total_retrans=%u,srtt_us=%u",
			   t->bytes_sent, t->bytes_acked, t->bytes_received,
			   t->bytes_retrans, t->segs_out, t->segs_in,
			   t->total_retrans, t->srtt_us);
		break;
	default:
		seq_printf(m, "kind_%u", rec->kind);
	}
}

static void show_state(struct seq_file *m, unsigned int state)
{
	if (state < TCPTRAIL_NR_STATES && state_names[state])
		seq_puts(m, state_names[state]);
	else
		seq_printf(m, "STATE_%u", state);
}

/* Addresses of other users' connections are private. */
static int tcptrail_proc_may_read(struct file *file, struct net *net)
{
	if (!file_ns_capable(file, net->user_ns, CAP_NET_ADMIN))
		return -EPERM;
	return 0;
}

struct events_iter {
	struct tcptrail_reader reader;
	struct net *net;	/* alive while a file operation runs */
	loff_t pos;		/* seq_file position of the item below */
	bool have;		/* an item not yet consumed: */
	u64 missed;		/* records lost just before rec, */
	bool has_rec;		/* and rec, unless only losses remain */
	struct tcptrail_record rec;
};

static void events_rewind(struct events_iter *it)
{
	tcptrail_reader_init(&it->reader, it->net, false, 0, 0);
	it->pos = 0;
	it->have = false;
}

static bool events_fetch(struct events_iter *it)
{
	for (;;) {
		it->has_rec = tcptrail_reader_next(&it->reader, it->net,
						   &it->rec);
		if (it->has_rec || !it->reader.paused)
			break;
		cond_resched();	/* a long walk past other namespaces */
	}
	it->missed = it->reader.lost;
	it->reader.lost = 0;
	it->have = it->has_rec || it->missed;
	return it->have;
}

static void *events_start(struct seq_file *m, loff_t *pos)
{
	struct events_iter *it = m->private;

	if (*pos == 0) {
		events_rewind(it);
		return SEQ_START_TOKEN;
	}
	if (*pos != it->pos)
		return NULL;
	if (it->have)
		return it;
	/* The previous read() reached the end: records may have come since. */
	tcptrail_reader_extend(&it->reader, it->net);
	return events_fetch(it) ? it : NULL;
}

static void *events_next(struct seq_file *m, void *v, loff_t *pos)
{
	struct events_iter *it = m->private;

	it->pos = ++*pos;
	return events_fetch(it) ? it : NULL;
}

static void events_stop(struct seq_file *m, void *v)
{
}

static void show_endpoint(struct seq_file *m, u16 family, const u8 *addr,
			  u16 port)
{
	if (family == AF_INET6)
		seq_printf(m, "%pI6c %u ", addr, port);
	else
		seq_printf(m, "%pI4 %u ", addr, port);
}

static int events_show(struct seq_file *m, void *v)
{
	struct events_iter *it = m->private;
	const struct tcptrail_record *rec = &it->rec;
	char comm[TASK_COMM_LEN + 1];
	u32 ns_part;
	u64 secs;

	if (v == SEQ_START_TOKEN) {
		seq_puts(m, "SEQ TIME NETNS CONN FAMILY SADDR SPORT DADDR DPORT OLD NEW TGID PID CTX COMM EVENT CGROUP\n");
		return 0;
	}
	if (it->missed)
		seq_printf(m, "# %llu records overwritten before they could be read\n",
			   it->missed);
	if (!it->has_rec)
		return 0;

	secs = div_u64_rem(rec->ts_ns, NSEC_PER_SEC, &ns_part);
	seq_printf(m, "%llu %llu.%09u %u %llu %s ", rec->seq, secs, ns_part,
		   rec->netns, rec->conn,
		   rec->family == AF_INET6 ? "ipv6" : "ipv4");
	if (rec->kind == TCPTRAIL_KIND_TOTALS) {
		/* The totals take the addresses' and comm's place. */
		seq_printf(m, "- %u - %u ", rec->sport, rec->dport);
	} else {
		show_endpoint(m, rec->family, rec->saddr, rec->sport);
		show_endpoint(m, rec->family, rec->daddr, rec->dport);
	}
	show_state(m, rec->old_state);
	seq_putc(m, ' ');
	show_state(m, rec->new_state);
	seq_printf(m, " %u %u %s ", rec->tgid, rec->pid,
		   rec->flags & TCPTRAIL_F_SOFTIRQ ? "softirq" : "task");
	if (rec->kind == TCPTRAIL_KIND_TOTALS) {
		seq_putc(m, '-');
	} else {
		memcpy(comm, rec->comm, TASK_COMM_LEN);
		comm[TASK_COMM_LEN] = '\0';
		seq_escape(m, comm, " \t\n\\");
	}
	seq_putc(m, ' ');
	show_event(m, rec);
	seq_printf(m, " %llu\n", rec->cgroup);
	return 0;
}

static const struct seq_operations events_seq_ops = {
	.start	= events_start,
	.next	= events_next,
	.stop	= events_stop,
	.show	= events_show,
};

static int events_open(struct inode *inode, struct file *file)
{
	struct net *net = pde_data(inode);
	struct events_iter *it;
	int err;

	err = tcptrail_proc_may_read(file, net);
	if (err)
		return err;
	it = __seq_open_private(file, &events_seq_ops, sizeof(*it));
	if (!it)
		return -ENOMEM;
	it->net = net;
	return 0;
}

static const struct proc_ops events_proc_ops = {
	.proc_open	= events_open,
	.proc_read_iter	= seq_read_iter,
	.proc_lseek	= seq_lseek,
	.proc_release	= seq_release_private,
};

static int stats_show(struct seq_file *m, void *v)
{
	struct tcptrail_stats st;
	unsigned int state, f, r;

	tcptrail_stats_read(m->private, &st);
	seq_printf(m, "ring_size %u\n", st.ring_size);
	seq_printf(m, "record_size %zu\n", sizeof(struct tcptrail_record));
	seq_printf(m, "written %llu\n", st.written);
	seq_printf(m, "overwritten %llu\n", st.overwritten);
	seq_printf(m, "history_dropped %llu\n", st.history_dropped);
	seq_printf(m, "not_recorded %llu\n", st.not_recorded);
	seq_printf(m, "filtered %llu\n", st.filtered);
	seq_printf(m, "netns_written %llu\n", st.netns_written);
	for (state = 0; state < TCPTRAIL_NR_STATES; state++) {
		if (!state_names[state])
			continue;
		seq_puts(m, "state ");
		show_state(m, state);
		seq_printf(m, " %llu\n", st.entered[state]);
	}
	for (f = 0; f < TCPTRAIL_NR_FEATURES; f++) {
		if (tcptrail_feature_on[f])
			seq_printf(m, "feature %s on\n", tcptrail_feature_name(f));
		else
			seq_printf(m, "feature %s off %s\n",
				   tcptrail_feature_name(f),
				   tcptrail_feature_why(f));
	}
	for (r = 0; r < tcptrail_nr_rst_reasons; r++)
		seq_printf(m, "rst_reason %u %s\n", r,
			   tcptrail_rst_reason_name(r));
	return 0;
}

static int stats_open(struct inode *inode, struct file *file)
{
	struct net *net = pde_data(inode);
	int err;

	err = tcptrail_proc_may_read(file, net);
	if (err)
		return err;
	return single_open(file, stats_show, net);
}

static const struct proc_ops stats_proc_ops = {
	.proc_open	= stats_open,
	.proc_read_iter	= seq_read_iter,
	.proc_lseek	= seq_lseek,
	.proc_release	= single_release,
};

static int __net_init proc_init_net(struct net *net)
{
	struct proc_dir_entry *dir;

	dir = proc_net_mkdir(net, "tcptrail", net->proc_net);
	if (!dir)
		return -ENOMEM;
	if (!proc_create_data("events", 0444, dir, &events_proc_ops, net) ||
	    !proc_create_data("stats", 0444, dir, &stats_proc_ops, net)) {
		remove_proc_subtree("tcptrail", net->proc_net);
		return -ENOMEM;
	}
	return 0;
}

static void __net_exit proc_exit_net(struct net *net)
{
	remove_proc_subtree("tcptrail", net->proc_net);
}

static struct pernet_operations proc_net_ops = {
	.init = proc_init_net,
	.exit = proc_exit_net,
};

int tcptrail_proc_init(void)
{
	return register_pernet_subsys(&proc_net_ops);
}

void tcptrail_proc_exit(void)
{
	unregister_pernet_subsys(&proc_net_ops);
}
