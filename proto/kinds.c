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
 * Parsing what people type (kinds_parse.c) and formatting for people
 * (kinds_format.c) are jobs of their own and live apart; they use the
 * tables and helpers that kinds_impl.h declares, and parsing runs the same
 * checks as validation, so both report the same one-line reasons. Nothing
 * here prints, and nothing it allocates outlives the call.
 */
#include "kinds.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "caltime.h"
#include "err.h"
#include "ids.h"
#include "kinds_data.h"
#include "kinds_impl.h"

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
const struct tv_enum_value tv__kinds_need_types[] = {
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
const size_t tv__kinds_n_need_types = N(tv__kinds_need_types);

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

const struct tv_enum_value tv__kinds_funding_sources[] = {
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
const size_t tv__kinds_n_funding_sources = N(tv__kinds_funding_sources);

const struct tv_enum_value tv__kinds_funding_status[] = {
	{ "considering", "overvejes", "under consideration" },
	{ "applied", "søgt", "applied" },
	{ "granted", "bevilget", "granted" },
	{ "rejected", "afslag", "rejected" },
	{ "paid", "udbetalt", "paid out" },
};
const size_t tv__kinds_n_funding_status = N(tv__kinds_funding_status);

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
	    ENUM(tv__kinds_need_types) },
	{ F("text", "tekst", "text", TV_F_TEXT), .max = TEXT_OTHER },
};

const struct tv_field tv__kinds_funding_item[] = {
	{ F("source", "kilde", "source", TV_F_ENUM), .required = true,
	    ENUM(tv__kinds_funding_sources) },
	{ F("name", "navn", "name", TV_F_TEXT), .max = TEXT_NAME },
	{ F("amount_applied", "søgt", "applied for", TV_F_INT),
	    .min = 0, .max = MONEY_MAX },
	{ F("amount_granted", "bevilget", "granted", TV_F_INT),
	    .min = 0, .max = MONEY_MAX },
	{ F("status", "status", "status", TV_F_ENUM), ENUM(tv__kinds_funding_status) },
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
	    .max_items = 16, ENUM(tv__kinds_need_types) },
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
	    .max_items = 16, ENUM(tv__kinds_need_types) },
	{ F("budget", "budget", "budget", TV_F_INT), .min = 0,
	    .max = MONEY_MAX },
	{ F("funding", "finansiering", "funding", TV_F_FUNDING),
	    .max_items = 32, ENUM(tv__kinds_funding_sources) },
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

/* Writes the one-line reason and returns TV_ESCHEMA. */
int
tv__kinds_fail(char *errbuf, size_t errlen, const char *fmt, ...)
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
bool
tv__kinds_fold_eq(const char *a, size_t a_len, const char *b, size_t b_len)
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

bool
tv__kinds_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	    c == '\v' || c == '\f';
}

/* Trims ASCII white space from both ends of [*p, *p + *len). */
void
tv__kinds_trim(const char **p, size_t *len)
{
	while (*len > 0 && tv__kinds_is_space(**p)) {
		(*p)++;
		(*len)--;
	}
	while (*len > 0 && tv__kinds_is_space((*p)[*len - 1]))
		(*len)--;
}

/* Up to 80 bytes of a value for a message: whole characters, controls as '?'. */
struct tv__kinds_shown
tv__kinds_show(const void *p, size_t len)
{
	const uint8_t *b = p;
	struct tv__kinds_shown r;
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
bool
tv__kinds_value_int(const struct tv_value *v, int64_t *out)
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
const struct tv_value *
tv__kinds_map_find(const struct tv_value *map, const char *name)
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

const struct tv_enum_value *
tv__kinds_enum_by_code(const struct tv_enum_value *e, size_t n, const uint8_t *s,
    size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(e[i].code) == len && memcmp(e[i].code, s, len) == 0)
			return &e[i];
	return NULL;
}

/* Writes "code (dansk), code (dansk), ..." for error messages. */
void
tv__kinds_enum_list(const struct tv_enum_value *e, size_t n, char *out, size_t outlen)
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

bool
tv__kinds_is_money(const struct tv_field *f)
{
	return strcmp(f->name, "budget") == 0 || strcmp(f->name, "price") == 0 ||
	    strcmp(f->name, "amount_applied") == 0 ||
	    strcmp(f->name, "amount_granted") == 0;
}

