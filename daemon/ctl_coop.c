/*
 * networks and boards (ctl_match.h). A network's member is confirmed when
 * the network lists it and the member's own area holds a membership record
 * naming both (DATAMODEL.md §4.1): only an origin can write its records,
 * so the two sides cannot be claimed by one. Boards read this area's role
 * records, which are local-only; the answer goes to the local CLI only.
 */
#include "ctl_coop.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "attrs.h"
#include "ctl_match.h"
#include "daemon.h"
#include "err.h"
#include "kinds.h"
#include "record.h"

#define NAME_MAX_BYTES 256
#define PERSON_BOARDS_MAX 16

/* A reference [origin, id] as the model stores it. */
struct ref {
	uint8_t origin[TV_PK_LEN];
	uint8_t id[TV_ID_LEN];
};

static bool
ref_of(const struct tv_value *v, struct ref *out)
{
	if (v == NULL || v->type != TV_ARRAY || v->len != 2 ||
	    v->items[0].type != TV_BIN || v->items[0].len != TV_PK_LEN ||
	    v->items[1].type != TV_BIN || v->items[1].len != TV_ID_LEN)
		return false;
	memcpy(out->origin, v->items[0].bytes, TV_PK_LEN);
	memcpy(out->id, v->items[1].bytes, TV_ID_LEN);
	return true;
}

static bool
ref_eq(const struct ref *a, const struct ref *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

static void
put_ref(struct tv_w *w, const struct ref *r)
{
	ctl_put_ref(w, r->origin, r->id);
}

/* Growable array of fixed-size items. */
struct vec {
	void *p;
	size_t n, cap, size;
};

static void *
vec_push(struct vec *v)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 16;
		void *p = realloc(v->p, cap * v->size);
		if (p == NULL)
			return NULL;
		v->p = p;
		v->cap = cap;
	}
	memset((char *)v->p + v->n * v->size, 0, v->size);
	return (char *)v->p + v->n++ * v->size;
}

/* Decodes a stored record's body; returns NULL for tombstones and junk. */
static const struct tv_value *
open_body(const uint8_t *raw, size_t len, struct tv_record *r,
    struct tv_doc **doc)
{
	const struct tv_value *body;

	*doc = NULL;
	if (tv_record_decode(raw, len, r) != 0 || r->body_len == 0 ||
	    tv_decode(r->body, r->body_len, doc, &body) != 0)
		return NULL;
	if (body->type != TV_MAP) {
		tv_doc_free(*doc);
		*doc = NULL;
		return NULL;
	}
	return body;
}

/* Walks every live record of kind (all pages); cb gets the decoded body. */
typedef int body_cb(void *arg, const struct tv_record *r,
    const struct tv_value *body);
struct walk {
	body_cb *cb;
	void *arg;
	int err;
};

static int
walk_row(void *arg, const uint8_t *raw, size_t len, bool is_local)
{
	struct walk *wk = arg;
	struct tv_record r;
	struct tv_doc *doc;
	const struct tv_value *body = open_body(raw, len, &r, &doc);

	(void)is_local;
	if (body != NULL)
		wk->err = wk->cb(wk->arg, &r, body);
	tv_doc_free(doc);
	return wk->err;
}

static int
walk_kind(struct store *s, const char *kind, body_cb *cb, void *arg)
{
	struct store_query q = { .kind = kind };
	struct store_cursor cur = { 0 };
	struct walk wk = { cb, arg, 0 };
	long rows = store_list(s, &q, &cur, 0, walk_row, &wk);

	return rows < 0 ? (int)rows : wk.err;
}

/* ---- networks ---------------------------------------------------------- */

struct claim {			/* a membership record: the member's side */
	uint8_t origin[TV_PK_LEN];
	struct ref network, member;
};

struct place {
	uint8_t origin[TV_PK_LEN];
	char name[128];
	int municipality;
};

