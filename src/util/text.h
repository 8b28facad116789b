/* text.h — line-oriented edits of configuration text that keep every other byte. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

/* Value of "KEY<sep>value" (sep '=' for sysconfig files, ' ' for login.defs, where any
 * run of blanks separates). Quotes around the value are removed. 0, or -ENOENT. */
int text_get(const struct buf *b, const char *key, char sep, char *out, size_t size);

/* Replace every "KEY=…" line by "KEY=value" (the first one; later ones dropped); append
 * when missing and add is set. value NULL removes the lines. */
int text_set_assignment(struct buf *b, const char *key, const char *value, bool add);

/* Keep the lines for which keep(line, len, data) is true. */
int text_filter_lines(struct buf *b, bool (*keep)(const char *line, size_t len, void *data), void *data);

/* Whether line (len bytes) starts with word followed by a blank or its end. */
bool line_has_word(const char *line, size_t len, const char *word);
