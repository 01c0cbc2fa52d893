/* SPDX-License-Identifier: MIT */
/* put_header.c - the header of the report follows the studies put into it: a
 * documentationOf/serviceEvent per study as cdaimg_document_build writes it
 * but for the performer, which the imaging values do not give (or the
 * modalities its code lacks), an inFulfillmentOf/order per accession number
 * it lacks (put.h). */
#include <string.h>

#include "put.h"

static void write_event(emitter *e, const void *arg) { map_service_event(e, arg, NULL); }

static void write_event_code(emitter *e, const void *arg) { map_event_code(e, arg); }

static void write_modality(emitter *e, const void *arg) { map_event_modality(e, arg); }

typedef struct order_arg {
	const prep_id *accession;
	const char *uid;
} order_arg;

static void write_order(emitter *e, const void *arg)
{
	const order_arg *a = arg;
	map_order(e, a->uid, a->accession);
}

/* The accession number declares its namespace (em_start_ns): when the
 * document declares it already, that declaration serves instead. */
static void reuse_ps320(xmlNodePtr in)
{
	xmlNodePtr order = tg_child(in, "order");
	for (xmlNodePtr k = order ? order->children : NULL; k; k = k->next) {
		xmlNsPtr outer = k->nsDef ? xmlSearchNsByHref(k->doc, in->parent, (const xmlChar *)PS3_20_NS) : NULL;
		if (!outer)
			continue;
		xmlNsPtr own = k->nsDef;
		k->ns = outer;
		k->nsDef = NULL;
		xmlFreeNsList(own);
	}
}

static xmlNodePtr service_event(const xmlNode *root, const char *uid)
{
	for (const xmlNode *k = root->children; k; k = k->next) {
		if (!tg_hl7(k, "documentationOf"))
			continue;
		for (xmlNodePtr s = k->children; s; s = s->next)
			if (tg_hl7(s, "serviceEvent") && tg_has_uid(s, uid))
				return s;
	}
	return NULL;
}

static bool has_translation(const xmlNode *code, const prep_code *m)
{
	for (const xmlNode *k = code->children; k; k = k->next)
		if (tg_hl7(k, "translation") && tg_attr_is(k, "code", m->code) && tg_attr_is(k, "codeSystem", OID_DCM))
			return true;
	return false;
}

/* An order of the header with this accession number (ps3-20:accessionNumber, or its id). */
static bool has_order(const xmlNode *root, const prep_id *acc)
{
	for (const xmlNode *k = root->children; k; k = k->next) {
		const xmlNode *order = tg_hl7(k, "inFulfillmentOf") ? tg_child(k, "order") : NULL;
		for (const xmlNode *n = order ? order->children : NULL; n; n = n->next) {
			bool number = n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
			              !strcmp((const char *)n->ns->href, PS3_20_NS) && !strcmp((const char *)n->name, "accessionNumber");
			if ((number || tg_hl7(n, "id")) && tg_attr_is(n, "root", acc->root) && tg_attr_is(n, "extension", acc->ext))
				return true;
		}
	}
	return false;
}

/* Whether study @p i repeats the UID (@p acc false) or accession number of an earlier one. */
static bool repeated(prep_study **ps, size_t i, bool acc)
{
	for (size_t k = 0; k < i; k++) {
		if (!acc && !strcmp(ps[k]->ids[0].root, ps[i]->ids[0].root))
			return true;
		if (acc && ps[k]->accession.root && !strcmp(ps[k]->accession.root, ps[i]->accession.root) &&
		    !strcmp(ps[k]->accession.ext, ps[i]->accession.ext))
			return true;
	}
	return false;
}

/* The service event of each study (one made, or its modalities completed),
 * and an order for each accession number the header lacks. */
bool put_header(put_plan *pl, prep_study **ps, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const prep_study *s = ps[i];
		xmlNodePtr ev = repeated(ps, i, false) ? NULL : service_event(pl->root, s->ids[0].root);
		if (repeated(ps, i, false)) {
			/* the earlier study made or completed it */
		} else if (!ev) {
			if (!put_place(pl, put_build(pl, pl->root, write_event, s), pl->root, true))
				return false;
		} else if (!tg_child(ev, "code")) {
			if (!put_place(pl, put_build(pl, pl->root, write_event_code, s), ev, true))
				return false;
		} else {
			xmlNodePtr code = tg_child(ev, "code");
			for (size_t j = 0; j < s->n_series; j++)
				if (map_first_of_modality(s, j) && !has_translation(code, &s->series[j]->modality) &&
				    !put_place(pl, put_build(pl, pl->root, write_modality, &s->series[j]->modality), code, false))
					return false;
		}
		if (s->accession.root && !repeated(ps, i, true) && !has_order(pl->root, &s->accession)) {
			char uid[72];
			const char *seed = prep_seed(pl->c->arena, &ps[i], 1);
			if (!seed)
				return false;
			derived_uid(uid, seed, "order");
			order_arg a = {&s->accession, uid};
			xmlNodePtr in = put_build(pl, pl->root, write_order, &a);
			if (in)
				reuse_ps320(in);
			if (!put_place(pl, in, pl->root, true))
				return false;
		}
	}
	return true;
}
