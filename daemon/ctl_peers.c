#include "ctl_peers.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "daemon.h"
#include "err.h"
#include "ids.h"
#include "invite.h"
#include "net.h"

#define INVITE_DAYS_DEFAULT 7
#define INVITE_DAYS_MAX 365

static void
w_str_or_nil(struct tv_w *w, const char *s)
{
	if (s != NULL)
		tv_w_cstr(w, s);
	else
		tv_w_nil(w);
}

static int
peer_item(void *arg, const struct net_peer_info *in)
{
	struct tv_w *w = arg;
	char area[TV_AREA_TEXT_LEN + 1];
	long start = tv_ctl_item_begin(w);

	if (start < 0)
		return (int)start;
	if (in->area != NULL)
		tv_area_text(in->area, area);
	/* Keys in canonical order: by length, then bytes. */
	tv_w_map(w, 14);
	tv_w_cstr(w, "addr");
	tv_w_cstr(w, in->addr);
	tv_w_cstr(w, "area");
	w_str_or_nil(w, in->area ? area : NULL);
	tv_w_cstr(w, "name");
	w_str_or_nil(w, in->name);
	tv_w_cstr(w, "known");
	tv_w_bool(w, in->is_known);
	tv_w_cstr(w, "state");
	tv_w_cstr(w, in->state);
	tv_w_cstr(w, "bytes_in");
	tv_w_uint(w, in->bytes_in);
	tv_w_cstr(w, "bytes_out");
	tv_w_uint(w, in->bytes_out);
	tv_w_cstr(w, "connected");
	tv_w_bool(w, in->is_connected);
	tv_w_cstr(w, "last_seen");
	if (in->last_seen > 0)
		tv_w_int(w, in->last_seen);
	else
		tv_w_nil(w);
	tv_w_cstr(w, "last_error");
	w_str_or_nil(w, in->last_error);
	tv_w_cstr(w, "records_in");
	tv_w_uint(w, in->records_in);
	tv_w_cstr(w, "records_bad");
	tv_w_uint(w, in->records_bad);
	tv_w_cstr(w, "records_dup");
	tv_w_uint(w, in->records_dup);
	tv_w_cstr(w, "records_out");
	tv_w_uint(w, in->records_out);
	return tv_ctl_frame_end(w, start);
}

int
ctl_op_peers(struct ctl_req *req)
{
	int rc = net_peers_each(req->d->net, peer_item, req->out);

	if (rc != 0)
		snprintf(req->msg, sizeof(req->msg), "cannot list the peers: "
		    "%s", tv_strerror(rc));
	return rc;
}

int
ctl_op_peers_add(struct ctl_req *req)
{
	char addr[TV_INVITE_ADDR_MAX + 1];
	int rc;

	if ((rc = ctl_arg_str(req, "addr", true, addr, sizeof(addr))) != 0)
		return rc;
	rc = net_peer_add(req->d->net, addr, NULL, req->msg, sizeof(req->msg));
	if (rc == 0)
		snprintf(req->msg, sizeof(req->msg), "added");
	return rc;
}

int
ctl_op_peers_rm(struct ctl_req *req)
{
	char addr[TV_INVITE_ADDR_MAX + 1];
	int rc;

	if ((rc = ctl_arg_str(req, "addr", true, addr, sizeof(addr))) != 0)
		return rc;
	rc = net_peer_rm(req->d->net, addr);
	if (rc == TV_ENOTFOUND)
		snprintf(req->msg, sizeof(req->msg), "%s is not a known peer "
		    "(see `tvaers peers`)", addr);
	else if (rc != 0)
		snprintf(req->msg, sizeof(req->msg), "cannot remove the peer: "
		    "%s", tv_strerror(rc));
	else
		snprintf(req->msg, sizeof(req->msg), "removed");
	return rc;
}

