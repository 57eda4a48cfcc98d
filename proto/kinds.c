/*
 * Record kinds and their schemas (PROTOCOL.md §6, from DATAMODEL.md §4).
 *
 * The tables below are the schemas: one array of fields per kind, and the
 * enumerations with their ASCII wire codes and Danish and English labels.
 * Three small sub-schemas (a need, a funding item, a consent) describe the
 * maps inside list fields and are checked by the same code as bodies.
 *
 * Validation is strict about the fields it knows and silent about the
 * others: unknown fields and unknown kinds are kept and relayed (§3.5).
 * Parsing turns what a person types into a value of the field's wire type
 * and then runs the same checks, so both report the same one-line reasons.
 * Nothing here allocates except into the caller's tv_doc (and one NFC
 * buffer that is freed before returning); nothing prints.
 */
#include "kinds.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caltime.h"
#include "dkfmt.h"
#include "err.h"
#include "ids.h"
#include "kinds_data.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define ENUM(t) .enums = (t), .n_enums = N(t)
#define F(n, d, e, t) .name = (n), .da = (d), .en = (e), .type = (t)

/* PROTOCOL.md §6.2: text limits, counted in Unicode code points. */
#define TEXT_NAME 120
#define TEXT_SHORT 40
#define TEXT_TITLE 160
#define TEXT_PURPOSE 1000
#define TEXT_DESC 4000
#define TEXT_DESC_LONG 8000
#define TEXT_OTHER 200
#define TEXT_URL 300
#define TEXT_PHONE 40
#define HASH_HEX 64		/* document hash: BLAKE2b-256 as hex */

#define LIST_MAX 64
#define INTEREST_CODES_MAX 8
#define INTEREST_TAGS_MAX 16
#define TAG_MIN 2
#define TAG_MAX 32

#define YEAR_MIN 1800
#define YEAR_MAX 2100
#define MONEY_MAX 1000000000
#define TIME_MAX 4102444799LL	/* 2099-12-31 23:59:59 UTC */

/* PROTOCOL.md §6.2: Denmark's bounding box with a margin, micro-degrees. */
#define LAT_MIN 54000000
#define LAT_MAX 58000000
#define LON_MIN 7500000
#define LON_MAX 15500000

/* Splitting CLI lists: more items than this are refused before counting. */
#define PARSE_ITEMS_MAX 256

/* ---- Enumerations (DATAMODEL.md §4.1) ---------------------------------- */

static const struct tv_enum_value area_kinds[] = {
	{ "village", "landsby", "village" },
	{ "parish", "sogn", "parish" },
	{ "local_area", "lokalområde", "local area" },
	{ "village_cluster", "landsbyklynge", "village cluster" },
	{ "island", "ø", "island" },
	{ "district", "bydel", "district" },
	{ "coordinator", "koordinator", "coordinator" },
};

static const struct tv_enum_value association_kinds[] = {
	{ "sports", "idrætsforening", "sports club" },
	{ "residents", "borgerforening/lokalråd",
	    "residents' association/local council" },
	{ "village_hall", "forsamlingshusforening", "village hall association" },
	{ "culture", "kulturforening", "cultural association" },
	{ "scouts", "spejdergruppe", "scout group" },
	{ "supporters", "støtteforening", "supporters' association" },
	{ "interest", "interesseforening", "interest association" },
	{ "social", "social forening", "social association" },
	{ "landowners", "grundejerforening", "landowners' association" },
	{ "self_governing", "selvejende institution",
	    "self-governing institution" },
	{ "informal", "uformel gruppe", "informal group" },
	{ "other", "andet", "other" },
};

static const struct tv_enum_value association_status[] = {
	{ "active", "aktiv", "active" },
	{ "dormant", "hvilende", "dormant" },
	{ "closed", "nedlagt", "closed" },
};

static const struct tv_enum_value admin_systems[] = {
	{ "conventus", "Conventus", "Conventus" },
	{ "foreninglet", "ForeningLet", "ForeningLet" },
	{ "klubmodul", "Klubmodul", "Klubmodul" },
	{ "spreadsheet", "regneark", "spreadsheet" },
	{ "other", "andet", "other" },
};

/* Shared by project.needs and association.seeking. */
static const struct tv_enum_value need_types[] = {
	{ "volunteers", "frivillige", "volunteers" },
	{ "coordinator", "tovholder", "coordinator" },
	{ "skills", "kompetencer", "skills" },
	{ "money", "penge", "money" },
	{ "premises", "lokaler", "premises" },
	{ "equipment", "udstyr", "equipment" },
	{ "partner", "partner", "partner" },
	{ "permit", "tilladelse", "permit" },
	{ "treasurer", "kasserer", "treasurer" },
	{ "board_members", "bestyrelsesmedlemmer", "board members" },
	{ "coaches", "trænere", "coaches" },
	{ "other", "andet", "other" },
};

static const struct tv_enum_value project_status[] = {
	{ "idea", "idé", "idea" },
	{ "planning", "planlægning", "planning" },
	{ "seeking_funds", "søger midler", "seeking funds" },
	{ "active", "i gang", "in progress" },
	{ "shelved", "skuffe", "shelved" },
	{ "done", "afsluttet", "done" },
	{ "abandoned", "opgivet", "abandoned" },
};

static const struct tv_enum_value shelved_reasons[] = {
	{ "no_hands", "manglede hænder", "lacked hands" },
	{ "no_money", "manglede penge", "lacked money" },
	{ "no_coordinator", "manglede tovholder", "lacked a coordinator" },
	{ "no_permit", "manglede tilladelse", "lacked a permit" },
	{ "no_partner", "manglede partner", "lacked a partner" },
	{ "other", "andet", "other" },
};

/* Shared by project.target_group and event.audience. */
static const struct tv_enum_value target_groups[] = {
	{ "everyone", "alle", "everyone" },
	{ "children", "børn", "children" },
	{ "youth", "unge", "young people" },
	{ "families", "familier", "families" },
	{ "seniors", "seniorer", "seniors" },
	{ "newcomers", "tilflyttere", "newcomers" },
	{ "tourists", "turister", "tourists" },
	{ "business", "erhverv", "business" },
};

static const struct tv_enum_value funding_sources[] = {
	{ "lag", "LAG", "LAG" },
	{ "foundation", "fond", "foundation" },
	{ "municipality", "kommune", "municipality" },
	{ "state", "stat", "state" },
	{ "region", "region", "region" },
	{ "own", "egne midler", "own funds" },
	{ "sponsor", "sponsor", "sponsor" },
	{ "crowdfunding", "crowdfunding", "crowdfunding" },
	{ "other", "andet", "other" },
};

static const struct tv_enum_value funding_status[] = {
	{ "considering", "overvejes", "under consideration" },
	{ "applied", "søgt", "applied" },
	{ "granted", "bevilget", "granted" },
	{ "rejected", "afslag", "rejected" },
	{ "paid", "udbetalt", "paid out" },
};

static const struct tv_enum_value network_kinds[] = {
	{ "village_cluster", "landsbyklynge", "village cluster" },
	{ "interest", "interessenetværk", "interest network" },
	{ "umbrella", "paraply/fællesråd", "umbrella/joint council" },
	{ "project", "samarbejde om projekt", "project cooperation" },
	{ "conference", "konference/mødested", "conference/meeting place" },
	{ "virtual", "virtuelt", "virtual" },
};

static const struct tv_enum_value network_scopes[] = {
	{ "within_area", "i området", "within the area" },
	{ "across_areas", "på tværs af områder", "across areas" },
	{ "across_municipalities", "på tværs af kommuner",
	    "across municipalities" },
	{ "regional", "regionalt", "regional" },
	{ "national", "landsdækkende", "national" },
};

static const struct tv_enum_value membership_roles[] = {
	{ "member", "medlem", "member" },
	{ "coordinator", "tovholder", "coordinator" },
	{ "observer", "observatør", "observer" },
};

static const struct tv_enum_value event_status[] = {
	{ "planned", "planlagt", "planned" },
	{ "cancelled", "aflyst", "cancelled" },
	{ "moved", "flyttet", "moved" },
};

static const struct tv_enum_value document_categories[] = {
	{ "statutes", "vedtægter", "statutes" },
	{ "development_plan", "udviklingsplan", "development plan" },
	{ "minutes", "referat", "minutes" },
	{ "application", "ansøgning", "application" },
	{ "budget", "budget", "budget" },
	{ "report", "rapport", "report" },
	{ "map", "kort", "map" },
	{ "poster", "plakat", "poster" },
	{ "image", "billede", "image" },
	{ "other", "andet", "other" },
};

static const struct tv_enum_value document_visibility[] = {
	{ "local", "lokal", "local" },
	{ "network", "netværk", "network" },
	{ "federation", "føderation", "federation" },
};

static const struct tv_enum_value role_kinds[] = {
	{ "chair", "formand", "chair" },
	{ "vice_chair", "næstformand", "vice-chair" },
	{ "treasurer", "kasserer", "treasurer" },
	{ "secretary", "sekretær", "secretary" },
	{ "board_member", "bestyrelsesmedlem", "board member" },
	{ "substitute", "suppleant", "substitute" },
	{ "auditor", "revisor", "auditor" },
	{ "contact", "kontaktperson", "contact person" },
	{ "coordinator", "tovholder", "coordinator" },
	{ "coach", "træner/instruktør", "coach/instructor" },
};

/* ---- Sub-schemas: the maps inside NEEDS, FUNDING and CONSENT ----------- */

static const struct tv_field need_item[] = {
	{ F("type", "type", "type", TV_F_ENUM), .required = true,
	    ENUM(need_types) },
	{ F("text", "tekst", "text", TV_F_TEXT), .max = TEXT_OTHER },
};

static const struct tv_field funding_item[] = {
	{ F("source", "kilde", "source", TV_F_ENUM), .required = true,
	    ENUM(funding_sources) },
	{ F("name", "navn", "name", TV_F_TEXT), .max = TEXT_NAME },
	{ F("amount_applied", "søgt", "applied for", TV_F_INT),
	    .min = 0, .max = MONEY_MAX },
	{ F("amount_granted", "bevilget", "granted", TV_F_INT),
	    .min = 0, .max = MONEY_MAX },
	{ F("status", "status", "status", TV_F_ENUM), ENUM(funding_status) },
	{ F("date", "dato", "date", TV_F_DATE) },
};

static const struct tv_field consent_item[] = {
	{ F("publish_name", "offentliggør navn", "publish name", TV_F_BOOL),
	    .required = true },
	{ F("publish_contact", "offentliggør kontakt", "publish contact",
	    TV_F_BOOL), .required = true },
	{ F("given", "givet", "given", TV_F_DATE), .required = true },
	{ F("scope", "omfang", "scope", TV_F_TEXT), .max = TEXT_OTHER },
};

/* ---- Kinds (DATAMODEL.md §4.1) ----------------------------------------- */

static const struct tv_field area_fields[] = {
	{ F("name", "navn", "name", TV_F_TEXT), .required = true,
	    .max = TEXT_NAME },
	{ F("kind", "type", "kind", TV_F_ENUM), .required = true,
	    ENUM(area_kinds) },
	{ F("municipality", "kommune", "municipality", TV_F_MUNICIPALITY),
	    .required = true },
	{ F("council_name", "rådets navn", "council name", TV_F_TEXT),
	    .max = TEXT_NAME },
	{ F("cvr", "CVR", "CVR", TV_F_CVR) },
	{ F("description", "beskrivelse", "description", TV_F_TEXT),
	    .max = TEXT_DESC },
	{ F("location", "placering", "location", TV_F_LOCATION) },
	{ F("postcodes", "postnumre", "postcodes", TV_F_INT_LIST),
	    .min = 1000, .max = 9999, .max_items = 20 },
	{ F("population", "indbyggertal", "population", TV_F_INT),
	    .min = 0, .max = 10000000 },
	{ F("lag", "LAG", "LAG", TV_F_TEXT), .max = TEXT_NAME },
	{ F("meeting_place", "samlingssted", "meeting place", TV_F_TEXT),
	    .max = TEXT_OTHER },
	{ F("website", "hjemmeside", "website", TV_F_TEXT), .max = TEXT_URL },
	{ F("email", "e-mail", "e-mail", TV_F_TEXT), .max = TEXT_OTHER },
	{ F("phone", "telefon", "phone", TV_F_TEXT), .max = TEXT_PHONE },
	{ F("peers", "forbindelser", "peers", TV_F_REF_LIST),
	    .max_items = LIST_MAX },
	{ F("addresses", "netadresser", "network addresses", TV_F_TEXT_LIST),
	    .max = TEXT_URL, .max_items = 16 },
	{ F("development_plan", "udviklingsplan", "development plan",
	    TV_F_REF) },
};

