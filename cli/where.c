/*
 * The where-options of `tvaers list` (--area, --municipality, --region,
 * --near, --since): checked here and turned into the values the list
 * request carries (PROTOCOL.md §8), so a typo is caught before the daemon
 * is asked.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "kinds.h"

#define NEAR_MAX_KM 500

const char *const where_opts[WHERE_OPTS] = {
	"--area", "--municipality", "--region", "--near", "--since",
};

static bool
whole_number(const char *s, long max, long *out)
{
	char *end;
	long v;

	if (*s < '0' || *s > '9')
		return false;
	v = strtol(s, &end, 10);
	if (*end != 0 || v > max)
		return false;
	*out = v;
	return true;
}

static int
municipality(const char *text, struct tv_value *out)
{
	const struct tv_municipality *m = NULL;
	long code;

	if (whole_number(text, 9999, &code))
		m = tv_municipality_find((int)code);
	else
		m = tv_municipality_by_name(text);
	if (m == NULL)
		return cli_usage_err("list", _("no municipality '%s'; see `tvaers "
		    "municipalities` for codes and names"), text);
	tv_set_int(out, m->code);
	return 0;
}

/* "Sjælland" and "Region Sjælland" both name Region Sjælland. */
static int
region(const char *text, struct tv_value *out)
{
	size_t n;
	const struct tv_municipality *ms = tv_municipalities(&n);

	for (size_t i = 0; i < n; i++) {
		const char *r = ms[i].region;
		if (strcasecmp(r, text) == 0 || (strncmp(r, "Region ", 7) == 0 &&
		    strcasecmp(r + 7, text) == 0)) {
			tv_set_str(out, r, strlen(r));
			return 0;
		}
	}
	return cli_usage_err("list", _("no region '%s'; the regions are "
	    "Hovedstaden, Sjælland, Syddanmark, Midtjylland and Nordjylland"),
	    text);
}

/* A date or time as event start takes it, in Danish time. */
static int
since(const char *text, struct tv_doc *doc, struct tv_value *out)
{
	const struct tv_kind *k = tv_kind_find("event", 5);
	const struct tv_field *f = tv_kind_field(k, "start");
	char errbuf[256], midnight[32];
	int rc = tv_field_parse(doc, f, text, out, errbuf, sizeof(errbuf));

	/* A date alone means from its start, midnight in Denmark. */
	if (rc == 0 && out->type == TV_STR) {
		snprintf(midnight, sizeof(midnight), "%.10s 00:00",
		    (const char *)out->bytes);
		rc = tv_field_parse(doc, f, midnight, out, errbuf,
		    sizeof(errbuf));
	}
	if (rc != 0 || out->type != TV_UINT)
		return cli_usage_err("list", _("--since takes a date or time such "
		    "as 2025-11-08 or \"2025-11-08 19:30\", not '%s'"), text);
	return 0;
}

int
where_value(int opt, const char *text, struct tv_doc *doc,
    struct tv_value *out)
{
	long km;

	switch (opt) {
	case 0:
		tv_set_str(out, text, strlen(text));
		return 0;
	case 1:
		return municipality(text, out);
	case 2:
		return region(text, out);
	case 3:
		if (!whole_number(text, NEAR_MAX_KM, &km) || km < 1)
			return cli_usage_err("list", _("--near takes whole "
			    "kilometres from 1 to %d, not '%s'"), NEAR_MAX_KM,
			    text);
		tv_set_int(out, km);
		return 0;
	default:
		return since(text, doc, out);
	}
}
