/* The IIN/BIN checksum (both weightings), and the birth date and sex an IIN encodes. */
#include "config.h"

#include <string.h>

#include "core/iin.h"
#include "tests/unit/tap.h"

/* The first IIN that starts with the seven digits stem (serials 0000 up). */
static void
make_iin(const char *stem, char out[13])
{
	for (int s = 0; s < 10000; s++) {
		memcpy(out, stem, 7);
		for (int j = 0, x = s; j < 4; j++, x /= 10)
			out[10 - j] = (char)('0' + x % 10);
		int c = iin_check_digit(out);
		if (c >= 0) {
			out[11] = (char)('0' + c);
			out[12] = 0;
			return;
		}
	}
}

int
main(void)
{
	static const struct {
		const char *v;
		int valid;
		const char *why;
	} cases[] = {
	    {"470406370480", 1, "first weights, born 1947, man"},
	    {"101001436978", 1, "first weights, born 1910, woman"},
	    {"010628586066", 1, "first weights, born 2001, leading zero"},
	    {"370723666771", 1, "first weights, century digit 6"},
	    {"171028110330", 1, "century digit 1 (1800s)"},
	    {"410814213313", 1, "century digit 2"},
	    {"520827158455", 1, "second weights, digit 1"},
	    {"781025220978", 1, "second weights, digit 2"},
	    {"051218347439", 1, "second weights, digit 3"},
	    {"050426436323", 1, "second weights, digit 4"},
	    {"630717556832", 1, "second weights, digit 5"},
	    {"940819635049", 1, "second weights, digit 6"},
	    {"050341800799", 1, "BIN (legal entity, 4)"},
	    {"000841650781", 1, "BIN (non-resident, 6)"},
	    {"210240492909", 1, "BIN registered 2021"},
	    {"470406370481", 0, "wrong check digit"},
	    {"570406370480", 0, "a year digit changed"},
	    {"470406370580", 0, "a serial digit changed"},
	    {"520827158450", 0, "second weights, wrong check digit"},
	    {"870421300123", 0, "made-up number"},
	    {"130317164430", 0, "both weightings give 10 (check 0)"},
	    {"130317164439", 0, "both weightings give 10 (check 9)"},
	    {"47040637048", 0, "eleven digits"},
	    {"4704063704800", 0, "thirteen digits"},
	    {"4704 06370480", 0, "a blank inside"},
	    {"47040637048a", 0, "a letter"},
	    {"", 0, "empty"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		is_int(iin_valid(cases[i].v, strlen(cases[i].v)), cases[i].valid,
		       "iin_valid %s: %s", cases[i].v, cases[i].why);
	is_int(iin_check_digit("13031716443"), -1, "no check digit when both weightings give 10");
	is_int(iin_check_digit("52082715845"), 5, "second-weights check digit");
	is_int(iin_check_digit("47040637048"), 0, "first-weights check digit");

	static const struct {
		const char *v;
		int ok, y, m, d, sex;
	} births[] = {
	    {"470406370480", 1, 1947, 4, 6, 1},   {"101001436978", 1, 1910, 10, 1, 2},
	    {"010628586066", 1, 2001, 6, 28, 1},  {"370723666771", 1, 2037, 7, 23, 2},
	    {"171028110330", 1, 1817, 10, 28, 1}, {"410814213313", 1, 1841, 8, 14, 2},
	    {"940819635049", 1, 2094, 8, 19, 2},  {"050341800799", 0, 0, 0, 0, 0},
	    {"470406370481", 0, 0, 0, 0, 0},      {"000841650781", 0, 0, 0, 0, 0},
	};
	for (size_t i = 0; i < sizeof(births) / sizeof(births[0]); i++) {
		int y = 0, m = 0, d = 0, sex = 0;
		int ok = iin_birth(births[i].v, strlen(births[i].v), &y, &m, &d, &sex);
		is_int(ok, births[i].ok, "iin_birth %s", births[i].v);
		if (ok)
			ok(y == births[i].y && m == births[i].m && d == births[i].d &&
			       sex == births[i].sex,
			   "%s: %04d-%02d-%02d sex %d", births[i].v, y, m, d, sex);
	}
	/* a correct checksum on an impossible date: 30 February, 29 February 1901 */
	char buf[13];
	make_iin("8702303", buf);
	ok(iin_valid(buf, 12) && !iin_birth(buf, 12, NULL, NULL, NULL, NULL),
	   "valid checksum, 30 February: %s", buf);
	make_iin("0102294", buf);
	ok(iin_valid(buf, 12) && !iin_birth(buf, 12, NULL, NULL, NULL, NULL),
	   "valid checksum, 29 February 2001: %s", buf);
	make_iin("0002295", buf);
	int y = 0, m = 0, d = 0;
	ok(iin_birth(buf, 12, &y, &m, &d, NULL) && y == 2000 && m == 2 && d == 29,
	   "29 February 2000: %s", buf);
	make_iin("0002293", buf);
	ok(iin_valid(buf, 12) && !iin_birth(buf, 12, NULL, NULL, NULL, NULL),
	   "29 February 1900 (not leap): %s", buf);

	/* the plausibility check: twelve digits with a wrong check digit, nothing else */
	make_iin("8304213", buf);
	ok(!iin_checksum_fails(buf, 12), "a valid IIN does not fail its checksum");
	buf[11] = (char)('0' + (buf[11] - '0' + 1) % 10);
	ok(iin_checksum_fails(buf, 12), "one wrong check digit fails: %s", buf);
	ok(!iin_checksum_fails("83042130123", 11) && !iin_checksum_fails("83042130123x", 12),
	   "eleven digits, or a letter, are no IIN to check");
	return done_testing();
}
