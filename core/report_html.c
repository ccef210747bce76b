/*
 * The analysis as one HTML page (see report_html.h): the JSON document of
 * the findings (core/findings.c) is parsed back with yajl's tree API and
 * each section is written from it (so the page can show nothing that the
 * published, personal-data-free schema does not hold), charts as inline
 * SVG drawn here. Every string of the
 * JSON (leak, column and file names) goes through html_esc(): they come
 * from users and dumps. A key that is absent or of the wrong type makes
 * its section say "not available"; nothing here trusts a count or a size.
 *
 * Colours: the seven leaks with most rows get the Okabe-Ito palette (told
 * apart with the common colour-blindnesses), the others one dark grey,
 * "new" and "unattributed" light greys; the row classes get Paul Tol's.
 */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_tree.h>

#include "core/report_html.h"
#include "core/xalloc.h"

#define NTOP 7		/* leaks with a colour of their own */
#define MAX_COMBOS 40	/* columns of the UpSet chart */
#define MAX_SETS 16	/* its rows */
#define MAX_BINS 5000	/* of the strip, whatever the JSON says */
#define MAX_SEG_DRAWN 20000
#define MAX_SEG_ROWS 200 /* segments listed in the table */
#define MAX_BARS 240	/* of a histogram */

struct page {
	struct dynbuf *out;
	int full; /* out's cap was reached */
	const char **rank; /* leak names, most rows first */
	size_t nrank;
};

static const char CSS[] =
	":root{--fg:#222;--mute:#666;--line:#ccc}"
	"*{box-sizing:border-box}"
	"body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans',sans-serif;"
	"color:var(--fg);max-width:62rem;margin:0 auto;padding:1rem;"
	"-webkit-print-color-adjust:exact;print-color-adjust:exact}"
	"h1{font-size:1.6rem;margin:.2rem 0}h2{font-size:1.25rem;border-bottom:1px solid var(--line);"
	"padding-bottom:.2rem;margin-top:2rem}h3{font-size:1rem}"
	".sub,.note,figcaption small{color:var(--mute)}.note{font-size:.9rem}"
	"nav{font-size:.9rem;margin:.6rem 0}nav a{display:inline-block;margin-right:.8rem}"
	".verdict{font-size:1.15rem;padding:.7rem 1rem;border-left:6px solid #444;background:#f4f4f4}"
	".v-recompilation{border-color:#882255}.v-partial{border-color:#DDCC77}.v-new{border-color:#117733}"
	".banner{background:#fff3cd;border:2px solid #b8860b;padding:.6rem 1rem;font-weight:600}"
	".tw{overflow-x:auto}table{border-collapse:collapse;margin:.5rem 0;font-size:.9rem}"
	"th,td{padding:.25rem .6rem;border-bottom:1px solid #e4e4e4;text-align:left;vertical-align:top}"
	"td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
	"tr.warn td{background:#fdecea}"
	"figure{margin:1rem 0}figcaption{font-weight:600;margin-bottom:.3rem}"
	".chart{overflow-x:auto}.chart svg{width:100%;height:auto;display:block}"
	"svg text{font:12px system-ui,sans-serif;fill:#333}svg .t{font-size:13px;font-weight:600}"
	"svg .ax{stroke:#888;stroke-width:1;fill:none}svg .grid{stroke:#e6e6e6;stroke-width:1}"
	"svg .mark{stroke:#000;stroke-width:1.5;stroke-dasharray:4 3}"
	"ul.legend{list-style:none;padding:0;margin:.3rem 0;font-size:.85rem}"
	"ul.legend li{display:inline-block;margin-right:1rem}"
	".sw{display:inline-block;width:0;height:0;border:6px solid;vertical-align:-1px;margin-right:.3rem}"
	"pre{white-space:pre-wrap;word-break:break-all;background:#f4f4f4;padding:.6rem}"
	"code{overflow-wrap:break-word}td.nw{white-space:nowrap}"
	/* the palette: Okabe-Ito for the leaks, greys for the rest */
	".c0{fill:#0072B2;border-color:#0072B2}.c1{fill:#E69F00;border-color:#E69F00}"
	".c2{fill:#009E73;border-color:#009E73}.c3{fill:#CC79A7;border-color:#CC79A7}"
	".c4{fill:#56B4E9;border-color:#56B4E9}.c5{fill:#D55E00;border-color:#D55E00}"
	".c6{fill:#F0E442;border-color:#F0E442}.co{fill:#555;border-color:#555}"
	".cn{fill:#A8A8A8;border-color:#A8A8A8}.cu{fill:#DCDCDC;border-color:#DCDCDC}"
	".cm{fill:#333;border-color:#333}.light{fill-opacity:.4}"
	/* the row classes: Paul Tol's bright-ish, new and unattributed grey */
	".k0{fill:#332288;border-color:#332288}.k1{fill:#88CCEE;border-color:#88CCEE}"
	".k2{fill:#DDCC77;border-color:#DDCC77}.k3{fill:#A8A8A8;border-color:#A8A8A8}"
	".k4{fill:#DCDCDC;border-color:#DCDCDC}"
	".on{fill:#222}.off{fill:#ddd}.stripe{fill:#f5f5f5}"
	"@media (max-width:40rem){body{font-size:14px;padding:.6rem}th,td{padding:.2rem .35rem}"
	".chart svg{min-width:600px}}" /* a phone scrolls a chart rather than shrink its labels */
	"@media print{nav{display:none}body{max-width:none;font-size:10pt}h2{break-after:avoid}"
	"figure,tr{break-inside:avoid}.chart{overflow:visible}.chart svg{min-width:0}"
	"a{color:inherit;text-decoration:none}.verdict,pre{border:1px solid #999}}";

