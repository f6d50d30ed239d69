/* What the desk tests share: whether the real desk can be driven here
 * (built, Xvfb, a D-Bus session, dogtail), the Python that drives it, and
 * the exit code that skips. */
#ifndef JY_DESK_RUNNER_H
#define JY_DESK_RUNNER_H

#define DESK_PYTHON "/usr/bin/python3"   /* Debian's, where python3-dogtail is */
#define DESK_SKIP 77

/* Whether a shell command exits 0. */
int desk_sh_ok(const char *cmd);

/* Why the desk cannot be driven here, or NULL when it can. */
const char *desk_missing(void);

#endif
