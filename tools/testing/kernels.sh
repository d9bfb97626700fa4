#!/bin/bash
# Print the kernels to test, one per line: the newest installed Debian 6.1
# and 6.12 amd64 kernels that have both an image and a build tree.
# TCPTRAIL_KERNELS="v1 v2" overrides the choice.
set -euo pipefail

if [ -n "${TCPTRAIL_KERNELS:-}" ]; then
	printf '%s\n' $TCPTRAIL_KERNELS
	exit 0
fi

usable() { [ -e "/boot/vmlinuz-$1" ] && [ -e "/lib/modules/$1/build" ]; }

patterns=('6.1.*-amd64' '6.12.*+deb12-amd64')
# make check-rt: the PREEMPT_RT kernel only.
[ "${TCPTRAIL_WITH_RT:-0}" = 1 ] && patterns=('6.12.*+deb12-rt-amd64')

found=0
for pattern in "${patterns[@]}"; do
	newest=
	for img in /boot/vmlinuz-$pattern; do
		v=${img#/boot/vmlinuz-}
		case $v in *-cloud-*) continue ;; esac
		case $pattern:$v in *-rt-*:*) ;; *:*-rt-*) continue ;; esac
		usable "$v" && newest=$(printf '%s\n%s\n' "$newest" "$v" | sort -V | tail -n1)
	done
	if [ -n "$newest" ]; then
		echo "$newest"
		found=$((found + 1))
	else
		echo "kernels.sh: no usable $pattern kernel (needs /boot/vmlinuz-V and /lib/modules/V/build): run tools/testing/deps.sh" >&2
	fi
done
[ "$found" -gt 0 ]
