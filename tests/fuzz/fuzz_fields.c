/*
 * The parsers of text people type: tv_field_parse for every field of every
 * kind (the first two bytes choose the kind and field), and the secret key
 * file line. A value that parses must encode canonically and re-decode.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "canon.h"
#include "err.h"
#include "kinds.h"
#include "sign.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t seed[TV_SEED_LEN];
	const struct tv_kind *kinds, *k;
	const struct tv_field *f;
	const struct tv_value *back;
	struct tv_doc *doc, *doc2;
	struct tv_value v;
	struct tv_w w;
	char errbuf[256], *text;
	uint8_t *enc;
	size_t n_kinds, enc_len;

	(void)tv_seed_parse((const char *)data, size, seed);
	if (size < 2)
		return 0;
	kinds = tv_kinds(&n_kinds);
	k = &kinds[data[0] % n_kinds];
	f = &k->fields[data[1] % k->n_fields];
	if ((text = malloc(size - 1)) == NULL)
		return 0;
	memcpy(text, data + 2, size - 2);
	text[size - 2] = 0;
	if ((doc = tv_doc_new()) == NULL) {
		free(text);
		return 0;
	}
	if (tv_field_parse(doc, f, text, &v, errbuf, sizeof(errbuf)) == 0 &&
	    v.type != TV_NIL) {
		char shown[512];
		tv_w_init(&w, 0);
		if (tv_encode(&w, &v) != 0)
			abort();	/* a parsed value must be encodable */
		if (tv_w_finish(&w, &enc, &enc_len) != 0)
			abort();
		if (tv_decode(enc, enc_len, &doc2, &back) != 0)
			abort();	/* ... and canonical */
		(void)tv_field_format(f, back, "da", shown, sizeof(shown));
		(void)tv_field_format(f, back, "en", shown, sizeof(shown));
		tv_doc_free(doc2);
		free(enc);
	}
	tv_doc_free(doc);
	free(text);
	return 0;
}
