/*
 * policy_dates.c: validity dates against the time of judgement (pure).
 *
 * Every date is read with chain_time_tm() and turned into seconds since the
 * epoch by calendar arithmetic, never by timegm() or the clock, so the same
 * certificate and now always give the same days.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <openssl/x509.h>

#include "chain.h"
#include "finding.h"
#include "policy.h"
#include "policy_dates.h"
#include "policy_eval.h"

#define POLICY_DAY		86400LL

static void	 policy_dates_one(struct policy_eval *, X509 *);
static int	 policy_dates_time(const ASN1_TIME *, long long *);
static long long policy_dates_from_civil(long long, unsigned, unsigned);
static long long policy_dates_floor_div(long long, long long);

/*
 * EXPIRED and NOT_YET_VALID for every certificate that was sent or that
 * verification used (a trust-store intermediate, the root), each once;
 * then EXPIRES_SOON and days_left for the leaf.
 */
void
policy_dates_judge(struct policy_eval *ev, long long *days_left)
{
	X509		*x, *y;
	long long	 na, days;
	int		 i, j, nb, seen;

	nb = sk_X509_num(ev->built);
	for (i = 0; i < sk_X509_num(ev->sent) + nb; i++) {
		x = i < sk_X509_num(ev->sent) ? sk_X509_value(ev->sent, i) :
		    sk_X509_value(ev->built, i - sk_X509_num(ev->sent));
		if (x == NULL)
			continue;
		for (seen = 0, j = 0; j < i && !seen; j++) {
			y = j < sk_X509_num(ev->sent) ?
			    sk_X509_value(ev->sent, j) :
			    sk_X509_value(ev->built, j - sk_X509_num(ev->sent));
			seen = y != NULL && (y == x || X509_cmp(y, x) == 0);
		}
		if (!seen)
			policy_dates_one(ev, x);
	}

	if (policy_dates_time(X509_get0_notAfter(ev->leaf), &na) == -1)
		return;
	days = policy_dates_floor_div(na - (long long)ev->now, POLICY_DAY);
	if (days_left != NULL)
		*days_left = days;
	if ((long long)ev->now > na)
		return;
	if (days <= ev->pol->crit_days || days <= ev->pol->warn_days) {
		char	 iso[21];

		chain_time_iso(X509_get0_notAfter(ev->leaf), iso);
		findings_add(ev->out, F_EXPIRES_SOON,
		    days <= ev->pol->crit_days ? SEV_CRITICAL : SEV_WARNING,
		    "%s expires on %s, in %lld day%s; renew the Edge "
		    "certificate and assign it on every Edge server before "
		    "then", policy_eval_label(ev, ev->leaf), iso, days,
		    days == 1 ? "" : "s");
	}
}

/* EXPIRED / NOT_YET_VALID for one certificate. */
static void
policy_dates_one(struct policy_eval *ev, X509 *x)
{
	char		 iso[21];
	long long	 t, d;
	int		 leaf = x == ev->leaf;

	if (policy_dates_time(X509_get0_notAfter(x), &t) == 0 &&
	    (long long)ev->now > t) {
		chain_time_iso(X509_get0_notAfter(x), iso);
		d = policy_dates_floor_div((long long)ev->now - t, POLICY_DAY);
		findings_add(ev->out, F_EXPIRED, SEV_CRITICAL,
		    "%s expired on %s (%lld day%s ago); %s",
		    policy_eval_label(ev, x), iso, d, d == 1 ? "" : "s", leaf ?
		    "renew the Edge certificate and assign it on every Edge "
		    "server" : "install the CA's current intermediate on the "
		    "Edge and remove the expired one");
	}
	if (policy_dates_time(X509_get0_notBefore(x), &t) == 0 &&
	    (long long)ev->now < t) {
		chain_time_iso(X509_get0_notBefore(x), iso);
		findings_add(ev->out, F_NOT_YET_VALID, SEV_CRITICAL,
		    "%s is not valid before %s; %s",
		    policy_eval_label(ev, x), iso, leaf ?
		    "check the Edge server's clock, or assign the previous "
		    "certificate until then" : "check the Edge server's "
		    "clock and the chain it sends");
	}
}

/* An ASN1_TIME as seconds since the epoch, without reading the clock. */
static int
policy_dates_time(const ASN1_TIME *t, long long *out)
{
	struct tm	 tm;

	if (chain_time_tm(t, &tm) == -1)
		return -1;
	*out = policy_dates_from_civil((long long)tm.tm_year + 1900,
	    (unsigned)tm.tm_mon + 1, (unsigned)tm.tm_mday) * POLICY_DAY +
	    tm.tm_hour * 3600LL + tm.tm_min * 60LL + tm.tm_sec;
	return 0;
}

/* Days from 1970-01-01 to a date of the proleptic Gregorian calendar. */
static long long
policy_dates_from_civil(long long y, unsigned m, unsigned d)
{
	long long	 era;
	unsigned	 yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

/* a / b rounded toward negative infinity (b > 0). */
static long long
policy_dates_floor_div(long long a, long long b)
{
	long long	 q = a / b;

	if (a % b != 0 && a < 0)
		q--;
	return q;
}

/* floor((notAfter - now) / 86400); 0 on success, -1 on an unreadable time. */
int
policy_days_left(X509 *x, time_t now, long long *days)
{
	long long	 na;

	if (x == NULL || policy_dates_time(X509_get0_notAfter(x), &na) == -1)
		return -1;
	*days = policy_dates_floor_div(na - (long long)now, POLICY_DAY);
	return 0;
}
