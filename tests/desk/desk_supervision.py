#!/usr/bin/python3
"""jianyi-desk's pages for the liaison committee, signed in as the liaison
officer: 督办 shows the overdue row (the unit that owes the reply, the
case, the days overdue) and the supervision record; 统计 shows the figures
the server gave the test (DESK_TOTAL, DESK_ON_TIME) and a chart of the
first replies' classes whose accessible description gives its figures
(DESK_CLASSES); 导出台账 writes the ledger to DESK_XLSX through the save
dialog, with a progress bar, and the file holds DESK_LEDGER_ROWS rows and
the header. Every screen must fit 1366x768. Run by test_desk_supervision.c
under xvfb-run and dbus-run-session."""
import os
import sys
import time
import zipfile

import desk_atspi as d
from desk_atspi import fail, named, starts, step, wait_for

EXE = os.environ["DESK_EXE"]
OVERDUE_TITLE = os.environ["DESK_OVERDUE_TITLE"]
OVERDUE_UNIT = os.environ["DESK_OVERDUE_UNIT"]
OVERDUE_DAYS = int(os.environ["DESK_OVERDUE_DAYS"])
TOTAL = os.environ["DESK_TOTAL"]
ON_TIME = os.environ["DESK_ON_TIME"]
CLASSES = os.environ["DESK_CLASSES"]
XLSX = os.environ["DESK_XLSX"]
LEDGER_ROWS = int(os.environ["DESK_LEDGER_ROWS"])


def label_starting(text):
    return lambda n: n.roleName == "label" and (n.name or "").startswith(text)


def supervision_step(page):
    """督办: the overdue row and the supervision record."""
    overdue = wait_for(page, "the overdue list", named("list", "逾期事项"))
    row = wait_for(overdue, "the overdue case's row", lambda n: n.roleName == "list item"
                   and OVERDUE_TITLE in (n.name or ""))
    for what in (OVERDUE_UNIT, "已逾期%d天" % OVERDUE_DAYS):
        if what not in row.name:
            fail("the overdue row %r does not say %s" % (row.name, what))
    wait_for(row, "the row's unit", named("label", OVERDUE_UNIT))
    wait_for(row, "the row's days overdue", named("label", "已逾期%d天" % OVERDUE_DAYS))
    step("the overdue row: " + row.name)
    records = wait_for(page, "the supervision records", named("list", "督办记录"))
    record = wait_for(records, "the supervision record", lambda n: n.roleName == "list item"
                      and OVERDUE_TITLE in (n.name or "") and "督办意见" in (n.name or ""))
    step("the supervision record: " + record.name)
    d.screenshot("desk-supervision")
    d.check_on_screen("the page 督办", [row])


def expected_description():
    figures = []
    for pair in CLASSES.split(","):
        name, count = pair.split("=")
        figures.append("%s类 %s" % (name, count))
    return "首次答复类别：" + "；".join(figures)


def stats_step(page):
    """统计: the figures as the server says, the chart's description."""
    total = wait_for(page, "the figure 登记建议", label_starting("登记建议："))
    wait_for(page, "the total from the server", named("label", "登记建议：" + TOTAL))
    wait_for(page, "the on-time rate from the server", named("label", "按时答复率：" + ON_TIME))
    step("the figures agree with the server: %s, 按时答复率：%s" % (total.name, ON_TIME))
    chart = wait_for(page, "the classes' chart", lambda n: n.name == "首次答复类别"
                     and n.roleName != "label")
    want = expected_description()
    deadline = time.monotonic() + d.WAIT_S
    while chart.description != want and time.monotonic() < deadline:
        time.sleep(0.3)
    if chart.description != want:
        fail("the chart's description is %r, not %r" % (chart.description, want))
    step("the chart reads: " + chart.description)
    d.screenshot("desk-stats")
    d.check_on_screen("the page 统计", [chart, total])


def xlsx_rows(path):
    """The rows of the workbook's first sheet (openpyxl when installed)."""
    try:
        import openpyxl
        return openpyxl.load_workbook(path, read_only=True).worksheets[0].max_row
    except ImportError:
        with zipfile.ZipFile(path) as z:
            return z.read("xl/worksheets/sheet1.xml").decode().count("<row ")


def export_step(app, page):
    """导出台账: the save dialog, the progress, the file."""
    button = wait_for(page, "the export button", starts("push button", "导出台账"))
    d.press(button)
    dialog = wait_for(app, "the save dialog", lambda n: n.name == "导出台账"
                      and n.roleName not in ("push button", "label"))
    time.sleep(1.0)
    location = wait_for(dialog, "the save dialog's name", lambda n: n.roleName == "text"
                        and n.focused)
    d.set_text(location, XLSX)
    d.press(wait_for(dialog, "the save dialog's save button", starts("push button", "保存")))
    done = wait_for(page, "the export's end", label_starting("台账已导出到"))
    bar = wait_for(page, "the export's progress bar", lambda n: n.roleName == "progress bar")
    try:
        value = bar.queryValue()
        if value.currentValue != value.maximumValue:
            fail("the progress bar stands at %s of %s after the export"
                 % (value.currentValue, value.maximumValue))
    except NotImplementedError:  # no Value interface on this GTK: the message says it
        pass
    step(done.name)
    if not os.path.exists(XLSX):
        fail("the desk says it exported, but %s is not there" % XLSX)
    rows = xlsx_rows(XLSX)
    if rows != LEDGER_ROWS + 1:
        fail("%s has %d rows, not the ledger's %d and the header" % (XLSX, rows, LEDGER_ROWS))
    step("the XLSX holds %d rows and the header" % LEDGER_ROWS)
    d.check_on_screen("the export's message", [done, button])


def main():
    app = d.start(EXE)
    wait_for(app, "the connected status", named("label", "已连接", exact=False))
    tabs = {name: wait_for(app, "the page switcher's " + name, named("page tab", name))
            for name in ("督办", "统计")}
    stack = wait_for(app, "the page 待办", named("panel", "待办")).parent
    pages = {p.name: p for p in stack.children}
    d.press(tabs["督办"])
    supervision_step(pages["督办"])
    d.press(tabs["统计"])
    stats_step(pages["统计"])
    export_step(app, pages["统计"])
    d.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
