#!/usr/bin/python3
"""jianyi-desk offline (docs/DESK.md, "Offline, with a mirror"), driven
through its accessibility tree (dogtail) as the liaison officer whose
mirror the CLI synced: the desk starts with the link cut (desk_relay.py),
so that everything it shows comes from the mirror. The to-do list is the
mirror's (its rows, and a line saying so); the case opens from it, and its
attachment saved as (另存为) is read from the mirror's bytes; the case is
returned for revision (the write waits in the outbox), but the CLI
registered it on the server after the mirror's sync: when the link is back
the server refuses the queued write, and it is dropped from the desk after
the question. Then the case list is searched and the ledger exported from
统计 as CSV with that search (the dialog says so). Run by
test_desk_offline.c under xvfb-run and dbus-run-session; it reads
DESK_EXE, DESK_ENV (the liaison's environment words, with JIANYI_MIRROR),
DESK_TITLE (the submitted case), DESK_TODO_N (the server's count of to-do
items at the sync), DESK_PDF_NAME, DESK_SAVED (where the attachment is
saved), DESK_SEARCH, DESK_FOUND (how many cases it finds), DESK_CSV (the
export), DESK_SHOTS and DESK_SCALE. Exit 0 when every check held."""
import os
import sys
import time

import desk_atspi as d
from dogtail import rawinput
from desk_atspi import named, press, starts, wait_for
from desk_relay import Relay

EXE = os.environ["DESK_EXE"]
ENV = os.environ["DESK_ENV"]
TITLE = os.environ["DESK_TITLE"]
TODO_N = int(os.environ["DESK_TODO_N"])
PDF_NAME = os.environ["DESK_PDF_NAME"]
SAVED = os.environ["DESK_SAVED"]
SEARCH = os.environ["DESK_SEARCH"]
FOUND = int(os.environ["DESK_FOUND"])
CSV = os.environ["DESK_CSV"]


STARTED = time.monotonic()


def step(message):
    d.step("%5.1f s: %s" % (time.monotonic() - STARTED, message))


def label_starting(text):
    return lambda n: n.roleName == "label" and (n.name or "").startswith(text)


def todo_step(todo):
    """The mirror's to-do list: its rows, and the line that says so."""
    wait_for(todo, "the mirror's note", named("label", "离线：这是镜像中的待办副本", exact=False))
    wait_for(todo, "the count of the server's items", named("label", "共 %d 项待办" % TODO_N,
                                                            exact=False))
    row = wait_for(todo, "the case's to-do row", lambda n: n.roleName == "list item"
                   and TITLE in (n.name or ""))
    wait_for(row, "the row's task", named("label", "立案", exact=False))
    rows = todo.findChildren(lambda n: n.roleName == "list item")
    if len(rows) != TODO_N:
        fail("the offline to-do list has %d rows, not the mirror's %d" % (len(rows), TODO_N))
    step("offline, the to-do list is the mirror's: %d rows, and says so" % TODO_N)
    d.screenshot("desk-offline-todo")
    press(wait_for(todo, "the row's open button", lambda n: n.roleName == "push button"
                   and (n.name or "").startswith("打开") and TITLE in (n.name or "")))


def attachment_step(app, case):
    """另存为 offline: the bytes come from the mirror."""
    wait_for(case, "the case from the mirror", named("label", TITLE))
    files = wait_for(case, "the attachments' list", named("list", "附件"))
    press(wait_for(files, "the attachment's 另存为 button", lambda n: n.roleName == "push button"
                   and (n.name or "").startswith("将“" + PDF_NAME)))
    dialog = wait_for(app, "the save dialog", lambda n: n.name == "附件另存为"
                      and n.roleName not in ("push button", "label"))
    time.sleep(1.0)
    location = wait_for(dialog, "the save dialog's name", lambda n: n.roleName == "text"
                        and n.focused)
    d.set_text(location, SAVED)
    press(wait_for(dialog, "the save dialog's save button", starts("push button", "保存")))
    wait_for(case, "the attachment saved", named("label", "已另存为", exact=False))
    step("offline, the attachment was saved from the mirror as " + SAVED)


