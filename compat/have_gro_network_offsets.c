// SPDX-License-Identifier: GPL-2.0
/* 6.10: GRO keeps the offset of each IP header in NAPI_GRO_CB(). */
#include <net/gro.h>

int podkit_probe(struct sk_buff *skb);
int podkit_probe(struct sk_buff *skb)
{
	return NAPI_GRO_CB(skb)->network_offsets[1];
}
