/* export: the handling ledger (台账) as CSV (RFC 4180, UTF-8 with a byte
 * order mark) or XLSX (libxlsxwriter), paged from the server's
 * LedgerRequest and written page by page. */
#ifndef JY_CLI_EXPORT_H
#define JY_CLI_EXPORT_H

#include "cli_commands.h"

extern const struct cli_option cli_export_options[];

int cli_run_export(const struct cli_invocation *inv);

#endif
