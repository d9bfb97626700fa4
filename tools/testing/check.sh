#!/bin/bash
# `make check`: install dependencies, then for each kernel (kernels.sh
# --check) build tcptrail.ko with W=1 (any warning fails) and through sparse,
# and run the kselftests in a VM.
# Kernels: by default the VM suite on 6.1 and 6.12 (the host's, from
# bookworm) and the newest 7.x (trixie-backports), and 5.10 (bullseye) built
# only; TCPTRAIL_CHECK_ALL=1 (make check-all) boots 5.10 too. 5.10 and 7.x
# are foreign kernels (tools/testing/foreign-kernel.sh): the module is built
# in a chroot of their Debian release, their image and modules are unpacked
# in build/kernels/KVER, where vm.sh finds them.
# Counts: the W=1 build is one test per kernel, sparse another (skipped where
# the kernel's Kbuild finds sparse too old), each top-level kselftest result
# line is one test, and a VM-level failure (crash, WARN, timeout,
# insmod/rmmod failure) is one failed test. Last line: "N passed, N failed, N skipped".
# Env: TCPTRAIL_KERNELS="SPEC..." the kernels, all VM-tested: series (5.10,
# 6.1, 6.12, 7.x, 7.3) or full releases (6.12.41+deb12-amd64); an entry
# KVER=IMAGE:KDIR is a kernel built outside Debian's packages
# (tools/testing/debug-kernel.sh): its bzImage and build tree, no dkms build.
# TCPTRAIL_CHECK_ALL=1, TCPTRAIL_WITH_RT=1: see tools/testing/kernels.sh.
# TCPTRAIL_VM_TIMEOUT (s, default 1200).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
t=$root/tools/testing
cd "$root"

"$t/deps.sh"
plan=$("$t/kernels.sh" --check) || { echo "check.sh: tools/testing/kernels.sh --check failed" >&2; exit 1; }
pass=0 fail=0 skip=0
declare -A summary
keys=()
note() {  # note KVER pass|fail|skip NAME
	[ -n "${summary[$1]+set}" ] || keys+=("$1")
	case $2 in pass) pass=$((pass + 1)) ;; fail) fail=$((fail + 1)) ;; skip) skip=$((skip + 1)) ;; esac
	summary[$1]+="  $2: $3"$'\n'
	echo "== $1: $2: $3"
}

# Each kernel: its release (a foreign one is made ready here: chroot,
# headers, image; progress lines from foreign-kernel.sh), how it is built
# (host, chroot or a KVER=IMAGE:KDIR entry) and whether it is booted.
declare -A image entry_of mode_of
kernels=() debs=()
while read -r mode spec; do
	[ -n "$spec" ] || continue
	if ! e=$("$t/kernels.sh" --resolve "$spec" < /dev/null); then
		note "$spec" fail "kernel $spec ready to build and boot (see the lines above; logs in build/chroot/)"
		continue
	fi
	v=${e%%=*}
	[ -z "${entry_of[$v]+set}" ] || continue	# the same kernel named twice
	kernels+=("$v")
	entry_of[$v]=$e mode_of[$v]=$mode
	if [ "$v" != "$e" ]; then
		e=${e#*=}
		image[$v]=${e%%:*}
	elif [ ! -e "build/kernels/$v/.tcptrail-ready" ]; then
		debs+=("$v")	# a host kernel: dkms builds for it too
	fi
done <<< "$plan"

if tools/ynl-regen.sh --check; then
	note all pass "include/uapi/linux/tcptrail_genl.h is what its YNL spec gives (make regen)"
else
	note all fail "include/uapi/linux/tcptrail_genl.h is what its YNL spec gives (make regen)"
fi

if "$t/style.sh"; then
	note all pass "checkpatch --strict clean (kmod/, UAPI header)"
else
	note all fail "checkpatch --strict clean (kmod/, UAPI header)"
fi

ulog=build/user-build.log
if make -C user clean all > "$ulog" 2>&1 && ! grep -q 'warning:' "$ulog"; then
	note all pass "user/tcptrail builds warning-free (-Wall -Wextra)"
else
	cat "$ulog"
	note all fail "user/tcptrail builds warning-free (-Wall -Wextra)"
fi

if cppcheck --enable=warning,style --error-exitcode=1 --inline-suppr -q \
	-I include/uapi -I include user/; then
	note all pass "cppcheck clean (user/)"
else
	note all fail "cppcheck clean (user/)"
fi

dlog=build/dkms.log
if [ ${#debs[@]} -gt 0 ]; then	# none when only debug or foreign kernels are asked for
	echo "== dkms build for ${debs[*]} (about 30 seconds a kernel)"
	if make -C "$root" dkms-check KVERS="${debs[*]}" > "$dlog" 2>&1; then
		note all pass "dkms build for ${debs[*]}"
	else
		tail -n 20 "$dlog"
		note all fail "dkms build for ${debs[*]} (see $dlog)"
	fi
fi

# The Debian packages end to end (package-test.sh): one test; it skips,
# saying why, where it cannot run (not root, tcptrail already installed).
echo "== Debian packages: make deb, lintian, install, DKMS, a VM with them, purge (about 2 minutes)"
prc=0
"$t/package-test.sh" || prc=$?
case $prc in
0) note all pass "Debian packages: make deb, lintian clean, install, DKMS, installed module and tool in a VM, purge leaves nothing" ;;
4) note all skip "Debian packages: $(sed -n 's/^== [0-9:]* SKIP: //p' build/package-test.log)" ;;
*) note all fail "Debian packages (see the FAIL lines above and build/package-test.log)" ;;
esac

