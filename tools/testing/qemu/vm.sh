#!/bin/bash
# Boot kernel KVER in QEMU with the host's / as the guest's root
# (read-only 9p + tmpfs overlay), run CMD as root in the repo root, power off.
# Exit 0 only if CMD exited 0, the guest's success token arrived on its own
# serial port, and the kernel log has no WARN/BUG/Oops/... lines.
# Exit 1: CMD failed but the kernel stayed clean. Exit 2: VM-level failure
# (crash, WARN, hang, timeout, missing token) or bad usage.
set -euo pipefail

usage() {
	cat >&2 <<USAGE
usage: $0 -k KVER [-K IMAGE] [-t TIMEOUT_S] [-o OUTDIR] -- CMD [ARGS...]
  -k KVER     kernel to boot (see tools/testing/kernels.sh): a foreign kernel
              unpacked in build/kernels/KVER by tools/testing/foreign-kernel.sh
              (its vmlinuz and modules; the guest's /lib/modules/KVER points
              there), else the host's /boot/vmlinuz-KVER and /lib/modules/KVER
  -K IMAGE    boot IMAGE instead, a kernel built here with everything the VM
              needs built in (tools/testing/debug-kernel.sh); KVER is its release
  -t SECONDS  give up after this long (default 600)
  -o OUTDIR   where console.log, output.log, dmesg.log go (default: new build/vm/KVER.XXXXXX)
env: TCPTRAIL_VM_ACCEL=kvm to use KVM instead of TCG (off by default: KVM
     guests hang on some hosts); TCPTRAIL_VM_TCG_THREAD=multi for one host
     thread per vCPU (see below); TCPTRAIL_VM_VERBOSE=1 to stream the console too;
     TCPTRAIL_VM_CPUS=N vCPUs (default 2);
     TCPTRAIL_VM_QEMU_EXTRA="..." appends options to qemu's command line (split
     on spaces), e.g. "-icount shift=0,sleep=off" (TCG single-threaded only).
USAGE
	exit 2
}

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
kver= image= timeout_s=600 outdir=
while getopts k:K:t:o:h opt; do
	case $opt in
	k) kver=$OPTARG ;;
	K) image=$OPTARG ;;
	t) timeout_s=$OPTARG ;;
	o) outdir=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ -n "$kver" ] && [ $# -gt 0 ] || usage

# A foreign kernel (tools/testing/foreign-kernel.sh): image and modules from
# its unpacked packages, vmlinuz in boot/ (5.10) or lib/modules/KVER/ (7.x).
tree=$root/build/kernels/$kver
kmods=
if [ -z "$image" ] && [ -e "$tree/.tcptrail-ready" ]; then
	kmods=$tree/lib/modules/$kver
	kernel=$tree/boot/vmlinuz-$kver
	[ -r "$kernel" ] || kernel=$kmods/vmlinuz
	[ -r "$kernel" ] || { echo "vm.sh: no boot/vmlinuz-$kver nor lib/modules/$kver/vmlinuz in $tree: remove it and run tools/testing/foreign-kernel.sh $kver" >&2; exit 2; }
else
	kernel=${image:-/boot/vmlinuz-$kver}
	[ -r "$kernel" ] || { echo "vm.sh: $kernel not readable: install the kernel (tools/testing/deps.sh), unpack a foreign one (tools/testing/foreign-kernel.sh 5.10 or 7.x) or pick one from tools/testing/kernels.sh" >&2; exit 2; }
fi
command -v qemu-system-x86_64 >/dev/null || { echo "vm.sh: qemu-system-x86_64 missing: run tools/testing/deps.sh" >&2; exit 2; }

# Default: a fresh directory per run, so concurrent runs never share logs.
if [ -z "$outdir" ]; then
	mkdir -p "$root/build/vm"
	find "$root/build/vm" -mindepth 1 -maxdepth 1 -mmin +1440 -exec rm -rf {} + 2>/dev/null || true  # a day's worth
	outdir=$(mktemp -d "$root/build/vm/$kver.XXXXXX")
fi
mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)
# Both paths travel on the kernel command line, which splits on spaces.
case "$root$outdir$kver" in *[[:space:]]*)
	echo "vm.sh: '$root', '$kver' or '$outdir' contains whitespace; move the repo or pass -o DIR without spaces" >&2; exit 2 ;;
esac

# Per-kernel initramfs, rebuilt when its recipe or a foreign kernel's tree changes.
initrd=$root/build/initramfs/$kver.cpio
if [ ! -s "$initrd" ] || [ "$here/mkinitramfs.sh" -nt "$initrd" ] || [ "$here/initramfs-init" -nt "$initrd" ] ||
	{ [ -n "$kmods" ] && [ "$tree/.tcptrail-ready" -nt "$initrd" ]; }; then
	"$here/mkinitramfs.sh" "$kver" "$initrd" ${image:+--no-modules} ${kmods:+--base "$tree"}
fi

