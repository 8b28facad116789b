/* crypt.h — password hashing with libxcrypt: method from login.defs, salt from random_bytes(). */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* Map an ENCRYPT_METHOD value (SHA512, YESCRYPT, …) to a crypt prefix supported by this
 * libcrypt; weak or unknown methods map to "$6$". *fallback is set when the method was not used. */
const char *crypt_prefix_for_method(const char *method, bool *fallback);

/* Human name for a prefix ("SHA-512"). */
const char *crypt_prefix_name(const char *prefix);

/* Hash password with a fresh salt. out gets a malloc'ed hash string. */
int crypt_hash(const char *password, const char *prefix, char **out);

/* Whether password hashes to hash (constant-time compare of the result). */
bool crypt_verify(const char *password, const char *hash);
