/*
 * conform.h: conformance of the chain as sent to RFC 5280 and the CA/B
 * Forum Baseline Requirements (pure).
 *
 * OpenSSL 3 accepts certificates that stricter validators (Schannel on a
 * partner's Edge, Go, rustls/webpki, hardened SBCs) refuse. conform_check()
 * reports each such break as a NONCONFORMANT warning, one per certificate
 * and rule, from one table of rules in conform.c: adding a rule touches one
 * row, one check and one test.
 */
#ifndef EDGEPROBE_CONFORM_H
#define EDGEPROBE_CONFORM_H

#include <stddef.h>
#include <openssl/x509.h>

#include "finding.h"

/*
 * Judge the chain exactly as sent (leaf first; may be empty or NULL) and
 * append a NONCONFORMANT warning to out for every certificate and rule it
 * breaks. No I/O and no clock: the rules read only the certificates.
 */
void		 conform_check(STACK_OF(X509) *, struct findings *);

/* The rule table, for documentation and tests: count, id and source. */
size_t		 conform_nrules(void);
const char	*conform_rule_id(size_t);
const char	*conform_rule_section(size_t);

#endif
