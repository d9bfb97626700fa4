#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tcptrail ladder and the pairing of a conversation's two ends, from real
# connections, each scenario in a fresh network namespace so that its
# ladders are all the ring holds there:
#  - the ladder of each scenario equals the expected diagram exactly, only
#    times, ports, pids and conn ids masked: the client closes first, the
#    server closes first then the client reuses the 4-tuple while the
#    server is in TIME_WAIT (TIME_WAIT ends "reused"), a simultaneous open
#    and a simultaneous close (netem delay), a refused connect, a reset (SO_LINGER 0), a SYN that
#    times out (netem loss, tcp_syn_retries=1);
#  - --explain puts the notes' sentence under each arrow;
#  - `timeline` names the pair, its JSON has each end's peer, CONN picks a
#    conversation by either end;
#  - two network namespaces joined by a veth pair: seen with --all-netns,
#    the two ends are one conversation;
#  - `ladder --svg` is valid XML with one lane per end and the arrows of
#    the ladder, in order, each with its --explain sentence as a tooltip;
#    a dozen conversations make a dozen panels.
# ~25 s. Needs root, the module loaded, ip(8), tc(8) with netem, python3.
cd "$(dirname "$0")" || exit 1
. ./tcptrail_lib.sh

: "${TCPTRAIL_SCRATCH:=/tmp}"
export LC_ALL=C.UTF-8

[ "$(id -u)" = 0 ] || tt_skip "must be root"
tt_need_tool
[ -r "$TT_STATS" ] || tt_skip "tcptrail module not loaded"
command -v ip > /dev/null || tt_skip "ip (iproute2) missing"
command -v tc > /dev/null || tt_skip "tc (iproute2) missing"

dir=$(mktemp -d "$TCPTRAIL_SCRATCH/ladder.XXXXXX") || exit $ksft_fail
namespaces=()
cleanup() {
	local ns
	for ns in "${namespaces[@]}"; do ip netns del "$ns" 2> /dev/null; done
	rm -rf "$dir"
}
trap cleanup EXIT

# new_ns NAME: a fresh namespace with lo up.
new_ns() {
	ip netns add "$1" || { tt_fail "cannot make network namespace $1"; exit $ksft_fail; }
	namespaces+=("$1")
	ip -n "$1" link set lo up
}

# The scenario's connections, by a python snippet run in namespace $1.
run_py() {
	local ns=$1
	shift
	ip netns exec "$ns" $PY - "$@"
}

# mask < ladder: times, ports, pids and conn ids replaced, runs of blanks
# squeezed, so that a diagram compares exactly from run to run.
mask() {
	$PY -c '
import re, sys
for line in sys.stdin:
    line = re.sub(r"\+?[0-9]+(\.[0-9]+)? ?(ns|µs|us|ms|s)\b", "T", line)
    line = re.sub(r"\+?[0-9]+m[0-9]+s\b", "T", line)
    line = re.sub(r"(^|\s)0(?= │)", r"\1T", line)
    line = re.sub(r"10\.217\.[0-9]+\.", "10.217.X.", line)
    line = re.sub(r":[0-9]+\b", ":P", line)
    line = re.sub(r"\[[0-9]+\]", "[N]", line)
    line = re.sub(r"conn [0-9]+", "conn N", line)
    line = re.sub(r"netns [0-9]+", "netns N", line)
    line = re.sub(r"SYN sent [0-9]+ more time(s)?", "SYN sent K more times", line)
    print(re.sub(r"\s+", " ", line).strip())
'
}

# check_ladder WHAT FILE: the masked ladder in FILE equals stdin.
check_ladder() {
	local what=$1 got=$2
	mask < "$got" > "$got.masked"
	if diff -u - "$got.masked" > "$got.diff"; then
		tt_log "$what: ladder as expected"
	else
		tt_fail "$what: the ladder differs from the expected one (- expected, + got):"
		sed 's/^/# /' "$got.diff"
		sed 's/^/#   /' "$got"
	fi
}

ladder_in() {	# ladder_in NS FILE [ARGS]: tcptrail ladder in NS into FILE
	local ns=$1 out=$2
	shift 2
	ip netns exec "$ns" "$TT" ladder --no-color "$@" > "$out" ||
		tt_fail "tcptrail ladder $* exited $?"
}

