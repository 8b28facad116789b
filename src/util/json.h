/* json.h — a minimal streaming JSON writer (objects, arrays, strings, numbers, booleans). */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stdio.h>

struct json {
	FILE *out;
	int depth;
	bool need_comma[32];
};

void json_begin(struct json *j, FILE *out);          /* starts the top-level object */
void json_end(struct json *j);                       /* closes it, adds a newline */
void json_key(struct json *j, const char *key);      /* inside an object, before a value */
void json_object(struct json *j);                    /* open a nested object */
void json_array(struct json *j);                     /* open a nested array */
void json_close(struct json *j, char bracket);       /* '}' or ']' */
void json_string(struct json *j, const char *s);
void json_int(struct json *j, long long v);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);

/* Shorthands for "key": value members. */
void json_kv_string(struct json *j, const char *key, const char *s);
void json_kv_int(struct json *j, const char *key, long long v);
void json_kv_bool(struct json *j, const char *key, bool v);
