#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tcptrail record --prom-textfile as node_exporter serves it: in a fresh
# network namespace, tcptrail record (--metrics-ports 18080) writes its
# text file every second while 10 connections to port 18080 come and go
# (5 ended by a RST, 5 in order); Debian's prometheus-node-exporter, with
# only its textfile collector on that directory, is scraped over loopback
# and /metrics parsed with prometheus_client's parser:
#  - no textfile scrape error, tcptrail.prom's mtime served;
#  - the histograms are histograms (_bucket with le, ending in +Inf equal
#    to _count), handshakes 10 client + 10 server on port="18080", none on
#    port="other";
#  - connections closed by end: 5 + 5 rst, 5 + 5 fin (the client's and the
#    server's); the 5 TIME_WAIT sockets ended by ss -K: TIME_WAIT now 0,
#    5 ended by reason "aborted", 5 TIME_WAIT durations (where ss -K
#    cannot end them: 5 now, none ended);
#  - the recorder read every record of the namespace (netns_written), lost
#    none. ~10 s.
# Needs root, the module loaded, ip(8), prometheus-node-exporter and
# python3-prometheus-client.
cd "$(dirname "$0")" || exit 1
. ./tcptrail_lib.sh

: "${TCPTRAIL_SCRATCH:=/tmp}"
NODE_EXPORTER=/usr/bin/prometheus-node-exporter
PORT=18080
LISTEN=127.0.0.1:19100

[ "$(id -u)" = 0 ] || tt_skip "must be root"
tt_need_tool
[ -r "$TT_STATS" ] || tt_skip "tcptrail module not loaded"
command -v ip > /dev/null || tt_skip "ip (iproute2) missing"
[ -x "$NODE_EXPORTER" ] || tt_skip "$NODE_EXPORTER missing (prometheus-node-exporter, tools/testing/deps.sh)"
$PY -c 'import prometheus_client' 2> /dev/null ||
	tt_skip "python3-prometheus-client missing (tools/testing/deps.sh)"

ns=tt-nodeexp-$$
# node_exporter and its scrapes in a namespace of their own: their
# connections are not the recorder's to count.
scrape_ns=tt-nodeexp-scrape-$$
dir=$(mktemp -d "$TCPTRAIL_SCRATCH/nodeexp.XXXXXX") || exit $ksft_fail
pid= npid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2> /dev/null
	[ -n "$npid" ] && kill "$npid" 2> /dev/null
	ip netns del "$ns" 2> /dev/null
	ip netns del "$scrape_ns" 2> /dev/null
	rm -rf "$dir"
}
trap cleanup EXIT
ip netns add "$ns" || tt_skip "cannot make a network namespace"
in_ns() { ip netns exec "$ns" "$@"; }
in_ns ip link set lo up || exit $ksft_fail
ip netns add "$scrape_ns" || tt_skip "cannot make a network namespace"
ip netns exec "$scrape_ns" ip link set lo up || exit $ksft_fail
mkdir "$dir/prom"

ip netns exec "$ns" "$TT" record --prom-textfile "$dir/prom" --interval 1 \
	--metrics-ports $PORT 2> "$dir/stderr" &
pid=$!
ip netns exec "$scrape_ns" "$NODE_EXPORTER" --web.listen-address=$LISTEN \
	--collector.disable-defaults --collector.textfile \
	--collector.textfile.directory="$dir/prom" > "$dir/node_exporter.log" 2>&1 &
npid=$!
sleep 1
kill -0 "$pid" 2> /dev/null || { cat "$dir/stderr"; tt_fail "tcptrail record did not start"; exit $ksft_fail; }
kill -0 "$npid" 2> /dev/null || { cat "$dir/node_exporter.log"; tt_fail "node_exporter did not start"; exit $ksft_fail; }

in_ns $PY ./tcptrail_conns.py 10 5 "$PORT" || { tt_fail "making the connections"; exit $ksft_fail; }

