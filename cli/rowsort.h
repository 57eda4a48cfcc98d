/*
 * Puts the rows of a human listing in Danish alphabetical order
 * (DATAMODEL.md §6.1). tvaersd sorts listings by kind, then by the bytes of
 * the title, so rows arrive grouped by kind; each group is held here (a
 * copy of each item) and handed on in order of tv_da_collate when the next
 * group starts or the listing ends. A group longer than ROWSORT_MAX rows
 * is passed on as it comes instead, and so is the rest of the listing: a
 * table of 100,000 records then starts at once (in tvaersd's order) rather
 * than after all of them, and memory stays bounded. --json listings keep
 * tvaersd's order and never come here.
 */
#ifndef TVAERS_CLI_ROWSORT_H
#define TVAERS_CLI_ROWSORT_H

#include <stdbool.h>
#include <stddef.h>

#include "canon.h"

/* Rows of one kind sorted in Danish order; a longer listing streams. */
#define ROWSORT_MAX 2000

struct rowsort;

/* Called with each held item in order; a non-zero return stops the flush. */
typedef int rowsort_cb(void *arg, const struct tv_value *item);

/* Returns an empty sorter; aborts when out of memory (CLI only). */
struct rowsort *rowsort_new(void);
/* Frees rs and the rows it still holds; NULL is fine. */
void rowsort_free(struct rowsort *rs);
/*
 * Holds a copy of item, in group (a kind name, or one name for a whole
 * listing), to be sorted by the UTF-8 text (copied). If group differs from
 * the held rows' group, those are flushed to cb first. The row that would be number ROWSORT_MAX + 1 of a
 * group hands on the held rows in arrival order, then itself; from then on
 * every row goes straight to cb. Returns 0 or the first non-zero result
 * of cb.
 */
int rowsort_add(struct rowsort *rs, const char *group, const char *text,
    size_t text_len, const struct tv_value *item, rowsort_cb *cb, void *arg);
/* Hands every held row to cb in order and forgets them all; returns as rowsort_add. */
int rowsort_flush(struct rowsort *rs, rowsort_cb *cb, void *arg);
/* True once a group was too long to sort and rows pass straight through. */
bool rowsort_is_streaming(const struct rowsort *rs);

#endif
