#!/bin/sh
# dumptrace serve (issue 16): Have I Been Pwned's API v3 over the library,
# with curl on loopback: the routes and their status codes, the user agent
# and API key rules, the rate limit with retry-after, a leak committed by an
# ingest while it serves, junk requests, no account in the log, the page.
. "$TOP_SRCDIR/tests/lib.sh"

command -v curl >/dev/null 2>&1 || skip_all "curl is not installed"
F="$TOP_SRCDIR/samples/family"
dt ingest -q --library lib --name combo_2022 --title "Combo 2022" --domain combo.example \
	--breach-date 2022-12-05 "$F/combo_2022.txt" || exit 1
dt ingest -q --library lib --name shop_2020 --verified "$F/shop_2020.sql" || exit 1
email=$(sed -n 3p "$F/combo_2022.txt" | cut -d: -f1)

# start SERVE-ARGS...: a server of lib on a free port; $port, $pid
start() {
	serve_start lib "$@"
	r=$?
	pid=$SERVE_PID port=$SERVE_PORT
	return $r
}
stop() { kill -TERM "$pid" 2>/dev/null; wait "$pid"; }
get() { curl -s -A dumptrace-test "$@"; }
code() { curl -s -o /dev/null -w '%{http_code}' -A dumptrace-test "$@"; }
U() { echo "http://127.0.0.1:$port$1"; }

start
ok $? "serve listens on a free port of 127.0.0.1 ($port)"
is "$(get "$(U "/api/v3/breachedaccount/$email")")" '[{"Name":"combo_2022"}]' \
	"breachedaccount: the leak that holds the address, truncated by default"
get "$(U "/api/v3/breachedaccount/$email?truncateResponse=false")" >full.json
is "$(jq -r '.[0] | [.Name, .Title, .Domain, .BreachDate, (.PwnCount > 0), (.DataClasses | type), .IsVerified] | @tsv' full.json)" \
	"$(printf 'combo_2022\tCombo 2022\tcombo.example\t2022-12-05\ttrue\tarray\tfalse')" \
	"... truncateResponse=false: HIBP's breach model"
upper=$(echo "$email" | tr '[:lower:]' '[:upper:]')
is "$(code "$(U "/api/v3/breachedaccount/$upper")")" 200 "... the address in another case is the same"
is "$(code "$(U "/api/v3/breachedaccount/$email?domain=other.example")")" 404 "... domain filters"
is "$(code "$(U "/api/v3/breachedaccount/$email?includeUnverified=false")")" 404 "... includeUnverified=false leaves out the unverified"
is "$(code "$(U "/api/v3/breachedaccount/nobody%40nowhere.example")")" 404 "an account in no leak: 404"
is "$(get "$(U "/api/v3/breachedaccount/nobody%40nowhere.example")")" "" "... with no body, as HIBP"
is "$(code "$(U /api/v3/breachedaccount/)")" 400 "no account: 400"
is "$(get "$(U /api/v3/breaches)" | jq -r '[.[].Name] | join(",")')" "combo_2022,shop_2020" "breaches: every leak"
is "$(get "$(U "/api/v3/breaches?domain=combo.example")" | jq length)" 1 "... ?domain= filters"
is "$(get "$(U /api/v3/breach/shop_2020)" | jq -r .Name)" shop_2020 "breach/NAME"
is "$(code "$(U /api/v3/breach/nope)")" 404 "... 404 when none"
is "$(get "$(U /api/v3/dataclasses)" | jq -r type)" array "dataclasses: an array"
is "$(curl -s -o /dev/null -w '%{http_code}' -H 'User-Agent:' "$(U /api/v3/breaches)")" 403 "no user agent: 403"
is "$(code -X POST "$(U /api/v3/breaches)")" 405 "POST: 405"
is "$(code "$(U /nothing/here)")" 404 "an unknown path: 404"
get -D hdr.txt "$(U /)" >page.html
grep -q '<form' page.html && ! grep -qi 'src="http\|href="http' page.html
ok $? "the page at / has a form and no external resource"
grep -qi "^content-security-policy: default-src 'none'" hdr.txt
ok $? "... and a content security policy"

