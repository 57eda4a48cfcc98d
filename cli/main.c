/*
 * tvaers: the command line of tvaersd. Global flags, then a subcommand from
 * one table that drives both dispatch and --help (after wireguard's wg.c).
 * Every error is one line on stderr and a documented exit code.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <pwd.h>
#include <unistd.h>

#include "cli.h"
#include "client.h"
#include "err.h"
#include "out.h"

#ifndef PROJECT_VERSION
/* CMake passes the project's version to tvaersd; this is its fallback. */
#define PROJECT_VERSION "0.1.0"
#endif

#define SOCKET_NAME "control.sock"

static const struct cmd cmds[] = {
	{ "status", cmd_status, "",
	    N_("this area, its name and how many records the store holds"),
	    N_("Shows this area's id and name, how many records the store holds\n"
	    "(all of them, this area's own, the local-only ones, tombstones),\n"
	    "and the daemon's version, pid, uptime, data directory and database\n"
	    "size.\n"), true },
	{ "id", cmd_id, "",
	    N_("this area's id"),
	    N_("Prints this area's id: the text form of its public key, by which\n"
	    "other areas know it. With --json: {\"area\": ID}.\n"), true },
	{ "add", cmd_add, "KIND --FIELD VALUE...",
	    N_("adds a record; field options are the wire field names"),
	    N_("Adds a record of KIND, signed with the area's key and stored before\n"
	    "tvaers answers, and prints it. KIND is a wire name or its Danish\n"
	    "label (association or forening, project or projekt, ...); `tvaers\n"
	    "kinds` lists them. Each field is an option named after the field:\n"
	    "--FIELD VALUE or --FIELD=VALUE; `tvaers add KIND --help` lists the\n"
	    "fields of KIND with their types and limits. Lists are comma-separated\n"
	    "(--interests heste,natur); enumerations take their code or a Danish\n"
	    "or English label (--status skuffe or --status shelved); references\n"
	    "take a record id, its first characters, or AREA:ID. Fields are\n"
	    "checked here before anything is sent. The area's profile is not\n"
	    "added but changed: `tvaers set area --FIELD VALUE`.\n"
	    "\n"
	    "Example:\n"
	    "  tvaers add association --name \"Ridelauget Østby\" \\\n"
	    "      --interests heste,natur --municipality 336\n"), true },
	{ "set", cmd_set, "REF --FIELD VALUE...",
	    N_("changes fields of one of this area's records"),
	    N_("Writes a new version of one of this area's records with the given\n"
	    "fields changed, and prints it; --FIELD \"\" removes a field. The\n"
	    "options are those of `tvaers add`. REF is `area` (this area's\n"
	    "profile, created by its first set), a record id or its first\n"
	    "characters (like git's short hashes), or AREA:ID.\n"
	    "\n"
	    "Examples:\n"
	    "  tvaers set area --name \"Østby\" --kind landsby --municipality 336\n"
	    "  tvaers set 3kf9a2bq --members 60 --members_year 2024\n"), true },
	{ "rm", cmd_rm, "REF",
	    N_("deletes a record (a tombstone replaces it everywhere)"),
	    N_("Deletes one of this area's records: a tombstone, a version without\n"
	    "content, replaces it here and in every area it reaches. REF as for\n"
	    "`tvaers set`.\n"), true },
	{ "show", cmd_show, "REF",
	    N_("one record, every field"),
	    N_("Shows one record: its reference, kind and area, every field, when it\n"
	    "was last changed and the start of its hash. REF is `area`, a record\n"
	    "id or its first characters, or AREA:ID.\n"), true },
	{ "list", cmd_list, "[KIND] [--interests X,Y] [--status S] [--deleted] "
	    "[--area A] [--municipality M] [--region R] [--near KM] "
	    "[--since DATE]",
	    N_("the records of a kind"),
	    N_("Lists records, of one KIND or of every kind, as a table in Danish\n"
	    "alphabetical order (Æ, Ø, Å after Z; Aa as Å) when a kind has at\n"
	    "most 2,000 records, else in tvaersd's order (by kind, then by the\n"
	    "bytes of the title), which --json always keeps.\n"
	    "\n"
	    "Options:\n"
	    "  --interests X,Y  only records with at least one of these interests\n"
	    "                   (codes from `tvaers interests`, or free tags)\n"
	    "  --status S       only records with this status (code or label)\n"
	    "  --deleted        include tombstones (deleted records)\n"
	    "  --area A         only the records of area A (id, id prefix or name)\n"
	    "  --municipality M only the records of areas in municipality M\n"
	    "                   (code or name)\n"
	    "  --region R       only those of areas in region R (e.g. Sjælland)\n"
	    "  --near KM        only those of areas within KM kilometres of\n"
	    "                   this area\n"
	    "  --since DATE     only records changed at or after DATE or\n"
	    "                   \"DATE HH:MM\" (Danish time)\n"
	    "\n"
	    "A record's area is the area that wrote it, and its place that\n"
	    "area's location, or its municipality's centre if it gives none.\n"),
	    true },
	{ "export", cmd_export,
	    "[--out FILE] | --csv --kind KIND [--format excel|rfc4180] [--out FILE]",
	    N_("every record as JSON lines, or one kind as CSV"),
	    N_("Writes every record the store holds, tombstones and local-only\n"
	    "records included, as JSON Lines: one object per line with ref, area,\n"
	    "id, kind, timestamp (µs), updated, deleted, local, hash, fields,\n"
	    "signature and raw (the complete signed record in hex), so that\n"
	    "another implementation can verify every record. Always JSON Lines,\n"
	    "with or without --json. Local-only records hold personal data: keep\n"
	    "the file safe.\n"
	    "\n"
	    "With --csv, writes this area's own records of KIND (association,\n"
	    "project or event) as a spreadsheet that `tvaers import` reads back\n"
	    "unchanged: one column per field, headed by its Danish label.\n"
	    "\n"
	    "Options:\n"
	    "  --out FILE       write FILE instead of stdout, atomically (a\n"
	    "                   temporary file renamed into place), readable by\n"
	    "                   you only\n"
	    "  --csv            CSV instead of JSON Lines; needs --kind\n"
	    "  --kind KIND      the kind of records to write as CSV\n"
	    "  --format F       excel (default): what Danish Excel opens with a\n"
	    "                   double click: UTF-8 with a BOM, ';' between\n"
	    "                   fields, DD-MM-YYYY dates, decimal commas, Danish\n"
	    "                   labels; rfc4180: for programs: no BOM, ',', ISO\n"
	    "                   dates, UTC times, codes instead of labels\n"), true },
	{ "import", cmd_import,
	    "FILE --kind KIND [--dry-run] | --template --kind KIND",
	    N_("adds or updates records from a spreadsheet (CSV)"),
	    N_("Reads FILE (CSV; '-' is stdin) and makes each line a record of KIND\n"
	    "(association, project or event) of this area. The first line names\n"
	    "the columns: Danish labels (Navn, Formål, Stiftet ...), English\n"
	    "labels or field names, in any case; `tvaers template --kind KIND`\n"
	    "prints them. Files from Danish Excel work as saved: ';' or ','\n"
	    "between fields, UTF-8 with or without BOM, or Windows-1252 (with a\n"
	    "warning), dates as DD-MM-YYYY, DD.MM.YYYY or YYYY-MM-DD, decimal\n"
	    "commas, ja/nej and SAND/FALSK.\n"
	    "\n"
	    "A line finds the record it made before by its CVR, else by its name\n"
	    "or title (events: title and start), so importing the same file\n"
	    "again changes nothing. A found record gets the line's values: an\n"
	    "empty cell removes the field, a column left out keeps it. Records of\n"
	    "other areas are never touched.\n"
	    "\n"
	    "All or nothing: every line is checked first, and if one is wrong\n"
	    "nothing is written; the errors name the line and column. A column\n"
	    "of CPR numbers or a member list refuses the whole file: tvaers\n"
	    "keeps neither.\n"
	    "\n"
	    "Options:\n"
	    "  --kind KIND  the kind of the records in FILE\n"
	    "  --dry-run    check FILE and show what would be added, changed and\n"
	    "               left unchanged, without writing anything\n"
	    "  --template   print the header line instead (as `tvaers template`)\n"
	    "\n"
	    "Example:\n"
	    "  tvaers import foreninger.csv --kind forening --dry-run\n"), true },
	{ "template", cmd_template, "--kind KIND [--format excel|rfc4180]",
	    N_("the header line of a CSV file for import (built in)"),
	    N_("Prints the header line of a CSV file of KIND (association, project\n"
	    "or event) to fill in and import: every field, headed by its Danish\n"
	    "label, in the Excel dialect (UTF-8 with BOM, ';'), or with\n"
	    "--format rfc4180 by field name with ','.\n"
	    "\n"
	    "Example:\n"
	    "  tvaers template --kind forening > foreninger.csv\n"), false },
	{ "search", cmd_search, "TEXT [--kind K] [--limit N]",
	    N_("finds records by their text, ranked, with snippets"),
	    N_("Searches every text of every record this daemon holds: this area's\n"
	    "own, the local-only ones and those of other areas. All words must\n"
	    "match; \"quoted words\" must match as a phrase; when the words as\n"
	    "typed find fewer than N hits, the last word also matches the words\n"
	    "it begins (3 letters or more). Case and accents do not\n"
	    "matter, and Danish letters meet their spellings without them: æ as\n"
	    "ae, ø as oe, å as aa (Åbenrå finds Aabenraa). Best hits first, each\n"
	    "with its kind, title, area, reference (for `tvaers show`) and a\n"
	    "snippet of the text that matched, the matches in [brackets]. With\n"
	    "--json, an array of objects with rank, kind, title, ref, area,\n"
	    "area_name, local, field, snippet and marks (byte offsets of the\n"
	    "matches in the snippet).\n"
	    "\n"
	    "Options:\n"
	    "  --kind K   only records of kind K (wire name or Danish label)\n"
	    "  --limit N  at most N hits, 1 to 100 (default 20)\n"
	    "\n"
	    "Examples:\n"
	    "  tvaers search Åbenrå\n"
	    "  tvaers search '\"ridesti langs åen\"' --kind projekt\n"), true },
	{ "peers", cmd_peers, "[add ADDR | rm ADDR]",
	    N_("the daemons this one links to, or add or remove one"),
	    N_("Without arguments, lists known peers and inbound links: address,\n"
	    "state (connected, connecting, backoff, inbound, or gone: an inbound\n"
	    "link that ended, with its totals), area, name and the last error.\n"
	    "`peers add HOST:PORT` remembers a peer and dials it; `peers rm\n"
	    "HOST:PORT` forgets it and closes its link. Peers listen on port\n"
	    "7340 by default.\n"), true },
	{ "invite", cmd_invite, "[--address HOST:PORT] [--days N]",
	    N_("an invite code for another area to join this federation"),
	    N_("Prints a code that carries this federation's key (a secret: give\n"
	    "it only to the area you invite) and where to reach this daemon.\n"
	    "\n"
	    "Options:\n"
	    "  --address HOST:PORT  the address to put in the code (default: the\n"
	    "                       addresses this daemon listens on)\n"
	    "  --days N             valid for N days (default 7)\n"), true },
	{ "join", cmd_join, "CODE",
	    N_("joins the federation of an invite code"),
	    N_("Takes the federation key from CODE (made by `tvaers invite` on\n"
	    "another daemon) and dials the addresses in it. Refused if this area\n"
	    "already peers in another federation.\n"), true },
	{ "areas", cmd_areas, "",
	    N_("every area this daemon knows of, and how it is reached"),
	    N_("Lists the areas whose records this daemon holds or blocks, and the\n"
	    "areas linked right now: short id, name, municipality, records held,\n"
	    "last update, link (own, direct: a peer linked now, or relayed) and\n"
	    "whether it is blocked.\n"), true },
	{ "block", cmd_block, "AREA",
	    N_("deletes an area's records and refuses them from now on"),
	    N_("AREA is an area id, a unique prefix of one, or a unique area name\n"
	    "(see `tvaers areas`). Every record of the area held here is\n"
	    "deleted, and its records are neither stored nor passed on again\n"
	    "until `tvaers unblock AREA`. Your own area cannot be blocked.\n"),
	    true },
	{ "unblock", cmd_unblock, "AREA",
	    N_("lifts a block; the area's records return with the next sync"),
	    N_("Forgets the block of AREA (as for block). Every link reconciles at\n"
	    "once, so its records come back from the peers within seconds.\n"),
	    true },
	{ "log", cmd_log, "[N] [LEVEL]",
	    N_("recent link and sync events, or change the log level"),
	    N_("Prints the last N (default 50, at most 200) sync events the daemon\n"
	    "keeps in memory: links opened and closed, handshake failures,\n"
	    "reconciliations, records stored or refused, blocks. With LEVEL\n"
	    "(error, warn, info, debug or verbose), sets the daemon's log level\n"
	    "until it restarts instead.\n"), true },
	{ "events", cmd_events,
	    "[--from DATE] [--to DATE] [--ical [--out FILE]]",
	    N_("coming events of every area held here, or an iCalendar file"),
	    N_("Lists the events this daemon holds, its own and other areas', that\n"
	    "are on from --from (default today) to --to (the whole day\n"
	    "included; default: no end), in order of start, in Danish time:\n"
	    "date, time, title, area and place. Cancelled events are listed\n"
	    "as such; deleted and expired ones are gone. With --json, an array\n"
	    "with ISO 8601 start and end, status, place and address.\n"
	    "\n"
	    "Options:\n"
	    "  --from DATE  first day (YYYY-MM-DD, DD-MM-YYYY or DD.MM.YYYY)\n"
	    "  --to DATE    last day\n"
	    "  --ical       write an iCalendar (RFC 5545) file instead, for\n"
	    "               phone and desktop calendars: times in\n"
	    "               Europe/Copenhagen, all-day events as dates,\n"
	    "               cancelled ones as STATUS:CANCELLED; each event keeps\n"
	    "               its UID, so importing it again updates it\n"
	    "  --out FILE   with --ical: write FILE (atomically) not stdout\n"
	    "\n"
	    "Past events expire: 12 months after their end (tvaersd's\n"
	    "event_keep_months) every area deletes them.\n"
	    "\n"
	    "Example:\n"
	    "  tvaers events --from 01-12-2025 --ical --out arrangementer.ics\n"),
	    true },
	{ "graph", cmd_graph, "[--format dot|svg] [--networks] [--out FILE]",
	    N_("the federation as a Graphviz graph"),
	    N_("Draws every area this daemon knows as a node, grouped in a box per\n"
	    "municipality, and a line between two areas when either lists the\n"
	    "other in its profile's peers field. Lines between municipalities\n"
	    "are thick and red; a line only one of the two lists is dashed; an\n"
	    "area only named by others (its profile not received) has a dashed\n"
	    "box.\n"
	    "\n"
	    "Options:\n"
	    "  --format dot|svg  DOT text (default), or SVG drawn by Graphviz's\n"
	    "                    dot (apt-get install graphviz)\n"
	    "  --networks        also each cooperation network, joined to its\n"
	    "                    member areas by dotted blue lines\n"
	    "  --out FILE        write FILE (atomically) instead of stdout, and\n"
	    "                    say what it holds; --json says it as JSON\n"
	    "\n"
	    "Example:\n"
	    "  tvaers graph --format svg --networks --out forbindelser.svg\n"),
	    true },
	{ "overview", cmd_overview, "[--out FILE] [--lang da|en]",
	    N_("one printable HTML page about this area"),
	    N_("Writes one self-contained HTML page (A4 print style, no external\n"
	    "files, no scripts) for the notice board or the general assembly:\n"
	    "this area's associations grouped by interest, its projects (shelved\n"
	    "ones too), upcoming events here and within 20 km, and projects of\n"
	    "other areas within 20 km that share an interest with this area and\n"
	    "are ideas, planned or shelved. Contacts are the associations' and\n"
	    "areas' own e-mail, phone and website; names of people never appear.\n"
	    "Distances are from the area's location, else its municipality's\n"
	    "centre.\n"
	    "\n"
	    "Options:\n"
	    "  --out FILE     write FILE (atomically) instead of stdout\n"
	    "  --lang da|en   the page's language (default da)\n"
	    "\n"
	    "Example:\n"
	    "  tvaers overview --out oversigt.html && chromium oversigt.html\n"),
	    true },
	{ "match", cmd_match, "[--interests X,Y] [--within KM]",
	    N_("projects and associations nearby that share this area's interests"),
	    N_("Finds associations, and projects that are ideas, being planned or\n"
	    "shelved (skuffe), in areas within KM kilometres (default 20) that\n"
	    "share an interest with this area's associations and projects (or\n"
	    "with --interests). Grouped by interest; within a group nearest\n"
	    "first, then most shared interests, projects before associations.\n"
	    "This area's own records are shown as \"here\", so that projects\n"
	    "that could pool their efforts stand together. For each need of a\n"
	    "project: the associations of the group that could help, and those\n"
	    "that seek the same. Distances run between area locations (or the\n"
	    "municipality's centre when an area gives none). See README\n"
	    "\"Matching\" for the exact rules.\n"
	    "\n"
	    "Options:\n"
	    "  --interests X,Y  match these interests instead of this area's\n"
	    "  --within KM      whole kilometres, 1 to 500 (default 20)\n"), true },
	{ "networks", cmd_networks, "",
	    N_("cooperation networks and whether each member has confirmed"),
	    N_("Lists the network records held, each member with its area and\n"
	    "municipality: confirmed when the network lists it and the member's\n"
	    "own area has written a membership record for it; otherwise pending\n"
	    "(afventer bekræftelse). Says whether the network crosses\n"
	    "municipality borders.\n"), true },
	{ "boards", cmd_boards, "",
	    N_("people on several boards and boards with vacant seats (local only)"),
	    N_("Reads this area's local role records (never sent to other areas):\n"
	    "the people who hold a current board role (chair, vice-chair,\n"
	    "treasurer, secretary, board member) in more than one association,\n"
	    "and the associations with vacant seats, by their published\n"
	    "board_vacant or by fewer current board roles than board_seats.\n"
	    "Only the counts board_vacant and seeking on association records\n"
	    "ever reach other areas.\n"), true },
	{ "municipalities", cmd_municipalities, "",
	    N_("the municipality codes (built in; no daemon needed)"),
	    N_("Lists Denmark's municipalities: code, name and region. Fields of\n"
	    "type municipality take the code. With --json, also each centroid in\n"
	    "micro-degrees.\n"), false },
	{ "interests", cmd_interests, "",
	    N_("the interest vocabulary (built in)"),
	    N_("Lists the interest codes with their Danish and English labels. Free\n"
	    "tags (e.g. islandsheste) may stand beside the codes.\n"), false },
	{ "kinds", cmd_kinds, "[KIND]",
	    N_("the record kinds, or the fields of one (built in)"),
	    N_("Without KIND, lists the record kinds: wire name, Danish label, and\n"
	    "whether its records are local-only (they never leave this daemon).\n"
	    "With KIND, lists its fields: wire name, label (Danish in brackets),\n"
	    "type, limits, whether required, and the codes of enumerations.\n"),
	    false },
	{ "help", cmd_help, "[COMMAND]",
	    N_("this help, or the help of one command"),
	    N_("Prints the list of commands, or the help of COMMAND (the same as\n"
	    "`tvaers COMMAND --help`).\n"), false },
};

