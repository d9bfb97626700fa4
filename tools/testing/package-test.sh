#!/bin/bash
# The Debian packages end to end, on this machine: `make deb` (lintian
# clean), `apt-get install ./tcptrail*.deb`, DKMS built tcptrail.ko for the
# installed 6.1 and 6.12 kernels, systemd-analyze verify accepts
# tcptrail-record.service, a VM on 6.12 modprobes the installed module and
# reads a timeline with the installed tool (qemu/guest-package.sh); then
# `apt-get purge` and nothing is left: no package, no /usr/src/tcptrail-*,
# no DKMS entry, no tcptrail.ko under /lib/modules, no installed file.
# Cleans up on any exit. Exit 0 pass, 1 fail, 4 skip (with the reason).
# It refuses (skips) when tcptrail is already installed here (a package or
# make dkms-install): it would remove it. make check's own DKMS build uses
# a private tree (build/dkms-tree) and never meets this one.
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
log=build/package-test.log
mkdir -p build
: > "$log"
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
series=(6.1 6.12)
boot_series=6.12

say() { echo "== package: $*"; echo "== $(date '+%T') $*" >> "$log"; }
skip() { say "SKIP: $*"; exit 4; }
failed=0
fail() { say "FAIL: $*"; failed=1; }

[ "$(id -u)" -eq 0 ] || skip "needs root (apt-get install, dkms)"
if dpkg-query -W -f='${Status}' tcptrail tcptrail-dkms 2>/dev/null | grep -q 'installed' ||
	[ -e /var/lib/dkms/tcptrail ] || ls -d /usr/src/tcptrail-* >/dev/null 2>&1; then
	skip "tcptrail is already installed on this machine (package or make dkms-install): remove it first (apt-get purge tcptrail tcptrail-dkms; make dkms-remove)"
fi

apt_opts=(-o DPkg::Lock::Timeout=900)
# Everything the packages put on the system, whatever happens.
cleanup() {
	DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" purge -y tcptrail tcptrail-dkms >> "$log" 2>&1
	if [ -e /var/lib/dkms/tcptrail ]; then
		dkms remove -m tcptrail -v "$version" --all >> "$log" 2>&1
		rm -rf /var/lib/dkms/tcptrail
	fi
	rm -rf /usr/src/tcptrail-"$version"
	for ko in $(find /lib/modules -name 'tcptrail.ko*' 2>/dev/null); do
		rm -f "$ko"
		depmod "$(echo "$ko" | cut -d/ -f4)" 2>/dev/null
	done
}
trap cleanup EXIT

say "make deb (dpkg-buildpackage, lintian; about 10 seconds)"
if ! make deb >> "$log" 2>&1; then
	tail -n 30 "$log"
	fail "make deb (see $log)"
	exit 1
fi
lintian_out=$(lintian --pedantic -I build/deb/tcptrail_"$version"_*.changes 2>&1 | grep -v '^running with root' || true)
if grep -q '^[EW]:' <<< "$lintian_out"; then
	echo "$lintian_out"
	fail "lintian: errors or warnings"
else
	say "lintian clean${lintian_out:+ (pedantic/info: $(wc -l <<< "$lintian_out") tags)}"
fi

say "apt-get install ./tcptrail*.deb (DKMS builds the module for every kernel with headers: about a minute each)"
start=$(date +%s)
if ! DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" install -y --no-install-recommends \
	./build/deb/tcptrail_"$version"_amd64.deb ./build/deb/tcptrail-dkms_"$version"_all.deb >> "$log" 2>&1; then
	tail -n 30 "$log"
	fail "apt-get install ./tcptrail*.deb (see $log)"
	exit 1
fi
say "installed in $(( $(date +%s) - start ))s"

boot_kver=
for s in "${series[@]}"; do
	k=$(tools/testing/kernels.sh --resolve "$s" < /dev/null) || { fail "no $s kernel (tools/testing/deps.sh)"; continue; }
	[ "$s" = "$boot_series" ] && boot_kver=$k
	if dkms status -m tcptrail -v "$version" -k "$k" 2>/dev/null | grep -q installed &&
		modinfo -k "$k" -n tcptrail 2>/dev/null | grep -q "^/lib/modules/$k/"; then
		say "DKMS built and installed tcptrail.ko for $k: $(modinfo -k "$k" -n tcptrail)"
	else
		dkms status >> "$log" 2>&1
		fail "DKMS has no installed tcptrail.ko for $k (dkms status in $log)"
	fi
done

for f in /usr/sbin/tcptrail /usr/share/man/man8/tcptrail.8.gz \
	/usr/share/bash-completion/completions/tcptrail \
	/lib/systemd/system/tcptrail-record.service /etc/default/tcptrail-record; do
	[ -e "$f" ] || fail "$f not installed"
done
if out=$(systemd-analyze verify /lib/systemd/system/tcptrail-record.service 2>&1) &&
	! grep -qi 'tcptrail-record' <<< "$out"; then
	say "systemd-analyze verify tcptrail-record.service: clean"
else
	echo "$out"
	fail "systemd-analyze verify tcptrail-record.service"
fi
if out=$(bash -c 'source /usr/share/bash-completion/bash_completion 2>/dev/null; source /usr/share/bash-completion/completions/tcptrail && COMP_WORDS=(tcptrail rec) COMP_CWORD=1 && _tcptrail && echo "${COMPREPLY[*]}"' 2>&1) &&
	[ "$out" = record ]; then
	say "bash completion: 'tcptrail rec<TAB>' -> record"
else
	fail "bash completion: 'tcptrail rec<TAB>' gave '$out'"
fi

if [ -n "$boot_kver" ]; then
	say "booting $boot_kver: modprobe the installed module, timeline with /usr/sbin/tcptrail (about 1 minute)"
	out=build/package-vm
	rm -rf "$out"
	if tools/testing/qemu/vm.sh -k "$boot_kver" -t 600 -o "$out" -- tools/testing/qemu/guest-package.sh >> "$log" 2>&1; then
		grep 'guest-package: loaded' "$out/output.log" | sed 's/^/   /'
		say "VM: installed module loaded, installed tool read its timeline"
	else
		tail -n 30 "$out/output.log" 2>/dev/null
		fail "VM on $boot_kver with the installed packages (see $out/output.log, $out/console.log)"
	fi
fi

say "apt-get purge tcptrail tcptrail-dkms"
DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" purge -y tcptrail tcptrail-dkms >> "$log" 2>&1 ||
	fail "apt-get purge tcptrail tcptrail-dkms (see $log)"
left=$( { dpkg-query -W -f='${Package} ${Status}\n' tcptrail tcptrail-dkms 2>/dev/null | grep -v 'not-installed'
	ls -d /usr/src/tcptrail-* /var/lib/dkms/tcptrail /usr/sbin/tcptrail /usr/share/man/man8/tcptrail.8.gz \
		/usr/share/bash-completion/completions/tcptrail /lib/systemd/system/tcptrail-record.service \
		/etc/default/tcptrail-record /usr/share/doc/tcptrail /usr/share/doc/tcptrail-dkms 2>/dev/null
	find /lib/modules -name 'tcptrail.ko*' 2>/dev/null; } )
if [ -n "$left" ]; then
	echo "$left"
	fail "left behind after purge (above)"
else
	say "purged: no package, source, DKMS entry, module or file left"
fi

[ "$failed" = 0 ] && say "PASS" || say "FAILED (log: $log)"
exit "$failed"
