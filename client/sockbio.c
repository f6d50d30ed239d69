/* A socket BIO that never raises SIGPIPE (see sockbio.h). */
#include "sockbio.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

static BIO_METHOD *nosig_method;
static pthread_once_t nosig_once = PTHREAD_ONCE_INIT;

static int nosig_fd(BIO *b)
{
	return (int)(intptr_t)BIO_get_data(b);
}

static bool errno_is_retry(void)
{
	return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
}

static int nosig_write(BIO *b, const char *buf, int len)
{
	ssize_t n = send(nosig_fd(b), buf, (size_t)len, MSG_NOSIGNAL);

	BIO_clear_retry_flags(b);
	if (n < 0 && errno_is_retry())
		BIO_set_retry_write(b);
	return (int)n;
}

static int nosig_read(BIO *b, char *buf, int len)
{
	ssize_t n = recv(nosig_fd(b), buf, (size_t)len, 0);

	BIO_clear_retry_flags(b);
	if (n < 0 && errno_is_retry())
		BIO_set_retry_read(b);
	else if (n == 0)
		/* lets OpenSSL tell an EOF from an error (BIO_eof) */
		BIO_set_flags(b, BIO_FLAGS_IN_EOF);
	return (int)n;
}

static long nosig_ctrl(BIO *b, int cmd, long num, void *ptr)
{
	(void)num;
	(void)ptr;
	switch (cmd) {
	case BIO_CTRL_FLUSH:
		return 1;   /* nothing is buffered here */
	case BIO_CTRL_EOF:
		return BIO_test_flags(b, BIO_FLAGS_IN_EOF) != 0;
	default:
		return 0;
	}
}

static void nosig_init(void)
{
	/* One method for the whole process: BIO type indexes are few (~127). */
	int type = BIO_get_new_index() | BIO_TYPE_SOURCE_SINK;
	BIO_METHOD *m = BIO_meth_new(type, "jianyi socket");

	if (m == NULL || !BIO_meth_set_write(m, nosig_write) ||
	    !BIO_meth_set_read(m, nosig_read) || !BIO_meth_set_ctrl(m, nosig_ctrl)) {
		BIO_meth_free(m);
		return;
	}
	nosig_method = m;
}

BIO *jy_sockbio_new(int fd)
{
	BIO *b;

	pthread_once(&nosig_once, nosig_init);
	if (nosig_method == NULL || (b = BIO_new(nosig_method)) == NULL)
		return NULL;
	BIO_set_data(b, (void *)(intptr_t)fd);
	BIO_set_init(b, 1);
	return b;
}
