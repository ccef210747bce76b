/*
 * Record output in JSON Lines or CSV; see recout.h.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/recout.h"
#include "core/jsonw.h"

void
recout_init(struct recout *o, FILE *out, const char *path, int csv)
{
	memset(o, 0, sizeof(*o));
	o->out = out;
	o->path = path;
	o->csv = csv;
	dynbuf_init(&o->buf, (size_t)1 << 40);
	dynbuf_init(&o->header, (size_t)1 << 30);
	dynbuf_init(&o->h, (size_t)1 << 30);
}

static void
flush(struct recout *o)
{
	if (o->buf.len && fwrite(o->buf.buf, 1, o->buf.len, o->out) != o->buf.len)
		die("cannot write '%s': %s", o->path, strerror(errno));
	dynbuf_reset(&o->buf);
}

void
recout_write(struct recout *o, const char *input, const struct record *rec)
{
	if (o->csv) {
		dynbuf_reset(&o->h);
		for (size_t i = 0; i < rec->nfields; i++) {
			if (i)
				dynbuf_addc(&o->h, ',');
			dynbuf_csv_cell(&o->h, rec->fields[i].name, rec->fields[i].name_len);
		}
		if (!o->wrote_header || o->h.len != o->header.len ||
		    memcmp(o->h.buf, o->header.buf, o->h.len)) {
			if (o->wrote_header)
				dynbuf_addc(&o->buf, '\n');
			dynbuf_add(&o->buf, o->h.buf, o->h.len);
			dynbuf_addc(&o->buf, '\n');
			dynbuf_reset(&o->header);
			dynbuf_add(&o->header, o->h.buf, o->h.len);
			o->wrote_header = 1;
		}
		for (size_t i = 0; i < rec->nfields; i++) {
			if (i)
				dynbuf_addc(&o->buf, ',');
			if (!rec->fields[i].is_null)
				dynbuf_csv_cell(&o->buf, rec->fields[i].val, rec->fields[i].len);
		}
		dynbuf_addc(&o->buf, '\n');
	} else {
		struct jsonw w;
		jsonw_init(&w, &o->buf);
		jsonw_obj_open(&w);
		jsonw_key(&w, "_input");
		jsonw_str(&w, input);
		jsonw_key(&w, "_table");
		jsonw_str(&w, rec->table);
		for (size_t i = 0; i < rec->nfields; i++) {
			const struct field *f = &rec->fields[i];
			jsonw_keyn(&w, f->name, f->name_len);
			if (f->is_null)
				jsonw_null(&w);
			else
				jsonw_strn(&w, f->val, f->len);
		}
		jsonw_obj_close(&w);
		dynbuf_addc(&o->buf, '\n');
	}
	if (o->buf.len > (1u << 20))
		flush(o);
}

void
recout_finish(struct recout *o)
{
	flush(o);
	if (fflush(o->out) != 0)
		die("cannot write '%s': %s", o->path, strerror(errno));
	dynbuf_release(&o->buf);
	dynbuf_release(&o->header);
	dynbuf_release(&o->h);
}
