/*
 * A library's key: where it lives, its file, its check; see keys.h.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "core/keys.h"

#define KEY_FILE_MAX 4096

int
keys_dir(char *out, size_t n, char *err, size_t errlen)
{
	const char *d = getenv("DUMPTRACE_KEY_DIR"), *x = getenv("XDG_CONFIG_HOME"),
		   *h = getenv("HOME");
	int r;
	if (d && *d)
		r = snprintf(out, n, "%s", d);
	else if (x && *x == '/')
		r = snprintf(out, n, "%s/dumptrace/keys", x);
	else if (h && *h)
		r = snprintf(out, n, "%s/.config/dumptrace/keys", h);
	else {
		snprintf(err, errlen, "no key directory: set HOME, XDG_CONFIG_HOME or DUMPTRACE_KEY_DIR");
		return -1;
	}
	if (r < 0 || (size_t)r >= n) {
		snprintf(err, errlen, "the key directory's path is too long");
		return -1;
	}
	return 0;
}

int
keys_path(const char *lib_id, char *out, size_t n, char *err, size_t errlen)
{
	char dir[4096];
	if (keys_dir(dir, sizeof(dir), err, errlen) < 0)
		return -1;
	int r = snprintf(out, n, "%s/%s.key", dir, lib_id);
	if (r < 0 || (size_t)r >= n) {
		snprintf(err, errlen, "the key's path is too long");
		return -1;
	}
	return 0;
}

void
key_random(unsigned char *b, size_t n)
{
	if (sodium_init() < 0)
		abort(); /* no source of randomness: nothing can be keyed */
	randombytes_buf(b, n);
}

void
key_new(unsigned char key[FP_KEY_SIZE])
{
	key_random(key, FP_KEY_SIZE);
}

static int
hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
	       c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/*
 * Raw material that may be a key: binary (not text: a byte outside the
 * printable ASCII and blanks), and as varied as random bytes are (32
 * random bytes hold about 30 distinct values, 64 about 56).
 */
static int
random_enough(const unsigned char *b, size_t n)
{
	int seen[256] = { 0 }, distinct = 0, binary = 0;
	size_t m = n < 64 ? n : 64;
	for (size_t i = 0; i < n; i++)
		binary |= !(b[i] >= 0x20 && b[i] < 0x7f) && b[i] != '\n' && b[i] != '\r' && b[i] != '\t';
	for (size_t i = 0; i < m; i++)
		if (!seen[b[i]]++)
			distinct++;
	return binary && distinct >= (m < 64 ? 22 : 40);
}

int
key_read(const char *path, unsigned char key[FP_KEY_SIZE], char *err, size_t errlen)
{
	unsigned char buf[KEY_FILE_MAX + 1];
	struct stat st;
	ssize_t n = 0, r;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		if (errno == ENOENT)
			return 1;
		snprintf(err, errlen, "cannot open key file '%s': %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		snprintf(err, errlen, "key file '%s' is not a regular file", path);
		return -1;
	}
	while (n < (ssize_t)sizeof(buf) && (r = read(fd, buf + n, sizeof(buf) - (size_t)n)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			snprintf(err, errlen, "cannot read key file '%s': %s", path, strerror(errno));
			close(fd);
			return -1;
		}
		n += r;
	}
	close(fd);
	size_t ml = strlen(KEY_FILE_MAGIC);
	int rc = -1;
	if ((size_t)n > ml && !memcmp(buf, KEY_FILE_MAGIC, ml) && (buf[ml] == ' ' || buf[ml] == '\t')) {
		size_t i = ml;
		while (i < (size_t)n && (buf[i] == ' ' || buf[i] == '\t'))
			i++;
		size_t k = 0;
		for (; k < 2 * FP_KEY_SIZE && i < (size_t)n; k++, i++) {
			int v = hexval(buf[i]);
			if (v < 0)
				break;
			if (k % 2 == 0)
				key[k / 2] = (unsigned char)(v << 4);
			else
				key[k / 2] |= (unsigned char)v;
		}
		while (i < (size_t)n && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n'))
			i++;
		if (k == 2 * FP_KEY_SIZE && i == (size_t)n)
			rc = 0;
		else
			snprintf(err, errlen, "key file '%s': not '%s' and 64 hex digits", path,
				 KEY_FILE_MAGIC);
	} else if (n > KEY_FILE_MAX)
		snprintf(err, errlen, "key file '%s' is longer than %d bytes: not a key", path,
			 KEY_FILE_MAX);
	else if (n < FP_KEY_SIZE || !random_enough(buf, (size_t)n))
		snprintf(err, errlen,
			 "key file '%s' is not a key: neither '%s' and 64 hex digits (`dumptrace key new`) "
			 "nor at least %d bytes of random binary data (a text or a short secret can be "
			 "guessed, and a guessed key opens every fingerprint)",
			 path, KEY_FILE_MAGIC, FP_KEY_SIZE);
	else {
		crypto_generichash(key, FP_KEY_SIZE, buf, (size_t)n, (const unsigned char *)"dumptrace raw key",
				   17);
		rc = 0;
	}
	sodium_memzero(buf, sizeof(buf));
	return rc;
}

/* mkdir -p of path's parent directories, mode 0700. */
static int
make_parents(const char *path, char *err, size_t errlen)
{
	char p[4096];
	if (snprintf(p, sizeof(p), "%s", path) >= (int)sizeof(p))
		return 0;
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = 0;
		if (mkdir(p, 0700) < 0 && errno != EEXIST) {
			snprintf(err, errlen, "cannot make the key directory '%s': %s", p, strerror(errno));
			return -1;
		}
		*s = '/';
	}
	return 0;
}