static const struct tv_field association_fields[] = {
	{ F("name", "navn", "name", TV_F_TEXT), .required = true,
	    .max = TEXT_NAME },
	{ F("short_name", "forkortelse", "short name", TV_F_TEXT),
	    .max = TEXT_SHORT },
	{ F("cvr", "CVR", "CVR", TV_F_CVR) },
	{ F("kind", "foreningstype", "kind", TV_F_ENUM),
	    ENUM(association_kinds) },
	{ F("purpose", "formål", "purpose", TV_F_TEXT), .max = TEXT_PURPOSE },
	{ F("description", "beskrivelse", "description", TV_F_TEXT),
	    .max = TEXT_DESC },
	{ F("interests", "interesser", "interests", TV_F_INTERESTS),
	    .max_items = INTEREST_CODES_MAX + INTEREST_TAGS_MAX },
	{ F("folkeoplysende", "folkeoplysende", "adult education (folkeoplysende)",
	    TV_F_BOOL) },
	{ F("members", "medlemstal", "members", TV_F_INT),
	    .min = 0, .max = 1000000 },
	{ F("members_year", "opgjort år", "members counted in", TV_F_INT),
	    .min = YEAR_MIN, .max = YEAR_MAX },
	{ F("meeting_place", "mødested", "meeting place", TV_F_TEXT),
	    .max = TEXT_OTHER },
	{ F("municipality", "kommune", "municipality", TV_F_MUNICIPALITY) },
	{ F("website", "hjemmeside", "website", TV_F_TEXT), .max = TEXT_URL },
	{ F("email", "e-mail", "e-mail", TV_F_TEXT), .max = TEXT_OTHER },
	{ F("phone", "telefon", "phone", TV_F_TEXT), .max = TEXT_PHONE },
	{ F("founded", "stiftet", "founded", TV_F_INT),
	    .min = YEAR_MIN, .max = YEAR_MAX },
	{ F("status", "status", "status", TV_F_ENUM),
	    ENUM(association_status) },
	{ F("board_seats", "bestyrelsespladser", "board seats", TV_F_INT),
	    .min = 0, .max = 50 },
	{ F("board_vacant", "ledige pladser", "vacant seats", TV_F_INT),
	    .min = 0, .max = 50 },
	{ F("seeking", "søger", "seeking", TV_F_NEEDS), .max = TEXT_OTHER,
	    .max_items = 16, ENUM(need_types) },
	{ F("admin_system", "medlemssystem", "membership system", TV_F_ENUM),
	    ENUM(admin_systems) },
	{ F("contact", "kontaktperson", "contact person", TV_F_REF) },
};

static const struct tv_field project_fields[] = {
	{ F("title", "titel", "title", TV_F_TEXT), .required = true,
	    .max = TEXT_TITLE },
	{ F("description", "beskrivelse", "description", TV_F_TEXT),
	    .max = TEXT_DESC_LONG },
	{ F("status", "status", "status", TV_F_ENUM), .required = true,
	    ENUM(project_status) },
	{ F("shelved_reason", "hvorfor i skuffen", "why shelved", TV_F_ENUM),
	    ENUM(shelved_reasons) },
	{ F("shelved_note", "skuffebemærkning", "note on shelving", TV_F_TEXT),
	    .max = TEXT_OTHER },
	{ F("interests", "interesser", "interests", TV_F_INTERESTS),
	    .max_items = INTEREST_CODES_MAX + INTEREST_TAGS_MAX },
	{ F("owner", "ansvarlig", "owner", TV_F_REF) },
	{ F("partners", "partnere", "partners", TV_F_REF_LIST),
	    .max_items = LIST_MAX },
	{ F("partner_names", "andre partnere", "other partners",
	    TV_F_TEXT_LIST), .max = TEXT_NAME, .max_items = LIST_MAX },
	{ F("target_group", "målgruppe", "target group", TV_F_ENUM_LIST),
	    .max_items = N(target_groups), ENUM(target_groups) },
	{ F("place", "sted", "place", TV_F_TEXT), .max = TEXT_OTHER },
	{ F("location", "placering", "location", TV_F_LOCATION) },
	{ F("needs", "behov", "needs", TV_F_NEEDS), .max = TEXT_OTHER,
	    .max_items = 16, ENUM(need_types) },
	{ F("budget", "budget", "budget", TV_F_INT), .min = 0,
	    .max = MONEY_MAX },
	{ F("funding", "finansiering", "funding", TV_F_FUNDING),
	    .max_items = 32, ENUM(funding_sources) },
	{ F("start", "start", "start", TV_F_DATE) },
	{ F("end", "slut", "end", TV_F_DATE) },
	{ F("documents", "dokumenter", "documents", TV_F_REF_LIST),
	    .max_items = LIST_MAX },
	{ F("contact", "kontaktperson", "contact person", TV_F_REF) },
};

static const struct tv_field network_fields[] = {
	{ F("name", "navn", "name", TV_F_TEXT), .required = true,
	    .max = TEXT_NAME },
	{ F("purpose", "formål", "purpose", TV_F_TEXT), .max = TEXT_PURPOSE },
	{ F("formal", "formelt", "formal", TV_F_BOOL) },
	{ F("cvr", "CVR", "CVR", TV_F_CVR) },
	{ F("kind", "type", "kind", TV_F_ENUM), ENUM(network_kinds) },
	{ F("scope", "rækkevidde", "scope", TV_F_ENUM), ENUM(network_scopes) },
	{ F("interests", "interesser", "interests", TV_F_INTERESTS),
	    .max_items = INTEREST_CODES_MAX + INTEREST_TAGS_MAX },
	{ F("members", "medlemmer", "members", TV_F_REF_LIST),
	    .max_items = LIST_MAX },
	{ F("online", "online", "online", TV_F_TEXT_LIST), .max = TEXT_URL,
	    .max_items = 16 },
	{ F("coordinator", "tovholder", "coordinator", TV_F_REF) },
};

static const struct tv_field membership_fields[] = {
	{ F("network", "netværk", "network", TV_F_REF), .required = true },
	{ F("member", "medlem", "member", TV_F_REF), .required = true },
	{ F("role", "rolle", "role", TV_F_ENUM), ENUM(membership_roles) },
	{ F("since", "fra", "since", TV_F_DATE) },
	{ F("until", "til", "until", TV_F_DATE) },
};

static const struct tv_field event_fields[] = {
	{ F("title", "titel", "title", TV_F_TEXT), .required = true,
	    .max = TEXT_TITLE },
	{ F("description", "beskrivelse", "description", TV_F_TEXT),
	    .max = TEXT_DESC },
	{ F("start", "start", "start", TV_F_TIME), .required = true,
	    .min = 0, .max = TIME_MAX },
	{ F("end", "slut", "end", TV_F_TIME), .min = 0, .max = TIME_MAX },
	{ F("all_day", "heldags", "all day", TV_F_BOOL) },
	{ F("place", "sted", "place", TV_F_TEXT), .max = TEXT_OTHER },
	{ F("address", "adresse", "address", TV_F_TEXT), .max = TEXT_OTHER },
	{ F("location", "placering", "location", TV_F_LOCATION) },
	{ F("organiser", "arrangør", "organiser", TV_F_REF) },
	{ F("co_organisers", "medarrangører", "co-organisers", TV_F_REF_LIST),
	    .max_items = LIST_MAX },
	{ F("interests", "interesser", "interests", TV_F_INTERESTS),
	    .max_items = INTEREST_CODES_MAX + INTEREST_TAGS_MAX },
	{ F("audience", "målgruppe", "audience", TV_F_ENUM_LIST),
	    .max_items = N(target_groups), ENUM(target_groups) },
	{ F("price", "pris", "price", TV_F_INT), .min = 0, .max = 1000000 },
	{ F("signup", "tilmelding", "sign-up", TV_F_TEXT), .max = TEXT_URL },
	{ F("status", "status", "status", TV_F_ENUM), ENUM(event_status) },
	{ F("recurrence", "gentagelse", "recurrence", TV_F_TEXT),
	    .max = TEXT_OTHER },
	{ F("expires", "udløber", "expires", TV_F_TIME), .min = 0,
	    .max = TIME_MAX },
};

static const struct tv_field document_fields[] = {
	{ F("title", "titel", "title", TV_F_TEXT), .required = true,
	    .max = TEXT_TITLE },
	{ F("description", "beskrivelse", "description", TV_F_TEXT),
	    .max = TEXT_DESC },
	{ F("category", "kategori", "category", TV_F_ENUM),
	    ENUM(document_categories) },
	{ F("filename", "filnavn", "file name", TV_F_TEXT), .max = TEXT_OTHER },
	{ F("media_type", "medietype", "media type", TV_F_TEXT),
	    .max = TEXT_OTHER },
	{ F("size", "størrelse", "size", TV_F_INT), .min = 0,
	    .max = 1000000000000LL },
	{ F("hash", "hash", "hash", TV_F_TEXT), .max = HASH_HEX },
	{ F("belongs_to", "hører til", "belongs to", TV_F_REF) },
	{ F("visibility", "synlighed", "visibility", TV_F_ENUM),
	    ENUM(document_visibility) },
};

static const struct tv_field role_fields[] = {
	{ F("person", "person", "person", TV_F_TEXT), .max = TEXT_SHORT },
	{ F("name", "navn", "name", TV_F_TEXT), .required = true,
	    .max = TEXT_NAME },
	{ F("email", "e-mail", "e-mail", TV_F_TEXT), .max = TEXT_OTHER },
	{ F("phone", "telefon", "phone", TV_F_TEXT), .max = TEXT_PHONE },
	{ F("association", "forening", "association", TV_F_REF),
	    .required = true },
	{ F("role", "rolle", "role", TV_F_ENUM), .required = true,
	    ENUM(role_kinds) },
	{ F("from", "fra", "from", TV_F_DATE) },
	{ F("to", "til", "to", TV_F_DATE) },
	{ F("consent", "samtykke", "consent", TV_F_CONSENT) },
};

/* A contact is a role without the role (DATAMODEL.md §4.1). */
static const struct tv_field contact_fields[] = {
	{ F("person", "person", "person", TV_F_TEXT), .max = TEXT_SHORT },
	{ F("name", "navn", "name", TV_F_TEXT), .required = true,
	    .max = TEXT_NAME },
	{ F("email", "e-mail", "e-mail", TV_F_TEXT), .max = TEXT_OTHER },
	{ F("phone", "telefon", "phone", TV_F_TEXT), .max = TEXT_PHONE },
	{ F("association", "forening", "association", TV_F_REF) },
	{ F("from", "fra", "from", TV_F_DATE) },
	{ F("to", "til", "to", TV_F_DATE) },
	{ F("consent", "samtykke", "consent", TV_F_CONSENT) },
};

#define FIELDS(t) .fields = (t), .n_fields = N(t)

static const struct tv_kind kinds[] = {
	{ .name = "area", .da = "område", .en = "area",
	    .title_field = "name", FIELDS(area_fields) },
	{ .name = "association", .da = "forening", .en = "association",
	    .title_field = "name", FIELDS(association_fields) },
	{ .name = "project", .da = "projekt", .en = "project",
	    .title_field = "title", FIELDS(project_fields) },
	{ .name = "network", .da = "netværk", .en = "network",
	    .title_field = "name", FIELDS(network_fields) },
	/* A membership has no text of its own to show as a title. */
	{ .name = "membership", .da = "medlemskab", .en = "membership",
	    .title_field = NULL, FIELDS(membership_fields) },
	{ .name = "event", .da = "arrangement", .en = "event",
	    .title_field = "title", FIELDS(event_fields) },
	{ .name = "document", .da = "dokument", .en = "document",
	    .title_field = "title", FIELDS(document_fields) },
	{ .name = "role", .da = "rolle", .en = "role", .is_local = true,
	    .title_field = "name", FIELDS(role_fields) },
	{ .name = "contact", .da = "kontakt", .en = "contact", .is_local = true,
	    .title_field = "name", FIELDS(contact_fields) },
};

