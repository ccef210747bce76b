#!/bin/sh
# analyze --html: the report of the sample family's claimed dump is one
# small self-contained page (no script, nothing from the network), holds
# the verdict and its evidence, a chart in each charted section, no
# e-mail, phone or IIN of the dump (even with --show-values, which adds a
# banner), and escapes hostile leak and column names. Where Chromium is
# installed, the page is rendered headless: no console message, the
# verdict and the charts in the rendered DOM, a screenshot.
. "$TOP_SRCDIR/tests/lib.sh"

F="$TOP_SRCDIR/samples/family"
L="$T_TMP/lib"
for x in voters_2019.csv shop_2020.sql clinic_2021.jsonl telecom_2022.sql combo_2022.txt; do
	dt ingest -q --library "$L" --name "${x%.*}" "$F/$x" || echo "ingest $x failed"
done >out 2>&1
is "$(cat out)" "" "ingest the five leaks"

dt analyze -q --library "$L" --json claimed.json --html claimed.html "$F/claimed_2025.csv" >/dev/null
ok $? "analyze --html"
size=$(wc -c <claimed.html)
[ "$size" -gt 10000 ] && [ "$size" -lt 2000000 ]
ok $? "the page: $size bytes (under 2 MB)"
head -1 claimed.html | grep -q '^<!DOCTYPE html>'
ok $? "an HTML document"

# the verdict: the sentence, its figures, each line of evidence of the JSON
grep -q 'Verdict: <strong>recompilation</strong> &mdash; the dump is mostly made of known leaks' claimed.html
ok $? "the verdict sentence"
pct=$(jq -r '.verdict.known_fraction * 1000 | round / 10 | tostring' claimed.json)
grep -q ": $pct% of its traceable rows" claimed.html
ok $? "... with the share of known rows ($pct%)"
jq -r '.verdict.evidence[]' claimed.json | sed "s/&/\&amp;/g; s/'/\&#39;/g" >evidence
n=0
while IFS= read -r line; do
	grep -qF -- "<li>$line</li>" claimed.html || { echo "# missing evidence: $line"; n=$((n + 1)); }
done <evidence
is "$n" "0" "the $(wc -l <evidence) lines of evidence"

# a chart per charted section; the histograms: one per date column, one of birth years
for s in verdict leaks combinations strip; do
	is "$(sed -n "/<section id=\"$s\">/,/<\/section>/p" claimed.html | grep -c '<svg')" "1" "section $s: a chart"
done
want=$(($(jq '.freshness.dates | length' claimed.json) + 1))
is "$(sed -n '/<section id="freshness">/,/<\/section>/p' claimed.html | grep -c '<svg')" "$want" \
	"section freshness: $want histograms"
is "$(grep -c '<svg' claimed.html)" "$((4 + want))" "$((4 + want)) charts in all"
grep -q '<title>' claimed.html && grep -q 'class="legend"' claimed.html && grep -q 'row number in the file' claimed.html
ok $? "charts with titles, legends and axis labels"
for s in records columns plausibility library reproduce; do
	grep -q "<section id=\"$s\">" claimed.html
	ok $? "section $s"
done
grep -qF "$(jq -r '.columns[] | select(.name == "email") | .lineage.column' claimed.json)" claimed.html
ok $? "the column lineage"
grep -q '<pre>dumptrace analyze -q --library ' claimed.html
ok $? "the command line to reproduce it"

# self-contained: no script, no address of anything
is "$(grep -ci '<script' claimed.html)" "0" "no script"
is "$(grep -c '://' claimed.html)" "0" "no URL at all (nothing from the network)"
if command -v xmllint >/dev/null 2>&1; then
	# libxml2's parser knows HTML 4: it calls HTML5 and SVG elements invalid
	# tags; any other complaint is a real fault of the page
	xmllint --html --noout claimed.html 2>&1 | grep 'error' | grep -v 'Tag [a-z]* invalid' >lint
	is "$(cat lint)" "" "xmllint --html finds no error"
