#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Who, where and why, end to end with the tool:
# - services in their own cgroup v2 directories (a systemd-style unit, a
#   docker-style scope, a Kubernetes pod's containerd scope), with the
#   server side handled in softirq and the client's TIME_WAIT outliving its
#   process: every record of each connection carries its socket's cgroup,
#   and the timeline names the cgroup, unit, container and pod;
# - --pid, --comm, --cgroup, --unit, --container and --netns pick exactly
#   the right connections, in timeline, events and --svg;
# - end reasons: refused, RST sent (with the kernel's reason where it gives
#   one) and received, ss -K (aborted), a half-close, a SYN timeout (netem
#   loss, tcp_syn_retries=2);
# - a connection opened before the module was loaded shows as such, with
#   live totals from sock_diag, in --state ESTABLISHED, not with
#   --no-snapshot.
# Reloads the module (default parameters afterwards). ~40 s under TCG.
cd "$(dirname "$0")" || exit 1
. ./tcptrail_lib.sh

tt_need_tool
command -v python3 >/dev/null || tt_skip "python3 missing"
command -v ip >/dev/null || tt_skip "ip missing"
[ -w /sys/fs/cgroup/cgroup.procs ] || tt_skip "no cgroup v2 at /sys/fs/cgroup"
tt_need_ko
trap 'tt_restore; ip netns del ttwho 2>/dev/null; ip netns del ttwhy 2>/dev/null; ip netns del ttpre 2>/dev/null' EXIT
tt_loaded || tt_load || { tt_fail "insmod"; exit $ksft_fail; }
export TT TT_STATS TCPTRAIL_KO

python3 - <<'PY'
import ctypes, json, os, socket, subprocess, sys, time

TT = os.environ["TT"]
CG = "/sys/fs/cgroup"
fails = []

def fail(msg):
    print("# FAIL: " + msg, flush=True)
    fails.append(msg)

def check(cond, msg):
    if not cond:
        fail(msg)
    return cond

def tool(*args, netns=None, ok=True):
    cmd = ([ "ip", "netns", "exec", netns] if netns else []) + [TT] + list(args)
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if ok and p.returncode:
        fail("%s: exit %d: %s" % (" ".join(args), p.returncode, p.stderr.strip()))
    return p

def jlines(*args, **kw):
    out = tool(*args, "--json", **kw).stdout
    return [json.loads(l) for l in out.splitlines() if l.strip()]

def conns(*args, **kw):
    return [c for c in jlines("timeline", *args, **kw) if "conn" in c]

# Workload processes: python snippets started in a cgroup, a comm of their own.
PRELUDE = r'''
import ctypes, socket, sys, time
ctypes.CDLL(None).prctl(15, sys.argv[1].encode(), 0, 0, 0)   # PR_SET_NAME
'''

def start(cg, comm, code, netns=None):
    os.makedirs(cg, exist_ok=True)
    def enter():
        with open(cg + "/cgroup.procs", "w") as f:
            f.write("0")
    cmd = ([ "ip", "netns", "exec", netns] if netns else []) + \
          ["python3", "-c", PRELUDE + code, comm]
    p = subprocess.Popen(cmd, preexec_fn=enter, stdout=subprocess.PIPE, text=True)
    line = p.stdout.readline()
    if line.strip() != "ready":
        fail("%s did not start: %r" % (comm, line))
    return p

def rmdirs(*paths):
    for path in paths:
        while path.startswith(CG + "/"):
            try:
                os.rmdir(path)
            except OSError:
                break
            path = os.path.dirname(path)

ID1 = "ab" * 32
ID2 = "cd" * 32
POD = "0a1b2c3d-1111-2222-3333-444455556666"
WEB = CG + "/tt-who.slice/web.service"
DOCK = CG + "/system.slice/docker-%s.scope" % ID1
PODCG = CG + "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod%s.slice/cri-containerd-%s.scope" % (POD.replace("-", "_"), ID2)

# 1. Two clients in containers, a server in a unit; the clients close first
# (TIME_WAIT), everyone exits.
server = start(WEB, "ttwho-srv", r'''
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 7301)); srv.listen(8); print("ready", flush=True)
for _ in range(2):
    c, _ = srv.accept()
    while c.recv(4096): pass
    c.close()
srv.close()
''')
client_code = r'''
print("ready", flush=True)
c = socket.create_connection(("127.0.0.1", 7301)); c.sendall(b"x" * 1000)
c.shutdown(socket.SHUT_WR); c.recv(1); c.close()
'''
c1 = start(DOCK, "ttwho-c1", client_code)
c1.wait(timeout=60)
c2 = start(PODCG, "ttwho-c2", client_code)
c2.wait(timeout=60)
server.wait(timeout=60)
time.sleep(0.5)

