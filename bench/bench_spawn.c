/*
 * bench_spawn -o file command [args...]
 *
 * Run command and write "wall_s cpu_s maxrss_kib status" of it to file.
 * bench/run measures its children through this small program because a
 * child forked from a large process inherits that process's peak RSS
 * (ru_maxrss survives fork and exec) and pays for copying its page tables;
 * forked from here, both are this program's few hundred KiB.
 */
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Seconds of the monotonic clock. */
static double
spawn_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Seconds of a struct timeval. */
static double
spawn_seconds(const struct timeval *tv)
{
	return (double)tv->tv_sec + (double)tv->tv_usec / 1e6;
}

/* Run the command, wait for it and write its figures. */
int
main(int argc, char **argv)
{
	struct rusage ru;
	FILE *out;
	double t0;
	pid_t pid;
	int status;

	if (argc < 4 || strcmp(argv[1], "-o") != 0) {
		fprintf(stderr, "usage: bench_spawn -o file command [args]\n");
		return 2;
	}
	t0 = spawn_now();
	pid = fork();
	if (pid == -1) {
		perror("bench_spawn: fork");
		return 1;
	}
	if (pid == 0) {
		execv(argv[3], argv + 3);
		fprintf(
		    stderr, "bench_spawn: %s: %s\n", argv[3], strerror(errno));
		_exit(127);
	}
	while (wait4(pid, &status, 0, &ru) == -1)
		if (errno != EINTR) {
			perror("bench_spawn: wait4");
			return 1;
		}
	out = fopen(argv[2], "w");
	if (out == NULL) {
		perror(argv[2]);
		return 1;
	}
	fprintf(out, "%.6f %.6f %ld %d\n", spawn_now() - t0,
	    spawn_seconds(&ru.ru_utime) + spawn_seconds(&ru.ru_stime),
	    ru.ru_maxrss, WIFEXITED(status) ? WEXITSTATUS(status) : 128);
	fclose(out);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
