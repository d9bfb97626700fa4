#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Optional features: the module loaded with disable=FEATURE for each one in
# turn still records state changes; only what FEATURE feeds is missing, one
# kernel log line names it, and the procfs stats, `tcptrail stats --json`
# and the timeline say so. A bad name is refused with the list of good ones.
# Entry hooks run by ftrace keep kernel.ftrace_enabled on while attached.
# Leaves the module loaded with its default parameters. ~40 s.
cd "$(dirname "$0")" || exit 1
. ./tcptrail_lib.sh

tt_need_tool
command -v unshare >/dev/null || tt_skip "unshare missing"
command -v python3 >/dev/null || tt_skip "python3 missing"
tt_need_ko
trap tt_restore EXIT

# In a new netns: a connection the client closes first (its socket goes to
# TIME_WAIT), a refused connect (RST received), a server closing with unread
# data (RST sent and received), then ss -K on the TIME_WAIT socket. Prints this netns's events file, then its timeline.
traffic() {
	unshare -n bash -c '
	ip link set lo up
	python3 - <<"PY" || exit 1
import socket, subprocess, time
srv = socket.socket()
srv.bind(("127.0.0.1", 7100))
srv.listen()
cli = socket.create_connection(("127.0.0.1", 7100))
conn, _ = srv.accept()
cli.sendall(b"x" * 100)
conn.recv(100)
cli.close()                     # the client closes first
conn.recv(1)                    # its FIN
conn.close()                    # the server FIN: the client enters TIME_WAIT
try:
    socket.create_connection(("127.0.0.1", 7101))
except ConnectionRefusedError:
    pass
srv2 = socket.socket()
srv2.bind(("127.0.0.1", 7102))
srv2.listen()
cli2 = socket.create_connection(("127.0.0.1", 7102))
conn2, _ = srv2.accept()
cli2.sendall(b"y")
time.sleep(0.1)
conn2.close()                   # unread data: the server sends a RST
try:
    cli2.recv(1)
except ConnectionResetError:
    pass
cli2.close()
time.sleep(0.3)
tw = ["ss", "-Htn", "state", "time-wait", "dport", "= :7100"]
subprocess.run(["ss", "-K"] + tw[1:], stdout=subprocess.DEVNULL,
               stderr=subprocess.DEVNULL)
time.sleep(0.3)
# On some kernels tcp_abort() (SOCK_DESTROY) leaves timewait sockets alone.
left = subprocess.run(tw, capture_output=True, text=True).stdout.strip()
print("== ss -K ended TIME_WAIT:", "no" if left else "yes")
PY
	cat /proc/net/tcptrail/events
	echo "== timeline"
	"$0" timeline --port 7100' "$TT"
}

# The records whose EVENT column matches $2.
events_of() { awk -v want="$2" '$16 ~ want' <<< "$1"; }

check_feature() {  # FEATURE
	local f=$1 out stats json
	tt_dmesg_mark
	if ! tt_load disable="$f"; then
		tt_fail "disable=$f refused"
		return
	fi
	tt_dmesg_new | grep -q "feature $f is off" ||
		tt_fail "disable=$f: no kernel log line naming the feature"
	grep -q "^feature $f off disabled by the module parameter" "$TT_STATS" ||
		tt_fail "disable=$f: procfs stats do not list $f as off"
	json=$("$TT" stats --json)
	python3 -c '
import json, sys
f = json.loads(sys.argv[1])["features"][sys.argv[2]]
sys.exit(0 if f["on"] is False and "disable=" in f["why"] else 1)' "$json" "$f" ||
		tt_fail "disable=$f: tcptrail stats --json does not list $f as off"

	out=$(traffic) || { tt_fail "disable=$f: the traffic failed"; tt_unload; return; }
	# The state records keep flowing, whatever is off.
	[ "$(events_of "$out" '^state$' | wc -l)" -ge 8 ] ||
		tt_fail "disable=$f: state records missing:"$'\n'"$out"
	case $f in
	timewait)
		events_of "$out" '^timewait' | grep -q . &&
			tt_fail "disable=timewait: timewait records written"
		grep -q 'TIME_WAIT not tracked on this kernel' <<< "$out" ||
			tt_fail "disable=timewait: the timeline does not say TIME_WAIT is not tracked:"$'\n'"$out"
		for dep in timewait-segment timewait-expiry timewait-abort; do
			grep -q "^feature $dep off needs timewait" "$TT_STATS" ||
				tt_fail "disable=timewait: $dep not off for needing it"
		done ;;
	timewait-abort)
		if [ "$abort_works" = yes ]; then
			events_of "$out" '^timewait-end:' | grep -q 'timewait-end:unknown' ||
				tt_fail "disable=timewait-abort: ss -K's end is not 'unknown':"$'\n'"$(events_of "$out" timewait)"
		fi ;;
	reset-sent)
		events_of "$out" '^rst-sent$' | grep -q . &&
			tt_fail "disable=reset-sent: RST sent records written" ;;
	reset-received)
		events_of "$out" '^rst-received$' | grep -q . &&
			tt_fail "disable=reset-received: RST received records written" ;;
	accept-owner)
		events_of "$out" '^accept$' | grep -q . &&
			tt_fail "disable=accept-owner: accept records written" ;;
	esac
	tt_log "disable=$f: state records flow, $f reported off"
	tt_unload
}

