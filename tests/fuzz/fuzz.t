#!/bin/bash
# tests/fuzz/fuzz.t — replay the fuzz corpus through parser + validator under ASan/UBSan.
# SPDX-License-Identifier: Apache-2.0
. "$(dirname "$0")/../lib/tap.sh"
R="$OSCONF_SRC/build/tests/fuzz-replay"
[ -x "$R" ] || skip_all "build/tests/fuzz-replay not built (make check builds it)"
check "corpus replays cleanly under ASan/UBSan" "$R" "$OSCONF_SRC/tests/fuzz/corpus" "$OSCONF_SRC/tests/golden/cases"
done_testing
