// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "addr.h"
#include "json.h"
#include "labels.h"
#include "linebuf.h"

void tt_format_addr(unsigned int family, const uint8_t *addr, char *buf, size_t len)
{
	/* Dotted quads by hand: glibc's inet_ntop() goes through sprintf(). */
	if (family != AF_INET6 && len >= INET_ADDRSTRLEN)
		*tt_put_addr(buf, AF_INET, addr) = '\0';
	else if (!inet_ntop(family == AF_INET6 ? AF_INET6 : AF_INET, addr, buf, len))
		snprintf(buf, len, "?");
}

void tt_format_endpoint(unsigned int family, const uint8_t *addr, uint16_t port,
			char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	tt_format_addr(family, addr, a, sizeof(a));
	if (family == AF_INET6)
		snprintf(buf, len, "[%s]:%u", a, port);
	else
		snprintf(buf, len, "%s:%u", a, port);
}

static void json_addr(struct json_writer *w, unsigned int family,
		      const uint8_t *a, char buf[INET6_ADDRSTRLEN])
{
	if (!a) {
		json_null(w);
		return;
	}
	tt_format_addr(family, a, buf, INET6_ADDRSTRLEN);
	json_string(w, buf);
}

void tt_json_endpoints(struct json_writer *w, unsigned int family,
		       const uint8_t *saddr, uint16_t sport,
		       const uint8_t *daddr, uint16_t dport)
{
	char name[TT_STATE_NAME_LEN], addr[INET6_ADDRSTRLEN];

	json_kv_string(w, "family", tt_family_name(family, name));
	json_key(w, "saddr");
	json_addr(w, family, saddr, addr);
	json_kv_u64(w, "sport", sport);
	json_key(w, "daddr");
	json_addr(w, family, daddr, addr);
	json_kv_u64(w, "dport", dport);
}
