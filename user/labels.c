// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <linux/tcptrail.h>
#include <tcptrail/names.h>

#include "labels.h"

static const char *const state_names[TCPTRAIL_NR_STATES] = {
	TCPTRAIL_STATE_NAMES(TCPTRAIL_NAME_ENTRY)
};

const char *tt_state_name(unsigned int state, char buf[TT_STATE_NAME_LEN])
{
	if (state < TCPTRAIL_NR_STATES && state_names[state])
		return state_names[state];
	snprintf(buf, TT_STATE_NAME_LEN, "STATE_%u", state);
	return buf;
}

int tt_state_parse(const char *s)
{
	unsigned long state;
	char *end;

	if (strncasecmp(s, "TCP_", 4) == 0)
		s += 4;
	for (state = 0; state < TCPTRAIL_NR_STATES; state++)
		if (state_names[state] && strcasecmp(s, state_names[state]) == 0)
			return state;
	if (strncasecmp(s, "STATE_", 6) == 0)
		s += 6;
	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	state = strtoul(s, &end, 10);
	if (errno || *end || state > 255)
		return -EINVAL;
	return state;
}

#define NAME_OF(names, n) \
	((n) < sizeof(names) / sizeof((names)[0]) ? (names)[n] : NULL)

const char *tt_kind_name(unsigned int kind, char buf[TT_STATE_NAME_LEN])
{
	static const char *const names[] = {
		TCPTRAIL_KIND_NAMES(TCPTRAIL_NAME_ENTRY)
	};
	const char *name = NAME_OF(names, kind);

	if (name)
		return name;
	snprintf(buf, TT_STATE_NAME_LEN, "kind_%u", kind);
	return buf;
}

const char *tt_reason_name(unsigned int reason, char buf[TT_STATE_NAME_LEN])
{
	static const char *const names[] = {
		TCPTRAIL_REASON_NAMES(TCPTRAIL_NAME_ENTRY)
	};
	const char *name = NAME_OF(names, reason);

	/* NONE: no reason to show. */
	if (reason == TCPTRAIL_REASON_NONE)
		return NULL;
	if (name)
		return name;
	snprintf(buf, TT_STATE_NAME_LEN, "reason_%u", reason);
	return buf;
}

const char *tt_family_name(unsigned int family, char buf[TT_STATE_NAME_LEN])
{
	if (family == AF_INET)
		return "ipv4";
	if (family == AF_INET6)
		return "ipv6";
	snprintf(buf, TT_STATE_NAME_LEN, "af%u", family);
	return buf;
}
