#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tcptrail record --journal, in a fresh network namespace: 20 connections
# (15 ended by a RST, 5 closed in order, into TIME_WAIT), then SIGTERM;
# `journalctl -o json` reads back one entry per record of the namespace
# (as many as `tcptrail stats --json` says the ring wrote), each with
# SYSLOG_IDENTIFIER=tcptrail, its JSON line as MESSAGE, and the structured
# fields TCPTRAIL_SEQ (= the line's seq), TCPTRAIL_CONN, TCPTRAIL_KIND,
# TCPTRAIL_STATE, TCPTRAIL_OLD_STATE, TCPTRAIL_SADDR, ...; the states seen
# include SYN_SENT, ESTABLISHED, TIME_WAIT and CLOSE. Where no journald runs
# (the test VM: no systemd as PID 1) one is started for the test. ~10 s.
# Needs root, the module loaded, ip(8), systemd's journald and journalctl,
# a tcptrail built with libsystemd.
cd "$(dirname "$0")" || exit 1
. ./tcptrail_lib.sh

: "${TCPTRAIL_SCRATCH:=/tmp}"
JOURNALD=/lib/systemd/systemd-journald

[ "$(id -u)" = 0 ] || tt_skip "must be root"
tt_need_tool
[ -r "$TT_STATS" ] || tt_skip "tcptrail module not loaded"
command -v ip > /dev/null || tt_skip "ip (iproute2) missing"
command -v journalctl > /dev/null || tt_skip "journalctl missing (systemd)"
ldd "$TT" | grep -q libsystemd ||
	tt_skip "$TT was built without libsystemd (install libsystemd-dev, make -C user)"

ns=tt-journal-$$
dir=$(mktemp -d "$TCPTRAIL_SCRATCH/journal.XXXXXX") || exit $ksft_fail
pid= jpid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2> /dev/null
	[ -n "$jpid" ] && kill "$jpid" 2> /dev/null && wait "$jpid" 2> /dev/null
	ip netns del "$ns" 2> /dev/null
	rm -rf "$dir"
}
trap cleanup EXIT

if [ ! -S /run/systemd/journal/socket ]; then
	[ -x "$JOURNALD" ] || tt_skip "no journald running and no $JOURNALD"
	mkdir -p /run/systemd/journal
	"$JOURNALD" > "$dir/journald.log" 2>&1 &
	jpid=$!
	for _ in $(seq 50); do [ -S /run/systemd/journal/socket ] && break; sleep 0.1; done
	[ -S /run/systemd/journal/socket ] || { cat "$dir/journald.log"; tt_skip "journald did not start"; }
	tt_log "started $JOURNALD (pid $jpid) for the test"
fi

ip netns add "$ns" || tt_skip "cannot make a network namespace"
in_ns() { ip netns exec "$ns" "$@"; }
in_ns ip link set lo up || exit $ksft_fail

ip netns exec "$ns" "$TT" record --journal 2> "$dir/stderr" &
pid=$!
sleep 1
kill -0 "$pid" 2> /dev/null || { cat "$dir/stderr"; tt_fail "tcptrail record --journal did not start"; exit $ksft_fail; }

in_ns $PY ./tcptrail_conns.py 20 15 || { tt_fail "making the connections"; exit $ksft_fail; }

written() { in_ns "$TT" stats --json | $PY -c 'import json,sys; print(json.load(sys.stdin)["netns_written"])'; }
entries() { journalctl _PID="$pid" -o json --no-pager 2> /dev/null | grep -c TCPTRAIL_SEQ; }
for _ in $(seq 60); do
	w=$(written)
	[ "$(entries)" = "$w" ] && break
	sleep 0.5
done
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
[ "$rc" = 0 ] || tt_fail "tcptrail record --journal exited $rc on SIGTERM"
w=$(written)
journalctl _PID="$pid" -o json --no-pager > "$dir/journal.json"
tt_pid=$pid
pid=

$PY - "$dir/journal.json" "$w" <<'PY' || tt_rc=$ksft_fail
import json, sys
path, written = sys.argv[1], int(sys.argv[2])
ok = True
def fail(msg):
    global ok
    ok = False
    print("# FAIL:", msg)
entries = [json.loads(l) for l in open(path) if l.strip()]
records = [e for e in entries if "TCPTRAIL_SEQ" in e]
print(f"# journal: {len(records)} tcptrail entries, ring wrote {written}")
if len(records) != written:
    fail(f"{len(records)} journal entries, {written} records in the ring")
need = ["TCPTRAIL_SEQ", "TCPTRAIL_CONN", "TCPTRAIL_KIND", "TCPTRAIL_STATE",
        "TCPTRAIL_OLD_STATE", "TCPTRAIL_FAMILY", "TCPTRAIL_NETNS", "TCPTRAIL_TS_NS"]
states = set()
for e in records:
    missing = [f for f in need if f not in e]
    if missing:
        fail(f"entry without {missing}: {e.get('MESSAGE', '')[:80]}")
        break
    if e.get("SYSLOG_IDENTIFIER") != "tcptrail":
        fail(f"SYSLOG_IDENTIFIER {e.get('SYSLOG_IDENTIFIER')!r}")
        break
    line = json.loads(e["MESSAGE"])
    if str(line["seq"]) != e["TCPTRAIL_SEQ"] or line["new"] != e["TCPTRAIL_STATE"] \
       or str(line["conn"]) != e["TCPTRAIL_CONN"]:
        fail(f"fields disagree with the line: {e['MESSAGE'][:120]}")
        break
    if line.get("cgroup_id") and e.get("TCPTRAIL_CGROUP_ID") != str(line["cgroup_id"]):
        fail(f"TCPTRAIL_CGROUP_ID {e.get('TCPTRAIL_CGROUP_ID')!r}, the line's cgroup_id {line['cgroup_id']}")
        break
    if e["TCPTRAIL_KIND"] == "state" and e.get("TCPTRAIL_SADDR") != "127.0.0.1":
        fail(f"TCPTRAIL_SADDR {e.get('TCPTRAIL_SADDR')!r} in a state record")
        break
    states.add(e["TCPTRAIL_STATE"])
for s in ("SYN_SENT", "ESTABLISHED", "TIME_WAIT", "CLOSE"):
    if s not in states:
        fail(f"no TCPTRAIL_STATE={s} entry (saw {sorted(states)})")
if records:
    print("# e.g. " + " ".join(f"{k}={v}" for k, v in sorted(records[0].items()) if k.startswith("TCPTRAIL_")))
sys.exit(0 if ok else 1)
PY
exit $tt_rc