# What every ladder below shares.
legend="───▶ both ends' state changes imply the segment; ╌╌╌▶ only one end's (the other was not recorded); ? no record tells the time; data segments are not drawn."
pair_header="client 127.0.0.1:P server 127.0.0.1:P
python3[N] conn N python3[N] conn N"
handshake="CLOSE │ │ LISTEN
SYN_SENT T │────────── SYN ──────────▶│ ?
ESTABLISHED T │◀──────── SYN+ACK ────────│ ?
T │────────── ACK ──────────▶│ T SYN_RECV → ESTABLISHED"

# ---- the client closes first; the pure ACK of its FIN goes alone (the
# server closes 300 ms later, after any delayed ACK).
new_ns tt-ladder-a-$$
run_py tt-ladder-a-$$ <<'PY' || tt_fail "client-closes-first connections"
import socket, time
listener = socket.create_server(("127.0.0.1", 0))
client = socket.create_connection(listener.getsockname())
server, _ = listener.accept()
client.sendall(b"x" * 1000)
server.recv(1000)
server.sendall(b"y" * 300)
client.recv(300)
client.close()
assert server.recv(10) == b""
time.sleep(0.3)
server.close()
listener.close()
time.sleep(0.1)
PY
ladder_in tt-ladder-a-$$ "$dir/a"
check_ladder "client closes first" "$dir/a" <<EXPECTED
$pair_header
$handshake
│ [data 1000 B ▶ ◀ 300 B] │
FIN_WAIT1 T │────────── FIN ──────────▶│ T CLOSE_WAIT
FIN_WAIT2 T │◀────────── ACK ──────────│ ?
TIME_WAIT T │◀────────── FIN ──────────│ T LAST_ACK
T │────────── ACK ──────────▶│ T CLOSE

$legend
EXPECTED

# --explain: a sentence under every row, the notes' words among them.
ip netns exec tt-ladder-a-$$ "$TT" ladder --no-color --explain > "$dir/a.explain" ||
	tt_fail "ladder --explain exited $?"
$PY - "$dir/a.explain" <<'PY' || tt_rc=$ksft_fail
import sys
lines = open(sys.argv[1]).read().split("\n")
rows = [i for i, l in enumerate(lines)
        if "│" in l and ("▶" in l or "◀" in l) and "[data" not in l]
bad = [lines[i] for i in rows if i + 1 >= len(lines) or "│" in lines[i + 1] or not lines[i + 1].startswith("   ")]
if len(rows) != 7 or bad:
    print("# FAIL: --explain: %d arrows, without a sentence: %r" % (len(rows), bad))
    sys.exit(1)
text = " ".join(l.strip() for l in lines)
for words in ("waits 2×MSL in TIME_WAIT so that a lost final ACK can be resent",
              "completes the 3-way handshake", "waits in FIN_WAIT2",
              "waiting for it in LAST_ACK"):
    if words not in text:
        print("# FAIL: --explain does not say '%s'" % words)
        sys.exit(1)
print("# --explain: a sentence under each of the 7 arrows")
PY

# timeline: the pair, and each end's peer in its JSON; CONN picks it.
ip netns exec tt-ladder-a-$$ "$TT" timeline --no-color > "$dir/a.timeline" ||
	tt_fail "timeline exited $?"
ip netns exec tt-ladder-a-$$ "$TT" timeline --json > "$dir/a.json" ||
	tt_fail "timeline --json exited $?"
read -r client_conn server_conn < <($PY - "$dir/a.json" <<'PY'
import json, sys
conns = {c["role"]: c for c in map(json.loads, open(sys.argv[1])) if "role" in c}
c, s = conns["client"], conns["server"]
ok = c["peer"] == s["conn"] and s["peer"] == c["conn"] and conns["listener"]["peer"] is None
print(c["conn"], s["conn"] if ok else 0)
PY
)
if [ "${server_conn:-0}" = 0 ]; then
	tt_fail "timeline --json: client and server are not each other's peer"
	sed 's/^/#   /' "$dir/a.json"
elif ! grep -q "client conn $client_conn ⇄ server conn $server_conn" "$dir/a.timeline"; then
	tt_fail "timeline does not show 'client conn $client_conn ⇄ server conn $server_conn'"
	sed 's/^/#   /' "$dir/a.timeline"
