/* nlmsg.h — netlink messages on the kernel's UAPI macros: building requests, reading replies with every length checked. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Start a message of type in buf (size bytes, 4-byte aligned): the netlink header and a zeroed
 * fixed header of hdrlen bytes (ifinfomsg, ifaddrmsg, rtmsg), returned in *fixed. NULL when
 * that does not fit in size. */
struct nlmsghdr *nl_msg_init(void *buf, size_t size, uint16_t type, uint16_t flags, size_t hdrlen, void **fixed);

/* Append attribute type with len bytes of data (and padding) to the message at the start of a
 * buffer of size bytes. -EMSGSIZE, with nothing written, when it would not fit. */
int nl_attr_put(struct nlmsghdr *nlh, size_t size, uint16_t type, const void *data, size_t len);
int nl_attr_put_u32(struct nlmsghdr *nlh, size_t size, uint16_t type, uint32_t value);

/* Walk the messages of a datagram of len bytes: 1 with *out the message at *off (advanced past
 * it), 0 at the end, -EBADMSG for a header that is cut short, claims less than itself or runs
 * past the datagram. */
int nl_msg_next(const void *buf, size_t len, size_t *off, const struct nlmsghdr **out);

/* The fixed header after the netlink header; NULL when nlmsg_len is too short to hold it.
 * nlh must have passed nl_msg_next (nlmsg_len within the datagram). */
const void *nl_msg_fixed(const struct nlmsghdr *nlh, size_t hdrlen);

/* Attributes into tb[0..max] by type (the last of a type wins, types above max are skipped,
 * tb is cleared first). -EBADMSG for an attribute shorter than its header or longer than what
 * is left, and for leftover bytes too few for a header. */
int nl_attr_parse(const struct rtattr **tb, unsigned max, const void *data, size_t len);
int nl_attr_parse_nested(const struct rtattr **tb, unsigned max, const struct rtattr *nest);
/* The attributes after the fixed header of hdrlen bytes; -EBADMSG when that header is cut. */
int nl_msg_attrs(const struct nlmsghdr *nlh, size_t hdrlen, const struct rtattr **tb, unsigned max);

/* Typed reads: false (out untouched) / NULL unless the payload has exactly that size / holds
 * a NUL. a may be NULL (attribute absent). */
bool nl_attr_u32(const struct rtattr *a, uint32_t *out);
bool nl_attr_bytes(const struct rtattr *a, void *out, size_t len);
const char *nl_attr_str(const struct rtattr *a);

/* The status an NLMSG_ERROR (ack) or NLMSG_DONE (end of dump) carries: 0 or negative errno;
 * *kmsg the kernel's extended-ack message (NLMSGERR_ATTR_MSG, pointing into nlh) or NULL.
 * -EBADMSG for an NLMSG_ERROR too short for its struct nlmsgerr. */
int nl_msg_status(const struct nlmsghdr *nlh, const char **kmsg);
