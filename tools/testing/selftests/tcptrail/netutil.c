// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <arpa/inet.h>
#include <unistd.h>

#include "netutil.h"

#ifndef SO_COOKIE
#define SO_COOKIE 57
#endif

int tt_new_netns(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int fd, ret = 0;

	if (unshare(CLONE_NEWNET))
		return -errno;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		ret = -errno;
	ifr.ifr_flags |= IFF_UP;
	if (!ret && ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

uint64_t tt_netns_ino(void)
{
	struct stat st;

	if (stat("/proc/self/ns/net", &st))
		return 0;
	return st.st_ino;
}

socklen_t tt_sockaddr(int domain, const char *addr, int port,
		      struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (domain == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		if (inet_pton(AF_INET, addr, &sin->sin_addr) != 1)
			return 0;
		return sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		if (inet_pton(AF_INET6, addr, &sin6->sin6_addr) != 1)
			return 0;
		return sizeof(*sin6);
	}
}

static int bound_socket(int domain, const char *addr)
{
	struct sockaddr_storage ss;
	socklen_t len = tt_sockaddr(domain, addr, 0, &ss);
	int fd, one = 1;

	if (!len) {
		errno = EINVAL;
		return -1;
	}
	fd = socket(domain, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len)) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

int tt_listener(int domain, const char *addr)
{
	int fd = bound_socket(domain, addr);

	if (fd >= 0 && listen(fd, 128)) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

int tt_client_from(int domain, const char *addr, int lport, int port)
{
	struct sockaddr_storage ss;
	socklen_t len = tt_sockaddr(domain, addr, lport, &ss);
	int fd = socket(domain, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len))
		goto err;
	len = tt_sockaddr(domain, addr, port, &ss);
	if (connect(fd, (struct sockaddr *)&ss, len))
		goto err;
	return fd;
err:
	one = errno;
	close(fd);
	errno = one;
	return -1;
}

static int client(int domain, const char *addr, int port, int nonblock)
{
	struct sockaddr_storage ss;
	socklen_t len = tt_sockaddr(domain, addr, port, &ss);
	int fd = bound_socket(domain, addr);

	if (fd < 0)
		return -1;
	if (nonblock)
		fcntl(fd, F_SETFL, O_NONBLOCK);
	if (connect(fd, (struct sockaddr *)&ss, len) && !nonblock) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

int tt_client(int domain, const char *addr, int port)
{
	return client(domain, addr, port, 0);
}

int tt_client_nb(int domain, const char *addr, int port)
{
	return client(domain, addr, port, 1);
}

int tt_accept(int lfd)
{
	return accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
}

uint64_t tt_cookie(int fd)
{
	uint64_t cookie = 0;
	socklen_t len = sizeof(cookie);

	if (getsockopt(fd, SOL_SOCKET, SO_COOKIE, &cookie, &len))
		return 0;
	return cookie;
}

int tt_sock_addr(int fd, int peer, char *ip, size_t len, const char **family)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	int r = peer ? getpeername(fd, (struct sockaddr *)&ss, &sl) :
		       getsockname(fd, (struct sockaddr *)&ss, &sl);

	if (r)
		return -1;
	if (ss.ss_family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		inet_ntop(AF_INET, &sin->sin_addr, ip, len);
		*family = "ipv4";
		return ntohs(sin->sin_port);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
			inet_ntop(AF_INET, &sin6->sin6_addr.s6_addr[12], ip, len);
			*family = "ipv4";
		} else {
			inet_ntop(AF_INET6, &sin6->sin6_addr, ip, len);
			*family = "ipv6";
		}
		return ntohs(sin6->sin6_port);
	}
}

int tt_port(int fd)
{
	char ip[INET6_ADDRSTRLEN];
	const char *fam;

	return tt_sock_addr(fd, 0, ip, sizeof(ip), &fam);
}

int tt_churn_one(int domain, const char *addr, int lfd, int port,
		 uint64_t *client_cookie, uint64_t *server_cookie)
{
	int c, s, ret = -1;
	char b;

	c = tt_client(domain, addr, port);
	if (c < 0)
		return -1;
	s = tt_accept(lfd);
	if (s < 0) {
		close(c);
		return -1;
	}
	if (client_cookie)
		*client_cookie = tt_cookie(c);
	if (server_cookie)
		*server_cookie = tt_cookie(s);
	/* Client closes first, but keeps its fd until the end: see netutil.h. */
	if (shutdown(c, SHUT_WR) == 0 && read(s, &b, 1) == 0 && close(s) == 0 &&
	    read(c, &b, 1) == 0)
		ret = 0;
	else
		close(s);
	close(c);
	return ret;
}

long tt_sysctl_get(const char *path)
{
	char buf[64];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	return strtol(buf, NULL, 10);
}

int tt_sysctl_set(const char *path, long val)
{
	char buf[32];
	int fd = open(path, O_WRONLY | O_CLOEXEC), len, ret = 0;

	if (fd < 0)
		return -errno;
	len = snprintf(buf, sizeof(buf), "%ld\n", val);
	if (write(fd, buf, len) != len)
		ret = -errno;
	close(fd);
	return ret;
}

int tt_no_timewait(void)
{
	return tt_sysctl_set("/proc/sys/net/ipv4/tcp_max_tw_buckets", 0);
}
