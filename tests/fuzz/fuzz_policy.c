/*
 * fuzz_policy.c: libFuzzer target over the certificate judgement.
 *
 * An input is a policy and a chain of DER certificates (format below). Each
 * certificate that parses goes through chain_cert_info(), the chain through
 * policy_evaluate() (and with it conform_check(), the NONCONFORMANT rules)
 * at a time the input chooses, the leaves through
 * policy_pool(), the strings through policy_host_match(),
 * chain_escape() and, against the leaf, policy_names_covered() and
 * policy_names_srv_target(), and an OCSP staple, when the input has one,
 * through policy_ocsp_judge() against the chain and store. Besides memory
 * errors and leaks (ASan, UBSan, LSan), the modules' promises are checked
 * and abort() when broken: every display string and every finding message
 * is printable ASCII, every finding code and severity is one of the
 * table's, the same input judged twice gives the same findings (the policy
 * reads no clock and keeps no state), and so does a third and fourth
 * judgement that record the verification and replay it (the verification
 * cache's path), SRV_TARGET_NOT_COVERED comes exactly
 * when the target is not covered, and tls.ocsp's status is
 * good|revoked|unknown with well-formed dates.
 *
 * Input format, all integers big-endian:
 *   byte 0	flags: bit 0 public_im; bit 1 sni, bit 2 subject, bit 3 san
 *		taken from the strings; bits 4-5 how many certificates at the
 *		end of the list form the trust store (0: the shared store);
 *		bit 6 no store at all (NULL); bit 7 the record after the
 *		strings is a stapled OCSP response (DER), not a certificate
 *   byte 1	warn_days (signed)
 *   byte 2	crit_days (signed)
 *   byte 3	negotiated protocol: 0 unknown, else 0x0300 + (byte & 7)
 *   bytes 4-7	now, in seconds from FUZZ_NOW (signed)
 *   then	records of a 2-byte length and that many bytes: the first is
 *		the strings (NUL-separated: sni, subject, then SANs), every
 *		further one a DER certificate, leaf first
 * gen_policy_corpus.c writes inputs in this format; FUZZ_NOW is shared.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/x509.h>

#include "chain.h"
#include "finding.h"
#include "mint.h"
#include "policy.h"
#include "policy_ocsp.h"
#include "result.h"

#define FUZZ_NOW	1767323045LL	/* 2026-01-02T03:04:05Z */
#define FUZZ_MAXCERT	8
#define FUZZ_MAXSTR	8

int	 LLVMFuzzerInitialize(int *, char ***);
int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void	 fuzz_check_printable(const char *);
static void	 fuzz_check_info(const struct cert_info *);
static void	 fuzz_check_findings(const struct findings *);
static void	 fuzz_check_date(const char *);
static int	 fuzz_same(const struct findings *, const struct findings *);
static void	 fuzz_strings(const uint8_t *, size_t, char **, size_t *);
static void	 fuzz_ocsp(const uint8_t *, size_t, STACK_OF(X509) *,
		    X509_STORE *, time_t);
static void	 fuzz_replay(struct policy, STACK_OF(X509) *, X509_STORE *,
		    time_t, int, long long, const struct findings *);

/* The trust store of inputs that bring none: one minted root. */
static X509_STORE	*fuzz_store;
/* FUZZ_POLICY_PRINT set: print each input's findings (to read a corpus). */
static int		 fuzz_print;

/* Build the shared store once: an EC root minted now. */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct mint_pki	 pki;

	(void)argc;
	(void)argv;
	fuzz_print = getenv("FUZZ_POLICY_PRINT") != NULL;
	if ((fuzz_store = X509_STORE_new()) == NULL)
		abort();
	if (mint_pki_init(&pki, MINT_EC, 0) != 0)
		abort();
	if (X509_STORE_add_cert(fuzz_store, pki.root) != 1)
		abort();
	mint_pki_free(&pki);
	return 0;
}

/* abort() unless s is printable ASCII. */
static void
fuzz_check_printable(const char *s)
{
	const unsigned char	*p;

	if (s == NULL)
		return;
	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p < 0x20 || *p > 0x7e)
			abort();
}

/* abort() unless every display field is printable and well-formed. */
static void
fuzz_check_info(const struct cert_info *ci)
{
	size_t	 i;

	fuzz_check_printable(ci->subject);
	fuzz_check_printable(ci->issuer);
	fuzz_check_printable(ci->serial);
	fuzz_check_printable(ci->key);
	fuzz_check_printable(ci->signature);
	for (i = 0; i < ci->san.n; i++)
		fuzz_check_printable(ci->san.v[i]);
	for (i = 0; i < ci->eku.n; i++)
		fuzz_check_printable(ci->eku.v[i]);
	if (ci->sha256[0] != '\0' && strlen(ci->sha256) != 64)
		abort();
	if (ci->not_before[0] != '\0' && (strlen(ci->not_before) != 20 ||
	    ci->not_before[19] != 'Z'))
		abort();
	if (ci->not_after[0] != '\0' && (strlen(ci->not_after) != 20 ||
	    ci->not_after[19] != 'Z'))
		abort();
}