# The job: CMD's argv, NUL-separated so any argument survives; the guest
# reads it through the read-only share of the host's /.
rm -f "$outdir"/{console,output,dmesg,qemu}.log "$outdir/result"
printf '%s\0' "$@" > "$outdir/args"
: > "$outdir/output.log"

# TCG runs both vCPUs in one host thread by default: with one thread per
# vCPU, 6.12 guests take a stray int3 when a tracepoint's static key is
# toggled under load (reproduced with ftrace alone, no tcptrail loaded:
# echo 1/0 > events/sock/inet_sock_set_state/enable while connections
# churn). TCPTRAIL_VM_TCG_THREAD=multi brings the faster, racy mode back.
case ${TCPTRAIL_VM_ACCEL:-tcg} in
kvm) accel=(-accel kvm -cpu host) ;;
tcg) accel=(-accel "tcg,thread=${TCPTRAIL_VM_TCG_THREAD:-single}" -cpu max) ;;
*) echo "vm.sh: TCPTRAIL_VM_ACCEL must be tcg or kvm" >&2; exit 2 ;;
esac
read -r -a qemu_extra <<< "${TCPTRAIL_VM_QEMU_EXTRA:-}"

cmdline=(
	console=ttyS0 loglevel=5
	panic_on_warn=1 oops=panic panic=-1 softlockup_panic=1
	rdinit=/init mitigations=off random.trust_cpu=on
	tcptrail.root="$root" tcptrail.job="$outdir"
	${kmods:+tcptrail.kmods="$kmods"}
)

start=$(date +%s)
timeout -k 10 "$timeout_s" qemu-system-x86_64 \
	"${accel[@]}" "${qemu_extra[@]}" -smp "${TCPTRAIL_VM_CPUS:-2}" -m 2G \
	-nographic -nodefaults -no-reboot -monitor none \
	-kernel "$kernel" -initrd "$initrd" -append "${cmdline[*]}" \
	-fsdev local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap \
	-device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot \
	-serial "file:$outdir/console.log" \
	-serial "file:$outdir/output.log" \
	-serial "file:$outdir/result" \
	-serial "file:$outdir/dmesg.log" \
	< /dev/null > "$outdir/qemu.log" 2>&1 &
qpid=$!
trap 'kill $qpid 2>/dev/null' INT TERM

# Stream the job's output (and, if asked, the console) while the VM runs.
tail_files=("$outdir/output.log")
[ "${TCPTRAIL_VM_VERBOSE:-0}" = 1 ] && { : > "$outdir/console.log"; tail_files+=("$outdir/console.log"); }
tail -q -n +1 -s 0.2 --pid=$qpid -f "${tail_files[@]}" &
tpid=$!
qrc=0
wait $qpid || qrc=$?
wait $tpid || true
elapsed=$(( $(date +%s) - start ))

# Verdict. The console is scanned too: a panic never reaches dmesg.log.
bad_re=$(grep -v -e '^#' -e '^$' "$here/bad-patterns" | paste -sd'|')
bad=$(grep -aE -- "$bad_re" "$outdir/console.log" "$outdir/dmesg.log" 2>/dev/null || true)
exit_line=$(grep -a '^TCPTRAIL-VM-EXIT: ' "$outdir/result" 2>/dev/null || true)
result=$(grep -a '^TCPTRAIL-VM-RESULT: ' "$outdir/result" 2>/dev/null | tail -n1 || true)
result=${result#TCPTRAIL-VM-RESULT: }

why=
if [ "$qrc" -eq 124 ] || [ "$qrc" -eq 137 ]; then
	why="timed out after ${timeout_s}s (hang? raise -t if the job is just slow)"
elif [ "$qrc" -ne 0 ]; then
	why="qemu exited with status $qrc (see $outdir/qemu.log)"
elif [ -n "$bad" ]; then
	why="kernel log has WARN/BUG/Oops/panic lines"
elif [ -z "$result" ]; then
	why="no result token from the guest (it crashed or never ran the job)"
elif [ "$result" = success ]; then
	echo "vm.sh: $kver: success in ${elapsed}s (logs in $outdir)"
	exit 0
elif [ "$result" = command-failed ]; then
	echo "vm.sh: $kver: command failed (${exit_line#TCPTRAIL-VM-}) in ${elapsed}s; kernel log clean (logs in $outdir)" >&2
	exit 1
else
	why="guest reported: $result"
fi

{
	echo "vm.sh: $kver: FAILED: $why"
	echo "---- last 40 console lines ($outdir/console.log) ----"
	tail -n 40 "$outdir/console.log" 2>/dev/null | tr -d '\r'
	[ -s "$outdir/qemu.log" ] && { echo "---- qemu ----"; tail -n 10 "$outdir/qemu.log"; }
	[ -n "$bad" ] && { echo "---- bad kernel log lines ----"; echo "$bad" | tr -d '\r' | head -n 40; }
	echo "----"
} >&2
exit 2