# the page in a browser: /#ACCOUNT checks it (the fragment never reaches the server)
if command -v chromium >/dev/null 2>&1; then
	browse() {
		timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run \
			--user-data-dir="$T_TMP/chromium" --enable-logging=stderr --v=0 \
			--virtual-time-budget=5000 --dump-dom "$1" 2>>chromium.log
	}
	browse "$(U "/#$email")" >dom1.html
	grep -q 'Found in 1 known leak:' dom1.html && grep -q '<li>Combo 2022 (2022-12-05)' dom1.html
	ok $? "chromium: the page checks an address and lists its leak"
	browse "$(U "/#nobody@nowhere.example")" >dom2.html
	grep -q 'Not found in any known leak.' dom2.html
	ok $? "chromium: ... and says when it is in none"
	! grep -q 'CONSOLE' chromium.log
	ok $? "... with no console message (no policy violation, no failed load)"
else
	skip "chromium is not installed: the page is not rendered"
	skip "chromium is not installed"
	skip "chromium is not installed"
fi

# an ingest that commits while it serves: the new leak is there at the next request
dt ingest -q --library lib --name voters_2019 "$F/voters_2019.csv"
is "$(get "$(U /api/v3/breaches)" | jq length)" 3 "a leak committed meanwhile is seen"

# junk on the socket: the server still answers
if command -v timeout >/dev/null 2>&1; then
	for junk in 'GARBAGE\r\n\r\n' 'GET /%%%% HTTP/9.9\r\n\r\n' "GET /$(head -c 3000 /dev/zero | tr '\0' a) HTTP/1.1\r\nHost: x\r\n\r\n" \
		'\x00\x01\x02\xff\r\n\r\n'; do
		printf "$junk" | timeout 3 curl -s -o /dev/null "telnet://127.0.0.1:$port" 2>/dev/null
	done
fi
is "$(code "$(U /api/v3/breaches)")" 200 "after junk requests it still answers"
! grep -q -e "$email" -e "$upper" -e nobody srv.err
ok $? "the log never names an account"
grep -q '^[0-9T:Z-]* GET /api/v3/breachedaccount/{account} 200' srv.err
ok $? "... it names the route and the status"
stop
is "$?" 0 "SIGTERM stops it (exit 0)"

# API keys: the account search needs one; the catalog does not
printf 'secret-key-1\n' >keys.txt
start --api-keys keys.txt
ok $? "serve --api-keys"
is "$(code "$(U "/api/v3/breachedaccount/$email")")" 401 "no hibp-api-key: 401"
is "$(code -H 'hibp-api-key: wrong' "$(U "/api/v3/breachedaccount/$email")")" 401 "a wrong key: 401"
is "$(code -H 'hibp-api-key: secret-key-1' "$(U "/api/v3/breachedaccount/$email")")" 200 "the key: 200"
is "$(code "$(U /api/v3/breaches)")" 200 "breaches need no key"
stop

# the rate: past it, 429 and retry-after
start --rate 5
ok $? "serve --rate 5"
for i in 1 2 3 4 5; do code "$(U /api/v3/breaches)" >/dev/null; done
is "$(code -D h429.txt "$(U /api/v3/breaches)")" 429 "the sixth request in a minute: 429"
grep -qi '^retry-after: [0-9]' h429.txt
ok $? "... with retry-after ($(grep -i retry-after h429.txt | tr -d '\r'))"
stop

# a library whose key is not here: refused at the start
DUMPTRACE_KEY_DIR=$T_TMP/nokeys "$DUMPTRACE" serve --library lib --port 0 2>nokey.err &
p2=$!
for _ in $(seq 1 50); do kill -0 "$p2" 2>/dev/null || break; sleep 0.1; done
kill "$p2" 2>/dev/null
wait "$p2"
is "$?" 2 "a library without its key: serve refuses to start"
grep -q "no key on this machine" nokey.err
ok $? "... saying why"

done_testing
