/*
 * Distances and the match ranking (proto/geo.c, proto/match.c): known
 * straight-line distances between Danish towns, the fallback from an area's
 * location to its municipality's centroid, and the order and supply rules
 * that README "Matching" promises.
 */
#include "test.h"

#include "canon.h"
#include "geo.h"
#include "ids.h"
#include "kinds.h"
#include "match.h"

#define KOEBENHAVN ((struct tv_point){ 55676100, 12568300 })
#define AARHUS ((struct tv_point){ 56162900, 10203900 })
#define ODENSE ((struct tv_point){ 55403800, 10402400 })

/* Within tolerance metres of want. */
#define ASSERT_NEAR(got, want, tol) do { \
	long long g_ = (long long)(got), w_ = (long long)(want); \
	if (g_ < w_ - (tol) || g_ > w_ + (tol)) \
		TEST_FAIL("%lld is not within %d of %lld", g_, (tol), w_); \
} while (0)

TEST(known_distances)
{
	/* København–Aarhus is about 157 km in a straight line. */
	ASSERT_NEAR(tv_geo_distance_m(KOEBENHAVN, AARHUS), 157000, 1500);
	/* One degree of longitude at 56° N: 111,195 m × cos 56° = 62,180 m. */
	ASSERT_NEAR(tv_geo_distance_m((struct tv_point){ 56000000, 10000000 },
	    (struct tv_point){ 56000000, 11000000 }), 62180, 2);
	/* One degree of latitude on the mean sphere: 111,195 m. */
	ASSERT_NEAR(tv_geo_distance_m((struct tv_point){ 55000000, 12000000 },
	    (struct tv_point){ 56000000, 12000000 }), 111195, 1);
	/* One micro-degree of latitude is about 11 cm: rounds to 0. */
	ASSERT_EQ(tv_geo_distance_m((struct tv_point){ 55000000, 12000000 },
	    (struct tv_point){ 55000001, 12000000 }), 0);
}

TEST(distance_is_symmetric_and_zero_on_itself)
{
	ASSERT_EQ(tv_geo_distance_m(AARHUS, AARHUS), 0);
	ASSERT_EQ(tv_geo_distance_m(AARHUS, ODENSE),
	    tv_geo_distance_m(ODENSE, AARHUS));
}

TEST(antipodes_do_not_overflow)
{
	/* Outside Denmark, but the formula must stay defined: half the globe. */
	ASSERT_NEAR(tv_geo_distance_m((struct tv_point){ 0, 0 },
	    (struct tv_point){ 0, 180000000 }), 20015115, 2);
}

static void
set_kv(struct tv_value *kv, const char *key, int64_t i)
{
	tv_set_str(&kv[0], key, strlen(key));
	tv_set_int(&kv[1], i);
}

TEST(area_place_prefers_location)
{
	struct tv_value kv[4], loc[2], map = { .type = TV_MAP, .len = 2,
	    .items = kv };
	struct tv_point p;
	int code;

	set_kv(&kv[0], "municipality", 336);
	tv_set_str(&kv[2], "location", 8);
	tv_set_int(&loc[0], 55300000);
	tv_set_int(&loc[1], 12400000);
	kv[3] = (struct tv_value){ .type = TV_ARRAY, .len = 2, .items = loc };
	ASSERT(tv_geo_area_place(&map, &code, &p));
	ASSERT_EQ(code, 336);
	ASSERT_EQ(p.lat_udeg, 55300000);
	ASSERT_EQ(p.lon_udeg, 12400000);
}

TEST(area_place_falls_back_to_centroid)
{
	struct tv_value kv[2], map = { .type = TV_MAP, .len = 1, .items = kv };
	const struct tv_municipality *m = tv_municipality_find(336);
	struct tv_point p;
	int code;

	set_kv(&kv[0], "municipality", 336);
	ASSERT(tv_geo_area_place(&map, &code, &p));
	ASSERT_EQ(code, 336);
	ASSERT_EQ(p.lat_udeg, m->lat_udeg);
	ASSERT_EQ(p.lon_udeg, m->lon_udeg);
	/* An unknown code gives neither municipality nor place. */
	set_kv(&kv[0], "municipality", 999);
	ASSERT(!tv_geo_area_place(&map, &code, &p));
	ASSERT_EQ(code, 0);
	map.len = 0;
	ASSERT(!tv_geo_area_place(&map, &code, &p));
	ASSERT(!tv_geo_area_place(NULL, &code, &p));
}

