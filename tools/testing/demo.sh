#!/bin/bash
# `make demo`: boot a VM with the newest supported kernel, load tcptrail.ko,
# make real TCP traffic (an HTTP server and its clients, a refused connect,
# a reset) and show what tcptrail recorded. Installs what it needs.
# Env: TCPTRAIL_KERNELS picks the kernel (first one is used).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
t=$root/tools/testing
cd "$root"

"$t/deps.sh"
kver=$("$t/kernels.sh" | tail -n 1)
echo "== building tcptrail.ko for $kver and the tcptrail tool"
make -s -C "$root" module-for KVER="$kver" > "build/demo-build.log" 2>&1 ||
	{ cat build/demo-build.log; exit 1; }
make -s -C "$root/user" > /dev/null
echo "== booting $kver under QEMU (a few seconds under TCG)"
exec "$t/qemu/vm.sh" -k "$kver" -t 600 -o build/demo -- tools/testing/qemu/guest-demo.sh