int
ctl_op_invite(struct ctl_req *req)
{
	const struct tv_value *days = tv_map_get(req->in->args, "expires_days");
	char addr[TV_INVITE_ADDR_MAX + 1], code[TV_INVITE_TEXT_MAX + 1];
	struct tv_invite inv;
	uint64_t n_days = INVITE_DAYS_DEFAULT;
	size_t len;
	long start;
	int rc;

	if (days != NULL && days->type != TV_NIL) {
		if (days->type != TV_UINT || days->u < 1 ||
		    days->u > INVITE_DAYS_MAX) {
			snprintf(req->msg, sizeof(req->msg), "argument "
			    "'expires_days' must be a whole number from 1 to "
			    "%d", INVITE_DAYS_MAX);
			return TV_EINVAL;
		}
		n_days = days->u;
	}
	memset(&inv, 0, sizeof(inv));
	net_fed_key(req->d->net, inv.fed_key);
	memcpy(inv.area, req->d->area.kp.pk, TV_PK_LEN);
	inv.expires = (uint64_t)time(NULL) + n_days * 86400;
	rc = ctl_arg_str(req, "addr", false, addr, sizeof(addr));
	if (rc == 0) {
		if ((rc = tv_invite_add_addr(&inv, addr)) != 0) {
			snprintf(req->msg, sizeof(req->msg), "'%s' is not "
			    "HOST:PORT", addr);
			goto out;
		}
	} else if (rc != TV_ENOTFOUND) {
		goto out;
	} else if (net_invite_addrs(req->d->net, &inv) == 0) {
		rc = TV_EINVAL;
		snprintf(req->msg, sizeof(req->msg), "this daemon listens on no "
		    "address others can reach; give one with --address "
		    "HOST:PORT");
		goto out;
	}
	if ((rc = tv_invite_format(&inv, code, sizeof(code), &len)) != 0) {
		snprintf(req->msg, sizeof(req->msg), "cannot make the code: %s",
		    tv_strerror(rc));
		goto out;
	}
	if ((start = tv_ctl_item_begin(req->out)) < 0) {
		rc = (int)start;
		goto out;
	}
	tv_w_map(req->out, 3);
	tv_w_cstr(req->out, "code");
	tv_w_str(req->out, code, len);
	tv_w_cstr(req->out, "expires");
	tv_w_uint(req->out, inv.expires);
	tv_w_cstr(req->out, "addresses");
	tv_w_array(req->out, (uint32_t)inv.addrs_len);
	for (size_t i = 0; i < inv.addrs_len; i++)
		tv_w_cstr(req->out, inv.addrs[i].text);
	rc = tv_ctl_frame_end(req->out, start);
out:
	tv_invite_wipe(&inv);
	return rc;
}

int
ctl_op_join(struct ctl_req *req)
{
	char code[TV_INVITE_TEXT_MAX + 1];
	struct tv_invite inv;
	int rc;

	if ((rc = ctl_arg_str(req, "code", true, code, sizeof(code))) != 0)
		return rc;
	rc = tv_invite_parse(code, strlen(code), (uint64_t)time(NULL), &inv);
	if (rc == TV_EEXPIRED)
		snprintf(req->msg, sizeof(req->msg), "this invite code has "
		    "expired; ask for a new one (`tvaers invite`)");
	else if (rc == TV_EBADSIG)
		snprintf(req->msg, sizeof(req->msg), "this invite code has a "
		    "typo (its checksum does not match)");
	else if (rc != 0)
		snprintf(req->msg, sizeof(req->msg), "this is not an invite "
		    "code: %s", tv_strerror(rc));
	if (rc == 0 && (rc = net_join(req->d->net, &inv, req->msg,
	    sizeof(req->msg))) == 0)
		snprintf(req->msg, sizeof(req->msg), "joined; dialling %zu "
		    "address%s", inv.addrs_len, inv.addrs_len == 1 ? "" : "es");
	tv_invite_wipe(&inv);
	return rc;
}
