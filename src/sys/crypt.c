/* crypt.c — crypt(3) via libxcrypt's crypt_gensalt_ra + crypt_r; intermediate state is wiped. */
/* SPDX-License-Identifier: Apache-2.0 */
#include "sys/crypt.h"

#include <crypt.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sys/entropy.h"
#include "util/macros.h"

static const struct {
	const char *method, *prefix, *name;
} methods[] = {
	{ "YESCRYPT", "$y$", "yescrypt" }, { "SHA512", "$6$", "SHA-512" },
	{ "SHA256", "$5$", "SHA-256" },    { "BCRYPT", "$2b$", "bcrypt" },
};

/* Fixed bytes: the probe's salt is thrown away, and with NULL libxcrypt would ask glibc's
 * arc4random, which aborts the program when getrandom(2) fails with anything but ENOSYS. */
static bool prefix_supported(const char *prefix)
{
	static const char probe[32];
	_cleanup_free_ char *s = crypt_gensalt_ra(prefix, 0, probe, sizeof(probe));
	return s != NULL;
}

const char *crypt_prefix_for_method(const char *method, bool *fallback)
{
	*fallback = false;
	if (method)
		for (size_t i = 0; i < ARRAY_SIZE(methods); i++)
			if (strcasecmp(method, methods[i].method) == 0 && prefix_supported(methods[i].prefix))
				return methods[i].prefix;
	*fallback = method != NULL; /* DES, MD5 (weak) or unknown: use SHA-512 */
	return "$6$";
}

const char *crypt_prefix_name(const char *prefix)
{
	for (size_t i = 0; i < ARRAY_SIZE(methods); i++)
		if (streq(prefix, methods[i].prefix))
			return methods[i].name;
	return prefix;
}

int crypt_hash(const char *password, const char *prefix, char **out)
{
	char rnd[32];
	int r = random_bytes(rnd, sizeof(rnd));
	if (r < 0)
		return r;
	char *salt = crypt_gensalt_ra(prefix, 0, rnd, sizeof(rnd));
	explicit_bzero(rnd, sizeof(rnd));
	if (!salt)
		return errno ? -errno : -EINVAL;
	struct crypt_data *cd = calloc(1, sizeof(*cd));
	if (!cd) {
		free(salt);
		return -ENOMEM;
	}
	const char *h = crypt_r(password, salt, cd);
	free(salt);
	if (!h || h[0] == '*')
		r = -EINVAL;
	else if (!(*out = strdup(h)))
		r = -ENOMEM;
	explicit_bzero(cd, sizeof(*cd));
	free(cd);
	return r;
}

bool crypt_verify(const char *password, const char *hash)
{
	if (!hash[0] || hash[0] == '!' || hash[0] == '*')
		return false;
	struct crypt_data *cd = calloc(1, sizeof(*cd));
	if (!cd)
		return false;
	const char *h = crypt_r(password, hash, cd);
	bool ok = false;
	if (h && h[0] != '*' && strlen(h) == strlen(hash)) {
		unsigned char diff = 0;
		for (size_t i = 0; hash[i]; i++)
			diff |= (unsigned char)(h[i] ^ hash[i]);
		ok = diff == 0;
	}
	explicit_bzero(cd, sizeof(*cd));
	free(cd);
	return ok;
}
