// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "workload.h"

static bool ends_with(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len >= n && !memcmp(s + len - n, suffix, n);
}

static bool is_unit(const char *s, size_t len)
{
	return ends_with(s, len, ".service") || ends_with(s, len, ".scope");
}

static bool all_hex(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

/*
 * A container's cgroup: "docker-<id>.scope", "cri-containerd-<id>.scope",
 * "crio-<id>.scope", "libpod-<id>.scope" (systemd driver), or a bare
 * 64-hex-digit directory (cgroupfs driver: /docker/<id>,
 * /kubepods/besteffort/pod<uid>/<id>).
 */
static bool container_of(const char *s, size_t len, char *id)
{
	static const char *const prefixes[] = {
		"docker-", "cri-containerd-", "crio-", "libpod-",
	};
	size_t i;

	if (len == TT_CONTAINER_ID_LEN && all_hex(s, len)) {
		memcpy(id, s, len);
		id[len] = '\0';
		return true;
	}
	if (!ends_with(s, len, ".scope"))
		return false;
	len -= strlen(".scope");
	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t n = strlen(prefixes[i]);

		if (len == n + TT_CONTAINER_ID_LEN && !memcmp(s, prefixes[i], n) &&
		    all_hex(s + n, TT_CONTAINER_ID_LEN)) {
			memcpy(id, s + n, TT_CONTAINER_ID_LEN);
			id[TT_CONTAINER_ID_LEN] = '\0';
			return true;
		}
	}
	return false;
}

/*
 * A pod's cgroup: "kubepods-burstable-pod<uid>.slice" (systemd driver, the
 * uid's dashes written as underscores) or "pod<uid>" (cgroupfs driver).
 */
static bool pod_of(const char *s, size_t len, char *uid)
{
	const char *p = NULL;
	size_t i;

	if (ends_with(s, len, ".slice")) {
		len -= strlen(".slice");
		if (len > TT_POD_UID_LEN + 3 &&
		    !memcmp(s + len - TT_POD_UID_LEN - 3, "pod", 3))
			p = s + len - TT_POD_UID_LEN;
	} else if (len == TT_POD_UID_LEN + 3 && !memcmp(s, "pod", 3)) {
		p = s + 3;
	}
	if (!p)
		return false;
	for (i = 0; i < TT_POD_UID_LEN; i++) {
		char ch = p[i] == '_' ? '-' : p[i];

		if (!isxdigit((unsigned char)ch) && ch != '-')
			return false;
		uid[i] = ch;
	}
	uid[TT_POD_UID_LEN] = '\0';
	return true;
}

void tt_workload_from_path(const char *path, struct tt_workload *w)
{
	const char *unit_start = NULL, *unit_end = NULL, *s = path;

	memset(w, 0, sizeof(*w));
	while (*s) {
		size_t len;

		while (*s == '/')
			s++;
		len = strcspn(s, "/");
		if (!len)
			break;
		/* From the first unit below the slices to the last unit. */
		if (is_unit(s, len)) {
			if (!unit_start)
				unit_start = s;
			unit_end = s + len;
		}
		container_of(s, len, w->container);
		pod_of(s, len, w->pod_uid);
		s += len;
	}
	if (unit_start)
		snprintf(w->unit, sizeof(w->unit), "%.*s",
			 (int)(unit_end - unit_start), unit_start);
}

bool tt_workload_unit_is(const struct tt_workload *w, const char *name)
{
	const char *last = strrchr(w->unit, '/');
	size_t n = strlen(name);

	last = last ? last + 1 : w->unit;
	if (!w->unit[0])
		return false;
	if (!strcmp(w->unit, name) || !strcmp(last, name))
		return true;
	/* systemctl's shorthand: "nginx" is nginx.service. */
	return !strncmp(last, name, n) && !strcmp(last + n, ".service");
}
