// SPDX-License-Identifier: GPL-2.0
/*
 * churn: open and close loopback TCP connections as fast as one process (or
 * one worker per CPU) can, for tools/testing/bench/bench.sh.
 *
 * Connection i of a worker uses IPv4 or IPv6 (i % 2) and lets the client or
 * the server close first (i / 2 % 2), so the four kinds come in equal
 * numbers. Each connection: connect(), accept(), the first side close()s,
 * the other reads the EOF and close()s. On loopback every segment is
 * processed synchronously, so no connection ever closes simultaneously and
 * each one makes the same 10 transitions of sock:inet_sock_set_state
 * (bench.sh measures that number from the kernel rather than trusting it).
 *
 * Around the timed part it reads, from the kernel:
 *   /proc/schedstat  the time every CPU spent running tasks (the 7th field
 *                    of each cpuN line): under QEMU -icount, 1 ns is one
 *                    guest instruction, so busy_ns counts the instructions
 *                    executed by everything that ran: this workload, the
 *                    observer's probes, its reader;
 *   /proc/net/snmp   Tcp ActiveOpens + PassiveOpens: connections made;
 *   a tracefs hist   if -H FILE is given (a hist trigger on
 *                    sock:inet_sock_set_state): its total Hits, the
 *                    transitions the kernel reported, counted from before
 *                    the workers' listeners exist to after they closed
 *                    (10 per connection + 4 per worker).
 *
 * usage: churn [-n CONNS] [-w WORKERS] [-s SETTLE_MS] [-H HISTFILE] [-M]
 *   -n  connections per worker (default 1000, rounded up to a multiple of 4)
 *   -w  workers, each pinned to its CPU; 0 means one per online CPU (default 1)
 *   -s  after the last connection, sleep this long before the final reading,
 *       so a reader can drain what it was sent (default 0)
 *   -M  execute the mark of insn-profile.c (a no-op) right after the first
 *       reading and right before the last, so a profile counts the window
 * Prints one line of key=value pairs.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "profile-mark.h"

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "churn: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, ": %s\n", strerror(errno));
	va_end(ap);
	exit(1);
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Sum over CPUs of the time spent running tasks (rq_cpu_time), ns. */
static long long busy_ns(void)
{
	FILE *f = fopen("/proc/schedstat", "r");
	char line[512];
	long long sum = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long v[9];

		if (strncmp(line, "cpu", 3) || line[3] < '0' || line[3] > '9')
			continue;
		if (sscanf(strchr(line, ' '), "%llu %llu %llu %llu %llu %llu %llu %llu %llu",
			   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6],
			   &v[7], &v[8]) == 9)
			sum += v[6];
	}
	fclose(f);
	return sum;
}

/* Tcp ActiveOpens + PassiveOpens from /proc/net/snmp. */
static long long tcp_opens(void)
{
	FILE *f = fopen("/proc/net/snmp", "r");
	char names[1024], values[1024];
	long long sum = 0;

	if (!f)
		return -1;
	while (fgets(names, sizeof(names), f) && fgets(values, sizeof(values), f)) {
		char *sn, *sv, *n, *v;

		if (strncmp(names, "Tcp:", 4))
			continue;
		n = strtok_r(names, " \n", &sn);
		v = strtok_r(values, " \n", &sv);
		while (n && v) {
			if (!strcmp(n, "ActiveOpens") || !strcmp(n, "PassiveOpens"))
				sum += atoll(v);
			n = strtok_r(NULL, " \n", &sn);
			v = strtok_r(NULL, " \n", &sv);
		}
	}
	fclose(f);
	return sum;
}

/* Total "Hits:" of a tracefs hist file, or -1. */
static long long hist_hits(const char *path)
{
	FILE *f;
	char line[512];
	long long hits = -1;

	if (!path)
		return -1;
	f = fopen(path, "r");
	if (!f)
		die("%s", path);
	while (fgets(line, sizeof(line), f))
		sscanf(line, " Hits: %lld", &hits);
	fclose(f);
	return hits;
}

struct listener {
	int fd;
	struct sockaddr_storage addr;
	socklen_t len;
};

