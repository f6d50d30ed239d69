#include "status.h"

const char *jy_status_name(int code)
{
	switch (code) {
	case JIANYI__STATUS_CODE__STATUS_OK: return "ok";
	case JIANYI__STATUS_CODE__STATUS_INVALID_ARGUMENT: return "invalid_argument";
	case JIANYI__STATUS_CODE__STATUS_NOT_FOUND: return "not_found";
	case JIANYI__STATUS_CODE__STATUS_PERMISSION_DENIED: return "permission_denied";
	case JIANYI__STATUS_CODE__STATUS_FAILED_PRECONDITION: return "failed_precondition";
	case JIANYI__STATUS_CODE__STATUS_CONFLICT: return "conflict";
	case JIANYI__STATUS_CODE__STATUS_UNAVAILABLE: return "unavailable";
	case JIANYI__STATUS_CODE__STATUS_RESOURCE_EXHAUSTED: return "resource_exhausted";
	case JIANYI__STATUS_CODE__STATUS_UNAUTHENTICATED: return "unauthenticated";
	case JIANYI__STATUS_CODE__STATUS_INTERNAL: return "internal";
	case JIANYI__STATUS_CODE__STATUS_DEADLINE_EXCEEDED: return "deadline_exceeded";
	case JIANYI__STATUS_CODE__STATUS_UNIMPLEMENTED: return "unimplemented";
	default: return "unknown";
	}
}

bool jy_status_retryable(int code)
{
	return code == JIANYI__STATUS_CODE__STATUS_UNAVAILABLE ||
	       code == JIANYI__STATUS_CODE__STATUS_RESOURCE_EXHAUSTED ||
	       code == JIANYI__STATUS_CODE__STATUS_DEADLINE_EXCEEDED;
}
