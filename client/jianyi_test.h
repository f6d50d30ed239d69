/* libjianyi's test hooks: for the project's own tests only. They are not in
 * the shared library nor installed; the tests link libjianyi's static
 * variant (client/meson.build, client_internal_dep) to reach them. */
#ifndef LIBJIANYI_TEST_H
#define LIBJIANYI_TEST_H

#include "jianyi.h"

/* For tests of hostile input: writes raw bytes on the TLS connection. */
bool jy_send_raw(struct jy_client *c, const void *buf, size_t len, struct jy_error *err);

#endif