/* Other words people use for a kind: plurals ("tvaers list foreninger"). */
static const struct {
	const char *word;
	const char *kind;
} kind_aliases[] = {
	{ "områder", "area" }, { "areas", "area" },
	{ "foreninger", "association" }, { "associations", "association" },
	{ "projekter", "project" }, { "projects", "project" },
	{ "samarbejde", "network" }, { "networks", "network" },
	{ "medlemskaber", "membership" }, { "memberships", "membership" },
	{ "arrangementer", "event" }, { "events", "event" },
	{ "dokumenter", "document" }, { "documents", "document" },
	{ "roller", "role" }, { "tillidspost", "role" }, { "roles", "role" },
	{ "kontakter", "contact" }, { "contacts", "contact" },
};

/* ---- Small helpers ----------------------------------------------------- */

static int fail(char *errbuf, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Writes the one-line reason and returns TV_ESCHEMA. */
static int
fail(char *errbuf, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (errbuf != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(errbuf, errlen, fmt, ap);
		va_end(ap);
	}
	return TV_ESCHEMA;
}

/* Decodes one code point leniently: a byte that starts no sequence stands for itself. */
static size_t
utf8_next(const uint8_t *s, size_t len, uint32_t *out)
{
	uint8_t c = s[0];

	if (c >= 0xc0 && c < 0xe0 && len >= 2 && (s[1] & 0xc0) == 0x80) {
		*out = (uint32_t)(c & 0x1f) << 6 | (s[1] & 0x3f);
		return 2;
	}
	if (c >= 0xe0 && c < 0xf0 && len >= 3 && (s[1] & 0xc0) == 0x80 &&
	    (s[2] & 0xc0) == 0x80) {
		*out = (uint32_t)(c & 0x0f) << 12 |
		    (uint32_t)(s[1] & 0x3f) << 6 | (s[2] & 0x3f);
		return 3;
	}
	if (c >= 0xf0 && c < 0xf8 && len >= 4 && (s[1] & 0xc0) == 0x80 &&
	    (s[2] & 0xc0) == 0x80 && (s[3] & 0xc0) == 0x80) {
		*out = (uint32_t)(c & 0x07) << 18 |
		    (uint32_t)(s[1] & 0x3f) << 12 |
		    (uint32_t)(s[2] & 0x3f) << 6 | (s[3] & 0x3f);
		return 4;
	}
	*out = c;
	return 1;
}

/* Lower-cases ASCII and the Latin-1 letters (Æ Ø Å É ...), enough for Danish. */
static uint32_t
fold_cp(uint32_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c + 32;
	if (c >= 0xc0 && c <= 0xde && c != 0xd7)
		return c + 32;
	return c;
}

/* Compares two texts ignoring case as fold_cp defines it. */
static bool
fold_eq(const char *a, size_t a_len, const char *b, size_t b_len)
{
	const uint8_t *p = (const uint8_t *)a, *q = (const uint8_t *)b;
	size_t i = 0, j = 0;

	while (i < a_len && j < b_len) {
		uint32_t x, y;
		i += utf8_next(p + i, a_len - i, &x);
		j += utf8_next(q + j, b_len - j, &y);
		if (fold_cp(x) != fold_cp(y))
			return false;
	}
	return i == a_len && j == b_len;
}

/* Lower-cases text in place (ASCII and Latin-1 letters keep their byte length). */
static void
fold_in_place(char *s, size_t len)
{
	uint8_t *p = (uint8_t *)s;

	for (size_t i = 0; i < len; i++) {
		if (p[i] >= 'A' && p[i] <= 'Z')
			p[i] += 32;
		else if (p[i] == 0xc3 && i + 1 < len && p[i + 1] >= 0x80 &&
		    p[i + 1] <= 0x9e && p[i + 1] != 0x97)
			p[++i] += 0x20;
	}
}

/* Code points in valid UTF-8 text. */
static size_t
utf8_chars(const uint8_t *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	    c == '\v' || c == '\f';
}

/* Trims ASCII white space from both ends of [*p, *p + *len). */
static void
trim(const char **p, size_t *len)
{
	while (*len > 0 && is_space(**p)) {
		(*p)++;
		(*len)--;
	}
	while (*len > 0 && is_space((*p)[*len - 1]))
		(*len)--;
}

/* Up to 80 bytes of a value for a message: whole characters, controls as '?'. */
struct shown {
	char s[88];
};

static struct shown
show(const void *p, size_t len)
{
	const uint8_t *b = p;
	struct shown r;
	size_t n = len > 80 ? 80 : len;

	while (n > 0 && n < len && (b[n] & 0xc0) == 0x80)
		n--;
	for (size_t i = 0; i < n; i++)
		r.s[i] = b[i] < 0x20 || b[i] == 0x7f ? '?' : (char)b[i];
	r.s[n] = 0;
	if (n < len)
		strcat(r.s, "\xe2\x80\xa6");	/* … */
	return r;
}

static const char *
type_name(const struct tv_value *v)
{
	switch (v->type) {
	case TV_NIL: return "nil";
	case TV_BOOL: return "true/false";
	case TV_UINT:
	case TV_NINT: return "an integer";
	case TV_STR: return "text";
	case TV_BIN: return "binary";
	case TV_ARRAY: return "a list";
	case TV_MAP: return "a map";
	}
	return "something else";
}

/* Reads an integer value; values beyond int64 saturate (they fail every bound). */
static bool
value_int(const struct tv_value *v, int64_t *out)
{
	if (v->type == TV_UINT) {
		*out = v->u > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)v->u;
		return true;
	}
	if (v->type == TV_NINT) {
		*out = v->i;
		return true;
	}
	return false;
}

static bool
key_is(const struct tv_value *k, const char *name)
{
	size_t n = strlen(name);

	return k->type == TV_STR && k->len == n && memcmp(k->bytes, name, n) == 0;
}

/* Returns the value under key name in map (any key order), or NULL. */
static const struct tv_value *
map_find(const struct tv_value *map, const char *name)
{
	for (uint32_t i = 0; i < map->len; i++)
		if (key_is(&map->items[2 * i], name))
			return &map->items[2 * i + 1];
	return NULL;
}

static const struct tv_field *
fields_find(const struct tv_field *fields, size_t n, const uint8_t *name,
    size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(fields[i].name) == len &&
		    memcmp(fields[i].name, name, len) == 0)
			return &fields[i];
	return NULL;
}

static const struct tv_enum_value *
enum_by_code(const struct tv_enum_value *e, size_t n, const uint8_t *s,
    size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(e[i].code) == len && memcmp(e[i].code, s, len) == 0)
			return &e[i];
	return NULL;
}

/* True if label, or one of its '/'-separated parts, equals s ignoring case. */
static bool
label_matches(const char *label, const char *s, size_t len)
{
	const char *p = label;

	if (label == NULL)
		return false;
	if (fold_eq(label, strlen(label), s, len))
		return true;
	if (strchr(label, '/') == NULL)
		return false;
	while (*p) {
		const char *end = strchr(p, '/');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		const char *q = p;
		trim(&q, &n);
		if (fold_eq(q, n, s, len))
			return true;
		p = end ? end + 1 : p + strlen(p);
	}
	return false;
}

/* Finds an enum value by its code or either label, ignoring case. */
static const struct tv_enum_value *
enum_lookup(const struct tv_enum_value *e, size_t n, const char *s,
    size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (fold_eq(e[i].code, strlen(e[i].code), s, len))
			return &e[i];
	for (size_t i = 0; i < n; i++)
		if (label_matches(e[i].da, s, len) ||
		    label_matches(e[i].en, s, len))
			return &e[i];
	return NULL;
}

/* Writes "code (dansk), code (dansk), ..." for error messages. */
static void
enum_list(const struct tv_enum_value *e, size_t n, char *out, size_t outlen)
{
	size_t len = 0;

	out[0] = 0;
	for (size_t i = 0; i < n && len < outlen; i++) {
		int k = strcmp(e[i].code, e[i].da) == 0 ?
		    snprintf(out + len, outlen - len, "%s%s", i ? ", " : "",
		    e[i].code) :
		    snprintf(out + len, outlen - len, "%s%s (%s)", i ? ", " : "",
		    e[i].code, e[i].da);
		if (k < 0)
			break;
		len += (size_t)k;
	}
}

static bool
is_money(const struct tv_field *f)
{
	return strcmp(f->name, "budget") == 0 || strcmp(f->name, "price") == 0 ||
	    strcmp(f->name, "amount_applied") == 0 ||
	    strcmp(f->name, "amount_granted") == 0;
}

/* The document hash is text of 64 lower-case hex tv__digits (BLAKE2b-256). */
static bool
is_hash(const struct tv_field *f)
{
	return f->type == TV_F_TEXT && strcmp(f->name, "hash") == 0;
}

static const struct tv_field *
sub_schema(const struct tv_field *f, size_t *out_n)
{
	switch (f->type) {
	case TV_F_NEEDS:
		*out_n = N(need_item);
		return need_item;
	case TV_F_FUNDING:
		*out_n = N(funding_item);
		return funding_item;
	case TV_F_CONSENT:
		*out_n = N(consent_item);
		return consent_item;
	default:
		*out_n = 0;
		return NULL;
	}
}

/* ---- Validation -------------------------------------------------------- */

static int check_map(const struct tv_field *fields, size_t n,
    const struct tv_value *map, const char *prefix, char *errbuf,
    size_t errlen);

/* Checks one text value: type, UTF-8, NFC, not empty, at most max code points. */
static int
check_text(const char *what, const struct tv_value *v, int64_t max,
    char *errbuf, size_t errlen)
{
	int rc;

	if (v->type != TV_STR)
		return fail(errbuf, errlen, "%s: expected text, got %s", what,
		    type_name(v));
	/* PROTOCOL.md §2.3: text is valid UTF-8 in NFC. */
	rc = tv_text_check(v->bytes, v->len);
	if (rc == TV_EUTF8)
		return fail(errbuf, errlen, "%s: not valid UTF-8", what);
	if (rc != 0)
		return fail(errbuf, errlen, "%s: not in Unicode NFC (normalise "
		    "the text before signing; tv_field_parse does)", what);
	if (v->len == 0)
		return fail(errbuf, errlen, "%s: empty; leave the field out "
		    "instead", what);
	/* PROTOCOL.md §6.2: limits count code points, not bytes. */
	size_t n = utf8_chars(v->bytes, v->len);
	if ((int64_t)n > max)
		return fail(errbuf, errlen, "%s: %zu characters, at most %lld",
		    what, n, (long long)max);
	return 0;
}

static bool
is_tag_char(uint32_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
	    c == 0xe6 || c == 0xf8 || c == 0xe5;	/* æ ø å */
}

/* PROTOCOL.md §6.3: a free tag is 2 to 32 of a-z, æ, ø, å, 0-9 and '-'. */
static bool
is_tag(const uint8_t *s, size_t len)
{
	size_t i = 0, n = 0;

	while (i < len) {
		uint32_t c;
		size_t k = utf8_next(s + i, len - i, &c);
		if (!is_tag_char(c) || (k == 1 && c >= 0x80))
			return false;
		i += k;
		n++;
	}
	return n >= TAG_MIN && n <= TAG_MAX;
}

static int
check_int(const char *what, const struct tv_field *f,
    const struct tv_value *v, char *errbuf, size_t errlen)
{
	int64_t i = 0;

	if (!value_int(v, &i))
		return fail(errbuf, errlen, "%s: expected an integer, got %s",
		    what, type_name(v));
	if (i < f->min || i > f->max) {
		if (v->type == TV_UINT && v->u > (uint64_t)INT64_MAX)
			return fail(errbuf, errlen, "%s: %llu is out of range "
			    "%lld..%lld", what, (unsigned long long)v->u,
			    (long long)f->min, (long long)f->max);
		return fail(errbuf, errlen, "%s: %lld is out of range "
		    "%lld..%lld", what, (long long)i, (long long)f->min,
		    (long long)f->max);
	}
	return 0;
}

