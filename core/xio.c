/*
 * Whole reads and writes; see xio.h.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/xio.h"

int
xio_write_all(int fd, const void *p, size_t n)
{
	while (n) {
		ssize_t r = write(fd, p, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p = (const char *)p + r;
		n -= (size_t)r;
	}
	return 0;
}

int
xio_pwrite_all(int fd, const void *p, size_t n, uint64_t off)
{
	while (n) {
		ssize_t r = pwrite(fd, p, n, (off_t)off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p = (const char *)p + r;
		n -= (size_t)r;
		off += (uint64_t)r;
	}
	return 0;
}

int
xio_pread_all(int fd, void *p, size_t n, uint64_t off)
{
	while (n) {
		ssize_t r = pread(fd, p, n, (off_t)off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0)
			errno = EIO; /* the file ended first */
		if (r <= 0)
			return -1;
		p = (char *)p + r;
		n -= (size_t)r;
		off += (uint64_t)r;
	}
	return 0;
}

int
xio_tmpfile(const char *dir, const char *tag, char *path, size_t pathlen)
{
	char buf[4096];
	int fd;

	if ((size_t)snprintf(buf, sizeof(buf), "%s/dumptrace-%s-XXXXXX", dir ? dir : "/tmp", tag) >=
	    sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
#ifdef O_TMPFILE
	if (!path) {
		/* a file with no name at all: not even a kill between create and unlink leaves one */
		fd = open(dir ? dir : "/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
		if (fd >= 0)
			return fd;
		if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
			return -1; /* no such directory, no room: as mkstemp would say */
	}
#endif
	fd = mkstemp(buf);
	if (fd < 0)
		return -1;
	if (path)
		snprintf(path, pathlen, "%s", buf);
	else
		unlink(buf);
	return fd;
}