static void listen_on(struct listener *l, int family)
{
	int one = 1;

	memset(&l->addr, 0, sizeof(l->addr));
	if (family == AF_INET) {
		struct sockaddr_in *a = (struct sockaddr_in *)&l->addr;

		a->sin_family = AF_INET;
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		l->len = sizeof(*a);
	} else {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&l->addr;

		a->sin6_family = AF_INET6;
		a->sin6_addr = in6addr_loopback;
		l->len = sizeof(*a);
	}
	l->fd = socket(family, SOCK_STREAM, 0);
	if (l->fd < 0)
		die("socket");
	setsockopt(l->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(l->fd, (struct sockaddr *)&l->addr, l->len) ||
	    listen(l->fd, 128) ||
	    getsockname(l->fd, (struct sockaddr *)&l->addr, &l->len))
		die("listen");
}

static void expect_eof(int fd)
{
	char c;
	ssize_t n = read(fd, &c, 1);

	if (n != 0)
		die("expected EOF, read returned %zd", n);
}

static void one_connection(struct listener *l, int server_first)
{
	int c, s;

	c = socket(l->addr.ss_family, SOCK_STREAM, 0);
	if (c < 0)
		die("socket");
	if (connect(c, (struct sockaddr *)&l->addr, l->len))
		die("connect");
	s = accept(l->fd, NULL, NULL);
	if (s < 0)
		die("accept");
	if (server_first) {
		close(s);
		expect_eof(c);
		close(c);
	} else {
		close(c);
		expect_eof(s);
		close(s);
	}
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/* Listens, waits for the go byte on @go, churns @n connections. */
static void worker(int cpu, long n, int ready, int go)
{
	struct listener l[2];
	char b = 0;
	long i;

	pin(cpu);
	listen_on(&l[0], AF_INET);
	listen_on(&l[1], AF_INET6);
	if (write(ready, &b, 1) != 1 || read(go, &b, 1) != 1)
		die("worker sync");
	for (i = 0; i < n; i++)
		one_connection(&l[i % 2], i / 2 % 2);
	exit(0);
}

/* insn-profile.c's mark, a no-op. */
static void profile_mark(void)
{
	__asm__ volatile(PROFILE_MARK_ASM ::: "memory");
}

int main(int argc, char **argv)
{
	long n = 1000, workers = 1, settle_ms = 0, i;
	long long t0, t1, b0, b1, o0, o1, h0, h1;
	const char *hist = NULL;
	int ready[2], go[2], opt, status, failed = 0, marks = 0;
	char b;

	while ((opt = getopt(argc, argv, "n:w:s:H:M")) != -1) {
		switch (opt) {
		case 'n': n = atol(optarg); break;
		case 'w': workers = atol(optarg); break;
		case 's': settle_ms = atol(optarg); break;
		case 'H': hist = optarg; break;
		case 'M': marks = 1; break;
		default:
			fprintf(stderr, "usage: churn [-n CONNS] [-w WORKERS] [-s SETTLE_MS] [-H HISTFILE] [-M]\n");
			return 2;
		}
	}
	n = (n + 3) / 4 * 4;
	if (workers <= 0)
		workers = sysconf(_SC_NPROCESSORS_ONLN);
	if (pipe(ready) || pipe(go))
		die("pipe");
	/* Transitions are counted from before the listeners exist. */
	h0 = hist_hits(hist);
	for (i = 0; i < workers; i++) {
		pid_t pid = fork();

		if (pid < 0)
			die("fork");
		if (!pid)
			worker(i, n, ready[1], go[0]);
	}
	for (i = 0; i < workers; i++)
		if (read(ready[0], &b, 1) != 1)
			die("workers did not start");
	/* Sleep once, so the readings below start a fresh stretch on the CPU. */
	usleep(10000);
	o0 = tcp_opens();
	b0 = busy_ns();
	if (marks)
		profile_mark();
	t0 = now_ns();
	for (i = 0; i < workers; i++)
		if (write(go[1], &b, 1) != 1)
			die("go");
	for (i = 0; i < workers; i++) {
		if (wait(&status) < 0)
			die("wait");
		failed |= !WIFEXITED(status) || WEXITSTATUS(status);
	}
	t1 = now_ns();
	if (settle_ms)
		usleep(settle_ms * 1000);
	if (marks)
		profile_mark();
	b1 = busy_ns();
	o1 = tcp_opens();
	h1 = hist_hits(hist);
	if (failed) {
		fprintf(stderr, "churn: a worker failed\n");
		return 1;
	}
	printf("workers=%ld conns=%ld elapsed_ns=%lld busy_ns=%lld conns_per_s=%.1f opens=%lld transitions=%lld\n",
	       workers, n * workers, t1 - t0, b1 - b0,
	       n * workers * 1e9 / (double)(t1 - t0), o1 - o0,
	       hist ? h1 - h0 : -1LL);
	return 0;
}
