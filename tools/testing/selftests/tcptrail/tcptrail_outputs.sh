#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The tool's picture and metrics: in a fresh network namespace, a
# connection the client closes first, a refused connect and a reset (plus
# their listener); then
#  - `tcptrail timeline --svg` is valid XML with exactly one lane per
#    connection, each with its states, and escapes a hostile process name;
#    `--svg -` and the filters (--port, --last) pick the lanes;
#  - `tcptrail stats --prom` parses with prometheus_client and counts
#    what happened (exactly, since the namespace is fresh). ~5 s.
# Needs root, the module loaded, ip(8), python3 and python3-prometheus-client.
cd "$(dirname "$0")" || exit 1
. ./tcptrail_lib.sh

: "${TCPTRAIL_SCRATCH:=/tmp}"

[ "$(id -u)" = 0 ] || tt_skip "must be root"
tt_need_tool
[ -r "$TT_STATS" ] || tt_skip "tcptrail module not loaded"
command -v ip > /dev/null || tt_skip "ip (iproute2) missing"
$PY -c 'import prometheus_client' 2> /dev/null ||
	tt_skip "python3-prometheus-client missing (tools/testing/deps.sh)"

ns=tt-outputs-$$
dir=$(mktemp -d "$TCPTRAIL_SCRATCH/outputs.XXXXXX") || exit $ksft_fail
cleanup() { ip netns del "$ns" 2> /dev/null; rm -rf "$dir"; }
trap cleanup EXIT
ip netns add "$ns" || tt_skip "cannot make a network namespace"
in_ns() { ip netns exec "$ns" "$@"; }
in_ns ip link set lo up || exit $ksft_fail

# The connections; their ports go to $dir/ports.
in_ns $PY - "$dir/ports" <<'PY' || { tt_fail "making the connections"; exit $ksft_fail; }
import ctypes, socket, struct, sys, time

# A process name the picture must escape (the owner of the clients).
ctypes.CDLL(None).prctl(15, b'tt<o&"t>', 0, 0, 0)

listener = socket.create_server(("127.0.0.1", 0))
port = listener.getsockname()[1]

# The client closes first: FIN_WAIT1, FIN_WAIT2, TIME_WAIT; the server
# side CLOSE_WAIT, LAST_ACK.
client = socket.create_connection(("127.0.0.1", port))
server, _ = listener.accept()
client.sendall(b"x" * 1000)
server.recv(1000)
client.close()
assert server.recv(10) == b""
server.close()
time.sleep(0.1)

# Refused: nobody listens on the port a socket was bound to (a bound
# socket changes no state: it is no connection).
probe = socket.socket()
probe.bind(("127.0.0.1", 0))
refused_port = probe.getsockname()[1]
probe.close()
try:
    socket.create_connection(("127.0.0.1", refused_port))
    sys.exit("connect to a closed port succeeded")
except ConnectionRefusedError:
    pass

# Reset: SO_LINGER 0 closes with a RST.
client = socket.create_connection(("127.0.0.1", port))
server, _ = listener.accept()
client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
client.close()
try:
    server.recv(10)
except ConnectionResetError:
    pass
server.close()
listener.close()
time.sleep(0.1)
open(sys.argv[1], "w").write("%d %d\n" % (port, refused_port))
PY
read -r port refused_port < "$dir/ports"
tt_log "listener port $port, refused port $refused_port"

in_ns "$TT" timeline --svg "$dir/all.svg" || tt_fail "timeline --svg exited $?"
in_ns "$TT" timeline --svg - --port "$refused_port" > "$dir/refused.svg" ||
	tt_fail "timeline --svg - --port exited $?"
in_ns "$TT" timeline --svg - --last 2 > "$dir/last2.svg" ||
	tt_fail "timeline --svg - --last 2 exited $?"
in_ns "$TT" timeline --json > "$dir/timeline.json" ||
	tt_fail "timeline --json exited $?"
in_ns "$TT" stats --prom > "$dir/stats.prom" || tt_fail "stats --prom exited $?"

$PY - "$dir" "$port" "$refused_port" <<'PY' || tt_rc=$ksft_fail
import json, os, sys
import xml.etree.ElementTree as ET
from prometheus_client.parser import text_string_to_metric_families

d, port, refused_port = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
SVG = "{http://www.w3.org/2000/svg}"
failed = False

def fail(msg):
    global failed
    failed = True
    print("# FAIL: " + msg)

def lanes_of(name):
    try:
        root = ET.parse(os.path.join(d, name)).getroot()
    except ET.ParseError as e:
        fail("%s is not valid XML: %s" % (name, e))
        return []
    if root.tag != SVG + "svg":
        fail("%s: root element %s, not svg" % (name, root.tag))
    return [g for g in root.iter(SVG + "g")
            if "lane" in g.get("class", "").split()]

def port_of(endpoint):
    return int(endpoint.rsplit(":", 1)[1])

# Every connection the timeline knows, one lane each.
conns = [json.loads(l) for l in open(os.path.join(d, "timeline.json"))
         if '"conn"' in l]
lanes = lanes_of("all.svg")
print("# all.svg: %d lanes, timeline --json: %d connections"
      % (len(lanes), len(conns)))
if len(lanes) != len(conns) or len(lanes) != 6:
    fail("%d lanes for %d connections (expected 6: listener, 2 clients and "
         "2 servers on port %d, 1 refused)" % (len(lanes), len(conns), port))