else
	tt_log "timeline: client conn $client_conn ⇄ server conn $server_conn, peers in JSON"
	ladder_in tt-ladder-a-$$ "$dir/a.by-conn" "$server_conn"
	cmp -s "$dir/a" "$dir/a.by-conn" ||
		tt_fail "ladder $server_conn (the server end) is not the conversation's ladder"
	ip netns exec tt-ladder-a-$$ "$TT" ladder 999999999 > /dev/null 2>&1
	[ $? = 1 ] || tt_fail "ladder with an unknown conn id does not exit 1"
	ip netns exec tt-ladder-a-$$ "$TT" ladder 12abc > /dev/null 2>&1
	[ $? = 2 ] || tt_fail "ladder with a bad conn id does not exit 2"
fi

# --svg: valid XML, one lane per end, the arrows of the ladder in order.
ip netns exec tt-ladder-a-$$ "$TT" ladder --svg "$dir/a.svg" --explain ||
	tt_fail "ladder --svg exited $?"
$PY - "$dir/a.svg" "$client_conn" "$server_conn" <<'PY' || tt_rc=$ksft_fail
import sys
import xml.etree.ElementTree as ET
SVG = "{http://www.w3.org/2000/svg}"
try:
    root = ET.parse(sys.argv[1]).getroot()
except ET.ParseError as e:
    print("# FAIL: ladder --svg is not valid XML: %s" % e)
    sys.exit(1)
def cls(e):
    return e.get("class", "").split()
panels = [g for g in root.iter(SVG + "g") if "ladder" in cls(g)]
lanes = [l for l in root.iter(SVG + "line") if "lane" in cls(l)]
arrows = [(g.get("data-segment"), g.get("data-from"), "inferred" in cls(g))
          for g in root.iter(SVG + "g") if "arrow" in cls(g)]
want = [("SYN", "left"), ("SYN+ACK", "right"), ("ACK", "left"), ("FIN", "left"),
        ("ACK", "right"), ("FIN", "right"), ("ACK", "left")]
failed = False
if len(panels) != 1:
    print("# FAIL: --svg: %d ladders, not 1" % len(panels)); failed = True
got = sorted((l.get("data-side"), l.get("data-conn")) for l in lanes)
if got != [("left", sys.argv[2]), ("right", sys.argv[3])]:
    print("# FAIL: --svg lanes %r, not the client's and the server's" % got); failed = True
if [a[:2] for a in arrows] != want or any(a[2] for a in arrows):
    print("# FAIL: --svg arrows %r, not %r (none inferred)" % (arrows, want)); failed = True
untold = [g.get("data-segment") for g in root.iter(SVG + "g") if "arrow" in cls(g)
          and not (g.find(SVG + "title") is not None and g.find(SVG + "title").text)]
if untold:
    print("# FAIL: --svg --explain: arrows without a sentence: %r" % untold); failed = True
states = {t.get("data-state") for t in root.iter(SVG + "tspan")}
for s in ("SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT1", "FIN_WAIT2",
          "TIME_WAIT", "CLOSE_WAIT", "LAST_ACK", "CLOSE", "LISTEN"):
    if s not in states:
        print("# FAIL: --svg does not name %s" % s); failed = True
if not failed:
    print("# --svg: valid XML, 2 lanes, %d arrows as in the ladder" % len(arrows))
sys.exit(failed)
PY

# ---- the server closes first; the client then connects again from the
# same port while the server's end waits in TIME_WAIT: a new SYN ends it.
new_ns tt-ladder-b-$$
run_py tt-ladder-b-$$ <<'PY' || tt_fail "server-closes-first connections"
import socket, time
listener = socket.create_server(("127.0.0.1", 0))
def connect(port=0):
    c = socket.socket()
    c.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    c.bind(("127.0.0.1", port))
    c.connect(listener.getsockname())
    return c
client = connect()
port = client.getsockname()[1]
server, _ = listener.accept()
server.close()
assert client.recv(10) == b""
time.sleep(0.3)
client.close()
time.sleep(0.2)
client = connect(port)
server, _ = listener.accept()
client.close()
assert server.recv(10) == b""
time.sleep(0.3)
server.close()
listener.close()
time.sleep(0.1)
PY
ladder_in tt-ladder-b-$$ "$dir/b"
check_ladder "server closes first, TIME_WAIT reused" "$dir/b" <<EXPECTED
$pair_header
$handshake
│ [data 0 B ▶ ◀ 0 B] │
CLOSE_WAIT T │◀────────── FIN ──────────│ T FIN_WAIT1
? │────────── ACK ──────────▶│ T FIN_WAIT2
LAST_ACK T │────────── FIN ──────────▶│ T TIME_WAIT
CLOSE T │◀────────── ACK ──────────│ T
? │╌╌╌╌╌╌╌╌╌╌ SYN ╌╌╌╌╌╌╌╌╌╌▶│ T CLOSE (reused)