static int
check_date(const char *what, const struct tv_value *v, char *errbuf,
    size_t errlen)
{
	int64_t y;
	int m, d;

	if (v->type != TV_STR)
		return fail(errbuf, errlen, "%s: expected a date "
		    "\"YYYY-MM-DD\", got %s", what, type_name(v));
	if (!tv_date_wire(v->bytes, v->len, &y, &m, &d))
		return fail(errbuf, errlen, "%s: '%s' is not a date "
		    "YYYY-MM-DD", what, show(v->bytes, v->len).s);
	if (y < YEAR_MIN || y > YEAR_MAX)
		return fail(errbuf, errlen, "%s: year %lld is out of range "
		    "%d..%d", what, (long long)y, YEAR_MIN, YEAR_MAX);
	return 0;
}

/* Writes micro-degrees as decimal degrees with six decimals. */
static void
format_udeg(int64_t u, char *out, size_t outlen)
{
	uint64_t a = u < 0 ? (uint64_t)0 - (uint64_t)u : (uint64_t)u;

	snprintf(out, outlen, "%s%llu.%06llu", u < 0 ? "-" : "",
	    (unsigned long long)(a / 1000000), (unsigned long long)(a % 1000000));
}

static int
check_ref(const char *what, const struct tv_value *v, char *errbuf,
    size_t errlen)
{
	/* PROTOCOL.md §5.4: a reference is [origin bin 32, id bin 16]. */
	if (v->type != TV_ARRAY || v->len != 2 ||
	    v->items[0].type != TV_BIN || v->items[0].len != TV_PK_LEN ||
	    v->items[1].type != TV_BIN || v->items[1].len != TV_ID_LEN)
		return fail(errbuf, errlen, "%s: expected a reference [origin "
		    "(32 bytes), id (16 bytes)], got %s", what, type_name(v));
	return 0;
}

static bool
values_equal(const struct tv_value *a, const struct tv_value *b)
{
	if (a->type != b->type)
		return false;
	switch (a->type) {
	case TV_NIL:
		return true;
	case TV_BOOL:
		return a->b == b->b;
	case TV_UINT:
		return a->u == b->u;
	case TV_NINT:
		return a->i == b->i;
	case TV_STR:
	case TV_BIN:
		return a->len == b->len &&
		    (a->len == 0 || memcmp(a->bytes, b->bytes, a->len) == 0);
	case TV_ARRAY:
		if (a->len != b->len)
			return false;
		for (uint32_t i = 0; i < a->len; i++)
			if (!values_equal(&a->items[i], &b->items[i]))
				return false;
		return true;
	case TV_MAP:
		return false;	/* not used for maps */
	}
	return false;
}

/* Lists hold distinct items: a set of codes, tags, refs or numbers. */
static int
check_distinct(const char *what, const struct tv_value *v, char *errbuf,
    size_t errlen)
{
	for (uint32_t i = 1; i < v->len; i++)
		for (uint32_t j = 0; j < i; j++)
			if (values_equal(&v->items[i], &v->items[j]))
				return fail(errbuf, errlen, "%s: item %u repeats "
				    "item %u", what, i + 1, j + 1);
	return 0;
}

static int
check_list_len(const char *what, const struct tv_field *f,
    const struct tv_value *v, char *errbuf, size_t errlen)
{
	if (v->type != TV_ARRAY)
		return fail(errbuf, errlen, "%s: expected a list, got %s", what,
		    type_name(v));
	if (v->len > f->max_items)
		return fail(errbuf, errlen, "%s: %u items, at most %u", what,
		    v->len, f->max_items);
	return 0;
}

static int
check_interests(const char *what, const struct tv_value *v, char *errbuf,
    size_t errlen)
{
	unsigned codes = 0, tags = 0;

	if (v->type != TV_ARRAY)
		return fail(errbuf, errlen, "%s: expected a list, got %s", what,
		    type_name(v));
	for (uint32_t i = 0; i < v->len; i++) {
		const struct tv_value *it = &v->items[i];
		if (it->type != TV_STR)
			return fail(errbuf, errlen, "%s: item %u: expected "
			    "text, got %s", what, i + 1, type_name(it));
		/* PROTOCOL.md §6.3: a vocabulary code counts as a code, any other valid tag as a tag. */
		if (tv_interest_find((const char *)it->bytes, it->len) != NULL)
			codes++;
		else if (is_tag(it->bytes, it->len))
			tags++;
		else
			return fail(errbuf, errlen, "%s: '%s' is neither an "
			    "interest code nor a tag (tags: 2 to 32 of a-z, æ, "
			    "ø, å, 0-9 and '-'; codes: see `tvaers interests`)",
			    what, show(it->bytes, it->len).s);
	}
	if (codes > INTEREST_CODES_MAX)
		return fail(errbuf, errlen, "%s: %u interest codes, at most %d",
		    what, codes, INTEREST_CODES_MAX);
	if (tags > INTEREST_TAGS_MAX)
		return fail(errbuf, errlen, "%s: %u free tags, at most %d", what,
		    tags, INTEREST_TAGS_MAX);
	return check_distinct(what, v, errbuf, errlen);
}

static int
check_enum(const char *what, const struct tv_enum_value *e, size_t n,
    const struct tv_value *v, char *errbuf, size_t errlen)
{
	char known[512];

	if (v->type != TV_STR)
		return fail(errbuf, errlen, "%s: expected a code, got %s", what,
		    type_name(v));
	if (enum_by_code(e, n, v->bytes, v->len) != NULL)
		return 0;
	enum_list(e, n, known, sizeof(known));
	return fail(errbuf, errlen, "%s: unknown value '%s' (one of: %s)",
	    what, show(v->bytes, v->len).s,
	    known);
}

/* Checks one value against its field; prefix goes before the field name. */
static int
check_value(const struct tv_field *f, const struct tv_value *v,
    const char *prefix, char *errbuf, size_t errlen)
{
	char what[128], item[160], buf[32];
	const struct tv_field *sub;
	size_t n_sub;
	int64_t i = 0;
	int rc;

	snprintf(what, sizeof(what), "%s%s", prefix, f->name);
	switch (f->type) {
	case TV_F_TEXT:
		if ((rc = check_text(what, v, f->max, errbuf, errlen)) != 0)
			return rc;
		if (is_hash(f)) {
			for (uint32_t k = 0; k < v->len; k++)
				if (!strchr("0123456789abcdef", v->bytes[k]) ||
				    v->bytes[k] == 0)
					return fail(errbuf, errlen, "%s: expected "
					    "64 lower-case hex digits", what);
			if (v->len != HASH_HEX)
				return fail(errbuf, errlen, "%s: expected 64 "
				    "lower-case hex digits", what);
		}
		return 0;
	case TV_F_INT:
		return check_int(what, f, v, errbuf, errlen);
	case TV_F_BOOL:
		if (v->type != TV_BOOL)
			return fail(errbuf, errlen, "%s: expected true or "
			    "false, got %s", what, type_name(v));
		return 0;
	case TV_F_ENUM:
		return check_enum(what, f->enums, f->n_enums, v, errbuf, errlen);
	case TV_F_ENUM_LIST:
		if ((rc = check_list_len(what, f, v, errbuf, errlen)) != 0)
			return rc;
		for (uint32_t k = 0; k < v->len; k++) {
			snprintf(item, sizeof(item), "%s item %u", what, k + 1);
			rc = check_enum(item, f->enums, f->n_enums, &v->items[k],
			    errbuf, errlen);
			if (rc != 0)
				return rc;
		}
		return check_distinct(what, v, errbuf, errlen);
	case TV_F_INTERESTS:
		return check_interests(what, v, errbuf, errlen);
	case TV_F_MUNICIPALITY:
		if (!value_int(v, &i))
			return fail(errbuf, errlen, "%s: expected a municipality "
			    "code, got %s", what, type_name(v));
		/* PROTOCOL.md §6.4: codes from the compiled kommuner table. */
		if (i < 0 || i > 9999 || tv_municipality_find((int)i) == NULL)
			return fail(errbuf, errlen, "%s: unknown code %lld (see "
			    "`tvaers municipalities`)", what, (long long)i);
		return 0;
	case TV_F_CVR:
		if (v->type != TV_STR)
			return fail(errbuf, errlen, "%s: expected 8 digits as "
			    "text, got %s", what, type_name(v));
		if (v->len != 8 || tv__digits((const char *)v->bytes, 8) < 0)
			return fail(errbuf, errlen, "%s: '%s' is not 8 digits",
			    what, show(v->bytes, v->len).s);
		/* PROTOCOL.md §6.5: weights 2,7,6,5,4,3,2,1, sum divisible by 11. */
		if (!tv_cvr_valid((const char *)v->bytes, v->len))
			return fail(errbuf, errlen, "%s: %.8s fails the CVR check "
			    "digit", what, (const char *)v->bytes);
		return 0;
	case TV_F_REF:
		return check_ref(what, v, errbuf, errlen);
	case TV_F_REF_LIST:
		if ((rc = check_list_len(what, f, v, errbuf, errlen)) != 0)
			return rc;
		for (uint32_t k = 0; k < v->len; k++) {
			snprintf(item, sizeof(item), "%s item %u", what, k + 1);
			if ((rc = check_ref(item, &v->items[k], errbuf,
			    errlen)) != 0)
				return rc;
		}
		return check_distinct(what, v, errbuf, errlen);
	case TV_F_LOCATION: {
		int64_t lat = 0, lon = 0;
		if (v->type != TV_ARRAY || v->len != 2 ||
		    !value_int(&v->items[0], &lat) ||
		    !value_int(&v->items[1], &lon))
			return fail(errbuf, errlen, "%s: expected [lat, lon] in "
			    "micro-degrees, got %s", what, type_name(v));
		if (lat < LAT_MIN || lat > LAT_MAX) {
			format_udeg(lat, buf, sizeof(buf));
			return fail(errbuf, errlen, "%s: latitude %s is outside "
			    "Denmark (54 to 58 degrees)", what, buf);
		}
		if (lon < LON_MIN || lon > LON_MAX) {
			format_udeg(lon, buf, sizeof(buf));
			return fail(errbuf, errlen, "%s: longitude %s is outside "
			    "Denmark (7.5 to 15.5 degrees)", what, buf);
		}
		return 0;
	}
	case TV_F_DATE:
		return check_date(what, v, errbuf, errlen);
	case TV_F_TIME:
		/* Seconds UTC, or a date "YYYY-MM-DD" for an all-day value. */
		if (v->type == TV_STR)
			return check_date(what, v, errbuf, errlen);
		if (v->type != TV_UINT && v->type != TV_NINT)
			return fail(errbuf, errlen, "%s: expected seconds since "
			    "1970 UTC or a date, got %s", what, type_name(v));
		return check_int(what, f, v, errbuf, errlen);
	case TV_F_INT_LIST:
		if ((rc = check_list_len(what, f, v, errbuf, errlen)) != 0)
			return rc;
		for (uint32_t k = 0; k < v->len; k++) {
			snprintf(item, sizeof(item), "%s item %u", what, k + 1);
			if ((rc = check_int(item, f, &v->items[k], errbuf,
			    errlen)) != 0)
				return rc;
		}
		return check_distinct(what, v, errbuf, errlen);
	case TV_F_TEXT_LIST:
		if ((rc = check_list_len(what, f, v, errbuf, errlen)) != 0)
			return rc;
		for (uint32_t k = 0; k < v->len; k++) {
			snprintf(item, sizeof(item), "%s item %u", what, k + 1);
			if ((rc = check_text(item, &v->items[k], f->max, errbuf,
			    errlen)) != 0)
				return rc;
		}
		return check_distinct(what, v, errbuf, errlen);
	case TV_F_NEEDS:
	case TV_F_FUNDING:
		if ((rc = check_list_len(what, f, v, errbuf, errlen)) != 0)
			return rc;
		sub = sub_schema(f, &n_sub);
		for (uint32_t k = 0; k < v->len; k++) {
			snprintf(item, sizeof(item), "%s item %u: ", what, k + 1);
			if ((rc = check_map(sub, n_sub, &v->items[k], item,
			    errbuf, errlen)) != 0)
				return rc;
		}
		return 0;
	case TV_F_CONSENT:
		sub = sub_schema(f, &n_sub);
		snprintf(item, sizeof(item), "%s: ", what);
		return check_map(sub, n_sub, v, item, errbuf, errlen);
	}
	return fail(errbuf, errlen, "%s: field of unknown type", what);
}

/*
 * Checks a map against fields: string keys, every known key's value, every
 * required key present. Keys the schema does not name are accepted.
 */
