/*
 * Record output in JSON Lines or CSV; see recout.h.
 */
#include "config.h"

#include <string.h>

#include "core/jsonw.h"
#include "core/recout.h"

void
recout_init(struct recout *o, int csv, recout_write_fn write, void *ctx)
{
	memset(o, 0, sizeof(*o));
	o->csv = csv;
	o->write = write;
	o->ctx = ctx;
	dynbuf_init(&o->buf, (size_t)1 << 40);
	dynbuf_init(&o->header, (size_t)1 << 30);
	dynbuf_init(&o->h, (size_t)1 << 30);
}

int
recout_flush(struct recout *o)
{
	if (o->buf.len && o->write(o->ctx, o->buf.buf, o->buf.len) < 0)
		return -1;
	dynbuf_reset(&o->buf);
	return 0;
}

/* The CSV header of rec's columns, when they are not the last header written. */
static void
csv_header(struct recout *o, const struct record *rec)
{
	dynbuf_reset(&o->h);
	for (size_t i = 0; i < rec->nfields; i++) {
		if (i)
			dynbuf_addc(&o->h, ',');
		dynbuf_csv_cell(&o->h, rec->fields[i].name, rec->fields[i].name_len);
	}
	if (o->wrote_header && o->h.len == o->header.len &&
	    !memcmp(o->h.buf, o->header.buf, o->h.len))
		return;
	if (o->wrote_header)
		dynbuf_addc(&o->buf, '\n');
	dynbuf_add(&o->buf, o->h.buf, o->h.len);
	dynbuf_addc(&o->buf, '\n');
	dynbuf_reset(&o->header);
	dynbuf_add(&o->header, o->h.buf, o->h.len);
	o->wrote_header = 1;
}

int
recout_write(struct recout *o, const char *input, const struct record *rec)
{
	if (o->csv) {
		csv_header(o, rec);
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
		return recout_flush(o);
	return 0;
}

void
recout_release(struct recout *o)
{
	dynbuf_release(&o->buf);
	dynbuf_release(&o->header);
	dynbuf_release(&o->h);
}
