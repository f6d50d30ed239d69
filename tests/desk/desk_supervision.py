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
from dogtail import rawinput
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
RECORD_NUMBER = os.environ["DESK_RECORD_NUMBER"]
RECORD_TITLE = os.environ["DESK_RECORD_TITLE"]
RECORD_TEXT = os.environ["DESK_RECORD_TEXT"]
TOPIC = os.environ["DESK_TOPIC"]
TOPIC_LEADERS = os.environ["DESK_TOPIC_LEADERS"]
TOPIC_WORDS = os.environ["DESK_TOPIC_WORDS"]
NOMINEE_NUMBER = os.environ["DESK_NOMINEE_NUMBER"]
NOMINEE_TITLE = os.environ["DESK_NOMINEE_TITLE"]
SCORE = os.environ["DESK_SCORE"]


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


def env_of(words):
    env = dict(os.environ)
    for word in words.split():
        name, _, value = word.partition("=")
        env[name] = value
    return env


def desk_pages(env=None):
    """A desk (signed in as env says, else the liaison officer): its pages."""
    app = d.start(EXE, env)
    wait_for(app, "the connected status", named("label", "已连接", exact=False))
    tab = wait_for(app, "the page switcher's 督办", named("page tab", "督办"))
    stack = wait_for(app, "the page 待办", named("panel", "待办")).parent
    d.press(tab)
    return app, {p.name: p for p in stack.children}


def field(root, name):
    return wait_for(root, "the field " + name, lambda n: n.roleName in ("text", "entry")
                    and (n.name or "").startswith(name))


def message(root, what, text):
    return wait_for(root, what, named("label", text, exact=False))


def open_form(page, button, send_name):
    """Opens a form of the page; its card (the send button's row's parent)
    and its send button. The page's forms share field names: each is
    searched within its card."""
    d.press(wait_for(page, "the button " + button, starts("push button", button)))
    send = wait_for(page, "the form's send button " + send_name, starts("push button", send_name))
    return send.parent.parent, send


def pick_case(form, text, title):
    """The form's case, by its number or words of its title, and the case
    it finds (its number, title and state under the field)."""
    d.set_text(field(form, "建议编号或标题"), text)
    wait_for(form, "the case found for " + text, lambda n: n.roleName == "label"
             and title in (n.name or "") and (n.name or "").endswith("）"))


def record_step(app, pages):
    """记录督办 on a case by its number: on the page, in its timeline."""
    page = pages["督办"]
    form, send = open_form(page, "记录督办", "保存督办记录")
    d.press(send)
    message(form, "the empty form refused", "请填写建议编号或标题")
    step("an empty 记录督办 is refused by the form")
    pick_case(form, RECORD_NUMBER, RECORD_TITLE)
    d.set_text(field(form, "督办情况"), RECORD_TEXT)
    d.screenshot("desk-supervise-form")
    d.check_on_screen("the form 记录督办", [send])
    d.press(send)
    message(form, "the supervision taken", "督办已记录")
    records = wait_for(page, "the supervision records", named("list", "督办记录"))
    row = wait_for(records, "the new record", lambda n: n.roleName == "list item"
                   and RECORD_TEXT in (n.name or "") and RECORD_TITLE in (n.name or ""))
    step("the record is listed: " + row.name)
    d.press(row)
    case = pages["建议详情"]
    wait_for(case, "the case " + RECORD_TITLE, named("label", RECORD_TITLE))
    timeline = wait_for(case, "the timeline", named("list", "办理过程"))
    wait_for(timeline, "the record in the case's timeline", label_containing(RECORD_TEXT))
    step("the case's timeline has the record")
    d.press(wait_for(app, "the page switcher's 督办", named("page tab", "督办")))


def label_containing(text):
    return lambda n: n.roleName == "label" and text in (n.name or "")


