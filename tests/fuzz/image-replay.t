#!/bin/bash
# tests/fuzz/image-replay.t — replay the image fuzz corpus (tests/fuzz/corpus-image) and fresh
# SPDX-License-Identifier: Apache-2.0
# seeds (tests/fuzz/mkseeds-image.sh) through `image check` under ASan/UBSan, each input
# with a time limit. The memory cap is ASan's own (max_allocation_size_mb, hard_rss_limit_mb,
# the limits `make fuzz-image` gives libFuzzer): ulimit -v cannot be used, ASan reserves
# terabytes of shadow address space at startup.
. "$(dirname "$0")/../lib/tap.sh"
R="$OSCONF_SRC/build/tests/fuzz-image-replay"
[ -x "$R" ] || skip_all "build/tests/fuzz-image-replay not built (make check builds it)"
scratch
export ASAN_OPTIONS=max_allocation_size_mb=256:hard_rss_limit_mb=1024:detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export REPLAY_TIMEOUT=30

check "image corpus replays cleanly under ASan/UBSan" "$R" "$OSCONF_SRC/tests/fuzz/corpus-image"

"$OSCONF_SRC/tests/fuzz/mkseeds-image.sh" "$SCRATCH/seeds" 2>"$SCRATCH/mkseeds.err" ||
	fail "mkseeds-image.sh: $(cat "$SCRATCH/mkseeds.err")"
if [ -n "$(ls -A "$SCRATCH/seeds" 2>/dev/null)" ]; then
	check "generated seeds replay cleanly under ASan/UBSan" "$R" "$SCRATCH/seeds"
	# a seed cut short anywhere is an input too: every reader meets the end of the file
	mkdir "$SCRATCH/cut"
	for f in "$SCRATCH"/seeds/*; do
		s=$(stat -c %s "$f")
		for n in 1 511 512 4096 65536 $((s / 2)) $((s - 512)) $((s - 1)); do
			[ "$n" -gt 0 ] && [ "$n" -lt "$s" ] && head -c "$n" "$f" >"$SCRATCH/cut/${f##*/}.$n"
		done
	done
	check "truncated seeds replay cleanly under ASan/UBSan" "$R" "$SCRATCH/cut"
else
	skip "no seeds made: $(cat "$SCRATCH/mkseeds.err")"
	skip "no seeds made"
fi
done_testing
