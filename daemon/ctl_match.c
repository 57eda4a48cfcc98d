/*
 * match: candidates come from the attribute index (daemon/attrs.c), one
 * query per (interest, nearby area), so the cost follows what is near and
 * shared, not the size of the store. Ranking and the supply rule are
 * proto/match.c's; here they are applied and written out.
 */
#include "ctl_match.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attrs.h"
#include "daemon.h"
#include "err.h"
#include "geo.h"
#include "kinds.h"
#include "match.h"
#include "record.h"

#define WITHIN_DEFAULT_KM 20
#define WITHIN_MAX_KM 500
#define INTERESTS_MAX 32	/* groups in one answer */
#define GROUP_MAX 100		/* items shown per interest, best first */
#define NAMES_MAX 10		/* helpers or seekers shown per need */

/* An area within reach. */
struct near {
	uint8_t origin[TV_PK_LEN];
	char name[128];
	uint32_t distance_m;
};

/* A candidate record, decoded; owns its bytes and tree. */
struct cand {
	uint8_t *raw;
	struct tv_record r;
	struct tv_doc *doc;
	const struct tv_value *body;
	const struct near *area;
	struct tv_match_key key;	/* key.title is set by cand_cmp */
	char title[256];
};

struct match {
	struct ctl_req *req;
	const uint8_t *own;
	struct tv_point here;
	uint32_t within_m;
	struct near *near;
	size_t n_near, cap_near;
	char interests[INTERESTS_MAX][64];
	size_t n_interests;
	struct tv_value wanted;	/* the interests as an array, for overlap */
	struct tv_value wanted_items[INTERESTS_MAX];
	struct cand *cands;
	size_t n_cands, cap_cands;
	const struct near *cur_area;
};

static void *
grow(void *p, size_t *cap, size_t size)
{
	size_t n = *cap ? *cap * 2 : 16;
	void *q = realloc(p, n * size);

	if (q != NULL)
		*cap = n;
	return q;
}

static int
add_near(void *arg, const struct attrs_place *p)
{
	struct match *m = arg;
	uint32_t d;

	if (!p->has_point ||
	    (d = tv_geo_distance_m(m->here, p->point)) > m->within_m)
		return 0;
	if (m->n_near == m->cap_near) {
		struct near *n = grow(m->near, &m->cap_near, sizeof(*n));
		if (n == NULL)
			return TV_ENOMEM;
		m->near = n;
	}
	memcpy(m->near[m->n_near].origin, p->origin, TV_PK_LEN);
	snprintf(m->near[m->n_near].name, sizeof(m->near[0].name), "%s",
	    p->name);
	/* This area's own records are "here", whatever its place. */
	m->near[m->n_near++].distance_m =
	    memcmp(p->origin, m->own, TV_PK_LEN) == 0 ? 0 : d;
	return 0;
}

static int
add_interest(void *arg, const char *s)
{
	struct match *m = arg;
	size_t len = strlen(s);

	if (m->n_interests == INTERESTS_MAX || len >= sizeof(m->interests[0]))
		return 0;
	memcpy(m->interests[m->n_interests++], s, len + 1);
	return 0;
}

static int
add_cand(void *arg, const uint8_t *raw, size_t len)
{
	struct match *m = arg;
	struct cand *c;

	if (m->n_cands == m->cap_cands) {
		struct cand *n = grow(m->cands, &m->cap_cands, sizeof(*n));
		if (n == NULL)
			return TV_ENOMEM;
		m->cands = n;
	}
	c = &m->cands[m->n_cands];
	memset(c, 0, sizeof(*c));
	if ((c->raw = malloc(len)) == NULL)
		return TV_ENOMEM;
	memcpy(c->raw, raw, len);
	/* The index holds only live, decodable records; skip anything else. */
	if (tv_record_decode(c->raw, len, &c->r) != 0 || c->r.body_len == 0 ||
	    tv_decode(c->r.body, c->r.body_len, &c->doc, &c->body) != 0 ||
	    c->body->type != TV_MAP) {
		tv_doc_free(c->doc);
		free(c->raw);
		return 0;
	}
	c->area = m->cur_area;
	c->key.is_project = tv_record_kind_is(&c->r, "project");
	ctl_text_of(tv_map_get(c->body, c->key.is_project ? "title" : "name"),
	    c->title, sizeof(c->title));
	c->key.distance_m = c->area->distance_m;
	c->key.overlap = tv_match_overlap(tv_map_get(c->body, "interests"),
	    &m->wanted);
	c->key.origin = c->r.origin;
	c->key.id = c->r.id;
	m->n_cands++;
	return 0;
}

static void
cands_free(struct match *m)
{
	for (size_t i = 0; i < m->n_cands; i++) {
		tv_doc_free(m->cands[i].doc);
		free(m->cands[i].raw);
	}
	m->n_cands = 0;
}

