/*
 * Federation graph as DOT (fedgraph.h). Nodes and edges are gathered from
 * the profiles first, sorted, and only then written, so the text depends
 * on the records and not on the order they arrived in.
 */
#include "fedgraph.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "showable.h"

#define CROSS_ATTRS "color=\"#c0392b\", penwidth=3"
#define ONE_SIDED_ATTRS "style=dashed"
#define NETWORK_NODE_ATTRS "shape=ellipse, style=filled, " \
	"fillcolor=\"#dbe9f6\", color=\"#2f6fad\""
#define NETWORK_EDGE_ATTRS "style=dotted, color=\"#2f6fad\""

struct node {
	const uint8_t *pk;
	const struct tv_rec *profile;	/* NULL: an area only named by others */
	int municipality;		/* 0: unknown */
	const struct tv_value *name;	/* NULL: show the short id */
};

struct edge {
	size_t a, b;			/* node indexes, a < b */
	bool by_a, by_b;		/* which side lists the other */
};

struct graph {
	struct node *nodes;
	size_t n_nodes;
	struct edge *edges;	/* room for one per listed peer */
	size_t n_edges;
};

static int
profile_municipality(const struct tv_rec *profile)
{
	const struct tv_value *v;

	if (profile == NULL ||
	    (v = tv_map_get(profile->body, "municipality")) == NULL ||
	    v->type != TV_UINT || v->u > 9999)
		return 0;
	return (int)v->u;
}

/* The origin of a reference [origin, id], or NULL if it is malformed. */
static const uint8_t *
ref_origin(const struct tv_value *ref)
{
	if (ref->type != TV_ARRAY || ref->len != 2 ||
	    ref->items[0].type != TV_BIN || ref->items[0].len != TV_PK_LEN)
		return NULL;
	return ref->items[0].bytes;
}

static const struct tv_value *
peers_of(const struct tv_rec *profile)
{
	const struct tv_value *v = tv_map_get(profile->body, "peers");

	return v != NULL && v->type == TV_ARRAY ? v : NULL;
}

static int
pk_cmp(const void *pa, const void *pb)
{
	return memcmp(*(const uint8_t *const *)pa, *(const uint8_t *const *)pb,
	    TV_PK_LEN);
}

/* Every area with a profile or named as a peer, sorted by id, once each. */
static int
gather_nodes(struct graph *g, const struct tv_recset *s)
{
	const uint8_t **pks;
	size_t n = s->n_profiles, k = 0;

	for (size_t i = 0; i < s->n_profiles; i++) {
		const struct tv_value *peers = peers_of(&s->recs[s->profiles[i]]);
		n += peers ? peers->len : 0;
	}
	if ((pks = malloc((n ? n : 1) * sizeof(*pks))) == NULL)
		return TV_ENOMEM;
	for (size_t i = 0; i < s->n_profiles; i++) {
		const struct tv_rec *p = &s->recs[s->profiles[i]];
		const struct tv_value *peers = peers_of(p);
		pks[k++] = p->origin;
		for (uint32_t j = 0; peers != NULL && j < peers->len; j++)
			if (ref_origin(&peers->items[j]) != NULL)
				pks[k++] = ref_origin(&peers->items[j]);
	}
	qsort(pks, k, sizeof(*pks), pk_cmp);
	if ((g->nodes = calloc(k ? k : 1, sizeof(*g->nodes))) == NULL) {
		free(pks);
		return TV_ENOMEM;
	}
	for (size_t i = 0; i < k; i++) {
		struct node *nd;
		if (g->n_nodes > 0 && memcmp(g->nodes[g->n_nodes - 1].pk, pks[i],
		    TV_PK_LEN) == 0)
			continue;
		nd = &g->nodes[g->n_nodes++];
		nd->pk = pks[i];
		nd->profile = tv_recset_profile(s, pks[i]);
		nd->municipality = profile_municipality(nd->profile);
		nd->name = nd->profile ? tv_rec_text(nd->profile, "name") : NULL;
	}
	free(pks);
	return 0;
}

