#!/bin/bash
# `make check`: install dependencies, then for each kernel (kernels.sh) build
# tcptrail.ko with W=1 (any warning fails) and run the kselftests in a VM.
# Counts: the W=1 build is one test per kernel, each top-level kselftest
# result line is one test, and a VM-level failure (crash, WARN, timeout,
# insmod/rmmod failure) is one failed test. Last line: "N passed, N failed, N skipped".
# Env: TCPTRAIL_KERNELS="v1 v2" limits kernels; an entry KVER=IMAGE:KDIR is a
# kernel built outside Debian's packages (tools/testing/debug-kernel.sh): its
# bzImage and build tree, no dkms build. TCPTRAIL_VM_TIMEOUT (s, default 1200).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
t=$root/tools/testing
cd "$root"

"$t/deps.sh"
mapfile -t entries < <("$t/kernels.sh")
# KVER=IMAGE:KDIR entries: split into the name and where to find the kernel.
declare -A image kdir
kernels=() debs=()
for e in "${entries[@]}"; do
	v=${e%%=*}
	kernels+=("$v")
	if [ "$v" = "$e" ]; then
		debs+=("$v")
		kdir[$v]=/lib/modules/$v/build
	else
		e=${e#*=}
		image[$v]=${e%%:*} kdir[$v]=${e#*:}
	fi
done

pass=0 fail=0 skip=0
declare -A summary
keys=()
note() {  # note KVER pass|fail|skip NAME
	[ -n "${summary[$1]+set}" ] || keys+=("$1")
	case $2 in pass) pass=$((pass + 1)) ;; fail) fail=$((fail + 1)) ;; skip) skip=$((skip + 1)) ;; esac
	summary[$1]+="  $2: $3"$'\n'
	echo "== $1: $2: $3"
}

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
	-I include/uapi user/; then
	note all pass "cppcheck clean (user/)"
else
	note all fail "cppcheck clean (user/)"
fi

dlog=build/dkms.log
if [ ${#debs[@]} -gt 0 ]; then	# none when only debug kernels are asked for
	if make -C "$root" dkms-check KVERS="${debs[*]}" > "$dlog" 2>&1; then
		note all pass "dkms build for ${debs[*]}"
	else
		tail -n 20 "$dlog"
		note all fail "dkms build for ${debs[*]} (see $dlog)"
	fi
fi

ksft_ok=1
if ! "$t/ksft-setup.sh"; then
	ksft_ok=0
	note all fail "kselftests build"
fi

for v in "${kernels[@]}"; do
	mkdir -p "build/$v"
	blog=build/$v/w1-build.log
	echo "== $v: building tcptrail.ko (W=1)"
	if ! make -C "$root" module-for KVER="$v" KDIR="${kdir[$v]}" W=1 > "$blog" 2>&1; then
		tail -n 30 "$blog"
		note "$v" fail "W=1 build on $v (build failed, see $blog)"
		continue
	elif grep -i 'warning:' "$blog"; then
		note "$v" fail "W=1 build clean on $v (warnings above, see $blog)"
	else
		note "$v" pass "W=1 build clean on $v"
	fi
	slog=build/$v/sparse.log
	make -C "${kdir[$v]}" M="$root/build/$v" C=2 modules > "$slog" 2>&1 || true
	if grep -vE '^make|^  (CHECK|CC|LD|MODPOST|BTF)|Skipping BTF' "$slog"; then
		note "$v" fail "sparse (C=2) clean on $v (findings above, see $slog)"
	else
		note "$v" pass "sparse (C=2) clean on $v"
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
