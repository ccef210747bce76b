/*
 * Column typing: header hints in English, Russian and Kazakh, typing from
 * values alone, and the two together; type names both ways.
 */
#include "config.h"

#include <string.h>

#include "core/types.h"
#include "tests/unit/tap.h"

/* The type of a column with header h (NULL: none) and the values vs (NULL-terminated). */
static enum dt_type
column(const char *h, const char *const *vs, double *rate)
{
	struct type_guess g;

	types_guess_init(&g, h, h ? strlen(h) : 0);
	for (; vs && *vs; vs++)
		types_guess_add(&g, *vs, strlen(*vs));
	enum dt_type t = types_guess_result(&g, rate);
	types_guess_release(&g);
	return t;
}

/*
 * A table typed together: table name t (may be NULL), ncols columns, each
 * header heads[c] over 20 rows of vals[c][r % the column's count].
 */
#define TCOLS 6
static void
table(const char *t, size_t ncols, const char *const heads[TCOLS],
      const char *const vals[TCOLS][6], struct type_col out[TCOLS])
{
	struct type_guess g[TCOLS];
	const struct type_guess *gp[TCOLS] = { 0 };

	for (size_t c = 0; c < ncols; c++) {
		types_guess_init(&g[c], heads[c], strlen(heads[c]));
		size_t k = 0;
		while (k < 6 && vals[c][k])
			k++;
		for (size_t r = 0; r < 20; r++)
			types_guess_add(&g[c], vals[c][r % k], strlen(vals[c][r % k]));
		gp[c] = &g[c];
	}
	types_table(t, gp, ncols, out);
	for (size_t c = 0; c < ncols; c++)
		types_guess_release(&g[c]);
}