struct coop {
	struct ctl_req *req;
	struct vec claims;	/* struct claim */
	struct vec places;	/* struct place, in origin order */
	int err;
};

static int
add_claim(void *arg, const struct tv_record *r, const struct tv_value *body)
{
	struct coop *c = arg;
	struct claim cl;

	if (!ref_of(tv_map_get(body, "network"), &cl.network) ||
	    !ref_of(tv_map_get(body, "member"), &cl.member))
		return 0;
	memcpy(cl.origin, r->origin, TV_PK_LEN);
	struct claim *p = vec_push(&c->claims);
	if (p == NULL)
		return TV_ENOMEM;
	*p = cl;
	return 0;
}

static int
add_place(void *arg, const struct attrs_place *p)
{
	struct coop *c = arg;
	struct place *pl = vec_push(&c->places);

	if (pl == NULL)
		return TV_ENOMEM;
	memcpy(pl->origin, p->origin, TV_PK_LEN);
	snprintf(pl->name, sizeof(pl->name), "%s", p->name);
	pl->municipality = p->municipality;
	return 0;
}

static int
place_cmp(const void *key, const void *elem)
{
	return memcmp(key, ((const struct place *)elem)->origin, TV_PK_LEN);
}

static const struct place *
place_of(struct coop *c, const uint8_t origin[static TV_PK_LEN])
{
	if (c->places.n == 0)
		return NULL;	/* bsearch may not be given NULL */
	return bsearch(origin, c->places.p, c->places.n, sizeof(struct place),
	    place_cmp);
}

/* True if the member's own area wrote a membership naming network and member. */
static bool
is_claimed(struct coop *c, const struct ref *network, const struct ref *member)
{
	const struct claim *cl = c->claims.p;

	for (size_t i = 0; i < c->claims.n; i++)
		if (memcmp(cl[i].origin, member->origin, TV_PK_LEN) == 0 &&
		    ref_eq(&cl[i].network, network) &&
		    ref_eq(&cl[i].member, member))
			return true;
	return false;
}

/* The title and kind of a held record, or empty strings. */
static void
describe(struct coop *c, const struct ref *r, char *title, size_t title_len,
    char *kind, size_t kind_len)
{
	struct tv_record rec;
	struct tv_doc *doc;
	const struct tv_value *body;
	const struct tv_kind *k;
	uint8_t *raw;
	size_t len;

	title[0] = kind[0] = 0;
	if (store_get(c->req->d->store, r->origin, r->id, &raw, &len, NULL))
		return;
	if ((body = open_body(raw, len, &rec, &doc)) != NULL) {
		k = tv_kind_by_wire(rec.kind, rec.kind_len);
		snprintf(kind, kind_len, "%.*s", (int)rec.kind_len, rec.kind);
		ctl_text_of(tv_map_get(body, k && k->title_field ? k->title_field :
		    "name"), title, title_len);
	}
	tv_doc_free(doc);
	free(raw);
}

static void
put_member(struct coop *c, struct tv_w *w, const struct ref *network,
    const struct ref *member, bool is_listed)
{
	const struct place *pl = place_of(c, member->origin);
	char title[NAME_MAX_BYTES], kind[TV_KIND_MAX + 1];

	describe(c, member, title, sizeof(title), kind, sizeof(kind));
	tv_w_map(w, 7);
	tv_w_cstr(w, "ref");
	put_ref(w, member);
	tv_w_cstr(w, "kind");
	kind[0] ? tv_w_cstr(w, kind) : tv_w_nil(w);
	tv_w_cstr(w, "title");
	title[0] ? tv_w_cstr(w, title) : tv_w_nil(w);
	tv_w_cstr(w, "listed");
	tv_w_bool(w, is_listed);
	tv_w_cstr(w, "area_name");
	pl ? tv_w_cstr(w, pl->name) : tv_w_nil(w);
	tv_w_cstr(w, "confirmed");
	tv_w_bool(w, is_listed && is_claimed(c, network, member));
	tv_w_cstr(w, "municipality");
	pl && pl->municipality ? tv_w_uint(w, (uint64_t)pl->municipality) :
	    tv_w_nil(w);
}

