/* Numbers for people. See fmt.h. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>

#include "core/fmt.h"

const char *
fmt_count(uint64_t v, char buf[32])
{
	char tmp[32];
	int n = snprintf(tmp, sizeof(tmp), "%" PRIu64, v), o = 0;
	for (int i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = tmp[i];
	}
	buf[o] = '\0';
	return buf;
}

const char *
fmt_bytes(uint64_t v, char buf[32])
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double d = (double)v;
	int u = 0;
	while (d >= 1024 && u < 4) {
		d /= 1024;
		u++;
	}
	snprintf(buf, 32, u ? "%.1f %s" : "%.0f %s", d, units[u]);
	return buf;
}

const char *
fmt_ymd(int ymd, char out[16])
{
	if (!ymd)
		snprintf(out, 16, "-");
	else
		snprintf(out, 16, "%04d-%02d-%02d", ymd / 10000 % 10000, ymd / 100 % 100, ymd % 100);
	return out;
}
