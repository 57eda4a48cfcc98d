/*
 * Fuzz target for the configuration parser (daemon/conf.c). The bytes are
 * a config file. Checks, beyond "no crash, no sanitizer report":
 *   - a refused text leaves the conf exactly as it was, and says where;
 *   - an accepted one prints as text that loads again and prints the same
 *     (the round trip `tvaersd -nv` relies on).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *
print_conf(const struct conf *c)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (f == NULL)
		abort();
	conf_print(c, f);
	if (fclose(f) != 0)
		abort();
	return text;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char errbuf[1024], *text, *before, *printed, *again;
	struct conf c, back;

	/* conf_load_string reads up to the first NUL, as a C string does. */
	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = 0;

	if (conf_init(&c, "/var/lib/tvaers") != 0)
		abort();
	before = print_conf(&c);
	errbuf[0] = 0;
	if (conf_load_string(&c, text, "fuzz.conf", errbuf,
	    sizeof(errbuf)) != 0) {
		printed = print_conf(&c);
		if (strcmp(before, printed) != 0 ||
		    strncmp(errbuf, "fuzz.conf:", 10) != 0)
			abort();
		free(printed);
		goto out;
	}

	printed = print_conf(&c);
	/* Another data_dir underneath: the printed text must say it all. */
	if (conf_init(&back, "/elsewhere") != 0)
		abort();
	if (conf_load_string(&back, printed, "printed", errbuf,
	    sizeof(errbuf)) != 0) {
		fprintf(stderr, "printed config does not load: %s\n%s",
		    errbuf, printed);
		abort();
	}
	again = print_conf(&back);
	if (strcmp(printed, again) != 0) {
		fprintf(stderr, "printed twice, differently:\n%s---\n%s",
		    printed, again);
		abort();
	}
	free(again);
	free(printed);
	conf_free(&back);
out:
	free(before);
	conf_free(&c);
	free(text);
	return 0;
}
