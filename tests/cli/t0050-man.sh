#!/bin/sh
# The man page (doc/dumptrace.1) renders without groff warnings and cannot
# fall behind the code: every command 'dumptrace --help' lists has a
# ".SS COMMAND" section, and every long option some 'dumptrace COMMAND
# --help' prints appears in the page.
. "$TOP_SRCDIR/tests/lib.sh"

page="$TOP_SRCDIR/doc/dumptrace.1"
[ -f "$page" ] || skip_all "no man page at '$page'"

if command -v groff >/dev/null 2>&1; then
	groff -man -Tutf8 -ww -z "$page" 2>groff.err
	ok $? "groff renders the page"
	is "$(head -5 groff.err)" "" "groff -ww gives no warnings"
else
	skip "groff is not installed (Debian: groff-base)"
	skip "groff is not installed (Debian: groff-base)"
fi

# The page's words as a reader types them: roff's \- is a plain hyphen,
# font changes vanish.
sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' "$page" >page.txt

dt --help >help.out
ok $? "dumptrace --help exits 0"
# the commands are the indented lines between "Commands:" and the blank line
cmds=$(sed -n '/^Commands:/,/^$/p' help.out | sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p')
[ -n "$cmds" ]
ok $? "dumptrace --help lists commands"

for c in $cmds; do
	grep -qx "\.SS $c" "$page"
	ok $? "the page has a section for '$c'"
	if ! dt "$c" --help >"help-$c.out" 2>&1; then
		ok 1 "dumptrace $c --help exits 0"
		continue
	fi
	missing=""
	for o in $(grep -o -- '--[a-z][a-z0-9-]*' "help-$c.out" | sort -u); do
		# a whole option: not followed by another letter, digit or hyphen
		grep -Eq -- "$o([^a-z0-9-]|\$)" page.txt || missing="$missing $o"
	done
	is "$missing" "" "every long option of '$c --help' is in the page"
done

for o in --help --version; do
	grep -Eq -- "$o([^a-z0-9-]|\$)" page.txt
	ok $? "the page names $o"
done

done_testing
