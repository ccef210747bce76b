#!/bin/sh
. "$TOP_SRCDIR/tests/lib.sh"
done_testing
