/*
 * Views of the whole federation, built from every record the daemon holds:
 * `graph` (DOT, or SVG through Graphviz's dot) and `overview` (one printable
 * HTML page for an area). Both fetch records with the list op, keep them in
 * a tv_recset, and hand them to the pure generators in proto/.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "err.h"
#include "fedgraph.h"
#include "ids.h"
#include "out.h"
#include "overview.h"
#include "recset.h"

#define DOC_MAX (64u << 20)	/* a graph or page larger than this is refused */
#define DOT_MISSING N_("graphviz is not installed: apt-get install " \
	"graphviz, or use --format dot")

/* ---- Fetching ---------------------------------------------------------- */

static int
fetch_item(struct cli *c, void *arg, const struct tv_value *item)
{
	const struct tv_value *raw, *local;
	int rc;

	(void)c;
	if (item->type != TV_MAP || (raw = tv_map_get(item, "raw")) == NULL ||
	    raw->type != TV_BIN) {
		cli_err(_("tvaersd sent an item tvaers cannot read. Are tvaers "
		    "and tvaersd the same version?"));
		return EXIT_REFUSED;
	}
	local = tv_map_get(item, "local");
	if (local != NULL && local->type == TV_BOOL && local->b)
		return 0;	/* personal data stays out of every view */
	if ((rc = tv_recset_add(arg, raw->bytes, raw->len)) != 0) {
		cli_err(_("tvaersd sent a record tvaers cannot read (%s). Are "
		    "tvaers and tvaersd the same version?"), tv_strerror(rc));
		return EXIT_REFUSED;
	}
	return 0;
}

/* Adds every record of each kind in kinds (NULL-terminated) to s. */
static int
fetch_kinds(struct cli *c, const char *const *kinds, struct tv_recset *s)
{
	struct tv_value map, kv[2];
	int rc;

	for (; *kinds != NULL; kinds++) {
		memset(kv, 0, sizeof(kv));
		tv_set_str(&kv[0], "kind", 4);
		tv_set_str(&kv[1], *kinds, strlen(*kinds));
		map = (struct tv_value){ .type = TV_MAP, .len = 1, .items = kv };
		if ((rc = cli_call(c, "list", &map, fetch_item, s)) != 0)
			return rc;
	}
	return 0;
}

static int
id_item(struct cli *c, void *arg, const struct tv_value *item)
{
	const struct tv_value *v = item->type == TV_MAP ?
	    tv_map_get(item, "area") : NULL;

	(void)c;
	if (v == NULL || v->type != TV_STR || v->len != TV_AREA_TEXT_LEN ||
	    tv_b32_decode((const char *)v->bytes, v->len, arg,
	    TV_PK_LEN) != 0) {
		cli_err(_("tvaersd sent an area id tvaers cannot read. Are "
		    "tvaers and tvaersd the same version?"));
		return EXIT_REFUSED;
	}
	return 0;
}

/* ---- Writing the document ---------------------------------------------- */

/* Writes len bytes to f; 0 or EXIT_REFUSED with the reason printed. */
static int
write_all(FILE *f, const void *p, size_t len, const char *what)
{
	if (fwrite(p, 1, len, f) != len || fflush(f) != 0) {
		cli_err(_("cannot write %s: %s"), what, strerror(errno));
		return EXIT_REFUSED;
	}
	return 0;
}

/* The path of an executable called name in $PATH, or NULL (caller frees). */
static char *
find_in_path(const char *name)
{
	const char *path = getenv("PATH");
	char *dirs, *dir, *save = NULL, *found = NULL;

	if (path == NULL || *path == 0)
		return NULL;
	dirs = xstrdup(path);
	for (dir = strtok_r(dirs, ":", &save); dir != NULL && found == NULL;
	    dir = strtok_r(NULL, ":", &save)) {
		size_t n = strlen(dir) + strlen(name) + 2;
		char *cand = xmalloc(n);
		snprintf(cand, n, "%s/%s", *dir ? dir : ".", name);
		if (access(cand, X_OK) == 0)
			found = cand;
		else
			free(cand);
	}
	free(dirs);
	return found;
}