static void
relational(void)
{
	struct type_col o[TCOLS];
	static const char *const ints[6] = {"1", "2", "17", "305", "4", NULL};
	static const char *const people[6] = {"Иван", "Мария", "Айгүл", "Ерлан", "Пётр", NULL};
	static const char *const surnames[6] = {"Иванов", "Смирнова", "Ахметов", "Серікова", "Ким", NULL};
	static const char *const titles[6] = {"ACADEMY DINOSAUR", "Ace Goldfinger", "Adaptation Holes",
					      "Affair Prejudice", "African Egg", NULL};
	static const char *const emails[6] = {"a@x.kz", "b@y.kz", "c@z.kz", "d@x.kz", "e@y.kz", NULL};
	static const char *const isbns[6] = {"9780316769488", "9780141439518", "9780061120084",
					     "9780743273565", "9780451524935", NULL};
	static const char *const ymd[6] = {"19820421", "19900101", "20011231", "19750615", "19991010", NULL};
	static const char *const stock[6] = {"7012345678", "7771234567", "7059876543", "7011112233", "7479998877", NULL};
	static const char *const phones[6] = {"hello", "n/a", "none", "-", "ask", NULL};

	/* address (address_id, address, city_id): ids over integers are numbers */
	table("address", 3, (const char *const[TCOLS]){"address_id", "address", "CityID"},
	      (const char *const[TCOLS][6]){{"1", "2", "3", NULL},
					   {"ул. Абая 1, кв. 5", "пр. Назарбаева 12", NULL},
					   {"300", "301", NULL}},
	      o);
	is_str(types_name(o[0].type), "number", "address_id over integers: a number");
	ok(o[0].header == DT_ADDRESS && o[0].why != NULL, "... with the header's type and why");
	is_str(types_name(o[2].type), "number", "CityID (camel case) over integers: a number");
	is_str(types_name(o[1].type), "address", "the address beside them stays an address");

	/* a national id of IINs under an "_id" header stays one */
	table("citizen", 2, (const char *const[TCOLS]){"national_id", "name"},
	      (const char *const[TCOLS][6]){{"870421300123", "900101400456", "850615350789", NULL},
					   {"Ахметов Нурлан", "Иванова Мария", NULL}},
	      o);
	is_str(types_name(o[0].type), "national_id", "national_id of IINs: not a number");

	/* name beside surname: a first name; beside first_name: the surname */
	table("actor", 3, (const char *const[TCOLS]){"id", "name", "surname"},
	      (const char *const[TCOLS][6]){{ints[0], ints[1], ints[2], NULL},
					   {people[0], people[1], people[2], people[3], people[4], NULL},
					   {surnames[0], surnames[1], surnames[2], surnames[3], surnames[4], NULL}},
	      o);
	is_str(types_name(o[1].type), "first_name", "a bare name beside a surname: a first name");
	is_str(types_name(o[2].type), "last_name", "... the surname stays one");
	table(NULL, 2, (const char *const[TCOLS]){"first_name", "name"},
	      (const char *const[TCOLS][6]){{people[0], people[1], people[2], NULL},
					   {surnames[0], surnames[1], surnames[2], NULL}},
	      o);
	is_str(types_name(o[1].type), "last_name", "a bare name beside a first name: the surname");

	/* names of things: no person in the table */
	table("film", 2, (const char *const[TCOLS]){"film_id", "title"},
	      (const char *const[TCOLS][6]){{"1", "2", "3", NULL},
					   {titles[0], titles[1], titles[2], titles[3], titles[4], NULL}},
	      o);
	is_str(types_name(o[1].type), "text", "film titles: text");
	table("genre", 2, (const char *const[TCOLS]){"GenreId", "Name"},
	      (const char *const[TCOLS][6]){{"1", "2", "3", NULL},
					   {"Rock", "Jazz", "Metal", "Alternative Punk", "Bossa Nova", NULL}},
	      o);
	is_str(types_name(o[1].type), "text", "a bare Name in a table of genres: text");
	ok(o[1].why != NULL && o[1].header == DT_FULL_NAME, "... and says why");
	table("artist", 2, (const char *const[TCOLS]){"col1", "col2"},
	      (const char *const[TCOLS][6]){{"1", "2", "3", NULL},
					   {"Led Zeppelin", "Deep Purple", "Iron Maiden", NULL}},
	      o);
	is_str(types_name(o[1].type), "text", "name-shaped values under no hint, nothing of a person: text");
	/* ... but with an e-mail beside it, or in a table of customers, a person */
	table("artist", 2, (const char *const[TCOLS]){"name", "email"},
	      (const char *const[TCOLS][6]){{"Led Zeppelin", "Deep Purple", "Iron Maiden", NULL},
					   {emails[0], emails[1], emails[2], emails[3], NULL}},
	      o);
	is_str(types_name(o[0].type), "full_name", "a name beside an e-mail: a person's");
	table("customers", 2, (const char *const[TCOLS]){"customer_id", "name"},
	      (const char *const[TCOLS][6]){{"1", "2", "3", NULL},
					   {"Ахметов Нурлан", "Иванова Мария", NULL}},
	      o);
	is_str(types_name(o[1].type), "full_name", "a name in a table of customers: a person's");
	table(NULL, 2, (const char *const[TCOLS]){"name", "position"},
	      (const char *const[TCOLS][6]){{"Ахметов Нурлан", "Иванова Мария", NULL},
					   {"бухгалтер", "директор", NULL}},
	      o);
	is_str(types_name(o[0].type), "full_name", "a flat file of names and positions: people");
	table("Sheet1", 2, (const char *const[TCOLS]){"Name", "Title"},
	      (const char *const[TCOLS][6]){{"Ахметов Нурлан", "Иванова Мария", NULL},
					   {"Accountant", "Director", NULL}},
	      o);
	is_str(types_name(o[0].type), "full_name", "a sheet named Sheet1 of names and titles: people");
	table(NULL, 1, (const char *const[TCOLS]){"name"},
	      (const char *const[TCOLS][6]){{"Ахметов Нурлан", "Иванова Мария", NULL}}, o);
	is_str(types_name(o[0].type), "full_name", "a list of names alone: people");

	/* codes: not dates, not phones */
	table("book", 3, (const char *const[TCOLS]){"isbn", "stock_no", "zip"},
	      (const char *const[TCOLS][6]){{isbns[0], isbns[1], isbns[2], isbns[3], isbns[4], NULL},
					   {stock[0], stock[1], stock[2], stock[3], stock[4], NULL},
					   {ymd[0], ymd[1], ymd[2], ymd[3], ymd[4], NULL}},
	      o);
	is_str(types_name(o[0].type), "text", "ISBNs: a code, not a date");
	is_str(types_name(o[1].type), "text", "stock numbers: a code, not a phone");
	is_str(types_name(o[2].type), "postcode", "a zip of eight digits: a postcode, not a date");

	/* a header that the values do not bear out is said */
	table("customer", 2, (const char *const[TCOLS]){"phone", "email"},
	      (const char *const[TCOLS][6]){{phones[0], phones[1], phones[2], phones[3], phones[4], NULL},
					   {emails[0], emails[1], emails[2], NULL}},
	      o);
	ok(o[0].header == DT_PHONE && o[0].type != DT_PHONE && o[0].why != NULL,
	   "a phone column of no phones: retyped (%s) and said (%s)", types_name(o[0].type),
	   o[0].why ? o[0].why : "nothing");
	ok(o[1].why == NULL, "... an e-mail column of e-mails says nothing");
	(void)ints;
}

