// SPDX-License-Identifier: GPL-2.0
/*
 * podnet UDP sockets: one per underlay address family, created in the
 * namespace that created the device when it goes up, and set up as UDP
 * tunnel sockets so the UDP layer hands Geneve packets to receive.c and
 * GRO can look inside them.
 */

#include <linux/net.h>
#include <net/udp_tunnel.h>
#include <net/sock.h>
#include "compat.h"
#include "podnet.h"

static struct sock *pn_sock_create(struct pn_dev *pn, struct net *net,
				   bool ipv6)
{
	struct udp_tunnel_sock_cfg tunnel_cfg = {
		.sk_user_data	= pn,
		.encap_type	= 1,
		.encap_rcv	= pn_udp_encap_recv,
		.encap_err_lookup = pn_udp_encap_err_lookup,
		.gro_receive	= pn_gro_receive,
		.gro_complete	= pn_gro_complete,
	};
	struct udp_port_cfg conf = {
		.local_udp_port	= pn->cfg.port,
	};
	struct socket *sock;
	struct sock *sk;
	int err;

	if (ipv6) {
		conf.family = AF_INET6;
		conf.ipv6_v6only = 1;
		if (pn->cfg.has_local6)
			conf.local_ip6 = pn->cfg.local6;
		conf.use_udp6_rx_checksums = !pn->cfg.zero_csum6_rx;
		conf.use_udp6_tx_checksums = !pn->cfg.zero_csum6_tx;
	} else {
		conf.family = AF_INET;
		conf.local_ip.s_addr = pn->cfg.has_local4 ? pn->cfg.local4 :
							    htonl(INADDR_ANY);
	}
	err = udp_sock_create(net, &conf, &sock);
	if (err < 0)
		return ERR_PTR(err);
	sk = sock->sk;
	udp_allow_gso(sk);
	setup_udp_tunnel_sock(net, sk, &tunnel_cfg);
	udp_tunnel_notify_add_rx_port(sk, UDP_TUNNEL_TYPE_GENEVE);
	return sk;
}

static void pn_sock_release(struct sock *sk)
{
	if (!sk)
		return;
	udp_tunnel_notify_del_rx_port(sk, UDP_TUNNEL_TYPE_GENEVE);
	udp_tunnel_sock_release(sk);
}

/* Called with RTNL held, when the device goes up. */
int pn_socket_open(struct pn_dev *pn)
{
	struct sock *sk4 = NULL, *sk6 = NULL;
	struct net *net = pn->creating_net;

	ASSERT_RTNL();
	if (!net)
		return -ENETDOWN;
	if (pn_has_family(pn, AF_INET)) {
		sk4 = pn_sock_create(pn, net, false);
		if (IS_ERR(sk4))
			return PTR_ERR(sk4);
	}
	if (pn_has_family(pn, AF_INET6)) {
		sk6 = pn_sock_create(pn, net, true);
		if (IS_ERR(sk6)) {
			int err = PTR_ERR(sk6);

			/* Without local6, IPv6 is optional (ipv6.disable=1). */
			if (err == -EAFNOSUPPORT && !pn->cfg.has_local6 && sk4) {
				sk6 = NULL;
			} else {
				pn_sock_release(sk4);
				return err;
			}
		}
	}
	rcu_assign_pointer(pn->sk4, sk4);
	rcu_assign_pointer(pn->sk6, sk6);
	return 0;
}

/* Called with RTNL held; idempotent. */
void pn_socket_close(struct pn_dev *pn)
{
	struct sock *sk4 = rtnl_dereference(pn->sk4);
	struct sock *sk6 = rtnl_dereference(pn->sk6);

	if (!sk4 && !sk6)
		return;
	RCU_INIT_POINTER(pn->sk4, NULL);
	RCU_INIT_POINTER(pn->sk6, NULL);
	/* Let transmitters still using the sockets finish. */
	synchronize_net();
	pn_sock_release(sk4);
	pn_sock_release(sk6);
}
