/*
 * libFuzzer target: any bytes as a configuration file.  The file is written
 * to a memfd and read through its /proc path, so the real config_load path
 * (line limit, libinih, the directive table, every validator) runs.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "config.h"
#include "log.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Drop log lines: the fuzzer wants speed, not a stream of warnings. */
static void
fuzz_quiet(int prio, const char *line, void *arg)
{
}

/* Load one input as a configuration and free whatever came back. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config *cfg;
	char path[64], *cause = NULL;
	int fd;

	log_set_sink(fuzz_quiet, NULL);
	fd = memfd_create("fuzz-config", MFD_CLOEXEC);
	if (fd == -1)
		return 0;
	if (size > 0 && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	cfg = config_load(path, &cause);
	config_free(cfg);
	free(cause);
	close(fd);
	return 0;
}
