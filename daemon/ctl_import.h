/*
 * The import control op (PROTOCOL.md §8): rows of field text, as the CLI
 * read them from a CSV file, become this area's records. A row whose key
 * (CVR, else name or title; for events title and start) finds one of this
 * area's records changes it, or leaves it alone when nothing differs;
 * other rows add records. Every row is checked first: one bad row and
 * nothing is written; otherwise every write is one durable transaction.
 */
#ifndef TVAERS_DAEMON_CTL_IMPORT_H
#define TVAERS_DAEMON_CTL_IMPORT_H

#include "control.h"

/* import {kind, columns, rows, dry_run}: one item per row, then a summary. */
int ctl_op_import(struct ctl_req *req);

#endif