# The 5 TIME_WAIT sockets ended by ss -K (where the kernel lets it: 5.10
# does not), so that the TIME_WAIT histogram and end reasons count them.
tw_killed=0
if in_ns ss -K state time-wait > /dev/null 2>&1 &&
	[ "$(in_ns ss -Htn state time-wait | wc -l)" = 0 ]; then
	tw_killed=5
	tt_log "ss -K ended the 5 TIME_WAIT sockets"
else
	tt_log "ss -K cannot end TIME_WAIT sockets here: they stay"
fi

written() { in_ns "$TT" stats --json | $PY -c 'import json,sys; print(json.load(sys.stdin)["netns_written"])'; }
read_total() { sed -n 's/^tcptrail_record_records_total \([0-9]*\)$/\1/p' "$dir/prom/tcptrail.prom" 2> /dev/null; }
for _ in $(seq 60); do
	w=$(written)
	[ "$(read_total)" = "$w" ] && break
	sleep 0.5
done

ip netns exec "$scrape_ns" $PY - "http://$LISTEN/metrics" "$w" $PORT $tw_killed <<'PY' || tt_rc=$ksft_fail
import sys, urllib.request
from prometheus_client.parser import text_string_to_metric_families

url, written, port, tw_killed = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
text = urllib.request.urlopen(url, timeout=10).read().decode()
ok = True
def fail(msg):
    global ok
    ok = False
    print("# FAIL:", msg)
fams = {f.name: f for f in text_string_to_metric_families(text)}
def get(name, **labels):
    for f in fams.values():
        for s in f.samples:
            if s.name == name and s.labels == labels:
                return s.value
    return None

print(f"# scraped {len(text)} bytes, {sum(1 for n in fams if n.startswith('tcptrail_'))} tcptrail families")
if get("node_textfile_scrape_error") != 0:
    fail(f"node_textfile_scrape_error {get('node_textfile_scrape_error')}")
if not any(s.labels.get("file", "").endswith("tcptrail.prom")
           for s in fams.get("node_textfile_mtime_seconds", type("", (), {"samples": []})).samples):
    fail("no node_textfile_mtime_seconds for tcptrail.prom")
for h in ("tcptrail_handshake_duration_seconds", "tcptrail_connection_lifetime_seconds",
          "tcptrail_time_wait_duration_seconds"):
    f = fams.get(h)
    if not f or f.type != "histogram":
        fail(f"{h}: not a histogram ({f.type if f else 'missing'})")
        continue
    for s in f.samples:
        if s.name == h + "_bucket" and s.labels["le"] == "+Inf":
            rest = {k: v for k, v in s.labels.items() if k != "le"}
            if s.value != get(h + "_count", **rest):
                fail(f"{h}{rest}: +Inf bucket {s.value} != _count")
checks = [
    ("client handshakes", get("tcptrail_handshake_duration_seconds_count", role="client", port=port), 10),
    ("server handshakes", get("tcptrail_handshake_duration_seconds_count", role="server", port=port), 10),
    ("other-port handshakes", get("tcptrail_handshake_duration_seconds_count", role="client", port="other"), 0),
    ("closed rst", get("tcptrail_connections_closed_total", end="rst", port=port), 10),
    ("closed fin", get("tcptrail_connections_closed_total", end="fin", port=port), 10),
    ("time_wait now", get("tcptrail_time_wait_sockets", port=port), 5 - tw_killed),
    ("time_wait ended aborted", get("tcptrail_time_wait_ended_total", reason="aborted", port=port), tw_killed or None),
    ("time_wait durations", get("tcptrail_time_wait_duration_seconds_count", port=port), tw_killed),
    ("records read", get("tcptrail_record_records_total"), written),
    ("records lost", get("tcptrail_record_missed_records_total"), 0),
]
for name, got, want in checks:
    if got != want:
        fail(f"{name}: {got}, expected {want}")
print("# " + ", ".join(f"{n}={g}" for n, g, _ in checks))
sys.exit(0 if ok else 1)
PY
exit $tt_rc
