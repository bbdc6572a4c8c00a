/* SPDX-License-Identifier: MIT */
/* wirefeed article records as a validator format: an Atom entry that
 * declares the record namespace is checked whole by the record parser
 * (the same checks `build` makes), not by Atom's rules. */
#include <stdlib.h>
#include <string.h>

#include "wirefeed/article.h"
#include "wirefeed/record.h"
#include "mem.h"
#include "validate_format.h"

static enum validate_claim
record_claim(struct vctx *v, const xmlNode *root)
{
	if (!v_is(root, ATOM_NS, "entry")) {
		return VALIDATE_NOT_MINE;
	}
	for (const xmlNs *ns = root->nsDef; ns; ns = ns->next) {
		if (ns->href &&
		    strcmp((const char *)ns->href, WF_RECORD_NS) == 0) {
			v->report->kind = WF_DOC_RECORD;
			return VALIDATE_MINE;
		}
	}
	return VALIDATE_NOT_MINE;
}

static void
record_whole(struct vctx *v, const xmlNode *root, const char *data, size_t len)
{
	struct wf_article *a = NULL;
	struct wf_diag diag = { 0 };
	if (!data) {
		v_add(v, WF_SEVERITY_ERROR, 1, 0, "record",
		      "record larger than %u bytes", WF_RECORD_MAX_BYTES);
		return;
	}
	if (wf_record_parse_memory(data, len, v->report->source, &a, &diag) !=
	    WF_OK) {
		v_add(v, WF_SEVERITY_ERROR, diag.line, diag.column, "record",
		      "%s", diag.message);
		return;
	}
	/* kept for wf_validate_check_record_ids(), with the line of <id> */
	v->report->record_id = xstrdup(a->id);
	wf_article_destroy(a);
	for (const xmlNode *c = root ? root->children : NULL; c; c = c->next) {
		if (v_is(c, ATOM_NS, "id")) {
			v->report->record_id_line = v_line(c);
			break;
		}
	}
}

const struct validate_format validate_record_format = {
	.name = "wirefeed record",
	.claim = record_claim,
	.whole = record_whole,
};
