/* Fingerprints: stable, typed, keyed, independent of column order. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <unistd.h>

#include "core/fp.h"
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

	char path[] = "/tmp/dumptrace-key-XXXXXX";
	int fd = mkstemp(path);
	ok(fd >= 0 && write(fd, "0123456789abcdef-secret", 23) == 23, "a key file");
	close(fd);
	ok(fp_key_from_file(&k2, path, err, sizeof(err)) == 0, "the key file loads");
	ok(fp_value(&k2, 1, "a@x.kz", 6) != a, "a keyed fingerprint differs from the default");
	ok(fp_key_from_file(&k3, path, err, sizeof(err)) == 0 &&
		   fp_value(&k3, 1, "a@x.kz", 6) == fp_value(&k2, 1, "a@x.kz", 6),
	   "the same key file gives the same fingerprints");
	fp_key_release(&k3);
	ok(k2.id != k.id, "keys are told apart by their id");
	fd = open(path, O_WRONLY | O_TRUNC);
	ok(fd >= 0 && write(fd, "short", 5) == 5, "a short key file");
	close(fd);
	ok(fp_key_from_file(&k3, path, err, sizeof(err)) < 0, "a key under 16 bytes is refused");
	is_str(strstr(err, "fewer than 16 bytes") ? "yes" : err, "yes", "the reason says so");
	unlink(path);
	ok(fp_key_from_file(&k3, "/nonexistent/key", err, sizeof(err)) < 0, "a missing key file is refused");
	fp_key_release(&k2);
	return done_testing();
}
