/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hooks, each attached after the ring is up and detached before. Only
 * tcptrail_probe_attach() can fail: the other hooks are optional, and one
 * that cannot attach turns its feature off (features.h).
 */
#ifndef _TCPTRAIL_HOOKS_H
#define _TCPTRAIL_HOOKS_H

#include <linux/build_bug.h>
#include <net/sock.h>

/*
 * Fails the build unless @probe has exactly the prototype tracepoint @tp
 * calls its probes with: with kCFI, an indirect call through any other
 * prototype traps. Needs the tracepoint's trace/events header.
 */
#define TCPTRAIL_CHECK_PROBE(tp, probe) \
	static_assert(sizeof(register_trace_##tp(probe, NULL)))

int tcptrail_probe_attach(void);
void tcptrail_probe_detach(void);
void tcptrail_timewait_attach(void);
void tcptrail_timewait_detach(void);
/*
 * From the state probe, before the record of @sk's move to CLOSE: the
 * TIME_WAIT entry, if tcp_time_wait() is handing @sk over.
 */
void tcptrail_timewait_handover(const struct sock *sk, int old_state);
void tcptrail_resets_attach(void);
void tcptrail_resets_detach(void);
void tcptrail_accept_attach(void);
void tcptrail_accept_detach(void);

#endif /* _TCPTRAIL_HOOKS_H */