/* Index of the node of pk among n nodes sorted by id; pk is one of them. */
static size_t
node_index_in(const struct node *nodes, size_t n, const uint8_t *pk)
{
	size_t lo = 0, hi = n;

	while (lo + 1 < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (memcmp(nodes[mid].pk, pk, TV_PK_LEN) <= 0)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static size_t
node_index(const struct graph *g, const uint8_t *pk)
{
	return node_index_in(g->nodes, g->n_nodes, pk);
}

static void
edge_add(struct graph *g, size_t from, size_t to)
{
	struct edge *e;

	if (from == to)
		return;
	e = &g->edges[g->n_edges++];
	e->a = from < to ? from : to;
	e->b = from < to ? to : from;
	e->by_a = from < to;
	e->by_b = !e->by_a;
}

/* One directed claim per listed peer, between node indexes. */
static int
gather_peers(struct graph *g, const struct tv_recset *s)
{
	size_t n = 0;

	for (size_t i = 0; i < s->n_profiles; i++) {
		const struct tv_value *peers = peers_of(&s->recs[s->profiles[i]]);
		n += peers ? peers->len : 0;
	}
	if ((g->edges = malloc((n ? n : 1) * sizeof(*g->edges))) == NULL)
		return TV_ENOMEM;
	for (size_t i = 0; i < s->n_profiles; i++) {
		const struct tv_rec *p = &s->recs[s->profiles[i]];
		const struct tv_value *peers = peers_of(p);
		size_t from = node_index(g, p->origin);
		for (uint32_t k = 0; peers != NULL && k < peers->len; k++) {
			const uint8_t *pk = ref_origin(&peers->items[k]);
			if (pk != NULL)
				edge_add(g, from, node_index(g, pk));
		}
	}
	return 0;
}

static int
name_cmp(const struct node *x, const struct node *y)
{
	size_t xl = x->name ? x->name->len : 0, yl = y->name ? y->name->len : 0;
	int c;

	if (x->name == NULL || y->name == NULL)
		return (x->name == NULL) - (y->name == NULL);
	c = memcmp(x->name->bytes, y->name->bytes, xl < yl ? xl : yl);
	return c != 0 ? c : (xl > yl) - (xl < yl);
}

static int
node_cmp(const void *pa, const void *pb)
{
	const struct node *x = pa, *y = pb;
	int c;

	/* Areas without a known municipality come last, outside clusters. */
	if (x->municipality != y->municipality)
		return x->municipality == 0 ? 1 : y->municipality == 0 ? -1 :
		    x->municipality < y->municipality ? -1 : 1;
	if ((c = name_cmp(x, y)) != 0)
		return c;
	return memcmp(x->pk, y->pk, TV_PK_LEN);
}

static int
edge_cmp(const void *pa, const void *pb)
{
	const struct edge *x = pa, *y = pb;

	if (x->a != y->a)
		return x->a < y->a ? -1 : 1;
	return (x->b > y->b) - (x->b < y->b);
}

/*
 * Puts the nodes in drawing order (municipality, name, id), renumbers the
 * edges to match, and merges the two claims of a link into one edge.
 */
static int
graph_sort(struct graph *g)
{
	struct node *by_id = malloc((g->n_nodes ? g->n_nodes : 1) *
	    sizeof(*by_id));
	size_t *rank = malloc((g->n_nodes ? g->n_nodes : 1) * sizeof(*rank));
	size_t n = 0;

	if (by_id == NULL || rank == NULL) {
		free(by_id);
		free(rank);
		return TV_ENOMEM;
	}
	memcpy(by_id, g->nodes, g->n_nodes * sizeof(*by_id));
	qsort(g->nodes, g->n_nodes, sizeof(*g->nodes), node_cmp);
	for (size_t i = 0; i < g->n_nodes; i++)
		rank[node_index_in(by_id, g->n_nodes, g->nodes[i].pk)] = i;
	for (size_t i = 0; i < g->n_edges; i++) {
		struct edge *e = &g->edges[i];
		size_t a = rank[e->a], b = rank[e->b];
		bool by_a = e->by_a, by_b = e->by_b;
		e->a = a < b ? a : b;
		e->b = a < b ? b : a;
		e->by_a = a < b ? by_a : by_b;
		e->by_b = a < b ? by_b : by_a;
	}
	free(by_id);
	free(rank);
	qsort(g->edges, g->n_edges, sizeof(*g->edges), edge_cmp);
	for (size_t i = 0; i < g->n_edges; i++) {
		if (n > 0 && g->edges[n - 1].a == g->edges[i].a &&
		    g->edges[n - 1].b == g->edges[i].b) {
			g->edges[n - 1].by_a |= g->edges[i].by_a;
			g->edges[n - 1].by_b |= g->edges[i].by_b;
		} else
			g->edges[n++] = g->edges[i];
	}
	g->n_edges = n;
	return 0;
}

int
tv_dot_quote(struct tv_buf *out, const void *text, size_t len)
{
	const uint8_t *p = text;
	size_t n;

	tv_buf_put(out, "\"", 1);
	for (size_t i = 0; i < len; i += n) {
		if (p[i] == '"' || p[i] == '\\') {
			tv_buf_put(out, "\\", 1);
			tv_buf_put(out, &p[i], 1);
			n = 1;
		} else if (p[i] == '\n') {
			tv_buf_put(out, "\\n", 2);
			n = 1;
		} else if (tv_char_showable(&p[i], len - i, &n))
			tv_buf_put(out, &p[i], n);
	}
	return tv_buf_put(out, "\"", 1);
}

static void
puts_(struct tv_buf *out, const char *s)
{
	tv_buf_put(out, s, strlen(s));
}

static void
put_area_id(struct tv_buf *out, const uint8_t *pk)
{
	char id[TV_AREA_TEXT_LEN + 1];

	tv_area_text(pk, id);
	tv_dot_quote(out, id, TV_AREA_TEXT_LEN);
}

static void
put_node(struct tv_buf *out, const struct node *nd, const char *indent)
{
	char id[TV_AREA_TEXT_LEN + 1];

	tv_area_text(nd->pk, id);
	puts_(out, indent);
	tv_dot_quote(out, id, TV_AREA_TEXT_LEN);
	puts_(out, " [label=");
	if (nd->name != NULL)
		tv_dot_quote(out, nd->name->bytes, nd->name->len);
	else
		tv_dot_quote(out, id, TV_SHORT_LEN);
	puts_(out, ", tooltip=");
	tv_dot_quote(out, id, TV_AREA_TEXT_LEN);
	/* An area only others name: its profile has not reached us. */
	if (nd->profile == NULL)
		puts_(out, ", style=\"rounded,dashed\"");
	puts_(out, "];\n");
}

static void
put_cluster_head(struct tv_buf *out, int code)
{
	const struct tv_municipality *m = tv_municipality_find(code);
	char key[32], label[160];

	/* Graphviz draws a subgraph as a box only if its name starts "cluster". */
	snprintf(key, sizeof(key), "cluster_%03d", code);
	snprintf(label, sizeof(label), "%03d %s", code, m ? m->name : "");
	puts_(out, "\tsubgraph ");
	tv_dot_quote(out, key, strlen(key));
	puts_(out, " {\n\t\tlabel=");
	tv_dot_quote(out, label, strlen(label));
	puts_(out, ";\n");
}

static void
put_nodes(struct tv_buf *out, const struct graph *g)
{
	int open = 0;

	for (size_t i = 0; i < g->n_nodes; i++) {
		const struct node *nd = &g->nodes[i];
		if (nd->municipality != open && open != 0)
			puts_(out, "\t}\n");
		if (nd->municipality != open && nd->municipality != 0)
			put_cluster_head(out, nd->municipality);
		open = nd->municipality;
		put_node(out, nd, open != 0 ? "\t\t" : "\t");
	}
	if (open != 0)
		puts_(out, "\t}\n");
}

static void
put_edges(struct tv_buf *out, const struct graph *g,
    struct tv_fedgraph_stats *st)
{
	for (size_t i = 0; i < g->n_edges; i++) {
		const struct edge *e = &g->edges[i];
		const struct node *a = &g->nodes[e->a], *b = &g->nodes[e->b];
		bool cross = a->municipality != 0 && b->municipality != 0 &&
		    a->municipality != b->municipality;
		bool one_sided = !(e->by_a && e->by_b);
		puts_(out, "\t");
		put_area_id(out, a->pk);
		puts_(out, " -- ");
		put_area_id(out, b->pk);
		if (cross || one_sided) {
			puts_(out, " [");
			puts_(out, cross ? CROSS_ATTRS : "");
			puts_(out, cross && one_sided ? ", " : "");
			puts_(out, one_sided ? ONE_SIDED_ATTRS : "");
			puts_(out, "]");
		}
		puts_(out, ";\n");
		st->links++;
		st->cross += cross;
		st->one_sided += one_sided;
	}
}

static void
put_network_id(struct tv_buf *out, const struct tv_rec *net)
{
	char id[TV_AREA_TEXT_LEN + TV_ID_TEXT_LEN + 6];

	memcpy(id, "net:", 4);
	tv_area_text(net->origin, id + 4);
	id[4 + TV_AREA_TEXT_LEN] = ':';
	tv_id_text(net->id, id + 5 + TV_AREA_TEXT_LEN);
	tv_dot_quote(out, id, strlen(id));
}

/* One network: a node, and a dotted edge to each member's area, once. */
static int
put_network(struct tv_buf *out, const struct tv_rec *net,
    const struct tv_recset *s)
{
	const struct tv_value *name = tv_rec_text(net, "name");
	const struct tv_value *members = tv_map_get(net->body, "members");
	const uint8_t **seen;
	size_t n_seen = 0;

	puts_(out, "\t");
	put_network_id(out, net);
	puts_(out, " [label=");
	if (name != NULL)
		tv_dot_quote(out, name->bytes, name->len);
	else
		tv_dot_quote(out, "?", 1);
	puts_(out, ", " NETWORK_NODE_ATTRS "];\n");
	if (members == NULL || members->type != TV_ARRAY || members->len == 0)
		return 0;
	if ((seen = malloc(members->len * sizeof(*seen))) == NULL)
		return TV_ENOMEM;
	for (uint32_t k = 0; k < members->len; k++) {
		const uint8_t *pk = ref_origin(&members->items[k]);
		bool dup = false;
		if (pk == NULL || tv_recset_profile(s, pk) == NULL)
			continue;
		for (size_t j = 0; j < n_seen && !dup; j++)
			dup = memcmp(seen[j], pk, TV_PK_LEN) == 0;
		if (dup)
			continue;
		seen[n_seen++] = pk;
		puts_(out, "\t");
		put_network_id(out, net);
		puts_(out, " -- ");
		put_area_id(out, pk);
		puts_(out, " [" NETWORK_EDGE_ATTRS "];\n");
	}
	free(seen);
	return 0;
}

static int
put_networks(struct tv_buf *out, const struct tv_recset *s,
    struct tv_fedgraph_stats *st)
{
	int rc;

	for (size_t i = 0; i < s->n; i++) {
		if (!tv_rec_is(&s->recs[i], "network"))
			continue;
		if ((rc = put_network(out, &s->recs[i], s)) != 0)
			return rc;
		st->networks++;
	}
	return 0;
}

int
tv_fedgraph_dot(const struct tv_recset *s, bool with_networks,
    struct tv_buf *out, struct tv_fedgraph_stats *stats)
{
	struct tv_fedgraph_stats st = { 0 };
	struct graph g = { 0 };
	int rc;

	if ((rc = gather_nodes(&g, s)) == 0 && (rc = gather_peers(&g, s)) == 0)
		rc = graph_sort(&g);
	if (rc == 0) {
		puts_(out, "graph \"tvaers\" {\n"
		    "\tgraph [charset=\"UTF-8\", fontname=\"DejaVu Sans\"];\n"
		    "\tnode [shape=box, style=rounded, "
		    "fontname=\"DejaVu Sans\"];\n");
		put_nodes(out, &g);
		put_edges(out, &g, &st);
		if (with_networks)
			rc = put_networks(out, s, &st);
		puts_(out, "}\n");
	}
	st.areas = g.n_nodes;
	free(g.nodes);
	free(g.edges);
	if (stats != NULL)
		*stats = st;
	return rc != 0 ? rc : out->err;
}
