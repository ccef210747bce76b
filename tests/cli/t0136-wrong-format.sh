#!/bin/sh
# Wrong format, then a false "new" (issue 18): a mysqldump that lost its
# banner line (it starts at /*!40101 ...*/;) and a combo list whose lines
# use several separators must be read as what they are, so that analyze
# finds the known people in them. (JSON nested past 1,024 levels is
# t0138's.)
. "$TOP_SRCDIR/tests/lib.sh"

cat >nobanner.sql <<'EOF'
/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
/*!40101 SET NAMES utf8mb4 */;
/*!40103 SET TIME_ZONE='+00:00' */;
DROP TABLE IF EXISTS `people`;
CREATE TABLE `people` (
  `id` int NOT NULL,
  `iin` varchar(12) DEFAULT NULL,
  `name` varchar(50) DEFAULT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
LOCK TABLES `people` WRITE;
/*!40000 ALTER TABLE `people` DISABLE KEYS */;
INSERT INTO `people` VALUES (1,'900101300017','Ivan Petrov'),(2,'900101300025','Olga Kim'),(3,'900101300033','Anna, Lee');
/*!40000 ALTER TABLE `people` ENABLE KEYS */;
UNLOCK TABLES;
EOF
printf 'id;iin;name\n1;900101300017;Ivan Petrov\n2;900101300025;Olga Kim\n3;900101300033;Anna, Lee\n' >people.csv
dt sniff --json nobanner.sql >s.json
is "$(jq -r '.inputs[0] | "\(.dialect.format) \(.dialect.dialect) \(.records.parsed)"' s.json)" "sql mysql 3" \
	"a mysqldump without its banner: SQL, MySQL, three rows"
is "$(dt cat -q nobanner.sql | jq -r .name | tr '\n' '|')" "Ivan Petrov|Olga Kim|Anna, Lee|" \
	"... its strings whole (a comma inside one)"
dt ingest -q --library lib --name people people.csv || exit 1
dt analyze -q --library lib --json an.json nobanner.sql
is "$(jq -r '.status_counts.copied' an.json)" 3 "... and analyze finds its people in the leak, none new"

# a combo list with ':', ';', '|' and a tab between login and password
printf 'ivan@mail.kz:pass1\nolga@mail.kz;pass2\nanna@mail.kz|pass3\npetr@mail.kz:pass4\nlee@mail.kz;p;ss5\nkim@mail.kz\tpass6\n' >combo.txt
dt sniff --json combo.txt >c.json
is "$(jq -r '.inputs[0] | "\(.dialect.format) \(.records.parsed) \(.records.rejected)"' c.json)" "combo 6 0" \
	"a combo list of mixed separators: combo, every line"
is "$(dt cat -q combo.txt | jq -r '"\(.login) \(.password)"' | tr '\n' '|')" \
	"ivan@mail.kz pass1|olga@mail.kz pass2|anna@mail.kz pass3|petr@mail.kz pass4|lee@mail.kz p;ss5|kim@mail.kz pass6|" \
	"... each split at its own separator (the first one)"
printf 'email;name\nivan@mail.kz;Ivan\nolga@mail.kz;Olga\nanna@mail.kz;Anna\npetr@mail.kz;Petr\nlee@mail.kz;Lee\nkim@mail.kz;Kim\n' >mails.csv
dt ingest -q --library lib --name mails mails.csv || exit 1
dt analyze -q --library lib --json an2.json combo.txt
is "$(jq -r '[.status_counts.new, .status_counts.unattributed] | add' an2.json)" 0 \
	"... and analyze calls none of its logins new"

done_testing
