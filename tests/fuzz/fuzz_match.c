/*
 * The match rules on bodies from anywhere (proto/geo.c, proto/match.c):
 * the input's first 16 bytes are two points, the rest a msgpack body read
 * as an area profile and as a candidate record. Distances must stay within
 * half the globe and be symmetric; nothing may crash.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "canon.h"
#include "geo.h"
#include "match.h"

#define HALF_GLOBE_M 20015116u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int32_t
i32(const uint8_t *p)
{
	uint32_t u = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
	int32_t v;

	memcpy(&v, &u, sizeof(v));
	return v;
}

static void
check_rules(const struct tv_value *body)
{
	static const char *const codes[] = { "heste", "natur", "volunteers" };
	struct tv_value wanted_items[3], wanted = { .type = TV_ARRAY, .len = 3,
	    .items = wanted_items };
	const struct tv_value *needs = tv_map_get(body, "needs");
	const struct tv_value *interests = tv_map_get(body, "interests");

	for (size_t i = 0; i < 3; i++)
		tv_set_str(&wanted_items[i], codes[i], strlen(codes[i]));
	if (tv_match_overlap(interests, &wanted) > 3 && interests->len < 4)
		abort();	/* each item counts at most once */
	(void)tv_match_status_open(tv_map_get(body, "status"));
	(void)tv_match_needs_has(needs, "volunteers", 10);
	(void)tv_match_could_supply("partner", 7, tv_map_get(body, "seeking"));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tv_point a, b, place;
	const struct tv_value *body;
	struct tv_doc *doc;
	int municipality;
	uint32_t d;

	if (size < 16)
		return 0;
	a = (struct tv_point){ i32(data), i32(data + 4) };
	b = (struct tv_point){ i32(data + 8), i32(data + 12) };
	d = tv_geo_distance_m(a, b);
	if (d > HALF_GLOBE_M || d != tv_geo_distance_m(b, a))
		abort();
	if (tv_decode(data + 16, size - 16, &doc, &body) != 0)
		return 0;
	if (body->type == TV_MAP) {
		if (tv_geo_area_place(body, &municipality, &place) &&
		    tv_geo_distance_m(a, place) > HALF_GLOBE_M)
			abort();
		check_rules(body);
	}
	tv_doc_free(doc);
	return 0;
}
