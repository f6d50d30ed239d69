/* Start-up work on the database before the event loop runs: connect once
 * (blocking is fine here), apply migrations, report the schema version. */
#ifndef JY_BOOTSTRAP_H
#define JY_BOOTSTRAP_H

#include <stdbool.h>
#include <stddef.h>

bool bootstrap_database(const char *conninfo, unsigned lock_timeout_s, char *err, size_t errlen);

#endif
