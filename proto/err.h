/*
 * Error codes shared by proto, the daemon and the CLI.
 *
 * One code space: 0 is success, proto's own failures are the TV_E* codes
 * below -1000, and I/O failures pass through as negative errno values (the
 * same numbers libuv uses for UV_E*). tv_strerror() names both.
 */
#ifndef TVAERS_PROTO_ERR_H
#define TVAERS_PROTO_ERR_H

enum tv_err {
	TV_EMALFORMED = -1001,	/* bytes do not parse as what was expected */
	TV_ENONCANON = -1002,	/* valid msgpack, but not the canonical form */
	TV_ETOOBIG = -1003,	/* a size or count limit was exceeded */
	TV_EBADSIG = -1004,	/* signature does not verify */
	TV_EVERSION = -1005,	/* unsupported format or protocol version */
	TV_ENOMEM = -1006,	/* allocation failed */
	TV_ETRUNC = -1007,	/* input ends before the item does */
	TV_ETRAILING = -1008,	/* bytes left over after the item */
	TV_EDEPTH = -1009,	/* nesting deeper than allowed */
	TV_EUTF8 = -1010,	/* text is not valid UTF-8 */
	TV_ENFC = -1011,	/* text is not in Unicode NFC */
	TV_EKEYORDER = -1012,	/* map keys unsorted or duplicated */
	TV_EFLOAT = -1013,	/* floats are not allowed */
	TV_ETYPE = -1014,	/* an item has the wrong type */
	TV_ESCHEMA = -1015,	/* record body breaks its kind's schema */
	TV_ENOTFOUND = -1016,	/* no such record, area, field or kind */
	TV_EAMBIGUOUS = -1017,	/* a text prefix matches more than one item */
	TV_EINVAL = -1018,	/* an argument is invalid */
	TV_ELOCAL = -1019,	/* a local-only record may not travel */
	TV_EEXIST = -1020,	/* the item already exists */
	TV_EEXPIRED = -1021,	/* past its expiry time (an invite code) */
};

/* Returns a static English description of err (a TV_E* or -errno code). */
const char *tv_strerror(int err);

#endif
