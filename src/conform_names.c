/*
 * conform_names.c: the conformance rules on names (pure): SAN criticality
 * (RFC 5280 4.2.1.6), the preferred name syntax of DNS SANs, wildcards
 * (BR 7.1.2.7.12), wildcards over a public suffix (libpsl's built-in
 * list, BR 3.2.2.6) and the name constraints of the sent issuers (RFC 5280
 * 4.2.1.10). Each check is one row of conform.c's table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpsl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "chain.h"
#include "conform_names.h"
#include "xmalloc.h"

static const char	*conform_names_name_error(const char *);
static int	 conform_names_wildcard_ok(const char *);
static int	 conform_names_in_path(const struct conform_ctx *, const X509 *);
static int	 conform_names_nc_excluded(const NAME_CONSTRAINTS *, const char *,
		    char **);

/* san-critical: SAN critical exactly when the subject is empty. */
int
conform_names_san_crit(const struct conform_ctx *ctx, X509 *x, int idx, char *d,
    size_t len)
{
	X509_EXTENSION	*ext;
	int		 pos, crit, empty;

	(void)ctx;
	(void)idx;
	if ((pos = X509_get_ext_by_NID(x, NID_subject_alt_name, -1)) < 0 ||
	    (ext = X509_get_ext(x, pos)) == NULL)
		return 0;
	crit = X509_EXTENSION_get_critical(ext) != 0;
	empty = X509_NAME_entry_count(X509_get_subject_name(x)) == 0;
	if (empty && !crit)
		snprintf(d, len, "its subject is empty and its "
		    "subjectAltName is not marked critical");
	else if (!empty && crit)
		snprintf(d, len, "its subjectAltName is marked critical "
		    "although its subject is not empty");
	else
		return 0;
	return 1;
}

/* dns-syntax: every DNS SAN of the leaf is a preferred-syntax name. */
int
conform_names_dns_syntax(const struct conform_ctx *ctx, X509 *x, int idx,
    char *d, size_t len)
{
	const char	*why = NULL, *name = NULL;
	size_t		 i, nbad = 0;

	(void)x;
	if (idx != 0)
		return 0;
	for (i = 0; i < ctx->san.n; i++) {
		const char	*w = conform_names_name_error(ctx->san.v[i]);

		if (w == NULL)
			continue;
		if (nbad++ == 0) {
			why = w;
			name = ctx->san.v[i];
		}
	}
	if (nbad == 0)
		return 0;
	snprintf(d, len, "its DNS SAN \"%s\" %s", name, why);
	if (nbad > 1)
		snprintf(d + strlen(d), len - strlen(d), " (and %zu more "
		    "malformed DNS SAN%s)", nbad - 1, nbad > 2 ? "s" : "");
	return 1;
}

/* dns-wildcard: a wildcard is the whole leftmost label and nothing else. */
int
conform_names_dns_wildcard(const struct conform_ctx *ctx, X509 *x, int idx,
    char *d, size_t len)
{
	size_t	 i;

	(void)x;
	if (idx != 0)
		return 0;
	for (i = 0; i < ctx->san.n; i++) {
		if (strchr(ctx->san.v[i], '*') == NULL ||
		    conform_names_wildcard_ok(ctx->san.v[i]))
			continue;
		snprintf(d, len, "its DNS SAN \"%s\" has a wildcard that is "
		    "not a whole leftmost label followed by a domain",
		    ctx->san.v[i]);
		return 1;
	}
	return 0;
}

/* wildcard-public-suffix: no "*.S" where S is a public suffix. */
int
conform_names_wildcard_psl(const struct conform_ctx *ctx, X509 *x, int idx,
    char *d, size_t len)
{
	const psl_ctx_t	*psl;
	char		*rest;
	size_t		 i, j, n;
	int		 pub;

	(void)x;
	if (idx != 0 || (psl = psl_builtin()) == NULL)
		return 0;
	for (i = 0; i < ctx->san.n; i++) {
		if (!conform_names_wildcard_ok(ctx->san.v[i]))
			continue;
		rest = xstrdup(ctx->san.v[i] + 2);
		n = strlen(rest);
		if (n > 1 && rest[n - 1] == '.')
			rest[--n] = '\0';
		for (j = 0; j < n; j++)
			if (rest[j] >= 'A' && rest[j] <= 'Z')
				rest[j] = (char)(rest[j] - 'A' + 'a');
		pub = psl_is_public_suffix(psl, rest);
		if (pub)
			snprintf(d, len, "its DNS SAN \"%s\" is a wildcard over "
			    "the public suffix %s", ctx->san.v[i], rest);
		free(rest);
		if (pub)
			return 1;
	}
	return 0;
}

/*
 * name-constraints: the leaf's DNS SANs keep to the name constraints of the
 * sent issuers on its path. OpenSSL's own check (NAME_CONSTRAINTS_check,
 * the one X509_verify_cert runs) already rejects most breaks, and then the
 * chain is UNTRUSTED: this rule only speaks when that check passes. What
 * it passes and RFC 5280 forbids is a wildcard SAN that covers an excluded
 * name: "*.contoso.com" covers secret.contoso.com, which OpenSSL, treating
 * the wildcard as a literal, does not see.
 */
