#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the BENCH lines of the benchmark VMs into docs/bench.md.

usage: report.py OUT.md KVER ICOUNT_OUTPUT_LOG WALL_OUTPUT_LOG PROFILE_DIR [KVER ...]
One section per kernel, each with its targets. Prints the markdown to
stdout as well, with whether each target holds.
"""
import bisect
import collections
import datetime
import os
import statistics as st
import sys

OBS_NAMES = {
    "tcptrail": "tcptrail, no reader",
    "tcptrail-off": "ablation: tcptrail hooks only (`config set disable`)",
    "tcptrail-tp-off": "ablation: the tracepoint probe alone (every optional hook off, `config set disable`)",
    "tcptrail-filtered": "ablation: hooks + filter (`config set ports 1`)",
    "tcptrail-events": "tcptrail + `events --follow --json`",
    "tcptrail-events-text": "tcptrail + `events --follow` (text)",
    "tcptrail-timeline": "tcptrail + `timeline --follow --json`",
    "ftrace-noreader": "ftrace event enabled, no reader",
    "ftrace": "ftrace event + `cat trace_pipe`",
    "bpftrace": "bpftrace tcpstates.bt",
    "bcc": "bcc `tcpstates-bpfcc`",
}


def parse(path):
    rows, info, other = [], {}, []
    try:
        lines = open(path, errors="replace").read().splitlines()
    except OSError:
        return rows, info, other
    for line in lines:
        if not line.startswith("BENCH "):
            continue
        words = line.split()
        kind = words[1]
        kv = dict(w.split("=", 1) for w in words[2:] if "=" in w)
        if kind == "unavailable":
            kv["why"] = line.split(" why=", 1)[-1]
        if kind == "ksym":	# address, type, name[, [module]]
            rows.append({"kind": kind, "addr": int(words[2], 16), "name": " ".join(words[4:])})
        elif kind in ("info",):
            info.update(kv)
        elif kind in ("count", "cost", "wall", "top", "mem", "reader", "unavailable", "records", "profile"):
            kv["kind"] = kind
            rows.append(kv)
        else:
            other.append(line[6:])
    return rows, info, other


def f(x, nd=0):
    return "n/a" if x is None else f"{x:,.{nd}f}"


def section(kver, icount_log, wall_log, profile_dir):
    irows, iinfo, iother = parse(icount_log)
    wrows, winfo, wother = parse(wall_log)
    md, verdicts = [], []

    # 1. Deterministic cost.
    counts = [int(r["transitions"]) for r in irows if r["kind"] == "count"]
    trans = counts[0] if counts else None
    cost = {}
    for r in irows:
        if r["kind"] == "cost":
            cost.setdefault(r["obs"], []).append(int(r["busy_ns"]))
    base = cost.get("base", [])
    base_mean = st.median(base) if base else None
    added = {}
    md.append(f"## Kernel {kver}\n")
    md.append(f"Kernel {kver}; cost runs on {iinfo.get('cpus', '?')} vCPU, wall-clock and completeness "
              f"runs on {winfo.get('cpus', '?')} vCPUs; {os.environ.get('TCPTRAIL_BENCH_QEMU', 'QEMU')} TCG. "
              f"Generated {datetime.date.today()} by `make bench`.\n")
    md.append("### 1. Cost per transition (QEMU TCG `-icount shift=0,sleep=off`: 1 guest ns = 1 instruction)\n")
    if trans and base:
        conns = int(next(r for r in irows if r["kind"] == "cost")["conns"])
        spread = (max(base) - min(base)) / base_mean * 100
        md.append(f"Workload: `churn -n {conns}` (one process: IPv4/IPv6 x client/server closes first), "
                  f"{trans:,} transitions per run (tracefs hist, runs: {', '.join(map(str, counts))}). "
                  f"Baseline: {base_mean / trans:,.0f} guest instructions per transition "
                  f"({len(base)} runs, median; spread {spread:.2f}%, min to max). Cost = the CPU's busy time "
                  "(/proc/schedstat) over the run and the 62 s after it (readers drain, its TIME_WAIT sockets end), minus the baseline, "
                  "divided by the transitions.\n")
        md.append("| observer | added instr / transition (median) | min | max | runs |")
        md.append("|---|---:|---:|---:|---:|")
        for obs, v in cost.items():
            if obs == "base":
                continue
            a = [(x - base_mean) / trans for x in v]
            added[obs] = st.median(a)
            md.append(f"| {OBS_NAMES.get(obs, obs)} | {f(st.median(a))} | {f(min(a))} | {f(max(a))} | {len(a)} |")
        md.append("")
    else:
        md.append("(no icount results)\n")

    written = next((r for r in irows if r["kind"] == "records"), None)
    per_tr = int(written["written"]) / (int(written["runs"]) * trans) if written and trans else None
    if all(k in added for k in ("tcptrail", "tcptrail-off", "tcptrail-filtered")):
        hooks, rec = added["tcptrail-off"], added["tcptrail"] - added["tcptrail-off"]
        tp = added.get("tcptrail-tp-off")
        md.append("Where tcptrail's own instructions go (no reader), from the ablations: "
                  f"**{hooks:.0f}** per transition in the hooks with recording off: the tracepoint probe"
                  + (f" ({tp:.0f} alone)" if tp is not None else "") +
                  ", and the entry hooks on inet_csk_clone_lock, security_sock_graft, tcp_time_wait, "
                  "the timewait hash dance, tcp_timewait_state_process and __inet_twsk_schedule, "
                  "which fire per connection, not per transition; "
                  f"{added['tcptrail-filtered'] - hooks:.0f} more to evaluate a port filter; and "
                  f"**{rec:.0f}** to write the records (cookie, clock, the namespace's counter, the "
                  "slot's compare-and-exchange, the copy; with no listener the notification is one "
                  "load), "
                  + (f"{per_tr:.2f} records per transition (state, plus timewait, accept and totals records), "
                     f"so {rec / per_tr:.0f} per record." if per_tr else
                     "about 1.5 records per transition (state, plus timewait, accept and totals records).")
                  + "\n")
        md.append("Section 5 splits tcptrail's instructions by kernel function, exactly, and sets them "
                  "against the 150 target.\n")
    readers = [r for r in irows if r["kind"] == "reader"]
    if readers and trans:
        reps = len(cost.get("tcptrail", [])) or 3
        seen = reps * trans
        md.append("Where a reader's instructions go (its own CPU time over the measured runs, sampled "
                  "at the guest's tick, 1 tick = 4 M instructions; "
                  "the rest of an observer's cost is the probes and kernel threads):\n")
        md.append("| reader | user instr / transition | system instr / transition |")
        md.append("|---|---:|---:|")
        for r in readers:
            ns = 1e9 / int(r["hz"])
            md.append(f"| {OBS_NAMES.get(r['obs'], r['obs'])} | {int(r['utime_ticks']) * ns / seen:,.0f} | "
                      f"{int(r['stime_ticks']) * ns / seen:,.0f} |")
        md.append("")

    # 2. Wall clock.
    accel = "KVM" if os.environ.get("TCPTRAIL_VM_ACCEL") == "kvm" else "plain TCG, single-threaded"
    md.append(f"### 2. Wall clock ({accel}; baseline and observer interleaved A B A B)\n")
    pairs = {}
    for r in wrows:
        if r["kind"] == "wall":
            pairs.setdefault((r["pair"], r["rep"]), {})[r["obs"]] = float(r["conns_per_s"])
    ratios, basecps = {}, []
    for (pair, rep), d in pairs.items():
        if "base" in d and pair in d:
            ratios.setdefault(pair, []).append(d[pair] / d["base"])
            basecps.append(d["base"])
    if ratios:
        md.append(f"Baseline: median {st.median(basecps):,.0f} connections/s "
                  f"(min {min(basecps):,.0f}, max {max(basecps):,.0f}; the host runs other VMs, so this is noisy).\n")
        md.append("| observer | conns/s ratio to baseline: min | median | max | pairs |")
        md.append("|---|---:|---:|---:|---:|")
        for obs, v in ratios.items():
            md.append(f"| {OBS_NAMES.get(obs, obs)} | {min(v):.3f} | {st.median(v):.3f} | {max(v):.3f} | {len(v)} |")
        md.append("")
    else:
        md.append("(no wall-clock results)\n")

    # 3. Completeness.
    md.append(f"### 3. Completeness at the top churn rate (one worker per CPU, {accel})\n")
    top = [r for r in wrows if r["kind"] == "top"]
    complete = {}
    if top:
        md.append("| observer | conns/s | transitions caused (hist) | delivered | lost | reported lost |")
        md.append("|---|---:|---:|---:|---:|---:|")
        for r in top:
            caused = int(r["transitions"])
            if r["obs"] == "base":
                md.append(f"| no observer | {float(r['conns_per_s']):,.0f} | {caused:,} | | | |")
                continue
            dl = int(r.get("delivered", -1))
            missed = int(r.get("missed", 0))
            lost = caused - dl if dl >= 0 else None
            note = ""
            if r["obs"] == "tcptrail":
                note = f" (recorded by the probe; ring overwrote {r.get('ring_overwritten', '?')} records: no reader)"
            if r["obs"] == "tcptrail-timeline":
                note = " (prints a connection when its TIME_WAIT ends, 60 s later: only losses are countable)"
            complete[r["obs"]] = (caused, dl, missed)
            md.append(f"| {OBS_NAMES.get(r['obs'], r['obs'])}{note} | {float(r['conns_per_s']):,.0f} | {caused:,} | "
                      f"{'n/a' if dl < 0 else f'{dl:,}'} | {'n/a' if lost is None else f'{lost:,}'} | {missed:,} |")
        md.append("")
    else:
        md.append("(no completeness results)\n")

    wakes = [r for r in top if "dumps" in r]
    if wakes:
        md.append("Wake-ups of the readers at this rate (their own count, `TCPTRAIL_DEBUG_DUMPS=1`: a dump per "
                  "notification, at most one notification per 10 ms):\n")
        md.append("| reader | dumps | messages | records | records per dump |")
        md.append("|---|---:|---:|---:|---:|")
        for r in wakes:
            d, m, n = (int(r[k]) for k in ("dumps", "messages", "records_read"))
            md.append(f"| {OBS_NAMES.get(r['obs'], r['obs'])} | {d:,} | {m:,} | {n:,} | {n / d if d else 0:,.0f} |")
        md.append("")

    # 4. Memory.
    md.append("### 4. Memory\n")
    mem = [r for r in irows if r["kind"] == "mem"]
    if mem:
        md.append("| ring_size | bytes / record | module core (coresize) | vmalloc (ring, incl. guard pages) | slab delta at load | total |")
        md.append("|---:|---:|---:|---:|---:|---:|")
        for r in mem:
            ring, core, vm, slab = (int(r[k]) for k in ("ring_size", "coresize", "vmalloc", "slab_delta"))
            md.append(f"| {ring:,} | 120 (112 record + 8 state word) | {core:,} | {vm:,} | {slab:,} | "
                      f"{core + vm:,} (+ slab; {(core + vm) / 2**20:.1f} MiB) |")
        md.append("")

    md.extend(profile_section(profile_dir, added.get("tcptrail"), per_tr))

    # Targets.
    def verdict(ok, text):
        verdicts.append(f"- [{'x' if ok else ' '}] {'HOLDS' if ok else 'MISSED'}: {text}")

    def reference(text):
        verdicts.append(f"- (reference, no target) {text}")

    tt = added.get("tcptrail")
    if tt is not None:
        verdict(tt <= 150, f"tcptrail, no reader, adds at most 150 instructions per transition (measured {tt:.0f})")
        for ref in ("ftrace-noreader", "ftrace"):
            if ref in added:
                reference(f"tcptrail, no reader: {tt:.0f}, {tt / added[ref]:.2f} of the {OBS_NAMES[ref]} ({added[ref]:.0f})")
    else:
        verdict(False, "tcptrail, no reader: not measured")
    bpftrace = added.get("bpftrace")
    for reader in ("tcptrail-events", "tcptrail-timeline"):
        if reader not in added or bpftrace is None:
            verdict(False, f"{reader} at most a quarter of bpftrace: "
                    f"{'bpftrace' if bpftrace is None else reader} was not measured")
            continue
        verdict(added[reader] <= bpftrace / 4,
                f"{reader} at most a quarter of bpftrace: {added[reader]:.0f} vs {bpftrace:.0f} / 4 = {bpftrace / 4:.0f}")
    for reader in ("tcptrail-events", "tcptrail-events-text", "tcptrail-timeline"):
        for ebpf in ("bpftrace", "bcc"):
            if reader in added and ebpf in added and not (reader != "tcptrail-events-text" and ebpf == "bpftrace"):
                reference(f"{OBS_NAMES[reader]}: {added[reader]:.0f}, {added[reader] / added[ebpf]:.2f} of {OBS_NAMES[ebpf]} ({added[ebpf]:.0f})")
    if "tcptrail-events" in complete:
        caused, dl, missed = complete["tcptrail-events"]
        verdict(dl == caused,
                f"tcptrail events --follow delivers 100% at the top rate: {dl:,} of {caused:,} transitions"
                + (f"; it reported {missed:,} records missed (records of every kind, so not checkable "
                   "against the transitions alone)" if missed else ""))
    else:
        verdict(False, "tcptrail events --follow delivers 100% at the top rate: not measured")
    gone = {}
    for r in irows + wrows:
        if r["kind"] == "unavailable":
            gone.setdefault(r["obs"], r["why"])
    if gone:
        md.append("### Observers that could not run on this kernel\n")
        for obs, why in gone.items():
            md.append(f"- {OBS_NAMES.get(obs, obs)}: {why}")
        md.append("")
    md.append("### Targets\n")
    md.extend(verdicts)
    md.append("")
    notes = [o for o in iother + wother if not o.startswith("done")]
    if notes:
        md.append("### Raw notes from the guest\n")
        md.append("```")
        md.extend(notes)
        md.append("```")
        md.append("")
    return md


# Where an added instruction belongs, by the function it ran in.
PROFILE_PARTS = (
    ("the kernel's call of the tracepoint probe (its call site)",
     lambda fn: fn in ("inet_sk_state_store", "inet_sk_set_state")),
    ("the clock, one CLOCK_MONOTONIC read per record event (`ktime_get_mono_fast_ns`)",
     lambda fn: fn in ("ktime_get_mono_fast_ns", "read_tsc")),
    ("socket cookies made on first use (sock_diag)",
     lambda fn: fn in ("sock_diag_save_cookie", "__sock_gen_cookie", "__sock_gen_cookie.part.0")),
    ("the entry hooks: ftrace's trampolines",
     lambda fn: fn.startswith("ftrace_trampoline")),
    ("the entry hooks: tcptrail's handlers (`*_entry`, `entry_*`)",
     lambda fn: fn.endswith("[tcptrail]") and (fn.split(" ")[0].endswith("_entry")
                                               or fn.startswith("entry_"))),
    ("tcptrail's probe, record writes and their helpers",
     lambda fn: fn.endswith("[tcptrail]")),
    ("the rest of the kernel (run-to-run noise included)", lambda fn: True),
)


def profile_runs(profile_dir):
    """{observer: Counter(function: instructions)}, transitions per run."""
    rows, _, _ = parse(os.path.join(profile_dir, "output.log"))
    syms = sorted((r["addr"], r["name"]) for r in rows
                  if r["kind"] == "ksym" and not r["name"].startswith("__pfx_"))
    addrs = [a for a, _ in syms]
    runs = [r for r in rows if r["kind"] == "profile"]
    if not syms or not runs:
        return {}, None

    def snapshot(i):
        d = {}
        with open(os.path.join(profile_dir, "snap", f"snap.{i}")) as fh:
            for line in fh:
                addr, insns, count = line.split()
                d[(int(addr, 16), int(insns))] = int(count)
        return d

    out = {}
    for i, r in enumerate(runs):
        try:
            before, after = snapshot(2 * i), snapshot(2 * i + 1)
        except OSError:
            return {}, None
        per = collections.Counter()
        for (addr, insns), count in after.items():
            ran = count - before.get((addr, insns), 0)
            j = bisect.bisect_right(addrs, addr) - 1
            if ran > 0 and j >= 0:
                per[syms[j][1]] += ran * insns
        out[r["obs"]] = per
    # 10 per connection, and the close of the worker's two listeners.
    return out, 10 * int(runs[0]["conns"]) + 2


def profile_section(profile_dir, icount_added, records_per_transition):
    md = ["### 5. Where tcptrail's instructions go (no reader; exact, per kernel function)\n"]
    runs, trans = profile_runs(profile_dir)
    if "base" not in runs or "tcptrail" not in runs:
        md.append("(no profile: the profile phase did not run or did not finish)\n")
        return md
    base, tt = runs["base"], runs["tcptrail"]
    added = {fn: (tt[fn] - base[fn]) / trans for fn in set(base) | set(tt)}
    total = sum(added.values())
    md.append("Counted by the QEMU plugin [`insn-profile.c`](../tools/testing/bench/insn-profile.c): every "
              "guest kernel instruction executed between churn's two marks (`churn -M`: the run and the "
              "62 s after it, idle time and its softirqs included, so the TIME_WAIT expiries too), per "
              f"kernel function, in one run with no observer and one with tcptrail loaded and no reader; "
              f"{trans:,} transitions (10 per connection and the close of the two listeners). "
              f"Added per transition: **{total:.0f}**"
              + (f" (the icount figure above, which misses the expiries in idle time: {icount_added:.0f})"
                 if icount_added is not None else "") + ".\n")
    md.append("| part | added instr / transition |")
    md.append("|---|---:|")
    parts = collections.Counter()
    for fn, v in added.items():
        parts[next(name for name, match in PROFILE_PARTS if match(fn))] += v
    for name, _ in PROFILE_PARTS:
        md.append(f"| {name} | {parts[name]:.1f} |")
    md.append("")
    site, clock, tramp, handlers, own = (parts[PROFILE_PARTS[i][0]] for i in (0, 1, 3, 4, 5))
    if records_per_transition:
        left = 150 - site - clock - tramp - handlers
        md.append(f"Against the 150 target: before tcptrail copies a byte, the kernel's call of its probe "
                  f"({site:.0f}), the clock ({clock:.0f}) and the entry hooks ({tramp + handlers:.0f}: the "
                  "TIME_WAIT, accept and child-cookie hooks, which fire per connection) take "
                  f"{site + clock + tramp + handlers:.0f} per transition. That leaves {left:.0f} for "
                  f"{records_per_transition:.2f} records per transition, {left / records_per_transition:.0f} "
                  f"each, where the probe and the record writes cost {own / records_per_transition:.0f} per "
                  "record today: a reservation in the ring (one add, one compare-and-exchange), the "
                  "namespace's counter, and 112 bytes gathered from the socket, its namespace, its cgroup "
                  "and the task. So 150 is out of reach while each record carries its own CLOCK_MONOTONIC "
                  "time, endpoints and task: it takes a new record layout (the totals and the TIME_WAIT "
                  "entry folded into the closing state record, follow-up records that carry only what "
                  "changed) together with a cheaper clock than CLOCK_MONOTONIC.\n")
    md.append("The functions behind it (at least 0.5 per transition either way):\n")
    md.append("| function | no observer | tcptrail | added |")
    md.append("|---|---:|---:|---:|")
    for fn in sorted(added, key=lambda k: -abs(added[k])):
        if abs(added[fn]) < 0.5:
            break
        md.append(f"| `{fn}` | {base[fn] / trans:.1f} | {tt[fn] / trans:.1f} | {added[fn]:.1f} |")
    md.append("")
    return md


def main():
    out_md, runs = sys.argv[1], sys.argv[2:]
    if not runs or len(runs) % 4:
        sys.exit(__doc__)
    md = []
    for i in range(0, len(runs), 4):
        md.extend(section(*runs[i:i + 4]))
    text = "\n".join(md)
    print(text)
    with open(out_md, "w") as fh:
        fh.write(HEADER + SHARED_WRITES + text)


HEADER = """# tcptrail benchmark

