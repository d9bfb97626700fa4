/* SPDX-License-Identifier: GPL-2.0 */
/* The record filters every record-reading subcommand shares. */
#ifndef TCPTRAIL_FILTER_H
#define TCPTRAIL_FILTER_H

#include <stdbool.h>
#include <stdint.h>

struct tt_cidr {
	unsigned int family;		/* AF_INET or AF_INET6 */
	uint8_t addr[16];
	unsigned int prefix_len;
};

struct tt_filter {
	bool has_port;
	uint16_t port;			/* --port: local or remote port */
	bool has_addr;
	struct tt_cidr addr;		/* --addr: local or remote address */
	unsigned int family;		/* -4/-6: AF_INET, AF_INET6, 0 any */
	int state;			/* --state: old or new state, -1 any */
	uint64_t since_ns;		/* --since: ts_ns >= this, 0 any */
	uint64_t last;			/* --last: records/connections, 0 all */

	/* Who: the connection's owner, its socket's cgroup, its netns. */
	bool has_pid;
	uint32_t pid;			/* --pid: the owner's process id */
	const char *comm;		/* --comm: the owner's command name */
	const char *cgroup;		/* --cgroup: a subtree, normalized */
	char cgroup_buf[4096];
	const char *unit;		/* --unit: systemd unit */
	const char *container;		/* --container: id prefix */
	bool has_netns;
	uint32_t netns;			/* -N/--netns: its inode number */
};

struct conn;

void tt_filter_init(struct tt_filter *f);

/* Option values. Each returns 0 or -EINVAL. */
int tt_parse_port(const char *s, uint16_t *port);
int tt_parse_cidr(const char *s, struct tt_cidr *cidr);
/* "30s", "5m", "1.5h", "200ms"; a bare number is seconds. */
int tt_parse_duration(const char *s, uint64_t *ns);
/* A count of at least 1. */
int tt_parse_count(const char *s, uint64_t *n);

/* -N NAME (ip netns), PATH or INODE: the namespace's inode number. */
int tt_parse_netns(const char *s, uint32_t *inode);
/* The inode number of our own network namespace, 0 unknown. */
uint32_t tt_own_netns(void);

/* --pid, --comm, --cgroup, --unit, --container and --netns. */
bool tt_filter_match_who(const struct tt_filter *f, const struct conn *c);

bool tt_filter_match_time(const struct tt_filter *f, uint64_t ts_ns);
bool tt_filter_match_state(const struct tt_filter *f, unsigned int state);
bool tt_filter_match_endpoints(const struct tt_filter *f, unsigned int family,
			       const uint8_t *saddr, uint16_t sport,
			       const uint8_t *daddr, uint16_t dport);

#endif
