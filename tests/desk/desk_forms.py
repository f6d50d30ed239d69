#!/usr/bin/python3
"""jianyi-desk's remaining action forms, and a case view that follows its
case, driven through the accessibility tree (dogtail) as the people would:

1. the government office opens the registered case from its to-do list and
   assigns it by the units' names: a name that fits several units is
   refused by the form (…请填写全称), then 交通运输局 (part of a name) leads
   and 县住房和城乡建设局 co-handles; the case shows 已交办 and the lead unit;
2. with the case open on the office's desk, unit A accepts and asks for 20
   days more with the CLI: the case view follows by itself (the pushed
   notice), showing the request in the timeline and offering 审批延期;
   the office approves it, and the new deadline (read from the server with
   the CLI) is on screen;
3. unit A's clerk disputes the other case: the empty reason is refused by
   the form (请填写异议理由), the filled one taken (交办有异议); then asks for
   10 more days on the first case from the desk (a number in words is
   refused first);
4. unit B's clerk sends its co-handling opinion;
5. the liaison committee merges a submitted case into a registered one,
   written by its number (a number that names no case is refused by the
   form first), and converts another into a letter (the empty reason
   refused first);
6. the lead deputy evaluates a replied case: the attitude 基本满意, the
   result 满意.

Run by test_desk_forms.c under xvfb-run and dbus-run-session; it reads
DESK_EXE, DESK_CLI, DESK_TITLE, DESK_DISPUTED, DESK_ID, DESK_GOV_ENV,
DESK_A_ENV, DESK_B_ENV, DESK_LC_ENV, DESK_DEP_ENV (environment words as
harness_cli_env writes them), DESK_MERGED, DESK_INTO_ID, DESK_CONVERTED,
DESK_REPLIED, DESK_SHOTS and DESK_SCALE."""
import json
import os
import subprocess
import sys

import desk_atspi as d
from desk_atspi import fail, field, message, named, press, starts, step, wait_for

EXE = os.environ["DESK_EXE"]
CLI = os.environ["DESK_CLI"]
TITLE = os.environ["DESK_TITLE"]
DISPUTED = os.environ["DESK_DISPUTED"]
CASE_ID = os.environ["DESK_ID"]


def cli(who, args):
    """The CLI as who (an environment variable's name); its standard output."""
    cmd = "env %s '%s' %s" % (os.environ[who], CLI, args)
    run = subprocess.run(cmd, shell=True, capture_output=True, text=True)
    if run.returncode != 0:
        fail("the CLI failed (%d): %s\n%s" % (run.returncode, cmd, run.stderr))
    return run.stdout


def found(obj, key):
    """The first value of key anywhere in a JSON document."""
    if isinstance(obj, dict):
        if key in obj:
            return obj[key]
        obj = list(obj.values())
    if isinstance(obj, list):
        for v in obj:
            r = found(v, key)
            if r is not None:
                return r
    return None


def desk_as(who):
    return d.desk_as(EXE, who)


def open_case(pages, title):
    press(wait_for(d.app, "the page switcher's 待办", named("page tab", "待办")))
    press(wait_for(pages["待办"], "the to-do row of " + title,
                   lambda n: n.roleName == "push button" and (n.name or "").startswith("打开")
                   and title in (n.name or "")))
    case = pages["建议详情"]
    wait_for(case, "the case " + title, named("label", title))
    return case, wait_for(case, "the timeline", named("list", "办理过程"))


def set_text(node, text):
    d.set_text(node, text)


def assign(case):
    """交办: the units by name; a name that fits several is refused."""
    press(wait_for(case, "the assign button", starts("push button", "交办承办单位")))
    send = wait_for(case, "the assignment's send button", starts("push button", "确认交办"))
    set_text(field(case, "主办单位"), "县")
    press(send)
    message(case, "the refusal of a name that fits several units", "请填写全称")
    step("a name that fits several units is refused by the form")
    set_text(field(case, "主办单位"), "交通运输局")
    set_text(field(case, "协办单位"), "县住房和城乡建设局")
    d.screenshot("desk-assign")
    d.check_on_screen("the assignment's form", [send])
    press(send)
    wait_for(case, "the state 已交办", named("label", "已交办"))
    wait_for(case, "the lead unit among the facts", named("label", "县交通运输局"))
    wait_for(case, "the co-handling unit among the facts", named("label", "县住房和城乡建设局"))
    step("the office assigned the case by the units' names")


def follow_and_approve(case, timeline):
    """The CLI acts on the open case; the view follows; 审批延期."""
    cli("DESK_A_ENV", "accept %s" % CASE_ID)
    cli("DESK_A_ENV", "extend %s --days 20 --reason '涉及多个部门协调，需延长办理时间'" % CASE_ID)
    wait_for(timeline, "the CLI's extension request, followed live",
             named("label", "申请延期 20 天", exact=False))
    decide = wait_for(case, "审批延期, offered live", starts("push button", "审批延期申请"))
    step("the case view followed the CLI's acts by itself")
    press(decide)
    message(case, "the request in the form", "申请延期 20 天：涉及多个部门协调")
    send = wait_for(case, "the decision's send button", starts("push button", "提交审批意见"))
    d.check_on_screen("the decision's form", [send])
    press(send)
    wait_for(timeline, "the approval's sentence", named("label", "批准延期", exact=False))
    deadline = found(json.loads(cli("DESK_GOV_ENV", "show %s --json" % CASE_ID)),
                     "reply_deadline")
    if not deadline:
        fail("the CLI's show --json names no reply_deadline")
    wait_for(case, "the new deadline " + deadline, named("label", deadline, exact=False))
    step("the office approved the extension: the deadline is now %s" % deadline)