ksft_ok=1
echo "== building the kselftests (about 30 seconds)"
if ! "$t/ksft-setup.sh"; then
	ksft_ok=0
	note all fail "kselftests build"
fi

for v in "${kernels[@]}"; do
	mkdir -p "build/$v"
	blog=build/$v/w1-build.log
	brc=0
	"$t/build-module.sh" -q "${entry_of[$v]}" || brc=$?
	case $brc in
	0) note "$v" pass "W=1 build clean on $v" ;;
	3)
		grep -i 'warning:' "$blog"
		note "$v" fail "W=1 build clean on $v (warnings above, see $blog)" ;;
	*)
		tail -n 30 "$blog" 2>/dev/null || true
		note "$v" fail "W=1 build on $v (build failed, see $blog)"
		continue ;;
	esac
	slog=build/$v/sparse.log
	src=0
	sout=$("$t/build-module.sh" -q -S "${entry_of[$v]}") || src=$?
	case $src in
	0) note "$v" pass "sparse (C=2) clean on $v" ;;
	5) note "$v" skip "sparse (C=2) on $v: $(sed -n 's/^== [^ ]*: sparse SKIPPED: //p' <<< "$sout")" ;;
	*)
		grep -vE '^make|^  (CHECK|CC|LD|MODPOST|BTF)|Skipping BTF' "$slog" || true
		note "$v" fail "sparse (C=2) clean on $v (findings above, see $slog)" ;;
	esac
	if [ "${mode_of[$v]}" != vm ]; then
		note "$v" skip "VM suite on $v (make check builds it only; make check-all or TCPTRAIL_KERNELS=${v%%.0-*} boots it)"
		continue
	fi
	[ "$ksft_ok" = 1 ] || continue

	out=build/check/$v
	rm -rf "$out"
	echo "== $v: booting VM for the kselftests"
	vmrc=0
	"$t/qemu/vm.sh" -k "$v" ${image[$v]:+-K "${image[$v]}"} -t "${TCPTRAIL_VM_TIMEOUT:-1200}" -o "$out" -- \
		tools/testing/qemu/guest-ksft.sh || vmrc=$?

	# Top-level TAP results only: nested "# ok" lines are subtests.
	n=0
	while IFS= read -r line; do
		n=$((n + 1))
		name=${line#*ok }
		case $line in
		"not ok "*) note "$v" fail "$name" ;;
		*"# SKIP"*) note "$v" skip "$name" ;;
		*) note "$v" pass "$name" ;;
		esac
	done < <(grep -aE '^(not )?ok [0-9]+ ' "$out/output.log" 2>/dev/null)

	# Why: each failed subtest with the lines its run printed (at most 12),
	# so the summary at the end of a CI log says what broke.
	why=$(awk '/^# (# )? *RUN |^# ok |^# # +OK /{ n = 0; next }
		{ buf[n++ % 12] = $0 }
		/^# not ok /{ for (i = (n > 12 ? n - 12 : 0); i < n; i++) print "      " buf[i % 12]; n = 0 }' \
		"$out/output.log" 2>/dev/null)
	[ -z "$why" ] || summary[$v]+="$why"$'\n'

	case $vmrc in
	0) [ "$n" -gt 0 ] && note "$v" pass "VM run on $v (module load/unload, clean kernel log)" ||
		note "$v" fail "VM run on $v: no kselftest results" ;;
	1) note "$v" fail "VM run on $v: guest-ksft.sh failed (insmod/rmmod? see $out/output.log)" ;;
	*) note "$v" fail "VM run on $v: crash/WARN/timeout (see $out/console.log)" ;;
	esac
done

echo
echo "== summary"
for k in "${keys[@]}"; do
	echo "$k:"
	printf '%s' "${summary[$k]}"
done
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
