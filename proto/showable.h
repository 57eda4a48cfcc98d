/*
 * Which characters of record text may be shown on a page or a terminal.
 * Records come from other areas and their text fields may hold control
 * characters, bidirectional overrides or (in fields this program does not
 * check) invalid UTF-8; the generated documents leave those out, so that
 * neither a printed page nor a terminal can be made to lie.
 */
#ifndef TVAERS_PROTO_SHOWABLE_H
#define TVAERS_PROTO_SHOWABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Reads the character at p (len > 0 bytes available): sets *out_len to
 * its length in bytes, 1 for a byte that starts no valid UTF-8 sequence.
 * Returns false for what must not be shown: invalid UTF-8, C0 controls
 * (tab and line feed too: callers that keep them test first), DEL, C1
 * controls, bidirectional formatting characters, the line and paragraph
 * separators, and noncharacters (which HTML forbids).
 */
bool tv_char_showable(const uint8_t *p, size_t len, size_t *out_len);

#endif
