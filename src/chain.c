/*
 * chain.c: display fields of captured certificates (pure).
 *
 * Everything here reads one certificate and writes printable ASCII. A
 * certificate is whatever bytes a server chose to send, so every string
 * taken from it goes through chain_escape() and no field may be assumed
 * present or well-formed: a missing part leaves its field empty.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "chain.h"
#include "xmalloc.h"

static int	 chain_name_print(const X509_NAME *, unsigned long, char **);
static char	*chain_asn1_escape(const ASN1_STRING *);
static int	 chain_serial_hex(X509 *, char **);
static void	 chain_oid_name(const ASN1_OBJECT *, char *, size_t);
static int	 chain_key_name(X509 *, char *, size_t);
static int	 chain_sig_name(X509 *, char *, size_t);
static void	 chain_copy(char *, size_t, const char *);
static char	*chain_escape_bytes(const unsigned char *, size_t, int);

/* Free every string of the list and empty it. */
void
strlist_free(struct strlist *l)
{
	size_t	 i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* Append a copy of s. */
void
strlist_add(struct strlist *l, const char *s)
{
	l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = xstrdup(s);
}

/* Copy s into buf of len bytes, truncating. */
static void
chain_copy(char *buf, size_t len, const char *s)
{
	size_t	 n;

	if (len == 0)
		return;
	n = strlen(s);
	if (n >= len)
		n = len - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
}

/* Escape arbitrary bytes to printable ASCII (\xNN); caller frees. */
char *
chain_escape(const unsigned char *p, size_t len)
{
	return chain_escape_bytes(p, len, 1);
}

/* Write bytes outside 0x20..0x7e, and the backslash if asked, as \xNN. */
static char *
chain_escape_bytes(const unsigned char *p, size_t len, int backslash)
{
	static const char	 hex[] = "0123456789abcdef";
	char			*out, *o;
	size_t			 i;

	if (len > (((size_t)-1) - 1) / 4)
		len = (((size_t)-1) - 1) / 4;
	o = out = xmalloc(len * 4 + 1);
	for (i = 0; i < len; i++) {
		if (p[i] >= 0x20 && p[i] <= 0x7e &&
		    (p[i] != '\\' || !backslash))
			*o++ = (char)p[i];
		else {
			*o++ = '\\';
			*o++ = 'x';
			*o++ = hex[p[i] >> 4];
			*o++ = hex[p[i] & 0xf];
		}
	}
	*o = '\0';
	return out;
}

/* Print a name with the given flags into a new string; 0 on success. */
static int
chain_name_print(const X509_NAME *name, unsigned long flags, char **out)
{
	BIO		*bio;
	BUF_MEM		*mem;
	int		 ok = -1;

	*out = NULL;
	if ((bio = BIO_new(BIO_s_mem())) == NULL)
		return -1;
	ERR_set_mark();
	if (X509_NAME_print_ex(bio, name, 0, flags) >= 0 &&
	    BIO_get_mem_ptr(bio, &mem) > 0 && mem != NULL) {
		*out = chain_escape_bytes((const unsigned char *)mem->data,
		    mem->length, 0);
		ok = 0;
	}
	ERR_pop_to_mark();
	BIO_free(bio);
	return ok;
}

/*
 * A name in RFC 4514 form; NULL when OpenSSL cannot print it at all.
 * XN_FLAG_RFC2253 already writes printable ASCII: control bytes and every
 * byte of a non-ASCII character come out as RFC 4514 hex pairs ("\C3\BC"),
 * "," "+" and the like as "\,". That form is kept as it is (escaping its
 * backslashes again would break it); any byte outside 0x20..0x7e that
 * still slips through becomes \xNN. The conversion to UTF-8 fails on a
 * string that does not decode (a BMPString of odd length); the name is
 * then printed again without it, and at last byte by byte, so a hostile
 * name still shows as much as can be shown.
 */
char *
chain_name_str(const X509_NAME *name)
{
	char	*s;

	if (name == NULL)
		return NULL;
	if (chain_name_print(name, XN_FLAG_RFC2253, &s) == 0)
		return s;
	if (chain_name_print(name, XN_FLAG_RFC2253 &
	    ~ASN1_STRFLGS_UTF8_CONVERT, &s) == 0)
		return s;
	if (chain_name_print(name, (XN_FLAG_RFC2253 &
	    ~ASN1_STRFLGS_UTF8_CONVERT) | ASN1_STRFLGS_IGNORE_TYPE, &s) == 0)
		return s;
	return NULL;
}

/* An ASN.1 string as UTF-8 when it converts, else its raw bytes; escaped. */
static char *
chain_asn1_escape(const ASN1_STRING *as)
{
	unsigned char	*utf = NULL;
	char		*s;
	int		 n;

	ERR_set_mark();
	n = ASN1_STRING_to_UTF8(&utf, as);
	ERR_pop_to_mark();
	if (n >= 0 && utf != NULL) {
		s = chain_escape(utf, (size_t)n);
		OPENSSL_free(utf);
		return s;
	}
	OPENSSL_free(utf);
	return chain_escape(ASN1_STRING_get0_data(as),
	    (size_t)(ASN1_STRING_length(as) > 0 ? ASN1_STRING_length(as) : 0));
}

/* The subject CN (the last one, the most specific); NULL when none. */
char *
chain_subject_cn(X509 *x)
{
	const X509_NAME		*name;
	X509_NAME_ENTRY		*ne;
	const ASN1_STRING	*as;
	int			 i, last = -1;

	if ((name = X509_get_subject_name(x)) == NULL)
		return NULL;
	for (i = -1; (i = X509_NAME_get_index_by_NID(name, NID_commonName,
	    i)) >= 0; )
		last = i;
	if (last < 0 || (ne = X509_NAME_get_entry(name, last)) == NULL ||
	    (as = X509_NAME_ENTRY_get_data(ne)) == NULL)
		return NULL;
	return chain_asn1_escape(as);
}

/* The DNS SANs in certificate order, escaped. */
void
chain_dns_sans(X509 *x, struct strlist *out)
{
	GENERAL_NAMES		*gens;
	const GENERAL_NAME	*gen;
	int			 i;

	ERR_set_mark();
	gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	ERR_pop_to_mark();
	if (gens == NULL)
		return;
	for (i = 0; i < sk_GENERAL_NAME_num(gens); i++) {
		gen = sk_GENERAL_NAME_value(gens, i);
		if (gen->type != GEN_DNS || gen->d.dNSName == NULL)
			continue;
		out->v = xreallocarray(out->v, out->n + 1, sizeof(*out->v));
		out->v[out->n++] = chain_escape(
		    ASN1_STRING_get0_data(gen->d.dNSName),
		    (size_t)(ASN1_STRING_length(gen->d.dNSName) > 0 ?
		    ASN1_STRING_length(gen->d.dNSName) : 0));
	}
	GENERAL_NAMES_free(gens);
}

/* An object's short name, or its dotted form when OpenSSL has no name. */
static void
chain_oid_name(const ASN1_OBJECT *obj, char *buf, size_t len)
{
	const char	*sn;
	char		*e;
	int		 nid;

	buf[0] = '\0';
	if ((nid = OBJ_obj2nid(obj)) != NID_undef &&
	    (sn = OBJ_nid2sn(nid)) != NULL) {
		chain_copy(buf, len, sn);
		return;
	}
	if (OBJ_obj2txt(buf, (int)len, obj, 1) <= 0)
		chain_copy(buf, len, "unknown");
	/* A dotted OID is digits and dots; make sure of it. */
	e = chain_escape((const unsigned char *)buf, strlen(buf));
	chain_copy(buf, len, e);
	free(e);
}

/*
 * The extended key usages in certificate order; returns 1 when the
 * extension is present (even empty or unreadable), 0 when absent.
 */
int
chain_eku_names(X509 *x, struct strlist *out)
{
	EXTENDED_KEY_USAGE	*eku;
	char			 buf[128];
	int			 i, present;

	present = X509_get_ext_by_NID(x, NID_ext_key_usage, -1) >= 0;
	ERR_set_mark();
	eku = X509_get_ext_d2i(x, NID_ext_key_usage, NULL, NULL);
	ERR_pop_to_mark();
	if (eku == NULL)
		return present;
	for (i = 0; i < sk_ASN1_OBJECT_num(eku); i++) {
		chain_oid_name(sk_ASN1_OBJECT_value(eku, i), buf, sizeof(buf));
		strlist_add(out, buf);
	}
	EXTENDED_KEY_USAGE_free(eku);
	return 1;
}

/* SHA-256 of the DER, lowercase hex; out must hold 65 bytes. */
void
chain_sha256_hex(X509 *x, char *out)
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned char		 md[EVP_MAX_MD_SIZE];
	unsigned int		 len = 0, i;

	out[0] = '\0';
	ERR_set_mark();
	if (X509_digest(x, EVP_sha256(), md, &len) != 1 || len != 32) {
		ERR_pop_to_mark();
		return;
	}
	ERR_pop_to_mark();
	for (i = 0; i < len; i++) {
		out[(size_t)2 * i] = hex[md[i] >> 4];
		out[(size_t)2 * i + 1] = hex[md[i] & 0xf];
	}
	out[(size_t)2 * len] = '\0';
}

