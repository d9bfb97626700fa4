#!/bin/bash
# Runs inside the VM (tools/testing/qemu/vm.sh -- tools/testing/qemu/guest-ksft.sh):
# load tcptrail.ko, run the installed kselftests, unload the module.
# Test results travel as TAP lines; the exit status only says whether the
# module loaded and unloaded and the kselftests ran at all.
set -uo pipefail

: "${TCPTRAIL_KO:?not inside the test VM: run through tools/testing/qemu/vm.sh}"
ksft=$TCPTRAIL_ROOT/build/ksft-install

[ -x "$ksft/run_kselftest.sh" ] || { echo "guest-ksft: $ksft/run_kselftest.sh missing: run tools/testing/ksft-setup.sh"; exit 1; }
[ -f "$TCPTRAIL_KO" ] || { echo "guest-ksft: $TCPTRAIL_KO missing: run make module-for KVER=$KVER"; exit 1; }

if ! insmod "$TCPTRAIL_KO"; then
	echo "guest-ksft: insmod $TCPTRAIL_KO failed; kernel log tail:"
	dmesg | tail -n 20
	exit 1
fi

# Non-zero when a test fails; the TAP lines already say which.
"$ksft/run_kselftest.sh" || true

if ! rmmod tcptrail; then
	echo "guest-ksft: rmmod tcptrail failed (module still in use?)"
	lsmod | grep -w tcptrail
	exit 1
fi
