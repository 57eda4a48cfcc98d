#include "err.h"

#include <string.h>

const char *
tv_strerror(int err)
{
	switch (err) {
	case 0: return "success";
	case TV_EMALFORMED: return "malformed input";
	case TV_ENONCANON: return "not in canonical form";
	case TV_ETOOBIG: return "too big";
	case TV_EBADSIG: return "bad signature";
	case TV_EVERSION: return "unsupported version";
	case TV_ENOMEM: return "out of memory";
	case TV_ETRUNC: return "truncated input";
	case TV_ETRAILING: return "trailing bytes after the item";
	case TV_EDEPTH: return "nested too deeply";
	case TV_EUTF8: return "invalid UTF-8";
	case TV_ENFC: return "text not in Unicode NFC";
	case TV_EKEYORDER: return "map keys unsorted or duplicated";
	case TV_EFLOAT: return "floating-point numbers are not allowed";
	case TV_ETYPE: return "wrong type";
	case TV_ESCHEMA: return "does not match the schema";
	case TV_ENOTFOUND: return "not found";
	case TV_EAMBIGUOUS: return "ambiguous prefix";
	case TV_EINVAL: return "invalid argument";
	case TV_ELOCAL: return "local-only record";
	case TV_EEXIST: return "already exists";
	case TV_EEXPIRED: return "expired";
	}
	if (err < 0 && err > -1000)
		return strerror(-err);
	return "unknown error";
}