/* The document hash is text of 64 lower-case hex digits (BLAKE2b-256). */
bool
tv__kinds_is_hash(const struct tv_field *f)
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
		*out_n = N(tv__kinds_funding_item);
		return tv__kinds_funding_item;
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
		return tv__kinds_fail(errbuf, errlen, "%s: expected text, got %s", what,
		    type_name(v));
	/* PROTOCOL.md §2.3: text is valid UTF-8 in NFC. */
	rc = tv_text_check(v->bytes, v->len);
	if (rc == TV_EUTF8)
		return tv__kinds_fail(errbuf, errlen, "%s: not valid UTF-8", what);
	if (rc != 0)
		return tv__kinds_fail(errbuf, errlen, "%s: not in Unicode NFC (normalise "
		    "the text before signing; tv_field_parse does)", what);
	if (v->len == 0)
		return tv__kinds_fail(errbuf, errlen, "%s: empty; leave the field out "
		    "instead", what);
	/* PROTOCOL.md §6.2: limits count code points, not bytes. */
	size_t n = utf8_chars(v->bytes, v->len);
	if ((int64_t)n > max)
		return tv__kinds_fail(errbuf, errlen, "%s: %zu characters, at most %lld",
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

	if (!tv__kinds_value_int(v, &i))
		return tv__kinds_fail(errbuf, errlen, "%s: expected an integer, got %s",
		    what, type_name(v));
	if (i < f->min || i > f->max) {
		if (v->type == TV_UINT && v->u > (uint64_t)INT64_MAX)
			return tv__kinds_fail(errbuf, errlen, "%s: %llu is out of range "
			    "%lld..%lld", what, (unsigned long long)v->u,
			    (long long)f->min, (long long)f->max);
		return tv__kinds_fail(errbuf, errlen, "%s: %lld is out of range "
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
		return tv__kinds_fail(errbuf, errlen, "%s: expected a date "
		    "\"YYYY-MM-DD\", got %s", what, type_name(v));
	if (!tv_date_wire(v->bytes, v->len, &y, &m, &d))
		return tv__kinds_fail(errbuf, errlen, "%s: '%s' is not a date "
		    "YYYY-MM-DD", what, tv__kinds_show(v->bytes, v->len).s);
	if (y < YEAR_MIN || y > YEAR_MAX)
		return tv__kinds_fail(errbuf, errlen, "%s: year %lld is out of range "
		    "%d..%d", what, (long long)y, YEAR_MIN, YEAR_MAX);
	return 0;
}

/* Writes micro-degrees as decimal degrees with six decimals. */
void
tv__kinds_format_udeg(int64_t u, char *out, size_t outlen)
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
		return tv__kinds_fail(errbuf, errlen, "%s: expected a reference [origin "
		    "(32 bytes), id (16 bytes)], got %s", what, type_name(v));
	return 0;
}

bool
tv__kinds_values_equal(const struct tv_value *a, const struct tv_value *b)
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
			if (!tv__kinds_values_equal(&a->items[i], &b->items[i]))
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
			if (tv__kinds_values_equal(&v->items[i], &v->items[j]))
				return tv__kinds_fail(errbuf, errlen, "%s: item %u repeats "
				    "item %u", what, i + 1, j + 1);
	return 0;
}

static int
check_list_len(const char *what, const struct tv_field *f,
    const struct tv_value *v, char *errbuf, size_t errlen)
{
	if (v->type != TV_ARRAY)
		return tv__kinds_fail(errbuf, errlen, "%s: expected a list, got %s", what,
		    type_name(v));
	if (v->len > f->max_items)
		return tv__kinds_fail(errbuf, errlen, "%s: %u items, at most %u", what,
		    v->len, f->max_items);
	return 0;
}

