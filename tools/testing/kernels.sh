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

found=0
for pattern in '6.1.*-amd64' '6.12.*+deb12-amd64'; do
	newest=
	for img in /boot/vmlinuz-$pattern; do
		v=${img#/boot/vmlinuz-}
		case $v in *-rt-*|*-cloud-*) continue ;; esac
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
