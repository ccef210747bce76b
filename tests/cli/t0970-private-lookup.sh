#!/bin/sh
# The private lookup (issue 16): ingest --private-lookup keeps the OPRF keys
# of IINs, phones and passports; serve answers /api/private/v1; lookup
# --server finds what a local lookup finds, the server seeing neither the
# identifier nor anything that names it; its evaluations are rate limited;
# what a hostile client sends is refused.
. "$TOP_SRCDIR/tests/lib.sh"

command -v curl >/dev/null 2>&1 || skip_all "curl is not installed"
command -v jq >/dev/null 2>&1 || skip_all "jq is not installed"
F="$TOP_SRCDIR/samples/family"

# a leak ingested before the library kept private sets, then two after
dt ingest -q --library lib --name clinic_2021 "$F/clinic_2021.jsonl" || exit 1
dt ingest -q --library lib --name voters_2019 --private-lookup --json "$F/voters_2019.csv" >v.json || exit 1
is "$(jq -r .private_lookup v.json)" true "ingest --private-lookup makes the private sets"
dt ingest -q --library lib --name telecom_2022 --json "$F/telecom_2022.sql" >t.json || exit 1
is "$(jq -r .private_lookup t.json)" true "... and every later ingest into that library too"
dt show --library lib --json telecom_2022 >show.json
is "$(jq -r '[.sets[] | select(.kind == "private") | .type] | sort | join(",")' show.json)" \
	"national_id,passport,phone" "the private sets: IINs, passports, phones"
dt verify --library lib >/dev/null 2>&1
ok $? "verify checks them as any set"

stop() { kill -TERM "$SERVE_PID" 2>/dev/null; wait "$SERVE_PID"; }
code() { curl -s -o /dev/null -w '%{http_code}' -A dumptrace-test "$@"; }
get() { curl -s -A dumptrace-test "$@"; }

serve_start lib --private-rate 0
ok $? "serve starts"
U="http://127.0.0.1:$SERVE_PORT"
get "$U/api/private/v1" >cfg.json
is "$(jq -r '.Suite' cfg.json)" "OPRF(ristretto255, SHA-512)" "the config names the suite"
is "$(jq -r '.Types[] | select(.Type == "national_id") | .Leaks' cfg.json)" 2 "... two leaks with private IIN sets"
is "$(jq -r '.Types[] | select(.Type == "national_id") | .LeaksWithoutPrivateSet | join(",")' cfg.json)" \
	clinic_2021 "... and names the leak ingested before (it holds IINs, no private set)"

# the same answers as a local lookup: known IINs of both leaks, and others
{
	sed -n '2,41p' "$F/voters_2019.csv" | cut -d';' -f1
	awk -F'\t' '/^COPY public.subscribers/ {on = 1; next} on && /^\\\./ {exit} on && n++ < 40 {print $3}' \
		"$F/telecom_2022.sql"
	for i in 1 2 3 4 5 6 7 8 9 10; do printf '9%02d10130%04d\n' "$i" "$((i * 37))"; done
} | sort -u >iins
args=$(sed 's/^/--iin /' iins | tr '\n' ' ')
# shellcheck disable=SC2086
dt lookup --library lib --json $args | jq -c '.found -= ["clinic_2021"]' >local.json
# shellcheck disable=SC2086
dt lookup --server "$U" --json $args >remote.json
n=$(wc -l <iins)
is "$(wc -l <remote.json)" "$n" "lookup --server answers each of $n IINs"
same_file remote.json local.json "... with the leaks a local lookup finds (but the one without a private set)"
found=$(jq -r 'select(.found | length > 0)' remote.json | jq -s length)
ok "$([ "$found" -ge 60 ] && echo 0 || echo 1)" "... $found of them in a leak"
is "$(jq -r 'select(.found | index("clinic_2021"))' remote.json | jq -s length)" 0 \
	"... never in the leak without a private set"
phone=$(awk -F'\t' '/^COPY public.subscribers/ {getline; print $2; exit}' "$F/telecom_2022.sql")
pass=$(awk -F'\t' '/^COPY public.subscribers/ {getline; print $6; exit}' "$F/telecom_2022.sql")
is "$(dt lookup --server "$U" --json --phone "+$phone" --passport "$pass" | jq -r '.found | join(",")' | tr '\n' ' ')" \
	"telecom_2022 telecom_2022 " "a phone (in another format) and a passport number"
dt lookup --server "$U" --iin 111111111110 >/dev/null
is $? 1 "an IIN in no leak: exit 1"

