/* LedgerRequest: the handling ledger (台账), one row per suggestion the
 * viewer may see, filtered like ListSuggestions, in pages of up to
 * LEDGER_MAX rows (the client's "jianyi export" writes them to CSV/XLSX). */
#ifndef JY_HANDLERS_LEDGER_H
#define JY_HANDLERS_LEDGER_H

#include "session.h"

#define LEDGER_DEFAULT 500
#define LEDGER_MAX 1000

void handle_ledger(struct request *req, const Jianyi__Request *body);

#endif
