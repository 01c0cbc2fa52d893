/* SPDX-License-Identifier: MIT */
/* vocab.c - the code systems of the document's coded values (vocab.h). */
#include <string.h>

#include "vocab.h"

static const code_system systems[] = {
	{OID_SNOMED, "http://snomed.info/sct", "SNOMED CT"},
	{OID_ICD10, "http://hl7.org/fhir/sid/icd-10", "CIM-10"},
	{OID_TA_ASIP, NULL, NAME_TA_ASIP},
	{OID_LOINC, "http://loinc.org", NAME_LOINC},
};

const code_system *cs_by_oid(const char *oid)
{
	for (size_t i = 0; oid && i < sizeof systems / sizeof systems[0]; i++)
		if (!strcmp(systems[i].oid, oid))
			return &systems[i];
	return NULL;
}

const code_system *cs_by_uri(const char *uri)
{
	for (size_t i = 0; uri && i < sizeof systems / sizeof systems[0]; i++)
		if (systems[i].uri && !strcmp(systems[i].uri, uri))
			return &systems[i];
	return NULL;
}

const char *act_status_of(const char *s)
{
	static const char *const codes[] = {"aborted", "active", "cancelled", "completed", "held", "new", "suspended"};
	for (size_t i = 0; s && i < sizeof codes / sizeof codes[0]; i++)
		if (!strcmp(s, codes[i]))
			return codes[i];
	return NULL;
}
