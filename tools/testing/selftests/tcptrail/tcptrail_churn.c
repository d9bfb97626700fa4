// SPDX-License-Identifier: GPL-2.0
/*
 * tcptrail_churn: open and close loopback TCP connections, to make
 * transitions for the shell tests. Each connection makes exactly 10
 * transitions (client closes first), the listener 2 more; with the other
 * kinds, TT_PER_CONN records (netutil.h).
 *
 *   tcptrail_churn [-6] [-n CONNS] [-t SECONDS] [-d MS]
 *
 * Stops after CONNS connections or SECONDS seconds (default 30, at most 120),
 * whichever comes first; -d sleeps MS milliseconds between connections.
 * Prints the number of connections made.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "events.h"
#include "netutil.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	int domain = AF_INET, opt, lfd, port;
	const char *addr = "127.0.0.1";
	long max = -1, secs = 30, made = 0, delay = 0;
	uint64_t deadline;

	while ((opt = getopt(argc, argv, "6n:t:d:")) != -1) {
		switch (opt) {
		case '6':
			domain = AF_INET6;
			addr = "::1";
			break;
		case 'n':
			max = strtol(optarg, NULL, 0);
			break;
		case 't':
			secs = strtol(optarg, NULL, 0);
			break;
		case 'd':
			delay = strtol(optarg, NULL, 0);
			break;
		default:
			fprintf(stderr, "usage: %s [-6] [-n CONNS] [-t SECONDS] [-d MS]\n", argv[0]);
			return 2;
		}
	}
	if (secs <= 0 || secs > 120)
		secs = 120;
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	deadline = tt_now_ns() + secs * 1000000000ull;

	lfd = tt_listener(domain, addr);
	if (lfd < 0) {
		fprintf(stderr, "# churn: listen on %s: %s\n", addr, strerror(errno));
		return 1;
	}
	port = tt_port(lfd);
	while (!stop && (max < 0 || made < max) && tt_now_ns() < deadline) {
		if (tt_churn_one(domain, addr, lfd, port, NULL, NULL)) {
			fprintf(stderr, "# churn: connection %ld: %s\n", made, strerror(errno));
			close(lfd);
			return 1;
		}
		made++;
		if (delay > 0)
			tt_sleep_ms(delay);
	}
	close(lfd);
	printf("%ld\n", made);
	return 0;
}
