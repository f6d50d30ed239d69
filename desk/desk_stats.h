/* The page 统计 for the liaison committee and the leaders: the measures of
 * README.md "Statistics" over every case (StatsRequest, as "jianyi stats"
 * gives them), the first replies' result classes and two measures per
 * unit as bar charts (desk_chart.h), and 导出台账, the ledger to XLSX or
 * CSV (desk_ledger_export.h). */
#ifndef JY_DESK_STATS_H
#define JY_DESK_STATS_H

#include <gtk/gtk.h>

#include "desk_ledger_export.h"
#include "desk_link.h"

struct desk_stats;

struct desk_stats *desk_stats_new(struct desk_link *link);
GtkWidget *desk_stats_widget(struct desk_stats *s);
/* Its 导出台账, for the window to give it the case list's filters. */
struct desk_ledger_export *desk_stats_ledger_export(struct desk_stats *s);
/* Asks the server for the figures again. */
void desk_stats_reload(struct desk_stats *s);
void desk_stats_free(struct desk_stats *s);

/* Whether the signed-in roles see the congress's whole record (jy_stats'
 * liaison, government office, committees, leaders, admin): they get the
 * pages 统计 and 督办 (docs/DESK.md). */
bool desk_stats_for(const Jianyi__Identity *who);

#endif