$pair_header
$handshake
│ [data 0 B ▶ ◀ 0 B] │
FIN_WAIT1 T │────────── FIN ──────────▶│ T CLOSE_WAIT
FIN_WAIT2 T │◀────────── ACK ──────────│ ?
TIME_WAIT T │◀────────── FIN ──────────│ T LAST_ACK
T │────────── ACK ──────────▶│ T CLOSE

$legend
EXPECTED

# ---- shutdown() then close(), as HTTP servers do: the second FIN_WAIT1
# the kernel records changes nothing and is not drawn.
new_ns tt-ladder-h-$$
run_py tt-ladder-h-$$ <<'PY' || tt_fail "shutdown-then-close connection"
import socket, time
listener = socket.create_server(("127.0.0.1", 0))
client = socket.create_connection(listener.getsockname())
server, _ = listener.accept()
server.shutdown(socket.SHUT_WR)
server.close()
assert client.recv(10) == b""
time.sleep(0.3)
client.close()
listener.close()
time.sleep(0.1)
PY
ladder_in tt-ladder-h-$$ "$dir/h"
check_ladder "shutdown() then close()" "$dir/h" <<EXPECTED
$pair_header
$handshake
│ [data 0 B ▶ ◀ 0 B] │
CLOSE_WAIT T │◀────────── FIN ──────────│ T FIN_WAIT1
? │────────── ACK ──────────▶│ T FIN_WAIT2
LAST_ACK T │────────── FIN ──────────▶│ T TIME_WAIT
CLOSE T │◀────────── ACK ──────────│ T

$legend
EXPECTED

# ---- refused, and a reset (SO_LINGER 0).
new_ns tt-ladder-c-$$
run_py tt-ladder-c-$$ <<'PY' || tt_fail "refused and reset connections"
import socket, struct, time
probe = socket.socket()
probe.bind(("127.0.0.1", 0))
port = probe.getsockname()[1]
probe.close()
try:
    socket.create_connection(("127.0.0.1", port))
    raise SystemExit("connect to a closed port succeeded")
except ConnectionRefusedError:
    pass
listener = socket.create_server(("127.0.0.1", 0))
client = socket.create_connection(listener.getsockname())
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
PY
ladder_in tt-ladder-c-$$ "$dir/c"
check_ladder "refused, reset" "$dir/c" <<EXPECTED
client 127.0.0.1:P server 127.0.0.1:P
python3[N] conn N (not recorded: inferred)
CLOSE │ │
SYN_SENT T │╌╌╌╌╌╌╌╌╌╌ SYN ╌╌╌╌╌╌╌╌╌╌▶│ ?
T │◀╌╌╌╌╌╌╌╌╌╌ RST ╌╌╌╌╌╌╌╌╌╌│ ?
CLOSE T │ │

$pair_header
$handshake
│ [data 0 B ▶ ◀ 0 B] │
T │────────── RST ──────────▶│ T
CLOSE T │ │
│ │ T CLOSE

$legend
EXPECTED

# ---- simultaneous close: 100 ms each way, both close() at once.
new_ns tt-ladder-d-$$
if ! ip netns exec tt-ladder-d-$$ tc qdisc add dev lo root netem delay 100ms 2> "$dir/tc.err"; then
	tt_log "no netem ($(cat "$dir/tc.err")): simultaneous close and SYN timeout not tested"
	no_netem=1
else
	run_py tt-ladder-d-$$ <<'PY' || tt_fail "simultaneous close"
import socket, time
listener = socket.create_server(("127.0.0.1", 0))
client = socket.create_connection(listener.getsockname())
server, _ = listener.accept()
time.sleep(0.3)
client.close()
server.close()
time.sleep(0.8)
listener.close()
PY
	ladder_in tt-ladder-d-$$ "$dir/d"
	check_ladder "simultaneous close" "$dir/d" <<EXPECTED
