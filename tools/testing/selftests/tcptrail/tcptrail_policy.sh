#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The loaded module and its YNL spec (Documentation/netlink/specs/tcptrail.yaml)
# describe the same API: the generic netlink controller tells what the
# module accepts (CTRL_CMD_GETFAMILY: operations, their do/dump and
# permission flags, multicast groups; CTRL_CMD_GETPOLICY: each operation's
# request policy, attribute by attribute, with types, ranges and nested
# policies, as `ynl --list-attrs` reads them) and every item is compared
# with the spec. A drift between them fails here. ~2 s.
cd "$(dirname "$0")" || exit 1
. ./tcptrail_lib.sh

[ -e "$TT_STATS" ] || tt_skip "tcptrail module not loaded"
spec=${TCPTRAIL_ROOT:-$(cd ../../../.. && pwd)}/Documentation/netlink/specs/tcptrail.yaml
[ -r "$spec" ] || tt_skip "$spec missing"
python3 -c 'import yaml' 2>/dev/null || tt_skip "python3-yaml missing"
export TT_SPEC=$spec

exec python3 - <<'PY'
import errno, os, socket, struct, sys, yaml

NETLINK_GENERIC, GENL_ID_CTRL = 16, 0x10
CTRL_CMD_GETFAMILY, CTRL_CMD_GETPOLICY = 3, 10
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME = 1, 2
CTRL_ATTR_OPS, CTRL_ATTR_MCAST_GROUPS = 6, 7
CTRL_ATTR_POLICY, CTRL_ATTR_OP_POLICY, CTRL_ATTR_OP = 8, 9, 10
CTRL_ATTR_OP_ID, CTRL_ATTR_OP_FLAGS = 1, 2
CTRL_ATTR_MCAST_GRP_NAME = 1
CTRL_ATTR_POLICY_DO, CTRL_ATTR_POLICY_DUMP = 1, 2
GENL_ADMIN_PERM, GENL_CMD_CAP_DO, GENL_CMD_CAP_DUMP, GENL_UNS_ADMIN_PERM = 1, 2, 4, 0x10
NLM_F_REQUEST, NLM_F_ACK, NLM_F_DUMP = 1, 4, 0x300
NLMSG_ERROR, NLMSG_DONE = 2, 3
# enum netlink_attribute_type and enum netlink_policy_type_attr
NL_TYPES = {1: "flag", 2: "u8", 3: "u16", 4: "u32", 5: "u64", 6: "s8", 7: "s16",
            8: "s32", 9: "s64", 10: "binary", 11: "string", 12: "string",
            13: "nest", 14: "nest-array", 15: "bitfield32", 16: "sint", 17: "uint"}
PT_TYPE, PT_MIN_U, PT_MAX_U, PT_POLICY_IDX = 1, 4, 5, 8
INT_MAX = {"u8": 0xff, "u16": 0xffff, "u32": 0xffffffff, "u64": 0xffffffffffffffff}

fails = []
def fail(msg):
    print("# FAIL: " + msg)
    fails.append(msg)

def attrs(data):
    """(type, payload) of each attribute in data."""
    out, off = [], 0
    while off + 4 <= len(data):
        ln, ty = struct.unpack_from("HH", data, off)
        if ln < 4:
            break
        out.append((ty & 0x3fff, data[off + 4:off + ln]))
        off += (ln + 3) & ~3
    return out

def attr(ty, payload):
    ln = 4 + len(payload)
    return struct.pack("HH", ln, ty) + payload + b"\0" * ((4 - ln % 4) % 4)

def u(payload):
    return int.from_bytes(payload, "little")

sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
seq = 0
def request(cmd, payload, flags):
    global seq
    seq += 1
    msg = struct.pack("BBH", cmd, 1, 0) + payload
    sock.send(struct.pack("IHHII", 16 + len(msg), GENL_ID_CTRL, NLM_F_REQUEST | flags, seq, 0) + msg)
    replies = []
    while True:
        data = sock.recv(1 << 20)
        off = 0
        while off < len(data):
            ln, ty, _, _, _ = struct.unpack_from("IHHII", data, off)
            body = data[off + 16:off + ln]
            off += (ln + 3) & ~3
            if ty == NLMSG_ERROR:
                err = struct.unpack_from("i", body)[0]
                if err:
                    raise OSError(-err, os.strerror(-err))
                return replies
            if ty == NLMSG_DONE:
                return replies
            replies.append(dict_of(attrs(body[4:])))
            if not flags & NLM_F_DUMP:
                return replies

def dict_of(pairs):
    d = {}
    for ty, payload in pairs:
        d.setdefault(ty, []).append(payload)
    return d

name = attr(CTRL_ATTR_FAMILY_NAME, b"tcptrail\0")
family = request(CTRL_CMD_GETFAMILY, name, 0)[0]	# no ACK: one reply
ops = {}
for _, op in attrs(family[CTRL_ATTR_OPS][0]):
    o = dict_of(attrs(op))
    ops[u(o[CTRL_ATTR_OP_ID][0])] = u(o[CTRL_ATTR_OP_FLAGS][0])
mcgrps = set()
for _, g in attrs(family.get(CTRL_ATTR_MCAST_GROUPS, [b""])[0]):
    mcgrps.add(dict_of(attrs(g))[CTRL_ATTR_MCAST_GRP_NAME][0].rstrip(b"\0").decode())

