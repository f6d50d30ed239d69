/* The migrations embedded in the binary: generated at build time by
 * embed_sql.py from server/migrations/NNNN_name.sql, sorted by version,
 * numbered 1..jy_migrations_count without gaps (the build checks). */
#ifndef JY_MIGRATIONS_H
#define JY_MIGRATIONS_H

#include <stddef.h>

struct migration {
	int version;        /* NNNN from the file name */
	const char *name;   /* the file name without .sql, e.g. "0001_foundation" */
	const char *sql;    /* the whole file */
};

extern const struct migration jy_migrations[];
extern const size_t jy_migrations_count;

#endif
