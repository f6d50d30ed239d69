/* "jianyid admin ...": offline administration that talks to the database
 * directly (blocking libpq; never runs inside the event loop). Creates the
 * first administrator on a fresh deployment, binds certificates to accounts,
 * revokes them, loads organizations and deputies. */
#ifndef JY_ADMIN_H
#define JY_ADMIN_H

#include "config.h"

/* argv[0] is the admin subcommand. Returns the process exit status. */
int admin_main(int argc, char **argv, struct jy_config *cfg);

#endif
