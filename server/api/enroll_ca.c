#include "enroll_ca.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "tls.h"
#include "xalloc.h"

struct enroll_ca {
	X509 *cert;
	EVP_PKEY *key;
	char *pem;
};

/* A certificate's validity starts a little in the past: a client whose
 * clock is a few minutes behind must not find it "not yet valid". */
#define BACKDATE_SECONDS 300

static char *read_text(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "cannot open %s", path);
		return NULL;
	}
	X509 *x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	if (!x) {
		ERR_clear_error();
		snprintf(err, errlen, "%s is not a PEM certificate", path);
		return NULL;
	}
	BIO *b = BIO_new(BIO_s_mem());
	char *p, *out = NULL;
	long n;
	if (b && PEM_write_bio_X509(b, x) == 1 && (n = BIO_get_mem_data(b, &p)) > 0) {
		out = jy_xcalloc(1, (size_t)n + 1);
		memcpy(out, p, (size_t)n);
	}
	BIO_free(b);
	X509_free(x);
	return out;
}

struct enroll_ca *enroll_ca_load(const char *cert_file, const char *key_file, char *err, size_t errlen)
{
	struct enroll_ca *ca = jy_xcalloc(1, sizeof *ca);
	char why[256];
	FILE *f;

	if (!(ca->pem = read_text(cert_file, err, errlen)))
		goto fail;
	BIO *b = BIO_new_mem_buf(ca->pem, -1);
	ca->cert = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
	BIO_free(b);
	if (!ca->cert || X509_check_ca(ca->cert) == 0) {
		snprintf(err, errlen, "enroll.issuing_cert: %s is not a CA certificate", cert_file);
		goto fail;
	}
	if (!(f = fopen(key_file, "r"))) {
		snprintf(err, errlen, "enroll.issuing_key: cannot open %s", key_file);
		goto fail;
	}
	ca->key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	if (!ca->key) {
		snprintf(err, errlen, "enroll.issuing_key: %s is not a PEM private key: %s", key_file,
			 jy_tls_drain_errors(why, sizeof why));
		goto fail;
	}
	if (X509_check_private_key(ca->cert, ca->key) != 1) {
		snprintf(err, errlen, "enroll.issuing_key: %s does not match %s", key_file, cert_file);
		goto fail;
	}
	ERR_clear_error();
	return ca;
fail:
	ERR_clear_error();
	enroll_ca_free(ca);
	return NULL;
}

void enroll_ca_free(struct enroll_ca *ca)
{
	if (!ca)
		return;
	X509_free(ca->cert);
	EVP_PKEY_free(ca->key);
	free(ca->pem);
	free(ca);
}

const char *enroll_ca_pem(const struct enroll_ca *ca)
{
	return ca->pem;
}

/* Ed25519, or EC on the P-256 curve: the keys deploy/pki makes. */
static bool key_type_ok(EVP_PKEY *k)
{
	if (EVP_PKEY_is_a(k, "ED25519"))
		return true;
	if (!EVP_PKEY_is_a(k, "EC"))
		return false;
	char curve[64];
	size_t n = 0;
	return EVP_PKEY_get_group_name(k, curve, sizeof curve, &n) == 1 &&
	       strcmp(curve, SN_X9_62_prime256v1) == 0;
}

struct X509_req_st *enroll_csr_check(const uint8_t *der, size_t len, char *err, size_t errlen)
{
	const unsigned char *p = der;
	X509_REQ *csr = len > 0 ? d2i_X509_REQ(NULL, &p, (long)len) : NULL;
	if (!csr || p != der + len) {
		snprintf(err, errlen, "csr_der is not a DER certificate request (PKCS#10)");
		goto fail;
	}
	EVP_PKEY *k = X509_REQ_get0_pubkey(csr);
	if (!k || !key_type_ok(k)) {
		snprintf(err, errlen, "the certificate request's key must be Ed25519 or EC P-256");
		goto fail;
	}
	if (X509_REQ_verify(csr, k) != 1) {
		snprintf(err, errlen, "the certificate request's signature does not verify with its key");
		goto fail;
	}
	ERR_clear_error();
	return csr;
fail:
	ERR_clear_error();
	X509_REQ_free(csr);
	return NULL;
}

