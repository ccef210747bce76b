#!/bin/sh
# samples/gen, the synthetic leak family: deterministic by seed, valid IINs
# that agree with the birth dates, truth files that match their dumps row
# for row, both variants, and the committed samples/family equal to a fresh
# generation with the arguments its manifest records (so nobody edits it
# by hand).
. "$TOP_SRCDIR/tests/lib.sh"

GEN="$TOP_BUILDDIR/samples/gen"
[ -x "$GEN" ] || skip_all "samples/gen is not built"
FAMILY="$TOP_SRCDIR/samples/family"

# Every 12-digit token of a file, whatever its charset: each must be a valid
# IIN (century digit 3-6, a real month and day, the check digit).
bad_iins() { # bad_iins FILE...: prints the count of tokens that fail, then of all
	LC_ALL=C awk -F'[^0-9A-Za-z]+' '
	function valid(s,   c, m, d, k, t, w) {
		c = substr(s, 7, 1) + 0; m = substr(s, 3, 2) + 0; d = substr(s, 5, 2) + 0
		if (c < 3 || c > 6 || m < 1 || m > 12 || d < 1 || d > 31) return 0
		t = 0
		for (k = 1; k <= 11; k++) t += substr(s, k, 1) * k
		t %= 11
		if (t == 10) {
			split("3 4 5 6 7 8 9 10 11 1 2", w, " ")
			t = 0
			for (k = 1; k <= 11; k++) t += substr(s, k, 1) * w[k]
			t %= 11
			if (t == 10) return 0
		}
		return t == substr(s, 12, 1) + 0
	}
	{ for (i = 1; i <= NF; i++) if (length($i) == 12 && $i ~ /^[0-9]+$/) { n++; if (!valid($i)) b++ } }
	END { print b + 0, n + 0 }' "$@"
}

# IIN and birth date side by side: "IIN DATE" lines on stdin, DATE as
# DD.MM.YYYY, YYYY-MM-DD or YYYYMMDD. Prints the count that disagree, then
# of all.
bad_births() {
	LC_ALL=C awk '
	NF == 2 && $1 != "" && $2 != "" {
		d = $2
		if (d ~ /^[0-9][0-9]\.[0-9][0-9]\.[0-9][0-9][0-9][0-9]$/) ymd = substr(d, 7, 4) substr(d, 4, 2) substr(d, 1, 2)
		else { gsub(/-/, "", d); ymd = d }
		c = substr($1, 7, 1)
		want = (c == 3 || c == 4 ? "19" : "20") substr($1, 1, 6)
		n++
		if (ymd != want) b++
	}
	END { print b + 0, n + 0 }'
}