static bool
listed_in(const struct tv_value *members, const struct ref *r)
{
	struct ref m;

	for (uint32_t i = 0; members && members->type == TV_ARRAY &&
	    i < members->len; i++)
		if (ref_of(&members->items[i], &m) && ref_eq(&m, r))
			return true;
	return false;
}

/* Distinct municipalities of the members' areas, claims included. */
static uint32_t
municipalities(struct coop *c, const struct ref *members, size_t n, int *out)
{
	uint32_t k = 0;

	for (size_t i = 0; i < n; i++) {
		const struct place *pl = place_of(c, members[i].origin);
		bool seen = false;
		if (pl == NULL || pl->municipality == 0)
			continue;
		for (uint32_t j = 0; j < k; j++)
			seen |= out[j] == pl->municipality;
		if (!seen)
			out[k++] = pl->municipality;
	}
	return k;
}

static int
put_network(void *arg, const struct tv_record *r, const struct tv_value *body)
{
	struct coop *c = arg;
	const struct tv_value *listed = tv_map_get(body, "members");
	const struct claim *cl = c->claims.p;
	const struct place *own = place_of(c, r->origin);
	struct ref net, all[256];
	int codes[256];
	size_t n = 0, n_listed;
	uint32_t n_codes;
	struct tv_w *w = c->req->out;
	long start;

	memcpy(net.origin, r->origin, TV_PK_LEN);
	memcpy(net.id, r->id, TV_ID_LEN);
	for (uint32_t i = 0; listed && listed->type == TV_ARRAY &&
	    i < listed->len && n < 128; i++)
		n += ref_of(&listed->items[i], &all[n]);
	n_listed = n;
	/* Claims the network's owner has not listed (yet) are shown too. */
	for (size_t i = 0; i < c->claims.n && n < 256; i++)
		if (ref_eq(&cl[i].network, &net) &&
		    memcmp(cl[i].origin, cl[i].member.origin, TV_PK_LEN) == 0 &&
		    !listed_in(listed, &cl[i].member))
			all[n++] = cl[i].member;
	n_codes = municipalities(c, all, n, codes);
	if ((start = tv_ctl_item_begin(w)) < 0)
		return (int)start;
	tv_w_map(w, 6);
	tv_w_cstr(w, "ref");
	put_ref(w, &net);
	tv_w_cstr(w, "name");
	{
		char name[NAME_MAX_BYTES];
		ctl_text_of(tv_map_get(body, "name"), name, sizeof(name));
		tv_w_cstr(w, name);
	}
	tv_w_cstr(w, "members");
	tv_w_array(w, (uint32_t)n);
	for (size_t i = 0; i < n; i++)
		put_member(c, w, &net, &all[i], i < n_listed);
	tv_w_cstr(w, "area_name");
	own ? tv_w_cstr(w, own->name) : tv_w_nil(w);
	tv_w_cstr(w, "municipalities");
	tv_w_array(w, n_codes);
	for (uint32_t i = 0; i < n_codes; i++)
		tv_w_uint(w, (uint64_t)codes[i]);
	tv_w_cstr(w, "crosses_municipalities");
	tv_w_bool(w, n_codes > 1);
	return tv_ctl_frame_end(w, start);
}

int
ctl_op_networks(struct ctl_req *req)
{
	struct coop c = { .req = req,
	    .claims = { .size = sizeof(struct claim) },
	    .places = { .size = sizeof(struct place) } };
	int rc;

	if ((rc = walk_kind(req->d->store, "membership", add_claim, &c)) == 0 &&
	    (rc = attrs_places(req->d->store, add_place, &c)) == 0)
		rc = walk_kind(req->d->store, "network", put_network, &c);
	free(c.claims.p);
	free(c.places.p);
	if (rc != 0)
		snprintf(req->msg, sizeof(req->msg), "cannot list networks: %s",
		    tv_strerror(rc));
	return rc;
}

