/*
 * A libmicrohttpd server for the tests on a loopback port; see
 * mhd_fixture.h.
 */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "mhd_fixture.h"

/* Start a server on 127.0.0.1 and an ephemeral port; see mhd_fixture.h. */
struct MHD_Daemon *
mhd_fixture_start(unsigned int flags, MHD_AccessHandlerCallback answer,
    void *cls, const struct MHD_OptionItem *opts, int *port)
{
	static const struct MHD_OptionItem none[] = {{MHD_OPTION_END, 0, NULL}};
	struct sockaddr_in sin;
	const union MHD_DaemonInfo *info;
	struct MHD_Daemon *d;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	d = MHD_start_daemon(flags, 0, NULL, NULL, answer, cls,
	    MHD_OPTION_SOCK_ADDR, &sin, MHD_OPTION_ARRAY,
	    opts != NULL ? opts : none, MHD_OPTION_END);
	ck_assert_ptr_nonnull(d);
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	ck_assert_ptr_nonnull(info);
	ck_assert_int_gt(info->port, 0);
	*port = info->port;
	return d;
}
