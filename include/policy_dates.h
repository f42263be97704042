/*
 * policy_dates.h: validity dates, a part of the judgement (pure).
 */
#ifndef EDGEPROBE_POLICY_DATES_H
#define EDGEPROBE_POLICY_DATES_H

#include <time.h>
#include <openssl/x509.h>

struct policy_eval;

/*
 * EXPIRED and NOT_YET_VALID for every certificate that was sent or that
 * verification used, each once; then EXPIRES_SOON and days_left (may be
 * NULL) for the leaf. Runs after policy_trust_verify().
 */
void	policy_dates_judge(struct policy_eval *, long long *);

/* floor((notAfter - now) / 86400); 0 on success, -1 on an unreadable time. */
int	policy_days_left(X509 *, time_t, long long *);

#endif