/* Candidates move (realloc, qsort): the title is pointed at only here. */
static int
cand_cmp(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;
	struct tv_match_key kx = x->key, ky = y->key;

	kx.title = x->title;
	ky.title = y->title;
	return tv_match_cmp(&kx, &ky);
}

static void
put_str_or_nil(struct tv_w *w, const struct tv_value *v)
{
	if (v != NULL && v->type == TV_STR)
		tv_w_str(w, (const char *)v->bytes, v->len);
	else
		tv_w_nil(w);
}

/* {ref, title, area_name} of an association that could help or also seeks. */
static void
put_who(struct tv_w *w, const struct cand *c)
{
	tv_w_map(w, 3);
	tv_w_cstr(w, "ref");
	ctl_put_ref(w, c->r.origin, c->r.id);
	tv_w_cstr(w, "title");
	tv_w_cstr(w, c->title);
	tv_w_cstr(w, "area_name");
	tv_w_cstr(w, c->area->name);
}

/* The associations of the group for one need type: helpers or seekers. */
static void
put_whos(struct tv_w *w, const struct cand *g, size_t n, const char *type,
    size_t type_len, bool is_helpers)
{
	const struct cand *pick[NAMES_MAX];
	uint32_t k = 0;

	for (size_t i = 0; i < n && k < NAMES_MAX; i++) {
		const struct tv_value *seeking;
		if (g[i].key.is_project)
			continue;
		seeking = tv_map_get(g[i].body, "seeking");
		if (is_helpers ? tv_match_could_supply(type, type_len, seeking) :
		    tv_match_needs_has(seeking, type, type_len))
			pick[k++] = &g[i];
	}
	tv_w_array(w, k);
	for (uint32_t i = 0; i < k; i++)
		put_who(w, pick[i]);
}

static void
put_needs(struct tv_w *w, const struct cand *c, const struct cand *g, size_t n)
{
	const struct tv_value *needs = tv_map_get(c->body, "needs");
	uint32_t k = 0;

	for (uint32_t i = 0; needs && needs->type == TV_ARRAY && i < needs->len;
	    i++)
		k += needs->items[i].type == TV_MAP;
	tv_w_array(w, k);
	for (uint32_t i = 0; k > 0 && i < needs->len; i++) {
		const struct tv_value *need = &needs->items[i], *type;
		if (need->type != TV_MAP)
			continue;
		type = tv_map_get(need, "type");
		tv_w_map(w, 4);
		tv_w_cstr(w, "text");
		put_str_or_nil(w, tv_map_get(need, "text"));
		tv_w_cstr(w, "type");
		put_str_or_nil(w, type);
		tv_w_cstr(w, "helpers");
		put_whos(w, g, n, type && type->type == TV_STR ?
		    (const char *)type->bytes : "", type ? type->len : 0, true);
		tv_w_cstr(w, "seekers");
		put_whos(w, g, n, type && type->type == TV_STR ?
		    (const char *)type->bytes : "", type ? type->len : 0, false);
	}
}

/* The types an association seeks, as codes. */
static void
put_seeking(struct tv_w *w, const struct tv_value *seeking)
{
	uint32_t k = 0;

	for (uint32_t i = 0; seeking && seeking->type == TV_ARRAY &&
	    i < seeking->len; i++)
		k += seeking->items[i].type == TV_MAP;
	tv_w_array(w, k);
	for (uint32_t i = 0; k > 0 && i < seeking->len; i++)
		if (seeking->items[i].type == TV_MAP)
			put_str_or_nil(w, tv_map_get(&seeking->items[i], "type"));
}

/* One item in canonical key order (shorter keys first, then bytewise). */
static void
put_cand(struct match *m, struct tv_w *w, const struct cand *c,
    const struct cand *g, size_t n)
{
	const struct tv_value *v;
	char area[TV_AREA_TEXT_LEN + 1];

	tv_w_map(w, 13);
	tv_w_cstr(w, "own");
	tv_w_bool(w, memcmp(c->r.origin, m->own, TV_PK_LEN) == 0);
	tv_w_cstr(w, "ref");
	ctl_put_ref(w, c->r.origin, c->r.id);
	tv_w_cstr(w, "area");
	tv_area_text(c->r.origin, area);
	tv_w_cstr(w, area);
	tv_w_cstr(w, "kind");
	tv_w_cstr(w, c->key.is_project ? "project" : "association");
	tv_w_cstr(w, "needs");
	if (c->key.is_project)
		put_needs(w, c, g, n);
	else
		tv_w_nil(w);
	tv_w_cstr(w, "title");
	tv_w_cstr(w, c->title);
	tv_w_cstr(w, "status");
	put_str_or_nil(w, tv_map_get(c->body, "status"));
	tv_w_cstr(w, "overlap");
	tv_w_uint(w, c->key.overlap);
	tv_w_cstr(w, "seeking");
	if (c->key.is_project)
		tv_w_nil(w);
	else
		put_seeking(w, tv_map_get(c->body, "seeking"));
	tv_w_cstr(w, "area_name");
	tv_w_cstr(w, c->area->name);
	tv_w_cstr(w, "distance_m");
	tv_w_uint(w, c->key.distance_m);
	tv_w_cstr(w, "board_vacant");
	v = tv_map_get(c->body, "board_vacant");
	if (v != NULL && v->type == TV_UINT)
		tv_w_uint(w, v->u);
	else
		tv_w_nil(w);
	tv_w_cstr(w, "shelved_reason");
	put_str_or_nil(w, tv_map_get(c->body, "shelved_reason"));
}