def topic_step(page):
    """新建专题, then two key cases into it; a case that is not key refused."""
    form, send = open_form(page, "新建专题", "创建专题")
    d.set_text(field(form, "专题名称"), TOPIC)
    d.set_text(field(form, "领衔领导"), TOPIC_LEADERS)
    d.press(send)
    message(form, "the topic created", "专题已创建")
    topics = wait_for(page, "the topics", named("list", "重点督办专题"))
    wait_for(topics, "the new topic", lambda n: n.roleName == "list item"
             and (n.name or "").startswith(TOPIC))
    step("the topic is created")
    form, send = open_form(page, "专题加入/移出建议", "保存专题建议")
    d.set_text(field(form, "选择专题"), TOPIC)
    pick_case(form, RECORD_NUMBER, RECORD_TITLE)
    d.press(send)
    message(form, "the server's refusal of a case that is not key", "不是重点建议")
    step("a case that is not key is refused by the server, in Chinese")
    pick_case(form, TOPIC_WORDS, OVERDUE_TITLE)
    d.press(send)
    message(form, "the first case added", "专题建议已更新")
    pick_case(form, NOMINEE_NUMBER, NOMINEE_TITLE)
    d.press(send)
    row = wait_for(topics, "the topic with its leaders and two cases",
                   lambda n: n.roleName == "list item" and (n.name or "").startswith(TOPIC)
                   and TOPIC_LEADERS in (n.name or "") and "：2 件" in (n.name or ""))
    d.screenshot("desk-topic")
    d.check_on_screen("the form 专题加入/移出建议", [send])
    step("the topic lists two cases: " + row.name)


def nominate_step(page):
    form, send = open_form(page, "推荐", "确认推荐")
    pick_case(form, NOMINEE_NUMBER, NOMINEE_TITLE)
    d.set_text(field(form, "推荐理由"), "建议切实可行，办理成效明显")
    d.press(send)
    message(form, "the nomination taken", "已推荐")
    excellent = wait_for(page, "the excellent suggestions", named("list", "优秀建议"))
    wait_for(excellent, "the nominee listed", lambda n: n.roleName == "list item"
             and NOMINEE_TITLE in (n.name or ""))
    step("the case is nominated")


def score_step(page):
    form, send = open_form(page, "评分", "确认评分")
    pick_case(form, NOMINEE_NUMBER, NOMINEE_TITLE)
    d.set_text(field(form, "评分（1"), "一百")
    d.press(send)
    message(form, "a score in words refused", "“一百”不是 1 到 100 之间的整数")
    d.set_text(field(form, "评分（1"), SCORE)
    d.check_on_screen("the form 评分", [send])
    d.press(send)
    message(form, "the score taken", "评分已记录")
    excellent = wait_for(page, "the excellent suggestions", named("list", "优秀建议"))
    wait_for(excellent, "the score in the list", lambda n: n.roleName == "list item"
             and NOMINEE_TITLE in (n.name or "") and ("平均分 %s.00" % SCORE) in (n.name or ""))
    step("the leader scored it %s" % SCORE)


def announce_step(app, page):
    """公布, opened with its key (Ctrl+Shift+P): the form shows its tab."""
    tab = wait_for(app, "the page switcher's 督办", named("page tab", "督办"))
    # GTK 4.8 names a notebook's tabs 标签页; the tab's label says which
    excellent_tab = wait_for(page, "the tab 优秀建议", lambda n: n.roleName == "page tab"
                             and any(c.name == "优秀建议" for c in n.children))
    if excellent_tab.selected:
        fail("the tab 优秀建议 is already shown before Ctrl+Shift+P")
    x, y, w, h = d.extents(tab)
    rawinput.click(x + w // 2, y + h // 2)  # the pointer, hence the keys, on the desk
    rawinput.keyCombo("<Control><Shift>p")
    deadline = time.monotonic() + d.WAIT_S
    while not excellent_tab.selected and time.monotonic() < deadline:
        time.sleep(0.3)
    if not excellent_tab.selected:
        fail("Ctrl+Shift+P did not open the announcement's form on its tab")
    step("Ctrl+Shift+P opened the announcement's form")
    send = wait_for(page, "the form's send button 确认公布", starts("push button", "确认公布"))
    form = send.parent.parent
    d.set_text(field(form, "评出件数"), "1")
    d.press(send)
    message(form, "the announcement taken", "评选结果已公布")
    excellent = wait_for(page, "the excellent suggestions", named("list", "优秀建议"))
    row = wait_for(excellent, "the first of the selection", lambda n: n.roleName == "list item"
                   and (n.name or "").startswith("第1名") and NOMINEE_TITLE in (n.name or ""))
    message(page, "the round announced", "（已公布）")
    d.screenshot("desk-excellent")
    d.check_on_screen("the announced selection", [row])
    step("the round is announced: " + row.name)


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
    d.press(tabs["督办"])
    record_step(app, pages)
    topic_step(pages["督办"])
    nominate_step(pages["督办"])
    d.stop()
    app, pages = desk_pages(env_of(os.environ["DESK_LEADER_ENV"]))
    score_step(pages["督办"])
    d.stop()
    app, pages = desk_pages()
    announce_step(app, pages["督办"])
    d.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