# what the server saw: no identifier in its log, nor in any URL it was asked
iin=$(head -1 iins)
if grep -q "$iin\|$phone" srv.err; then ok 1 "the log names no identifier"; else ok 0 "the log names no identifier"; fi
grep -q "/api/private/v1/evaluate/{type}/{element} 200" srv.err
ok $? "... only the route"

# a hostile client
is "$(code "$U/api/private/v1/evaluate/national_id/$(printf '%064d' 0)")" 400 "the identity element: 400"
is "$(code "$U/api/private/v1/evaluate/national_id/$(printf 'f%.0s' $(seq 64))")" 400 "a non-canonical element: 400"
is "$(code "$U/api/private/v1/evaluate/national_id/abc")" 400 "a short element: 400"
is "$(code "$U/api/private/v1/evaluate/email/$(printf '%064d' 0)")" 404 "a type without a private lookup: 404"
is "$(code "$U/api/private/v1/range/national_id/40/1")" 400 "a prefix of more than 32 bits: 400"
is "$(code "$U/api/private/v1/range/national_id/2/ff")" 400 "a prefix longer than its bits: 400"
is "$(code "$U/api/private/v1/range/national_id/x/1")" 400 "a range without bits: 400"
is "$(code "$U/api/private/v1/range/national_id/0/0")" 200 "... bits 0 in a library this small (the whole set)"
is "$(get "$U/api/private/v1/range/national_id/4/a" | jq -r '[.Keys[].Key | startswith("a")] | all')" true \
	"a bucket holds the keys of its prefix only"
stop

# small buckets: a client may not ask for much bigger ones than the server's
serve_start lib --private-rate 0 --bucket 8
bits=$(get "http://127.0.0.1:$SERVE_PORT/api/private/v1" | jq -r '.Types[] | select(.Type == "national_id") | .PrefixBits')
ok "$([ "$bits" -ge 8 ] && echo 0 || echo 1)" "--bucket 8: $bits bits of prefix"
is "$(code "http://127.0.0.1:$SERVE_PORT/api/private/v1/range/national_id/$((bits - 5))/0")" 400 \
	"... a bucket 32 times as big is refused"
is "$(code "http://127.0.0.1:$SERVE_PORT/api/private/v1/range/national_id/$((bits - 4))/0")" 200 "... 16 times is answered"
stop

# the evaluations' own rate
serve_start lib --private-rate 3
U="http://127.0.0.1:$SERVE_PORT"
dt lookup --server "$U" --iin "$iin" --iin "$iin" --iin "$iin" >/dev/null
is $? 0 "three evaluations within --private-rate 3"
dt lookup --server "$U" --iin "$iin" >out 2>err
is $? 2 "a fourth: exit 2"
grep -q "too many requests: try again in [0-9]* s" err
ok $? "... saying when to try again"
is "$(code "$U/api/private/v1")" 200 "... the rest of the API still answers"
stop

# API keys
echo "k-$$" >keys.txt
serve_start lib --api-keys keys.txt
U="http://127.0.0.1:$SERVE_PORT"
dt lookup --server "$U" --iin "$iin" >/dev/null 2>err
is $? 2 "with --api-keys: no key, refused"
grep -q "HTTP 401" err
ok $? "... 401"
is "$(dt lookup --server "$U" --api-key "k-$$" --json --iin "$iin" | jq -r '.found | length > 0')" true "... with the key, found"

# a commit while serving: a leak with the IIN appears
printf 'iin;name\n%s;Test Person\n' 900101300017 >new.csv
dt lookup --server "$U" --api-key "k-$$" --iin 900101300017 >/dev/null
is $? 1 "an IIN in no leak yet"
dt ingest -q --library lib --name new_2024 new.csv || exit 1
is "$(dt lookup --server "$U" --api-key "k-$$" --json --iin 900101300017 | jq -r '.found | join(",")')" new_2024 \
	"... in the leak an ingest committed while the server ran"
stop

# the library without its key: serve says so, nothing is answered
cp -r lib lib2
DUMPTRACE_KEY_DIR=$T_TMP/other-keys "$DUMPTRACE" serve --library lib2 --port 0 >/dev/null 2>err &
p=$!
sleep 1
kill "$p" 2>/dev/null
wait "$p"
grep -q "has no key on this machine" err
ok $? "a copy of the library without its key does not serve"

# --server and a local library together: a usage error
dt lookup --server "http://127.0.0.1:1" --library lib --iin "$iin" >/dev/null 2>&1
is $? 2 "--server with --library: usage error"
dt lookup --server "http://127.0.0.1:1" --value full_name=x >/dev/null 2>&1
is $? 2 "a type a server does not answer: usage error"
dt lookup --server "http://127.0.0.1:1" --iin "$iin" >/dev/null 2>err
is $? 2 "no server there: exit 2"

done_testing
