/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a cgroup v2 path says of the workload in it, where the path shows
 * it: the systemd unit, a container id, a Kubernetes pod UID.
 */
#ifndef TCPTRAIL_WORKLOAD_H
#define TCPTRAIL_WORKLOAD_H

#include <stdbool.h>
#include <stddef.h>

#define TT_CONTAINER_ID_LEN	64	/* docker, containerd, cri-o, podman */
#define TT_POD_UID_LEN		36	/* 8-4-4-4-12 */

struct tt_workload {
	/* "nginx.service", "user@1000.service/app.slice/foo.service" */
	char unit[256];
	char container[TT_CONTAINER_ID_LEN + 1];
	char pod_uid[TT_POD_UID_LEN + 1];
};

/* Each field "" where the path does not show it. */
void tt_workload_from_path(const char *path, struct tt_workload *w);

/* --unit NAME: the unit, its last unit component, or NAME.service. */
bool tt_workload_unit_is(const struct tt_workload *w, const char *name);

#endif