ino = lambda p: os.stat(p).st_ino
tl = conns("--port", "7301")
by_role = {}
for c in tl:
    by_role.setdefault(c["role"], []).append(c)
# Told apart by their owners (cookies need not grow with time).
clients = sorted(by_role.get("client", []), key=lambda c: [c1.pid, c2.pid].index(c["pid"])
                 if c["pid"] in (c1.pid, c2.pid) else 2)
servers = by_role.get("server", [])
listeners = by_role.get("listener", [])
check(len(clients) == 2 and len(servers) == 2 and len(listeners) == 1,
      "port 7301: 2 clients, 2 servers, 1 listener: %s" % [(c["role"], c["conn"]) for c in tl])
if len(clients) == 2:
    a, b = clients
    check(a["cgroup_id"] == ino(DOCK) and a["cgroup"] == DOCK[len(CG):] and
          a["container"] == ID1 and a["unit"] == "docker-%s.scope" % ID1 and a["pod_uid"] is None,
          "client 1's cgroup: %s" % {k: a[k] for k in ("cgroup_id", "cgroup", "unit", "container", "pod_uid")})
    check(b["cgroup_id"] == ino(PODCG) and b["container"] == ID2 and b["pod_uid"] == POD and
          b["unit"] == "cri-containerd-%s.scope" % ID2,
          "client 2's cgroup: %s" % {k: b[k] for k in ("cgroup_id", "cgroup", "unit", "container", "pod_uid")})
    check(a["time_wait"] is not None, "client 1 in TIME_WAIT")
for s in servers + listeners:
    check(s["cgroup_id"] == ino(WEB) and s["unit"] == "web.service" and s["container"] is None,
          "%s %d: cgroup %s unit %s" % (s["role"], s["conn"], s["cgroup"], s["unit"]))
    check(s["comm"] == "ttwho-srv", "%s owner comm %s" % (s["role"], s["comm"]))

# Every record, TIME_WAIT and softirq ones included, names the socket's cgroup.
ev = [e for e in jlines("events", "--port", "7301") if "seq" in e]
want = {c["conn"]: c["cgroup_id"] for c in tl}
softirq = 0
for e in ev:
    if e["conn"] in want:
        check(e["cgroup_id"] == want[e["conn"]],
              "record %d (%s %s->%s) cgroup %s, want %s" % (e["seq"], e["kind"], e["old"], e["new"], e["cgroup_id"], want[e["conn"]]))
        softirq += e["ctx"] == "softirq" and e["conn"] in [s["conn"] for s in servers]
check(any(e["kind"] == "timewait" for e in ev if e["conn"] in want), "timewait records of port 7301")
check(softirq > 0, "server records made in softirq")
text = tool("timeline", "--port", "7301", "--no-color").stdout
check("web.service" in text and "container " + ID1[:12] in text and "pod " + POD in text,
      "timeline header names unit, container and pod:\n" + text)

# 2. Filters.
def ids(*args, **kw):
    return sorted(c["conn"] for c in conns("--port", "7301", *args, **kw))
srv_ids = sorted(c["conn"] for c in servers + listeners)
if len(clients) == 2:
    check(ids("--pid", str(c1.pid)) == [clients[0]["conn"]], "--pid %d: %s" % (c1.pid, ids("--pid", str(c1.pid))))
    check(ids("--comm", "ttwho-c2") == [clients[1]["conn"]], "--comm ttwho-c2")
    check(ids("--container", ID1[:6]) == [clients[0]["conn"]], "--container prefix")
    check(ids("--container", ID2) == [clients[1]["conn"]], "--container full id")
    ev_conns = {e["conn"] for e in jlines("events", "--port", "7301", "--container", ID1[:6]) if "seq" in e}
    check(ev_conns == {clients[0]["conn"]}, "events --container: %s" % ev_conns)
