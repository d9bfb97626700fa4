#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The kernel's generic YNL client (tools/net/ynl/cli.py) talks to tcptrail
# through Documentation/netlink/specs/tcptrail.yaml alone: after one known
# connection in a new netns, --dump get-events shows its records (every
# kind, decoded by the spec's enums), --do get-stats its counts, --do
# get-config the default ring. Three cli.py runs
# (each takes 10-20 s on an emulated CPU).
#
# cli.py and the schemas come from linux-source-6.12, extracted by
# tools/testing/ksft-setup.sh into $TCPTRAIL_ROOT/build/ksft-src;
# TCPTRAIL_YNL_DIR overrides that directory.
cd "$(dirname "$0")" || exit 1
. ./tcptrail_lib.sh

[ -e "$TT_STATS" ] || tt_skip "tcptrail module not loaded"
[ -n "$TCPTRAIL_ROOT" ] || tt_skip "TCPTRAIL_ROOT not set"
ynl_dir=${TCPTRAIL_YNL_DIR:-$TCPTRAIL_ROOT/build/ksft-src}
TT_YNL_CLI=$ynl_dir/tools/net/ynl/cli.py
TT_YNL_SCHEMA=$ynl_dir/Documentation/netlink/genetlink-legacy.yaml
TT_YNL_SPEC=$TCPTRAIL_ROOT/Documentation/netlink/specs/tcptrail.yaml
export TT_YNL_CLI TT_YNL_SCHEMA TT_YNL_SPEC
for f in "$TT_YNL_CLI" "$TT_YNL_SCHEMA" "$TT_YNL_SPEC"; do
	[ -r "$f" ] || tt_skip "$f missing (run tools/testing/ksft-setup.sh)"
done
python3 -c 'import yaml, jsonschema' 2>/dev/null || tt_skip "python3-yaml/python3-jsonschema missing"

# A netns of our own: exactly one connection's records.
if [ -z "$TT_YNL_IN_NETNS" ]; then
	command -v unshare >/dev/null || tt_skip "unshare missing"
	export TT_YNL_IN_NETNS=1
	exec unshare -n "./$(basename "$0")"
fi
ip link set lo up || { tt_fail "lo up"; exit $ksft_fail; }
# No timewait socket: its end would add a record (tcp_max_tw_buckets is per netns).
sysctl -qw net.ipv4.tcp_max_tw_buckets=0 || { tt_fail "tcp_max_tw_buckets=0"; exit $ksft_fail; }

exec python3 - <<'PY'
import json, os, socket, struct, subprocess, sys, time, yaml

fails = []
def fail(msg):
    print("# FAIL: " + msg)
    fails.append(msg)

def cookie(s):
    return int.from_bytes(s.getsockopt(socket.SOL_SOCKET, 57, 8), "little")

def stats_file():
    st, states = {}, {}
    for line in open("/proc/net/tcptrail/stats"):
        f = line.split()
        if f[0] == "state":
            states[f[1].lower().replace("_", "-")] = int(f[2])
        elif f[0] == "feature":
            pass
        else:
            st[f[0]] = int(f[1])
    return st, states

# One connection, the client closes first (shuts down its side, closes after
# the server's FIN: never an orphan): 5 + 5 STATE records, the client's
# timewait-not-created and totals, the server's accept and totals, and the
# listener's 2: 16.
lsn = socket.socket()
lsn.bind(("127.0.0.1", 0))
lsn.listen()
lport = lsn.getsockname()[1]
cli = socket.socket()
cli.bind(("127.0.0.1", 0))
cport = cli.getsockname()[1]
cli.connect(("127.0.0.1", lport))
srv, _ = lsn.accept()
ccookie, scookie, lcookie = cookie(cli), cookie(srv), cookie(lsn)
cli.shutdown(socket.SHUT_WR)
srv.recv(1)
srv.close()
cli.recv(1)
cli.close()
lsn.close()
deadline = time.time() + 20
while stats_file()[0]["netns_written"] < 16 and time.time() < deadline:
    time.sleep(0.05)
time.sleep(0.1)
st, states = stats_file()
if st["netns_written"] != 16:
    fail("netns_written %d after one connection, expected 16" % st["netns_written"])

def ynl(*args):
    cmd = [sys.executable, os.environ["TT_YNL_CLI"], "--spec", os.environ["TT_YNL_SPEC"],
           "--schema", os.environ["TT_YNL_SCHEMA"], "--output-json"] + list(args)
    t0 = time.time()
    p = subprocess.run(cmd, capture_output=True, text=True)
    print("# cli.py %s: exit %d in %.1f s" % (" ".join(args), p.returncode, time.time() - t0))
    if p.returncode:
        fail("cli.py %s failed: %s %s" % (" ".join(args), p.stdout[-500:], p.stderr[-1500:]))
        return None
    try:
        return json.loads(p.stdout)
    except ValueError as e:
        fail("cli.py %s: not JSON (%s): %s" % (" ".join(args), e, p.stdout[:500]))
        return None

netns = os.stat("/proc/self/ns/net").st_ino
lo = bytes([127, 0, 0, 1] + [0] * 12).hex()
# (old-state, new-state, kind, reason) of every record of each connection.
expect = {
    ccookie: ("client", [("close", "syn-sent", "state", "none"),
                         ("syn-sent", "established", "state", "none"),
                         ("established", "fin-wait1", "state", "none"),
                         ("fin-wait1", "fin-wait2", "state", "none"),
                         ("fin-wait2", "time-wait", "timewait", "not-created"),
                         ("fin-wait2", "close", "state", "none"),
                         ("close", "close", "totals", "none")]),
    scookie: ("server", [("listen", "syn-recv", "state", "none"),
                         ("syn-recv", "established", "state", "none"),
                         ("established", "established", "accept", "none"),
                         ("established", "close-wait", "state", "none"),
                         ("close-wait", "last-ack", "state", "none"),
                         ("last-ack", "close", "state", "none"),
                         ("close", "close", "totals", "none")]),
    lcookie: ("listener", [("close", "listen", "state", "none"),
                           ("listen", "close", "state", "none")]),
}

