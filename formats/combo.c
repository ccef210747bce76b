/* Placeholder: the combo reader is being written (formats issue). */
#include "config.h"

#include "core/status.h"
#include "formats/format.h"

static int
bid(const char *buf, size_t len, int eof)
{
	(void)buf;
	(void)len;
	(void)eof;
	return 0;
}

static int
open_(struct reader *r)
{
	return reader_fail(r, 0, 0, "the combo reader is not built yet");
}

const struct format format_combo = {
	.name = "combo",
	.bid = bid,
	.open = open_,
};
