/*
 * What the parts of tvaers share: the program's settings after the global
 * flags, the subcommand table that drives dispatch and --help (wg.c style),
 * the exit codes, and the one way to say what went wrong.
 *
 * Exit codes: 0 success, 1 the daemon refused or a record is wrong, 2 usage
 * error, 3 tvaersd is not reachable. Each error is one line on stderr,
 * "tvaers: what is wrong. What to do."
 */
#ifndef TVAERS_CLI_CLI_H
#define TVAERS_CLI_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "canon.h"
#include "i18n.h"

#define PROG_NAME "tvaers"

#define EXIT_REFUSED 1		/* the daemon said no, or a record is wrong */
#define EXIT_USAGE 2		/* the command line is wrong */
#define EXIT_UNREACHABLE 3	/* no daemon answers on the socket */

struct output;
struct client;
struct tv_kind;

struct cli {
	bool is_json;		/* --json: one JSON document on stdout */
	const char *home;	/* --home DIR, or NULL */
	const char *socket;	/* --socket PATH, or NULL */
	char *sock_path;	/* resolved on first use */
	struct client *conn;	/* opened on first request */
	char last_msg[600];	/* the end frame's message of the last call */
};

/* A subcommand gets its own name in argv[0]; returns the exit code. */
typedef int cmd_fn(struct cli *c, int argc, char **argv);

struct cmd {
	const char *name;
	cmd_fn *fn;
	const char *usage;	/* arguments after the name */
	const char *summary;	/* one line for the command list */
	const char *help;	/* what --help adds: options, notes, examples */
	bool needs_daemon;
};

/* cmd_records.c */
int cmd_status(struct cli *c, int argc, char **argv);
int cmd_id(struct cli *c, int argc, char **argv);
int cmd_add(struct cli *c, int argc, char **argv);
int cmd_set(struct cli *c, int argc, char **argv);
int cmd_rm(struct cli *c, int argc, char **argv);
int cmd_show(struct cli *c, int argc, char **argv);
int cmd_list(struct cli *c, int argc, char **argv);
int cmd_export(struct cli *c, int argc, char **argv);
/*
 * Starts an atomic write of path: returns the temporary file beside it
 * (mode 0600) and its name in *out_tmp (caller frees), or NULL with errno.
 */

/* cmd_csv.c */
int cmd_import(struct cli *c, int argc, char **argv);
int cmd_template(struct cli *c, int argc, char **argv);
/* export --csv: this area's records of one kind as CSV. */
int cmd_export_csv(struct cli *c, int argc, char **argv);

/*
 * Takes an option's value: --opt VALUE or --opt=VALUE. NULL if argv[*i] is
 * another option, or (with *out_rc set to EXIT_USAGE and said) no value.
 */
const char *cli_opt_value(const char *cmd, int argc, char **argv, int *i,
    const char *name, int *out_rc);
/* Writes path atomically: returns the temporary file (mode 0600) to fill, or NULL. */
FILE *cli_atomic_open(const char *path, char **out_tmp);
/* Finishes an atomic write: data on disk, then renamed into place; 0 or -1 (errno). */
int cli_atomic_commit(FILE *f, const char *tmp, const char *path);

/* cmd_events.c */
int cmd_events(struct cli *c, int argc, char **argv);

/* cmd_peers.c */
int cmd_peers(struct cli *c, int argc, char **argv);
int cmd_invite(struct cli *c, int argc, char **argv);
int cmd_join(struct cli *c, int argc, char **argv);

/* cmd_areas.c */
int cmd_areas(struct cli *c, int argc, char **argv);
int cmd_block(struct cli *c, int argc, char **argv);
int cmd_unblock(struct cli *c, int argc, char **argv);
int cmd_log(struct cli *c, int argc, char **argv);

/* cmd_views.c: the federation drawn (graph) and one area printed (overview) */
int cmd_graph(struct cli *c, int argc, char **argv);
int cmd_overview(struct cli *c, int argc, char **argv);
/* cmd_search.c */
int cmd_search(struct cli *c, int argc, char **argv);
/* cmd_match.c */
int cmd_match(struct cli *c, int argc, char **argv);
int cmd_networks(struct cli *c, int argc, char **argv);
int cmd_boards(struct cli *c, int argc, char **argv);

/* where.c: the where-options of list, "--area" ... "--since" */
#define WHERE_OPTS 5
extern const char *const where_opts[WHERE_OPTS];
/*
 * Checks the text of where_opts[opt] and sets out to the value the list
 * request carries (strings are views of text; doc holds parsed times).
 * Returns 0, or EXIT_USAGE with the reason printed.
 */
int where_value(int opt, const char *text, struct tv_doc *doc,
    struct tv_value *out);

/* cmd_misc.c */
int cmd_municipalities(struct cli *c, int argc, char **argv);
int cmd_interests(struct cli *c, int argc, char **argv);
int cmd_kinds(struct cli *c, int argc, char **argv);
int cmd_help(struct cli *c, int argc, char **argv);
/* Writes the fields of kind k through out (kinds KIND, add KIND --help). */
void misc_kind_fields(const struct output *out, const struct tv_kind *k);
/* Returns a new string: the names of kind k's fields, comma-separated. */
char *misc_field_names(const struct tv_kind *k);
/* Returns a new string: the names of every known kind, comma-separated. */
char *misc_kind_names(void);

/* main.c */
/* Returns the subcommand called name, or NULL. */
const struct cmd *cli_cmd_find(const char *name);
/* Prints the program's help (the command list) to f. */
void cli_help_main(FILE *f);
/* Prints one command's help to f. */
void cli_help_cmd(const struct cmd *cmd, FILE *f);
/* Prints "tvaers: <message>\n" to stderr. */
void cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints a usage error and the command's usage line; returns EXIT_USAGE. */
int cli_usage_err(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/*
 * Sends op with args (a map, or NULL) to tvaersd over the connection of c
 * (opened on first use) and hands each item to cb. Prints what went wrong
 * and returns the exit code: 0, EXIT_REFUSED (the daemon's end code; its
 * message printed), EXIT_UNREACHABLE, or the first non-zero value of cb,
 * which has printed its own message.
 */
typedef int cli_item_cb(struct cli *c, void *arg, const struct tv_value *item);
int cli_call(struct cli *c, const char *op, const struct tv_value *args,
    cli_item_cb *cb, void *arg);
/* The output vtable: chosen by --json, and only by --json. */
const struct output *cli_out(const struct cli *c);
/* True if s is "-h" or "--help". */
bool cli_is_help(const char *s);
/* Checks stdout after output; returns 0 or EXIT_REFUSED with a message. */
int cli_flush(void);

#endif