/* abort() unless every finding is a known code with a printable message. */
static void
fuzz_check_findings(const struct findings *fs)
{
	size_t	 i;

	for (i = 0; i < fs->n; i++) {
		if ((unsigned)fs->v[i].code >= F_NCODES ||
		    (unsigned)fs->v[i].severity > SEV_CRITICAL ||
		    fs->v[i].message == NULL)
			abort();
		fuzz_check_printable(fs->v[i].message);
	}
}

/* Whether two lists hold the same findings in the same order. */
static int
fuzz_same(const struct findings *a, const struct findings *b)
{
	size_t	 i;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++)
		if (a->v[i].code != b->v[i].code ||
		    a->v[i].severity != b->v[i].severity ||
		    strcmp(a->v[i].message, b->v[i].message) != 0)
			return 0;
	return 1;
}

/* Split the strings record at NULs into at most FUZZ_MAXSTR strings. */
static void
fuzz_strings(const uint8_t *p, size_t len, char **v, size_t *n)
{
	const uint8_t	*end = p + len, *q;

	*n = 0;
	while (p < end && *n < FUZZ_MAXSTR) {
		if ((q = memchr(p, '\0', (size_t)(end - p))) == NULL)
			q = end;
		if ((v[*n] = malloc((size_t)(q - p) + 1)) == NULL)
			abort();
		memcpy(v[*n], p, (size_t)(q - p));
		v[*n][q - p] = '\0';
		(*n)++;
		p = q + 1;
	}
}

/* abort() unless a date is "" or YYYY-MM-DDTHH:MM:SSZ. */
static void
fuzz_check_date(const char *d)
{
	if (d[0] != '\0' && (strlen(d) != 20 || d[19] != 'Z'))
		abort();
}

/*
 * The verification recorded by one judgement and replayed by the next, as
 * the verification cache does (vcache.c): the same findings again.
 */
static void
fuzz_replay(struct policy pol, STACK_OF(X509) *chain, X509_STORE *store,
    time_t now, int rc, long long days, const struct findings *want)
{
	struct policy_verified	 rec;
	struct findings		 fs;
	long long		 d;
	int			 pass;

	memset(&rec, 0, sizeof(rec));
	for (pass = 0; pass < 2; pass++) {
		pol.record = pass == 0 ? &rec : NULL;
		pol.verified = pass == 1 ? &rec : NULL;
		findings_init(&fs);
		d = 0;
		if (policy_evaluate(&pol, chain, store, now, &fs, &d) != rc ||
		    d != days || !fuzz_same(want, &fs))
			abort();
		findings_free(&fs);
	}
	policy_trust_verified_free(&rec);
}

/* The staple judged twice: the same, and only the promised values. */
static void
fuzz_ocsp(const uint8_t *der, size_t len, STACK_OF(X509) *chain,
    X509_STORE *store, time_t now)
{
	struct policy_ocsp	 o, o2;
	struct findings		 fs, fs2;
	size_t			 i;

	findings_init(&fs);
	findings_init(&fs2);
	policy_ocsp_judge(der, len, chain, store, now, &o, &fs);
	policy_ocsp_judge(der, len, chain, store, now, &o2, &fs2);
	if (memcmp(&o, &o2, sizeof(o)) != 0 || !fuzz_same(&fs, &fs2))
		abort();
	if (strcmp(o.status, "good") != 0 && strcmp(o.status, "revoked") != 0 &&
	    strcmp(o.status, "unknown") != 0)
		abort();
	fuzz_check_date(o.this_update);
	fuzz_check_date(o.next_update);
	fuzz_check_findings(&fs);
	for (i = 0; i < fs.n; i++)
		if (fs.v[i].code != F_REVOKED &&
		    fs.v[i].code != F_OCSP_STAPLE_INVALID)
			abort();
	/* REVOKED only from a staple that verified and says revoked. */
	if (findings_has(&fs, F_REVOKED) != (strcmp(o.status, "revoked") == 0))
		abort();
	if (fuzz_print) {
		fprintf(stderr, "ocsp %s %s %s:", o.status, o.this_update,
		    o.next_update);
		for (i = 0; i < fs.n; i++)
			fprintf(stderr, " %s", finding_code_name(fs.v[i].code));
		fprintf(stderr, "\n");
	}
	findings_free(&fs);
	findings_free(&fs2);
}

