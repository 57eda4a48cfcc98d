#include "ctl_records.h"
#include "ctl_peers.h"
#include "ctl_areas.h"
#include "ctl_events.h"
#include "ctl_import.h"
#include "ctl_search.h"
#include "ctl_coop.h"
#include "ctl_match.h"
#include "ctl_where.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon.h"
#include "err.h"
#include "kinds.h"
#include "net.h"
#include "record.h"
#include "sync.h"

#define LIST_PAGE 256		/* records per page of a streamed listing */
#define FILTER_MAX 16		/* interests in one --interests filter */

/* Appends one record item: {"raw": bin, "local": bool} (canonical order). */
static int
put_record_item(struct tv_w *w, const uint8_t *raw, size_t len, bool is_local)
{
	long start = tv_ctl_item_begin(w);

	if (start < 0)
		return (int)start;
	tv_w_map(w, 2);
	tv_w_cstr(w, "raw");
	tv_w_bin(w, raw, len);
	tv_w_cstr(w, "local");
	tv_w_bool(w, is_local);
	return tv_ctl_frame_end(w, start);
}

static int
reply_written(struct ctl_req *req, struct area_written *wr, const char *verb)
{
	int rc = put_record_item(req->out, wr->raw, wr->len, wr->is_local);
	free(wr->raw);
	if (rc == 0)
		snprintf(req->msg, sizeof(req->msg), "%s", verb);
	return rc;
}

static int
op_status(struct ctl_req *req)
{
	struct tvaersd *d = req->d;
	struct store_stats all, own;
	struct tv_value root, kv[34];
	size_t connected = 0, known = 0;
	char name[512];
	size_t n = 0;
	int rc;

	if ((rc = store_stats(d->store, NULL, &all)) != 0 ||
	    (rc = store_stats(d->store, d->area.kp.pk, &own)) != 0) {
		snprintf(req->msg, sizeof(req->msg), "cannot read the store: %s",
		    tv_strerror(rc));
		return rc;
	}
	area_name(&d->area, name, sizeof(name));
	memset(kv, 0, sizeof(kv));
#define KV_STR(k, s) do { tv_set_str(&kv[2 * n], k, strlen(k)); \
	tv_set_str(&kv[2 * n + 1], s, strlen(s)); n++; } while (0)
#define KV_INT(k, i) do { tv_set_str(&kv[2 * n], k, strlen(k)); \
	tv_set_int(&kv[2 * n + 1], (int64_t)(i)); n++; } while (0)
	KV_STR("area", d->area.id_text);
	if (name[0])
		KV_STR("name", name);
	else {
		tv_set_str(&kv[2 * n], "name", 4);
		kv[2 * n + 1].type = TV_NIL;
		n++;
	}
	KV_INT("records", all.records);
	KV_INT("own_records", own.records);
	KV_INT("local_records", all.local);
	KV_INT("tombstones", all.tombstones);
	KV_STR("version", PROJECT_VERSION);
	KV_INT("pid", getpid());
	KV_INT("uptime", time(NULL) - d->started);
	KV_STR("data_dir", d->conf.data_dir);
	KV_INT("db_bytes", all.db_bytes);
	if (d->net != NULL)
		net_counts(d->net, &connected, &known);
	KV_INT("peers_connected", connected);
	KV_INT("peers_known", known);
	KV_INT("reconciling", d->net ? sync_reconciling(d) : 0);
	KV_INT("last_reconciled", d->sync.last_reconciled);
	KV_INT("records_received", d->sync.received);
	KV_INT("records_sent", d->sync.sent);
#undef KV_STR
#undef KV_INT
	memset(&root, 0, sizeof(root));
	root.type = TV_MAP;
	root.len = (uint32_t)n;
	root.items = kv;
	long start = tv_ctl_item_begin(req->out);
	if (start < 0)
		return (int)start;
	if ((rc = tv_encode(req->out, &root)) != 0)
		return rc;
	return tv_ctl_frame_end(req->out, start);
}

