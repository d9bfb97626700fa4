#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the BENCH lines of the two benchmark VMs into docs/bench.md.

usage: report.py ICOUNT_OUTPUT_LOG WALL_OUTPUT_LOG KVER OUT.md
Prints the markdown to stdout as well, with whether each target holds.
"""
import datetime
import os
import statistics as st
import sys

OBS_NAMES = {
    "tcptrail": "tcptrail, no reader",
    "tcptrail-off": "ablation: tcptrail hooks only (`config set disable`)",
    "tcptrail-filtered": "ablation: hooks + filter (`config set ports 1`)",
    "tcptrail-events": "tcptrail + `events --follow --json`",
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
        if kind in ("info",):
            info.update(kv)
        elif kind in ("count", "cost", "wall", "top", "mem", "reader"):
            kv["kind"] = kind
            rows.append(kv)
        else:
            other.append(line[6:])
    return rows, info, other


def f(x, nd=0):
    return "n/a" if x is None else f"{x:,.{nd}f}"


def main():
    icount_log, wall_log, kver, out_md = sys.argv[1:5]
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

    if all(k in added for k in ("tcptrail", "tcptrail-off", "tcptrail-filtered")):
        hooks, rec = added["tcptrail-off"], added["tcptrail"] - added["tcptrail-off"]
        md.append("Where tcptrail's own instructions go (no reader), from the ablations: "
                  f"**{hooks:.0f}** per transition in the hooks with recording off (the tracepoint probe "
                  "and the kprobes on inet_csk_clone_lock, security_sock_graft and the timewait functions plus the kretprobe on inet_twsk_alloc, which fire per connection, "
                  "not per transition), "
                  f"{added['tcptrail-filtered'] - hooks:.0f} more to evaluate a port filter, and "
                  f"**{rec:.0f}** to write the records (cookie, clock, two shared atomic counters, the "
                  "slot's compare-and-exchange, the copy, the netlink listener check), for about "
                  "1.5 records per transition (state, plus timewait, accept and totals records).\n")
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

    # 4. Memory.
    md.append("### 4. Memory\n")
    mem = [r for r in irows if r["kind"] == "mem"]
    if mem:
        md.append("| ring_size | bytes / record | module core (coresize) | vmalloc (ring, incl. guard pages) | slab delta at load | total |")
        md.append("|---:|---:|---:|---:|---:|---:|")
        for r in mem:
            ring, core, vm, slab = (int(r[k]) for k in ("ring_size", "coresize", "vmalloc", "slab_delta"))
            md.append(f"| {ring:,} | 112 (104 record + 8 state word) | {core:,} | {vm:,} | {slab:,} | "
                      f"{core + vm:,} (+ slab; {(core + vm) / 2**20:.1f} MiB) |")
        md.append("")

    # Targets.
    def verdict(ok, text):
        verdicts.append(f"- [{'x' if ok else ' '}] {'HOLDS' if ok else 'MISSED'}: {text}")

    tt = added.get("tcptrail")
    if tt is not None:
        verdict(tt <= 150, f"tcptrail, no reader, adds at most 150 instructions per transition (measured {tt:.0f})")
        if "ftrace" in added:
            verdict(tt <= added["ftrace"] / 2,
                    f"tcptrail, no reader, at most half of the ftrace event: {tt:.0f} vs {added['ftrace']:.0f} / 2 = {added['ftrace'] / 2:.0f}")
        if "ftrace-noreader" in added:
            verdict(tt <= added["ftrace-noreader"] / 2,
                    f"(for reference) tcptrail, no reader, at most half of the ftrace event with no reader: "
                    f"{tt:.0f} vs {added['ftrace-noreader']:.0f} / 2 = {added['ftrace-noreader'] / 2:.0f}")
    for reader in ("tcptrail-events", "tcptrail-timeline"):
        if reader not in added:
            continue
        for ebpf in ("bpftrace", "bcc"):
            if ebpf in added:
                verdict(added[reader] <= added[ebpf] / 4,
                        f"{reader} at most a quarter of {ebpf}: {added[reader]:.0f} vs {added[ebpf]:.0f} / 4 = {added[ebpf] / 4:.0f}")
            else:
                verdict(False, f"{reader} vs {ebpf}: {ebpf} was not measured")
    if "tcptrail-events" in complete:
        caused, dl, missed = complete["tcptrail-events"]
        verdict(dl == caused,
                f"tcptrail events --follow delivers 100% at the top rate: {dl:,} of {caused:,} transitions"
                + (f"; it reported {missed:,} records missed (records of every kind, so not checkable "
                   "against the transitions alone)" if missed else ""))
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
    text = "\n".join(md)
    print(text)
    with open(out_md, "w") as fh:
        fh.write(HEADER + text)


HEADER = """# tcptrail benchmark

`make bench` (`tools/testing/bench/bench.sh`) boots the VM twice on the same
kernel and measures, side by side, what each observer of TCP state
transitions costs: no observer; tcptrail loaded with no reader, with
`tcptrail events --follow --json > /dev/null`, with `tcptrail timeline
--follow --json > /dev/null`; the ftrace event `sock/inet_sock_set_state` with
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
  kprobes and one record tcptrail spends per connection at that moment are
  missing from its figure (no other observer does anything then). With two
  vCPUs a busy CPU's clock would also advance for the other's instructions.
- **Wall clock**: connections/s under plain TCG, each observer's run next to
  a baseline run, repeated.
- **Completeness**: one worker per CPU (the highest rate), observers
  writing to a file; delivered lines against the hist count.
- **Memory**: `/sys/module/tcptrail/coresize`, the module's areas in
  `/proc/vmallocinfo` and the `Slab:` change across `insmod`.

"""

if __name__ == "__main__":
    main()
