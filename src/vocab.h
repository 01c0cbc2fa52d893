/* SPDX-License-Identifier: MIT */
/*
 * vocab.h - the fixed vocabulary of the CDA cdaimg writes and reads, each
 * written once: namespaces, code systems, the fixed codes of the mapping, and
 * the template ids of the IMG-CR-IMG document. The template ids of the
 * imaging entries, which depend on the profile, are in profile.h.
 */
#ifndef CDAIMG_VOCAB_H
#define CDAIMG_VOCAB_H

/* --- namespaces ------------------------------------------------------------------------------ */
#define HL7_NS "urn:hl7-org:v3"
#define XSI_NS "http://www.w3.org/2001/XMLSchema-instance"
#define PS3_20_NS "urn:dicom-org:ps3-20" /* ps3-20:accessionNumber of an order */
#define PS3_20_PREFIX "ps3-20"
#define XHTML_NS "http://www.w3.org/1999/xhtml"

#endif
