// SPDX-License-Identifier: GPL-2.0
/* 7.2 (7.1.5): the UDP tunnel socket helpers take the struct sock. */
#include <net/udp_tunnel.h>

void podkit_probe(struct net *net, struct sock *sk,
		  struct udp_tunnel_sock_cfg *cfg);
void podkit_probe(struct net *net, struct sock *sk,
		  struct udp_tunnel_sock_cfg *cfg)
{
	setup_udp_tunnel_sock(net, sk, cfg);
	udp_tunnel_notify_add_rx_port(sk, UDP_TUNNEL_TYPE_GENEVE);
	udp_tunnel_notify_del_rx_port(sk, UDP_TUNNEL_TYPE_GENEVE);
	udp_tunnel_sock_release(sk);
}
