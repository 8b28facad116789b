#!/bin/bash
# tests/build/no-exec.t — osconf runs no other program, except `image try` (qemu-img, qemu-system-*, ssh) through src/try/proc.c.
# SPDX-License-Identifier: Apache-2.0
. "$(dirname "$0")/../lib/tap.sh"
# calls (not words in comments: those lines start with " *" or hold "/*" before the name)
calls='\b(posix_spawnp?|execvp?e?|execlp?e?|fexecve|system|popen|fork|vfork)[[:space:]]*\('
hits=$(grep -rnE "$calls" "$OSCONF_SRC/src" | grep -vE '^[^:]+:[0-9]+:[[:space:]]*(\*|/\*)' |
	grep -vE '^[^:]+:[0-9]+:.*/\*.*\b(system|fork)[[:space:]]*\(' | grep -v '/src/try/proc\.c:')
if [ -z "$hits" ]; then ok "no program is started outside src/try/proc.c"; else fail "a program is started outside src/try/proc.c"; diag "$hits"; fi
check "src/try/proc.c starts programs only with posix_spawn (fixed argv, no shell)" \
	sh -c "! grep -nE '\\b(execl|execlp|system|popen|/bin/sh)\\b' '$OSCONF_SRC/src/try/proc.c'"
if [ -x "$OSCONF" ] && command -v nm >/dev/null; then
	# the static binary: posix_spawn is linked (image try) but neither system nor popen
	syms=$(nm "$OSCONF" 2>/dev/null | awk '$2 ~ /^[TtWw]$/ { print $3 }')
	check "the binary links no system() or popen()" sh -c "! echo \"\$1\" | grep -qxE '(__libc_)?(system|popen)'" _ "$syms"
else
	skip "no binary or no nm"
fi
done_testing
