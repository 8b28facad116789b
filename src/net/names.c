/* names.c — the kernel names of os.conf's NICs: found by MAC over rtnetlink on the running system. */
/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

#include "net/backend.h"
#include "sys/netlink.h"
#include "util/clock.h"
#include "util/macros.h"

#define UDEV_WAIT_MS 10000
#define UDEV_DATA "/run/udev/data"

/* At boot osconf may run while udev is still probing or renaming NICs (eth0 → ens5): a
 * link counts as ready once udev has recorded it (/run/udev/data/n<ifindex>, as
 * systemd-networkd checks). Without a running udev every link is ready. */
static bool udev_ready(const struct nl_link *l)
{
	char path[64];
	if (access("/run/udev/control", F_OK) < 0)
		return true;
	snprintf(path, sizeof(path), UDEV_DATA "/n%d", l->ifindex);
	return access(path, F_OK) == 0;
}

/* Match os.conf's NICs to links; true when every NIC with a MAC was found and is ready. */
static bool match_links(const struct osconf_model *m, const struct nl_link *links, size_t n, struct nic_names *out)
{
	bool all = true;
	for (int i = 0; i < OSCONF_MAX_NICS; i++) {
		if (!m->nics[i].present || !m->nics[i].has_mac)
			continue;
		const struct nl_link *l = nl_link_by_mac(links, n, m->nics[i].mac);
		if (!l || !udev_ready(l)) {
			all = false;
			continue;
		}
		snprintf(out->name[i], sizeof(out->name[i]), "%s", l->name);
		out->by_mac[i] = true;
	}
	return all;
}

/* Sleep until udev records a NIC (a file n<ifindex> appears in its database: it writes a
 * temporary, .#n… or n….tmp, and renames it), its database directory appears (ifd watches
 * /run/udev until then), or ms pass. Waking on udev's records instead of every 50 ms leaves
 * udev the CPU while its coldplug runs; without inotify (ifd < 0), 50 ms. */
static void udev_sleep(int ifd, int ms)
{
	if (ifd < 0) {
		nanosleep(&(struct timespec){ .tv_nsec = 50 * 1000 * 1000 }, NULL);
		return;
	}
	char ev[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	for (long long until = now_ms() + ms, left = ms; left > 0; left = until - now_ms()) {
		if (poll(&(struct pollfd){ .fd = ifd, .events = POLLIN }, 1, (int)left) <= 0)
			return;
		ssize_t n = read(ifd, ev, sizeof(ev));
		if (n <= 0)
			return;
		for (char *p = ev; p < ev + n; p += sizeof(struct inotify_event) + ((struct inotify_event *)p)->len) {
			const struct inotify_event *e = (const struct inotify_event *)p;
			if ((e->mask & IN_Q_OVERFLOW) ||
			    (e->len && ((e->name[0] == 'n' && !strchr(e->name, '.')) || streq(e->name, "data"))))
				return;
		}
	}
}

/* RTM_GETLINK (not /sys/class/net) so that the answer is the caller's network namespace.
 * Waits up to UDEV_WAIT_MS for NICs that are missing or not yet processed by udev. */
void nic_names_resolve(const struct osconf_model *m, bool live, struct nic_names *out)
{
	for (int i = 0; i < OSCONF_MAX_NICS; i++) {
		snprintf(out->name[i], sizeof(out->name[i]), "%s", m->nics[i].name);
		out->by_mac[i] = false;
	}
	if (!live)
		return;
	bool udev = access("/run/udev/control", F_OK) == 0;
	_cleanup_close_ int ifd = -2; /* set up at the first wait */
	bool data = false;            /* ifd watches UDEV_DATA (else /run/udev, for it to appear) */
	for (long long until = now_ms() + UDEV_WAIT_MS;;) {
		struct nl nl = NL_INIT;
		struct nl_link *links = NULL;
		size_t n = 0;
		/* a failed dump (a starved boot's timeout) is tried again, not taken as no NIC */
		int r = nl_open(&nl, NULL, 0);
		if (r == 0)
			r = nl_dump_links(&nl, &links, &n, NULL, 0);
		nl_close(&nl);
		bool all = r == 0 && match_links(m, links, n, out);
		free(links);
		if (all || (r == 0 && !udev) || now_ms() >= until)
			return;
		if (ifd == -2)
			ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
		if (ifd >= 0 && !data) { /* watched from now on; what udev recorded before, the next dump sees */
			if (inotify_add_watch(ifd, UDEV_DATA, IN_CREATE | IN_MOVED_TO | IN_ONLYDIR) >= 0) {
				data = true;
				continue;
			}
			/* udev makes its database directory with its first record */
			if (errno != ENOENT || inotify_add_watch(ifd, "/run/udev", IN_CREATE | IN_MOVED_TO | IN_ONLYDIR) < 0)
				ifd = (close(ifd), -1);
		}
		/* a missing link is recorded by udev once it appears; still looked at once a second */
		long long left = until - now_ms();
		udev_sleep(r == 0 ? ifd : -1, left < 1000 ? (int)left : 1000);
	}
}
