/*
 * net.h - socket helpers for the HTTP server (after redis's anet.h).
 *
 *   net_parse_addr   "host:port", "[v6]:port", ":port" -> host and port
 *   net_listen       a bound, listening, non-blocking, close-on-exec TCP socket
 *   net_accept       accept4() a non-blocking, close-on-exec client + its "ip:port"
 *   net_local_port   the port a socket is bound to (for listen on port 0)
 *   net_addr_str     a sockaddr as "ip:port" ("[v6]:port")
 *
 * Nothing here logs except net_listen's error() on failure; nothing allocates.
 */
#ifndef STUDYBOT_NET_H
#define STUDYBOT_NET_H

#include <stddef.h>
#include <sys/socket.h>

#define NET_HOST_MAX 256
#define NET_PEER_MAX 64     /* "[" INET6_ADDRSTRLEN "]:65535" fits */

/*
 * Splits spec into host (NUL-terminated, brackets removed; "" means any address)
 * and port 0..65535. Returns 0, or -1 when spec is malformed or too long.
 */
int net_parse_addr(const char *spec, char *host, size_t hostsz, int *port);

/*
 * Listens on spec with SO_REUSEADDR (and SO_REUSEPORT when reuseport) and the
 * given backlog (<= 0: SOMAXCONN). Returns the fd or -1 after printing error().
 */
int net_listen(const char *spec, int reuseport, int backlog);

/*
 * Accepts one connection from listening fd lfd. The new fd is non-blocking and
 * close-on-exec; its peer is written to peer ("?" if unknown). Returns the fd, or
 * -1 with errno set (EAGAIN when nothing is pending).
 */
int net_accept(int lfd, char *peer, size_t peersz);

/* the local port of a bound socket, or -1 */
int net_local_port(int fd);

/* writes sa as "ip:port" or "[v6]:port"; returns 0 or -1 (unknown family, short out) */
int net_addr_str(const struct sockaddr *sa, socklen_t len, char *out, size_t outsz);

#endif
