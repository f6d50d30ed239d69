"""What desk_enroll.py and desk_slow_link.py share: starting jianyi-desk,
finding it on the AT-SPI bus, waiting for what it shows, acting on it as a
person would (dogtail), and failing with the accessibility tree and a
screenshot. The scripts run under xvfb-run and dbus-run-session (see
test_desk_enroll.c and test_desk_slow_link.c)."""
import os
import subprocess
import sys
import time

from dogtail import config

config.logDebugToFile = False
config.logDebugToStdOut = False
config.searchShowingOnly = False  # GTK 4.8 marks few nodes "showing"
config.actionDelay = 0.2
config.defaultDelay = 0.2
from dogtail import tree  # noqa: E402
import gi  # noqa: E402

gi.require_version("Gdk", "3.0")
from gi.repository import Gdk  # noqa: E402

SCALE = int(os.environ.get("DESK_SCALE", "1"))
WAIT_S = 40 * SCALE
SHOTS = os.environ.get("DESK_SHOTS", "")
NAME = os.environ.get("DESK_NAME", "desk")

desk = None  # the desk's process
app = None   # its node on the bus


def step(message):
    print("%s: %s" % (NAME, message), flush=True)


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


def screenshot(name):
    """The X screen as SHOTS/name.png (nothing without SHOTS)."""
    if not SHOTS:
        return None
    root = Gdk.get_default_root_window()
    _, _, width, height = root.get_geometry()
    path = os.path.join(SHOTS, name + ".png")
    Gdk.pixbuf_get_from_window(root, 0, 0, width, height).savev(path, "png", [], [])
    return path


def screen_size():
    """The X screen's width and height (1366x768 under the tests' xvfb-run)."""
    _, _, width, height = Gdk.get_default_root_window().get_geometry()
    return width, height


def extents(node):
    """x, y, width, height of a node. GTK 4.8 gives them relative to the
    desk's window (it warns that it knows no screen coordinates); the
    window itself, unmanaged under Xvfb, sits at the screen's top left."""
    e = node.queryComponent().getExtents(0)
    return e.x, e.y, e.width, e.height


def window_of(node):
    while node is not None and node.roleName != "frame":
        node = node.parent
    return node


def off_screen(nodes):
    """Why one of nodes is not wholly on the screen (its window wider or
    taller than the screen, or the node past the screen's edge), else None.
    Every screen of the desk must fit 1366x768."""
    width, height = screen_size()
    for node in nodes:
        frame = window_of(node)
        if frame is None:
            return "%s %r is in no window" % (node.roleName, node.name)
        _, _, fw, fh = extents(frame)
        if fw > width or fh > height:
            return "the window %r is %dx%d, larger than the %dx%d screen" % (
                frame.name, fw, fh, width, height)
        x, y, w, h = extents(node)
        if x < 0 or y < 0 or x + w > width or y + h > height or w <= 0 or h <= 0:
            return "%s %r lies at %d,%d %dx%d, not wholly on the %dx%d screen" % (
                node.roleName, node.name, x, y, w, h, width, height)
    return None


def close_button(window):
    """The header bar's close button (GTK names it 关闭 in Chinese)."""
    return wait_for(window, "the window's close button",
                    lambda n: n.roleName == "push button" and n.name in ("关闭", "Close"))


def check_on_screen(what, nodes, header_bar=True):
    """Fails unless the window of nodes fits the screen, with every node of
    nodes wholly on it, and its close button when it has a header bar (the
    enrollment window has none: its title bar is the window manager's)."""
    if header_bar:
        nodes = [close_button(window_of(nodes[0]))] + nodes
    why = off_screen(nodes)
    if why is not None:
        fail("%s does not fit the screen: %s" % (what, why))
    step("%s fits the screen" % what)


def fail(message):
    print("%s: FAIL: %s" % (NAME, message), flush=True)
    if app is not None:
        print("%s: the accessibility tree:" % NAME, flush=True)
        dump(app)
        screenshot(NAME + "-failure")
    stop()
    sys.exit(1)


def start(exe, env=None):
    """Starts the desk and finds its node on the bus by its process id."""
    global desk, app
    desk = subprocess.Popen([exe], env=env)
    app = None
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        if desk.poll() is not None:
            fail("the desk exited with status %d" % desk.returncode)
        for a in tree.root.applications():
            try:
                if a.get_process_id() == desk.pid:
                    app = a
                    return app
            except Exception:  # an application going away meanwhile
                continue
        time.sleep(0.5)
    fail("the desk never appeared on the accessibility bus")


def stop():
    if desk is not None and desk.poll() is None:
        desk.terminate()
        try:
            desk.wait(timeout=10)
        except subprocess.TimeoutExpired:
            desk.kill()


def find(root, pred):
    found = root.findChildren(pred)
    return found[0] if found else None


def wait_for(root, what, pred, wait_s=None):
    """The first node under root for which pred holds, waiting."""
    deadline = time.monotonic() + (wait_s or WAIT_S)
    while time.monotonic() < deadline:
        if desk.poll() is not None:
            fail("the desk exited with status %d while waiting for %s" % (desk.returncode, what))
        try:
            node = find(root, pred)
        except Exception:  # the tree changed under the search
            node = None
        if node is not None:
            return node
        time.sleep(0.3)
    fail("not on screen after %d s: %s" % (wait_s or WAIT_S, what))


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


def set_text(node, text):
    """Replaces an entry's text through its EditableText interface. (GTK
    4.8's Text interface reads an entry back as "", so the effect is what
    the desk does with it, not the node's text.)"""
    try:
        ok = node.queryEditableText().setTextContents(text)
    except Exception as e:
        fail("cannot set the text of %r: %s" % (node.name, e))
    if not ok:
        fail("the desk refused the text %r for %r" % (text, node.name))


def env_of(words):
    """The environment with the words NAME=VALUE (a test's DESK_*_ENV) set."""
    env = dict(os.environ)
    for word in words.split():
        name, _, value = word.partition("=")
        env[name] = value
    return env


def desk_as(exe, who):
    """A desk signed in with the settings in the variable who; its pages by name."""
    app = start(exe, env_of(os.environ[who]))
    wait_for(app, "the connected status", named("label", "已连接", exact=False))
    stack = wait_for(app, "the page 待办", named("panel", "待办")).parent
    return {p.name: p for p in stack.children}


def field(root, name):
    """The text field whose accessible name starts with name."""
    return wait_for(root, "the field " + name, lambda n: n.roleName in ("text", "entry")
                    and (n.name or "").startswith(name))


def message(root, what, text):
    """The label that contains text (a form's message)."""
    return wait_for(root, what, named("label", text, exact=False))
