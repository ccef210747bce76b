/* UTF-8 validation: the cases that decide whether a record is rejected. */
#include "config.h"

#include "core/utf8.h"
#include "tests/unit/tap.h"

int
main(void)
{
	static const struct {
		const char *s;
		size_t n;
		size_t want; /* first bad offset, or -1 */
		const char *what;
	} cases[] = {
		{ "plain ascii", 11, (size_t)-1, "ASCII" },
		{ "", 0, (size_t)-1, "empty" },
		{ "\xd0\x90\xd0\xa5\xd0\x9c\xd0\x95\xd0\xa2\xd0\x9e\xd0\x92", 14, (size_t)-1, "Cyrillic" },
		{ "\xd2\xb0\xd0\xbb\xd1\x8b", 6, (size_t)-1, "Kazakh letter" },
		{ "\xe2\x82\xac", 3, (size_t)-1, "euro sign" },
		{ "\xf0\x9f\x98\x80", 4, (size_t)-1, "emoji" },
		{ "abc\xc8\xc2\xc0", 6, 3, "CP1251 bytes after ASCII" },
		{ "\xc0\xaf", 2, 0, "overlong slash" },
		{ "\xe0\x80\xaf", 3, 0, "overlong 3-byte" },
		{ "\xed\xa0\x80", 3, 0, "surrogate" },
		{ "\xf4\x90\x80\x80", 4, 0, "above U+10FFFF" },
		{ "\xf5\x80\x80\x80", 4, 0, "F5 lead" },
		{ "ab\x80", 3, 2, "lone continuation" },
		{ "ab\xd0", 3, 2, "cut 2-byte" },
		{ "12345678\xff", 9, 8, "bad byte after fast path" },
		{ "1234567\xd0\x90z", 10, (size_t)-1, "2-byte across word boundary" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		is_int((long long)utf8_invalid(cases[i].s, cases[i].n), (long long)cases[i].want, "%s",
		       cases[i].what);
	is_int((long long)utf8_invalid_prefix("ab\xd0", 3), -1, "cut sequence allowed in a prefix");
	is_int((long long)utf8_invalid_prefix("ab\xff", 3), 2, "bad byte still bad in a prefix");

	/*
	 * The word-at-a-time paths against a byte-by-byte reference, on
	 * strings built from pieces that sit on and across 8-byte words:
	 * ASCII, 2-byte letters (C0/C1 overlongs among them), 3- and 4-byte
	 * sequences, lone continuations and cuts.
	 */
	static const char *const piece[] = {"a", "1234567", "\xd0\x90", "\xd2\xb0", "\xc1\xbf",
	                                    "\xc0\x80", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\x80",
	                                    "\xd0", "\xed\xa0\x80", "\xdf\xbf", "\xc2\x80"};
	unsigned seed = 12345, mismatches = 0;
	for (int t = 0; t < 20000; t++) {
		char buf[64];
		size_t n = 0;
		while (n < 40) {
			seed = seed * 1103515245u + 12345u;
			const char *pc = piece[(seed >> 16) % (sizeof(piece) / sizeof(piece[0]))];
			size_t pl = strlen(pc);
			memcpy(buf + n, pc, pl);
			n += pl;
		}
		size_t ref = (size_t)-1;
		for (size_t i = 0; i < n && ref == (size_t)-1;) {
			const unsigned char *u = (const unsigned char *)buf + i;
			size_t l = u[0] < 0x80 ? 1 : u[0] < 0xC2 ? 0 : u[0] < 0xE0 ? 2 : u[0] < 0xF0 ? 3 : u[0] < 0xF5 ? 4 : 0;
			int good = l > 0 && i + l <= n;
			for (size_t k = 1; good && k < l; k++)
				good = (u[k] & 0xC0) == 0x80;
			if (good && l == 3)
				good = !(u[0] == 0xE0 && u[1] < 0xA0) && !(u[0] == 0xED && u[1] > 0x9F);
			if (good && l == 4)
				good = !(u[0] == 0xF0 && u[1] < 0x90) && !(u[0] == 0xF4 && u[1] > 0x8F);
			if (good)
				i += l;
			else
				ref = i;
		}
		mismatches += utf8_invalid(buf, n) != ref;
	}
	is_int(mismatches, 0, "the fast paths agree with a byte-by-byte reference on 20,000 strings");

	char out[4];
	is_int(utf8_encode(0x41, out), 1, "encode ASCII");
	is_int(utf8_encode(0x0416, out), 2, "encode Cyrillic");
	ok(!memcmp(out, "\xd0\x96", 2), "encode Cyrillic bytes");
	is_int(utf8_encode(0xFFFD, out), 3, "encode U+FFFD");
	is_int(utf8_encode(0x1F600, out), 4, "encode emoji");
	return done_testing();
}
