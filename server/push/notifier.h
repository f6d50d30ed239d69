/* The external notifier: hands each notice delivery (one per notice and
 * recipient, table notice_deliveries of migration 0008) to a configured
 * command, for an SMS gateway or mail.
 *
 * The command ([notifier] command, an absolute path checked at start-up)
 * runs without a shell, one delivery at a time, with the notice's fields in
 * its environment (JIANYI_NOTICE_ID, JIANYI_KIND, JIANYI_DEADLINE_KIND,
 * JIANYI_SUGGESTION_ID, JIANYI_NUMBER, JIANYI_TITLE, JIANYI_DUE,
 * JIANYI_DAYS_BEFORE, JIANYI_RECIPIENT_LOGIN, JIANYI_RECIPIENT_NAME,
 * JIANYI_RECIPIENT_PHONE, JIANYI_TEXT, JIANYI_DELIVERY_ID, JIANYI_ATTEMPT)
 * and stdin from /dev/null. Exit status 0 means delivered; anything else,
 * or running past timeout_seconds (then its process group is killed), is a
 * failure: logged with the first line of its output, retried after
 * retry_seconds, doubling up to max_retry_seconds, never dropped.
 *
 * A delivery is claimed in the database with a lease (timeout + a margin),
 * so several jianyid never run it at once, and one left claimed by a
 * process that died is taken again when the lease ends. The loop never
 * waits: the child is watched through SIGCHLD (evsignal) and a pipe for its
 * output, the database through the async pool. */
#ifndef JY_NOTIFIER_H
#define JY_NOTIFIER_H

#include <stdint.h>

#define NOTIFIER_LEASE_MARGIN_S 10
#define NOTIFIER_POLL_MAX_S 10

struct jy_net;
struct notifier;

/* NULL when no command is configured (every call below accepts NULL). */
struct notifier *notifier_new(struct jy_net *net);
/* Watches SIGCHLD and starts polling for due deliveries. */
void notifier_start(struct notifier *n);
/* Looks for due deliveries now (new notices were raised). */
void notifier_kick(struct notifier *n);
/* After the pool is freed: kills a command still running (its delivery is
 * retried elsewhere or after a restart once the lease ends). */
void notifier_free(struct notifier *n);

struct notifier_stats {
	uint64_t runs, delivered, failed, stale;
};
void notifier_get_stats(const struct notifier *n, struct notifier_stats *out);

#endif
