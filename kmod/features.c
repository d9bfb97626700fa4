// SPDX-License-Identifier: GPL-2.0
/*
 * Which optional hooks are attached, and why the others are not. Written
 * once by the init ladder, before any reader exists; read by the probes
 * (tcptrail_feature_on) and by the stats readers.
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <uapi/linux/tcptrail.h>

#include "features.h"

static const struct {
	const char *name;
	const char *feeds;	/* for the kernel log line */
} features[TCPTRAIL_NR_FEATURES] = {
	[TCPTRAIL_FEAT_CHILD_COOKIE] = { "child-cookie",
		"a listener's child has its own conn from its first record" },
	[TCPTRAIL_FEAT_ACCEPT_OWNER] = { "accept-owner",
		"the task that accepted a connection" },
	[TCPTRAIL_FEAT_RESET_SENT] = { "reset-sent", "records of RSTs sent" },
	[TCPTRAIL_FEAT_RESET_RECEIVED] = { "reset-received",
		"records of RSTs received" },
	[TCPTRAIL_FEAT_TIMEWAIT] = { TCPTRAIL_FEATURE_TIMEWAIT,
		"TIME_WAIT entry and end" },
	[TCPTRAIL_FEAT_TIMEWAIT_SEGMENT] = { "timewait-segment",
		"FIN_WAIT2 -> TIME_WAIT; end reasons rst-received, reused, rst-sent" },
	[TCPTRAIL_FEAT_TIMEWAIT_EXPIRY] = { "timewait-expiry",
		"the TIME_WAIT end reason expired" },
	[TCPTRAIL_FEAT_TIMEWAIT_ABORT] = { "timewait-abort",
		"the TIME_WAIT end reason aborted" },
};

bool tcptrail_feature_on[TCPTRAIL_NR_FEATURES] __read_mostly;
static char why_off[TCPTRAIL_NR_FEATURES][TCPTRAIL_FEATURE_WHY_LEN];
static bool disabled[TCPTRAIL_NR_FEATURES];

const char *tcptrail_feature_name(enum tcptrail_feature f)
{
	return features[f].name;
}

const char *tcptrail_feature_why(enum tcptrail_feature f)
{
	return why_off[f];
}

static void set_off(enum tcptrail_feature f, const char *why)
{
	tcptrail_feature_on[f] = false;
	strscpy(why_off[f], why, sizeof(why_off[f]));
	pr_warn("feature %s is off (%s): %s\n", features[f].name, why,
		features[f].feeds);
}

bool tcptrail_feature_wanted(enum tcptrail_feature f)
{
	if (disabled[f])
		set_off(f, "disabled by the module parameter disable=");
	return !disabled[f];
}

void tcptrail_feature_failed(enum tcptrail_feature f, const char *hook,
			     int err)
{
	char why[TCPTRAIL_FEATURE_WHY_LEN];

	if (err == -ENOENT)
		snprintf(why, sizeof(why), "%s not found in this kernel", hook);
	else if (err == -EBUSY)
		snprintf(why, sizeof(why),
			 "%s cannot be hooked while ftrace is off: set sysctl kernel.ftrace_enabled=1, reload",
			 hook);
	else
		snprintf(why, sizeof(why), "%s cannot be probed (error %d)",
			 hook, err);
	set_off(f, why);
}

void tcptrail_feature_attached(enum tcptrail_feature f)
{
	why_off[f][0] = '\0';
	tcptrail_feature_on[f] = true;
}

void tcptrail_feature_needs(enum tcptrail_feature f,
			    enum tcptrail_feature base)
{
	char why[TCPTRAIL_FEATURE_WHY_LEN];

	snprintf(why, sizeof(why), "needs %s, which is off", features[base].name);
	set_off(f, why);
}

static void no_such_feature(const char *val, const char *name)
{
	char known[TCPTRAIL_NR_FEATURES * 20];
	int f, len = 0;

	for (f = 0; f < TCPTRAIL_NR_FEATURES; f++)
		len += scnprintf(known + len, sizeof(known) - len, "%s%s",
				 f ? ", " : "", features[f].name);
	pr_err("disable=%s: no feature '%s'; give a comma-separated list of: %s\n",
	       val, name, known);
}

/* disable=: a comma-separated list of feature names. */
static int disable_set(const char *val, const struct kernel_param *kp)
{
	bool off[TCPTRAIL_NR_FEATURES] = {};
	char *list, *cur, *name;
	int f, err = 0;

	list = kstrdup(val, GFP_KERNEL);
	if (!list)
		return -ENOMEM;
	cur = strim(list);
	while ((name = strsep(&cur, ",")) != NULL) {
		name = strim(name);
		if (!*name)
			continue;
		for (f = 0; f < TCPTRAIL_NR_FEATURES; f++)
			if (!strcmp(name, features[f].name))
				break;
		if (f == TCPTRAIL_NR_FEATURES) {
			no_such_feature(val, name);
			err = -EINVAL;
			break;
		}
		off[f] = true;
	}
	kfree(list);
	if (!err)
		memcpy(disabled, off, sizeof(disabled));
	return err;
}

static int disable_get(char *buffer, const struct kernel_param *kp)
{
	int f, len = 0;

	for (f = 0; f < TCPTRAIL_NR_FEATURES; f++)
		if (disabled[f])
			len += scnprintf(buffer + len, PAGE_SIZE - len, "%s%s",
					 len ? "," : "", features[f].name);
	return len + scnprintf(buffer + len, PAGE_SIZE - len, "\n");
}

static const struct kernel_param_ops disable_ops = {
	.set = disable_set,
	.get = disable_get,
};

module_param_cb(disable, &disable_ops, NULL, 0444);
MODULE_PARM_DESC(disable, "optional features to leave off, comma-separated (see tcptrail stats)");