static int
op_id(struct ctl_req *req)
{
	long start = tv_ctl_item_begin(req->out);

	if (start < 0)
		return (int)start;
	tv_w_map(req->out, 1);
	tv_w_cstr(req->out, "area");
	tv_w_cstr(req->out, req->d->area.id_text);
	return tv_ctl_frame_end(req->out, start);
}

static const struct tv_value *
arg_fields(struct ctl_req *req)
{
	const struct tv_value *f = tv_map_get(req->in->args, "fields");

	if (f == NULL || f->type != TV_MAP) {
		snprintf(req->msg, sizeof(req->msg), "argument 'fields' must be "
		    "a map of field names to text");
		return NULL;
	}
	return f;
}

static int
op_add(struct ctl_req *req)
{
	const struct tv_value *fields;
	struct area_written wr;
	char kind[64];
	int rc;

	if ((rc = ctl_arg_str(req, "kind", true, kind, sizeof(kind))) != 0)
		return rc;
	if ((fields = arg_fields(req)) == NULL)
		return TV_EMALFORMED;
	rc = area_add(&req->d->area, kind, fields, &wr, req->msg,
	    sizeof(req->msg));
	return rc ? rc : reply_written(req, &wr, "added");
}

static int
op_add_batch(struct ctl_req *req)
{
	const struct tv_value *items = tv_map_get(req->in->args, "items");
	char kind[64];
	size_t added;
	int rc;

	if ((rc = ctl_arg_str(req, "kind", true, kind, sizeof(kind))) != 0)
		return rc;
	if (items == NULL || items->type != TV_ARRAY) {
		snprintf(req->msg, sizeof(req->msg), "argument 'items' must be "
		    "an array of field maps");
		return TV_EMALFORMED;
	}
	rc = area_add_batch(&req->d->area, kind, items, &added, req->msg,
	    sizeof(req->msg));
	if (rc == 0)
		snprintf(req->msg, sizeof(req->msg), "%zu records added", added);
	return rc;
}

/* Resolves the "ref" argument into the record's key. */
static int
arg_ref(struct ctl_req *req, uint8_t origin[static TV_PK_LEN],
    uint8_t id[static TV_ID_LEN])
{
	char ref[TV_AREA_TEXT_LEN + TV_ID_TEXT_LEN + 2];
	int rc;

	if ((rc = ctl_arg_str(req, "ref", true, ref, sizeof(ref))) != 0)
		return rc;
	return area_resolve(&req->d->area, ref, origin, id, req->msg,
	    sizeof(req->msg));
}

static int
op_set(struct ctl_req *req)
{
	uint8_t origin[TV_PK_LEN], id[TV_ID_LEN];
	const struct tv_value *fields;
	struct area_written wr;
	int rc;

	if ((rc = arg_ref(req, origin, id)) != 0)
		return rc;
	if ((fields = arg_fields(req)) == NULL)
		return TV_EMALFORMED;
	rc = area_update(&req->d->area, origin, id, fields, &wr, req->msg,
	    sizeof(req->msg));
	return rc ? rc : reply_written(req, &wr, "changed");
}

static int
op_rm(struct ctl_req *req)
{
	uint8_t origin[TV_PK_LEN], id[TV_ID_LEN];
	struct area_written wr;
	int rc;

	if ((rc = arg_ref(req, origin, id)) != 0)
		return rc;
	rc = area_remove(&req->d->area, origin, id, &wr, req->msg,
	    sizeof(req->msg));
	return rc ? rc : reply_written(req, &wr, "deleted");
}

static int
op_show(struct ctl_req *req)
{
	uint8_t origin[TV_PK_LEN], id[TV_ID_LEN], *raw;
	size_t len;
	bool is_local;
	int rc;

	if ((rc = arg_ref(req, origin, id)) != 0)
		return rc;
	rc = store_get(req->d->store, origin, id, &raw, &len, &is_local);
	if (rc == TV_ENOTFOUND) {
		snprintf(req->msg, sizeof(req->msg), "%s",
		    memcmp(origin, req->d->area.kp.pk, TV_PK_LEN) == 0 ?
		    "this area has no profile yet; name it with `tvaers set "
		    "area --name NAME --kind KIND --municipality CODE`" :
		    "no such record");
		return rc;
	}
	if (rc != 0)
		return rc;
	rc = put_record_item(req->out, raw, len, is_local);
	free(raw);
	return rc;
}

