/* names.c — map each os.conf NIC to the kernel's interface name by its MAC address. */
#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include "conf/schema.h"
#include "net/backend.h"
#include "util/macros.h"

void nic_names_resolve(const struct osconf_model *m, bool live, struct nic_names *out)
{
	memset(out, 0, sizeof(*out));
	for (int i = 0; i < OSCONF_MAX_NICS; i++)
		snprintf(out->name[i], sizeof(out->name[i]), "%s", m->nics[i].name);
	if (!live)
		return;
	DIR *d = opendir("/sys/class/net");
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char path[300], addr[32] = "";
		snprintf(path, sizeof(path), "/sys/class/net/%s/address", de->d_name);
		FILE *f = fopen(path, "re");
		if (!f)
			continue;
		if (!fgets(addr, sizeof(addr), f))
			addr[0] = '\0';
		fclose(f);
		addr[strcspn(addr, "\n")] = '\0';
		uint8_t mac[6];
		char err[8];
		if (parse_mac(addr, mac, err, sizeof(err)) < 0)
			continue;
		for (int i = 0; i < OSCONF_MAX_NICS; i++)
			if (m->nics[i].present && m->nics[i].has_mac && !memcmp(m->nics[i].mac, mac, 6)) {
				snprintf(out->name[i], sizeof(out->name[i]), "%.15s", de->d_name);
				out->by_mac[i] = true;
			}
	}
	closedir(d);
}
