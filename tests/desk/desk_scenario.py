#!/usr/bin/python3
"""jianyi-desk driven through its accessibility tree (AT-SPI, dogtail) as a
unit clerk would: the to-do list shows the assignment to accept, and
another one as soon as the office assigns it (a pushed notice), the case
opens, the form refuses to send unconfirmed, then accepts, and the case
view shows the new state in Chinese. Run by test_desk.c under xvfb-run and
dbus-run-session; it reads DESK_EXE, DESK_TITLE, DESK_PUSHED (the title
of the case DESK_PUSH_CMD assigns), DESK_SHOTS (a folder for the
screenshots) and DESK_SCALE (waits stretch by it). Exit 0 when every
check held."""
import os
import subprocess
import sys
import time

EXE = os.environ["DESK_EXE"]
TITLE = os.environ["DESK_TITLE"]
PUSHED = os.environ["DESK_PUSHED"]
PUSH_CMD = os.environ["DESK_PUSH_CMD"]
SHOTS = os.environ["DESK_SHOTS"]
SCALE = int(os.environ.get("DESK_SCALE", "1"))
WAIT_S = 30 * SCALE

from dogtail import config  # noqa: E402

config.logDebugToFile = False
config.logDebugToStdOut = False
config.searchShowingOnly = False  # GTK 4.8 marks few nodes "showing"
config.actionDelay = 0.2
config.defaultDelay = 0.2
from dogtail import tree  # noqa: E402
import gi  # noqa: E402

gi.require_version("Gdk", "3.0")
from gi.repository import Gdk  # noqa: E402

desk = None
app = None


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
    if app is not None:
        print("desk scenario: the accessibility tree:", flush=True)
        dump(app)
        screenshot("desk-failure")
    if desk is not None and desk.poll() is None:
        desk.terminate()
    sys.exit(1)


def step(message):
    print("desk scenario: " + message, flush=True)


def desk_application():
    """The desk's node on the AT-SPI bus, found by its process id."""
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        if desk.poll() is not None:
            fail("the desk exited with status %d" % desk.returncode)
        for app in tree.root.applications():
            try:
                if app.get_process_id() == desk.pid:
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
        if desk.poll() is not None:
            fail("the desk exited with status %d while waiting for %s" % (desk.returncode, what))
        found = root.findChildren(pred)
        if found:
            return found[0]
        time.sleep(0.3)
    fail("not on screen after %d s: %s" % (WAIT_S, what))


def named(role, text, exact=True):
    def pred(n):
        name = n.name or ""
        return n.roleName == role and (name == text if exact else text in name)
    return pred


def starts(role, text):
    """A button's name is its accessible label, then its label's text."""
    return lambda n: n.roleName == role and (n.name or "").startswith(text)


def press(node):
    """Activates a button or check box as a screen reader user would."""
    for name in ("click", "press", "activate", "toggle"):
        try:
            node.doActionNamed(name)
            return
        except Exception:
            continue
    node.click()


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


def pages(app):
    """The window's pages by title: 待办, 建议列表, 建议详情."""
    stack = wait_for(app, "the page 待办", named("panel", "待办")).parent
    return {p.name: p for p in stack.children}


def page(app, title):
    press(wait_for(app, "the page switcher's %s" % title, named("page tab", title)))


def main():
    global desk, app
    desk = subprocess.Popen([EXE])
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
    press(wait_for(todo, "the row's open button",
                   lambda n: n.roleName == "push button" and (n.name or "").startswith("打开")
                   and TITLE in (n.name or "")))

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
    press(send)

    # the new state, in Chinese, on screen
    wait_for(case, "the state 已接收", named("label", "已接收"))
    wait_for(timeline, "the timeline's accept sentence", named("label", "接收交办", exact=False))
    step("the case view shows the case accepted")
    shot("desk-case")

    # the case list, and the to-do list without the assignment
    page(app, "建议列表")
    row = wait_for(cases, "the case list's row", named("panel", TITLE))
    wait_for(row, "the case list's new state", named("label", "已接收"))
    wait_for(cases, "the case list's count", named("label", "共 4 件"))
    shot("desk-cases")
    # 待办: the case's next task is the plan, no longer the acceptance
    page(app, "待办")
    row = wait_for(todo, "the case's to-do row", lambda n: n.roleName == "list item"
                   and TITLE in (n.name or ""))
    wait_for(row, "the case's next task", named("label", "确定经办人和办理方案"))
    if row.findChildren(named("label", "签收交办")):
        fail("the accepted case still asks to be accepted")
    step("the to-do list now asks for the plan")
    desk.terminate()
    desk.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
