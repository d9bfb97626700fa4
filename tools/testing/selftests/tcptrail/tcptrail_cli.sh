#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The tcptrail tool's command line: every bad flag, subcommand or value in
# the table below is refused with exit status 2, a usage message on stderr
# and nothing on stdout (and changes nothing: the ring stays as it was).
# Then, with the module unloaded, `tcptrail events` exits 1 and says how to
# load it; the module is loaded back with its default parameters. ~10 s.
cd "$(dirname "$0")" || exit 1
. ./tcptrail_lib.sh

: "${TCPTRAIL_SCRATCH:=/tmp}"
tt_need_tool

# One invocation per line, split by the shell.
bad_invocations=$(cat <<'TABLE'
bogus
--bogus
-x
events --bogus
events -z
events --port
events --port 65536
events --port abc
events --port -1
events --addr 300.1.1.1
events --addr 10.0.0.0/33
events --addr ::1/129
events --addr nonsense
events --state NOPE
events --since
events --since abc
events --since -5s
events --since 5y
events --last
events --last 0
events --last -3
events --last x
events extra-arg
events --json=yes
timeline --bogus
timeline --port 99999
timeline --state
stats --bogus
stats extra
config bogus
config set
config set ring-size
config set ring-size 0
config set ring-size 63
config set ring-size 4194305
config set ring-size abc
config set family
config set family ipv5
config set ports
config set ports 0
config set ports 70000
config set ports 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17
config set ports a,b
config set whatever
help bogus
TABLE
)

ring_before=$(tt_stat ring_size)
n=0
while IFS= read -r line; do
	[ -n "$line" ] || continue
	n=$((n + 1))
	# shellcheck disable=SC2086
	"$TT" $line > "$TCPTRAIL_SCRATCH/cli.out" 2> "$TCPTRAIL_SCRATCH/cli.err" < /dev/null
	rc=$?
	why=
	[ $rc = 2 ] || why="exit $rc, not 2"
	[ -s "$TCPTRAIL_SCRATCH/cli.out" ] && why="${why:+$why; }output on stdout"
	grep -qi usage "$TCPTRAIL_SCRATCH/cli.err" || why="${why:+$why; }no usage message on stderr"
	if [ -n "$why" ]; then
		tt_fail "tcptrail $line: $why"
		sed 's/^/#   stderr: /' "$TCPTRAIL_SCRATCH/cli.err" | head -n 3
	fi
done <<< "$bad_invocations"
tt_log "$n bad invocations checked"
[ "$(tt_stat ring_size)" = "$ring_before" ] || tt_fail "ring_size changed from $ring_before to $(tt_stat ring_size)"

# No module: say how to load it, exit 1.
if tt_need_ko_ok=$( [ "$(id -u)" = 0 ] && [ -r "${TCPTRAIL_KO:-}" ] && echo 1 ); [ -n "$tt_need_ko_ok" ]; then
	trap tt_restore EXIT
	tt_unload || exit $ksft_fail
	"$TT" events > "$TCPTRAIL_SCRATCH/cli.out" 2> "$TCPTRAIL_SCRATCH/cli.err" < /dev/null
	rc=$?
	[ $rc = 1 ] || tt_fail "tcptrail events without the module: exit $rc, not 1"
	grep -qE 'insmod|modprobe' "$TCPTRAIL_SCRATCH/cli.err" ||
		tt_fail "tcptrail events without the module does not say how to load it: $(head -c 200 "$TCPTRAIL_SCRATCH/cli.err")"
	tt_log "without the module: exit $rc, '$(head -n 1 "$TCPTRAIL_SCRATCH/cli.err")'"
	trap - EXIT
	tt_restore
else
	tt_log "not root or no TCPTRAIL_KO: module-not-loaded case not run"
fi
exit $tt_rc
