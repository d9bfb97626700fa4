#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tcptrail record as a service, in a fresh network namespace: JSON lines to
# a file rotated at 64 KiB, a Prometheus text file every second. While 300
# connections come and go (each ended by a RST, so no TIME_WAIT expiry
# writes records later), it is sent SIGHUP four times, once after the file
# was moved away (as logrotate does). It runs with the service's privileges:
# CAP_NET_ADMIN alone, no new privileges (setpriv). Then, with the ring
# quiet, SIGTERM:
#  - it exits 0, promptly, and says so;
#  - no record is lost: the JSON lines of all the files are exactly the
#    namespace's records as the ring counts them (`tcptrail stats --json`
#    netns_written), each seq once, no {"missed":...} line;
#  - every line of every file is whole, valid JSON; the files rotated are
#    each under --max-size; the moved file kept what came before SIGHUP;
#  - its text file parses with prometheus_client, and its counters agree:
#    records read = lost 0 + netns_written, connections closed by rst =
#    600, handshakes 300 client + 300 server, lifetimes 600, the module's
#    own counters present. ~20 s.
# Needs root, the module loaded, ip(8), python3-prometheus-client.
cd "$(dirname "$0")" || exit 1
. ./tcptrail_lib.sh

: "${TCPTRAIL_SCRATCH:=/tmp}"
N=300

[ "$(id -u)" = 0 ] || tt_skip "must be root"
tt_need_tool
[ -r "$TT_STATS" ] || tt_skip "tcptrail module not loaded"
command -v ip > /dev/null || tt_skip "ip (iproute2) missing"
$PY -c 'import prometheus_client' 2> /dev/null ||
	tt_skip "python3-prometheus-client missing (tools/testing/deps.sh)"

ns=tt-record-$$
dir=$(mktemp -d "$TCPTRAIL_SCRATCH/record.XXXXXX") || exit $ksft_fail
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2> /dev/null
	ip netns del "$ns" 2> /dev/null
	rm -rf "$dir"
}
trap cleanup EXIT
ip netns add "$ns" || tt_skip "cannot make a network namespace"
in_ns() { ip netns exec "$ns" "$@"; }
in_ns ip link set lo up || exit $ksft_fail
mkdir "$dir/prom" "$dir/logs"

# As tcptrail-record.service runs it, as far as a test can: CAP_NET_ADMIN
# its only capability (bounding set), no new privileges.
confine=()
if command -v setpriv > /dev/null; then
	confine=(setpriv --bounding-set -all,+net_admin --inh-caps -all --no-new-privs)
	tt_log "tcptrail record confined: ${confine[*]}"
fi
# Not through in_ns: $! must be tcptrail's pid (ip netns exec and setpriv exec it).
ip netns exec "$ns" "${confine[@]}" "$TT" record --output "$dir/logs/records.jsonl" --max-size 64K --keep 1000 \
	--prom-textfile "$dir/prom" --interval 1 2> "$dir/stderr" &
pid=$!
sleep 1
kill -0 "$pid" 2> /dev/null || { cat "$dir/stderr"; tt_fail "tcptrail record did not start"; exit $ksft_fail; }

# The connections, in 4 rounds; a SIGHUP after each, the third after the
# file was moved away.
for round in 1 2 3 4; do
	# RSTs, no TIME_WAIT: nothing is written after the test.
	in_ns $PY ./tcptrail_conns.py $((N / 4)) $((N / 4)) || { tt_fail "making the connections"; exit $ksft_fail; }
	[ "$round" = 3 ] && mv "$dir/logs/records.jsonl" "$dir/logs/moved.jsonl"
	kill -HUP "$pid"
	sleep 0.5
	# The reopen comes at once, records or not: FILE is there again.
	[ "$round" = 3 ] && { [ -e "$dir/logs/records.jsonl" ] || tt_fail "no new records.jsonl 0.5 s after SIGHUP"; }
done
grep -q "reopened" "$dir/stderr" || tt_fail "no 'reopened' on stderr after SIGHUP"