static int
check_interests(const char *what, const struct tv_value *v, char *errbuf,
    size_t errlen)
{
	unsigned codes = 0, tags = 0;

	if (v->type != TV_ARRAY)
		return tv__kinds_fail(errbuf, errlen, "%s: expected a list, got %s", what,
		    type_name(v));
	for (uint32_t i = 0; i < v->len; i++) {
		const struct tv_value *it = &v->items[i];
		if (it->type != TV_STR)
			return tv__kinds_fail(errbuf, errlen, "%s: item %u: expected "
			    "text, got %s", what, i + 1, type_name(it));
		/* PROTOCOL.md §6.3: a vocabulary code counts as a code, any other valid tag as a tag. */
		if (tv_interest_find((const char *)it->bytes, it->len) != NULL)
			codes++;
		else if (is_tag(it->bytes, it->len))
			tags++;
		else
			return tv__kinds_fail(errbuf, errlen, "%s: '%s' is neither an "
			    "interest code nor a tag (tags: 2 to 32 of a-z, æ, "
			    "ø, å, 0-9 and '-'; codes: see `tvaers interests`)",
			    what, tv__kinds_show(it->bytes, it->len).s);
	}
	if (codes > INTEREST_CODES_MAX)
		return tv__kinds_fail(errbuf, errlen, "%s: %u interest codes, at most %d",
		    what, codes, INTEREST_CODES_MAX);
	if (tags > INTEREST_TAGS_MAX)
		return tv__kinds_fail(errbuf, errlen, "%s: %u free tags, at most %d", what,
		    tags, INTEREST_TAGS_MAX);
	return check_distinct(what, v, errbuf, errlen);
}

static int
check_enum(const char *what, const struct tv_enum_value *e, size_t n,
    const struct tv_value *v, char *errbuf, size_t errlen)
{
	char known[512];

	if (v->type != TV_STR)
		return tv__kinds_fail(errbuf, errlen, "%s: expected a code, got %s", what,
		    type_name(v));
	if (tv__kinds_enum_by_code(e, n, v->bytes, v->len) != NULL)
		return 0;
	tv__kinds_enum_list(e, n, known, sizeof(known));
	return tv__kinds_fail(errbuf, errlen, "%s: unknown value '%s' (one of: %s)",
	    what, tv__kinds_show(v->bytes, v->len).s,
	    known);
}

