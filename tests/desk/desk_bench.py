#!/usr/bin/python3
"""The desk benchmark (docs/BENCHMARKS.md, "The desk"): starts jianyi-desk
signed in as the liaison officer, who sees every one of DESK_CASES cases,
and measures from the moment it is started

* the first frame, and the first frame with the to-do list's rows painted;
* the case list scrolled to its end: its page shown, a row clicked, then
  the End key pressed (as a person would) until every page is in and the
  last row is painted. The desk's part of it is the time to its first
  case page plus the time from the first End to the last row; the
  driver's own search for the tab and the row through AT-SPI (seconds
  under dogtail) between the two is told apart, not counted;
* the desk's memory (VmRSS, VmHWM of /proc/PID/status) with the to-do list
  and the case list's first page, again with the case list shown, and
  with every case loaded; the memory per row is the growth from the list
  shown to every case loaded.

The times come from the desk's own probe marks (desk/desk_probe.h: lines
"<ms> mark <what>" in DESK_FRAMES, on the CLOCK_MONOTONIC this script
reads too), written after the frame that painted them, not guessed from
outside. Run by tests/bench/bench_desk.c under xvfb-run and
dbus-run-session; it reads DESK_EXE, DESK_FRAMES and DESK_CASES."""
import os
import sys
import time

from dogtail import config, rawinput

import desk_atspi as d
from desk_atspi import fail, named, step, wait_for

EXE = os.environ["DESK_EXE"]
FRAMES = os.environ["DESK_FRAMES"]
CASES = int(os.environ["DESK_CASES"])
PAGE = 200          # desk/desk_case_model.c's page
NO_MARK_S = 5.0     # an End without a new mark this long is pressed again
SETTLE_S = 0.5      # before reading the memory

config.typingDelay = 0.0


class Marks:
    """The probe's marks, read as the file grows: (ms, [words])."""

    def __init__(self):
        self.seen = []
        self.at = 0

    def read(self):
        try:
            with open(FRAMES, "rb") as f:
                f.seek(self.at)
                data = f.read()
        except FileNotFoundError:
            return
        end = data.rfind(b"\n") + 1  # a line still being written waits
        self.at += end
        for line in data[:end].decode().splitlines():
            words = line.split()
            if len(words) >= 4 and words[1] == "mark":
                self.seen.append((int(words[0]), words[2:]))

    def wait(self, what, pred, since=0, wait_s=None):
        """The first mark from index since on for which pred holds, with
        its index; None after wait_s (fails after WAIT_S when not given)."""
        deadline = time.monotonic() + (wait_s or d.WAIT_S)
        while time.monotonic() < deadline:
            self.read()
            for i in range(since, len(self.seen)):
                if pred(self.seen[i][1]):
                    return i, self.seen[i]
            if d.desk.poll() is not None:
                fail("the desk exited with status %d while waiting for %s"
                     % (d.desk.returncode, what))
            time.sleep(0.02)
        if wait_s is None:
            fail("no mark '%s' after %d s" % (what, d.WAIT_S))
        return None


def is_mark(*head):
    return lambda words: words[:len(head)] == list(head)


def memory_kib(pid):
    """VmRSS and VmHWM of the process, KiB."""
    got = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                got[key] = int(value.split()[0])
    return got["VmRSS"], got["VmHWM"]


def scroll_to_end(marks, since):
    """Presses End until the last row is painted; the mark and the presses."""
    presses = 0
    deadline = time.monotonic() + d.WAIT_S * max(1, CASES // 2000)
    while time.monotonic() < deadline:
        rawinput.pressKey("End")
        presses += 1
        got = marks.wait("a case page or the list's end",
                         lambda w: w[:2] == ["cases", "painted"] or w[:3] == ["cases", "end", "painted"],
                         since, NO_MARK_S)
        if got is None:
            continue  # the key came before the list had the focus: again
        since = got[0] + 1
        if got[1][1][:3] == ["cases", "end", "painted"]:
            return got[1], presses
    fail("the case list did not reach its end after %d presses of End" % presses)


def main():
    marks = Marks()
    t0 = time.monotonic() * 1000
    app = d.start(EXE)
    pid = d.desk.pid
    _, first = marks.wait("first frame", is_mark("first", "frame"))
    _, todo = marks.wait("todo painted with rows",
                         lambda w: w[:2] == ["todo", "painted"] and int(w[2]) > 0)
    _, page1 = marks.wait("cases painted (the first page)", is_mark("cases", "painted"))
    step("first frame %.0f ms, to-do list (%s rows) painted %.0f ms, first case page %.0f ms"
         " after the start" % (first[0] - t0, todo[1][2], todo[0] - t0, page1[0] - t0))
    time.sleep(SETTLE_S)
    rss0, hwm0 = memory_kib(pid)
    loaded0 = int(page1[1][2])

    # the case list: its tab, a row clicked (the list takes the focus), End
    d.press(wait_for(app, "the page switcher's 建议列表", named("page tab", "建议列表")))
    stack = wait_for(app, "the page 待办", named("panel", "待办")).parent
    cases = [p for p in stack.children if p.name == "建议列表"][0]
    row = wait_for(cases, "a row of the case list", lambda n: n.roleName == "list item")
    x, y, w, h = d.extents(row)
    rawinput.click(x + w // 2, y + h // 2)
    time.sleep(SETTLE_S)
    rss_shown, _ = memory_kib(pid)
    t_scroll = time.monotonic() * 1000
    marks.read()
    end, presses = scroll_to_end(marks, len(marks.seen))
    rows = int(end[1][3])
    if rows != CASES:
        fail("the list ended after %d rows, not the %d cases the officer sees" % (rows, CASES))
    scroll_ms = end[0] - t_scroll
    list_end_ms = page1[0] - t0 + scroll_ms
    step("the list's end (%d rows) painted %.1f s after the start: the first page %.1f s, then"
         " %.1f s from the first End (%d presses); with the driver's AT-SPI search %.1f s"
         % (rows, list_end_ms / 1000, (page1[0] - t0) / 1000, scroll_ms / 1000, presses,
            (end[0] - t0) / 1000))
    time.sleep(SETTLE_S)
    rss1, hwm1 = memory_kib(pid)
    per_row = (rss1 - rss_shown) * 1024.0 / max(1, rows - loaded0)
    step("memory: VmRSS %d KiB, VmHWM %d KiB with the first page (%d rows); VmRSS %d KiB with"
         " the list shown; VmRSS %d KiB, VmHWM %d KiB with %d rows: %.0f bytes a row"
         % (rss0, hwm0, loaded0, rss_shown, rss1, hwm1, rows, per_row))
    d.screenshot("desk-bench-end")
    print("RESULT side=desk cases=%d todo_rows=%s start_first_frame_ms=%.0f start_todo_painted_ms=%.0f"
          " start_first_page_ms=%.0f start_list_end_ms=%.0f scroll_ms=%.0f pages=%d"
          " with_driver_ms=%.0f rss_before_kib=%d hwm_before_kib=%d rss_shown_kib=%d"
          " rss_after_kib=%d hwm_after_kib=%d per_row_bytes=%.0f"
          % (CASES, todo[1][2], first[0] - t0, todo[0] - t0, page1[0] - t0, list_end_ms, scroll_ms,
             (rows + PAGE - 1) // PAGE, end[0] - t0, rss0, hwm0, rss_shown, rss1, hwm1, per_row),
          flush=True)
    d.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
