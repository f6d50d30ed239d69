/* EnrollRequest (docs/ARCHITECTURE.md "Enrollment"): a one-time code and a
 * certificate request in, a certificate bound to the code's account out. */
#ifndef JY_HANDLERS_ENROLL_H
#define JY_HANDLERS_ENROLL_H

#include "session.h"

void handle_enroll(struct request *req, const Jianyi__Request *body);

#endif
