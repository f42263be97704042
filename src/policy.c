/*
 * policy.c: the certificate judgement (pure).
 *
 * One call turns a chain, as a server presented it, into findings: trust
 * (one X509_verify_cert with a callback that records every error and goes
 * on), host name, dates, extended key usages for the TLS server and client
 * purposes, the Lync naming rules, and weak crypto. Each concern lives in
 * its own policy_*.c; this file only runs them in order. No I/O, no clock,
 * no global state: the time of judgement is a parameter, the trust store
 * is only read, and the same bytes always give the same findings.
 */
#include <time.h>

#include <openssl/x509.h>

#include "conform.h"
#include "finding.h"
#include "policy.h"
#include "policy_crypto.h"
#include "policy_dates.h"
#include "policy_eku.h"
#include "policy_eval.h"
#include "policy_names.h"
#include "policy_trust.h"

/*
 * Judge a presented chain against the trust store at time now. The checks
 * run in the order of the code table, so findings come out in that order.
 */
int
policy_evaluate(const struct policy *pol, STACK_OF(X509) *chain,
    X509_STORE *store, time_t now, struct findings *out,
    long long *days_left)
{
	struct policy_eval	 ev;

	if (chain == NULL || sk_X509_num(chain) <= 0 ||
	    sk_X509_value(chain, 0) == NULL) {
		policy_crypto_legacy(pol, out);
		return -1;
	}
	policy_eval_init(&ev, pol, chain, now, out);
	policy_trust_verify(&ev, store);
	policy_trust_judge(&ev);
	policy_names_hostname(&ev);
	policy_dates_judge(&ev, days_left);
	policy_eku_judge(&ev);
	policy_names_lync(&ev);
	policy_crypto_crldp(&ev);
	policy_crypto_judge(&ev);
	policy_crypto_legacy(pol, out);
	conform_check(chain, out);
	policy_eval_free(&ev);
	return 0;
}