/*
 * The serial number as lowercase hex without colons, one byte per two
 * digits ("0a1b2c"), "00" for zero and a leading "-" for a negative one
 * (which RFC 5280 forbids and real servers still send).
 */
static int
chain_serial_hex(X509 *x, char **out)
{
	static const char	 hex[] = "0123456789abcdef";
	const ASN1_INTEGER	*ai;
	const unsigned char	*p;
	char			*o;
	int			 len, i, neg;

	*out = NULL;
	if ((ai = X509_get0_serialNumber(x)) == NULL)
		return -1;
	p = ASN1_STRING_get0_data(ai);
	len = ASN1_STRING_length(ai);
	neg = (ASN1_STRING_type(ai) & V_ASN1_NEG) != 0;
	if (p == NULL || len <= 0) {
		*out = xstrdup("00");
		return 0;
	}
	/* OpenSSL keeps the magnitude; drop leading zero bytes anyway. */
	while (len > 1 && *p == 0) {
		p++;
		len--;
	}
	o = *out = xmalloc((size_t)len * 2 + 2);
	if (neg && !(len == 1 && *p == 0))
		*o++ = '-';
	for (i = 0; i < len; i++) {
		*o++ = hex[p[i] >> 4];
		*o++ = hex[p[i] & 0xf];
	}
	*o = '\0';
	return 0;
}

