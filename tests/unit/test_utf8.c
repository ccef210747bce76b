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

	char out[4];
	is_int(utf8_encode(0x41, out), 1, "encode ASCII");
	is_int(utf8_encode(0x0416, out), 2, "encode Cyrillic");
	ok(!memcmp(out, "\xd0\x96", 2), "encode Cyrillic bytes");
	is_int(utf8_encode(0xFFFD, out), 3, "encode U+FFFD");
	is_int(utf8_encode(0x1F600, out), 4, "encode emoji");
	return done_testing();
}
