/* Status codes (the proto enum Jianyi__StatusCode) and their names. */
#ifndef JY_STATUS_H
#define JY_STATUS_H

#include <stdbool.h>
#include "jianyi.pb-c.h"

/* "ok", "invalid_argument", ... ; "unknown" for anything else. */
const char *jy_status_name(int code);
/* Whether a request that got this code may be retried unchanged. */
bool jy_status_retryable(int code);

#endif