/* Checks one value against its field; prefix goes before the field name. */
int
tv__kinds_check_value(const struct tv_field *f, const struct tv_value *v,
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
		if (tv__kinds_is_hash(f)) {
			for (uint32_t k = 0; k < v->len; k++)
				if (!strchr("0123456789abcdef", v->bytes[k]) ||
				    v->bytes[k] == 0)
					return tv__kinds_fail(errbuf, errlen, "%s: expected "
					    "64 lower-case hex digits", what);
			if (v->len != HASH_HEX)
				return tv__kinds_fail(errbuf, errlen, "%s: expected 64 "
				    "lower-case hex digits", what);
		}
		return 0;
	case TV_F_INT:
		return check_int(what, f, v, errbuf, errlen);
	case TV_F_BOOL:
		if (v->type != TV_BOOL)
			return tv__kinds_fail(errbuf, errlen, "%s: expected true or "
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
		if (!tv__kinds_value_int(v, &i))
			return tv__kinds_fail(errbuf, errlen, "%s: expected a municipality "
			    "code, got %s", what, type_name(v));
		/* PROTOCOL.md §6.4: codes from the compiled kommuner table. */
		if (i < 0 || i > 9999 || tv_municipality_find((int)i) == NULL)
			return tv__kinds_fail(errbuf, errlen, "%s: unknown code %lld (see "
			    "`tvaers municipalities`)", what, (long long)i);
		return 0;
	case TV_F_CVR:
		if (v->type != TV_STR)
			return tv__kinds_fail(errbuf, errlen, "%s: expected 8 digits as "
			    "text, got %s", what, type_name(v));
		if (v->len != 8 || tv__digits((const char *)v->bytes, 8) < 0)
			return tv__kinds_fail(errbuf, errlen, "%s: '%s' is not 8 digits",
			    what, tv__kinds_show(v->bytes, v->len).s);
		/* PROTOCOL.md §6.5: weights 2,7,6,5,4,3,2,1, sum divisible by 11. */
		if (!tv_cvr_valid((const char *)v->bytes, v->len))
			return tv__kinds_fail(errbuf, errlen, "%s: %.8s fails the CVR check "
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
		    !tv__kinds_value_int(&v->items[0], &lat) ||
		    !tv__kinds_value_int(&v->items[1], &lon))
			return tv__kinds_fail(errbuf, errlen, "%s: expected [lat, lon] in "
			    "micro-degrees, got %s", what, type_name(v));
		if (lat < LAT_MIN || lat > LAT_MAX) {
			tv__kinds_format_udeg(lat, buf, sizeof(buf));
			return tv__kinds_fail(errbuf, errlen, "%s: latitude %s is outside "
			    "Denmark (54 to 58 degrees)", what, buf);
		}
		if (lon < LON_MIN || lon > LON_MAX) {
			tv__kinds_format_udeg(lon, buf, sizeof(buf));
			return tv__kinds_fail(errbuf, errlen, "%s: longitude %s is outside "
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
			return tv__kinds_fail(errbuf, errlen, "%s: expected seconds since "
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
	return tv__kinds_fail(errbuf, errlen, "%s: field of unknown type", what);
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
		return tv__kinds_fail(errbuf, errlen, "%s%sexpected a map, got %s", prefix,
		    *prefix ? "" : "body: ", type_name(map));
	for (uint32_t i = 0; i < map->len; i++) {
		const struct tv_value *k = &map->items[2 * i];
		if (k->type != TV_STR)
			return tv__kinds_fail(errbuf, errlen, "%s%skey %u is %s, not text",
			    prefix, *prefix ? "" : "body: ", i + 1, type_name(k));
		const struct tv_field *f = fields_find(fields, n, k->bytes,
		    k->len);
		if (f == NULL)
			continue;	/* PROTOCOL.md §3.5: unknown fields are kept */
		rc = tv__kinds_check_value(f, &map->items[2 * i + 1], prefix, errbuf,
		    errlen);
		if (rc != 0)
			return rc;
	}
	for (size_t i = 0; i < n; i++)
		if (fields[i].required && tv__kinds_map_find(map, fields[i].name) == NULL)
			return tv__kinds_fail(errbuf, errlen, "%s%s: required", prefix,
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

	a = tv__kinds_map_find(body, "board_seats");
	b = tv__kinds_map_find(body, "board_vacant");
	if (tv_kind_field(k, "board_vacant") != NULL && a != NULL && b != NULL &&
	    tv__kinds_value_int(a, &x) && tv__kinds_value_int(b, &y) && y > x)
		return tv__kinds_fail(errbuf, errlen, "board_vacant: %lld vacant seats but "
		    "board_seats is %lld", (long long)y, (long long)x);
	for (size_t i = 0; i < N(ordered_pairs); i++) {
		if (tv_kind_field(k, ordered_pairs[i].to) == NULL)
			continue;
		a = tv__kinds_map_find(body, ordered_pairs[i].from);
		b = tv__kinds_map_find(body, ordered_pairs[i].to);
		if (a == NULL || b == NULL || a->type != b->type)
			continue;	/* a time and an all-day date: not compared */
		if (a->type == TV_UINT && b->u < a->u)
			return tv__kinds_fail(errbuf, errlen, "%s: ends before %s",
			    ordered_pairs[i].to, ordered_pairs[i].from);
		if (a->type == TV_STR) {
			size_t n = a->len < b->len ? a->len : b->len;
			int c = memcmp(b->bytes, a->bytes, n);
			if (c < 0 || (c == 0 && b->len < a->len))
				return tv__kinds_fail(errbuf, errlen, "%s: %.*s is before "
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
		return tv__kinds_fail(errbuf, errlen, "body: expected a map, got %s",
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
		if (tv__kinds_fold_eq(kinds[i].name, strlen(kinds[i].name), name, len) ||
		    tv__kinds_fold_eq(kinds[i].da, strlen(kinds[i].da), name, len) ||
		    tv__kinds_fold_eq(kinds[i].en, strlen(kinds[i].en), name, len))
			return &kinds[i];
	for (size_t i = 0; i < N(kind_aliases); i++)
		if (tv__kinds_fold_eq(kind_aliases[i].word, strlen(kind_aliases[i].word),
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
		if (tv__kinds_fold_eq(m, strlen(m), name, strlen(name)))
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
