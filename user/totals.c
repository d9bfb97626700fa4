// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <stdio.h>

#include "format.h"
#include "json.h"
#include "linebuf.h"
#include "totals.h"


/* Payload bytes when known, else the kernel's count, marked. */
static void format_payload(bool known, uint64_t data, uint64_t seq,
			   char *buf, size_t len)
{
	char n[TT_SIZE_LEN];

	tt_format_bytes(known ? data : seq, n, sizeof(n));
	snprintf(buf, len, "%s%s", n, known ? "" : " +SYN/FIN");
}

void tt_totals_format(const struct tt_totals *t, char *buf, size_t len)
{
	char sent[TT_SIZE_LEN], retrans[TT_SIZE_LEN + 4], rtt[TT_TIME_LEN + 8];
	char acked[TT_SIZE_LEN + 16], received[TT_SIZE_LEN + 16];

	tt_format_bytes(t->k.bytes_sent, sent, sizeof(sent));
	format_payload(t->has_data_acked, t->data_acked, t->k.bytes_acked,
		       acked, sizeof(acked));
	format_payload(t->has_data_received, t->data_received,
		       t->k.bytes_received, received, sizeof(received));
	retrans[0] = '\0';
	if (t->k.bytes_retrans) {
		char n[TT_SIZE_LEN];

		tt_format_bytes(t->k.bytes_retrans, n, sizeof(n));
		snprintf(retrans, sizeof(retrans), " (%s)", n);
	}
	/* No RTT sample: no answer ever came. */
	rtt[0] = '\0';
	if (t->k.srtt_us) {
		char d[TT_TIME_LEN];

		tt_format_duration(t->k.srtt_us * TT_NSEC_PER_USEC, d, sizeof(d));
		snprintf(rtt, sizeof(rtt), ", srtt %s", d);
	}
	snprintf(buf, len, "sent %s, acked %s, received %s, segs %" PRIu32
		 " out %" PRIu32 " in, %" PRIu32 " retrans%s%s",
		 sent, acked, received, t->k.segs_out, t->k.segs_in,
		 t->k.total_retrans, retrans, rtt);
}

void tt_totals_json(struct json_writer *w, const struct tt_totals *t)
{
	json_kv_u64(w, "bytes_sent", t->k.bytes_sent);
	json_kv_u64(w, "bytes_acked", t->k.bytes_acked);
	json_kv_u64(w, "bytes_received", t->k.bytes_received);
	json_kv_u64(w, "bytes_retrans", t->k.bytes_retrans);
	json_kv_u64(w, "segs_out", t->k.segs_out);
	json_kv_u64(w, "segs_in", t->k.segs_in);
	json_kv_u64(w, "total_retrans", t->k.total_retrans);
	json_kv_u64(w, "srtt_us", t->k.srtt_us);
	json_kv_u64_or_null(w, "data_acked", t->has_data_acked, t->data_acked);
	json_kv_u64_or_null(w, "data_received", t->has_data_received,
			    t->data_received);
}

/* tt_totals_json()'s members, after a "{" or a member. */
char *tt_put_totals_members(char *p, const struct tt_totals *t)
{
	p = TT_PUT_LIT(p, "\"bytes_sent\":");
	p = tt_put_u64(p, t->k.bytes_sent);
	p = TT_PUT_LIT(p, ",\"bytes_acked\":");
	p = tt_put_u64(p, t->k.bytes_acked);
	p = TT_PUT_LIT(p, ",\"bytes_received\":");
	p = tt_put_u64(p, t->k.bytes_received);
	p = TT_PUT_LIT(p, ",\"bytes_retrans\":");
	p = tt_put_u64(p, t->k.bytes_retrans);
	p = TT_PUT_LIT(p, ",\"segs_out\":");
	p = tt_put_u64(p, t->k.segs_out);
	p = TT_PUT_LIT(p, ",\"segs_in\":");
	p = tt_put_u64(p, t->k.segs_in);
	p = TT_PUT_LIT(p, ",\"total_retrans\":");
	p = tt_put_u64(p, t->k.total_retrans);
	p = TT_PUT_LIT(p, ",\"srtt_us\":");
	p = tt_put_u64(p, t->k.srtt_us);
	p = TT_PUT_LIT(p, ",\"data_acked\":");
	p = tt_put_u64_or_null(p, t->has_data_acked, t->data_acked);
	p = TT_PUT_LIT(p, ",\"data_received\":");
	return tt_put_u64_or_null(p, t->has_data_received, t->data_received);
}
