/* Charset detection on samples the way real dumps start. */
#include "config.h"

#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* The same, letters the charset lacks written as it can (Kazakh қ as к). */
static size_t
to_translit(const char *cs, const char *utf8, char *out, size_t outlen)
{
	char name[64];
	snprintf(name, sizeof(name), "%s//TRANSLIT", cs);
	return to(name, utf8, out, outlen);
}

/* Does buf[0..n), converted from g's charset, give back the UTF-8 text want? */
static int
decodes_to(const struct charset_guess *g, const char *buf, size_t n, const char *want)
{
	char out[8192];
	iconv_t cd = iconv_open("UTF-8", g->iconv ? g->iconv : "UTF-8");
	char *ip = (char *)buf, *op = out;
	size_t il = n, ol = sizeof(out);
	if (cd == (iconv_t)-1)
		return 0;
	size_t r = iconv(cd, &ip, &il, &op, &ol);
	iconv_close(cd);
	return r != (size_t)-1 && il == 0 && sizeof(out) - ol == strlen(want) &&
	       !memcmp(out, want, strlen(want));
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
	size_t n;

	for (size_t t = 0; t < sizeof(texts) / sizeof(texts[0]); t++)
		for (size_t p = 0; p < 3; p++) {
			n = to(pages[p], texts[t], buf, sizeof(buf));
			charset_detect(buf, n, 1, &g);
			is_str(g.name, names[p], "text %zu in %s", t, pages[p]);
		}

	/* Kazakh names and places as Kazakh dumps in a Cyrillic code page write them */
	static const char *kz =
		"ЖСН;Тегі;Аты;Қала\n"
		"870421300123;Назарбаев;Нурсултан;Астана\n"
		"900101400456;Жумабаева;Айгерим;Шымкент\n"
		"850315300789;Серикбаев;Ержан;Караганда\n";
	for (size_t p = 0; p < 3; p++) {
		n = to_translit(pages[p], kz, buf, sizeof(buf));
		charset_detect(buf, n, 1, &g);
		is_str(g.name, names[p], "Kazakh names in %s", pages[p]);
	}

	/* Western text: the languages of Western Europe and Latin America */
	static const char *west[] = {
		/* Portuguese */
		"nome;cidade;observação\nJoão Gonçalves;São Paulo;não há informação\n"
		"Luís Antônio;Florianópolis;está ótimo, obrigado\nMaria da Conceição;Brasília;\n",
		/* Spanish */
		"nombre,ciudad,contraseña\nJosé Muñoz,Málaga,niño123\nMaría Núñez,León,corazón\n"
		"Ángel Pérez,Cádiz,pequeña\n",
		/* French */
		"nom|ville|remarque\nFrançois Lefèvre|Besançon|déjà payé\n"
		"Hélène Dubois|Orléans|à vérifier, très élevé\nJérôme Gaëtan|Nîmes|leçon reçue\n",
		/* German */
		"Name\tStadt\tBemerkung\nJürgen Müller\tMünchen\tGrüße aus Köln\n"
		"Ulrike Schäfer\tDüsseldorf\tüberprüft\nBjörn Weiß\tNürnberg\tgemäß Vertrag\n",
		/* the four names of the issue, capitals, one a line */
		"name\nLuís\nJosé\nFrançois\nMüller\n",
		"LUÍS;JOSÉ;FRANÇOIS;MÜLLER\n",
	};
	static const char *wpages[] = { "WINDOWS-1252", "ISO-8859-1", "ISO-8859-15" };
	for (size_t t = 0; t < sizeof(west) / sizeof(west[0]); t++)
		for (size_t p = 0; p < 3; p++) {
			n = to(wpages[p], west[t], buf, sizeof(buf));
			charset_detect(buf, n, 1, &g);
			/* only bytes the three decode alike: CP1252, the superset, is named */
			is_str(g.name, "cp1252", "Western text %zu in %s", t, wpages[p]);
			ok(decodes_to(&g, buf, n, west[t]), "Western text %zu in %s decodes right", t,
			   wpages[p]);
		}

	/* CP1252's punctuation at 0x80-0x9F: C1 controls in the ISO pages */
	static const char *typo = "produto;preço\nCafé “Três Corações” – 500 g;12,50 €\n"
				  "Açúcar … refinado;4,99 €\nPão francês ‘fresco’;0,80 €\n";
	n = to("WINDOWS-1252", typo, buf, sizeof(buf));
	charset_detect(buf, n, 1, &g);
	is_str(g.name, "cp1252", "CP1252 quotes, dashes and the euro at 0x80");
	ok(decodes_to(&g, buf, n, typo), "CP1252 punctuation decodes right");

	/* ISO-8859-15: the euro at 0xA4, œ at 0xBD */
	static const char *latin9 = "article;prix\nLe cœur de l'œuvre;25 €\nSœur Anne, Bœuf;10 €\n"
				    "Crème brûlée;7 €\n";
	n = to("ISO-8859-15", latin9, buf, sizeof(buf));
	charset_detect(buf, n, 1, &g);
	is_str(g.name, "iso-8859-15", "ISO-8859-15 by its euro and its œ");
	ok(decodes_to(&g, buf, n, latin9), "ISO-8859-15 decodes right");

	/* one half in CP1252 is a fraction, not the œ of ISO-8859-15 */
	static const char *half = "receita;quantidade\nAçúcar;1½ xícara\nFarinha de trigo;2½ xícaras\n"
				  "Manteiga;½ tablete\n";
	n = to("WINDOWS-1252", half, buf, sizeof(buf));
	charset_detect(buf, n, 1, &g);
	is_str(g.name, "cp1252", "CP1252 with ½ stays CP1252");

	/* a byte CP1252 leaves undefined: only ISO-8859-1 converts every byte */
	n = to("ISO-8859-1", "nome\nJoão\nJosé\n", buf, sizeof(buf));
	buf[n++] = '\x81';
	buf[n++] = '\n';
	charset_detect(buf, n, 1, &g);
	is_str(g.name, "iso-8859-1", "ISO-8859-1 when a byte is undefined in CP1252");

	/* Russian prose, not a table */
	static const char *prose = "Привет! Как дела? Всё хорошо, спасибо. Мы в Москве, "
				   "а завтра едем к бабушке в деревню.\n";
	for (size_t p = 0; p < 3; p++) {
		n = to(pages[p], prose, buf, sizeof(buf));
		charset_detect(buf, n, 1, &g);
		is_str(g.name, names[p], "Russian prose in %s", pages[p]);
	}
	/* and the old rule: a dump that declares UTF-8 is UTF-8 */
	n = to("WINDOWS-1252", "SET NAMES utf8mb4;\nINSERT INTO t VALUES ('José');\n", buf,
	       sizeof(buf));
	charset_detect(buf, n, 1, &g);
	is_str(g.name, "utf-8", "SET NAMES utf8 wins over the bytes");

	charset_detect(texts[0], strlen(texts[0]), 1, &g);
	is_str(g.name, "utf-8", "UTF-8 text");
	ok(g.iconv == NULL && g.bom_len == 0, "UTF-8 needs no conversion");

	memcpy(buf, "\xEF\xBB\xBF" "a,b\n", 7);
	charset_detect(buf, 7, 1, &g);
	is_str(g.name, "utf-8-bom", "UTF-8 with BOM");
	is_int(g.bom_len, 3, "BOM length");

	n = to("UTF-16LE", "a,b\n1,2\n", buf, sizeof(buf));
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
	/* the Western names, and that iconv takes the names they map to */
	static const char *const west_names[][2] = {
		{ "cp1252", "cp1252" },		  { "windows-1252", "cp1252" },
		{ "CP1252", "cp1252" },		  { "iso-8859-1", "iso-8859-1" },
		{ "latin1", "iso-8859-1" },	  { "iso-8859-15", "iso-8859-15" },
		{ "latin9", "iso-8859-15" },
	};
	for (size_t i = 0; i < sizeof(west_names) / sizeof(west_names[0]); i++) {
		int r = charset_lookup(west_names[i][0], &g);
		ok(r == 0 && !strcmp(g.name, west_names[i][1]), "--encoding %s is %s", west_names[i][0],
		   west_names[i][1]);
		iconv_t cd = r == 0 ? iconv_open("UTF-8", g.iconv) : (iconv_t)-1;
		ok(cd != (iconv_t)-1, "iconv_open takes %s", r == 0 ? g.iconv : "?");
		if (cd != (iconv_t)-1)
			iconv_close(cd);
	}
	/* the names detection gives are ones iconv takes, too */
	n = to("WINDOWS-1252", west[0], buf, sizeof(buf));
	charset_detect(buf, n, 1, &g);
	iconv_t cd = iconv_open("UTF-8", g.iconv);
	ok(cd != (iconv_t)-1, "iconv_open takes the detected %s", g.iconv);
	if (cd != (iconv_t)-1)
		iconv_close(cd);
	ok(charset_lookup("no-such-charset", &g) < 0, "unknown charset refused");
	return done_testing();
}