$pair_header
$handshake
│ [data 0 B ▶ ◀ 0 B] │
FIN_WAIT1 T │─── FIN ────⋯ │
│ ⋯─── FIN ────│ T FIN_WAIT1
│ ⋯─── FIN ───▶│ T CLOSING
│ ⋯─── ACK ────│ T
CLOSING T │◀─── FIN ───⋯ │
T │────────── ACK ──────────▶│ T TIME_WAIT
TIME_WAIT T │◀─── ACK ───⋯ │

$legend
EXPECTED

	# ---- simultaneous open: two bound sockets connect to each other, their
	# SYNs cross (100 ms each way).
	new_ns tt-ladder-g-$$
	ip netns exec tt-ladder-g-$$ tc qdisc add dev lo root netem delay 100ms ||
		tt_fail "netem delay"
	run_py tt-ladder-g-$$ <<'PY' || tt_fail "simultaneous open"
import socket, time
a, b = socket.socket(), socket.socket()
a.bind(("127.0.0.1", 0))
b.bind(("127.0.0.1", 0))
a.setblocking(False)
b.setblocking(False)
a.connect_ex(b.getsockname())
b.connect_ex(a.getsockname())
time.sleep(0.5)
a.setblocking(True)
b.setblocking(True)
a.sendall(b"x")
assert b.recv(1) == b"x"
a.close()
assert b.recv(1) == b""
time.sleep(0.5)
b.close()
time.sleep(0.8)
PY
	ladder_in tt-ladder-g-$$ "$dir/g"
	check_ladder "simultaneous open" "$dir/g" <<EXPECTED
client 127.0.0.1:P client 127.0.0.1:P
python3[N] conn N python3[N] conn N
CLOSE │ │ CLOSE
SYN_SENT T │─── SYN ────⋯ │
│ ⋯─── SYN ────│ T SYN_SENT
│ ⋯─── SYN ───▶│ T SYN_RECV
│ ⋯─ SYN+ACK ──│ T
SYN_RECV T │◀─── SYN ───⋯ │
T │──────── SYN+ACK ────────▶│ T ESTABLISHED
ESTABLISHED T │◀─ SYN+ACK ─⋯ │
│ [data 1 B ▶ ◀ 0 B] │
FIN_WAIT1 T │────────── FIN ──────────▶│ T CLOSE_WAIT
FIN_WAIT2 T │◀────────── ACK ──────────│ ?
TIME_WAIT T │◀────────── FIN ──────────│ T LAST_ACK
T │────────── ACK ──────────▶│ T CLOSE

$legend
EXPECTED

	# ---- a SYN nobody answers: everything on lo lost, one retry.
	new_ns tt-ladder-e-$$
	ip netns exec tt-ladder-e-$$ tc qdisc add dev lo root netem loss 100% ||
		tt_fail "netem loss 100%"
	ip netns exec tt-ladder-e-$$ sysctl -qw net.ipv4.tcp_syn_retries=1 ||
		tt_fail "tcp_syn_retries=1"
	run_py tt-ladder-e-$$ <<'PY' || tt_fail "SYN timeout"
import socket
try:
    socket.create_connection(("127.0.0.1", 9), timeout=60)
    raise SystemExit("connected through 100% loss")
except (TimeoutError, socket.timeout):
    pass
PY
	ladder_in tt-ladder-e-$$ "$dir/e"
	check_ladder "SYN timeout" "$dir/e" <<EXPECTED
client 127.0.0.1:P server 127.0.0.1:P
python3[N] conn N (not recorded: inferred)
CLOSE │ │
SYN_SENT T │╌╌╌╌╌╌╌╌╌╌ SYN ╌╌╌╌╌╌╌╌╌╌▶│ ?
⋮ │ ⋮ T ⋮ │ ⋮
│ SYN sent K more times │
CLOSE T │ │

$legend
EXPECTED
	grep -q "SYN sent [1-9][0-9]* more time" "$dir/e" ||
		tt_fail "SYN timeout: no retransmission counted"
fi

# ---- two namespaces joined by a veth pair, seen from the initial one.
net=10.217.$((RANDOM % 200 + 20))
new_ns tt-ladder-v1-$$
new_ns tt-ladder-v2-$$
if ! ip link add tt-lad1-$$ netns tt-ladder-v1-$$ type veth peer name tt-lad2-$$ netns tt-ladder-v2-$$ 2> "$dir/veth.err"; then
	tt_fail "cannot make a veth pair: $(cat "$dir/veth.err")"