check(ids("--comm", "ttwho-srv") == srv_ids, "--comm ttwho-srv")
check(ids("--cgroup", "/tt-who.slice") == srv_ids, "--cgroup /tt-who.slice")
check(ids("--cgroup", CG + "/tt-who.slice/") == srv_ids, "--cgroup full path")
check(ids("--cgroup", "/tt-who") == [], "--cgroup is a subtree, not a prefix")
check(ids("--unit", "web.service") == srv_ids and ids("--unit", "web") == srv_ids, "--unit")
svg = tool("timeline", "--port", "7301", "--unit", "web.service", "--svg", "-").stdout
check(svg.count('class="lane"') == 3 and "web.service" in svg, "--svg --unit: 3 lanes labelled web.service")
for bad in (["--pid", "x"], ["--container", "zz"], ["--netns", "no-such-netns"]):
    p = tool("timeline", *bad, ok=False)
    check(p.returncode == 2 and "tcptrail timeline:" in p.stderr, "bad %s: exit %d %s" % (bad, p.returncode, p.stderr[:200]))

subprocess.run(["ip", "netns", "add", "ttwho"], check=True)
subprocess.run(["ip", "-n", "ttwho", "link", "set", "lo", "up"], check=True)
subprocess.run(["ip", "netns", "exec", "ttwho", "python3", "-c", r'''
import socket
s = socket.socket(); s.bind(("127.0.0.1", 7302)); s.listen()
c = socket.create_connection(("127.0.0.1", 7302)); a, _ = s.accept(); c.close(); a.close()
'''], check=True)
ns = ino("/run/netns/ttwho")
for spec in ("ttwho", "/run/netns/ttwho", str(ns)):
    got = conns("--netns", spec)
    check(got and all(c["netns"] == ns for c in got) and
          {c["sport"] for c in got} | {c["dport"] for c in got} >= {7302},
          "--netns %s: %s" % (spec, [(c["netns"], c["sport"], c["dport"]) for c in got]))
check(ids("--netns", "ttwho") == [], "--netns ttwho leaves out port 7301")
rmdirs(WEB, DOCK, PODCG)

# 3. Why it ended, in a netns of its own.
subprocess.run(["ip", "netns", "add", "ttwhy"], check=True)
subprocess.run(["ip", "-n", "ttwhy", "link", "set", "lo", "up"], check=True)
def in_ttwhy(code):
    subprocess.run(["ip", "netns", "exec", "ttwhy", "python3", "-c", code], check=True, timeout=120)
in_ttwhy(r'''
import socket, subprocess, time
try:
    socket.create_connection(("127.0.0.1", 7401))
except ConnectionRefusedError:
    pass
s = socket.socket(); s.bind(("127.0.0.1", 7402)); s.listen()
c = socket.create_connection(("127.0.0.1", 7402)); a, _ = s.accept()
c.sendall(b"unread"); time.sleep(0.2); a.close()     # RST sent: unread data
time.sleep(0.2); c.close(); s.close()
s = socket.socket(); s.bind(("127.0.0.1", 7403)); s.listen()
c = socket.create_connection(("127.0.0.1", 7403)); a, _ = s.accept()
subprocess.run(["ss", "-K", "dst", "127.0.0.1", "dport", "=", "7403"], capture_output=True)
time.sleep(0.2); c.close(); a.close(); s.close()
s = socket.socket(); s.bind(("127.0.0.1", 7404)); s.listen()
c = socket.create_connection(("127.0.0.1", 7404)); a, _ = s.accept()
c.shutdown(socket.SHUT_WR)          # our direction closes ...
a.recv(1); time.sleep(0.4)
a.sendall(b"y" * 100); a.close()    # ... the peer's stays open 0.4 s more
while c.recv(4096): pass
c.close(); s.close()
''')
names = any(l.startswith("rst_reason ") for l in open(os.environ["TT_STATS"]))
def one(port, role):
    got = [c for c in conns("--port", str(port), netns="ttwhy") if c["role"] == role]
    check(len(got) == 1, "port %d: one %s, got %d" % (port, role, len(got)))
    return got[0] if got else {}
r = one(7401, "client")
check(r.get("end") == "refused" and r.get("error") == "ECONNREFUSED", "refused: %s %s" % (r.get("end"), r.get("error")))
r = one(7402, "server")
check(r.get("end") == "rst" and r.get("reset") == "sent" and
      r.get("rst_reason") == ("TCP_ABORT_ON_CLOSE" if names else None),
      "close with unread data: %s %s %s" % (r.get("end"), r.get("reset"), r.get("rst_reason")))
r = one(7402, "client")
check(r.get("end") == "rst" and r.get("reset") == "received" and r.get("error") == "ECONNRESET",
      "RST received: %s %s %s" % (r.get("end"), r.get("reset"), r.get("error")))
