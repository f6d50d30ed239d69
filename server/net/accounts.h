/* Mapping a client certificate to its account, through the database. */
#ifndef JY_ACCOUNTS_H
#define JY_ACCOUNTS_H

#include <stdbool.h>
#include "db.h"
#include "session.h"

enum lookup_verdict {
	LOOKUP_OK,
	LOOKUP_UNKNOWN,      /* no account has this certificate */
	LOOKUP_REVOKED,
	LOOKUP_DISABLED,
	LOOKUP_EXPIRED,
	LOOKUP_UNAVAILABLE,  /* database unreachable: retryable */
	LOOKUP_ERROR,
};

/* Called once with the verdict; who is filled for LOOKUP_OK (caller owns it). */
typedef void (*identity_cb)(enum lookup_verdict v, struct identity *who,
			    const char *detail, void *arg);

bool accounts_lookup(struct db_pool *db, const char *cert_sha256, identity_cb cb, void *arg)
	__attribute__((warn_unused_result));
const char *lookup_verdict_str(enum lookup_verdict v);
/* The verdict as a refusal's reason (docs/WORKFLOW.md "Reasons"). */
const char *lookup_verdict_reason(enum lookup_verdict v);

#endif