#define N_CMDS (sizeof(cmds) / sizeof(cmds[0]))

void
cli_err(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs(PROG_NAME ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

const struct cmd *
cli_cmd_find(const char *name)
{
	for (size_t i = 0; i < N_CMDS; i++)
		if (strcmp(cmds[i].name, name) == 0)
			return &cmds[i];
	return NULL;
}

const struct output *
cli_out(const struct cli *c)
{
	return c->is_json ? &out_json : &out_text;
}

bool
cli_is_help(const char *s)
{
	return strcmp(s, "-h") == 0 || strcmp(s, "--help") == 0;
}

int
cli_usage_err(const char *cmd, const char *fmt, ...)
{
	const struct cmd *c = cmd != NULL ? cli_cmd_find(cmd) : NULL;
	va_list ap;

	fflush(stdout);
	fputs(PROG_NAME ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (c != NULL)
		fprintf(stderr, _(". Usage: %s %s%s%s (see `%s %s --help`)\n"),
		    PROG_NAME, c->name, *c->usage ? " " : "", c->usage,
		    PROG_NAME, c->name);
	else
		fprintf(stderr, _(". See `%s --help`.\n"), PROG_NAME);
	return EXIT_USAGE;
}

void
cli_help_main(FILE *f)
{
	fprintf(f, _(
	    "Usage: %s [--json] [--lang da|en] [--home DIR] [--socket PATH]\n"
	    "       COMMAND [ARGS]\n"
	    "\n"
	    "Shows and changes the records of this area's tvaersd: its\n"
	    "associations, projects, networks, events and documents, signed with\n"
	    "the area's key and shared with the areas it peers with.\n"
	    "\n"
	    "Commands:\n"), PROG_NAME);
	for (size_t i = 0; i < N_CMDS; i++)
		fprintf(f, "  %-15s %s\n", cmds[i].name, _(cmds[i].summary));
	fprintf(f, _(
	    "\n"
	    "Options:\n"
	    "  --json         print one JSON document for scripts (an array for\n"
	    "                 list and the tables), the same in every language\n"
	    "                 and terminal; export writes JSON Lines or CSV\n"
	    "  --lang da|en   Danish or English for people (default: the locale,\n"
	    "                 LC_ALL, LC_MESSAGES or LANG: da_* is Danish)\n"
	    "  --home DIR     tvaersd's data directory; the socket is\n"
	    "                 DIR/control.sock. Default: $TVAERS_HOME, else\n"
	    "                 $XDG_DATA_HOME/tvaers, else ~/.local/share/tvaers\n"
	    "  --socket PATH  the control socket itself (beats --home)\n"
	    "  -h, --help     this help; `%s COMMAND --help` for one command\n"
	    "  --version      print the version of %s\n"
	    "\n"
	    "REF is `area` (this area's profile), a record id or its first\n"
	    "characters (like git's short hashes), or AREA:ID. KIND is area,\n"
	    "association, project, network, membership, event, document, or the\n"
	    "local-only role and contact; Danish names (forening, projekt, ...)\n"
	    "work too.\n"
	    "\n"
	    "Exit status:\n"
	    "  0  success\n"
	    "  1  tvaersd refused the request, or a record or field value is\n"
	    "     wrong (the message says why and what to do)\n"
	    "  2  usage error: an unknown command, kind, field or option\n"
	    "  3  tvaersd is not reachable (not running, or another data\n"
	    "     directory: see --home)\n"), PROG_NAME, PROG_NAME);
}

void
cli_help_cmd(const struct cmd *cmd, FILE *f)
{
	fprintf(f, _("Usage: %s [--json] %s%s%s\n\n%s"), PROG_NAME, cmd->name,
	    *cmd->usage ? " " : "", cmd->usage, _(cmd->help));
	if (cmd->needs_daemon)
		fprintf(f, _("\nNeeds a running tvaersd; `%s --help` describes "
		    "--home, --socket\nand the exit status.\n"), PROG_NAME);
}

int
cli_flush(void)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_err(_("cannot write the output: %s"), strerror(errno));
		return EXIT_REFUSED;
	}
	return 0;
}

/* The socket: --socket, else --home/control.sock, else tvaersd's default data directory. */
static char *
socket_path(const struct cli *c)
{
	const char *dir = c->home, *env, *home;
	const struct passwd *pw;
	const char *sub = "";
	char *p;
	size_t n;

	if (c->socket != NULL)
		return xstrdup(c->socket);
	/* The same search as tvaersd's conf_default_data_dir. */
	if (dir == NULL && (env = getenv("TVAERS_HOME")) != NULL && *env)
		dir = env;
	if (dir == NULL && (env = getenv("XDG_DATA_HOME")) != NULL &&
	    env[0] == '/') {
		dir = env;
		sub = "/tvaers";
	}
	if (dir == NULL) {
		home = getenv("HOME");
		if ((home == NULL || *home == 0) &&
		    (pw = getpwuid(getuid())) != NULL)
			home = pw->pw_dir;
		if (home != NULL && *home) {
			dir = home;
			sub = "/.local/share/tvaers";
		} else {
			dir = "/var/lib/tvaers";
		}
	}
	n = strlen(dir) + strlen(sub) + sizeof("/" SOCKET_NAME);
	p = xmalloc(n);
	snprintf(p, n, "%s%s/" SOCKET_NAME, dir, sub);
	return p;
}

static int
connect_failed(const char *path, int rc)
{
	switch (-rc) {
	case ENOENT:
	case ENOTDIR:
		cli_err(_("tvaersd is not running (no socket at %s). Start it with "
		    "`tvaersd` or `make run`; set TVAERS_HOME if it uses another "
		    "data directory."), path);
		break;
	case ECONNREFUSED:
		cli_err(_("tvaersd is not running (nothing answers at %s). Start "
		    "it with `tvaersd` or `make run`; set TVAERS_HOME if it uses "
		    "another data directory."), path);
		break;
	case EACCES:
	case EPERM:
		cli_err(_("cannot connect to tvaersd at %s: permission denied. Run "
		    "tvaers as the user that runs tvaersd."), path);
		break;
	case ENAMETOOLONG:
		cli_err(_("the socket path %s is too long for a Unix socket. Use a "
		    "shorter --home or --socket."), path);
		break;
	default:
		cli_err(_("cannot connect to tvaersd at %s: %s. Check that tvaersd "
		    "runs (`make run`) and see its log."), path, tv_strerror(rc));
		break;
	}
	return EXIT_UNREACHABLE;
}

/* Carries cli_call's callback through client_call's. */
struct call {
	struct cli *c;
	cli_item_cb *cb;
	void *arg;
	int exit_code;
};

static int
call_item(void *arg, const struct tv_value *item)
{
	struct call *call = arg;

	if (call->cb == NULL)
		return 0;
	call->exit_code = call->cb(call->c, call->arg, item);
	return call->exit_code != 0 ? -1 : 0;
}

int
cli_call(struct cli *c, const char *op, const struct tv_value *args,
    cli_item_cb *cb, void *arg)
{
	struct call call = { .c = c, .cb = cb, .arg = arg };
	char msg[TV_CTL_MSG_MAX + 1];
	int64_t code;
	int rc;

	if (c->sock_path == NULL)
		c->sock_path = socket_path(c);
	if (c->conn == NULL &&
	    (rc = client_open(c->sock_path, &c->conn)) != 0)
		return connect_failed(c->sock_path, rc);
	rc = client_call(c->conn, op, args, call_item, &call, &code, msg,
	    sizeof(msg));
	if (rc != 0 && call.exit_code != 0)
		return call.exit_code;	/* the callback said what went wrong */
	switch (rc) {
	case 0:
		snprintf(c->last_msg, sizeof(c->last_msg), "%s", msg);
		break;
	case -EAGAIN:
		cli_err(_("tvaersd did not answer within %d seconds. It may be "
		    "overloaded or stuck; see its log."), CLIENT_TIMEOUT);
		return EXIT_UNREACHABLE;
	case TV_ETRUNC:
		cli_err(_("tvaersd closed the connection before it answered. It "
		    "may be stopping or serving too many connections; see its "
		    "log."));
		return EXIT_UNREACHABLE;
	case -EPIPE:
	case -ECONNRESET:
		cli_err(_("lost the connection to tvaersd (%s). See its log."),
		    tv_strerror(rc));
		return EXIT_UNREACHABLE;
	case TV_ENOMEM:
		cli_err(_("out of memory"));
		return EXIT_REFUSED;
	case TV_EUTF8:
		cli_err(_("an argument is not valid UTF-8 text. Use a UTF-8 "
		    "terminal and locale."));
		return EXIT_USAGE;
	default:
		if (rc > -1000) {
			cli_err(_("talking to tvaersd: %s. See its log."),
			    tv_strerror(rc));
			return EXIT_UNREACHABLE;
		}
		cli_err(_("tvaersd sent a reply tvaers cannot read (%s). Are "
		    "tvaers and tvaersd the same version?"), tv_strerror(rc));
		return EXIT_REFUSED;
	}
	if (code != 0) {
		/* The daemon's message is a sentence for people; it may quote peer text. */
		char *vis = out_vis(msg, strlen(msg), false);
		cli_err("%s", *vis ? vis : tv_strerror((int)code));
		free(vis);
		return EXIT_REFUSED;
	}
	return 0;
}

int
cmd_help(struct cli *c, int argc, char **argv)
{
	const struct cmd *cmd;

	if (argc < 2 || cli_is_help(argv[1])) {
		cli_help_main(stdout);
		return cli_flush();
	}
	if ((cmd = cli_cmd_find(argv[1])) == NULL)
		return cli_usage_err(NULL, _("there is no command '%s'"), argv[1]);
	cli_help_cmd(cmd, stdout);
	return cli_flush();
}

/* Takes an option's value: --opt VALUE or --opt=VALUE. */
static const char *
opt_value(int argc, char **argv, int *i, const char *name)
{
	size_t n = strlen(name);

	if (strncmp(argv[*i], name, n) == 0 && argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (strcmp(argv[*i], name) != 0)
		return NULL;
	if (*i + 1 >= argc) {
		cli_usage_err(NULL, _("option %s needs a value"), name);
		exit(EXIT_USAGE);
	}
	return argv[++*i];
}

/*
 * The --lang among the global options, found before anything is printed so
 * that even a usage error speaks the language asked for; NULL if none.
 */
static const char *
lang_option(int argc, char **argv)
{
	const char *lang = NULL;

	for (int i = 1; i < argc && argv[i][0] == '-' &&
	    strcmp(argv[i], "--") != 0; i++) {
		if (strncmp(argv[i], "--lang=", 7) == 0)
			lang = argv[i] + 7;
		else if (strcmp(argv[i], "--lang") == 0 && i + 1 < argc)
			lang = argv[++i];
		else if (strcmp(argv[i], "--home") == 0 ||
		    strcmp(argv[i], "--socket") == 0)
			i++;
	}
	return lang;
}

int
main(int argc, char **argv)
{
	struct cli c = { .is_json = false };
	const char *lang = lang_option(argc, argv);
	const struct cmd *cmd;
	const char *v;
	int i, rc;

	if (!i18n_init(lang))
		return cli_usage_err(NULL, _("--lang takes da (Danish) or en "
		    "(English), not '%s'"), lang);
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		} else if (strcmp(argv[i], "--json") == 0) {
			c.is_json = true;
		} else if (opt_value(argc, argv, &i, "--lang") != NULL) {
			continue;	/* read by lang_option */
		} else if ((v = opt_value(argc, argv, &i, "--home")) != NULL) {
			c.home = v;
		} else if ((v = opt_value(argc, argv, &i, "--socket")) != NULL) {
			c.socket = v;
		} else if (cli_is_help(argv[i])) {
			cli_help_main(stdout);
			return cli_flush();
		} else if (strcmp(argv[i], "--version") == 0) {
			printf("%s %s\n", PROG_NAME, PROJECT_VERSION);
			return cli_flush();
		} else {
			return cli_usage_err(NULL, _("there is no option '%s'"),
			    argv[i]);
		}
	}
	if (i == argc) {
		cli_help_main(stderr);
		return EXIT_USAGE;
	}
	if ((cmd = cli_cmd_find(argv[i])) == NULL)
		return cli_usage_err(NULL, _("there is no command '%s'"), argv[i]);
	/*
	 * `tvaers COMMAND --help`, or --help anywhere among the arguments of
	 * a command whose arguments are no free text; add and set find it
	 * among their field options themselves (add KIND --help says more).
	 */
	for (int j = i + 1; j < argc && strcmp(cmd->name, "help") != 0; j++) {
		if (!cli_is_help(argv[j]))
			continue;
		if (j > i + 1 && (strcmp(cmd->name, "add") == 0 ||
		    strcmp(cmd->name, "set") == 0))
			break;
		cli_help_cmd(cmd, stdout);
		return cli_flush();
	}
	rc = cmd->fn(&c, argc - i, argv + i);
	client_close(c.conn);
	free(c.sock_path);
	if (rc == 0)
		rc = cli_flush();
	return rc;
}
