/*
 * An LD_PRELOAD shim for I/O error paths (jq's trick): read() on a file
 * whose name ends in $FAILIO_SUFFIX fails with EIO once $FAILIO_AFTER
 * bytes of it have been read. Lets a test running as root see what a
 * user sees with an unreadable or failing disk.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static long long done_bytes;

static int
is_target(int fd)
{
	const char *suffix = getenv("FAILIO_SUFFIX");
	char link[64], path[PATH_MAX];
	ssize_t n;

	if (!suffix || !*suffix)
		return 0;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof(path) - 1);
	if (n <= 0)
		return 0;
	path[n] = '\0';
	size_t sl = strlen(suffix);
	return (size_t)n >= sl && !strcmp(path + n - sl, suffix);
}

ssize_t read(int fd, void *buf, size_t count);

ssize_t
read(int fd, void *buf, size_t count)
{
	static ssize_t (*real)(int, void *, size_t);
	if (!real)
		real = (ssize_t(*)(int, void *, size_t))dlsym(RTLD_NEXT, "read");
	if (is_target(fd)) {
		const char *after = getenv("FAILIO_AFTER");
		long long lim = after ? atoll(after) : 0;
		if (done_bytes >= lim) {
			errno = EIO;
			return -1;
		}
		if ((long long)count > lim - done_bytes)
			count = (size_t)(lim - done_bytes);
		ssize_t r = real(fd, buf, count);
		if (r > 0)
			done_bytes += r;
		return r;
	}
	return real(fd, buf, count);
}