/* A streamed listing: filters and where the next page starts. */
struct listing {
	char kind[TV_KIND_MAX + 1];
	char status[64];
	struct store_query q;
	struct store_cursor cur;
	char interests[FILTER_MAX][64];
	size_t n_interests;
	struct where where;
	struct tv_w *out;
	int err;
};

static void
listing_free(void *state)
{
	struct listing *l = state;

	where_free(&l->where);
	free(l);
}

/* True if the record's body lists one of the wanted interests. */
static bool
has_interest(const struct listing *l, const struct tv_record *r)
{
	const struct tv_value *body, *list;
	struct tv_doc *doc;
	bool found = false;

	if (r->body_len == 0 || tv_decode(r->body, r->body_len, &doc, &body))
		return false;
	list = body->type == TV_MAP ? tv_map_get(body, "interests") : NULL;
	for (uint32_t i = 0; list && list->type == TV_ARRAY && i < list->len &&
	    !found; i++)
		for (size_t j = 0; j < l->n_interests && !found; j++)
			found = tv_str_eq(&list->items[i], l->interests[j]);
	tv_doc_free(doc);
	return found;
}

static int
listing_row(void *arg, const uint8_t *raw, size_t len, bool is_local)
{
	struct listing *l = arg;
	struct tv_record r;

	if ((l->n_interests > 0 || where_any(&l->where)) &&
	    tv_record_decode(raw, len, &r) != 0)
		return 0;
	if (l->n_interests > 0 && !has_interest(l, &r))
		return 0;
	if (where_any(&l->where) && !where_pass(&l->where, &r))
		return 0;
	l->err = put_record_item(l->out, raw, len, is_local);
	return l->err;
}

static int
listing_more(struct ctl_req *req)
{
	struct listing *l = req->state;
	size_t before = req->out->buf.len;
	long rows;

	l->out = req->out;
	/*
	 * A filter may drop a whole page; keep going until there is something
	 * to send, since the next page is only asked for after a write.
	 */
	do {
		rows = store_list(req->d->store, &l->q, &l->cur, LIST_PAGE,
		    listing_row, l);
		if (rows < 0 || l->err != 0) {
			int rc = rows < 0 ? (int)rows : l->err;
			snprintf(req->msg, sizeof(req->msg), "listing failed: %s",
			    tv_strerror(rc));
			return rc;
		}
	} while (rows == LIST_PAGE && req->out->buf.len == before);
	return rows == LIST_PAGE ? 1 : 0;
}

/* Parses "a,b,c" into the listing's interest filter. */
static int
parse_interests(struct ctl_req *req, struct listing *l, const char *text)
{
	const char *p = text, *item;
	size_t n;

	while (tv_list_next(&p, &item, &n)) {
		if (n == 0)
			continue;
		if (l->n_interests == FILTER_MAX || n >= 64) {
			snprintf(req->msg, sizeof(req->msg), "at most %d "
			    "interests of at most 63 bytes in a filter",
			    FILTER_MAX);
			return TV_ETOOBIG;
		}
		memcpy(l->interests[l->n_interests], item, n);
		l->interests[l->n_interests++][n] = 0;
	}
	return 0;
}

/* Maps a status given as a code or a label to its code, for kind k. */
static int
normalise_status(struct ctl_req *req, const struct tv_kind *k, char *status,
    size_t len)
{
	const struct tv_field *f = k ? tv_kind_field(k, "status") : NULL;
	struct tv_value v;
	struct tv_doc *doc;
	char why[256];
	int rc;

	if (f == NULL)
		return 0;	/* kept as given; unknown kinds match literally */
	if ((doc = tv_doc_new()) == NULL)
		return TV_ENOMEM;
	rc = tv_field_parse(doc, f, status, &v, why, sizeof(why));
	if (rc != 0)
		snprintf(req->msg, sizeof(req->msg), "%s", why);
	else if (v.type == TV_STR && v.len < len)
		snprintf(status, len, "%.*s", (int)v.len, (const char *)v.bytes);
	tv_doc_free(doc);
	return rc;
}

