// SPDX-License-Identifier: GPL-2.0
/*
 * pktfuzz: malformed and spoofed Geneve datagrams at a podnet device, sent
 * through UDP sockets (the kernel builds the outer headers and checksums,
 * and fragments a datagram larger than the path MTU).
 *
 * Each datagram is one of a set of cases, most with a known fate at the
 * receiving podnet device (rx, or one drop reason: the cases of
 * selftests/podnet_lib.sh's raw_geneve, with random contents), the rest
 * random: byte-flipped or cut copies of the others, inner fragments,
 * datagrams larger than the MTU.  The last lines say how many of each
 * expected fate were sent, so that the receiving device's counters can be
 * checked: every datagram must be counted once, each known fate at least
 * as often as it was sent.
 *   pktfuzz sent=N rx=N spoofed_source=N malformed=N ... random=N
 *
 * The addresses default to selftests/podnet_lib.sh's cluster, sender node
 * 2, receiver node 1, "other" node 3.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "rnd.h"

enum fate { F_RX, F_SPOOFED, F_MALFORMED, F_VERSION, F_CRITICAL, F_OAM,
	    F_VNI, F_PROTO, F_ECN, F_RANDOM, F_MAX };

static const char *const fate_name[F_MAX] = {
	"rx", "spoofed_source", "malformed", "bad_version", "critical_option",
	"oam", "unknown_vni", "unknown_proto", "ecn", "random",
};

static unsigned long sent[F_MAX];

/*
 * Datagrams go out in batches of up to BATCH per sendmmsg(), one queue per
 * socket (outer ECN), in the order they were made within each queue.
 */
#define BATCH 32
#define MAXLEN 8192
struct batch {
	unsigned int n;
	struct iovec iov[BATCH];
	enum fate fate[BATCH];
	uint8_t buf[BATCH][MAXLEN];
};
static struct in_addr src4, dst4, other4;	/* inner: own pod, target pod, other node's pod */
static struct in6_addr src6, dst6, other6;
static uint32_t vni = 42;

