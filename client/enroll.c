/* jy_enroll (jianyi.h "Enrollment"): a key made here, a certificate request
 * and a one-time code sent over a connection without a client certificate,
 * the certificate the server signed written beside the key. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "client.h"
#include "lib_i18n.h"
#include "transport.h"

enum { F_KEY, F_CERT, F_CA, F_ISSUING, F_INI, F_COUNT };
static const char *const file_names[F_COUNT] = {
	"client.key", "client.crt", "ca.crt", "issuing-ca.crt", "client.ini",
};

struct paths {
	char p[F_COUNT][PATH_MAX];
};

static bool check_options(const struct jy_enroll_options *o, struct jy_error *err)
{
	if (o == NULL || o->server == NULL || !*o->server || o->ca_file == NULL || !*o->ca_file ||
	    o->code == NULL || !*o->code || o->out_dir == NULL || !*o->out_dir) {
		jy_set_error(err, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT,
			     _("enrollment needs the server, the CA certificate file, the code and the folder"));
		return false;
	}
	return true;
}

/* Makes out_dir when missing and checks that none of our files is there:
 * nothing is overwritten, and the code is not spent for nothing. */
static bool prepare_dir(const char *dir, struct paths *ps, struct jy_error *err)
{
	struct stat st;

	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		jy_set_error(err, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT,
			     _("cannot create the folder %s: %s"), dir, strerror(errno));
		return false;
	}
	for (int i = 0; i < F_COUNT; i++) {
		if ((size_t)snprintf(ps->p[i], sizeof ps->p[i], "%s/%s", dir, file_names[i]) >= sizeof ps->p[i]) {
			jy_set_error(err, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT,
				     _("the folder name %s is too long"), dir);
			return false;
		}
		if (lstat(ps->p[i], &st) == 0) {
			jy_set_error(err, JIANYI__STATUS_CODE__STATUS_FAILED_PRECONDITION,
				     _("%s already exists; enroll into an empty folder"), ps->p[i]);
			return false;
		}
	}
	return true;
}

/* A new file (never an existing one) with mode, opened for writing. */
static FILE *create_file(const char *path, mode_t mode, struct jy_error *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;

	if (f == NULL) {
		jy_set_error(err, JIANYI__STATUS_CODE__STATUS_INTERNAL,
			     _("cannot create %s: %s"), path, strerror(errno));
		if (fd >= 0)
			close(fd);
	}
	return f;
}

static bool finish_file(FILE *f, bool ok, const char *path, struct jy_error *err)
{
	if (fclose(f) != 0)
		ok = false;
	if (!ok)
		jy_set_error(err, JIANYI__STATUS_CODE__STATUS_INTERNAL, _("cannot write %s"), path);
	return ok;
}

static bool write_text(const char *path, mode_t mode, const char *text, struct jy_error *err)
{
	FILE *f = create_file(path, mode, err);
	return f != NULL && finish_file(f, fputs(text, f) >= 0, path, err);
}

/* The key first, before the code is used: should writing fail later, the
 * certificate is not left without its key. */
static bool write_key(const char *path, EVP_PKEY *key, struct jy_error *err)
{
	FILE *f = create_file(path, 0600, err);
	return f != NULL &&
	       finish_file(f, PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL) == 1, path, err);
}

static bool copy_file(const char *from, const char *to, struct jy_error *err)
{
	char buf[65536];
	FILE *in = fopen(from, "r");
	size_t n = in != NULL ? fread(buf, 1, sizeof buf - 1, in) : 0;
	bool ok = in != NULL && !ferror(in) && feof(in);

	if (in != NULL)
		fclose(in);
	if (!ok) {
		jy_set_error(err, JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT,
			     _("cannot read CA certificate file '%s'"), from);
		return false;
	}
	buf[n] = '\0';
	return write_text(to, 0644, buf, err);
}

/* A request for key, signed with it. Its subject is a placeholder: the
 * server names the certificate after the code's account. */
