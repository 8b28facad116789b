/* fuzz_conf.c — libFuzzer target: os.conf bytes through the parser and validator (pure code). */
/* SPDX-License-Identifier: Apache-2.0 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "conf/validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct osconf_model m;
	struct diags d = { 0 };
	model_init(&m);
	if (conf_load((const char *)data, size, &m, &d) == 0) {
		/* invariants every later stage relies on */
		if (m.default_nic >= OSCONF_MAX_NICS || (m.default_nic >= 0 && !m.nics[m.default_nic].present))
			__builtin_trap();
		if (m.password && (strlen(m.password) != m.password_len || memchr(m.password, '\n', m.password_len)))
			__builtin_trap();
		if (m.has_hostname && strlen(m.hostname) > OSCONF_HOSTNAME_MAX)
			__builtin_trap();
		for (size_t i = 0; i < d.n; i++)
			if (d.items[i].severity == DIAG_ERROR && d.items[i].section >= 0 &&
			    !(m.invalid & SEC_BIT(d.items[i].section)))
				__builtin_trap(); /* an error always disables its section */
	}
	model_free(&m);
	diags_free(&d);
	return 0;
}
