# SPDX-License-Identifier: GPL-2.0
# Shared by the tcptrail shell tests. Sourced, not run.

ksft_pass=0
ksft_fail=1
ksft_skip=4

TT_STATS=/proc/net/tcptrail/stats
TT_EVENTS=/proc/net/tcptrail/events
tt_rc=0

# The tool under test, and a python3 with Debian's packages (a pyenv one
# may lack them).
TT=${TCPTRAIL_TOOL:-${TCPTRAIL_ROOT:-$(cd ../../../.. && pwd)}/user/tcptrail}
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3

tt_log() { echo "# $*"; }
tt_fail() { echo "# FAIL: $*"; tt_rc=$ksft_fail; }
tt_skip() { echo "# SKIP: $*"; exit $ksft_skip; }
tt_need_tool() { [ -x "$TT" ] || tt_skip "$TT not built (make -C user)"; }

# Skip unless we can reload the module: root, and $TCPTRAIL_KO present.
tt_need_ko() {
	[ "$(id -u)" = 0 ] || tt_skip "must be root"
	[ -n "$TCPTRAIL_KO" ] && [ -r "$TCPTRAIL_KO" ] ||
		tt_skip "TCPTRAIL_KO (path of tcptrail.ko) not set or unreadable"
	command -v insmod >/dev/null && command -v rmmod >/dev/null ||
		tt_skip "insmod/rmmod missing"
}

tt_loaded() { grep -q '^tcptrail ' /proc/modules; }

tt_unload() {
	if tt_loaded; then
		rmmod tcptrail || { tt_fail "rmmod tcptrail failed"; return 1; }
	fi
	return 0
}

# tt_load [param=value ...]
tt_load() { insmod "$TCPTRAIL_KO" "$@"; }

# Put the module back as the harness loaded it: default parameters.
tt_restore() {
	tt_unload
	tt_load || { tt_fail "could not reload tcptrail with default parameters"; return 1; }
	[ "$(tt_stat ring_size)" = 32768 ] ||
		tt_fail "default ring_size is $(tt_stat ring_size), not 32768"
}

# tt_stat NAME: value of a scalar line of the stats file.
tt_stat() { awk -v k="$1" '$1 == k && NF == 2 { print $2 }' "$TT_STATS"; }

# dmesg lines printed since tt_dmesg_mark.
tt_dmesg_mark() { tt_dmesg_lines=$(dmesg | wc -l); }
tt_dmesg_new() { dmesg | tail -n +"$((tt_dmesg_lines + 1))"; }
