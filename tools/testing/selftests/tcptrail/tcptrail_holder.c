// SPDX-License-Identifier: GPL-2.0
/*
 * tcptrail_holder: holds tcptrail's interfaces open for tcptrail_rmmod.sh.
 *
 * Opens: a netlink socket that did GET_STATS, one that joined "events",
 * DUMPS sockets each with a GET_EVENTS ALL_NETNS dump read once (small
 * receive buffer: the dump is still running), and /proc/net/tcptrail/events
 * read once (mid-read). Prints "ready", then obeys one command per line on
 * stdin:
 *   close-dumps   close the half-read dump sockets; prints "closed"
 *   check         use everything left after the module went away; prints
 *                 "proc-read <n|-errno>", "proc-stats-open <0|-errno>",
 *                 "nl-stats <0|-errno>", "nl-mcast <n|0|-errno>"
 *   quit          exit 0
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/tcptrail.h>

#include "events.h"
#include "nlclient.h"

#define DUMPS	3

int main(void)
{
	struct nlc plain, mcast, dumps[DUMPS];
	struct tt_nl_stats st;
	char buf[4096], line[64];
	int pfd, ret;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if ((ret = nlc_open(&plain)) || (ret = tt_nl_stats(&plain, &st, NULL)) ||
	    (ret = nlc_open(&mcast)) || (ret = nlc_join(&mcast, mcast.events_grp))) {
		printf("error setup: %s\n", strerror(-ret));
		return 1;
	}
	for (int i = 0; i < DUMPS; i++) {
		struct nlc_msg m;

		ret = nlc_open_rcvbuf(&dumps[i], 1024);
		if (ret) {
			printf("error dump socket: %s\n", strerror(-ret));
			return 1;
		}
		nlc_msg_init(&m, &dumps[i], TCPTRAIL_CMD_GET_EVENTS, NLM_F_DUMP);
		nlc_put_flag(&m, TCPTRAIL_A_ALL_NETNS);
		if (nlc_send(&dumps[i], &m) ||
		    nlc_recv_timeout(&dumps[i], buf, 1024, 2000) <= 0) {
			printf("error dump %d: no first message\n", i);
			return 1;
		}
	}
	pfd = open(TT_EVENTS_PATH, O_RDONLY);
	if (pfd < 0 || read(pfd, buf, 300) <= 0) {
		printf("error events file: %s\n", strerror(errno));
		return 1;
	}
	printf("ready %u records written\n", (unsigned)st.written);

	while (fgets(line, sizeof(line), stdin)) {
		if (!strncmp(line, "close-dumps", 11)) {
			for (int i = 0; i < DUMPS; i++)
				nlc_close(&dumps[i]);
			printf("closed\n");
		} else if (!strncmp(line, "check", 5)) {
			ssize_t n = read(pfd, buf, sizeof(buf));
			int fd;

			printf("proc-read %zd\n", n < 0 ? (ssize_t)-errno : n);
			fd = open(TT_STATS_PATH, O_RDONLY);
			printf("proc-stats-open %d\n", fd < 0 ? -errno : 0);
			if (fd >= 0)
				close(fd);
			printf("nl-stats %d\n", tt_nl_stats(&plain, &st, NULL));
			printf("nl-mcast %d\n", nlc_recv_timeout(&mcast, buf, sizeof(buf), 100));
		} else if (!strncmp(line, "quit", 4)) {
			break;
		}
	}
	close(pfd);
	nlc_close(&plain);
	nlc_close(&mcast);
	return 0;
}
