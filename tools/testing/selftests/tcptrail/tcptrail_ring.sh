#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Ring wrap-around: reload tcptrail with ring_size=64, run tcptrail_ring_test
# (exact overwritten counts, a reader falling behind, MISSED of a netlink
# dump resumed after the wrap), then restore the
# module with its default parameters.
cd "$(dirname "$0")" || exit 1
. ./tcptrail_lib.sh

tt_need_ko
[ -x ./tcptrail_ring_test ] || tt_skip "tcptrail_ring_test not built"

trap tt_restore EXIT
tt_unload || exit $ksft_fail
if ! tt_load ring_size=64; then
	tt_fail "insmod ring_size=64 failed"
	exit $ksft_fail
fi
[ "$(tt_stat ring_size)" = 64 ] || tt_fail "ring_size is $(tt_stat ring_size), not 64"
[ "$(tt_stat written)" = 0 ] || tt_log "note: $(tt_stat written) records written since load"

./tcptrail_ring_test
rc=$?
[ $rc -ne 0 ] && tt_rc=$rc
tt_restore
trap - EXIT
exit $tt_rc
