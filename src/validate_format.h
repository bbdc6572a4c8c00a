/* SPDX-License-Identifier: MIT */
#ifndef VALIDATE_FORMAT_H
#define VALIDATE_FORMAT_H

/* The interface each document format implements for the validator's
 * driver (validate.c), one `struct validate_format` per format, as
 * wlroots' backends implement backend/interface.h. The driver reads the
 * document with libxml2's streaming reader and only calls through this
 * table; formats never call the driver. docs/validate.md ("Adding a
 * format") walks through adding one. */

#include <stdbool.h>
#include <stddef.h>

#include <libxml/tree.h>

#include "validate_common.h"

enum validate_claim {
	VALIDATE_NOT_MINE, /* try the next format */
	VALIDATE_MINE,     /* the format set report->kind; it reads the rest */
	VALIDATE_REJECTED, /* a known but unsupported variant: the format
			      reported why; reading stops */
};

/* What the driver does with an element it hands to step(). */
enum validate_step {
	VALIDATE_SKIP,    /* ignore it and everything inside */
	VALIDATE_DESCEND, /* hand each child element to step() (text directly
			     inside is reported as unexpected-text) */
	VALIDATE_EXPAND,  /* read it whole and pass it to child() */
};

struct validate_format {
	const char *name;
	/* Bytes-level formats (not XML, e.g. JSON Feed): whether @data is
	 * this format; then whole() gets the bytes and nothing else is
	 * called. Standard input and files up to 16 MiB are sniffed
	 * whole; a larger file by its first 512 bytes, and then read whole
	 * (up to 1 GiB). NULL for XML formats. */
	bool (*sniff)(const char *data, size_t len);
	/* XML formats: whether the root element @root starts one. */
	enum validate_claim (*claim)(struct vctx *v, const xmlNode *root);
	/* Optional, instead of the streaming callbacks: the whole document
	 * (@root expanded, may be NULL; @data NULL when the input was too
	 * large to hold in memory). */
	void (*whole)(struct vctx *v, const xmlNode *root, const char *data,
		      size_t len);
	/* Streaming: begin at the root, step() for the root (depth 0) and
	 * for each element whose parent was DESCENDed, child() for each
	 * EXPANDed element, finish() at the end (also after errors). */
	void (*begin)(struct vctx *v, const xmlNode *root);
	enum validate_step (*step)(struct vctx *v, const xmlNode *node,
				   int depth);
	void (*child)(struct vctx *v, const xmlNode *node, int depth);
	void (*finish)(struct vctx *v);
};

/* RFC 6721 §2: check an at:deleted-entry (in an Atom feed or an RSS
 * channel) and log it in @log (validate_atom.c: its children are Atom
 * constructs). */
void
v_check_tombstone(struct vctx *v, const xmlNode *node,
		  struct tombstone_log *log);

/* The formats, tried in the order of the driver's table. */
extern const struct validate_format validate_record_format;
extern const struct validate_format validate_atom_format;
extern const struct validate_format validate_rss_format;
extern const struct validate_format validate_json_format;

#endif
