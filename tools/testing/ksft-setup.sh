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
src=$root/build/ksft-src
sel=$src/tools/testing/selftests
tests=${TCPTRAIL_KSFT_TESTS:-$root/tools/testing/selftests/tcptrail}
install=$root/build/ksft-install
log=$root/build/ksft-build.log

[ -f "$tests/Makefile" ] || { echo "ksft-setup.sh: no $tests/Makefile: the tcptrail selftests are missing" >&2; exit 1; }

# Bump the stamp when the list of members changes: a stale cache re-extracts.
"$root/tools/linux-source.sh" "$src" 2 \
	scripts/subarch.include \
	tools/testing/selftests/Makefile \
	tools/testing/selftests/lib.mk \
	'tools/testing/selftests/kselftest*.h' \
	'tools/testing/selftests/kselftest/*' \
	tools/testing/selftests/run_kselftest.sh \
	tools/net/ynl/cli.py \
	'tools/net/ynl/lib/*.py' \
	'Documentation/netlink/*.yaml'

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