static bool make_csr(EVP_PKEY *key, unsigned char **der, int *len)
{
	X509_REQ *req = X509_REQ_new();
	X509_NAME *name = X509_NAME_new();
	bool ok = req != NULL && name != NULL &&
		  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
					     (const unsigned char *)"jianyi enrollment", -1, -1, 0) == 1 &&
		  X509_REQ_set_subject_name(req, name) == 1 && X509_REQ_set_pubkey(req, key) == 1 &&
		  X509_REQ_sign(req, key, NULL) > 0;

	*der = NULL;
	*len = ok ? i2d_X509_REQ(req, der) : -1;
	X509_NAME_free(name);
	X509_REQ_free(req);
	return *len > 0;
}

/* Sends the request and takes the EnrollResponse (*env, to free). */
static bool call_enroll(const struct jy_enroll_options *o, unsigned char *der, int len,
			Jianyi__Envelope **env, struct jy_error *err)
{
	struct jy_client_options co = { .server = o->server, .ca_file = o->ca_file,
					.server_name = o->server_name, .timeout_ms = o->timeout_ms,
					.no_resume = true };
	Jianyi__Request req = JIANYI__REQUEST__INIT;
	Jianyi__EnrollRequest er = JIANYI__ENROLL_REQUEST__INIT;
	struct jy_client *c = jy_connect_anonymous(&co, err);
	bool ok;

	*env = NULL;
	if (c == NULL)
		return false;
	er.code = (char *)o->code;
	er.csr_der.data = der;
	er.csr_der.len = (size_t)len;
	req.body_case = JIANYI__REQUEST__BODY_ENROLL;
	req.enroll = &er;
	ok = jy_call(c, &req, env, err);
	jy_close(c);
	if (ok && ((*env)->response->body_case != JIANYI__RESPONSE__BODY_ENROLL ||
		   !*(*env)->response->enroll->certificate_pem)) {
		jy_set_error(err, JIANYI__STATUS_CODE__STATUS_INTERNAL,
			     _("protocol error from %s: the answer to the enrollment has no certificate"),
			     o->server);
		ok = false;
	}
	return ok;
}

static bool write_results(const struct jy_enroll_options *o, const struct paths *ps,
			  const Jianyi__EnrollResponse *r, struct jy_error *err)
{
	char ini[PATH_MAX + 256];

	snprintf(ini, sizeof ini,
		 "# Made by 'jianyi enroll' for %s: jianyi --config %s ...\n"
		 "[client]\nserver = %s\ncert = client.crt\nkey = client.key\nca = ca.crt\n",
		 r->login, ps->p[F_INI], o->server);
	return write_text(ps->p[F_CERT], 0644, r->certificate_pem, err) &&
	       copy_file(o->ca_file, ps->p[F_CA], err) &&
	       write_text(ps->p[F_ISSUING], 0644, r->ca_chain_pem, err) &&
	       write_text(ps->p[F_INI], 0644, ini, err);
}

bool jy_enroll(const struct jy_enroll_options *opts, struct jy_enroll_result *result,
	       struct jy_error *err)
{
	struct paths ps;
	EVP_PKEY *key = NULL;
	unsigned char *der = NULL;
	Jianyi__Envelope *env = NULL;
	bool key_written = false, issued = false, ok = false;
	int len;

	if (!check_options(opts, err) || !prepare_dir(opts->out_dir, &ps, err))
		return false;
	key = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	if (key == NULL || !make_csr(key, &der, &len)) {
		jy_set_error(err, JIANYI__STATUS_CODE__STATUS_INTERNAL,
			     _("cannot make a key and its certificate request"));
		goto done;
	}
	if (!(key_written = write_key(ps.p[F_KEY], key, err)) ||
	    !(issued = call_enroll(opts, der, len, &env, err)) ||
	    !write_results(opts, &ps, env->response->enroll, err))
		goto done;
	if (result != NULL) {
		const Jianyi__EnrollResponse *r = env->response->enroll;
		snprintf(result->login, sizeof result->login, "%s", r->login);
		snprintf(result->cert_sha256, sizeof result->cert_sha256, "%s", r->certificate_sha256);
		snprintf(result->not_after, sizeof result->not_after, "%s", r->not_after);
		snprintf(result->config_file, sizeof result->config_file, "%s", ps.p[F_INI]);
	}
	ok = true;
done:
	/* Refused: the key is of no use, and would block a retry. */
	if (key_written && !issued)
		unlink(ps.p[F_KEY]);
	ERR_clear_error();
	jy_envelope_free(env);
	OPENSSL_free(der);
	EVP_PKEY_free(key);
	return ok;
}
