/* Password-hash recognition and $HEX[...] decoding, good and ugly inputs. */
#include "config.h"

#include <string.h>

#include "core/dynbuf.h"
#include "core/pwhash.h"
#include "tests/unit/tap.h"

static const char *
kind(const char *s)
{
	return pwhash_kind(s, strlen(s));
}

/* Decodes s; returns the result code and leaves the bytes in b. */
static int
hex(struct dynbuf *b, const char *s)
{
	dynbuf_reset(b);
	return pwhash_hex_decode(s, strlen(s), b);
}

int
main(void)
{
	/* clang-format off */
	static const struct {
		const char *in, *want;
	} cases[] = {
		/* digests of "password" */
		{ "5f4dcc3b5aa765d61d8327deb882cf99", "md5" },
		{ "5F4DCC3B5AA765D61D8327DEB882CF99", "md5" },
		{ "5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8", "sha1" },
		{ "d63dc919e201d7bc4c825630d2cf25fdc93d4b2f0d46706d29038d01", "sha224" },
		{ "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8", "sha256" },
		{ "a8b64babd0aca91a59bdbb7761b421d4f2bb38280d3a75ba0f21f2bebc45583d446c598660c94ce680c47d19c30783a7",
		  "sha384" },
		{ "b109f3bbbc244eb82441917ed06d618b9008dd09b3befd1b5e07394c706a8bb980b1d7785e5976ec049b46df5f1326af5a2ea6d103fd07c95385ffab0cacbc86",
		  "sha512" },
		{ "5d2e19393cc5ef67", "mysql323" },
		{ "*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19", "mysql41" },
		/* crypt(3) and friends */
		{ "$2y$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy", "bcrypt" },
		{ "$2b$12$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy", "bcrypt" },
		{ "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG", "argon2" },
		{ "$argon2i$m=4096,t=3,p=1$c29tZXNhbHQ$iWh06vD8Fy27wf9npn6FXWiCX4K6pW6Ue1Bnzz07Z8A", "argon2" },
		{ "$1$28772684$voU.ewVwcrRq81buI8.h11", "md5crypt" },
		{ "$apr1$71850310$oUMVC.ygIurem8oB7y9aP.", "apr1" },
		{ "$5$GX7BopJZJxPc$t6xpJ3pwdia9yp61lBysQt80bw30qufVglCn4jV4iP1", "sha256crypt" },
		{ "$5$rounds=5000$GX7BopJZJxPc$t6xpJ3pwdia9yp61lBysQt80bw30qufVglCn4jV4iP1", "sha256crypt" },
		{ "$6$saltsalt$qFmFH.bQmmtXzyBY0s9v7Oicd2z4XSIecDzlB5KiA2/jctKu9YterLp8wwnSq.qc.eoxqOmSuNp2xS0ktL3nh/",
		  "sha512crypt" },
		{ "$y$j9T$F5Jx5fExrKuPp53xLKQ..1$tnSYvahCwPBHKZUspmcxMfb0.WiB9W.zEaKlOBL35rC", "yescrypt" },
		{ "abJnggxhB/yWI", "descrypt" },
		{ "$P$984478476IagS59wHZvyQMArzfx58u.", "phpass" },
		{ "{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=", "ldap-sha1" },
		{ "{SSHA}yI6cZwQadOA1e+/f+T+H3eCQQhRzYWx0", "ldap-ssha" },
		{ "{CRYPT}$1$28772684$voU.ewVwcrRq81buI8.h11", "md5crypt" },
		{ "pbkdf2_sha256$260000$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG=", "django-pbkdf2" },
		{ "sha1$a1976$a36cc8cbf81742a8fb52e221aaeab48ed7f58ab4", "django-sha1" },
		{ "5f4dcc3b5aa765d61d8327deb882cf99:x7Q", "md5-salted" },
		/* clear text and near misses */
		{ "", NULL },
		{ "password", NULL },
		{ "correct horse battery staple", NULL },
		{ "5f4dcc3b5aa765d61d8327deb882cf9", NULL },    /* 31 hex */
		{ "5f4dcc3b5aa765d61d8327deb882cf99a", NULL },  /* 33 hex */
		{ "5f4dcc3b5aa765D61d8327deb882cf99", NULL },   /* mixed case */
		{ "12345678901234567890123456789012", NULL },   /* 32 digits: a number */
		{ "abcdefabcdefabcdefabcdefabcdefab", NULL },   /* 32 letters: no digit */
		{ "5f4dcc3b5aa765d61d8327deb882cf9g", NULL },   /* not hex */
		{ "$2y$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhW", NULL }, /* 59 */
		{ "$2y$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lh!y", NULL },
		{ "$2q$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy", NULL },
		{ "$argon2id$", NULL },
		{ "$argon2id$v=19$$$", NULL },
		{ "$1$28772684$voU.ewVwcrRq81buI8.h1", NULL },  /* hash one short */
		{ "$1$toolongsalt$voU.ewVwcrRq81buI8.h11", NULL },
		{ "$6$rounds=$saltsalt$qFmFH", NULL },
		{ "Administrator", NULL },			/* 13 letters, no digit */
		{ "Password12345", NULL },			/* bad last descrypt byte */
		{ "*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E1", NULL },
		{ "{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g", NULL },
		{ "$HEX[70617373776f7264]", NULL },		/* a password, not a hash */
		{ "5f4dcc3b5aa765d61d8327deb882cf99:a:b", NULL },
		{ "$$$$$$$$$$$$$$$$$$$$$$$$$$$$$$$$$$$$$$$$", NULL },
	};
	/* clang-format on */
	size_t n = sizeof(cases) / sizeof(cases[0]);

	for (size_t i = 0; i < n; i++)
		is_str(kind(cases[i].in), cases[i].want, "kind of '%.40s'", cases[i].in);

	/* the bytes of a value are used as they are: no NUL needed */
	is_str(pwhash_kind("5f4dcc3b5aa765d61d8327deb882cf99XYZ", 32), "md5",
	       "length bounds the value");

	/* 32 hex digits: md5 unless the context names NTLM */
	is_str(pwhash_kind_ctx("8846f7eaee8fb117ad06bdd830b7586c", 32, "NT_Hash"), "ntlm",
	       "ntlm context");
	is_str(pwhash_kind_ctx("8846f7eaee8fb117ad06bdd830b7586c", 32, "password"), "md5",
	       "other context: md5");
	is_str(pwhash_kind_ctx("8846f7eaee8fb117ad06bdd830b7586c", 32, NULL), "md5",
	       "no context: md5");
	is_str(pwhash_kind_ctx("5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8", 40, "ntlm"), "sha1",
	       "the context changes only 32 hex digits");

	struct dynbuf b;
	dynbuf_init(&b, 64);
	is_int(hex(&b, "$HEX[70617373776f7264]"), PWHASH_HEX_OK, "$HEX decodes");
	is_str(dynbuf_str(&b), "password", "$HEX bytes");
	is_int(hex(&b, "$HEX[e4B8AD]"), PWHASH_HEX_OK, "$HEX with either case");
	is_str(dynbuf_str(&b), "\xe4\xb8\xad", "$HEX UTF-8 bytes");
	is_int(hex(&b, "$HEX[]"), PWHASH_HEX_OK, "$HEX[] is the empty password");
	is_int(b.len, 0, "empty");
	is_int(hex(&b, "$HEX[ff00]"), PWHASH_HEX_OK, "$HEX of non-text bytes decodes");
	ok(b.len == 2 && b.buf[0] == '\xff' && b.buf[1] == '\0',
	   "bytes given as they are, NUL included");
	is_int(hex(&b, "$HEX[414]"), PWHASH_HEX_BAD, "odd digit count");
	is_int(hex(&b, "$HEX[4g]"), PWHASH_HEX_BAD, "non-hex digit");
	is_int(hex(&b, "$HEX[41 42]"), PWHASH_HEX_BAD, "space inside");
	is_int(hex(&b, "$HEX[4142"), PWHASH_HEX_NOT, "no closing bracket");
	is_int(hex(&b, "$hex[4142]"), PWHASH_HEX_NOT, "lower-case prefix is not the form");
	is_int(hex(&b, "4142"), PWHASH_HEX_NOT, "plain text");
	is_int(hex(&b, "$HEX["), PWHASH_HEX_NOT, "prefix only");
	ok(pwhash_is_hex("$HEX[zz]", 8) && !pwhash_is_hex("$HEX]", 5), "pwhash_is_hex");

	struct dynbuf small;
	dynbuf_init(&small, 3);
	dynbuf_add(&small, "ab", 2);
	is_int(pwhash_hex_decode("$HEX[4142]", 10, &small), PWHASH_HEX_TOOBIG, "past the cap");
	is_int(small.len, 2, "buffer unchanged past the cap");
	dynbuf_reset(&b);
	dynbuf_add(&b, "x", 1);
	is_int(pwhash_hex_decode("$HEX[4142]", 10, &b), PWHASH_HEX_OK, "appends");
	is_str(dynbuf_str(&b), "xAB", "appended after what was there");
	dynbuf_release(&small);
	dynbuf_release(&b);
	return done_testing();
}