/* ---- boards ------------------------------------------------------------ */

static const char *const board_roles[] = {
	"chair", "vice_chair", "treasurer", "secretary", "board_member",
};

struct person {
	char key[NAME_MAX_BYTES];	/* the person field, else the name */
	char name[NAME_MAX_BYTES];
	struct ref boards[PERSON_BOARDS_MAX];
	size_t n_boards;
};

struct seat {			/* one of this area's associations */
	struct ref ref;
	char title[NAME_MAX_BYTES];
	int64_t seats, vacant;	/* -1: not given */
	uint32_t filled;
};

struct boards {
	const uint8_t *own;
	char today[11];
	struct vec people;	/* struct person */
	struct vec seats;	/* struct seat */
};

static bool
is_board_role(const struct tv_value *role)
{
	for (size_t i = 0; i < sizeof(board_roles) / sizeof(board_roles[0]); i++)
		if (tv_str_eq(role, board_roles[i]))
			return true;
	return false;
}

/* A role whose "to" date has passed no longer counts. */
static bool
is_current(const struct boards *b, const struct tv_value *body)
{
	const struct tv_value *to = tv_map_get(body, "to");
	char date[11];

	if (to == NULL || to->type != TV_STR)
		return true;
	ctl_text_of(to, date, sizeof(date));
	return strcmp(date, b->today) >= 0;
}

static int64_t
int_field(const struct tv_value *body, const char *name)
{
	const struct tv_value *v = tv_map_get(body, name);

	return v && v->type == TV_UINT && v->u <= INT64_MAX ? (int64_t)v->u : -1;
}

static int
add_seat(void *arg, const struct tv_record *r, const struct tv_value *body)
{
	struct boards *b = arg;
	struct seat *s;

	if (memcmp(r->origin, b->own, TV_PK_LEN) != 0)
		return 0;
	if ((s = vec_push(&b->seats)) == NULL)
		return TV_ENOMEM;
	memcpy(s->ref.origin, r->origin, TV_PK_LEN);
	memcpy(s->ref.id, r->id, TV_ID_LEN);
	ctl_text_of(tv_map_get(body, "name"), s->title, sizeof(s->title));
	s->seats = int_field(body, "board_seats");
	s->vacant = int_field(body, "board_vacant");
	return 0;
}

static struct seat *
seat_of(struct boards *b, const struct ref *r)
{
	struct seat *s = b->seats.p;

	for (size_t i = 0; i < b->seats.n; i++)
		if (ref_eq(&s[i].ref, r))
			return &s[i];
	return NULL;
}

static struct person *
person_of(struct boards *b, const char *key, const char *name)
{
	struct person *p = b->people.p;

	for (size_t i = 0; i < b->people.n; i++)
		if (strcmp(p[i].key, key) == 0)
			return &p[i];
	if ((p = vec_push(&b->people)) == NULL)
		return NULL;
	snprintf(p->key, sizeof(p->key), "%s", key);
	snprintf(p->name, sizeof(p->name), "%s", name);
	return p;
}

static int
add_role(void *arg, const struct tv_record *r, const struct tv_value *body)
{
	struct boards *b = arg;
	char key[NAME_MAX_BYTES], name[NAME_MAX_BYTES];
	struct person *p;
	struct seat *s;
	struct ref assoc;
	bool seen = false;

	if (memcmp(r->origin, b->own, TV_PK_LEN) != 0 ||
	    !is_board_role(tv_map_get(body, "role")) || !is_current(b, body) ||
	    !ref_of(tv_map_get(body, "association"), &assoc))
		return 0;
	ctl_text_of(tv_map_get(body, "name"), name, sizeof(name));
	ctl_text_of(tv_map_get(body, "person"), key, sizeof(key));
	if ((p = person_of(b, key[0] ? key : name, name)) == NULL)
		return TV_ENOMEM;
	for (size_t i = 0; i < p->n_boards; i++)
		seen |= ref_eq(&p->boards[i], &assoc);
	if (seen || p->n_boards == PERSON_BOARDS_MAX)
		return 0;
	p->boards[p->n_boards++] = assoc;
	if ((s = seat_of(b, &assoc)) != NULL)
		s->filled++;
	return 0;
}

