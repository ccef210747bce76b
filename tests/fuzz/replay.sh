#!/bin/sh
# make check: replay each reader's kept fuzz corpus through its target.
# The test's name says which: tests/fuzz/replay-csv.sh -> csv.
fmt=$(basename "$0" .sh); fmt=${fmt#replay-}
exec "$TOP_BUILDDIR/tests/fuzz/replay_$fmt" "$TOP_SRCDIR/tests/fuzz/corpus/$fmt"