/* Feeds dot to `dot -Tsvg`, whose output goes straight to out. */
static int
run_dot_svg(const char *dot_path, const struct tv_buf *dot, FILE *out)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	int fds[2], status, rc = 0;
	size_t off = 0;
	pid_t pid;

	if (fflush(out) != 0 || pipe(fds) != 0) {
		cli_err(_("cannot start dot: %s"), strerror(errno));
		return EXIT_REFUSED;
	}
	if ((pid = fork()) < 0) {
		cli_err(_("cannot start dot: %s"), strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return EXIT_REFUSED;
	}
	if (pid == 0) {
		char *const args[] = { "dot", "-Tsvg", NULL };
		if (dup2(fds[0], 0) < 0 || dup2(fileno(out), 1) < 0)
			_exit(126);
		close(fds[0]);
		close(fds[1]);
		execv(dot_path, args);
		_exit(127);
	}
	close(fds[0]);
	/* If dot dies early, the write fails with EPIPE instead of killing us. */
	sigaction(SIGPIPE, &ign, &old);
	while (off < dot->len) {
		ssize_t w = write(fds[1], dot->data + off, dot->len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			break;
		off += (size_t)w;
	}
	close(fds[1]);
	sigaction(SIGPIPE, &old, NULL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		cli_err(WIFEXITED(status) ? _("dot failed (exit status %d); "
		    "the DOT text is what `tvaers graph --format dot` prints") :
		    _("dot failed (signal %d); the DOT text is what `tvaers "
		    "graph --format dot` prints"), WIFEXITED(status) ?
		    WEXITSTATUS(status) : WTERMSIG(status));
		rc = EXIT_REFUSED;
	}
	return rc;
}

/* Writes doc (or its SVG, with dot_path) to stdout or atomically to path. */
static int
emit(const struct tv_buf *doc, const char *dot_path, const char *path)
{
	char *tmp = NULL;
	FILE *f = stdout;
	int rc;

	if (path != NULL && (f = cli_atomic_open(path, &tmp)) == NULL) {
		cli_err(_("cannot create a file beside %s: %s. Choose another "
		    "--out."), path, strerror(errno));
		return EXIT_REFUSED;
	}
	rc = dot_path != NULL ? run_dot_svg(dot_path, doc, f) :
	    write_all(f, doc->data, doc->len, path ? path : _("the output"));
	if (path == NULL)
		return rc;
	if (rc == 0 && cli_atomic_commit(f, tmp, path) != 0) {
		cli_err(_("cannot write %s: %s"), path, strerror(errno));
		rc = EXIT_REFUSED;
		unlink(tmp);
	} else if (rc != 0) {
		fclose(f);
		unlink(tmp);
	}
	free(tmp);
	return rc;
}

/* ---- graph ------------------------------------------------------------- */

struct graph_args {
	bool svg, networks;
	const char *out;
};

static int
graph_args_parse(struct cli *c, int argc, char **argv, struct graph_args *a)
{
	const char *v;
	int rc = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			c->is_json = true;
		else if (strcmp(argv[i], "--networks") == 0)
			a->networks = true;
		else if ((v = cli_opt_value("graph", argc, argv, &i, "--format",
		    &rc)) != NULL) {
			if (strcmp(v, "dot") != 0 && strcmp(v, "svg") != 0)
				return cli_usage_err("graph", _("--format is dot "
				    "or svg, not '%s'"), v);
			a->svg = strcmp(v, "svg") == 0;
		} else if ((v = cli_opt_value("graph", argc, argv, &i, "--out",
		    &rc)) != NULL) {
			if (*v == 0)
				return cli_usage_err("graph", _("--out needs a "
				    "file name"));
			a->out = v;
		} else if (rc != 0)
			return rc;
		else
			return cli_usage_err("graph", _("unexpected argument "
			    "'%s'"), argv[i]);
	}
	if (c->is_json && a->out == NULL)
		return cli_usage_err("graph", _("--json describes the file "
		    "written: give --out FILE"));
	return 0;
}

static void
graph_summary(const struct cli *c, const struct tv_fedgraph_stats *st,
    const char *path)
{
	if (c->is_json) {
		json_t *o = json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:b}",
		    "file", path, "areas", (json_int_t)st->areas,
		    "links", (json_int_t)st->links,
		    "one_sided", (json_int_t)st->one_sided,
		    "cross_municipality", (json_int_t)st->cross,
		    "networks", (json_int_t)st->networks, "ok", 1);
		if (o != NULL) {
			json_dumpf(o, stdout, JSON_COMPACT);
			putchar('\n');
			json_decref(o);
		}
		return;
	}
	printf(_("wrote %s: %zu areas, %zu links (%zu across "
	    "municipalities, %zu listed by one side only), %zu networks\n"),
	    path, st->areas, st->links, st->cross, st->one_sided,
	    st->networks);
}