`make bench` (`tools/testing/bench/bench.sh`) boots the VM three times on each
kernel (Debian's 6.12 and the newest 7.x by default; `TCPTRAIL_KERNELS`
picks others) and measures, side by side, what each observer of TCP state
transitions costs: no observer; tcptrail loaded with no reader, with
`tcptrail events --follow --json > /dev/null`, with `tcptrail events
--follow > /dev/null` (text), with `tcptrail timeline --follow --json >
/dev/null`; the ftrace event `sock/inet_sock_set_state` with
`cat trace_pipe > /dev/null`; the bpftrace program
[`tools/testing/bench/tcpstates.bt`](../tools/testing/bench/tcpstates.bt)
(bcc's tcpstates, one line per event); bcc's `tcpstates-bpfcc`. Each is
attached alone, and a run starts only once it is attached (the module is
`live`, the event's `enable` reads 1, `bpftool perf` lists the program on
the tracepoint) and its reader has settled, blocked in a wait.

The workload is [`churn`](../tools/testing/bench/churn.c): N loopback
connections, IPv4 and IPv6, client or server closing first, in one process
or one worker per CPU. The transitions a run causes are counted by the
kernel with a tracefs hist trigger on `sock:inet_sock_set_state`
(`hist:keys=protocol if protocol == 6`, its total `Hits`), and the
connections by `/proc/net/snmp` (`ActiveOpens` + `PassiveOpens`).

- **Cost** runs under `-icount shift=0,sleep=off` on one vCPU: the guest
  clock advances 1 ns per instruction, so the CPU's busy time
  (`/proc/schedstat`, time spent running tasks) over a run and the 62 s
  after it is the number of instructions everything executed: the
  workload, the probes, the readers, kernel threads. Idle time is not
  counted, nor are interrupts and softirqs that land while the CPU idles:
  the expiry of the run's TIME_WAIT sockets happens there, so the two
  entry hooks and one record tcptrail spends per connection at that moment
  are missing from its figure (no other observer does anything then). With two
  vCPUs a busy CPU's clock would also advance for the other's instructions.
- **Wall clock**: connections/s under plain TCG, each observer's run next to
  a baseline run, repeated.
- **Completeness**: one worker per CPU (the highest rate), observers
  writing to a file; delivered lines against the hist count.
- **Memory**: `/sys/module/tcptrail/coresize`, the module's areas in
  `/proc/vmallocinfo` and the `Slab:` change across `insmod`.
- **Profile**: a third boot loads the QEMU plugin
  [`insn-profile.c`](../tools/testing/bench/insn-profile.c), which counts
  every guest kernel instruction by the block it ran in. One run with no
  observer and one with tcptrail and no reader, each between two marks
  that churn executes (`-M`), give tcptrail's added instructions per kernel
  function, named from the guest's `/proc/kallsyms`: exact, with no
  sampling.

"""

SHARED_WRITES = """## What a record writes that other CPUs write too

Counted from the code (`kmod/record.c`, `kmod/ring.c`), not measured: the
cache lines one record stores to that another CPU's records also store to.

| line | written per record | shared by |
|---|---|---|
| the ring head (`atomic64_inc_return`) | always | every CPU |
| the slot: an 8-byte state word and the 112-byte record, 120 bytes, so 2 or 3 lines | always | the neighbouring slots at its edges, written by whichever CPUs took them |
| the namespace's `written` (`netns_seq`, the exact per-namespace loss count) | always | every CPU writing records of that namespace |
| the namespace's `entered[state]` | state records | nobody: per CPU, summed when read |
| the not-recorded and filtered counters | when recording is off or a filter skips | nobody: per CPU |
| the notification's pending bits | at most once per 10 ms and namespace, only with a listener | every CPU |
| the new-data hook (`kmod/record.c`) | never: read per record, written when a listener comes or goes | read by every CPU |

So a record writes its slot plus two shared counters, the ring head and
its namespace's `written`: the target, the slot plus at most one shared
counter, is **MISSED** by one. On a 64-core host at 1M transitions/s (1.5M
records/s) each shared line moves between cores with nearly every record:
at about 100 ns per contended transfer within a socket (300 ns across
sockets) the ring head alone is busy 15-45% of the time and `written` as
much again, for the host's namespace; the slot's lines move only where
neighbouring records come from different CPUs. `written` is what gives a
reader of one namespace its exact loss count (`netns_seq`); taking it per
CPU, with the CPU in the record, would leave only the ring head shared, at
the price of a new record layout and per-CPU cursors for readers.

"""


if __name__ == "__main__":
    main()
