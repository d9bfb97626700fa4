#!/bin/bash
# `make demo`: boot a VM with the newest supported kernel, load tcptrail.ko,
# make real TCP traffic (an HTTP server and its clients, a refused connect,
# a reset) and show what tcptrail recorded, one conversation as a ladder
# diagram. Installs what it needs.
# The kernel: the newest host kernel (6.12), which needs no chroot.
# Env: TCPTRAIL_KERNELS picks another (the last one listed is used), e.g.
# TCPTRAIL_KERNELS=7.x for the newest 7.x (tools/testing/foreign-kernel.sh).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
t=$root/tools/testing
cd "$root"

"$t/deps.sh"
kver=$("$t/kernels.sh" | tail -n 1)
echo "== building tcptrail.ko for $kver and the tcptrail tool"
# On the host or in the kernel's chroot; warnings do not stop a demo.
brc=0
"$t/build-module.sh" -q "$kver" > build/demo-build.log 2>&1 || brc=$?
[ "$brc" -eq 0 ] || [ "$brc" -eq 3 ] ||
	{ cat build/demo-build.log "build/$kver/w1-build.log" 2>/dev/null; exit 1; }
make -s -C "$root/user" > /dev/null
echo "== booting $kver under QEMU (a few seconds under TCG)"
exec "$t/qemu/vm.sh" -k "$kver" -t 600 -o build/demo -- tools/testing/qemu/guest-demo.sh
