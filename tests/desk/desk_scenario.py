#!/usr/bin/python3
"""jianyi-desk driven through its accessibility tree (AT-SPI, dogtail) as a
unit clerk would: the to-do list shows the assignment to accept, and
another one as soon as the office assigns it (a pushed notice), the case
opens, the form refuses to send unconfirmed, then accepts, and the case
view shows the new state in Chinese. Then the clerk fixes the plan (the
form first refuses an empty name and a bad date), records a visit and
attaches a PDF; a desk signed in as the lead deputy and one signed in as
the unit head run side by side: the head saves the PDF elsewhere (另存为)
and replies, and the deputy's to-do list shows the reply to evaluate from
the pushed notice alone. The head's desk keeps a mirror and reaches the
server through a relay of the scenario's own (Relay): before the reply the
relay cuts the link, the desk says 已离线 and shows the case from the
mirror, a telephone call recorded then waits in the outbox (待发送 1 条),
and when the link is back it is sent, once. Run by test_desk.c under xvfb-run and
dbus-run-session; it reads DESK_EXE, DESK_TITLE, DESK_PUSHED (the title of
the case DESK_PUSH_CMD assigns), DESK_HEAD_ENV and DESK_DEPUTY_ENV (the
environment words of the unit head and the deputy), DESK_PDF (the file to
attach), DESK_SAVED (where the head saves it), DESK_PROMISED (a date for
the plan), DESK_SHOTS (a folder for the screenshots) and DESK_SCALE (waits
stretch by it). Exit 0 when every check held."""
import os
import subprocess
import sys
import time

EXE = os.environ["DESK_EXE"]
TITLE = os.environ["DESK_TITLE"]
PUSHED = os.environ["DESK_PUSHED"]
PUSH_CMD = os.environ["DESK_PUSH_CMD"]
SHOTS = os.environ["DESK_SHOTS"]
HEAD_ENV = os.environ["DESK_HEAD_ENV"]
DEPUTY_ENV = os.environ["DESK_DEPUTY_ENV"]
PDF = os.environ["DESK_PDF"]
SAVED = os.environ["DESK_SAVED"]
PROMISED = os.environ["DESK_PROMISED"]
SCALE = int(os.environ.get("DESK_SCALE", "1"))
WAIT_S = 30 * SCALE

from dogtail import config  # noqa: E402

config.logDebugToFile = False
config.logDebugToStdOut = False
config.searchShowingOnly = False  # GTK 4.8 marks few nodes "showing"
config.actionDelay = 0.2
config.defaultDelay = 0.2
from dogtail import rawinput  # noqa: E402
from dogtail import tree  # noqa: E402
import gi  # noqa: E402

gi.require_version("Gdk", "3.0")
from gi.repository import Gdk  # noqa: E402
from desk_atspi import named, off_screen, press, starts, window_of  # noqa: E402
from desk_relay import Relay  # noqa: E402

desk = None
app = None
others = []   # the desks started after the first, ended at the end
other_apps = []  # their nodes on the bus
running = []     # the desks that must not exit


def dump(node, depth=0):
    """What is on screen, for the failure's report."""
    if depth > 40:
        return
    try:
        print("  " * depth + "%s %r" % (node.roleName, node.name), flush=True)
        for child in node.children:
            dump(child, depth + 1)
    except Exception as e:  # a node going away meanwhile
        print("  " * depth + "(%s)" % e)


def fail(message):
    print("desk scenario: FAIL: " + message, flush=True)
    for a in ([app] if app is not None and desk.poll() is None else []) + other_apps:
        print("desk scenario: the accessibility tree:", flush=True)
        dump(a)
    if app is not None:
        screenshot("desk-failure")
    for d in [desk] + others:
        if d is not None and d.poll() is None:
            d.terminate()
    sys.exit(1)


def step(message):
    print("desk scenario: " + message, flush=True)