void enroll_csr_free(struct X509_req_st *csr)
{
	X509_REQ_free(csr);
}

static bool add_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value)
{
	X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, ctx, nid, value);
	bool ok = e && X509_add_ext(x, e, -1) == 1;
	X509_EXTENSION_free(e);
	return ok;
}

/* Serial, subject (CN=login only), validity and a client certificate's
 * extensions, as deploy/pki makes them. */
static bool fill_cert(const struct enroll_ca *ca, X509 *x, EVP_PKEY *pub, const char *login, unsigned days)
{
	unsigned char serial[16];
	if (RAND_bytes(serial, sizeof serial) != 1)
		return false;
	serial[0] &= 0x7f; /* positive */
	BIGNUM *bn = BN_bin2bn(serial, sizeof serial, NULL);
	bool ok = bn && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) != NULL;
	BN_free(bn);
	X509_NAME *name = X509_NAME_new();
	ok = ok && name &&
	     X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)login, -1, -1, 0) == 1 &&
	     X509_set_version(x, 2) == 1 && X509_set_subject_name(x, name) == 1 &&
	     X509_set_issuer_name(x, X509_get_subject_name(ca->cert)) == 1 &&
	     X509_gmtime_adj(X509_getm_notBefore(x), -BACKDATE_SECONDS) != NULL &&
	     X509_time_adj_ex(X509_getm_notAfter(x), (int)days, 0, NULL) != NULL &&
	     X509_set_pubkey(x, pub) == 1;
	X509_NAME_free(name);
	X509V3_CTX ctx;
	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, ca->cert, x, NULL, NULL, 0);
	return ok && add_ext(x, &ctx, NID_basic_constraints, "critical,CA:FALSE") &&
	       add_ext(x, &ctx, NID_key_usage, "critical,digitalSignature") &&
	       add_ext(x, &ctx, NID_ext_key_usage, "clientAuth") &&
	       add_ext(x, &ctx, NID_subject_key_identifier, "hash") &&
	       add_ext(x, &ctx, NID_authority_key_identifier, "keyid:always");
}

static bool describe(X509 *x, struct enroll_issued *out)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p;
	long n;
	struct tm tm;
	bool ok = b && X509_NAME_print_ex(b, X509_get_subject_name(x), 0, XN_FLAG_RFC2253) >= 0 &&
		  (n = BIO_get_mem_data(b, &p)) >= 0;
	if (ok)
		snprintf(out->subject, sizeof out->subject, "%.*s", (int)n, p);
	BIO_free(b);
	b = BIO_new(BIO_s_mem());
	ok = ok && b && PEM_write_bio_X509(b, x) == 1 && (n = BIO_get_mem_data(b, &p)) > 0;
	if (ok) {
		out->pem = jy_xcalloc(1, (size_t)n + 1);
		memcpy(out->pem, p, (size_t)n);
	}
	BIO_free(b);
	ok = ok && jy_tls_cert_sha256(x, out->sha256) && ASN1_TIME_to_tm(X509_get0_notAfter(x), &tm) == 1;
	if (ok)
		strftime(out->not_after, sizeof out->not_after, "%Y-%m-%d %H:%M:%S+00", &tm);
	return ok;
}

bool enroll_ca_sign(const struct enroll_ca *ca, struct X509_req_st *csr, const char *login,
		    unsigned days, struct enroll_issued *out, char *err, size_t errlen)
{
	char why[256];
	memset(out, 0, sizeof *out);
	X509 *x = X509_new();
	/* Ed25519 signs without a separate digest; other CA keys with SHA-256. */
	const EVP_MD *md = EVP_PKEY_is_a(ca->key, "ED25519") ? NULL : EVP_sha256();
	bool ok = x && fill_cert(ca, x, X509_REQ_get0_pubkey(csr), login, days) &&
		  X509_sign(x, ca->key, md) > 0 && describe(x, out);
	if (!ok) {
		snprintf(err, errlen, "cannot sign the certificate: %s", jy_tls_drain_errors(why, sizeof why));
		free(out->pem);
		out->pem = NULL;
	}
	X509_free(x);
	ERR_clear_error();
	return ok;
}
