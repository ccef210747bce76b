#!/bin/sh
. "$TOP_SRCDIR/tests/lib.sh"
skip "not written yet"
done_testing
