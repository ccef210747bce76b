/*
 * Column typing; see types.h. Two halves: the full typing (header hints,
 * value evidence from pcre2 patterns and the normalizers' validators,
 * and the rule that combines them), and the older coarse value classes
 * below it, hand-written scanners kept for their callers.
 *
 * The typing sees a sample (sniff: 10,000 records per table), so it can
 * afford a pattern match and a validator or two per value; the hot path
 * of the analysis is the normalizers, not this.
 */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <utf8proc.h>

#include "core/iin.h"
#include "core/norm.h"
#include "core/pwhash.h"
#include "core/types.h"

/* ------------------------------------------------------------------ */
/* Names of types */

static const char *const type_names[DT_TYPE_COUNT] = {
    "none",       "email",     "phone",      "national_id",   "passport", "full_name",
    "first_name", "last_name", "patronymic", "birth_date",    "date",     "address",
    "city",       "username",  "password",   "password_hash", "ip",       "url",
    "card",       "number",    "text",       "binary",   "postcode",
    "qi_block", "qi_person",
};

const char *
types_name(enum dt_type t)
{
	return (unsigned)t < DT_TYPE_COUNT ? type_names[t] : "none";
}

enum dt_type
types_from_name(const char *name)
{
	static const struct {
		const char *alias;
		enum dt_type t;
	} aliases[] = {
	    {"iin", DT_NATIONAL_ID}, {"bin", DT_NATIONAL_ID},    {"id", DT_NATIONAL_ID},
	    {"mail", DT_EMAIL},      {"e-mail", DT_EMAIL},       {"tel", DT_PHONE},
	    {"name", DT_FULL_NAME},  {"fio", DT_FULL_NAME},      {"first", DT_FIRST_NAME},
	    {"last", DT_LAST_NAME},  {"surname", DT_LAST_NAME},  {"middle_name", DT_PATRONYMIC},
	    {"dob", DT_BIRTH_DATE},  {"birth", DT_BIRTH_DATE},   {"login", DT_USERNAME},
	    {"user", DT_USERNAME},   {"hash", DT_PASSWORD_HASH}, {"pass", DT_PASSWORD},
	    {"ip_address", DT_IP},   {"credit_card", DT_CARD},   {"string", DT_TEXT},
	    {"blob", DT_BINARY},     {"bytes", DT_BINARY},       {"zip", DT_POSTCODE},
	    {"postal_code", DT_POSTCODE},
	};

	if (!name)
		return DT_NONE;
	for (int t = 1; t < DT_TYPE_COUNT; t++)
		if (!strcasecmp(name, type_names[t]))
			return (enum dt_type)t;
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (!strcasecmp(name, aliases[i].alias))
			return aliases[i].t;
	return DT_NONE;
}

int
types_is_identifier(enum dt_type t)
{
	return t == DT_NATIONAL_ID || t == DT_EMAIL || t == DT_PHONE || t == DT_PASSPORT ||
	       t == DT_USERNAME;
}

int
types_is_low_entropy(enum dt_type t)
{
	return t == DT_BIRTH_DATE || t == DT_DATE || t == DT_CITY || t == DT_FIRST_NAME ||
	       t == DT_PATRONYMIC || t == DT_POSTCODE;
}

/* ------------------------------------------------------------------ */
/* Header hints */

enum { H_EXACT, H_WORD, H_SUB };

/*
 * Checked in order, the first match wins: the specific before the
 * general (password_hash before password, birth date before date, the
 * compound "имя пользователя" before "имя"). Keys are lower case with no
 * separators. H_EXACT: the whole name; H_WORD: one of its words or the
 * whole name; H_SUB: anywhere in the name with separators removed.
 */