static int
check_map(const struct tv_field *fields, size_t n, const struct tv_value *map,
    const char *prefix, char *errbuf, size_t errlen)
{
	int rc;

	if (map->type != TV_MAP)
		return fail(errbuf, errlen, "%s%sexpected a map, got %s", prefix,
		    *prefix ? "" : "body: ", type_name(map));
	for (uint32_t i = 0; i < map->len; i++) {
		const struct tv_value *k = &map->items[2 * i];
		if (k->type != TV_STR)
			return fail(errbuf, errlen, "%s%skey %u is %s, not text",
			    prefix, *prefix ? "" : "body: ", i + 1, type_name(k));
		const struct tv_field *f = fields_find(fields, n, k->bytes,
		    k->len);
		if (f == NULL)
			continue;	/* PROTOCOL.md §3.5: unknown fields are kept */
		rc = check_value(f, &map->items[2 * i + 1], prefix, errbuf,
		    errlen);
		if (rc != 0)
			return rc;
	}
	for (size_t i = 0; i < n; i++)
		if (fields[i].required && map_find(map, fields[i].name) == NULL)
			return fail(errbuf, errlen, "%s%s: required", prefix,
			    fields[i].name);
	return 0;
}

/* Fields whose second value may not come before the first. */
static const struct {
	const char *from, *to;
} ordered_pairs[] = {
	{ "start", "end" }, { "since", "until" }, { "from", "to" },
};

/* Checks rules that involve two fields of one body. */
static int
check_cross(const struct tv_kind *k, const struct tv_value *body,
    char *errbuf, size_t errlen)
{
	const struct tv_value *a, *b;
	int64_t x = 0, y = 0;

	a = map_find(body, "board_seats");
	b = map_find(body, "board_vacant");
	if (tv_kind_field(k, "board_vacant") != NULL && a != NULL && b != NULL &&
	    value_int(a, &x) && value_int(b, &y) && y > x)
		return fail(errbuf, errlen, "board_vacant: %lld vacant seats but "
		    "board_seats is %lld", (long long)y, (long long)x);
	for (size_t i = 0; i < N(ordered_pairs); i++) {
		if (tv_kind_field(k, ordered_pairs[i].to) == NULL)
			continue;
		a = map_find(body, ordered_pairs[i].from);
		b = map_find(body, ordered_pairs[i].to);
		if (a == NULL || b == NULL || a->type != b->type)
			continue;	/* a time and an all-day date: not compared */
		if (a->type == TV_UINT && b->u < a->u)
			return fail(errbuf, errlen, "%s: ends before %s",
			    ordered_pairs[i].to, ordered_pairs[i].from);
		if (a->type == TV_STR) {
			size_t n = a->len < b->len ? a->len : b->len;
			int c = memcmp(b->bytes, a->bytes, n);
			if (c < 0 || (c == 0 && b->len < a->len))
				return fail(errbuf, errlen, "%s: %.*s is before "
				    "%s %.*s", ordered_pairs[i].to, (int)b->len,
				    (const char *)b->bytes, ordered_pairs[i].from,
				    (int)a->len, (const char *)a->bytes);
		}
	}
	return 0;
}

int
tv_kind_validate(const struct tv_kind *k, const struct tv_value *body,
    char *errbuf, size_t errlen)
{
	int rc;

	if (errbuf != NULL && errlen > 0)
		errbuf[0] = 0;
	if (body == NULL || body->type != TV_MAP)
		return fail(errbuf, errlen, "body: expected a map, got %s",
		    body ? type_name(body) : "nothing");
	if (k == NULL)
		return 0;	/* PROTOCOL.md §3.5: unknown kinds are kept */
	if ((rc = check_map(k->fields, k->n_fields, body, "", errbuf,
	    errlen)) != 0)
		return rc;
	return check_cross(k, body, errbuf, errlen);
}

/* ---- Lookups ----------------------------------------------------------- */

const struct tv_kind *
tv_kinds(size_t *out_n)
{
	*out_n = N(kinds);
	return kinds;
}

const struct tv_kind *
tv_kind_find(const char *name, size_t len)
{
	if (name == NULL)
		return NULL;
	for (size_t i = 0; i < N(kinds); i++)
		if (fold_eq(kinds[i].name, strlen(kinds[i].name), name, len) ||
		    fold_eq(kinds[i].da, strlen(kinds[i].da), name, len) ||
		    fold_eq(kinds[i].en, strlen(kinds[i].en), name, len))
			return &kinds[i];
	for (size_t i = 0; i < N(kind_aliases); i++)
		if (fold_eq(kind_aliases[i].word, strlen(kind_aliases[i].word),
		    name, len)) {
			const char *kn = kind_aliases[i].kind;
			return tv_kind_find(kn, strlen(kn));
		}
	return NULL;
}

const struct tv_field *
tv_kind_field(const struct tv_kind *k, const char *name)
{
	if (k == NULL || name == NULL)
		return NULL;
	return fields_find(k->fields, k->n_fields, (const uint8_t *)name,
	    strlen(name));
}

bool
tv_cvr_valid(const char *s, size_t len)
{
	static const int weights[8] = { 2, 7, 6, 5, 4, 3, 2, 1 };
	int sum = 0;

	if (s == NULL || len != 8)
		return false;
	for (size_t i = 0; i < 8; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		sum += weights[i] * (s[i] - '0');
	}
	return sum % 11 == 0;
}

const struct tv_municipality *
tv_municipality_find(int code)
{
	size_t lo = 0, hi = tv__n_municipalities;

	/* The table is sorted by code (data/kommuner.csv is). */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (tv__municipalities[mid].code == code)
			return &tv__municipalities[mid];
		if (tv__municipalities[mid].code < code)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const struct tv_municipality *
tv_municipality_by_name(const char *name)
{
	if (name == NULL)
		return NULL;
	for (size_t i = 0; i < tv__n_municipalities; i++) {
		const char *m = tv__municipalities[i].name;
		if (fold_eq(m, strlen(m), name, strlen(name)))
			return &tv__municipalities[i];
	}
	return NULL;
}

const struct tv_municipality *
tv_municipalities(size_t *out_n)
{
	*out_n = tv__n_municipalities;
	return tv__municipalities;
}

const struct tv_interest *
tv_interest_find(const char *code, size_t len)
{
	if (code == NULL)
		return NULL;
	for (size_t i = 0; i < tv__n_interests; i++)
		if (strlen(tv__interests[i].code) == len &&
		    memcmp(tv__interests[i].code, code, len) == 0)
			return &tv__interests[i];
	return NULL;
}

const struct tv_interest *
tv_interests(size_t *out_n)
{
	*out_n = tv__n_interests;
	return tv__interests;
}

/* ---- Parsing CLI text -------------------------------------------------- */

/* A piece of the (NFC) input text. */
struct span {
	const char *p;
	size_t len;
};

/*
 * Splits s at sep (or, if sep is 0, at commas and white space), trimming
 * each piece and dropping empty ones. Returns the number of pieces, which
 * may exceed max (only max are stored).
 */
static size_t
split(const char *s, size_t len, char sep, struct span *out, size_t max)
{
	size_t n = 0, i = 0;

	while (i < len) {
		size_t start = i;
		while (i < len && !(sep ? s[i] == sep :
		    (s[i] == ',' || is_space(s[i]))))
			i++;
		const char *p = s + start;
		size_t plen = i - start;
		trim(&p, &plen);
		if (plen > 0) {
			if (n < max)
				out[n] = (struct span){ p, plen };
			n++;
		}
		if (i < len)
			i++;
	}
	return n;
}

static int
put_str(struct tv_doc *doc, const char *p, size_t len, struct tv_value *out)
{
	char *copy = tv_doc_copy(doc, p, len);

	if (copy == NULL)
		return TV_ENOMEM;
	tv_set_str(out, copy, len);
	return 0;
}

static int
put_bin(struct tv_doc *doc, const uint8_t *p, size_t len, struct tv_value *out)
{
	char *copy = tv_doc_copy(doc, p, len);

	if (copy == NULL)
		return TV_ENOMEM;
	memset(out, 0, sizeof(*out));
	out->type = TV_BIN;
	out->len = (uint32_t)len;
	out->bytes = (const uint8_t *)copy;
	return 0;
}

/* Makes out an array of n zeroed items in doc. */
static int
put_array(struct tv_doc *doc, size_t n, struct tv_value *out)
{
	memset(out, 0, sizeof(*out));
	out->type = TV_ARRAY;
	out->len = (uint32_t)n;
	if (n > 0 && (out->items = tv_doc_alloc(doc, n)) == NULL)
		return TV_ENOMEM;
	return 0;
}

/* Makes out a map with room for n pairs (len starts at 0). */
static int
put_map(struct tv_doc *doc, size_t n, struct tv_value *out)
{
	memset(out, 0, sizeof(*out));
	out->type = TV_MAP;
	if (n > 0 && (out->items = tv_doc_alloc(doc, 2 * n)) == NULL)
		return TV_ENOMEM;
	return 0;
}

/* Appends key (a static string) and a copy of *v to a map made by put_map. */
static void
map_add(struct tv_value *map, const char *key, const struct tv_value *v)
{
	tv_set_str(&map->items[2 * map->len], key, strlen(key));
	map->items[2 * map->len + 1] = *v;
	map->len++;
}

static bool
ends_with_fold(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len >= n && fold_eq(s + len - n, n, suffix, n);
}

/*
 * Reads a whole number: an optional sign, digits, and optionally '.', ' '
 * or '_' between groups of three ("180.000", "1 250"). Money may end in
 * "kr.", "kr", "DKK" or ",-".
 */
static bool
read_int(const char *s, size_t len, bool money, int64_t *out)
{
	static const char *const suffixes[] = { "kr.", "kr", "dkk", ",-" };
	bool neg = false;
	uint64_t v = 0;
	size_t i = 0, group = 0;
	int groups = 0;
	char sep = 0;

	trim(&s, &len);
	for (size_t k = 0; money && k < N(suffixes); k++)
		if (ends_with_fold(s, len, suffixes[k])) {
			len -= strlen(suffixes[k]);
			trim(&s, &len);
			break;
		}
	if (len > 0 && (s[0] == '-' || s[0] == '+')) {
		neg = s[0] == '-';
		i++;
	}
	if (i == len)
		return false;
	for (; i < len; i++) {
		char c = s[i];
		if (c >= '0' && c <= '9') {
			if (v > (UINT64_MAX - 9) / 10)
				return false;
			v = v * 10 + (uint64_t)(c - '0');
			group++;
		} else if (c == '.' || c == ' ' || c == '_') {
			/* A group separator: the same one throughout, then 3 digits. */
			if (group == 0 || (groups > 0 && group != 3) ||
			    (sep != 0 && c != sep))
				return false;
			sep = c;
			groups++;
			group = 0;
		} else {
			return false;
		}
	}
	if (group == 0 || (groups > 0 && group != 3))
		return false;
	if (v > (uint64_t)INT64_MAX)
		return false;
	*out = neg ? -(int64_t)v : (int64_t)v;
	return true;
}

/* Reads decimal degrees ("55.4612" or "55,4612") into micro-degrees, rounding. */
static bool
read_degrees(const char *s, size_t len, char dec, int64_t *out)
{
	bool neg = false, any = false;
	int64_t whole = 0, frac = 0;
	int places = 0;
	size_t i = 0;

	if (len > 0 && (s[0] == '-' || s[0] == '+')) {
		neg = s[0] == '-';
		i++;
	}
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
		if (whole > 1000)
			return false;
		whole = whole * 10 + (s[i] - '0');
		any = true;
	}
	if (i < len && s[i] == dec) {
		for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
			if (places < 7) {
				frac = frac * 10 + (s[i] - '0');
				places++;
			}
			any = true;
		}
	}
	if (!any || i != len)
		return false;
	while (places < 7) {
		frac *= 10;
		places++;
	}
	int64_t u = whole * 1000000 + (frac + 5) / 10;	/* 7 places -> 6, rounded */
	*out = neg ? -u : u;
	return true;
}

/*
 * A location is "LAT,LON" with decimal points ("55.4612,12.1823"), or two
 * numbers separated by white space with an optional comma between them
 * ("55.461200, 12.182300", as tv_field_format writes it); in that second
 * form decimal commas are read too ("55,4612 12,1823").
 */
