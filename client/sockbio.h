/* A socket BIO that never raises SIGPIPE. OpenSSL's own socket BIO writes
 * with write(2): a server that has gone away would kill the whole process
 * with SIGPIPE, and a library must not change the process's signal
 * handling. This one writes with send(MSG_NOSIGNAL) instead. */
#ifndef JY_CLIENT_SOCKBIO_H
#define JY_CLIENT_SOCKBIO_H

#include <openssl/bio.h>

/* A BIO on fd, which it does not close (the caller does). NULL when OpenSSL
 * is out of memory. */
BIO *jy_sockbio_new(int fd);

#endif
