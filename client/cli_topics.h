/* The supervising side's commands: "jianyi topic" (key-supervision topics,
 * 重点督办专题), "jianyi excellent" (the annual excellent suggestions, 优秀建议)
 * and "jianyi supervise", which records supervision on a case (an ActRequest,
 * cli_workflow.c) or, as "supervise list", lists the records. Rows in
 * cli_commands.c. */
#ifndef JY_CLI_TOPICS_H
#define JY_CLI_TOPICS_H

#include "cli_commands.h"

extern const struct cli_option cli_topic_options[];
extern const struct cli_option cli_excellent_options[];

int cli_run_topic(const struct cli_invocation *inv);
int cli_run_excellent(const struct cli_invocation *inv);
/* "supervise list [filters]" lists; "supervise ID --kind K ..." records. */
int cli_run_supervise(const struct cli_invocation *inv);

#endif