# A family checked through: IINs, births, and truth against the dump.
check_family() { # check_family DIR DELIM IINCOL BIRTHCOL LABEL
	dir=$1 delim=$2 icol=$3 bcol=$4 label=$5

	set -- $(bad_iins "$dir"/*.* "$dir"/truth/*)
	is "$1" 0 "$label: all $2 IINs in the files pass the checksum"
	ok $([ "$2" -gt 1000 ] && echo 0 || echo 1) "$label: there are IINs to check ($2)"

	for dump in claimed_2025 control_2025; do
		csv="$dir/$dump.csv"
		# names and IINs never hold the delimiter, so plain splitting finds them
		set -- $(sed 1d "$csv" | awk -F"$delim" -v i="$icol" -v b="$bcol" '{ print $i, $b }' | bad_births)
		is "$1" 0 "$label: $dump: the birth date agrees with the IIN in all $2 rows that have both"

		rows=$(($(wc -l <"$csv") - 1))
		is "$(wc -l <"$dir/truth/$dump.truth.jsonl" | tr -d ' ')" "$rows" "$label: $dump: one truth line per row"
		is "$(awk '{ if ($0 !~ "^\\{\"row\":" NR ",") { print NR; exit } }' "$dir/truth/$dump.truth.jsonl")" "" \
			"$label: $dump: truth rows numbered 1..$rows in order"
		summary=$(tr -d '\n' <"$dir/truth/$dump.truth.json")
		total=$(echo "$summary" | sed 's/^{ *"dump": [^,]*, *"file": [^,]*, *"rows": \([0-9]*\),.*/\1/')
		is "$total" "$rows" "$label: $dump: truth.json counts the rows"
		sum=0
		for st in copied merged updated new unattributed; do
			n=$(echo "$summary" | sed "s/.*\"status\": {[^}]*\"$st\": \([0-9]*\).*/\1/")
			c=$(grep -c "\"status\":\"$st\"" "$dir/truth/$dump.truth.jsonl")
			is "$c" "$n" "$label: $dump: $st rows as counted in truth.json"
			sum=$((sum + n))
		done
		is "$sum" "$rows" "$label: $dump: status counts add up to the rows"
	done
	# the claimed dump's segments tile it
	segs=$(tr -d '\n ' <"$dir/truth/claimed_2025.truth.json" | sed 's/.*"segments":\[\(.*\)\],"latest_date.*/\1/' |
		tr '}' '\n' | sed -n 's/.*"from":\([0-9]*\),"to":\([0-9]*\).*/\1 \2/p' |
		awk -v rows="$(($(wc -l <"$dir/claimed_2025.csv") - 1))" '
		{ if ($1 != prev + 1 || $2 < $1) bad = 1; prev = $2; n++ }
		END { print (!bad && prev == rows && n > 1) ? "tiled" : "broken" }')
	is "$segs" tiled "$label: claimed segments cover the rows in order"
}

# Deterministic by seed.
"$GEN" -q --seed 3 --persons 3000 --out a
ok $? "generates a family"
"$GEN" -q --seed 3 --persons 3000 --out b
diff -r a b >/dev/null
ok $? "the same seed gives the same files"
"$GEN" -q --seed 4 --persons 3000 --out c
cmp -s a/claimed_2025.csv c/claimed_2025.csv
ok $([ $? -ne 0 ] && echo 0 || echo 1) "another seed gives other files"
is "$(ls a | tr '\n' ' ')" "claimed_2025.csv clinic_2021.jsonl combo_2022.txt control_2025.csv family.json \
shop_2020.sql telecom_2022.sql truth voters_2019.csv " "the files of variant a"
is "$(ls a/truth | tr '\n' ' ')" "claimed_2025.truth.json claimed_2025.truth.jsonl control_2025.truth.json \
control_2025.truth.jsonl " "the ground truth, apart"
check_family a , 1 3 "variant a"

# The voters list is CP1251 with CRLF, so not valid UTF-8.
iconv -f utf-8 -t utf-8 a/voters_2019.csv >/dev/null 2>&1
ok $([ $? -ne 0 ] && echo 0 || echo 1) "voters_2019.csv is not UTF-8"
is "$(head -1 a/voters_2019.csv | iconv -f cp1251 -t utf-8 | tr -d '\r')" "ИИН;ФИО;Дата рождения;Адрес" \
	"voters_2019.csv: the Russian header, in CP1251"
is "$(grep -c "$(printf '\r$')" a/voters_2019.csv)" "$(wc -l <a/voters_2019.csv | tr -d ' ')" "voters_2019.csv: CRLF"
set -- $(sed 1d a/voters_2019.csv | tr -d '\r' | awk -F';' '{ print $1, $3 }' | bad_births)
is "$1" 0 "voters_2019.csv: the birth date agrees with the IIN in all $2 rows"
ok $(grep -q '^INSERT INTO `customers` VALUES (1,' a/shop_2020.sql && echo 0 || echo 1) "shop_2020.sql: extended INSERTs"
ok $(grep -q '^COPY public.subscribers (' a/telecom_2022.sql && echo 0 || echo 1) "telecom_2022.sql: pg_dump COPY"

# Variant b: other charsets, formats, headers and column order.
"$GEN" -q --seed 7 --persons 3000 --variant b --out vb
ok $? "generates variant b"
is "$(head -1 vb/voters_2019.tsv | iconv -f koi8-r -t utf-8)" \
	"$(printf 'ИИН\tФамилия\tИмя\tОтчество\tДата рождения\tАдрес')" "variant b: voters in KOI8-R, tab-separated"
ok $(grep -q '^COPY public.customers (' vb/shop_2020.sql && echo 0 || echo 1) "variant b: shop as pg_dump COPY"
ok $(grep -q '^INSERT INTO `subscribers`' vb/telecom_2022.sql && echo 0 || echo 1) "variant b: telecom as mysqldump"
is "$(head -1 vb/claimed_2025.csv | tr -d '\r')" "$(printf '\357\273\277')ФИО;ИИН;Дата рождения;Телефон;Паспорт/УДЛ;Адрес;E-mail" \
	"variant b: claimed with a BOM, ';' and Russian headers in another order"
check_family vb ';' 2 3 "variant b"

# Bad arguments.
"$GEN" --persons lots --out x 2>err
is "$?" 2 "a bad --persons is a usage error"
is "$(cat err)" "gen: bad value for --persons: 'lots'" "and says so"
"$GEN" -q --seed 1 2>/dev/null
is "$?" 2 "--out is required"
"$GEN" -q --out x --merged 1.5 2>/dev/null
is "$?" 2 "a fraction above 1 is refused"

# The committed family is what the generator makes from its manifest.
if [ -f "$FAMILY/family.json" ]; then
	args=$(sed -n 's/^ *"args": "\(.*\)",$/\1/p' "$FAMILY/family.json")
	ok $([ -n "$args" ] && echo 0 || echo 1) "samples/family records its arguments ($args)"
	# shellcheck disable=SC2086
	"$GEN" -q $args --out fresh
	diff -r fresh "$FAMILY" >diff.out 2>&1
	ok $? "samples/family equals a fresh generation"
	head -5 diff.out | sed 's/^/# /'
	# and dumptrace reads every file of it
	dt sniff -q "$FAMILY"/voters_2019.csv "$FAMILY"/shop_2020.sql "$FAMILY"/clinic_2021.jsonl \
		"$FAMILY"/telecom_2022.sql "$FAMILY"/combo_2022.txt "$FAMILY"/claimed_2025.csv \
		"$FAMILY"/control_2025.csv >sniff.out 2>&1
	ok $? "dumptrace sniff reads every file of samples/family without a rejection"
	is "$(sed -n 's|^.*/\([a-z_0-9]*\)\.[a-z]*$|\1|p; s/^  records *\([0-9,]*\) parsed.*/\1/p' sniff.out | tr -d , | paste -d' ' - - | tr '\n' ' ')" \
		"$(sed -n 's/.*"name": "\([a-z_0-9]*\)".*/\1/p; s/.*"rows": \([0-9]*\).*/\1/p' "$FAMILY/family.json" |
			paste -d' ' - - | tr '\n' ' ')" "sniff counts the rows family.json lists"
else
	skip "samples/family is absent"
fi

done_testing
