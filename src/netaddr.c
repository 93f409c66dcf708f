/*
 * Addresses (see netaddr.h).
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "netaddr.h"
#include "timeutil.h"
#include "xmalloc.h"

/* 1 for an IPv4 address in 127.0.0.0/8. */
static int
netaddr_in4_is_loopback(const struct in_addr *a)
{
	return (ntohl(a->s_addr) >> 24) == 127;
}

/* Decide whether host is this machine; see netaddr.h. */
int
netaddr_host_is_loopback(const char *host)
{
	struct in_addr a4;
	struct in6_addr a6;
	char inner[NETADDR_HOST_LEN];
	size_t len = strlen(host);

	if (strcasecmp(host, "localhost") == 0)
		return 1;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return netaddr_in4_is_loopback(&a4);
	if (len >= 2 && host[0] == '[' && host[len - 1] == ']') {
		if (len - 2 >= sizeof inner)
			return 0;
		memcpy(inner, host + 1, len - 2);
		inner[len - 2] = '\0';
		host = inner;
	}
	return inet_pton(AF_INET6, host, &a6) == 1 && IN6_IS_ADDR_LOOPBACK(&a6);
}

/* Find the host part of url: [start, *end). */
static const char *
netaddr_url_host_span(const char *url, const char **end)
{
	const char *p, *at, *stop;

	p = strstr(url, "://");
	p = p == NULL ? url : p + 3;
	stop = p + strcspn(p, "/?#");
	at = memchr(p, '@', stop - p);
	if (at != NULL)
		p = at + 1;
	if (*p == '[') {
		*end = memchr(p, ']', stop - p);
		if (*end == NULL)
			*end = stop;
		else
			(*end)++;
		return p;
	}
	*end = p + strcspn(p, ":/?#");
	if (*end > stop)
		*end = stop;
	return p;
}

/* Copy the URL's host, never its path or user information. */
char *
netaddr_url_host(const char *url)
{
	const char *p, *end;

	p = netaddr_url_host_span(url, &end);
	return xstrndup(p, end - p);
}

/* Tell whether the URL points at this machine. */
int
netaddr_url_is_loopback(const char *url)
{
	char *host = netaddr_url_host(url);
	int yes;

	yes = netaddr_host_is_loopback(host);
	free(host);
	return yes;
}

/* Tell whether url is https://, or http:// to this machine. */
int
netaddr_url_is_allowed(const char *url)
{
	if (url == NULL)
		return 0;
	if (strncasecmp(url, "https://", 8) == 0)
		return 1;
	return strncasecmp(url, "http://", 7) == 0 &&
	    netaddr_url_is_loopback(url);
}

/* Tell whether addr is a plain printable-ASCII address with an '@'. */
int
netaddr_mailbox_is_plain(const char *addr)
{
	const char *p;

	if (addr == NULL || strchr(addr, '@') == NULL)
		return 0;
	for (p = addr; *p != '\0'; p++) {
		if (*p <= ' ' || *p >= 0x7f || *p == '<' || *p == '>' ||
		    *p == ',' || *p == '"')
			return 0;
	}
	return 1;
}

/* Parse a listen address; see netaddr.h. */
int
netaddr_parse_listen(
    const char *listen, void *sa, unsigned *salen, int *loopback, char **cause)
{
	struct sockaddr_in *s4 = sa;
	struct sockaddr_in6 *s6 = sa;
	const char *colon, *port, *err;
	char host[NETADDR_HOST_LEN];
	long long p;
	size_t hl;

	colon = strrchr(listen, ':');
	if (colon == NULL || colon == listen)
		goto bad;
	port = colon + 1;
	if (timeutil_strtonum(port, 0, 65535, &p, &err) == -1)
		goto bad;
	hl = (size_t)(colon - listen);
	if (listen[0] == '[') {
		if (hl < 3 || listen[hl - 1] != ']')
			goto bad;
		listen++;
		hl -= 2;
	}
	if (hl >= sizeof host)
		goto bad;
	memcpy(host, listen, hl);
	host[hl] = '\0';
	memset(sa, 0, sizeof(struct sockaddr_in6));
	if (inet_pton(AF_INET, host, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)p);
		*salen = sizeof *s4;
		*loopback = netaddr_host_is_loopback(host);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)p);
		*salen = sizeof *s6;
		*loopback = netaddr_host_is_loopback(host);
		return 0;
	}
bad:
	xasprintf(cause, "listen: %s: not a numeric HOST:PORT", listen);
	return -1;
}
