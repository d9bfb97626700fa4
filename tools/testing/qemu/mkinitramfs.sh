#!/bin/bash
# Build the tiny initramfs vm.sh boots for kernel KVER: busybox-static, the
# host's modules for 9p/virtio/overlay (decompressed: busybox insmod can't
# read .ko.xz) and initramfs-init. Modules built into KVER are skipped.
# --no-modules: none at all, for a kernel with everything built in that has
# no /lib/modules/KVER (tools/testing/debug-kernel.sh).
# --base DIR: the modules of a kernel unpacked in DIR (DIR/lib/modules/KVER,
# depmod'ed: tools/testing/foreign-kernel.sh), not the host's.
set -euo pipefail

usage() { echo "usage: $0 KVER OUT.cpio [--no-modules | --base DIR]" >&2; exit 2; }
case $#:${3-} in 2:|3:--no-modules|4:--base) ;; *) usage ;; esac
kver=$1 out=$2 mods=(virtio_pci 9pnet_virtio 9p overlay) base=/
[ "${3-}" = --no-modules ] && mods=()
[ "${3-}" = --base ] && base=$4
here=$(cd "$(dirname "$0")" && pwd)

if [ ${#mods[@]} -gt 0 ] && [ ! -d "$base/lib/modules/$kver" ]; then
	if [ "$base" = / ]; then
		echo "mkinitramfs: /lib/modules/$kver missing: install linux-image-$kver (tools/testing/deps.sh)" >&2
	else
		echo "mkinitramfs: $base/lib/modules/$kver missing: unpack the kernel again (rm -rf $base; tools/testing/foreign-kernel.sh $kver)" >&2
	fi
	exit 1
fi
# ldd fails on a static binary: that's the one we need (no libc in the initramfs).
[ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1 || { echo "mkinitramfs: need a static /bin/busybox: apt-get install busybox-static" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"/{bin,dev,proc,sys,lib/tcptrail-modules}
cp /bin/busybox "$tmp/bin/busybox"
cp "$here/initramfs-init" "$tmp/init"
chmod 755 "$tmp/init"
# The kernel opens /dev/console for init before anything is mounted.
mknod -m 600 "$tmp/dev/console" c 5 1 2>/dev/null || true

# modprobe prints "insmod PATH" per module (deps first) or "builtin NAME".
: > "$tmp/lib/tcptrail-modules/modules.list"
for m in "${mods[@]}"; do
	modprobe -d "$base" -S "$kver" --show-depends "$m" ||
		{ echo "mkinitramfs: modprobe -d $base -S $kver --show-depends $m failed" >&2; exit 1; }
done | awk '$1 == "insmod" && !seen[$2]++ { print $2 }' | while read -r ko; do
	name=$(basename "$ko")
	case "$ko" in
	*.ko.xz)  name=${name%.xz};  xz -dc "$ko" > "$tmp/lib/tcptrail-modules/$name" ;;
	*.ko.zst) name=${name%.zst}; zstd -qdc "$ko" > "$tmp/lib/tcptrail-modules/$name" ;;
	*.ko.gz)  name=${name%.gz};  gzip -dc "$ko" > "$tmp/lib/tcptrail-modules/$name" ;;
	*)        cp "$ko" "$tmp/lib/tcptrail-modules/$name" ;;
	esac
	echo "$name" >> "$tmp/lib/tcptrail-modules/modules.list"
done

mkdir -p "$(dirname "$out")"
(cd "$tmp" && find . | LC_ALL=C sort | cpio --quiet -o -H newc) > "$out.$$"
mv "$out.$$" "$out"  # atomic: concurrent vm.sh runs may read it
