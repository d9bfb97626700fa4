#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# rmmod while readers hold tcptrail open: netlink sockets (one that did
# GET_STATS, one in the "events" group), GET_EVENTS dumps read only once
# (still running), /proc/net/tcptrail/events read once, and a process
# reading the events file in a loop. rmmod may be refused while a dump holds
# the module; once the dumps are closed it must succeed (within 10 s: the
# kernel releases a dump's module reference from a work item). Afterwards
# the old procfs fd and netlink sockets fail cleanly (read: EIO or similar;
# GET_STATS: an error), nothing appears in dmesg, and the module is reloaded
# with its default parameters. Three rounds; ~30 s under TCG.
cd "$(dirname "$0")" || exit 1
. ./tcptrail_lib.sh

ROUNDS=3
: "${TCPTRAIL_SCRATCH:=/tmp}"
tt_need_ko
[ -x ./tcptrail_holder ] && [ -x ./tcptrail_churn ] || tt_skip "tcptrail_holder/tcptrail_churn not built"

holder_pid= reader_pid=
cleanup() {
	[ -n "$holder_pid" ] && kill "$holder_pid" 2>/dev/null
	[ -n "$reader_pid" ] && kill "$reader_pid" 2>/dev/null
	wait 2>/dev/null
	exec 3>&- 4<&- 2>/dev/null
	tt_restore
}
trap cleanup EXIT

tt_dmesg_mark
tt_loaded || tt_load || { tt_fail "insmod failed"; exit $ksft_fail; }

# Reads the holder's next line (timeout 20 s) into $reply.
holder_read() {
	reply=
	read -r -t 20 reply <&4 || { tt_fail "round $round: holder said nothing (expected $1)"; return 1; }
	case $reply in "$1"*) return 0 ;; esac
	tt_fail "round $round: holder said '$reply', expected '$1'"
	return 1
}

round=0
while [ $round -lt $ROUNDS ]; do
	round=$((round + 1))
	tt_loaded || tt_load || { tt_fail "round $round: insmod failed"; break; }
	# Enough records that a dump with a small buffer needs many messages.
	./tcptrail_churn -n 200 >/dev/null || { tt_fail "round $round: churn failed"; break; }

	rm -f "$TCPTRAIL_SCRATCH/holder.in" "$TCPTRAIL_SCRATCH/holder.out"
	mkfifo "$TCPTRAIL_SCRATCH/holder.in" "$TCPTRAIL_SCRATCH/holder.out" || tt_skip "no mkfifo"
	./tcptrail_holder < "$TCPTRAIL_SCRATCH/holder.in" > "$TCPTRAIL_SCRATCH/holder.out" &
	holder_pid=$!
	exec 3> "$TCPTRAIL_SCRATCH/holder.in" 4< "$TCPTRAIL_SCRATCH/holder.out"
	holder_read ready || break

	# A reader looping on the events file while the module goes.
	( while :; do cat /proc/net/tcptrail/events >/dev/null 2>&1; done ) &
	reader_pid=$!

	if rmmod tcptrail 2>/dev/null; then
		tt_log "round $round: rmmod succeeded with half-read dumps open"
	else
		tt_log "round $round: rmmod refused while half-read dumps hold the module (expected)"
		tt_loaded || tt_fail "round $round: rmmod failed but the module is gone"
		echo close-dumps >&3
		holder_read closed || break
		ok=
		for i in $(seq 100); do
			if rmmod tcptrail 2>/dev/null; then ok=1; break; fi
			sleep 0.1
		done
		[ -n "$ok" ] || { tt_fail "round $round: rmmod still refused 10 s after the dumps were closed"; lsmod | grep tcptrail; break; }
		tt_log "round $round: rmmod succeeded after the dumps were closed (try $i)"
	fi
	tt_loaded && tt_fail "round $round: tcptrail still loaded"
	[ -e /proc/net/tcptrail ] && tt_fail "round $round: /proc/net/tcptrail left after rmmod"

	echo check >&3
	holder_read proc-read || break
	n=${reply#proc-read }
	if [ "$n" -ge 0 ] 2>/dev/null && [ "$n" -gt 0 ]; then
		tt_fail "round $round: read() on the old events fd returned $n bytes after rmmod"
	else
		tt_log "round $round: read() on the old events fd: $n (EIO is -5)"
	fi
	holder_read proc-stats-open || break
	[ "${reply#proc-stats-open }" = 0 ] && tt_fail "round $round: /proc/net/tcptrail/stats opens after rmmod"
	holder_read nl-stats || break
	[ "${reply#nl-stats }" = 0 ] && tt_fail "round $round: GET_STATS answered after rmmod"
	tt_log "round $round: GET_STATS on an old socket: ${reply#nl-stats }"
	holder_read nl-mcast || break
	echo quit >&3
	exec 3>&- 4<&-
	wait "$holder_pid"; rc=$?
	holder_pid=
	[ $rc = 0 ] || tt_fail "round $round: holder exited $rc"
	kill "$reader_pid" 2>/dev/null; wait "$reader_pid" 2>/dev/null; reader_pid=

	# Loads again cleanly; the next round starts from here.
	tt_load || { tt_fail "round $round: insmod after rmmod failed"; break; }
	[ "$(tt_stat ring_size)" = 32768 ] || tt_fail "round $round: ring_size $(tt_stat ring_size) after reload"
done

bad=$(tt_dmesg_new | grep -E 'WARNING|BUG|Oops|general protection|KASAN|UBSAN|refcount_t|list_(add|del) corruption|Call Trace')
[ -n "$bad" ] && { tt_fail "kernel complained:"; echo "$bad" | sed 's/^/#   /'; }

trap - EXIT
cleanup
[ $tt_rc = 0 ] && tt_log "$ROUNDS rounds of rmmod under open readers: clean"
exit $tt_rc