static void
put(struct page *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Appends formatted text; a page that outgrows its cap is only marked. */
static void
put(struct page *p, const char *fmt, ...)
{
	va_list ap;

	if (p->full)
		return;
	va_start(ap, fmt);
	p->full |= dynbuf_vprintf(p->out, fmt, ap) < 0;
	va_end(ap);
}

/*
 * Text for HTML (element or quoted attribute): the five specials become
 * entities, control characters (parse errors in HTML) and bidi controls
 * (which would reorder what is around them) U+FFFD. At most
 * maxcp code points when maxcp > 0, then an ellipsis.
 */
static void
html_esc_n(struct page *p, const char *s, size_t maxcp)
{
	const unsigned char *u = (const unsigned char *)(s ? s : "");
	size_t ncp = 0;
	for (; *u && !p->full; u++) {
		const char *e = NULL;
		if ((*u & 0xc0) != 0x80 && maxcp && ncp++ == maxcp) {
			put(p, "\xe2\x80\xa6");
			return;
		}
		switch (*u) {
		case '&': e = "&amp;"; break;
		case '<': e = "&lt;"; break;
		case '>': e = "&gt;"; break;
		case '"': e = "&quot;"; break;
		case '\'': e = "&#39;"; break;
		default:
			if ((*u < 0x20 && *u != '\t' && *u != '\n') || *u == 0x7f)
				e = "\xef\xbf\xbd";
			else if (*u == 0xc2 && u[1] >= 0x80 && u[1] <= 0x9f) /* a C1 control */
				e = "\xef\xbf\xbd", u++;
			else if ((*u == 0xd8 && u[1] == 0x9c) ||
				 (*u == 0xe2 && u[1] == 0x80 &&
				  (u[2] == 0x8e || u[2] == 0x8f || (u[2] >= 0xa8 && u[2] <= 0xae))) ||
				 (*u == 0xe2 && u[1] == 0x81 && u[2] >= 0xa6 && u[2] <= 0xa9))
				/* a bidi control (U+061C, U+200E/F, U+202A-E, U+2066-9) or U+2028/9 */
				e = "\xef\xbf\xbd", u += *u == 0xd8 ? 1 : 2;
		}
		if (e)
			p->full |= dynbuf_add(p->out, e, strlen(e)) < 0;
		else
			p->full |= dynbuf_addc(p->out, (char)*u) < 0;
	}
}

static void
html_esc(struct page *p, const char *s)
{
	html_esc_n(p, s, 0);
}

/* A count with thousands separators: 4,349. */
static void
put_num(struct page *p, double v)
{
	char d[32], o[48];
	if (!(v >= 0 && v < 1e18)) { /* also NaN */
		put(p, "?");
		return;
	}
	int n = snprintf(d, sizeof(d), "%.0f", v), j = 0;
	for (int i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			o[j++] = ',';
		o[j++] = d[i];
	}
	o[j] = 0;
	put(p, "%s", o);
}

static void
put_pct(struct page *p, double f)
{
	if (f >= 0 && f <= 1)
		put(p, "%.1f%%", 100 * f);
	else
		put(p, "?");
}

static void
na(struct page *p)
{
	put(p, "<p class=\"note\">Not available in this analysis.</p>\n");
}

/* JSON access: each returns NULL, or a default, for a key absent or of another type. */
static yajl_val
get(yajl_val v, const char *key)
{
	if (!YAJL_IS_OBJECT(v))
		return NULL;
	for (size_t i = 0; i < v->u.object.len; i++)
		if (!strcmp(v->u.object.keys[i], key))
			return v->u.object.values[i];
	return NULL;
}

static double
num(yajl_val v, double dflt)
{
	if (YAJL_IS_NUMBER(v) && (v->u.number.flags & YAJL_NUMBER_DOUBLE_VALID) && isfinite(v->u.number.d))
		return v->u.number.d;
	return dflt;
}

/* A count: a number that is not negative, else 0. */
static double
cnt(yajl_val v)
{
	double d = num(v, 0);
	return d > 0 ? d : 0;
}

static const char *
str(yajl_val v)
{
	return YAJL_IS_STRING(v) ? v->u.string : NULL;
}

static size_t
alen(yajl_val v)
{
	return YAJL_IS_ARRAY(v) ? v->u.array.len : 0;
}

/* The colour class of a source: ranked leaks c0..c6, other leaks co, then the greys. */
static const char *
colour(const struct page *p, const char *name)
{
	static const char *const c[NTOP] = { "c0", "c1", "c2", "c3", "c4", "c5", "c6" };
	if (!name)
		return "co";
	if (!strcmp(name, "new"))
		return "cn";
	if (!strcmp(name, "unattributed"))
		return "cu";
	for (size_t i = 0; i < p->nrank && i < NTOP; i++)
		if (!strcmp(p->rank[i], name))
			return c[i];
	return "co";
}

/* The stacking order of a colour class: ranked leaks, other leaks, new, unattributed. */
static int
colour_level(const char *c)
{
	return c[1] == 'o' ? NTOP : c[1] == 'n' ? NTOP + 1 : c[1] == 'u' ? NTOP + 2 : c[1] - '0';
}

static void
legend_item(struct page *p, const char *cls, const char *label)
{
	put(p, "<li><span class=\"sw %s\"></span>", cls);
	html_esc(p, label);
	put(p, "</li>");
}

/* A legend for the sources named by the strings of arr (or all ranked leaks when arr is NULL), in colour order. */
static void
legend_sources(struct page *p, yajl_val arr)
{
	int other = 0;
	size_t n = arr ? alen(arr) : p->nrank;
	put(p, "<ul class=\"legend\">");
	for (int level = 0; level <= NTOP + 2; level++) {
		if (level == NTOP + 1 && other) { /* the other leaks, one item, before the greys */
			legend_item(p, "co", "other known leaks");
			other = 0;
		}
		for (size_t i = 0; i < n; i++) {
			const char *s = arr ? str(arr->u.array.values[i]) : p->rank[i];
			const char *c = colour(p, s);
			if (!s || colour_level(c) != level)
				continue;
			if (level == NTOP)
				other = 1;
			else
				legend_item(p, c, s);
		}
	}
	if (other)
		legend_item(p, "co", "other known leaks");
	put(p, "</ul>\n");
}

/* A tick step of 1, 2 or 5 times a power of ten (at least 1) giving at most max ticks over span. */
static double
nice_step(double span, int max)
{
	static const double m[4] = { 1, 2, 5, 10 };
	double e = span > max ? pow(10, floor(log10(span / max))) : 1;
	for (int i = 0; i < 4; i++)
		if (span / (m[i] * e) <= max)
			return m[i] * e;
	return 10 * e;
}

static void
svg_open(struct page *p, int w, int h, const char *title)
{
	put(p, "<div class=\"chart\"><svg viewBox=\"0 0 %d %d\" role=\"img\"><title>", w, h);
	html_esc(p, title);
	put(p, "</title>\n");
}

static void
svg_close(struct page *p)
{
	put(p, "</svg></div>\n");
}

static void
sec_head(struct page *p, const char *id, const char *title)
{
	put(p, "<section id=\"%s\"><h2>%s</h2>\n", id, title);
}

/* The verdict in one sentence, its evidence, and the rows by class as one stacked bar. */
static void
sec_verdict(struct page *p, yajl_val root)
{
	static const char *const cls[5] = { "copied", "merged", "updated", "new", "unattributed" };
	static const char *const what[5] = { "copied from one known leak", "merged from several known leaks",
					     "a known person with a changed or added field",
					     "in no known leak", "no identifier to look up" };
	yajl_val v = get(root, "verdict"), sc = get(root, "status_counts"), th = get(v, "thresholds");
	const char *label = str(get(v, "label"));
	double n[5], total = 0;

	sec_head(p, "verdict", "Verdict");
	for (int i = 0; i < 5; i++)
		total += n[i] = cnt(get(sc, cls[i]));
	if (!label) {
		na(p);
		put(p, "</section>\n");
		return;
	}
	put(p, "<p class=\"verdict v-");
	html_esc(p, label);
	put(p, "\">Verdict: <strong>");
	html_esc(p, label);
	put(p, "</strong> &mdash; %s",
	    !strcmp(label, "recompilation") ? "the dump is mostly made of known leaks"
	    : !strcmp(label, "partial")     ? "part of the dump comes from known leaks"
	    : !strcmp(label, "new")	    ? "the dump is mostly in no known leak"
					    : "see the evidence");
	if (sc) {
		put(p, ": ");
		put_pct(p, num(get(v, "known_fraction"), -1));
		put(p, " of its traceable rows (");
		put_num(p, n[0] + n[1] + n[2]);
		put(p, " of ");
		put_num(p, n[0] + n[1] + n[2] + n[3]);
		put(p, ") are in them");
	}
	if (th) {
		put(p, " (a recompilation from ");
		put_pct(p, num(get(th, "recompilation"), -1));
		put(p, ", partial from ");
		put_pct(p, num(get(th, "partial"), -1));
		put(p, ")");
	}
	put(p, ".</p>\n<h3>Evidence</h3>\n");
	yajl_val ev = get(v, "evidence");
	if (!alen(ev))
		na(p);
	else {
		put(p, "<ul>\n");
		for (size_t i = 0; i < alen(ev); i++)
			if (str(ev->u.array.values[i])) {
				put(p, "<li>");
				html_esc(p, str(ev->u.array.values[i]));
				put(p, "</li>\n");
			}
		put(p, "</ul>\n");
	}
	if (total <= 0)
		goto done;
	put(p, "<figure><figcaption>The dump's rows by class <small>(");
	put_num(p, total);
	put(p, " rows)</small></figcaption>\n");
	svg_open(p, 800, 64, "The dump's rows by class");
	double x = 0;
	for (int i = 0; i < 5; i++) {
		double w = n[i] / total * 800;
		if (w <= 0)
			continue;
		put(p, "<rect class=\"k%d\" x=\"%.1f\" y=\"4\" width=\"%.1f\" height=\"34\"><title>%s: ", i, x, w,
		    cls[i]);
		put_num(p, n[i]);
		put(p, "</title></rect>");
		if (w > 44)
			put(p, "<text x=\"%.1f\" y=\"26\" text-anchor=\"middle\"%s>%.0f%%</text>", x + w / 2,
			    i == 0 ? " style=\"fill:#fff\"" : "", 100 * n[i] / total);
		x += w;
	}
	put(p, "<text x=\"0\" y=\"56\">0</text><text x=\"400\" y=\"56\" text-anchor=\"middle\">share of the "
	       "dump's rows</text><text x=\"800\" y=\"56\" text-anchor=\"end\">100%%</text>\n");
	svg_close(p);
	put(p, "<ul class=\"legend\">");
	for (int i = 0; i < 5; i++) {
		put(p, "<li><span class=\"sw k%d\"></span><b>%s</b> ", i, cls[i]);
		put_num(p, n[i]);
		put(p, " &ndash; %s", what[i]);
		if (i == 1) {
			/* after merged: the copies with variation among the copied and merged */
			yajl_val var = get(root, "variation");
			if (cnt(get(var, "rows")) > 0) {
				put(p, "</li><li><b>copies with variation</b> ");
				put_num(p, cnt(get(var, "rows")));
				put(p, " of the copied and merged &ndash; a value with a typo, lost letters, an "
				       "initial, a swapped date or a re-typed identifier (");
				put_num(p, cnt(get(var, "near_values")));
				put(p, " values, ");
				put_num(p, cnt(get(var, "retyped_identifiers")));
				put(p, " identifiers): copies, not updates");
			}
			yajl_val lk = get(root, "linkage");
			if (cnt(get(lk, "linkable_rows")) > 0) {
				put(p, "</li><li><b>linked without an identifier</b> ");
				put_num(p, cnt(get(lk, "linked_rows")));
				put(p, " of ");
				put_num(p, cnt(get(lk, "linkable_rows")));
				put(p, " rows with a name and a birth date, postcode, city or address &ndash; linked "
				       "to a known person by the weight of what agrees (Fellegi&ndash;Sunter)");
			}
		}
		put(p, "</li>");
	}
	put(p, "</ul></figure>\n");
done:
	put(p, "</section>\n");
}

/* Rows per known leak: a bar per leak (light: a fact from it; solid: its main source), and a table. */
static void
sec_leaks(struct page *p, yajl_val root)
{
	yajl_val L = get(root, "leaks");
	size_t n = alen(L), shown = n < 40 ? n : 40;
	double rows = cnt(get(get(root, "records"), "parsed"));

	sec_head(p, "leaks", "Overlap per known leak");
	if (!n) {
		na(p);
		put(p, "</section>\n");
		return;
	}
	put(p, "<figure><figcaption>Rows of the dump with a fact from each known leak%s</figcaption>\n",
	    n > shown ? " <small>(the 40 with most rows)</small>" : "");
	int h = 34 + 24 * (int)shown + 40;
	svg_open(p, 800, h, "Rows of the dump with a fact from each known leak");
	/* the axis: 0 to 100% of the dump's rows, left of it the leaks' names */
	for (int t = 0; t <= 4; t++) {
		double x = 170 + t * 120.0;
		put(p, "<line class=\"grid\" x1=\"%.0f\" y1=\"24\" x2=\"%.0f\" y2=\"%d\"/>"
		       "<text x=\"%.0f\" y=\"%d\" text-anchor=\"middle\">%d%%</text>",
		    x, x, h - 34, x, h - 20, t * 25);
	}
	put(p, "<text x=\"410\" y=\"%d\" text-anchor=\"middle\">share of the dump's rows</text>"
	       "<text class=\"t\" x=\"0\" y=\"14\">leak</text>\n", h - 4);
	for (size_t i = 0; i < shown; i++) {
		yajl_val e = L->u.array.values[i];
		const char *name = str(get(e, "name")), *c = colour(p, name);
		double f = num(get(e, "fraction"), 0), dom = cnt(get(e, "dominant_rows"));
		double y = 30 + 24.0 * (double)i;
		f = f < 0 ? 0 : f > 1 ? 1 : f;
		double fd = rows > 0 && dom <= rows ? dom / rows : 0;
		put(p, "<text x=\"162\" y=\"%.0f\" text-anchor=\"end\">", y + 13);
		html_esc_n(p, name, 24);
		put(p, "<title>");
		html_esc(p, name);
		put(p, "</title></text><rect class=\"%s light\" x=\"170\" y=\"%.0f\" width=\"%.1f\" height=\"18\"/>"
		       "<rect class=\"%s\" x=\"170\" y=\"%.0f\" width=\"%.1f\" height=\"18\"/>"
		       "<text x=\"%.1f\" y=\"%.0f\">", c, y, 480 * f, c, y, 480 * fd, 176 + 480 * (f > fd ? f : fd), y + 13);
		put_pct(p, f);
		put(p, " (");
		put_num(p, cnt(get(e, "records_matched")));
		put(p, ")</text>\n");
	}
	put(p, "<line class=\"ax\" x1=\"170\" y1=\"24\" x2=\"170\" y2=\"%d\"/>\n", h - 34);
	svg_close(p);
	put(p, "<ul class=\"legend\"><li><span class=\"sw co light\" style=\"opacity:.4\"></span>light: rows with "
	       "a fact from the leak</li><li><span class=\"sw co\"></span>solid: rows the leak is the main "
	       "source of</li></ul></figure>\n");

	put(p, "<div class=\"tw\"><table><tr><th>Leak</th><th class=\"n\">Rows with a fact</th><th class=\"n\">"
	       "Share</th><th class=\"n\">Main source of</th><th>Identifiers found</th><th class=\"n\">"
	       "Associations</th><th class=\"n\">Identical records</th></tr>\n");
	for (size_t i = 0; i < n; i++) {
		yajl_val e = L->u.array.values[i], ids = get(e, "identifiers");
		put(p, "<tr><td class=\"nw\"><span class=\"sw %s\"></span>", colour(p, str(get(e, "name"))));
		html_esc(p, str(get(e, "name")));
		if (YAJL_IS_TRUE(get(e, "unreadable")))
			put(p, " <b>(could not be read: too low)</b>");
		put(p, "</td><td class=\"n\">");
		put_num(p, cnt(get(e, "records_matched")));
		put(p, "</td><td class=\"n\">");
		put_pct(p, num(get(e, "fraction"), -1));
		put(p, "</td><td class=\"n\">");
		put_num(p, cnt(get(e, "dominant_rows")));
		put(p, "</td><td>");
		for (size_t k = 0; YAJL_IS_OBJECT(ids) && k < ids->u.object.len; k++) {
			put(p, "%s", k ? ", " : "");
			html_esc(p, ids->u.object.keys[k]);
			put(p, " ");
			put_num(p, cnt(ids->u.object.values[k]));
		}
		put(p, "</td><td class=\"n\">");
		put_num(p, cnt(get(e, "associations")));
		put(p, "</td><td class=\"n\">");
		put_num(p, cnt(get(e, "records_identical")));
		put(p, "</td></tr>\n");
	}
	put(p, "</table></div>\n</section>\n");
}

/* Whether the array of leak names ls holds name. */
static int
names_have(yajl_val ls, const char *name)
{
	for (size_t k = 0; k < alen(ls); k++)
		if (str(ls->u.array.values[k]) && !strcmp(str(ls->u.array.values[k]), name))
			return 1;
	return 0;
}

/*
 * The UpSet chart: a column per combination of leaks, its rows as a bar
 * over a matrix of dots, a row per leak (the MAX_SETS first by rank; the
 * rest share a row "other leaks").
 */
static void
sec_combinations(struct page *p, yajl_val root)
{
	yajl_val C = get(root, "combinations");
	size_t nc = alen(C) < MAX_COMBOS ? alen(C) : MAX_COMBOS, ns = 0;
	const char *sets[MAX_SETS + 1];
	int other = 0;
	double max = 0;

	sec_head(p, "combinations", "Source combinations of the rows");
	for (size_t r = 0; r < p->nrank && ns < MAX_SETS; r++)
		for (size_t i = 0; i < nc; i++)
			if (names_have(get(C->u.array.values[i], "leaks"), p->rank[r])) {
				sets[ns++] = p->rank[r];
				break;
			}
	for (size_t i = 0; i < nc; i++) {
		yajl_val ls = get(C->u.array.values[i], "leaks");
		for (size_t k = 0; k < alen(ls); k++) {
			size_t r = 0;
			while (r < ns && !(str(ls->u.array.values[k]) && !strcmp(sets[r], str(ls->u.array.values[k]))))
				r++;
			other |= r == ns;
		}
		if (cnt(get(C->u.array.values[i], "rows")) > max)
			max = cnt(get(C->u.array.values[i], "rows"));
	}
	if (!nc || max <= 0) {
		na(p);
		put(p, "</section>\n");
		return;
	}
	put(p, "<p class=\"note\">Each column is a set of known leaks; its bar counts the rows whose facts come "
	       "from exactly these leaks (the dots below it). A column with no dot: rows in no known leak. "
	       "The %zu most frequent combinations.</p>\n", nc);
	size_t nrow = ns + (size_t)other;
	int lw = 160, cw = 26, top = 60, bh = 130, my = top + bh + 14, rh = 20;
	int w = lw + (int)nc * cw + 10, h = my + (int)nrow * rh + 24;
	put(p, "<figure><figcaption>Rows by the combination of leaks their facts come from</figcaption>\n");
	svg_open(p, w, h, "Rows by the combination of leaks their facts come from");
	put(p, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">rows</text><text x=\"%d\" y=\"%d\" "
	       "text-anchor=\"end\">0</text><text x=\"%d\" y=\"%d\" text-anchor=\"end\">",
	    lw - 8, top + bh / 2, lw - 8, top + bh, lw - 8, top + 10);
	put_num(p, max);
	put(p, "</text><line class=\"ax\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
	       "<line class=\"ax\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n",
	    lw - 2, top, lw - 2, top + bh, lw - 2, top + bh, w - 10, top + bh);
	for (size_t r = 0; r < nrow; r++) {
		int y = my + (int)r * rh;
		if (r % 2 == 0)
			put(p, "<rect class=\"stripe\" x=\"0\" y=\"%d\" width=\"%d\" height=\"%d\"/>", y, w - 10, rh);
		put(p, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\"><tspan class=\"%s\">&#9632;</tspan> ", lw - 8,
		    y + 14, r < ns ? colour(p, sets[r]) : "co");
		html_esc_n(p, r < ns ? sets[r] : "other leaks", 20);
		put(p, "</text>\n");
	}
	for (size_t i = 0; i < nc; i++) {
		yajl_val e = C->u.array.values[i], ls = get(e, "leaks");
		double rows = cnt(get(e, "rows")), bar = rows / max * bh;
		int x = lw + (int)i * cw + cw / 2, lo = -1, hi = -1;
		/* a bar coloured as its leak when it has one, dark when merged, grey when none */
		const char *c = alen(ls) == 1 ? colour(p, str(ls->u.array.values[0])) : alen(ls) ? "cm" : "cn";
		put(p, "<rect class=\"%s\" x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\"><title>", c,
		    x - cw / 2 + 3, top + bh - bar, cw - 6, bar);
		for (size_t k = 0; k < alen(ls); k++) {
			put(p, "%s", k ? " + " : "");
			html_esc(p, str(ls->u.array.values[k]));
		}
		put(p, "%s: ", alen(ls) ? "" : "no known leak");
		put_num(p, rows);
		put(p, " rows</title></rect><text transform=\"translate(%d %.1f) rotate(-90)\">", x + 4,
		    top + bh - bar - 3);
		put_num(p, rows);
		put(p, "</text>\n");
		size_t inset = 0;
		for (size_t r = 0; r < ns; r++)
			inset += (size_t)names_have(ls, sets[r]);
		for (size_t r = 0; r < nrow; r++) {
			/* the row "other leaks" is on when the combination names a leak without a row */
			int on = r < ns ? names_have(ls, sets[r]) : inset < alen(ls);
			if (on) {
				lo = lo < 0 ? (int)r : lo;
				hi = (int)r;
			}
			put(p, "<circle class=\"%s\" cx=\"%d\" cy=\"%d\" r=\"6\"/>", on ? "on" : "off", x,
			    my + (int)r * rh + rh / 2);
		}
		if (hi > lo)
			put(p, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" style=\"stroke:#222;stroke-width:2\"/>",
			    x, my + lo * rh + rh / 2, x, my + hi * rh + rh / 2);
		put(p, "\n");
	}
	put(p, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">combinations of leaks, most rows first</text>\n",
	    lw + (int)nc * cw / 2, h - 6);
	svg_close(p);
	put(p, "</figure>\n</section>\n");
}

/* An x axis of row numbers from 1 to rows over [x0, x0 + w) at height y. */
static void
row_axis(struct page *p, double rows, double x0, double w, int y)
{
	double step = nice_step(rows, 8);
	put(p, "<line class=\"ax\" x1=\"%.0f\" y1=\"%d\" x2=\"%.0f\" y2=\"%d\"/>", x0, y, x0 + w, y);
	for (double r = 0; r <= rows; r += step) {
		double x = x0 + (r > 0 ? r - 1 : 0) / rows * w;
		put(p, "<line class=\"ax\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/><text x=\"%.1f\" y=\"%d\" "
		       "text-anchor=\"%s\">", x, y, x, y + 4, x, y + 16,
		    r == 0 ? "start" : x > x0 + w - 40 ? "end" : "middle");
		put_num(p, r > 0 ? r : 1);
		put(p, "</text>");
	}
}

/* The row-order strip: the file as a band, each bin's rows stacked by source; the segments below. */
static void
sec_strip(struct page *p, yajl_val root)
{
	yajl_val S = get(root, "strip"), src = get(S, "sources"), counts = get(S, "counts");
	yajl_val G = get(root, "segments");
	size_t nb = alen(counts) < MAX_BINS ? alen(counts) : MAX_BINS, ns = alen(src);
	double rows = cnt(get(S, "rows"));

	sec_head(p, "strip", "Row order: where each part of the file comes from");
	if (!nb || !ns || rows < 1) {
		na(p);
		put(p, "</section>\n");
		return;
	}
	put(p, "<p class=\"note\">The whole file from its first row (left) to its last (right), in ");
	put_num(p, (double)nb);
	put(p, " slices of about ");
	put_num(p, ceil(rows / (double)nb));
	put(p, " rows, each coloured by the sources of its rows. A file stitched together from older dumps "
	       "shows as blocks of one colour. Below it, the segments: runs of rows with one main source.</p>\n");
	const double x0 = 96, W = 894;
	int top = 6, H1 = 50, my = top + H1 + 6, H2 = 40, sy = my + H2 + 6, sh = 16, ay = sy + sh + 8;
	double *tot = xcalloc(nb, sizeof(*tot)), *off = xcalloc(nb, sizeof(*off));
	size_t *dom = xcalloc(nb, sizeof(*dom));
	for (size_t b = 0; b < nb; b++) {
		yajl_val row = counts->u.array.values[b];
		double best = 0;
		for (size_t k = 0; k < alen(row) && k < ns; k++) {
			double v = cnt(row->u.array.values[k]);
			tot[b] += v;
			if (v > best)
				best = v, dom[b] = k;
		}
	}
	put(p, "<figure><figcaption>Sources along the file</figcaption>\n");
	svg_open(p, 1000, ay + 44, "Sources along the file, first row left");
	put(p, "<text x=\"%.0f\" y=\"%d\" text-anchor=\"end\">main source</text><text x=\"%.0f\" y=\"%d\" "
	       "text-anchor=\"end\">mix</text><text x=\"%.0f\" y=\"%d\" text-anchor=\"end\">segments</text>\n"
	       "<g shape-rendering=\"crispEdges\">\n", x0 - 8, top + H1 / 2 + 4, x0 - 8, my + H2 / 2 + 4, x0 - 8,
	    sy + sh / 2 + 4);
	/*
	 * One path per source in each band, in colour order (ranked leaks at
	 * the top of the mix, greys at the bottom). Edges are rounded once so
	 * that neighbouring slices share them: no hairline gaps.
	 */
	for (int level = 0; level <= NTOP + 2; level++)
		for (size_t k = 0; k < ns; k++) {
			const char *c = colour(p, str(src->u.array.values[k]));
			int any = 0;
			if (colour_level(c) != level)
				continue;
			for (size_t b = 0; b < nb; b++) {
				size_t e = b;
				if (dom[b] != k || tot[b] <= 0)
					continue;
				while (e + 1 < nb && dom[e + 1] == k && tot[e + 1] > 0) /* a run: one rectangle */
					e++;
				double xl = round(100 * (x0 + W * (double)b / (double)nb)) / 100;
				double xr = round(100 * (x0 + W * (double)(e + 1) / (double)nb)) / 100;
				if (!any++)
					put(p, "<path class=\"%s\" d=\"", c);
				put(p, "M%.2f %dh%.2fv%dh-%.2fz", xl, top, xr - xl, H1, xr - xl);
				b = e;
			}
			for (size_t b = 0; b < nb; b++) {
				yajl_val row = counts->u.array.values[b];
				double v = k < alen(row) ? cnt(row->u.array.values[k]) : 0;
				if (v <= 0 || tot[b] <= 0)
					continue;
				double h = v / tot[b] * H2;
				double xl = round(100 * (x0 + W * (double)b / (double)nb)) / 100;
				double xr = round(100 * (x0 + W * (double)(b + 1) / (double)nb)) / 100;
				if (!any++)
					put(p, "<path class=\"%s\" d=\"", c);
				put(p, "M%.2f %.2fh%.2fv%.2fh-%.2fz", xl, my + off[b], xr - xl, h, xr - xl);
				off[b] += h;
			}
			if (any)
				put(p, "\"/>\n");
		}
	free(tot);
	free(off);
	free(dom);
	/* the segments, one path per colour (a segment is at least one row in 10,000: a few hundred KB at most) */
	size_t ng = alen(G);
	for (int level = 0; level <= NTOP + 2; level++) {
		int any = 0;
		const char *c = NULL;
		for (size_t i = 0; i < ng && i < MAX_SEG_DRAWN; i++) {
			yajl_val g = G->u.array.values[i];
			double from = cnt(get(g, "from")), to = cnt(get(g, "to"));
			c = colour(p, str(get(g, "source")));
			if (from < 1 || to < from || to > rows || colour_level(c) != level)
				continue;
			if (!any++)
				put(p, "<path class=\"%s\" d=\"", c);
			put(p, "M%.2f %dh%.2fv%dh-%.2fz", x0 + (from - 1) / rows * W, sy, (to - from + 1) / rows * W, sh,
			    (to - from + 1) / rows * W);
		}
		if (any)
			put(p, "\"/>\n");
	}
	put(p, "</g>\n");
	row_axis(p, rows, x0, W, ay);
	put(p, "<text x=\"%.0f\" y=\"%d\" text-anchor=\"middle\">row number in the file</text>\n", x0 + W / 2,
	    ay + 36);
	svg_close(p);
	legend_sources(p, src);
	put(p, "</figure>\n");
	if (!ng) {
		put(p, "</section>\n");
		return;
	}
	put(p, "<h3>Segments</h3>\n<div class=\"tw\"><table><tr><th class=\"n\">From row</th><th class=\"n\">To row"
	       "</th><th class=\"n\">Rows</th><th>Main source</th><th class=\"n\">Its share</th></tr>\n");
	for (size_t i = 0; i < ng && i < MAX_SEG_ROWS; i++) {
		yajl_val g = G->u.array.values[i];
		double from = cnt(get(g, "from")), to = cnt(get(g, "to"));
		put(p, "<tr><td class=\"n\">");
		put_num(p, from);
		put(p, "</td><td class=\"n\">");
		put_num(p, to);
		put(p, "</td><td class=\"n\">");
		put_num(p, to >= from ? to - from + 1 : 0);
		put(p, "</td><td><span class=\"sw %s\"></span>", colour(p, str(get(g, "source"))));
		html_esc(p, str(get(g, "source")));
		put(p, "</td><td class=\"n\">");
		put_pct(p, num(get(g, "share"), -1));
		put(p, "</td></tr>\n");
	}
	put(p, "</table></div>\n");
	if (ng > MAX_SEG_ROWS) {
		put(p, "<p class=\"note\">And ");
		put_num(p, (double)(ng - MAX_SEG_ROWS));
		put(p, " more segments (all of them are in the JSON report).</p>\n");
	}
	put(p, "</section>\n");
}

/* Parses "YYYY" (months == 0) or "YYYY-MM" into a year or a month number (year * 12 + month - 1). */
static long
hist_key(const char *s, int months)
{
	char *end;
	long y = strtol(s, &end, 10);
	if (end != s + 4 || y < 0)
		return -1;
	if (!months)
		return *end ? -1 : y;
	long m = *end == '-' ? strtol(end + 1, &end, 10) : 0;
	return *end || m < 1 || m > 12 ? -1 : y * 12 + m - 1;
}

/*
 * A histogram (an SVG; the caller writes the figure around it) of the
 * object obj ({"1945-01": 4, ...} by month, {"1945": 52} by year) as
 * bars; months become years past MAX_BARS months, and years are grouped
 * past MAX_BARS years. mark ("YYYY-MM-DD" or NULL) is drawn as a dashed
 * line: the latest date.
 */
static void
histogram(struct page *p, yajl_val obj, int months, const char *title, const char *xlabel, const char *mark)
{
	long lo = -1, hi = -1;
	for (size_t i = 0; YAJL_IS_OBJECT(obj) && i < obj->u.object.len; i++) {
		long k = hist_key(obj->u.object.keys[i], months);
		if (k < 0 || cnt(obj->u.object.values[i]) <= 0)
			continue;
		lo = lo < 0 || k < lo ? k : lo;
		hi = k > hi ? k : hi;
	}
	if (lo < 0) {
		na(p);
		return;
	}
	int by_month = months && hi - lo < MAX_BARS;
	long first = by_month ? lo : months ? lo / 12 : lo, last = by_month ? hi : months ? hi / 12 : hi;
	long group = by_month ? 1 : (last - first) / MAX_BARS + 1; /* years per bar */
	size_t n = (size_t)((last - first) / group + 1);
	double *v = xcalloc(n, sizeof(*v)), max = 0;
	for (size_t i = 0; i < obj->u.object.len; i++) {
		long k = hist_key(obj->u.object.keys[i], months);
		if (k < 0 || cnt(obj->u.object.values[i]) <= 0) /* as above: [lo, hi] holds only these */
			continue;
		k = months && !by_month ? k / 12 : k;
		v[(k - first) / group] += cnt(obj->u.object.values[i]);
	}
	for (size_t i = 0; i < n; i++)
		max = v[i] > max ? v[i] : max;
	const double x0 = 64, W = 716, top = 14, H = 150;
	double bw = W / (double)n;
	svg_open(p, 800, 222, title);
	/* y axis: 0, half, the top */
	for (int t = 0; t <= 2; t++) {
		double y = top + H - H * t / 2;
		put(p, "<line class=\"grid\" x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\"/><text x=\"%.0f\" "
		       "y=\"%.1f\" text-anchor=\"end\">", x0, y, x0 + W, y, x0 - 6, y + 4);
		put_num(p, max * t / 2);
		put(p, "</text>");
	}
	put(p, "<text transform=\"translate(14 %.0f) rotate(-90)\" text-anchor=\"middle\">count</text>\n",
	    top + H / 2);
	put(p, "<path class=\"c0\" shape-rendering=\"crispEdges\" d=\"");
	for (size_t i = 0; i < n; i++)
		if (v[i] > 0)
			put(p, "M%.2f %.2fh%.2fv%.2fh-%.2fz", x0 + bw * (double)i, top + H - v[i] / max * H,
			    bw > 2 ? bw - 1 : bw, v[i] / max * H, bw > 2 ? bw - 1 : bw);
	put(p, "\"/>\n<line class=\"ax\" x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\"/>", x0, top + H, x0 + W,
	    top + H);
	/* x axis: years at a round step */
	long y0 = by_month ? first / 12 : first, y1 = by_month ? last / 12 : last + group - 1;
	long ys = (long)nice_step((double)(y1 - y0 + 1), 12);
	for (long y = (y0 + ys - 1) / ys * ys; y <= y1; y += ys) {
		double x = x0 + bw * (double)(by_month ? y * 12 - first : (y - first) / group);
		if (x < x0 - 0.5)
			continue;
		put(p, "<line class=\"ax\" x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" y2=\"%.0f\"/><text x=\"%.1f\" "
		       "y=\"%.0f\" text-anchor=\"middle\">%ld</text>", x, top + H, x, top + H + 4, x, top + H + 17, y);
	}
	put(p, "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\">", x0 + W / 2, top + H + 40);
	html_esc(p, xlabel);
	put(p, ", %s</text>\n", by_month ? "by month" : group > 1 ? "by groups of years" : "by year");
	char ym[8];
	snprintf(ym, sizeof(ym), "%.7s", mark ? mark : "");
	long mk = hist_key(ym, 1);
	if (mk >= 0) {
		mk = by_month ? mk : months ? mk / 12 : -1;
		if (mk >= first && mk <= last + group - 1) {
			double x = x0 + bw * ((double)((mk - first) / group) + 0.5);
			put(p, "<line class=\"mark\" x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" y2=\"%.0f\"/><text x=\"%.1f\" "
			       "y=\"%.0f\" text-anchor=\"%s\" class=\"t\">latest date ",
			    x, top - 4, x, top + H, x + (x > 600 ? -4 : 4), top + 6, x > 600 ? "end" : "start");
			html_esc_n(p, mark, 10);
			put(p, "</text>\n");
		}
	}
	svg_close(p);
	free(v);
}

/* Freshness: the latest date, per date column its range and histogram, the IINs' birth years. */
static void
sec_freshness(struct page *p, yajl_val root)
{
	yajl_val F = get(root, "freshness"), D = get(F, "dates");
	const char *latest = str(get(F, "latest_date"));

	sec_head(p, "freshness", "Freshness");
	if (!F) {
		na(p);
		put(p, "</section>\n");
		return;
	}
	const char *asof = str(get(F, "current_as_of")), *known = str(get(F, "latest_known_date"));
	const char *fresh = str(get(F, "latest_new_date")), *breach = str(get(F, "newest_source_breach"));
	const char *bleak = str(get(F, "newest_source_leak")), *young = str(get(F, "youngest_birth_date"));
	const char *adult = str(get(F, "adults_only_current_from"));
	put(p, "<p>Current as of: <strong>");
	html_esc(p, asof ? asof : "unknown");
	put(p, "</strong>, the latest of its record dates (not birth dates) and of the breaches of the "
	       "leaks its rows come from.</p>\n<ul>\n<li>Record dates: up to ");
	html_esc(p, latest ? latest : "none");
	put(p, " in all; ");
	html_esc(p, known ? known : "none");
	put(p, " in the rows known from earlier leaks, ");
	html_esc(p, fresh ? fresh : "none");
	put(p, " in the new ones.</li>\n<li>The newest source leak: ");
	html_esc(p, bleak ? bleak : "none");
	if (breach) {
		put(p, ", breached ");
		html_esc(p, breach);
	}
	put(p, ".</li>\n");
	if (young) {
		put(p, "<li>The youngest person was born ");
		html_esc(p, young);
		put(p, ": a register of adults only is current no earlier than ");
		html_esc(p, adult ? adult : "?");
		put(p, ".</li>\n");
	}
	put(p, "</ul>\n<p>A dump cannot be older than its latest date; a leak said to be recent whose dates "
	       "stop years ago was likely compiled from older ones.</p>\n");
	for (size_t i = 0; i < alen(D); i++) {
		yajl_val d = D->u.array.values[i];
		const char *col = str(get(d, "column")), *mx = str(get(d, "max"));
		put(p, "<figure><figcaption>Column <code>");
		html_esc(p, col);
		put(p, "</code>: ");
		put_num(p, cnt(get(d, "count")));
		put(p, " dates from ");
		html_esc(p, str(get(d, "min")) ? str(get(d, "min")) : "?");
		put(p, " to ");
		html_esc(p, mx ? mx : "?");
		put(p, "</figcaption>\n");
		yajl_val bm = get(d, "by_month");
		histogram(p, bm ? bm : get(d, "by_year"), bm != NULL, col ? col : "dates", "date of the column",
			  latest && mx && !strcmp(latest, mx) ? latest : NULL);
		put(p, "</figure>\n");
	}
	put(p, "<figure><figcaption>Birth years encoded in the IINs</figcaption>\n");
	histogram(p, get(F, "birth_years"), 0, "Birth years encoded in the IINs", "year of birth", NULL);
	put(p, "</figure>\n</section>\n");
}

/* Column lineage: per column, the known leak and column its values most likely came from. */
static void
sec_columns(struct page *p, yajl_val root)
{
	yajl_val C = get(root, "columns");

	sec_head(p, "columns", "Column lineage");
	if (!alen(C)) {
		na(p);
		put(p, "</section>\n");
		return;
	}
	put(p, "<div class=\"tw\"><table><tr><th>Column</th><th>Type</th><th class=\"n\">Values</th><th class=\"n\">"
	       "Known</th><th>Found in</th><th>Most likely from</th><th class=\"n\">Containment</th></tr>\n");
	for (size_t i = 0; i < alen(C); i++) {
		yajl_val c = C->u.array.values[i], ls = get(c, "leaks"), lin = get(c, "lineage");
		put(p, "<tr><td><code>");
		if (str(get(c, "table"))) {
			html_esc(p, str(get(c, "table")));
			put(p, ".");
		}
		html_esc(p, str(get(c, "name")));
		put(p, "</code></td><td>");
		html_esc(p, str(get(c, "type")));
		put(p, "</td><td class=\"n\">");
		put_num(p, cnt(get(c, "values")));
		put(p, "</td><td class=\"n\">");
		put_pct(p, num(get(c, "known_fraction"), -1));
		put(p, "</td><td>");
		for (size_t k = 0; YAJL_IS_OBJECT(ls) && k < ls->u.object.len; k++) {
			put(p, "%s", k ? ", " : "");
			html_esc(p, ls->u.object.keys[k]);
			put(p, " ");
			put_pct(p, num(ls->u.object.values[k], -1));
		}
		put(p, "</td><td>");
		if (str(get(lin, "leak"))) {
			put(p, "<span class=\"sw %s\"></span>", colour(p, str(get(lin, "leak"))));
			html_esc(p, str(get(lin, "leak")));
			put(p, " <code>");
			html_esc(p, str(get(lin, "column")));
			put(p, "</code></td><td class=\"n\">");
			put_pct(p, num(get(lin, "containment"), -1));
		} else
			put(p, "&ndash;</td><td class=\"n\">&ndash;");
		put(p, "</td></tr>\n");
	}
	put(p, "</table></div>\n<p class=\"note\">Containment: the estimated share of the column's distinct "
	       "values found in that column of the leak (from bottom-k sketches).</p>\n</section>\n");
}

/* A row of the plausibility table, marked when notable. */
static void
check_row(struct page *p, const char *what, int warn)
{
	put(p, "<tr%s><td>%s</td><td class=\"n\">", warn ? " class=\"warn\"" : "", what);
}

/* Plausibility checks: what a fabricated or carelessly compiled dump shows. */
static void
sec_plausibility(struct page *p, yajl_val root)
{
	yajl_val P = get(root, "plausibility"), pc = get(P, "columns"), skew = get(P, "email_domain_skew");

	sec_head(p, "plausibility", "Plausibility checks");
	if (!P) {
		na(p);
		put(p, "</section>\n");
		return;
	}
	put(p, "<div class=\"tw\"><table><tr><th>Check</th><th class=\"n\">Value</th></tr>\n");
	double f = num(get(P, "rejected_fraction"), -1);
	check_row(p, "Records that could not be read", f >= 0.01);
	put_pct(p, f);
	f = num(get(P, "invalid_values_fraction"), -1);
	check_row(p, "Values their column's type rejects", f >= 0.01);
	put_pct(p, f);
	f = num(get(P, "iin_checksum_failure_fraction"), -1);
	check_row(p, "IINs that fail their checksum", f >= 0.01);
	put_num(p, cnt(get(P, "iin_checksum_failures")));
	put(p, " (");
	put_pct(p, f);
	put(p, ")");
	check_row(p, "Dates in the future", cnt(get(P, "future_dates")) > 0);
	put_num(p, cnt(get(P, "future_dates")));
	check_row(p, "Birth dates before 1900", cnt(get(P, "birth_dates_before_1900")) > 0);
	put_num(p, cnt(get(P, "birth_dates_before_1900")));
	check_row(p, "Passwords in a cracker's $HEX[] notation", cnt(get(P, "cracker_artefacts")) > 0);
	put_num(p, cnt(get(P, "cracker_artefacts")));
	check_row(p, "Skew of the e-mail domains against the known leaks' (0: the same mix, 1: none in common)",
		  num(skew, 0) >= 0.3);
	if (YAJL_IS_NUMBER(skew))
		put(p, "%.2f", num(skew, 0));
	else
		put(p, "no e-mails");
	put(p, "</td></tr>\n</table></div>\n");
	if (alen(pc)) {
		put(p, "<h3>Columns with values their type rejects</h3>\n<div class=\"tw\"><table><tr><th>Column</th>"
		       "<th>Type</th><th class=\"n\">Rejected</th></tr>\n");
		for (size_t i = 0; i < alen(pc); i++) {
			yajl_val c = pc->u.array.values[i];
			put(p, "<tr><td><code>");
			html_esc(p, str(get(c, "name")));
			put(p, "</code></td><td>");
			html_esc(p, str(get(c, "type")));
			put(p, "</td><td class=\"n\">");
			put_pct(p, num(get(c, "invalid_fraction"), -1));
			put(p, "</td></tr>\n");
		}
		put(p, "</table></div>\n");
	}
	put(p, "</section>\n");
}

/* Input accounting: every record read is parsed or rejected; duplicates. */
static void
sec_records(struct page *p, yajl_val root)
{
	static const char *const k[5] = { "total", "parsed", "rejected", "duplicates", "duplicates_exact" };
	static const char *const what[5] = { "Records read", "Parsed", "Rejected (unreadable; counted, skipped)",
					     "Duplicates (equal to an earlier row after normalization)",
					     "of which byte for byte" };
	yajl_val R = get(root, "records");

	sec_head(p, "records", "Input accounting");
	if (!R) {
		na(p);
		put(p, "</section>\n");
		return;
	}
	put(p, "<div class=\"tw\"><table>\n");
	for (int i = 0; i < 5; i++) {
		put(p, "<tr><td>%s</td><td class=\"n\">", what[i]);
		if (get(R, k[i]))
			put_num(p, cnt(get(R, k[i])));
		else
			put(p, "not available");
		put(p, "</td></tr>\n");
	}
	put(p, "</table></div>\n</section>\n");
}

/* The library's leaks as it describes them. */
static void
sec_known(struct page *p, yajl_val root)
{
	static const char *const k[4] = { "title", "domain", "breach_date", "added_date" };
	yajl_val L = get(root, "leaks");

	sec_head(p, "library", "The known leaks compared");
	if (!alen(L)) {
		na(p);
		put(p, "</section>\n");
		return;
	}
	put(p, "<div class=\"tw\"><table><tr><th>Leak</th><th>Title</th><th>Domain</th><th>Breach date</th>"
	       "<th>Added</th><th class=\"n\">Records</th></tr>\n");
	for (size_t i = 0; i < alen(L); i++) {
		yajl_val e = L->u.array.values[i], kn = get(e, "known");
		put(p, "<tr><td>");
		html_esc(p, str(get(e, "name")));
		for (int j = 0; j < 4; j++) {
			put(p, "</td><td>");
			html_esc(p, str(get(kn, k[j])) ? str(get(kn, k[j])) : "\xe2\x80\x93");
		}
		put(p, "</td><td class=\"n\">");
		if (get(kn, "records"))
			put_num(p, cnt(get(kn, "records")));
		put(p, "</td></tr>\n");
	}
	put(p, "</table></div>\n</section>\n");
}

static void
meta_row(struct page *p, const char *what, const char *v)
{
	put(p, "<tr><th>%s</th><td><code>", what);
	html_esc(p, v ? v : "?");
	put(p, "</code></td></tr>\n");
}

/* How to reproduce: the command, the program's version, the library and its key. */
static void
sec_reproduce(struct page *p, const struct html_meta *m)
{
	sec_head(p, "reproduce", "How to reproduce");
	put(p, "<p>Run with the same library (and key file, if it has one):</p>\n<pre>");
	html_esc(p, m->command ? m->command : "?");
	put(p, "</pre>\n<div class=\"tw\"><table>\n");
	meta_row(p, "dumptrace", m->version);
	meta_row(p, "Input", m->input);
	meta_row(p, "Library", m->library);
	meta_row(p, "Library id", m->library_id);
	meta_row(p, "Generated (UTC)", m->generated);
	put(p, "</table></div>\n<p class=\"note\">This page holds no value of the dump: only counts, shares and "
	       "the names of leaks and columns.</p>\n</section>\n");
}

int
report_html(const char *json, size_t len, const struct html_meta *meta, struct dynbuf *out, char *err,
	    size_t errlen)
{
	static const struct html_meta none;
	struct page pg = { out, 0, NULL, 0 };
	char perr[256] = "";
	size_t start = out->len;

	/* yajl wants a NUL-terminated text */
	char *text = xmalloc(len + 1);
	memcpy(text, json, len);
	text[len] = 0;
	yajl_val root = yajl_tree_parse(text, perr, sizeof(perr));
	free(text);
	if (!YAJL_IS_OBJECT(root)) {
		snprintf(err, errlen, "not an analysis: %s", root ? "not a JSON object" : perr);
		yajl_tree_free(root);
		return -1;
	}
	meta = meta ? meta : &none;
	yajl_val L = get(root, "leaks");
	pg.rank = xcalloc(alen(L) + 1, sizeof(*pg.rank));
	for (size_t i = 0; i < alen(L); i++)
		if (str(get(L->u.array.values[i], "name")))
			pg.rank[pg.nrank++] = str(get(L->u.array.values[i], "name"));

	struct page *p = &pg;
	/* the policy forbids any fetch and any script: a browser refuses what a bug could add */
	put(p, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<meta http-equiv=\"Content-"
	       "Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n<meta name=\"viewport\" "
	       "content=\"width=device-width, initial-scale=1\">\n<meta name=\"generator\" content=\"dumptrace ");
	html_esc(p, meta->version);
	put(p, "\">\n<title>dumptrace report: ");
	html_esc_n(p, meta->input ? meta->input : "dump", 80);
	put(p, "</title>\n<style>%s</style>\n</head><body>\n<header><h1>Is this dump new?</h1>\n"
	       "<p class=\"sub\">dumptrace's analysis of <code>", CSS);
	html_esc(p, meta->input ? meta->input : "?");
	put(p, "</code> against the leaks known to its library, generated ");
	html_esc(p, meta->generated ? meta->generated : "?");
	put(p, ".</p></header>\n");
	if (meta->show_values)
		put(p, "<p class=\"banner\" role=\"alert\">Warning: this analysis was run with --show-values. Its "
		       "records file holds personal data: handle it as the dump itself. This page shows no value "
		       "of the dump.</p>\n");
	put(p, "<nav><a href=\"#verdict\">Verdict</a><a href=\"#leaks\">Per leak</a><a href=\"#combinations\">"
	       "Combinations</a><a href=\"#strip\">Row order</a><a href=\"#freshness\">Freshness</a><a href="
	       "\"#columns\">Columns</a><a href=\"#plausibility\">Plausibility</a><a href=\"#records\">Input</a>"
	       "<a href=\"#library\">Known leaks</a><a href=\"#reproduce\">Reproduce</a></nav>\n<main>\n");
	sec_verdict(p, root);
	sec_leaks(p, root);
	sec_combinations(p, root);
	sec_strip(p, root);
	sec_freshness(p, root);
	sec_columns(p, root);
	sec_plausibility(p, root);
	sec_records(p, root);
	sec_known(p, root);
	sec_reproduce(p, meta);
	put(p, "</main>\n<footer class=\"note\"><p>Made by dumptrace ");
	html_esc(p, meta->version);
	put(p, ", offline: this file needs nothing from the network.</p></footer>\n</body></html>\n");

	free(pg.rank);
	yajl_tree_free(root);
	if (pg.full) {
		out->len = start;
		snprintf(err, errlen, "the page is larger than its cap of %zu bytes", out->cap);
		return -1;
	}
	return 0;
}
