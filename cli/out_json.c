/*
 * Output for scripts: one JSON document (out_json), or JSON Lines for
 * export (out_jsonl), written with jansson. Keys are stable and never
 * depend on the language or the terminal. Listings stream: one array
 * element per line, so a long listing needs no memory for the whole.
 */
#include "out.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <utf8proc.h>

static struct {
	enum out_what what;
	size_t n_rows;
} doc;

static json_t *
checked(json_t *j)
{
	if (j == NULL) {
		fputs("tvaers: out of memory\n", stderr);
		abort();
	}
	return j;
}

/* A JSON string of len bytes; invalid UTF-8 (never in a canonical record) becomes U+FFFD. */
static json_t *
jstr(const void *p, size_t len)
{
	const uint8_t *s = p, *end = s + len;
	json_t *j = json_stringn(p, len);
	char *fixed, *o;

	if (j != NULL)
		return j;
	o = fixed = xmalloc(len * 3 + 1);
	while (s < end) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n = utf8proc_iterate(s, end - s, &cp);
		if (n <= 0) {
			memcpy(o, "\xef\xbf\xbd", 3);
			o += 3;
			s++;
		} else {
			memcpy(o, s, (size_t)n);
			o += n;
			s += n;
		}
	}
	j = checked(json_stringn(fixed, (size_t)(o - fixed)));
	free(fixed);
	return j;
}

static json_t *
jhex(const uint8_t *p, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	char *s = xmalloc(2 * len + 1);
	json_t *j;

	for (size_t i = 0; i < len; i++) {
		s[2 * i] = digits[p[i] >> 4];
		s[2 * i + 1] = digits[p[i] & 15];
	}
	j = checked(json_stringn(s, 2 * len));
	free(s);
	return j;
}

static json_t *
juint(uint64_t u)
{
	char buf[24];

	/* JSON integers here are 64-bit signed; larger ones go as decimal text. */
	if (u <= INT64_MAX)
		return checked(json_integer((json_int_t)u));
	snprintf(buf, sizeof(buf), "%" PRIu64, u);
	return checked(json_string(buf));
}

/* Converts any value generically: bin as hex, maps as objects. */
static json_t *
jvalue(const struct tv_value *v)
{
	json_t *j;

	switch (v->type) {
	case TV_NIL:
		return checked(json_null());
	case TV_BOOL:
		return checked(json_boolean(v->b));
	case TV_UINT:
		return juint(v->u);
	case TV_NINT:
		return checked(json_integer(v->i));
	case TV_STR:
		return jstr(v->bytes, v->len);
	case TV_BIN:
		return jhex(v->bytes, v->len);
	case TV_ARRAY:
		j = checked(json_array());
		for (uint32_t i = 0; i < v->len; i++)
			json_array_append_new(j, jvalue(&v->items[i]));
		return j;
	case TV_MAP:
		j = checked(json_object());
		for (uint32_t i = 0; i < v->len; i++) {
			const struct tv_value *k = &v->items[2 * i];
			json_t *key = k->type == TV_STR ? NULL : jvalue(k);
			char *text = key != NULL ? json_dumps(key,
			    JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
			if (k->type == TV_STR)
				json_object_setn_new(j, (const char *)k->bytes,
				    k->len, jvalue(&v->items[2 * i + 1]));
			else if (text != NULL)
				json_object_set_new(j, text,
				    jvalue(&v->items[2 * i + 1]));
			free(text);
			json_decref(key);
		}
		return j;
	}
	return checked(json_null());
}

static json_t *
jref(const struct tv_value *v)
{
	char ref[TV_AREA_TEXT_LEN + TV_ID_TEXT_LEN + 2];

	return out_ref_text(v, ref) ? checked(json_string(ref)) : jvalue(v);
}

/* Converts a field's value by its type; refs become "<area>:<id>" text. */
static json_t *
jfield(const struct tv_field *f, const struct tv_value *v)
{
	json_t *j;

	if (f == NULL)
		return jvalue(v);
	switch (f->type) {
	case TV_F_REF:
		return jref(v);
	case TV_F_REF_LIST:
		if (v->type != TV_ARRAY)
			return jvalue(v);
		j = checked(json_array());
		for (uint32_t i = 0; i < v->len; i++)
			json_array_append_new(j, jref(&v->items[i]));
		return j;
	default:
		return jvalue(v);
	}
}

static json_t *
jrecord(const struct out_record *rec, bool with_raw)
{
	json_t *o = checked(json_object()), *fields = checked(json_object());
	time_t t = (time_t)(rec->r.timestamp / 1000000);
	char when[32];
	struct tm tm;

	json_object_set_new(o, "ref", checked(json_string(rec->ref)));
	json_object_set_new(o, "area", checked(json_string(rec->area)));
	json_object_set_new(o, "id", checked(json_string(rec->id)));
	json_object_set_new(o, "kind", jstr(rec->kind_name,
	    strlen(rec->kind_name)));
	json_object_set_new(o, "timestamp", juint(rec->r.timestamp));
	if (gmtime_r(&t, &tm) != NULL &&
	    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm) > 0)
		json_object_set_new(o, "updated", checked(json_string(when)));
	else
		json_object_set_new(o, "updated", checked(json_null()));
	json_object_set_new(o, "deleted", checked(json_boolean(rec->is_deleted)));
	json_object_set_new(o, "local", checked(json_boolean(rec->is_local)));
	json_object_set_new(o, "hash", jhex(rec->r.hash, TV_HASH_LEN));
	for (uint32_t i = 0; rec->body != NULL && i < rec->body->len; i++) {
		const struct tv_value *k = &rec->body->items[2 * i];
		const struct tv_value *v = &rec->body->items[2 * i + 1];
		const struct tv_field *f = NULL;
		char name[256];

		/* Every key of a known kind's body is text; others are skipped. */
		if (k->type != TV_STR)
			continue;
		if (rec->kind != NULL && k->len < sizeof(name)) {
			memcpy(name, k->bytes, k->len);
			name[k->len] = 0;
			f = tv_kind_field(rec->kind, name);
		}
		json_object_setn_new(fields, (const char *)k->bytes, k->len,
		    jfield(f, v));
	}
	json_object_set_new(o, "fields", fields);
	if (with_raw) {
		json_object_set_new(o, "signature", jhex(rec->r.sig, TV_SIG_LEN));
		json_object_set_new(o, "raw", jhex(rec->r.raw, rec->r.raw_len));
	}
	return o;
}

