#!/bin/bash
# tests/build/licence.t — the licence is stated: LICENSE is Apache-2.0, every source file carries
# an SPDX line near its top, the packages declare it.
# SPDX-License-Identifier: Apache-2.0
. "$(dirname "$0")/../lib/tap.sh"
cd "$OSCONF_SRC" || exit 1
check "LICENSE is the Apache License 2.0" grep -q 'Apache License' LICENSE
if git rev-parse --git-dir >/dev/null 2>&1; then
	missing=$(git ls-files src tests mk dist Makefile .ci | grep -Ev '^tests/(golden/(expected|cases)|fixtures|fuzz/corpus(-image)?)/|\.dict$|^dist/deb/copyright$' |
		while read -r f; do head -15 "$f" | grep -q 'SPDX-License-Identifier: Apache-2.0' || echo "$f"; done)
	if [ -z "$missing" ]; then ok "every source file has an SPDX line in its opening comment"; else fail "source files without an SPDX line"; diag "$missing"; fi
else
	skip "not a git checkout"
fi
check "the rpm spec says Apache-2.0" grep -qx 'License: *Apache-2.0' dist/rpm/osconf.spec
check "the deb copyright file says Apache-2.0" grep -qx 'License: Apache-2.0' dist/deb/copyright
done_testing
