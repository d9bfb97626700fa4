#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The ring_size module parameter: valid values give the documented ring size,
# invalid ones make insmod fail with a message in dmesg. Leaves the module
# loaded with its default parameters.
cd "$(dirname "$0")" || exit 1
. ./tcptrail_lib.sh

tt_need_ko
trap tt_restore EXIT
tt_unload || exit $ksft_fail

# value:expected ring_size. Plain numbers are records, rounded up to a power
# of two. K/M suffixes are a memory budget: bytes / 120 (TCPTRAIL_SLOT_BYTES:
# a 112-byte record and its 8-byte state word), rounded DOWN to a power of
# two: 8K -> 68 -> 64, 64K -> 546 -> 512, 768K -> 6553 -> 4096, 3M -> 26214 -> 16384.
for pair in 64:64 100:128 16384:16384 8K:64 64K:512 768K:4096 3M:16384; do
	val=${pair%%:*}
	want=${pair#*:}
	if ! tt_load ring_size="$val"; then
		tt_fail "ring_size=$val refused"
		continue
	fi
	got=$(tt_stat ring_size)
	if [ "$got" = "$want" ]; then
		tt_log "ring_size=$val -> $got records"
	else
		tt_fail "ring_size=$val -> $got records, expected $want"
	fi
	tt_unload
done

# Too few records (6K is 54 records: below the minimum of 64), too many
# (4194305 > TCPTRAIL_RING_MAX), or not a number.
for val in 0 10 63 -1 abc 1K5 "" 6K 4194305 33554432 18446744073709551616; do
	tt_dmesg_mark
	if tt_load ring_size="$val" 2>/dev/null; then
		tt_fail "ring_size='$val' accepted (ring_size $(tt_stat ring_size))"
		tt_unload
		continue
	fi
	if tt_loaded; then
		tt_fail "ring_size='$val': insmod failed but the module is loaded"
		continue
	fi
	msg=$(tt_dmesg_new | grep -i tcptrail | tail -n 1)
	if [ -n "$msg" ]; then
		tt_log "ring_size='$val' refused: $msg"
	else
		tt_fail "ring_size='$val' refused without a tcptrail message in dmesg"
	fi
	if [ -e /proc/net/tcptrail ]; then
		tt_fail "ring_size='$val': /proc/net/tcptrail left behind"
	fi
done

tt_restore
trap - EXIT
exit $tt_rc
