/*
 * mintocsp.h: OCSP responses minted for the tests through the OpenSSL API.
 */
#ifndef EDGEPROBE_TEST_MINTOCSP_H
#define EDGEPROBE_TEST_MINTOCSP_H

#include <stddef.h>
#include <time.h>
#include <openssl/x509.h>

struct mintocsp_spec {
	X509		*cert;		/* the certificate answered for */
	X509		*issuer;	/* its issuer, for the CertID */
	X509		*signer;	/* the responder's certificate */
	EVP_PKEY	*signer_key;	/* its key */
	int		 nocerts;	/* leave the signer's certificate out */
	int		 status;	/* V_OCSP_CERTSTATUS_GOOD ... */
	int		 reason;	/* revoked: a CRL reason, or -1 */
	time_t		 revoked_at;	/* revoked: when */
	time_t		 this_update;
	time_t		 next_update;	/* 0: no nextUpdate */
};

/*
 * A successful, signed OCSP response (SHA-1 CertID, responder by name),
 * DER; *len its length; free() it. NULL on error.
 */
unsigned char	*mintocsp_response(const struct mintocsp_spec *, size_t *len);

/* An OCSP error answer of that response status (no basic response). */
unsigned char	*mintocsp_error(int status, size_t *len);

#endif
