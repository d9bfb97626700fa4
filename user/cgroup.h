/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A socket's cgroup, from the cgroup v2 id in its records: the path of its
 * directory under the cgroup v2 mount (found by inode number, which is the
 * id), and what the path tells of the workload (workload.h). Paths are
 * cached; an id not found makes the tree be read again, at most once a
 * second. An id whose cgroup is gone stays an id.
 */
#ifndef TCPTRAIL_CGROUP_H
#define TCPTRAIL_CGROUP_H

#include <stddef.h>
#include <stdint.h>

#include "json.h"
#include "workload.h"

struct tt_cgroup {
	uint64_t id;
	const char *path;	/* "/system.slice/nginx.service"; NULL: unknown */
	struct tt_workload workload;	/* from the path */
};

/* The cgroup of id (0: unknown). Never NULL; valid until the next call. */
const struct tt_cgroup *tt_cgroup_of(uint64_t id);

/* cgroup_id, cgroup, unit, container, pod_uid (null where unknown). */
void tt_cgroup_json(struct json_writer *w, uint64_t id);

/*
 * For a header: "nginx.service", "container 3f2a1b9c0d4e pod <uid>",
 * "cgroup <path>" where the path names nothing else, "cgroup <id>" once
 * gone, "cgroup unknown" for 0.
 */
void tt_cgroup_label(uint64_t id, char *buf, size_t len);

/*
 * The path under the cgroup v2 mount that @path names: "/system.slice"
 * for "system.slice", "/system.slice/" or "/sys/fs/cgroup/system.slice".
 * NULL if it is too long.
 */
const char *tt_cgroup_normalize(const char *path, char *buf, size_t len);

#endif
