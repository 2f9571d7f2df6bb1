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
#include "podnet.h"

static struct socket *pn_sock_create(struct pn_dev *pn, struct net *net,
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
	udp_allow_gso(sock->sk);
	setup_udp_tunnel_sock(net, sock, &tunnel_cfg);
	udp_tunnel_notify_add_rx_port(sock, UDP_TUNNEL_TYPE_GENEVE);
	return sock;
}

static void pn_sock_release(struct socket *sock)
{
	if (!sock)
		return;
	udp_tunnel_notify_del_rx_port(sock, UDP_TUNNEL_TYPE_GENEVE);
	udp_tunnel_sock_release(sock);
}

/* Called with RTNL held, when the device goes up. */
int pn_socket_open(struct pn_dev *pn)
{
	struct socket *sock4 = NULL, *sock6 = NULL;
	struct net *net = pn->creating_net;

	ASSERT_RTNL();
	if (!net)
		return -ENETDOWN;
	if (pn_has_family(pn, AF_INET)) {
		sock4 = pn_sock_create(pn, net, false);
		if (IS_ERR(sock4))
			return PTR_ERR(sock4);
	}
	if (pn_has_family(pn, AF_INET6)) {
		sock6 = pn_sock_create(pn, net, true);
		if (IS_ERR(sock6)) {
			int err = PTR_ERR(sock6);

			/* Without local6, IPv6 is optional (ipv6.disable=1). */
			if (err == -EAFNOSUPPORT && !pn->cfg.has_local6 && sock4) {
				sock6 = NULL;
			} else {
				pn_sock_release(sock4);
				return err;
			}
		}
	}
	rcu_assign_pointer(pn->sock4, sock4);
	rcu_assign_pointer(pn->sock6, sock6);
	return 0;
}

/* Called with RTNL held; idempotent. */
void pn_socket_close(struct pn_dev *pn)
{
	struct socket *sock4 = rtnl_dereference(pn->sock4);
	struct socket *sock6 = rtnl_dereference(pn->sock6);

	if (!sock4 && !sock6)
		return;
	RCU_INIT_POINTER(pn->sock4, NULL);
	RCU_INIT_POINTER(pn->sock6, NULL);
	/* Let transmitters still using the sockets finish. */
	synchronize_net();
	pn_sock_release(sock4);
	pn_sock_release(sock6);
}