static void
put_int_or_nil(struct tv_w *w, int64_t v)
{
	v >= 0 ? tv_w_uint(w, (uint64_t)v) : tv_w_nil(w);
}

static void
put_people(struct boards *b, struct tv_w *w)
{
	const struct person *p = b->people.p;
	uint32_t n = 0;

	for (size_t i = 0; i < b->people.n; i++)
		n += p[i].n_boards > 1;
	tv_w_array(w, n);
	for (size_t i = 0; i < b->people.n; i++) {
		if (p[i].n_boards < 2)
			continue;
		tv_w_map(w, 3);
		tv_w_cstr(w, "name");
		tv_w_cstr(w, p[i].name);
		tv_w_cstr(w, "boards");
		tv_w_uint(w, p[i].n_boards);
		tv_w_cstr(w, "associations");
		tv_w_array(w, (uint32_t)p[i].n_boards);
		for (size_t j = 0; j < p[i].n_boards; j++) {
			struct seat *s = seat_of(b, &p[i].boards[j]);
			if (s != NULL && s->title[0])
				tv_w_cstr(w, s->title);
			else
				put_ref(w, &p[i].boards[j]);
		}
	}
}

static bool
has_vacancy(const struct seat *s)
{
	return s->vacant > 0 || (s->seats > 0 && s->filled < s->seats);
}

static void
put_seats(struct boards *b, struct tv_w *w)
{
	const struct seat *s = b->seats.p;
	uint32_t n = 0;

	for (size_t i = 0; i < b->seats.n; i++)
		n += has_vacancy(&s[i]);
	tv_w_array(w, n);
	for (size_t i = 0; i < b->seats.n; i++) {
		if (!has_vacancy(&s[i]))
			continue;
		tv_w_map(w, 5);
		tv_w_cstr(w, "ref");
		put_ref(w, &s[i].ref);
		tv_w_cstr(w, "title");
		tv_w_cstr(w, s[i].title);
		tv_w_cstr(w, "filled");
		tv_w_uint(w, s[i].filled);
		tv_w_cstr(w, "board_seats");
		put_int_or_nil(w, s[i].seats);
		tv_w_cstr(w, "board_vacant");
		put_int_or_nil(w, s[i].vacant);
	}
}

int
ctl_op_boards(struct ctl_req *req)
{
	struct boards b = { .own = req->d->area.kp.pk,
	    .people = { .size = sizeof(struct person) },
	    .seats = { .size = sizeof(struct seat) } };
	time_t now = time(NULL);
	struct tm tm;
	long start;
	int rc;

	gmtime_r(&now, &tm);
	strftime(b.today, sizeof(b.today), "%Y-%m-%d", &tm);
	if ((rc = walk_kind(req->d->store, "association", add_seat, &b)) == 0 &&
	    (rc = walk_kind(req->d->store, "role", add_role, &b)) == 0 &&
	    (start = tv_ctl_item_begin(req->out)) >= 0) {
		tv_w_map(req->out, 2);
		tv_w_cstr(req->out, "people");
		put_people(&b, req->out);
		tv_w_cstr(req->out, "associations");
		put_seats(&b, req->out);
		rc = tv_ctl_frame_end(req->out, start);
	}
	free(b.people.p);
	free(b.seats.p);
	if (rc != 0)
		snprintf(req->msg, sizeof(req->msg), "cannot read board roles: "
		    "%s", tv_strerror(rc));
	return rc;
}
