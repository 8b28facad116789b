/* netlink.h — rtnetlink on the kernel's UAPI: the one request-and-wait-for-ack helper and the IPv4 state dumps. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nlmsghdr;

struct nl {
	int sock;          /* the socket's fd; 0 while not open (nl_open never leaves it on 0–2) */
	unsigned portid;
	unsigned seq;
};

#define NL_INIT { 0 }

/* Open an rtnetlink socket with extended acks (NETLINK_EXT_ACK) and capped acks. */
int nl_open(struct nl *nl, char *err, size_t errlen);
void nl_close(struct nl *nl);

/* Send one request (NLM_F_REQUEST | NLM_F_ACK and a sequence number are set here) and
 * wait for the kernel's acknowledgement. Returns 0 or negative errno; on failure err
 * receives strerror plus the kernel's extended-ack message when it gave one. */
int nl_request(struct nl *nl, struct nlmsghdr *nlh, char *err, size_t errlen);

struct nl_link {
	int ifindex;
	char name[IFNAMSIZ];
	uint8_t mac[6];
	bool has_mac;      /* a 6-byte hardware address (Ethernet-like link) */
	bool enslaved;     /* has a master (bridge/bond port) */
	bool vlan;         /* a VLAN device (shares its parent's MAC) */
	unsigned flags;    /* IFF_* */
};

struct nl_addr4 {
	int ifindex;
	struct in_addr local;   /* IFA_LOCAL: the address itself */
	struct in_addr peer;    /* IFA_ADDRESS: equals local except on point-to-point links */
	uint8_t prefix;
	uint8_t scope;
	uint32_t flags;         /* IFA_F_* (IFA_F_SECONDARY, …) */
};

struct nl_route4 {
	struct in_addr dst;
	uint8_t prefix;
	uint8_t tos;
	uint8_t protocol;       /* RTPROT_* or a private number */
	uint8_t scope;          /* RT_SCOPE_* */
	uint8_t type;           /* RTN_* */
	bool has_gw;
	bool multipath;         /* RTA_MULTIPATH: oif/gw not meaningful */
	struct in_addr gw;
	int oif;
	uint32_t table;
	uint32_t priority;      /* metric */
};

/* Dumps; the arrays are malloc()ed (free() them). Addresses: AF_INET only. Routes: AF_INET
 * routes of the main table only. */
int nl_dump_links(struct nl *nl, struct nl_link **out, size_t *n, char *err, size_t errlen);
int nl_dump_addrs4(struct nl *nl, struct nl_addr4 **out, size_t *n, char *err, size_t errlen);
int nl_dump_routes4(struct nl *nl, struct nl_route4 **out, size_t *n, char *err, size_t errlen);

/* The link that carries mac: not a VLAN, not enslaved when possible, lowest ifindex. */
const struct nl_link *nl_link_by_mac(const struct nl_link *links, size_t n, const uint8_t mac[6]);
const struct nl_link *nl_link_by_name(const struct nl_link *links, size_t n, const char *name);

/* Requests, each waiting for the ack (see nl_request). */
int nl_link_set_up(struct nl *nl, int ifindex, char *err, size_t errlen);
/* cmd RTM_NEWADDR (flags NLM_F_CREATE | NLM_F_REPLACE as wanted) or RTM_DELADDR. */
int nl_addr4(struct nl *nl, uint16_t cmd, uint16_t flags, const struct nl_addr4 *a, char *err, size_t errlen);
/* cmd RTM_NEWROUTE (flags NLM_F_CREATE | NLM_F_REPLACE as wanted) or RTM_DELROUTE. */
int nl_route4(struct nl *nl, uint16_t cmd, uint16_t flags, const struct nl_route4 *r, char *err, size_t errlen);