static bool
read_location(const char *s, size_t len, int64_t *lat, int64_t *lon)
{
	const char *a = s, *b;
	size_t alen = 0, blen;

	while (alen < len && !is_space(s[alen]))
		alen++;
	if (alen == len) {
		const char *comma = memchr(s, ',', len);
		if (comma == NULL || memchr(comma + 1, ',',
		    len - (size_t)(comma + 1 - s)) != NULL)
			return false;
		alen = (size_t)(comma - s);
		return read_degrees(s, alen, '.', lat) &&
		    read_degrees(comma + 1, len - alen - 1, '.', lon);
	}
	b = s + alen;
	blen = len - alen;
	trim(&b, &blen);
	if (alen > 0 && a[alen - 1] == ',')
		alen--;
	else if (blen > 0 && b[0] == ',') {
		b++;
		blen--;
		trim(&b, &blen);
	}
	return read_degrees(a, alen, memchr(a, '.', alen) ? '.' : ',', lat) &&
	    read_degrees(b, blen, memchr(b, '.', blen) ? '.' : ',', lon);
}

/* Reads a whole date (nothing after it) into "YYYY-MM-DD" in out[11]. */
static bool
read_date_text(const char *s, size_t len, char out[11])
{
	int64_t y;
	int m, d;

	if (tv_date_read(s, len, &y, &m, &d) != len || y < 0 || y > 9999)
		return false;
	snprintf(out, 11, "%04d-%02d-%02d", (int)y, m, d);
	return true;
}

enum time_result { TIME_BAD, TIME_OK, TIME_DATE, TIME_GAP };

/*
 * Reads an event time: integer seconds UTC; a date alone (an all-day
 * value, written to date[11]); or "DATE HH:MM[:SS]" / "DATETHH:MM[:SS]"
 * in Copenhagen time (CET/CEST), or UTC when followed by 'Z'.
 */
static enum time_result
read_time(const char *s, size_t len, int64_t *out, char date[11])
{
	int64_t y, hh, mm, ss = 0, v;
	int m, d;
	size_t i;
	bool utc = false;

	if (len > 0 && len <= 12 && tv__digits(s, len) >= 0) {
		*out = tv__digits(s, len);
		return TIME_OK;
	}
	i = tv_date_read(s, len, &y, &m, &d);
	if (i == 0 || y < 0 || y > 9999)
		return TIME_BAD;
	if (i == len) {
		snprintf(date, 11, "%04d-%02d-%02d", (int)y, m, d);
		return TIME_DATE;
	}
	if (s[i] != ' ' && s[i] != 'T' && s[i] != 't')
		return TIME_BAD;
	i++;
	while (i < len && s[i] == ' ')
		i++;
	if (len > i && (s[len - 1] == 'Z' || s[len - 1] == 'z')) {
		utc = true;
		len--;
	}
	/* HH:MM, H:MM, or the Danish HH.MM; then optional :SS. */
	size_t h0 = i;
	while (i < len && s[i] >= '0' && s[i] <= '9' && i - h0 < 2)
		i++;
	if (i == h0 || i >= len || (s[i] != ':' && s[i] != '.'))
		return TIME_BAD;
	hh = tv__digits(s + h0, i - h0);
	i++;
	if (len - i < 2 || (mm = tv__digits(s + i, 2)) < 0)
		return TIME_BAD;
	i += 2;
	if (i < len) {
		if (s[i] != ':' || len - i != 3 || (ss = tv__digits(s + i + 1, 2)) < 0)
			return TIME_BAD;
		i = len;
	}
	if (hh > 23 || mm > 59 || ss > 59)
		return TIME_BAD;
	v = tv_days_from_civil(y, m, d) * 86400 + hh * 3600 + mm * 60 + ss;
	if (utc) {
		*out = v;
		return TIME_OK;
	}
	return tv_cph_local_to_utc(v, out) ? TIME_OK : TIME_GAP;
}

/* Reads a reference "<area>:<id>", "<area>:" or "<area>" (an area profile). */
static bool
read_ref(const char *s, size_t len, uint8_t origin[TV_PK_LEN],
    uint8_t id[TV_ID_LEN])
{
	/* PROTOCOL.md §5.4: the text form of a reference. */
	if (len < TV_AREA_TEXT_LEN ||
	    tv_b32_decode(s, TV_AREA_TEXT_LEN, origin, TV_PK_LEN) != 0)
		return false;
	memset(id, 0, TV_ID_LEN);
	if (len == TV_AREA_TEXT_LEN ||
	    (len == TV_AREA_TEXT_LEN + 1 && s[TV_AREA_TEXT_LEN] == ':'))
		return true;
	return len == TV_AREA_TEXT_LEN + 1 + TV_ID_TEXT_LEN &&
	    s[TV_AREA_TEXT_LEN] == ':' &&
	    tv_b32_decode(s + TV_AREA_TEXT_LEN + 1, TV_ID_TEXT_LEN, id,
	    TV_ID_LEN) == 0;
}

static int
parse_ref(struct tv_doc *doc, const char *what, const char *s, size_t len,
    struct tv_value *out, char *errbuf, size_t errlen)
{
	uint8_t origin[TV_PK_LEN], id[TV_ID_LEN];
	int rc;

	if (!read_ref(s, len, origin, id))
		return fail(errbuf, errlen, "%s: '%s' is not a reference "
		    "(AREA:ID, or AREA for an area)", what,
		    show(s, len).s);
	if ((rc = put_array(doc, 2, out)) != 0 ||
	    (rc = put_bin(doc, origin, TV_PK_LEN, &out->items[0])) != 0 ||
	    (rc = put_bin(doc, id, TV_ID_LEN, &out->items[1])) != 0)
		return rc;
	return 0;
}

static int
parse_enum(const struct tv_enum_value *e, size_t n, const char *what,
    const char *s, size_t len, struct tv_value *out, char *errbuf,
    size_t errlen)
{
	const struct tv_enum_value *v = enum_lookup(e, n, s, len);
	char known[512];

	if (v == NULL) {
		enum_list(e, n, known, sizeof(known));
		return fail(errbuf, errlen, "%s: '%s' is not one of: %s", what,
		    show(s, len).s, known);
	}
	tv_set_str(out, v->code, strlen(v->code));
	return 0;
}

static int
parse_date(struct tv_doc *doc, const char *what, const char *s, size_t len,
    struct tv_value *out, char *errbuf, size_t errlen)
{
	char date[11];

	if (!read_date_text(s, len, date))
		return fail(errbuf, errlen, "%s: '%s' is not a date (use "
		    "YYYY-MM-DD, DD-MM-YYYY or DD.MM.YYYY)", what,
		    show(s, len).s);
	return put_str(doc, date, 10, out);
}

static int
parse_int(const struct tv_field *f, const char *what, const char *s,
    size_t len, struct tv_value *out, char *errbuf, size_t errlen)
{
	int64_t v;

	if (!read_int(s, len, is_money(f), &v))
		return fail(errbuf, errlen, "%s: '%s' is not a whole number",
		    what, show(s, len).s);
	tv_set_int(out, v);
	return 0;
}

/*
 * A municipality: its code with or without leading zeros ("336", "0336",
 * as DAWA writes it), its name ("Stevns", "Stevns Kommune"), or both as
 * tv_field_format writes them ("336 Stevns").
 */
static int
parse_municipality(const char *what, const char *s, size_t len,
    struct tv_value *out, char *errbuf, size_t errlen)
{
	const struct tv_municipality *m;
	char name[128];
	size_t i = 0;

	while (i < len && s[i] >= '0' && s[i] <= '9')
		i++;
	if (i > 0) {
		size_t z = 0;
		while (z + 1 < i && s[z] == '0')
			z++;
		int64_t code = i - z > 6 ? 999999 : tv__digits(s + z, i - z);
		const char *rest = s + i;
		size_t rlen = len - i;
		trim(&rest, &rlen);
		if (rlen > 0 && !is_space(s[i]))
			return fail(errbuf, errlen, "%s: '%s' is neither a "
			    "municipality code nor a name (see `tvaers "
			    "municipalities`)", what, show(s, len).s);
		m = tv_municipality_find((int)code);
		if (m != NULL && rlen > 0 &&
		    !fold_eq(m->name, strlen(m->name), rest, rlen))
			return fail(errbuf, errlen, "%s: code %03d is %s, not "
			    "'%s'", what, m->code, m->name,
			    show(rest, rlen).s);
		tv_set_int(out, code);	/* check_value reports unknown codes */
		return 0;
	}
	if (ends_with_fold(s, len, " kommune"))
		len -= strlen(" kommune");
	if (len >= sizeof(name))
		len = sizeof(name) - 1;
	memcpy(name, s, len);
	name[len] = 0;
	if ((m = tv_municipality_by_name(name)) == NULL)
		return fail(errbuf, errlen, "%s: unknown municipality '%s' (see "
		    "`tvaers municipalities`)", what, show(name, len).s);
	tv_set_int(out, m->code);
	return 0;
}

/* An interest: a code or a label from the vocabulary, or else a free tag (lower-cased). */
static int
parse_interest(struct tv_doc *doc, const char *s, size_t len,
    struct tv_value *out)
{
	size_t n;
	const struct tv_interest *all = tv_interests(&n);
	char *copy;

	for (size_t i = 0; i < n; i++)
		if (fold_eq(all[i].code, strlen(all[i].code), s, len) ||
		    fold_eq(all[i].da, strlen(all[i].da), s, len) ||
		    fold_eq(all[i].en, strlen(all[i].en), s, len)) {
			tv_set_str(out, all[i].code, strlen(all[i].code));
			return 0;
		}
	if ((copy = tv_doc_copy(doc, s, len)) == NULL)
		return TV_ENOMEM;
	fold_in_place(copy, len);
	tv_set_str(out, copy, len);
	return 0;
}

/* Drops items equal to an earlier one, so "heste, heste" is one interest. */
static void
dedupe(struct tv_value *arr)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < arr->len; i++) {
		bool seen = false;
		for (uint32_t j = 0; j < n && !seen; j++)
			seen = values_equal(&arr->items[i], &arr->items[j]);
		if (!seen)
			arr->items[n++] = arr->items[i];
	}
	arr->len = n;
}

/* "type[:text]": one need, e.g. "partner:en lokal rideklub". */
static int
parse_need(struct tv_doc *doc, const char *what, const char *s, size_t len,
    struct tv_value *out, char *errbuf, size_t errlen)
{
	const char *colon = memchr(s, ':', len);
	const char *t = s, *x;
	size_t tlen = colon ? (size_t)(colon - s) : len, xlen;
	struct tv_value v;
	int rc;

	trim(&t, &tlen);
	if ((rc = put_map(doc, 2, out)) != 0)
		return rc;
	if ((rc = parse_enum(need_types, N(need_types), what, t, tlen, &v,
	    errbuf, errlen)) != 0)
		return rc;
	map_add(out, "type", &v);
	if (colon != NULL) {
		x = colon + 1;
		xlen = len - (size_t)(x - s);
		trim(&x, &xlen);
		if (xlen > 0) {
			if ((rc = put_str(doc, x, xlen, &v)) != 0)
				return rc;
			map_add(out, "text", &v);
		}
	}
	return 0;
}

/* "source:name:applied:granted:status[:date]": one funding item; parts may be empty. */
static int
parse_funding(struct tv_doc *doc, const char *what, const char *s, size_t len,
    struct tv_value *out, char *errbuf, size_t errlen)
{
	struct span part[7];
	size_t n = 0, i = 0;
	struct tv_value v;
	int rc;

	/* Split at ':' keeping empty parts. */
	while (n < N(part)) {
		size_t start = i;
		while (i < len && s[i] != ':')
			i++;
		part[n] = (struct span){ s + start, i - start };
		trim(&part[n].p, &part[n].len);
		n++;
		if (i >= len)
			break;
		i++;
	}
	if (i < len || n > 6)
		return fail(errbuf, errlen, "%s: expected source:name:applied:"
		    "granted:status[:date], e.g. 'lag:LAG Sydsjælland:180000::"
		    "søgt'", what);
	if ((rc = put_map(doc, 6, out)) != 0)
		return rc;
	for (size_t k = 0; k < n; k++) {
		const struct tv_field *f = &funding_item[k];
		char sub[200];
		if (part[k].len == 0)
			continue;
		snprintf(sub, sizeof(sub), "%s: %s", what, f->name);
		switch (f->type) {
		case TV_F_ENUM:
			rc = parse_enum(f->enums, f->n_enums, sub, part[k].p,
			    part[k].len, &v, errbuf, errlen);
			break;
		case TV_F_INT:
			rc = parse_int(f, sub, part[k].p, part[k].len, &v,
			    errbuf, errlen);
			break;
		case TV_F_DATE:
			rc = parse_date(doc, sub, part[k].p, part[k].len, &v,
			    errbuf, errlen);
			break;
		default:
			rc = put_str(doc, part[k].p, part[k].len, &v);
			break;
		}
		if (rc != 0)
			return rc;
		map_add(out, f->name, &v);
	}
	return 0;
}

