// SPDX-License-Identifier: GPL-2.0
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cgroup.h"
#include "format.h"
#include "grow.h"

/* The tree is read again for an unknown id at most this often. */
#define RESCAN_NS	1000000000ULL

struct cgroup_dir {
	struct tt_cgroup cg;
	char *path;
};

static struct {
	char root[4096];	/* the cgroup v2 mount; "" none */
	bool root_known;
	struct cgroup_dir *dirs;	/* sorted by id */
	size_t nr, cap;
	uint64_t scanned_ns;	/* when last read, 0 never */
	struct tt_cgroup unknown;
	/* The last answer: dirs[] or unknown (NULL: none since a scan). */
	uint64_t last_id;
	const struct tt_cgroup *last;
} cache;

/* The first cgroup2 mount in /proc/self/mountinfo. */
static void find_root(void)
{
	char line[8192], mnt[4096], fstype[64];
	FILE *f = fopen("/proc/self/mountinfo", "re");

	cache.root_known = true;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		const char *dash = strstr(line, " - ");

		/* id parent major:minor root MOUNT options ... - FSTYPE ... */
		if (!dash || sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1 ||
		    sscanf(dash + 3, "%63s", fstype) != 1 ||
		    strcmp(fstype, "cgroup2"))
			continue;
		/* Mount points escape spaces as \040: such roots are skipped. */
		if (!strchr(mnt, '\\'))
			snprintf(cache.root, sizeof(cache.root), "%s", mnt);
		break;
	}
	fclose(f);
}

static int add_dir(const char *fpath, const struct stat *sb, int type,
		   struct FTW *ftw)
{
	const char *rel = fpath + strlen(cache.root);
	struct cgroup_dir *d;

	(void)ftw;
	if (type != FTW_D)
		return 0;
	d = tt_grow(cache.dirs, &cache.cap, cache.nr, sizeof(*d), 256);
	if (!d)
		return 1;
	cache.dirs = d;
	d = &cache.dirs[cache.nr];
	d->path = strdup(*rel ? rel : "/");
	if (!d->path)
		return 1;
	d->cg.id = sb->st_ino;
	d->cg.path = d->path;
	tt_workload_from_path(d->path, &d->cg.workload);
	cache.nr++;
	return 0;
}

static int by_id(const void *a, const void *b)
{
	const struct cgroup_dir *x = a, *y = b;

	return x->cg.id < y->cg.id ? -1 : x->cg.id > y->cg.id;
}

static void scan(void)
{
	size_t i;

	for (i = 0; i < cache.nr; i++)
		free(cache.dirs[i].path);
	cache.nr = 0;
	cache.last = NULL;
	cache.scanned_ns = tt_monotonic_ns();
	if (!cache.root[0])
		return;
	/* Out of memory part way: what was read is kept. */
	nftw(cache.root, add_dir, 32, FTW_PHYS | FTW_MOUNT);
	qsort(cache.dirs, cache.nr, sizeof(*cache.dirs), by_id);
}

static const struct tt_cgroup *lookup(uint64_t id)
{
	struct cgroup_dir key = { .cg.id = id }, *d;

	d = bsearch(&key, cache.dirs, cache.nr, sizeof(*cache.dirs), by_id);
	return d ? &d->cg : NULL;
}

static const struct tt_cgroup *unknown(uint64_t id)
{
	if (cache.unknown.id != id || cache.unknown.path) {
		memset(&cache.unknown, 0, sizeof(cache.unknown));
		cache.unknown.id = id;
	}
	return &cache.unknown;
}

/*
 * Records come in runs of the same cgroup: the last answer is kept. A
 * found one stays good until the next scan; an unknown one is asked again
 * (a scan may be due), but costs a clock reading, not a search.
 */
const struct tt_cgroup *tt_cgroup_of(uint64_t id)
{
	const struct tt_cgroup *cg;

	if (!id)
		return unknown(id);
	if (!cache.root_known)
		find_root();
	/* No cgroup v2 mount: nothing to scan, ever. */
	if (!cache.root[0])
		return unknown(id);
	if (id == cache.last_id && cache.last) {
		if (cache.last != &cache.unknown)
			return cache.last;
		if (tt_monotonic_ns() - cache.scanned_ns < RESCAN_NS)
			return cache.last;
	}
	cg = lookup(id);
	if (!cg && (!cache.scanned_ns ||
		    tt_monotonic_ns() - cache.scanned_ns >= RESCAN_NS)) {
		scan();
		cg = lookup(id);
	}
	if (!cg)
		cg = unknown(id);
	cache.last_id = id;
	cache.last = cg;
	return cg;
}

const char *tt_cgroup_normalize(const char *path, char *buf, size_t len)
{
	size_t n;

	if (!cache.root_known)
		find_root();
	n = strlen(cache.root);
	/* A path under the mount, given in full. */
	if (n > 1 && !strncmp(path, cache.root, n) &&
	    (path[n] == '/' || !path[n]))
		path += n;
	while (*path == '/')
		path++;
	if ((size_t)snprintf(buf, len, "/%s", path) >= len)
		return NULL;
	n = strlen(buf);
	while (n > 1 && buf[n - 1] == '/')
		buf[--n] = '\0';
	return buf;
}

static void json_kv_text(struct json_writer *w, const char *key,
			 const char *s)
{
	json_kv_string_or_null(w, key, s && *s ? s : NULL);
}

void tt_cgroup_json(struct json_writer *w, uint64_t id)
{
	const struct tt_cgroup *cg = tt_cgroup_of(id);

	json_kv_u64_or_null(w, "cgroup_id", id, id);
	json_kv_text(w, "cgroup", cg->path);
	json_kv_text(w, "unit", cg->workload.unit);
	json_kv_text(w, "container", cg->workload.container);
	json_kv_text(w, "pod_uid", cg->workload.pod_uid);
}

/* How much of a container id a label shows, as docker ps does. */
#define SHORT_ID_LEN	12

void tt_cgroup_label(uint64_t id, char *buf, size_t len)
{
	const struct tt_cgroup *cg = tt_cgroup_of(id);
	const struct tt_workload *w = &cg->workload;
	int n;

	if (!id) {
		snprintf(buf, len, "cgroup unknown");
		return;
	}
	if (!cg->path) {
		snprintf(buf, len, "cgroup %llu", (unsigned long long)id);
		return;
	}
	if (w->container[0])
		n = snprintf(buf, len, "container %.*s", SHORT_ID_LEN,
			     w->container);
	else if (w->unit[0])
		n = snprintf(buf, len, "%s", w->unit);
	else
		n = snprintf(buf, len, "cgroup %s", cg->path);
	if (w->pod_uid[0] && n >= 0 && (size_t)n < len)
		snprintf(buf + n, len - n, " pod %s", w->pod_uid);
}
