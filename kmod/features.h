/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The optional hooks and what they feed. sock:inet_sock_set_state is the
 * one hook tcptrail cannot do without; every other one attaches on its own,
 * and when it cannot (a symbol missing or inlined on this kernel, or
 * disable= names its feature) only its feature is off. The names and what
 * each feature records are in include/uapi/linux/tcptrail.h.
 */
#ifndef _TCPTRAIL_FEATURES_H
#define _TCPTRAIL_FEATURES_H

#include <linux/cache.h>
#include <linux/types.h>

enum tcptrail_feature {
	TCPTRAIL_FEAT_CHILD_COOKIE,
	TCPTRAIL_FEAT_ACCEPT_OWNER,
	TCPTRAIL_FEAT_RESET_SENT,
	TCPTRAIL_FEAT_RESET_RECEIVED,
	TCPTRAIL_FEAT_TIMEWAIT,
	TCPTRAIL_FEAT_TIMEWAIT_SEGMENT,
	TCPTRAIL_FEAT_TIMEWAIT_EXPIRY,
	TCPTRAIL_FEAT_TIMEWAIT_ABORT,
	TCPTRAIL_NR_FEATURES
};

/* Longest "why off" text, NUL included. */
#define TCPTRAIL_FEATURE_WHY_LEN	128

extern bool tcptrail_feature_on[TCPTRAIL_NR_FEATURES] __read_mostly;

/* Whether to attach @f's hooks: false (and @f off) if disable= names it. */
bool tcptrail_feature_wanted(enum tcptrail_feature f);
/* @f's hook @hook could not be attached (@err): @f is off, logged once. */
void tcptrail_feature_failed(enum tcptrail_feature f, const char *hook,
			     int err);
/* @f's hooks are attached. */
void tcptrail_feature_attached(enum tcptrail_feature f);
/* @f needs @base, which is off: @f is off too. */
void tcptrail_feature_needs(enum tcptrail_feature f,
			    enum tcptrail_feature base);

const char *tcptrail_feature_name(enum tcptrail_feature f);
/* Why @f is off; "" while it is on. */
const char *tcptrail_feature_why(enum tcptrail_feature f);

#endif /* _TCPTRAIL_FEATURES_H */