def desk_application(proc=None):
    """The desk's node on the AT-SPI bus, found by its process id."""
    proc = proc or desk
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            fail("the desk exited with status %d" % proc.returncode)
        for app in tree.root.applications():
            try:
                if app.get_process_id() == proc.pid:
                    return app
            except Exception:  # an application going away meanwhile
                continue
        time.sleep(0.5)
    fail("the desk never appeared on the accessibility bus")


def wait_for(root, what, pred):
    """The first node under root for which pred holds, waiting. Every page
    of the window is in the tree (GTK 4.8 sets no "showing" state on them):
    searches start at the page (pages)."""
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        for d in running:
            if d.poll() is not None:
                fail("a desk exited with status %d while waiting for %s" % (d.returncode, what))
        found = root.findChildren(pred)
        if found:
            return found[0]
        time.sleep(0.3)
    fail("not on screen after %d s: %s" % (WAIT_S, what))


def screenshot(name):
    """The X screen (1366x768, the window fills it) as SHOTS/name.png."""
    root = Gdk.get_default_root_window()
    _, _, width, height = root.get_geometry()
    path = os.path.join(SHOTS, name + ".png")
    Gdk.pixbuf_get_from_window(root, 0, 0, width, height).savev(path, "png", [], [])
    return path


def shot(name):
    time.sleep(1.0)  # the frame after the last change
    step("screenshot " + screenshot(name))


def on_screen(what, nodes):
    """Fails unless the window of nodes fits the screen, with its close
    button and every node of nodes wholly on it (issue #14: a window wider
    than 1366 pixels cut off its right edge)."""
    close = wait_for(window_of(nodes[0]), "the window's close button",
                     lambda n: n.roleName == "push button" and n.name in ("关闭", "Close"))
    why = off_screen([close] + nodes)
    if why is not None:
        fail("%s does not fit the screen: %s" % (what, why))
    step("%s fits the screen" % what)


def pages(app):
    """The window's pages by title: 待办, 建议列表, 建议详情."""
    stack = wait_for(app, "the page 待办", named("panel", "待办")).parent
    return {p.name: p for p in stack.children}


def page(app, title):
    press(wait_for(app, "the page switcher's %s" % title, named("page tab", title)))


def environment_of(words):
    """harness_cli_env's words as a dictionary."""
    return dict(word.partition("=")[::2] for word in words.split())


def start_desk(env_words, server=None):
    """Another desk, signed in with the environment words given (as
    harness_cli_env writes them), and its node on the bus; server: another
    JIANYI_SERVER (a relay)."""
    env = dict(os.environ)
    for word in env_words.split():
        name, _, value = word.partition("=")
        env[name] = value
    if server is not None:
        env["JIANYI_SERVER"] = server
    proc = subprocess.Popen([EXE], env=env)
    others.append(proc)
    running.append(proc)
    node = desk_application(proc)
    other_apps.append(node)
    return proc, node


def set_text(node, text):
    """Fills an entry or a text view through AT-SPI's EditableText. GTK 4.8
    reads an entry's text back as "" whatever it holds, so what was filled
    in is checked by what the desk shows after sending."""
    node.queryEditableText().setTextContents(text)
    time.sleep(0.2)


def field(root, name):
    return wait_for(root, "the field " + name, lambda n: n.roleName in ("text", "entry")
                    and (n.name or "").startswith(name))


def open_from_todo(todo):
    press(wait_for(todo, "the row's open button",
                   lambda n: n.roleName == "push button" and (n.name or "").startswith("打开")
                   and TITLE in (n.name or "")))


def message(case, what, text):
    return wait_for(case, what, named("label", text, exact=False))


