/* shadow-verify.c — test tool: does PASSWORD (from stdin) match USER's hash in ROOT/etc/shadow? */
/* SPDX-License-Identifier: Apache-2.0 */
#include <crypt.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: shadow-verify ROOT USER < password\n");
		return 2;
	}
	char path[4096], line[4096], pw[1024] = "";
	snprintf(path, sizeof(path), "%s/etc/shadow", argv[1]);
	if (!fgets(pw, sizeof(pw), stdin))
		return 2;
	pw[strcspn(pw, "\n")] = '\0';
	FILE *f = fopen(path, "r");
	if (!f) {
		perror(path);
		return 2;
	}
	size_t ul = strlen(argv[2]);
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, argv[2], ul) != 0 || line[ul] != ':')
			continue;
		char *hash = line + ul + 1, *end = strchr(hash, ':');
		if (!end)
			break;
		*end = '\0';
		struct crypt_data cd = { 0 };
		const char *h = crypt_r(pw, hash, &cd);
		int ok = h && strcmp(h, hash) == 0;
		printf("%s: %s\n", argv[2], ok ? "password verifies" : "password does NOT verify");
		fclose(f);
		return ok ? 0 : 1;
	}
	fclose(f);
	fprintf(stderr, "%s: no entry for %s\n", path, argv[2]);
	return 2;
}
