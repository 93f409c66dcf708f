/*
 * A libmicrohttpd server for the tests, bound to 127.0.0.1 on a port the
 * kernel picks: the one start that the HTTP client's and the HTTP
 * channels' tests share.
 */
#ifndef MHD_FIXTURE_H
#define MHD_FIXTURE_H

#include <microhttpd.h>

/*
 * Start a server with flags, answering through answer(cls), on 127.0.0.1
 * and an ephemeral port, stored in *port.  opts, NULL or ended by an
 * MHD_OPTION_END item, adds options (a function pointer goes in value, as
 * intptr_t, its closure in ptr_value).  Fails the test if it cannot start.
 */
struct MHD_Daemon *mhd_fixture_start(unsigned int flags,
    MHD_AccessHandlerCallback answer, void *cls,
    const struct MHD_OptionItem *opts, int *port);

#endif