/* One input: parse, judge twice, check the promises. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct policy		 pol;
	struct findings		 fs, fs2;
	struct cert_info	 ci;
	struct result		*rs[FUZZ_MAXCERT];
	STACK_OF(X509)		*chain;
	X509_STORE		*store = fuzz_store, *own = NULL;
	X509			*x;
	const unsigned char	*p;
	const uint8_t		*staple = NULL;
	size_t			 staple_len = 0;
	char			*str[FUZZ_MAXSTR], *e;
	const char		*san[FUZZ_MAXSTR];
	size_t			 off, len, nstr = 0, nsan = 0, i, j, nres = 0;
	long long		 days, days2;
	int32_t			 delta;
	int			 flags, anchors, n, rc, covered;
	time_t			 now;

	if (size < 8)
		return 0;
	flags = data[0];
	memset(&pol, 0, sizeof(pol));
	pol.public_im = flags & 1;
	pol.warn_days = (int8_t)data[1];
	pol.crit_days = (int8_t)data[2];
	pol.tls_version = data[3] == 0 ? 0 : 0x0300 + (data[3] & 7);
	delta = (int32_t)(((uint32_t)data[4] << 24) | ((uint32_t)data[5] << 16) |
	    ((uint32_t)data[6] << 8) | (uint32_t)data[7]);
	now = (time_t)(FUZZ_NOW + delta);
	anchors = (flags >> 4) & 3;

	if ((chain = sk_X509_new_null()) == NULL)
		abort();
	for (off = 8, n = 0; off + 2 <= size; off += len, n++) {
		len = ((size_t)data[off] << 8) | data[off + 1];
		off += 2;
		if (len > size - off)
			len = size - off;
		if (n == 0) {
			fuzz_strings(data + off, len, str, &nstr);
			continue;
		}
		if (n == 1 && (flags & 0x80)) {
			staple = data + off;
			staple_len = len;
			continue;
		}
		if (sk_X509_num(chain) == FUZZ_MAXCERT)
			break;
		p = data + off;
		if ((x = d2i_X509(NULL, &p, (long)len)) == NULL)
			continue;
		if (sk_X509_push(chain, x) == 0)
			abort();
	}
	ERR_clear_error();

	for (i = 0; i < nstr; i++) {
		e = chain_escape((const unsigned char *)str[i], strlen(str[i]));
		fuzz_check_printable(e);
		free(e);
		for (j = 0; j < nstr; j++)
			(void)policy_host_match(str[i], str[j]);
	}
	if ((flags & 2) && nstr > 0)
		pol.sni = str[0];
	if ((flags & 4) && nstr > 1)
		pol.subject = str[1];
	if ((flags & 8) && nstr > 2) {
		for (i = 2; i < nstr; i++)
			san[nsan++] = str[i];
		pol.san = san;
		pol.nsan = nsan;
	}

	/* The last `anchors` certificates become this input's trust store. */
	if (anchors > 0 && sk_X509_num(chain) > anchors) {
		if ((store = own = X509_STORE_new()) == NULL)
			abort();
		while (anchors-- > 0) {
			x = sk_X509_pop(chain);
			(void)X509_STORE_add_cert(own, x);
			X509_free(x);
		}
	}
	if (flags & 0x40)
		store = NULL;

	for (i = 0; i < (size_t)sk_X509_num(chain); i++) {
		memset(&ci, 0, sizeof(ci));
		(void)chain_cert_info(sk_X509_value(chain, i), &ci);
		fuzz_check_info(&ci);
		if (ci.sha256[0] != '\0') {
			rs[nres] = result_new("fuzz", "fuzz", ci.subject != NULL ?
			    ci.subject : "", 443 + (int)(i & 1), "fuzz");
			memcpy(rs[nres]->leaf_sha256, ci.sha256, 65);
			nres++;
		}
		chain_cert_info_free(&ci);
	}
	policy_pool(rs, nres);
	for (i = 0; i < nres; i++) {
		fuzz_check_findings(&rs[i]->findings);
		result_free(rs[i]);
	}

	/* Judge twice: the same input must give the same findings. */
	findings_init(&fs);
	findings_init(&fs2);
	days = days2 = 0;
	rc = policy_evaluate(&pol, chain, store, now, &fs, &days);
	if (policy_evaluate(&pol, chain, store, now, &fs2, &days2) != rc ||
	    days != days2 || !fuzz_same(&fs, &fs2))
		abort();
	if (rc != (sk_X509_num(chain) > 0 ? 0 : -1))
		abort();
	fuzz_replay(pol, chain, store, now, rc, days, &fs);
	fuzz_check_findings(&fs);
	if (fuzz_print) {
		fprintf(stderr, "chain %d, days_left %lld:", sk_X509_num(chain),
		    days);
		for (i = 0; i < fs.n; i++)
			fprintf(stderr, " %s(%s)", finding_code_name(fs.v[i].code),
			    severity_name(fs.v[i].severity));
		fprintf(stderr, "\n");
	}
	findings_free(&fs);
	findings_free(&fs2);
	if (staple != NULL)
		fuzz_ocsp(staple, staple_len, chain, store, now);

	/* Each string as an SRV target: the finding exactly when uncovered. */
	findings_init(&fs);
	for (i = 0; sk_X509_num(chain) > 0 && i < nstr; i++) {
		covered = policy_names_covered(sk_X509_value(chain, 0), str[i]);
		rc = policy_names_srv_target(sk_X509_value(chain, 0),
		    "_sipfederationtls._tcp.fuzz", str[i], &fs);
		if (rc != (*str[i] == '\0' ? -1 : !covered))
			abort();
	}
	fuzz_check_findings(&fs);
	findings_free(&fs);

	X509_STORE_free(own);
	sk_X509_pop_free(chain, X509_free);
	for (i = 0; i < nstr; i++)
		free(str[i]);
	ERR_clear_error();
	return 0;
}