def dispute(pages):
    """提出异议: refused empty by the form, then taken."""
    case, _ = open_case(pages, DISPUTED)
    press(wait_for(case, "the dispute button", starts("push button", "对交办提出异议")))
    send = wait_for(case, "the dispute's send button", starts("push button", "提交异议"))
    press(send)
    message(case, "the empty reason refused", "请填写异议理由")
    step("the empty reason is refused by the form")
    set_text(field(case, "异议理由"), "排水管网改造属住房和城乡建设部门职责，请重新交办。")
    press(send)
    wait_for(case, "the state 交办有异议", named("label", "交办有异议"))
    step("the unit disputed the assignment")


def extend(pages):
    """申请延期 from the desk: days in words refused, then 10 days."""
    case, timeline = open_case(pages, TITLE)
    press(wait_for(case, "the extension button", starts("push button", "申请延期")))
    send = wait_for(case, "the request's send button", starts("push button", "提交延期申请"))
    set_text(field(case, "延期天数"), "十天")
    set_text(field(case, "延期理由"), "需等待县财政预算批复。")
    press(send)
    message(case, "the days in words refused", "之间的整数")
    set_text(field(case, "延期天数"), "10")
    press(send)
    wait_for(timeline, "the desk's extension request", named("label", "申请延期 10 天", exact=False))
    step("the lead unit asked for an extension from the desk")


def opinion(pages):
    case, timeline = open_case(pages, TITLE)
    press(wait_for(case, "the opinion button", starts("push button", "提交协办意见")))
    send = wait_for(case, "the opinion's send button", starts("push button", "确认提交协办意见"))
    set_text(field(case, "协办意见"), "我局同意主办单位的办理方案，将配合做好占道整治。")
    press(send)
    wait_for(timeline, "the opinion's sentence", named("label", "提交协办意见", exact=False))
    step("the co-handling unit sent its opinion")


def merge(pages):
    """合并: the other case by its number; a number of no case refused."""
    number = found(json.loads(cli("DESK_LC_ENV", "show %s --json" % os.environ["DESK_INTO_ID"])),
                   "number")
    if not number:
        fail("the CLI's show --json names no number for the case merged into")
    case, timeline = open_case(pages, os.environ["DESK_MERGED"])
    press(wait_for(case, "the merge button", starts("push button", "并入其他建议")))
    send = wait_for(case, "the merging's send button", starts("push button", "确认并案"))
    set_text(field(case, "并入的建议编号"), "99-9-999")
    message(case, "a number of no case, said under it", "没有编号为")
    set_text(field(case, "并案理由"), "两件建议内容相同，并案办理。")
    press(send)
    message(case, "a number of no case refused", "没有编号为")
    step("a number that names no case is refused by the form")
    set_text(field(case, "并入的建议编号"), number)
    message(case, "the case found, under the number", number)
    d.screenshot("desk-merge")
    d.check_on_screen("the merging's form", [send])
    press(send)
    wait_for(case, "the state 已并案", named("label", "已并案"))
    wait_for(timeline, "the merging's sentence", named("label", "并案", exact=False))
    step("the liaison committee merged the case into %s" % number)


def convert(pages):
    """转为…: a letter; the empty reason refused first."""
    case, timeline = open_case(pages, os.environ["DESK_CONVERTED"])
    press(wait_for(case, "the convert button", starts("push button", "转换")))
    send = wait_for(case, "the conversion's send button", starts("push button", "确认转换"))
    press(wait_for(case, "the kind 来信", lambda n: n.roleName in ("radio button", "check box")
                   and n.name == "来信"))
    press(send)
    message(case, "the empty reason refused", "请填写转换理由")
    set_text(field(case, "转换理由"), "所提事项属个人诉求，转为来信办理。")
    press(send)
    wait_for(case, "the state 已转换", named("label", "已转换"))
    step("the liaison committee converted the case into a letter")


def evaluate(pages):
    """评价答复: attitude 基本满意 (the first row), result 满意."""
    case, _ = open_case(pages, os.environ["DESK_REPLIED"])
    press(wait_for(case, "the evaluate button", starts("push button", "评价答复")))
    send = wait_for(case, "the evaluation's send button", starts("push button", "提交评价"))
    press(wait_for(case, "the attitude 基本满意", lambda n: n.roleName in ("radio button", "check box")
                   and n.name == "基本满意"))
    set_text(field(case, "意见"), "答复及时，希望尽快落实。")
    d.check_on_screen("the evaluation's form", [send])
    press(send)
    wait_for(case, "the state 已评价", named("label", "已评价"))
    step("the deputy evaluated the reply")


def main():
    pages = desk_as("DESK_GOV_ENV")
    case, timeline = open_case(pages, TITLE)
    assign(case)
    follow_and_approve(case, timeline)
    d.stop()

    pages = desk_as("DESK_A_ENV")
    dispute(pages)
    extend(pages)
    d.stop()

    pages = desk_as("DESK_B_ENV")
    opinion(pages)
    d.stop()

    pages = desk_as("DESK_LC_ENV")
    merge(pages)
    convert(pages)
    d.stop()

    pages = desk_as("DESK_DEP_ENV")
    evaluate(pages)
    d.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
