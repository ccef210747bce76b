#!/bin/sh
# The CSV reader fed in 1-byte and 31-byte pieces gives identical records.
. "$TOP_SRCDIR/tests/lib.sh"

mkdir fx
printf 'a,b,c\n1,2,3\n"Once upon \na time",5,6\n7,8,9\n' >fx/newlines.csv
printf 'a,b,c\r\n1,2,3\r\n"Once upon \r\na time",5,6\r\n7,8,9\r\n' >fx/newlines_crlf.csv
printf 'a,b\n1,"ha ""ha"" ha"\n3,4\n' >fx/quotes.csv
printf 'iin;fio\r\n870421300123;"АХМЕТОВ; НҰРЛАН"\r\n900101400456;ИВАНОВА\r\n' >fx/semi.csv
printf 'x\ty\n1\t\n\t2\n' >fx/tsv.csv
printf 'a,b\n1,"2\n3,4\n5,6\n' >fx/unbalanced.csv
printf 'a,b\n1,2,3\n4,5\n' >fx/ragged.csv
printf 'a,b\r1,2\r3,4\r' >fx/cr.csv
printf 'a,b\n\n\n1,2\n\r\n3,4' >fx/blank.csv
if [ -d "$CORPORA/csv/csv-spectrum/csvs" ]; then
	cp "$CORPORA"/csv/csv-spectrum/csvs/*.csv fx/
fi
for f in fx/*.csv; do
	dt cat --quiet "$f" >whole.out 2>whole.err
	rc=$?
	for n in 1 31; do
		dt cat --quiet --chunk $n "$f" >part.out 2>part.err
		is $? $rc "$(basename "$f"): same exit code in $n-byte chunks"
		same_file part.out whole.out "$(basename "$f"): same records in $n-byte chunks"
	done
done
done_testing
