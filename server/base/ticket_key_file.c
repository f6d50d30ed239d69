/* Reading the session-ticket key file; see ticket_key_file.h. */
#include "ticket_key_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <openssl/crypto.h>

/* Reads at most cap bytes of fd; the count, or -1. */
static ssize_t read_all(int fd, uint8_t *buf, size_t cap)
{
	size_t have = 0;
	while (have < cap) {
		ssize_t n = read(fd, buf + have, cap - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		have += (size_t)n;
	}
	return (ssize_t)have;
}

/* A key that others may read lets them open every ticket, and so read
 * the sessions' secrets: refused, as ssh refuses such a private key. */
static bool mode_ok(int fd, const char *path, char *err, size_t errlen)
{
	struct stat st;
	if (fstat(fd, &st) != 0) {
		snprintf(err, errlen, "tls.ticket_key_file: %s: %s", path, strerror(errno));
		return false;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "tls.ticket_key_file: %s is not a regular file", path);
		return false;
	}
	if ((st.st_mode & 037) != 0) {
		snprintf(err, errlen, "tls.ticket_key_file: %s must not be open to others nor writable "
			 "by its group (mode %03o; chmod 600 it)", path, (unsigned)(st.st_mode & 0777));
		return false;
	}
	return true;
}

static bool keys_from_bytes(const uint8_t *buf, size_t len, const char *path,
			    struct ticket_keys *out, char *err, size_t errlen)
{
	if (len < TICKET_KEY_BYTES || len % TICKET_KEY_BYTES != 0 ||
	    len > TICKET_KEYS_MAX * TICKET_KEY_BYTES) {
		snprintf(err, errlen, "tls.ticket_key_file: %s holds %zu bytes; it must hold 1 to %d keys "
			 "of %d bytes each (16 name, 32 HMAC, 32 AES), the newest first", path, len,
			 TICKET_KEYS_MAX, TICKET_KEY_BYTES);
		return false;
	}
	out->n = len / TICKET_KEY_BYTES;
	for (size_t i = 0; i < out->n; i++) {
		struct ticket_key *k = &out->key[i];
		const uint8_t *p = buf + i * TICKET_KEY_BYTES;
		memcpy(k->name, p, sizeof k->name);
		memcpy(k->hmac, p + 16, sizeof k->hmac);
		memcpy(k->aes, p + 48, sizeof k->aes);
		for (size_t j = 0; j < i; j++)
			if (memcmp(out->key[j].name, k->name, sizeof k->name) == 0) {
				snprintf(err, errlen, "tls.ticket_key_file: %s: keys %zu and %zu have the same "
					 "name (the first 16 bytes of a key)", path, j + 1, i + 1);
				return false;
			}
	}
	return true;
}

bool ticket_keys_load(const char *path, struct ticket_keys *out, char *err, size_t errlen)
{
	uint8_t buf[TICKET_KEYS_MAX * TICKET_KEY_BYTES + 1];
	bool ok = false;
	memset(out, 0, sizeof *out);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "tls.ticket_key_file: %s: %s", path, strerror(errno));
		return false;
	}
	if (!mode_ok(fd, path, err, errlen))
		goto done;
	ssize_t n = read_all(fd, buf, sizeof buf);
	if (n < 0) {
		snprintf(err, errlen, "tls.ticket_key_file: %s: %s", path, strerror(errno));
		goto done;
	}
	ok = keys_from_bytes(buf, (size_t)n, path, out, err, errlen);
done:
	OPENSSL_cleanse(buf, sizeof buf);
	close(fd);
	if (!ok)
		ticket_keys_wipe(out);
	return ok;
}

void ticket_keys_wipe(struct ticket_keys *k)
{
	OPENSSL_cleanse(k, sizeof *k);
}

