/* Opening a case from any page: the window shows it in the case view. */
#ifndef JY_DESK_OPEN_H
#define JY_DESK_OPEN_H

#include <stdint.h>

typedef void (*desk_open_fn)(int64_t suggestion_id, void *user);

#endif