int
key_write(const char *path, const unsigned char key[FP_KEY_SIZE], int mkdirs, char *err,
	  size_t errlen)
{
	char line[sizeof(KEY_FILE_MAGIC) + 2 * FP_KEY_SIZE + 2], tmp[4200];
	unsigned char have[FP_KEY_SIZE];
	char e[512];
	size_t ml = strlen(KEY_FILE_MAGIC);

	if (mkdirs && make_parents(path, err, errlen) < 0)
		return -1;
	int r = key_read(path, have, e, sizeof(e));
	if (r == 0) {
		int same = !sodium_memcmp(have, key, FP_KEY_SIZE);
		sodium_memzero(have, sizeof(have));
		if (same)
			return 0;
		snprintf(err, errlen, "'%s' holds another key: not replaced", path);
		return -1;
	}
	if (r < 0 && access(path, F_OK) == 0) {
		snprintf(err, errlen, "'%s' is there and is not this key: not replaced", path);
		return -1;
	}
	memcpy(line, KEY_FILE_MAGIC, ml);
	line[ml] = ' ';
	sodium_bin2hex(line + ml + 1, 2 * FP_KEY_SIZE + 1, key, FP_KEY_SIZE);
	line[ml + 1 + 2 * FP_KEY_SIZE] = '\n';
	size_t len = ml + 2 + 2 * FP_KEY_SIZE;
	/* written whole into a temporary name, then linked: never half a key, never over another file */
	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof(tmp)) {
		snprintf(err, errlen, "the key's path is too long");
		return -1;
	}
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "cannot write key file '%s': %s", tmp, strerror(errno));
		return -1;
	}
	int ok = write(fd, line, len) == (ssize_t)len && fsync(fd) == 0;
	int we = errno;
	ok &= close(fd) == 0;
	sodium_memzero(line, sizeof(line));
	if (!ok || link(tmp, path) < 0) {
		if (ok)
			we = errno;
		unlink(tmp);
		snprintf(err, errlen, "cannot write key file '%s': %s", path, strerror(we));
		return -1;
	}
	unlink(tmp);
	return 0;
}

void
key_check(const unsigned char key[FP_KEY_SIZE], const char *lib_id, char out[33])
{
	unsigned char h[16];
	crypto_generichash_state st;
	if (sodium_init() < 0)
		abort();
	crypto_generichash_init(&st, key, FP_KEY_SIZE, sizeof(h));
	crypto_generichash_update(&st, (const unsigned char *)"dumptrace key check ", 20);
	crypto_generichash_update(&st, (const unsigned char *)lib_id, strlen(lib_id));
	crypto_generichash_final(&st, h, sizeof(h));
	sodium_bin2hex(out, 33, h, sizeof(h));
}