static const struct hint {
	const char *key;
	unsigned char mode;
	unsigned char type;
} hints[] = {
    /* password hashes */
    {"passwordhash", H_SUB, DT_PASSWORD_HASH},
    {"passhash", H_SUB, DT_PASSWORD_HASH},
    {"pwdhash", H_SUB, DT_PASSWORD_HASH},
    {"hashedpassword", H_SUB, DT_PASSWORD_HASH},
    {"hash", H_WORD, DT_PASSWORD_HASH},
    {"md5", H_WORD, DT_PASSWORD_HASH},
    {"sha1", H_WORD, DT_PASSWORD_HASH},
    {"sha256", H_WORD, DT_PASSWORD_HASH},
    {"bcrypt", H_WORD, DT_PASSWORD_HASH},
    {"ntlm", H_WORD, DT_PASSWORD_HASH},
    {"хэш", H_SUB, DT_PASSWORD_HASH},
    {"хеш", H_SUB, DT_PASSWORD_HASH},
    /* e-mail */
    {"email", H_SUB, DT_EMAIL},
    {"mail", H_WORD, DT_EMAIL},
    {"почта", H_SUB, DT_EMAIL},
    {"пошта", H_SUB, DT_EMAIL},
    {"емейл", H_SUB, DT_EMAIL},
    {"имейл", H_SUB, DT_EMAIL},
    /* network */
    {"ip", H_WORD, DT_IP},
    {"ipaddress", H_EXACT, DT_IP}, /* not H_SUB: "ship_address" */
    {"ipaddr", H_EXACT, DT_IP},
    {"lastip", H_WORD, DT_IP},
    {"regip", H_WORD, DT_IP},
    {"ipv4", H_WORD, DT_IP},
    {"ipv6", H_WORD, DT_IP},
    {"url", H_SUB, DT_URL},
    {"uri", H_WORD, DT_URL},
    {"link", H_WORD, DT_URL},
    {"website", H_SUB, DT_URL},
    {"site", H_WORD, DT_URL},
    {"homepage", H_SUB, DT_URL},
    {"сайт", H_WORD, DT_URL},
    /* national ids */
    {"iin", H_SUB, DT_NATIONAL_ID},
    {"иин", H_SUB, DT_NATIONAL_ID},
    {"жсн", H_WORD, DT_NATIONAL_ID},
    {"bin", H_WORD, DT_NATIONAL_ID},
    {"бин", H_WORD, DT_NATIONAL_ID},
    {"бсн", H_WORD, DT_NATIONAL_ID},
    {"inn", H_WORD, DT_NATIONAL_ID},
    {"инн", H_WORD, DT_NATIONAL_ID},
    {"snils", H_WORD, DT_NATIONAL_ID},
    {"снилс", H_WORD, DT_NATIONAL_ID},
    {"ssn", H_WORD, DT_NATIONAL_ID},
    {"nationalid", H_SUB, DT_NATIONAL_ID},
    {"personalid", H_SUB, DT_NATIONAL_ID},
    {"taxid", H_SUB, DT_NATIONAL_ID},
    /* documents */
    {"passport", H_SUB, DT_PASSPORT},
    {"паспорт", H_SUB, DT_PASSPORT},
    {"удостоверени", H_SUB, DT_PASSPORT},
    {"куәлік", H_SUB, DT_PASSPORT},
    {"documentnumber", H_SUB, DT_PASSPORT},
    {"docnumber", H_SUB, DT_PASSPORT},
    {"docno", H_SUB, DT_PASSPORT},
    {"doc", H_WORD, DT_PASSPORT},
    {"document", H_WORD, DT_PASSPORT},
    {"удл", H_WORD, DT_PASSPORT},
    /* cards */
    {"cardnumber", H_SUB, DT_CARD},
    {"creditcard", H_SUB, DT_CARD},
    {"cardno", H_SUB, DT_CARD},
    {"ccnumber", H_SUB, DT_CARD},
    {"card", H_WORD, DT_CARD},
    {"pan", H_WORD, DT_CARD},
    {"карта", H_WORD, DT_CARD},
    {"карты", H_WORD, DT_CARD},
    {"номеркарты", H_SUB, DT_CARD},
    /* phones */
    {"phone", H_SUB, DT_PHONE},
    {"телефон", H_SUB, DT_PHONE},
    {"mobile", H_SUB, DT_PHONE},
    {"msisdn", H_SUB, DT_PHONE},
    {"ұялы", H_SUB, DT_PHONE},
    {"tel", H_WORD, DT_PHONE},
    {"тел", H_WORD, DT_PHONE},
    {"моб", H_WORD, DT_PHONE},
    {"mob", H_WORD, DT_PHONE},
    {"сот", H_WORD, DT_PHONE},
    {"cell", H_WORD, DT_PHONE},
    {"gsm", H_WORD, DT_PHONE},
    /* dates */
    {"birth", H_SUB, DT_BIRTH_DATE},
    {"рождени", H_SUB, DT_BIRTH_DATE},
    {"туған", H_SUB, DT_BIRTH_DATE},
    {"dob", H_WORD, DT_BIRTH_DATE},
    {"bday", H_WORD, DT_BIRTH_DATE},
    {"bdate", H_WORD, DT_BIRTH_DATE},
    {"born", H_WORD, DT_BIRTH_DATE},
    {"др", H_WORD, DT_BIRTH_DATE},
    {"lastlogin", H_SUB, DT_DATE},
    {"logintime", H_SUB, DT_DATE},
    {"logindate", H_SUB, DT_DATE},
    /* names: the compound ones first */
    {"пользовател", H_SUB, DT_USERNAME},
    {"username", H_SUB, DT_USERNAME},
    {"login", H_SUB, DT_USERNAME},
    {"логин", H_SUB, DT_USERNAME},
    {"nickname", H_SUB, DT_USERNAME},
    {"screenname", H_SUB, DT_USERNAME},
    {"nick", H_WORD, DT_USERNAME},
    {"uname", H_WORD, DT_USERNAME},
    {"userlogin", H_SUB, DT_USERNAME},
    {"fio", H_SUB, DT_FULL_NAME},
    {"фио", H_SUB, DT_FULL_NAME},
    {"fullname", H_SUB, DT_FULL_NAME},
    {"атыжөні", H_SUB, DT_FULL_NAME},
    {"толықаты", H_SUB, DT_FULL_NAME},
    {"patronymic", H_SUB, DT_PATRONYMIC},
    {"middlename", H_SUB, DT_PATRONYMIC},
    {"отчество", H_SUB, DT_PATRONYMIC},
    {"әкесінің", H_SUB, DT_PATRONYMIC},
    {"otchestvo", H_SUB, DT_PATRONYMIC},
    {"namemiddle", H_SUB, DT_PATRONYMIC},
    {"firstname", H_SUB, DT_FIRST_NAME},
    {"givenname", H_SUB, DT_FIRST_NAME},
    {"forename", H_SUB, DT_FIRST_NAME},
    {"namefirst", H_SUB, DT_FIRST_NAME},
    {"fname", H_WORD, DT_FIRST_NAME},
    {"имя", H_WORD, DT_FIRST_NAME},
    {"аты", H_WORD, DT_FIRST_NAME},
    {"lastname", H_SUB, DT_LAST_NAME},
    {"surname", H_SUB, DT_LAST_NAME},
    {"familyname", H_SUB, DT_LAST_NAME},
    {"namelast", H_SUB, DT_LAST_NAME},
    {"lname", H_WORD, DT_LAST_NAME},
    {"фамилия", H_SUB, DT_LAST_NAME},
    {"тегі", H_WORD, DT_LAST_NAME},
    {"familiya", H_WORD, DT_LAST_NAME},
    /* passwords */
    {"password", H_SUB, DT_PASSWORD},
    {"пароль", H_SUB, DT_PASSWORD},
    {"құпиясөз", H_SUB, DT_PASSWORD},
    {"pass", H_WORD, DT_PASSWORD},
    {"passwd", H_WORD, DT_PASSWORD},
    {"pwd", H_WORD, DT_PASSWORD},
    {"pw", H_WORD, DT_PASSWORD},
    /* places */
    {"address", H_SUB, DT_ADDRESS},
    {"адрес", H_SUB, DT_ADDRESS},
    {"мекенжай", H_SUB, DT_ADDRESS},
    {"street", H_SUB, DT_ADDRESS},
    {"улица", H_SUB, DT_ADDRESS},
    {"addr", H_WORD, DT_ADDRESS},
    {"city", H_WORD, DT_CITY},
    {"город", H_SUB, DT_CITY},
    {"қала", H_WORD, DT_CITY},
    {"town", H_WORD, DT_CITY},
    {"населенныйпункт", H_SUB, DT_CITY},
    {"locality", H_WORD, DT_CITY},
    {"suburb", H_WORD, DT_CITY},
    {"postcode", H_SUB, DT_POSTCODE},
    {"postalcode", H_SUB, DT_POSTCODE},
    {"zipcode", H_SUB, DT_POSTCODE},
    {"zip", H_WORD, DT_POSTCODE},
    {"postal", H_WORD, DT_POSTCODE},
    {"postindex", H_SUB, DT_POSTCODE},
    {"почтовыйиндекс", H_SUB, DT_POSTCODE},
    {"индекс", H_WORD, DT_POSTCODE},
    /* other dates */
    {"date", H_SUB, DT_DATE},
    {"дата", H_SUB, DT_DATE},
    {"timestamp", H_SUB, DT_DATE},
    {"time", H_WORD, DT_DATE},
    {"created", H_SUB, DT_DATE},
    {"updated", H_SUB, DT_DATE},
    {"registered", H_SUB, DT_DATE},
    {"күні", H_SUB, DT_DATE},
    /* names of things, not of people: titles, products, companies */
    {"title", H_SUB, DT_TEXT},
    {"product", H_SUB, DT_TEXT},
    {"company", H_SUB, DT_TEXT},
    {"organization", H_SUB, DT_TEXT},
    {"organisation", H_SUB, DT_TEXT},
    {"brand", H_SUB, DT_TEXT},
    {"model", H_WORD, DT_TEXT},
    {"category", H_SUB, DT_TEXT},
    {"genre", H_SUB, DT_TEXT},
    {"album", H_SUB, DT_TEXT},
    {"track", H_SUB, DT_TEXT},
    {"song", H_WORD, DT_TEXT},
    {"film", H_SUB, DT_TEXT},
    {"movie", H_SUB, DT_TEXT},
    {"book", H_WORD, DT_TEXT},
    {"item", H_WORD, DT_TEXT},
    {"shipname", H_SUB, DT_TEXT},
    {"название", H_SUB, DT_TEXT},
    {"наименование", H_SUB, DT_TEXT},
    {"организаци", H_SUB, DT_TEXT},
    {"компани", H_SUB, DT_TEXT},
    {"товар", H_SUB, DT_TEXT},
    {"должность", H_SUB, DT_TEXT},
    {"атауы", H_SUB, DT_TEXT},
    /* the generic name last: "company_name" is not a person */
    {"name", H_EXACT, DT_FULL_NAME},
    {"names", H_EXACT, DT_FULL_NAME},
    {"clientname", H_SUB, DT_FULL_NAME},
    {"customername", H_SUB, DT_FULL_NAME},
    {"personname", H_SUB, DT_FULL_NAME},
    {"contactname", H_SUB, DT_FULL_NAME},
    {"patientname", H_SUB, DT_FULL_NAME},
    {"holdername", H_SUB, DT_FULL_NAME},
    {"фамилияимя", H_SUB, DT_FULL_NAME},
    {"аты", H_SUB, DT_FULL_NAME},
    /* free text */
    {"comment", H_SUB, DT_TEXT},
    {"note", H_SUB, DT_TEXT},
    {"description", H_SUB, DT_TEXT},
    {"комментари", H_SUB, DT_TEXT},
    {"примечани", H_SUB, DT_TEXT},
};

