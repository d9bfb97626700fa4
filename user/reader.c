// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/socket.h>

#include "reader.h"

/* Set by SIGINT/SIGTERM while following: finish cleanly. */
static volatile sig_atomic_t stop_requested;
/* Set by tt_reader_wake(): one more dump, then caught_up(). */
static volatile sig_atomic_t wake_requested;

void tt_reader_wake(void)
{
	wake_requested = 1;
}

static void request_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static int install_stop_handlers(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = request_stop;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a blocked poll must return. */
	if (sigaction(SIGINT, &sa, NULL) || sigaction(SIGTERM, &sa, NULL))
		return -errno;
	return 0;
}

struct reader {
	const struct tt_record_sink *sink;
	bool all_netns;
	int sink_err;		/* the sink failed, not netlink */
	/* Losses the kernel reported (MISSED), and those seen as gaps in
	 * the sequence numbers; the larger of the two counts.
	 */
	uint64_t kernel_missed;
	bool seen_any;
	uint64_t first_seq;	/* seq (all_netns) or netns_seq */
	uint64_t highest_seq;
	uint64_t records;
	uint64_t passed_on;	/* losses already passed to the sink */
	uint64_t warned;	/* losses already reported on stderr */
};

/* Tell the sink about losses up to missed it has not heard of. */
static int pass_missed_on(struct reader *r, uint64_t missed)
{
	uint64_t news = missed > r->passed_on ? missed - r->passed_on : 0;
	int err;

	if (!news || !r->sink->missed)
		return 0;
	r->passed_on = missed;
	err = r->sink->missed(r->sink->ctx, news);
	if (err)
		r->sink_err = err;
	return err;
}

static int on_missed(void *ctx, uint64_t n)
{
	struct reader *r = ctx;

	r->kernel_missed += n;
	return 0;
}

static int on_record(void *ctx, const struct tcptrail_record *rec)
{
	struct reader *r = ctx;
	uint64_t seq = r->all_netns ? rec->seq : rec->netns_seq;
	int err;

	if (stop_requested)
		return -EINTR;
	if (!r->seen_any) {
		r->seen_any = true;
		r->first_seq = seq;
	}
	if (seq > r->highest_seq)
		r->highest_seq = seq;
	r->records++;

	/* Losses go where they happened, before the records after them. */
	err = pass_missed_on(r, r->kernel_missed);
	if (err)
		return err;
	err = r->sink->record(r->sink->ctx, rec);
	if (err)
		r->sink_err = err;
	return err;
}

/*
 * Gaps: (highest seen) - (first expected) + 1 - (records seen), which
 * tolerates two racing writers taking their numbers in opposite orders.
 */
static uint64_t total_missed(const struct reader *r)
{
	uint64_t gaps = 0;

	if (r->seen_any && r->highest_seq + 1 > r->first_seq + r->records)
		gaps = r->highest_seq + 1 - r->first_seq - r->records;
	return gaps > r->kernel_missed ? gaps : r->kernel_missed;
}

static int report_missed(struct reader *r)
{
	uint64_t missed = total_missed(r);

	if (missed > r->warned) {
		fprintf(stderr, "tcptrail: %" PRIu64 " records were overwritten before "
			"they could be read; raise ring_size (tcptrail config set "
			"ring-size ...)\n", missed - r->warned);
		r->warned = missed;
	}
	return pass_missed_on(r, missed);
}

/* Sleep until a notification or a stop signal (stop_requested): 0 or -errno. */
static int wait_for_more(struct nl_sock *mcast)
{
	struct pollfd pfd = { .fd = nl_socket_get_fd(mcast), .events = POLLIN };
	sigset_t stop_signals, unblocked;
	int err = 0;

	/* Signals are only taken inside ppoll, so none slips in between
	 * the check of stop_requested and the sleep.
	 */
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGINT);
	sigaddset(&stop_signals, SIGTERM);
	/* The same for the signals tcptrail record wakes up for (reopen,
	 * its text file's timer): their handlers call tt_reader_wake(), and
	 * the sink hears of them in caught_up() after one more dump. Any
	 * other signal that interrupts the wait does the same.
	 */
	sigaddset(&stop_signals, SIGHUP);
	sigaddset(&stop_signals, SIGALRM);
	sigprocmask(SIG_BLOCK, &stop_signals, &unblocked);
	while (!stop_requested && !wake_requested) {
		int n = ppoll(&pfd, 1, NULL, &unblocked);

		if (n > 0)
			break;
		if (n < 0) {
			if (errno != EINTR)
				err = -errno;
			break;
		}
	}
	wake_requested = 0;
	sigprocmask(SIG_SETMASK, &unblocked, NULL);
	return err;
}

static const char *read_action(bool all_netns)
{
	return all_netns ? "--all-netns (reading every network namespace)"
			 : "reading TCP connections";
}

static const char *read_need(bool all_netns)
{
	return all_netns ? "CAP_NET_ADMIN in the initial network namespace" : NULL;
}

/*
 * TCPTRAIL_DEBUG_DUMPS=1: how many dumps (GET_EVENTS requests) the read
 * took, the messages they brought and the records, on stderr at its end:
 * how much each wake-up carried.
 */
static void debug_dumps(const struct tt_nl *nl, const struct reader *r)
{
	const char *env = getenv("TCPTRAIL_DEBUG_DUMPS");

	if (!env || !*env || !strcmp(env, "0"))
		return;
	fprintf(stderr, "tcptrail: dumps %" PRIu64 " messages %" PRIu64
		" records %" PRIu64 "\n", nl->dumps, nl->dump_messages,
		r->records);
}

int tt_read_records(struct tt_nl *nl, bool all_netns, bool follow,
		    const struct tt_record_sink *sink)
{
	struct reader r = { .sink = sink, .all_netns = all_netns };
	const struct tt_events_handler handler = {
		.missed = on_missed,
		.record = on_record,
		.ctx = &r,
	};
	struct tt_cursor cursor = { 0 };
	struct nl_sock *mcast = NULL;
	int err;

	/* Join the group before the first dump: nothing written in between
	 * goes unnoticed.
	 */
	if (follow) {
		err = tt_nl_subscribe_events(nl, all_netns, &mcast);
		if (err) {
			tt_nl_report(nl, err, "following new records (--follow)", NULL);
			return err;
		}
		err = install_stop_handlers();
		if (err)
			goto out;
	}

	for (;;) {
		err = tt_nl_dump_events(nl, &cursor, all_netns, &handler);
		if (stop_requested) {
			err = 0;
			break;
		}
		if (err) {
			if (r.sink_err)
				err = r.sink_err;
			else
				tt_nl_report(nl, err, read_action(all_netns),
					     read_need(all_netns));
			break;
		}
		err = report_missed(&r);
		if (!err)
			err = sink->caught_up(sink->ctx);
		if (err || !follow)
			break;

		err = wait_for_more(mcast);
		if (!err && !stop_requested)
			/* However many notifications (or overruns) came: one dump. */
			err = tt_nl_drain(mcast);
		if (err)
			fprintf(stderr, "tcptrail: waiting for new records failed: %s\n",
				strerror(-err));
		if (err || stop_requested)
			break;
	}
out:
	nl_socket_free(mcast);
	debug_dumps(nl, &r);
	return err;
}