written() { in_ns "$TT" stats --json | $PY -c 'import json,sys; print(json.load(sys.stdin)["netns_written"])'; }
lines() { cat "$dir"/logs/* | grep -c '"seq"'; }
# Quiet ring, recorder caught up (its file is flushed after each dump).
for _ in $(seq 60); do
	w=$(written)
	[ "$(lines)" = "$w" ] && break
	sleep 0.5
done
tt_log "ring: $w records of the namespace; files: $(lines) lines in $(ls "$dir/logs" | wc -l) files"

start=$(date +%s%N)
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
pid=
ms=$(( ($(date +%s%N) - start) / 1000000 ))
tt_log "SIGTERM: exit $rc after $ms ms; $(tail -n 1 "$dir/stderr")"
[ "$rc" = 0 ] || tt_fail "tcptrail record exited $rc on SIGTERM"
grep -q "stopped, .* records read, 0 lost" "$dir/stderr" || tt_fail "no 'stopped ... 0 lost' line on stderr"
w=$(written)

$PY - "$dir" "$w" $N 65536 <<'PY' || tt_rc=$ksft_fail
import glob, json, os, sys
from prometheus_client.parser import text_string_to_metric_families

d, written, n, max_size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
ok = True
def fail(msg):
    global ok
    ok = False
    print("# FAIL:", msg)

files = sorted(glob.glob(d + "/logs/*"))
seqs, missed = [], 0
for f in files:
    data = open(f, "rb").read()
    if data and not data.endswith(b"\n"):
        fail(f"{f} ends inside a line")
    if os.path.basename(f) != "moved.jsonl" and len(data) > max_size:
        fail(f"{f} is {len(data)} bytes, over --max-size")
    for line in data.splitlines():
        try:
            o = json.loads(line)
        except ValueError:
            fail(f"{f}: not JSON: {line[:80]!r}")
            continue
        if "missed" in o:
            missed += o["missed"]
        else:
            seqs.append(o["seq"])
rotated = [f for f in files if ".jsonl." in f]
print(f"# {len(files)} files ({len(rotated)} rotated), {len(seqs)} records, ring says {written}")
if len(rotated) < 3:
    fail(f"only {len(rotated)} rotated files for ~{written * 250 // 1024} KiB at 64 KiB each")
if not os.path.getsize(d + "/logs/moved.jsonl"):
    fail("the file moved away before SIGHUP is empty")
if missed:
    fail(f"{missed} records missed")
if len(seqs) != written:
    fail(f"{len(seqs)} records in the files, the ring wrote {written} for the namespace")
if len(set(seqs)) != len(seqs):
    fail(f"{len(seqs) - len(set(seqs))} records written twice")

text = open(d + "/prom/tcptrail.prom").read()
samples = {}
for fam in text_string_to_metric_families(text):
    for s in fam.samples:
        samples[(s.name, tuple(sorted(s.labels.items())))] = s.value
def get(name, **labels):
    return samples.get((name, tuple(sorted(labels.items()))))
checks = [
    (get("tcptrail_record_records_total"), written),
    (get("tcptrail_record_missed_records_total"), 0),
    (get("tcptrail_record_write_errors_total"), 0),
    (get("tcptrail_connections_closed_total", end="rst"), 2 * n),
    (get("tcptrail_connections_closed_total", end="fin"), 0),
    (get("tcptrail_handshake_duration_seconds_count", role="client"), n),
    (get("tcptrail_handshake_duration_seconds_count", role="server"), n),
    (get("tcptrail_handshake_duration_seconds_bucket", role="client", le="+Inf"), n),
    (get("tcptrail_connection_lifetime_seconds_count"), 2 * n),
    (get("tcptrail_time_wait_sockets"), 0),
    (get("tcptrail_netns_records_written_total"), written),
]
names = ["records", "missed", "write errors", "closed rst", "closed fin",
         "client handshakes", "server handshakes", "client +Inf bucket",
         "lifetimes", "time_wait now", "module netns_written"]
for name, (got, want) in zip(names, checks):
    if got != want:
        fail(f"metric {name}: {got}, expected {want}")
if (get("tcptrail_record_rotations_total") or 0) < len(rotated):
    fail(f"rotations_total {get('tcptrail_record_rotations_total')} < {len(rotated)} rotated files")
if get("tcptrail_records_overwritten_total") is None:
    fail("the module's counters are missing from the text file")
print("# metrics: " + ", ".join(f"{n}={g}" for n, (g, _) in zip(names, checks)))
sys.exit(0 if ok else 1)
PY
exit $tt_rc
