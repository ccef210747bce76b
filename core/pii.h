/*
 * Names that carry personal data: a dump's column names and file names
 * come from whoever made it, and some are data (JSON objects keyed by
 * e-mail address, members named <IIN>.csv). Nothing of the input but
 * counts, types and coarse profiles may reach the catalog or a report
 * (issue 18), so such names are withheld there.
 *
 * A name is personal when it holds an e-mail address (a local part, '@',
 * a dotted domain) or a run of nine or more digits, spaces, '+', '-', '('
 * and ')' between them allowed (an IIN, a phone, a card or account number).
 */
#ifndef DT_PII_H
#define DT_PII_H

#include <stddef.h>

/* Does the name hold personal data? */
int pii_in_name(const char *s, size_t n);

/*
 * The path with each of its parts ('/' or ':' apart) that holds personal
 * data replaced by "(withheld)": xmalloc'ed.
 */
char *pii_path(const char *path);

#endif
