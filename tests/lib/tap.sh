# tests/lib/tap.sh — tiny TAP helpers for the shell test scripts (source it).
# ok/fail/skip print TAP lines; done_testing prints the plan. $OSCONF is the binary under test.
# The shared helpers (helpers.sh: compare, roots, samples, namespaces) come with it.
# SPDX-License-Identifier: Apache-2.0
: "${OSCONF:=$(cd "$(dirname "$0")/../.." && pwd)/build/osconf}"
: "${OSCONF_SRC:=$(cd "$(dirname "$0")/../.." && pwd)}"
TAP_N=0
TAP_FAILED=0
ok()   { TAP_N=$((TAP_N+1)); echo "ok $TAP_N - $*"; }
fail() { TAP_N=$((TAP_N+1)); TAP_FAILED=$((TAP_FAILED+1)); echo "not ok $TAP_N - $*"; }
skip() { TAP_N=$((TAP_N+1)); echo "ok $TAP_N # SKIP $*"; }
diag() { echo "$*" | sed 's/^/# /'; }
# check NAME CMD...: ok when CMD succeeds, else fail with its output as diagnostics
check() { _n=$1; shift; if _out=$("$@" 2>&1); then ok "$_n"; else fail "$_n"; diag "$_out"; fi; }
# skip_all REASON: the whole script cannot run here
skip_all() { echo "1..0 # SKIP $*"; exit 0; }
done_testing() { echo "1..$TAP_N"; [ "$TAP_FAILED" -eq 0 ]; }
need_root() { [ "$(id -u)" = 0 ] || skip_all "needs root (run make check as root)"; }
# a scratch directory removed at exit
scratch() { SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/osconf-test.XXXXXX"); trap 'rm -rf "$SCRATCH"' EXIT; }
. "$OSCONF_SRC/tests/lib/helpers.sh"
