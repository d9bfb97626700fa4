#!/bin/bash
# Which kernels to build and test tcptrail on.
#
# Host kernels (installed by deps.sh from bookworm): the newest 6.1 and 6.12.
# Foreign kernels (tools/testing/foreign-kernel.sh: a chroot of their Debian
# release builds the module, the image is unpacked to build/kernels/KVER):
# the newest 5.10 (bullseye) and the newest 7.x (trixie-backports).
#
# usage: kernels.sh              the host kernels, one per line, newest last
#                                (make demo and make bench boot the last one);
#                                TCPTRAIL_KERNELS, if set, resolved instead
#        kernels.sh --check      what check.sh does, one "MODE SPEC" per line:
#                                MODE vm (W=1 build, sparse, VM suite) or build
#                                (W=1 build and sparse only); SPEC unresolved
#        kernels.sh --resolve SPEC   SPEC as KVER (or KVER=IMAGE:KDIR); makes a
#                                foreign kernel ready first (progress on stderr)
#
# A SPEC is a series (5.10, 6.1, 6.12, 6.12-rt, 7, 7.x, 7.3: its newest release), a
# full release (6.12.41+deb12-amd64, 5.10.0-35-amd64, 7.3.1+deb13-amd64), or
# KVER=IMAGE:KDIR: a kernel built here (tools/testing/debug-kernel.sh).
# Env: TCPTRAIL_KERNELS="SPEC..." the kernels (all VM-tested); default for
# --check: 6.1, 6.12 and 7.x VM-tested, 5.10 built only;
# TCPTRAIL_CHECK_ALL=1 (make check-all): 5.10 VM-tested too;
# TCPTRAIL_WITH_RT=1 (make check-rt): Debian's PREEMPT_RT 6.12 only.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

usable() { [ -e "/boot/vmlinuz-$1" ] && [ -e "/lib/modules/$1/build" ]; }

# newest_host GLOB: the newest installed, usable host kernel matching GLOB
# (cloud kernels never; RT kernels only when GLOB asks for them).
newest_host() {
	local img v newest=
	for img in /boot/vmlinuz-$1; do
		v=${img#/boot/vmlinuz-}
		case $v in *-cloud-*) continue ;; esac
		case $1:$v in *-rt-*:*) ;; *:*-rt-*) continue ;; esac
		usable "$v" && newest=$(printf '%s\n%s\n' "$newest" "$v" | sort -V | tail -n1)
	done
	[ -n "$newest" ] && echo "$newest"
}

resolve() {
	local spec=$1 v
	case $spec in
	*=*) echo "$spec"; return ;;	# KVER=IMAGE:KDIR, built here
	esac
	if [ -e "/boot/vmlinuz-$spec" ]; then
		usable "$spec" || { echo "kernels.sh: $spec has no /lib/modules/$spec/build: apt-get install linux-headers-$spec" >&2; return 1; }
		echo "$spec"
		return
	fi
	case $spec in
	5.10 | 5.10.* | 7 | 7.x | 7.[0-9]* | *+deb13-amd64)
		"$here/foreign-kernel.sh" "$spec" ;;
	[0-9].[0-9]-rt | [0-9].[0-9][0-9]-rt)	# PREEMPT_RT: 6.12-rt
		v=$(newest_host "${spec%-rt}.*-rt-amd64") ||
			{ echo "kernels.sh: no installed ${spec%-rt} PREEMPT_RT kernel with headers: run TCPTRAIL_WITH_RT=1 tools/testing/deps.sh" >&2; return 1; }
		echo "$v" ;;
	[0-9].[0-9] | [0-9].[0-9][0-9])	# a host series: 6.1, 6.12
		v=$(newest_host "$spec.*-amd64") ||
			{ echo "kernels.sh: no installed $spec kernel with headers (needs /boot/vmlinuz-$spec.* and /lib/modules/*/build): run tools/testing/deps.sh" >&2; return 1; }
		echo "$v" ;;
	*)
		echo "kernels.sh: unknown kernel '$spec': a series (5.10, 6.1, 6.12, 7.x), a release installed in /boot or KVER=IMAGE:KDIR" >&2
		return 1 ;;
	esac
}

check_list() {
	if [ -n "${TCPTRAIL_KERNELS:-}" ]; then
		printf 'vm %s\n' $TCPTRAIL_KERNELS
	elif [ "${TCPTRAIL_WITH_RT:-0}" = 1 ]; then
		echo "vm 6.12-rt"
	else
		if [ "${TCPTRAIL_CHECK_ALL:-0}" = 1 ]; then echo "vm 5.10"; else echo "build 5.10"; fi
		printf 'vm %s\n' 6.1 6.12 7.x
	fi
}

case ${1-} in
--check)
	[ $# -eq 1 ] || { echo "usage: $0 --check" >&2; exit 2; }
	check_list ;;
--resolve)
	[ $# -eq 2 ] || { echo "usage: $0 --resolve SPEC" >&2; exit 2; }
	resolve "$2" ;;
'')
	if [ -n "${TCPTRAIL_KERNELS:-}" ]; then
		for s in $TCPTRAIL_KERNELS; do resolve "$s"; done
		exit 0
	fi
	patterns=('6.1.*-amd64' '6.12.*+deb12-amd64')
	# make check-rt: the PREEMPT_RT kernel only.
	[ "${TCPTRAIL_WITH_RT:-0}" = 1 ] && patterns=('6.12.*+deb12-rt-amd64')
	found=0
	for pattern in "${patterns[@]}"; do
		if newest_host "$pattern"; then
			found=$((found + 1))
		else
			echo "kernels.sh: no usable $pattern kernel (needs /boot/vmlinuz-V and /lib/modules/V/build): run tools/testing/deps.sh" >&2
		fi
	done
	[ "$found" -gt 0 ] ;;
*)
	echo "usage: $0 [--check | --resolve SPEC]" >&2
	exit 2 ;;
esac
