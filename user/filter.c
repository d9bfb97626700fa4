// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "cgroup.h"
#include "conn.h"
#include "filter.h"

void tt_filter_init(struct tt_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->state = -1;
}

/* A decimal number without sign or spaces, at most max. */
static int parse_unsigned(const char *s, unsigned long long max,
			  unsigned long long *v)
{
	char *end;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	*v = strtoull(s, &end, 10);
	if (errno || *end || *v > max)
		return -EINVAL;
	return 0;
}

int tt_parse_port(const char *s, uint16_t *port)
{
	unsigned long long v;

	if (parse_unsigned(s, 65535, &v))
		return -EINVAL;
	*port = v;
	return 0;
}

int tt_parse_count(const char *s, uint64_t *n)
{
	unsigned long long v;

	if (parse_unsigned(s, UINT64_MAX, &v) || v == 0)
		return -EINVAL;
	*n = v;
	return 0;
}

int tt_parse_cidr(const char *s, struct tt_cidr *cidr)
{
	char text[INET6_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	size_t addr_len = slash ? (size_t)(slash - s) : strlen(s);
	unsigned long long prefix_len;
	unsigned int max_prefix;

	if (addr_len >= sizeof(text))
		return -EINVAL;
	memcpy(text, s, addr_len);
	text[addr_len] = '\0';

	memset(cidr, 0, sizeof(*cidr));
	if (inet_pton(AF_INET, text, cidr->addr) == 1) {
		cidr->family = AF_INET;
		max_prefix = 32;
	} else if (inet_pton(AF_INET6, text, cidr->addr) == 1) {
		cidr->family = AF_INET6;
		max_prefix = 128;
	} else {
		return -EINVAL;
	}
	cidr->prefix_len = max_prefix;
	if (slash) {
		if (parse_unsigned(slash + 1, max_prefix, &prefix_len))
			return -EINVAL;
		cidr->prefix_len = prefix_len;
	}
	return 0;
}

int tt_parse_duration(const char *s, uint64_t *ns)
{
	static const struct {
		const char *suffix;
		double ns;
	} units[] = {
		{ "", 1e9 }, { "ns", 1 }, { "us", 1e3 }, { "µs", 1e3 },
		{ "ms", 1e6 }, { "s", 1e9 }, { "m", 60e9 }, { "h", 3600e9 },
		{ "d", 86400e9 },
	};
	char *end;
	double v;
	size_t i;

	if (!isdigit((unsigned char)*s) && *s != '.')
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || !isfinite(v))
		return -EINVAL;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(end, units[i].suffix) == 0) {
			double total = v * units[i].ns;

			if (total >= 1.8e19)
				return -EINVAL;
			*ns = (uint64_t)total;
			return 0;
		}
	}
	return -EINVAL;
}

bool tt_filter_match_time(const struct tt_filter *f, uint64_t ts_ns)
{
	return ts_ns >= f->since_ns;
}

bool tt_filter_match_state(const struct tt_filter *f, unsigned int state)
{
	return f->state < 0 || (unsigned int)f->state == state;
}

static bool cidr_contains(const struct tt_cidr *cidr, const uint8_t *addr)
{
	unsigned int full = cidr->prefix_len / 8, rest = cidr->prefix_len % 8;
	uint8_t mask;

	if (memcmp(cidr->addr, addr, full) != 0)
		return false;
	if (!rest)
		return true;
	mask = 0xff << (8 - rest);
	return (cidr->addr[full] & mask) == (addr[full] & mask);
}

bool tt_filter_match_endpoints(const struct tt_filter *f, unsigned int family,
			       const uint8_t *saddr, uint16_t sport,
			       const uint8_t *daddr, uint16_t dport)
{
	if (f->family && f->family != family)
		return false;
	if (f->has_port && f->port != sport && f->port != dport)
		return false;
	if (f->has_addr) {
		if (f->addr.family != family)
			return false;
		if (!cidr_contains(&f->addr, saddr) && !cidr_contains(&f->addr, daddr))
			return false;
	}
	return true;
}

int tt_parse_netns(const char *s, uint32_t *inode)
{
	unsigned long long v;
	char path[4096];
	struct stat sb;

	if (!parse_unsigned(s, UINT32_MAX, &v) && v) {
		*inode = v;
		return 0;
	}
	if (!*s || (size_t)snprintf(path, sizeof(path),
				    strchr(s, '/') ? "%s" : "/run/netns/%s",
				    s) >= sizeof(path))
		return -EINVAL;
	if (stat(path, &sb))
		return -errno;
	*inode = sb.st_ino;
	return 0;
}

uint32_t tt_own_netns(void)
{
	struct stat sb;

	return stat("/proc/self/ns/net", &sb) ? 0 : sb.st_ino;
}

/* The kernel keeps the first 15 bytes of a command name. */
#define COMM_MAX	15

static bool cgroup_matches(const struct tt_filter *f,
			   const struct tt_cgroup *cg)
{
	if (f->cgroup) {
		size_t n = strlen(f->cgroup);

		if (!cg->path)
			return false;
		/* The subtree: the cgroup itself and everything below. */
		if (strcmp(f->cgroup, "/") &&
		    (strncmp(cg->path, f->cgroup, n) ||
		     (cg->path[n] && cg->path[n] != '/')))
			return false;
	}
	if (f->unit && !tt_workload_unit_is(&cg->workload, f->unit))
		return false;
	if (f->container &&
	    (!cg->workload.container[0] ||
	     strncmp(cg->workload.container, f->container,
		     strlen(f->container))))
		return false;
	return true;
}

bool tt_filter_match_who(const struct tt_filter *f, const struct conn *c)
{
	if (f->has_netns && c->netns != f->netns)
		return false;
	if ((f->has_pid || f->comm) && !c->has_owner)
		return false;
	if (f->has_pid && c->pid != f->pid)
		return false;
	if (f->comm && strncmp(c->comm, f->comm, COMM_MAX))
		return false;
	if (f->cgroup || f->unit || f->container)
		return cgroup_matches(f, tt_cgroup_of(c->cgroup));
	return true;
}