int
conform_names_nc(const struct conform_ctx *ctx, X509 *x, int idx, char *d,
    size_t len)
{
	NAME_CONSTRAINTS	*nc;
	char			*base = NULL;
	size_t			 i;
	int			 hit = 0;

	if (idx == 0 || (nc = X509_get_ext_d2i(x, NID_name_constraints, NULL,
	    NULL)) == NULL)
		return 0;
	if (conform_names_in_path(ctx, x) &&
	    NAME_CONSTRAINTS_check(ctx->leaf, nc) == X509_V_OK) {
		for (i = 0; i < ctx->san.n && !hit; i++)
			hit = conform_names_nc_excluded(nc, ctx->san.v[i], &base);
	}
	NAME_CONSTRAINTS_free(nc);
	if (!hit)
		return 0;
	snprintf(d, len, "its name constraints exclude %s, which the leaf's "
	    "DNS SAN \"%s\" covers", base, ctx->san.v[i - 1]);
	free(base);
	return 1;
}

/*
 * Why an escaped DNS SAN is not a preferred-syntax name (letters, digits
 * and hyphens in labels of 1..63, no hyphen at either end, 253 at most);
 * NULL when it is one. A leftmost "*" label and any other '*' are left to
 * the wildcard rules. Escaped bytes show as '\', outside the syntax.
 */
static const char *
conform_names_name_error(const char *name)
{
	const char	*p, *label;
	size_t		 n = strlen(name);
	unsigned char	 c;

	if (n == 0)
		return "is empty";
	if (name[0] == '.')
		return "starts with a dot";
	if (name[n - 1] == '.')
		return "ends with a dot";
	if (n > CONFORM_NAME_MAX)
		return "is longer than 253 characters";
	if (strstr(name, "..") != NULL)
		return "has an empty label";
	if (strchr(name, '_') != NULL)
		return "contains an underscore";
	for (label = p = name; ; p++) {
		if (*p != '.' && *p != '\0')
			continue;
		if ((size_t)(p - label) > CONFORM_LABEL_MAX)
			return "has a label longer than 63 characters";
		if (label[0] == '-' || p[-1] == '-')
			return "has a label that starts or ends with a hyphen";
		if (*p == '\0')
			break;
		label = p + 1;
	}
	for (p = name; *p != '\0'; p++) {
		c = (unsigned char)*p;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '*'))
			return "contains a character other than a letter, a "
			    "digit or a hyphen";
	}
	return NULL;
}

/* Whether a name is a wildcard of the one allowed form, "*." + domain. */
static int
conform_names_wildcard_ok(const char *name)
{
	return name[0] == '*' && name[1] == '.' && name[2] != '\0' &&
	    strchr(name + 1, '*') == NULL;
}

/* Whether x issues the leaf or one of its issuers among the sent. */
static int
conform_names_in_path(const struct conform_ctx *ctx, const X509 *x)
{
	X509	*cur = ctx->leaf, *y = NULL;
	int	 step, j;

	for (step = 0; step < sk_X509_num(ctx->sent); step++) {
		for (j = 1; j < sk_X509_num(ctx->sent); j++) {
			y = sk_X509_value(ctx->sent, j);
			if (y != NULL && y != cur &&
			    X509_check_issued(y, cur) == X509_V_OK)
				break;
		}
		if (j == sk_X509_num(ctx->sent))
			return 0;
		if (y == x)
			return 1;
		cur = y;
	}
	return 0;
}

/*
 * Whether the wildcard SAN "*.R" covers a name of an excluded DNS subtree
 * B, that is B is one label under R ("*.contoso.com" and
 * secret.contoso.com). The excluded base goes out escaped.
 */
static int
conform_names_nc_excluded(const NAME_CONSTRAINTS *nc, const char *san, char **out)
{
	const GENERAL_SUBTREE	*st;
	const unsigned char	*p, *dot;
	const char		*rest;
	size_t			 rl, b;
	int			 i;

	if (!conform_names_wildcard_ok(san))
		return 0;
	rest = san + 2;
	rl = strlen(rest);
	for (i = 0; i < sk_GENERAL_SUBTREE_num(nc->excludedSubtrees); i++) {
		st = sk_GENERAL_SUBTREE_value(nc->excludedSubtrees, i);
		if (st == NULL || st->base == NULL || st->base->type != GEN_DNS ||
		    ASN1_STRING_length(st->base->d.dNSName) <= 0)
			continue;
		p = ASN1_STRING_get0_data(st->base->d.dNSName);
		b = (size_t)ASN1_STRING_length(st->base->d.dNSName);
		if (p[0] == '.') {
			p++;
			b--;
		}
		if ((dot = memchr(p, '.', b)) == NULL || dot == p ||
		    b - (size_t)(dot + 1 - p) != rl ||
		    !chain_ascii_eqn((const char *)dot + 1, rest, rl))
			continue;
		*out = chain_escape(p, b);
		return 1;
	}
	return 0;
}