static int
start_listing(struct ctl_req *req, bool is_export)
{
	const struct tv_value *del;
	const struct tv_kind *k = NULL;
	struct listing *l;
	char interests[1024];
	int rc;

	if ((l = calloc(1, sizeof(*l))) == NULL)
		return TV_ENOMEM;
	req->state = l;
	req->state_free = listing_free;
	if (!is_export) {
		rc = ctl_arg_str(req, "kind", false, l->kind,
		    sizeof(l->kind));
		if (rc == 0) {
			k = tv_kind_find(l->kind, strlen(l->kind));
			if (k != NULL)
				snprintf(l->kind, sizeof(l->kind), "%s", k->name);
			l->q.kind = l->kind;
		} else if (rc != TV_ENOTFOUND) {
			return rc;
		}
		rc = ctl_arg_str(req, "status", false, l->status,
		    sizeof(l->status));
		if (rc == 0) {
			if ((rc = normalise_status(req, k, l->status,
			    sizeof(l->status))) != 0)
				return rc;
			l->q.status = l->status;
		} else if (rc != TV_ENOTFOUND) {
			return rc;
		}
		rc = ctl_arg_str(req, "interests", false, interests,
		    sizeof(interests));
		if (rc == 0 && (rc = parse_interests(req, l, interests)) != 0)
			return rc;
		if (rc != 0 && rc != TV_ENOTFOUND)
			return rc;
		if ((rc = where_parse(req, &l->where)) != 0)
			return rc;
		del = tv_map_get(req->in->args, "deleted");
		l->q.with_deleted = del && del->type == TV_BOOL && del->b;
	} else {
		l->q.with_deleted = true;
	}
	rc = listing_more(req);
	if (rc > 0)
		req->more = listing_more;
	return rc < 0 ? rc : 0;
}

static int
op_list(struct ctl_req *req)
{
	return start_listing(req, false);
}

static int
op_export(struct ctl_req *req)
{
	return start_listing(req, true);
}

static const struct {
	const char *op;
	ctl_handler_fn *fn;
} handlers[] = {
	{ "status", op_status },
	{ "id", op_id },
	{ "add", op_add },
	{ "add_batch", op_add_batch },
	{ "set", op_set },
	{ "rm", op_rm },
	{ "show", op_show },
	{ "list", op_list },
	{ "export", op_export },
	{ "peers", ctl_op_peers },
	{ "peers_add", ctl_op_peers_add },
	{ "peers_rm", ctl_op_peers_rm },
	{ "invite", ctl_op_invite },
	{ "join", ctl_op_join },
	{ "areas", ctl_op_areas },
	{ "block", ctl_op_block },
	{ "unblock", ctl_op_unblock },
	{ "log", ctl_op_log },
	{ "events", ctl_op_events },
	{ "import", ctl_op_import },
	{ "search", ctl_op_search },
	{ "match", ctl_op_match },
	{ "networks", ctl_op_networks },
	{ "boards", ctl_op_boards },
};

ctl_handler_fn *
ctl_handler_find(const char *op, size_t op_len)
{
	for (size_t i = 0; i < sizeof(handlers) / sizeof(handlers[0]); i++)
		if (strlen(handlers[i].op) == op_len &&
		    memcmp(handlers[i].op, op, op_len) == 0)
			return handlers[i].fn;
	return NULL;
}

void
ctl_handler_names(char *out, size_t outlen)
{
	size_t len = 0;

	out[0] = 0;
	for (size_t i = 0; i < sizeof(handlers) / sizeof(handlers[0]); i++) {
		int n = snprintf(out + len, outlen - len, "%s%s", i ? ", " : "",
		    handlers[i].op);
		if (n < 0 || (size_t)n >= outlen - len)
			break;
		len += (size_t)n;
	}
}
