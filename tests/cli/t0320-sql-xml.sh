#!/bin/sh
# The xml reader on small dumps written by hand: mysqldump --xml and
# phpMyAdmin's XML export, what each feature reads as (NULL, the empty
# string, entities, CDATA, control characters), what is rejected and
# where, what stops an input (truncation, broken XML, entity
# declarations), --table, sniff, and chunked reading.
. "$TOP_SRCDIR/tests/lib.sh"

jl() { dt cat -q --output-format jsonl "$@" 2>/dev/null | sed 's/^{"_input":"[^"]*",/{/'; }

# --- mysqldump --xml ------------------------------------------------------------
{
	cat <<'EOF'
<?xml version="1.0"?>
<mysqldump xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<database name="shop">
	<table_structure name="users">
		<field Field="id" Type="int" Null="NO" Key="PRI" Extra="auto_increment" Comment="" />
		<field Field="email" Type="varchar(80)" Null="YES" Key="" Extra="" Comment="" />
		<key Table="users" Non_unique="0" Key_name="PRIMARY" Seq_in_index="1" Column_name="id" />
		<options Name="users" Engine="InnoDB" Version="10" Rows="3" Comment="" />
	</table_structure>
	<table_data name="users">
	<row>
		<field name="id">1</field>
		<field name="email">a@x.kz</field>
		<field name="name">Tom &amp; Jerry &lt;3 &#233;t&#xE9;</field>
		<field name="note" xsi:nil="true" />
	</row>
	<row>
		<field name="id">2</field>
		<field name="email"></field>
		<field name="name"><![CDATA[<b>bold</b> & raw]]></field>
		<field name="note"/>
	</row>
	<row>
		<field name="id">3</field>
		<field name="email">Ерлан@пример.kz</field>
		<field name="name">Нұрлан Әбішұлы</field>
EOF
	# mysqldump writes control characters as they are: XML forbids them
	printf '\t\t<field name="note">two\nlines\tand a \013vertical tab</field>\n'
	cat <<'EOF'
	</row>
	</table_data>
	<table_structure name="empty">
	</table_structure>
	<table_data name="empty">
	</table_data>
	<triggers name="users">
		<trigger Trigger="t" Event="INSERT"><![CDATA[BEGIN SET NEW.id = 1; END]]></trigger>
	</triggers>
	<table_data name="cities">
	<row>
		<field name="city">Алматы</field>
		<field name="code">050000</field>
	</row>
	</table_data>
</database>
</mysqldump>
EOF
} >my.xml
cat >my.expected <<'EOF'
{"_table":"users","id":"1","email":"a@x.kz","name":"Tom & Jerry <3 été","note":null}
{"_table":"users","id":"2","email":"","name":"<b>bold</b> & raw","note":""}
{"_table":"users","id":"3","email":"Ерлан@пример.kz","name":"Нұрлан Әбішұлы","note":"two\nlines\tand a \u000bvertical tab"}
{"_table":"cities","city":"Алматы","code":"050000"}
EOF
jl my.xml >my.out
same_file my.out my.expected "mysqldump --xml: two tables, NULL, empty strings, entities, CDATA, newline, control character, UTF-8"
dt sniff my.xml >sniff.out 2>&1
grep -q "format      xml tool=mysqldump-xml tables=3" sniff.out
ok $? "mysqldump --xml: sniff names the format, the tool and the tables"
is "$(grep '^  table' sniff.out)" "  table       users: 3 records
  table       cities: 1 records" "mysqldump --xml: sniff lists the tables with rows"
is "$(jl --table cities my.xml)" '{"_table":"cities","city":"Алматы","code":"050000"}' "--table cities reads only cities"
is "$(jl --table shop.users my.xml | wc -l | tr -d ' ')" 3 "--table schema.users matches users"

# --- phpMyAdmin --------------------------------------------------------------------
cat >pma.xml <<'EOF'
<?xml version="1.0" encoding="utf-8"?>
<!--
- phpMyAdmin XML Dump
- version 5.2.1
- https://www.phpmyadmin.net
-->