def refused_step(app, case, relay):
    """A return queued offline, refused once the link is back (the CLI
    registered the case meanwhile), and dropped from the banner."""
    press(wait_for(case, "the return button", starts("push button", "退回修改")))
    reason = wait_for(case, "the field 修改意见", lambda n: n.roleName in ("text", "entry")
                      and (n.name or "").startswith("修改意见"))
    d.set_text(reason, "请补充道路积水点位和整治建议的具体内容。")
    press(wait_for(case, "the return's send button", starts("push button", "确认退回")))
    wait_for(case, "the form's offline note", named("label", "已存入待发送", exact=False))
    wait_for(app, "the outbox's count", named("label", "待发送 1 条"))
    relay.restore()
    rawinput.pressKey("F5")  # the link tried at once, not after its back-off
    step("the link let through again (F5)")
    wait_for(app, "the link back", named("label", "已连接", exact=False))
    refused = wait_for(app, "the refusal in the banner", label_starting("未办理：待发送的"))
    step("the server refused the queued write: " + refused.name)
    drop = wait_for(app, "the banner's drop button", named("push button", "放弃"))
    d.screenshot("desk-refused")
    d.check_on_screen("the refused write's banner", [refused, drop])
    press(drop)
    press(wait_for(app, "the question's yes", named("push button", "确定放弃")))
    wait_for(app, "the drop said", named("label", "已放弃被拒绝的操作", exact=False))
    wait_for(app, "the outbox's count", named("label", "待发送 0 条"))
    if app.findChildren(label_starting("未办理：待发送的")):
        fail("the refusal is still shown after the drop")
    step("the refused write was dropped from the desk")


def export_step(app, pages):
    """导出台账 with the case list's search, to CSV."""
    press(wait_for(app, "the page switcher's 建议列表", named("page tab", "建议列表")))
    cases = pages["建议列表"]
    search = wait_for(cases, "the search", lambda n: (n.name or "") == "搜索建议"
                      and n.roleName in ("text", "entry"))
    d.set_text(search, SEARCH)
    wait_for(cases, "the searched list", named("label", "共 %d 件" % FOUND))
    press(wait_for(app, "the page switcher's 统计", named("page tab", "统计")))
    stats = pages["统计"]
    press(wait_for(stats, "the export button", starts("push button", "导出台账")))
    dialog = wait_for(app, "the save dialog", lambda n: n.name == "导出台账"
                      and n.roleName not in ("push button", "label"))
    said = "只导出建议列表筛选出的建议（搜索：%s）" % SEARCH
    wait_for(dialog, "the dialog's word on the filters", lambda n: (n.name or "").startswith(said))
    time.sleep(1.0)
    location = wait_for(dialog, "the save dialog's name", lambda n: n.roleName == "text"
                        and n.focused)
    d.set_text(location, CSV)
    press(wait_for(dialog, "the save dialog's save button", starts("push button", "保存")))
    done = wait_for(stats, "the export's end", label_starting("台账已导出到"))
    if "搜索：" + SEARCH not in done.name or "共 %d 行" % FOUND not in done.name:
        fail("the export's message does not say %d rows of the search: %s" % (FOUND, done.name))
    step(done.name)


def fail(message):
    d.fail(message)


def main():
    words = dict(w.partition("=")[::2] for w in ENV.split())
    relay = Relay(int(words["JIANYI_SERVER"].rpartition(":")[2]))
    relay.cut()  # the desk starts offline: all it shows is the mirror's
    env = dict(os.environ)
    env.update(words)
    env["JIANYI_SERVER"] = "127.0.0.1:%d" % relay.port
    app = d.start(EXE, env)
    wait_for(app, "the offline banner", named("label", "已离线", exact=False))
    step("the desk started offline")
    stack = wait_for(app, "the page 待办", named("panel", "待办")).parent
    pages = {p.name: p for p in stack.children}
    todo_step(pages["待办"])
    attachment_step(app, pages["建议详情"])
    refused_step(app, pages["建议详情"], relay)
    export_step(app, pages)
    d.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
