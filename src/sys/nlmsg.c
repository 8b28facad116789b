/* nlmsg.c — netlink messages on the kernel's UAPI macros: requests built within their buffer, replies read only within their length. */
/* SPDX-License-Identifier: Apache-2.0 */
#include "sys/nlmsg.h"

#include <errno.h>
#include <string.h>

struct nlmsghdr *nl_msg_init(void *buf, size_t size, uint16_t type, uint16_t flags, size_t hdrlen, void **fixed)
{
	if (hdrlen > size || NLMSG_SPACE(hdrlen) > size)
		return NULL;
	memset(buf, 0, NLMSG_SPACE(hdrlen));
	struct nlmsghdr *nlh = buf;
	nlh->nlmsg_len = NLMSG_LENGTH(hdrlen);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	if (fixed)
		*fixed = NLMSG_DATA(nlh);
	return nlh;
}

int nl_attr_put(struct nlmsghdr *nlh, size_t size, uint16_t type, const void *data, size_t len)
{
	size_t used = nlh->nlmsg_len;
	if (used < NLMSG_HDRLEN || used > size)
		return -EINVAL;
	size_t off = NLMSG_ALIGN(used);
	/* rta_len is 16 bits; the whole attribute, padding included, must fit behind the message */
	if (len > UINT16_MAX - RTA_LENGTH(0) || off > size || RTA_SPACE(len) > size - off)
		return -EMSGSIZE;
	char *p = (char *)nlh;
	memset(p + used, 0, off - used);
	struct rtattr *rta = (struct rtattr *)(p + off);
	rta->rta_type = type;
	rta->rta_len = (unsigned short)RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(rta), data, len);
	memset((char *)RTA_DATA(rta) + len, 0, RTA_SPACE(len) - RTA_LENGTH(len));
	nlh->nlmsg_len = (uint32_t)(off + RTA_SPACE(len));
	return 0;
}

int nl_attr_put_u32(struct nlmsghdr *nlh, size_t size, uint16_t type, uint32_t value)
{
	return nl_attr_put(nlh, size, type, &value, sizeof(value));
}

int nl_msg_next(const void *buf, size_t len, size_t *off, const struct nlmsghdr **out)
{
	if (*off >= len)
		return 0;
	size_t rem = len - *off;
	if (rem < sizeof(struct nlmsghdr))
		return -EBADMSG;
	const struct nlmsghdr *nlh = (const void *)((const char *)buf + *off);
	if (nlh->nlmsg_len < sizeof(*nlh) || nlh->nlmsg_len > rem)
		return -EBADMSG;
	size_t step = NLMSG_ALIGN((size_t)nlh->nlmsg_len);
	*off = step < rem ? *off + step : len; /* the last message may lack its padding */
	*out = nlh;
	return 1;
}

const void *nl_msg_fixed(const struct nlmsghdr *nlh, size_t hdrlen)
{
	if (nlh->nlmsg_len < NLMSG_LENGTH(hdrlen))
		return NULL;
	return NLMSG_DATA(nlh);
}

int nl_attr_parse(const struct rtattr **tb, unsigned max, const void *data, size_t len)
{
	memset(tb, 0, (max + 1) * sizeof(*tb));
	const char *p = data;
	/* every round consumes at least one header (4 bytes) or ends the loop */
	while (len > 0) {
		const struct rtattr *a = (const void *)p;
		if (len < sizeof(*a) || a->rta_len < sizeof(*a) || a->rta_len > len) {
			memset(tb, 0, (max + 1) * sizeof(*tb));
			return -EBADMSG;
		}
		unsigned type = a->rta_type & NLA_TYPE_MASK;
		if (type <= max)
			tb[type] = a;
		size_t step = RTA_ALIGN((size_t)a->rta_len);
		if (step >= len)
			break; /* the last attribute may lack its padding */
		p += step;
		len -= step;
	}
	return 0;
}

int nl_attr_parse_nested(const struct rtattr **tb, unsigned max, const struct rtattr *nest)
{
	if (nest->rta_len < RTA_LENGTH(0)) {
		memset(tb, 0, (max + 1) * sizeof(*tb));
		return -EBADMSG;
	}
	return nl_attr_parse(tb, max, RTA_DATA(nest), nest->rta_len - RTA_LENGTH(0));
}

int nl_msg_attrs(const struct nlmsghdr *nlh, size_t hdrlen, const struct rtattr **tb, unsigned max)
{
	if (!nl_msg_fixed(nlh, hdrlen)) {
		memset(tb, 0, (max + 1) * sizeof(*tb));
		return -EBADMSG;
	}
	size_t start = NLMSG_SPACE(hdrlen);
	size_t len = nlh->nlmsg_len > start ? nlh->nlmsg_len - start : 0;
	return nl_attr_parse(tb, max, (const char *)nlh + start, len);
}

bool nl_attr_bytes(const struct rtattr *a, void *out, size_t len)
{
	if (!a || a->rta_len < RTA_LENGTH(0) || a->rta_len - RTA_LENGTH(0) != len)
		return false;
	memcpy(out, RTA_DATA(a), len);
	return true;
}

bool nl_attr_u32(const struct rtattr *a, uint32_t *out)
{
	return nl_attr_bytes(a, out, sizeof(*out));
}

const char *nl_attr_str(const struct rtattr *a)
{
	if (!a || a->rta_len <= RTA_LENGTH(0))
		return NULL;
	const char *s = RTA_DATA(a);
	return memchr(s, '\0', a->rta_len - RTA_LENGTH(0)) ? s : NULL;
}

int nl_msg_status(const struct nlmsghdr *nlh, const char **kmsg)
{
	*kmsg = NULL;
	if (nlh->nlmsg_len < NLMSG_HDRLEN)
		return -EBADMSG;
	size_t payload = nlh->nlmsg_len - NLMSG_HDRLEN;
	size_t tlv; /* where the extended-ack attributes start, from NLMSG_DATA */
	int code;
	if (nlh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = nl_msg_fixed(nlh, sizeof(*e));
		if (!e)
			return -EBADMSG;
		code = e->error > 0 ? -e->error : e->error;
		tlv = sizeof(*e);
		/* without NETLINK_CAP_ACK the kernel echoes our whole request first */
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
			size_t echoed = e->msg.nlmsg_len >= NLMSG_HDRLEN ? e->msg.nlmsg_len - NLMSG_HDRLEN : 0;
			tlv = echoed <= payload - tlv ? tlv + NLMSG_ALIGN(echoed) : payload;
		}
	} else {
		/* NLMSG_DONE: an int, negative when the dump failed (older kernels may omit it) */
		int v = 0;
		if (payload >= sizeof(v))
			memcpy(&v, NLMSG_DATA(nlh), sizeof(v));
		code = v < 0 ? v : 0;
		tlv = NLMSG_ALIGN(sizeof(v));
	}
	if (code < 0 && (nlh->nlmsg_flags & NLM_F_ACK_TLVS) && tlv < payload) {
		const struct rtattr *tb[NLMSGERR_ATTR_MAX + 1];
		if (nl_attr_parse(tb, NLMSGERR_ATTR_MAX, (const char *)NLMSG_DATA(nlh) + tlv, payload - tlv) == 0)
			*kmsg = nl_attr_str(tb[NLMSGERR_ATTR_MSG]);
	}
	return code;
}