# RECORDS is packed structs, which YNL shows as hex: decoded here by the
# spec's own "record" struct and enums, as YNL decodes one struct.
spec = yaml.safe_load(open(os.environ["TT_YNL_SPEC"]))
defs = {d["name"]: d for d in spec["definitions"]}
members = defs["record"]["members"]
layout = "<" + "".join({"u64": "Q", "u32": "I", "u16": "H", "u8": "B"}.get(
    m["type"], "%ds" % m.get("len", 0)) for m in members)

def enum_name(m, v):
    d = defs[m["enum"]]
    names = [e if isinstance(e, str) else e["name"] for e in d["entries"]]
    if d["type"] == "flags":
        return [n for i, n in enumerate(names) if v & (1 << i)]
    i = v - d.get("value-start", 0)
    return names[i] if 0 <= i < len(names) else v

def decode_records(raw):
    out = []
    for off in range(0, len(raw), struct.calcsize(layout)):
        r = {}
        for m, v in zip(members, struct.unpack_from(layout, raw, off)):
            r[m["name"]] = v.hex() if isinstance(v, bytes) else \
                enum_name(m, v) if "enum" in m else v
        out.append(r)
    return out

msgs = ynl("--dump", "get-events")
if msgs is not None:
    recs = []
    for m in msgs:
        if m.get("missed") != 0 or "cursor" not in m or "netns-cursor" not in m:
            fail("dump message without MISSED=0/CURSOR/NETNS_CURSOR: %s" %
                 {k: v for k, v in m.items() if k != "records"})
        raw = bytes.fromhex(m.get("records", ""))
        if len(raw) % struct.calcsize(layout):
            fail("RECORDS of %d bytes, not whole records" % len(raw))
        recs += decode_records(raw)
    print("# get-events: %d records in %d messages" % (len(recs), len(msgs)))
    if len(recs) != 16:
        fail("%d records, expected 16" % len(recs))
    if [r["netns-seq"] for r in recs] != list(range(1, len(recs) + 1)):
        fail("netns-seq not 1..%d: %s" % (len(recs), [r["netns-seq"] for r in recs]))
    if msgs and recs and msgs[-1]["netns-cursor"] != len(recs) + 1:
        fail("last NETNS_CURSOR %s" % msgs[-1]["netns-cursor"])
    for conn, (who, want) in expect.items():
        mine = [r for r in recs if r["conn"] == conn]
        got = [(r["old-state"], r["new-state"], r.get("kind"), r.get("reason")) for r in mine]
        if got != want:
            fail("%s (conn %d): %s, expected %s" % (who, conn, got, want))
            continue
        for i, r in enumerate(mine):
            if r["kind"] == "totals":
                # The totals replace the addresses: only the ports remain.
                if r["netns"] != netns or r["family"] != socket.AF_INET:
                    fail("%s totals: netns %s family %s" % (who, r["netns"], r["family"]))
                ports = (r["sport"], r["dport"])
                if ports != ((cport, lport) if who == "client" else (lport, cport)):
                    fail("%s totals: ports %s" % (who, ports))
                continue
            if r["netns"] != netns or r["family"] != socket.AF_INET or r["saddr"] != lo:
                fail("%s record %d: netns %s family %s saddr %s" %
                     (who, i, r["netns"], r["family"], r["saddr"]))
            ports = (r["sport"], r["dport"])
            if who == "client" and ports != (cport, lport):
                fail("client record %d: ports %s, expected %s" % (i, ports, (cport, lport)))
            # The child's first record carries the listener's endpoint
            # (up to 6.x) or already its peer's (7.x).
            if who == "server" and ports != (lport, cport) and (i or ports != (lport, 0)):
                fail("server record %d: ports %s" % (i, ports))
            if who == "listener" and ports != (lport, 0):
                fail("listener record %d: ports %s" % (i, ports))
    others = [r for r in recs if r["conn"] not in expect]
    if others:
        fail("records of unknown connections: %s" % others[:3])

s = ynl("--do", "get-stats")
if s is not None:
    counts = {c["state"]: c["count"] for c in s.get("state-count", [])}
    want = {"established": 2, "syn-sent": 1, "syn-recv": 1, "fin-wait1": 1,
            "fin-wait2": 1, "close-wait": 1, "last-ack": 1, "close": 3, "listen": 1}
    print("# get-stats: written %s netns-written %s states %s" %
          (s.get("written"), s.get("netns-written"), counts))
    if not s.get("written", 0) > 0:
        fail("written %s" % s.get("written"))
    if s.get("netns-written") != 16:
        fail("netns-written %s, expected 16" % s.get("netns-written"))
    if s.get("record-size") != st["record_size"]:
        fail("record-size %s, the stats file says %d" % (s.get("record-size"), st["record_size"]))
    if counts != want:
        fail("state counts %s, expected %s" % (counts, want))
    if counts != {k: v for k, v in states.items() if v}:
        fail("state counts differ from the stats file: %s" % states)

c = ynl("--do", "get-config")
if c is not None:
    print("# get-config: %s" % c)
    if c.get("ring-size") != 32768 or c.get("enabled") != 1 or c.get("filter-family") != 0:
        fail("config %s, expected the defaults (ring-size 32768, enabled)" % c)

sys.exit(1 if fails else 0)
PY