r = one(7403, "client")
if r.get("end") == "fin":
    print("# ss -K cannot kill sockets on this kernel (CONFIG_INET_DIAG_DESTROY): aborted not checked")
else:
    check(r.get("end") == "aborted", "ss -K: end %s" % r.get("end"))
r = one(7404, "client")
d = r.get("directions") or {}
check(d.get("half_closed") and d["out_open_ns"] + 300000000 <= d["in_open_ns"],
      "half-close: %s" % d)
text = tool("timeline", "--port", "7404", "--no-color", netns="ttwhy").stdout
check("half-close: out open" in text, "half-close line:\n" + text)
text = tool("timeline", "--port", "7402", "--no-color", netns="ttwhy").stdout
check(("end: rst sent: TCP_ABORT_ON_CLOSE" if names else "end: rst sent") in text, "rst line:\n" + text)

if subprocess.run(["ip", "netns", "exec", "ttwhy", "tc", "qdisc", "add", "dev", "lo", "root",
                   "netem", "loss", "100%"], capture_output=True).returncode:
    print("# tc/netem unavailable: SYN timeout not checked")
else:
    subprocess.run(["ip", "netns", "exec", "ttwhy", "sysctl", "-qw", "net.ipv4.tcp_syn_retries=2"], check=True)
    in_ttwhy(r'''
import socket
s = socket.socket(); s.bind(("127.0.0.1", 7405)); s.listen()
try:
    socket.create_connection(("127.0.0.1", 7405))
except (TimeoutError, OSError):
    pass
''')
    # As many retransmissions as the kernel made in 7 s (1 + 2 + 4): 2, or
    # more where the first ones come each second (tcp_syn_linear_timeouts).
    r = one(7405, "client")
    n = r.get("syn_retransmits")
    check(r.get("end") == "timeout" and r.get("error") == "ETIMEDOUT" and n is not None and
          n >= 2 and n == r["totals"]["segs_out"] - 1,
          "SYN timeout: %s %s %s %s" % (r.get("end"), n, r.get("error"), r.get("totals")))
    text = tool("timeline", "--port", "7405", "--no-color", netns="ttwhy").stdout
    check("end: timeout after %s SYN retransmissions" % n in text, "timeout line:\n" + text)

# 4. Open before the module was loaded.
subprocess.run(["ip", "netns", "add", "ttpre"], check=True)
subprocess.run(["ip", "-n", "ttpre", "link", "set", "lo", "up"], check=True)
holder = subprocess.Popen(["ip", "netns", "exec", "ttpre", "python3", "-c", r'''
import socket, sys
s = socket.socket(); s.bind(("127.0.0.1", 7501)); s.listen()
c = socket.create_connection(("127.0.0.1", 7501)); a, _ = s.accept()
c.sendall(b"z" * 1000); a.recv(1000)
print("ready", flush=True); sys.stdin.readline()
c.close(); a.close()
'''], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
check(holder.stdout.readline().strip() == "ready", "holder ready")
subprocess.run(["rmmod", "tcptrail"], check=True)
subprocess.run(["insmod", os.environ["TCPTRAIL_KO"]], check=True)
got = conns("--port", "7501", netns="ttpre")
est = [c for c in got if c["live"] and c["live"]["state"] == "ESTABLISHED"]
check(len(est) == 2 and all(c["preexisting"] and len(c["states"]) == 1 for c in est),
      "two connections open before insmod: %s" % [(c["role"], c["preexisting"], c["live"]) for c in got])
sent = [c for c in est if c["live"]["totals"] and c["live"]["totals"]["bytes_acked"] >= 1000]
check(len(sent) == 1, "live totals: one side sent 1000 B: %s" % [c["live"]["totals"] for c in est])
check(len([c for c in conns("--port", "7501", "--state", "ESTABLISHED", netns="ttpre") if c["live"]]) == 2,
      "--state ESTABLISHED lists them")
check(conns("--port", "7501", "--no-snapshot", netns="ttpre") == [], "--no-snapshot leaves them out")
text = tool("timeline", "--port", "7501", "--no-color", netns="ttpre").stdout
check("already open when recording began" in text and "now: sent" in text, "preexisting text:\n" + text)
holder.communicate("\n", timeout=60)

sys.exit(1 if fails else 0)
PY
rc=$?
[ $rc -eq 0 ] || tt_fail "see the FAIL lines above"
exit ${tt_rc:-0}