int
main(void)
{
	static const struct {
		const char *h;
		enum dt_type t;
	} hints[] = {
	    {"iin", DT_NATIONAL_ID},
	    {"ИИН", DT_NATIONAL_ID},
	    {"ЖСН", DT_NATIONAL_ID},
	    {"БИН", DT_NATIONAL_ID},
	    {"client_iin", DT_NATIONAL_ID},
	    {"Фамилия", DT_LAST_NAME},
	    {"Имя", DT_FIRST_NAME},
	    {"Отчество", DT_PATRONYMIC},
	    {"ФИО", DT_FULL_NAME},
	    {"fio", DT_FULL_NAME},
	    {"Аты-жөні", DT_FULL_NAME},
	    {"full_name", DT_FULL_NAME},
	    {"FirstName", DT_FIRST_NAME},
	    {"last_name", DT_LAST_NAME},
	    {"surname", DT_LAST_NAME},
	    {"middle_name", DT_PATRONYMIC},
	    {"Тегі", DT_LAST_NAME},
	    {"Аты", DT_FIRST_NAME},
	    {"Әкесінің аты", DT_PATRONYMIC},
	    {"телефон", DT_PHONE},
	    {"Тел.", DT_PHONE},
	    {"phone_number", DT_PHONE},
	    {"mobilePhone", DT_PHONE},
	    {"Ұялы телефон", DT_PHONE},
	    {"e-mail", DT_EMAIL},
	    {"E-Mail", DT_EMAIL},
	    {"почта", DT_EMAIL},
	    {"Электронная почта", DT_EMAIL},
	    {"Электрондық пошта", DT_EMAIL},
	    {"email_address", DT_EMAIL},
	    {"dob", DT_BIRTH_DATE},
	    {"birth_date", DT_BIRTH_DATE},
	    {"date_of_birth", DT_BIRTH_DATE},
	    {"Дата рождения", DT_BIRTH_DATE},
	    {"Туған күні", DT_BIRTH_DATE},
	    {"паспорт", DT_PASSPORT},
	    {"passport_no", DT_PASSPORT},
	    {"Адрес", DT_ADDRESS},
	    {"Мекенжай", DT_ADDRESS},
	    {"home_address", DT_ADDRESS},
	    {"город", DT_CITY},
	    {"city", DT_CITY},
	    {"Қала", DT_CITY},
	    {"login", DT_USERNAME},
	    {"Имя пользователя", DT_USERNAME},
	    {"username", DT_USERNAME},
	    {"password", DT_PASSWORD},
	    {"Пароль", DT_PASSWORD},
	    {"pass", DT_PASSWORD},
	    {"hash", DT_PASSWORD_HASH},
	    {"password_hash", DT_PASSWORD_HASH},
	    {"ip", DT_IP},
	    {"last_ip", DT_IP},
	    {"ip_address", DT_IP},
	    {"url", DT_URL},
	    {"website", DT_URL},
	    {"card_number", DT_CARD},
	    {"created_at", DT_DATE},
	    {"дата", DT_DATE},
	    {"last_login", DT_DATE},
	    {"name", DT_FULL_NAME},
	    {"company_name", DT_TEXT},
	    {"product_title", DT_TEXT},
	    {"ship_address", DT_ADDRESS},
	    {"ip_address", DT_IP},
	    {"zip", DT_POSTCODE},
	    {"PostalCode", DT_POSTCODE},
	    {"suburb", DT_CITY},
	    {"ethnicity", DT_NONE},
	    {"amount", DT_NONE},
	    {"", DT_NONE},
	    {"id", DT_NONE},
	    {"user_id", DT_NONE},
	    {"почтовый индекс", DT_POSTCODE},
	};
	for (size_t i = 0; i < sizeof(hints) / sizeof(hints[0]); i++)
		is_str(types_name(types_header_hint(hints[i].h, strlen(hints[i].h))),
		       types_name(hints[i].t), "header '%s'", hints[i].h);

	/* values alone */
	static const char *const v_email[] = {"a@x.kz", "B@Y.RU",  "c.d@mail.kz",
	                                      "",       "e@f.com", NULL};
	static const char *const v_phone[] = {"+7 701 234 5678", "8 (707) 987-65-43", "87012345678",
	                                      "77771234567", NULL};
	static const char *const v_iin[] = {"470406370480", "101001436978", "010628586066",
	                                    "520827158455", NULL};
	static const char *const v_iin_bad[] = {"470406370480", "101001436978", "870421300123",
	                                        "900101400456", "520827158455", NULL};
	static const char *const v_dates[] = {"21.04.1982", "1990-01-01", "01.02.1975",
	                                      "31.12.1999", NULL};
	static const char *const v_ts[] = {"2022-03-01 10:00:00", "2021-12-31 23:59:59",
	                                   "2022-01-15 08:00:00", NULL};
	static const char *const v_num[] = {"12.5", "7", "-3", "1000", NULL};
	static const char *const v_full[] = {"Ахметов Нурлан", "Иванова Мария Сергеевна",
	                                     "Akhmetov Nurlan", "Ким Ирина", NULL};
	static const char *const v_patr[] = {"Серикович", "Сергеевна", "Серікұлы", "Ivanovich",
	                                     NULL};
	static const char *const v_sur[] = {"Ахметов",  "Иванова", "Петров",
	                                    "Шевченко", "Сергеев", NULL};
	static const char *const v_city[] = {"Алматы", "Астана", "Шымкент", "Алматы", NULL};
	static const char *const v_addr[] = {"г. Алматы, ул. Абая, д. 15, кв. 42",
	                                     "г. Астана, пр. Республики, д. 3",
	                                     "ул. Пушкина, д. 10", NULL};
	static const char *const v_hash[] = {"5f4dcc3b5aa765d61d8327deb882cf99",
	                                     "e10adc3949ba59abbe56e057f20f883e",
	                                     "25d55ad283aa400af464c76d713c07ad", NULL};
	static const char *const v_ip[] = {"10.0.0.1", "192.168.1.10", "2001:db8::1", "8.8.8.8",
	                                   NULL};
	static const char *const v_url[] = {"https://x.kz/a", "http://y.ru", "www.z.com/q?1", NULL};
	static const char *const v_card[] = {"4111 1111 1111 1111", "5500000000000004",
	                                     "4012888888881881", NULL};
	static const char *const v_pass[] = {"N12345678", "N09876543", "N11112222", NULL};
	static const char *const v_text[] = {"hello world", "что-то", "12 apples", "n/a", NULL};
	static const char *const v_empty[] = {"", "  ", NULL};
	static const char *const v_mixed[] = {"a@x.kz", "b@y.kz",          "c@z.kz",
	                                      "d@w.kz", "8 701 234 56 78", NULL};

	static const struct {
		const char *h;
		const char *const *vs;
		enum dt_type t;
		double rate;
		const char *why;
	} cols[] = {
	    {NULL, v_email, DT_EMAIL, 1.0, "e-mails (an empty value does not count)"},
	    {NULL, v_phone, DT_PHONE, 1.0, "phones in four spellings"},
	    {NULL, v_iin, DT_NATIONAL_ID, 1.0, "valid IINs"},
	    {NULL, v_iin_bad, DT_NATIONAL_ID, 0.6, "IINs, two with bad checksums"},
	    {NULL, v_dates, DT_DATE, 1.0, "dates without a header: date"},
	    {NULL, v_ts, DT_DATE, 1.0, "timestamps"},
	    {NULL, v_num, DT_NUMBER, 1.0, "numbers"},
	    {NULL, v_full, DT_FULL_NAME, 1.0, "full names"},
	    {NULL, v_patr, DT_PATRONYMIC, 1.0, "patronymics"},
	    {NULL, v_sur, DT_LAST_NAME, 1.0, "surnames"},
	    {NULL, v_city, DT_TEXT, 1.0, "single words: text without a header"},
	    {NULL, v_addr, DT_ADDRESS, 1.0, "addresses"},
	    {NULL, v_hash, DT_PASSWORD_HASH, 1.0, "md5 digests"},
	    {NULL, v_ip, DT_IP, 1.0, "IPv4 and IPv6"},
	    {NULL, v_url, DT_URL, 1.0, "URLs"},
	    {NULL, v_card, DT_CARD, 1.0, "card numbers"},
	    {NULL, v_pass, DT_PASSPORT, 1.0, "KZ passport numbers"},
	    {NULL, v_text, DT_TEXT, 1.0, "text"},
	    {NULL, v_mixed, DT_EMAIL, 0.8, "80% e-mails"},
	    {NULL, v_empty, DT_NONE, 0.0, "nothing at all"},
	    /* header and values together */
	    {"phone", v_email, DT_EMAIL, 1.0, "a column named phone full of e-mails"},
	    {"login", v_email, DT_EMAIL, 1.0, "logins that are e-mails"},
	    {"iin", v_iin_bad, DT_NATIONAL_ID, 0.6,
	     "an IIN column with bad checksums stays national_id"},
	    {"ЖСН", v_iin, DT_NATIONAL_ID, 1.0, "ЖСН"},
	    {"dob", v_dates, DT_BIRTH_DATE, 1.0, "dob: birth dates"},
	    {"Дата рождения", v_dates, DT_BIRTH_DATE, 1.0, "Дата рождения"},
	    {"город", v_city, DT_CITY, 1.0, "город"},
	    {"Имя", v_city, DT_FIRST_NAME, 1.0, "Имя"},
	    {"password", v_hash, DT_PASSWORD_HASH, 1.0, "a password column of md5 digests"},
	    {"password", v_text, DT_PASSWORD, 1.0, "passwords"},
	    {"email", v_empty, DT_EMAIL, 0.0, "an empty column with a hint"},
	    {"email", v_text, DT_EMAIL, 0.0, "a hint with no value evidence stands"},
	    {"name", v_full, DT_FULL_NAME, 1.0, "name"},
	    {"address", v_email, DT_EMAIL, 1.0, "an address column of e-mails"},
	    {"ФИО", v_full, DT_FULL_NAME, 1.0, "ФИО"},
	    {"created_at", v_ts, DT_DATE, 1.0, "created_at"},
	};
	for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++) {
		double rate = -1;
		enum dt_type t = column(cols[i].h, cols[i].vs, &rate);
		is_str(types_name(t), types_name(cols[i].t), "%s", cols[i].why);
		ok(rate > cols[i].rate - 0.001 && rate < cols[i].rate + 0.001, "%s: rate %.3f",
		   cols[i].why, rate);
	}

	/* names of types, both ways */
	for (int t = 1; t < DT_TYPE_COUNT; t++)
		ok(types_from_name(types_name((enum dt_type)t)) == (enum dt_type)t,
		   "types_from_name(\"%s\")", types_name((enum dt_type)t));
	ok(types_from_name("IIN") == DT_NATIONAL_ID && types_from_name("Email") == DT_EMAIL &&
	       types_from_name("dob") == DT_BIRTH_DATE && types_from_name("nonsense") == DT_NONE &&
	       types_from_name(NULL) == DT_NONE,
	   "aliases and unknown names");
	ok(types_is_identifier(DT_NATIONAL_ID) && types_is_identifier(DT_USERNAME) &&
	       !types_is_identifier(DT_CITY),
	   "identifiers");
	ok(types_is_low_entropy(DT_BIRTH_DATE) && types_is_low_entropy(DT_FIRST_NAME) &&
	       !types_is_low_entropy(DT_EMAIL),
	   "low-entropy types");

	/* a region: phones judged by its rules */
	struct type_guess g;
	types_guess_init(&g, NULL, 0);
	ok(!types_guess_set_region(&g, "XX") && types_guess_set_region(&g, "UA"),
	   "types_guess_set_region");
	types_guess_add(&g, "+380 50 123 4567", 16);
	types_guess_add(&g, "050 123 45 67", 13);
	is_str(types_name(types_guess_result(&g, NULL)), "phone", "Ukrainian phones in region UA");
	types_guess_release(&g);

	/* the coarse classes still work */
	double r;
	struct type_tally tl = {{0}};
	tl.n[types_coarse("a@x.kz", 6)]++;
	tl.n[types_coarse("b@y.kz", 6)]++;
	ok(types_tally_verdict(&tl, &r) == CT_EMAIL && r == 1.0, "coarse e-mails");

	relational();
	return done_testing();
}