def plan_step(case, timeline):
    """确定经办人和办理方案: the checks, then the plan recorded."""
    press(wait_for(case, "the plan button", starts("push button", "确定经办人和办理方案")))
    send = wait_for(case, "the plan's send button", starts("push button", "提交办理方案"))
    press(send)
    message(case, "the plan form's empty name", "请填写经办人姓名")
    set_text(field(case, "经办人姓名"), "刘志军")
    set_text(field(case, "经办人电话"), "0731-8562 2041")
    set_text(field(case, "办理方案"), "会同住建部门对老旧小区道路逐条摸底，分两批修缮，年内完成第一批。")
    set_text(field(case, "承诺办结日期"), "2027-02-30")
    press(send)
    message(case, "the plan form's bad date", "承诺办结日期")
    set_text(field(case, "承诺办结日期"), PROMISED)
    shot("desk-plan")
    on_screen("the plan's form", [send])
    press(send)
    wait_for(case, "the state 办理中", named("label", "办理中"))
    wait_for(case, "the handler among the facts", named("label", "刘志军", exact=False))
    wait_for(timeline, "the timeline's plan sentence", named("label", "确定办理计划", exact=False))
    step("the plan is recorded")


def contact_step(case, timeline):
    """记录办前联系/走访: a day before the assignment, which the server
    refuses (said in Chinese from its reason); then a visit today."""
    summary = "登门拜访王明代表，说明修缮计划，代表同意分批实施。"
    button = wait_for(case, "the contact button", starts("push button", "记录办前联系"))
    press(button)
    send = wait_for(case, "the contact's send button", starts("push button", "提交联系记录"))
    set_text(field(case, "联系日期"), "2020-01-06")
    set_text(field(case, "联系情况"), summary)
    press(send)
    message(case, "the server's refusal in words", "不能早于交办日期")
    step("the server's refusal is said in Chinese")
    press(button)  # the form anew, dated today
    set_text(field(case, "联系情况"), summary)
    press(send)
    wait_for(timeline, "the timeline's visit sentence", named("label", "上门走访", exact=False))
    step("the visit is recorded")


def attach_step(app, case):
    """添加附件: the PDF chosen in the file chooser, sent, listed."""
    name = os.path.basename(PDF)
    press(wait_for(case, "the add-attachment button", starts("push button", "添加附件")))
    # GTK 4.8 shows the dialog as a "filler" named by its title
    dialog = wait_for(app, "the file chooser", lambda n: n.name == "添加附件"
                      and n.roleName not in ("push button", "label"))
    time.sleep(1.0)
    rawinput.keyCombo("<Control>l")
    location = wait_for(dialog, "the file chooser's location", lambda n: n.roleName == "text"
                        and n.focused)
    set_text(location, PDF)
    press(wait_for(dialog, "the file chooser's attach button", starts("push button", "添加")))
    files = wait_for(case, "the attachments' list", named("list", "附件"))
    wait_for(files, "the attachment's row", named("label", name))
    message(case, "the attachment's message", "已添加附件")
    step("the PDF is attached")


def save_as_step(app, case):
    """另存为: the attachment fetched to where the save dialog says."""
    name = os.path.basename(PDF)
    files = wait_for(case, "the attachments' list", named("list", "附件"))
    press(wait_for(files, "the attachment's 另存为 button", lambda n: n.roleName == "push button"
                   and (n.name or "").startswith("将“" + name)))
    dialog = wait_for(app, "the save dialog", lambda n: n.name == "附件另存为"
                      and n.roleName not in ("push button", "label"))
    time.sleep(1.0)
    location = wait_for(dialog, "the save dialog's name", lambda n: n.roleName == "text"
                        and n.focused)
    set_text(location, SAVED)
    press(wait_for(dialog, "the save dialog's save button", starts("push button", "保存")))
    message(case, "the attachment saved", "已另存为")
    step("the head saved the PDF as " + SAVED)