static struct tv_match_key
key(uint32_t d, uint32_t overlap, bool is_project, const char *title,
    uint8_t origin_byte)
{
	static uint8_t origins[256][TV_PK_LEN], id[TV_ID_LEN];

	memset(origins[origin_byte], origin_byte, TV_PK_LEN);
	return (struct tv_match_key){ .distance_m = d, .overlap = overlap,
	    .is_project = is_project, .title = title,
	    .origin = origins[origin_byte], .id = id };
}

TEST(ranking_order)
{
	struct tv_match_key near = key(1000, 1, false, "B", 1);
	struct tv_match_key far = key(2000, 5, true, "A", 2);
	struct tv_match_key near_more = key(1000, 2, false, "Z", 3);
	struct tv_match_key near_project = key(1000, 1, true, "Z", 4);
	struct tv_match_key near_a = key(1000, 1, false, "A", 5);
	struct tv_match_key same_a = key(1000, 1, false, "A", 6);

	ASSERT(tv_match_cmp(&near, &far) < 0);		/* distance first */
	ASSERT(tv_match_cmp(&near_more, &near) < 0);	/* then overlap */
	ASSERT(tv_match_cmp(&near_project, &near) < 0); /* then projects */
	ASSERT(tv_match_cmp(&near_a, &near) < 0);	/* then title */
	ASSERT(tv_match_cmp(&near_a, &same_a) < 0);	/* then origin */
	ASSERT_EQ(tv_match_cmp(&near, &near), 0);
}

TEST(open_statuses)
{
	static const char *const open[] = { "idea", "planning", "shelved" };
	static const char *const closed[] = { "seeking_funds", "active",
	    "done", "abandoned", "shelve", "" };
	struct tv_value v;

	for (size_t i = 0; i < 3; i++) {
		tv_set_str(&v, open[i], strlen(open[i]));
		ASSERT(tv_match_status_open(&v));
	}
	for (size_t i = 0; i < 6; i++) {
		tv_set_str(&v, closed[i], strlen(closed[i]));
		ASSERT(!tv_match_status_open(&v));
	}
	ASSERT(!tv_match_status_open(NULL));
	tv_set_int(&v, 1);
	ASSERT(!tv_match_status_open(&v));
}

TEST(supply_rule)
{
	struct tv_value kv[2], need = { .type = TV_MAP, .len = 1, .items = kv };
	struct tv_value seeking = { .type = TV_ARRAY, .len = 1, .items = &need };

	tv_set_str(&kv[0], "type", 4);
	tv_set_str(&kv[1], "volunteers", 10);
	ASSERT(tv_match_needs_has(&seeking, "volunteers", 10));
	ASSERT(!tv_match_needs_has(&seeking, "partner", 7));
	/* A seeker of volunteers cannot also supply them. */
	ASSERT(!tv_match_could_supply("volunteers", 10, &seeking));
	ASSERT(tv_match_could_supply("volunteers", 10, NULL));
	ASSERT(tv_match_could_supply("partner", 7, &seeking));
	/* Money and permits are never supplied by an association. */
	ASSERT(!tv_match_could_supply("money", 5, NULL));
	ASSERT(!tv_match_could_supply("permit", 6, NULL));
}

TEST(overlap_counts_shared_interests)
{
	struct tv_value have[3], want[2];
	struct tv_value h = { .type = TV_ARRAY, .len = 3, .items = have };
	struct tv_value w = { .type = TV_ARRAY, .len = 2, .items = want };

	tv_set_str(&have[0], "heste", 5);
	tv_set_str(&have[1], "natur", 5);
	tv_set_str(&have[2], "turisme", 7);
	tv_set_str(&want[0], "natur", 5);
	tv_set_str(&want[1], "heste", 5);
	ASSERT_EQ(tv_match_overlap(&h, &w), 2);
	w.len = 0;
	ASSERT_EQ(tv_match_overlap(&h, &w), 0);
	ASSERT_EQ(tv_match_overlap(NULL, &w), 0);
}

TEST_MAIN(
	known_distances,
	distance_is_symmetric_and_zero_on_itself,
	antipodes_do_not_overflow,
	area_place_prefers_location,
	area_place_falls_back_to_centroid,
	ranking_order,
	open_statuses,
	supply_rule,
	overlap_counts_shared_interests
)
