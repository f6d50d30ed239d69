/* The shared session-ticket key file (server/net/ticket_keys.h): what is
 * refused and why (missing, too short, not whole keys, too many, open to
 * others, two keys of one name), and that a ticket sealed with a key opens
 * with the same key material once that key has become the previous one
 * (renewed), and not at all once it is gone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <cmocka.h>
#include <openssl/core_names.h>
#include <openssl/rand.h>

#include "ticket_keys.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/jy-ticket-keys-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* A file of n random keys with mode; its path in a static buffer. */
static const char *key_file(const char *name, size_t bytes, mode_t mode, uint8_t *copy)
{
	static char path[128];
	uint8_t buf[8 * 80];
	assert_true(bytes <= sizeof buf);
	assert_int_equal(RAND_bytes(buf, sizeof buf), 1);
	snprintf(path, sizeof path, "%s/%s", dir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, bytes), (ssize_t)bytes);
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
	if (copy)
		memcpy(copy, buf, bytes);
	return path;
}

static void refused(const char *path, const char *says)
{
	struct ticket_keys k;
	char err[400] = "";
	if (ticket_keys_load(path, &k, err, sizeof err))
		fail_msg("%s was taken", path);
	if (!strstr(err, says) || !strstr(err, "tls.ticket_key_file"))
		fail_msg("the error '%s' does not say '%s'", err, says);
	assert_int_equal(k.n, 0);
}

static void bad_files_refused(void **state)
{
	(void)state;
	char missing[128];
	snprintf(missing, sizeof missing, "%s/none", dir);
	refused(missing, "No such file");
	refused(key_file("short", 79, 0600, NULL), "holds 79 bytes");
	refused(key_file("empty", 0, 0600, NULL), "holds 0 bytes");
	refused(key_file("odd", 81, 0600, NULL), "holds 81 bytes");
	refused(key_file("many", 5 * 80, 0600, NULL), "1 to 4 keys");
	refused(key_file("world", 160, 0604, NULL), "chmod 600");
	refused(key_file("group-w", 160, 0620, NULL), "mode 620");
	refused(dir, "not a regular file");
	/* Two keys with one name: a ticket could not say which one sealed it. */
	uint8_t two[160];
	const char *dup = key_file("dup", 160, 0600, two);
	memcpy(two + 80, two, 16);
	int fd = open(dup, O_WRONLY | O_TRUNC);
	assert_int_equal(write(fd, two, sizeof two), (ssize_t)sizeof two);
	close(fd);
	refused(dup, "the same name");
}

static void good_files_taken(void **state)
{
	(void)state;
	struct ticket_keys k;
	char err[400];
	uint8_t raw[160];
	assert_true(ticket_keys_load(key_file("one", 80, 0600, raw), &k, err, sizeof err));
	assert_int_equal(k.n, 1);
	assert_memory_equal(k.key[0].name, raw, 16);
	assert_memory_equal(k.key[0].hmac, raw + 16, 32);
	assert_memory_equal(k.key[0].aes, raw + 48, 32);
	/* Readable by the service's group (root:jianyi 0640) is fine. */
	assert_true(ticket_keys_load(key_file("two", 160, 0640, raw), &k, err, sizeof err));
	assert_int_equal(k.n, 2);
	assert_memory_equal(k.key[1].name, raw + 80, 16);
}

/* What OpenSSL does with a ticket: encrypt, then HMAC the ciphertext. */
struct sealed {
	unsigned char name[16], iv[EVP_MAX_IV_LENGTH];
	unsigned char ct[64], mac[32];
	int ctlen;
};

static EVP_MAC_CTX *new_hmac(void)
{
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	assert_non_null(mac);
	EVP_MAC_CTX *h = EVP_MAC_CTX_new(mac);
	EVP_MAC_free(mac);
	assert_non_null(h);
	return h;
}

static void mac_of(EVP_MAC_CTX *h, const unsigned char *data, int len, unsigned char out[32])
{
	size_t n = 0;
	assert_int_equal(EVP_MAC_update(h, data, (size_t)len), 1);
	assert_int_equal(EVP_MAC_final(h, out, &n, 32), 1);
	assert_int_equal(n, 32);
}

static void seal(const struct ticket_keys *k, struct sealed *s)
{
	static const unsigned char session[] = "a session's secrets, 40 bytes long....";
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	EVP_MAC_CTX *h = new_hmac();
	assert_int_equal(ticket_keys_crypt(k, s->name, s->iv, c, h, 1), 1);
	int n = 0, m = 0;
	assert_int_equal(EVP_EncryptUpdate(c, s->ct, &n, session, sizeof session), 1);
	assert_int_equal(EVP_EncryptFinal_ex(c, s->ct + n, &m), 1);
	s->ctlen = n + m;
	mac_of(h, s->ct, s->ctlen, s->mac);
	EVP_CIPHER_CTX_free(c);
	EVP_MAC_CTX_free(h);
}

/* ticket_keys_crypt's answer for the ticket; when it opens it, the MAC
 * must match and the plaintext come back. */
static int open_ticket(const struct ticket_keys *k, struct sealed *s)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	EVP_MAC_CTX *h = new_hmac();
	int r = ticket_keys_crypt(k, s->name, s->iv, c, h, 0);
	if (r > 0) {
		unsigned char mac[32], pt[80];
		int n = 0, m = 0;
		mac_of(h, s->ct, s->ctlen, mac);
		assert_memory_equal(mac, s->mac, 32);
		assert_int_equal(EVP_DecryptUpdate(c, pt, &n, s->ct, s->ctlen), 1);
		assert_int_equal(EVP_DecryptFinal_ex(c, pt + n, &m), 1);
		assert_string_equal((char *)pt, "a session's secrets, 40 bytes long....");
	}
	EVP_CIPHER_CTX_free(c);
	EVP_MAC_CTX_free(h);
	return r;
}

static void rotation(void **state)
{
	(void)state;
	struct ticket_keys first, rotated, later;
	char err[400];
	uint8_t a[80], ba[160];
	assert_true(ticket_keys_load(key_file("a", 80, 0600, a), &first, err, sizeof err));
	/* Rotated: a new key B first, A kept as the previous one. */
	const char *path = key_file("ba", 80, 0600, ba);
	int fd = open(path, O_WRONLY | O_APPEND);
	assert_int_equal(write(fd, a, 80), 80);
	close(fd);
	assert_true(ticket_keys_load(path, &rotated, err, sizeof err));
	assert_int_equal(rotated.n, 2);
	/* Rotated again: A is gone. */
	assert_true(ticket_keys_load(key_file("c", 80, 0600, NULL), &later, err, sizeof err));
	later.key[1] = rotated.key[0];
	later.n = 2;

	struct sealed t;
	seal(&first, &t);
	assert_memory_equal(t.name, a, 16);
	assert_int_equal(open_ticket(&first, &t), 1);    /* the newest key */
	assert_int_equal(open_ticket(&rotated, &t), 2);  /* the previous one: renew */
	assert_int_equal(open_ticket(&later, &t), 0);    /* unknown: a full handshake */

	struct sealed u;
	seal(&rotated, &u);
	assert_memory_equal(u.name, ba, 16);             /* sealed with the newest */
	assert_int_equal(open_ticket(&rotated, &u), 1);
	assert_int_equal(open_ticket(&later, &u), 2);
	assert_int_equal(open_ticket(&first, &u), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bad_files_refused),
		cmocka_unit_test(good_files_taken),
		cmocka_unit_test(rotation),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
