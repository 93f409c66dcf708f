/*
 * Addresses: which hosts are this machine, the host of a URL, and the
 * numeric HOST:PORT a server listens on, and what a plain mail address is.
 * The one place that decides what "loopback" means (localhost, 127.0.0.0/8,
 * ::1), for the configuration's http:// rule, the channels' http:// and
 * STARTTLS rules and the feed server's token rule alike, so that the
 * configuration refuses exactly what the channels would.
 */
#ifndef NETADDR_H
#define NETADDR_H

/* Longest numeric host of a listen address, brackets excluded. */
#define NETADDR_HOST_LEN 64

/*
 * 1 if host names this machine: "localhost" (any case), an IPv4 address in
 * 127.0.0.0/8, or the IPv6 loopback address, bare or in brackets ("::1",
 * "[::1]").  Anything else, names that merely start so included, is 0.
 */
int netaddr_host_is_loopback(const char *host);
/* The host of url ("scheme://user@host:port/path"), allocated. */
char *netaddr_url_host(const char *url);
/* 1 if the host of url is loopback (netaddr_host_is_loopback). */
int netaddr_url_is_loopback(const char *url);
/*
 * 1 if url may carry an alert or a secret: https://, or http:// to a
 * loopback host; 0 for anything else, NULL included.
 */
int netaddr_url_is_allowed(const char *url);
/*
 * 1 if addr is a plain mail address as SMTP takes it in MAIL FROM and
 * RCPT TO: printable ASCII with an '@', no blanks, '<', '>', ',' or '"'.
 */
int netaddr_mailbox_is_plain(const char *addr);

/*
 * Parse "HOST:PORT" ("[v6]:PORT" for IPv6; HOST a numeric address) into a
 * socket address at sa (room for a struct sockaddr_in6).  Returns 0, with
 * *loopback 1 for a loopback address, or -1 with *cause.
 */
int netaddr_parse_listen(
    const char *listen, void *sa, unsigned *salen, int *loopback, char **cause);

#endif