/*
 * A header in lower case twice: its words split at anything that is not
 * a letter or a digit (low), and joined without separators (joined).
 */
static void
header_words(const char *name, size_t n, char low[256], char joined[256])
{
	size_t nl = 0, nj = 0;
	utf8proc_ssize_t k;

	/* lower case; words split at anything that is not a letter or digit */
	for (size_t i = 0; i < n; i += (size_t)k) {
		utf8proc_int32_t c;
		k = utf8proc_iterate((const utf8proc_uint8_t *)name + i, (utf8proc_ssize_t)(n - i),
		                     &c);
		if (k <= 0)
			break;
		utf8proc_category_t cat = utf8proc_category(c);
		utf8proc_uint8_t e[4];
		if ((cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
		    (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO)) {
			utf8proc_ssize_t el = utf8proc_encode_char(utf8proc_tolower(c), e);
			if (nl + (size_t)el + 1 >= 256)
				break;
			memcpy(low + nl, e, (size_t)el);
			memcpy(joined + nj, e, (size_t)el);
			nl += (size_t)el;
			nj += (size_t)el;
		} else if (nl && low[nl - 1] != ' ') {
			low[nl++] = ' ';
		}
	}
	while (nl && low[nl - 1] == ' ')
		nl--;
	low[nl] = 0;
	joined[nj] = 0;
}

/* Is word (kl bytes) one of the words of low? */
static int
has_word(const char *low, const char *key, size_t kl)
{
	for (const char *w = low; *w;) {
		const char *e = strchr(w, ' ');
		size_t wl = e ? (size_t)(e - w) : strlen(w);
		if (wl == kl && !memcmp(w, key, kl))
			return 1;
		w += wl;
		while (*w == ' ')
			w++;
	}
	return 0;
}

/* The index in hints[] of the header's hint, or -1. */
static int
header_hint_index(const char *name, size_t n)
{
	char low[256], joined[256];

	if (!name)
		return -1;
	header_words(name, n, low, joined);
	if (!joined[0])
		return -1;
	for (size_t h = 0; h < sizeof(hints) / sizeof(hints[0]); h++) {
		const char *key = hints[h].key;
		size_t kl = strlen(key);
		int hit = 0;
		if (!strcmp(joined, key))
			hit = 1;
		else if (hints[h].mode == H_SUB)
			hit = strstr(joined, key) != NULL;
		else if (hints[h].mode == H_WORD)
			hit = has_word(low, key, kl);
		if (hit)
			return (int)h;
	}
	return -1;
}

enum dt_type
types_header_hint(const char *name, size_t n)
{
	int h = header_hint_index(name, n);
	return h < 0 ? DT_NONE : (enum dt_type)hints[h].type;
}

/*
 * Headers of codes that hold digits but are neither dates nor phones nor
 * amounts: ISBNs, stock numbers, postcodes. Looked at when no hint above
 * matched ("iin_code" stays a national id).
 */
static int
header_is_code(const char *low, const char *joined)
{
	static const char *const sub[] = {"isbn", "issn", "ean13", "barcode", "sku", "stock",
	                                  "partnumber", "partno", "serialnumber", "serialno",
	                                  "zip", "postcode", "postalcode", "postindex",
	                                  "артикул", "индекс", "штрихкод", "code", "код"};
	static const char *const word[] = {"ean", "upc", "gtin", "asin", "articul", "postal"};

	for (size_t i = 0; i < sizeof(sub) / sizeof(sub[0]); i++)
		if (strstr(joined, sub[i]))
			return 1;
	for (size_t i = 0; i < sizeof(word) / sizeof(word[0]); i++)
		if (has_word(low, word[i], strlen(word[i])))
			return 1;
	return 0;
}

/*
 * Headers of ids and keys: "id", "address_id", "id_client", "CustomerID",
 * "customerId", "film_key", "fk_store", "ид". Their integers are numbers,
 * whatever the rest of the header says.
 */
static int
header_is_key(const char *raw, size_t n, const char *low)
{
	static const char *const word[] = {"id", "key", "fk", "pk", "rowid", "oid", "ref", "ид"};
	const char *last = strrchr(low, ' ');
	const char *first_end = strchr(low, ' ');
	size_t fl = first_end ? (size_t)(first_end - low) : strlen(low);

	last = last ? last + 1 : low;
	for (size_t i = 0; i < sizeof(word) / sizeof(word[0]); i++) {
		size_t k = strlen(word[i]);
		if (!strcmp(last, word[i]) || (fl == k && !memcmp(low, word[i], k)))
			return 1;
	}
	/* camel case: a lower-case letter, then "Id" or "ID" at the end */
	return n >= 3 && raw[n - 2] == 'I' && (raw[n - 1] == 'd' || raw[n - 1] == 'D') &&
	       raw[n - 3] >= 'a' && raw[n - 3] <= 'z';
}

/* ------------------------------------------------------------------ */
/* Value evidence */

enum { RE_EMAIL, RE_URL, RE_PASSPORT, RE_NAME, RE_NAME_CAP, RE_ADDRESS, RE_USERNAME, RE_COUNT };

static pcre2_code *re[RE_COUNT];
static pthread_once_t re_once = PTHREAD_ONCE_INIT;

/* Compiled once for the process; pcre2 code is shared read-only by threads. */
static void
re_compile(void)
{
	static const char *const src[RE_COUNT] = {
	    [RE_EMAIL] =
	        "^[^\\s@,;<>()\\[\\]\"]+@[^\\s@,;<>()\\[\\]\"]+\\.[^\\s@,;<>()\\[\\]\"\\d.]{2,}$",
	    [RE_URL] = "^(?:(?:https?|ftp)://|www\\.)[^\\s/$.?#][^\\s]*$",
	    [RE_PASSPORT] = "^(?:[A-Z]{1,2}\\s?\\d{6,9}|\\d{2}\\s\\d{2}\\s\\d{6}|\\d{4}\\s\\d{6}|"
	                    "№\\s*\\d{6,9})$",
	    [RE_NAME] = "^\\p{L}[\\p{L}\\p{M}'’`.-]*(?:\\s+\\p{L}[\\p{L}\\p{M}'’`.-]*){0,4}$",
	    [RE_NAME_CAP] = "^\\p{Lu}[\\p{L}\\p{M}'’`.-]*(?:\\s+\\p{Lu}[\\p{L}\\p{M}'’`.-]*){0,4}$",
	    [RE_ADDRESS] =
	        "(?:^|[\\s,])(?:ул|улица|пр|пр-т|проспект|мкр|микрорайон|д|дом|кв|квартира|корп|"
	        "street|st|str|ave|avenue|road|rd|apt|көшесі|даңғылы|үй|пәтер)(?:\\.|\\s)",
	    [RE_USERNAME] = "^[A-Za-z0-9][A-Za-z0-9._-]{2,31}$",
	};
	for (int i = 0; i < RE_COUNT; i++) {
		int err;
		PCRE2_SIZE off;
		re[i] = pcre2_compile((PCRE2_SPTR)src[i], PCRE2_ZERO_TERMINATED,
		                      PCRE2_UTF | PCRE2_UCP | PCRE2_NO_UTF_CHECK |
		                          (i == RE_URL || i == RE_ADDRESS ? PCRE2_CASELESS : 0),
		                      &err, &off, NULL);
	}
}

static int
re_match(struct type_guess *g, int which, const char *v, size_t n)
{
	/* a pattern that did not compile (it cannot happen) is no evidence */
	if (!re[which] || !g->md)
		return 0;
	return pcre2_match(re[which], (PCRE2_SPTR)v, n, 0, 0, g->md, NULL) >= 0;
}

void
types_guess_init(struct type_guess *g, const char *header, size_t header_len)
{
	memset(g, 0, sizeof(*g));
	pthread_once(&re_once, re_compile);
	int h = header_hint_index(header, header_len);
	g->hint = h < 0 ? DT_NONE : (enum dt_type)hints[h].type;
	g->generic_name = h >= 0 && hints[h].mode == H_EXACT && hints[h].type == DT_FULL_NAME;
	if (header && header_len) {
		char low[256], joined[256];
		header_words(header, header_len, low, joined);
		g->key_like = header_is_key(header, header_len, low);
		g->code = h < 0 && header_is_code(low, joined);
	}
	g->ctx = norm_ctx_new("KZ");
	g->md = pcre2_match_data_create(4, NULL);
	dynbuf_init(&g->out, 1u << 20);
}

int
types_guess_set_region(struct type_guess *g, const char *region)
{
	struct norm_ctx *c = norm_ctx_new(region);
	if (!c)
		return 0;
	norm_ctx_free(g->ctx);
	g->ctx = c;
	return 1;
}

void
types_guess_release(struct type_guess *g)
{
	norm_ctx_free(g->ctx);
	pcre2_match_data_free(g->md);
	dynbuf_release(&g->out);
	g->ctx = NULL;
	g->md = NULL;
}

/* Endings of surnames, on name skeletons (norm.c): -ов/-ова, -ев/-ева, ... */
static int
surname_ending(const char *w, size_t n)
{
	static const char *const suf[] = {"ov",   "ova", "ev",    "eva", "in",
	                                  "enko", "ski", "skaja", "uk"};
	for (size_t i = 0; i < sizeof(suf) / sizeof(suf[0]); i++) {
		size_t k = strlen(suf[i]);
		if (n > k + 2 && !memcmp(w + n - k, suf[i], k))
			return 1;
	}
	return 0;
}

void
types_guess_add(struct type_guess *g, const char *v, size_t n)
{
	size_t digits = 0, other = 0;
	int strong = 0;

	while (n && (v[0] == ' ' || v[0] == '\t' || v[0] == '\r' || v[0] == '\n')) {
		v++;
		n--;
	}
	while (n && (v[n - 1] == ' ' || v[n - 1] == '\t' || v[n - 1] == '\r' || v[n - 1] == '\n'))
		n--;
	if (!n) {
		g->empty++;
		return;
	}
	g->nonempty++;
	for (size_t i = 0; i < n; i++) {
		if (v[i] >= '0' && v[i] <= '9')
			digits++;
		else
			other++;
	}
	if (!g->ctx)
		return;
	if (memchr(v, '@', n) && re_match(g, RE_EMAIL, v, n))
		g->n[TG_EMAIL]++, strong = 1;
	if (digits >= 7 && norm_phone_shape(g->ctx, v, n))
		g->n[TG_PHONE]++, strong = 1;
	if (digits == 12 && !other) {
		g->n[TG_DIGITS12]++, strong = 1;
		if (iin_valid(v, n))
			g->n[TG_IIN]++;
	}
	if (digits >= 13 && digits <= 19 && norm_luhn_ok(v, n) && !norm_phone_shape(g->ctx, v, n))
		g->n[TG_CARD]++, strong = 1;
	if (n >= 13 && pwhash_kind(v, n))
		g->n[TG_HASH]++, strong = 1;
	if (digits && (memchr(v, '.', n) || memchr(v, ':', n)) &&
	    norm_value(g->ctx, DT_IP, v, n, &g->out))
		g->n[TG_IP]++, strong = 1;
	if (n > 4 && re_match(g, RE_URL, v, n))
		g->n[TG_URL]++, strong = 1;
	int year, has_time;
	if (digits >= 4 && norm_date_shape(g->ctx, v, n, &year, &has_time)) {
		g->n[TG_DATE]++, strong = 1;
		if (has_time)
			g->n[TG_TIME]++;
		if (!g->min_year || year < g->min_year)
			g->min_year = year;
		if (year > g->max_year)
			g->max_year = year;
	} else if (!other && digits >= 9 && norm_value(g->ctx, DT_DATE, v, n, &g->out))
		g->n[TG_UNIXTIME]++;
	if (digits >= 6 && re_match(g, RE_PASSPORT, v, n))
		g->n[TG_PASSPORT]++, strong = 1;
	if (n >= 4 && n % 2 == 0 && v[0] == '0' && (v[1] | 0x20) == 'x') {
		size_t k = 2;
		while (k < n && ((v[k] >= '0' && v[k] <= '9') || ((v[k] | 0x20) >= 'a' && (v[k] | 0x20) <= 'f')))
			k++;
		if (k == n)
			g->n[TG_BINARY]++, strong = 1;
	}
	if (strong)
		g->n[TG_STRONG]++;
	if (norm_value(g->ctx, DT_NUMBER, v, n, &g->out))
		g->n[TG_NUMBER]++;
	if (g->hint == DT_POSTCODE && norm_value(g->ctx, DT_POSTCODE, v, n, &g->out))
		g->n[TG_POSTCODE]++;
	if (!other && digits <= 19)
		g->n[TG_INTEGER]++;
	else if (other == 1 && digits && digits <= 18 && v[0] == '-')
		g->n[TG_INTEGER]++;
	if (!digits && re_match(g, RE_NAME, v, n)) {
		g->n[TG_NAME]++;
		if (re_match(g, RE_NAME_CAP, v, n))
			g->n[TG_NAME_CAP]++;
		if (norm_value(g->ctx, DT_LAST_NAME, v, n, &g->out)) {
			if (memchr(g->out.buf, ' ', g->out.len))
				g->n[TG_NAME_MULTI]++;
			else if (norm_is_patronymic(g->out.buf, g->out.len))
				g->n[TG_PATRONYMIC]++;
			else if (surname_ending(g->out.buf, g->out.len))
				g->n[TG_SURNAME]++;
		}
	}
	if (digits && other > 3 && re_match(g, RE_ADDRESS, v, n))
		g->n[TG_ADDRESS]++;
	if (other && re_match(g, RE_USERNAME, v, n))
		g->n[TG_USERNAME]++;
	/* KZ identity cards and passports without the letter: nine digits */
	if (!other && digits >= 6 && digits <= 10)
		g->n[TG_DOCNUM]++;
}

/* How many of the sample's values validate as t. */
static uint64_t
valid_as(const struct type_guess *g, enum dt_type t)
{
	switch (t) {
	case DT_EMAIL:
		return g->n[TG_EMAIL];
	case DT_PHONE:
		return g->n[TG_PHONE];
	case DT_NATIONAL_ID:
		return g->n[TG_IIN];
	case DT_PASSPORT:
		return g->n[TG_PASSPORT] + g->n[TG_DOCNUM];
	case DT_FULL_NAME:
	case DT_FIRST_NAME:
	case DT_LAST_NAME:
	case DT_PATRONYMIC:
		return g->n[TG_NAME];
	case DT_BIRTH_DATE:
		return g->n[TG_DATE];
	case DT_DATE:
		return g->n[TG_DATE] + g->n[TG_UNIXTIME];
	case DT_USERNAME:
		return g->n[TG_USERNAME];
	case DT_PASSWORD:
		return g->nonempty;
	case DT_PASSWORD_HASH:
		return g->n[TG_HASH];
	case DT_IP:
		return g->n[TG_IP];
	case DT_URL:
		return g->n[TG_URL];
	case DT_CARD:
		return g->n[TG_CARD];
	case DT_NUMBER:
		return g->n[TG_NUMBER];
	case DT_BINARY:
		return g->n[TG_BINARY];
	case DT_POSTCODE:
		return g->n[TG_POSTCODE];
	case DT_CITY:
		/* free text, but not a bare integer: "town" over 1, 2, 3 is a key (towns.town_no); an
		 * address may be one (street_number) */
		return g->nonempty - g->n[TG_STRONG] > g->n[TG_INTEGER]
			   ? g->nonempty - g->n[TG_STRONG] - g->n[TG_INTEGER]
			   : 0;
	default:
		/* free text: what is not of an identifier's shape */
		return g->nonempty - g->n[TG_STRONG];
	}
}

enum dt_type
types_guess_result(const struct type_guess *g, double *validation_rate)
{
	/* validators strict enough that 80% passing is proof, most specific first */
	static const enum dt_type strong[] = {DT_BINARY,        DT_EMAIL,       DT_NATIONAL_ID, DT_CARD,
	                                      DT_PASSWORD_HASH, DT_IP,          DT_URL,
	                                      DT_PHONE,         DT_DATE,        DT_PASSPORT};
	double dummy, total = (double)g->nonempty;
	double *rate = validation_rate ? validation_rate : &dummy;
	enum dt_type h = g->hint, s = DT_NONE;

	*rate = 0;
	if (!g->nonempty)
		return g->code ? DT_TEXT : h;
#define SHARE(t) ((double)valid_as(g, (t)) / total)
	/* an ISBN, a stock number or a postcode: a code, unless it is e-mails or links */
	if (g->code && SHARE(DT_EMAIL) < 0.8 && SHARE(DT_URL) < 0.8) {
		*rate = 1.0;
		return DT_TEXT;
	}
	for (size_t i = 0; i < sizeof(strong) / sizeof(strong[0]); i++)
		if ((strong[i] == DT_PASSPORT ? (double)g->n[TG_PASSPORT] / total
		                              : SHARE(strong[i])) >= 0.8) {
			s = strong[i];
			break;
		}
	if (h != DT_NONE) {
		if (h == DT_PASSWORD && SHARE(DT_PASSWORD_HASH) >= 0.8)
			h = DT_PASSWORD_HASH;
		/* bad checksums do not make an IIN column anything else */
		if (h == DT_NATIONAL_ID && (double)g->n[TG_DIGITS12] / total >= 0.5) {
			*rate = SHARE(h);
			return h;
		}
		if (SHARE(h) >= 0.5 || (s == DT_DATE && h == DT_BIRTH_DATE)) {
			*rate = SHARE(h);
			return h;
		}
		if (s != DT_NONE) {
			*rate = SHARE(s);
			return s;
		}
		/* a city's header over integers alone, however few: a key (towns.town_no) */
		if (h == DT_CITY && g->n[TG_INTEGER] == g->nonempty) {
			*rate = SHARE(DT_NUMBER);
			return DT_NUMBER;
		}
		/* the hint stands, unless a fair sample shows it wrong (a "hash" column of
		 * hash names, "iin" holding leak names): then the values decide */
		if (SHARE(h) >= 0.1 || g->nonempty < 10) {
			*rate = SHARE(h);
			return h;
		}
	}
	if (s != DT_NONE) {
		/* dates with no time and no year after 2015 look like birth dates, but
		 * only a header can say so: DT_DATE */
		*rate = SHARE(s);
		return s;
	}
	if ((double)g->n[TG_DIGITS12] / total >= 0.8 && SHARE(DT_NATIONAL_ID) >= 0.5) {
		*rate = SHARE(DT_NATIONAL_ID);
		return DT_NATIONAL_ID;
	}
	if (SHARE(DT_PHONE) >= 0.5 && (double)(g->n[TG_PHONE] + g->n[TG_NUMBER]) / total >= 0.8) {
		*rate = SHARE(DT_PHONE);
		return DT_PHONE;
	}
	if (SHARE(DT_NUMBER) >= 0.8) {
		*rate = SHARE(DT_NUMBER);
		return DT_NUMBER;
	}
	if ((double)g->n[TG_ADDRESS] / total >= 0.5) {
		*rate = (double)g->n[TG_ADDRESS] / total;
		return DT_ADDRESS;
	}
	/* names by their shape: capitalized words ("удостоверение личности" is not one) */
	if ((double)g->n[TG_NAME_CAP] / total >= 0.8) {
		*rate = SHARE(DT_FULL_NAME);
		if (g->n[TG_NAME_MULTI] * 2 >= g->n[TG_NAME])
			return DT_FULL_NAME;
		if (g->n[TG_PATRONYMIC] * 2 >= g->n[TG_NAME])
			return DT_PATRONYMIC;
		if (g->n[TG_SURNAME] * 2 >= g->n[TG_NAME])
			return DT_LAST_NAME;
	}
	*rate = SHARE(DT_TEXT);
	return DT_TEXT;
#undef SHARE
}

/* Does a table's name name people ("customer", "users", "сотрудники")? */
static int
table_of_people(const char *table)
{
	static const char *const sub[] = {
	    "customer", "client",   "user",     "member",  "person",  "people",   "employee",
	    "staff",    "actor",    "author",   "contact", "patient", "student",  "teacher",
	    "citizen",  "subscrib", "account",  "abonent", "voter",   "passenger", "driver",
	    "worker",   "resident", "applicant", "profile", "player",  "buyer",   "seller",
	    "клиент",   "пользоват", "сотрудник", "абонент", "гражда", "физлиц",  "пациент",
	    "студент",  "работник", "житель",   "избират", "пассажир", "водител", "персон",
	    "адамдар",  "тұлға",    "азамат",
	};
	char low[256], joined[256];

	if (!table)
		return 0;
	header_words(table, strlen(table), low, joined);
	for (size_t i = 0; i < sizeof(sub) / sizeof(sub[0]); i++)
		if (strstr(joined, sub[i]))
			return 1;
	return 0;
}

/*
 * A table name that says nothing of its rows: none (a flat file), or a
 * spreadsheet's default ("Sheet1", "Лист1", "Парақ1", "table"). Names
 * in such a table are taken as people's: a flat file or a sheet of
 * "name, position" is a list of people far more often than of things.
 */
static int
table_unnamed(const char *table)
{
	static const char *const dflt[] = {"sheet", "лист", "парақ", "table", "tabelle", "feuil", "hoja"};
	char low[256], joined[256];

	if (!table)
		return 1;
	header_words(table, strlen(table), low, joined);
	size_t n = strlen(joined);
	while (n && joined[n - 1] >= '0' && joined[n - 1] <= '9')
		joined[--n] = 0;
	for (size_t i = 0; i < sizeof(dflt) / sizeof(dflt[0]); i++)
		if (!strcmp(joined, dflt[i]))
			return 1;
	return !n;
}

/* Types that only a person's record holds. */
static int
of_a_person(enum dt_type t)
{
	return t == DT_EMAIL || t == DT_PHONE || t == DT_NATIONAL_ID || t == DT_PASSPORT ||
	       t == DT_BIRTH_DATE || t == DT_FIRST_NAME || t == DT_LAST_NAME || t == DT_PATRONYMIC ||
	       t == DT_USERNAME || t == DT_PASSWORD || t == DT_PASSWORD_HASH || t == DT_CARD;
}

static int
is_person_name(enum dt_type t)
{
	return t == DT_FULL_NAME || t == DT_FIRST_NAME || t == DT_LAST_NAME || t == DT_PATRONYMIC;
}

/* Why a column's type is not its header's or its values' own (types_table()). */
enum { WHY_KEY, WHY_FIRST, WHY_LAST, WHY_THINGS, WHY_NOT_HEADER, WHY_INVALID, WHY_COUNT };
static const char *const why_text[WHY_COUNT] = {
	"an id or a key: its integers are numbers",
	"a bare name beside a surname: the first name",
	"a bare name beside a first name: the surname",
	"names of things: nothing else in the table is of a person",
	"the values are not what the header says",
	"typed by its header, but most of its values do not validate",
};

const char *
types_why_intern(const char *s, size_t n)
{
	for (size_t i = 0; i < WHY_COUNT; i++)
		if (strlen(why_text[i]) == n && !memcmp(why_text[i], s, n))
			return why_text[i];
	return NULL;
}

void
types_table(const char *table, const struct type_guess *const *g, size_t n, struct type_col *out)
{
	for (size_t c = 0; c < n; c++) {
		out[c].type = types_guess_result(g[c], &out[c].rate);
		out[c].header = g[c]->hint;
		out[c].why = NULL;
	}
	/* ids and keys: their integers are numbers */
	for (size_t c = 0; c < n; c++) {
		const struct type_guess *x = g[c];
		if (!x->key_like || !x->nonempty ||
		    (out[c].type == DT_NUMBER && (x->hint == DT_NONE || x->hint == DT_NUMBER)) ||
		    (double)x->n[TG_INTEGER] < 0.9 * (double)x->nonempty)
			continue;
		/* "national_id" of IINs, "phone_id" of phones: a validator bears the hint out */
		enum dt_type h = x->hint;
		if ((h == DT_NATIONAL_ID || h == DT_PHONE || h == DT_PASSPORT || h == DT_CARD ||
		     h == DT_DATE || h == DT_BIRTH_DATE) &&
		    out[c].type == h &&
		    (out[c].rate >= 0.5 ||
		     (h == DT_NATIONAL_ID && (double)x->n[TG_DIGITS12] >= 0.5 * (double)x->nonempty)))
			continue;
		out[c].type = DT_NUMBER;
		out[c].rate = (double)x->n[TG_INTEGER] / (double)x->nonempty;
		out[c].why = why_text[WHY_KEY];
	}
	/* what the rest of the table says of its names */
	int people = table_of_people(table), last = 0, first = 0;
	for (size_t c = 0; c < n; c++) {
		enum dt_type t = out[c].type;
		if (of_a_person(t) || (t == DT_FULL_NAME && g[c]->hint == DT_FULL_NAME &&
				       !g[c]->generic_name))
			people = 1;
		last += t == DT_LAST_NAME;
		first += t == DT_FIRST_NAME;
	}
	for (size_t c = 0; c < n; c++) {
		const struct type_guess *x = g[c];
		if (out[c].type != DT_FULL_NAME || !x->generic_name)
			continue;
		if (last) {
			out[c].type = DT_FIRST_NAME;
			out[c].why = why_text[WHY_FIRST];
		} else if (first) {
			out[c].type = DT_LAST_NAME;
			out[c].why = why_text[WHY_LAST];
		}
	}
	for (size_t c = 0; c < n && !people && n > 1 && !table_unnamed(table); c++) {
		const struct type_guess *x = g[c];
		if (!is_person_name(out[c].type) || (x->hint != DT_NONE && !x->generic_name))
			continue;
		out[c].type = DT_TEXT;
		out[c].rate = (double)valid_as(x, DT_TEXT) / (double)(x->nonempty ? x->nonempty : 1);
		out[c].why = why_text[WHY_THINGS];
	}
	/* a header whose type the values do not bear out: said, not hidden */
	for (size_t c = 0; c < n; c++) {
		enum dt_type h = g[c]->hint;
		if (out[c].why || h == DT_NONE || !g[c]->nonempty)
			continue;
		if (out[c].type != h && !(h == DT_PASSWORD && out[c].type == DT_PASSWORD_HASH))
			out[c].why = why_text[WHY_NOT_HEADER];
		else if (out[c].type == h && out[c].rate < 0.5 &&
			 (h == DT_EMAIL || h == DT_PHONE || h == DT_NATIONAL_ID || h == DT_PASSPORT ||
			  h == DT_CARD || h == DT_IP || h == DT_URL || h == DT_DATE || h == DT_BIRTH_DATE))
			out[c].why = why_text[WHY_INVALID];
	}
}

/* ------------------------------------------------------------------ */
/* Coarse value classes: hand-written scanners, one pass over a value */

static int
isdig(char c)
{
	return c >= '0' && c <= '9';
}

static int
is_email(const char *v, size_t n)
{
	const char *at = memchr(v, '@', n);
	if (!at || at == v || at == v + n - 1)
		return 0;
	if (memchr(at + 1, '@', (size_t)(v + n - at - 1)))
		return 0;
	const char *dot = memchr(at + 1, '.', (size_t)(v + n - at - 1));
	if (!dot || dot == at + 1 || dot == v + n - 1)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (v[i] == ' ' || v[i] == ',' || v[i] == ';' || (unsigned char)v[i] < 0x20)
			return 0;
	return 1;
}

static int
is_number(const char *v, size_t n)
{
	size_t i = 0, digits = 0;
	int dot = 0;
	if (i < n && (v[i] == '-' || v[i] == '+'))
		i++;
	for (; i < n; i++) {
		if (isdig(v[i]))
			digits++;
		else if ((v[i] == '.' || v[i] == ',') && !dot)
			dot = 1;
		else
			return 0;
	}
	return digits > 0;
}

static int
is_phone(const char *v, size_t n)
{
	size_t digits = 0, marks = 0;
	for (size_t i = 0; i < n; i++) {
		char c = v[i];
		if (isdig(c))
			digits++;
		else if (c == '+' && i == 0)
			marks++;
		else if (c == '(' || c == ')' || c == '-' || c == ' ' || c == '.')
			marks++;
		else
			return 0;
	}
	if (digits < 10 || digits > 15)
		return 0;
	/* bare digits: only the 11-digit +7/8 form, not any long number */
	return marks > 0 || (digits == 11 && (v[0] == '7' || v[0] == '8'));
}

/* d+ sep d+ sep d+, with an optional time after a space or 'T'. */
static int
is_date(const char *v, size_t n)
{
	size_t i = 0, parts[3] = {0}, p = 0;
	char sep = 0;

	if (n == 8) { /* 19820421 */
		for (i = 0; i < 8; i++)
			if (!isdig(v[i]))
				return 0;
		int y = (v[0] - '0') * 1000 + (v[1] - '0') * 100,
		    m = (v[4] - '0') * 10 + v[5] - '0';
		int d = (v[6] - '0') * 10 + v[7] - '0';
		return (y == 1900 || y == 2000) && m >= 1 && m <= 12 && d >= 1 && d <= 31;
	}
	for (; i < n && p < 3; i++) {
		if (isdig(v[i]))
			parts[p]++;
		else if ((v[i] == '.' || v[i] == '-' || v[i] == '/') && p < 2 && parts[p] &&
		         (!sep || sep == v[i])) {
			sep = v[i];
			p++;
		} else
			break;
	}
	if (p != 2 || !parts[2])
		return 0;
	int ok = (parts[0] == 4 && parts[1] <= 2 && parts[2] <= 2) ||
	         (parts[0] <= 2 && parts[1] <= 2 && (parts[2] == 4 || parts[2] == 2));
	if (!ok)
		return 0;
	if (i < n && v[i] != ' ' && v[i] != 'T')
		return 0;
	return 1;
}

enum coarse_type
types_coarse(const char *v, size_t n)
{
	while (n && (v[0] == ' ' || v[0] == '\t')) {
		v++;
		n--;
	}
	while (n && (v[n - 1] == ' ' || v[n - 1] == '\t' || v[n - 1] == '\r'))
		n--;
	if (!n)
		return CT_EMPTY;
	if (is_email(v, n))
		return CT_EMAIL;
	if (is_date(v, n))
		return CT_DATE;
	if (is_phone(v, n))
		return CT_PHONE;
	if (is_number(v, n))
		return CT_NUMBER;
	return CT_TEXT;
}

const char *
types_coarse_name(enum coarse_type t)
{
	static const char *const names[CT_COUNT] = {"empty", "email",  "phone",
	                                            "date",  "number", "text"};
	return t < CT_COUNT ? names[t] : "text";
}

enum coarse_type
types_tally_verdict(const struct type_tally *t, double *rate)
{
	uint64_t total = 0, best = 0;
	enum coarse_type bt = CT_TEXT;

	for (int i = CT_EMAIL; i < CT_COUNT; i++) {
		total += t->n[i];
		if (t->n[i] > best) {
			best = t->n[i];
			bt = (enum coarse_type)i;
		}
	}
	if (!total) {
		*rate = 0;
		return CT_EMPTY;
	}
	/* phones mixed with plain numbers are still phones */
	if (bt == CT_NUMBER && t->n[CT_PHONE] * 2 > t->n[CT_NUMBER]) {
		bt = CT_PHONE;
		best = t->n[CT_PHONE] + t->n[CT_NUMBER];
	}
	*rate = (double)best / (double)total;
	if (*rate < 0.8) {
		*rate = (double)t->n[CT_TEXT] / (double)total;
		return CT_TEXT;
	}
	return bt;
}