/* A finished group, waiting to be ordered against the others. */
struct group {
	size_t interest;	/* index into m->interests */
	size_t others;		/* items shown from other areas */
	uint8_t *frame;		/* the encoded item value */
	size_t frame_len;
};

static int
group_cmp(const void *a, const void *b)
{
	const struct group *x = a, *y = b;

	if (x->others != y->others)
		return x->others > y->others ? -1 : 1;
	return x->interest < y->interest ? -1 : x->interest > y->interest;
}

/* The distinct areas of n candidates: the pooling a group offers. */
static uint64_t
count_areas(const struct cand *c, size_t n)
{
	uint64_t areas = 0;

	for (size_t i = 0; i < n; i++) {
		size_t j = 0;
		while (j < i && c[j].area != c[i].area)
			j++;
		areas += j == i;
	}
	return areas;
}

/* The projects of n candidates, or only the shelved ones. */
static uint64_t
count_projects(const struct cand *c, size_t n, bool only_shelved)
{
	uint64_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += c[i].key.is_project && (!only_shelved ||
		    tv_str_eq(tv_map_get(c[i].body, "status"), "shelved"));
	return k;
}

static int
near_cmp(const void *a, const void *b)
{
	const struct near *x = a, *y = b;

	if (x->distance_m != y->distance_m)
		return x->distance_m < y->distance_m ? -1 : 1;
	return memcmp(x->origin, y->origin, TV_PK_LEN);
}

/*
 * Collects, ranks and encodes the group for interest i. Areas come nearest
 * first, so once GROUP_MAX candidates are in hand and the next area is
 * farther than the last, every later candidate would rank below them: the
 * walk stops there, and the cost follows what is shown, not what is near.
 */
static int
build_group(struct match *m, size_t i, struct group *out)
{
	struct tv_w w;
	size_t shown;
	int rc;

	memset(out, 0, sizeof(*out));
	out->interest = i;
	for (size_t a = 0; a < m->n_near; a++) {
		if (m->n_cands >= GROUP_MAX &&
		    m->near[a].distance_m > m->near[a - 1].distance_m)
			break;
		m->cur_area = &m->near[a];
		if ((rc = attrs_interest_records(m->req->d->store,
		    m->interests[i], m->near[a].origin, add_cand, m)) != 0)
			return rc;
	}
	if (m->n_cands == 0)
		return 0;	/* qsort may not be given NULL, even for 0 items */
	qsort(m->cands, m->n_cands, sizeof(m->cands[0]), cand_cmp);
	shown = m->n_cands < GROUP_MAX ? m->n_cands : GROUP_MAX;
	for (size_t k = 0; k < shown; k++)
		out->others += memcmp(m->cands[k].r.origin, m->own,
		    TV_PK_LEN) != 0;
	if (out->others == 0)
		return 0;
	tv_w_init(&w, TV_CTL_FRAME_MAX / 2);
	tv_w_map(&w, 5);
	tv_w_cstr(&w, "areas");
	tv_w_uint(&w, count_areas(m->cands, shown));
	tv_w_cstr(&w, "items");
	tv_w_array(&w, (uint32_t)shown);
	for (size_t k = 0; k < shown; k++)
		put_cand(m, &w, &m->cands[k], m->cands, shown);
	tv_w_cstr(&w, "shelved");
	tv_w_uint(&w, count_projects(m->cands, shown, true));
	tv_w_cstr(&w, "interest");
	tv_w_cstr(&w, m->interests[i]);
	tv_w_cstr(&w, "projects");
	tv_w_uint(&w, count_projects(m->cands, shown, false));
	return tv_w_finish(&w, &out->frame, &out->frame_len);
}

