/* jianyi attach, attachments and download: files on a case and its records,
 * sent and fetched in chunks that resume after a cut link (libjianyi's
 * jy_upload_file / jy_download_file; docs/WORKFLOW.md "Attachments"). */
#ifndef JY_CLI_ATTACH_H
#define JY_CLI_ATTACH_H

#include "cli_commands.h"

extern const struct cli_option cli_attach_options[];
extern const struct cli_option cli_download_options[];

int cli_run_attach(const struct cli_invocation *inv);
int cli_run_attachments(const struct cli_invocation *inv);
int cli_run_download(const struct cli_invocation *inv);

#endif
