/*
 * The control requests about federation links (PROTOCOL.md §8): peers,
 * peers_add, peers_rm, invite and join. Registered in ctl_records.c's
 * handler table; same contract as the handlers there.
 */
#ifndef TVAERS_DAEMON_CTL_PEERS_H
#define TVAERS_DAEMON_CTL_PEERS_H

#include "control.h"

/* "peers": one item per known peer and per inbound link. */
int ctl_op_peers(struct ctl_req *req);
/* "peers_add" {addr}: remembers and dials a peer. */
int ctl_op_peers_add(struct ctl_req *req);
/* "peers_rm" {addr}: forgets a peer and closes its link. */
int ctl_op_peers_rm(struct ctl_req *req);
/* "invite" {expires_days?, addr?}: one item {code}. */
int ctl_op_invite(struct ctl_req *req);
/* "join" {code}: takes the federation key and dials the inviter. */
int ctl_op_join(struct ctl_req *req);

#endif
