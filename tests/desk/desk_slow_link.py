#!/usr/bin/python3
"""jianyi-desk on a slow link: every answer of the server reaches it
DESK_DELAY_MS late (the test relay), and while a request is outstanding
the window must keep drawing. Measured from outside, twice: while the case
list loads (a search) and while an action sends (签收交办). For each, the
answer must have taken the delay (the relay did hold it), and meanwhile

* the desk's frame clock kept ticking: the probe file (DESK_FRAMES, written
  by the desk under JIANYI_DESK_TEST_FRAMES, desk/desk_probe.h) shows no gap
  between two frames longer than half the delay, and frames kept coming;
* it answered accessibility queries (the header's status, one D-Bus call
  to the desk's main loop each) within half the delay.

A main loop blocked on the network shows as a gap of the whole delay.
Run by test_desk_slow_link.c under xvfb-run and dbus-run-session; it reads
DESK_EXE, DESK_TITLE, DESK_FRAMES, DESK_DELAY_MS and DESK_SHOTS."""
import os
import sys
import time

import desk_atspi as d
from desk_atspi import fail, named, starts, step, wait_for

EXE = os.environ["DESK_EXE"]
TITLE = os.environ["DESK_TITLE"]
FRAMES = os.environ["DESK_FRAMES"]
DELAY_S = int(os.environ["DESK_DELAY_MS"]) / 1000.0
BOUND_S = DELAY_S / 2
MIN_FPS = 10  # the frame clock runs at the screen's rate; 10 a second is far below


def probe_lines():
    """The probe's lines: (ms, ticks so far, longest gap in ms)."""
    with open(FRAMES) as f:
        return [tuple(int(x) for x in line.split()) for line in f if len(line.split()) == 3]


def while_outstanding(what, act, root, done_what, done):
    """Acts, then until done holds under root, queries the desk every 0.1 s;
    checks the answer took the delay and the desk kept drawing and
    answering meanwhile."""
    status = d.find(d.app, lambda n: n.roleName == "label" and "已连接" in (n.name or ""))
    if status is None:
        fail("the header's status is not 已连接 before " + what)
    first = len(probe_lines())
    t0 = time.monotonic()
    act()
    worst = 0.0
    while True:
        q0 = time.monotonic()
        _ = status.name  # one round trip to the desk's main loop
        worst = max(worst, time.monotonic() - q0)
        try:
            if d.find(root, done) is not None:
                break
        except Exception:  # the tree changed under the search
            pass
        if time.monotonic() - t0 > d.WAIT_S:
            fail("not on screen after %d s: %s" % (d.WAIT_S, done_what))
        time.sleep(0.1)
    took = time.monotonic() - t0
    time.sleep(0.6)  # the probe's lines up to the answer
    lines = probe_lines()[first:]
    if len(lines) < 2:
        fail("the probe wrote no lines while %s (is JIANYI_DESK_TEST_FRAMES set?)" % what)
    gap_ms = max(line[2] for line in lines)
    frames = lines[-1][1] - lines[0][1]
    span_s = (lines[-1][0] - lines[0][0]) / 1000.0
    step("%s: answered after %.1f s; longest frame gap %d ms, %d frames in %.1f s, "
         "slowest query %.0f ms" % (what, took, gap_ms, frames, span_s, worst * 1000))
    if took < DELAY_S * 0.9:
        fail("%s took %.1f s: the relay did not hold the answer %.1f s" % (what, took, DELAY_S))
    if gap_ms > BOUND_S * 1000:
        fail("the window did not draw for %d ms while %s (bound %d ms): the main loop blocked"
             % (gap_ms, what, BOUND_S * 1000))
    if frames < MIN_FPS * span_s:
        fail("only %d frames in %.1f s while %s" % (frames, span_s, what))
    if worst > BOUND_S:
        fail("an accessibility query took %.0f ms while %s (bound %d ms)"
             % (worst * 1000, what, BOUND_S * 1000))


def main():
    app = d.start(EXE)
    wait_for(app, "the connected status", named("label", "已连接", exact=False))
    step("connected through the slow link")
    tabs = {name: wait_for(app, "the page switcher's " + name, named("page tab", name))
            for name in ("待办", "建议列表")}
    stack = wait_for(app, "the page 待办", named("panel", "待办")).parent
    pages = {p.name: p for p in stack.children}
    todo, cases, case = pages["待办"], pages["建议列表"], pages["建议详情"]

    # the case list loading: a search sends ListSuggestions
    d.press(tabs["建议列表"])
    wait_for(cases, "the case list's first load", named("label", "共 2 件"))
    search = wait_for(cases, "the search", lambda n: (n.name or "") == "搜索建议"
                      and n.roleName in ("text", "entry"))
    while_outstanding("the case list loads", lambda: d.set_text(search, "老旧小区"),
                      cases, "the searched list", named("label", "共 1 件"))
    d.screenshot("desk-slow-cases")
    d.check_on_screen("the case list", [search])

    # an action sending: 签收交办 on the case
    d.press(tabs["待办"])
    d.press(wait_for(todo, "the row's open button",
                     lambda n: n.roleName == "push button" and (n.name or "").startswith("打开")
                     and TITLE in (n.name or "")))
    wait_for(case, "the state 已交办", named("label", "已交办"))
    d.press(wait_for(case, "the accept button", starts("push button", "签收交办")))
    send = wait_for(case, "the form's send button", starts("push button", "确认签收"))
    d.press(wait_for(case, "the confirmation", lambda n: n.roleName == "check box"
                     and "职责范围" in (n.name or "")))
    while_outstanding("the acceptance sends", lambda: d.press(send),
                      case, "the state 已接收", named("label", "已接收"))
    d.screenshot("desk-slow-accepted")
    d.check_on_screen("the accepted case", [send])
    d.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