static int
parse_args(struct match *m)
{
	struct ctl_req *req = m->req;
	const struct tv_value *within = tv_map_get(req->in->args, "within");
	char text[1024];
	const char *p = text, *item;
	size_t n;
	int rc;

	m->within_m = WITHIN_DEFAULT_KM * 1000;
	if (within != NULL) {
		if (within->type != TV_UINT || within->u == 0 ||
		    within->u > WITHIN_MAX_KM) {
			snprintf(req->msg, sizeof(req->msg), "argument 'within' "
			    "must be a whole number of kilometres from 1 to %d",
			    WITHIN_MAX_KM);
			return TV_EMALFORMED;
		}
		m->within_m = (uint32_t)within->u * 1000;
	}
	rc = ctl_arg_str(req, "interests", false, text, sizeof(text));
	if (rc == TV_ENOTFOUND)
		return attrs_origin_interests(req->d->store, m->own,
		    add_interest, m);
	if (rc != 0)
		return rc;
	while (tv_list_next(&p, &item, &n)) {
		if (n == 0)
			continue;
		if (m->n_interests == INTERESTS_MAX ||
		    n >= sizeof(m->interests[0])) {
			snprintf(req->msg, sizeof(req->msg), "at most %d "
			    "interests of at most 63 bytes", INTERESTS_MAX);
			return TV_ETOOBIG;
		}
		memcpy(m->interests[m->n_interests], item, n);
		m->interests[m->n_interests++][n] = 0;
	}
	return 0;
}

static int
run_match(struct match *m)
{
	struct ctl_req *req = m->req;
	struct group groups[INTERESTS_MAX];
	size_t n_groups = 0;
	int rc;

	if ((rc = parse_args(m)) != 0)
		return rc;
	if (m->n_interests == 0) {
		snprintf(req->msg, sizeof(req->msg), "this area's associations "
		    "and projects list no interests; add some, or give "
		    "--interests CODE");
		return TV_ENOTFOUND;
	}
	if ((rc = ctl_here(req, &m->here)) != 0)
		return rc;
	if ((rc = attrs_places(req->d->store, add_near, m)) != 0)
		return rc;
	if (m->n_near > 0)
		qsort(m->near, m->n_near, sizeof(m->near[0]), near_cmp);
	m->wanted = (struct tv_value){ .type = TV_ARRAY,
	    .len = (uint32_t)m->n_interests, .items = m->wanted_items };
	for (size_t i = 0; i < m->n_interests; i++)
		tv_set_str(&m->wanted_items[i], m->interests[i],
		    strlen(m->interests[i]));
	for (size_t i = 0; i < m->n_interests && rc == 0; i++) {
		rc = build_group(m, i, &groups[n_groups]);
		cands_free(m);
		if (rc == 0 && groups[n_groups].frame != NULL)
			n_groups++;
	}
	if (n_groups > 0)
		qsort(groups, n_groups, sizeof(groups[0]), group_cmp);
	for (size_t i = 0; i < n_groups; i++) {
		long start = rc == 0 ? tv_ctl_item_begin(req->out) : -1;
		if (start >= 0) {
			tv_w_raw(req->out, groups[i].frame, groups[i].frame_len);
			rc = tv_ctl_frame_end(req->out, start);
		} else if (rc == 0) {
			rc = (int)start;
		}
		free(groups[i].frame);
	}
	if (rc == 0)
		snprintf(req->msg, sizeof(req->msg), "%zu shared interests "
		    "within %u km", n_groups, m->within_m / 1000);
	return rc;
}

int
ctl_here(struct ctl_req *req, struct tv_point *out)
{
	int rc = attrs_place_of(req->d->store, req->d->area.kp.pk, out);

	if (rc == TV_ENOTFOUND)
		snprintf(req->msg, sizeof(req->msg), "this area has no place "
		    "yet; give it one with `tvaers set area --municipality "
		    "CODE` or `--location LAT,LON`");
	return rc;
}

void
ctl_text_of(const struct tv_value *v, char *out, size_t outlen)
{
	bool is_str = v != NULL && v->type == TV_STR;

	snprintf(out, outlen, "%.*s", is_str ? (int)v->len : 0,
	    is_str ? (const char *)v->bytes : "");
}

void
ctl_put_ref(struct tv_w *w, const uint8_t origin[static TV_PK_LEN],
    const uint8_t id[static TV_ID_LEN])
{
	char text[TV_AREA_TEXT_LEN + TV_ID_TEXT_LEN + 2];

	tv_area_text(origin, text);
	text[TV_AREA_TEXT_LEN] = ':';
	tv_id_text(id, text + TV_AREA_TEXT_LEN + 1);
	tv_w_cstr(w, text);
}

int
ctl_op_match(struct ctl_req *req)
{
	struct match m = { .req = req, .own = req->d->area.kp.pk };
	int rc = run_match(&m);

	cands_free(&m);
	free(m.cands);
	free(m.near);
	if (rc != 0 && req->msg[0] == 0)
		snprintf(req->msg, sizeof(req->msg), "match failed: %s",
		    tv_strerror(rc));
	return rc;
}
