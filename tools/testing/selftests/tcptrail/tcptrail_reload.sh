#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# insmod/rmmod tcptrail 20 times while loopback connections churn and a
# reader keeps reading the events file. Then: no warning in dmesg, module
# gone, no /proc/net/tcptrail, no vmalloc area left by the module.
# Leaves the module loaded with its default parameters.
cd "$(dirname "$0")" || exit 1
. ./tcptrail_lib.sh

ROUNDS=20
tt_need_ko
[ -x ./tcptrail_churn ] || tt_skip "tcptrail_churn not built"

# vmalloc areas whose caller is not a symbol: a leaked area of an unloaded
# module shows up as a bare address.
orphan_vmallocs() {
	awk '$3 ~ /^0x[0-9a-f]+$/ { n++ }
	     END { print n + 0 }' /proc/vmallocinfo
}

churn_pid=
reader_pid=
cleanup() {
	[ -n "$churn_pid" ] && kill "$churn_pid" 2>/dev/null
	[ -n "$reader_pid" ] && kill "$reader_pid" 2>/dev/null
	wait 2>/dev/null
	tt_restore
}
trap cleanup EXIT

tt_unload || exit $ksft_fail
orphans_before=$(orphan_vmallocs)
tt_dmesg_mark

# Both run until killed below (bounded at 120 s in case we die first).
./tcptrail_churn -t 120 -d 2 >/dev/null &
churn_pid=$!
(
	end=$(($(date +%s) + 120))
	while [ "$(date +%s)" -lt "$end" ]; do
		cat /proc/net/tcptrail/events >/dev/null 2>&1
		cat /proc/net/tcptrail/stats >/dev/null 2>&1
		sleep 0.1
	done
) &
reader_pid=$!

i=0
while [ $i -lt $ROUNDS ]; do
	i=$((i + 1))
	if ! tt_load; then
		tt_fail "round $i: insmod failed"
		break
	fi
	w=$(tt_stat written)
	if [ $i = 1 ] && [ -n "$(grep tcptrail /proc/vmallocinfo)" ]; then
		tt_log "module's vmalloc areas: $(grep -c tcptrail /proc/vmallocinfo)"
	fi
	if ! rmmod tcptrail; then
		tt_fail "round $i: rmmod failed"
		break
	fi
	tt_log "round $i: ok (${w:-?} records written while loaded)"
done

kill "$churn_pid" 2>/dev/null
kill "$reader_pid" 2>/dev/null
wait "$churn_pid" 2>/dev/null
churn_rc=$?
wait "$reader_pid" 2>/dev/null
churn_pid=
reader_pid=
# 143: killed by our SIGTERM while still churning, the expected case.
[ $churn_rc = 0 ] || [ $churn_rc = 143 ] || tt_fail "churn failed (exit $churn_rc)"

tt_loaded && tt_fail "tcptrail still in /proc/modules"
[ -e /proc/net/tcptrail ] && tt_fail "/proc/net/tcptrail left after rmmod"
if command -v unshare >/dev/null; then
	unshare -n sh -c '[ ! -e /proc/net/tcptrail ]' ||
		tt_fail "/proc/net/tcptrail left in a new netns after rmmod"
fi
grep -q tcptrail /proc/vmallocinfo && tt_fail "vmalloc areas of tcptrail left: $(grep tcptrail /proc/vmallocinfo)"
orphans_after=$(orphan_vmallocs)
[ "$orphans_after" -le "$orphans_before" ] ||
	tt_fail "vmalloc areas with no owner: $orphans_before before, $orphans_after after"

bad=$(tt_dmesg_new | grep -E 'WARNING|BUG|Oops|general protection|KASAN|UBSAN|refcount_t|list_(add|del) corruption|kmemleak|Call Trace|tcptrail.*(leak|busy)')
if [ -n "$bad" ]; then
	tt_fail "kernel complained during the reloads:"
	echo "$bad" | sed 's/^/#   /'
fi

tt_restore
trap - EXIT
[ $tt_rc = 0 ] && tt_log "$ROUNDS reloads under load: clean"
exit $tt_rc
