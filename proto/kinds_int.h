/*
 * Private to proto: the calendar arithmetic of kinds.c (Copenhagen time
 * without a time zone database), shared with csvmap.c so that CSV cells
 * and the field parser agree on every time.
 */
#ifndef TVAERS_PROTO_KINDS_INT_H
#define TVAERS_PROTO_KINDS_INT_H

#include <stdbool.h>
#include <stdint.h>

/* Seconds UTC to Copenhagen wall-clock seconds (CET/CEST). */
int64_t tv__utc_to_local(int64_t t);
/* Copenhagen wall-clock seconds to UTC; false in the spring gap. */
bool tv__local_to_utc(int64_t local, int64_t *out);
/* Days since 1970-01-01 to year, month, day (proleptic Gregorian). */
void tv__civil_from_days(int64_t z, int64_t *y, int *m, int *d);

#endif
