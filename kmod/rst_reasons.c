// SPDX-License-Identifier: GPL-2.0
#include <linux/kernel.h>

#include "rst_reasons.h"

#ifdef TCPTRAIL_HAVE_RST_REASON_NAMES
#include <net/rstreason.h>

#define TCPTRAIL_RST_REASON_NAME(reason) \
	[SK_RST_REASON_##reason] = #reason,
/* The last one, MAX, only counts the others. */
#define TCPTRAIL_RST_REASON_END(reason) \
	[SK_RST_REASON_##reason] = NULL

static const char *const names[] = {
	DEFINE_RST_REASON(TCPTRAIL_RST_REASON_NAME, TCPTRAIL_RST_REASON_END)
};

const unsigned int tcptrail_nr_rst_reasons = SK_RST_REASON_MAX;

const char *tcptrail_rst_reason_name(unsigned int reason)
{
	return reason < SK_RST_REASON_MAX ? names[reason] : NULL;
}
#else
const unsigned int tcptrail_nr_rst_reasons;

const char *tcptrail_rst_reason_name(unsigned int reason)
{
	return NULL;
}
#endif
