/* Fingerprints: stable, typed, keyed, independent of column order. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/fp.h"
#include "core/keys.h"
#include "tests/unit/tap.h"

int
main(void)
{
	struct fp_key k, k2, k3;
	char err[256];

	fp_key_default(&k);
	uint64_t a = fp_value(&k, 1, "a@x.kz", 6);
	ok(a == fp_value(&k, 1, "a@x.kz", 6), "a value's fingerprint is stable");
	ok(a != fp_value(&k, 2, "a@x.kz", 6), "the type is part of the fingerprint");
	ok(a != fp_value(&k, 1, "a@x.k", 5), "a different value differs");
	/* the published default: a library made anywhere matches one made here */
	struct fp_key k0;
	fp_key_default(&k0);
	ok(fp_value(&k0, 1, "a@x.kz", 6) == a, "the default key is the same everywhere");

	uint64_t r1[3] = { 5, 1, 9 }, r2[3] = { 9, 5, 1 };
	ok(fp_record(&k, r1, 3) == fp_record(&k, r2, 3), "a record's fingerprint ignores column order");
	uint64_t r3[2] = { 5, 1 };
	ok(fp_record(&k, r1, 3) != fp_record(&k, r3, 2), "a record with a value fewer differs");
	ok(fp_assoc(&k, 3, 7, 2, 8) != fp_assoc(&k, 2, 8, 3, 7), "an association has a direction");

	/* keys (core/keys.h): the text form, raw random bytes, and what is refused */
	char dir[] = "/tmp/dumptrace-key-XXXXXX", path[128], raw[128], text[128];
	unsigned char key[FP_KEY_SIZE], back[FP_KEY_SIZE], rnd[48];
	ok(mkdtemp(dir) != NULL, "a directory for keys");
	snprintf(path, sizeof(path), "%s/a/b/lib.key", dir);
	key_new(key);
	ok(key_write(path, key, 1, err, sizeof(err)) == 0, "a new key written (%s)", err);
	struct stat st;
	ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600, "... mode 0600");
	ok(key_read(path, back, err, sizeof(err)) == 0 && !memcmp(key, back, sizeof(key)), "... and read back");
	ok(key_write(path, key, 0, err, sizeof(err)) == 0, "writing the same key again is fine");
	key_new(back);
	ok(key_write(path, back, 0, err, sizeof(err)) < 0 && strstr(err, "another key"),
	   "another key never replaces it: %s", err);
	fp_key_from_secret(&k2, key);
	ok(k2.keyed && fp_value(&k2, 1, "a@x.kz", 6) != a, "a keyed fingerprint differs from the default");
	fp_key_from_secret(&k3, key);
	ok(fp_value(&k3, 1, "a@x.kz", 6) == fp_value(&k2, 1, "a@x.kz", 6) &&
		   fp_record(&k3, r1, 3) == fp_record(&k2, r1, 3) &&
		   fp_assoc(&k3, 3, 7, 2, 8) == fp_assoc(&k2, 3, 7, 2, 8),
	   "the same key gives the same fingerprints");
	ok(fp_value(&k2, 1, "a@x.kz", 6) != fp_value(&k2, 2, "a@x.kz", 6), "... typed");
	fp_key_release(&k3);
	fp_key_from_secret(&k3, back);
	ok(fp_value(&k3, 1, "a@x.kz", 6) != fp_value(&k2, 1, "a@x.kz", 6), "another key, other fingerprints");
	ok(k2.id != k.id && k2.id != k3.id, "keys are told apart in memory");
	fp_key_release(&k3);
	fp_key_release(&k2);

	snprintf(raw, sizeof(raw), "%s/raw", dir);
	key_random(rnd, sizeof(rnd));
	int fd = open(raw, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ok(fd >= 0 && write(fd, rnd, sizeof(rnd)) == (ssize_t)sizeof(rnd), "48 random bytes");
	close(fd);
	ok(key_read(raw, back, err, sizeof(err)) == 0, "... are a key (%s)", err);
	snprintf(text, sizeof(text), "%s/text", dir);
	fd = open(text, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	const char *pass = "a secret of more than sixteen bytes, and even of thirty-two\n";
	ok(fd >= 0 && write(fd, pass, strlen(pass)) == (ssize_t)strlen(pass), "a passphrase in a file");
	close(fd);
	ok(key_read(text, back, err, sizeof(err)) < 0 && strstr(err, "can be guessed"),
	   "a text is refused: %s", err);
	fd = open(raw, O_WRONLY | O_TRUNC);
	ok(fd >= 0 && write(fd, rnd, 20) == 20, "20 random bytes");
	close(fd);
	ok(key_read(raw, back, err, sizeof(err)) < 0, "... are too few");
	unsigned char zeros[64] = { 0 };
	zeros[5] = 0xff;
	fd = open(raw, O_WRONLY | O_TRUNC);
	ok(fd >= 0 && write(fd, zeros, sizeof(zeros)) == (ssize_t)sizeof(zeros), "64 bytes, nearly all zero");
	close(fd);
	ok(key_read(raw, back, err, sizeof(err)) < 0, "... are not random: refused");
	fd = open(text, O_WRONLY | O_TRUNC);
	const char *bad = KEY_FILE_MAGIC " 0123\n";
	ok(fd >= 0 && write(fd, bad, strlen(bad)) == (ssize_t)strlen(bad), "a key line cut short");
	close(fd);
	ok(key_read(text, back, err, sizeof(err)) < 0 && strstr(err, "64 hex"), "... refused: %s", err);
	is_int(key_read("/nonexistent/key", back, err, sizeof(err)), 1, "a missing key file: 1");
	ok(key_read(dir, back, err, sizeof(err)) < 0, "a directory is no key file");
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ok(system(cmd) == 0, "clean up");
	return done_testing();
}