int
cmd_graph(struct cli *c, int argc, char **argv)
{
	static const char *const kinds[] = { "area", "network", NULL };
	struct graph_args a = { 0 };
	struct tv_fedgraph_stats st;
	struct tv_recset s;
	struct tv_buf dot;
	char *dot_path = NULL;
	int rc;

	if ((rc = graph_args_parse(c, argc, argv, &a)) != 0)
		return rc;
	/* Before asking the daemon anything: the missing tool is the news. */
	if (a.svg && (dot_path = find_in_path("dot")) == NULL) {
		cli_err("%s", _(DOT_MISSING));
		return EXIT_REFUSED;
	}
	tv_recset_init(&s);
	tv_buf_init(&dot, DOC_MAX);
	if ((rc = fetch_kinds(c, kinds, &s)) == 0 &&
	    (rc = tv_fedgraph_dot(&s, a.networks, &dot, &st)) != 0) {
		cli_err(_("cannot draw the graph: %s"), tv_strerror(rc));
		rc = EXIT_REFUSED;
	}
	if (rc == 0)
		rc = emit(&dot, dot_path, a.out);
	if (rc == 0 && a.out != NULL)
		graph_summary(c, &st, a.out);
	free(dot_path);
	tv_buf_free(&dot);
	tv_recset_free(&s);
	return rc != 0 ? rc : cli_flush();
}

/* ---- overview ---------------------------------------------------------- */

int
cmd_overview(struct cli *c, int argc, char **argv)
{
	static const char *const kinds[] = { "area", "association", "project",
	    "event", NULL };
	uint8_t area[TV_PK_LEN];
	struct tv_overview_opts o = { .area = area, .now = time(NULL),
	    .radius_m = TV_OVERVIEW_RADIUS_M, .lang = "da" };
	const char *path = NULL, *v;
	struct tv_recset s;
	struct tv_buf html;
	int rc = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			c->is_json = true;
		else if ((v = cli_opt_value("overview", argc, argv, &i, "--out",
		    &rc)) != NULL) {
			if (*v == 0)
				return cli_usage_err("overview", _("--out needs "
				    "a file name"));
			path = v;
		} else if ((v = cli_opt_value("overview", argc, argv, &i, "--lang",
		    &rc)) != NULL) {
			if (strcmp(v, "da") != 0 && strcmp(v, "en") != 0)
				return cli_usage_err("overview", _("--lang is da "
				    "or en, not '%s'"), v);
			o.lang = v;
		} else if (rc != 0)
			return rc;
		else
			return cli_usage_err("overview", _("unexpected argument "
			    "'%s'"), argv[i]);
	}
	if (c->is_json && path == NULL)
		return cli_usage_err("overview", _("--json describes the file "
		    "written: give --out FILE"));
	tv_recset_init(&s);
	tv_buf_init(&html, DOC_MAX);
	if ((rc = cli_call(c, "id", NULL, id_item, area)) == 0)
		rc = fetch_kinds(c, kinds, &s);
	if (rc == 0 && (rc = tv_overview_html(&s, &o, &html)) != 0) {
		if (rc == TV_ENOTFOUND)
			cli_err(_("this area has no profile yet. Give it one: "
			    "tvaers set area --name NAME --kind landsby "
			    "--municipality CODE"));
		else
			cli_err(_("cannot write the overview: %s"),
			    tv_strerror(rc));
		rc = EXIT_REFUSED;
	}
	if (rc == 0)
		rc = emit(&html, NULL, path);
	if (rc == 0 && path != NULL) {
		if (c->is_json) {
			json_t *j = json_pack("{s:s, s:I, s:b}", "file", path,
			    "bytes", (json_int_t)html.len, "ok", 1);
			if (j != NULL) {
				json_dumpf(j, stdout, JSON_COMPACT);
				putchar('\n');
				json_decref(j);
			}
		} else
			printf(_("wrote %s (%zu bytes)\n"), path, html.len);
	}
	tv_buf_free(&html);
	tv_recset_free(&s);
	return rc != 0 ? rc : cli_flush();
}
