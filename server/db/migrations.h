/* The SQL embedded in the binary, generated at build time by embed_sql.py
 * from server/sql/ (docs/WORKFLOW.md "Where the SQL lives"):
 * jy_migrations, the versioned schema (schema/NNNN_name.sql), numbered
 * 1..jy_migrations_count without gaps, applied once each; jy_repeatables,
 * the functions, views and triggers (functions/NN_name.sql), numbered from
 * 0, applied again whenever their text changes. The build checks that every
 * function and view is defined once in the tree. */
#ifndef JY_MIGRATIONS_H
#define JY_MIGRATIONS_H

#include <stddef.h>

struct migration {
	int version;          /* NNNN (or NN) from the file name */
	const char *name;     /* the file name without .sql, e.g. "0001_foundation" */
	const char *checksum; /* SHA-256 of the file's text, 64 hex digits */
	const char *sql;      /* the whole file */
};

extern const struct migration jy_migrations[];
extern const size_t jy_migrations_count;
extern const struct migration jy_repeatables[];
extern const size_t jy_repeatables_count;

#endif