<pma_xml_export version="1.0" xmlns:pma="https://www.phpmyadmin.net/some_doc_url/">
    <!--
    - Structure schemas
    -->
    <pma:structure_schemas>
        <pma:database name="shop" collation="utf8mb4_general_ci" charset="utf8mb4">
            <pma:table name="clients">
                CREATE TABLE `clients` (
                  `id` int(11) NOT NULL,
                  `phone` varchar(20) DEFAULT NULL
                ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
            </pma:table>
        </pma:database>
    </pma:structure_schemas>

    <!--
    - Database: 'shop'
    -->
    <database name="shop">
        <!-- Table clients -->
        <table name="clients">
            <column name="id">1</column>
            <column name="phone">+7 701 123 45 67</column>
        </table>
        <table name="clients">
            <column name="id">2</column>
            <column name="phone">NULL</column>
        </table>
        <!-- Table notes -->
        <table name="notes">
            <column name="text">O&apos;Brien &quot;x&quot;</column>
        </table>
    </database>
</pma_xml_export>
EOF
cat >pma.expected <<'EOF'
{"_table":"clients","id":"1","phone":"+7 701 123 45 67"}
{"_table":"clients","id":"2","phone":null}
{"_table":"notes","text":"O'Brien \"x\""}
EOF
jl pma.xml >pma.out
same_file pma.out pma.expected "phpMyAdmin XML: a <table> per row, NULL written as NULL, the schema part skipped"
dt sniff pma.xml 2>/dev/null | grep -q "format      xml tool=phpmyadmin-xml tables=2"
ok $? "phpMyAdmin XML: sniff names the format and the tool"

# dumps put end to end: each document is read in turn
cat my.xml pma.xml >both.xml
jl both.xml >both.out
cat my.expected pma.expected >both.expected
same_file both.out both.expected "two dumps end to end: both are read"

# --- bad rows: rejected alone, with their line ---------------------------------------
{
	printf '<?xml version="1.0"?>\n<mysqldump xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
	printf '<database name="d">\n<table_data name="t">\n'
	printf '<row><field name="a">1</field><field name="b">Ахмет Нұрлан Қазақстан</field></row>\n'
	printf '<row><field name="a">2</field><field name="b">stray \377 byte</field></row>\n'
	printf '<row><field name="a">3</field><field name="b">fine</field></row>\n'
	printf '<row><field name="a">4</field><field name="b">nul\000byte</field></row>\n'
	printf '<row><field name="a\376">5</field></row>\n'
	printf '<row><field name="a">7</field></row>\n'
	printf '</table_data>\n</database>\n</mysqldump>\n'
} >bad.xml
dt cat -q --rejects rej.txt --output-format jsonl bad.xml >bad.out 2>bad.err
is $? 1 "bad rows: exit 1"
is "$(sed 's/^{"_input":"[^"]*",//' bad.out | tr -d '\n')" \
	'"_table":"t","a":"1","b":"Ахмет Нұрлан Қазақстан"}"_table":"t","a":"3","b":"fine"}"_table":"t","a":"7"}' \
	"bad rows: the good rows are read"
grep -q "3 records parsed, 3 rejected" bad.err
ok $? "bad rows: the counts add up"
is "$(grep -a '^#' rej.txt | sed 's/^# bad.xml://')" "6:233: invalid UTF-8 in field 2 (b) of table 't'
8:371: NUL byte in field 2 (b) of table 't'
9:440: invalid UTF-8 in the markup of the row (byte 459)" "bad rows: reasons with line and byte"
grep -aq '^<row><field name="a">3</field><field name="b">fine</field></row>$' rej.txt
is $? 1 "bad rows: a good row is not in the rejects file"
LC_ALL=C grep -aq '^<row><field name="a">2</field><field name="b">stray .* byte</field></row>$' rej.txt
ok $? "bad rows: the rejected row is kept as written"

# --max-record: a row too long is rejected, the next one read
{
	printf '<?xml version="1.0"?>\n<mysqldump>\n<database name="d">\n<table_data name="t">\n'
	printf '<row><field name="a">short</field></row>\n<row><field name="a">'
	head -c 5000 /dev/zero | tr '\0' 'a'
	printf '</field></row>\n<row><field name="a">after</field></row>\n'
	printf '</table_data>\n</database>\n</mysqldump>\n'
} >long.xml
is "$(jl --max-record 1k long.xml | tr -d '\n')" '{"_table":"t","a":"short"}{"_table":"t","a":"after"}' \
	"a row longer than --max-record is rejected alone"

# more forbidden characters than are noted at once (4096): the row that
# holds them is rejected, a comment holding them is passed over
vt() { head -c 5000 /dev/zero | tr '\0' '\013'; }
{
	printf '<?xml version="1.0"?>\n<mysqldump><database name="d"><table_data name="t">\n'
	printf '<row><field name="a">Қазақстан Алматы Астана</field></row>\n<row><field name="a">'
	vt
	printf '</field></row>\n<!-- '
	vt
	printf ' -->\n<row><field name="a">after</field></row>\n<row b="'
	vt
	printf '"><field name="a">attribute</field></row>\n<row><field name="a">last</field></row>\n'
	printf '</table_data></database></mysqldump>\n'
} >ctl.xml
is "$(jl ctl.xml | tr -d '\n')" '{"_table":"t","a":"Қазақстан Алматы Астана"}{"_table":"t","a":"after"}{"_table":"t","a":"last"}' \
	"5,000 control characters in a value or a tag reject that row, in a comment nothing"
dt cat ctl.xml 2>&1 >/dev/null | grep -q "3 records parsed, 2 rejected"
ok $? "5,000 control characters: the counts add up"

# --- what stops an input ----------------------------------------------------------------
# cut off inside the third row: the rows before it are read, the rest is lost
head -c "$(grep -b '<field name="name">Нұрлан' my.xml | cut -d: -f1)" my.xml >trunc.xml
dt cat --output-format jsonl trunc.xml >trunc.out 2>trunc.err
is $? 1 "truncated: exit 1"
is "$(sed 's/^{"_input":"[^"]*",/{/' trunc.out)" "$(head -2 my.expected)" "truncated: the rows before the cut are read"
grep -q "2 records parsed, 1 rejected" trunc.err
ok $? "truncated: the cut row is rejected"
grep -q "line 23, byte 872: the input is cut off at line 26 (expat: no element found); record rejected" trunc.err
ok $? "truncated: the rejection says where the row starts and where the input ends"
grep -q "XML cannot be read on past an error; rest of input lost" trunc.err
ok $? "truncated: the input is given up"

# a well-formedness error: the row is rejected, the input given up after it
sed 's|<field name="id">2</field>|<field name="id">2</fld>|' my.xml >broken.xml
dt cat --output-format jsonl broken.xml >broken.out 2>broken.err
is $? 1 "broken XML: exit 1"
is "$(sed 's/^{"_input":"[^"]*",/{/' broken.out)" "$(head -1 my.expected)" "broken XML: the rows before it are read"
grep -q "line 17, byte 715: broken XML at line 18, column 23: mismatched tag; record rejected" broken.err
ok $? "broken XML: expat's message and line"

# billion laughs: entity declarations are refused, nothing is expanded
cat >lol.xml <<'EOF'
<?xml version="1.0"?>
<!DOCTYPE mysqldump [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
]>
<mysqldump><database name="d"><table_data name="t">
<row><field name="x">&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;</field></row>
</table_data></database></mysqldump>
EOF
dt cat --output-format jsonl lol.xml >lol.out 2>lol.err
is "$?:$(wc -c <lol.out | tr -d ' ')" "1:0" "entity declarations: no record, exit 1"
grep -q "line 3, byte 56: entity declaration 'a' refused" lol.err
ok $? "entity declarations: refused with their line"

# an external DTD and an entity from it: never loaded
printf '<?xml version="1.0"?>\n<!DOCTYPE mysqldump SYSTEM "file:///etc/passwd">\n<mysqldump><database name="d"><table_data name="t">\n<row><field name="x">&xxe;</field></row>\n<row><field name="x">ok</field></row>\n</table_data></database></mysqldump>\n' >xxe.xml
is "$(jl xxe.xml)" '{"_table":"t","x":"ok"}' "an external DTD is not read, and a row using its entity is rejected"

# other XML: not bid for, and refused by --format xml
printf '<?xml version="1.0"?>\n<catalog>\n<book id="1">x</book>\n</catalog>\n' >other.xml
dt sniff other.xml 2>/dev/null | grep -q "format      xml"
is $? 1 "other XML is not sniffed as xml"
dt cat -q --format xml other.xml >/dev/null 2>other.err
grep -q "not a mysqldump or phpMyAdmin XML dump: the root element is <catalog>; rest of input lost" other.err
ok $? "--format xml on other XML says why it reads nothing"

# --- chunked reading: same records and rejections for every fixture ----------------------
for f in my pma both bad long ctl trunc broken lol xxe; do
	dt cat -q --max-record 1k --rejects whole.rej --output-format jsonl "$f.xml" >whole.out 2>/dev/null
	rc=$?
	for n in 1 7; do
		dt cat -q --max-record 1k --chunk $n --rejects part.rej --output-format jsonl "$f.xml" >part.out 2>/dev/null
		is $? $rc "$f.xml: same exit code in $n-byte chunks"
		cmp -s whole.out part.out && cmp -s whole.rej part.rej
		ok $? "$f.xml: same records and rejections in $n-byte chunks"
	done
done

# --- sniffing: every dump is found to be xml, nothing else is --------------------------------
for f in my pma bad long trunc broken; do
	dt sniff "$f.xml" 2>/dev/null | grep -q "format      xml"
	ok $? "$f.xml is sniffed as xml"
done
printf '[{"a": "<?xml version=\\"1.0\\"?><mysqldump>"}]\n' >j.json
dt sniff j.json 2>/dev/null | grep -q "format      json"
ok $? "JSON text holding a mysqldump root is still json"
printf "INSERT INTO t VALUES ('<mysqldump>');\n" >s.sql
dt sniff s.sql 2>/dev/null | grep -q "format      sql"
ok $? "SQL text holding a mysqldump root is still sql"

# --- a larger dump: streamed row by row, bounded memory --------------------------------------
awk 'BEGIN {
	printf "<?xml version=\"1.0\"?>\n<mysqldump xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n<database name=\"d\">\n\t<table_data name=\"big\">\n"
	for (i = 1; i <= 200000; i++)
		printf "\t<row>\n\t\t<field name=\"id\">%d</field>\n\t\t<field name=\"email\">user%d@example.kz</field>\n\t\t<field name=\"name\">Name &amp; %d, padded</field>\n\t\t<field name=\"x\" xsi:nil=\"true\" />\n\t</row>\n", i, i, i
	printf "\t</table_data>\n</database>\n</mysqldump>\n"
}' >big.xml
if /usr/bin/time -f %M true 2>/dev/null; then
	/usr/bin/time -f %M -o mem.txt "$DUMPTRACE" sniff -q big.xml >sniff.out 2>/dev/null
	grep -q "table       big: 200,000 records" sniff.out
	ok $? "all 200,000 rows of a $(($(wc -c <big.xml) / 1048576)) MiB dump come out"
	kb=$(tail -1 mem.txt)
	test "$kb" -lt 100000
	ok $? "memory stays bounded (max RSS ${kb} KiB < 100 MB)"
else
	skip "/usr/bin/time is not usable"
	skip "/usr/bin/time is not usable"
fi
is "$(jl big.xml | tail -1)" '{"_table":"big","id":"200000","email":"user200000@example.kz","name":"Name & 200000, padded","x":null}' \
	"the last row of the larger dump is read whole"
rm -f big.xml

done_testing