/* Break an ASN1_TIME down, every field checked; never reads the clock. */
int
chain_time_tm(const ASN1_TIME *t, struct tm *tm)
{
	int	 ok;

	/* A NULL time would make OpenSSL read the clock: never here. */
	if (t == NULL)
		return -1;
	memset(tm, 0, sizeof(*tm));
	ERR_set_mark();
	ok = ASN1_TIME_to_tm(t, tm);
	ERR_pop_to_mark();
	if (ok != 1 || tm->tm_year < -1900 || tm->tm_year > 9999 - 1900)
		return -1;
	if (tm->tm_mon < 0 || tm->tm_mon > 11 || tm->tm_mday < 1 ||
	    tm->tm_mday > 31 || tm->tm_hour < 0 || tm->tm_hour > 23 ||
	    tm->tm_min < 0 || tm->tm_min > 59 || tm->tm_sec < 0 ||
	    tm->tm_sec > 60)
		return -1;
	return 0;
}

/* Format an ASN1_TIME as YYYY-MM-DDTHH:MM:SSZ; out holds 21 bytes. */
int
chain_time_iso(const ASN1_TIME *t, char *out)
{
	struct tm	 tm;

	out[0] = '\0';
	if (chain_time_tm(t, &tm) == -1)
		return -1;
	snprintf(out, 21, "%04u-%02u-%02uT%02u:%02u:%02uZ",
	    (unsigned)(tm.tm_year + 1900) % 10000u,
	    (unsigned)(tm.tm_mon + 1) % 100u, (unsigned)tm.tm_mday % 100u,
	    (unsigned)tm.tm_hour % 100u, (unsigned)tm.tm_min % 100u,
	    (unsigned)tm.tm_sec % 100u);
	return 0;
}

/*
 * The public key as "RSA-2048", "EC-256", "Ed25519", "DSA-1024"; when
 * OpenSSL cannot decode the key, the algorithm's name alone.
 */