tt_unload || exit $ksft_fail

# All on by default on this kernel, and what they record is there.
tt_load || { tt_fail "insmod failed"; exit $ksft_fail; }
features=$(awk '$1 == "feature" { print $2 }' "$TT_STATS")
[ -n "$features" ] || { tt_fail "procfs stats list no features"; exit $ksft_fail; }
off=$(awk '$1 == "feature" && $3 == "off"' "$TT_STATS")
[ -z "$off" ] && tt_log "all features on: $(echo $features)" ||
	tt_log "off on this kernel: $off"
out=$(traffic) || tt_fail "the traffic failed"
abort_works=$(sed -n 's/^== ss -K ended TIME_WAIT: //p' <<< "$out")
ends='^timewait-end:aborted$'
[ "$abort_works" = yes ] || {
	ends=
	tt_log "ss -K cannot end TIME_WAIT sockets on this kernel (its tcp_abort() leaves timewait sockets alone): aborted ends not checked"
}
for e in '^accept$' '^rst-sent$' '^rst-received$' '^timewait$' $ends; do
	events_of "$out" "$e" | grep -q . || grep -q "^feature" <<< "$off" ||
		tt_fail "default load: no $e record:"$'\n'"$out"
done
tt_unload

for f in $features; do
	check_feature "$f"
done

# Entry hooks that ftrace runs keep ftrace on: kernel.ftrace_enabled=0 would
# stop them without a word, so it is refused while they are attached, and
# while it is 0 they cannot attach: their features are off, and say why.
tracing=/sys/kernel/tracing
[ -d $tracing/events ] || tracing=/sys/kernel/debug/tracing
tt_load || tt_fail "insmod failed"
hooked=$(grep '^tcp_time_wait\b' $tracing/enabled_functions 2>/dev/null)
tt_log "tcp_time_wait in enabled_functions: ${hooked:-none}"
if [ -w /proc/sys/kernel/ftrace_enabled ] && grep -q 'entry_ftrace' <<< "$hooked"; then
	ftrace_on() { (echo 1 > /proc/sys/kernel/ftrace_enabled) 2>/dev/null; }
	trap 'ftrace_on; tt_restore' EXIT
	if ! why=$( (echo 0 > /proc/sys/kernel/ftrace_enabled) 2>&1); then
		case $why in
		*busy*) tt_log "kernel.ftrace_enabled=0 refused while the entry hooks are attached" ;;
		*) tt_log "kernel.ftrace_enabled=0 refused anyway on this kernel ($why)" ;;
		esac
	else
		tt_fail "kernel.ftrace_enabled=0 accepted while the entry hooks are attached"
	fi
	tt_unload
	if ! why=$( (echo 0 > /proc/sys/kernel/ftrace_enabled) 2>&1); then
		tt_log "this kernel does not turn ftrace off ($why): loading with it off not checked"
	elif tt_load; then
		grep -q '^feature timewait off .*while ftrace is off' "$TT_STATS" ||
			tt_fail "ftrace disabled: timewait not off with its reason:"$'\n'"$(grep '^feature' "$TT_STATS")"
		out=$(traffic) || tt_fail "ftrace disabled: the traffic failed"
		[ "$(events_of "$out" '^state$' | wc -l)" -ge 8 ] ||
			tt_fail "ftrace disabled: state records missing:"$'\n'"$out"
		tt_log "ftrace disabled: the entry hooks' features are off, state records flow"
		tt_unload
	else
		tt_fail "ftrace disabled: insmod failed"
	fi
	ftrace_on
	trap tt_restore EXIT
else
	tt_log "entry hooks are kprobes on this kernel: kernel.ftrace_enabled not checked"
	tt_unload
fi

tt_dmesg_mark
if tt_load disable=timewait,bogus 2>/dev/null; then
	tt_fail "disable=bogus accepted"
	tt_unload
else
	tt_dmesg_new | grep -q "no feature 'bogus'; give a comma-separated list of: .*timewait" ||
		tt_fail "disable=bogus refused without naming the features"
fi

tt_restore
trap - EXIT
exit $tt_rc
