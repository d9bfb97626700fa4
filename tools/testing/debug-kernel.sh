#!/bin/bash
# `make check-debug`: build a debug kernel (KASAN, lockdep, UBSAN, kmemleak,
# DEBUG_ATOMIC_SLEEP) from Debian's linux-source-6.1 with a minimal config,
# `make allnoconfig KCONFIG_ALLCONFIG=debug-kernel.config`, everything built
# in (about 11 minutes on 2 cores); then run
# check.sh on that kernel alone: tcptrail.ko built against its tree (W=1,
# sparse), the kselftests in the VM booted on its bzImage. Any sanitizer,
# lockdep or kmemleak report fails the VM run (qemu/bad-patterns; the guest
# scans for leaks once the job is done). Same summary as `make check`.
# The source is extracted to build/debug-kernel/, the kernel is built out of
# tree in build/debug-kernel/obj and cached: rebuilt when the fragment or the
# source package changes, or the last build did not finish.
# usage: debug-kernel.sh           build if needed, run check.sh on it
#        debug-kernel.sh --build   build if needed, print KVER=IMAGE:KDIR
#                                  (a TCPTRAIL_KERNELS entry, see check.sh)
# Env: TCPTRAIL_DEBUG_JOBS (make -j, default 2); check.sh's are passed on
# (TCPTRAIL_VM_TIMEOUT defaults to 3600 s here).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
t=$root/tools/testing
tarball=/usr/src/linux-source-6.1.tar.xz
dir=$root/build/debug-kernel
src=$dir/linux-source-6.1
obj=$dir/obj
frag=$t/debug-kernel.config
image=$obj/arch/x86/boot/bzImage
log=$dir/build.log

case ${1-} in
'') build_only=0 ;;
--build) build_only=1 ;;
*) echo "usage: $0 [--build]" >&2; exit 2 ;;
esac

fail() {
	echo "debug-kernel: $*" >&2
	[ -s "$log" ] && { echo "---- last lines of $log ----" >&2; tail -n 30 "$log" >&2; }
	exit 1
}

TCPTRAIL_WITH_DEBUG=1 "$t/deps.sh"
[ -r "$tarball" ] || fail "$tarball missing: TCPTRAIL_WITH_DEBUG=1 tools/testing/deps.sh installs linux-source-6.1"
mkdir -p "$dir"

# The whole tree (the build needs it), extracted again when the package changes.
stamp=$(stat -c '%s %Y' "$tarball")
if [ "$(cat "$dir/source.stamp" 2>/dev/null)" != "$stamp" ] || [ ! -f "$src/Makefile" ]; then
	echo "debug-kernel: extracting $tarball"
	rm -rf "$src" "$src.new" "$obj" "$dir/source.stamp"
	mkdir -p "$src.new"
	tar -xJf "$tarball" -C "$src.new" --strip-components=1 || fail "cannot extract $tarball"
	mv "$src.new" "$src"
	echo "$stamp" > "$dir/source.stamp"
fi

# What the cached kernel was built from; written only once it is built.
recipe=$(cat "$dir/source.stamp" - < "$frag" | sha256sum)
if [ -f "$image" ] && [ "$(cat "$dir/built.stamp" 2>/dev/null)" = "$recipe" ]; then
	echo "debug-kernel: $image is up to date"
else
	echo "debug-kernel: building the debug kernel in $obj (log: $log)"
	start=$(date +%s)
	rm -f "$dir/built.stamp"
	mkdir -p "$obj"
	make -C "$src" O="$obj" allnoconfig KCONFIG_ALLCONFIG="$frag" > "$log" 2>&1 ||
		fail "configuring the kernel failed"
	# A value that did not stick (an unmet dependency, a renamed option) is
	# a bug in the fragment: better to stop than to test without, say, KASAN.
	lost=$(grep -E '^(CONFIG_|# CONFIG_[A-Z0-9_]+ is not set)' "$frag" | while IFS= read -r want; do
		name=${want#\# }; name=${name%%[= ]*}
		have=$(grep -E "^(# )?${name}[= ]" "$obj/.config" || true)
		[ "$want" = "$have" ] || [ "$want:$have" = "# $name is not set:" ] ||
			echo "  $want (got: ${have:-nothing})"
	done)
	[ -z "$lost" ] || { echo "$lost" >&2; fail "$frag: the values above did not make it into $obj/.config"; }
	nice -n 19 make -C "$src" O="$obj" -j"${TCPTRAIL_DEBUG_JOBS:-2}" >> "$log" 2>&1 ||
		fail "building the kernel failed"
	echo "$recipe" > "$dir/built.stamp"
	echo "debug-kernel: built in $(( $(date +%s) - start ))s"
fi

kver=$(make -s -C "$src" O="$obj" kernelrelease)
[ -n "$kver" ] || fail "no kernelrelease from $obj"
entry=$kver=$image:$obj
if [ "$build_only" = 1 ]; then
	echo "$entry"
	exit 0
fi
# KASAN and lockdep under TCG: the suite takes about 20 minutes, not 5.
TCPTRAIL_KERNELS=$entry TCPTRAIL_VM_TIMEOUT=${TCPTRAIL_VM_TIMEOUT:-3600} exec "$t/check.sh"
