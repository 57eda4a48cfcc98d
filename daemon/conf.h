/*
 * tvaersd's configuration: an INI file read with inih, given meaning by one
 * table of options (name, section, type, bounds, default, reloadable?) in
 * conf.c. Validation, `tvaersd -n`, `tvaersd -nv` and the option help all
 * come from that table. No file is needed: every option has a default.
 * Precedence: defaults, then the file, then command-line flags.
 */
#ifndef TVAERS_DAEMON_CONF_H
#define TVAERS_DAEMON_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "log.h"

struct conf {
	char *data_dir;		/* [daemon] data_dir: database, key, socket */
	char *control_socket;	/* [daemon] control_socket; default DATA_DIR/control.sock */
	enum log_level log_level; /* [daemon] log_level */
	int event_keep_months;	/* [daemon] event_keep_months: then events expire */
	char *area_name;	/* [area] name; NULL: keep what the record says */
	char *area_kind;	/* [area] kind: an area kind code or label; NULL: keep */
	int municipality;	/* [area] municipality code; 0: keep */
	char *listen;		/* [network] listen: ADDR:PORT,...; NULL: none */
	int target_peers;	/* [network] target_peers: outbound links wanted */
	int max_peers;		/* [network] max_peers: links at most */
	char *advertise;	/* [network] advertise: auto, none or HOST:PORT,... */
};

/* The default port of peer links (PROTOCOL.md §9). */
#define CONF_PEER_PORT 7340
/* The most addresses [network] advertise takes (the profile's limit). */
#define CONF_ADVERTISE_MAX 16
/* The most addresses [network] listen takes. */
#define CONF_LISTEN_MAX 8

/*
 * Fills c with defaults for the data directory data_dir (copied). Returns 0
 * or -ENOMEM.
 */
int conf_init(struct conf *c, const char *data_dir);
/* Frees every string in c; c may be re-initialised. */
void conf_free(struct conf *c);
/*
 * Reads an INI file over c. Returns 0; -ENOENT if the file does not exist
 * (c untouched); or -EINVAL with "path:line: what is wrong" in errbuf. On
 * error c is unchanged (the file is applied to a copy first).
 */
int conf_load_file(struct conf *c, const char *path, char *errbuf,
    size_t errlen);
/* As conf_load_file, from text; name is used in messages. */
int conf_load_string(struct conf *c, const char *text, const char *name,
    char *errbuf, size_t errlen);
/* Prints c as a normalised INI file that conf_load_string reads back equal. */
void conf_print(const struct conf *c, FILE *out);
/* Prints one line per option (name, default, meaning) for --help. */
void conf_print_help(FILE *out);
/* Returns the default data directory: $TVAERS_HOME, else ~/.local/share/tvaers; caller frees. */
char *conf_default_data_dir(void);
/* True if the named option takes effect on SIGHUP without a restart. */
bool conf_is_reloadable(const char *section, const char *name);

#endif