static uint16_t csum(const uint8_t *b, size_t len)
{
	uint32_t s = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		s += b[i] << 8 | b[i + 1];
	if (len & 1)
		s += b[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return ~s;
}

/* An IPv4 ICMP echo reply (nobody answers it) from s to d; returns its length. */
static size_t ip4(uint8_t *p, struct in_addr s, struct in_addr d, uint8_t tos,
		  size_t plen, uint16_t frag)
{
	size_t len = 20 + plen, i;
	uint16_t c;

	memset(p, 0, 20);
	p[0] = 0x45;
	p[1] = tos;
	p[2] = len >> 8;
	p[3] = len;
	p[4] = rnd();
	p[6] = frag >> 8;
	p[7] = frag;
	p[8] = 1 + rn(64);
	p[9] = 1;
	memcpy(p + 12, &s, 4);
	memcpy(p + 16, &d, 4);
	c = csum(p, 20);
	p[10] = c >> 8;
	p[11] = c;
	for (i = 20; i < len; i++)
		p[i] = rnd();
	if (plen >= 8) {
		p[20] = 0;	/* echo reply */
		p[21] = 0;
	}
	return len;
}

static size_t ip6(uint8_t *p, const struct in6_addr *s, const struct in6_addr *d,
		  size_t plen, bool frag)
{
	size_t i;

	memset(p, 0, 40);
	p[0] = 0x60;
	p[4] = plen >> 8;
	p[5] = plen;
	p[6] = frag ? 44 : 58;
	p[7] = 64;
	memcpy(p + 8, s, 16);
	memcpy(p + 24, d, 16);
	for (i = 40; i < 40 + plen; i++)
		p[i] = rnd();
	if (frag && plen >= 8) {
		p[40] = 58;
		p[41] = 0;
	} else if (plen >= 1) {
		p[40] = 129;	/* echo reply, wrong checksum: the pod drops it */
	}
	return 40 + plen;
}

/* Geneve header with opts_len words of options (type and class random). */
static size_t gnv(uint8_t *p, int ver, bool oam, bool crit, uint32_t v,
		  uint16_t proto, unsigned int optw, bool crit_opt)
{
	unsigned int w = 0;

	p[0] = ver << 6 | optw;
	p[1] = oam << 7 | crit << 6;
	p[2] = proto >> 8;
	p[3] = proto;
	p[4] = v >> 16;
	p[5] = v >> 8;
	p[6] = v;
	p[7] = 0;
	/* options: class(2) type(1) len(1, low 5 bits, words) data */
	while (w < optw) {
		unsigned int l = rn(optw - w);	/* this option's data words */
		uint8_t *o = p + 8 + 4 * w;
		unsigned int i;

		o[0] = rnd();
		o[1] = rnd();
		o[2] = rnd() & 0x7f;
		o[3] = l;
		for (i = 0; i < 4 * l; i++)
			o[4 + i] = rnd();
		w += 1 + l;
	}
	if (crit_opt && optw)
		p[8 + 2] |= 0x80;
	return 8 + 4 * optw;
}

static size_t inner(uint8_t *p, bool v6, int who, uint8_t tos)
{
	struct in_addr s4 = who == 0 ? src4 : other4;
	const struct in6_addr *s6 = who == 0 ? &src6 : &other6;

	if (who == 2) {	/* unrouted source */
		s4.s_addr = htonl(0xac100000 | rn(65536));
		return v6 ? ip6(p, &dst6, &dst6, 8 + rn(64), false) :
			    ip4(p, s4, dst4, tos, 8 + rn(64), 0);
	}
	return v6 ? ip6(p, s6, &dst6, 8 + rn(200), false) :
		    ip4(p, s4, dst4, tos, 8 + rn(200), 0);
}

/* One datagram into p; returns its length, sets its fate and ECN bits. */
static size_t make(uint8_t *p, enum fate *fate, int *ecn)
{
	bool v6 = rn(2);
	uint16_t proto = v6 ? 0x86dd : 0x0800;
	unsigned int c = rn(24);
	size_t h, len;

	*ecn = 0;
	switch (c) {
	case 0: case 1: case 2:	/* valid, maybe with non-critical options */
		h = gnv(p, 0, false, false, vni, proto, c == 2 ? rn(8) : 0, false);
		*fate = F_RX;
		return h + inner(p + h, v6, 0, 0);
	case 3:	/* another node's pod as source */
		h = gnv(p, 0, false, false, vni, proto, 0, false);
		*fate = F_SPOOFED;
		return h + inner(p + h, v6, 1, 0);
	case 4:	/* unrouted source */
		h = gnv(p, 0, false, false, vni, proto, 0, false);
		*fate = F_SPOOFED;
		if (v6) {
			struct in6_addr s = dst6;

			s.s6_addr[0] = 0x20;
			s.s6_addr[15] = rnd();
			return h + ip6(p + h, &s, &dst6, 8, false);
		}
		return h + inner(p + h, false, 2, 0);
	case 5:	/* shorter than a Geneve header */
		len = rn(8);
		for (h = 0; h < len; h++)
			p[h] = rnd();
		*fate = F_MALFORMED;
		return len;
	case 6:
		h = gnv(p, 1 + rn(3), false, false, vni, proto, 0, false);
		*fate = F_VERSION;
		return h + inner(p + h, v6, 0, 0);
	case 7:
		h = gnv(p, 0, false, true, vni, proto, rn(4), false);
		*fate = F_CRITICAL;
		return h + inner(p + h, v6, 0, 0);
	case 8:
		h = gnv(p, 0, false, false, vni, proto, 1 + rn(6), true);
		*fate = F_CRITICAL;
		return h + inner(p + h, v6, 0, 0);
	case 9:	/* an option running past the options */
		h = gnv(p, 0, false, false, vni, proto, 2, false);
		p[8 + 3] = 2 + rn(30);
		*fate = F_MALFORMED;
		return h + inner(p + h, v6, 0, 0);
	case 10:	/* options longer than the datagram */
		gnv(p, 0, false, false, vni, proto, 0, false);
		p[0] = 1 + rn(63);
		len = 8 + rn(4 * (p[0] & 63));
		for (h = 8; h < len; h++)
			p[h] = rnd();
		*fate = F_MALFORMED;
		return len;
	case 11:
		h = gnv(p, 0, true, false, vni, proto, 0, false);
		*fate = F_OAM;
		return h + inner(p + h, v6, 0, 0);
	case 12:
		h = gnv(p, 0, false, false, (vni + 1 + rn(0xfffffe)) & 0xffffff, proto, 0, false);
		*fate = F_VNI;
		return h + inner(p + h, v6, 0, 0);
	case 13:
		do
			proto = rnd();
		while (proto == 0x0800 || proto == 0x86dd);
		h = gnv(p, 0, false, false, vni, proto, 0, false);
		*fate = F_PROTO;
		return h + inner(p + h, v6, 0, 0);
	case 14:	/* inner version wrong, or the other family's header */
		h = gnv(p, 0, false, false, vni, proto, 0, false);
		len = inner(p + h, v6, 0, 0);
		p[h] = (p[h] & 0x0f) | (rn(2) ? (v6 ? 0x40 : 0x60) : (rn(16) << 4 & 0x30));
		*fate = F_MALFORMED;
		return h + len;
	case 15:	/* inner truncated */
		h = gnv(p, 0, false, false, vni, proto, 0, false);
		inner(p + h, v6, 0, 0);
		*fate = F_MALFORMED;
		return h + rn(v6 ? 40 : 20);
	case 16:	/* outer CE, inner not-ECT */
		h = gnv(p, 0, false, false, vni, 0x0800, 0, false);
		*ecn = 3;
		*fate = F_ECN;
		return h + inner(p + h, false, 0, 0);
	case 17:	/* outer CE, inner ECT(0) / ECT(1) */
		h = gnv(p, 0, false, false, vni, 0x0800, 0, false);
		*ecn = 3;
		*fate = F_RX;
		return h + inner(p + h, false, 0, 1 + rn(2));
	case 18:	/* inner fragments */
		h = gnv(p, 0, false, false, vni, proto, 0, false);
		*fate = F_RANDOM;
		if (v6)
			return h + ip6(p + h, &src6, &dst6, 8 + rn(200), true);
		return h + ip4(p + h, src4, dst4, 0, 8 + rn(200),
			       (rn(2) ? 0x2000 : 0) | rn(0x2000));
	case 19:	/* larger than the MTU: fragmented outer */
		h = gnv(p, 0, false, false, vni, proto, 0, false);
		*fate = F_RANDOM;
		return h + (v6 ? ip6(p + h, &src6, &dst6, 1500 + rn(3000), false) :
			    ip4(p + h, src4, dst4, 0, 1500 + rn(3000), 0));
	default:	/* any of the above, mutated */
		len = make(p, fate, ecn);
		*fate = F_RANDOM;
		switch (rn(3)) {
		case 0:
			for (h = 1 + rn(4); h; h--)
				p[rn(len)] ^= 1 << rn(8);
			return len;
		case 1:
			return rn(len + 1);
		default:
			for (h = 0; h < 16 && len < 6000; h++)
				p[len++] = rnd();
			return len;
		}
	}
}

static int parse(const char *s, int fam, void *a)
{
	if (inet_pton(fam, s, a) != 1) {
		fprintf(stderr, "pktfuzz: bad address %s\n", s);
		exit(2);
	}
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: pktfuzz -d DST [-l LOCAL] [-P PORT] [-n COUNT] [-s SEED] [-V VNI]\n"
		"       [-a INNER_SRC4] [-b INNER_DST4] [-c OTHER_SRC4]\n"
		"       [-A INNER_SRC6] [-B INNER_DST6] [-C OTHER_SRC6]\n"
		"DST/LOCAL: the receiving node's and our underlay address (IPv4 or IPv6).\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *dst = NULL, *local = NULL;
	unsigned long n = 10000, i, errs = 0, calls = 0;
	static struct batch q[2];	/* by outer ECN: not-ECT, CE */
	struct sockaddr_storage to = { 0 }, me = { 0 };
	socklen_t tolen;
	struct timespec t0, t1;
	static uint8_t pkt[MAXLEN];
	int port = 6081, fam, s[2], o, k;
	double secs;

	rs = time(NULL) ^ getpid();
	parse("10.244.2.99", AF_INET, &src4);
	parse("10.244.1.11", AF_INET, &dst4);
	parse("10.244.3.99", AF_INET, &other4);
	parse("fd44:2::99", AF_INET6, &src6);
	parse("fd44:1::11", AF_INET6, &dst6);
	parse("fd44:3::99", AF_INET6, &other6);
	while ((o = getopt(argc, argv, "d:l:P:n:s:V:a:b:c:A:B:C:")) != -1) {
		switch (o) {
		case 'd': dst = optarg; break;
		case 'l': local = optarg; break;
		case 'P': port = atoi(optarg); break;
		case 'n': n = strtoul(optarg, NULL, 0); break;
		case 's': rs = strtoull(optarg, NULL, 0); break;
		case 'V': vni = strtoul(optarg, NULL, 0); break;
		case 'a': parse(optarg, AF_INET, &src4); break;
		case 'b': parse(optarg, AF_INET, &dst4); break;
		case 'c': parse(optarg, AF_INET, &other4); break;
		case 'A': parse(optarg, AF_INET6, &src6); break;
		case 'B': parse(optarg, AF_INET6, &dst6); break;
		case 'C': parse(optarg, AF_INET6, &other6); break;
		default: usage();
		}
	}
	if (!dst || optind != argc)
		usage();
	if (!rs)
		rs = 1;
	fam = strchr(dst, ':') ? AF_INET6 : AF_INET;
	if (fam == AF_INET) {
		struct sockaddr_in *a = (struct sockaddr_in *)&to, *m = (struct sockaddr_in *)&me;

		a->sin_family = m->sin_family = AF_INET;
		a->sin_port = htons(port);
		parse(dst, AF_INET, &a->sin_addr);
		if (local)
			parse(local, AF_INET, &m->sin_addr);
		tolen = sizeof(*a);
	} else {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&to, *m = (struct sockaddr_in6 *)&me;

		a->sin6_family = m->sin6_family = AF_INET6;
		a->sin6_port = htons(port);
		parse(dst, AF_INET6, &a->sin6_addr);
		if (local)
			parse(local, AF_INET6, &m->sin6_addr);
		tolen = sizeof(*a);
	}
	/* s[0]: outer ECN not-ECT, s[1]: CE */
	for (k = 0; k < 2; k++) {
		int tos = k ? 3 : 0, pmtu = IP_PMTUDISC_DONT;

		s[k] = socket(fam, SOCK_DGRAM, 0);
		if (s[k] < 0 ||
		    (fam == AF_INET ? setsockopt(s[k], IPPROTO_IP, IP_TOS, &tos, sizeof(tos)) ||
				      setsockopt(s[k], IPPROTO_IP, IP_MTU_DISCOVER, &pmtu, sizeof(pmtu)) :
				      setsockopt(s[k], IPPROTO_IPV6, IPV6_TCLASS, &tos, sizeof(tos))) ||
		    (local && bind(s[k], (struct sockaddr *)&me, tolen))) {
			perror("pktfuzz: socket");
			return 1;
		}
	}
	printf("# pktfuzz seed %llu\n", (unsigned long long)rs);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n || q[0].n || q[1].n; ) {
		int ecn = 0;

		if (i < n) {
			struct batch *b;
			enum fate f;
			size_t len;

			len = make(pkt, &f, &ecn);
			b = &q[ecn ? 1 : 0];
			memcpy(b->buf[b->n], pkt, len);
			b->iov[b->n].iov_base = b->buf[b->n];
			b->iov[b->n].iov_len = len;
			b->fate[b->n++] = f;
			i++;
			if (b->n < BATCH && i < n)
				continue;
		}
		/* a full queue, or the end: send what is queued */
		for (k = 0; k < 2; k++) {
			struct batch *b = &q[k];
			unsigned int j, done = 0;

			while (done < b->n) {
				struct mmsghdr mm[BATCH];
				int r;

				for (j = done; j < b->n; j++) {
					memset(&mm[j - done], 0, sizeof(mm[0]));
					mm[j - done].msg_hdr.msg_name = &to;
					mm[j - done].msg_hdr.msg_namelen = tolen;
					mm[j - done].msg_hdr.msg_iov = &b->iov[j];
					mm[j - done].msg_hdr.msg_iovlen = 1;
				}
				r = sendmmsg(s[k], mm, b->n - done, 0);
				if (r < 0) {
					/* ECONNREFUSED from an earlier ICMP error, ENOBUFS: again */
					if ((errno == ECONNREFUSED || errno == ENOBUFS || errno == EAGAIN) &&
					    ++errs <= n + 1000)
						continue;
					perror("pktfuzz: sendmmsg");
					return 1;
				}
				for (j = done; j < done + r; j++)
					sent[b->fate[j]]++;
				done += r;
				calls++;
			}
			b->n = 0;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("# %lu datagrams in %.1f s (%.0f/s), %lu sendmmsg calls, %lu send retries\n",
	       n, secs, secs > 0 ? n / secs : 0.0, calls, errs);
	printf("pktfuzz sent=%lu", n);
	for (k = 0; k < F_MAX; k++)
		printf(" %s=%lu", fate_name[k], sent[k]);
	printf("\n");
	return 0;
}
