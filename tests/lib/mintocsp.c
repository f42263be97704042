/*
 * mintocsp.c: OCSP responses minted for the tests through the OpenSSL API.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/x509.h>

#include "mintocsp.h"

static unsigned char	*mintocsp_der(OCSP_RESPONSE *, size_t *);
static int		 mintocsp_add(OCSP_BASICRESP *,
			    const struct mintocsp_spec *);

/* DER of a response, in memory from malloc(). */
static unsigned char *
mintocsp_der(OCSP_RESPONSE *resp, size_t *len)
{
	unsigned char	*der, *p;
	int		 n;

	if (resp == NULL || (n = i2d_OCSP_RESPONSE(resp, NULL)) <= 0 ||
	    (der = malloc((size_t)n)) == NULL)
		return NULL;
	p = der;
	if (i2d_OCSP_RESPONSE(resp, &p) != n) {
		free(der);
		return NULL;
	}
	*len = (size_t)n;
	return der;
}

/* The one single response of spec; 1 on success. */
static int
mintocsp_add(OCSP_BASICRESP *bs, const struct mintocsp_spec *spec)
{
	OCSP_CERTID	*id;
	ASN1_TIME	*thisupd, *nextupd = NULL, *revtime = NULL;
	int		 ok = 0;

	id = OCSP_cert_to_id(NULL, spec->cert, spec->issuer);
	thisupd = ASN1_TIME_set(NULL, spec->this_update);
	if (spec->next_update != 0)
		nextupd = ASN1_TIME_set(NULL, spec->next_update);
	if (spec->status == V_OCSP_CERTSTATUS_REVOKED)
		revtime = ASN1_TIME_set(NULL, spec->revoked_at);
	if (id != NULL && thisupd != NULL &&
	    (spec->next_update == 0 || nextupd != NULL) &&
	    (spec->status != V_OCSP_CERTSTATUS_REVOKED || revtime != NULL))
		ok = OCSP_basic_add1_status(bs, id, spec->status,
		    spec->reason, revtime, thisupd, nextupd) != NULL;
	OCSP_CERTID_free(id);
	ASN1_TIME_free(thisupd);
	ASN1_TIME_free(nextupd);
	ASN1_TIME_free(revtime);
	return ok;
}

/* A signed response for spec; see mintocsp.h. */
unsigned char *
mintocsp_response(const struct mintocsp_spec *spec, size_t *len)
{
	OCSP_BASICRESP	*bs;
	OCSP_RESPONSE	*resp = NULL;
	unsigned char	*der = NULL;

	if ((bs = OCSP_BASICRESP_new()) == NULL)
		return NULL;
	if (mintocsp_add(bs, spec) &&
	    OCSP_basic_sign(bs, spec->signer, spec->signer_key, EVP_sha256(),
	    NULL, spec->nocerts ? OCSP_NOCERTS : 0) == 1 &&
	    (resp = OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL,
	    bs)) != NULL)
		der = mintocsp_der(resp, len);
	OCSP_RESPONSE_free(resp);
	OCSP_BASICRESP_free(bs);
	return der;
}

/* An error answer such as tryLater; see mintocsp.h. */
unsigned char *
mintocsp_error(int status, size_t *len)
{
	OCSP_RESPONSE	*resp;
	unsigned char	*der;

	resp = OCSP_response_create(status, NULL);
	der = mintocsp_der(resp, len);
	OCSP_RESPONSE_free(resp);
	return der;
}