/*
 * A consent: what may be published ("name" and/or "contact", Danish "navn",
 * "kontakt", or "none"/"ingen"), then the date it was given, then an
 * optional scope that may contain commas:
 * "name,contact,2025-03-01,bestyrelsesliste på hjemmesiden".
 */
static int
parse_consent(struct tv_doc *doc, const char *what, const char *s, size_t len,
    struct tv_value *out, char *errbuf, size_t errlen)
{
	bool name = false, contact = false, have_date = false;
	struct tv_value v;
	char date[11];
	size_t i = 0;
	int rc;

	while (i < len && !have_date) {
		size_t start = i;
		while (i < len && s[i] != ',')
			i++;
		const char *p = s + start;
		size_t n = i - start;
		trim(&p, &n);
		if (i < len)
			i++;
		if (fold_eq(p, n, "name", 4) || fold_eq(p, n, "navn", 4))
			name = true;
		else if (fold_eq(p, n, "contact", 7) ||
		    fold_eq(p, n, "kontakt", 7))
			contact = true;
		else if (fold_eq(p, n, "none", 4) || fold_eq(p, n, "ingen", 5))
			;
		else if (read_date_text(p, n, date))
			have_date = true;
		else
			break;
	}
	if (!have_date)
		return fail(errbuf, errlen, "%s: expected what may be published "
		    "(name, contact or none), the date it was given and a scope, "
		    "e.g. 'name,contact,2025-03-01,board list on the website'",
		    what);
	if ((rc = put_map(doc, 4, out)) != 0)
		return rc;
	v = (struct tv_value){ .type = TV_BOOL, .b = name };
	map_add(out, "publish_name", &v);
	v = (struct tv_value){ .type = TV_BOOL, .b = contact };
	map_add(out, "publish_contact", &v);
	if ((rc = put_str(doc, date, 10, &v)) != 0)
		return rc;
	map_add(out, "given", &v);
	const char *scope = s + i;
	size_t slen = len - i;
	trim(&scope, &slen);
	if (slen > 0) {
		if ((rc = put_str(doc, scope, slen, &v)) != 0)
			return rc;
		map_add(out, "scope", &v);
	}
	return 0;
}

/* Parses a list field: items split at sep, each parsed by the field's item rule. */
static int
parse_list(struct tv_doc *doc, const struct tv_field *f, const char *s,
    size_t len, char sep, struct tv_value *out, char *errbuf, size_t errlen)
{
	struct span part[PARSE_ITEMS_MAX];
	size_t n = split(s, len, sep, part, N(part));
	char item[160];
	int rc;

	if (n > N(part))
		return fail(errbuf, errlen, "%s: %zu items, at most %u", f->name,
		    n, f->max_items);
	if ((rc = put_array(doc, n, out)) != 0)
		return rc;
	for (size_t k = 0; k < n; k++) {
		struct tv_value *v = &out->items[k];
		const char *p = part[k].p;
		size_t plen = part[k].len;
		snprintf(item, sizeof(item), "%s item %zu", f->name, k + 1);
		switch (f->type) {
		case TV_F_ENUM_LIST:
			rc = parse_enum(f->enums, f->n_enums, f->name, p, plen, v,
			    errbuf, errlen);
			break;
		case TV_F_INTERESTS:
			rc = parse_interest(doc, p, plen, v);
			break;
		case TV_F_REF_LIST:
			rc = parse_ref(doc, item, p, plen, v, errbuf, errlen);
			break;
		case TV_F_INT_LIST:
			rc = parse_int(f, item, p, plen, v, errbuf, errlen);
			break;
		case TV_F_NEEDS:
			rc = parse_need(doc, item, p, plen, v, errbuf, errlen);
			break;
		case TV_F_FUNDING:
			rc = parse_funding(doc, item, p, plen, v, errbuf, errlen);
			break;
		default:	/* TV_F_TEXT_LIST */
			rc = put_str(doc, p, plen, v);
			break;
		}
		if (rc != 0)
			return rc;
	}
	if (f->type != TV_F_NEEDS && f->type != TV_F_FUNDING)
		dedupe(out);
	return 0;
}

/* Parses the NFC-normalised, trimmed, non-empty text s of field f. */
static int
parse_text(struct tv_doc *doc, const struct tv_field *f, const char *s,
    size_t len, struct tv_value *out, char *errbuf, size_t errlen)
{
	const char *what = f->name;
	int64_t t, lat, lon;
	char date[11];

	switch (f->type) {
	case TV_F_TEXT:
		if (is_hash(f)) {
			char *copy = tv_doc_copy(doc, s, len);
			if (copy == NULL)
				return TV_ENOMEM;
			fold_in_place(copy, len);
			tv_set_str(out, copy, len);
			return 0;
		}
		return put_str(doc, s, len, out);
	case TV_F_INT:
		return parse_int(f, what, s, len, out, errbuf, errlen);
	case TV_F_BOOL: {
		static const char *const yes[] = { "ja", "yes", "true", "1", "j",
		    "y" };
		static const char *const no[] = { "nej", "no", "false", "0", "n" };
		for (size_t k = 0; k < N(yes); k++)
			if (fold_eq(s, len, yes[k], strlen(yes[k]))) {
				*out = (struct tv_value){ .type = TV_BOOL,
				    .b = true };
				return 0;
			}
		for (size_t k = 0; k < N(no); k++)
			if (fold_eq(s, len, no[k], strlen(no[k]))) {
				*out = (struct tv_value){ .type = TV_BOOL,
				    .b = false };
				return 0;
			}
		return fail(errbuf, errlen, "%s: '%s' is not ja/nej "
		    "(yes/no)", what, show(s, len).s);
	}
	case TV_F_ENUM:
		return parse_enum(f->enums, f->n_enums, what, s, len, out,
		    errbuf, errlen);
	case TV_F_MUNICIPALITY:
		return parse_municipality(what, s, len, out, errbuf, errlen);
	case TV_F_CVR: {
		/* "12 34 56 78" and "DK12345678" (the VAT form) are fine. */
		char cvr[16];
		size_t n = 0, i = 0;
		if (len >= 2 && fold_eq(s, 2, "dk", 2))
			i = 2;
		for (; i < len; i++) {
			if (s[i] == ' ' || s[i] == '-')
				continue;
			if (n == sizeof(cvr))
				return fail(errbuf, errlen, "%s: '%s' is not "
				    "8 digits", what, show(s, len).s);
			cvr[n++] = s[i];
		}
		return put_str(doc, cvr, n, out);
	}
	case TV_F_REF:
		return parse_ref(doc, what, s, len, out, errbuf, errlen);
	case TV_F_LOCATION:
		if (!read_location(s, len, &lat, &lon))
			return fail(errbuf, errlen, "%s: '%s' is not a "
			    "location; write LAT,LON in degrees, e.g. "
			    "55.4612,12.1823", what, show(s, len).s);
		if (put_array(doc, 2, out) != 0)
			return TV_ENOMEM;
		tv_set_int(&out->items[0], lat);
		tv_set_int(&out->items[1], lon);
		return 0;
	case TV_F_DATE:
		return parse_date(doc, what, s, len, out, errbuf, errlen);
	case TV_F_TIME:
		switch (read_time(s, len, &t, date)) {
		case TIME_OK:
			tv_set_int(out, t);
			return 0;
		case TIME_DATE:
			return put_str(doc, date, 10, out);
		case TIME_GAP:
			return fail(errbuf, errlen, "%s: '%s' does not exist "
			    "in Denmark (clocks skip from 02:00 to 03:00 that "
			    "night)", what, show(s, len).s);
		case TIME_BAD:
			break;
		}
		return fail(errbuf, errlen, "%s: '%s' is not a time; write "
		    "YYYY-MM-DD HH:MM (Danish time) or a date for all day",
		    what, show(s, len).s);
	case TV_F_ENUM_LIST:
	case TV_F_INTERESTS:
	case TV_F_REF_LIST:
	case TV_F_TEXT_LIST:
	case TV_F_NEEDS:
		return parse_list(doc, f, s, len, ',', out, errbuf, errlen);
	case TV_F_INT_LIST:
		return parse_list(doc, f, s, len, 0, out, errbuf, errlen);
	case TV_F_FUNDING:
		return parse_list(doc, f, s, len, ';', out, errbuf, errlen);
	case TV_F_CONSENT:
		return parse_consent(doc, what, s, len, out, errbuf, errlen);
	}
	return fail(errbuf, errlen, "%s: field of unknown type", what);
}

int
tv_field_parse(struct tv_doc *doc, const struct tv_field *f, const char *text,
    struct tv_value *out, char *errbuf, size_t errlen)
{
	char *nfc = NULL;
	size_t nfc_len;
	const char *s;
	size_t len;
	int rc;

	if (errbuf != NULL && errlen > 0)
		errbuf[0] = 0;
	memset(out, 0, sizeof(*out));
	out->type = TV_NIL;
	if (f == NULL) {
		/* The caller knows the kind and lists its fields (tv_kind_field). */
		if (errbuf != NULL && errlen > 0)
			snprintf(errbuf, errlen, "no such field");
		return TV_ENOTFOUND;
	}
	if (doc == NULL || text == NULL)
		return TV_EINVAL;
	/* PROTOCOL.md §2.3: writers normalise text to NFC before signing. */
	rc = tv_text_nfc(text, strlen(text), &nfc, &nfc_len);
	if (rc == TV_ENOMEM)
		return rc;
	if (rc != 0)
		return fail(errbuf, errlen, "%s: not valid UTF-8", f->name);
	s = nfc;
	len = nfc_len;
	trim(&s, &len);
	if (len == 0) {
		rc = 0;		/* empty text: remove the field */
		goto out;
	}
	if ((rc = parse_text(doc, f, s, len, out, errbuf, errlen)) != 0)
		goto out;
	/* The limits, reported exactly as tv_kind_validate reports them. */
	rc = check_value(f, out, "", errbuf, errlen);
out:
	free(nfc);
	if (rc != 0) {
		memset(out, 0, sizeof(*out));
		out->type = TV_NIL;
	}
	return rc;
}

/* ---- Formatting for people --------------------------------------------- */

/* Output into a fixed buffer; remembers whether anything was cut off. */
struct fmt {
	char *out;
	size_t cap;		/* bytes available, including the NUL */
	size_t len;
	bool cut;
};

static void
put(struct fmt *o, const void *p, size_t n)
{
	if (o->cap == 0)
		return;
	size_t room = o->cap - 1 - o->len;
	if (n > room) {
		n = room;
		o->cut = true;
	}
	memcpy(o->out + o->len, p, n);
	o->len += n;
	o->out[o->len] = 0;
}

static void
puts_(struct fmt *o, const char *s)
{
	put(o, s, strlen(s));
}

