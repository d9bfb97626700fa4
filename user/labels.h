/* SPDX-License-Identifier: GPL-2.0 */
/* The names a record's fields are shown by, in text and JSON alike. */
#ifndef TCPTRAIL_LABELS_H
#define TCPTRAIL_LABELS_H

/* Room for any state name, including "STATE_255". */
#define TT_STATE_NAME_LEN	16

/* The state as the kernel spells it without TCP_, or "STATE_<n>". */
const char *tt_state_name(unsigned int state, char buf[TT_STATE_NAME_LEN]);
/* A state name (any case, "TCP_" prefix optional) or number: state, or -EINVAL. */
int tt_state_parse(const char *s);

/* tcptrail_record.kind: "state", "timewait", "reset", "accept", "totals"
 * (or "kind_<n>"); JSON's spelling too.
 */
const char *tt_kind_name(unsigned int kind, char buf[TT_STATE_NAME_LEN]);
/* tcptrail_record.reason: "expired", "reused", "connect-reuse", ...,
 * NULL for none (or "reason_<n>"); JSON's spelling too.
 */
const char *tt_reason_name(unsigned int reason, char buf[TT_STATE_NAME_LEN]);

/* "ipv4", "ipv6" (or "af<n>"): JSON's spelling too. */
const char *tt_family_name(unsigned int family, char buf[TT_STATE_NAME_LEN]);

#endif