def offline_step(head, head_case, head_timeline, relay):
    """The link cut: 已离线 and the case from the mirror; a telephone call
    recorded into the outbox (待发送 1 条); the link back: sent, once."""
    wait_for(head, "the mirror synced", named("label", "镜像已同步", exact=False))
    relay.cut()
    started = time.monotonic()
    wait_for(head, "the offline banner", named("label", "已离线", exact=False))
    wait_for(head, "the mirror's copy said", named("label", "镜像副本", exact=False))
    wait_for(head_case, "the case from the mirror", named("label", "办理中"))
    step("the link is cut: the desk says so and shows the mirror's copy")
    press(wait_for(head_case, "the contact button offline", starts("push button", "记录办前联系")))
    send = wait_for(head_case, "the contact's send button", starts("push button", "提交联系记录"))
    for way in ("办中", "电话"):
        press(wait_for(head_case, "the choice " + way, lambda n: n.roleName in ("radio button", "check box")
                       and (n.name or "").startswith(way)))
    set_text(field(head_case, "联系情况"), "电话告知王明代表修缮进度，代表表示满意。")
    press(send)
    message(head_case, "the form's offline note", "已存入待发送")
    count = wait_for(head, "the outbox's count", named("label", "待发送 1 条"))
    shot("desk-offline")
    on_screen("the offline desk", [count, send])
    relay.restore()
    wait_for(head, "the link back", named("label", "已连接", exact=False))
    wait_for(head, "the outbox sent", named("label", "待发送 0 条"))
    wait_for(head_timeline, "the call in the timeline", named("label", "办中联系（电话", exact=False))
    calls = head_timeline.findChildren(named("label", "办中联系（电话", exact=False))
    if len(calls) != 1:
        fail("the call made offline is in the timeline %d times" % len(calls))
    step("the link is back: the call was sent, once (%.1f s offline and back)"
         % (time.monotonic() - started))


def reply_step(head_case, head_timeline):
    """答复: class B, the text, signed off by the head."""
    press(wait_for(head_case, "the reply button", starts("push button", "答复代表")))
    press(wait_for(head_case, "the result class B", lambda n: n.roleName in ("radio button", "check box")
                   and (n.name or "").startswith("B类")))
    set_text(field(head_case, "答复内容"), "经研究，老旧小区道路修缮已列入年度计划，分两批实施。")
    shot("desk-reply")
    on_screen("the reply's form",
              [wait_for(head_case, "the reply's send button", starts("push button", "签发答复"))])
    press(wait_for(head_case, "the reply's send button", starts("push button", "签发答复")))
    wait_for(head_case, "the state 已答复", named("label", "已答复"))
    wait_for(head_timeline, "the timeline's reply sentence", named("label", "办理结果为B类", exact=False))
    step("the head signed off the reply")


