/*
 * Puts the rows of a human listing in Danish alphabetical order
 * (DATAMODEL.md §6.1). tvaersd sorts listings by kind, then by the bytes of
 * the title, so rows arrive grouped by kind; each group is held here (a
 * copy of each item) and handed on in order of tv_da_collate when the next
 * group starts or the listing ends. Memory is bounded by the largest group.
 * --json listings keep tvaersd's order and never come here.
 */
#ifndef TVAERS_CLI_ROWSORT_H
#define TVAERS_CLI_ROWSORT_H

#include <stdbool.h>
#include <stddef.h>

#include "canon.h"

struct rowsort;

/* Called with each held item in order; a non-zero return stops the flush. */
typedef int rowsort_cb(void *arg, const struct tv_value *item);

/* Returns an empty sorter; aborts when out of memory (CLI only). */
struct rowsort *rowsort_new(void);
/* Frees rs and the rows it still holds; NULL is fine. */
void rowsort_free(struct rowsort *rs);
/*
 * Holds a copy of item, in group (a kind name), to be sorted by the UTF-8
 * text (copied). If group differs from the held rows' group, those are
 * flushed to cb first. Returns 0 or the first non-zero result of cb.
 */
int rowsort_add(struct rowsort *rs, const char *group, const char *text,
    size_t text_len, const struct tv_value *item, rowsort_cb *cb, void *arg);
/* Hands every held row to cb in order and forgets them all; returns as rowsort_add. */
int rowsort_flush(struct rowsort *rs, rowsort_cb *cb, void *arg);

#endif
