/* SPDX-License-Identifier: GPL-2.0 */
/* Addresses and endpoints, as text and as JSON keys. */
#ifndef TCPTRAIL_ADDR_H
#define TCPTRAIL_ADDR_H

#include <stddef.h>
#include <stdint.h>

/* Room for "[<IPv6 address>]:<port>". */
#define TT_ENDPOINT_LEN		(46 + 8)

void tt_format_addr(unsigned int family, const uint8_t *addr, char *buf, size_t len);
/* "1.2.3.4:80", "[2001:db8::1]:80". */
void tt_format_endpoint(unsigned int family, const uint8_t *addr, uint16_t port,
			char *buf, size_t len);

struct json_writer;
/* "family", "saddr", "sport", "daddr", "dport" keys, as in every JSON
 * record; NULL addresses (unknown) are null.
 */
void tt_json_endpoints(struct json_writer *w, unsigned int family,
		       const uint8_t *saddr, uint16_t sport,
		       const uint8_t *daddr, uint16_t dport);

#endif
