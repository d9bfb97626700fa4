#!/bin/bash
# Build and install the tcptrail kselftests against the upstream kselftest
# framework (lib.mk, kselftest_harness.h, run_kselftest.sh, runner), taken
# from Debian's linux-source-6.12 tarball: only those files are extracted
# (cached in build/ksft-src), never the whole tree.
# Also the kernel's YNL generic netlink client (tools/net/ynl: cli.py, lib/)
# and the netlink spec schemas (Documentation/netlink/*.yaml), which the ynl
# test runs from $TCPTRAIL_ROOT/build/ksft-src.
# Result: build/ksft-install/run_kselftest.sh.
# TCPTRAIL_KSFT_TESTS=DIR builds another tests directory (for harness tests).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
tarball=/usr/src/linux-source-6.12.tar.xz
src=$root/build/ksft-src
sel=$src/tools/testing/selftests
tests=${TCPTRAIL_KSFT_TESTS:-$root/tools/testing/selftests/tcptrail}
install=$root/build/ksft-install
log=$root/build/ksft-build.log

[ -f "$tests/Makefile" ] || { echo "ksft-setup.sh: no $tests/Makefile: the tcptrail selftests are missing" >&2; exit 1; }

# Bump when the list of extracted members changes: a stale cache re-extracts.
members_version=2
if [ "$(cat "$src/.extracted" 2>/dev/null)" != "$members_version" ]; then
	[ -r "$tarball" ] || { echo "ksft-setup.sh: $tarball missing: run tools/testing/deps.sh (package linux-source-6.12)" >&2; exit 1; }
	# Into a fresh directory first, so a concurrent build never sees a
	# half-extracted tree.
	new=$src.new.$$
	rm -rf "$new"
	mkdir -p "$new"
	p=linux-source-6.12
	tar -xJf "$tarball" -C "$new" --strip-components=1 --wildcards \
		"$p/scripts/subarch.include" \
		"$p/tools/testing/selftests/Makefile" \
		"$p/tools/testing/selftests/lib.mk" \
		"$p/tools/testing/selftests/kselftest*.h" \
		"$p/tools/testing/selftests/kselftest/*" \
		"$p/tools/testing/selftests/run_kselftest.sh" \
		"$p/tools/net/ynl/cli.py" \
		"$p/tools/net/ynl/lib/*.py" \
		"$p/Documentation/netlink/*.yaml"
	echo "$members_version" > "$new/.extracted"
	rm -rf "$src"
	mv "$new" "$src"
fi

# Fresh copy of the tests and a fresh install: no stale binaries or tests.
rm -rf "$sel/tcptrail" "$install"
cp -a "$tests" "$sel/tcptrail"
if ! make -C "$sel" TARGETS=tcptrail TCPTRAIL_ROOT="$root" \
	INSTALL_PATH="$install" install > "$log" 2>&1; then
	echo "ksft-setup.sh: building the selftests failed ($log):" >&2
	tail -n 30 "$log" >&2
	exit 1
fi
grep -E 'warning:' "$log" >&2 || true
[ -x "$install/run_kselftest.sh" ] || { echo "ksft-setup.sh: make install produced no $install/run_kselftest.sh ($log)" >&2; exit 1; }
