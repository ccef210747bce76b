/* Charset detection on samples the way real dumps start. */
#include "config.h"

#include <iconv.h>
#include <stdlib.h>

#include "formats/charset.h"
#include "tests/unit/tap.h"

/* Converts UTF-8 text to a charset, for making samples. */
static size_t
to(const char *cs, const char *utf8, char *out, size_t outlen)
{
	iconv_t cd = iconv_open(cs, "UTF-8");
	char *ip = (char *)utf8, *op = out;
	size_t il = strlen(utf8), ol = outlen;
	iconv(cd, &ip, &il, &op, &ol);
	iconv_close(cd);
	return outlen - ol;
}

int
main(void)
{
	static const char *texts[] = {
		"ИИН;ФИО;Телефон\n870421300123;АХМЕТОВ НУРЛАН СЕРИКОВИЧ;87012345678\n"
		"900101400456;ИВАНОВА МАРИЯ ПЕТРОВНА;87079876543\n",
		"id,name,city\n1,Иванов Иван Иванович,Алматы\n2,Петрова Ольга,Астана\n"
		"3,Сидоров Пётр,Караганда\n",
		"фамилия|имя|отчество\nсмирнов|алексей|викторович\nкузнецова|елена|андреевна\n",
	};
	static const char *pages[] = { "CP1251", "KOI8-R", "CP866" };
	static const char *names[] = { "cp1251", "koi8-r", "cp866" };
	char buf[4096];
	struct charset_guess g;

	for (size_t t = 0; t < sizeof(texts) / sizeof(texts[0]); t++)
		for (size_t p = 0; p < 3; p++) {
			size_t n = to(pages[p], texts[t], buf, sizeof(buf));
			charset_detect(buf, n, 1, &g);
			is_str(g.name, names[p], "text %zu in %s", t, pages[p]);
		}

	charset_detect(texts[0], strlen(texts[0]), 1, &g);
	is_str(g.name, "utf-8", "UTF-8 text");
	ok(g.iconv == NULL && g.bom_len == 0, "UTF-8 needs no conversion");

	memcpy(buf, "\xEF\xBB\xBF" "a,b\n", 7);
	charset_detect(buf, 7, 1, &g);
	is_str(g.name, "utf-8-bom", "UTF-8 with BOM");
	is_int(g.bom_len, 3, "BOM length");

	size_t n = to("UTF-16LE", "a,b\n1,2\n", buf, sizeof(buf));
	charset_detect(buf, n, 1, &g);
	is_str(g.name, "utf-16le", "UTF-16LE without BOM, by NUL pattern");
	n = to("UTF-16BE", "a,b\n1,2\n", buf, sizeof(buf));
	charset_detect(buf, n, 1, &g);
	is_str(g.name, "utf-16be", "UTF-16BE without BOM, by NUL pattern");
	memcpy(buf, "\xFF\xFE" "a\0", 4);
	charset_detect(buf, 4, 1, &g);
	is_str(g.name, "utf-16le", "UTF-16LE BOM");
	is_int(g.bom_len, 2, "UTF-16 BOM length");

	/* a sample that ends in the middle of a character is still UTF-8 */
	charset_detect("\xd0\x90\xd0", 3, 0, &g);
	is_str(g.name, "utf-8", "UTF-8 cut at the sample's end");
	charset_detect("\xd0\x90\xd0", 3, 1, &g);
	ok(strcmp(g.name, "utf-8") != 0, "the same at the stream's end is not UTF-8");

	ok(charset_lookup("windows-1251", &g) == 0 && !strcmp(g.name, "cp1251"), "alias windows-1251");
	ok(charset_lookup("no-such-charset", &g) < 0, "unknown charset refused");
	return done_testing();
}