def main():
    global desk, app
    desk = subprocess.Popen([EXE])
    running.append(desk)
    app = desk_application()
    step("the desk is on the bus as %r" % app.name)

    # header: who is signed in, the server's status
    wait_for(app, "the signed-in clerk", named("label", "甲经办 · 县交通运输局", exact=False))
    wait_for(app, "the connected status", named("label", "已连接", exact=False))

    # 待办: the assignment to accept, with its title and deadline
    p = pages(app)
    todo, cases, case = p["待办"], p["建议列表"], p["建议详情"]
    wait_for(todo, "the to-do row's title", named("label", TITLE))
    wait_for(todo, "the to-do row's task", named("label", "签收交办"))
    wait_for(todo, "the count of 3 items", named("label", "共 3 项待办", exact=False))

    # the office assigns another case: the pushed notice alone brings it
    if subprocess.call(PUSH_CMD, shell=True) != 0:
        fail("the office's assign (the CLI) failed: " + PUSH_CMD)
    wait_for(todo, "the pushed assignment's row", named("label", PUSHED))
    step("the to-do list grew from the pushed notice")
    shot("desk-todo")
    open_button = wait_for(todo, "the row's open button",
                           lambda n: n.roleName == "push button"
                           and (n.name or "").startswith("打开") and TITLE in (n.name or ""))
    on_screen("the to-do list", [open_button])
    press(open_button)

    # the case view: assigned, with the accept button
    wait_for(case, "the case's title", named("label", TITLE))
    wait_for(case, "the state 已交办", named("label", "已交办"))
    timeline = wait_for(case, "the timeline", named("list", "办理过程"))
    wait_for(timeline, "the timeline's assign sentence", named("label", "交办", exact=False))
    press(wait_for(case, "the accept button", starts("push button", "签收交办")))

    # the form checks before sending
    send = wait_for(case, "the form's send button", starts("push button", "确认签收"))
    press(send)
    wait_for(case, "the form's refusal to send unconfirmed", named("label", "请先勾选确认", exact=False))
    step("the form refused to send without the confirmation")
    press(wait_for(case, "the confirmation", lambda n: n.roleName == "check box"
                   and "职责范围" in (n.name or "")))
    shot("desk-case-accept")
    on_screen("the accept form", [send])
    press(send)

    # the new state, in Chinese, on screen
    wait_for(case, "the state 已接收", named("label", "已接收"))
    wait_for(timeline, "the timeline's accept sentence", named("label", "接收交办", exact=False))
    step("the case view shows the case accepted")
    shot("desk-case")
    on_screen("the case view", [wait_for(timeline, "the timeline's accept sentence",
                                              named("label", "接收交办", exact=False))])

    # the case list, and the to-do list without the assignment
    page(app, "建议列表")
    row = wait_for(cases, "the case list's row", named("panel", TITLE))
    wait_for(row, "the case list's new state", named("label", "已接收"))
    wait_for(cases, "the case list's count", named("label", "共 4 件"))
    shot("desk-cases")
    on_screen("the case list", [row])
    # 待办: the case's next task is the plan, no longer the acceptance
    page(app, "待办")
    row = wait_for(todo, "the case's to-do row", lambda n: n.roleName == "list item"
                   and TITLE in (n.name or ""))
    wait_for(row, "the case's next task", named("label", "确定经办人和办理方案"))
    if row.findChildren(named("label", "签收交办")):
        fail("the accepted case still asks to be accepted")
    step("the to-do list now asks for the plan")

    # the plan, the visit and the attachment, on the case view
    open_from_todo(todo)
    wait_for(case, "the state 已接收", named("label", "已接收"))
    plan_step(case, timeline)
    contact_step(case, timeline)
    attach_step(app, case)
    running.remove(desk)
    desk.terminate()
    desk.wait(timeout=10)

    # the deputy's desk and the head's side by side; the head replies
    _, deputy = start_desk(DEPUTY_ENV)
    wait_for(deputy, "the deputy signed in", named("label", "王明", exact=False))
    deputy_todo = pages(deputy)["待办"]
    wait_for(deputy_todo, "the deputy's to-do list", named("label", "共", exact=False))
    if deputy_todo.findChildren(lambda n: n.roleName == "list item" and TITLE in (n.name or "")):
        fail("the deputy has the case to evaluate before any reply")
    relay = Relay(int(environment_of(HEAD_ENV)["JIANYI_SERVER"].rpartition(":")[2]))
    _, head = start_desk(HEAD_ENV, "127.0.0.1:%d" % relay.port)
    wait_for(head, "the head signed in", named("label", "甲局长", exact=False))
    hp = pages(head)
    head_todo, head_case = hp["待办"], hp["建议详情"]
    wait_for(head_todo, "the head's reply task", named("label", "答复代表"))
    open_from_todo(head_todo)
    head_timeline = wait_for(head_case, "the head's timeline", named("list", "办理过程"))
    files = wait_for(head_case, "the attachments' list", named("list", "附件"))
    wait_for(files, "the attachment the clerk sent", named("label", os.path.basename(PDF)))
    save_as_step(head, head_case)
    offline_step(head, head_case, head_timeline, relay)
    reply_step(head_case, head_timeline)

    # the deputy's desk learns of it from the pushed notice alone
    row = wait_for(deputy_todo, "the reply to evaluate on the deputy's desk",
                   lambda n: n.roleName == "list item" and TITLE in (n.name or ""))
    wait_for(row, "the deputy's task", named("label", "评价答复"))
    step("the deputy's desk shows the reply to evaluate, pushed")
    for d in others:
        d.terminate()
        d.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