def policy_of(cmd):
    """One operation's policies: ({DO: idx, DUMP: idx}, {idx: {attr: desc}}).
    Asked op by op: some kernels key a dump-only operation's entry as 0."""
    dumps = request(CTRL_CMD_GETPOLICY, name + attr(CTRL_ATTR_OP, struct.pack("I", cmd)),
                    NLM_F_DUMP)
    op_pol, pols = {}, {}
    for r in dumps:
        for blob in r.get(CTRL_ATTR_OP_POLICY, []):
            for _, p in attrs(blob):
                op_pol.update({k: u(v[0]) for k, v in dict_of(attrs(p)).items()})
        for blob in r.get(CTRL_ATTR_POLICY, []):
            for idx, pol in attrs(blob):
                for atype, desc in attrs(pol):
                    pols.setdefault(idx, {})[atype] = {k: u(v[0]) for k, v in dict_of(attrs(desc)).items()}
    return op_pol, pols

try:
    policy_of(min(ops))
except OSError as e:
    print("# SKIP: CTRL_CMD_GETPOLICY for one operation: %s (kernel too old to dump policies)" % e)
    sys.exit(4)

spec = yaml.safe_load(open(os.environ["TT_SPEC"]))
sets = {s["name"]: s for s in spec["attribute-sets"]}

def set_attrs(set_name):
    """name -> (value, definition) of an attribute set, subsets resolved."""
    s = sets[set_name]
    base = sets[s["subset-of"]] if "subset-of" in s else s
    out, value = {}, 0
    for a in base["attributes"]:
        value = a.get("value", value)
        out[a["name"]] = (value, a)
        value += 1
    if "subset-of" in s:
        out = {a["name"]: out[a["name"]] for a in s["attributes"]}
    return out

def compare_policy(where, idx, set_name, names, policies):
    """The kernel's policy idx against the spec's attributes names of set_name."""
    known = set_attrs(set_name)
    kernel = dict(policies.get(idx, {}))
    for n in names:
        value, a = known[n]
        k = kernel.pop(value, None)
        if k is None:
            fail("%s: attribute %s is in the spec, not in the module's policy" % (where, n))
            continue
        ktype = NL_TYPES.get(k.get(PT_TYPE), "?%s" % k.get(PT_TYPE))
        if ktype != a["type"]:
            fail("%s: attribute %s: module %s, spec %s" % (where, n, ktype, a["type"]))
            continue
        if a["type"] in INT_MAX:
            checks = a.get("checks", {})
            want = (checks.get("min", 0), checks.get("max", INT_MAX[a["type"]]))
            got = (k.get(PT_MIN_U), k.get(PT_MAX_U))
            if got != want:
                fail("%s: attribute %s: module range %s..%s, spec %s..%s" % ((where, n) + got + want))
        if a["type"] == "nest":
            sub = a["nested-attributes"]
            compare_policy("%s.%s" % (where, n), k.get(PT_POLICY_IDX), sub,
                           [x["name"] for x in sets[sub]["attributes"]], policies)
    for value in kernel:
        names_of = {v[0]: n for n, v in known.items()}
        fail("%s: the module accepts attribute %s, which the spec does not list" %
             (where, names_of.get(value, value)))

value = 0
checked = 0
for op in spec["operations"]["list"]:
    value = op.get("value", value)
    cmd, value = value, value + 1
    if "event" in op:
        if cmd in ops:
            fail("%s (%d): an event in the spec, an operation in the module" % (op["name"], cmd))
        continue
    if cmd not in ops:
        fail("%s (%d): in the spec, not in the module" % (op["name"], cmd))
        continue
    flags = ops.pop(cmd)
    op_pol, policies = policy_of(cmd)
    spec_flags = set(op.get("flags", []))
    for what, bit in (("admin-perm", GENL_ADMIN_PERM), ("uns-admin-perm", GENL_UNS_ADMIN_PERM)):
        if bool(flags & bit) != (what in spec_flags):
            fail("%s: %s: module %s, spec %s" % (op["name"], what, bool(flags & bit), what in spec_flags))
    for mode, cap, pol in (("do", GENL_CMD_CAP_DO, CTRL_ATTR_POLICY_DO),
                           ("dump", GENL_CMD_CAP_DUMP, CTRL_ATTR_POLICY_DUMP)):
        if bool(flags & cap) != (mode in op):
            fail("%s: %s: module %s, spec %s" % (op["name"], mode, bool(flags & cap), mode in op))
            continue
        if mode not in op:
            continue
        names = op[mode].get("request", {}).get("attributes", [])
        idx = op_pol.get(pol)
        if idx is None:
            if names:
                fail("%s %s: no policy in the module" % (op["name"], mode))
            continue
        compare_policy("%s %s" % (op["name"], mode), idx, op["attribute-set"], names, policies)
        checked += 1
for cmd in ops:
    fail("the module has operation %d, which the spec does not list" % cmd)
want_groups = {g["name"] for g in spec.get("mcast-groups", {}).get("list", [])}
if mcgrps != want_groups:
    fail("multicast groups: module %s, spec %s" % (sorted(mcgrps), sorted(want_groups)))
print("# %d operation policies and %d multicast groups compared with the spec" % (checked, len(mcgrps)))
sys.exit(1 if fails else 0)
PY