static int
chain_key_name(X509 *x, char *buf, size_t len)
{
	EVP_PKEY		*pk;
	X509_PUBKEY		*xpk;
	ASN1_OBJECT		*alg = NULL;
	char			 oid[64];
	int			 id, bits;

	buf[0] = '\0';
	ERR_set_mark();
	pk = X509_get0_pubkey(x);
	ERR_pop_to_mark();
	if (pk == NULL) {
		if ((xpk = X509_get_X509_PUBKEY(x)) == NULL ||
		    X509_PUBKEY_get0_param(&alg, NULL, NULL, NULL,
		    xpk) != 1 || alg == NULL)
			return -1;
		chain_oid_name(alg, oid, sizeof(oid));
		chain_copy(buf, len, oid);
		return 0;
	}
	id = EVP_PKEY_get_base_id(pk);
	bits = EVP_PKEY_get_bits(pk);
	switch (id) {
	case EVP_PKEY_RSA:
		snprintf(buf, len, "RSA-%d", bits);
		break;
	case EVP_PKEY_RSA_PSS:
		snprintf(buf, len, "RSA-PSS-%d", bits);
		break;
	case EVP_PKEY_DSA:
		snprintf(buf, len, "DSA-%d", bits);
		break;
	case EVP_PKEY_EC:
		/* The order's size, which is the curve's: 256 for P-256. */
		snprintf(buf, len, "EC-%d", bits);
		break;
	case EVP_PKEY_ED25519:
		snprintf(buf, len, "Ed25519");
		break;
	case EVP_PKEY_ED448:
		snprintf(buf, len, "Ed448");
		break;
	default:
		snprintf(buf, len, "%s-%d", id != NID_undef &&
		    OBJ_nid2sn(id) != NULL ? OBJ_nid2sn(id) : "unknown", bits);
		break;
	}
	return 0;
}

/* The signature algorithm's long name, or its dotted OID. */
static int
chain_sig_name(X509 *x, char *buf, size_t len)
{
	const X509_ALGOR	*alg = NULL;
	const ASN1_OBJECT	*obj = NULL;
	const char		*ln;
	int			 nid;

	buf[0] = '\0';
	if ((nid = X509_get_signature_nid(x)) != NID_undef &&
	    (ln = OBJ_nid2ln(nid)) != NULL) {
		chain_copy(buf, len, ln);
		return 0;
	}
	X509_get0_signature(NULL, &alg, x);
	if (alg == NULL)
		return -1;
	X509_ALGOR_get0(&obj, NULL, NULL, alg);
	if (obj == NULL)
		return -1;
	chain_oid_name(obj, buf, len);
	return 0;
}

/* Fill all display fields of one certificate; 0 on success, -1 on error. */
int
chain_cert_info(X509 *x, struct cert_info *ci)
{
	int	 rv = 0;

	memset(ci, 0, sizeof(*ci));
	if (x == NULL)
		return -1;
	if ((ci->subject = chain_name_str(X509_get_subject_name(x))) == NULL)
		rv = -1;
	if ((ci->issuer = chain_name_str(X509_get_issuer_name(x))) == NULL)
		rv = -1;
	if (chain_serial_hex(x, &ci->serial) == -1)
		rv = -1;
	chain_sha256_hex(x, ci->sha256);
	if (ci->sha256[0] == '\0')
		rv = -1;
	if (chain_time_iso(X509_get0_notBefore(x), ci->not_before) == -1)
		rv = -1;
	if (chain_time_iso(X509_get0_notAfter(x), ci->not_after) == -1)
		rv = -1;
	chain_dns_sans(x, &ci->san);
	ci->has_eku = chain_eku_names(x, &ci->eku);
	if (chain_key_name(x, ci->key, sizeof(ci->key)) == -1)
		rv = -1;
	if (chain_sig_name(x, ci->signature, sizeof(ci->signature)) == -1)
		rv = -1;
	return rv;
}

/* Free what chain_cert_info() allocated; the struct may be reused. */
void
chain_cert_info_free(struct cert_info *ci)
{
	free(ci->subject);
	free(ci->issuer);
	free(ci->serial);
	strlist_free(&ci->san);
	strlist_free(&ci->eku);
	memset(ci, 0, sizeof(*ci));
}

/* ASCII case-insensitive equality of n bytes, whatever the locale says. */
int
chain_ascii_eqn(const char *a, const char *b, size_t n)
{
	unsigned char	 ca, cb;
	size_t		 i;

	for (i = 0; i < n; i++) {
		ca = (unsigned char)a[i];
		cb = (unsigned char)b[i];
		if (ca >= 'A' && ca <= 'Z')
			ca += 'a' - 'A';
		if (cb >= 'A' && cb <= 'Z')
			cb += 'a' - 'A';
		if (ca != cb)
			return 0;
	}
	return 1;
}
