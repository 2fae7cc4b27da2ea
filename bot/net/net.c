/*
 * net.c - listen/accept helpers; see net.h.
 *
 *   parsing   net_parse_addr: the port is decimal, 0..65535, no sign or blanks
 *   listen    getaddrinfo(AI_PASSIVE) and the first address that binds
 *   accept    accept4(SOCK_NONBLOCK | SOCK_CLOEXEC) + the peer's text form
 */
#include "net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "banned.h"

static int parse_port(const char *s, int *port)
{
	long v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
		if (v > 65535)
			return -1;
	}
	*port = (int)v;
	return 0;
}

int net_parse_addr(const char *spec, char *host, size_t hostsz, int *port)
{
	const char *colon, *hs;
	size_t hl;

	if (!spec || !hostsz)
		return -1;
	if (spec[0] == '[') {
		const char *close = strchr(spec, ']');
		if (!close || close[1] != ':')
			return -1;
		hs = spec + 1;
		hl = (size_t)(close - hs);
		colon = close + 1;
		if (hl == 0)
			return -1;
	} else {
		colon = strrchr(spec, ':');
		if (!colon || memchr(spec, ':', (size_t)(colon - spec)))
			return -1;   /* no port, or a bare v6 address without brackets */
		hs = spec;
		hl = (size_t)(colon - spec);
	}
	if (hl >= hostsz || parse_port(colon + 1, port) < 0)
		return -1;
	memcpy(host, hs, hl);
	host[hl] = '\0';
	if (strcmp(host, "*") == 0)
		host[0] = '\0';
	return 0;
}

static int bind_one(const struct addrinfo *ai, int reuseport, int backlog)
{
	int one = 1;
	int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
			ai->ai_protocol);

	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    (reuseport && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) < 0) ||
	    bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 ||
	    listen(fd, backlog) < 0) {
		int saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

int net_listen(const char *spec, int reuseport, int backlog)
{
	char host[NET_HOST_MAX], portstr[8];
	struct addrinfo hints, *res, *ai;
	int port, rc, fd = -1, err = 0;

	if (net_parse_addr(spec, host, sizeof(host), &port) < 0)
		return error("bad listen address '%s' (want host:port or [v6]:port)",
			     spec ? spec : "");
	snprintf(portstr, sizeof(portstr), "%d", port);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	rc = getaddrinfo(host[0] ? host : NULL, portstr, &hints, &res);
	if (rc != 0)
		return error("cannot resolve '%s': %s", spec, gai_strerror(rc));
	for (ai = res; ai && fd < 0; ai = ai->ai_next) {
		fd = bind_one(ai, reuseport, backlog > 0 ? backlog : SOMAXCONN);
		if (fd < 0)
			err = errno;
	}
	freeaddrinfo(res);
	if (fd < 0)
		return error("cannot listen on '%s': %s", spec, strerror(err));
	return fd;
}

int net_addr_str(const struct sockaddr *sa, socklen_t len, char *out, size_t outsz)
{
	char ip[INET6_ADDRSTRLEN];
	int n;

	if (sa->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *in = (const void *)sa;
		inet_ntop(AF_INET, &in->sin_addr, ip, sizeof(ip));
		n = snprintf(out, outsz, "%s:%u", ip, (unsigned)ntohs(in->sin_port));
	} else if (sa->sa_family == AF_INET6 &&
		   len >= (socklen_t)sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *in6 = (const void *)sa;
		inet_ntop(AF_INET6, &in6->sin6_addr, ip, sizeof(ip));
		n = snprintf(out, outsz, "[%s]:%u", ip, (unsigned)ntohs(in6->sin6_port));
	} else {
		return -1;
	}
	return n < 0 || (size_t)n >= outsz ? -1 : 0;
}

int net_accept(int lfd, char *peer, size_t peersz)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int fd;

	do {
		fd = accept4(lfd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
	} while (fd < 0 && errno == EINTR);
	if (fd < 0)
		return -1;
	if (peer && peersz &&
	    net_addr_str((struct sockaddr *)&ss, len, peer, peersz) < 0)
		snprintf(peer, peersz, "?");
	return fd;
}

int net_local_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return -1;
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return -1;
}