else
	ip -n tt-ladder-v1-$$ addr add "$net.1/24" dev tt-lad1-$$
	ip -n tt-ladder-v2-$$ addr add "$net.2/24" dev tt-lad2-$$
	ip -n tt-ladder-v1-$$ link set tt-lad1-$$ up
	ip -n tt-ladder-v2-$$ link set tt-lad2-$$ up
	ip netns exec tt-ladder-v2-$$ $PY - "$net.2" > "$dir/v.port" <<'PY' &
import socket, sys, time
listener = socket.create_server((sys.argv[1], 0))
print(listener.getsockname()[1], flush=True)
sys.stdout.close()
server, _ = listener.accept()
server.recv(10)
assert server.recv(10) == b""
time.sleep(0.3)
server.close()
listener.close()
PY
	for _ in $(seq 50); do [ -s "$dir/v.port" ] && break; sleep 0.1; done
	run_py tt-ladder-v1-$$ "$net.2" "$(cat "$dir/v.port")" <<'PY' || tt_fail "veth connection"
import socket, sys, time
client = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=10)
client.sendall(b"hi")
time.sleep(0.1)
client.close()
time.sleep(0.6)
PY
	wait
	"$TT" ladder --no-color --all-netns --addr "$net.0/24" > "$dir/v" ||
		tt_fail "ladder --all-netns exited $?"
	check_ladder "two namespaces, veth" "$dir/v" <<EXPECTED
client 10.217.X.1:P server 10.217.X.2:P
python3[N] conn N netns N python3[N] conn N netns N
$handshake
│ [data 2 B ▶ ◀ 0 B] │
FIN_WAIT1 T │────────── FIN ──────────▶│ T CLOSE_WAIT
FIN_WAIT2 T │◀────────── ACK ──────────│ ?
TIME_WAIT T │◀────────── FIN ──────────│ T LAST_ACK
T │────────── ACK ──────────▶│ T CLOSE

$legend
EXPECTED
	"$TT" timeline --json --all-netns --addr "$net.0/24" > "$dir/v.json" ||
		tt_fail "timeline --json --all-netns exited $?"
	$PY - "$dir/v.json" <<'PY' || tt_rc=$ksft_fail
import json, sys
conns = {c["role"]: c for c in map(json.loads, open(sys.argv[1])) if "role" in c}
c, s = conns.get("client"), conns.get("server")
if not c or not s or c["peer"] != s["conn"] or s["peer"] != c["conn"] or c["netns"] == s["netns"]:
    print("# FAIL: across namespaces the ends are not paired: %r" % conns)
    sys.exit(1)
print("# veth: client conn %d (netns %d) ⇄ server conn %d (netns %d)"
      % (c["conn"], c["netns"], s["conn"], s["netns"]))
PY
	# Without --all-netns, this namespace sees only its own end.
	ip netns exec tt-ladder-v1-$$ "$TT" ladder --no-color > "$dir/v1" ||
		tt_fail "ladder in one namespace exited $?"
	grep -q "(not recorded: inferred)" "$dir/v1" ||
		tt_fail "one namespace alone: the peer is not shown as not recorded"
fi

# ---- a dozen conversations: a dozen panels in one picture.
new_ns tt-ladder-f-$$
run_py tt-ladder-f-$$ <<'PY' || tt_fail "a dozen connections"
import socket, time
listener = socket.create_server(("127.0.0.1", 0))
for _ in range(12):
    client = socket.create_connection(listener.getsockname())
    server, _ = listener.accept()
    client.close()
    server.recv(10)
    server.close()
listener.close()
time.sleep(0.1)
PY
ip netns exec tt-ladder-f-$$ "$TT" ladder --svg - > "$dir/f.svg" ||
	tt_fail "ladder --svg - exited $?"
$PY - "$dir/f.svg" <<'PY' || tt_rc=$ksft_fail
import sys
import xml.etree.ElementTree as ET
SVG = "{http://www.w3.org/2000/svg}"
root = ET.parse(sys.argv[1]).getroot()
panels = [g for g in root.iter(SVG + "g") if "ladder" in g.get("class", "").split()]
lanes = [l for l in root.iter(SVG + "line") if "lane" in l.get("class", "").split()]
if len(panels) != 12 or len(lanes) != 24:
    print("# FAIL: a dozen conversations: %d panels, %d lanes" % (len(panels), len(lanes)))
    sys.exit(1)
print("# a dozen conversations: 12 panels, 24 lanes, %s px tall" % root.get("height"))
PY
exit $tt_rc
