/* SPDX-License-Identifier: GPL-2.0 */
/* Loopback TCP helpers for the tcptrail selftests. */
#ifndef TCPTRAIL_SELFTEST_NETUTIL_H
#define TCPTRAIL_SELFTEST_NETUTIL_H

#include <stdint.h>
#include <netinet/in.h>

/* unshare(CLONE_NEWNET) and bring lo up: 0 or -errno. */
int tt_new_netns(void);
/* Inode number of the current network namespace (0 on error). */
uint64_t tt_netns_ino(void);

/* Sockets of @domain (AF_INET/AF_INET6) bound to @addr port 0. -1 on error. */
int tt_listener(int domain, const char *addr);
/* Bound to @addr:0 before connecting, so the source port is set from the
 * very first transition on. Blocking connect; -1 (errno set) on error.
 */
int tt_client(int domain, const char *addr, int port);
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

/* Full connect/accept/close, client closes first; @conns cookies if non-NULL. */
int tt_churn_one(int domain, const char *addr, int lfd, int port,
		 uint64_t *client_cookie, uint64_t *server_cookie);

#endif