# Which lane is which: role, remote port, end.
expected = {
    "client closing first": ("client", port, "fin",
        ["SYN_SENT", "ESTABLISHED", "FIN_WAIT1", "TIME_WAIT"]),
    "its server": ("server", None, "fin",
        ["SYN_RECV", "ESTABLISHED", "CLOSE_WAIT", "LAST_ACK", "CLOSE"]),
    "refused client": ("client", refused_port, "refused",
        ["SYN_SENT", "CLOSE"]),
    "reset client": ("client", port, "rst",
        ["SYN_SENT", "ESTABLISHED", "CLOSE"]),
    "reset server": ("server", None, "rst",
        ["SYN_RECV", "ESTABLISHED", "CLOSE"]),
    "listener": ("listener", None, "fin", ["LISTEN", "CLOSE"]),
}
for what, (role, rport, end, states) in expected.items():
    found = [g for g in lanes if g.get("data-role") == role and
             g.get("data-end") == end and
             (rport is None or port_of(g.get("data-remote")) == rport)]
    if len(found) != 1:
        fail("%s: %d lanes with role %s, end %s" % (what, len(found),
                                                     role, end))
        continue
    g = found[0]
    listed = g.get("data-states").split()
    drawn = set()
    for el in g.iter():
        cls = el.get("class", "").split()
        drawn.update(c[2:] for c in cls if c.startswith("s-"))
        if "cap" in cls:
            drawn.add(el.get("data-state"))
    for s in states:
        if s not in listed:
            fail("%s: state %s not in data-states '%s'"
                 % (what, s, " ".join(listed)))
        if s not in drawn:
            fail("%s: no segment or mark for %s (drawn: %s)"
                 % (what, s, " ".join(sorted(drawn))))
    print("# %s: %s" % (what, " ".join(listed)))

# The hostile process name, escaped and back.
texts = "".join(ET.parse(os.path.join(d, "all.svg")).getroot().itertext())
if 'tt<o&"t>' not in texts:
    fail("the owner 'tt<o&\"t>' is not in the picture's text")

# Filters and stdout.
n = len(lanes_of("refused.svg"))
if n != 1:
    fail("--svg - --port %d: %d lanes, not 1" % (refused_port, n))
n = len(lanes_of("last2.svg"))
if n != 2:
    fail("--svg - --last 2: %d lanes, not 2" % n)

# The metrics.
text = open(os.path.join(d, "stats.prom")).read()
try:
    families = list(text_string_to_metric_families(text))
except Exception as e:
    fail("stats --prom does not parse: %r" % e)
    families = []
samples = {}
for fam in families:
    if not fam.documentation:
        fail("metric family %s has no HELP" % fam.name)
    for s in fam.samples:
        labels = ",".join('%s="%s"' % kv for kv in sorted(s.labels.items()))
        key = s.name + ("{%s}" % labels if labels else "")
        samples[key] = s.value
print("# stats --prom: %d families, %d samples" % (len(families),
                                                   len(samples)))

def value(key):
    if key not in samples:
        fail("no sample %s" % key)
        return None
    return samples[key]

def at_least(key, n):
    v = value(key)
    if v is not None and v < n:
        fail("%s is %g, expected at least %d" % (key, v, n))

def exactly(key, n):
    v = value(key)
    if v is not None and v != n:
        fail("%s is %g, expected %d" % (key, v, n))

for key in ("tcptrail_records_written_total",
            "tcptrail_records_overwritten_total",
            "tcptrail_records_history_dropped_total",
            "tcptrail_transitions_not_recorded_total",
            "tcptrail_transitions_filtered_total",
            "tcptrail_ring_netns_records"):
    value(key)
at_least("tcptrail_ring_size_records", 64)
at_least("tcptrail_ring_size_bytes", 64 * 112)
at_least("tcptrail_netns_records_written_total", 20)
# A fresh namespace: its per-state counts are exactly ours.
exactly('tcptrail_state_transitions_total{to="SYN_SENT"}', 3)
exactly('tcptrail_state_transitions_total{to="SYN_RECV"}', 2)
exactly('tcptrail_state_transitions_total{to="LISTEN"}', 1)
# What the ring holds: everything of this namespace, unless another one
# made the ring wrap meanwhile.
check = exactly if value("tcptrail_ring_complete") == 1 else at_least
if check is at_least:
    print("# the ring lost records of this namespace: lower bounds only")
check('tcptrail_ring_transitions{from="ESTABLISHED",to="FIN_WAIT1"}', 1)
check('tcptrail_ring_transitions{from="CLOSE",to="SYN_SENT"}', 3)
check('tcptrail_ring_transitions{from="SYN_SENT",to="CLOSE"}', 1)
check('tcptrail_ring_connections_opened{how="connect"}', 3)
check('tcptrail_ring_connections_opened{how="accept"}', 2)
check('tcptrail_ring_connections_closed{end="refused"}', 1)
check('tcptrail_ring_connections_closed{end="rst"}', 2)
check('tcptrail_ring_connections_closed{end="fin"}', 2)
at_least('tcptrail_ring_resets{direction="sent"}', 1)
at_least('tcptrail_ring_resets{direction="received"}', 1)
check("tcptrail_time_wait_connections", 1)
sys.exit(1 if failed else 0)
PY
exit $tt_rc