else
	skip "xmllint is not installed: the page's syntax is not checked"
fi

# no personal data, with or without --show-values
LC_ALL=C grep -aoE '[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[a-z]{2,}' "$F/claimed_2025.csv" | sort -u >needles
LC_ALL=C grep -aoE '(^|,)[0-9]{11,12}(,|$)' "$F/claimed_2025.csv" | tr -d , | sort -u >>needles
[ "$(wc -l <needles)" -gt 1000 ]
ok $? "$(wc -l <needles) e-mails, phones and IINs to look for"
grep -q 'class="banner"' claimed.html
is "$?" "1" "no banner without --show-values"
dt analyze -q --library "$L" --show-values --records values.jsonl --html values.html "$F/claimed_2025.csv" \
	>/dev/null 2>&1
ok $? "analyze --show-values --html"
grep -q 'class="banner"' values.html && grep -q 'personal data' values.html
ok $? "... a warning banner"
is "$(cat claimed.html values.html | LC_ALL=C grep -c -F -f needles)" "0" "none of them in the pages"

# hostile names: a leak, its title and a column of the dump
head -300 "$F/claimed_2025.csv" | sed '1s/address/<script>alert(1)<\/script>/' >hostile.csv
dt ingest -q --library "$L" --name '<b>x</b>&"'"'" --title '<i>t</i>' hostile.csv
ok $? "ingest a leak with a hostile name"
dt analyze -q --library "$L" --html hostile.html hostile.csv >/dev/null
ok $? "analyze a dump with a hostile column name"
is "$(grep -cF '<b>x' hostile.html)" "0" "the leak's name is not markup"
grep -qF '&lt;b&gt;x&lt;/b&gt;&amp;&quot;&#39;' hostile.html
ok $? "... it is escaped"
is "$(grep -ci '<script' hostile.html)" "0" "the column's name is not markup"
grep -qF '&lt;script&gt;alert(1)&lt;/script&gt;' hostile.html
ok $? "... it is escaped"

# the page in a browser
if ! command -v chromium >/dev/null 2>&1; then
	skip "chromium is not installed: the page is not rendered"
	skip "chromium is not installed: no screenshot"
else
	# headless, no sandbox (tests may run as root), a profile of its own
	browse() {
		timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run --hide-scrollbars \
			--user-data-dir="$T_TMP/chromium" --enable-logging=stderr --v=0 "$@" 2>>chromium.log
	}
	browse --dump-dom "file://$T_TMP/claimed.html" >dom.html
	ok $? "chromium renders the page"
	# the page has no script: any console message (a policy violation, a failed load) is a fault
	grep 'CONSOLE' chromium.log >console
	is "$(cat console)" "" "no console message"
	grep -q 'Verdict: <strong>recompilation</strong>' dom.html
	ok $? "the verdict in the rendered DOM"
	is "$(grep -o '<svg' dom.html | wc -l)" "$((4 + want))" "the charts in the rendered DOM"
	[ "$(grep -o '<rect' dom.html | wc -l)" -gt 20 ] && [ "$(grep -o '<circle' dom.html | wc -l)" -gt 20 ] &&
		grep -q '<path class="c0"' dom.html
	ok $? "... with their bars, dots and bands"
	browse --window-size=1100,5000 --screenshot="$T_TMP/claimed.png" "file://$T_TMP/claimed.html" >/dev/null
	[ -s claimed.png ] && [ "$(head -c 8 claimed.png | od -An -c | tr -d ' ')" = '211PNG\r\n032\n' ]
	ok $? "a screenshot"
	# kept where the build runs, for a person to look at
	[ -z "${TOP_BUILDDIR:-}" ] || cp claimed.png "$TOP_BUILDDIR/t0930-analyze-html.png" 2>/dev/null || :
fi

done_testing