static json_t *
jcell(const struct out_cell *c)
{
	json_t *j;

	switch (c->type) {
	case OUT_NULL:
		return checked(json_null());
	case OUT_STR:
		return c->s != NULL ? jstr(c->s, strlen(c->s)) :
		    checked(json_null());
	case OUT_INT:
		return checked(json_integer(c->i));
	case OUT_BOOL:
		return checked(json_boolean(c->b));
	case OUT_VALUE:
		return c->v != NULL ? jvalue(c->v) : checked(json_null());
	case OUT_ENUMS:
		j = checked(json_array());
		for (size_t i = 0; i < c->n_enums; i++) {
			json_t *e = checked(json_object());
			json_object_set_new(e, "code",
			    checked(json_string(c->enums[i].code)));
			json_object_set_new(e, "da",
			    checked(json_string(c->enums[i].da)));
			json_object_set_new(e, "en",
			    checked(json_string(c->enums[i].en)));
			json_array_append_new(j, e);
		}
		return j;
	}
	return checked(json_null());
}

static json_t *
jitem(const struct out_item *it, bool with_raw)
{
	json_t *o;

	if (it->rec != NULL)
		return jrecord(it->rec, with_raw);
	o = checked(json_object());
	for (size_t i = 0; i < it->n_cells; i++)
		if (!(it->cells[i].flags & OUT_TEXT_ONLY))
			json_object_set_new(o, it->cells[i].key,
			    jcell(&it->cells[i]));
	return o;
}

static void
dump(json_t *j, size_t flags)
{
	json_dumpf(j, out_file(), flags | JSON_ENCODE_ANY);
	json_decref(j);
}

static void
json_head(const struct out_head *h)
{
	doc.what = h->what;
	doc.n_rows = 0;
	fputs("[", out_file());
}

static void
json_row(const struct out_item *it)
{
	/* One element per line: valid JSON that line tools can still handle. */
	fputs(doc.n_rows++ ? ",\n" : "\n", out_file());
	dump(jitem(it, false), JSON_COMPACT);
}

static void
json_tail(void)
{
	fputs(doc.n_rows ? "\n]\n" : "]\n", out_file());
	fflush(out_file());
}

static void
json_detail(const struct out_item *it)
{
	dump(jitem(it, false), JSON_INDENT(2));
	fputs("\n", out_file());
}

static void
json_result(const char *verb, const struct out_item *it)
{
	(void)verb;	/* the record says what happened: "deleted" is in it */
	json_detail(it);
}

const struct output out_json = {
	.head = json_head,
	.row = json_row,
	.detail = json_detail,
	.result = json_result,
	.tail = json_tail,
};

static void
jsonl_head(const struct out_head *h)
{
	doc.what = h->what;
	doc.n_rows = 0;
}

static void
jsonl_row(const struct out_item *it)
{
	dump(jitem(it, doc.what == OUT_EXPORT), JSON_COMPACT);
	fputs("\n", out_file());
	doc.n_rows++;
}

static void
jsonl_tail(void)
{
	fflush(out_file());
}

const struct output out_jsonl = {
	.head = jsonl_head,
	.row = jsonl_row,
	.detail = json_detail,
	.result = json_result,
	.tail = jsonl_tail,
};
