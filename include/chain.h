/*
 * chain.h: display fields of captured certificates (pure).
 *
 * Every string produced here is printable ASCII: bytes outside 0x20..0x7e
 * (and the backslash) are written as \xNN, so a hostile certificate can
 * neither break JSON nor split a syslog line, and a DNS name carrying an
 * embedded NUL ("sip.contoso.com\x00.evil.com") can never compare equal to
 * a real host name. The subject and issuer are the exception for the
 * backslash only: they are RFC 4514 strings as OpenSSL's XN_FLAG_RFC2253
 * escapes them ("O=Contoso\, Inc.", "CN=M\C3\BCller"), already printable.
 */
#ifndef EDGEPROBE_CHAIN_H
#define EDGEPROBE_CHAIN_H

#include <stddef.h>
#include <time.h>
#include <openssl/x509.h>

struct strlist {
	char			**v;
	size_t			  n;
};

struct cert_info {
	char		*subject;	/* RFC 4514, XN_FLAG_RFC2253 */
	char		*issuer;
	char		*serial;	/* lowercase hex, no colons */
	char		 sha256[65];	/* lowercase hex of the DER */
	char		 not_before[21];/* YYYY-MM-DDTHH:MM:SSZ */
	char		 not_after[21];
	struct strlist	 san;		/* DNS SANs, certificate order */
	struct strlist	 eku;		/* short names or dotted OIDs */
	int		 has_eku;	/* the EKU extension is present */
	char		 key[32];	/* RSA-2048, EC-256, Ed25519 ... */
	char		 signature[64];	/* OpenSSL long name */
};

void	 strlist_free(struct strlist *);
void	 strlist_add(struct strlist *, const char *);

/* Fill all display fields of one certificate; 0 on success, -1 on error. */
int	 chain_cert_info(X509 *, struct cert_info *);
void	 chain_cert_info_free(struct cert_info *);

/* SHA-256 of the DER, lowercase hex; out must hold 65 bytes. */
void	 chain_sha256_hex(X509 *, char *);

/* The subject CN, escaped as above; NULL when there is none. Free it. */
char	*chain_subject_cn(X509 *);

/* The DNS SANs in certificate order, escaped as above. */
void	 chain_dns_sans(X509 *, struct strlist *);

/*
 * A name in RFC 4514 form (XN_FLAG_RFC2253), printable ASCII; NULL when it
 * cannot be printed at all. Free it.
 */
char	*chain_name_str(const X509_NAME *);
/* ASCII case-insensitive equality of n bytes, independent of the locale. */
int	 chain_ascii_eqn(const char *, const char *, size_t);

/*
 * The extended key usages (short names or dotted OIDs) appended to out;
 * returns 1 when the EKU extension is present, 0 when it is absent.
 */
int	 chain_eku_names(X509 *, struct strlist *);

/* Escape arbitrary bytes to printable ASCII (\xNN); caller frees. */
char	*chain_escape(const unsigned char *, size_t);

/* Break an ASN1_TIME down with every field checked; 0 or -1. */
int	 chain_time_tm(const ASN1_TIME *, struct tm *);

/* Format an ASN1_TIME as YYYY-MM-DDTHH:MM:SSZ; out holds 21 bytes. */
int	 chain_time_iso(const ASN1_TIME *, char *);

#endif
