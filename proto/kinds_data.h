/*
 * Private to proto: the tables generated from data/ CSV files by gen_data.c.
 * kinds.c serves them through the functions in kinds.h.
 */
#ifndef TVAERS_PROTO_KINDS_DATA_H
#define TVAERS_PROTO_KINDS_DATA_H

#include "kinds.h"

extern const struct tv_municipality tv__municipalities[];
extern const size_t tv__n_municipalities;
extern const struct tv_interest tv__interests[];
extern const size_t tv__n_interests;

#endif
