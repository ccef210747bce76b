#!/bin/sh
# dumptrace serve with the real Have I Been Pwned client from the npm
# registry (the package hibp, pointed at the server through its baseUrl
# option): what a program written for HIBP gets from dumptrace (issue 16).
# Skips with a message where node or the registry cannot be reached.
. "$TOP_SRCDIR/tests/lib.sh"

command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 ||
	skip_all "node and npm (Debian's nodejs, npm) are not installed"
mkdir -p client && (cd client && timeout 180 npm install --no-audit --no-fund --silent hibp@15 >npm.log 2>&1) ||
	skip_all "the npm registry cannot be reached: npm install hibp failed"

F="$TOP_SRCDIR/samples/family"
dt ingest -q --library lib --name combo_2022 --title "Combo 2022" --domain combo.example \
	--breach-date 2022-12-05 "$F/combo_2022.txt" &&
	dt ingest -q --library lib --name shop_2020 --verified "$F/shop_2020.sql" || exit 1
email=$(sed -n 3p "$F/combo_2022.txt" | cut -d: -f1)
printf 'k-123\n' >keys.txt
serve_start lib --api-keys keys.txt
ok $? "serve listens ($SERVE_PORT)"
pid=$SERVE_PID port=$SERVE_PORT

cat >client/check.mjs <<'JS'
import { breachedAccount, breaches, breach, dataClasses } from "hibp";
const [base, email] = process.argv.slice(2);
const o = { baseUrl: base, apiKey: "k-123", userAgent: "dumptrace-test" };
const out = {};
out.truncated = await breachedAccount(email, o);
out.full = await breachedAccount(email, { ...o, truncate: false });
out.none = await breachedAccount("nobody@nowhere.example", o);
out.verifiedOnly = await breachedAccount(email, { ...o, includeUnverified: false });
out.breaches = (await breaches({ baseUrl: base, userAgent: "dumptrace-test" })).map((b) => b.Name);
out.breach = (await breach("shop_2020", { baseUrl: base, userAgent: "dumptrace-test" })).IsVerified;
out.noBreach = await breach("nope", { baseUrl: base, userAgent: "dumptrace-test" });
out.dataClasses = Array.isArray(await dataClasses({ baseUrl: base, userAgent: "dumptrace-test" }));
try {
	await breachedAccount(email, { ...o, apiKey: "wrong" });
	out.badKey = "no error";
} catch (e) {
	out.badKey = String(e.message || e);
}
console.log(JSON.stringify(out));
JS
(cd client && timeout 60 node check.mjs "http://127.0.0.1:$port/api/v3" "$email") >out.json 2>node.err
ok $? "the hibp client runs against it$( [ -s node.err ] && printf ': %s' "$(head -c 200 node.err)")"
is "$(jq -c .truncated out.json)" '[{"Name":"combo_2022"}]' "breachedAccount: the leak, truncated"
is "$(jq -r '.full[0] | [.Name, .Title, .Domain, .BreachDate] | @tsv' out.json)" \
	"$(printf 'combo_2022\tCombo 2022\tcombo.example\t2022-12-05')" "... truncate: false: the breach model"
is "$(jq -c .none out.json)" null "... an address in no leak: null (404)"
is "$(jq -c .verifiedOnly out.json)" null "... includeUnverified: false: null (the leak is unverified)"
is "$(jq -c .breaches out.json)" '["combo_2022","shop_2020"]' "breaches"
is "$(jq -c .breach out.json)" true "breach: the verified flag"
is "$(jq -c .noBreach out.json)" null "breach of none: null"
is "$(jq -c .dataClasses out.json)" true "dataClasses: an array"
jq -r .badKey out.json | grep -qi "unauthori\|401\|denied\|invalid"
ok $? "a wrong API key: the client reports it ($(jq -r .badKey out.json | head -c 80))"
kill -TERM "$pid"
wait "$pid"
is "$?" 0 "the server stops on SIGTERM"

done_testing
