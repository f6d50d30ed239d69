/* Sealing and opening session tickets with shared keys; see ticket_keys.h. */
#include "ticket_keys.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "log.h"

static bool set_hmac_key(EVP_MAC_CTX *hctx, const struct ticket_key *k)
{
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_octet_string(OSSL_MAC_PARAM_KEY, (void *)k->hmac, sizeof k->hmac),
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0),
		OSSL_PARAM_construct_end(),
	};
	return EVP_MAC_CTX_set_params(hctx, params) == 1;
}

int ticket_keys_crypt(const struct ticket_keys *keys, unsigned char name[16], unsigned char *iv,
		      EVP_CIPHER_CTX *cctx, EVP_MAC_CTX *hctx, int enc)
{
	if (keys->n == 0)
		return enc ? -1 : 0;
	if (enc) {
		const struct ticket_key *k = &keys->key[0];
		memcpy(name, k->name, sizeof k->name);
		if (RAND_bytes(iv, EVP_CIPHER_get_iv_length(EVP_aes_256_cbc())) != 1 ||
		    EVP_EncryptInit_ex(cctx, EVP_aes_256_cbc(), NULL, k->aes, iv) != 1 ||
		    !set_hmac_key(hctx, k))
			return -1;
		return 1;
	}
	for (size_t i = 0; i < keys->n; i++) {
		const struct ticket_key *k = &keys->key[i];
		if (memcmp(name, k->name, sizeof k->name) != 0)
			continue;
		if (!set_hmac_key(hctx, k) ||
		    EVP_DecryptInit_ex(cctx, EVP_aes_256_cbc(), NULL, k->aes, iv) != 1)
			return -1;
		return i == 0 ? 1 : 2;
	}
	return 0;
}

/* ---- the SSL_CTX's copy ------------------------------------------------ */

static int keys_index = -1;   /* SSL_CTX ex_data: struct ticket_keys * */

static void keys_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl, void *argp)
{
	(void)parent, (void)ad, (void)idx, (void)argl, (void)argp;
	if (ptr) {
		ticket_keys_wipe(ptr);
		free(ptr);
	}
}

static int on_ticket(SSL *ssl, unsigned char name[16], unsigned char iv[EVP_MAX_IV_LENGTH],
		     EVP_CIPHER_CTX *cctx, EVP_MAC_CTX *hctx, int enc)
{
	const struct ticket_keys *keys = SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), keys_index);
	return keys ? ticket_keys_crypt(keys, name, iv, cctx, hctx, enc) : (enc ? -1 : 0);
}

bool ticket_keys_install(SSL_CTX *ctx, const struct ticket_keys *keys, char *err, size_t errlen)
{
	if (keys_index < 0)
		keys_index = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, keys_free);
	struct ticket_keys *copy = malloc(sizeof *copy);
	if (keys_index < 0 || !copy) {
		free(copy);
		snprintf(err, errlen, "cannot keep the ticket keys");
		return false;
	}
	*copy = *keys;
	if (!SSL_CTX_set_ex_data(ctx, keys_index, copy)) {
		keys_free(NULL, copy, NULL, 0, 0, NULL);
		snprintf(err, errlen, "cannot keep the ticket keys");
		return false;
	}
	SSL_CTX_set_tlsext_ticket_key_evp_cb(ctx, on_ticket);
	return true;
}

bool ticket_keys_use_file(SSL_CTX *ctx, const char *path, char *err, size_t errlen)
{
	struct ticket_keys keys;
	if (!ticket_keys_load(path, &keys, err, errlen))
		return false;
	bool ok = ticket_keys_install(ctx, &keys, err, errlen);
	if (ok)
		jy_info("event=ticket_keys file=%s keys=%zu", path, keys.n);
	ticket_keys_wipe(&keys);
	return ok;
}
