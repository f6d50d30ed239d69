/* The issuing CA of enrollment (docs/ARCHITECTURE.md "Enrollment"): loaded
 * once at start-up from [enroll] issuing_cert / issuing_key; checks a
 * client's certificate request and signs a certificate whose subject the
 * server chooses. Signing is a few tens of microseconds: done on the loop. */
#ifndef JY_ENROLL_CA_H
#define JY_ENROLL_CA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct enroll_ca;
struct X509_req_st;

/* NULL with a reason naming the file at fault in err. */
struct enroll_ca *enroll_ca_load(const char *cert_file, const char *key_file,
				 char *err, size_t errlen);
void enroll_ca_free(struct enroll_ca *ca);
/* The CA's certificate, PEM (the chain an enrolled client keeps). */
const char *enroll_ca_pem(const struct enroll_ca *ca);

/* Parses a DER certificate request and checks it: an Ed25519 or EC P-256
 * key, and a signature that verifies with it (the client holds the key).
 * NULL with the reason in err. Free with enroll_csr_free. */
struct X509_req_st *enroll_csr_check(const uint8_t *der, size_t len, char *err, size_t errlen);
void enroll_csr_free(struct X509_req_st *csr);

/* What a signed certificate is, for the caller to bind and return. */
struct enroll_issued {
	char *pem;             /* the certificate, PEM (free) */
	char sha256[65];       /* SHA-256 of its DER, lowercase hex */
	char subject[300];     /* RFC 2253, as `jianyid admin cert-bind` records it */
	char not_after[32];    /* "YYYY-MM-DD HH:MM:SS+00" */
};

/* Signs csr's key into a client certificate for login (CN=login, nothing
 * from the request's subject), valid from now for days days. */
bool enroll_ca_sign(const struct enroll_ca *ca, struct X509_req_st *csr, const char *login,
		    unsigned days, struct enroll_issued *out, char *err, size_t errlen);

#endif
