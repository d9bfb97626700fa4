/* SPDX-License-Identifier: GPL-2.0 */
/* Loopback TCP helpers for the tcptrail selftests. */
#ifndef TCPTRAIL_SELFTEST_NETUTIL_H
#define TCPTRAIL_SELFTEST_NETUTIL_H

#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>

/* unshare(CLONE_NEWNET) and bring lo up: 0 or -errno. */
int tt_new_netns(void);
/* Inode number of the current network namespace (0 on error). */
uint64_t tt_netns_ino(void);

/* Sockets of @domain (AF_INET/AF_INET6) bound to @addr port 0. -1 on error. */
/* @addr:@port as a sockaddr of @domain; its length, 0 for a bad @addr. */
socklen_t tt_sockaddr(int domain, const char *addr, int port,
		      struct sockaddr_storage *ss);

int tt_listener(int domain, const char *addr);
/* Bound to @addr:0 before connecting, so the source port is set from the
 * very first transition on. Blocking connect; -1 (errno set) on error.
 */
int tt_client(int domain, const char *addr, int port);
/* A client bound to @addr:@lport (SO_REUSEADDR), connected to @port; -1 on error. */
int tt_client_from(int domain, const char *addr, int lport, int port);
/* Same, non-blocking connect: returns the fd even if connect() failed. */
int tt_client_nb(int domain, const char *addr, int port);
int tt_accept(int lfd);

/* Socket cookie (SO_COOKIE), 0 on error. */
uint64_t tt_cookie(int fd);
/* Local (peer = 0) or remote address of @fd as tcptrail prints it: an
 * IPv4-mapped IPv6 address is printed as IPv4. Returns the port or -1.
 */
int tt_sock_addr(int fd, int peer, char *ip, size_t len, const char **family);
int tt_port(int fd);

/*
 * Full connect/accept/close, client closes first; @conns cookies if non-NULL.
 * The client shuts down its side, the server reads EOF and closes, then the
 * client reads EOF and closes: the client is never an orphan, so it always
 * enters TIME_WAIT straight from FIN_WAIT2 (never the orphan FIN_WAIT2
 * substate, which depends on timing) and the records are always the same
 * TT_PER_CONN:
 *   client: 5 STATE (CLOSE>SYN_SENT SYN_SENT>ESTABLISHED ESTABLISHED>FIN_WAIT1
 *           FIN_WAIT1>FIN_WAIT2 FIN_WAIT2>CLOSE), 1 TIMEWAIT entry
 *           FIN_WAIT2>TIME_WAIT ("timewait", or "timewait-not-created" with
 *           tcp_max_tw_buckets=0), 1 TOTALS
 *   server: 5 STATE (LISTEN>SYN_RECV SYN_RECV>ESTABLISHED
 *           ESTABLISHED>CLOSE_WAIT CLOSE_WAIT>LAST_ACK LAST_ACK>CLOSE),
 *           1 ACCEPT, 1 TOTALS
 * The client's timewait socket ends later (60 s, or with its netns) with one
 * more record, unless tt_no_timewait() made the netns keep none.
 */
#define TT_PER_CONN		14
#define TT_PER_CONN_STATE	10	/* of which STATE records */
int tt_churn_one(int domain, const char *addr, int lfd, int port,
		 uint64_t *client_cookie, uint64_t *server_cookie);

/*
 * net.ipv4.tcp_max_tw_buckets=0 in the current netns (the sysctl is per
 * netns): no timewait socket is created ("timewait-not-created"), so no
 * timewait exit record comes later, at the TIME_WAIT period's end or when
 * the netns dies (into the ring, seen by quiet-system checks of later
 * tests). For tests that count records exactly. 0 or -errno.
 */
int tt_no_timewait(void);
/* Read/write a sysctl of the current netns by path: value or -errno. */
long tt_sysctl_get(const char *path);
int tt_sysctl_set(const char *path, long val);

#endif
