/*
 * Whole reads and writes on file descriptors (retrying short transfers and
 * EINTR), and LEB128 varints: the plumbing of every spill file and
 * on-disk set, in one place.
 */
#ifndef DT_XIO_H
#define DT_XIO_H

#include <stddef.h>
#include <stdint.h>

/* Each returns 0, or -1 with errno set (a short read at the end: EIO). */
int xio_write_all(int fd, const void *p, size_t n);
int xio_pwrite_all(int fd, const void *p, size_t n, uint64_t off);
int xio_pread_all(int fd, void *p, size_t n, uint64_t off);

/*
 * A temporary file dir/dumptrace-TAG-XXXXXX open for reading and writing.
 * With path NULL it has no name (O_TMPFILE where the file system has it,
 * else unlinked at once), so nothing is left behind however the process
 * ends; otherwise its name is copied to path (the caller removes it).
 * Returns the descriptor, or -1 with errno set.
 */
int xio_tmpfile(const char *dir, const char *tag, char *path, size_t pathlen);

/* Writes x as a varint at p (at most 10 bytes); returns the end. */
static inline uint8_t *
xio_put_varint(uint8_t *p, uint64_t x)
{
	while (x >= 0x80) {
		*p++ = (uint8_t)(x | 0x80);
		x >>= 7;
	}
	*p++ = (uint8_t)x;
	return p;
}

/* Reads a varint from [*pp, end); -1 when it runs past end or 10 bytes. */
static inline int
xio_get_varint(const uint8_t **pp, const uint8_t *end, uint64_t *x)
{
	const uint8_t *p = *pp;
	uint64_t v = 0;
	for (unsigned sh = 0; sh < 70; sh += 7) {
		if (p == end)
			return -1;
		uint8_t c = *p++;
		v |= (uint64_t)(c & 0x7f) << sh;
		if (!(c & 0x80)) {
			*x = v;
			*pp = p;
			return 0;
		}
	}
	return -1;
}

#endif
