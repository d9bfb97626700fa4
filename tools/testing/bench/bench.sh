#!/bin/bash
# `make bench`: measure what observing TCP state transitions costs, side by
# side on one kernel and workload: no observer, tcptrail (no reader, events
# --follow, timeline --follow), the ftrace event, bpftrace, bcc tcpstates.
# Boots the VM three times per kernel: under QEMU -icount (instruction counts,
# repeatable), under plain TCG (wall clock, completeness) and with the
# insn-profile plugin (tcptrail's instructions per kernel function). Prints one markdown report
# and writes it to docs/bench.md. See docs/bench.md for the method.
#
# Env: TCPTRAIL_KERNELS the kernels, each measured on its own (default
# "6.12 7.x": Debian's 6.12 and the newest 7.x); TCPTRAIL_BENCH_CONNS connections per
# run (default 2000); TCPTRAIL_BENCH_REPS repetitions (default 3);
# TCPTRAIL_BENCH_OUT the report (default docs/bench.md);
# TCPTRAIL_BENCH_PHASES="icount wall profile" the VMs to boot (a phase left out
# reuses its last results in build/bench/); TCPTRAIL_BENCH_OBSERVERS="base
# tcptrail ..." only these observers (a quick look; the report then lacks
# the others); TCPTRAIL_VM_ACCEL=kvm runs the
# wall-clock VM under KVM where it works (the instruction counts need TCG).
set -euo pipefail

root=$(cd "$(dirname "$0")/../../.." && pwd)
t=$root/tools/testing
b=$t/bench
out=$root/build/bench
conns=${TCPTRAIL_BENCH_CONNS:-2000}
reps=${TCPTRAIL_BENCH_REPS:-3}
report=${TCPTRAIL_BENCH_OUT:-$root/docs/bench.md}
phases=${TCPTRAIL_BENCH_PHASES:-icount wall profile}
want() { case " $phases " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
cd "$root"
mkdir -p "$out"
start=$(date +%s)

"$t/deps.sh"
# What only the benchmark needs, from Debian's archive.
extra=()
for p in bpfcc-tools python3-bpfcc bpftool bpftrace; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' || extra+=("$p")
done
if [ ${#extra[@]} -gt 0 ]; then
	echo "== installing ${extra[*]}"
	{ apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
		"${extra[@]}"; } < /dev/null > "$out/apt.log" 2>&1 ||
		{ tail -n 20 "$out/apt.log"; exit 1; }
fi

mapfile -t kvers < <(TCPTRAIL_KERNELS=${TCPTRAIL_KERNELS:-6.12 7.x} "$t/kernels.sh")
[ ${#kvers[@]} -gt 0 ] || { echo "bench: no kernel to run on" >&2; exit 1; }
if ! make -s -C "$root/user" > "$out/build.log" 2>&1; then
	[ -x "$root/user/tcptrail" ] || { cat "$out/build.log"; exit 1; }
	echo "bench: warning: building user/tcptrail failed; using the existing binary (see $out/build.log)" >&2
fi
gcc -O2 -Wall -Wextra -Werror -o "$out/churn" "$b/churn.c"
gcc -O2 -Wall -Wextra -Werror -shared -fPIC -fvisibility=hidden \
	-o "$out/insn-profile.so" "$b/insn-profile.c"

report_args=()
n=0
for kver in "${kvers[@]}"; do
	n=$((n + 1))
	k=$out/$kver
	mkdir -p "$k"
	echo "== kernel $n/${#kvers[@]}: $kver: building tcptrail.ko"
	# Exit 3: built, with warnings (make check fails on those, not the bench).
	"$t/build-module.sh" -q "$kver" > "$k/build.log" 2>&1 || [ $? -eq 3 ] ||
		{ cat "$k/build.log"; exit 1; }

	if want icount; then
		echo "== $kver: instruction counts (QEMU -icount shift=0,sleep=off), $reps runs of $conns connections per observer"
		# One vCPU: with two, the clock of a busy CPU also advances for the
		# other's instructions, and busy time would count them twice.
		TCPTRAIL_VM_ACCEL=tcg TCPTRAIL_VM_CPUS=1 TCPTRAIL_VM_QEMU_EXTRA="-icount shift=0,sleep=off" \
			"$t/qemu/vm.sh" -k "$kver" -t 1500 -o "$k/icount" -- \
			tools/testing/bench/guest-bench.sh icount "$conns" "$reps" "${TCPTRAIL_BENCH_OBSERVERS:-}" | grep -v '^BENCH ' || true
	fi
	grep -q '^BENCH done' "$k/icount/output.log" 2>/dev/null ||
		{ echo "bench: the icount VM did not finish (see $k/icount)" >&2; exit 1; }

	if want wall; then
		echo "== $kver: wall clock and completeness (${TCPTRAIL_VM_ACCEL:-tcg})"
		"$t/qemu/vm.sh" -k "$kver" -t 1500 -o "$k/wall" -- \
			tools/testing/bench/guest-bench.sh wall "$conns" "$reps" "${TCPTRAIL_BENCH_OBSERVERS:-}" | grep -v '^BENCH ' || true
	fi
	grep -q '^BENCH done' "$k/wall/output.log" 2>/dev/null ||
		echo "bench: no wall-clock results for $kver (see $k/wall); the report says so" >&2

	if want profile; then
		echo "== $kver: where tcptrail's instructions go (QEMU plugin $b/insn-profile.c), $conns connections"
		rm -rf "$k/profile/snap"; mkdir -p "$k/profile/snap"
		TCPTRAIL_VM_ACCEL=tcg TCPTRAIL_VM_CPUS=1 \
		TCPTRAIL_VM_QEMU_EXTRA="-icount shift=0,sleep=off -plugin $out/insn-profile.so,out=$k/profile/snap/snap" \
			"$t/qemu/vm.sh" -k "$kver" -t 1500 -o "$k/profile" -- \
			tools/testing/bench/guest-bench.sh profile "$conns" 1 | grep -v '^BENCH ' || true
	fi
	grep -q '^BENCH done' "$k/profile/output.log" 2>/dev/null ||
		echo "bench: no profile for $kver (see $k/profile); the report says so" >&2
	report_args+=("$kver" "$k/icount/output.log" "$k/wall/output.log" "$k/profile")
done

TCPTRAIL_BENCH_QEMU=$(qemu-system-x86_64 --version | sed -n '1s/ version / /p') \
	python3 "$b/report.py" "$report" "${report_args[@]}"
echo "== report written to $report ($(( $(date +%s) - start ))s)"