static void putf(struct fmt *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
putf(struct fmt *o, const char *fmt, ...)
{
	char buf[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0)
		put(o, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

/* Ends a cut-off output with "…" at a UTF-8 character boundary. */
static size_t
finish(struct fmt *o)
{
	static const char ellipsis[] = "\xe2\x80\xa6";

	if (o->cap == 0)
		return 0;
	if (!o->cut)
		return o->len;
	if (o->cap < sizeof(ellipsis)) {
		/* No room for the ellipsis; drop a character left incomplete. */
		size_t start = o->len;
		while (start > 0 && ((uint8_t)o->out[start - 1] & 0xc0) == 0x80)
			start--;
		if (start > 0) {
			uint8_t lead = (uint8_t)o->out[start - 1];
			size_t want = lead < 0x80 ? 1 : lead < 0xe0 ? 2 :
			    lead < 0xf0 ? 3 : 4;
			if (o->len - (start - 1) < want)
				o->len = start - 1;
		}
		o->out[o->len] = 0;
		return o->len;
	}
	if (o->len > o->cap - sizeof(ellipsis))
		o->len = o->cap - sizeof(ellipsis);
	/* out[len] is a byte of the full text here: step back to a character start. */
	while (o->len > 0 && ((uint8_t)o->out[o->len] & 0xc0) == 0x80)
		o->len--;
	memcpy(o->out + o->len, ellipsis, sizeof(ellipsis));
	o->len += sizeof(ellipsis) - 1;
	return o->len;
}

static const char *
enum_label(const struct tv_enum_value *e, size_t n, const struct tv_value *v,
    bool da)
{
	if (v->type != TV_STR)
		return NULL;
	const struct tv_enum_value *x = enum_by_code(e, n, v->bytes, v->len);
	return x ? (da ? x->da : x->en) : NULL;
}

static void
put_enum(struct fmt *o, const struct tv_enum_value *e, size_t n,
    const struct tv_value *v, bool da)
{
	const char *label = enum_label(e, n, v, da);

	if (label != NULL)
		puts_(o, label);
	else if (v->type == TV_STR)
		put(o, v->bytes, v->len);	/* a code this build does not know */
	else
		puts_(o, "?");
}

static void
put_int(struct fmt *o, int64_t v, bool da)
{
	char buf[48];

	tv_fmt_int(v, da ? TV_LANG_DA : TV_LANG_EN, buf, sizeof(buf));
	puts_(o, buf);
}

static void
put_money(struct fmt *o, int64_t v, bool da)
{
	char buf[48];

	tv_fmt_money(v, da ? TV_LANG_DA : TV_LANG_EN, buf, sizeof(buf));
	puts_(o, buf);
}

/* Writes any value without a schema: text as is, numbers, lists joined. */
static void
put_plain(struct fmt *o, const struct tv_value *v, bool da)
{
	switch (v->type) {
	case TV_NIL:
		puts_(o, "-");
		return;
	case TV_BOOL:
		puts_(o, v->b ? (da ? "ja" : "yes") : (da ? "nej" : "no"));
		return;
	case TV_UINT:
		putf(o, "%llu", (unsigned long long)v->u);
		return;
	case TV_NINT:
		putf(o, "%lld", (long long)v->i);
		return;
	case TV_STR:
		put(o, v->bytes, v->len);
		return;
	case TV_BIN:
		for (uint32_t i = 0; i < v->len && i < 8; i++)
			putf(o, "%02x", v->bytes[i]);
		if (v->len > 8)
			puts_(o, "…");
		return;
	case TV_ARRAY:
		for (uint32_t i = 0; i < v->len; i++) {
			if (i > 0)
				puts_(o, ", ");
			put_plain(o, &v->items[i], da);
		}
		return;
	case TV_MAP:
		for (uint32_t i = 0; i < v->len; i++) {
			if (i > 0)
				puts_(o, ", ");
			put_plain(o, &v->items[2 * i], da);
			puts_(o, ": ");
			put_plain(o, &v->items[2 * i + 1], da);
		}
		return;
	}
}

static void
put_ref(struct fmt *o, const struct tv_value *v)
{
	char area[TV_AREA_TEXT_LEN + 1], id[TV_ID_TEXT_LEN + 1];
	static const uint8_t zero[TV_ID_LEN];

	tv_area_text(v->items[0].bytes, area);
	puts_(o, area);
	if (memcmp(v->items[1].bytes, zero, TV_ID_LEN) != 0) {
		tv_id_text(v->items[1].bytes, id);
		puts_(o, ":");
		puts_(o, id);
	}
}

/* A wire date "YYYY-MM-DD" as people write it, flags as for tv_fmt_date. */
static void
put_date(struct fmt *o, const struct tv_value *v, bool da, unsigned flags)
{
	char buf[64];
	int64_t y;
	int m, d;

	if (!tv_date_wire(v->bytes, v->len, &y, &m, &d)) {
		put(o, v->bytes, v->len);
		return;
	}
	tv_fmt_date(y, m, d, da ? TV_LANG_DA : TV_LANG_EN, flags, buf,
	    sizeof(buf));
	puts_(o, buf);
}

/* "lør. 8. nov. 2025 kl. 19.30" in Copenhagen time; all day: "lør. 8. nov. 2025". */
static void
put_time(struct fmt *o, const struct tv_value *v, bool da)
{
	char buf[64];
	int64_t t = 0;

	if (v->type == TV_STR) {
		put_date(o, v, da, TV_FMT_LONG);
		return;
	}
	value_int(v, &t);
	tv_fmt_time(t, da ? TV_LANG_DA : TV_LANG_EN, TV_FMT_LONG |
	    (t % 60 != 0 ? TV_FMT_SECONDS : 0), buf, sizeof(buf));
	puts_(o, buf);
}

static void
put_funding(struct fmt *o, const struct tv_value *it, bool da)
{
	const struct tv_value *src = map_find(it, "source");
	const struct tv_value *name = map_find(it, "name");
	const struct tv_value *st = map_find(it, "status");
	const struct tv_value *app = map_find(it, "amount_applied");
	const struct tv_value *gr = map_find(it, "amount_granted");
	const struct tv_value *date = map_find(it, "date");
	bool has_name = name != NULL && name->type == TV_STR;
	const char *sep = "";
	int64_t a = 0, g = 0;

	/* "LAG Sydsjælland (LAG, søgt, søgt 180.000 kr., 2025-03-01)" */
	if (has_name)
		put(o, name->bytes, name->len);
	else
		put_enum(o, funding_sources, N(funding_sources), src, da);
	if (!has_name && st == NULL && app == NULL && gr == NULL && date == NULL)
		return;
	puts_(o, " (");
	if (has_name) {
		put_enum(o, funding_sources, N(funding_sources), src, da);
		sep = ", ";
	}
	if (st != NULL) {
		puts_(o, sep);
		put_enum(o, funding_status, N(funding_status), st, da);
		sep = ", ";
	}
	if (app != NULL && value_int(app, &a)) {
		puts_(o, sep);
		puts_(o, da ? "søgt " : "applied for ");
		put_money(o, a, da);
		sep = ", ";
	}
	if (gr != NULL && value_int(gr, &g)) {
		puts_(o, sep);
		puts_(o, da ? "bevilget " : "granted ");
		put_money(o, g, da);
		sep = ", ";
	}
	if (date != NULL && date->type == TV_STR) {
		puts_(o, sep);
		put_date(o, date, da, TV_FMT_YEAR);
	}
	puts_(o, ")");
}

static void
put_consent(struct fmt *o, const struct tv_value *v, bool da)
{
	const struct tv_value *n = map_find(v, "publish_name");
	const struct tv_value *c = map_find(v, "publish_contact");
	const struct tv_value *g = map_find(v, "given");
	const struct tv_value *s = map_find(v, "scope");
	bool pn = n != NULL && n->type == TV_BOOL && n->b;
	bool pc = c != NULL && c->type == TV_BOOL && c->b;

	if (pn && pc)
		puts_(o, da ? "navn og kontakt" : "name and contact");
	else if (pn)
		puts_(o, da ? "navn" : "name");
	else if (pc)
		puts_(o, da ? "kontakt" : "contact");
	else
		puts_(o, da ? "intet" : "nothing");
	if (g != NULL && g->type == TV_STR) {
		puts_(o, da ? ", givet " : ", given ");
		put_date(o, g, da, TV_FMT_YEAR);
	}
	if (s != NULL && s->type == TV_STR) {
		puts_(o, " (");
		put(o, s->bytes, s->len);
		puts_(o, ")");
	}
}

/* Writes v, already checked to have f's type. */
static void
put_field(struct fmt *o, const struct tv_field *f, const struct tv_value *v,
    bool da)
{
	const struct tv_municipality *m;
	const struct tv_interest *in;
	char lat[32], lon[32];
	int64_t x = 0;

	switch (f->type) {
	case TV_F_INT:
		value_int(v, &x);
		if (strcmp(f->name, "price") == 0 && x == 0)
			puts_(o, da ? "gratis" : "free");
		else if (is_money(f))
			put_money(o, x, da);
		else if (f->max > 9999)	/* counts, not years or postcodes */
			put_int(o, x, da);
		else
			putf(o, "%lld", (long long)x);
		return;
	case TV_F_ENUM:
		put_enum(o, f->enums, f->n_enums, v, da);
		return;
	case TV_F_ENUM_LIST:
		for (uint32_t i = 0; i < v->len; i++) {
			if (i > 0)
				puts_(o, ", ");
			put_enum(o, f->enums, f->n_enums, &v->items[i], da);
		}
		return;
	case TV_F_INTERESTS:
		for (uint32_t i = 0; i < v->len; i++) {
			const struct tv_value *it = &v->items[i];
			if (i > 0)
				puts_(o, ", ");
			in = tv_interest_find((const char *)it->bytes, it->len);
			if (in != NULL)
				puts_(o, da ? in->da : in->en);
			else
				put(o, it->bytes, it->len);
		}
		return;
	case TV_F_MUNICIPALITY:
		value_int(v, &x);
		m = tv_municipality_find((int)x);
		putf(o, "%03lld", (long long)x);
		if (m != NULL) {
			puts_(o, " ");
			puts_(o, m->name);
		}
		return;
	case TV_F_REF:
		put_ref(o, v);
		return;
	case TV_F_REF_LIST:
		for (uint32_t i = 0; i < v->len; i++) {
			if (i > 0)
				puts_(o, ", ");
			put_ref(o, &v->items[i]);
		}
		return;
	case TV_F_LOCATION:
		value_int(&v->items[0], &x);
		format_udeg(x, lat, sizeof(lat));
		value_int(&v->items[1], &x);
		format_udeg(x, lon, sizeof(lon));
		putf(o, "%s, %s", lat, lon);
		return;
	case TV_F_TIME:
		put_time(o, v, da);
		return;
	case TV_F_NEEDS:
		for (uint32_t i = 0; i < v->len; i++) {
			const struct tv_value *t = map_find(&v->items[i], "type");
			const struct tv_value *x2 = map_find(&v->items[i], "text");
			if (i > 0)
				puts_(o, ", ");
			put_enum(o, f->enums, f->n_enums, t, da);
			if (x2 != NULL && x2->type == TV_STR) {
				puts_(o, " (");
				put(o, x2->bytes, x2->len);
				puts_(o, ")");
			}
		}
		return;
	case TV_F_FUNDING:
		for (uint32_t i = 0; i < v->len; i++) {
			if (i > 0)
				puts_(o, "; ");
			put_funding(o, &v->items[i], da);
		}
		return;
	case TV_F_CONSENT:
		put_consent(o, v, da);
		return;
	case TV_F_DATE:
		put_date(o, v, da, TV_FMT_YEAR);
		return;
	case TV_F_TEXT:
	case TV_F_BOOL:
	case TV_F_CVR:
	case TV_F_INT_LIST:
	case TV_F_TEXT_LIST:
		put_plain(o, v, da);
		return;
	}
	put_plain(o, v, da);
}

size_t
tv_field_format(const struct tv_field *f, const struct tv_value *v,
    const char *lang, char *out, size_t outlen)
{
	struct fmt o = { .out = out, .cap = outlen };
	bool da = lang == NULL || strncmp(lang, "da", 2) == 0;

	if (outlen == 0)
		return 0;
	out[0] = 0;
	if (v == NULL || v->type == TV_NIL)
		puts_(&o, "-");
	else if (f == NULL || check_value(f, v, "", NULL, 0) != 0)
		put_plain(&o, v, da);	/* not what the schema says: show it raw */
	else
		put_field(&o, f, v, da);
	return finish(&o);
}

const struct tv_kind *
tv_kind_by_wire(const char *name, size_t len)
{
	size_t n;
	const struct tv_kind *k = tv_kinds(&n);

	for (size_t i = 0; i < n; i++)
		if (strlen(k[i].name) == len && memcmp(k[i].name, name, len) == 0)
			return &k[i];
	return NULL;
}

bool
tv_list_next(const char **cursor, const char **out_item, size_t *out_len)
{
	const char *p = *cursor, *end;
	size_t n;

	if (*p == 0)
		return false;
	end = strchr(p, ',');
	n = end ? (size_t)(end - p) : strlen(p);
	*cursor = end ? end + 1 : p + n;
	while (n > 0 && *p == ' ') {
		p++;
		n--;
	}
	while (n > 0 && p[n - 1] == ' ')
		n--;
	*out_item = p;
	*out_len = n;
	return true;
}
