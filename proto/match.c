/*
 * Match rules. The supply rule is deliberately plain: the model has no
 * "offers" field, so an association is a possible helper for the kinds of
 * need its members can meet, and a fellow seeker (not a helper) for what
 * it seeks itself; pooling is then visible because both are shown.
 */
#include "match.h"

#include <string.h>

#include "ids.h"

static const char *const open_status[] = { "idea", "planning", "shelved" };
static const char *const suppliable[] = {
	"volunteers", "coordinator", "skills", "premises", "equipment",
	"partner", "coaches", "board_members",
};

static bool
str_is(const struct tv_value *v, const char *s, size_t len)
{
	return v != NULL && v->type == TV_STR && v->len == len &&
	    memcmp(v->bytes, s, len) == 0;
}

int
tv_match_cmp(const struct tv_match_key *a, const struct tv_match_key *b)
{
	int c;

	if (a->distance_m != b->distance_m)
		return a->distance_m < b->distance_m ? -1 : 1;
	if (a->overlap != b->overlap)
		return a->overlap > b->overlap ? -1 : 1;
	if (a->is_project != b->is_project)
		return a->is_project ? -1 : 1;
	if ((c = strcmp(a->title, b->title)) != 0)
		return c;
	if ((c = memcmp(a->origin, b->origin, TV_PK_LEN)) != 0)
		return c;
	return memcmp(a->id, b->id, TV_ID_LEN);
}

bool
tv_match_status_open(const struct tv_value *status)
{
	for (size_t i = 0; i < sizeof(open_status) / sizeof(open_status[0]); i++)
		if (str_is(status, open_status[i], strlen(open_status[i])))
			return true;
	return false;
}

bool
tv_match_needs_has(const struct tv_value *needs, const char *type,
    size_t type_len)
{
	if (needs == NULL || needs->type != TV_ARRAY)
		return false;
	for (uint32_t i = 0; i < needs->len; i++) {
		const struct tv_value *item = &needs->items[i];
		if (item->type == TV_MAP &&
		    str_is(tv_map_get(item, "type"), type, type_len))
			return true;
	}
	return false;
}

bool
tv_match_could_supply(const char *type, size_t type_len,
    const struct tv_value *seeking)
{
	bool is_suppliable = false;

	for (size_t i = 0; i < sizeof(suppliable) / sizeof(suppliable[0]); i++)
		is_suppliable |= strlen(suppliable[i]) == type_len &&
		    memcmp(suppliable[i], type, type_len) == 0;
	return is_suppliable && !tv_match_needs_has(seeking, type, type_len);
}

uint32_t
tv_match_overlap(const struct tv_value *interests, const struct tv_value *wanted)
{
	uint32_t n = 0;

	if (interests == NULL || interests->type != TV_ARRAY || wanted == NULL ||
	    wanted->type != TV_ARRAY)
		return 0;
	for (uint32_t i = 0; i < interests->len; i++) {
		const struct tv_value *v = &interests->items[i];
		if (v->type != TV_STR)
			continue;
		for (uint32_t j = 0; j < wanted->len; j++)
			if (str_is(&wanted->items[j], (const char *)v->bytes,
			    v->len)) {
				n++;
				break;
			}
	}
	return n;
}
