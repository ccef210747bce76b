/* The capped buffer: growth, the cap, and printf. */
#include "config.h"

#include "core/dynbuf.h"
#include "tests/unit/tap.h"

int
main(void)
{
	struct dynbuf b;
	dynbuf_init(&b, 10);
	is_str(dynbuf_str(&b), "", "empty buffer is the empty string");
	ok(dynbuf_add(&b, "hello", 5) == 0, "add within the cap");
	ok(dynbuf_add(&b, "world", 5) == 0, "add up to the cap");
	ok(dynbuf_add(&b, "!", 1) < 0, "add past the cap fails");
	is_str(dynbuf_str(&b), "helloworld", "contents unchanged by the failed add");
	dynbuf_reset(&b);
	ok(dynbuf_printf(&b, "%d-%s", 42, "x") == 0, "printf");
	is_str(dynbuf_str(&b), "42-x", "printf result");
	ok(dynbuf_printf(&b, "%s", "0123456789") < 0, "printf past the cap fails");
	dynbuf_release(&b);

	dynbuf_init(&b, 1 << 20);
	for (int i = 0; i < 100000; i++)
		dynbuf_addc(&b, 'a');
	is_int(b.len, 100000, "many single bytes");
	dynbuf_release(&b);
	return done_testing();
}
