// SPDX-License-Identifier: GPL-2.0
/* 6.17: the UDP tunnel transmit helpers take IPCB()/IP6CB() flags. */
#include <net/udp_tunnel.h>

void podkit_probe(struct rtable *rt, struct sock *sk, struct sk_buff *skb);
void podkit_probe(struct rtable *rt, struct sock *sk, struct sk_buff *skb)
{
	udp_tunnel_xmit_skb(rt, sk, skb, 0, 0, 0, 64, 0, 0, 0, false, false, 0);
}
